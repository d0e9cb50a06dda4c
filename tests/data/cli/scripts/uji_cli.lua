-- Scoring for tests/data/cli/uji-cli.xml: each section's share of the total is its weight's
-- share; inside a section each scored item gives credit (yesno pass = 1, scale (level-1)/(n-1),
-- choice its score) times its weight; N/A and unanswered items leave the section's base.
-- A failed gate raises a flag and caps the grade.

local function credit(item, a)
  if a == nil or a.na then return nil end
  if item.type == "yesno" then
    local pass = (item.expect or "ya") == "ya"
    return (a.value == pass) and 1 or 0
  elseif item.type == "scale" then
    return (a.value - 1) / (item.levels - 1)
  elseif item.type == "choice" then
    return item.choices[a.value] or 0
  end
  return nil
end

local function band_index(bands, grade)
  for i, b in ipairs(bands) do
    if b.grade == grade then return i end
  end
  return #bands + 1
end

function score(v)
  local cl = v.checklist
  local sum_w = 0
  for _, s in ipairs(cl.sections) do sum_w = sum_w + s.weight end
  local sections, flags, total, cap = {}, {}, 0, nil
  for _, s in ipairs(cl.sections) do
    local got, base = 0, 0
    for _, it in ipairs(s.items) do
      local c = credit(it, v.answers[it.id])
      if c ~= nil and (it.weight or 0) > 0 then
        got = got + c * it.weight
        base = base + it.weight
      end
      if it.gate and c == 0 then
        flags[#flags + 1] = { code = "GATE", severity = it.gate.severity, agency = it.gate.agency,
                              item = it.id, message = it.gate.message }
        cap = it.gate.cap
      end
    end
    local smax = s.weight / sum_w * cl.max_total
    local sc = base > 0 and got / base * smax or 0
    sections[#sections + 1] = { id = s.id, score = sc, max = smax,
                                justification = string.format("%g dari %g bobot terpenuhi", got, base) }
    total = total + sc
  end
  local grade = ""
  for _, b in ipairs(cl.bands) do
    if total >= b.min then grade = b.grade break end
  end
  if cap ~= nil and grade ~= "" then
    if cap == "none" then
      grade = ""
    elseif band_index(cl.bands, grade) < band_index(cl.bands, cap) then
      grade = cap
    end
  end
  return { sections = sections, total = total, max = cl.max_total, grade = grade, flags = flags }
end
