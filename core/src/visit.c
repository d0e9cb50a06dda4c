/* Visits: import from CSV or XML files, read back, list.
 *
 * Import checks first and writes after: pass one reads every visit of the file, resolves its
 * institution and checklist, checks every answer and collects the errors of every failing
 * visit; only a file without errors gets pass two, which reads it again and writes all visits
 * in one transaction. Reading twice keeps memory bounded by one visit (its arena is freed after
 * it), whatever the file's size, and keeps the write lock only as long as the inserts take.
 *
 * Speed matters (tens of thousands of visits per file): the INSERTs are prepared once per
 * import, institution and checklist lookups are cached per key for the import, and answers
 * live in a per-visit arena instead of one malloc each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "audit.h"
#include "authz.h"
#include "event.h"
#include "lifecycle.h"
#include "visit_parse.h"

/* The largest visit file accepted: a national export of a year is far smaller. */
#define VISIT_MAX_BYTES (64u * 1024u * 1024u)
/* How many errors of one visit the message shows, and how long the list may grow: the
 * message must stay readable when a file is wrong in ten thousand places. */
#define ERRORS_PER_VISIT 3
#define ERRORS_MAX_BYTES 1500
#define CACHE_BUCKETS 256

/* ---- raw visits (the readers' shared helpers) ---- */

int pt__raw_visit_problem(pt__arena *arena, pt__raw_visit *visit, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    pt__visit_problem *p = pt__arena_alloc(arena, sizeof *p);
    if (!p || !(p->message = pt__arena_strdup(arena, buf))) return PT_ENOMEM;
    if (visit->last_problem) visit->last_problem->next = p;
    else visit->problems = p;
    visit->last_problem = p;
    visit->n_problems++;
    return PT_OK;
}

/* Grows an array in the arena by doubling; the old block stays in the arena until the visit
 * is done, which costs at most as much again and saves a malloc per element. */
static void *grow(pt__arena *arena, void *items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap) return items;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *fresh = pt__arena_alloc(arena, ncap * size);
    if (!fresh) return NULL;
    if (n) memcpy(fresh, items, n * size);
    *cap = ncap;
    return fresh;
}

pt__raw_answer *pt__raw_visit_add_answer(pt__arena *arena, pt__raw_visit *v)
{
    pt__raw_answer *a = grow(arena, v->answers, v->n_answers, &v->answers_cap, sizeof *a);
    if (!a) return NULL;
    v->answers = a;
    a = &v->answers[v->n_answers++];
    memset(a, 0, sizeof *a);
    return a;
}

pt__raw_member *pt__raw_visit_add_member(pt__arena *arena, pt__raw_visit *v)
{
    pt__raw_member *m = grow(arena, v->team, v->n_team, &v->team_cap, sizeof *m);
    if (!m) return NULL;
    v->team = m;
    m = &v->team[v->n_team++];
    memset(m, 0, sizeof *m);
    return m;
}

/* ---- the import's state ---- */

typedef struct inst_entry {
    struct inst_entry *next;
    const char *key;
    int rc;                     /* 0, or PT_ENOTFOUND remembered so a bad key costs one SELECT */
    int64_t id;
} inst_entry;

typedef struct cl_entry {
    struct cl_entry *next;
    const char *key;            /* as written: "id@version" or "id" */
    int rc;
    pt_checklist *checklist;    /* owned: freed at the end of the import */
    int64_t version_id;
    size_t *section_base;       /* index of each section's first item in checklist order */
    unsigned *seen;             /* per item: the visit stamp that last answered it */
    int *seen_line;
} cl_entry;

/* item_id, position, value (NULL when na), na, note: audit.c digests these very values */
typedef pt__audit_answer checked_answer;

typedef struct checked_visit {
    int64_t institution_id;
    cl_entry *checklist;
    const char *date, *type, *notes;
    size_t n_team;
    pt_team_member *team;
    size_t n_answers;
    checked_answer *answers;
} checked_visit;

typedef struct importer {
    pt_ctx *ctx;
    const char *source;
    const pt_visit_defaults *defaults;
    pt__arena *arena;                       /* cache entries; lives for the import */
    inst_entry *institutions[CACHE_BUCKETS];
    cl_entry *checklists[CACHE_BUCKETS];
    unsigned stamp;
    char today[11], tomorrow[11];
    char created_at[21];
    pt__visit_csv *csv;
    pt__visit_xml *xml;
    /* errors collected in pass one */
    char message[ERRORS_MAX_BYTES + 1];
    size_t message_len;
    int n_errors, n_shown, n_failed, n_visits, first_code;
    int visit_errors;                       /* errors of the visit being checked */
    /* pass two */
    sqlite3_stmt *insert_visit, *insert_team, *insert_answer;
    sqlite3_stmt *audit_visit;     /* prepared at the first visit (audit.c) */
    sqlite3_stmt *step;            /* its first step, submitted (lifecycle.c) */
    sqlite3_stmt *audit_step;      /* that step's audit entry (audit.c) */
    pt__events *events;                     /* "visit.imported", in the same transaction */
} importer;

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h % CACHE_BUCKETS;
}

/* Adds the current error message (pt_error_last) to the list. Returns 1 for an error of the
 * input, which is collected; any other code (database, memory) is returned to stop the
 * import, since no later visit could be judged either. */
static int collect(importer *imp, int code)
{
    if (code != PT_EINVALID && code != PT_ENOTFOUND) return code;
    if (imp->n_errors++ == 0) imp->first_code = code;
    if (imp->visit_errors++ == 0) imp->n_failed++;
    const char *m = pt_error_last();
    size_t n = strlen(m);
    if (imp->message_len == 0 && n > ERRORS_MAX_BYTES) {
        /* the first error is always shown, cut if it must be (a very long path) */
        memcpy(imp->message, m, ERRORS_MAX_BYTES);
        imp->message[imp->message_len = ERRORS_MAX_BYTES] = '\0';
        imp->n_shown++;
    } else if (imp->visit_errors <= ERRORS_PER_VISIT &&
               imp->message_len + n + 1 <= ERRORS_MAX_BYTES) {
        if (imp->message_len) imp->message[imp->message_len++] = '\n';
        memcpy(imp->message + imp->message_len, m, n + 1);
        imp->message_len += n;
        imp->n_shown++;
    }
    return 1;
}

/* The final message: one error as it is, several under a line that says what happened. */
static int report(importer *imp)
{
    int hidden = imp->n_errors - imp->n_shown;
    if (imp->n_errors == 1)
        return pt__error(imp->first_code, "%s", imp->message);
    char more[64] = "";
    if (hidden > 0) snprintf(more, sizeof more, "\n... and %d more error%s", hidden, hidden == 1 ? "" : "s");
    return pt__error(imp->first_code, "%s: %d of %d visit%s failed, nothing was imported:\n%s%s",
                     imp->source, imp->n_failed, imp->n_visits, imp->n_visits == 1 ? "" : "s",
                     imp->message, more);
}

/* ---- resolving a visit's fields ---- */

static int lookup_institution(importer *imp, const char *key, int line, int64_t *id)
{
    unsigned h = hash(key);
    inst_entry *e = imp->institutions[h];
    while (e && strcmp(e->key, key) != 0) e = e->next;
    if (!e) {
        pt_institution *inst = NULL;
        int rc = pt_institution_get(imp->ctx, key, &inst);
        if (rc != 0 && rc != PT_ENOTFOUND) return pt__error_prefix("%s:%d: institution '%s'", imp->source, line, key);
        if (!(e = pt__arena_alloc(imp->arena, sizeof *e)) ||
            !(e->key = pt__arena_strdup(imp->arena, key))) {
            pt_institution_free(inst);
            return pt__error(PT_ENOMEM, "out of memory");
        }
        e->rc = rc;
        e->id = inst ? inst->id : 0;
        pt_institution_free(inst);
        e->next = imp->institutions[h];
        imp->institutions[h] = e;
    }
    if (e->rc != 0) {
        char q[64];
        return collect(imp, pt__error(PT_ENOTFOUND, "%s:%d: institution '%s' is not registered",
                                      imp->source, line, pt__visit_quote(key, 60, q)));
    }
    *id = e->id;
    return PT_OK;
}

static int load_checklist(importer *imp, cl_entry *e)
{
    const char *at = strchr(e->key, '@');
    char *id = at ? pt__arena_strndup(imp->arena, e->key, (size_t)(at - e->key))
                  : pt__arena_strdup(imp->arena, e->key);
    if (!id) return pt__error(PT_ENOMEM, "out of memory");
    int rc = pt_checklist_fetch(imp->ctx, id, at ? at + 1 : NULL, &e->checklist);
    if (rc != 0) return rc;
    const pt_checklist *cl = e->checklist;
    rc = pt__checklist_version_id(imp->ctx, cl->id, cl->version, &e->version_id);
    if (rc != 0) return rc == PT_ENOTFOUND ? PT_ERROR : rc;   /* fetched, so it must be there */
    e->section_base = pt__arena_alloc(imp->arena, (cl->n_sections + 1) * sizeof *e->section_base);
    e->seen = pt__arena_alloc(imp->arena, (cl->n_items + 1) * sizeof *e->seen);
    e->seen_line = pt__arena_alloc(imp->arena, (cl->n_items + 1) * sizeof *e->seen_line);
    if (!e->section_base || !e->seen || !e->seen_line) return pt__error(PT_ENOMEM, "out of memory");
    size_t base = 0;
    for (size_t s = 0; s < cl->n_sections; s++) {
        e->section_base[s] = base;
        base += cl->sections[s].n_items;
    }
    return PT_OK;
}

static int lookup_checklist(importer *imp, const char *key, int line, cl_entry **out)
{
    char q[64];
    const char *at = strchr(key, '@');
    if (at == key || (at && (!at[1] || strchr(at + 1, '@'))))
        return collect(imp, pt__error(PT_EINVALID, "%s:%d: checklist '%s' must be written "
                                      "'id@version' or 'id'", imp->source, line,
                                      pt__visit_quote(key, 60, q)));
    unsigned h = hash(key);
    cl_entry *e = imp->checklists[h];
    while (e && strcmp(e->key, key) != 0) e = e->next;
    if (!e) {
        if (!(e = pt__arena_alloc(imp->arena, sizeof *e)) ||
            !(e->key = pt__arena_strdup(imp->arena, key)))
            return pt__error(PT_ENOMEM, "out of memory");
        e->next = imp->checklists[h];
        imp->checklists[h] = e;
        e->rc = load_checklist(imp, e);
        /* anything but "not stored" is the database's trouble, not the file's: stop */
        if (e->rc != 0 && e->rc != PT_ENOTFOUND)
            return pt__error_prefix("%s:%d: checklist '%s'", imp->source, line, key);
    }
    if (e->rc != 0)
        return collect(imp, pt__error(PT_ENOTFOUND, "%s:%d: checklist '%s' is not loaded (run "
                                      "`pantau checklist load`)", imp->source, line,
                                      pt__visit_quote(key, 60, q)));
    *out = e;
    return PT_OK;
}

static const char *const visit_types[][2] = {
    {"routine", "rutin"},
    {"accreditation", "akreditasi"},
    {"complaint", "pengaduan"},
    {"joint", "gabungan"},
};

static const char *type_key(const char *s)
{
    for (size_t i = 0; i < sizeof visit_types / sizeof visit_types[0]; i++)
        if (strcasecmp(s, visit_types[i][0]) == 0 || strcasecmp(s, visit_types[i][1]) == 0)
            return visit_types[i][0];
    return NULL;
}

static char *trim_copy(pt__arena *arena, const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    return pt__arena_strndup(arena, s, n);
}

/* "Name|Agency|Role" into m; what is wrong goes to the error list. from_defaults says where the
 * text came from, for the message. */
static int split_member(importer *imp, pt__arena *arena, const char *spec, int line,
                        int from_defaults, pt_team_member *m)
{
    const char *parts[4] = {0};
    size_t lens[4] = {0};
    int n = 0;
    const char *p = spec;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (n < 4) parts[n] = p, lens[n] = len;
        n++;
        if (!bar) break;
        p = bar + 1;
    }
    char q[64];
    const char *why = NULL;
    if (n > 3) why = "more than three parts";
    for (int i = 0; i < 3 && i < n; i++) {
        char *s = trim_copy(arena, parts[i], lens[i]);
        if (!s) return pt__error(PT_ENOMEM, "out of memory");
        if (i == 0) m->name = s;
        else if (i == 1) m->agency = s;
        else m->role = *s ? s : NULL;
    }
    if (!why && (!m->name || !*m->name)) why = "the name is missing";
    if (!why && (!m->agency || !*m->agency)) why = "the agency is missing";
    if (why)
        return collect(imp, pt__error(PT_EINVALID, "%s:%d: team member '%s'%s: %s (write "
                                      "Name|Agency|Role)", imp->source, line,
                                      pt__visit_quote(spec, 60, q),
                                      from_defaults ? " (from the defaults)" : "", why));
    return PT_OK;
}

static int check_team(importer *imp, pt__arena *arena, const pt__raw_visit *raw,
                      checked_visit *cv)
{
    int rc;
    if (raw->n_team > 0) {
        cv->team = pt__arena_alloc(arena, raw->n_team * sizeof *cv->team);
        if (!cv->team) return pt__error(PT_ENOMEM, "out of memory");
        for (size_t i = 0; i < raw->n_team; i++) {
            const pt__raw_member *r = &raw->team[i];
            pt_team_member *m = &cv->team[cv->n_team];
            if (r->spec) {
                if ((rc = split_member(imp, arena, r->spec, r->line, 0, m)) < 0) return rc;
                if (rc == 0) cv->n_team++;
            } else if (!r->name || !*r->name || !r->agency || !*r->agency) {
                rc = collect(imp, pt__error(PT_EINVALID, "%s:%d: team member: name and agency "
                                            "are required", imp->source, r->line));
                if (rc < 0) return rc;
            } else {
                m->name = r->name;
                m->agency = r->agency;
                m->role = r->role;
                cv->n_team++;
            }
        }
        return PT_OK;
    }
    const char *spec = imp->defaults ? imp->defaults->team : NULL;
    if (!spec || !*spec) return PT_OK;
    size_t n = 1;
    for (const char *p = spec; *p; p++) n += *p == ';';
    if (!(cv->team = pt__arena_alloc(arena, n * sizeof *cv->team)))
        return pt__error(PT_ENOMEM, "out of memory");
    for (const char *p = spec;;) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        char *entry = trim_copy(arena, p, len);
        if (!entry) return pt__error(PT_ENOMEM, "out of memory");
        if (*entry) {
            if ((rc = split_member(imp, arena, entry, raw->line, 1, &cv->team[cv->n_team])) < 0)
                return rc;
            if (rc == 0) cv->n_team++;
        }
        if (!semi) break;
        p = semi + 1;
    }
    return PT_OK;
}

static int check_answers(importer *imp, pt__arena *arena, const pt__raw_visit *raw,
                         checked_visit *cv)
{
    cl_entry *e = cv->checklist;
    const pt_checklist *cl = e->checklist;
    const pt__csv *csv = imp->csv ? pt__visit_csv_reader(imp->csv) : NULL;
    unsigned stamp = ++imp->stamp;
    int rc;
    if (raw->n_answers &&
        !(cv->answers = pt__arena_alloc(arena, raw->n_answers * sizeof *cv->answers)))
        return pt__error(PT_ENOMEM, "out of memory");

    for (size_t i = 0; i < raw->n_answers; i++) {
        const pt__raw_answer *a = &raw->answers[i];
        char q[64];
        const pt_section *section = NULL;
        const pt_item *item = *a->item_id ? pt_checklist_item(cl, a->item_id, &section) : NULL;
        if (!item) {
            rc = collect(imp, *a->item_id
                         ? pt__error(PT_EINVALID, "%s:%d: item %s is not in checklist %s@%s",
                                     imp->source, a->line, pt__visit_quote(a->item_id, 40, q),
                                     cl->id, cl->version)
                         : pt__error(PT_EINVALID, "%s:%d: an answer without an item id",
                                     imp->source, a->line));
            if (rc < 0) return rc;
            continue;
        }
        size_t index = e->section_base[section - cl->sections] + (size_t)(item - section->items);
        if (e->seen[index] == stamp) {
            rc = collect(imp, pt__error(PT_EINVALID, "%s:%d: item %s is answered twice (first on "
                                        "line %d)", imp->source, a->line, item->id,
                                        e->seen_line[index]));
            if (rc < 0) return rc;
            continue;
        }
        e->seen[index] = stamp;
        e->seen_line[index] = a->line;
        if (!*a->value && !a->na) continue;   /* left empty: unanswered, nothing stored */

        checked_answer *c = &cv->answers[cv->n_answers];
        rc = pt__answer_check(item, a, imp->source, csv, arena, &c->value, &c->na);
        if (rc != 0) {
            if ((rc = collect(imp, rc)) < 0) return rc;
            continue;
        }
        c->item_id = item->id;
        c->position = (int)index;
        c->note = a->note;
        cv->n_answers++;
    }
    return PT_OK;
}

/* A field from the file, else from the defaults; blank counts as left out either way. */
static const char *pick(const char *from_file, const char *from_defaults)
{
    if (from_file && *from_file) return from_file;
    return from_defaults && *from_defaults ? from_defaults : NULL;
}

/* Fills cv from raw and the defaults. Returns 0 when the visit is good, 1 when errors were
 * collected, or a negative code that stops the import. */
static int check_visit(importer *imp, pt__arena *arena, const pt__raw_visit *raw,
                       checked_visit *cv)
{
    const pt_visit_defaults *d = imp->defaults;
    char q[64];
    int rc;
    memset(cv, 0, sizeof *cv);
    imp->visit_errors = 0;

    for (const pt__visit_problem *p = raw->problems; p; p = p->next)
        if ((rc = collect(imp, pt__error(PT_EINVALID, "%s", p->message))) < 0) return rc;

    const char *institution = pick(raw->institution, d ? d->institution : NULL);
    int line = institution == raw->institution ? raw->institution_line : raw->line;
    if (!institution)
        rc = collect(imp, pt__error(PT_EINVALID, "%s:%d: the visit names no institution (give "
                                    "it in the file or with --institution)", imp->source, raw->line));
    else
        rc = lookup_institution(imp, institution, line, &cv->institution_id);
    if (rc < 0) return rc;

    const char *checklist = pick(raw->checklist, d ? d->checklist : NULL);
    line = checklist == raw->checklist ? raw->checklist_line : raw->line;
    if (!checklist)
        rc = collect(imp, pt__error(PT_EINVALID, "%s:%d: the visit names no checklist (give it "
                                    "in the file or with --checklist)", imp->source, raw->line));
    else
        rc = lookup_checklist(imp, checklist, line, &cv->checklist);
    if (rc < 0) return rc;

    cv->date = pick(raw->date, d ? d->date : NULL);
    line = cv->date == raw->date ? raw->date_line : raw->line;
    if (!cv->date)
        rc = collect(imp, pt__error(PT_EINVALID, "%s:%d: the visit has no date (give it in the "
                                    "file or with --date)", imp->source, raw->line));
    else if (!pt__is_date(cv->date))
        rc = collect(imp, pt__error(PT_EINVALID, "%s:%d: date must be a valid YYYY-MM-DD, got "
                                    "'%s'", imp->source, line, pt__visit_quote(cv->date, 40, q)));
    else if (strcmp(cv->date, imp->tomorrow) > 0)
        rc = collect(imp, pt__error(PT_EINVALID, "%s:%d: date %s is in the future (today is %s "
                                    "UTC)", imp->source, line, cv->date, imp->today));
    if (rc < 0) return rc;

    const char *type = pick(raw->type, d ? d->type : NULL);
    line = type == raw->type ? raw->type_line : raw->line;
    if (!type)
        rc = collect(imp, pt__error(PT_EINVALID, "%s:%d: the visit has no type (give it in the "
                                    "file or with --type)", imp->source, raw->line));
    else if (!(cv->type = type_key(type)))
        rc = collect(imp, pt__error(PT_EINVALID, "%s:%d: type must be one of %s (or rutin, "
                                    "akreditasi, pengaduan, gabungan), got '%s'", imp->source,
                                    line, PT_VISIT_TYPES, pt__visit_quote(type, 40, q)));
    if (rc < 0) return rc;

    cv->notes = raw->notes;
    if ((rc = check_team(imp, arena, raw, cv)) < 0) return rc;
    if (cv->checklist && (rc = check_answers(imp, arena, raw, cv)) < 0) return rc;
    return imp->visit_errors > 0;
}

/* ---- writing ---- */

static int bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
    return s ? sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(stmt, i);
}

static int step_done(importer *imp, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        /* sqlite3_reset above returns the same error; errmsg still describes it */
        return pt__error_sqlite(imp->ctx->db, rc, what);
    }
    return PT_OK;
}

static int write_visit(importer *imp, const checked_visit *cv, int64_t *id)
{
    sqlite3_stmt *s = imp->insert_visit;
    sqlite3_bind_int64(s, 1, cv->institution_id);
    sqlite3_bind_int64(s, 2, cv->checklist->version_id);
    bind_text(s, 3, cv->date);
    bind_text(s, 4, cv->type);
    bind_text(s, 5, cv->notes);
    bind_text(s, 6, imp->source);
    bind_text(s, 7, imp->created_at);
    int rc = step_done(imp, s, "storing a visit");
    if (rc != 0) return rc;
    *id = sqlite3_last_insert_rowid(imp->ctx->db);

    s = imp->insert_team;
    for (size_t i = 0; i < cv->n_team; i++) {
        sqlite3_bind_int64(s, 1, *id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        bind_text(s, 3, cv->team[i].name);
        bind_text(s, 4, cv->team[i].agency);
        bind_text(s, 5, cv->team[i].role);
        if ((rc = step_done(imp, s, "storing a visit's team")) != 0) return rc;
    }

    s = imp->insert_answer;
    for (size_t i = 0; i < cv->n_answers; i++) {
        const checked_answer *a = &cv->answers[i];
        sqlite3_bind_int64(s, 1, *id);
        bind_text(s, 2, a->item_id);
        sqlite3_bind_int(s, 3, a->position);
        bind_text(s, 4, a->value);
        sqlite3_bind_int(s, 5, a->na);
        bind_text(s, 6, a->note);
        if ((rc = step_done(imp, s, "storing an answer")) != 0) return rc;
    }
    /* the visit, its team and its answers are audited as one entry, from these values */
    pt__audited_visit audited = {
        .id = *id, .institution_id = cv->institution_id,
        .checklist_version_id = cv->checklist->version_id, .date = cv->date, .type = cv->type,
        .notes = cv->notes, .source = imp->source, .created_at = imp->created_at,
        .n_team = cv->n_team, .team = cv->team, .n_answers = cv->n_answers,
        .answers = cv->answers};
    if ((rc = pt__audit_visit(imp->ctx, &imp->audit_visit, &audited)) != 0) return rc;
    /* a visit from a file was filled in the field and is handed in whole: it starts submitted;
     * the step is audited here, as its trigger would (the write pass runs without triggers) */
    rc = pt__visit_step_cached(imp->ctx, &imp->step, *id, PT_STATE_NONE, PT_STATE_SUBMITTED, NULL);
    if (rc == 0) rc = pt__audit_step(imp->ctx, &imp->audit_step, sqlite3_last_insert_rowid(imp->ctx->db));
    if (rc) return rc;
    const cl_entry *cl = cv->checklist;
    pt_visit stored = {.id = *id, .institution_id = cv->institution_id,
                       .checklist_id = cl->checklist->id, .checklist_version = cl->checklist->version,
                       .date = cv->date, .type = cv->type};
    return pt__event_visit_imported(imp->events, &stored, cv->n_answers);
}

static int prepare_inserts(importer *imp)
{
    int rc = pt__prepare(imp->ctx, &imp->insert_visit,
                         "INSERT INTO visit (institution_id, checklist_version_id, visit_date, "
                         "visit_type, notes, source, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7)");
    if (rc == 0)
        rc = pt__prepare(imp->ctx, &imp->insert_team,
                         "INSERT INTO visit_team (visit_id, position, name, agency, role) "
                         "VALUES (?1,?2,?3,?4,?5)");
    if (rc == 0)
        rc = pt__prepare(imp->ctx, &imp->insert_answer,
                         "INSERT INTO answer (visit_id, item_id, position, value, na, note) "
                         "VALUES (?1,?2,?3,?4,?5,?6)");
    if (rc == 0) rc = pt__events_open(&imp->events, imp->ctx);
    return rc;
}

/* ---- the two passes ---- */

static int next_visit(importer *imp, pt__arena *arena, pt__raw_visit *raw)
{
    return imp->csv ? pt__visit_csv_next(imp->csv, arena, raw)
                    : pt__visit_xml_next(imp->xml, arena, raw);
}

/* Pass one (write == 0) checks every visit; pass two writes them, counting into result. */
static int run_pass(importer *imp, int write, pt_visit_import_result *result)
{
    for (;;) {
        pt__arena *arena = pt__arena_new();
        if (!arena) return pt__error(PT_ENOMEM, "out of memory");
        pt__raw_visit raw;
        checked_visit cv;
        int rc = next_visit(imp, arena, &raw);
        if (rc <= 0) {
            pt__arena_free(arena);
            return rc;
        }
        if (!write) imp->n_visits++;
        rc = check_visit(imp, arena, &raw, &cv);
        if (rc == 1 && write) rc = report(imp);   /* cannot happen: pass one found nothing */
        if (rc == 0 && write) {
            int64_t id;
            rc = write_visit(imp, &cv, &id);
            if (rc == 0) {
                if (result->n_visits++ == 0) result->first_id = id;
                result->last_id = id;
                result->n_answers += (int)cv.n_answers;
            }
        }
        pt__arena_free(arena);
        if (rc < 0) return rc;
    }
}

static void importer_done(importer *imp)
{
    sqlite3_finalize(imp->insert_visit);
    sqlite3_finalize(imp->insert_team);
    sqlite3_finalize(imp->insert_answer);
    sqlite3_finalize(imp->audit_visit);
    sqlite3_finalize(imp->step);
    sqlite3_finalize(imp->audit_step);
    pt__events_close(imp->events);
    for (size_t b = 0; b < CACHE_BUCKETS; b++)
        for (cl_entry *e = imp->checklists[b]; e; e = e->next) pt_checklist_free(e->checklist);
    pt__visit_csv_close(imp->csv);
    pt__visit_xml_close(imp->xml);
    pt__arena_free(imp->arena);
}

/* The day in UTC, days_ahead from now, as YYYY-MM-DD. A visit may be dated up to a day ahead:
 * an inspector in Papua (UTC+9) records "today" before UTC has reached it. */
static void day_utc(int days_ahead, char out[11])
{
    time_t t = time(NULL) + (time_t)days_ahead * 24 * 60 * 60;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static int import_buffer(importer *imp, const char *buf, size_t len, pt_visit_import_result *result)
{
    /* told apart by content, not by name: spreadsheets save under any name */
    size_t i = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n')) i++;
    if (i == len) return pt__error(PT_EINVALID, "%s: the file is empty: no visits", imp->source);
    int rc = buf[i] == '<' ? pt__visit_xml_open(&imp->xml, imp->source, buf, len)
                           : pt__visit_csv_open(&imp->csv, imp->source, buf, len);
    if (rc != 0) return rc;

    if ((rc = run_pass(imp, 0, result)) != 0) return rc;
    if (imp->n_visits == 0) return pt__error(PT_EINVALID, "%s: no visits in the file", imp->source);
    if (imp->n_errors) return report(imp);

    if (imp->csv) rc = pt__visit_csv_rewind(imp->csv);
    else pt__visit_xml_rewind(imp->xml);
    if (rc != 0) return rc;
    /* The write pass runs without triggers: it writes only the rows of visits it creates in
     * its own transaction, which no trigger can object to (no decision can name a visit that
     * did not exist; the first step of a new visit starts from nothing), and it writes their
     * audit entries itself (pt__audit_visit, pt__audit_step), as the triggers would. That
     * spares SQLite a trigger call per answer row, most of the cost of the decided-visit locks
     * (tests/bench/README.md). Every other writer meets the triggers: they are back on before
     * this returns, whatever happened, and the statements prepared meanwhile expire with it. */
    if ((rc = pt__triggers_enable(imp->ctx, 0)) != 0) return rc;
    rc = prepare_inserts(imp);
    if (rc == 0) rc = pt__begin(imp->ctx);
    if (rc == 0) rc = run_pass(imp, 1, result);
    if (rc == 0) rc = pt__commit(imp->ctx);
    if (rc != 0) {
        pt__rollback(imp->ctx);
        memset(result, 0, sizeof *result);
    }
    int on = pt__triggers_enable(imp->ctx, 1);
    return rc ? rc : on;
}

int pt_visit_import(pt_ctx *ctx, const char *path, const pt_visit_defaults *defaults,
                    pt_visit_import_result *result)
{
    pt_visit_import_result ignored;
    if (!result) result = &ignored;
    memset(result, 0, sizeof *result);
    int denied = pt__authz(ctx, PT_ACT_VISIT_IMPORT);
    if (denied) return denied;

    importer *imp = calloc(1, sizeof *imp);
    if (!imp || !(imp->arena = pt__arena_new())) {
        free(imp);
        return pt__error(PT_ENOMEM, "out of memory");
    }
    imp->ctx = ctx;
    imp->source = path;
    imp->defaults = defaults;
    day_utc(0, imp->today);
    day_utc(1, imp->tomorrow);
    pt__now_utc(imp->created_at);

    char *buf = NULL;
    size_t len = 0;
    int rc = pt__read_file(path, VISIT_MAX_BYTES, &buf, &len);
    if (rc == 0) rc = import_buffer(imp, buf, len, result);
    importer_done(imp);
    free(buf);
    free(imp);
    if (rc == 0) pt__error_clear();
    return rc;
}

/* ---- reading back ---- */

/* The visit and everything it points to live in one arena, found again through this wrapper
 * (pub first, so a pt_visit * is also a stored_visit *). */
typedef struct stored_visit {
    pt_visit pub;
    pt__arena *arena;
} stored_visit;

void pt_visit_free(pt_visit *visit)
{
    if (visit) pt__arena_free(((stored_visit *)visit)->arena);
}

static const char *column_text(pt__arena *arena, sqlite3_stmt *stmt, int i, int *ok)
{
    const unsigned char *s = sqlite3_column_text(stmt, i);
    if (!s) return NULL;
    const char *copy = pt__arena_strndup(arena, (const char *)s, (size_t)sqlite3_column_bytes(stmt, i));
    if (!copy) *ok = 0;
    return copy;
}

static int read_team(pt_ctx *ctx, stored_visit *sv, int *ok)
{
    sqlite3_stmt *stmt;
    int rc = pt__prepare(ctx, &stmt, "SELECT name, agency, role FROM visit_team WHERE visit_id = ?1 "
                                     "ORDER BY position");
    if (rc != 0) return rc;
    sqlite3_bind_int64(stmt, 1, sv->pub.id);
    pt_team_member *team = NULL;
    size_t n = 0, cap = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *ok) {
        if (!(team = grow(sv->arena, team, n, &cap, sizeof *team))) { *ok = 0; break; }
        team[n].name = column_text(sv->arena, stmt, 0, ok);
        team[n].agency = column_text(sv->arena, stmt, 1, ok);
        team[n].role = column_text(sv->arena, stmt, 2, ok);
        n++;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) rc = pt__error_sqlite(ctx->db, rc, "reading a visit's team");
    else rc = PT_OK;
    sqlite3_finalize(stmt);
    sv->pub.team = team;
    sv->pub.n_team = n;
    return rc;
}

static int read_answers(pt_ctx *ctx, stored_visit *sv, int *ok)
{
    sqlite3_stmt *stmt;
    int rc = pt__prepare(ctx, &stmt, "SELECT item_id, value, na, note FROM answer "
                                     "WHERE visit_id = ?1 ORDER BY position");
    if (rc != 0) return rc;
    sqlite3_bind_int64(stmt, 1, sv->pub.id);
    pt_answer *answers = NULL;
    size_t n = 0, cap = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *ok) {
        if (!(answers = grow(sv->arena, answers, n, &cap, sizeof *answers))) { *ok = 0; break; }
        pt_answer *a = &answers[n++];
        a->item_id = column_text(sv->arena, stmt, 0, ok);
        a->value = column_text(sv->arena, stmt, 1, ok);
        a->na = sqlite3_column_int(stmt, 2);
        a->note = column_text(sv->arena, stmt, 3, ok);
        a->line = 0;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) rc = pt__error_sqlite(ctx->db, rc, "reading a visit's answers");
    else rc = PT_OK;
    sqlite3_finalize(stmt);
    sv->pub.answers = answers;
    sv->pub.n_answers = n;
    return rc;
}

int pt_visit_get(pt_ctx *ctx, int64_t id, pt_visit **out)
{
    *out = NULL;
    pt__arena *arena = pt__arena_new();
    stored_visit *sv = arena ? pt__arena_alloc(arena, sizeof *sv) : NULL;
    if (!sv) {
        pt__arena_free(arena);
        return pt__error(PT_ENOMEM, "out of memory");
    }
    sv->arena = arena;

    sqlite3_stmt *stmt;
    int rc = pt__prepare(ctx, &stmt,
                         "SELECT v.id, v.institution_id, i.name, cv.checklist_id, cv.version, "
                         "v.visit_date, v.visit_type, v.notes, v.created_at "
                         "FROM visit v JOIN institution i ON i.id = v.institution_id "
                         "JOIN checklist_version cv ON cv.id = v.checklist_version_id "
                         "WHERE v.id = ?1");
    if (rc != 0) {
        pt__arena_free(arena);
        return rc;
    }
    sqlite3_bind_int64(stmt, 1, id);
    int ok = 1;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        pt_visit *v = &sv->pub;
        v->id = sqlite3_column_int64(stmt, 0);
        v->institution_id = sqlite3_column_int64(stmt, 1);
        v->institution_name = column_text(arena, stmt, 2, &ok);
        v->checklist_id = column_text(arena, stmt, 3, &ok);
        v->checklist_version = column_text(arena, stmt, 4, &ok);
        v->date = column_text(arena, stmt, 5, &ok);
        v->type = column_text(arena, stmt, 6, &ok);
        v->notes = column_text(arena, stmt, 7, &ok);
        v->created_at = column_text(arena, stmt, 8, &ok);
        rc = PT_OK;
    } else if (rc == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "visit %lld not found", (long long)id);
    } else {
        rc = pt__error_sqlite(ctx->db, rc, "reading a visit");
    }
    sqlite3_finalize(stmt);
    if (rc == 0) rc = read_team(ctx, sv, &ok);
    if (rc == 0) rc = read_answers(ctx, sv, &ok);
    if (rc == 0 && !ok) rc = pt__error(PT_ENOMEM, "out of memory");
    if (rc != 0) {
        pt__arena_free(arena);
        return rc;
    }
    *out = &sv->pub;
    return PT_OK;
}

int pt_visit_foreach(pt_ctx *ctx, int64_t institution_id,
                     int (*cb)(const pt_visit_summary *summary, void *payload), void *payload)
{
    sqlite3_stmt *stmt;
    int rc = pt__prepare(ctx, &stmt,
                         "SELECT v.id, v.institution_id, i.name, cv.checklist_id, cv.version, "
                         "v.visit_date, v.visit_type, "
                         "(SELECT count(*) FROM answer a WHERE a.visit_id = v.id), "
                         "s.visit_id IS NOT NULL, s.total, s.maximum, s.grade, "
                         "(SELECT count(*) FROM score_flag f WHERE f.visit_id = v.id), "
                         "(SELECT to_state FROM visit_transition t WHERE t.visit_id = v.id "
                         " ORDER BY t.id DESC LIMIT 1) "
                         "FROM visit v JOIN institution i ON i.id = v.institution_id "
                         "JOIN checklist_version cv ON cv.id = v.checklist_version_id "
                         "LEFT JOIN score s ON s.visit_id = v.id "
                         "WHERE ?1 <= 0 OR v.institution_id = ?1 "
                         "ORDER BY v.visit_date, v.id");
    if (rc != 0) return rc;
    sqlite3_bind_int64(stmt, 1, institution_id);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        pt_visit_summary s;
        memset(&s, 0, sizeof s);
        s.id = sqlite3_column_int64(stmt, 0);
        s.institution_id = sqlite3_column_int64(stmt, 1);
        s.institution_name = (const char *)sqlite3_column_text(stmt, 2);
        s.checklist_id = (const char *)sqlite3_column_text(stmt, 3);
        s.checklist_version = (const char *)sqlite3_column_text(stmt, 4);
        s.date = (const char *)sqlite3_column_text(stmt, 5);
        s.type = (const char *)sqlite3_column_text(stmt, 6);
        s.n_answers = sqlite3_column_int(stmt, 7);
        s.scored = sqlite3_column_int(stmt, 8);
        s.total = sqlite3_column_double(stmt, 9);
        s.max = sqlite3_column_double(stmt, 10);
        s.grade = s.scored ? (const char *)sqlite3_column_text(stmt, 11) : "";
        if (!s.grade) s.grade = "";
        s.n_flags = sqlite3_column_int(stmt, 12);
        s.state = PT_STATE_NONE;
        if (sqlite3_column_type(stmt, 13) != SQLITE_NULL)
            pt_visit_state_parse((const char *)sqlite3_column_text(stmt, 13), &s.state);
        int stop = cb(&s, payload);
        if (stop) {
            sqlite3_finalize(stmt);
            return stop;
        }
    }
    if (rc != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, rc, "listing visits");
    else rc = PT_OK;
    sqlite3_finalize(stmt);
    return rc;
}
