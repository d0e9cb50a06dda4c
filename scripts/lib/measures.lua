-- measures: derived measures from count and number answers (ratios, shares, shortfalls) and
-- their check against a threshold that the checklist names in its <params>.
--
-- Generic over every pantau checklist. Inputs are plain numbers or nil (nil: the answer is
-- missing, N/A or not a number; instrument.number gives exactly that). Each function returns
-- a measure, a table with a status:
--   { status = "ok", value = x }              the measure could be computed
--   { status = "kurang_data" }                an input is nil: nothing can be said
--   { status = "tidak_wajar", reason = s }    the inputs cannot both be true (a count below 0,
--                                             a division by 0, a part larger than its whole);
--                                             reason is a Bahasa Indonesia phrase such as
--                                             "pembagi bernilai 0"
-- No function ever divides by zero, so a script never sees inf or nan: a caller turns
-- "tidak_wajar" into a DATA_TIDAK_WAJAR flag (naming its own item ids) and moves on.
--
--   measures.ratio(num, den)       num / den                 (e.g. children per caregiver)
--   measures.share(part, whole)    part / whole, in [0, 1]   (e.g. children without a birth
--                                                             certificate among all children)
--   measures.shortfall(have, need) max(0, need - have)       (e.g. cupboards still missing)
--   measures.meets(m, limit, dir)  true/false for an "ok" measure against limit: dir "min"
--                                  passes at or above it, "max" at or below; nil otherwise
--   measures.param(checklist, id)  the number of v.checklist.params[id]; an error naming the
--                                  parameter when the checklist lacks it (a checklist/script
--                                  mismatch must never score silently)
local measures = {}

-- Tolerance for comparing decimals read from visit files (4,5 must meet a limit of 4.5).
local EPS = 1e-9

local function ok(x) return { status = "ok", value = x } end
local function missing() return { status = "kurang_data" } end
local function wrong(reason) return { status = "tidak_wajar", reason = reason } end

function measures.ratio(num, den)
  if num == nil or den == nil then return missing() end
  if num < 0 or den < 0 then return wrong("nilai negatif") end
  if den == 0 then return wrong("pembagi bernilai 0") end
  return ok(num / den)
end

function measures.share(part, whole)
  if part == nil or whole == nil then return missing() end
  if part < 0 or whole < 0 then return wrong("nilai negatif") end
  if whole == 0 then return wrong("jumlah keseluruhan bernilai 0") end
  if part > whole + EPS then return wrong("bagian melebihi jumlah keseluruhan") end
  return ok(part / whole)
end

function measures.shortfall(have, need)
  if have == nil or need == nil then return missing() end
  if have < 0 or need < 0 then return wrong("nilai negatif") end
  return ok(math.max(0, need - have))
end

function measures.meets(m, limit, dir)
  if m == nil or m.status ~= "ok" then return nil end
  if dir == "min" then return m.value >= limit - EPS end
  if dir == "max" then return m.value <= limit + EPS end
  error("arah batas tidak dikenal: " .. tostring(dir) .. " (pakai \"min\" atau \"max\")")
end

function measures.param(checklist, id)
  local value = checklist and checklist.params and checklist.params[id]
  if type(value) ~= "number" then
    -- level 2: the message points at the script line that asked for the parameter
    error("parameter " .. tostring(id) .. " tidak ada di daftar periksa", 2)
  end
  return value
end

return measures
