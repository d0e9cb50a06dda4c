-- documents: items that verify a document (present and valid / expired / missing), and the
-- rule that a set of them is mandatory. For instruments such as the registration check
-- (verifikasi-tanda-daftar), where the question is less "how good" than "is every required
-- paper there and still valid".
--
-- A document item is a yesno item (the answer equals `expect`: present and valid) or a choice
-- item whose choice scores say the document's state: 1 present and valid, between 0 and 1
-- present but expired or out of date, 0 missing.
local credit = require("credit")
local flags = require("flags")

local documents = {}

-- The state of one document item's answer: "ada", "kedaluwarsa", "tidak_ada", "na",
-- "unanswered"; nil when the item is not a document item (not yesno or choice).
function documents.status(item, answer)
  if item.type ~= "yesno" and item.type ~= "choice" then return nil end
  local state = credit.state(answer)
  if state ~= "answered" then return state end
  if item.type == "yesno" then
    return (answer.value == credit.expected_yes(item)) and "ada" or "tidak_ada"
  end
  local c = item.choices and item.choices[answer.value] or 0
  if c >= 1 then return "ada" elseif c > 0 then return "kedaluwarsa" end
  return "tidak_ada"
end

-- Reviews the document items of the mandatory sections.
--   opts.sections  { [section_id] = true }: the sections whose document items are mandatory
--   opts.names     { [item_id] = "Akta pendirian" }: how flags name a document (v.checklist
--                  carries no item texts); the item id otherwise
--   opts.agency    the agency of the flags (default "Dinas Sosial")
-- A missing mandatory document raises a flag "DOKUMEN" (severity "sedang") naming it, unless
-- the item has a gate: its GATE flag (flags.gates) already names it. An expired one raises
-- "KEDALUWARSA" (severity "rendah"), gate or not: failing a gate is a missing document, not
-- an expired one. N/A items are not required.
-- Returns { flags = {...} in checklist order, missing = {ids}, expired = {ids},
--           unanswered = {ids}, expired_in = { [section_id] = {ids} },
--           complete = true when missing, expired and unanswered are all empty }.
function documents.review(checklist, answers, opts)
  opts = opts or {}
  local wanted = opts.sections or {}
  local names = opts.names or {}
  local agency = opts.agency or "Dinas Sosial"
  local r = { flags = {}, missing = {}, expired = {}, unanswered = {}, expired_in = {} }
  for _, section in ipairs(checklist.sections) do
    if wanted[section.id] then
      for _, item in ipairs(section.items) do
        local status = documents.status(item, answers[item.id])
        local name = names[item.id] or item.id
        if status == "tidak_ada" then
          r.missing[#r.missing + 1] = item.id
          if not item.gate then
            r.flags[#r.flags + 1] = flags.new("DOKUMEN", "sedang", agency, item.id,
              "Dokumen wajib tidak ada atau tidak sah: " .. name .. ".")
          end
        elseif status == "kedaluwarsa" then
          r.expired[#r.expired + 1] = item.id
          local list = r.expired_in[section.id] or {}
          list[#list + 1] = item.id
          r.expired_in[section.id] = list
          r.flags[#r.flags + 1] = flags.new("KEDALUWARSA", "rendah", agency, item.id,
            "Dokumen wajib kedaluwarsa atau tidak mutakhir: " .. name .. "; perlu diperbarui.")
        elseif status == "unanswered" then
          r.unanswered[#r.unanswered + 1] = item.id
        end
      end
    end
  end
  r.complete = #r.missing == 0 and #r.expired == 0 and #r.unanswered == 0
  return r
end

return documents
