-- instrument: the standard scoring pipeline for a pantau checklist, so an instrument's script
-- states only what is particular to it.
--
--   1. section scores (sections.lua): weighted, N/A out of the maximum, unanswered = 0
--   2. total on the checklist's scale over the sections that count
--   3. grade from the bands (grading.lua)
--   4. gates (flags.lua): each failed gate flags and caps, the lowest cap wins; unanswered
--      gates are flagged
--   5. justification per section (justify.lua)
--
-- opts (all optional):
--   custom       { [item_id] = function(item, answer) -> credit in [0,1] } for count/number
--   notes        { [section_id] = { "sentence", ... } } appended to a section's justification
--   flags        list of extra flags (flags.new) appended after the gate flags
--   cap          an extra cap ("C", "none") applied like a gate's
--   weak_below   credit under which an answered item is called weak (default 0.5)
-- Returns the result table of checklists/README.md ("score(v) returns").
local sections = require("sections")
local grading = require("grading")
local flags = require("flags")
local justify = require("justify")

local instrument = {}

function instrument.score(v, opts)
  opts = opts or {}
  local cl = v.checklist
  local answers = v.answers or {}
  local results = sections.score_all(cl, answers, opts)
  local total = sections.total(results, cl.max_total)

  local grade = grading.band_for(total, cl.bands)
  local out_flags, cap = flags.gates(cl, answers)
  grade = grading.cap(grade, cap, cl.bands)
  grade = grading.cap(grade, opts.cap, cl.bands)
  for _, f in ipairs(opts.flags or {}) do out_flags[#out_flags + 1] = f end

  local out_sections = {}
  for i, r in ipairs(results) do
    out_sections[i] = {
      id = r.id, score = r.score, max = r.max,
      justification = justify.section(r, opts.notes and opts.notes[r.id]),
    }
  end
  return { sections = out_sections, total = total, max = cl.max_total, grade = grade,
           flags = out_flags }
end

-- The answered number of a count/number item, or nil (unanswered, N/A, not a number).
function instrument.number(v, item_id)
  local a = v.answers and v.answers[item_id]
  if a and not a.na and type(a.value) == "number" then return a.value end
  return nil
end

return instrument
