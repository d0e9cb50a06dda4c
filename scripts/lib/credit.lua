-- credit: what one answer is worth, and whether it fails its item's gate.
--
-- Generic over every pantau checklist (see checklists/README.md for the item and answer
-- shapes). Credit is a number in [0, 1]:
--   yesno   1 if the answer equals the item's `expect` (default "ya"), else 0
--   scale   (level - 1) / (levels - 1): partial credit for the levels in between
--   choice  the chosen value's score
--   count, number, text, date, evidence: not scored here. A script that wants to score a
--           count or number item passes a custom function for it (see credit.item).
local credit = {}

-- The answer's state: "na" (tidak berlaku), "unanswered" or "answered".
function credit.state(answer)
  if answer == nil then return "unanswered" end
  if answer.na then return "na" end
  if answer.value == nil then return "unanswered" end
  return "answered"
end

-- The boolean a yesno item expects. The checklist may say "ya"/"tidak" (or a boolean).
function credit.expected_yes(item)
  local e = item.expect
  if e == nil or e == true or e == "ya" or e == "yes" then return true end
  return false
end

local builtin = {
  yesno = function(item, value)
    return (value == credit.expected_yes(item)) and 1 or 0
  end,
  scale = function(item, value)
    local top = item.levels or 1
    if top < 2 then return 0 end
    local c = (value - 1) / (top - 1)
    if c < 0 then return 0 elseif c > 1 then return 1 end
    return c
  end,
  choice = function(item, value)
    local c = item.choices and item.choices[value] or 0
    return c
  end,
}

-- 1 if the item counts towards a section's maximum: a built-in scored type with a weight,
-- or any type the script scores itself (custom[item.id]) and that has a weight.
function credit.is_scored(item, custom)
  local w = item.weight or 0
  if w <= 0 then return false end
  if custom and custom[item.id] then return true end
  return builtin[item.type] ~= nil
end

-- Credit in [0, 1] of an answered item, or nil when the item is not scored.
-- custom: optional { [item_id] = function(item, answer) return credit end }.
function credit.item(item, answer, custom)
  if not credit.is_scored(item, custom) then return nil end
  if credit.state(answer) ~= "answered" then return 0 end
  local fn = custom and custom[item.id]
  if fn then
    local c = fn(item, answer)
    if type(c) ~= "number" or c ~= c then
      error("kredit khusus untuk " .. item.id .. " bukan angka")
    end
    return math.max(0, math.min(1, c))
  end
  return builtin[item.type](item, answer.value)
end

-- Whether an answered gate item fails its gate (README, "Items"): a yesno answer other than
-- `expect`, a scale level below `pass_level`, a choice whose score is 0. Returns nil when
-- the item has no gate or is N/A or unanswered (those are the caller's to report).
function credit.gate_failed(item, answer)
  if not item.gate or credit.state(answer) ~= "answered" then return nil end
  local value = answer.value
  if item.type == "yesno" then
    return value ~= credit.expected_yes(item)
  elseif item.type == "scale" then
    return item.pass_level ~= nil and value < item.pass_level
  elseif item.type == "choice" then
    return (item.choices and item.choices[value] or 0) == 0
  end
  return false
end

return credit
