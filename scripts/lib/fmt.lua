-- fmt: numbers and lists as Indonesian readers write them (decimal comma), and the one
-- rounding rule every instrument uses, so a score shown in a report is the score stored.
local fmt = {}

-- Rounds x to `places` decimals (default 2), halves away from zero. The small nudge absorbs
-- binary noise: 83.325 is stored as 83.32499999..., and a board checking by hand expects 83.33.
function fmt.round(x, places)
  local f = 10 ^ (places or 2)
  if x < 0 then return -fmt.round(-x, places) end
  return math.floor(x * f + 0.5 + 1e-9) / f
end

-- "12,50": fixed decimals with a decimal comma.
function fmt.num(x, places)
  local s = string.format("%." .. (places or 2) .. "f", fmt.round(x, places or 2))
  return (s:gsub("%.", ","))
end

-- "15", "12,5", "4,25": at most `places` decimals (default 2), trailing zeros dropped.
function fmt.short(x, places)
  local s = string.format("%." .. (places or 2) .. "f", fmt.round(x, places or 2))
  if s:find("%.") then s = s:gsub("0+$", ""):gsub("%.$", "") end
  return (s:gsub("%.", ","))
end

-- "83%": part of whole as a whole percentage; "0%" when whole is 0.
function fmt.pct(part, whole)
  if whole == nil or whole <= 0 then return "0%" end
  return string.format("%d%%", math.floor(part / whole * 100 + 0.5 + 1e-9))
end

-- "S1.03, S1.05"
function fmt.list(ids)
  return table.concat(ids, ", ")
end

return fmt
