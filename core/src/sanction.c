/*
 * The sanction ladder (sanction.h): issuing a sanction, with step 5 revoking the home's
 * registration in the same transaction, and reading the history back. Who may issue which
 * step is authz.c's (pt_authorize_sanction); that a sanction never changes is the database's
 * (triggers of migration 5).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "authz.h"
#include "event.h"
#include "pantau/sanction.h"

static const struct {
    const char *level, *label;
} ladder[] = {
    {"teguran_lisan", "teguran lisan"},
    {"teguran_tertulis", "teguran tertulis"},
    {"penghentian_sementara", "penghentian sementara"},
    {"penghentian_tetap", "penghentian tetap"},
    {"pencabutan_izin", "pencabutan izin"},
};

const char *pt_sanction_level(int step) { return step >= 1 && step <= 5 ? ladder[step - 1].level : NULL; }
const char *pt_sanction_label(int step) { return step >= 1 && step <= 5 ? ladder[step - 1].label : NULL; }

/* The agency that issues: the user's; the Dinas Sosial in single-user mode (the local
 * administrator of an office's laptop works for it). */
#define LOCAL_AGENCY "Dinas Sosial"

static int is_blank(const char *s)
{
    if (!s) return 1;
    for (; *s; s++)
        if (!isspace((unsigned char)*s)) return 0;
    return 1;
}

typedef struct inst_facts {
    char name[256], reg_no[128], reg_status[32], kabupaten_kota[128], province[128];
    int has_reg_no;
} inst_facts;

static void copy_col(char *dst, size_t size, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(dst, size, "%s", t ? (const char *)t : "");
}

static int read_institution(pt_ctx *ctx, int64_t id, inst_facts *in)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT name, reg_no, reg_status, "
                                   "coalesce(kabupaten_kota, ''), coalesce(province, '') "
                                   "FROM institution WHERE id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        copy_col(in->name, sizeof in->name, st, 0);
        in->has_reg_no = sqlite3_column_type(st, 1) != SQLITE_NULL;
        copy_col(in->reg_no, sizeof in->reg_no, st, 1);
        copy_col(in->reg_status, sizeof in->reg_status, st, 2);
        copy_col(in->kabupaten_kota, sizeof in->kabupaten_kota, st, 3);
        copy_col(in->province, sizeof in->province, st, 4);
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "institution %lld not found", (long long)id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the institution");
    }
    sqlite3_finalize(st);
    return rc;
}

/* PT_OK when row `id` of `table` (visit or finding) belongs to the institution. */
static int require_of_institution(pt_ctx *ctx, const char *what, const char *sql, int64_t id,
                                  int64_t institution_id)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, sql);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        int64_t owner = sqlite3_column_int64(st, 0);
        if (owner != institution_id)
            rc = pt__error(PT_EINVALID, "%s %lld is of institution %lld, not of institution %lld",
                           what, (long long)id, (long long)owner, (long long)institution_id);
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "%s %lld not found", what, (long long)id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading what the sanction refers to");
    }
    sqlite3_finalize(st);
    return rc;
}

static int exec_bound(pt_ctx *ctx, const char *sql, int64_t id, const char *what)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, sql);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, what);
    sqlite3_finalize(st);
    return rc;
}

static int raise_issued(pt_ctx *ctx, int64_t sanction_id, int64_t institution_id,
                        const inst_facts *in, int step, const char *reason, int64_t visit_id,
                        int64_t finding_id, const char *agency, int revoked)
{
    char now[21];
    pt__now_utc(now);
    char *subject = NULL, *body = NULL, *json = NULL;
    json_t *o = json_object(), *inst = json_object(), *s = json_object();
    int rc = PT_OK;
    if (!o || !inst || !s) {
        json_decref(o);
        json_decref(inst);
        json_decref(s);
        return pt__error(PT_ENOMEM, "out of memory");
    }
    json_object_set_new(o, "type", json_string("sanction.issued"));
    json_object_set_new(o, "occurred_at", json_string(now));
    json_object_set_new(inst, "id", json_integer(institution_id));
    json_object_set_new(inst, "reg_no", in->has_reg_no ? json_string(in->reg_no) : json_null());
    json_object_set_new(inst, "name", json_string(in->name));
    json_object_set_new(inst, "kabupaten_kota", json_string(in->kabupaten_kota));
    json_object_set_new(inst, "province", json_string(in->province));
    json_object_set_new(o, "institution", inst);
    json_object_set_new(s, "id", json_integer(sanction_id));
    json_object_set_new(s, "step", json_integer(step));
    json_object_set_new(s, "level", json_string(pt_sanction_level(step)));
    json_object_set_new(s, "label", json_string(pt_sanction_label(step)));
    json_object_set_new(s, "reason", json_string(reason));
    json_object_set_new(s, "visit_id", visit_id ? json_integer(visit_id) : json_null());
    json_object_set_new(s, "finding_id", finding_id ? json_integer(finding_id) : json_null());
    json_object_set_new(s, "agency", json_string(agency));
    json_object_set_new(s, "registration_revoked", json_boolean(revoked));
    json_object_set_new(o, "sanction", s);
    json = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);

    if (asprintf(&subject, "Sanksi tahap %d (%s) untuk %s", step, pt_sanction_label(step),
                 in->name) < 0)
        subject = NULL;
    if (asprintf(&body,
                 "%s menjatuhkan sanksi tahap %d, %s, kepada %s%s%s%s.\n\nAlasan: %s\n%s%s",
                 agency, step, pt_sanction_label(step), in->name, in->has_reg_no ? " (" : "",
                 in->has_reg_no ? in->reg_no : "", in->has_reg_no ? ")" : "", reason,
                 revoked ? "Tanda daftar lembaga dicabut (status: dicabut).\n" : "",
                 step == 3 || step == 4 ? "Lembaga wajib menghentikan kegiatan pelayanannya.\n" : "") < 0)
        body = NULL;
    if (!json || !subject || !body) rc = pt__error(PT_ENOMEM, "out of memory");
    pt__events *ev = NULL;
    if (!rc) rc = pt__events_open(&ev, ctx);
    if (!rc) rc = pt__event_raise(ev, "sanction.issued", institution_id, visit_id, subject, body, json);
    pt__events_close(ev);
    free(subject);
    free(body);
    free(json);
    return rc;
}

int pt_sanction_add(pt_ctx *ctx, int64_t institution_id, int step, const char *reason,
                    int64_t visit_id, int64_t finding_id, int64_t *id)
{
    if (id) *id = 0;
    int rc = pt_authorize_sanction(ctx, step);
    if (rc) return rc;
    if (is_blank(reason)) return pt__error(PT_EINVALID, "a sanction needs a reason");
    const char *agency = ctx->user_id ? ctx->user_agency : LOCAL_AGENCY;
    if ((rc = pt__begin(ctx)) != 0) return rc;
    inst_facts in = {0};
    rc = read_institution(ctx, institution_id, &in);
    if (!rc && visit_id)
        rc = require_of_institution(ctx, "visit", "SELECT institution_id FROM visit WHERE id = ?1",
                                    visit_id, institution_id);
    if (!rc && finding_id)
        rc = require_of_institution(ctx, "finding",
                                    "SELECT institution_id FROM finding WHERE id = ?1",
                                    finding_id, institution_id);
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = pt__prepare(ctx, &st, "INSERT INTO sanction (institution_id, step, level, reason, "
                                   "visit_id, finding_id, agency, issued_by, issued_at) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, pt_actor(), pt_now())");
    int64_t new_id = 0;
    if (!rc) {
        sqlite3_bind_int64(st, 1, institution_id);
        sqlite3_bind_int(st, 2, step);
        sqlite3_bind_text(st, 3, pt_sanction_level(step), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
        if (visit_id) sqlite3_bind_int64(st, 5, visit_id);
        else sqlite3_bind_null(st, 5);
        if (finding_id) sqlite3_bind_int64(st, 6, finding_id);
        else sqlite3_bind_null(st, 6);
        sqlite3_bind_text(st, 7, agency, -1, SQLITE_STATIC);
        int s = sqlite3_step(st);
        if (s != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, s, "recording the sanction");
        else new_id = sqlite3_last_insert_rowid(ctx->db);
        sqlite3_finalize(st);
    }
    /* Pencabutan izin: the permit is gone, so is the registration. Only when it is not revoked
     * already, so the audit log records a change and not a no-op. */
    int revoked = 0;
    if (!rc && step == 5 && strcmp(in.reg_status, "revoked") != 0) {
        rc = exec_bound(ctx, "UPDATE institution SET reg_status = 'revoked', updated_at = pt_now() "
                             "WHERE id = ?1", institution_id, "revoking the registration");
        revoked = !rc;
    }
    if (!rc)
        rc = raise_issued(ctx, new_id, institution_id, &in, step, reason, visit_id, finding_id,
                          agency, revoked || step == 5);
    if (!rc) rc = pt__commit(ctx);
    if (rc) {
        pt__rollback(ctx);
        return rc;
    }
    if (id) *id = new_id;
    return PT_OK;
}

int pt_sanction_foreach(pt_ctx *ctx, int64_t institution_id,
                        int (*cb)(const pt_sanction *sanction, void *payload), void *payload)
{
    int rc = pt__authz(ctx, PT_ACT_READ);
    if (rc) return rc;
    sqlite3_stmt *st;
    rc = pt__prepare(ctx, &st, "SELECT s.id, s.institution_id, i.name, s.step, s.level, s.reason, "
                               "s.visit_id, s.finding_id, s.agency, s.issued_by, s.issued_at "
                               "FROM sanction s JOIN institution i ON i.id = s.institution_id "
                               "WHERE ?1 = 0 OR s.institution_id = ?1 "
                               "ORDER BY s.institution_id, s.id");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, institution_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pt_sanction s = {
            .id = sqlite3_column_int64(st, 0),
            .institution_id = sqlite3_column_int64(st, 1),
            .institution_name = (const char *)sqlite3_column_text(st, 2),
            .step = sqlite3_column_int(st, 3),
            .level = (const char *)sqlite3_column_text(st, 4),
            .reason = (const char *)sqlite3_column_text(st, 5),
            .visit_id = sqlite3_column_int64(st, 6),
            .finding_id = sqlite3_column_int64(st, 7),
            .agency = (const char *)sqlite3_column_text(st, 8),
            .issued_by = (const char *)sqlite3_column_text(st, 9),
            .issued_at = (const char *)sqlite3_column_text(st, 10),
        };
        s.label = pt_sanction_label(s.step);
        if ((rc = cb(&s, payload)) != 0) break;
    }
    if (!rc && step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading the sanctions");
    sqlite3_finalize(st);
    return rc;
}

int pt_sanction_current_step(pt_ctx *ctx, int64_t institution_id, int *step)
{
    *step = 0;
    int rc = pt__authz(ctx, PT_ACT_READ);
    if (rc) return rc;
    sqlite3_stmt *st;
    rc = pt__prepare(ctx, &st, "SELECT (SELECT coalesce(max(step), 0) FROM sanction "
                               "WHERE institution_id = i.id) FROM institution i WHERE i.id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, institution_id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) *step = sqlite3_column_int(st, 0);
    else if (s == SQLITE_DONE)
        rc = pt__error(PT_ENOTFOUND, "institution %lld not found", (long long)institution_id);
    else rc = pt__error_sqlite(ctx->db, s, "reading the sanctions");
    sqlite3_finalize(st);
    return rc;
}
