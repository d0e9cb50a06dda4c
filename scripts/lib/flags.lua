-- flags: red flags in the shape pantau stores (checklists/README.md, result shape), and the
-- gate rule: a failed gate item caps the grade and raises a flag whatever the total.
local credit = require("credit")
local grading = require("grading")

local flags = {}

local severities = { kritis = true, tinggi = true, sedang = true, rendah = true }

-- One flag. agency and item may be nil (stored as "").
function flags.new(code, severity, agency, item, message)
  if not severities[severity] then
    error("tingkat keparahan tidak dikenal: " .. tostring(severity))
  end
  -- checklist texts wrap over lines; a flag is read as one sentence
  local text = tostring(message or ""):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  return { code = code, severity = severity, agency = agency or "", item = item or "",
           message = text }
end

-- Checks every gate item of the checklist against answers.
--   failed gate      -> flag "GATE" with the gate's severity, agency and message; the cap
--   unanswered gate  -> flag "BELUM_DIJAWAB", severity "tinggi" (the team must complete it
--                       before the result can be relied on); no cap
--   N/A gate         -> nothing (the checklist allowed N/A: the situation did not arise)
-- Returns the list of flags in checklist order and the lowest cap (nil when none failed).
function flags.gates(checklist, answers)
  local out, cap = {}, nil
  for _, section in ipairs(checklist.sections) do
    for _, item in ipairs(section.items) do
      local gate = item.gate
      if gate then
        local answer = answers[item.id]
        local state = credit.state(answer)
        if state == "unanswered" then
          out[#out + 1] = flags.new("BELUM_DIJAWAB", "tinggi", gate.agency, item.id,
            "Indikator gerbang " .. item.id .. " belum dijawab; lengkapi sebelum hasil "
            .. "penilaian dipakai.")
        elseif credit.gate_failed(item, answer) then
          out[#out + 1] = flags.new("GATE", gate.severity, gate.agency, item.id, gate.message)
          cap = (cap == nil) and gate.cap or
                (grading.rank(gate.cap, checklist.bands) > grading.rank(cap, checklist.bands)
                 and gate.cap or cap)
        end
      end
    end
  end
  return out, cap
end

return flags
