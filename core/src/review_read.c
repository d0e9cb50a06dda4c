/*
 * Reading reviews and board decisions (review.h): a review with its panel, the reviews of a
 * visit, a decision, the decisions of a home, and verifying a decision's evidence snapshot
 * against the database as it is now. The writes are review.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "evidence.h"
#include "internal.h"
#include "pantau/review.h"

/* ---- reading reviews ---- */

typedef struct review_impl {
    pt_review pub;
    pt__arena *arena;
} review_impl;

void pt_review_free(pt_review *review)
{
    if (!review) return;
    review_impl *r = (review_impl *)review;
    pt__arena_free(r->arena);
    free(r);
}

static const char *col(pt__arena *a, sqlite3_stmt *st, int i, int *failed)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    if (!s) return NULL;
    char *copy = pt__arena_strdup(a, s);
    if (!copy) *failed = 1;
    return copy;
}

int pt_review_get(pt_ctx *ctx, int64_t review_id, pt_review **out)
{
    *out = NULL;
    review_impl *r = calloc(1, sizeof *r);
    if (!r || !(r->arena = pt__arena_new())) {
        free(r);
        return pt__error(PT_ENOMEM, "out of memory");
    }
    pt__arena *a = r->arena;
    pt_review *p = &r->pub;
    int failed = 0;
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT r.id, r.visit_id, v.institution_id, i.name, v.visit_date, "
                         "v.visit_type, r.kind, coalesce(r.reopens, 0), r.status, r.quorum, "
                         "r.opened_by, r.opened_at, r.reason, r.closed_by, r.closed_at, "
                         "r.close_reason, coalesce((SELECT id FROM decision WHERE review_id = r.id), 0) "
                         "FROM review r JOIN visit v ON v.id = r.visit_id "
                         "JOIN institution i ON i.id = v.institution_id WHERE r.id = ?1");
    if (rc) goto fail;
    sqlite3_bind_int64(st, 1, review_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        p->id = sqlite3_column_int64(st, 0);
        p->visit_id = sqlite3_column_int64(st, 1);
        p->institution_id = sqlite3_column_int64(st, 2);
        p->institution_name = col(a, st, 3, &failed);
        p->visit_date = col(a, st, 4, &failed);
        p->visit_type = col(a, st, 5, &failed);
        p->kind = col(a, st, 6, &failed);
        p->reopens = sqlite3_column_int64(st, 7);
        p->status = col(a, st, 8, &failed);
        p->quorum = sqlite3_column_int(st, 9);
        p->opened_by = col(a, st, 10, &failed);
        p->opened_at = col(a, st, 11, &failed);
        p->reason = col(a, st, 12, &failed);
        p->closed_by = col(a, st, 13, &failed);
        p->closed_at = col(a, st, 14, &failed);
        p->close_reason = col(a, st, 15, &failed);
        p->decision_id = sqlite3_column_int64(st, 16);
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "review %lld not found", (long long)review_id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the review");
    }
    sqlite3_finalize(st);
    if (rc) goto fail;

    rc = pt__prepare(ctx, &st,
                     "SELECT p.user_id, u.name, u.full_name, u.role, coalesce(p.conflict, -1), "
                     "p.declaration, p.declared_at, p.vote, p.voted_at, "
                     "count(*) OVER () FROM panel_member p JOIN app_user u ON u.id = p.user_id "
                     "WHERE p.review_id = ?1 ORDER BY u.name");
    if (rc) goto fail;
    sqlite3_bind_int64(st, 1, review_id);
    pt_panel_member *members = NULL;
    size_t i = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!members) {
            size_t n = (size_t)sqlite3_column_int64(st, 9);
            members = pt__arena_alloc(a, n * sizeof *members);
            if (!members) {
                failed = 1;
                break;
            }
            p->n_panel = n;
        }
        if (i >= p->n_panel) break;
        pt_panel_member *m = &members[i++];
        m->user_id = sqlite3_column_int64(st, 0);
        m->user = col(a, st, 1, &failed);
        m->full_name = col(a, st, 2, &failed);
        m->role = col(a, st, 3, &failed);
        m->conflict = sqlite3_column_int(st, 4);
        m->declaration = col(a, st, 5, &failed);
        m->declared_at = col(a, st, 6, &failed);
        m->vote = col(a, st, 7, &failed);
        m->voted_at = col(a, st, 8, &failed);
        if (m->conflict >= 0) p->n_declared++;
        if (m->vote) p->votes_cast++;
    }
    if (!failed && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = pt__error_sqlite(ctx->db, step, "reading the panel");
    sqlite3_finalize(st);
    p->panel = members;
    if (failed) rc = pt__error(PT_ENOMEM, "out of memory");
    if (rc) goto fail;
    *out = p;
    return PT_OK;
fail:
    pt_review_free(&r->pub);
    return rc;
}

/* Ids of the rows a query gives (?1, ?2 bound to a and b), in its order. *ids is the
 * caller's (free). */
static int query_ids(pt_ctx *ctx, const char *sql, int64_t a, int64_t b, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, sql);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            int64_t *grown = realloc(*ids, cap * sizeof *grown);
            if (!grown) {
                rc = pt__error(PT_ENOMEM, "out of memory");
                break;
            }
            *ids = grown;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    if (rc == PT_OK && step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "listing");
    sqlite3_finalize(st);
    if (rc) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

int pt_review_foreach(pt_ctx *ctx, int64_t visit_id, int only_open,
                      int (*cb)(const pt_review *review, void *payload), void *payload)
{
    int64_t *ids;
    size_t n;
    int rc = query_ids(ctx,
                       "SELECT id FROM review WHERE (?1 = 0 OR visit_id = ?1) "
                       "AND (?2 = 0 OR status = 'open') ORDER BY id DESC",
                       visit_id > 0 ? visit_id : 0, only_open ? 1 : 0, &ids, &n);
    for (size_t i = 0; rc == PT_OK && i < n; i++) {
        pt_review *r;
        if ((rc = pt_review_get(ctx, ids[i], &r))) break;
        rc = cb(r, payload);
        pt_review_free(r);
    }
    free(ids);
    return rc;
}

/* ---- reading decisions ---- */

#define DECISION_SELECT                                                                          \
    "SELECT d.id, d.review_id, d.visit_id, d.institution_id, i.name, d.kind, r.kind, d.outcome, " \
    "d.outcome_label, d.conditions, d.valid_from, d.valid_until, d.panel_size, d.votes_cast, "  \
    "d.quorum, d.votes, d.evidence, d.evidence_sha256, coalesce(d.supersedes, 0), "              \
    "coalesce((SELECT id FROM decision WHERE supersedes = d.id), 0), d.decided_by, d.decided_at " \
    "FROM decision d JOIN review r ON r.id = d.review_id "                                     \
    "JOIN institution i ON i.id = d.institution_id "

/* Fills d from the row; strings are copied into a when a is not NULL, else borrowed. */
static void decision_of_row(sqlite3_stmt *st, pt_decision *d, pt__arena *a, int *failed)
{
#define TEXT(i) (a ? col(a, st, (i), failed) : (const char *)sqlite3_column_text(st, (i)))
    d->id = sqlite3_column_int64(st, 0);
    d->review_id = sqlite3_column_int64(st, 1);
    d->visit_id = sqlite3_column_int64(st, 2);
    d->institution_id = sqlite3_column_int64(st, 3);
    d->institution_name = TEXT(4);
    d->kind = TEXT(5);
    d->review_kind = TEXT(6);
    d->outcome = TEXT(7);
    d->outcome_label = TEXT(8);
    d->conditions = TEXT(9);
    d->valid_from = TEXT(10);
    d->valid_until = TEXT(11);
    d->panel_size = sqlite3_column_int(st, 12);
    d->votes_cast = sqlite3_column_int(st, 13);
    d->quorum = sqlite3_column_int(st, 14);
    d->votes = TEXT(15);
    d->evidence = TEXT(16);
    d->evidence_sha256 = TEXT(17);
    d->supersedes = sqlite3_column_int64(st, 18);
    d->superseded_by = sqlite3_column_int64(st, 19);
    d->decided_by = TEXT(20);
    d->decided_at = TEXT(21);
#undef TEXT
}

typedef struct decision_impl {
    pt_decision pub;
    pt__arena *arena;
} decision_impl;

void pt_decision_free(pt_decision *decision)
{
    if (!decision) return;
    decision_impl *d = (decision_impl *)decision;
    pt__arena_free(d->arena);
    free(d);
}

int pt_decision_get(pt_ctx *ctx, int64_t decision_id, pt_decision **out)
{
    *out = NULL;
    decision_impl *d = calloc(1, sizeof *d);
    if (!d || !(d->arena = pt__arena_new())) {
        free(d);
        return pt__error(PT_ENOMEM, "out of memory");
    }
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, DECISION_SELECT "WHERE d.id = ?1");
    if (rc == PT_OK) {
        sqlite3_bind_int64(st, 1, decision_id);
        int step = sqlite3_step(st), failed = 0;
        if (step == SQLITE_ROW) {
            decision_of_row(st, &d->pub, d->arena, &failed);
            if (failed) rc = pt__error(PT_ENOMEM, "out of memory");
        } else if (step == SQLITE_DONE) {
            rc = pt__error(PT_ENOTFOUND, "decision %lld not found", (long long)decision_id);
        } else {
            rc = pt__error_sqlite(ctx->db, step, "reading the decision");
        }
        sqlite3_finalize(st);
    }
    if (rc) {
        pt_decision_free(&d->pub);
        return rc;
    }
    *out = &d->pub;
    return PT_OK;
}

int pt_decision_foreach(pt_ctx *ctx, int64_t institution_id,
                        int (*cb)(const pt_decision *decision, void *payload), void *payload)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, DECISION_SELECT "WHERE (?1 = 0 OR d.institution_id = ?1) "
                                                   "ORDER BY d.id DESC");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, institution_id > 0 ? institution_id : 0);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pt_decision d;
        decision_of_row(st, &d, NULL, NULL);
        if ((rc = cb(&d, payload)) != 0) break;
    }
    if (rc == 0 && step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading the decisions");
    sqlite3_finalize(st);
    return rc;
}

void pt_decision_check_clear(pt_decision_check *check)
{
    if (!check) return;
    free(check->differences);
    memset(check, 0, sizeof *check);
}

int pt_decision_verify(pt_ctx *ctx, int64_t decision_id, pt_decision_check *out)
{
    memset(out, 0, sizeof *out);
    pt_decision *d = NULL;
    int rc = pt_decision_get(ctx, decision_id, &d);
    if (rc) return rc;
    json_t *current = NULL, *stored = NULL;
    char *text = NULL, *diff = NULL;
    rc = pt__evidence_build(ctx, d->review_id, &current);
    if (rc == PT_OK) rc = pt__evidence_dump(current, &text, out->current_sha256);
    if (rc == PT_OK) {
        snprintf(out->stored_sha256, sizeof out->stored_sha256, "%s", d->evidence_sha256);
        /* the stored snapshot must still be the text that was hashed */
        char self[65];
        pt__sha256_hex(d->evidence, strlen(d->evidence), self);
        int self_ok = strcmp(self, d->evidence_sha256) == 0;
        stored = json_loads(d->evidence, 0, NULL);
        diff = pt__evidence_diff(stored, current);
        if (!diff) {
            rc = pt__error(PT_ENOMEM, "out of memory");
        } else if (!self_ok) {
            size_t len = strlen(diff) + 96;
            char *both = malloc(len);
            if (!both) {
                rc = pt__error(PT_ENOMEM, "out of memory");
            } else {
                snprintf(both, len, "evidence (the stored snapshot is not the text its sha256 "
                         "was taken of)%s%s", *diff ? ", " : "", diff);
                free(diff);
                diff = both;
            }
        }
        if (rc == PT_OK) {
            out->matches = self_ok && strcmp(out->current_sha256, d->evidence_sha256) == 0 && !*diff;
            /* equal hashes and no part different; a difference that the diff cannot place
             * (key order, number formatting) is still named */
            if (!out->matches && !*diff) {
                free(diff);
                diff = strdup("(the snapshot's text)");
                if (!diff) rc = pt__error(PT_ENOMEM, "out of memory");
            }
            out->differences = diff;
            diff = NULL;
        }
    }
    free(diff);
    free(text);
    json_decref(stored);
    json_decref(current);
    pt_decision_free(d);
    return rc;
}
