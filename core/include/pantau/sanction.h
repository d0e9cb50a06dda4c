/*
 * The sanction ladder of joint monitoring (docs/workflow.md, "Sanctions"; Perda Kab. Bandung
 * Barat 3/2024 as the example):
 *   1 teguran_lisan          (oral warning)         Satpol PP or Dinas Sosial
 *   2 teguran_tertulis       (written warning)      Satpol PP or Dinas Sosial
 *   3 penghentian_sementara  (temporary closure)    Satpol PP or Dinas Sosial
 *   4 penghentian_tetap      (permanent closure)    Dinas Sosial
 *   5 pencabutan_izin        (permit revoked)       Dinas Sosial; also sets the home's
 *                                                   registration to "revoked"
 * Who may issue which step is authz.c's (pt_authorize_sanction).
 *
 * Sanctions are records: never changed or deleted (triggers). A step is recorded as given,
 * whatever was issued before: the ladder may repeat a step (a second written warning) and an
 * office may start higher than step 1 where the law allows it; the "current step" of a home
 * is the highest step ever issued to it.
 */
#ifndef PANTAU_SANCTION_H
#define PANTAU_SANCTION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

/* The stored level name of a step ("teguran_tertulis") and its Indonesian label ("teguran
 * tertulis"). Static strings; NULL for a step outside 1..5. */
const char *pt_sanction_level(int step);
const char *pt_sanction_label(int step);

/* Issues a sanction of step 1..5 to an institution, after pt_authorize_sanction(ctx, step).
 * reason must be non-empty; visit_id and finding_id (0: none) must be of that institution.
 * The sanction's agency is the user's (the Dinas Sosial in single-user mode). Step 5 also
 * sets the institution's reg_status to "revoked" in the same transaction (the institution's
 * audit triggers record it). Raises "sanction.issued". *id (may be NULL) receives the id.
 * Errors: PT_EINVALID, PT_ENOTFOUND, PT_EDENIED (the message names who may issue the step). */
int pt_sanction_add(pt_ctx *ctx, int64_t institution_id, int step, const char *reason,
                    int64_t visit_id, int64_t finding_id, int64_t *id);

typedef struct pt_sanction {
    int64_t id;
    int64_t institution_id;
    const char *institution_name;
    int step;
    const char *level;         /* teguran_lisan ... pencabutan_izin */
    const char *label;         /* "teguran lisan" ... */
    const char *reason;
    int64_t visit_id;          /* 0 when none */
    int64_t finding_id;        /* 0 when none */
    const char *agency;
    const char *issued_by;
    const char *issued_at;     /* UTC, ISO 8601 */
} pt_sanction;

/* Calls cb for each sanction (of one institution when institution_id > 0), oldest first
 * (institution, then id). A non-zero return stops the walk and is returned. The sanction lives
 * only during the call. */
int pt_sanction_foreach(pt_ctx *ctx, int64_t institution_id,
                        int (*cb)(const pt_sanction *sanction, void *payload), void *payload);

/* The institution's current step on the ladder: the highest step issued, 0 when none.
 * Errors: PT_ENOTFOUND (no such institution). */
int pt_sanction_current_step(pt_ctx *ctx, int64_t institution_id, int *step);

#ifdef __cplusplus
}
#endif
#endif
