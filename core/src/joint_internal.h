/*
 * What joint_draft.c (new), joint.c (assign, record, reconcile) and joint_merge.c (reading
 * members' answers, submitting) share; defined in joint.c. Internal; not installed.
 */
#ifndef PANTAU_JOINT_INTERNAL_H
#define PANTAU_JOINT_INTERNAL_H

#include "internal.h"
#include "lifecycle.h"
#include "pantau/joint.h"

/* A stored visit as the joint functions need it: its owner and its checklist (parsed). */
typedef struct pt__jvisit {
    int64_t id, institution_id;
    char *checklist_id, *checklist_version, *date, *type;
    pt_checklist *checklist;
} pt__jvisit;

/* Reads visit id and fetches its checklist. Errors: PT_ENOTFOUND, SQLite's. Free with
 * pt__jvisit_done (also after a failure). */
int pt__jvisit_load(pt_ctx *ctx, int64_t id, pt__jvisit *v);
void pt__jvisit_done(pt__jvisit *v);

/* The item item_id of cl with its section and its place in checklist order (from 0), or NULL. */
const pt_item *pt__jvisit_item(const pt_checklist *cl, const char *item_id,
                               const pt_section **section, int *position);

/* The checks every joint write makes after authz, in the caller's transaction: the visit is
 * draft or returned (what: "recording answers" ... for the message; *state receives it) and
 * the user is on its team (*agency, size bytes, receives the team row's agency; "" in
 * single-user mode, where the implicit local administrator acts for the team). */
int pt__jvisit_require_writable(pt_ctx *ctx, const pt__jvisit *v, const char *what,
                                pt_visit_state *state, char *agency, size_t size);

/* Checks one typed value against its item with the importer's checker (answer_check.c).
 * value may be NULL or "" only when na. *out is the canonical text (static, the item's, or in
 * arena), NULL when *out_na. Errors: PT_EINVALID "visit N: item ID: ...", PT_ENOMEM. */
int pt__jvisit_check_value(const pt__jvisit *v, const pt_item *item, const char *value, int na,
                           pt__arena *arena, const char **out, int *out_na);

/* Steps a statement that returns no row and resets it; a failure is the SQLite error with
 * `what` as context. */
int pt__jvisit_step_done(pt_ctx *ctx, sqlite3_stmt *st, const char *what);
/* Binds a copy of s, or NULL. */
int pt__jvisit_bind_text(sqlite3_stmt *st, int i, const char *s);

#endif
