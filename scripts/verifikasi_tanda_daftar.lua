-- Scoring of checklists/verifikasi-tanda-daftar.xml (Verifikasi Dokumen Tanda Daftar LKS).
--
-- The generic pipeline (scripts/lib/instrument.lua) does the arithmetic stated in the
-- checklist's <description>; scripts/lib/documents.lua sorts documents into present, expired
-- and missing; scripts/lib/measures.lua computes the ratio and the shortfall below without
-- ever dividing by 0. What is particular to this instrument:
--   - sections W1 and W2 hold the mandatory documents. The grade "L" (Lengkap) needs all of
--     them present, valid and verified: a missing, expired or unanswered one caps the grade at
--     "LB" (Lengkap Bersyarat) and, except for gate items (their GATE flag names them
--     already), raises a DOKUMEN or KEDALUWARSA flag naming the document;
--   - W3.02 (activity reports, 0..3: the importer refuses more, the item's max) earns
--     reports / laporan_tahun_wajib, and W3's justification says how many are short;
--   - W2.03 (beneficiaries in the list) is not scored but compared with the registered
--     capacity: more than penerima_per_kapasitas_wajar_maks times the capacity, or any at a
--     capacity of 0, is flagged DATA_TIDAK_WAJAR and caps at "LB" until the data are checked.
--     No capacity on record: nothing is compared, and nothing is divided.
local instrument = require("instrument")
local documents = require("documents")
local flags = require("flags")
local fmt = require("fmt")
local measures = require("measures")

local MANDATORY = { W1 = true, W2 = true }
local COUNT_ITEM, REPORTS_ITEM = "W2.03", "W3.02"
local CONDITIONAL = "LB"

-- How flags name a document: v.checklist carries ids, not texts. Same documents as the
-- checklist's <text>, shortened to fit a sentence.
local NAMES = {
  ["W1.01"] = "akta pendirian",
  ["W1.02"] = "pengesahan badan hukum",
  ["W1.03"] = "akta perubahan terakhir",
  ["W1.04"] = "anggaran dasar dan anggaran rumah tangga (AD/ART)",
  ["W1.05"] = "surat keterangan domisili",
  ["W1.06"] = "NPWP atas nama lembaga",
  ["W2.01"] = "rekening bank atas nama lembaga",
  ["W2.02"] = "daftar penerima manfaat",
  ["W2.04"] = "daftar inventaris aset",
  ["W2.05"] = "denah lokasi",
}

-- A parameter the script divides by or multiplies with must be positive, whatever a later
-- version of the checklist says.
local function positive_param(v, id)
  local x = measures.param(v.checklist, id)
  if x <= 0 then error("parameter " .. id .. " harus lebih dari 0") end
  return x
end

local function add_note(opts, section_id, text)
  local list = opts.notes[section_id] or {}
  list[#list + 1] = text
  opts.notes[section_id] = list
end

-- Reports present over reports asked for; credit.item clamps the result to [0, 1].
local function reports_credit(required)
  return function(_, answer) return answer.value / required end
end

local function note_reports(v, opts, required)
  local n = instrument.number(v, REPORTS_ITEM)
  local short = measures.shortfall(n, required)
  if short.status ~= "ok" then return end
  local text = "Laporan kegiatan " .. fmt.short(n, 0) .. " dari " .. fmt.short(required, 0)
               .. " tahun"
  if short.value > 0 then text = text .. " (kurang " .. fmt.short(short.value, 0) .. ")" end
  add_note(opts, "W3", text .. ".")
end

local function implausible(opts, message)
  opts.flags[#opts.flags + 1] = flags.new("DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial",
                                          COUNT_ITEM, message)
end

-- Compares the beneficiaries counted with the registered capacity. Returns true when the
-- figures are implausible (flagged DATA_TIDAK_WAJAR).
local function check_beneficiaries(v, opts, limit)
  local n = instrument.number(v, COUNT_ITEM)
  if not n then return false end
  local count = fmt.short(n, 0)
  local capacity = v.institution and v.institution.capacity
  if type(capacity) ~= "number" then
    add_note(opts, "W2", "Kapasitas lembaga belum tercatat; jumlah penerima manfaat (" .. count
             .. ") tidak dibandingkan.")
    return false
  end
  local per_place = measures.ratio(n, capacity)
  if per_place.status ~= "ok" then
    -- a capacity of 0: nothing to divide by; 0 beneficiaries at 0 places is a home not yet
    -- running, anything else cannot be true
    if n == 0 then return false end
    implausible(opts, "Kapasitas terdaftar " .. fmt.short(capacity, 0) .. " tetapi daftar "
                .. "memuat " .. count .. " penerima manfaat; periksa ulang data kapasitas dan "
                .. "daftar.")
    return true
  end
  add_note(opts, "W2", "Daftar memuat " .. count .. " penerima manfaat untuk kapasitas "
           .. "terdaftar " .. fmt.short(capacity, 0) .. " (" .. fmt.pct(n, capacity) .. ").")
  if not measures.meets(per_place, limit, "max") then
    implausible(opts, "Daftar memuat " .. count .. " penerima manfaat, lebih dari "
                .. fmt.short(limit) .. " kali kapasitas terdaftar (" .. fmt.short(capacity, 0)
                .. "); periksa ulang daftar dan data kapasitas sebelum tanda daftar "
                .. "diterbitkan.")
    return true
  end
  return false
end

function score(v)
  local required = positive_param(v, "laporan_tahun_wajib")
  local limit = positive_param(v, "penerima_per_kapasitas_wajar_maks")
  local opts = { custom = { [REPORTS_ITEM] = reports_credit(required) }, notes = {},
                 flags = {} }

  local review = documents.review(v.checklist, v.answers or {},
                                  { sections = MANDATORY, names = NAMES })
  for _, f in ipairs(review.flags) do opts.flags[#opts.flags + 1] = f end
  for section_id, ids in pairs(review.expired_in) do
    add_note(opts, section_id, "Kedaluwarsa atau tidak mutakhir: " .. fmt.list(ids) .. ".")
  end

  local odd = check_beneficiaries(v, opts, limit)
  note_reports(v, opts, required)
  if not review.complete or odd then opts.cap = CONDITIONAL end
  return instrument.score(v, opts)
end
