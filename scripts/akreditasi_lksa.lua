-- Scoring of checklists/akreditasi-lksa.xml (Instrumen Akreditasi LKSA).
--
-- The generic pipeline (scripts/lib/instrument.lua) does the arithmetic stated in the
-- checklist's <description>. What is particular to this instrument:
--   - S5.01 (luas kamar per anak, m2) earns full credit when it reaches the checklist
--     parameter luas_kamar_per_anak_min (SNPA: 9 m2 for 2 children), none otherwise;
--   - the caregiver ratio (S6.01 children / S4.06 resident caregivers) is reported in S4's
--     justification but not scored: no official ratio was found, and pantau must not
--     invent one;
--   - a red flag when the children counted exceed the registered capacity, and when the
--     home is not (or no longer) registered with Dinas Sosial, a prerequisite of
--     accreditation (Permensos 184/2011). Neither caps the grade: the board decides.
local instrument = require("instrument")
local flags = require("flags")
local fmt = require("fmt")

local ROOM_ITEM, CAREGIVERS_ITEM, CHILDREN_ITEM = "S5.01", "S4.06", "S6.01"

local reg_messages = {
  unregistered = "Lembaga belum terdaftar di Dinas Sosial; tanda daftar LKS adalah prasyarat "
              .. "akreditasi (Permensos 184/2011).",
  expired = "Tanda daftar LKS sudah habis masa berlakunya; perpanjangan diperlukan sebelum "
         .. "akreditasi (Permensos 184/2011).",
  revoked = "Tanda daftar LKS telah dicabut; lembaga tidak dapat diakreditasi "
         .. "(Permensos 184/2011).",
}

local function room_credit(v)
  local min = v.checklist.params and v.checklist.params.luas_kamar_per_anak_min
  if type(min) ~= "number" then
    error("parameter luas_kamar_per_anak_min tidak ada di daftar periksa")
  end
  return function(_, answer)
    return (answer.value >= min - 1e-9) and 1 or 0
  end
end

function score(v)
  local opts = { custom = { [ROOM_ITEM] = room_credit(v) }, notes = {}, flags = {} }

  local caregivers = instrument.number(v, CAREGIVERS_ITEM)
  local children = instrument.number(v, CHILDREN_ITEM)
  if caregivers and children then
    if caregivers > 0 then
      opts.notes.S4 = { "Rasio 1 pengasuh : " .. fmt.short(children / caregivers, 1)
                        .. " anak (dilaporkan saja; batas rasio resmi belum ditetapkan)." }
    elseif children > 0 then
      opts.notes.S4 = { "Tidak ada pengasuh yang tinggal di lembaga untuk "
                        .. fmt.short(children, 0) .. " anak." }
    end
  end

  local inst = v.institution
  if inst then
    local capacity = inst.capacity
    if children and type(capacity) == "number" and capacity >= 0 and children > capacity then
      opts.flags[#opts.flags + 1] = flags.new("KAPASITAS", "sedang", "Dinas Sosial",
        CHILDREN_ITEM, string.format("Jumlah anak yang diasuh (%s) melebihi kapasitas "
        .. "terdaftar (%s).", fmt.short(children, 0), fmt.short(capacity, 0)))
    end
    local msg = reg_messages[inst.reg_status]
    if msg then
      opts.flags[#opts.flags + 1] = flags.new("TIDAK_TERDAFTAR", "tinggi", "Dinas Sosial",
                                              nil, msg)
    end
  end

  return instrument.score(v, opts)
end
