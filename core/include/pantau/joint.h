/*
 * Draft visits and joint visits (docs/workflow.md, "The life cycle of a visit" and "Joint
 * visits and independent assessors").
 *
 * A visit created in pantau starts as a DRAFT with its team: pantau users, each of whom
 * records their OWN answers (member answers). Items may be assigned to an agency: a member
 * records only the items of their agency and the items assigned to no one. Where two members
 * answer an item differently (value or N/A), the item is a disagreement; a reconciliation
 * records the agreed answer with a reason. Submitting merges the agreed answers into the
 * visit's answers and moves the visit to submitted (draft -> submitted, or returned ->
 * submitted when the team corrects a visit a reviewer sent back).
 *
 * Who: every function that writes needs PT_ACT_VISIT_RECORD (inspector, assessor, agency
 * officer) and, except pt_visit_new, that the user is on the visit's team: a team row whose
 * name is the user's login name or full name. Answers change only while the visit is draft or
 * returned (PT_ESTATE otherwise). Each call is one transaction: all of it or nothing.
 *
 * Strings handed to callbacks are borrowed and live only during the callback.
 */
#ifndef PANTAU_JOINT_H
#define PANTAU_JOINT_H

#include <stddef.h>
#include <stdint.h>

#include "pantau/visit.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

/* One member of a new visit's team. */
typedef struct pt_visit_member_spec {
    const char *user;    /* a pantau user's login name; the user must be enabled */
    const char *role;    /* "ketua" or "anggota"; NULL for none */
} pt_visit_member_spec;

/* What pt_visit_new needs. The strings are the caller's; they are copied into the database. */
typedef struct pt_visit_new_spec {
    const char *institution;     /* id or registration number */
    const char *checklist;       /* "id@version", or "id" for the latest stored version */
    const char *date;            /* YYYY-MM-DD, not after tomorrow (UTC) */
    const char *type;            /* routine, accreditation, complaint, joint (or rutin,
                                    akreditasi, pengaduan, gabungan) */
    const char *notes;           /* NULL for none */
    size_t n_members;            /* at least one */
    const pt_visit_member_spec *members;
} pt_visit_new_spec;

/* Creates a draft visit with its team and no answers. The team rows are the users' login
 * names and agencies, with the roles given. *id (may be NULL) receives the visit's id.
 * Errors: PT_EINVALID (bad date, type, role, a member twice, no member, a user who is
 * unknown or disabled: the message names it), PT_ENOTFOUND (institution or checklist not
 * stored), PT_EDENIED. */
int pt_visit_new(pt_ctx *ctx, const pt_visit_new_spec *spec, int64_t *id);

/* What pt_visit_assign did. */
typedef struct pt_visit_assigned {
    size_t n_assigned;       /* items newly given to the agency, or moved to it from another */
    size_t n_unchanged;      /* items that were the agency's already: nothing written for them */
    char agency[256];        /* the agency as stored: the team's spelling ("Satpol PP" for
                                "satpol pp"); cut at 255 bytes */
} pt_visit_assigned;

/* Assigns items to an agency: the n_items item ids and every item of the n_sections section
 * ids (either list may be empty, not both). An item belongs to at most one agency: assigning
 * it again replaces the agency. The agency must be one of the team's agencies (case
 * ignored; stored as the team spells it). Needs a draft or returned visit.
 * An assignment decides who may record an item from then on; it never takes back what was
 * recorded: an item that already has a member's answer, or a reconciliation, by a member of
 * another agency cannot be assigned (the message names the first such item and who answered).
 * All or nothing. *out (may be NULL) is filled on success only (zeroed on failure).
 * Errors: PT_EINVALID (an item or section not in the visit's checklist: the message names it;
 * an agency not on the team), PT_ESTATE (the visit's state; an item answered by another
 * agency), PT_EDENIED, PT_ENOTFOUND. */
int pt_visit_assign(pt_ctx *ctx, int64_t visit_id, const char *agency,
                    const char *const *item_ids, size_t n_items,
                    const char *const *section_ids, size_t n_sections, pt_visit_assigned *out);

/* Records the CURRENT USER's answers (one per item, replacing their earlier answer to the
 * same item). Each answer's value is checked against its item exactly as an import checks it
 * (value as typed; na = 1 for N/A with value NULL or ""; note may be NULL; line ignored).
 * Refused, all of them, when: an item is not in the checklist, is given twice, has no value,
 * or fails its type (PT_EINVALID naming the item); an item is assigned to an agency other than
 * the member's (PT_EDENIED naming the item and its agency); the user is not on the team or
 * no one is authenticated (PT_EDENIED); the visit is not draft or returned (PT_ESTATE).
 * A member who changes their answer to a reconciled item withdraws its reconciliation (it
 * agreed on the answers as they were): if the members still differ, they reconcile again. */
int pt_visit_record_answers(pt_ctx *ctx, int64_t visit_id, const pt_answer *answers, size_t n);

/* One member's answer to an item. */
typedef struct pt_member_answer {
    const char *user;            /* login name */
    const char *full_name;       /* NULL when none */
    const char *agency;          /* the member's agency on the team */
    const char *value;           /* canonical text; NULL when na */
    int na;
    const char *note;            /* NULL when none */
    const char *recorded_at;
} pt_member_answer;

/* The agreed answer of a disagreement, as reconciled. */
typedef struct pt_reconciliation {
    const char *value;           /* NULL when na */
    int na;
    const char *reason;
    const char *by;              /* user name */
    const char *at;
} pt_reconciliation;

/* Everything recorded about one item of a visit. */
typedef struct pt_item_answers {
    const char *item_id;
    const char *section_id;
    const char *text;            /* the indicator */
    int position;                /* the item's place in the checklist, from 0 */
    const char *assigned_agency; /* NULL when assigned to no one */
    size_t n_members;
    const pt_member_answer *members;        /* ordered by user name */
    int disagreement;            /* 1: at least two members' answers differ (value or na) */
    const pt_reconciliation *reconciliation; /* NULL when none */
    int unreconciled;            /* disagreement and no reconciliation: blocks submitting */
    /* What submitting writes for this item: the reconciliation when there is one (it stands
     * until a member changes their answer), else the members' common answer. has_agreed is 0 when no member answered it, or unreconciled. */
    int has_agreed;
    const char *agreed_value;    /* NULL when agreed_na */
    int agreed_na;
    const pt_answer *answer;     /* the visit's stored answer (answer table), NULL when none */
} pt_item_answers;

/* Calls cb for every item of the visit's checklist, in checklist order; a non-zero return
 * stops the walk and is returned. Needs PT_ACT_READ. Errors: PT_ENOTFOUND. */
int pt_visit_member_answers_foreach(pt_ctx *ctx, int64_t visit_id,
                                    int (*cb)(const pt_item_answers *item, void *payload),
                                    void *payload);

/* Records (or replaces) the agreed answer of an item whose members disagree, or which was
 * reconciled before: value as typed, checked against the item (na = 1 for N/A), and a
 * non-empty reason. Assignments hold as for answers: a member reconciles only the items of
 * their agency and those assigned to no one. Errors: PT_EINVALID (no disagreement on the
 * item, bad value, empty reason, unknown item), PT_EDENIED (an item assigned to an agency
 * other than the member's: the message names the item and its agency; not on the team; the
 * role), PT_ESTATE, PT_ENOTFOUND. */
int pt_visit_reconcile(pt_ctx *ctx, int64_t visit_id, const char *item_id, const char *value,
                       int na, const char *reason);

/* Submits a draft visit, or resubmits a returned one: writes each item's agreed answer into
 * the visit's answers (replacing its stored answer; items no member answered keep theirs),
 * records the step with reason (may be NULL) and raises "visit.submitted". *n_answers (may be
 * NULL) receives the number of answers the visit then has. Errors: PT_EINVALID (members
 * disagree on items without a reconciliation: the message lists every such item; or the
 * visit would have no answer), PT_ESTATE, PT_EDENIED, PT_ENOTFOUND. */
int pt_visit_submit(pt_ctx *ctx, int64_t visit_id, const char *reason, int *n_answers);

#ifdef __cplusplus
}
#endif
#endif
