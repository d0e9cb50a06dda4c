-- Scoring of checklists/pemantauan-snpa.xml (pemantauan rutin LKSA berdasarkan SNPA).
--
-- The generic pipeline (scripts/lib/instrument.lua) does the arithmetic stated in the
-- checklist's <description>. What is particular to this instrument are four measures derived
-- from counts (scripts/lib/measures.lua), each with its threshold in the checklist's <params>:
--   - akta kelahiran: P3.02 children without a birth certificate among P3.01 children; P3.02
--     earns the share that has one; flag AKTA_KELAHIRAN (Disdukcapil) above
--     anak_tanpa_akta_maks;
--   - luas kamar: P5.01 m2 of the most crowded bedroom / P5.02 children sleeping there; P5.01
--     earns 1 at or above luas_kamar_per_anak_min, else 0 and flag LUAS_KAMAR;
--   - lemari: P5.03 cupboards / P3.01 children; P5.03 earns 1 at or above
--     lemari_per_anak_min, else 0 and flag LEMARI with the shortfall;
--   - rasio pengasuh: P3.01 children / P6.01 resident caregivers; not scored (no official
--     ratio exists, the limit anak_per_pengasuh_maks is pantau's default), flag
--     RASIO_PENGASUH above it.
-- Counts that cannot all be true (a part above its whole, a division by 0) raise
-- DATA_TIDAK_WAJAR on the item to re-check, and the measure's item earns 0, like an
-- unanswered one: a monitoring result must not rest on data the team has to verify. When
-- P3.01 is 0 the per-child measures are not computed and only P3.01 is flagged.
-- Each measure adds one sentence to its section's justification.
local instrument = require("instrument")
local measures = require("measures")
local flags = require("flags")
local fmt = require("fmt")

local CHILDREN, NO_BIRTH_CERT = "P3.01", "P3.02"
local ROOM_AREA, ROOM_CHILDREN, CUPBOARDS = "P5.01", "P5.02", "P5.03"
local CAREGIVERS = "P6.01"

-- Collects credits, notes and flags while the measures are worked out.
local function new_result()
  return { custom = {}, notes = {}, flags = {} }
end

local function note(res, section, text)
  if text == nil then return end
  res.notes[section] = res.notes[section] or {}
  local list = res.notes[section]
  list[#list + 1] = text
end

local function flag(res, code, severity, agency, item, message)
  res.flags[#res.flags + 1] = flags.new(code, severity, agency, item, message)
end

-- The credit of a measure's item, used only when that item is answered (credit.item).
local function set_credit(res, item_id, c)
  res.custom[item_id] = function() return c end
end

-- A count as people read it: "28", never "28,00".
local function n0(x) return fmt.short(x, 0) end

-- The sentence for a measure that could not be computed: the impossible data, or the input
-- that is missing (missing_id); nil when neither applies.
local function not_computed(what, m, missing_id)
  if m.status == "tidak_wajar" then
    return what .. " tidak dapat dihitung: data tidak wajar (" .. m.reason .. ")."
  end
  if missing_id then
    return what .. " tidak dapat dihitung: " .. missing_id .. " belum dijawab."
  end
  return nil
end

local function birth_certificates(v, res, children)
  local without = instrument.number(v, NO_BIRTH_CERT)
  if without == nil then return end
  local limit = measures.param(v.checklist, "anak_tanpa_akta_maks")
  local m = measures.share(without, children)
  if m.status ~= "ok" then
    set_credit(res, NO_BIRTH_CERT, 0)
    if children == 0 then
      note(res, "P3", "Bagian anak tanpa akta kelahiran tidak dapat dihitung: jumlah anak 0.")
      return
    end
    note(res, "P3", not_computed("Bagian anak tanpa akta kelahiran", m, CHILDREN))
    if m.status == "tidak_wajar" then
      flag(res, "DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", NO_BIRTH_CERT,
        string.format("Jumlah anak tanpa akta kelahiran (%s) melebihi jumlah anak yang diasuh "
        .. "(%s): periksa kembali data.", n0(without), n0(children)))
    end
    return
  end
  set_credit(res, NO_BIRTH_CERT, 1 - m.value)
  if without == 0 then
    note(res, "P3", "Semua " .. n0(children) .. " anak memiliki akta kelahiran.")
    return
  end
  note(res, "P3", string.format("Anak tanpa akta kelahiran: %s dari %s (%s).", n0(without),
                                n0(children), fmt.pct(without, children)))
  if not measures.meets({ status = "ok", value = without }, limit, "max") then
    flag(res, "AKTA_KELAHIRAN", "sedang", "Disdukcapil", NO_BIRTH_CERT,
      string.format("%s dari %s anak (%s) belum memiliki akta kelahiran; bantu pengurusan "
      .. "melalui Disdukcapil (UU 23/2002 Pasal 5 dan 27).", n0(without), n0(children),
      fmt.pct(without, children)))
  end
end

local function bedroom(v, res, children)
  local area = instrument.number(v, ROOM_AREA)
  if area == nil then return end
  local in_room = instrument.number(v, ROOM_CHILDREN)
  local min = measures.param(v.checklist, "luas_kamar_per_anak_min")
  local m = measures.ratio(area, in_room)
  -- more children in one room than in the whole home cannot be true either
  local fit = measures.share(in_room, children)
  if m.status == "ok" and fit.status == "tidak_wajar" and children ~= 0 then m = fit end
  if m.status ~= "ok" then
    set_credit(res, ROOM_AREA, 0)
    note(res, "P5", not_computed("Luas kamar per anak", m, ROOM_CHILDREN))
    if m.status == "tidak_wajar" then
      local text
      if in_room == 0 then
        text = string.format("Jumlah anak di kamar terpadat 0 untuk kamar seluas %s m²: luas "
          .. "per anak tidak dapat dihitung; periksa kembali data.", fmt.short(area))
      else
        text = string.format("Jumlah anak di kamar terpadat (%s) melebihi jumlah anak yang "
          .. "diasuh (%s): periksa kembali data.", n0(in_room), n0(children))
      end
      flag(res, "DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", ROOM_CHILDREN, text)
    end
    return
  end
  local ok = measures.meets(m, min, "min")
  set_credit(res, ROOM_AREA, ok and 1 or 0)
  note(res, "P5", string.format("Luas kamar terpadat %s m² per anak (minimum %s m²).",
                                fmt.short(m.value), fmt.short(min)))
  if not ok then
    flag(res, "LUAS_KAMAR", "sedang", "Dinas Sosial", ROOM_AREA,
      string.format("Kamar tidur terpadat %s m² untuk %s anak (%s m² per anak), di bawah "
      .. "%s m² per anak (SNPA: 9 m² untuk 2 anak).", fmt.short(area), n0(in_room),
      fmt.short(m.value), fmt.short(min)))
  end
end

local function cupboards(v, res, children)
  local have = instrument.number(v, CUPBOARDS)
  if have == nil then return end
  local min = measures.param(v.checklist, "lemari_per_anak_min")
  local m = measures.ratio(have, children)
  if m.status ~= "ok" then
    set_credit(res, CUPBOARDS, 0)
    note(res, "P5", (children == 0)
      and "Lemari per anak tidak dapat dihitung: jumlah anak 0."
      or not_computed("Lemari per anak", m, CHILDREN))
    return
  end
  local ok = measures.meets(m, min, "min")
  set_credit(res, CUPBOARDS, ok and 1 or 0)
  if ok then
    note(res, "P5", string.format("Lemari %s per anak (%s lemari untuk %s anak).",
                                  fmt.short(m.value), n0(have), n0(children)))
    return
  end
  local short = measures.shortfall(have, math.ceil(children * min - 1e-9)).value
  note(res, "P5", string.format("Lemari %s per anak: kurang %s lemari untuk %s anak.",
                                fmt.short(m.value), n0(short), n0(children)))
  flag(res, "LEMARI", "rendah", "Dinas Sosial", CUPBOARDS,
    string.format("Kurang %s lemari: %s lemari untuk %s anak (SNPA: satu lemari per anak).",
                  n0(short), n0(have), n0(children)))
end

local function caregiver_ratio(v, res, children)
  local caregivers = instrument.number(v, CAREGIVERS)
  if caregivers == nil or children == nil or children == 0 then return end
  local limit = measures.param(v.checklist, "anak_per_pengasuh_maks")
  local m = measures.ratio(children, caregivers)
  if m.status ~= "ok" then
    note(res, "P6", not_computed("Rasio anak per pengasuh", m))
    flag(res, "DATA_TIDAK_WAJAR", "tinggi", "Dinas Sosial", CAREGIVERS,
      string.format("Tidak ada pengasuh yang tercatat tinggal di lembaga untuk %s anak: periksa "
      .. "kembali data; bila benar, anak tidak diasuh 24 jam dan perlu penanganan segera.",
      n0(children)))
    return
  end
  note(res, "P6", string.format("Rasio 1 pengasuh : %s anak (batas %s adalah bawaan pantau, "
                                .. "bukan angka resmi; tidak dinilai).", fmt.short(m.value, 1),
                                n0(limit)))
  if not measures.meets(m, limit, "max") then
    flag(res, "RASIO_PENGASUH", "sedang", "Dinas Sosial", CAREGIVERS,
      string.format("Rasio 1 pengasuh : %s anak melebihi %s anak per pengasuh; batas ini bawaan "
      .. "pantau, bukan angka resmi.", fmt.short(m.value, 1), n0(limit)))
  end
end

function score(v)
  local res = new_result()
  -- The weighted measure items are scored here, not by credit.lua: registering them first
  -- keeps an unanswered one in the maximum at 0 (credit.is_scored needs the custom entry).
  for _, id in ipairs({ NO_BIRTH_CERT, ROOM_AREA, CUPBOARDS }) do set_credit(res, id, 0) end
  local children = instrument.number(v, CHILDREN)
  if children == 0 then
    flag(res, "DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", CHILDREN,
      "Jumlah anak yang diasuh 0: ukuran per anak tidak dapat dihitung; periksa kembali data "
      .. "atau status operasional lembaga.")
  end
  birth_certificates(v, res, children)
  bedroom(v, res, children)
  cupboards(v, res, children)
  caregiver_ratio(v, res, children)
  return instrument.score(v, { custom = res.custom, notes = res.notes, flags = res.flags })
end
