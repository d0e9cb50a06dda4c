-- Scoring of checklists/monitoring-gabungan.xml (Instrumen Monitoring Gabungan LKSA).
--
-- The generic pipeline (scripts/lib/instrument.lua) does the section arithmetic and the gates
-- stated in the checklist. What is particular to a joint monitoring visit:
--   - registration: when the tanda daftar could not be checked on site (A.02 N/A or not
--     answered), Dinas Sosial's record (v.institution.reg_status) decides. A home that the record
--     says is unregistered, expired or revoked and that still has children on site fails A.02's
--     gate as if the team had answered "tidak": same cap, severity and agency, flag
--     TIDAK_TERDAFTAR. When the team did answer A.02, its answer rules (the gate flags it).
--   - A.02 "ya" with an expiry date (A.03) before the visit date cannot both be true:
--     DATA_TIDAK_WAJAR.
--   - counts (section E, not scored): children counted on site (E.02) against the home's own
--     list (E.01), flagged SELISIH_ANAK above the param selisih_anak_maks_persen; children per
--     staff present (E.03) reported only (no official ratio exists); children without a birth
--     certificate (E.04) referred to Disdukcapil. Counts that cannot be true (more children
--     without a certificate than children on site, no staff at all for the children on site)
--     are flagged DATA_TIDAK_WAJAR and never divided by.
--   - the sanction ladder (scripts/lib/sanctions.lua): one SANKSI flag with the highest step the
--     findings call for (gates, TIDAK_TERDAFTAR, SELISIH_ANAK), raised above an earlier
--     sanction not complied with (A.06).
local instrument = require("instrument")
local credit = require("credit")
local flags = require("flags")
local fmt = require("fmt")
local measures = require("measures")
local sanctions = require("sanctions")

local REG_ITEM, REG_EXPIRY_ITEM, PRIOR_ITEM = "A.02", "A.03", "A.06"
local LISTED_ITEM, COUNTED_ITEM, STAFF_ITEM, NO_CERT_ITEM = "E.01", "E.02", "E.03", "E.04"

local FINDINGS = { GATE = true, TIDAK_TERDAFTAR = true, SELISIH_ANAK = true }

local record_phrases = {
  unregistered = "Menurut data Dinas Sosial lembaga belum terdaftar",
  expired = "Menurut data Dinas Sosial tanda daftar lembaga sudah habis masa berlakunya",
  revoked = "Menurut data Dinas Sosial tanda daftar lembaga telah dicabut",
}

local function find_item(checklist, id)
  for _, section in ipairs(checklist.sections) do
    for _, item in ipairs(section.items) do
      if item.id == id then return item end
    end
  end
  error("indikator " .. id .. " tidak ada di daftar periksa")
end

local function answer_of(v, id)
  return v.answers and v.answers[id]
end

-- The record's verdict on registration when the team could not check it on site.
-- Returns a flag and the cap, or nil.
local function registration_from_record(v, counted)
  local inst = v.institution
  local phrase = inst and record_phrases[inst.reg_status]
  if not phrase then return nil end
  local state = credit.state(answer_of(v, REG_ITEM))
  if state == "answered" then return nil end
  -- still operating: children on site, or (count missing) children on the record
  local children = counted
  if children == nil then children = inst.children_in_care end
  if children == nil or children <= 0 then return nil end
  local gate = find_item(v.checklist, REG_ITEM).gate
  local why = (state == "na") and "tidak dapat diperiksa di lokasi" or "belum diperiksa"
  local text = string.format("%s, tetapi lembaga masih mengasuh %s anak; tanda daftar %s "
                             .. "(%s). %s", phrase, fmt.short(children, 0), why, REG_ITEM,
                             gate.message)
  return flags.new("TIDAK_TERDAFTAR", gate.severity, gate.agency, REG_ITEM, text), gate.cap
end

-- A.02 "ya" while A.03 says the registration ended before the visit.
local function expiry_check(v)
  local reg, expiry = answer_of(v, REG_ITEM), answer_of(v, REG_EXPIRY_ITEM)
  if credit.state(reg) ~= "answered" or reg.value ~= true then return nil end
  if credit.state(expiry) ~= "answered" or type(expiry.value) ~= "string" then return nil end
  if expiry.value >= v.visit.date then return nil end -- YYYY-MM-DD sorts as text
  return flags.new("DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", REG_EXPIRY_ITEM,
    string.format("Tanda daftar dinyatakan masih berlaku (%s), tetapi masa berlakunya "
                  .. "berakhir %s, sebelum tanggal kunjungan %s: periksa kembali.",
                  REG_ITEM, expiry.value, v.visit.date))
end

-- Children counted on site against the home's list. Adds a sentence to notes and returns a
-- flag when the difference exceeds the checklist's threshold.
local function headcount_check(v, listed, counted, notes)
  if listed == nil or counted == nil then return nil end
  local limit = measures.param(v.checklist, "selisih_anak_maks_persen")
  local diff = math.abs(counted - listed)
  local pct = measures.ratio(diff * 100, listed)
  local over
  if pct.status == "ok" then
    over = not measures.meets(pct, limit, "max")
    notes[#notes + 1] = string.format("Anak di lokasi %s, menurut daftar lembaga %s (selisih "
      .. "%s anak, %s%%; batas %s%%).", fmt.short(counted, 0), fmt.short(listed, 0),
      fmt.short(diff, 0), fmt.short(pct.value, 1), fmt.short(limit, 1))
  else
    -- the list says 0: any child on site is a child the home does not account for
    over = counted > 0
    notes[#notes + 1] = string.format("Anak di lokasi %s, daftar lembaga kosong.",
                                      fmt.short(counted, 0))
  end
  if not over then return nil end
  local text
  if counted < listed then
    text = string.format("Tim menghitung %s anak di lokasi, %s lebih sedikit dari daftar "
      .. "lembaga (%s); selisih %s%% melebihi batas %s%%: telusuri keberadaan anak yang tidak "
      .. "ada di lokasi.", fmt.short(counted, 0), fmt.short(diff, 0), fmt.short(listed, 0),
      fmt.short(pct.value, 1), fmt.short(limit, 1))
  else
    local share = (pct.status == "ok")
      and string.format("; selisih %s%% melebihi batas %s%%", fmt.short(pct.value, 1),
                        fmt.short(limit, 1))
      or ""
    text = string.format("Tim menghitung %s anak di lokasi, %s lebih banyak dari daftar "
      .. "lembaga (%s)%s: anak yang belum tercatat harus didata.", fmt.short(counted, 0),
      fmt.short(diff, 0), fmt.short(listed, 0), share)
  end
  return flags.new("SELISIH_ANAK", "sedang", "Dinas Sosial", COUNTED_ITEM, text)
end

-- Children per staff present: reported, never scored (no official ratio).
local function staff_check(counted, staff, notes)
  local m = measures.ratio(counted, staff)
  if m.status == "ok" then
    notes[#notes + 1] = "Rasio 1 staf hadir : " .. fmt.short(m.value, 1)
                        .. " anak (dilaporkan saja; batas rasio resmi belum ditetapkan)."
  elseif m.status == "tidak_wajar" and counted > 0 then
    return flags.new("DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", STAFF_ITEM,
      string.format("Tidak ada pengasuh atau staf yang tercatat hadir (%s = 0) untuk %s anak "
                    .. "di lokasi: periksa kembali; bila benar, anak ditinggal tanpa pengasuh.",
                    STAFF_ITEM, fmt.short(counted, 0)))
  end
  return nil
end

-- Children without a birth certificate: a referral to Disdukcapil, or impossible data.
local function birth_certificate_check(counted, no_cert)
  if no_cert == nil or no_cert == 0 then return nil end
  local m = measures.share(no_cert, counted)
  if m.status == "ok" then
    return flags.new("AKTA_KELAHIRAN", "rendah", "Disdukcapil", NO_CERT_ITEM,
      string.format("%s dari %s anak di lokasi (%s) belum memiliki akta kelahiran: rujuk ke "
                    .. "Disdukcapil.", fmt.short(no_cert, 0), fmt.short(counted, 0),
                    fmt.pct(no_cert, counted)))
  elseif m.status == "tidak_wajar" then
    return flags.new("DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", NO_CERT_ITEM,
      string.format("Jumlah anak tanpa akta kelahiran (%s) melebihi jumlah anak yang dihitung "
                    .. "di lokasi (%s): periksa kembali %s dan %s.", fmt.short(no_cert, 0),
                    fmt.short(counted, 0), COUNTED_ITEM, NO_CERT_ITEM))
  end
  return nil
end

function score(v)
  local listed = instrument.number(v, LISTED_ITEM)
  local counted = instrument.number(v, COUNTED_ITEM)
  local staff = instrument.number(v, STAFF_ITEM)
  local no_cert = instrument.number(v, NO_CERT_ITEM)

  local notes_e = {}
  local extra = {}
  local function add(f) if f then extra[#extra + 1] = f end end

  local reg_flag, reg_cap = registration_from_record(v, counted)
  add(reg_flag)
  add(expiry_check(v))
  add(headcount_check(v, listed, counted, notes_e))
  add(staff_check(counted, staff, notes_e))
  add(birth_certificate_check(counted, no_cert))

  local result = instrument.score(v, { flags = extra, cap = reg_cap, notes = { E = notes_e } })

  local prior_answer = answer_of(v, PRIOR_ITEM)
  local prior = credit.state(prior_answer) == "answered" and sanctions.step_of(prior_answer.value)
  -- revocation needs a registration to revoke; with no institution record, do not rule it out
  local holds_permit = nil
  if v.institution then holds_permit = (v.institution.reg_status == "registered") end
  local _, sanction = sanctions.recommend(result.flags, v.checklist.params, {
    findings = FINDINGS,
    prior = prior or 0,
    prior_item = PRIOR_ITEM,
    holds_permit = holds_permit,
    enforcer = "Satpol PP",
    competent = "Dinas Sosial",
  })
  if sanction then result.flags[#result.flags + 1] = sanction end
  return result
end
