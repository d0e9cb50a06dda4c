/*
 * The evidence snapshot of a decision (evidence.h): built from the database the same way at
 * decision time and at verification time, so that a difference can only mean the data
 * changed. Everything is read with SQL from the tables themselves (never from what a caller
 * holds in memory), and every value keeps the type SQLite stores it with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"

int pt__visit_checklist(pt_ctx *ctx, int64_t visit_id, pt_checklist **out)
{
    *out = NULL;
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT c.checklist_id, c.version, c.xml FROM visit v "
                         "JOIN checklist_version c ON c.id = v.checklist_version_id WHERE v.id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        char source[512];
        snprintf(source, sizeof source, "stored:%s@%s", (const char *)sqlite3_column_text(st, 0),
                 (const char *)sqlite3_column_text(st, 1));
        const char *xml = (const char *)sqlite3_column_text(st, 2);
        rc = pt_checklist_parse(out, source, xml, (size_t)sqlite3_column_bytes(st, 2));
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "visit %lld not found", (long long)visit_id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the visit's checklist");
    }
    sqlite3_finalize(st);
    return rc;
}

const char *pt__grade_label(const pt_checklist *cl, const char *grade)
{
    if (!grade) return NULL;
    if (strcmp(grade, "TT") == 0)
        return cl->fail_label && *cl->fail_label ? cl->fail_label : "Tidak Terakreditasi";
    const pt_band *band = pt_checklist_band(cl, grade);
    return band ? band->label : NULL;
}

/* ---- reading rows as JSON ---- */

/* One column as JSON, with the type SQLite stored it with. NULL: out of memory, or a text
 * that is not UTF-8 (jansson refuses it). */
static json_t *column_json(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
    case SQLITE_NULL: return json_null();
    default:
        return json_stringn((const char *)sqlite3_column_text(st, i),
                            (size_t)sqlite3_column_bytes(st, i));
    }
}

/* Runs sql with ?1 = id. Each row becomes an object keyed by names (n columns). When one is
 * set, *out is the object of the single row expected (PT_ENOTFOUND when there is none, with
 * `what` in the message); otherwise the array of all rows. */
static int rows_json(pt_ctx *ctx, const char *sql, int64_t id, const char *const *names, int n,
                     int one, const char *what, json_t **out)
{
    *out = NULL;
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, sql);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    json_t *all = one ? NULL : json_array();
    if (!one && !all) rc = pt__error(PT_ENOMEM, "out of memory");
    int step = SQLITE_DONE;
    while (rc == PT_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *row = json_object();
        for (int i = 0; row && i < n; i++) {
            json_t *v = column_json(st, i);
            if (!v || json_object_set_new(row, names[i], v) != 0) {
                json_decref(row);
                row = NULL;
            }
        }
        if (!row) {
            rc = pt__error(PT_ENOMEM, "%s: out of memory (or a text that is not UTF-8)", what);
            break;
        }
        if (one) {
            *out = row;
            break;
        }
        if (json_array_append_new(all, row) != 0) rc = pt__error(PT_ENOMEM, "out of memory");
    }
    if (rc == PT_OK && one && !*out) {
        rc = step == SQLITE_DONE ? pt__error(PT_ENOTFOUND, "%s not found", what)
                                 : pt__error_sqlite(ctx->db, step, what);
    } else if (rc == PT_OK && !one) {
        if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, what);
        else *out = all, all = NULL;
    }
    json_decref(all);
    sqlite3_finalize(st);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* Sets dst[key] = value, taking the reference to value whatever happens (NULL: an allocation
 * that failed). */
static int take(json_t *dst, const char *key, json_t *value)
{
    if (!value) return pt__error(PT_ENOMEM, "out of memory");
    return json_object_set_new(dst, key, value) == 0 ? PT_OK : pt__error(PT_ENOMEM, "out of memory");
}

static const char *const VISIT_COLS[] = {"id", "institution_id", "date", "type", "notes",
                                         "checklist_id", "checklist_version", "checklist_sha256"};
static const char *const TEAM_COLS[] = {"name", "agency", "role"};
static const char *const ANSWER_COLS[] = {"n", "sha256"};
static const char *const SCORE_COLS[] = {"total", "max", "grade", "grade_label", "valid_until",
                                         "scored_at", "checklist_sha256", "script_sha256",
                                         "script_name"};
static const char *const SECTION_COLS[] = {"section_id", "score", "max", "justification"};
static const char *const FLAG_COLS[] = {"code", "severity", "agency", "item_id", "message"};
static const char *const OVERRIDE_COLS[] = {"id", "target", "section_id", "computed",
                                            "overridden", "rationale", "by", "at"};
static const char *const REVIEW_COLS[] = {"id", "kind", "reopens", "quorum", "opened_by",
                                          "opened_at", "reason"};
static const char *const PANEL_COLS[] = {"user", "conflict", "declaration", "declared_at",
                                         "vote", "voted_at"};
#define N(a) ((int)(sizeof a / sizeof a[0]))

/* Takes key out of obj as a new reference (NULL when absent). */
static json_t *pop(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return NULL;
    json_incref(v);
    json_object_del(obj, key);
    return v;
}

int pt__evidence_build(pt_ctx *ctx, int64_t review_id, json_t **out)
{
    *out = NULL;
    json_t *review = NULL, *visit = NULL, *part = NULL, *score = NULL, *snap = json_object();
    if (!snap) return pt__error(PT_ENOMEM, "out of memory");
    int rc = rows_json(ctx,
                       "SELECT id, kind, reopens, quorum, opened_by, opened_at, reason "
                       "FROM review WHERE id = ?1",
                       review_id, REVIEW_COLS, N(REVIEW_COLS), 1, "review", &review);
    if (rc) goto done;
    int64_t visit_id = 0;
    {
        sqlite3_stmt *st;
        if ((rc = pt__prepare(ctx, &st, "SELECT visit_id FROM review WHERE id = ?1"))) goto done;
        sqlite3_bind_int64(st, 1, review_id);
        if (sqlite3_step(st) == SQLITE_ROW) visit_id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    rc = rows_json(ctx,
                   "SELECT v.id, v.institution_id, v.visit_date, v.visit_type, v.notes, "
                   "c.checklist_id, c.version, c.sha256 FROM visit v "
                   "JOIN checklist_version c ON c.id = v.checklist_version_id WHERE v.id = ?1",
                   visit_id, VISIT_COLS, N(VISIT_COLS), 1, "the review's visit", &visit);
    if (rc) goto done;
    /* the checklist is a part of its own: visit, then what it was measured against */
    json_t *checklist = json_object();
    if (!checklist) {
        rc = pt__error(PT_ENOMEM, "out of memory");
        goto done;
    }
    json_object_set_new(checklist, "id", pop(visit, "checklist_id"));
    json_object_set_new(checklist, "version", pop(visit, "checklist_version"));
    json_object_set_new(checklist, "sha256", pop(visit, "checklist_sha256"));
    rc = rows_json(ctx, "SELECT name, agency, role FROM visit_team WHERE visit_id = ?1 "
                        "ORDER BY position",
                   visit_id, TEAM_COLS, N(TEAM_COLS), 0, "the visit's team", &part);
    if (rc == PT_OK) rc = take(visit, "team", part);
    if (rc == PT_OK) rc = take(snap, "visit", visit);
    visit = NULL; /* take() consumed it, even when it failed */
    if (rc == PT_OK) rc = take(snap, "checklist", checklist);
    else json_decref(checklist);
    if (rc) goto done;

    rc = rows_json(ctx,
                   "SELECT s.total, s.maximum, s.grade, s.grade_label, s.valid_until, s.scored_at, "
                   "s.checklist_sha256, s.script_sha256, "
                   "(SELECT name FROM script_version WHERE sha256 = s.script_sha256) "
                   "FROM score s WHERE s.visit_id = ?1",
                   visit_id, SCORE_COLS, N(SCORE_COLS), 1, "the visit's stored score", &score);
    if (rc) goto done;
    json_t *script = json_object();
    if (!script) {
        rc = pt__error(PT_ENOMEM, "out of memory");
        goto done;
    }
    json_object_set_new(script, "name", pop(score, "script_name"));
    json_object_set(script, "sha256", json_object_get(score, "script_sha256"));
    if ((rc = take(snap, "script", script))) goto done;

    rc = rows_json(ctx,
                   "SELECT count(*), pt_answers_digest(position, item_id, value, na, note) "
                   "FROM (SELECT position, item_id, value, na, note FROM answer "
                   "      WHERE visit_id = ?1 ORDER BY item_id)",
                   visit_id, ANSWER_COLS, N(ANSWER_COLS), 1, "the visit's answers", &part);
    if (rc == PT_OK) rc = take(snap, "answers", part);
    if (rc) goto done;

    rc = rows_json(ctx, "SELECT section_id, score, maximum, justification FROM score_section "
                        "WHERE visit_id = ?1 ORDER BY position",
                   visit_id, SECTION_COLS, N(SECTION_COLS), 0, "the score's sections", &part);
    if (rc == PT_OK) rc = take(score, "sections", part);
    if (rc == PT_OK)
        rc = rows_json(ctx, "SELECT code, severity, agency, item_id, message FROM score_flag "
                            "WHERE visit_id = ?1 ORDER BY position",
                       visit_id, FLAG_COLS, N(FLAG_COLS), 0, "the score's flags", &part);
    if (rc == PT_OK) rc = take(score, "flags", part);
    if (rc == PT_OK) rc = take(snap, "score", score);
    score = NULL;
    if (rc) goto done;

    /* the overrides in force: the latest of each target */
    rc = rows_json(ctx,
                   "SELECT id, target, section_id, computed, overridden, rationale, "
                   "overridden_by, overridden_at FROM score_override o WHERE visit_id = ?1 "
                   "AND id = (SELECT max(id) FROM score_override WHERE visit_id = o.visit_id "
                   "          AND target = o.target AND section_id IS o.section_id) "
                   "ORDER BY id",
                   visit_id, OVERRIDE_COLS, N(OVERRIDE_COLS), 0, "the overrides", &part);
    if (rc == PT_OK) rc = take(snap, "overrides", part);
    if (rc == PT_OK) rc = take(snap, "review", review);
    review = NULL;
    if (rc == PT_OK)
        rc = rows_json(ctx,
                       "SELECT u.name, p.conflict, p.declaration, p.declared_at, p.vote, "
                       "p.voted_at FROM panel_member p JOIN app_user u ON u.id = p.user_id "
                       "WHERE p.review_id = ?1 ORDER BY u.name",
                       review_id, PANEL_COLS, N(PANEL_COLS), 0, "the review's panel", &part);
    if (rc == PT_OK) rc = take(snap, "panel", part);
    if (rc) goto done;
    *out = snap;
    snap = NULL;
done:
    json_decref(review);
    json_decref(visit);
    json_decref(score);
    json_decref(snap);
    return rc;
}

int pt__evidence_dump(const json_t *snapshot, char **text, char sha256[65])
{
    *text = json_dumps(snapshot, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    if (!*text) return pt__error(PT_ENOMEM, "out of memory");
    pt__sha256_hex(*text, strlen(*text), sha256);
    return PT_OK;
}

/* ---- comparing two snapshots ---- */

typedef struct paths {
    char *s;
    size_t len, cap;
    int failed;
} paths;

static void add_path(paths *p, const char *prefix, const char *key)
{
    size_t need = strlen(prefix) + strlen(key) + 4;
    if (p->failed) return;
    if (p->len + need >= p->cap) {
        size_t cap = (p->cap ? p->cap * 2 : 128) + need;
        char *n = realloc(p->s, cap);
        if (!n) {
            p->failed = 1;
            return;
        }
        p->s = n;
        p->cap = cap;
    }
    p->len += (size_t)snprintf(p->s + p->len, p->cap - p->len, "%s%s%s%s", p->len ? ", " : "",
                               prefix, *prefix ? "." : "", key);
}

static void diff_objects(paths *p, const char *prefix, const json_t *a, const json_t *b, int depth)
{
    const char *key;
    json_t *va;
    json_object_foreach((json_t *)a, key, va) {
        json_t *vb = json_object_get(b, key);
        if (vb && json_equal(va, vb)) continue;
        if (vb && depth > 1 && json_is_object(va) && json_is_object(vb)) {
            char sub[256];
            snprintf(sub, sizeof sub, "%s%s%s", prefix, *prefix ? "." : "", key);
            diff_objects(p, sub, va, vb, depth - 1);
        } else {
            add_path(p, prefix, key);
        }
    }
    json_t *vb;
    json_object_foreach((json_t *)b, key, vb)
        if (!json_object_get(a, key)) add_path(p, prefix, key);
}

char *pt__evidence_diff(const json_t *stored, const json_t *current)
{
    paths p = {0};
    if (json_is_object(stored) && json_is_object(current))
        diff_objects(&p, "", stored, current, 2);
    else if (!json_equal(stored, current))
        add_path(&p, "", "(whole snapshot)");
    if (p.failed) {
        free(p.s);
        return NULL;
    }
    return p.s ? p.s : strdup("");
}
