/*
 * Professional overrides (docs/workflow.md, "Professional override"): an assessor may set a
 * section score or the grade of a scored visit to another value than the script computed,
 * with a written rationale. The computed score is never changed: an override is a record of
 * its own (table score_override, append-only in the database), and the latest override of a
 * target (the grade, or one section) is the one in force. Re-scoring keeps the overrides.
 * Once the visit is decided, no override can be added (a trigger refuses).
 */
#ifndef PANTAU_OVERRIDE_H
#define PANTAU_OVERRIDE_H

#include <stddef.h>
#include <stdint.h>

#include "pantau/score.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

/* The shortest rationale accepted, in characters (the database CHECKs it too). */
#define PT_OVERRIDE_MIN_RATIONALE 20

/* One override as stored. */
typedef struct pt_override {
    int64_t id;
    int64_t visit_id;
    const char *target;      /* "grade" or "section" */
    const char *section_id;  /* the section, or NULL for the grade */
    const char *computed;    /* the stored computed value when the override was made: a section
                                score ("37.5"), or a grade ("" when none) */
    const char *overridden;  /* the value set: a section score, a grade, or "TT" (no grade) */
    const char *rationale;
    const char *by;          /* user name ("local" in single-user mode) */
    const char *at;          /* UTC, ISO 8601 */
} pt_override;

/* Overrides section_id's score (section_id not NULL) or the grade (section_id NULL) of a
 * scored visit with value, for rationale (at least PT_OVERRIDE_MIN_RATIONALE characters).
 * A section score is a number from 0 to the section's maximum in the stored score; a grade is
 * one of the visit's checklist's grades, or "TT" / "" for none (stored as "TT"). id (may be
 * NULL) receives the new override's id. Needs PT_ACT_OVERRIDE (assessors).
 * Errors: PT_EDENIED, PT_ENOTFOUND (no visit, no stored score, no such section),
 * PT_ESTATE (the visit is not scored), PT_EINVALID (short rationale, bad value). */
int pt_score_override(pt_ctx *ctx, int64_t visit_id, const char *section_id, const char *value,
                      const char *rationale, int64_t *id);

/* Calls cb for each override of the visit, oldest first (the history); a non-zero return
 * stops the walk and is returned. The override lives only during the call. Errors:
 * PT_ENOTFOUND (no visit). */
int pt_override_foreach(pt_ctx *ctx, int64_t visit_id,
                        int (*cb)(const pt_override *ovr, void *payload), void *payload);

/* A stored score with the overrides in force beside it: what `pantau score show` prints. */
typedef struct pt_score_view {
    pt_score *score;                /* the stored, computed score (never changed) */
    const char *state;              /* the visit's state name ("scored", "decided" ...) */
    const pt_override *grade;       /* the grade override in force, or NULL */
    const char *grade_effective;    /* grade in force: the override's, else the computed one
                                       ("" when none; "TT" when an override says none) */
    const char *grade_label_effective; /* its label (the band's, or the checklist's fail label) */
    const pt_override *const *section; /* score->n_sections entries: the override in force of
                                          each section, or NULL */
    const double *section_effective;   /* score->n_sections entries: score in force */
    size_t n_in_force;
    const pt_override *in_force;    /* every override in force, oldest first */
    size_t n_history;               /* every override made, in force or not */
} pt_score_view;

/* Reads the stored score of a visit with its overrides in force. The total is the script's: an override of a section does not recompute the total or the grade (the assessor
 * overrides the grade too when it changes). *out belongs to the caller (pt_score_view_free).
 * Errors: PT_ENOTFOUND (no visit, or not scored). */
int pt_score_view_get(pt_ctx *ctx, int64_t visit_id, pt_score_view **out);
void pt_score_view_free(pt_score_view *view);

#ifdef __cplusplus
}
#endif
#endif
