/*
 * Closing a finding (finding.h, pt_finding_close): only a verification visit closes it, never
 * a word. The visit must show the fix: same home, made after the finding's visit, with the same
 * checklist (any version: another instrument's script never raises the finding's flag, so its
 * silence proves nothing), scored, the item answered (not N/A), no flag on it any more, and for
 * a finding recorded by hand (no flag re-checks it) an answer that changed. Each refusal says
 * which of these failed, because the officer who reads it must know what visit to make next.
 */
#include <stdio.h>
#include <string.h>

#include "authz.h"
#include "lifecycle.h"
#include "pantau/finding.h"

/* What the checks need of the finding and of the visit. */
typedef struct finding_facts {
    int64_t institution_id, visit_id, closed_by_visit;
    char institution_name[256];
    char visit_date[16];
    char item_id[128];         /* "" when none */
    char flag_code[128];       /* "" when none */
    int closed;
    char closed_at[32];
    char checklist_id[256];    /* of the finding's visit */
} finding_facts;

typedef struct visit_facts {
    int64_t institution_id;
    char institution_name[256];
    char visit_date[16];
    char checklist_id[256];
} visit_facts;

static void copy_col(char *dst, size_t size, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(dst, size, "%s", t ? (const char *)t : "");
}

static int read_finding(pt_ctx *ctx, int64_t id, finding_facts *f)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT f.institution_id, i.name, f.visit_id, v.visit_date, f.item_id, "
                         "f.flag_code, f.status = 'closed', f.closed_by_visit, f.closed_at, "
                         "cv.checklist_id "
                         "FROM finding f JOIN institution i ON i.id = f.institution_id "
                         "JOIN visit v ON v.id = f.visit_id "
                         "JOIN checklist_version cv ON cv.id = v.checklist_version_id WHERE f.id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        f->institution_id = sqlite3_column_int64(st, 0);
        copy_col(f->institution_name, sizeof f->institution_name, st, 1);
        f->visit_id = sqlite3_column_int64(st, 2);
        copy_col(f->visit_date, sizeof f->visit_date, st, 3);
        copy_col(f->item_id, sizeof f->item_id, st, 4);
        copy_col(f->flag_code, sizeof f->flag_code, st, 5);
        f->closed = sqlite3_column_int(st, 6);
        f->closed_by_visit = sqlite3_column_int64(st, 7);
        copy_col(f->closed_at, sizeof f->closed_at, st, 8);
        copy_col(f->checklist_id, sizeof f->checklist_id, st, 9);
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "finding %lld not found", (long long)id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the finding");
    }
    sqlite3_finalize(st);
    return rc;
}

static int read_visit(pt_ctx *ctx, int64_t id, visit_facts *v)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT v.institution_id, i.name, v.visit_date, cv.checklist_id "
                                   "FROM visit v JOIN institution i ON i.id = v.institution_id "
                                   "JOIN checklist_version cv ON cv.id = v.checklist_version_id "
                                   "WHERE v.id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        v->institution_id = sqlite3_column_int64(st, 0);
        copy_col(v->institution_name, sizeof v->institution_name, st, 1);
        copy_col(v->visit_date, sizeof v->visit_date, st, 2);
        copy_col(v->checklist_id, sizeof v->checklist_id, st, 3);
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "visit %lld not found", (long long)id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the verification visit");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Runs a query with ?1 the visit and ?2 text (when text is not NULL) and copies column 0 of its first row into out.
 * Returns 1 when there is a row, 0 when none, or a negative error. */
static int first_row(pt_ctx *ctx, const char *sql, int64_t visit_id, const char *text, char *out,
                     size_t size)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, sql);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    if (text) sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        copy_col(out, size, st, 0);
        rc = 1;
    } else if (step == SQLITE_DONE) {
        rc = 0;
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the verification visit");
    }
    sqlite3_finalize(st);
    return rc;
}

/* 1 when visit vid answered f's item (not N/A) with the value f's visit recorded (copied into
 * out), 0 when the answer differs or f's visit had none or N/A, or a negative error. */
static int same_answer(pt_ctx *ctx, const finding_facts *f, int64_t vid, char *out, size_t size)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT n.value FROM answer n JOIN answer o ON o.visit_id = ?2 "
                         "AND o.item_id = n.item_id AND o.na = 0 AND o.value IS n.value "
                         "WHERE n.visit_id = ?1 AND n.item_id = ?3 AND n.na = 0");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, vid);
    sqlite3_bind_int64(st, 2, f->visit_id);
    sqlite3_bind_text(st, 3, f->item_id, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        copy_col(out, size, st, 0);
        rc = 1;
    } else if (step == SQLITE_DONE) {
        rc = 0;
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the answers");
    }
    sqlite3_finalize(st);
    return rc;
}

static const pt_visit_state VERIFIED_STATES[] = {PT_STATE_SCORED, PT_STATE_UNDER_REVIEW,
                                                 PT_STATE_DECIDED};

/* PT_OK when visit vid (facts v) shows finding fid (facts f) fixed; else why not. */
static int check_verification(pt_ctx *ctx, int64_t fid, const finding_facts *f, int64_t vid,
                              const visit_facts *v)
{
    if (vid == f->visit_id)
        return pt__error(PT_EINVALID, "visit %lld recorded finding %lld: only a later verification "
                         "visit can close it", (long long)vid, (long long)fid);
    if (v->institution_id != f->institution_id)
        return pt__error(PT_EINVALID, "visit %lld is a visit to %s (institution %lld), not to %s "
                         "(institution %lld) of finding %lld: only a visit to the same home "
                         "verifies a finding", (long long)vid, v->institution_name,
                         (long long)v->institution_id, f->institution_name,
                         (long long)f->institution_id, (long long)fid);
    int cmp = strcmp(v->visit_date, f->visit_date);
    if (cmp < 0 || (cmp == 0 && vid < f->visit_id))
        return pt__error(PT_EINVALID, "visit %lld (%s) is not later than visit %lld (%s) that "
                         "recorded finding %lld: only a later visit verifies a finding",
                         (long long)vid, v->visit_date, (long long)f->visit_id, f->visit_date,
                         (long long)fid);
    if (strcmp(v->checklist_id, f->checklist_id) != 0)
        return pt__error(PT_EINVALID, "visit %lld is a visit with checklist %s, not with %s like "
                         "visit %lld that recorded finding %lld: only a visit with the same "
                         "checklist (any version) verifies a finding", (long long)vid,
                         v->checklist_id, f->checklist_id, (long long)f->visit_id, (long long)fid);
    char what[96];
    snprintf(what, sizeof what, "verifying finding %lld", (long long)fid);
    int rc = pt__visit_require_state(ctx, vid, VERIFIED_STATES, 3, what, NULL);
    if (rc) return rc;

    char found[256];
    rc = first_row(ctx, "SELECT 1 FROM score WHERE visit_id = ?1", vid, NULL,
                   found, sizeof found);
    if (rc < 0) return rc;
    if (rc == 0) return pt__error(PT_ESTATE, "visit %lld has no stored score: it cannot verify "
                                  "finding %lld", (long long)vid, (long long)fid);
    if (*f->item_id) {
        rc = first_row(ctx, "SELECT na FROM answer WHERE visit_id = ?1 AND item_id = ?2", vid,
                       f->item_id, found, sizeof found);
        if (rc < 0) return rc;
        if (rc == 0)
            return pt__error(PT_EINVALID, "visit %lld did not answer item %s: it cannot verify "
                             "finding %lld, which stays open", (long long)vid, f->item_id,
                             (long long)fid);
        if (strcmp(found, "1") == 0)
            return pt__error(PT_EINVALID, "visit %lld answered item %s N/A (tidak berlaku): it "
                             "cannot verify finding %lld, which stays open", (long long)vid,
                             f->item_id, (long long)fid);
        rc = first_row(ctx, "SELECT code FROM score_flag WHERE visit_id = ?1 AND item_id = ?2 "
                            "ORDER BY position LIMIT 1", vid, f->item_id, found, sizeof found);
        if (rc < 0) return rc;
        if (rc == 1)
            return pt__error(PT_EINVALID, "visit %lld still flags item %s (%s): finding %lld stays "
                             "open", (long long)vid, f->item_id, found, (long long)fid);
        /* a finding from a flag is re-checked by the new score (no flag on the item); one
         * recorded by hand has only the answer: the same failing answer again shows no fix */
        if (!*f->flag_code) {
            rc = same_answer(ctx, f, vid, found, sizeof found);
            if (rc < 0) return rc;
            if (rc == 1)
                return pt__error(PT_EINVALID, "visit %lld answered item %s '%s', as visit %lld did "
                                 "when it recorded finding %lld: a finding recorded by hand is "
                                 "verified by a changed answer to its item, so it stays open",
                                 (long long)vid, f->item_id, found, (long long)f->visit_id,
                                 (long long)fid);
        }
    } else {
        rc = first_row(ctx, "SELECT code FROM score_flag WHERE visit_id = ?1 AND code = ?2 "
                            "LIMIT 1", vid, f->flag_code, found, sizeof found);
        if (rc < 0) return rc;
        if (rc == 1)
            return pt__error(PT_EINVALID, "visit %lld still raises flag %s: finding %lld stays "
                             "open", (long long)vid, f->flag_code, (long long)fid);
    }
    return PT_OK;
}

int pt_finding_close(pt_ctx *ctx, int64_t finding_id, int64_t verification_visit_id)
{
    int rc = pt__authz(ctx, PT_ACT_FINDING);
    if (rc) return rc;
    if ((rc = pt__begin(ctx)) != 0) return rc;
    finding_facts f = {0};
    visit_facts v = {0};
    rc = read_finding(ctx, finding_id, &f);
    if (!rc && f.closed)
        rc = pt__error(PT_ESTATE, "finding %lld is already closed (verified by visit %lld on %.10s)",
                       (long long)finding_id, (long long)f.closed_by_visit, f.closed_at);
    if (!rc) rc = read_visit(ctx, verification_visit_id, &v);
    if (!rc) rc = check_verification(ctx, finding_id, &f, verification_visit_id, &v);
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = pt__prepare(ctx, &st, "UPDATE finding SET status = 'closed', closed_by_visit = ?2, "
                                   "closed_by = pt_actor(), closed_at = pt_now() "
                                   "WHERE id = ?1 AND status = 'open'");
    if (!rc) {
        sqlite3_bind_int64(st, 1, finding_id);
        sqlite3_bind_int64(st, 2, verification_visit_id);
        int step = sqlite3_step(st);
        if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "closing the finding");
        sqlite3_finalize(st);
    }
    if (!rc) rc = pt__commit(ctx);
    if (rc) pt__rollback(ctx);
    return rc;
}
