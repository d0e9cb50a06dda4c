-- sanctions: the administrative sanction ladder a joint monitoring team recommends, and the
-- one recommendation a visit's findings warrant.
--
-- The ladder is the example of Perda Kabupaten Bandung Barat 3/2024 (REGULATIONS.md): Satpol
-- PP alone gives the first three steps; the last two need the competent agency (for an LKSA,
-- Dinas Sosial, which registers homes and revokes their registration). The order is law; which
-- finding calls for which step is not, so the checklist states it per severity in params
-- sanksi_rendah, sanksi_sedang, sanksi_tinggi, sanksi_kritis (0 = pembinaan only, 1..5 a step).
--
-- The recommendation is the highest step any finding calls for. A sanction given earlier and
-- not complied with raises it to at least one step above that sanction (Kemensos: coaching,
-- warnings, then revocation). Revocation needs a registration to revoke: for a home that holds
-- none the ladder stops at a permanent stop.
local flags = require("flags")

local sanctions = {}

-- Step ids are the values a checklist's choice item uses for an earlier sanction.
sanctions.LADDER = {
  { id = "teguran_lisan", name = "teguran lisan", joint = false },
  { id = "teguran_tertulis", name = "teguran tertulis", joint = false },
  { id = "penghentian_sementara", name = "penghentian sementara kegiatan", joint = false },
  { id = "penghentian_tetap", name = "penghentian tetap kegiatan", joint = true },
  { id = "pencabutan_izin", name = "pencabutan izin", joint = true },
}

local severity_rank = { rendah = 1, sedang = 2, tinggi = 3, kritis = 4 }

-- The step (1..5) of a ladder id, or nil for anything else (e.g. "dipatuhi").
function sanctions.step_of(id)
  for i, s in ipairs(sanctions.LADDER) do
    if s.id == id then return i end
  end
  return nil
end

-- The minimum step a finding of this severity calls for, from the checklist's params. A
-- missing or malformed param is an error: a checklist and script that disagree must not
-- recommend silently.
function sanctions.step_for(params, severity)
  local id = "sanksi_" .. tostring(severity)
  local step = params and params[id]
  if type(step) ~= "number" or step ~= math.floor(step) or step < 0
     or step > #sanctions.LADDER then
    error("parameter " .. id .. " harus bilangan bulat 0 sampai " .. #sanctions.LADDER)
  end
  return step
end

-- "A", "A, B" from agency strings that may themselves list several ("Kepolisian, DP3A"),
-- each named once, in order of first mention.
local function agencies_of(list)
  local seen, out = {}, {}
  for _, f in ipairs(list) do
    for name in tostring(f.agency):gmatch("[^,]+") do
      name = name:gsub("^%s+", ""):gsub("%s+$", "")
      if name ~= "" and not seen[name] then
        seen[name] = true
        out[#out + 1] = name
      end
    end
  end
  return table.concat(out, ", ")
end

-- "D.01, D.04 (kritis); E.02 (sedang)": the findings grouped by severity, worst first.
local function findings_text(list)
  local order = { "kritis", "tinggi", "sedang", "rendah" }
  local parts = {}
  for _, sev in ipairs(order) do
    local ids = {}
    for _, f in ipairs(list) do
      if f.severity == sev then ids[#ids + 1] = (f.item ~= "" and f.item or f.code) end
    end
    if #ids > 0 then parts[#parts + 1] = table.concat(ids, ", ") .. " (" .. sev .. ")" end
  end
  return table.concat(parts, "; ")
end

-- The recommendation for a visit.
--   result_flags  the flags so far (flags.new shape); those whose code is in opts.findings
--                 are the findings
--   params        v.checklist.params (sanksi_<severity>)
--   opts.findings { [code] = true }, default { GATE = true }
--   opts.prior, opts.prior_item   step (1..5) of an earlier sanction not complied with, and
--                 the item that recorded it
--   opts.holds_permit  false when the home holds no registration to revoke
--   opts.enforcer, opts.competent  who carries out the steps ("Satpol PP", "Dinas Sosial")
-- Returns the step (0: none) and its flag (code "SANKSI"), or 0 and nil.
function sanctions.recommend(result_flags, params, opts)
  opts = opts or {}
  local codes = opts.findings or { GATE = true }
  local findings, step, worst = {}, 0, nil
  for _, f in ipairs(result_flags) do
    if codes[f.code] then
      findings[#findings + 1] = f
      step = math.max(step, sanctions.step_for(params, f.severity))
      if worst == nil or severity_rank[f.severity] > severity_rank[worst] then
        worst = f.severity
      end
    end
  end
  local prior = opts.prior or 0
  if prior > 0 then step = math.max(step, math.min(prior + 1, #sanctions.LADDER)) end
  local no_permit = false
  if step == #sanctions.LADDER and opts.holds_permit == false then
    step, no_permit = step - 1, true
  end
  if step == 0 then return 0, nil end

  local s = sanctions.LADDER[step]
  local who = opts.enforcer or "Satpol PP"
  if s.joint then who = who .. " bersama " .. (opts.competent or "Dinas Sosial") end
  local text = string.format("Rekomendasi: %s oleh %s (langkah %d dari %d tangga sanksi).",
                             s.name, who, step, #sanctions.LADDER)
  if #findings > 0 then text = text .. " Temuan: " .. findings_text(findings) .. "." end
  if prior > 0 then
    text = text .. " Sanksi sebelumnya (" .. sanctions.LADDER[prior].name .. ") belum dipatuhi"
        .. (opts.prior_item and (" (" .. opts.prior_item .. ")") or "") .. "."
  end
  if no_permit then
    text = text .. " Pencabutan izin tidak berlaku: lembaga tidak memiliki tanda daftar."
  end
  if #findings > 0 then
    text = text .. " Instansi penanggung jawab temuan: " .. agencies_of(findings) .. "."
  end
  -- an unheeded sanction alone is a finding of middle weight
  local agency = (who:gsub(" bersama ", ", "))
  return step, flags.new("SANKSI", worst or "sedang", agency, nil, text)
end

return sanctions
