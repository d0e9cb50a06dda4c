/*
 * The JSON shapes of scores, flags and visits that more than one command prints (score,
 * visit list, visit show, summary), built in one place so their keys and key order stay the
 * same everywhere (docs/commands.md lists them). Every builder returns a new reference, or
 * NULL on allocation failure.
 */
#ifndef PANTAU_CLI_JSON_VIEWS_H
#define PANTAU_CLI_JSON_VIEWS_H

#include <jansson.h>

#include "pantau/pantau.h"

/* {code, severity, agency, item_id, message}. */
json_t *jv_flag(const pt_flag *flag);

/* A stored score: visit_id, total, max, grade, grade_label, valid_until, checklist_sha256,
 * script_sha256, scored_at, sections [{section_id, score, max, justification}], flags
 * [jv_flag...]. */
json_t *jv_score(const pt_score *score);

/* An override (override.h): {id, target, section_id, computed, overridden, rationale, by, at};
 * JSON null for NULL. */
struct pt_override;
json_t *jv_override(const struct pt_override *ovr);

/* The object a visit's JSON starts with: {id, institution_id, institution_name, checklist_id,
 * checklist_version, date, type}, taken from the summary's fields of those names (the caller
 * adds the rest). visit show fills a pt_visit_summary from its pt_visit for this. */
json_t *jv_visit_head(const pt_visit_summary *visit);

#endif
