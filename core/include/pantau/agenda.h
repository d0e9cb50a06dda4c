/*
 * The agenda: what each agency must do this week (docs/workflow.md, "Findings to a verified
 * fix"). Computed from the records on demand, never stored:
 *
 *   kind                      agency                        date
 *   finding.overdue           each agency the finding names due date (before today)
 *   finding.due               each agency the finding names due date (today .. today + days)
 *   accreditation.expiring    Dinas Sosial (*)              valid_until (today .. today + 90)
 *   registration.expiring     Dinas Sosial                  reg_expires (today .. today + 90)
 *   visit.overdue             Dinas Sosial                  last visit date (NULL: never)
 *
 * (*) The accreditation in force of a home is the latest valid_until among its accreditation
 * decisions that no other decision supersedes (as pt_finding_escalate). Its renewal is
 * proposed to the board (BALKS) by the Dinas Sosial, which keeps the register: the row is the
 * Dinas Sosial's.
 * A home is "not visited" when its last visit (any visit, of any state) is more than 365 days
 * before today, or it was never visited; unregistered homes are included (they are the ones
 * most in need of a visit), revoked ones too (a revoked home that still operates is
 * Satpol PP's and the Dinas Sosial's business).
 * A finding that names several agencies ("Satpol PP, Dinas Sosial") is a row for each.
 */
#ifndef PANTAU_AGENDA_H
#define PANTAU_AGENDA_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

#define PT_AGENDA_DAYS 7              /* findings due within this many days, by default */
#define PT_AGENDA_EXPIRY_DAYS 90      /* accreditations and registrations expiring */
#define PT_AGENDA_VISIT_DAYS 365      /* a home not visited for longer is on the agenda */

/* One thing to do. Strings live during the callback. */
typedef struct pt_agenda_row {
    const char *agency;
    const char *kind;          /* see the table above */
    int64_t institution_id;
    const char *institution_name;
    const char *date;          /* see the table above; NULL for a home never visited */
    int days;                  /* date - today in days (negative: past); 0 when date is NULL */
    const char *severity;      /* findings: kritis..rendah; else NULL */
    const char *text;          /* what to do, Bahasa Indonesia, one line */
    int64_t finding_id;        /* finding rows, else 0 */
    int64_t decision_id;       /* accreditation.expiring, else 0 */
} pt_agenda_row;

/* Calls cb for each row, ordered by agency, then kind (in the order of the table above),
 * then date, then institution. agency (NULL: all) keeps the rows of that agency (matched as
 * pt_finding_agency_matches: "Dinas Sosial" keeps "Dinas Sosial Kota Tangerang"). days <= 0
 * means PT_AGENDA_DAYS. today NULL means today in UTC. A non-zero return from cb stops and is
 * returned. Errors: PT_EINVALID (today not a date). */
int pt_agenda_foreach(pt_ctx *ctx, const char *today, const char *agency, int days,
                      int (*cb)(const pt_agenda_row *row, void *payload), void *payload);

#ifdef __cplusplus
}
#endif
#endif
