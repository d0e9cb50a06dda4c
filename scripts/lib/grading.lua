-- grading: a grade from the checklist's bands, and caps that lower it.
--
-- Bands come highest first (v.checklist.bands). The grade is the highest band whose min is
-- at or below the total; below every band it is "" (the checklist's fail label). A cap is a
-- band's grade ("C": no better than C) or "none" (no grade at all).
local grading = {}

-- Position of a grade among the bands: 1 for the best; #bands + 1 for "" and "none".
-- An unknown grade is an error in the checklist or the script, never silently ignored.
function grading.rank(grade, bands)
  if grade == "" or grade == "none" or grade == nil then return #bands + 1 end
  for i, band in ipairs(bands) do
    if band.grade == grade then return i end
  end
  error("peringkat tidak dikenal: " .. tostring(grade))
end

-- The grade for a total.
function grading.band_for(total, bands)
  local best, best_min = "", nil
  for _, band in ipairs(bands) do
    -- do not rely on the order: pick the highest min that the total reaches
    if total >= band.min - 1e-9 and (best_min == nil or band.min > best_min) then
      best, best_min = band.grade, band.min
    end
  end
  return best
end

-- The worse of two grades or caps ("" for none).
function grading.lower(a, b, bands)
  local ra, rb = grading.rank(a, bands), grading.rank(b, bands)
  local worst = (ra >= rb) and a or b
  if worst == "none" or worst == nil then return "" end
  return worst
end

-- The grade after applying a cap (nil: no cap).
function grading.cap(grade, cap, bands)
  if cap == nil then return grade end
  return grading.lower(grade, cap, bands)
end

return grading
