-- sections: weighted section scores and the total, with N/A taken out of the maximum.
--
--   section score = section weight x sum(credit x item weight) / sum(item weight)
--                   over the section's scored items that are not N/A; an unanswered item
--                   earns 0 but stays in the sum of weights.
--   A section whose scored items are all N/A does not count: score 0, max 0.
--   total = max_total x sum(section scores) / sum(weights of the sections that count),
--           so an N/A section neither helps nor hurts.
-- Section scores are rounded to 2 decimals first and the total is computed from the rounded
-- scores, so the figures a report shows add up to the total it shows.
local credit = require("credit")
local fmt = require("fmt")

local sections = {}

-- Scores one section of v.checklist.sections against answers (v.answers).
-- opts.custom: { [item_id] = function(item, answer) -> credit } for types credit.lua does not
--              score itself (count, number).
-- opts.weak_below: credit under which an answered item is listed as weak (default 0.5).
-- Returns { id, score, max, counted, n_na, unanswered = {ids}, weak = {ids},
--           credits = { [item_id] = credit } }.
function sections.score(section, answers, opts)
  opts = opts or {}
  local weak_below = opts.weak_below or 0.5
  local r = { id = section.id, score = 0, max = 0, counted = false, n_na = 0,
              unanswered = {}, weak = {}, credits = {} }
  local earned, possible = 0, 0
  for _, item in ipairs(section.items) do
    if credit.is_scored(item, opts.custom) then
      local answer = answers[item.id]
      local state = credit.state(answer)
      if state == "na" then
        r.n_na = r.n_na + 1
      else
        local c = credit.item(item, answer, opts.custom)
        r.credits[item.id] = c
        earned = earned + c * item.weight
        possible = possible + item.weight
        if state == "unanswered" then
          r.unanswered[#r.unanswered + 1] = item.id
        elseif c < weak_below then
          r.weak[#r.weak + 1] = item.id
        end
      end
    end
  end
  if possible > 0 then
    r.counted = true
    r.max = section.weight
    r.score = fmt.round(section.weight * earned / possible)
  end
  return r
end

-- Scores every section. Returns the list of section results in checklist order.
function sections.score_all(checklist, answers, opts)
  local out = {}
  for i, section in ipairs(checklist.sections) do
    out[i] = sections.score(section, answers, opts)
  end
  return out
end

-- The total on the checklist's scale from section results (see the header). Returns the
-- rounded total and the sum of the counted sections' weights (0: nothing counted, total 0).
function sections.total(results, max_total)
  local sum, weight = 0, 0
  for _, r in ipairs(results) do
    if r.counted then
      sum = sum + r.score
      weight = weight + r.max
    end
  end
  if weight <= 0 then return 0, 0 end
  return fmt.round(max_total * sum / weight), weight
end

return sections
