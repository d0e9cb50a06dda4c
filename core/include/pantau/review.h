/*
 * Reviews and board decisions (docs/workflow.md, "Reviews and board decisions").
 *
 * A reviewer opens a review of a scored visit with a panel of users (the visit goes
 * under_review); each panel member declares, as themselves, a conflict of interest or none;
 * members without a conflict vote; a panel member decides once the quorum of votes is cast and
 * one outcome has a strict majority. The decision records the panel, the votes, the outcome,
 * its validity and the evidence snapshot (the visit, its answers' digest, the score, the
 * overrides in force, the checklist and script sha256) with its sha256, and locks the visit
 * (decided): the database refuses any later change of the data behind it. A review may
 * instead return the visit to its team (returned). An appeal or a correction reopens the
 * decision in force as a new review of the same visit; its decision supersedes the first, or,
 * when it cannot be decided, it is withdrawn (withdrawn; the visit stays decided). Decisions
 * are never edited.
 *
 * Who: for an accreditation visit (and its decisions) everything is the board's: opening,
 * returning, appealing, correcting and withdrawing need PT_ACT_DECIDE, as do declaring, voting
 * and deciding. For other visits opening, returning, appealing, correcting and withdrawing need
 * PT_ACT_REVIEW; declaring, voting and deciding PT_ACT_DECIDE_MONITORING. The context's user
 * must be on the panel to declare, vote and decide, and every panel member must be a user who
 * may decide the review (board members for an accreditation visit; board members and Dinas
 * Sosial officers for the others, as authz.c's table says).
 *
 * Reads need nothing more than an open context (the command authenticates first). What a read
 * hands back through a pointer-to-pointer belongs to the caller (the matching _free); what a
 * callback receives lives only during the call.
 */
#ifndef PANTAU_REVIEW_H
#define PANTAU_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

/* The outcome of a monitoring review, and the "no grade" outcome of an accreditation one. */
#define PT_OUTCOME_ACCEPTED "accepted"
#define PT_OUTCOME_NO_GRADE "TT"   /* tidak terakreditasi */

/* Opens a review of a scored visit with the n users named in panel (login names, distinct,
 * enabled, each a user who may decide the review: see "Who" above). quorum: votes needed to
 * decide, 1..n (a quorum larger than the panel is refused); 0 means a majority of the panel
 * (n/2+1). reason may be NULL. The visit goes scored -> under_review; *review_id (may be
 * NULL) receives the new review. Raises "review.opened". Needs PT_ACT_DECIDE for an
 * accreditation visit, PT_ACT_REVIEW otherwise.
 * Errors: PT_EDENIED, PT_ENOTFOUND (visit, user), PT_ESTATE (not scored, a review already
 * open), PT_EINVALID (empty or repeated panel, bad quorum, a disabled user or a member who may
 * not decide the review). */
int pt_review_open(pt_ctx *ctx, int64_t visit_id, const char *const *panel, size_t n,
                   int quorum, const char *reason, int64_t *review_id);

/* Opens an appeal (pt_review_appeal) or a correction (pt_review_correct) of a decision: a new
 * review of the same (decided) visit, reopening the decided review, with its own panel and
 * quorum as for pt_review_open; reason is required. Its decision will supersede decision_id.
 * The visit stays decided. Only the decision in force may be reopened: for an accreditation
 * decision the home's row of the view accreditation_current (a later board decision of the
 * home governs), for a monitoring decision the latest of its visit that none supersedes; the
 * decision of the appeal or correction is refused likewise if another decision came into force
 * meanwhile. Needs PT_ACT_DECIDE for an accreditation decision, PT_ACT_REVIEW otherwise.
 * Errors: as pt_review_open, and PT_ENOTFOUND (no such decision), PT_ESTATE (the decision is
 * not the one in force, or a review of the visit is open), PT_EINVALID (no reason). */
int pt_review_appeal(pt_ctx *ctx, int64_t decision_id, const char *reason,
                     const char *const *panel, size_t n, int quorum, int64_t *review_id);
int pt_review_correct(pt_ctx *ctx, int64_t decision_id, const char *reason,
                      const char *const *panel, size_t n, int quorum, int64_t *review_id);

/* The context's user declares, for themselves, a conflict of interest (conflict 1, with the
 * declaration text required) or none (conflict 0, declaration optional, may be NULL). A
 * declared conflict is final (the database refuses to change it too). A declaration of no
 * conflict may be made again until the member has voted, and may always become a conflict
 * while the review is open: that clears the member's vote, in the same transaction.
 * Errors: PT_EDENIED (not on the panel; role), PT_ESTATE (review closed, a conflict declared
 * already, no conflict again after the vote), PT_EINVALID (a conflict without a declaration),
 * PT_ENOTFOUND. */
int pt_review_declare(pt_ctx *ctx, int64_t review_id, int conflict, const char *declaration);

/* The context's user votes outcome: for an accreditation visit a grade of the visit's
 * checklist or "TT"; otherwise "accepted". Only a member who declared no conflict votes (the
 * database CHECKs it too). A vote may be changed until the decision: the vote counted is the
 * last one (the audit log keeps the earlier ones).
 * Errors: PT_EDENIED (not on the panel, declared a conflict, role), PT_ESTATE (review closed,
 * no declaration yet), PT_EINVALID (not an outcome of this review), PT_ENOTFOUND. */
int pt_review_vote(pt_ctx *ctx, int64_t review_id, const char *outcome);

/* The context's user, a panel member who declared no conflict, records the decision: it needs
 * at least the quorum of votes cast, and the outcome is the one with a strict majority of them.
 * conditions may be NULL. For a grade with a validity, valid_from is today (UTC) and
 * valid_until today plus the grade's years in the checklist. Stores the evidence snapshot and
 * its sha256, closes the review (decided) and moves the visit under_review -> decided (an
 * appeal's or correction's visit is decided already); one transaction. Raises
 * "review.decided". *decision_id (may be NULL) receives the decision.
 * Errors: PT_EDENIED, PT_ESTATE (review closed, quorum not reached), PT_EINVALID (no strict
 * majority: a tie), PT_ENOTFOUND. */
int pt_review_decide(pt_ctx *ctx, int64_t review_id, const char *conditions,
                     int64_t *decision_id);

/* Sends a scored visit, or a visit under review, back to its team with reason (required):
 * the visit goes returned, and an open review closes as 'returned' with reason. Raises
 * "visit.returned". Needs PT_ACT_DECIDE for an accreditation visit, PT_ACT_REVIEW otherwise.
 * Errors: PT_EDENIED, PT_ENOTFOUND, PT_ESTATE (another state), PT_EINVALID (no reason). */
int pt_review_return(pt_ctx *ctx, int64_t visit_id, const char *reason);

/* Withdraws an open appeal or correction with reason (required), e.g. one whose quorum can no
 * longer be reached or that a later decision overtook: the review closes as 'withdrawn'
 * (closed_by, closed_at, close_reason), no decision is made, and the visit stays decided with
 * the decision in force unchanged (no visit step). A first review (kind "review") is not
 * withdrawn: its visit is returned to the team (pt_review_return). Raises "review.withdrawn".
 * Needs what opening it needed: PT_ACT_DECIDE for an accreditation visit, PT_ACT_REVIEW
 * otherwise.
 * Errors: PT_EDENIED, PT_ENOTFOUND, PT_ESTATE (a first review, a closed review), PT_EINVALID
 * (no reason). */
int pt_review_withdraw(pt_ctx *ctx, int64_t review_id, const char *reason);

/* ---- reading ---- */

typedef struct pt_panel_member {
    int64_t user_id;
    const char *user;            /* login name */
    const char *full_name;       /* NULL if none */
    const char *role;            /* "board", "officer" ... (the user's role now) */
    int conflict;                /* -1 not declared yet, 0 no conflict, 1 conflict */
    const char *declaration;     /* NULL if none */
    const char *declared_at;     /* NULL until declared */
    const char *vote;            /* NULL until voted */
    const char *voted_at;
} pt_panel_member;

typedef struct pt_review {
    int64_t id;
    int64_t visit_id;
    int64_t institution_id;
    const char *institution_name;
    const char *visit_date, *visit_type;
    const char *kind;            /* "review", "appeal", "correction" */
    int64_t reopens;             /* the review an appeal or correction reopens; 0 for a review */
    const char *status;          /* "open", "returned", "decided", "withdrawn" */
    int quorum;
    const char *opened_by, *opened_at;
    const char *reason;          /* NULL if none */
    const char *closed_by, *closed_at, *close_reason; /* NULL while open */
    size_t n_panel;
    const pt_panel_member *panel; /* ordered by user name */
    int n_declared, votes_cast;
    int64_t decision_id;         /* 0 unless decided */
} pt_review;

/* Reads a review with its panel. *out belongs to the caller (pt_review_free).
 * Errors: PT_ENOTFOUND. */
int pt_review_get(pt_ctx *ctx, int64_t review_id, pt_review **out);
void pt_review_free(pt_review *review);

/* Calls cb for each review, newest first: of one visit when visit_id > 0, only the open ones
 * when only_open. A non-zero return stops the walk and is returned. */
int pt_review_foreach(pt_ctx *ctx, int64_t visit_id, int only_open,
                      int (*cb)(const pt_review *review, void *payload), void *payload);

typedef struct pt_decision {
    int64_t id;
    int64_t review_id;
    int64_t visit_id;
    int64_t institution_id;
    const char *institution_name;
    const char *kind;            /* "accreditation" or "monitoring" */
    const char *review_kind;     /* "review", "appeal", "correction" */
    const char *outcome;         /* a grade, "TT" or "accepted" */
    const char *outcome_label;   /* "Sangat Baik", "Tidak Terakreditasi", "Diterima" */
    const char *conditions;      /* NULL if none */
    const char *valid_from, *valid_until; /* NULL when the outcome has no validity */
    int panel_size, votes_cast, quorum;
    const char *votes;           /* JSON array: [{user, conflict, vote}] by user name */
    const char *evidence;        /* the snapshot, JSON (evidence.h describes its parts) */
    const char *evidence_sha256;
    int64_t supersedes;          /* the decision this one replaces, 0 if none */
    int64_t superseded_by;       /* the decision that replaced this one, 0 if none */
    const char *decided_by, *decided_at;
} pt_decision;

/* Reads a decision. *out belongs to the caller (pt_decision_free). Errors: PT_ENOTFOUND. */
int pt_decision_get(pt_ctx *ctx, int64_t decision_id, pt_decision **out);
void pt_decision_free(pt_decision *decision);

/* Calls cb for each decision, newest first (of one institution when institution_id > 0). */
int pt_decision_foreach(pt_ctx *ctx, int64_t institution_id,
                        int (*cb)(const pt_decision *decision, void *payload), void *payload);

/* What pt_decision_verify found. */
typedef struct pt_decision_check {
    int matches;                 /* 1: the snapshot built now is the stored one */
    char stored_sha256[65];      /* the decision's evidence_sha256 */
    char current_sha256[65];     /* the sha256 of the snapshot built now */
    char *differences;           /* the parts that differ, ", "-separated ("score.total"); ""
                                    when they match; freed by pt_decision_check_clear */
} pt_decision_check;

/* Builds the decision's evidence snapshot again from the database as it is now and compares
 * it with the stored one (and the stored one with its own sha256). A mismatch is not an
 * error: it is reported in *out. Errors: PT_ENOTFOUND, PT_ENOMEM. */
int pt_decision_verify(pt_ctx *ctx, int64_t decision_id, pt_decision_check *out);
void pt_decision_check_clear(pt_decision_check *check);

#ifdef __cplusplus
}
#endif
#endif
