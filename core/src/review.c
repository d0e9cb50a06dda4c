/*
 * Reviews and board decisions (review.h): opening, declaring, voting, deciding, returning,
 * appealing, correcting, withdrawing; reading them is review_read.c's. Each write checks its
 * rules here, to refuse in words people read, inside one transaction; the database checks the
 * ones that protect evidence again (migration 5: a conflicted member's vote, a declared conflict's finality, a closed
 * review's panel, a decision's immutability, the lock of a decided visit), whatever program
 * writes the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "authz.h"
#include "event.h"
#include "evidence.h"
#include "lifecycle.h"
#include "pantau/review.h"

/* ---- small helpers ---- */

/* Steps a write statement to its end. A refusal by a CHECK or a trigger is the record's state
 * speaking (a closed review, a decided visit): PT_ESTATE with the database's words. */
static int run(pt_ctx *ctx, sqlite3_stmt *st, const char *what)
{
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) return PT_OK;
    if ((step & 0xff) == SQLITE_CONSTRAINT)
        return pt__error(PT_ESTATE, "%s: %s", what, sqlite3_errmsg(ctx->db));
    return pt__error_sqlite(ctx->db, step, what);
}

static int is_blank(const char *s)
{
    if (!s) return 1;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return 0;
    return 1;
}

static void copy_text(char *dst, size_t size, const unsigned char *src)
{
    snprintf(dst, size, "%s", src ? (const char *)src : "");
}

/* What the texts and checks need of a visit. */
typedef struct visit_info {
    int64_t id, institution_id;
    char date[16], type[32];
    char inst_name[256], reg_no[64], kabupaten[128];
} visit_info;

static int visit_load(pt_ctx *ctx, int64_t visit_id, visit_info *v)
{
    memset(v, 0, sizeof *v);
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT v.institution_id, v.visit_date, v.visit_type, i.name, i.reg_no, "
                         "i.kabupaten_kota FROM visit v JOIN institution i ON i.id = v.institution_id "
                         "WHERE v.id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        v->id = visit_id;
        v->institution_id = sqlite3_column_int64(st, 0);
        copy_text(v->date, sizeof v->date, sqlite3_column_text(st, 1));
        copy_text(v->type, sizeof v->type, sqlite3_column_text(st, 2));
        copy_text(v->inst_name, sizeof v->inst_name, sqlite3_column_text(st, 3));
        copy_text(v->reg_no, sizeof v->reg_no, sqlite3_column_text(st, 4));
        copy_text(v->kabupaten, sizeof v->kabupaten, sqlite3_column_text(st, 5));
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "visit %lld not found", (long long)visit_id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the visit");
    }
    sqlite3_finalize(st);
    return rc;
}

static int is_accreditation(const visit_info *v) { return strcmp(v->type, "accreditation") == 0; }

/* What the writes need of a review. */
typedef struct review_row {
    int64_t id, visit_id, reopens;
    char kind[16], status[16];
    int quorum;
    visit_info visit;
} review_row;

static int review_load(pt_ctx *ctx, int64_t review_id, review_row *r)
{
    memset(r, 0, sizeof *r);
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT visit_id, coalesce(reopens, 0), kind, status, quorum FROM review "
                         "WHERE id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, review_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        r->id = review_id;
        r->visit_id = sqlite3_column_int64(st, 0);
        r->reopens = sqlite3_column_int64(st, 1);
        copy_text(r->kind, sizeof r->kind, sqlite3_column_text(st, 2));
        copy_text(r->status, sizeof r->status, sqlite3_column_text(st, 3));
        r->quorum = sqlite3_column_int(st, 4);
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "review %lld not found", (long long)review_id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the review");
    }
    sqlite3_finalize(st);
    return rc ? rc : visit_load(ctx, r->visit_id, &r->visit);
}

/* Declaring, voting and deciding: the board decides accreditation; monitoring reviews are
 * also the Dinas Sosial's supervisors' (authz.c). */
static pt_action decide_action(const review_row *r)
{
    return is_accreditation(&r->visit) ? PT_ACT_DECIDE : PT_ACT_DECIDE_MONITORING;
}

/* Opening, returning, appealing, correcting and withdrawing a review: an accreditation
 * visit's reviews lead to the board's decision, so they are the board's (PT_ACT_DECIDE: a
 * Dinas Sosial officer may not reopen or withdraw the board's work); the other visits' are
 * also the Dinas Sosial's supervisors' (PT_ACT_REVIEW). */
static pt_action review_action(const visit_info *v)
{
    return is_accreditation(v) ? PT_ACT_DECIDE : PT_ACT_REVIEW;
}

static int require_open(const review_row *r, const char *what)
{
    if (strcmp(r->status, "open") == 0) return PT_OK;
    return pt__error(PT_ESTATE, "review %lld is %s: %s needs an open review", (long long)r->id,
                     r->status, what);
}

/* The context's user as a member of r's panel: *member_id, and *conflict (-1 undeclared, 0,
 * 1) and *voted. PT_EDENIED when they are not on the panel. */
static int member_load(pt_ctx *ctx, const review_row *r, int64_t *member_id, int *conflict,
                       int *voted)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT id, coalesce(conflict, -1), vote IS NOT NULL FROM panel_member "
                         "WHERE review_id = ?1 AND user_id = ?2");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, r->id);
    sqlite3_bind_int64(st, 2, ctx->user_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *member_id = sqlite3_column_int64(st, 0);
        *conflict = sqlite3_column_int(st, 1);
        *voted = sqlite3_column_int(st, 2);
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_EDENIED, "user '%s' is not on the panel of review %lld: only its "
                       "members declare, vote and decide, each as themselves",
                       ctx->user_id ? ctx->user_name : "local", (long long)r->id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the panel");
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- events ---- */

/* "LKSA Uji Satu (UJI-001)" into buf. */
static const char *inst_text(const visit_info *v, char *buf, size_t size)
{
    if (*v->reg_no) snprintf(buf, size, "%s (%s)", v->inst_name, v->reg_no);
    else snprintf(buf, size, "%s", v->inst_name);
    return buf;
}

static const char *jenis(const visit_info *v)
{
    static const char *const names[][2] = {{"routine", "rutin"}, {"accreditation", "akreditasi"},
                                           {"complaint", "pengaduan"}, {"joint", "gabungan"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(v->type, names[i][0]) == 0) return names[i][1];
    return v->type;
}

/* The JSON every event of this file starts with: type, occurred_at, institution, visit. */
static json_t *event_json(const char *type, const visit_info *v)
{
    char now[21];
    pt__now_utc(now);
    return json_pack("{s:s, s:s, s:{s:I, s:s?, s:s, s:s}, s:{s:I, s:s, s:s}}", "type", type,
                     "occurred_at", now, "institution", "id", (json_int_t)v->institution_id,
                     "reg_no", *v->reg_no ? v->reg_no : NULL, "name", v->inst_name,
                     "kabupaten_kota", v->kabupaten, "visit", "id", (json_int_t)v->id, "date",
                     v->date, "type", v->type);
}

/* Raises one event inside the caller's transaction; takes the reference to json. */
static int raise_event(pt_ctx *ctx, const char *type, const visit_info *v, const char *subject,
                       const char *body, json_t *json)
{
    char *text = json ? json_dumps(json, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(json);
    if (!text) return pt__error(PT_ENOMEM, "out of memory");
    pt__events *ev = NULL;
    int rc = pt__events_open(&ev, ctx);
    if (rc == PT_OK) rc = pt__event_raise(ev, type, v->institution_id, v->id, subject, body, text);
    pt__events_close(ev);
    free(text);
    return rc;
}

/* ---- opening ---- */

static const char *const KIND_TEXT[][2] = {
    {"review", "telaah"}, {"appeal", "banding"}, {"correction", "koreksi"}};

static const char *kind_text(const char *kind)
{
    for (size_t i = 0; i < 3; i++)
        if (strcmp(kind, KIND_TEXT[i][0]) == 0) return KIND_TEXT[i][1];
    return kind;
}

/* The checks that need no database: a panel of distinct names and a quorum it can reach.
 * *quorum becomes the quorum in force. */
static int check_panel(const char *const *panel, size_t n, int *quorum)
{
    if (n == 0) return pt__error(PT_EINVALID, "a review needs a panel: name its members (--panel)");
    for (size_t i = 0; i < n; i++) {
        if (is_blank(panel[i])) return pt__error(PT_EINVALID, "an empty name in the panel");
        for (size_t j = 0; j < i; j++)
            if (strcmp(panel[i], panel[j]) == 0)
                return pt__error(PT_EINVALID, "'%s' is named twice in the panel", panel[i]);
    }
    if (*quorum == 0) *quorum = (int)(n / 2 + 1);
    if (*quorum < 1 || (size_t)*quorum > n)
        return pt__error(PT_EINVALID, "a quorum of %d for a panel of %zu: the quorum is 1 to %zu",
                         *quorum, n, n);
    return PT_OK;
}

/* Inserts the review and its panel; runs inside the caller's transaction. */
static int insert_review(pt_ctx *ctx, const visit_info *v, const char *kind, int64_t reopens,
                         const char *const *panel, size_t n, int quorum, const char *reason,
                         int64_t *review_id)
{
    sqlite3_stmt *st = NULL, *user = NULL, *member = NULL;
    int rc = pt__prepare(ctx, &st,
                         "SELECT id, kind FROM review WHERE visit_id = ?1 AND status = 'open'");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, v->id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        /* a first review ends by a decision or a return; an appeal or a correction, whose
         * visit stays decided, by a decision or a withdrawal */
        long long open_id = sqlite3_column_int64(st, 0);
        char open_kind[16];
        copy_text(open_kind, sizeof open_kind, sqlite3_column_text(st, 1));
        if (strcmp(open_kind, "review") == 0)
            rc = pt__error(PT_ESTATE, "visit %lld already has an open review (review %lld): "
                           "decide it or return the visit first", (long long)v->id, open_id);
        else
            rc = pt__error(PT_ESTATE, "visit %lld already has an open %s (review %lld): decide "
                           "it or withdraw it first (pantau review withdraw %lld --reason TEXT)",
                           (long long)v->id, open_kind, open_id, open_id);
    } else if (step != SQLITE_DONE) {
        rc = pt__error_sqlite(ctx->db, step, "reading the visit's reviews");
    }
    sqlite3_finalize(st);
    if (rc) return rc;
    if ((rc = pt__prepare(ctx, &st,
                          "INSERT INTO review (visit_id, kind, reopens, quorum, opened_by, "
                          "opened_at, reason) VALUES (?1, ?2, ?3, ?4, pt_actor(), pt_now(), ?5)")))
        return rc;
    sqlite3_bind_int64(st, 1, v->id);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    if (reopens) sqlite3_bind_int64(st, 3, reopens);
    else sqlite3_bind_null(st, 3);
    sqlite3_bind_int(st, 4, quorum);
    if (is_blank(reason)) sqlite3_bind_null(st, 5);
    else sqlite3_bind_text(st, 5, reason, -1, SQLITE_TRANSIENT);
    rc = run(ctx, st, "opening the review");
    sqlite3_finalize(st);
    if (rc) return rc;
    int64_t id = sqlite3_last_insert_rowid(ctx->db);

    rc = pt__prepare(ctx, &user, "SELECT id, role, disabled, agency FROM app_user WHERE name = ?1");
    /* every member must be able to declare, vote and decide: a member who cannot would stall
     * the review short of its quorum */
    const pt_action member_action = is_accreditation(v) ? PT_ACT_DECIDE : PT_ACT_DECIDE_MONITORING;
    if (rc == PT_OK)
        rc = pt__prepare(ctx, &member,
                         "INSERT INTO panel_member (review_id, user_id) VALUES (?1, ?2)");
    for (size_t i = 0; rc == PT_OK && i < n; i++) {
        sqlite3_reset(user);
        sqlite3_bind_text(user, 1, panel[i], -1, SQLITE_TRANSIENT);
        step = sqlite3_step(user);
        if (step == SQLITE_DONE) {
            rc = pt__error(PT_ENOTFOUND, "panel member '%s' is not a user of pantau", panel[i]);
            break;
        }
        if (step != SQLITE_ROW) {
            rc = pt__error_sqlite(ctx->db, step, "reading the panel's users");
            break;
        }
        int64_t user_id = sqlite3_column_int64(user, 0);
        pt_role role = PT_ROLE_NONE;
        pt_role_parse((const char *)sqlite3_column_text(user, 1), &role);
        const char *agency = (const char *)sqlite3_column_text(user, 3);
        if (sqlite3_column_int(user, 2)) {
            rc = pt__error(PT_EINVALID, "panel member '%s' is disabled", panel[i]);
        } else if (!pt__authz_may(role, agency, member_action)) {
            rc = pt__error(PT_EINVALID, "panel member '%s' (%s, %s) may not decide %s reviews: "
                           "the panel of %s is of %s", panel[i], pt_role_title(role),
                           agency ? agency : "", is_accreditation(v) ? "accreditation" : "monitoring",
                           is_accreditation(v) ? "an accreditation visit" : "a monitoring visit",
                           is_accreditation(v) ? "board members"
                                               : "board members and Dinas Sosial officers");
        } else {
            sqlite3_reset(member);
            sqlite3_bind_int64(member, 1, id);
            sqlite3_bind_int64(member, 2, user_id);
            rc = run(ctx, member, "adding a panel member");
        }
    }
    sqlite3_finalize(user);
    sqlite3_finalize(member);
    if (rc == PT_OK && review_id) *review_id = id;

    /* "review.opened" */
    if (rc == PT_OK) {
        char inst[400], subject[600], body[1600];
        inst_text(v, inst, sizeof inst);
        snprintf(subject, sizeof subject, "%s dibuka: %s, kunjungan %s %s",
                 strcmp(kind, "review") == 0 ? "Telaah" : strcmp(kind, "appeal") == 0 ? "Banding" : "Koreksi",
                 inst, jenis(v), v->date);
        int used = snprintf(body, sizeof body,
                            "Kunjungan %lld ke %s pada %s (%s) sedang ditelaah.\n\n"
                            "Nomor telaah: %lld (%s)\nPanel: ", (long long)v->id, inst, v->date,
                            jenis(v), (long long)id, kind_text(kind));
        for (size_t i = 0; i < n && used > 0 && (size_t)used < sizeof body; i++)
            used += snprintf(body + used, sizeof body - (size_t)used, "%s%s", i ? ", " : "", panel[i]);
        if (used > 0 && (size_t)used < sizeof body)
            used += snprintf(body + used, sizeof body - (size_t)used, "\nKuorum: %d suara\n", quorum);
        if (!is_blank(reason) && used > 0 && (size_t)used < sizeof body)
            snprintf(body + used, sizeof body - (size_t)used, "Alasan: %s\n", reason);
        json_t *j = event_json("review.opened", v);
        json_t *names = json_array();
        for (size_t i = 0; names && i < n; i++) json_array_append_new(names, json_string(panel[i]));
        json_t *r = json_pack("{s:I, s:s, s:o, s:i, s:o, s:s?}", "id", (json_int_t)id, "kind",
                              kind, "reopens", reopens ? json_integer(reopens) : json_null(),
                              "quorum", quorum, "panel", names ? names : json_null(), "reason",
                              is_blank(reason) ? NULL : reason);
        if (j && r) json_object_set_new(j, "review", r);
        else json_decref(r), json_decref(j), j = NULL;
        rc = raise_event(ctx, "review.opened", v, subject, body, j);
    }
    return rc;
}

int pt_review_open(pt_ctx *ctx, int64_t visit_id, const char *const *panel, size_t n, int quorum,
                   const char *reason, int64_t *review_id)
{
    visit_info v;
    int rc = visit_load(ctx, visit_id, &v);   /* who may open depends on the visit's kind */
    if (rc || (rc = pt__authz(ctx, review_action(&v)))) return rc;
    if ((rc = check_panel(panel, n, &quorum))) return rc;
    if ((rc = pt__begin(ctx))) return rc;
    static const pt_visit_state scored = PT_STATE_SCORED;
    rc = visit_load(ctx, visit_id, &v);
    if (rc == PT_OK)
        rc = pt__visit_require_state(ctx, visit_id, &scored, 1, "opening a review", NULL);
    if (rc == PT_OK) rc = insert_review(ctx, &v, "review", 0, panel, n, quorum, reason, review_id);
    if (rc == PT_OK)
        rc = pt__visit_step(ctx, visit_id, PT_STATE_SCORED, PT_STATE_UNDER_REVIEW, NULL);
    if (rc == PT_OK) return pt__commit(ctx);
    pt__rollback(ctx);
    return rc;
}

/* "appeal" / "correct": what the reviewer would do to a decision. */
static const char *reopen_verb(const char *kind)
{
    return strcmp(kind, "appeal") == 0 ? "appeal" : "correct";
}

/* Refuses (PT_ESTATE) to appeal, correct or supersede decision_id unless it is the decision in
 * force: for an accreditation decision, the home's row of accreditation_current (a later board
 * decision of the home, on any visit, governs: reopening an older one would override it); for
 * a monitoring decision, the latest decision of its visit that none supersedes. v is the
 * decision's visit (for the message); verb "appeal" or "correct". */
static int require_in_force(pt_ctx *ctx, int64_t decision_id, const visit_info *v,
                            const char *verb)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT d.kind, CASE d.kind WHEN 'accreditation' THEN "
                         "  (SELECT c.id FROM accreditation_current c "
                         "   WHERE c.institution_id = d.institution_id) "
                         "ELSE (SELECT max(m.id) FROM decision m WHERE m.visit_id = d.visit_id "
                         "      AND m.kind = 'monitoring' "
                         "      AND NOT EXISTS (SELECT 1 FROM decision s WHERE s.supersedes = m.id)) "
                         "END FROM decision d WHERE d.id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, decision_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        int accreditation = strcmp((const char *)sqlite3_column_text(st, 0), "accreditation") == 0;
        int64_t in_force = sqlite3_column_int64(st, 1);
        if (in_force != decision_id) {
            char inst[400], where[480];
            inst_text(v, inst, sizeof inst);
            if (accreditation) snprintf(where, sizeof where, "%s", inst);
            else snprintf(where, sizeof where, "visit %lld of %s", (long long)v->id, inst);
            if (in_force)
                rc = pt__error(PT_ESTATE, "decision %lld is no longer in force for %s: decision "
                               "%lld is; %s that one", (long long)decision_id, where,
                               (long long)in_force, verb);
            else
                rc = pt__error(PT_ESTATE, "decision %lld is no longer in force for %s",
                               (long long)decision_id, where);
        }
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "decision %lld not found", (long long)decision_id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the decision in force");
    }
    sqlite3_finalize(st);
    return rc;
}

/* The visit and the review of decision_id. */
static int decision_visit(pt_ctx *ctx, int64_t decision_id, int64_t *visit_id, int64_t *review_id)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT visit_id, review_id FROM decision WHERE id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, decision_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *visit_id = sqlite3_column_int64(st, 0);
        *review_id = sqlite3_column_int64(st, 1);
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "decision %lld not found", (long long)decision_id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the decision");
    }
    sqlite3_finalize(st);
    return rc;
}

/* An appeal or a correction of decision_id. */
static int reopen(pt_ctx *ctx, const char *kind, int64_t decision_id, const char *reason,
                  const char *const *panel, size_t n, int quorum, int64_t *review_id)
{
    int64_t visit_id = 0, reopens = 0;
    visit_info v;
    int rc = decision_visit(ctx, decision_id, &visit_id, &reopens);
    if (rc == PT_OK) rc = visit_load(ctx, visit_id, &v);   /* who may reopen depends on it */
    if (rc || (rc = pt__authz(ctx, review_action(&v)))) return rc;
    const char *what = strcmp(kind, "appeal") == 0 ? "an appeal" : "a correction";
    if (is_blank(reason))
        return pt__error(PT_EINVALID, "%s of decision %lld needs a reason (--reason)", what,
                         (long long)decision_id);
    if ((rc = check_panel(panel, n, &quorum))) return rc;
    if ((rc = pt__begin(ctx))) return rc;
    if ((rc = decision_visit(ctx, decision_id, &visit_id, &reopens)) == PT_OK &&
        (rc = visit_load(ctx, visit_id, &v)) == PT_OK &&
        (rc = require_in_force(ctx, decision_id, &v, reopen_verb(kind))) == PT_OK)
        rc = insert_review(ctx, &v, kind, reopens, panel, n, quorum, reason, review_id);
    if (rc == PT_OK) return pt__commit(ctx);
    pt__rollback(ctx);
    return rc;
}

int pt_review_appeal(pt_ctx *ctx, int64_t decision_id, const char *reason,
                     const char *const *panel, size_t n, int quorum, int64_t *review_id)
{
    return reopen(ctx, "appeal", decision_id, reason, panel, n, quorum, review_id);
}

int pt_review_correct(pt_ctx *ctx, int64_t decision_id, const char *reason,
                      const char *const *panel, size_t n, int quorum, int64_t *review_id)
{
    return reopen(ctx, "correction", decision_id, reason, panel, n, quorum, review_id);
}

/* ---- declaring and voting ---- */

int pt_review_declare(pt_ctx *ctx, int64_t review_id, int conflict, const char *declaration)
{
    review_row r;
    int rc = review_load(ctx, review_id, &r);
    if (rc || (rc = pt__authz(ctx, decide_action(&r)))) return rc;
    if (conflict && is_blank(declaration))
        return pt__error(PT_EINVALID, "review %lld: a conflict of interest needs a declaration "
                         "saying what it is (--conflict TEXT)", (long long)review_id);
    if ((rc = pt__begin(ctx))) return rc;
    int64_t member;
    int declared, voted;
    if ((rc = review_load(ctx, review_id, &r)) == PT_OK &&
        (rc = require_open(&r, "a declaration")) == PT_OK &&
        (rc = member_load(ctx, &r, &member, &declared, &voted)) == PT_OK) {
        /* A declared conflict is final: withdrawing it would let the member vote on what they
         * said they should not (the database refuses it too). A member who declared none may
         * still find a conflict: that declaration clears their vote, below. */
        if (declared == 1)
            rc = pt__error(PT_ESTATE, "review %lld: user '%s' declared a conflict of interest, "
                           "which is final", (long long)review_id, ctx->user_name);
        else if (voted && !conflict)
            rc = pt__error(PT_ESTATE, "review %lld: user '%s' has voted: a declaration of no "
                           "conflict cannot change after the vote (a conflict may still be "
                           "declared, which clears the vote)", (long long)review_id,
                           ctx->user_name);
    }
    sqlite3_stmt *st = NULL;
    if (rc == PT_OK)
        rc = pt__prepare(ctx, &st,
                         "UPDATE panel_member SET conflict = ?2, declaration = ?3, "
                         "declared_at = pt_now(), "
                         "vote = CASE WHEN ?2 = 1 THEN NULL ELSE vote END, "
                         "voted_at = CASE WHEN ?2 = 1 THEN NULL ELSE voted_at END WHERE id = ?1");
    if (rc == PT_OK) {
        sqlite3_bind_int64(st, 1, member);
        sqlite3_bind_int(st, 2, conflict ? 1 : 0);
        if (is_blank(declaration)) sqlite3_bind_null(st, 3);
        else sqlite3_bind_text(st, 3, declaration, -1, SQLITE_TRANSIENT);
        rc = run(ctx, st, "recording the declaration");
    }
    sqlite3_finalize(st);
    if (rc == PT_OK) return pt__commit(ctx);
    pt__rollback(ctx);
    return rc;
}

/* 0 when outcome is one the review can decide: a grade of the visit's checklist or TT for an
 * accreditation visit, "accepted" otherwise. *label (may be NULL) receives its label (static or
 * copied into label_buf). */
static int check_outcome(pt_ctx *ctx, const review_row *r, const char *outcome, char *label_buf,
                         size_t label_size)
{
    if (!is_accreditation(&r->visit)) {
        if (outcome && strcmp(outcome, PT_OUTCOME_ACCEPTED) == 0) {
            if (label_buf) snprintf(label_buf, label_size, "Diterima");
            return PT_OK;
        }
        return pt__error(PT_EINVALID, "review %lld of a %s visit: the outcome is '%s' (--accept), "
                         "not '%s'", (long long)r->id, r->visit.type, PT_OUTCOME_ACCEPTED,
                         outcome ? outcome : "");
    }
    pt_checklist *cl = NULL;
    int rc = pt__visit_checklist(ctx, r->visit_id, &cl);
    if (rc) return rc;
    const char *label = outcome ? pt__grade_label(cl, outcome) : NULL;
    if (label) {
        if (label_buf) snprintf(label_buf, label_size, "%s", label);
    } else {
        char list[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < cl->n_bands && used < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s, ", cl->bands[i].grade);
        rc = pt__error(PT_EINVALID, "review %lld: '%s' is not a grade of checklist %s@%s (grades: "
                       "%sor TT, tidak terakreditasi)", (long long)r->id, outcome ? outcome : "",
                       cl->id, cl->version, list);
    }
    pt_checklist_free(cl);
    return rc;
}

/* The member may vote or decide: declared, and without a conflict. */
static int require_no_conflict(pt_ctx *ctx, const review_row *r, int declared, const char *what)
{
    if (declared == 1)
        return pt__error(PT_EDENIED, "review %lld: user '%s' declared a conflict of interest: a "
                         "conflicted member may not %s", (long long)r->id, ctx->user_name, what);
    if (declared < 0)
        return pt__error(PT_ESTATE, "review %lld: user '%s' has not declared a conflict of "
                         "interest or none yet (pantau review declare %lld --no-conflict | "
                         "--conflict TEXT)", (long long)r->id, ctx->user_name, (long long)r->id);
    return PT_OK;
}

int pt_review_vote(pt_ctx *ctx, int64_t review_id, const char *outcome)
{
    review_row r;
    int rc = review_load(ctx, review_id, &r);
    if (rc || (rc = pt__authz(ctx, decide_action(&r)))) return rc;
    if ((rc = pt__begin(ctx))) return rc;
    int64_t member;
    int declared, voted;
    if ((rc = review_load(ctx, review_id, &r)) == PT_OK &&
        (rc = require_open(&r, "a vote")) == PT_OK &&
        (rc = member_load(ctx, &r, &member, &declared, &voted)) == PT_OK &&
        (rc = require_no_conflict(ctx, &r, declared, "vote")) == PT_OK)
        rc = check_outcome(ctx, &r, outcome, NULL, 0);
    sqlite3_stmt *st = NULL;
    if (rc == PT_OK)
        rc = pt__prepare(ctx, &st, "UPDATE panel_member SET vote = ?2, voted_at = pt_now() "
                                   "WHERE id = ?1");
    if (rc == PT_OK) {
        sqlite3_bind_int64(st, 1, member);
        sqlite3_bind_text(st, 2, outcome, -1, SQLITE_TRANSIENT);
        rc = run(ctx, st, "recording the vote");
    }
    sqlite3_finalize(st);
    if (rc == PT_OK) return pt__commit(ctx);
    pt__rollback(ctx);
    return rc;
}

/* ---- deciding ---- */

/* The tally of the votes cast: the outcome with the most votes, its count, the number cast,
 * and a text "A 1, B 1" for messages. */
typedef struct tally {
    char outcome[64];
    int top, second, cast;
    char text[256];
} tally;

static int count_votes(pt_ctx *ctx, int64_t review_id, tally *t)
{
    memset(t, 0, sizeof *t);
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT vote, count(*) AS n FROM panel_member WHERE review_id = ?1 "
                         "AND vote IS NOT NULL AND conflict IS 0 GROUP BY vote "
                         "ORDER BY n DESC, vote");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, review_id);
    int step, row = 0;
    size_t used = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *vote = (const char *)sqlite3_column_text(st, 0);
        int n = sqlite3_column_int(st, 1);
        if (row == 0) {
            snprintf(t->outcome, sizeof t->outcome, "%s", vote);
            t->top = n;
        } else if (row == 1) {
            t->second = n;
        }
        t->cast += n;
        if (used < sizeof t->text)
            used += (size_t)snprintf(t->text + used, sizeof t->text - used, "%s%s %d",
                                     row ? ", " : "", vote, n);
        row++;
    }
    if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "counting the votes");
    sqlite3_finalize(st);
    return rc;
}

/* Texts and JSON of "review.decided". */
static int raise_decided(pt_ctx *ctx, const review_row *r, int64_t decision_id, int64_t supersedes,
                         const char *kind, const char *outcome, const char *label,
                         const char *valid_from, const char *valid_until, const char *conditions,
                         const char *evidence_sha256)
{
    const visit_info *v = &r->visit;
    char inst[400], subject[800], body[3000], result[256];
    inst_text(v, inst, sizeof inst);
    if (strcmp(kind, "accreditation") == 0) {
        if (strcmp(outcome, PT_OUTCOME_NO_GRADE) == 0) snprintf(result, sizeof result, "%s", label);
        else snprintf(result, sizeof result, "peringkat %s (%s)", outcome, label);
        snprintf(subject, sizeof subject, "Keputusan akreditasi %s: %s", inst, result);
    } else {
        snprintf(result, sizeof result, "%s", label);
        snprintf(subject, sizeof subject, "Keputusan telaah %s: %s", inst, result);
    }
    int used = snprintf(body, sizeof body,
                        "Panel telah memutuskan %s kunjungan %lld ke %s pada %s (%s).\n\n"
                        "Hasil: %s\n",
                        strcmp(kind, "accreditation") == 0 ? "akreditasi" : "telaah",
                        (long long)v->id, inst, v->date, jenis(v), result);
    if (valid_from && used > 0 && (size_t)used < sizeof body)
        used += snprintf(body + used, sizeof body - (size_t)used, "Berlaku: %s sampai %s\n",
                         valid_from, valid_until);
    if (!is_blank(conditions) && used > 0 && (size_t)used < sizeof body)
        used += snprintf(body + used, sizeof body - (size_t)used, "Syarat: %s\n", conditions);
    if (used > 0 && (size_t)used < sizeof body)
        used += snprintf(body + used, sizeof body - (size_t)used,
                         "Nomor keputusan: %lld (%s %lld)\n", (long long)decision_id,
                         kind_text(r->kind), (long long)r->id);
    if (supersedes && used > 0 && (size_t)used < sizeof body)
        snprintf(body + used, sizeof body - (size_t)used, "Menggantikan keputusan: %lld\n",
                 (long long)supersedes);
    json_t *j = event_json("review.decided", v);
    json_t *d = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s}", "id",
                          (json_int_t)decision_id, "review_id", (json_int_t)r->id, "review_kind",
                          r->kind, "kind", kind, "outcome", outcome, "outcome_label", label,
                          "valid_from", valid_from, "valid_until", valid_until, "conditions",
                          is_blank(conditions) ? NULL : conditions, "evidence_sha256",
                          evidence_sha256);
    if (d) json_object_set_new(d, "supersedes", supersedes ? json_integer(supersedes) : json_null());
    if (j && d) json_object_set_new(j, "decision", d);
    else json_decref(d), json_decref(j), j = NULL;
    return raise_event(ctx, "review.decided", v, subject, body, j);
}

/* Everything of a decision but the review checks: runs inside the caller's transaction. */
static int write_decision(pt_ctx *ctx, const review_row *r, const tally *t, const char *label,
                          const char *conditions, int64_t *decision_id)
{
    const char *kind = is_accreditation(&r->visit) ? "accreditation" : "monitoring";
    /* validity: from today, for the grade's years (none for TT, accepted, or a grade that does
     * not expire) */
    char now[21], today[11], until[11];
    pt__now_utc(now);
    memcpy(today, now, 10);
    today[10] = '\0';
    const char *valid_from = NULL, *valid_until = NULL;
    int rc = PT_OK;
    if (strcmp(kind, "accreditation") == 0 && strcmp(t->outcome, PT_OUTCOME_NO_GRADE) != 0) {
        pt_checklist *cl = NULL;
        rc = pt__visit_checklist(ctx, r->visit_id, &cl);
        if (rc) return rc;
        const pt_band *band = pt_checklist_band(cl, t->outcome);
        if (band && band->validity_years > 0) {
            rc = pt__date_add_years(today, band->validity_years, until);
            valid_from = today;
            valid_until = until;
        }
        pt_checklist_free(cl);
        if (rc) return rc;
    }
    /* the decision this one supersedes: the reopened review's */
    int64_t supersedes = 0, panel_size = 0;
    sqlite3_stmt *st;
    if ((rc = pt__prepare(ctx, &st,
                          "SELECT (SELECT id FROM decision WHERE review_id = ?2), "
                          "(SELECT count(*) FROM panel_member WHERE review_id = ?1)")))
        return rc;
    sqlite3_bind_int64(st, 1, r->id);
    sqlite3_bind_int64(st, 2, r->reopens);
    if (sqlite3_step(st) == SQLITE_ROW) {
        supersedes = sqlite3_column_int64(st, 0);
        panel_size = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (r->reopens && !supersedes)
        return pt__error(PT_ESTATE, "review %lld reopens review %lld, which has no decision",
                         (long long)r->id, (long long)r->reopens);
    /* A later decision may have come into force since the appeal was opened (another visit of
     * the home decided meanwhile): superseding the older one now would override it. */
    if (supersedes && (rc = require_in_force(ctx, supersedes, &r->visit, reopen_verb(r->kind)))) {
        char why[512];
        snprintf(why, sizeof why, "%s", pt_error_last());
        return pt__error(rc, "review %lld: %s (or withdraw this %s: pantau review withdraw %lld "
                         "--reason TEXT)", (long long)r->id, why, r->kind, (long long)r->id);
    }

    /* the votes as JSON text, bound as text: a value straight from a JSON function would reach
     * the audit trigger as JSON, not as the text the row stores, and verify would differ */
    char *votes = NULL;
    if ((rc = pt__prepare(ctx, &st,
                          "SELECT json_group_array(json_object('user', name, 'conflict', conflict, "
                          "'vote', vote)) FROM (SELECT u.name, p.conflict, p.vote "
                          "FROM panel_member p JOIN app_user u ON u.id = p.user_id "
                          "WHERE p.review_id = ?1 ORDER BY u.name)")))
        return rc;
    sqlite3_bind_int64(st, 1, r->id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        votes = strdup(text ? text : "[]");
        if (!votes) rc = pt__error(PT_ENOMEM, "out of memory");
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the votes");
    }
    sqlite3_finalize(st);
    if (rc) return rc;

    json_t *snap = NULL;
    char *evidence = NULL, sha[65];
    if ((rc = pt__evidence_build(ctx, r->id, &snap)) ||
        (rc = pt__evidence_dump(snap, &evidence, sha))) {
        json_decref(snap);
        free(votes);
        return rc;
    }
    json_decref(snap);
    rc = pt__prepare(ctx, &st,
                     "INSERT INTO decision (review_id, visit_id, institution_id, kind, outcome, "
                     "outcome_label, conditions, valid_from, valid_until, panel_size, votes_cast, "
                     "quorum, votes, evidence, evidence_sha256, supersedes, decided_by, decided_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?16, "
                     "?13, ?14, ?15, pt_actor(), pt_now())");
    if (rc == PT_OK) {
        sqlite3_bind_int64(st, 1, r->id);
        sqlite3_bind_int64(st, 2, r->visit_id);
        sqlite3_bind_int64(st, 3, r->visit.institution_id);
        sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, t->outcome, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, label, -1, SQLITE_STATIC);
        if (is_blank(conditions)) sqlite3_bind_null(st, 7);
        else sqlite3_bind_text(st, 7, conditions, -1, SQLITE_TRANSIENT);
        if (valid_from) {
            sqlite3_bind_text(st, 8, valid_from, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 9, valid_until, -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_null(st, 8);
            sqlite3_bind_null(st, 9);
        }
        sqlite3_bind_int64(st, 10, panel_size);
        sqlite3_bind_int(st, 11, t->cast);
        sqlite3_bind_int(st, 12, r->quorum);
        sqlite3_bind_text(st, 13, evidence, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 14, sha, 64, SQLITE_STATIC);
        if (supersedes) sqlite3_bind_int64(st, 15, supersedes);
        else sqlite3_bind_null(st, 15);
        sqlite3_bind_text(st, 16, votes, -1, SQLITE_STATIC);
        rc = run(ctx, st, "storing the decision");
        sqlite3_finalize(st);
    }
    free(evidence);
    free(votes);
    if (rc) return rc;
    int64_t id = sqlite3_last_insert_rowid(ctx->db);
    if (decision_id) *decision_id = id;

    if ((rc = pt__prepare(ctx, &st,
                          "UPDATE review SET status = 'decided', closed_by = pt_actor(), "
                          "closed_at = pt_now() WHERE id = ?1")))
        return rc;
    sqlite3_bind_int64(st, 1, r->id);
    rc = run(ctx, st, "closing the review");
    sqlite3_finalize(st);
    if (rc == PT_OK && strcmp(r->kind, "review") == 0)
        rc = pt__visit_step(ctx, r->visit_id, PT_STATE_UNDER_REVIEW, PT_STATE_DECIDED, NULL);
    if (rc == PT_OK)
        rc = raise_decided(ctx, r, id, supersedes, kind, t->outcome, label, valid_from,
                           valid_until, conditions, sha);
    return rc;
}

int pt_review_decide(pt_ctx *ctx, int64_t review_id, const char *conditions, int64_t *decision_id)
{
    review_row r;
    int rc = review_load(ctx, review_id, &r);
    if (rc || (rc = pt__authz(ctx, decide_action(&r)))) return rc;
    if ((rc = pt__begin(ctx))) return rc;
    int64_t member;
    int declared, voted;
    tally t;
    char label[160];
    if ((rc = review_load(ctx, review_id, &r)) == PT_OK &&
        (rc = require_open(&r, "a decision")) == PT_OK &&
        (rc = member_load(ctx, &r, &member, &declared, &voted)) == PT_OK &&
        (rc = require_no_conflict(ctx, &r, declared, "decide")) == PT_OK)
        rc = count_votes(ctx, review_id, &t);
    if (rc == PT_OK && t.cast < r.quorum)
        rc = pt__error(PT_ESTATE, "review %lld: the quorum is not reached: %d vote%s cast, the "
                       "quorum is %d (members without a conflict vote)", (long long)review_id,
                       t.cast, t.cast == 1 ? "" : "s", r.quorum);
    if (rc == PT_OK && t.top * 2 <= t.cast)
        rc = pt__error(PT_EINVALID, "review %lld: no outcome has a strict majority of the %d votes "
                       "cast (%s): the panel votes again, or more members vote",
                       (long long)review_id, t.cast, t.text);
    if (rc == PT_OK) rc = check_outcome(ctx, &r, t.outcome, label, sizeof label);
    if (rc == PT_OK) rc = write_decision(ctx, &r, &t, label, conditions, decision_id);
    if (rc == PT_OK) return pt__commit(ctx);
    pt__rollback(ctx);
    return rc;
}

/* ---- returning ---- */

int pt_review_return(pt_ctx *ctx, int64_t visit_id, const char *reason)
{
    visit_info v;
    int rc = visit_load(ctx, visit_id, &v);   /* who may return depends on the visit's kind */
    if (rc || (rc = pt__authz(ctx, review_action(&v)))) return rc;
    if (is_blank(reason))
        return pt__error(PT_EINVALID, "visit %lld: returning a visit needs a reason (--reason)",
                         (long long)visit_id);
    if ((rc = pt__begin(ctx))) return rc;
    static const pt_visit_state allowed[] = {PT_STATE_SCORED, PT_STATE_UNDER_REVIEW};
    pt_visit_state state;
    sqlite3_stmt *st = NULL;
    rc = visit_load(ctx, visit_id, &v);
    if (rc == PT_OK)
        rc = pt__visit_require_state(ctx, visit_id, allowed, 2, "returning it to its team", &state);
    if (rc == PT_OK && state == PT_STATE_UNDER_REVIEW &&
        (rc = pt__prepare(ctx, &st,
                          "UPDATE review SET status = 'returned', closed_by = pt_actor(), "
                          "closed_at = pt_now(), close_reason = ?2 "
                          "WHERE visit_id = ?1 AND status = 'open'")) == PT_OK) {
        sqlite3_bind_int64(st, 1, visit_id);
        sqlite3_bind_text(st, 2, reason, -1, SQLITE_TRANSIENT);
        rc = run(ctx, st, "closing the review");
        sqlite3_finalize(st);
    }
    if (rc == PT_OK) rc = pt__visit_step(ctx, visit_id, state, PT_STATE_RETURNED, reason);
    if (rc == PT_OK) {
        char inst[400], subject[600], body[2400];
        inst_text(&v, inst, sizeof inst);
        snprintf(subject, sizeof subject, "Kunjungan dikembalikan: %s, %s (%s)", inst, v.date,
                 jenis(&v));
        snprintf(body, sizeof body,
                 "Kunjungan %lld ke %s pada %s dikembalikan kepada tim untuk diperbaiki.\n\n"
                 "Alasan: %s\nDikembalikan oleh: %s\n",
                 (long long)visit_id, inst, v.date, reason, ctx->user_id ? ctx->user_name : "local");
        json_t *j = event_json("visit.returned", &v);
        if (j) {
            json_object_set_new(j, "reason", json_string(reason));
            json_object_set_new(j, "from_state", json_string(pt_visit_state_name(state)));
        }
        rc = raise_event(ctx, "visit.returned", &v, subject, body, j);
    }
    if (rc == PT_OK) return pt__commit(ctx);
    pt__rollback(ctx);
    return rc;
}

/* ---- withdrawing ---- */

int pt_review_withdraw(pt_ctx *ctx, int64_t review_id, const char *reason)
{
    review_row r;
    int rc = review_load(ctx, review_id, &r);
    if (rc || (rc = pt__authz(ctx, review_action(&r.visit)))) return rc;
    if (is_blank(reason))
        return pt__error(PT_EINVALID, "review %lld: withdrawing it needs a reason (--reason)",
                         (long long)review_id);
    if ((rc = pt__begin(ctx))) return rc;
    if ((rc = review_load(ctx, review_id, &r)) == PT_OK && strcmp(r.kind, "review") == 0)
        /* a first review has a visit under review to give back: that is a return */
        rc = pt__error(PT_ESTATE, "review %lld is a first review, not an appeal or a correction: "
                       "it is not withdrawn, its visit is returned to the team (pantau review "
                       "return %lld --reason TEXT)", (long long)review_id, (long long)r.visit_id);
    if (rc == PT_OK) rc = require_open(&r, "withdrawing it");
    sqlite3_stmt *st = NULL;
    if (rc == PT_OK &&
        (rc = pt__prepare(ctx, &st,
                          "UPDATE review SET status = 'withdrawn', closed_by = pt_actor(), "
                          "closed_at = pt_now(), close_reason = ?2 "
                          "WHERE id = ?1 AND status = 'open'")) == PT_OK) {
        sqlite3_bind_int64(st, 1, review_id);
        sqlite3_bind_text(st, 2, reason, -1, SQLITE_TRANSIENT);
        rc = run(ctx, st, "withdrawing the review");
        sqlite3_finalize(st);
    }
    /* "review.withdrawn": the visit stays decided and the decision in force stands */
    if (rc == PT_OK) {
        const visit_info *v = &r.visit;
        char inst[400], subject[600], body[2400];
        inst_text(v, inst, sizeof inst);
        const char *title = strcmp(r.kind, "appeal") == 0 ? "Banding" : "Koreksi";
        snprintf(subject, sizeof subject, "%s ditarik: %s, kunjungan %s %s", title, inst, jenis(v),
                 v->date);
        snprintf(body, sizeof body,
                 "%s nomor %lld atas kunjungan %lld ke %s pada %s (%s) ditarik tanpa keputusan; "
                 "keputusan yang sedang berlaku tidak berubah.\n\nAlasan: %s\nDitarik oleh: %s\n",
                 title, (long long)review_id, (long long)v->id, inst, v->date, jenis(v), reason,
                 ctx->user_id ? ctx->user_name : "local");
        json_t *j = event_json("review.withdrawn", v);
        json_t *o = json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)review_id, "kind", r.kind,
                              "reopens", (json_int_t)r.reopens, "reason", reason);
        if (j && o) json_object_set_new(j, "review", o);
        else json_decref(o), json_decref(j), j = NULL;
        rc = raise_event(ctx, "review.withdrawn", v, subject, body, j);
    }
    if (rc == PT_OK) return pt__commit(ctx);
    pt__rollback(ctx);
    return rc;
}
