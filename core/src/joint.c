/* Draft visits and joint visits, the writing side: assigning items to agencies, each member's
 * own answers, reconciling disagreements, and the helpers every joint file shares
 * (joint_draft.c creates a draft; joint_merge.c reads the answers back and submits). The rules are docs/workflow.md's; authz first, then one
 * transaction per call, in which the visit's state and the user's place on the team are
 * checked before anything is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authz.h"
#include "joint_internal.h"
#include "visit_parse.h"

/* ---- shared helpers (joint_internal.h) ---- */

static char *dup_column(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return strdup(s ? (const char *)s : "");
}

int pt__jvisit_load(pt_ctx *ctx, int64_t id, pt__jvisit *v)
{
    memset(v, 0, sizeof *v);
    v->id = id;
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT v.institution_id, cv.checklist_id, cv.version, v.visit_date, "
                         "v.visit_type FROM visit v "
                         "JOIN checklist_version cv ON cv.id = v.checklist_version_id WHERE v.id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        v->institution_id = sqlite3_column_int64(st, 0);
        v->checklist_id = dup_column(st, 1);
        v->checklist_version = dup_column(st, 2);
        v->date = dup_column(st, 3);
        v->type = dup_column(st, 4);
        if (!v->checklist_id || !v->checklist_version || !v->date || !v->type)
            rc = pt__error(PT_ENOMEM, "out of memory");
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "visit %lld not found", (long long)id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading a visit");
    }
    sqlite3_finalize(st);
    if (rc == 0) rc = pt_checklist_fetch(ctx, v->checklist_id, v->checklist_version, &v->checklist);
    return rc;
}

void pt__jvisit_done(pt__jvisit *v)
{
    pt_checklist_free(v->checklist);
    free(v->checklist_id);
    free(v->checklist_version);
    free(v->date);
    free(v->type);
    memset(v, 0, sizeof *v);
}

const pt_item *pt__jvisit_item(const pt_checklist *cl, const char *item_id,
                               const pt_section **section, int *position)
{
    int base = 0;
    for (size_t s = 0; item_id && s < cl->n_sections; s++) {
        const pt_section *sec = &cl->sections[s];
        for (size_t i = 0; i < sec->n_items; i++)
            if (strcmp(sec->items[i].id, item_id) == 0) {
                if (section) *section = sec;
                if (position) *position = base + (int)i;
                return &sec->items[i];
            }
        base += (int)sec->n_items;
    }
    return NULL;
}

/* "budi, dedi": the team's names, for a refusal that says who may. */
static void team_names(pt_ctx *ctx, int64_t visit_id, char *buf, size_t size)
{
    sqlite3_stmt *st;
    snprintf(buf, size, "no one");
    if (pt__prepare(ctx, &st, "SELECT group_concat(name, ', ') FROM "
                              "(SELECT name FROM visit_team WHERE visit_id = ?1 ORDER BY position)"))
        return;
    sqlite3_bind_int64(st, 1, visit_id);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

int pt__jvisit_require_writable(pt_ctx *ctx, const pt__jvisit *v, const char *what,
                                pt_visit_state *state, char *agency, size_t size)
{
    static const pt_visit_state open[] = {PT_STATE_DRAFT, PT_STATE_RETURNED};
    int rc = pt__visit_require_state(ctx, v->id, open, 2, what, state);
    if (rc) return rc;
    agency[0] = '\0';
    if (ctx->user_id == 0) return PT_OK;   /* authz passed: single-user mode */
    sqlite3_stmt *st;
    /* imported visits name their team as people wrote them: the full name counts too */
    rc = pt__prepare(ctx, &st, "SELECT agency FROM visit_team WHERE visit_id = ?1 "
                               "AND (name = ?2 OR name = ?3) ORDER BY position LIMIT 1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, v->id);
    sqlite3_bind_text(st, 2, ctx->user_name, -1, SQLITE_STATIC);
    if (ctx->user_full_name[0]) sqlite3_bind_text(st, 3, ctx->user_full_name, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 3);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) snprintf(agency, size, "%s", (const char *)sqlite3_column_text(st, 0));
    else if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading a visit's team");
    sqlite3_finalize(st);
    if (rc || step == SQLITE_ROW) return rc;
    char team[512];
    team_names(ctx, v->id, team, sizeof team);
    return pt__error(PT_EDENIED, "user '%s' is not on the team of visit %lld (%s): %s is for "
                     "its team only", ctx->user_name, (long long)v->id, team, what);
}

/* Copies s without the blanks around it (the checker wants trimmed text, as the readers give). */
static const char *trimmed(pt__arena *arena, const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (*s == ' ' || *s == '\t')) s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    return pt__arena_strndup(arena, s, n);
}

int pt__jvisit_check_value(const pt__jvisit *v, const pt_item *item, const char *value, int na,
                           pt__arena *arena, const char **out, int *out_na)
{
    pt__raw_answer raw = {.item_id = item->id, .value = trimmed(arena, value ? value : "")};
    if (!raw.value) return pt__error(PT_ENOMEM, "out of memory");
    raw.na = na != 0;
    if (!raw.na && !*raw.value)
        return pt__error(PT_EINVALID, "visit %lld: item %s: no value given (give a value, or N/A "
                         "where the item allows it)", (long long)v->id, item->id);
    char source[48];
    int len = snprintf(source, sizeof source, "visit %lld", (long long)v->id);
    int rc = pt__answer_check(item, &raw, source, NULL, arena, out, out_na);
    if (rc == 0 && *out_na == 0 && !*out) rc = pt__error(PT_ENOMEM, "out of memory");
    if (rc != PT_EINVALID) return rc;
    /* the checker speaks of files ("SOURCE:LINE: ..."); a typed answer has no line */
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", pt_error_last());
    if (strncmp(msg, source, (size_t)len) == 0 && strncmp(msg + len, ":0: ", 4) == 0)
        return pt__error(PT_EINVALID, "%s: %s", source, msg + len + 4);
    return pt__error(PT_EINVALID, "%s", msg);
}

int pt__jvisit_step_done(pt_ctx *ctx, sqlite3_stmt *st, const char *what)
{
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    return step == SQLITE_DONE ? PT_OK : pt__error_sqlite(ctx->db, step, what);
}

int pt__jvisit_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

/* ---- pt_visit_assign ---- */

/* The team's spelling of agency (case ignored), malloc'd into *out, or PT_EINVALID naming the
 * team's agencies. */
static int team_agency(pt_ctx *ctx, int64_t visit_id, const char *agency, char **out)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT (SELECT agency FROM visit_team WHERE visit_id = ?1 "
                         "        AND agency = ?2 COLLATE NOCASE ORDER BY position LIMIT 1), "
                         "(SELECT group_concat(agency, ', ') FROM (SELECT DISTINCT agency "
                         " FROM visit_team WHERE visit_id = ?1 ORDER BY agency))");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    sqlite3_bind_text(st, 2, agency, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) rc = pt__error_sqlite(ctx->db, step, "reading a visit's team");
    else if (sqlite3_column_text(st, 0)) {
        if (!(*out = strdup((const char *)sqlite3_column_text(st, 0))))
            rc = pt__error(PT_ENOMEM, "out of memory");
    } else {
        const unsigned char *all = sqlite3_column_text(st, 1);
        rc = pt__error(PT_EINVALID, "visit %lld: no member of its team is from '%s' (the team's "
                       "agencies: %s)", (long long)visit_id, agency,
                       all ? (const char *)all : "none");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Marks every item to assign in assign[] (one flag per item in checklist order). */
static int items_to_assign(const pt__jvisit *v, const char *const *item_ids, size_t n_items,
                           const char *const *section_ids, size_t n_sections, char *assign)
{
    const pt_checklist *cl = v->checklist;
    for (size_t i = 0; i < n_items; i++) {
        int pos;
        if (!pt__jvisit_item(cl, item_ids[i], NULL, &pos))
            return pt__error(PT_EINVALID, "visit %lld: item %s is not in checklist %s@%s",
                             (long long)v->id, item_ids[i] ? item_ids[i] : "", cl->id, cl->version);
        assign[pos] = 1;
    }
    for (size_t i = 0; i < n_sections; i++) {
        size_t base = 0, s = 0;
        for (; s < cl->n_sections; base += cl->sections[s].n_items, s++)
            if (section_ids[i] && strcmp(cl->sections[s].id, section_ids[i]) == 0) break;
        if (s == cl->n_sections)
            return pt__error(PT_EINVALID, "visit %lld: section %s is not in checklist %s@%s",
                             (long long)v->id, section_ids[i] ? section_ids[i] : "", cl->id,
                             cl->version);
        memset(assign + base, 1, cl->sections[s].n_items);
    }
    return PT_OK;
}

/* A member's agency on the visit, as every joint reader takes it: their team row (login name
 * or full name), else their user's agency. `u` is the app_user row, `vid` the visit id. */
#define MEMBER_AGENCY(u, vid)                                                                   \
    "coalesce((SELECT t.agency FROM visit_team t WHERE t.visit_id = " vid " AND (t.name = " u  \
    ".name OR t.name = " u ".full_name) ORDER BY t.position LIMIT 1), " u ".agency)"

/* An assignment decides who records an item from now on; it cannot take back what members of
 * other agencies already recorded (submit would merge it as if they had been allowed). So an
 * item to assign whose answers or reconciliation come from another agency than `agency` is
 * refused: PT_ESTATE naming the first such item in checklist order and who recorded it. */
static int check_recorded_by_others(pt_ctx *ctx, const pt__jvisit *v, const char *agency,
                                    const char *assign)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
        "SELECT (SELECT group_concat(who, ', ') FROM (SELECT u.name || ' (' || "
        MEMBER_AGENCY("u", "m.visit_id") " || ')' AS who, " MEMBER_AGENCY("u", "m.visit_id")
        " AS ag FROM member_answer m JOIN app_user u ON u.id = m.user_id "
        " WHERE m.visit_id = ?1 AND m.item_id = ?2 ORDER BY u.name) WHERE ag <> ?3 COLLATE NOCASE), "
        "(SELECT r.reconciled_by || ' (' || " MEMBER_AGENCY("u", "r.visit_id") " || ')' "
        " FROM reconciliation r JOIN app_user u ON u.name = r.reconciled_by "
        " WHERE r.visit_id = ?1 AND r.item_id = ?2 AND " MEMBER_AGENCY("u", "r.visit_id")
        " <> ?3 COLLATE NOCASE)");
    if (rc) return rc;
    const pt_checklist *cl = v->checklist;
    size_t pos = 0, n_refused = 0;
    char first[128] = "", answers[512] = "", reconciled[256] = "";
    for (size_t s = 0; rc == 0 && s < cl->n_sections; s++)
        for (size_t i = 0; rc == 0 && i < cl->sections[s].n_items; i++, pos++) {
            if (!assign[pos]) continue;
            const char *item_id = cl->sections[s].items[i].id;
            sqlite3_bind_int64(st, 1, v->id);
            sqlite3_bind_text(st, 2, item_id, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, agency, -1, SQLITE_STATIC);
            int step = sqlite3_step(st);
            if (step != SQLITE_ROW) {
                rc = pt__error_sqlite(ctx->db, step, "reading members' answers");
            } else if (sqlite3_column_type(st, 0) != SQLITE_NULL ||
                       sqlite3_column_type(st, 1) != SQLITE_NULL) {
                if (n_refused++ == 0) {
                    const unsigned char *a = sqlite3_column_text(st, 0), *r = sqlite3_column_text(st, 1);
                    snprintf(first, sizeof first, "%s", item_id);
                    snprintf(answers, sizeof answers, "%s", a ? (const char *)a : "");
                    snprintf(reconciled, sizeof reconciled, "%s", r ? (const char *)r : "");
                }
            }
            sqlite3_reset(st);
        }
    sqlite3_finalize(st);
    if (rc || n_refused == 0) return rc;
    char more[64] = "";
    if (n_refused > 1)
        snprintf(more, sizeof more, " (and %zu more item%s)", n_refused - 1, n_refused == 2 ? "" : "s");
    return pt__error(PT_ESTATE, "visit %lld: item %s already has %s%s%s%s%s: it cannot be assigned "
                     "to %s (an assignment decides who may record an item; it does not take back "
                     "answers already recorded)%s", (long long)v->id, first,
                     *answers ? "answers from " : "", answers, *answers && *reconciled ? " and " : "",
                     *reconciled ? "a reconciliation by " : "", reconciled, agency, more);
}

/* Writes the assignments; counts the items it gave to the agency (new or moved) and those
 * that were the agency's already (the upsert then changes nothing). */
static int write_assignments(pt_ctx *ctx, const pt__jvisit *v, const char *agency,
                             const char *assign, pt_visit_assigned *done)
{
    char now[21];
    pt__now_utc(now);
    sqlite3_stmt *st;
    /* replacing keeps the row (and its history in the audit log); the same agency again
     * changes nothing */
    int rc = pt__prepare(ctx, &st,
                         "INSERT INTO visit_assignment (visit_id, item_id, agency, assigned_by, "
                         "assigned_at) VALUES (?1, ?2, ?3, pt_actor(), ?4) "
                         "ON CONFLICT (visit_id, item_id) DO UPDATE SET agency = excluded.agency, "
                         "assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at "
                         "WHERE agency IS NOT excluded.agency");
    if (rc) return rc;
    const pt_checklist *cl = v->checklist;
    size_t pos = 0;
    for (size_t s = 0; rc == 0 && s < cl->n_sections; s++)
        for (size_t i = 0; rc == 0 && i < cl->sections[s].n_items; i++, pos++) {
            if (!assign[pos]) continue;
            sqlite3_bind_int64(st, 1, v->id);
            sqlite3_bind_text(st, 2, cl->sections[s].items[i].id, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, agency, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
            rc = pt__jvisit_step_done(ctx, st, "assigning an item");
            /* the audit triggers' rows are not counted by sqlite3_changes */
            if (rc == 0 && sqlite3_changes(ctx->db) > 0) done->n_assigned++;
            else if (rc == 0) done->n_unchanged++;
        }
    sqlite3_finalize(st);
    return rc;
}

int pt_visit_assign(pt_ctx *ctx, int64_t visit_id, const char *agency,
                    const char *const *item_ids, size_t n_items,
                    const char *const *section_ids, size_t n_sections, pt_visit_assigned *out)
{
    if (out) memset(out, 0, sizeof *out);
    int rc = pt__authz(ctx, PT_ACT_VISIT_RECORD);
    if (rc) return rc;
    if (!agency || !*agency) return pt__error(PT_EINVALID, "assigning items needs an agency (--agency)");
    if (n_items + n_sections == 0)
        return pt__error(PT_EINVALID, "give the items to assign (--item ID or --section ID)");
    pt__jvisit v = {0};
    char my_agency[129], *stored = NULL;
    char *assign = NULL;
    pt_visit_assigned done = {0};
    rc = pt__begin(ctx);
    if (rc == 0) rc = pt__jvisit_load(ctx, visit_id, &v);
    if (rc == 0) rc = pt__jvisit_require_writable(ctx, &v, "assigning items", NULL, my_agency,
                                                  sizeof my_agency);
    if (rc == 0) rc = team_agency(ctx, visit_id, agency, &stored);
    if (rc == 0 && !(assign = calloc(v.checklist->n_items + 1, 1))) rc = pt__error(PT_ENOMEM, "out of memory");
    if (rc == 0) rc = items_to_assign(&v, item_ids, n_items, section_ids, n_sections, assign);
    if (rc == 0) rc = check_recorded_by_others(ctx, &v, stored, assign);
    if (rc == 0) rc = write_assignments(ctx, &v, stored, assign, &done);
    if (rc == 0) rc = pt__commit(ctx);
    else pt__rollback(ctx);
    if (rc == 0 && out) {
        *out = done;
        snprintf(out->agency, sizeof out->agency, "%s", stored);
    }
    free(stored);
    free(assign);
    pt__jvisit_done(&v);
    return rc;
}

/* ---- pt_visit_record_answers ---- */

#define ASSIGNED_AGENCY_SQL "SELECT agency FROM visit_assignment WHERE visit_id = ?1 AND item_id = ?2"

/* PT_EDENIED when the item is assigned to an agency other than the member's; `verb` says what
 * the member may do ("record", "reconcile"); st is ASSIGNED_AGENCY_SQL. */
static int check_assignment(pt_ctx *ctx, sqlite3_stmt *st, const pt__jvisit *v,
                            const char *item_id, const char *my_agency, const char *verb)
{
    sqlite3_bind_int64(st, 1, v->id);
    sqlite3_bind_text(st, 2, item_id, -1, SQLITE_STATIC);
    int rc = PT_OK, step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const char *owner = (const char *)sqlite3_column_text(st, 0);
        if (*my_agency && strcasecmp(owner, my_agency) != 0)
            rc = pt__error(PT_EDENIED, "visit %lld: item %s is assigned to %s: user '%s' (%s) may "
                           "%s only the items of %s and those assigned to no one",
                           (long long)v->id, item_id, owner, ctx->user_name, my_agency, verb,
                           my_agency);
    } else if (step != SQLITE_DONE) {
        rc = pt__error_sqlite(ctx->db, step, "reading the assignments");
    }
    sqlite3_reset(st);
    return rc;
}

static int write_member_answers(pt_ctx *ctx, const pt__jvisit *v, const pt_answer *answers,
                                size_t n, const char *my_agency)
{
    const pt_checklist *cl = v->checklist;
    char *seen = calloc(cl->n_items + 1, 1);
    pt__arena *arena = pt__arena_new();
    sqlite3_stmt *assigned = NULL, *upsert = NULL, *withdraw = NULL;
    char now[21];
    pt__now_utc(now);
    int rc = seen && arena ? PT_OK : pt__error(PT_ENOMEM, "out of memory");
    if (rc == 0)
        rc = pt__prepare(ctx, &assigned, ASSIGNED_AGENCY_SQL);
    if (rc == 0)
        rc = pt__prepare(ctx, &upsert,
                         "INSERT INTO member_answer (visit_id, item_id, user_id, value, na, note, "
                         "recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                         "ON CONFLICT (visit_id, item_id, user_id) DO UPDATE SET "
                         "value = excluded.value, na = excluded.na, note = excluded.note, "
                         "recorded_at = excluded.recorded_at "
                         "WHERE value IS NOT excluded.value OR na IS NOT excluded.na "
                         "OR note IS NOT excluded.note");
    if (rc == 0)
        rc = pt__prepare(ctx, &withdraw, "DELETE FROM reconciliation WHERE visit_id = ?1 "
                                         "AND item_id = ?2");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const pt_answer *a = &answers[i];
        int pos, na;
        const char *value;
        const pt_item *item = pt__jvisit_item(cl, a->item_id, NULL, &pos);
        if (!item)
            rc = pt__error(PT_EINVALID, "visit %lld: item %s is not in checklist %s@%s",
                           (long long)v->id, a->item_id ? a->item_id : "", cl->id, cl->version);
        else if (seen[pos]++)
            rc = pt__error(PT_EINVALID, "visit %lld: item %s is answered twice", (long long)v->id,
                           item->id);
        if (rc == 0) rc = check_assignment(ctx, assigned, v, item->id, my_agency, "record");
        if (rc == 0) rc = pt__jvisit_check_value(v, item, a->value, a->na, arena, &value, &na);
        if (rc) break;
        sqlite3_bind_int64(upsert, 1, v->id);
        sqlite3_bind_text(upsert, 2, item->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(upsert, 3, ctx->user_id);
        pt__jvisit_bind_text(upsert, 4, value);
        sqlite3_bind_int(upsert, 5, na);
        pt__jvisit_bind_text(upsert, 6, a->note && *a->note ? a->note : NULL);
        sqlite3_bind_text(upsert, 7, now, -1, SQLITE_STATIC);
        rc = pt__jvisit_step_done(ctx, upsert, "recording an answer");
        /* a reconciliation agreed on the answers as they were: a member who changes theirs
         * withdraws it (the log keeps it), and the team agrees again if they still differ */
        if (rc == 0 && sqlite3_changes(ctx->db) > 0) {
            sqlite3_bind_int64(withdraw, 1, v->id);
            sqlite3_bind_text(withdraw, 2, item->id, -1, SQLITE_STATIC);
            rc = pt__jvisit_step_done(ctx, withdraw, "withdrawing a reconciliation");
        }
    }
    sqlite3_finalize(assigned);
    sqlite3_finalize(upsert);
    sqlite3_finalize(withdraw);
    pt__arena_free(arena);
    free(seen);
    return rc;
}

int pt_visit_record_answers(pt_ctx *ctx, int64_t visit_id, const pt_answer *answers, size_t n)
{
    int rc = pt__authz(ctx, PT_ACT_VISIT_RECORD);
    if (rc) return rc;
    if (n == 0) return pt__error(PT_EINVALID, "no answers given (ITEM=VALUE)");
    pt__jvisit v = {0};
    char my_agency[129];
    rc = pt__begin(ctx);
    if (rc == 0) rc = pt__jvisit_load(ctx, visit_id, &v);
    if (rc == 0) rc = pt__jvisit_require_writable(ctx, &v, "recording answers", NULL, my_agency,
                                                  sizeof my_agency);
    /* a member's answers are theirs: single-user mode has no one to keep them for */
    if (rc == 0 && ctx->user_id == 0)
        rc = pt__error(PT_EDENIED, "visit %lld: members' answers are kept per pantau user, and this "
                       "database has none (pantau user add)", (long long)visit_id);
    if (rc == 0) rc = write_member_answers(ctx, &v, answers, n, my_agency);
    if (rc == 0) rc = pt__commit(ctx);
    else pt__rollback(ctx);
    pt__jvisit_done(&v);
    return rc;
}

/* ---- pt_visit_reconcile ---- */

/* 1 when the item's members disagree or it was reconciled before, 0 when neither. */
static int reconcilable(pt_ctx *ctx, int64_t visit_id, const char *item_id, int *out)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT (SELECT count(*) FROM (SELECT DISTINCT value, na FROM member_answer "
                         "        WHERE visit_id = ?1 AND item_id = ?2)) > 1 "
                         "OR EXISTS (SELECT 1 FROM reconciliation WHERE visit_id = ?1 AND item_id = ?2)");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, visit_id);
    sqlite3_bind_text(st, 2, item_id, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) *out = sqlite3_column_int(st, 0);
    else rc = pt__error_sqlite(ctx->db, step, "reading members' answers");
    sqlite3_finalize(st);
    return rc;
}

static int write_reconciliation(pt_ctx *ctx, const pt__jvisit *v, const char *item_id,
                                const char *value, int na, const char *reason)
{
    sqlite3_stmt *st;
    char now[21];
    pt__now_utc(now);
    int rc = pt__prepare(ctx, &st,
                         "INSERT INTO reconciliation (visit_id, item_id, value, na, reason, "
                         "reconciled_by, reconciled_at) VALUES (?1, ?2, ?3, ?4, ?5, pt_actor(), ?6) "
                         "ON CONFLICT (visit_id, item_id) DO UPDATE SET value = excluded.value, "
                         "na = excluded.na, reason = excluded.reason, "
                         "reconciled_by = excluded.reconciled_by, reconciled_at = excluded.reconciled_at");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, v->id);
    sqlite3_bind_text(st, 2, item_id, -1, SQLITE_STATIC);
    pt__jvisit_bind_text(st, 3, value);
    sqlite3_bind_int(st, 4, na);
    pt__jvisit_bind_text(st, 5, reason);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    rc = pt__jvisit_step_done(ctx, st, "recording a reconciliation");
    sqlite3_finalize(st);
    return rc;
}

int pt_visit_reconcile(pt_ctx *ctx, int64_t visit_id, const char *item_id, const char *value,
                       int na, const char *reason)
{
    int rc = pt__authz(ctx, PT_ACT_VISIT_RECORD);
    if (rc) return rc;
    const char *r = reason ? reason : "";
    while (*r == ' ' || *r == '\t' || *r == '\n') r++;
    if (!*r) return pt__error(PT_EINVALID, "a reconciliation needs a reason (--reason)");
    pt__jvisit v = {0};
    char my_agency[129];
    pt__arena *arena = pt__arena_new();
    if (!arena) return pt__error(PT_ENOMEM, "out of memory");
    const pt_item *item = NULL;
    sqlite3_stmt *assigned = NULL;
    const char *checked = NULL;
    int checked_na = 0, open = 0;
    rc = pt__begin(ctx);
    if (rc == 0) rc = pt__jvisit_load(ctx, visit_id, &v);
    if (rc == 0) rc = pt__jvisit_require_writable(ctx, &v, "reconciling answers", NULL, my_agency,
                                                  sizeof my_agency);
    if (rc == 0 && !(item = pt__jvisit_item(v.checklist, item_id, NULL, NULL)))
        rc = pt__error(PT_EINVALID, "visit %lld: item %s is not in checklist %s@%s",
                       (long long)visit_id, item_id ? item_id : "", v.checklist->id,
                       v.checklist->version);
    /* the agreed answer is an answer: the assignment decides who may give it */
    if (rc == 0) rc = pt__prepare(ctx, &assigned, ASSIGNED_AGENCY_SQL);
    if (rc == 0) rc = check_assignment(ctx, assigned, &v, item->id, my_agency, "reconcile");
    if (rc == 0) rc = reconcilable(ctx, visit_id, item->id, &open);
    if (rc == 0 && !open)
        rc = pt__error(PT_EINVALID, "visit %lld: item %s: the members' answers do not differ: "
                       "there is nothing to reconcile", (long long)visit_id, item->id);
    if (rc == 0) rc = pt__jvisit_check_value(&v, item, value, na, arena, &checked, &checked_na);
    if (rc == 0) rc = write_reconciliation(ctx, &v, item->id, checked, checked_na, reason);
    sqlite3_finalize(assigned);
    if (rc == 0) rc = pt__commit(ctx);
    else pt__rollback(ctx);
    pt__jvisit_done(&v);
    pt__arena_free(arena);
    return rc;
}
