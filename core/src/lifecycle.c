/*
 * The life cycle of a visit: its states, its history, and the one function that records a
 * step. The rules live twice on purpose: here, to explain a refusal in words people read, and
 * in the database (migration 5's CHECK and trigger on visit_transition), so no program that
 * writes the file can skip a step.
 */
#include <stdio.h>
#include <string.h>

#include "lifecycle.h"

static const struct {
    const char *name, *label;
} states[] = {
    [PT_STATE_NONE] = {"none", "belum ada"},
    [PT_STATE_DRAFT] = {"draft", "draf"},
    [PT_STATE_SUBMITTED] = {"submitted", "diajukan"},
    [PT_STATE_SCORED] = {"scored", "dinilai"},
    [PT_STATE_UNDER_REVIEW] = {"under_review", "dalam telaah"},
    [PT_STATE_RETURNED] = {"returned", "dikembalikan"},
    [PT_STATE_DECIDED] = {"decided", "diputuskan"},
};
#define N_STATES ((int)(sizeof states / sizeof states[0]))

const char *pt_visit_state_name(pt_visit_state state)
{
    return (int)state >= 0 && (int)state < N_STATES ? states[state].name : "?";
}

const char *pt_visit_state_label(pt_visit_state state)
{
    return (int)state >= 0 && (int)state < N_STATES ? states[state].label : "?";
}

int pt_visit_state_parse(const char *name, pt_visit_state *out)
{
    for (int i = PT_STATE_DRAFT; name && i < N_STATES; i++)
        if (strcmp(name, states[i].name) == 0) {
            *out = (pt_visit_state)i;
            return PT_OK;
        }
    return pt__error(PT_EINVALID,
                     "unknown visit state '%s' (states: draft, submitted, scored, under_review, "
                     "returned, decided)", name ? name : "");
}

/* NULL (no step) is PT_STATE_NONE; an unknown name cannot be stored (CHECK). */
static pt_visit_state state_of_text(const unsigned char *text)
{
    pt_visit_state s = PT_STATE_NONE;
    if (text) pt_visit_state_parse((const char *)text, &s);
    return s;
}

int pt_visit_state_get(pt_ctx *ctx, int64_t visit_id, pt_visit_state *out)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT (SELECT to_state FROM visit_transition WHERE visit_id = v.id "
                         "        ORDER BY id DESC LIMIT 1) FROM visit v WHERE v.id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) *out = state_of_text(sqlite3_column_text(st, 0));
    else if (step == SQLITE_DONE) rc = pt__error(PT_ENOTFOUND, "visit %lld not found", (long long)visit_id);
    else rc = pt__error_sqlite(ctx->db, step, "reading the visit's state");
    sqlite3_finalize(st);
    return rc;
}

int pt__visit_require_state(pt_ctx *ctx, int64_t visit_id, const pt_visit_state *allowed, int n,
                            const char *what, pt_visit_state *state)
{
    pt_visit_state now;
    int rc = pt_visit_state_get(ctx, visit_id, &now);
    if (rc) return rc;
    if (state) *state = now;
    for (int i = 0; i < n; i++)
        if (allowed[i] == now) return PT_OK;
    char list[160] = "";
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ",
                         pt_visit_state_name(allowed[i]));
        if (w < 0 || (size_t)w >= sizeof list - used) break;
        used += (size_t)w;
    }
    return pt__error(PT_ESTATE, "visit %lld is %s: %s needs it to be %s", (long long)visit_id,
                     pt_visit_state_name(now), what, list);
}

#define STEP_SQL                                                                                   \
    "INSERT INTO visit_transition (visit_id, from_state, to_state, actor, at, reason) "            \
    "VALUES (?1, ?2, ?3, pt_actor(), pt_now(), ?4)"

int pt__visit_step_cached(pt_ctx *ctx, sqlite3_stmt **stmt, int64_t visit_id, pt_visit_state from,
                          pt_visit_state to, const char *reason)
{
    if (to == PT_STATE_RETURNED && (!reason || !*reason))
        return pt__error(PT_EINVALID, "visit %lld: returning a visit needs a reason (--reason)",
                         (long long)visit_id);
    if (!*stmt) {
        int rc = pt__prepare(ctx, stmt, STEP_SQL);
        if (rc) return rc;
    }
    sqlite3_stmt *st = *stmt;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, visit_id);
    if (from == PT_STATE_NONE) sqlite3_bind_null(st, 2);
    else sqlite3_bind_text(st, 2, pt_visit_state_name(from), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pt_visit_state_name(to), -1, SQLITE_STATIC);
    if (reason && *reason) sqlite3_bind_text(st, 4, reason, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, 4);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step == SQLITE_DONE) return PT_OK;
    if (step == SQLITE_CONSTRAINT)
        return pt__error(PT_ESTATE, "visit %lld cannot go from %s to %s: %s", (long long)visit_id,
                         pt_visit_state_name(from), pt_visit_state_name(to), sqlite3_errmsg(ctx->db));
    char what[96];
    snprintf(what, sizeof what, "recording a step of visit %lld", (long long)visit_id);
    return pt__error_sqlite(ctx->db, step, what);
}

int pt__visit_step(pt_ctx *ctx, int64_t visit_id, pt_visit_state from, pt_visit_state to,
                   const char *reason)
{
    char what[64];
    snprintf(what, sizeof what, "going to %s", pt_visit_state_name(to));
    int rc = pt__visit_require_state(ctx, visit_id, &from, 1, what, NULL);
    if (rc) return rc;
    sqlite3_stmt *st = NULL;
    rc = pt__visit_step_cached(ctx, &st, visit_id, from, to, reason);
    sqlite3_finalize(st);
    return rc;
}

int pt_visit_history_foreach(pt_ctx *ctx, int64_t visit_id,
                             int (*cb)(const pt_visit_step *step, void *payload), void *payload)
{
    pt_visit_state ignored;
    int rc = pt_visit_state_get(ctx, visit_id, &ignored); /* PT_ENOTFOUND for no visit */
    if (rc) return rc;
    sqlite3_stmt *st;
    rc = pt__prepare(ctx, &st,
                     "SELECT id, from_state, to_state, actor, at, reason FROM visit_transition "
                     "WHERE visit_id = ?1 ORDER BY id");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pt_visit_step s = {
            .id = sqlite3_column_int64(st, 0),
            .from = state_of_text(sqlite3_column_text(st, 1)),
            .to = state_of_text(sqlite3_column_text(st, 2)),
            .actor = (const char *)sqlite3_column_text(st, 3),
            .at = (const char *)sqlite3_column_text(st, 4),
            .reason = (const char *)sqlite3_column_text(st, 5),
        };
        if ((rc = cb(&s, payload)) != 0) break;
    }
    if (rc == 0 && step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading the visit's history");
    sqlite3_finalize(st);
    return rc;
}

int pt_visit_count_states(pt_ctx *ctx, int64_t counts[PT_STATE_DECIDED + 1])
{
    for (int i = 0; i <= PT_STATE_DECIDED; i++) counts[i] = 0;
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT (SELECT to_state FROM visit_transition t WHERE t.visit_id = v.id "
                         "        ORDER BY t.id DESC LIMIT 1) AS state, count(*) "
                         "FROM visit v GROUP BY state");
    if (rc) return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        counts[state_of_text(sqlite3_column_text(st, 0))] += sqlite3_column_int64(st, 1);
    if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "counting visits by state");
    sqlite3_finalize(st);
    return rc;
}
