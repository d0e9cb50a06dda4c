/*
 * The life cycle of a visit (docs/workflow.md):
 *
 *   draft ──submit──▶ submitted ──score──▶ scored ──open review──▶ under_review ──decide──▶ decided
 *                        ▲   │                │                        │
 *                        │   └──return──┐     └──────return──────┐     │
 *                        └─resubmit── returned ◀─────────────────┴─────┘ (return)
 *
 * Every step is a row of its own (visit_transition): who, when and why. A visit imported from
 * a file starts submitted; a visit created with pt_visit_new (joint.h) starts as a draft.
 * Answers change only in draft and returned; scores only in submitted and scored; a decided
 * visit never changes again (SQLite triggers refuse, whatever program writes the file).
 */
#ifndef PANTAU_LIFECYCLE_H
#define PANTAU_LIFECYCLE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

typedef enum pt_visit_state {
    PT_STATE_NONE = 0,     /* no step recorded (a visit being written) */
    PT_STATE_DRAFT,        /* "draft": the team is recording answers */
    PT_STATE_SUBMITTED,    /* "submitted": answers final, waiting for the score */
    PT_STATE_SCORED,       /* "scored" */
    PT_STATE_UNDER_REVIEW, /* "under_review": a review (board or supervisor) is open */
    PT_STATE_RETURNED,     /* "returned": sent back to the team with comments */
    PT_STATE_DECIDED       /* "decided": locked */
} pt_visit_state;

/* The stored name ("under_review") and the Indonesian label people read ("dalam telaah").
 * Static strings; "?" for an unknown value. */
const char *pt_visit_state_name(pt_visit_state state);
const char *pt_visit_state_label(pt_visit_state state);
/* Parses a stored name. 0, or PT_EINVALID naming the states. */
int pt_visit_state_parse(const char *name, pt_visit_state *out);

/* The visit's current state. Errors: PT_ENOTFOUND (no such visit). A visit with no step yet
 * is PT_STATE_NONE. */
int pt_visit_state_get(pt_ctx *ctx, int64_t visit_id, pt_visit_state *out);

/* How many visits are in each state: counts[state] for every pt_visit_state (the array has
 * PT_STATE_DECIDED + 1 entries). */
int pt_visit_count_states(pt_ctx *ctx, int64_t counts[PT_STATE_DECIDED + 1]);

/* One step of a visit's history. Strings live during the callback. */
typedef struct pt_visit_step {
    int64_t id;
    pt_visit_state from;   /* PT_STATE_NONE for the first step */
    pt_visit_state to;
    const char *actor;     /* user name, or "local" in single-user mode */
    const char *at;        /* UTC, ISO 8601 */
    const char *reason;    /* NULL when none was given */
} pt_visit_step;

/* Calls cb for each step of the visit, oldest first; a non-zero return stops the walk and is
 * returned. Errors: PT_ENOTFOUND. Needs PT_ACT_READ. */
int pt_visit_history_foreach(pt_ctx *ctx, int64_t visit_id,
                             int (*cb)(const pt_visit_step *step, void *payload), void *payload);

#ifdef __cplusplus
}
#endif
#endif
