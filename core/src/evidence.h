/*
 * The evidence a decision is based on (evidence.c), and the reads overrides and reviews share.
 * Not installed.
 *
 * The snapshot is ONE JSON object built from the database, always the same way, so that
 * `pantau decision verify` can build it again later and compare: every part of it is data the
 * database keeps immutable once the visit is decided (migration 5's *_locked_* triggers, the
 * closed review's frozen panel). Its parts, in this order:
 *   "visit":     {id, institution_id, date, type, notes, team: [{name, agency, role}]}
 *   "checklist": {id, version, sha256}
 *   "script":    {name, sha256}
 *   "answers":   {n, sha256}           (the digest the audit log uses: pt_answers_digest)
 *   "score":     {total, max, grade, grade_label, valid_until, scored_at, checklist_sha256,
 *                 script_sha256, sections: [...], flags: [...]}
 *   "overrides": [{id, target, section_id, computed, overridden, rationale, by, at}] in force
 *   "review":    {id, kind, reopens, quorum, opened_by, opened_at, reason}
 *   "panel":     [{user, conflict, declaration, declared_at, vote, voted_at}] by user name
 * Serialised compact with keys in that order (jansson keeps insertion order); its sha256 is
 * the decision's evidence_sha256.
 */
#ifndef PANTAU_EVIDENCE_H
#define PANTAU_EVIDENCE_H

#include <jansson.h>

#include "internal.h"
#include "pantau/checklist.h"

/* Parses the checklist version a stored visit was recorded against. *out belongs to the
 * caller (pt_checklist_free). Errors: PT_ENOTFOUND (no visit), PT_EINVALID. */
int pt__visit_checklist(pt_ctx *ctx, int64_t visit_id, pt_checklist **out);

/* The label of a grade of cl: the band's label, the checklist's fail label for "TT" (or
 * "Tidak Terakreditasi" when it has none), NULL when cl has no such grade. */
const char *pt__grade_label(const pt_checklist *cl, const char *grade);

/* Builds the snapshot of review_id's visit as the database holds it now (see above). *out is
 * a new reference (json_decref). Errors: PT_ENOTFOUND (no review, or the visit has no stored
 * score), PT_ENOMEM, SQLite's. */
int pt__evidence_build(pt_ctx *ctx, int64_t review_id, json_t **out);

/* The snapshot's canonical text (compact, keys in insertion order) and its sha256. *text
 * belongs to the caller (free). Errors: PT_ENOMEM. */
int pt__evidence_dump(const json_t *snapshot, char **text, char sha256[65]);

/* The paths where two snapshots differ, ", "-separated ("score.total, answers.sha256"): into
 * objects down to two levels, arrays and values compared whole. A part present in only one
 * of them counts. Caller frees; "" when they are equal; NULL when out of memory. */
char *pt__evidence_diff(const json_t *stored, const json_t *current);

#endif
