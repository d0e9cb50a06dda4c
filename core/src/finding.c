/*
 * Findings (tindak lanjut): recording them from a visit's flags or by hand, their corrective
 * plans, and reading them back (finding.h). Closing by verification is finding_verify.c; the
 * daily escalation finding_escalate.c.
 *
 * The rules that protect the record are in the database (migration 5): a finding changes only
 * by escalating and closing, once each; plans are append-only; nothing is deleted. This file
 * adds the rules that need words: which visit may have findings, which item exists.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authz.h"
#include "lifecycle.h"
#include "pantau/finding.h"
#include "pantau/store.h"

/* today, or today in UTC when NULL, into out[11]. */
static int resolve_today(const char *today, char out[11])
{
    if (!today) {
        char now[21];
        pt__now_utc(now);
        memcpy(out, now, 10);
        out[10] = '\0';
        return PT_OK;
    }
    if (!pt__is_date(today)) return pt__error(PT_EINVALID, "'%s' is not a date (YYYY-MM-DD)", today);
    memcpy(out, today, 11);
    return PT_OK;
}

static int is_blank(const char *s)
{
    if (!s) return 1;
    for (; *s; s++)
        if (!isspace((unsigned char)*s)) return 0;
    return 1;
}

static int is_severity(const char *s)
{
    static const char *const names[] = {"kritis", "tinggi", "sedang", "rendah"};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0) return 1;
    return 0;
}

int pt_finding_agency_matches(const char *finding_agency, const char *agency)
{
    if (!finding_agency || !agency) return 0;
    while (isspace((unsigned char)*agency)) agency++;
    size_t n = strlen(agency);
    while (n > 0 && isspace((unsigned char)agency[n - 1])) n--;
    if (n == 0) return 0;
    for (const char *p = finding_agency; *p;) {
        while (*p == ',' || isspace((unsigned char)*p)) p++;
        size_t len = strcspn(p, ",");
        while (len > 0 && isspace((unsigned char)p[len - 1])) len--;
        if (len >= n && strncasecmp(p, agency, n) == 0 && (len == n || p[n] == ' ')) return 1;
        p += strcspn(p, ",");
    }
    return 0;
}

/* ---- from a visit's flags ---- */

/* States in which a visit's score is final enough to follow up. */
static const pt_visit_state SCORED_STATES[] = {PT_STATE_SCORED, PT_STATE_UNDER_REVIEW,
                                               PT_STATE_DECIDED};

/* One INSERT for all the flags: a flag without agency is the Dinas Sosial's, an empty item is
 * NULL, the due date follows the severity. ON CONFLICT DO NOTHING skips findings that exist
 * (unique index finding_once), so running it again creates nothing. */
#define FROM_FLAGS_SQL                                                                             \
    "INSERT INTO finding (institution_id, visit_id, item_id, flag_code, severity, agency, "       \
    "description, due_date, created_by, created_at) "                                             \
    "SELECT v.institution_id, f.visit_id, nullif(trim(f.item_id), ''), f.code, f.severity, "     \
    "  CASE WHEN trim(f.agency) = '' THEN '" PT_FINDING_DEFAULT_AGENCY "' ELSE f.agency END, "    \
    "  CASE WHEN trim(f.message) = '' THEN 'Bendera ' || f.code ELSE f.message END, "             \
    "  date(?2, '+' || CASE f.severity WHEN 'kritis' THEN ?3 WHEN 'tinggi' THEN ?4 "               \
    "                   WHEN 'sedang' THEN ?5 ELSE ?6 END || ' days'), pt_actor(), pt_now() "      \
    "FROM score_flag f JOIN visit v ON v.id = f.visit_id WHERE f.visit_id = ?1 "                 \
    "ORDER BY f.position ON CONFLICT DO NOTHING"

static int has_score(pt_ctx *ctx, int64_t visit_id)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT 1 FROM score WHERE visit_id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) rc = PT_OK;
    else if (step == SQLITE_DONE)
        rc = pt__error(PT_ENOTFOUND, "visit %lld has no stored score", (long long)visit_id);
    else rc = pt__error_sqlite(ctx->db, step, "reading the visit's score");
    sqlite3_finalize(st);
    return rc;
}

int pt_finding_from_visit(pt_ctx *ctx, int64_t visit_id, const char *today, int *n_created)
{
    if (n_created) *n_created = 0;
    int rc = pt__authz(ctx, PT_ACT_FINDING);
    if (rc) return rc;
    char day[11];
    if ((rc = resolve_today(today, day)) != 0) return rc;
    if ((rc = pt__begin(ctx)) != 0) return rc;
    rc = pt__visit_require_state(ctx, visit_id, SCORED_STATES, 3, "recording its findings", NULL);
    if (!rc) rc = has_score(ctx, visit_id);
    sqlite3_stmt *st = NULL;
    if (!rc) rc = pt__prepare(ctx, &st, FROM_FLAGS_SQL);
    int created = 0;
    if (!rc) {
        sqlite3_bind_int64(st, 1, visit_id);
        sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, PT_FINDING_DAYS_KRITIS);
        sqlite3_bind_int(st, 4, PT_FINDING_DAYS_TINGGI);
        sqlite3_bind_int(st, 5, PT_FINDING_DAYS_SEDANG);
        sqlite3_bind_int(st, 6, PT_FINDING_DAYS_RENDAH);
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE) created = sqlite3_changes(ctx->db);
        else rc = pt__error_sqlite(ctx->db, step, "recording the findings of the visit's flags");
        sqlite3_finalize(st);
    }
    if (!rc) rc = pt__commit(ctx);
    if (rc) {
        pt__rollback(ctx);
        return rc;
    }
    if (n_created) *n_created = created;
    return PT_OK;
}

/* ---- by hand ---- */

/* A visit whose answers are final: submitted and anything after, except returned. */
static const pt_visit_state FINAL_STATES[] = {PT_STATE_SUBMITTED, PT_STATE_SCORED,
                                              PT_STATE_UNDER_REVIEW, PT_STATE_DECIDED};

/* PT_OK when item_id is an item of the visit's checklist version; the error names both. */
static int require_item(pt_ctx *ctx, int64_t visit_id, const char *item_id)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT cv.checklist_id, cv.version FROM visit v "
                                   "JOIN checklist_version cv ON cv.id = v.checklist_version_id "
                                   "WHERE v.id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    int step = sqlite3_step(st);
    char id[256] = "", version[128] = "";
    if (step == SQLITE_ROW) {
        snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(version, sizeof version, "%s", (const char *)sqlite3_column_text(st, 1));
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "visit %lld not found", (long long)visit_id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the visit's checklist");
    }
    sqlite3_finalize(st);
    if (rc) return rc;
    pt_checklist *cl = NULL;
    if ((rc = pt_checklist_fetch(ctx, id, version, &cl)) != 0) return rc;
    if (!pt_checklist_item(cl, item_id, NULL))
        rc = pt__error(PT_EINVALID, "item %s is not an item of checklist %s@%s (visit %lld)",
                       item_id, id, version, (long long)visit_id);
    pt_checklist_free(cl);
    return rc;
}

/* PT_EEXISTS when the visit already has a finding recorded by hand on the item. */
static int refuse_duplicate(pt_ctx *ctx, int64_t visit_id, const char *item_id)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT id FROM finding WHERE visit_id = ?1 AND item_id = ?2 "
                                   "AND flag_code IS NULL");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    sqlite3_bind_text(st, 2, item_id, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        rc = pt__error(PT_EEXISTS, "visit %lld already has finding %lld on item %s",
                       (long long)visit_id, (long long)sqlite3_column_int64(st, 0), item_id);
    else if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading the findings");
    sqlite3_finalize(st);
    return rc;
}

int pt_finding_add(pt_ctx *ctx, int64_t visit_id, const char *item_id, const char *severity,
                   const char *agency, const char *due_date, const char *description,
                   int64_t *id)
{
    if (id) *id = 0;
    int rc = pt__authz(ctx, PT_ACT_FINDING);
    if (rc) return rc;
    if (is_blank(item_id)) return pt__error(PT_EINVALID, "a finding needs the item that failed");
    if (!is_severity(severity))
        return pt__error(PT_EINVALID, "severity '%s': use kritis, tinggi, sedang or rendah",
                         severity ? severity : "");
    if (is_blank(agency)) return pt__error(PT_EINVALID, "a finding needs the agency that must act");
    if (!due_date || !pt__is_date(due_date))
        return pt__error(PT_EINVALID, "due date '%s' is not a date (YYYY-MM-DD)",
                         due_date ? due_date : "");
    if (is_blank(description)) return pt__error(PT_EINVALID, "a finding needs a description");

    if ((rc = pt__begin(ctx)) != 0) return rc;
    rc = pt__visit_require_state(ctx, visit_id, FINAL_STATES, 4, "recording a finding", NULL);
    if (!rc) rc = require_item(ctx, visit_id, item_id);
    if (!rc) rc = refuse_duplicate(ctx, visit_id, item_id);
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = pt__prepare(ctx, &st,
                         "INSERT INTO finding (institution_id, visit_id, item_id, flag_code, "
                         "severity, agency, description, due_date, created_by, created_at) "
                         "SELECT institution_id, id, ?2, NULL, ?3, ?4, ?5, ?6, pt_actor(), pt_now() "
                         "FROM visit WHERE id = ?1");
    if (!rc) {
        sqlite3_bind_int64(st, 1, visit_id);
        sqlite3_bind_text(st, 2, item_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, severity, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, agency, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, description, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, due_date, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "recording the finding");
        sqlite3_finalize(st);
    }
    int64_t new_id = sqlite3_last_insert_rowid(ctx->db);
    if (!rc) rc = pt__commit(ctx);
    if (rc) {
        pt__rollback(ctx);
        return rc;
    }
    if (id) *id = new_id;
    return PT_OK;
}

/* ---- plans ---- */

/* PT_OK when the finding exists and is open. */
static int require_open(pt_ctx *ctx, int64_t finding_id, const char *what)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT status, closed_by_visit, closed_at FROM finding "
                                   "WHERE id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, finding_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        if (strcmp((const char *)sqlite3_column_text(st, 0), "open") != 0)
            rc = pt__error(PT_ESTATE, "finding %lld is closed (verified by visit %lld on %.10s): %s",
                           (long long)finding_id, (long long)sqlite3_column_int64(st, 1),
                           (const char *)sqlite3_column_text(st, 2), what);
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "finding %lld not found", (long long)finding_id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the finding");
    }
    sqlite3_finalize(st);
    return rc;
}

int pt_finding_plan(pt_ctx *ctx, int64_t finding_id, const char *action, const char *responsible,
                    const char *target_date, int64_t *id)
{
    if (id) *id = 0;
    int rc = pt__authz(ctx, PT_ACT_FINDING);
    if (rc) return rc;
    if (is_blank(action)) return pt__error(PT_EINVALID, "a corrective plan needs an action");
    if (is_blank(responsible))
        return pt__error(PT_EINVALID, "a corrective plan needs who is responsible");
    if (!target_date || !pt__is_date(target_date))
        return pt__error(PT_EINVALID, "target date '%s' is not a date (YYYY-MM-DD)",
                         target_date ? target_date : "");
    if ((rc = pt__begin(ctx)) != 0) return rc;
    rc = require_open(ctx, finding_id, "its plan no longer changes");
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = pt__prepare(ctx, &st, "INSERT INTO corrective_plan (finding_id, action, responsible, "
                                   "target_date, created_by, created_at) "
                                   "VALUES (?1, ?2, ?3, ?4, pt_actor(), pt_now())");
    if (!rc) {
        sqlite3_bind_int64(st, 1, finding_id);
        sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, responsible, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, target_date, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "recording the plan");
        sqlite3_finalize(st);
    }
    int64_t new_id = sqlite3_last_insert_rowid(ctx->db);
    if (!rc) rc = pt__commit(ctx);
    if (rc) {
        pt__rollback(ctx);
        return rc;
    }
    if (id) *id = new_id;
    return PT_OK;
}

/* ---- reading ---- */

#define FINDING_COLUMNS                                                                            \
    "f.id, f.institution_id, i.name, f.visit_id, v.visit_date, f.item_id, f.flag_code, "          \
    "f.severity, f.agency, f.description, f.due_date, f.status, f.created_by, f.created_at, "     \
    "f.escalated_at, f.closed_by_visit, f.closed_by, f.closed_at, "                               \
    "(SELECT count(*) FROM corrective_plan WHERE finding_id = f.id), "                            \
    "p.id, p.action, p.responsible, p.target_date, p.created_by, p.created_at "                   \
    "FROM finding f JOIN institution i ON i.id = f.institution_id "                               \
    "JOIN visit v ON v.id = f.visit_id "                                                          \
    "LEFT JOIN corrective_plan p ON p.id = "                                                      \
    "  (SELECT max(id) FROM corrective_plan WHERE finding_id = f.id) "

static const char *col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

/* Fills *f (and *plan, its latest plan) with the row's borrowed texts. */
static void read_row(sqlite3_stmt *st, pt_finding *f, pt_corrective_plan *plan)
{
    memset(f, 0, sizeof *f);
    f->id = sqlite3_column_int64(st, 0);
    f->institution_id = sqlite3_column_int64(st, 1);
    f->institution_name = col(st, 2);
    f->visit_id = sqlite3_column_int64(st, 3);
    f->visit_date = col(st, 4);
    f->item_id = col(st, 5);
    f->flag_code = col(st, 6);
    f->severity = col(st, 7);
    f->agency = col(st, 8);
    f->description = col(st, 9);
    f->due_date = col(st, 10);
    f->status = col(st, 11);
    f->created_by = col(st, 12);
    f->created_at = col(st, 13);
    f->escalated_at = col(st, 14);
    f->closed_by_visit = sqlite3_column_int64(st, 15);
    f->closed_by = col(st, 16);
    f->closed_at = col(st, 17);
    f->n_plans = (size_t)sqlite3_column_int64(st, 18);
    if (sqlite3_column_type(st, 19) != SQLITE_NULL) {
        plan->id = sqlite3_column_int64(st, 19);
        plan->finding_id = f->id;
        plan->action = col(st, 20);
        plan->responsible = col(st, 21);
        plan->target_date = col(st, 22);
        plan->created_by = col(st, 23);
        plan->created_at = col(st, 24);
        f->last_plan = plan;
    }
}

int pt_finding_foreach(pt_ctx *ctx, const pt_finding_filter *filter,
                       int (*cb)(const pt_finding *finding, void *payload), void *payload)
{
    static const pt_finding_filter all = {0};
    if (!filter) filter = &all;
    if (filter->overdue_as_of && !pt__is_date(filter->overdue_as_of))
        return pt__error(PT_EINVALID, "'%s' is not a date (YYYY-MM-DD)", filter->overdue_as_of);
    int rc = pt__authz(ctx, PT_ACT_READ);
    if (rc) return rc;
    sqlite3_stmt *st;
    rc = pt__prepare(ctx, &st,
                     "SELECT " FINDING_COLUMNS
                     "WHERE (?1 = 0 OR f.institution_id = ?1) AND (?2 = 0 OR f.status = 'open') "
                     "AND (?3 IS NULL OR (f.status = 'open' AND f.due_date < ?3)) "
                     "ORDER BY f.due_date, f.id");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, filter->institution_id);
    sqlite3_bind_int(st, 2, filter->open_only != 0);
    if (filter->overdue_as_of) sqlite3_bind_text(st, 3, filter->overdue_as_of, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 3);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pt_finding f;
        pt_corrective_plan plan;
        read_row(st, &f, &plan);
        if (filter->agency && !pt_finding_agency_matches(f.agency, filter->agency)) continue;
        if ((rc = cb(&f, payload)) != 0) break;
    }
    if (!rc && step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading the findings");
    sqlite3_finalize(st);
    return rc;
}

/* A finding handed to the caller: the public part first, so pt_finding_free can find the
 * arena that holds every string. */
typedef struct finding_box {
    pt_finding pub;
    pt__arena *arena;
} finding_box;

void pt_finding_free(pt_finding *finding)
{
    if (!finding) return;
    finding_box *box = (finding_box *)finding;
    pt__arena_free(box->arena);
    free(box);
}

static void copy_plan(pt__arena *a, pt_corrective_plan *dst, const pt_corrective_plan *src, int *ok)
{
    *dst = *src;
    const char **fields[] = {&dst->action, &dst->responsible, &dst->target_date, &dst->created_by,
                             &dst->created_at};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (*fields[i] && !(*fields[i] = pt__arena_strdup(a, *fields[i]))) *ok = 0;
}

static void copy_finding(pt__arena *a, pt_finding *f, int *ok)
{
    const char **fields[] = {&f->institution_name, &f->visit_date, &f->item_id, &f->flag_code,
                             &f->severity, &f->agency, &f->description, &f->due_date, &f->status,
                             &f->created_by, &f->created_at, &f->escalated_at, &f->closed_by,
                             &f->closed_at};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (*fields[i] && !(*fields[i] = pt__arena_strdup(a, *fields[i]))) *ok = 0;
}

/* Reads the finding's plans, oldest first, into the box. */
static int read_plans(pt_ctx *ctx, finding_box *box, int *ok)
{
    pt_finding *f = &box->pub;
    f->plans = NULL;
    f->last_plan = NULL;
    if (f->n_plans == 0) return PT_OK;
    pt_corrective_plan *plans = pt__arena_alloc(box->arena, f->n_plans * sizeof *plans);
    if (!plans) return pt__error(PT_ENOMEM, "out of memory");
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT id, action, responsible, target_date, created_by, "
                                   "created_at FROM corrective_plan WHERE finding_id = ?1 ORDER BY id");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, f->id);
    size_t n = 0;
    int step = SQLITE_DONE;
    while (n < f->n_plans && (step = sqlite3_step(st)) == SQLITE_ROW) {
        pt_corrective_plan p = {.id = sqlite3_column_int64(st, 0), .finding_id = f->id,
                                .action = col(st, 1), .responsible = col(st, 2),
                                .target_date = col(st, 3), .created_by = col(st, 4),
                                .created_at = col(st, 5)};
        copy_plan(box->arena, &plans[n++], &p, ok);
    }
    if (n < f->n_plans && step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading the plans");
    sqlite3_finalize(st);
    f->n_plans = n;
    f->plans = plans;
    f->last_plan = n ? &plans[n - 1] : NULL;
    return rc;
}

int pt_finding_get(pt_ctx *ctx, int64_t id, pt_finding **out)
{
    *out = NULL;
    int rc = pt__authz(ctx, PT_ACT_READ);
    if (rc) return rc;
    finding_box *box = calloc(1, sizeof *box);
    if (box) box->arena = pt__arena_new();
    if (!box || !box->arena) {
        free(box);
        return pt__error(PT_ENOMEM, "out of memory");
    }
    sqlite3_stmt *st;
    rc = pt__prepare(ctx, &st, "SELECT " FINDING_COLUMNS "WHERE f.id = ?1");
    int ok = 1;
    if (!rc) {
        sqlite3_bind_int64(st, 1, id);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            pt_corrective_plan plan;
            read_row(st, &box->pub, &plan);
            copy_finding(box->arena, &box->pub, &ok);
        } else if (step == SQLITE_DONE) {
            rc = pt__error(PT_ENOTFOUND, "finding %lld not found", (long long)id);
        } else {
            rc = pt__error_sqlite(ctx->db, step, "reading the finding");
        }
        sqlite3_finalize(st);
    }
    if (!rc) rc = read_plans(ctx, box, &ok);
    if (!rc && !ok) rc = pt__error(PT_ENOMEM, "out of memory");
    if (rc) {
        pt_finding_free(&box->pub);
        return rc;
    }
    *out = &box->pub;
    return PT_OK;
}
