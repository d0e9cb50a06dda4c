-- justify: the one-sentence justification of a section score, in Bahasa Indonesia, e.g.
--   "Skor 12,50 dari 15 (83%). 1 indikator tidak berlaku; belum dijawab: S1.04; lemah: S1.03."
local fmt = require("fmt")

local justify = {}

-- r: a result of sections.score. extra: optional list of further sentences (script specific,
-- e.g. a ratio), appended as they are.
function justify.section(r, extra)
  local text
  if not r.counted then
    text = "Semua indikator tidak berlaku atau tidak dinilai; bagian ini tidak dihitung "
        .. "dalam nilai total."
  else
    text = string.format("Skor %s dari %s (%s).", fmt.num(r.score), fmt.short(r.max),
                         fmt.pct(r.score, r.max))
    local parts = {}
    if r.n_na > 0 then parts[#parts + 1] = r.n_na .. " indikator tidak berlaku" end
    if #r.unanswered > 0 then
      parts[#parts + 1] = "belum dijawab (dinilai 0): " .. fmt.list(r.unanswered)
    end
    if #r.weak > 0 then parts[#parts + 1] = "lemah: " .. fmt.list(r.weak) end
    if #parts == 0 then parts[1] = "tidak ada indikator lemah" end
    -- first letter of the second sentence upper case ("1 indikator ..." stays as is)
    local s = table.concat(parts, "; ")
    text = text .. " " .. s:sub(1, 1):upper() .. s:sub(2) .. "."
  end
  if extra then
    for _, e in ipairs(extra) do text = text .. " " .. e end
  end
  return text
end

return justify
