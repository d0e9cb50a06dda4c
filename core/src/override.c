/*
 * Professional overrides (override.h): a record beside the computed score, never a change of
 * it. The rules are checked here to explain a refusal in words; the database keeps overrides
 * append-only and refuses new ones once the visit is decided (migration 5), whatever program
 * writes the file.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "evidence.h"
#include "lifecycle.h"
#include "pantau/override.h"

/* Characters (code points) of s without the blanks around it: what people count. */
static size_t trimmed_chars(const char *s)
{
    if (!s) return 0;
    while (*s && isspace((unsigned char)*s)) s++;
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1])) len--;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

/* A section score as people type it: digits with at most one decimal point ("18", "17.5").
 * No sign, exponent, hex or "inf": a score is written plainly. */
static int parse_score(const char *s, double *out)
{
    int digits = 0, dots = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p)) digits++;
        else if (*p == '.' && dots == 0) dots++;
        else return -1;
    }
    if (digits == 0) return -1;
    char *end;
    *out = strtod(s, &end);
    return *end == '\0' && isfinite(*out) ? 0 : -1;
}

static void number_text(char buf[32], double v) { snprintf(buf, 32, "%.15g", v); }

/* The checks that need the stored score and checklist: fills computed and overridden. */
static int check_value(pt_ctx *ctx, int64_t visit_id, const char *section_id, const char *value,
                       char computed[64], char overridden[64])
{
    pt_score *score = NULL;
    int rc = pt_score_get(ctx, visit_id, &score);
    if (rc) return rc;
    if (section_id) {
        const pt_section_score *sec = NULL;
        for (size_t i = 0; i < score->n_sections && !sec; i++)
            if (strcmp(score->sections[i].section_id, section_id) == 0) sec = &score->sections[i];
        double v;
        char max[32] = "";
        if (sec) number_text(max, sec->max);
        if (!sec) {
            rc = pt__error(PT_ENOTFOUND, "visit %lld: the stored score has no section '%s'",
                           (long long)visit_id, section_id);
        } else if (!value || parse_score(value, &v) != 0) {
            rc = pt__error(PT_EINVALID, "visit %lld, section %s: the score '%s' is not a number "
                           "(a score from 0 to %s)", (long long)visit_id, section_id,
                           value ? value : "", max);
        } else if (v > sec->max) {
            rc = pt__error(PT_EINVALID, "visit %lld, section %s: the score %s is above the "
                           "section's maximum %s", (long long)visit_id, section_id, value, max);
        } else {
            char buf[32];
            number_text(buf, sec->score);
            snprintf(computed, 64, "%s", buf);
            number_text(buf, v);
            snprintf(overridden, 64, "%s", buf);
        }
        pt_score_free(score);
        return rc;
    }
    pt_checklist *cl = NULL;
    rc = pt__visit_checklist(ctx, visit_id, &cl);
    if (rc == PT_OK) {
        const char *grade = value && *value ? value : "TT";
        if (strcmp(grade, "TT") != 0 && !pt_checklist_band(cl, grade)) {
            char list[256] = "";
            size_t used = 0;
            for (size_t i = 0; i < cl->n_bands && used < sizeof list; i++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s, ", cl->bands[i].grade);
            rc = pt__error(PT_EINVALID, "visit %lld: '%s' is not a grade of checklist %s@%s "
                           "(grades: %sor TT for none)", (long long)visit_id, grade, cl->id,
                           cl->version, list);
        } else if (strlen(grade) >= 64) {
            rc = pt__error(PT_EINVALID, "grade too long");
        } else {
            snprintf(computed, 64, "%s", score->grade ? score->grade : "");
            snprintf(overridden, 64, "%s", grade);
        }
        pt_checklist_free(cl);
    }
    pt_score_free(score);
    return rc;
}

int pt_score_override(pt_ctx *ctx, int64_t visit_id, const char *section_id, const char *value,
                      const char *rationale, int64_t *id)
{
    int rc = pt__authz(ctx, PT_ACT_OVERRIDE);
    if (rc) return rc;
    const char *what = section_id ? "section" : "grade";
    if (trimmed_chars(rationale) < PT_OVERRIDE_MIN_RATIONALE)
        return pt__error(PT_EINVALID, "visit %lld: overriding the %s needs a written rationale "
                         "of at least %d characters (--reason)", (long long)visit_id, what,
                         PT_OVERRIDE_MIN_RATIONALE);
    if (section_id && !*section_id)
        return pt__error(PT_EINVALID, "an empty section id: name the section to override");
    if ((rc = pt__begin(ctx))) return rc;
    static const pt_visit_state scored = PT_STATE_SCORED;
    char computed[64], overridden[64];
    rc = pt__visit_require_state(ctx, visit_id, &scored, 1, "overriding a computed score", NULL);
    if (rc == PT_OK) rc = check_value(ctx, visit_id, section_id, value, computed, overridden);
    sqlite3_stmt *st = NULL;
    if (rc == PT_OK)
        rc = pt__prepare(ctx, &st,
                         "INSERT INTO score_override (visit_id, target, section_id, computed, "
                         "overridden, rationale, overridden_by, overridden_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, pt_actor(), pt_now())");
    if (rc == PT_OK) {
        sqlite3_bind_int64(st, 1, visit_id);
        sqlite3_bind_text(st, 2, what, -1, SQLITE_STATIC);
        if (section_id) sqlite3_bind_text(st, 3, section_id, -1, SQLITE_TRANSIENT);
        else sqlite3_bind_null(st, 3);
        sqlite3_bind_text(st, 4, computed, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, overridden, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, rationale, -1, SQLITE_TRANSIENT);
        int step = sqlite3_step(st);
        if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "storing the override");
        else if (id) *id = sqlite3_last_insert_rowid(ctx->db);
    }
    sqlite3_finalize(st);
    if (rc == PT_OK) rc = pt__commit(ctx);
    else pt__rollback(ctx);
    return rc;
}

/* ---- reading ---- */

#define OVERRIDE_SELECT                                                                           \
    "SELECT id, visit_id, target, section_id, computed, overridden, rationale, overridden_by, "  \
    "overridden_at FROM score_override WHERE visit_id = ?1 ORDER BY id"

static void override_of_row(sqlite3_stmt *st, pt_override *o)
{
    o->id = sqlite3_column_int64(st, 0);
    o->visit_id = sqlite3_column_int64(st, 1);
    o->target = (const char *)sqlite3_column_text(st, 2);
    o->section_id = (const char *)sqlite3_column_text(st, 3);
    o->computed = (const char *)sqlite3_column_text(st, 4);
    o->overridden = (const char *)sqlite3_column_text(st, 5);
    o->rationale = (const char *)sqlite3_column_text(st, 6);
    o->by = (const char *)sqlite3_column_text(st, 7);
    o->at = (const char *)sqlite3_column_text(st, 8);
}

int pt_override_foreach(pt_ctx *ctx, int64_t visit_id,
                        int (*cb)(const pt_override *ovr, void *payload), void *payload)
{
    pt_visit_state ignored;
    int rc = pt_visit_state_get(ctx, visit_id, &ignored); /* PT_ENOTFOUND for no visit */
    if (rc) return rc;
    sqlite3_stmt *st;
    if ((rc = pt__prepare(ctx, &st, OVERRIDE_SELECT))) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pt_override o;
        override_of_row(st, &o);
        if ((rc = cb(&o, payload)) != 0) break;
    }
    if (rc == 0 && step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading the overrides");
    sqlite3_finalize(st);
    return rc;
}

/* The view and the arena that holds everything it points to. */
typedef struct view_impl {
    pt_score_view pub;
    pt__arena *arena;
} view_impl;

void pt_score_view_free(pt_score_view *view)
{
    if (!view) return;
    view_impl *v = (view_impl *)view;
    pt_score_free(v->pub.score);
    pt__arena_free(v->arena);
    free(v);
}

/* 1 when a and b name the same target (the grade, or the same section). */
static int same_target(const pt_override *a, const pt_override *b)
{
    if (strcmp(a->target, b->target) != 0) return 0;
    return !a->section_id || strcmp(a->section_id, b->section_id) == 0;
}

static int copy_override(pt__arena *arena, pt_override *dst, const pt_override *src)
{
    *dst = *src;
    dst->target = pt__arena_strdup(arena, src->target);
    dst->section_id = pt__arena_strdup(arena, src->section_id);
    dst->computed = pt__arena_strdup(arena, src->computed);
    dst->overridden = pt__arena_strdup(arena, src->overridden);
    dst->rationale = pt__arena_strdup(arena, src->rationale);
    dst->by = pt__arena_strdup(arena, src->by);
    dst->at = pt__arena_strdup(arena, src->at);
    return dst->target && dst->computed && dst->overridden && dst->rationale && dst->by && dst->at
               ? PT_OK
               : pt__error(PT_ENOMEM, "out of memory");
}

/* Collects the overrides in force: each new row replaces the one of its target. */
typedef struct collect {
    pt__arena *arena;
    pt_override *items;      /* in force, in the order their targets were first overridden */
    size_t n, cap, n_history;
} collect;

static int collect_one(const pt_override *o, void *payload)
{
    collect *c = payload;
    c->n_history++;
    size_t i = 0;
    while (i < c->n && !same_target(&c->items[i], o)) i++;
    if (i == c->n) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 8;
            pt_override *n = pt__arena_alloc(c->arena, cap * sizeof *n);
            if (!n) return pt__error(PT_ENOMEM, "out of memory");
            if (c->n) memcpy(n, c->items, c->n * sizeof *n);
            c->items = n;
            c->cap = cap;
        }
        c->n++;
    }
    return copy_override(c->arena, &c->items[i], o);
}

static int by_id(const void *a, const void *b)
{
    const pt_override *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

int pt_score_view_get(pt_ctx *ctx, int64_t visit_id, pt_score_view **out)
{
    *out = NULL;
    view_impl *v = calloc(1, sizeof *v);
    if (!v || !(v->arena = pt__arena_new())) {
        free(v);
        return pt__error(PT_ENOMEM, "out of memory");
    }
    pt_checklist *cl = NULL;
    pt_visit_state state;
    int rc = pt_visit_state_get(ctx, visit_id, &state);
    if (rc == PT_OK) rc = pt_score_get(ctx, visit_id, &v->pub.score);
    if (rc == PT_OK) rc = pt__visit_checklist(ctx, visit_id, &cl);
    collect c = {.arena = v->arena};
    if (rc == PT_OK) rc = pt_override_foreach(ctx, visit_id, collect_one, &c);
    if (rc) goto fail;
    /* in force, oldest first: the order in which they were made */
    if (c.n > 1) qsort(c.items, c.n, sizeof *c.items, by_id);
    pt_score_view *pub = &v->pub;
    const pt_score *s = pub->score;
    pub->state = pt_visit_state_name(state);
    pub->n_in_force = c.n;
    pub->in_force = c.items;
    pub->n_history = c.n_history;
    pub->grade_effective = s->grade ? s->grade : "";
    pub->grade_label_effective = s->grade_label ? s->grade_label : "";
    const pt_override **sec = pt__arena_alloc(v->arena, (s->n_sections + 1) * sizeof *sec);
    double *eff = pt__arena_alloc(v->arena, (s->n_sections + 1) * sizeof *eff);
    if (!sec || !eff) {
        rc = pt__error(PT_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < s->n_sections; i++) eff[i] = s->sections[i].score;
    for (size_t k = 0; k < c.n; k++) {
        const pt_override *o = &c.items[k];
        if (!o->section_id) {
            pub->grade = o;
            pub->grade_effective = o->overridden;
            const char *label = pt__grade_label(cl, o->overridden);
            pub->grade_label_effective = label ? pt__arena_strdup(v->arena, label) : "";
            continue;
        }
        for (size_t i = 0; i < s->n_sections; i++)
            if (strcmp(s->sections[i].section_id, o->section_id) == 0) {
                sec[i] = o;
                eff[i] = strtod(o->overridden, NULL);
            }
    }
    if (!pub->grade_label_effective) {
        rc = pt__error(PT_ENOMEM, "out of memory");
        goto fail;
    }
    pub->section = sec;
    pub->section_effective = eff;
    pt_checklist_free(cl);
    *out = pub;
    return PT_OK;
fail:
    pt_checklist_free(cl);
    pt_score_view_free(&v->pub);
    return rc;
}
