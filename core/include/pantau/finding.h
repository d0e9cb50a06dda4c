/*
 * Findings to a verified fix (tindak lanjut, docs/workflow.md): a red flag or a failed item of a
 * visit that an agency must follow up, by a due date, with corrective action plans, until a
 * later verification visit of the same home shows it fixed.
 *
 * A finding is a record: once written only its escalation (escalated_at) and its closing
 * (status, closed_by_visit, closed_by, closed_at) change, once each; a closed finding never
 * changes again and none is deleted (triggers of migration 5, whatever program writes the
 * file). Corrective plans are append-only: a revision is a new row, the latest is in force.
 *
 * Dates are YYYY-MM-DD. "today" parameters are the caller's day (the command's --today, by
 * default today in UTC): passing it in keeps the library testable and lets an office back-date
 * a run. A finding is overdue when it is open and its due date is before today (due today is
 * not yet overdue).
 *
 * Writers need PT_ACT_FINDING (inspector, assessor, agency officer); escalation needs
 * PT_ACT_ESCALATE (administrator, agency officer); reads PT_ACT_READ.
 */
#ifndef PANTAU_FINDING_H
#define PANTAU_FINDING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

/* The agency that acts when a flag names none: the Dinas Sosial keeps the register and
 * coordinates the follow-up of every home (Permensos 184/2011). */
#define PT_FINDING_DEFAULT_AGENCY "Dinas Sosial"

/* Days from the day a finding is recorded to its due date, by severity. */
#define PT_FINDING_DAYS_KRITIS 7
#define PT_FINDING_DAYS_TINGGI 30
#define PT_FINDING_DAYS_SEDANG 60
#define PT_FINDING_DAYS_RENDAH 90

/* One corrective action plan (rencana tindak lanjut). Strings borrowed from the finding. */
typedef struct pt_corrective_plan {
    int64_t id;
    int64_t finding_id;
    const char *action;
    const char *responsible;   /* who carries it out: a person or a unit of the home */
    const char *target_date;
    const char *created_by;
    const char *created_at;    /* UTC, ISO 8601 */
} pt_corrective_plan;

typedef struct pt_finding {
    int64_t id;
    int64_t institution_id;
    const char *institution_name;
    int64_t visit_id;
    const char *visit_date;
    const char *item_id;       /* NULL for a flag about no one item */
    const char *flag_code;     /* NULL for a finding recorded by hand */
    const char *severity;      /* kritis, tinggi, sedang, rendah */
    const char *agency;        /* who must act; may list several: "Satpol PP, Dinas Sosial" */
    const char *description;
    const char *due_date;
    const char *status;        /* "open" or "closed" */
    const char *created_by;
    const char *created_at;
    const char *escalated_at;  /* NULL until finding.overdue was raised */
    int64_t closed_by_visit;   /* 0 while open */
    const char *closed_by;     /* NULL while open */
    const char *closed_at;     /* NULL while open */
    size_t n_plans;            /* corrective plans recorded */
    const pt_corrective_plan *last_plan; /* the one in force (latest); NULL when none */
    const pt_corrective_plan *plans;     /* all n_plans, oldest first: pt_finding_get only
                                            (NULL in pt_finding_foreach) */
} pt_finding;

/* Turns each flag of the visit's stored score into a finding: severity, agency (the flag's;
 * "" -> PT_FINDING_DEFAULT_AGENCY), item (NULL when the flag has none), flag code, description
 * (the flag's message) and due = today + 7/30/60/90 days for kritis/tinggi/sedang/rendah.
 * today NULL means today in UTC. The visit must be scored, under review or decided.
 * Idempotent: a finding that exists (same visit, item and flag code) is not created again;
 * *n_created (may be NULL) counts only the new ones. One transaction.
 * Errors: PT_ENOTFOUND (visit, score), PT_ESTATE (visit not scored yet, or returned),
 * PT_EINVALID (today not a date), PT_EDENIED. */
int pt_finding_from_visit(pt_ctx *ctx, int64_t visit_id, const char *today, int *n_created);

/* Records a failed item by hand: item_id must be an item of the visit's checklist (the
 * error names it), severity one of the four, agency and description non-empty, due_date a
 * date. The visit must be submitted or later (not a draft nor returned: its answers are
 * final). *id (may be NULL) receives the new id.
 * Errors: PT_EINVALID, PT_ENOTFOUND, PT_ESTATE, PT_EEXISTS (that visit already has a finding
 * recorded by hand on that item), PT_EDENIED. */
int pt_finding_add(pt_ctx *ctx, int64_t visit_id, const char *item_id, const char *severity,
                   const char *agency, const char *due_date, const char *description,
                   int64_t *id);

/* Adds a corrective action plan to an open finding (a revision is a new plan; the latest is
 * in force). *id (may be NULL) receives the plan's id.
 * Errors: PT_ENOTFOUND, PT_ESTATE (finding closed), PT_EINVALID, PT_EDENIED. */
int pt_finding_plan(pt_ctx *ctx, int64_t finding_id, const char *action, const char *responsible,
                    const char *target_date, int64_t *id);

/* Closes a finding with the verification visit that re-checked it. The visit must be, in this
 * order: not the finding's own visit; of the same institution; later than the finding's visit
 * (a later date, or the same date and a higher id); made with the same checklist as the
 * finding's visit (the checklist id; any version); scored, under review or decided, with a
 * stored score. For a finding on an item the visit must have answered the item (an answer, not
 * N/A), its score must raise no flag on that item, and for a finding recorded by hand (no flag
 * code) the answer must differ from the one the finding's visit recorded (a finding from a
 * flag is re-checked by the new score instead). For a finding from a flag without an item:
 * the score raises no flag with the same code. Each refusal says why, e.g. "visit 9 still
 * flags item P3.2 (GATE): finding 4 stays open". Records closed_by_visit, closed_by (the user,
 * "local" in single-user mode) and closed_at.
 * Errors: PT_ENOTFOUND, PT_ESTATE (finding already closed; visit not scored), PT_EINVALID
 * (the visit cannot verify the finding), PT_EDENIED. */
int pt_finding_close(pt_ctx *ctx, int64_t finding_id, int64_t verification_visit_id);

/* What one escalation run raised (counts of events). */
typedef struct pt_escalation_counts {
    int finding_overdue;
    int accreditation_expiring;
    int registration_expiring;
} pt_escalation_counts;

/* One event an escalation run raised, for the caller to print. Strings live during the call. */
typedef struct pt_escalation {
    const char *type;          /* finding.overdue, accreditation.expiring, registration.expiring */
    int64_t institution_id;
    const char *institution_name;
    int64_t finding_id;        /* finding.overdue, else 0 */
    int64_t decision_id;       /* accreditation.expiring, else 0 */
    const char *date;          /* the due date, valid_until or reg_expires */
    const char *subject;       /* the event's subject (Bahasa Indonesia) */
} pt_escalation;

/* The daily run (cron): raises, in one transaction,
 *  - "finding.overdue" once per open finding whose due date is before today (sets its
 *    escalated_at; an escalated finding is never raised again);
 *  - "accreditation.expiring" for each institution whose accreditation in force (the latest
 *    valid_until among its accreditation decisions that no other decision supersedes) ends
 *    within 90 days of today (today <= valid_until <= today + 90), once per (institution,
 *    valid_until);
 *  - "registration.expiring" for each registered institution whose reg_expires is within 90
 *    days of today, once per (institution, reg_expires).
 * Subjects and bodies in Bahasa Indonesia. today NULL means today in UTC. counts (may be NULL)
 * receives the numbers; cb (may be NULL) is called for each event raised, after the commit.
 * Errors: PT_EINVALID (today), PT_EDENIED (needs PT_ACT_ESCALATE). */
int pt_finding_escalate(pt_ctx *ctx, const char *today, pt_escalation_counts *counts,
                        int (*cb)(const pt_escalation *raised, void *payload), void *payload);

/* Which findings a walk returns. Zero fields select everything. */
typedef struct pt_finding_filter {
    int64_t institution_id;    /* 0: every institution */
    const char *agency;        /* NULL: every agency; else pt_finding_agency_matches */
    int open_only;             /* 1: open findings only */
    const char *overdue_as_of; /* a date: only open findings due before it */
} pt_finding_filter;

/* Calls cb for each finding the filter selects, by due date then id, with its plan count and
 * latest plan (plans is NULL). A non-zero return from cb stops the walk and is returned. The
 * finding lives only during the call. filter may be NULL.
 * Errors: PT_EINVALID (overdue_as_of not a date). */
int pt_finding_foreach(pt_ctx *ctx, const pt_finding_filter *filter,
                       int (*cb)(const pt_finding *finding, void *payload), void *payload);

/* One finding with all its plans. *out belongs to the caller (pt_finding_free).
 * Errors: PT_ENOTFOUND. */
int pt_finding_get(pt_ctx *ctx, int64_t id, pt_finding **out);
void pt_finding_free(pt_finding *finding);

/* 1 when `agency` is one of the agencies a finding names: its agency text is a list separated
 * by commas ("Satpol PP, Dinas Sosial"); an entry matches when it equals `agency` or starts
 * with it followed by a space ("Dinas Sosial Kota Tangerang" matches "Dinas Sosial"),
 * without regard to case. */
int pt_finding_agency_matches(const char *finding_agency, const char *agency);

#ifdef __cplusplus
}
#endif
#endif
