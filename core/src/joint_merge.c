/* Draft and joint visits, the reading and merging side: every item with its members' answers,
 * disagreements and reconciliations (pt_visit_member_answers_foreach), and submitting, which
 * writes the agreed answers into the visit's answers (pt_visit_submit). Both walk the same
 * picture of the visit (collected below), so what `visit answers` shows as agreed is exactly
 * what submit writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "authz.h"
#include "event.h"
#include "joint_internal.h"

/* Rows of one visit, each kind sorted by item_id (SQLite's BINARY order, strcmp's), found
 * again per item by binary search; strings live in the arena. */
typedef struct mrow { const char *item_id; pt_member_answer m; } mrow;
typedef struct rrow { const char *item_id; pt_reconciliation r; } rrow;
typedef struct arow { const char *item_id; const char *agency; } arow;
typedef struct crow { const char *item_id; pt_answer a; } crow;   /* a stored answer */

typedef struct collected {
    pt__arena *arena;
    mrow *m; size_t n_m, cap_m;
    rrow *r; size_t n_r, cap_r;
    arow *a; size_t n_a, cap_a;
    crow *c; size_t n_c, cap_c;
    pt_member_answer *buf;      /* one item's members, handed to the caller */
} collected;

static void collected_free(collected *c)
{
    pt__arena_free(c->arena);
    free(c->m);
    free(c->r);
    free(c->a);
    free(c->c);
    free(c->buf);
}

/* Room for one more element; NULL when out of memory. */
static void *more(void **items, size_t *n, size_t *cap, size_t size)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        void *fresh = realloc(*items, ncap * size);
        if (!fresh) return NULL;
        *items = fresh;
        *cap = ncap;
    }
    char *slot = (char *)*items + (*n)++ * size;
    memset(slot, 0, size);
    return slot;
}

/* A column copied into the arena; NULL stays NULL. *ok becomes 0 when out of memory. */
static const char *col(collected *c, sqlite3_stmt *st, int i, int *ok)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    if (!s) return NULL;
    const char *copy = pt__arena_strndup(c->arena, (const char *)s, (size_t)sqlite3_column_bytes(st, i));
    if (!copy) *ok = 0;
    return copy;
}

enum { K_MEMBER, K_RECONCILIATION, K_ASSIGNMENT, K_ANSWER };

static const char *const collect_sql[] = {
    [K_MEMBER] =
        "SELECT m.item_id, u.name, u.full_name, coalesce((SELECT t.agency FROM visit_team t "
        "  WHERE t.visit_id = m.visit_id AND (t.name = u.name OR t.name = u.full_name) "
        "  ORDER BY t.position LIMIT 1), u.agency), m.value, m.na, m.note, m.recorded_at "
        "FROM member_answer m JOIN app_user u ON u.id = m.user_id WHERE m.visit_id = ?1 "
        "ORDER BY m.item_id, u.name",
    [K_RECONCILIATION] =
        "SELECT item_id, value, na, reason, reconciled_by, reconciled_at FROM reconciliation "
        "WHERE visit_id = ?1 ORDER BY item_id",
    [K_ASSIGNMENT] = "SELECT item_id, agency FROM visit_assignment WHERE visit_id = ?1 ORDER BY item_id",
    [K_ANSWER] = "SELECT item_id, value, na, note FROM answer WHERE visit_id = ?1 ORDER BY item_id",
};

static int collect_kind(pt_ctx *ctx, int64_t visit_id, int kind, collected *c)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, collect_sql[kind]);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    int step, ok = 1;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *item_id = col(c, st, 0, &ok);
        if (kind == K_MEMBER) {
            mrow *r = more((void **)&c->m, &c->n_m, &c->cap_m, sizeof *r);
            if (!r) { ok = 0; break; }
            r->item_id = item_id;
            r->m = (pt_member_answer){.user = col(c, st, 1, &ok), .full_name = col(c, st, 2, &ok),
                                      .agency = col(c, st, 3, &ok), .value = col(c, st, 4, &ok),
                                      .na = sqlite3_column_int(st, 5), .note = col(c, st, 6, &ok),
                                      .recorded_at = col(c, st, 7, &ok)};
        } else if (kind == K_RECONCILIATION) {
            rrow *r = more((void **)&c->r, &c->n_r, &c->cap_r, sizeof *r);
            if (!r) { ok = 0; break; }
            r->item_id = item_id;
            r->r = (pt_reconciliation){.value = col(c, st, 1, &ok), .na = sqlite3_column_int(st, 2),
                                       .reason = col(c, st, 3, &ok), .by = col(c, st, 4, &ok),
                                       .at = col(c, st, 5, &ok)};
        } else if (kind == K_ASSIGNMENT) {
            arow *r = more((void **)&c->a, &c->n_a, &c->cap_a, sizeof *r);
            if (!r) { ok = 0; break; }
            r->item_id = item_id;
            r->agency = col(c, st, 1, &ok);
        } else {
            crow *r = more((void **)&c->c, &c->n_c, &c->cap_c, sizeof *r);
            if (!r) { ok = 0; break; }
            r->item_id = item_id;
            r->a = (pt_answer){.item_id = item_id, .value = col(c, st, 1, &ok),
                               .na = sqlite3_column_int(st, 2), .note = col(c, st, 3, &ok)};
        }
    }
    if (!ok) rc = pt__error(PT_ENOMEM, "out of memory");
    else if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading a visit's answers");
    sqlite3_finalize(st);
    return rc;
}

static int collect(pt_ctx *ctx, int64_t visit_id, collected *c)
{
    memset(c, 0, sizeof *c);
    if (!(c->arena = pt__arena_new())) return pt__error(PT_ENOMEM, "out of memory");
    int rc = PT_OK;
    for (int kind = K_MEMBER; rc == 0 && kind <= K_ANSWER; kind++)
        rc = collect_kind(ctx, visit_id, kind, c);
    if (rc == 0 && c->n_m && !(c->buf = malloc(c->n_m * sizeof *c->buf)))
        rc = pt__error(PT_ENOMEM, "out of memory");
    return rc;
}

/* The first of n rows (each `size` bytes, starting with their item_id) whose item_id is id,
 * and how many there are. */
static const void *rows_of(const void *rows, size_t n, size_t size, const char *id, size_t *count)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(*(const char *const *)((const char *)rows + mid * size), id) < 0) lo = mid + 1;
        else hi = mid;
    }
    size_t end = lo;
    while (end < n && strcmp(*(const char *const *)((const char *)rows + end * size), id) == 0) end++;
    *count = end - lo;
    return end > lo ? (const char *)rows + lo * size : NULL;
}

static int differ(const char *v1, int na1, const char *v2, int na2)
{
    if (na1 != na2) return 1;
    return !na1 && strcmp(v1 ? v1 : "", v2 ? v2 : "") != 0;
}

/* Everything recorded about one item; out's members point into c->buf (valid until the next
 * call). */
static void build_item(collected *c, const pt_section *sec, const pt_item *it, int position,
                       pt_item_answers *out)
{
    memset(out, 0, sizeof *out);
    out->item_id = it->id;
    out->section_id = sec->id;
    out->text = it->text;
    out->position = position;
    size_t n;
    const mrow *m = rows_of(c->m, c->n_m, sizeof *c->m, it->id, &out->n_members);
    for (size_t i = 0; i < out->n_members; i++) {
        c->buf[i] = m[i].m;
        if (i > 0 && differ(m[0].m.value, m[0].m.na, m[i].m.value, m[i].m.na)) out->disagreement = 1;
    }
    out->members = out->n_members ? c->buf : NULL;
    const arow *a = rows_of(c->a, c->n_a, sizeof *c->a, it->id, &n);
    out->assigned_agency = a ? a->agency : NULL;
    const rrow *r = rows_of(c->r, c->n_r, sizeof *c->r, it->id, &n);
    out->reconciliation = r ? &r->r : NULL;
    const crow *s = rows_of(c->c, c->n_c, sizeof *c->c, it->id, &n);
    out->answer = s ? &s->a : NULL;
    out->unreconciled = out->disagreement && !r;
    /* the reconciliation is the team's recorded agreement (joint.c withdraws it when a member
     * changes their answer afterwards) */
    if (r) {
        out->has_agreed = 1;
        out->agreed_value = r->r.value;
        out->agreed_na = r->r.na;
    } else if (out->n_members && !out->disagreement) {
        out->has_agreed = 1;
        out->agreed_value = m[0].m.value;
        out->agreed_na = m[0].m.na;
    }
}

/* Calls cb for each item of v's checklist in order, with c collected. */
static int walk_items(const pt__jvisit *v, collected *c,
                      int (*cb)(const pt_item_answers *item, void *payload), void *payload)
{
    const pt_checklist *cl = v->checklist;
    int position = 0;
    for (size_t s = 0; s < cl->n_sections; s++)
        for (size_t i = 0; i < cl->sections[s].n_items; i++, position++) {
            pt_item_answers item;
            build_item(c, &cl->sections[s], &cl->sections[s].items[i], position, &item);
            int stop = cb(&item, payload);
            if (stop) return stop;
        }
    return PT_OK;
}

int pt_visit_member_answers_foreach(pt_ctx *ctx, int64_t visit_id,
                                    int (*cb)(const pt_item_answers *item, void *payload),
                                    void *payload)
{
    int rc = pt__authz(ctx, PT_ACT_READ);
    if (rc) return rc;
    pt__jvisit v = {0};
    collected c = {0};
    rc = pt__jvisit_load(ctx, visit_id, &v);
    if (rc == 0) rc = collect(ctx, visit_id, &c);
    if (rc == 0) rc = walk_items(&v, &c, cb, payload);
    collected_free(&c);
    pt__jvisit_done(&v);
    return rc;
}

/* ---- submit ---- */

typedef struct merge {
    pt_ctx *ctx;
    int64_t visit_id;
    sqlite3_stmt *insert, *update;
    char unreconciled[1024];
    size_t n_unreconciled, used;
    int n_inserted;
} merge;

/* The members' distinct notes joined with "; " (malloc'd), or NULL when none wrote one. */
static char *members_note(const pt_item_answers *item)
{
    size_t len = 0;
    for (size_t i = 0; i < item->n_members; i++)
        if (item->members[i].note) len += strlen(item->members[i].note) + 2;
    if (len == 0) return NULL;
    char *out = malloc(len + 1);
    if (!out) return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < item->n_members; i++) {
        const char *note = item->members[i].note;
        int again = 0;
        for (size_t j = 0; note && j < i; j++)
            again |= item->members[j].note && strcmp(item->members[j].note, note) == 0;
        if (!note || again) continue;
        if (out[0]) strcat(out, "; ");
        strcat(out, note);
    }
    return out;
}

static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Writes one item's agreed answer (an unchanged stored answer is left alone, so the log
 * records only real changes), or notes that it is unreconciled. */
static int merge_item(const pt_item_answers *item, void *payload)
{
    merge *mg = payload;
    if (item->unreconciled) {
        int w = snprintf(mg->unreconciled + mg->used, sizeof mg->unreconciled - mg->used, "%s%s",
                         mg->n_unreconciled ? ", " : "", item->item_id);
        if (w > 0 && (size_t)w < sizeof mg->unreconciled - mg->used) mg->used += (size_t)w;
        mg->n_unreconciled++;
        return 0;
    }
    if (!item->has_agreed || mg->n_unreconciled) return 0;   /* nothing is written then */
    char *note = members_note(item);
    const pt_answer *old = item->answer;
    sqlite3_stmt *st = NULL;
    if (!old) {
        st = mg->insert;
        mg->n_inserted++;
    } else if (old->na != item->agreed_na || !same_text(old->value, item->agreed_value) ||
               !same_text(old->note, note)) {
        st = mg->update;   /* the position never changes: the checklist version is the visit's */
    }
    int rc = PT_OK;
    if (st) {
        sqlite3_bind_int64(st, 1, mg->visit_id);
        sqlite3_bind_text(st, 2, item->item_id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, item->position);
        pt__jvisit_bind_text(st, 4, item->agreed_na ? NULL : item->agreed_value);
        sqlite3_bind_int(st, 5, item->agreed_na);
        pt__jvisit_bind_text(st, 6, note);
        int step = sqlite3_step(st);
        sqlite3_reset(st);
        if (step != SQLITE_DONE) rc = pt__error_sqlite(mg->ctx->db, step, "writing an agreed answer");
    }
    free(note);
    return rc;
}

/* Inserted answers have no trigger of their own: one "visit.answers" entry with the digest of
 * the visit's answers now, exactly as the answer update trigger writes it (migration 3). */
static int audit_answers(pt_ctx *ctx, int64_t visit_id)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "INSERT INTO audit_append VALUES ('update','visit.answers',?1,NULL,"
                         "(SELECT json_object('n_answers',count(*),'sha256',"
                         "pt_answers_digest(position,item_id,value,na,note)) FROM "
                         "(SELECT position,item_id,value,na,note FROM answer WHERE visit_id = ?1 "
                         "ORDER BY item_id)))");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    int step = sqlite3_step(st);
    if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "auditing the answers");
    sqlite3_finalize(st);
    return rc;
}

static int count_answers(pt_ctx *ctx, int64_t visit_id, int *n)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT count(*) FROM answer WHERE visit_id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) *n = sqlite3_column_int(st, 0);
    else rc = pt__error_sqlite(ctx->db, step, "counting answers");
    sqlite3_finalize(st);
    return rc;
}

static int do_merge(pt_ctx *ctx, const pt__jvisit *v, collected *c)
{
    merge mg = {.ctx = ctx, .visit_id = v->id};
    int rc = pt__prepare(ctx, &mg.insert, "INSERT INTO answer (visit_id, item_id, position, value, "
                                          "na, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (rc == 0)
        rc = pt__prepare(ctx, &mg.update, "UPDATE answer SET position = ?3, value = ?4, na = ?5, "
                                          "note = ?6 WHERE visit_id = ?1 AND item_id = ?2");
    if (rc == 0) rc = walk_items(v, c, merge_item, &mg);
    sqlite3_finalize(mg.insert);
    sqlite3_finalize(mg.update);
    if (rc) return rc;
    if (mg.n_unreconciled)
        return pt__error(PT_EINVALID, "visit %lld cannot be submitted: the members disagree on "
                         "%zu item%s with no reconciliation: %s%s (pantau visit reconcile)",
                         (long long)v->id, mg.n_unreconciled, mg.n_unreconciled == 1 ? "" : "s",
                         mg.unreconciled, mg.used + 1 >= sizeof mg.unreconciled ? " ..." : "");
    if (mg.n_inserted) rc = audit_answers(ctx, v->id);
    return rc;
}

/* "visit.submitted", in the submit's transaction. */
static int raise_submitted(pt_ctx *ctx, const pt__jvisit *v, pt_visit_state from,
                           const char *reason, int n_answers)
{
    pt_institution *inst = NULL;
    char key[24], now[21];
    snprintf(key, sizeof key, "%lld", (long long)v->institution_id);
    int rc = pt_institution_get(ctx, key, &inst);
    if (rc) return rc;
    pt__now_utc(now);
    const char *again = from == PT_STATE_RETURNED ? " ulang" : "";
    char subject[512], body[2048];
    snprintf(subject, sizeof subject, "Kunjungan diajukan%s: %s, %s", again, inst->name, v->date);
    int n = snprintf(body, sizeof body,
                     "Kunjungan ke %s pada %s telah diajukan%s untuk dinilai oleh %s.\n\n"
                     "Lembaga: %s%s%s%s\nNomor kunjungan: %lld\nInstrumen: %s versi %s\n"
                     "Jumlah jawaban: %d\n",
                     inst->name, v->date, again, ctx->user_id ? ctx->user_name : "local",
                     inst->name, inst->reg_no ? " (" : "", inst->reg_no ? inst->reg_no : "",
                     inst->reg_no ? ")" : "", (long long)v->id, v->checklist_id,
                     v->checklist_version, n_answers);
    if (reason && *reason && n > 0 && (size_t)n < sizeof body)
        snprintf(body + n, sizeof body - (size_t)n, "Keterangan: %s\n", reason);
    json_t *j = json_pack("{s:s, s:s, s:{s:I, s:s?, s:s, s:s?, s:s?}, "
                          "s:{s:I, s:s, s:s, s:s, s:s, s:i}, s:s, s:s, s:s?}",
                          "type", "visit.submitted", "occurred_at", now,
                          "institution", "id", (json_int_t)inst->id, "reg_no", inst->reg_no,
                          "name", inst->name, "kabupaten_kota", inst->kabupaten_kota,
                          "province", inst->province,
                          "visit", "id", (json_int_t)v->id, "date", v->date, "type", v->type,
                          "checklist_id", v->checklist_id, "checklist_version", v->checklist_version,
                          "n_answers", n_answers,
                          "from_state", pt_visit_state_name(from),
                          "actor", ctx->user_id ? ctx->user_name : "local", "reason", reason);
    char *json = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    pt__events *ev = NULL;
    if (!json) rc = pt__error(PT_ENOMEM, "out of memory");
    if (rc == 0) rc = pt__events_open(&ev, ctx);
    if (rc == 0) rc = pt__event_raise(ev, "visit.submitted", v->institution_id, v->id, subject, body, json);
    pt__events_close(ev);
    free(json);
    pt_institution_free(inst);
    return rc;
}

int pt_visit_submit(pt_ctx *ctx, int64_t visit_id, const char *reason, int *n_answers)
{
    int ignored;
    if (!n_answers) n_answers = &ignored;
    *n_answers = 0;
    int rc = pt__authz(ctx, PT_ACT_VISIT_RECORD);
    if (rc) return rc;
    pt__jvisit v = {0};
    collected c = {0};
    char my_agency[129];
    pt_visit_state from = PT_STATE_NONE;
    int n = 0;
    if (reason && !*reason) reason = NULL;
    rc = pt__begin(ctx);
    if (rc == 0) rc = pt__jvisit_load(ctx, visit_id, &v);
    if (rc == 0) rc = pt__jvisit_require_writable(ctx, &v, "submitting", &from, my_agency,
                                                  sizeof my_agency);
    if (rc == 0) rc = collect(ctx, visit_id, &c);
    if (rc == 0) rc = do_merge(ctx, &v, &c);
    if (rc == 0) rc = count_answers(ctx, visit_id, &n);
    if (rc == 0 && n == 0)
        rc = pt__error(PT_EINVALID, "visit %lld has no answers: record them (pantau visit answer) "
                       "before submitting", (long long)visit_id);
    if (rc == 0) rc = pt__visit_step(ctx, visit_id, from, PT_STATE_SUBMITTED, reason);
    if (rc == 0) rc = raise_submitted(ctx, &v, from, reason, n);
    if (rc == 0) rc = pt__commit(ctx);
    else pt__rollback(ctx);
    collected_free(&c);
    pt__jvisit_done(&v);
    if (rc == 0) *n_answers = n;
    return rc;
}
