/* Stored scores: scoring stored visits (one, or all of them fast) and reading scores back.
 *
 * A score row records the checklist's and the script's sha256, and the script's exact text is
 * kept once in script_version, so the board can re-run any stored score later. Re-scoring
 * replaces a visit's score, sections and flags in one transaction: it is idempotent.
 *
 * pt_score_all is the hot path (20,000 visits x 200 answers should take about as long as a
 * GROUP BY over the answers): it never calls pt_visit_get. Three statements stream the visits
 * (joined with their institution), the team rows and the answers, all ordered by visit id and
 * merged; answers go straight from the SQLite row into Lua without being copied. One scorer
 * per checklist version, prepared statements reused, a commit every BATCH visits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "authz.h"
#include "event.h"
#include "lifecycle.h"
#include "internal.h"
#include "score_internal.h"

#define BATCH 500

/* The current state of visit v (lifecycle.h), in SQL. */
#define VISIT_STATE_SQL                                                                            \
    "(SELECT to_state FROM visit_transition t WHERE t.visit_id = v.id ORDER BY t.id DESC LIMIT 1)"

void pt_score_free(pt_score *score)
{
    if (!score) return;
    pt__score_box *box = (pt__score_box *)score;
    pt__arena_free(box->arena);
    free(box);
}

/* ---- writing ---- */

typedef struct writer {
    pt_ctx *ctx;
    sqlite3_stmt *ins_script, *del_flags, *del_sections, *del_score;
    sqlite3_stmt *ins_score, *ins_section, *ins_flag;
    sqlite3_stmt *audit_score;   /* prepared at the first score (audit.c) */
    sqlite3_stmt *step;          /* submitted -> scored (lifecycle.c) */
    pt__events *events;     /* visit.scored and flag.raised, in the score's transaction */
} writer;

static void writer_close(writer *w)
{
    sqlite3_finalize(w->ins_script);
    sqlite3_finalize(w->del_flags);
    sqlite3_finalize(w->del_sections);
    sqlite3_finalize(w->del_score);
    sqlite3_finalize(w->ins_score);
    sqlite3_finalize(w->ins_section);
    sqlite3_finalize(w->ins_flag);
    sqlite3_finalize(w->audit_score);
    sqlite3_finalize(w->step);
    pt__events_close(w->events);
    memset(w, 0, sizeof *w);
}

static int writer_open(writer *w, pt_ctx *ctx)
{
    memset(w, 0, sizeof *w);
    w->ctx = ctx;
    int rc = pt__prepare(ctx, &w->ins_script,
                         "INSERT OR IGNORE INTO script_version (sha256, name, source, first_used_at) "
                         "VALUES (?1, ?2, ?3, ?4)");
    if (!rc) rc = pt__prepare(ctx, &w->del_flags, "DELETE FROM score_flag WHERE visit_id = ?1");
    if (!rc) rc = pt__prepare(ctx, &w->del_sections, "DELETE FROM score_section WHERE visit_id = ?1");
    if (!rc) rc = pt__prepare(ctx, &w->del_score, "DELETE FROM score WHERE visit_id = ?1");
    if (!rc)
        rc = pt__prepare(ctx, &w->ins_score,
                         "INSERT INTO score (visit_id, total, maximum, grade, grade_label, "
                         "valid_until, checklist_sha256, script_sha256, scored_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!rc)
        rc = pt__prepare(ctx, &w->ins_section,
                         "INSERT INTO score_section (visit_id, position, section_id, score, "
                         "maximum, justification) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!rc)
        rc = pt__prepare(ctx, &w->ins_flag,
                         "INSERT INTO score_flag (visit_id, position, code, severity, agency, "
                         "item_id, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!rc) rc = pt__events_open(&w->events, ctx);
    if (rc) writer_close(w);
    return rc;
}

/* Steps a write statement to completion and resets it for the next use. */
static int exec_stmt(writer *w, sqlite3_stmt *stmt, const char *what, int64_t visit_id)
{
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE) return PT_OK;
    char context[96];
    snprintf(context, sizeof context, "visit %lld: %s", (long long)visit_id, what);
    return pt__error_sqlite(w->ctx->db, rc, context);
}

static void bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
    sqlite3_bind_text(stmt, i, s ? s : "", -1, SQLITE_STATIC);
}

/* Records the script's text under its sha256 (once). Inside the caller's transaction. */
static int write_script(writer *w, const pt_scorer *scorer, const char *now)
{
    bind_text(w->ins_script, 1, pt_scorer_script_sha256(scorer));
    bind_text(w->ins_script, 2, pt_scorer_script_name(scorer));
    bind_text(w->ins_script, 3, pt_scorer_script_source(scorer));
    bind_text(w->ins_script, 4, now);
    return exec_stmt(w, w->ins_script, "storing the script", 0);
}

/* Stores the score of score->visit_id, replacing the previous one when had_score (the
 * deletes are skipped for a visit never scored: most of the work when all are new), and moves
 * a visit that was `submitted` to `scored` (re-scoring a scored visit is no new step). Inside
 * the caller's transaction; sets score->scored_at to now. */
static int write_score(writer *w, pt_score *score, const char *now, int had_score,
                       pt_visit_state state)
{
    int64_t id = score->visit_id;
    pt__score_box *box = (pt__score_box *)score;
    const char *at = pt__arena_strdup(box->arena, now);
    if (!at) return pt__error(PT_ENOMEM, "out of memory");
    score->scored_at = at;

    sqlite3_stmt *dels[] = {w->del_flags, w->del_sections, w->del_score};
    for (int i = 0; had_score && i < 3; i++) {
        sqlite3_bind_int64(dels[i], 1, id);
        int rc = exec_stmt(w, dels[i], "removing the previous score", id);
        if (rc) return rc;
    }
    sqlite3_stmt *s = w->ins_score;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_double(s, 2, score->total);
    sqlite3_bind_double(s, 3, score->max);
    bind_text(s, 4, score->grade);
    bind_text(s, 5, score->grade_label);
    bind_text(s, 6, score->valid_until);
    bind_text(s, 7, score->checklist_sha256);
    bind_text(s, 8, score->script_sha256);
    bind_text(s, 9, at);
    int rc = exec_stmt(w, s, "storing the score", id);
    for (size_t i = 0; rc == 0 && i < score->n_sections; i++) {
        const pt_section_score *ss = &score->sections[i];
        s = w->ins_section;
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i + 1);
        bind_text(s, 3, ss->section_id);
        sqlite3_bind_double(s, 4, ss->score);
        sqlite3_bind_double(s, 5, ss->max);
        bind_text(s, 6, ss->justification);
        rc = exec_stmt(w, s, "storing a section score", id);
    }
    for (size_t i = 0; rc == 0 && i < score->n_flags; i++) {
        const pt_flag *f = &score->flags[i];
        s = w->ins_flag;
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i + 1);
        bind_text(s, 3, f->code);
        bind_text(s, 4, f->severity);
        bind_text(s, 5, f->agency);
        bind_text(s, 6, f->item_id);
        bind_text(s, 7, f->message);
        rc = exec_stmt(w, s, "storing a flag", id);
    }
    /* one audit entry for the score, its sections and its flags (they have no triggers) */
    if (rc == 0) rc = pt__audit_score(w->ctx, &w->audit_score, score);
    if (rc == 0 && state == PT_STATE_SUBMITTED)
        rc = pt__visit_step_cached(w->ctx, &w->step, id, PT_STATE_SUBMITTED, PT_STATE_SCORED, NULL);
    return rc;
}

/* ---- one visit ---- */

int pt_score_visit(pt_ctx *ctx, int64_t visit_id, pt_score **out)
{
    if (out) *out = NULL;
    int denied = pt__authz(ctx, PT_ACT_SCORE);
    if (denied) return denied;
    pt_visit *visit = NULL;
    pt_checklist *checklist = NULL;
    pt_institution *institution = NULL;
    pt_scorer *scorer = NULL;
    pt_score *score = NULL;
    writer w = {0};
    char now[21];

    /* answers are final from submission; a decision freezes the score with them */
    static const pt_visit_state scorable[] = {PT_STATE_SUBMITTED, PT_STATE_SCORED};
    pt_visit_state state;
    int rc = pt__visit_require_state(ctx, visit_id, scorable, 2, "scoring", &state);
    if (!rc) rc = pt_visit_get(ctx, visit_id, &visit);
    if (!rc) rc = pt_checklist_fetch(ctx, visit->checklist_id, visit->checklist_version, &checklist);
    if (!rc) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)visit->institution_id);
        rc = pt_institution_get(ctx, key, &institution);
    }
    if (!rc) rc = pt_scorer_new(&scorer, checklist, ctx->scripts_dir, NULL);
    if (!rc) rc = pt_scorer_score(scorer, visit, institution, &score);
    if (rc && visit) pt__error_prefix("visit %lld", (long long)visit_id);
    if (!rc) rc = writer_open(&w, ctx);
    if (!rc) {
        pt__now_utc(now);
        rc = pt__begin(ctx);
        /* again inside the write transaction: a review may have opened while the script ran */
        if (!rc) rc = pt__visit_require_state(ctx, visit_id, scorable, 2, "scoring", &state);
        if (!rc) rc = write_script(&w, scorer, now);
        if (!rc) rc = write_score(&w, score, now, 1, state);
        if (!rc) rc = pt__event_score_stored(w.events, visit, institution, score);
        if (!rc) rc = pt__commit(ctx);
        else pt__rollback(ctx);
    }
    writer_close(&w);
    pt_scorer_free(scorer);
    pt_institution_free(institution);
    pt_checklist_free(checklist);
    pt_visit_free(visit);
    if (rc == 0 && out) *out = score;
    else pt_score_free(score);
    return rc;
}

/* ---- every visit ---- */

/* A statement read in visit id order, one row ahead. */
typedef struct cursor {
    pt_ctx *ctx;
    sqlite3_stmt *stmt;
    const char *what;
    int has_row;
    int consumed;       /* the current row was handed out: step before looking again */
} cursor;

static int cursor_step(cursor *c)
{
    int rc = sqlite3_step(c->stmt);
    c->consumed = 0;
    if (rc == SQLITE_ROW) {
        c->has_row = 1;
        return 0;
    }
    c->has_row = 0;
    return rc == SQLITE_DONE ? 0 : pt__error_sqlite(c->ctx->db, rc, c->what);
}

/* Moves to the first row of visit_id or later (rows of visits not listed are skipped).
 * 1 when the current row belongs to visit_id, 0 when not, or a negative PT_E code. */
static int cursor_at(cursor *c, int64_t visit_id)
{
    for (;;) {
        if (c->consumed) {
            int rc = cursor_step(c);
            if (rc) return rc;
        }
        if (!c->has_row) return 0;
        int64_t id = sqlite3_column_int64(c->stmt, 0);
        if (id == visit_id) return 1;
        if (id > visit_id) return 0;
        c->consumed = 1;
    }
}

typedef struct answer_stream {
    cursor c;
    int64_t visit_id;
} answer_stream;

/* pt__answer_next over the answer cursor: the strings point into SQLite's row and stay valid
 * until the next call, which is all pt__scorer_score_stream needs. */
static int stream_next(void *payload, pt_answer *a, int *position)
{
    answer_stream *s = payload;
    int rc = cursor_at(&s->c, s->visit_id);
    if (rc <= 0) return rc;
    sqlite3_stmt *st = s->c.stmt;
    a->item_id = (const char *)sqlite3_column_text(st, 1);
    a->value = (const char *)sqlite3_column_text(st, 2);
    a->na = sqlite3_column_int(st, 3);
    a->note = (const char *)sqlite3_column_text(st, 4);
    a->line = 0;
    *position = sqlite3_column_int(st, 5);
    s->c.consumed = 1;
    return 1;
}

typedef struct scorer_entry {
    int64_t version_id;
    pt_checklist *checklist;
    pt_scorer *scorer;
} scorer_entry;

typedef struct run_state {
    pt_ctx *ctx;
    writer w;
    sqlite3_stmt *visits;
    cursor team;
    answer_stream answers;
    scorer_entry *scorers;
    size_t n_scorers;
    char now[21];
    int write_failed;   /* a write failed: the open batch may hold half a visit */
} run_state;

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* The scorer of a checklist version, compiling it (and storing its script) on first use. */
static int scorer_for(run_state *rs, int64_t version_id, const char *id, const char *version,
                      pt_scorer **out)
{
    for (size_t i = 0; i < rs->n_scorers; i++)
        if (rs->scorers[i].version_id == version_id) {
            *out = rs->scorers[i].scorer;
            return 0;
        }
    scorer_entry *grown = realloc(rs->scorers, (rs->n_scorers + 1) * sizeof *grown);
    if (!grown) return pt__error(PT_ENOMEM, "out of memory");
    rs->scorers = grown;
    scorer_entry *e = &rs->scorers[rs->n_scorers];
    memset(e, 0, sizeof *e);
    e->version_id = version_id;
    int rc = pt_checklist_fetch(rs->ctx, id, version, &e->checklist);
    if (!rc) rc = pt_scorer_new(&e->scorer, e->checklist, rs->ctx->scripts_dir, NULL);
    if (!rc) {
        rc = write_script(&rs->w, e->scorer, rs->now);
        if (rc) rs->write_failed = 1;
    }
    if (rc) {
        pt_scorer_free(e->scorer);
        pt_checklist_free(e->checklist);
        return rc;
    }
    rs->n_scorers++;
    *out = e->scorer;
    return 0;
}

/* Scores and stores the visit of the current row of rs->visits. */
static int score_row(run_state *rs)
{
    sqlite3_stmt *v = rs->visits;
    pt_visit visit = {0};
    pt_institution inst = {0};
    visit.id = sqlite3_column_int64(v, 0);
    int64_t version_id = sqlite3_column_int64(v, 1);
    visit.checklist_id = col_text(v, 2);
    visit.checklist_version = col_text(v, 3);
    visit.date = col_text(v, 4);
    visit.type = col_text(v, 5);
    visit.notes = col_text(v, 6);
    inst.id = visit.institution_id = sqlite3_column_int64(v, 7);
    inst.reg_no = col_text(v, 8);
    inst.name = visit.institution_name = col_text(v, 9);
    inst.kind = col_text(v, 10);
    inst.owner = col_text(v, 11);
    inst.address = col_text(v, 12);
    inst.kelurahan = col_text(v, 13);
    inst.kecamatan = col_text(v, 14);
    inst.kabupaten_kota = col_text(v, 15);
    inst.province = col_text(v, 16);
    inst.has_coords = sqlite3_column_type(v, 17) != SQLITE_NULL &&
                      sqlite3_column_type(v, 18) != SQLITE_NULL;
    inst.latitude = sqlite3_column_double(v, 17);
    inst.longitude = sqlite3_column_double(v, 18);
    inst.capacity = sqlite3_column_type(v, 19) == SQLITE_NULL ? -1 : sqlite3_column_int(v, 19);
    inst.children_in_care =
        sqlite3_column_type(v, 20) == SQLITE_NULL ? -1 : sqlite3_column_int(v, 20);
    inst.reg_status = col_text(v, 21);
    inst.reg_date = col_text(v, 22);
    inst.reg_expires = col_text(v, 23);

    pt_scorer *scorer = NULL;
    int rc = scorer_for(rs, version_id, visit.checklist_id, visit.checklist_version, &scorer);
    if (rc) return rc;

    /* the team is small: copied, because its cursor moves on before scoring */
    pt__arena *arena = pt__arena_new();
    if (!arena) return pt__error(PT_ENOMEM, "out of memory");
    pt_team_member *team = NULL;
    size_t n_team = 0, cap = 0;
    while ((rc = cursor_at(&rs->team, visit.id)) == 1) {
        if (n_team == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            pt_team_member *nt = pt__arena_alloc(arena, ncap * sizeof *nt);
            if (!nt) {
                rc = pt__error(PT_ENOMEM, "out of memory");
                break;
            }
            if (n_team) memcpy(nt, team, n_team * sizeof *nt);
            team = nt;
            cap = ncap;
        }
        sqlite3_stmt *t = rs->team.stmt;
        team[n_team].name = pt__arena_strdup(arena, col_text(t, 1));
        team[n_team].agency = pt__arena_strdup(arena, col_text(t, 2));
        team[n_team].role = pt__arena_strdup(arena, col_text(t, 3));
        n_team++;
        rs->team.consumed = 1;
    }
    visit.team = team;
    visit.n_team = n_team;

    pt_score *score = NULL;
    if (rc == 0) {
        rs->answers.visit_id = visit.id;
        rc = pt__scorer_score_stream(scorer, &visit, &inst, stream_next, &rs->answers, &score);
        if (rc) pt__error_prefix("visit %lld", (long long)visit.id);
    }
    if (rc == 0) {
        pt_visit_state state = PT_STATE_NONE;
        pt_visit_state_parse(col_text(v, 25), &state);
        rc = write_score(&rs->w, score, rs->now, sqlite3_column_int(v, 24), state);
        if (!rc) rc = pt__event_score_stored(rs->w.events, &visit, &inst, score);
        if (rc) rs->write_failed = 1;
    }
    pt_score_free(score);
    pt__arena_free(arena);
    return rc;
}

static int prepare_streams(run_state *rs)
{
    pt_ctx *ctx = rs->ctx;
    int rc = pt__prepare(ctx, &rs->visits,
        "SELECT v.id, v.checklist_version_id, cv.checklist_id, cv.version, v.visit_date, "
        "v.visit_type, v.notes, i.id, i.reg_no, i.name, i.kind, i.owner, i.address, "
        "i.kelurahan, i.kecamatan, i.kabupaten_kota, i.province, i.latitude, i.longitude, "
        "i.capacity, i.children_in_care, i.reg_status, i.reg_date, i.reg_expires, "
        "s.visit_id IS NOT NULL, " VISIT_STATE_SQL " AS state "
        "FROM visit v JOIN checklist_version cv ON cv.id = v.checklist_version_id "
        "JOIN institution i ON i.id = v.institution_id "
        "LEFT JOIN score s ON s.visit_id = v.id WHERE state IN ('submitted','scored') "
        "ORDER BY v.id");
    rs->team = (cursor){ctx, NULL, "reading visit teams", 0, 1};
    rs->answers.c = (cursor){ctx, NULL, "reading answers", 0, 1};
    if (!rc)
        rc = pt__prepare(ctx, &rs->team.stmt, "SELECT visit_id, name, agency, role FROM "
                                              "visit_team ORDER BY visit_id, position");
    /* answers in primary key order (visit_id, item_id): no sort; v.answers is keyed by id */
    if (!rc)
        rc = pt__prepare(ctx, &rs->answers.c.stmt, "SELECT visit_id, item_id, value, na, note, "
                                                   "position FROM answer ORDER BY visit_id");
    return rc;
}

/* The visits score --all takes: those whose answers are final and not yet under review. */
static int count_visits(pt_ctx *ctx, int *total)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT count(*) FROM visit v WHERE " VISIT_STATE_SQL
                                   " IN ('submitted','scored')");
    if (rc) return rc;
    rc = sqlite3_step(st);
    *total = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    rc = rc == SQLITE_ROW ? 0 : pt__error_sqlite(ctx->db, rc, "counting visits");
    sqlite3_finalize(st);
    return rc;
}

int pt_score_all(pt_ctx *ctx, void (*progress)(int done, int total, void *payload),
                 void *payload, int *n_scored)
{
    if (n_scored) *n_scored = 0;
    int denied = pt__authz(ctx, PT_ACT_SCORE);
    if (denied) return denied;
    run_state rs = {0};
    rs.ctx = ctx;
    int total = 0, done = 0;
    int committed = 0;   /* visits whose scores a commit has made durable */
    int rc = count_visits(ctx, &total);
    if (!rc) rc = writer_open(&rs.w, ctx);
    if (!rc) rc = prepare_streams(&rs);
    if (!rc) rc = pt__begin(ctx);
    if (rc) goto out;
    pt__now_utc(rs.now);
    int every = total >= 100 ? total / 100 : 1;
    for (;;) {
        int step = sqlite3_step(rs.visits);
        if (step == SQLITE_DONE) break;
        if (step != SQLITE_ROW) {
            rc = pt__error_sqlite(ctx->db, step, "reading visits");
            break;
        }
        rc = score_row(&rs);
        if (rc) break;
        done++;
        if (done % BATCH == 0) {
            rc = pt__commit(ctx);
            if (!rc) committed = done;
            if (!rc) rc = pt__begin(ctx);
            if (rc) {
                rs.write_failed = 1;
                break;
            }
        }
        if (progress && (done % every == 0 || done == total)) progress(done, total, payload);
    }
    /* a visit whose script fails writes nothing, so what the batch holds is whole and is kept;
     * after a failed write the batch may hold half a visit, so it is undone */
    if (!sqlite3_get_autocommit(ctx->db)) {
        if (rs.write_failed) {
            pt__rollback(ctx);
        } else {
            int code = pt_error_last_code();
            char saved[2048];
            snprintf(saved, sizeof saved, "%s", pt_error_last());
            int crc = pt__commit(ctx);
            if (!crc) committed = done;
            if (rc) pt__error(code, "%s", saved); /* the visit's failure is the news */
            else rc = crc;
        }
    }
    /* only what a commit made durable counts: a batch whose commit failed was rolled back */
    if (n_scored) *n_scored = committed;
out:
    sqlite3_finalize(rs.visits);
    sqlite3_finalize(rs.team.stmt);
    sqlite3_finalize(rs.answers.c.stmt);
    writer_close(&rs.w);
    for (size_t i = 0; i < rs.n_scorers; i++) {
        pt_scorer_free(rs.scorers[i].scorer);
        pt_checklist_free(rs.scorers[i].checklist);
    }
    free(rs.scorers);
    return rc;
}

/* ---- reading ---- */

static const char *arena_text(pt__arena *arena, sqlite3_stmt *st, int i, int *ok)
{
    const char *s = col_text(st, i);
    char *copy = pt__arena_strdup(arena, s ? s : "");
    if (!copy) *ok = 0;
    return copy ? copy : "";
}

static int count_rows(pt_ctx *ctx, const char *sql, int64_t visit_id, size_t *n)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, sql);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
    rc = rc == SQLITE_ROW ? 0 : pt__error_sqlite(ctx->db, rc, "reading a score");
    sqlite3_finalize(st);
    return rc;
}

/* One kind of rows a score owns (its sections or its flags): how to count them, read them in
 * position order, and fill one element from a row. */
typedef struct owned_rows {
    const char *what;            /* "sections", "flags": for messages */
    const char *count_sql, *rows_sql;
    size_t elem_size;
    void (*fill)(void *elem, sqlite3_stmt *st, pt__arena *arena, int *ok);
} owned_rows;

static void fill_section(void *elem, sqlite3_stmt *st, pt__arena *arena, int *ok)
{
    pt_section_score *ss = elem;
    ss->section_id = arena_text(arena, st, 0, ok);
    ss->score = sqlite3_column_double(st, 1);
    ss->max = sqlite3_column_double(st, 2);
    ss->justification = arena_text(arena, st, 3, ok);
}

static void fill_flag(void *elem, sqlite3_stmt *st, pt__arena *arena, int *ok)
{
    pt_flag *f = elem;
    f->code = arena_text(arena, st, 0, ok);
    f->severity = arena_text(arena, st, 1, ok);
    f->agency = arena_text(arena, st, 2, ok);
    f->item_id = arena_text(arena, st, 3, ok);
    f->message = arena_text(arena, st, 4, ok);
}

static const owned_rows SECTIONS = {
    "sections", "SELECT count(*) FROM score_section WHERE visit_id = ?1",
    "SELECT section_id, score, maximum, justification FROM score_section WHERE visit_id = ?1 "
    "ORDER BY position", sizeof(pt_section_score), fill_section};
static const owned_rows FLAGS = {
    "flags", "SELECT count(*) FROM score_flag WHERE visit_id = ?1",
    "SELECT code, severity, agency, item_id, message FROM score_flag WHERE visit_id = ?1 "
    "ORDER BY position", sizeof(pt_flag), fill_flag};

/* Reads the visit's rows of one kind into an arena array (*out, *n_out). A step that fails, or
 * fewer rows than counted, is an error rather than a silently shorter score. */
static int read_owned(pt_ctx *ctx, pt__arena *arena, int64_t visit_id, const owned_rows *kind,
                      void **out, size_t *n_out, int *ok)
{
    size_t n = 0;
    int rc = count_rows(ctx, kind->count_sql, visit_id, &n);
    if (rc || n == 0) return rc;
    char *elems = pt__arena_alloc(arena, n * kind->elem_size);
    if (!elems) return pt__error(PT_ENOMEM, "out of memory");
    sqlite3_stmt *st;
    if ((rc = pt__prepare(ctx, &st, kind->rows_sql)) != 0) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    size_t got = 0;
    int step = SQLITE_ROW;
    while (got < n && (step = sqlite3_step(st)) == SQLITE_ROW)
        kind->fill(elems + got++ * kind->elem_size, st, arena, ok);
    sqlite3_finalize(st);
    if (got < n)
        return step != SQLITE_DONE
                   ? pt__error_sqlite(ctx->db, step, "reading a score")
                   : pt__error(PT_EIO, "reading a score: %zu of %zu %s found", got, n, kind->what);
    *out = elems;
    *n_out = got;
    return PT_OK;
}

/* Reads the score row into score. */
static int read_score_row(pt_ctx *ctx, pt__arena *arena, pt_score *score, int *ok)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT total, maximum, grade, grade_label, valid_until, "
                                   "checklist_sha256, script_sha256, scored_at FROM score "
                                   "WHERE visit_id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, score->visit_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        score->total = sqlite3_column_double(st, 0);
        score->max = sqlite3_column_double(st, 1);
        score->grade = arena_text(arena, st, 2, ok);
        score->grade_label = arena_text(arena, st, 3, ok);
        score->valid_until = arena_text(arena, st, 4, ok);
        snprintf(score->checklist_sha256, sizeof score->checklist_sha256, "%s",
                 col_text(st, 5) ? col_text(st, 5) : "");
        snprintf(score->script_sha256, sizeof score->script_sha256, "%s",
                 col_text(st, 6) ? col_text(st, 6) : "");
        score->scored_at = arena_text(arena, st, 7, ok);
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "visit %lld has no stored score", (long long)score->visit_id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading a score");
    }
    sqlite3_finalize(st);
    return rc;
}

int pt_score_get(pt_ctx *ctx, int64_t visit_id, pt_score **out)
{
    *out = NULL;
    pt__score_box *box = pt__score_box_new();
    if (!box) return pt__error(PT_ENOMEM, "out of memory");
    pt_score *score = &box->score;
    pt__arena *arena = box->arena;
    score->visit_id = visit_id;
    int ok = 1;
    /* one snapshot for the row, its sections and its flags (a re-score between the reads would
     * mix two scores); a savepoint works inside a caller's transaction too */
    int rc = sqlite3_exec(ctx->db, "SAVEPOINT score_read", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        pt_score_free(score);
        return pt__error_sqlite(ctx->db, rc, "reading a score");
    }
    rc = read_score_row(ctx, arena, score, &ok);
    void *rows = NULL;
    if (!rc) rc = read_owned(ctx, arena, visit_id, &SECTIONS, &rows, &score->n_sections, &ok);
    if (!rc) score->sections = rows;
    rows = NULL;
    if (!rc) rc = read_owned(ctx, arena, visit_id, &FLAGS, &rows, &score->n_flags, &ok);
    if (!rc) score->flags = rows;
    sqlite3_exec(ctx->db, "RELEASE score_read", NULL, NULL, NULL); /* read only: nothing to undo */
    if (!rc && !ok) rc = pt__error(PT_ENOMEM, "out of memory");
    if (rc) {
        pt_score_free(score);
        return rc;
    }
    *out = score;
    return PT_OK;
}
