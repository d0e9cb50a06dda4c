/*
 * The life cycle's internals (lifecycle.c): the one function that records a step, used by
 * every module that moves a visit (visit.c on import, joint.c on submit, score_store.c on
 * scoring, review.c on review, return and decision). Not installed.
 */
#ifndef PANTAU_LIFECYCLE_INTERNAL_H
#define PANTAU_LIFECYCLE_INTERNAL_H

#include "internal.h"
#include "pantau/lifecycle.h"

/* Records the step from -> to of visit_id, with reason (may be NULL; required for returned),
 * as the context's user. Must run inside the caller's transaction. Checks that the visit's
 * current state is `from` first and says so clearly when it is not (PT_ESTATE: "visit 12 is
 * scored, not submitted: ..."); the database checks it again (trigger
 * visit_transition_from_current) and refuses steps the life cycle does not have (CHECK).
 * Errors: PT_ESTATE, PT_ENOTFOUND, PT_EINVALID (a return without a reason), SQLite's. */
int pt__visit_step(pt_ctx *ctx, int64_t visit_id, pt_visit_state from, pt_visit_state to,
                   const char *reason);

/* As pt__visit_step, with a statement cached by the caller across many visits (an import, a
 * score --all) and no read of the current state first: the trigger still refuses a wrong
 * `from`, and the error then names the visit. *stmt starts NULL; the caller finalizes it. */
int pt__visit_step_cached(pt_ctx *ctx, sqlite3_stmt **stmt, int64_t visit_id,
                          pt_visit_state from, pt_visit_state to, const char *reason);

/* PT_ESTATE with "visit ID is STATE: <what> needs it to be <allowed>" unless the visit's state
 * is one of the `n` states in allowed[]. *state (may be NULL) receives the current state. */
int pt__visit_require_state(pt_ctx *ctx, int64_t visit_id, const pt_visit_state *allowed,
                            int n, const char *what, pt_visit_state *state);

#endif
