/* A scorer: one checklist's script compiled once in a sandbox, scoring visit after visit.
 *
 * Per visit the script runs in a fresh environment (sandbox.c) and gets a fresh `v` with
 * v.visit, v.institution and v.answers. v.checklist is built once per scorer and shared by
 * every visit as a deep read-only proxy: no visit can leave anything in it for the next, and
 * building it 20,000 times when re-scoring everything would cost more than the scoring.
 * The script's result is read with raw accesses only (no metamethod of the script runs while
 * pantau reads it) and checked against checklists/README.md before it becomes a pt_score.
 * The core also works out which gates the answers failed and refuses a result that ignores
 * one (check_gates): a critical item is escalated whatever the script says. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "internal.h"
#include "sandbox.h"
#include "score_internal.h"

struct pt_scorer {
    const pt_checklist *checklist;  /* borrowed: must outlive the scorer */
    pt__sandbox *sb;
    char *name;                     /* the script's file name */
    char *source;
    size_t source_len;
    char sha256[65];
    int checklist_ref;              /* the read-only v.checklist in the registry */
    /* items in checklist order, and their ids as Lua strings (registry table, 1-based): an
     * answer's stored position finds its item and key without hashing the id */
    const pt_item **items;
    int ids_ref;
    size_t *section_base;           /* index in items of each section's first item */
    unsigned char *gate_failed;     /* per item, this visit: 1 when its gate failed */
};

static const char *const severities[] = {"kritis", "tinggi", "sedang", "rendah", NULL};

pt__score_box *pt__score_box_new(void)
{
    pt__score_box *box = calloc(1, sizeof *box);
    if (!box) return NULL;
    box->arena = pt__arena_new();
    if (!box->arena) {
        free(box);
        return NULL;
    }
    box->score.grade = box->score.grade_label = box->score.valid_until = "";
    box->score.scored_at = "";
    return box;
}

/* ---- v.checklist, once per scorer ---- */

static void set_string(lua_State *L, int t, const char *key, const char *value)
{
    if (!value) return;
    lua_pushstring(L, value);
    lua_setfield(L, t, key);
}

static void set_number(lua_State *L, int t, const char *key, double value)
{
    lua_pushnumber(L, value);
    lua_setfield(L, t, key);
}

static void set_integer(lua_State *L, int t, const char *key, lua_Integer value)
{
    lua_pushinteger(L, value);
    lua_setfield(L, t, key);
}

static void set_bool(lua_State *L, int t, const char *key, int value)
{
    lua_pushboolean(L, value);
    lua_setfield(L, t, key);
}

/* Pushes a number as an integer when it is one, so scripts see 100 rather than 100.0. */
static void push_number(lua_State *L, double x)
{
    if (x == floor(x) && fabs(x) < 9.0e15)
        lua_pushinteger(L, (lua_Integer)x);
    else
        lua_pushnumber(L, x);
}

static void set_num(lua_State *L, int t, const char *key, double value)
{
    push_number(L, value);
    lua_setfield(L, t, key);
}

static void push_item(lua_State *L, const pt_item *item)
{
    lua_createtable(L, 0, 12);
    int t = lua_gettop(L);
    set_string(L, t, "id", item->id);
    set_string(L, t, "type", pt_item_type_name(item->type));
    set_num(L, t, "weight", item->weight);
    set_bool(L, t, "na_allowed", item->na_allowed);
    if (item->type == PT_ITEM_YESNO) set_string(L, t, "expect", item->expect ? item->expect : "ya");
    if (item->pass_level > 0) set_integer(L, t, "pass_level", item->pass_level);
    if (item->type == PT_ITEM_SCALE) set_integer(L, t, "levels", (lua_Integer)item->n_levels);
    if (item->type == PT_ITEM_CHOICE) {
        lua_createtable(L, 0, (int)item->n_choices);
        for (size_t i = 0; i < item->n_choices; i++) {
            push_number(L, item->choices[i].score);
            lua_setfield(L, -2, item->choices[i].value);
        }
        pt__sandbox_readonly(L);
        lua_setfield(L, t, "choices");
    }
    if (item->has_min) set_num(L, t, "min", item->min);
    if (item->has_max) set_num(L, t, "max", item->max);
    set_string(L, t, "unit", item->unit);
    if (item->gate) {
        lua_createtable(L, 0, 4);
        int g = lua_gettop(L);
        set_string(L, g, "cap", item->gate->cap);
        set_string(L, g, "severity", item->gate->severity);
        set_string(L, g, "agency", item->gate->agency);
        set_string(L, g, "message", item->gate->message);
        pt__sandbox_readonly(L);
        lua_setfield(L, t, "gate");
    }
    pt__sandbox_readonly(L);
}

static void push_checklist(lua_State *L, const pt_checklist *cl)
{
    lua_createtable(L, 0, 12);
    int t = lua_gettop(L);
    set_string(L, t, "id", cl->id);
    set_string(L, t, "version", cl->version);
    set_string(L, t, "title", cl->title);
    set_num(L, t, "max_total", cl->max_total);
    set_string(L, t, "fail_label", cl->fail_label ? cl->fail_label : "");

    lua_createtable(L, (int)cl->n_bands, 0);
    for (size_t i = 0; i < cl->n_bands; i++) {
        const pt_band *b = &cl->bands[i];
        lua_createtable(L, 0, 4);
        int bt = lua_gettop(L);
        set_string(L, bt, "grade", b->grade);
        set_string(L, bt, "label", b->label);
        set_num(L, bt, "min", b->min);
        set_integer(L, bt, "validity_years", b->validity_years);
        pt__sandbox_readonly(L);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    pt__sandbox_readonly(L);
    lua_setfield(L, t, "bands");

    lua_createtable(L, 0, (int)cl->n_params);
    for (size_t i = 0; i < cl->n_params; i++) {
        push_number(L, cl->params[i].value);
        lua_setfield(L, -2, cl->params[i].id);
    }
    pt__sandbox_readonly(L);
    lua_setfield(L, t, "params");

    lua_createtable(L, (int)cl->n_sections, 0);
    for (size_t i = 0; i < cl->n_sections; i++) {
        const pt_section *s = &cl->sections[i];
        lua_createtable(L, 0, 4);
        int st = lua_gettop(L);
        set_string(L, st, "id", s->id);
        set_string(L, st, "title", s->title);
        set_num(L, st, "weight", s->weight);
        lua_createtable(L, (int)s->n_items, 0);
        for (size_t j = 0; j < s->n_items; j++) {
            push_item(L, &s->items[j]);
            lua_rawseti(L, -2, (lua_Integer)j + 1);
        }
        pt__sandbox_readonly(L);
        lua_setfield(L, st, "items");
        pt__sandbox_readonly(L);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    pt__sandbox_readonly(L);
    lua_setfield(L, t, "sections");
    pt__sandbox_readonly(L);
}

static int build_checklist_fn(lua_State *L, void *payload)
{
    pt_scorer *s = payload;
    push_checklist(L, s->checklist);
    s->checklist_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_createtable(L, (int)s->checklist->n_items, 0);
    for (size_t i = 0; i < s->checklist->n_items; i++) {
        lua_pushstring(L, s->items[i]->id);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    s->ids_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

/* Runs the chunk once at load, so a script that fails at load or defines no score() is
 * refused by pt_scorer_new rather than at the first visit. */
static int load_check_fn(lua_State *L, void *payload)
{
    pt_scorer *s = payload;
    pt__sandbox_push_env(L);
    pt__sandbox_run_chunk(L, 1);
    lua_pushliteral(L, "score");
    if (lua_rawget(L, 1) != LUA_TFUNCTION)
        return pt__error(PT_ESCRIPT, "%s: the script does not define a global function score(v)",
                         s->name);
    return 0;
}

/* ---- the scorer ---- */

static int plain_file_name(const char *s)
{
    if (!s || !*s || s[0] == '.') return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.')) return 0;
    return 1;
}

int pt_scorer_new(pt_scorer **out, const pt_checklist *checklist, const char *scripts_dir,
                  const pt_sandbox_limits *limits)
{
    *out = NULL;
    const char *script = checklist->script;
    if (!plain_file_name(script))
        return pt__error(PT_EINVALID, "%s: script name '%s' is not a file name in the scripts "
                         "folder", checklist->source ? checklist->source : checklist->id,
                         script ? script : "");
    if (!scripts_dir)
        return pt__error(PT_ENOTFOUND, "script %s not found: no scripts folder given", script);
    pt_scorer *s = calloc(1, sizeof *s);
    if (!s) return pt__error(PT_ENOMEM, "%s: out of memory", script);
    s->checklist = checklist;
    s->checklist_ref = s->ids_ref = LUA_NOREF;
    s->name = strdup(script);
    s->items = calloc(checklist->n_items ? checklist->n_items : 1, sizeof *s->items);
    s->gate_failed = calloc(checklist->n_items ? checklist->n_items : 1, 1);
    s->section_base = calloc(checklist->n_sections ? checklist->n_sections : 1,
                             sizeof *s->section_base);
    if (!s->name || !s->items || !s->gate_failed || !s->section_base) {
        pt_scorer_free(s);
        return pt__error(PT_ENOMEM, "%s: out of memory", script);
    }

    size_t n = 0;
    for (size_t i = 0; i < checklist->n_sections; i++) {
        s->section_base[i] = n;
        for (size_t j = 0; j < checklist->sections[i].n_items && n < checklist->n_items; j++)
            s->items[n++] = &checklist->sections[i].items[j];
    }

    char path[4096];
    int w = snprintf(path, sizeof path, "%s/%s", scripts_dir, script);
    if (w < 0 || (size_t)w >= sizeof path) {
        pt_scorer_free(s);
        return pt__error(PT_EINVALID, "script %s: path too long", script);
    }
    int rc = pt__read_file(path, PT__SANDBOX_MAX_SOURCE, &s->source, &s->source_len);
    if (rc == PT_ENOTFOUND) {
        pt_scorer_free(s);
        return pt__error(PT_ENOTFOUND, "script %s not found in %s", script, scripts_dir);
    }
    if (rc == 0) {
        pt__sha256_hex(s->source, s->source_len, s->sha256);
        rc = pt__sandbox_new(&s->sb, script, scripts_dir, limits);
    }
    if (rc == 0) rc = pt__sandbox_compile(s->sb, s->source, s->source_len);
    if (rc == 0) rc = pt__sandbox_run(s->sb, build_checklist_fn, s);
    if (rc == 0) rc = pt__sandbox_run(s->sb, load_check_fn, s);
    if (rc != 0) {
        pt_scorer_free(s);
        return rc;
    }
    *out = s;
    return PT_OK;
}

void pt_scorer_free(pt_scorer *scorer)
{
    if (!scorer) return;
    pt__sandbox_free(scorer->sb);
    free(scorer->name);
    free(scorer->source);
    free(scorer->items);
    free(scorer->section_base);
    free(scorer->gate_failed);
    free(scorer);
}

const char *pt_scorer_script_sha256(const pt_scorer *scorer) { return scorer->sha256; }
const char *pt_scorer_script_source(const pt_scorer *scorer) { return scorer->source; }
const char *pt_scorer_script_name(const pt_scorer *scorer) { return scorer->name; }
pt__sandbox *pt__scorer_sandbox(pt_scorer *scorer) { return scorer->sb; }

/* ---- v, per visit ---- */

typedef struct score_job {
    pt_scorer *scorer;
    const pt_visit *visit;
    const pt_institution *institution;
    pt__answer_next next;
    void *next_payload;
    pt__score_box *box;
} score_job;

static void push_visit(lua_State *L, const pt_visit *visit)
{
    lua_createtable(L, 0, 6);
    int t = lua_gettop(L);
    set_integer(L, t, "id", (lua_Integer)visit->id);
    set_string(L, t, "date", visit->date);
    set_string(L, t, "type", visit->type);
    set_string(L, t, "notes", visit->notes);
    lua_createtable(L, (int)visit->n_team, 0);
    for (size_t i = 0; i < visit->n_team; i++) {
        const pt_team_member *m = &visit->team[i];
        lua_createtable(L, 0, 3);
        int mt = lua_gettop(L);
        set_string(L, mt, "name", m->name);
        set_string(L, mt, "agency", m->agency);
        set_string(L, mt, "role", m->role);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, t, "team");
}

/* Counts and places only: contact names and phone numbers are of no use to a score. */
static void push_institution(lua_State *L, const pt_institution *in)
{
    lua_createtable(L, 0, 16);
    int t = lua_gettop(L);
    set_integer(L, t, "id", (lua_Integer)in->id);
    set_string(L, t, "reg_no", in->reg_no);
    set_string(L, t, "name", in->name);
    set_string(L, t, "kind", in->kind);
    set_string(L, t, "owner", in->owner);
    set_string(L, t, "address", in->address);
    set_string(L, t, "kelurahan", in->kelurahan);
    set_string(L, t, "kecamatan", in->kecamatan);
    set_string(L, t, "kabupaten_kota", in->kabupaten_kota);
    set_string(L, t, "province", in->province);
    if (in->has_coords) {
        set_number(L, t, "latitude", in->latitude);
        set_number(L, t, "longitude", in->longitude);
    }
    if (in->capacity >= 0) set_integer(L, t, "capacity", in->capacity);
    if (in->children_in_care >= 0) set_integer(L, t, "children_in_care", in->children_in_care);
    set_string(L, t, "reg_status", in->reg_status);
    set_string(L, t, "reg_date", in->reg_date);
    set_string(L, t, "reg_expires", in->reg_expires);
}

/* The checklist's rule for a failed gate (checklists/README.md, "Items"), on an answered
 * value: a yesno answer other than expect, a scale level below pass-level, a choice with
 * score 0 (an unknown choice gives no credit either). It reads the value exactly as v.answers
 * shows it to the script (yesno true only for "ya"), so core and script judge the same answer.
 * N/A and unanswered never reach here: they are not failures. */
static int gate_fails(const pt_item *item, const char *value, double number)
{
    switch (item->type) {
    case PT_ITEM_YESNO: {
        int yes = strcmp(value, "ya") == 0;
        int expect_yes = !item->expect || strcmp(item->expect, "ya") == 0;
        return yes != expect_yes;
    }
    case PT_ITEM_SCALE:
        return item->pass_level > 0 && number < item->pass_level;
    case PT_ITEM_CHOICE:
        for (size_t i = 0; i < item->n_choices; i++)
            if (strcmp(item->choices[i].value, value) == 0) return item->choices[i].score == 0;
        return 1;
    default:
        return 0;
    }
}

/* Adds one answer to the table at index answers; ids is the index of the id strings. Also
 * records in s->gate_failed whether the answer fails the item's gate (a repeated item: the
 * last answer wins, as in the Lua table). */
static int push_answer(lua_State *L, int answers, int ids, pt_scorer *s,
                       const pt_visit *visit, const pt_answer *a, int position)
{
    const pt_item *item = NULL;
    size_t slot;             /* the item's place in s->items */
    if (a->item_id && position >= 0 && (size_t)position < s->checklist->n_items &&
        strcmp(s->items[position]->id, a->item_id) == 0) {
        item = s->items[position];
        slot = (size_t)position;
        lua_rawgeti(L, ids, position + 1);
    } else {
        const pt_section *section = NULL;
        item = a->item_id ? pt_checklist_item(s->checklist, a->item_id, &section) : NULL;
        if (!item || !section)
            return pt__error(PT_EINVALID, "visit %lld: answer for unknown item %s of %s@%s",
                             (long long)visit->id, a->item_id ? a->item_id : "(none)",
                             s->checklist->id, s->checklist->version);
        slot = s->section_base[section - s->checklist->sections] +
                (size_t)(item - section->items);
        lua_pushstring(L, item->id);
    }
    s->gate_failed[slot] = 0;
    lua_createtable(L, 0, 3);
    if (a->na || !a->value) {
        lua_pushboolean(L, a->na);
        lua_setfield(L, -2, "na");
    } else {
        double number = 0;
        switch (item->type) {
        case PT_ITEM_YESNO:
            lua_pushboolean(L, strcmp(a->value, "ya") == 0);
            break;
        case PT_ITEM_SCALE:
        case PT_ITEM_COUNT:
        case PT_ITEM_NUMBER: {
            char *end;
            double x = strtod(a->value, &end);
            if (end == a->value || *end != '\0' || !isfinite(x))
                return pt__error(PT_EINVALID, "visit %lld: item %s: '%s' is not a number",
                                 (long long)visit->id, item->id, a->value);
            push_number(L, x);
            number = x;
            break;
        }
        default:
            lua_pushstring(L, a->value);
            break;
        }
        if (item->gate) s->gate_failed[slot] = (unsigned char)gate_fails(item, a->value, number);
        lua_setfield(L, -2, "value");
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "na");
    }
    if (a->note) {
        lua_pushstring(L, a->note);
        lua_setfield(L, -2, "note");
    }
    lua_rawset(L, answers);
    return 0;
}

typedef struct array_cursor {
    const pt_visit *visit;
    size_t next;
} array_cursor;

static int array_next(void *payload, pt_answer *answer, int *position)
{
    array_cursor *c = payload;
    *position = -1;
    if (c->next >= c->visit->n_answers) return 0;
    *answer = c->visit->answers[c->next++];
    return 1;
}

/* ---- reading the result ---- */

typedef struct reader {
    lua_State *L;
    const pt_scorer *s;
    pt__arena *arena;
    char where[64];     /* "sections[2]" */
    char problem[400];
} reader;

static int bad(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(reader *r, const char *fmt, ...)
{
    char text[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (r->where[0])
        snprintf(r->problem, sizeof r->problem, "%s: %s", r->where, text);
    else
        snprintf(r->problem, sizeof r->problem, "%s", text);
    return -1;
}

/* Pushes t[key] without metamethods and returns its type. */
static int raw_field(lua_State *L, int t, const char *key)
{
    lua_pushstring(L, key);
    return lua_rawget(L, t);
}

static int read_number(reader *r, int t, const char *key, double *out)
{
    int type = raw_field(r->L, t, key);
    double x = lua_tonumber(r->L, -1);
    lua_pop(r->L, 1);
    if (type != LUA_TNUMBER) return bad(r, "%s is %s, not a number", key, lua_typename(r->L, type));
    if (!isfinite(x)) return bad(r, "%s is not a finite number", key);
    *out = x;
    return 0;
}

/* A string field into the arena; nil gives dflt (NULL: the field is required). */
static int read_string(reader *r, int t, const char *key, const char *dflt, const char **out)
{
    int type = raw_field(r->L, t, key);
    if (type == LUA_TNIL && dflt) {
        lua_pop(r->L, 1);
        *out = dflt;
        return 0;
    }
    if (type != LUA_TSTRING) {
        lua_pop(r->L, 1);
        return bad(r, "%s is %s, not a string", key, lua_typename(r->L, type));
    }
    size_t n;
    const char *s = lua_tolstring(r->L, -1, &n);
    if (memchr(s, '\0', n) || !pt__is_utf8(s, n)) {
        lua_pop(r->L, 1);
        return bad(r, "%s is not valid UTF-8 text", key);
    }
    /* Result text is shown on terminals and in reports: a control character (an ESC
     * sequence, a carriage return over a line, C1's single-character CSI) could rewrite what
     * the reader sees. Line breaks and tabs are text. The string is valid UTF-8 here, so C2
     * followed by 80..9F is U+0080..U+009F. */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            lua_pop(r->L, 1);
            return bad(r, "%s contains a control character (0x%02x)", key, c);
        }
        if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] <= 0x9f) {
            unsigned cp = (unsigned char)s[i + 1];
            lua_pop(r->L, 1);
            return bad(r, "%s contains a control character (U+%04X)", key, cp);
        }
    }
    *out = pt__arena_strndup(r->arena, s, n);
    lua_pop(r->L, 1);
    return *out ? 0 : bad(r, "out of memory");
}

/* Pushes the array field t[key] (nil allowed when optional) and returns its length, or -1. */
static long read_array(reader *r, int t, const char *key, int optional)
{
    int type = raw_field(r->L, t, key);
    if (type == LUA_TNIL && optional) return 0;
    if (type != LUA_TTABLE) {
        lua_pop(r->L, 1);
        return bad(r, "%s is %s, not a list", key, lua_typename(r->L, type));
    }
    return (long)lua_rawlen(r->L, -1);
}

static int read_sections(reader *r, int res, pt_score *score)
{
    lua_State *L = r->L;
    const pt_checklist *cl = r->s->checklist;
    long n = read_array(r, res, "sections", 0);
    if (n < 0) return -1;
    int arr = lua_gettop(L);
    if ((size_t)n > cl->n_sections)
        return bad(r, "sections has %ld entries but the checklist has %zu sections", n,
                   cl->n_sections);
    pt_section_score *out = pt__arena_alloc(r->arena, sizeof *out * (size_t)(n ? n : 1));
    if (!out) return bad(r, "out of memory");
    for (long i = 0; i < n; i++) {
        snprintf(r->where, sizeof r->where, "sections[%ld]", i + 1);
        if (lua_rawgeti(L, arr, i + 1) != LUA_TTABLE) return bad(r, "not a table");
        int e = lua_gettop(L);
        pt_section_score *ss = &out[i];
        if (read_string(r, e, "id", NULL, &ss->section_id)) return -1;
        size_t k = 0;
        while (k < cl->n_sections && strcmp(cl->sections[k].id, ss->section_id) != 0) k++;
        if (k == cl->n_sections) return bad(r, "unknown section id '%s'", ss->section_id);
        for (long j = 0; j < i; j++)
            if (strcmp(out[j].section_id, ss->section_id) == 0)
                return bad(r, "section '%s' appears twice", ss->section_id);
        if (read_number(r, e, "score", &ss->score) || read_number(r, e, "max", &ss->max))
            return -1;
        if (ss->max < 0) return bad(r, "max %g is negative", ss->max);
        if (ss->score < 0 || ss->score > ss->max + 1e-9)
            return bad(r, "score %g is outside 0..max (%g)", ss->score, ss->max);
        if (read_string(r, e, "justification", "", &ss->justification)) return -1;
        lua_settop(L, arr);
    }
    r->where[0] = '\0';
    lua_pop(L, 1);
    score->sections = out;
    score->n_sections = (size_t)n;
    return 0;
}

#define MAX_FLAGS 10000

static int read_flags(reader *r, int res, pt_score *score)
{
    lua_State *L = r->L;
    long n = read_array(r, res, "flags", 1);
    if (n < 0) return -1;
    if (n == 0) {
        lua_settop(L, res);
        return 0;
    }
    int arr = lua_gettop(L);
    if (n > MAX_FLAGS) return bad(r, "more than %d flags", MAX_FLAGS);
    pt_flag *out = pt__arena_alloc(r->arena, sizeof *out * (size_t)n);
    if (!out) return bad(r, "out of memory");
    for (long i = 0; i < n; i++) {
        snprintf(r->where, sizeof r->where, "flags[%ld]", i + 1);
        if (lua_rawgeti(L, arr, i + 1) != LUA_TTABLE) return bad(r, "not a table");
        int e = lua_gettop(L);
        pt_flag *f = &out[i];
        if (read_string(r, e, "code", NULL, &f->code)) return -1;
        if (!*f->code) return bad(r, "code is empty");
        if (read_string(r, e, "severity", NULL, &f->severity)) return -1;
        int known = 0;
        for (int k = 0; severities[k]; k++) known |= strcmp(severities[k], f->severity) == 0;
        if (!known)
            return bad(r, "unknown severity '%s' (kritis, tinggi, sedang, rendah)", f->severity);
        if (read_string(r, e, "agency", "", &f->agency) ||
            read_string(r, e, "item", "", &f->item_id) ||
            read_string(r, e, "message", "", &f->message))
            return -1;
        if (*f->item_id && !pt_checklist_item(r->s->checklist, f->item_id, NULL))
            return bad(r, "unknown item '%s'", f->item_id);
        lua_settop(L, arr);
    }
    r->where[0] = '\0';
    lua_settop(L, res);
    score->flags = out;
    score->n_flags = (size_t)n;
    return 0;
}

static const pt_band *find_band(const pt_checklist *cl, const char *grade)
{
    for (size_t i = 0; i < cl->n_bands; i++)
        if (strcmp(cl->bands[i].grade, grade) == 0) return &cl->bands[i];
    return NULL;
}

/* Checks and converts the result at index res into box. */
static int read_result(reader *r, int res, pt_score *score)
{
    lua_State *L = r->L;
    const pt_checklist *cl = r->s->checklist;
    if (lua_type(L, res) != LUA_TTABLE)
        return bad(r, "score(v) returned %s, not a table", luaL_typename(L, res));
    if (read_sections(r, res, score)) return -1;
    if (read_number(r, res, "total", &score->total) || read_number(r, res, "max", &score->max))
        return -1;
    if (score->max < 0) return bad(r, "max %g is negative", score->max);
    if (score->total < 0 || score->total > score->max + 1e-9)
        return bad(r, "total %g is outside 0..max (%g)", score->total, score->max);
    const char *grade;
    if (read_string(r, res, "grade", "", &grade)) return -1;
    if (*grade) {
        const pt_band *band = find_band(cl, grade);
        if (!band) return bad(r, "grade '%s' is not a band of %s@%s", grade, cl->id, cl->version);
        /* a script may lower a grade (a gate's cap) but never award one the total has not
         * reached */
        if (score->total < band->min - 1e-9)
            return bad(r, "grade '%s' needs a total of at least %g, not %g", grade, band->min,
                       score->total);
    }
    score->grade = grade;
    return read_flags(r, res, score);
}

/* A grade's place in the checklist's bands, highest band first (pt_checklist keeps them
 * sorted by min, highest first); "" and a cap of "none" come after every band. */
static size_t grade_rank(const pt_checklist *cl, const char *grade)
{
    for (size_t i = 0; i < cl->n_bands; i++)
        if (strcmp(cl->bands[i].grade, grade) == 0) return i;
    return cl->n_bands;
}

/* DESIGN.md: a critical item is a failure that must be escalated whatever the total. The
 * script computes caps and flags; the core only checks them, from the answers it handed over
 * (s->gate_failed) and the checklist. A result whose grade is better than the lowest cap of a
 * failed gate, or that has no flag naming a failed gate's item, is REFUSED, not fixed up: a
 * silent correction would store a grade and flags no script produced, and hide the script's
 * bug; refusing keeps the script the one place that computes and the core the one that
 * checks, and the error names the script and the item to fix. */
static int check_gates(const pt_scorer *s, const pt_score *score)
{
    const pt_checklist *cl = s->checklist;
    const pt_item *lowest = NULL;
    size_t lowest_rank = 0;
    for (size_t i = 0; i < cl->n_items; i++) {
        const pt_item *item = s->items[i];
        if (!item->gate || !s->gate_failed[i]) continue;
        size_t cap = strcmp(item->gate->cap, "none") == 0 ? cl->n_bands
                                                           : grade_rank(cl, item->gate->cap);
        if (!lowest || cap > lowest_rank) {
            lowest = item;
            lowest_rank = cap;
        }
    }
    if (!lowest) return 0;
    if (grade_rank(cl, score->grade) < lowest_rank)
        return pt__error(PT_ESCRIPT, "%s: result grade '%s' ignores failed gate %s (cap %s)",
                         s->name, score->grade, lowest->id, lowest->gate->cap);
    for (size_t i = 0; i < cl->n_items; i++) {
        const pt_item *item = s->items[i];
        if (!item->gate || !s->gate_failed[i]) continue;
        size_t k = 0;
        while (k < score->n_flags && strcmp(score->flags[k].item_id, item->id) != 0) k++;
        if (k == score->n_flags)
            return pt__error(PT_ESCRIPT, "%s: result has no flag for failed gate %s (a flag "
                             "with item = '%s', severity %s, agency %s)", s->name, item->id,
                             item->id, item->gate->severity,
                             item->gate->agency ? item->gate->agency : "");
    }
    return 0;
}

static int score_fn(lua_State *L, void *payload)
{
    score_job *job = payload;
    pt_scorer *s = job->scorer;
    pt__sandbox_push_env(L);                       /* 1: env */
    pt__sandbox_run_chunk(L, 1);
    lua_pushliteral(L, "score");
    if (lua_rawget(L, 1) != LUA_TFUNCTION)         /* 2: score */
        return pt__error(PT_ESCRIPT, "%s: the script does not define a global function score(v)",
                         s->name);

    lua_createtable(L, 0, 4);                      /* 3: v */
    push_visit(L, job->visit);
    lua_setfield(L, 3, "visit");
    if (job->institution) {
        push_institution(L, job->institution);
        lua_setfield(L, 3, "institution");
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->checklist_ref);
    lua_setfield(L, 3, "checklist");
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->ids_ref);  /* 4: item ids */
    memset(s->gate_failed, 0, s->checklist->n_items);  /* unanswered: not a failure */
    lua_createtable(L, 0, (int)s->checklist->n_items);
    int answers = lua_gettop(L);
    pt_answer a;
    int more, position;
    while ((more = job->next(job->next_payload, &a, &position)) > 0) {
        int rc = push_answer(L, answers, 4, s, job->visit, &a, position);
        if (rc) return rc;
    }
    if (more < 0) return more;
    lua_setfield(L, 3, "answers");
    lua_pop(L, 1);

    pt__sandbox_set_where(L, "in score()");
    lua_call(L, 1, 1);                             /* 2: the result */
    pt__sandbox_set_where(L, "reading the result of score()");

    reader r = {.L = L, .s = s, .arena = job->box->arena};
    if (read_result(&r, 2, &job->box->score))
        return pt__error(PT_ESCRIPT, "%s: score(v) returned a malformed result: %s", s->name,
                         r.problem);
    return check_gates(s, &job->box->score);
}

int pt__scorer_score_stream(pt_scorer *scorer, const pt_visit *visit,
                            const pt_institution *institution, pt__answer_next next,
                            void *payload, pt_score **out)
{
    *out = NULL;
    const pt_checklist *cl = scorer->checklist;
    pt__score_box *box = pt__score_box_new();
    if (!box) return pt__error(PT_ENOMEM, "%s: out of memory", scorer->name);
    score_job job = {scorer, visit, institution, next, payload, box};
    int rc = pt__sandbox_run(scorer->sb, score_fn, &job);
    pt_score *score = &box->score;
    if (rc == 0) {
        score->visit_id = visit->id;
        const pt_band *band = *score->grade ? find_band(cl, score->grade) : NULL;
        /* copied: the score may outlive the checklist (pt_score_visit frees it) */
        score->grade_label = pt__arena_strdup(box->arena, band ? band->label
                                              : (cl->fail_label ? cl->fail_label : ""));
        if (!score->grade_label) rc = pt__error(PT_ENOMEM, "out of memory");
        if (rc == 0 && band && band->validity_years > 0) {
            char until[11];
            rc = pt__date_add_years(visit->date, band->validity_years, until);
            if (rc == 0) score->valid_until = pt__arena_strdup(box->arena, until);
            else pt__error_prefix("visit %lld", (long long)visit->id);
            if (rc == 0 && !score->valid_until) rc = pt__error(PT_ENOMEM, "out of memory");
        }
        memcpy(score->checklist_sha256, cl->sha256, sizeof score->checklist_sha256);
        memcpy(score->script_sha256, scorer->sha256, sizeof score->script_sha256);
    }
    if (rc != 0) {
        pt_score_free(score);
        return rc;
    }
    *out = score;
    return PT_OK;
}

int pt_scorer_score(pt_scorer *scorer, const pt_visit *visit, const pt_institution *institution,
                    pt_score **out)
{
    array_cursor cursor = {visit, 0};
    return pt__scorer_score_stream(scorer, visit, institution, array_next, &cursor, out);
}
