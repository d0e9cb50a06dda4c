/*
 * The audit log (migration 3): the SQL functions its triggers call, the answers' digest, the
 * walk that verifies the chain, and the list.
 *
 * Who writes it: SQLite triggers on every record table, so no C path can forget to. They call
 * pt_actor(), pt_now() and pt_audit_hash(), registered here on each pantau connection; another
 * program (the sqlite3 shell, Python) has none of them, so its writes to those tables fail
 * ("no such function: pt_now") until it drops a trigger, and verify reports a missing trigger
 * and any record that no longer equals its last audited state.
 *
 * HOW TO AUDIT A NEW TABLE: see the recipe at the top of audit.h (triggers in the table's
 * migration, a line in audited[] below, the starting point for existing rows).
 *
 * Rows one C path writes many at a time are covered by a digest in one entry instead, computed
 * in C from the values just written (the costly part of auditing was SQLite re-reading them):
 * an imported visit, its team and its answers (pt__audit_visit: one "visit" entry, so visit
 * and visit_team have no insert triggers) and a score's sections and flags (pt__audit_score).
 * Verify recomputes the digests from the tables with the SQL aggregates.
 *
 * The hash of a row is sha256 over "pantau-audit-v1" and then each of prev_hash, seq, at,
 * actor, action, entity, entity_id, before, after as "<byte length>:<bytes>" ("-" for NULL;
 * integers in decimal): length prefixes make the encoding unambiguous, so no two different
 * rows hash the same bytes.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "internal.h"
#include "audit.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
#define DEFAULT_ACTOR "local"
/* A report keeps this many messages; n_problems still counts them all. */
#define MAX_LISTED 100

/* ---- the unambiguous encoding ---- */

/* Writes v in decimal ending at end (exclusive); returns where it starts. No printf: this runs
 * for every field of every answer of an import. */
static char *decimal(uint64_t v, char *end)
{
    do *--end = (char)('0' + v % 10); while ((v /= 10) != 0);
    return end;
}

/* A sha256 fed through a buffer: the fields are a few bytes each, and one
 * crypto_hash_sha256_update per field cost more than hashing them (an import feeds five per
 * answer). The bytes hashed are the same either way. */
typedef struct sink {
    crypto_hash_sha256_state st;
    size_t n;
    unsigned char buf[1024];
} sink;

static void sink_start(sink *s, const char *tag)
{
    crypto_hash_sha256_init(&s->st);
    s->n = strlen(tag);
    memcpy(s->buf, tag, s->n);
}

static void put(sink *s, const void *bytes, size_t len)
{
    if (len > sizeof s->buf - s->n) {
        crypto_hash_sha256_update(&s->st, s->buf, s->n);
        s->n = 0;
        if (len >= sizeof s->buf) {
            crypto_hash_sha256_update(&s->st, bytes, len);
            return;
        }
    }
    memcpy(s->buf + s->n, bytes, len);
    s->n += len;
}

static void feed(sink *st, const void *bytes, size_t len)
{
    if (!bytes) {
        put(st, "-", 1);
        return;
    }
    char buf[24];
    buf[sizeof buf - 1] = ':';
    char *p = decimal(len, buf + sizeof buf - 1);
    put(st, p, (size_t)(buf + sizeof buf - p));
    put(st, bytes, len);
}

static void feed_str(sink *st, const char *s)
{
    feed(st, s, s ? strlen(s) : 0);
}

static void feed_int(sink *st, int64_t v)
{
    char buf[24];
    char *p = decimal(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, buf + sizeof buf);
    if (v < 0) *--p = '-';
    feed(st, p, (size_t)(buf + sizeof buf - p));
}

static void finish_hex(sink *st, char hex[65])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_update(&st->st, st->buf, st->n);
    st->n = 0;
    crypto_hash_sha256_final(&st->st, digest);
    sodium_bin2hex(hex, 65, digest, sizeof digest);
}

/* A double as the decimal of its IEEE-754 bits: exact, and the same in every locale (printf's
 * decimal point is not). -0.0 becomes 0.0: SQLite may store an integral REAL as an integer and
 * read it back as +0.0, so the digest of what was bound must not tell them apart. */
static void feed_double(sink *st, double d)
{
    if (d == 0) d = 0;
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    char buf[24];
    char *p = decimal(bits, buf + sizeof buf);
    feed(st, p, (size_t)(buf + sizeof buf - p));
}

/* The chain hash of one row; the SQL function and verify both use it. */
static void row_hash(const char *prev, int64_t seq, const char *at, const char *actor,
                     const char *action, const char *entity, int64_t entity_id,
                     const char *before, const char *after, char hex[65])
{
    sink st;
    sink_start(&st, "pantau-audit-v1");
    feed_str(&st, prev);
    feed_int(&st, seq);
    feed_str(&st, at);
    feed_str(&st, actor);
    feed_str(&st, action);
    feed_str(&st, entity);
    feed_int(&st, entity_id);
    feed_str(&st, before);
    feed_str(&st, after);
    finish_hex(&st, hex);
}

/* ---- the SQL functions ---- */

static const char *value_text(sqlite3_value *v)
{
    return sqlite3_value_type(v) == SQLITE_NULL ? NULL : (const char *)sqlite3_value_text(v);
}

static void fn_audit_hash(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    char hex[65];
    row_hash(value_text(argv[0]), sqlite3_value_int64(argv[1]), value_text(argv[2]),
             value_text(argv[3]), value_text(argv[4]), value_text(argv[5]),
             sqlite3_value_int64(argv[6]), value_text(argv[7]), value_text(argv[8]), hex);
    sqlite3_result_text(c, hex, 64, SQLITE_TRANSIENT);
}

static void fn_actor(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc, (void)argv;
    const char *actor = sqlite3_user_data(c);
    sqlite3_result_text(c, actor ? actor : DEFAULT_ACTOR, -1, SQLITE_TRANSIENT);
}

static void fn_now(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc, (void)argv;
    char now[21];
    pt__now_utc(now);
    sqlite3_result_text(c, now, -1, SQLITE_TRANSIENT);
}

/* pt_answers_digest(position, item_id, value, na, note): an aggregate over a visit's answers,
 * which must come in strictly increasing item_id (byte order: the answer table's primary key,
 * so the query reads them without sorting; the function checks the order rather than trusting
 * it, since the digest depends on it). */
typedef struct digest_state {
    sink st;
    int started;
    char *last_item;          /* sqlite3_malloc'd, grown as needed */
    size_t last_len, last_cap;
} digest_state;

static void digest_start(digest_state *d)
{
    sink_start(&d->st, "pantau-answers-v1");
    d->started = 1;
}

/* 1 if b comes strictly after a in byte order (SQLite's BINARY collation). */
static int bytes_increase(const char *a, size_t a_len, const char *b, size_t b_len)
{
    int cmp = memcmp(a, b, a_len < b_len ? a_len : b_len);
    return cmp < 0 || (cmp == 0 && a_len < b_len);
}

static void fn_digest_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    digest_state *d = sqlite3_aggregate_context(c, sizeof *d);
    if (!d) {
        sqlite3_result_error_nomem(c);
        return;
    }
    const char *item = value_text(argv[1]);
    size_t len = item ? (size_t)sqlite3_value_bytes(argv[1]) : 0;
    if (!item || (d->started && !bytes_increase(d->last_item, d->last_len, item, len))) {
        sqlite3_result_error(c, "pt_answers_digest: answers must come in increasing item_id", -1);
        return;
    }
    if (!d->started) digest_start(d);
    if (len + 1 > d->last_cap) {
        char *grown = sqlite3_realloc64(d->last_item, len + 32);
        if (!grown) {
            sqlite3_result_error_nomem(c);
            return;
        }
        d->last_item = grown;
        d->last_cap = len + 32;
    }
    memcpy(d->last_item, item, len);
    d->last_len = len;
    feed_int(&d->st, sqlite3_value_int64(argv[0]));
    feed(&d->st, item, len);
    feed_str(&d->st, value_text(argv[2]));
    feed_int(&d->st, sqlite3_value_int64(argv[3]));
    feed_str(&d->st, value_text(argv[4]));
}

static void fn_digest_final(sqlite3_context *c)
{
    digest_state *d = sqlite3_aggregate_context(c, 0);
    digest_state empty;
    if (d) {
        sqlite3_free(d->last_item);
        d->last_item = NULL;
    }
    if (!d || !d->started) {          /* no answers: the digest of nothing, still well defined */
        d = &empty;
        digest_start(d);
    }
    char hex[65];
    finish_hex(&d->st, hex);
    sqlite3_result_text(c, hex, 64, SQLITE_TRANSIENT);
}

/* pt_sections_digest(position, section_id, score, maximum, justification) and
 * pt_flags_digest(position, code, severity, agency, item_id, message): aggregates over one
 * score's sections or flags in strictly increasing position (checked, as for the answers).
 * sha256 over the tag (the function's user data) and each row's values, each by its type:
 * integers and text as above, reals by feed_double, NULL as "-". rows_digest_c below is the
 * same digest of the rows pt__audit_score holds in memory; the two must stay in step. */
typedef struct rows_state {
    sink st;
    int started;
    int64_t last_position;
} rows_state;


static void fn_rows_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    rows_state *d = sqlite3_aggregate_context(c, sizeof *d);
    if (!d) {
        sqlite3_result_error_nomem(c);
        return;
    }
    int64_t position = sqlite3_value_int64(argv[0]);
    if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER || (d->started && position <= d->last_position)) {
        sqlite3_result_error(c, "pt_rows_digest: rows must come in increasing position", -1);
        return;
    }
    if (!d->started) sink_start(&d->st, sqlite3_user_data(c));
    d->started = 1;
    d->last_position = position;
    feed_int(&d->st, position);
    for (int i = 1; i < argc; i++) {
        sqlite3_value *v = argv[i];
        switch (sqlite3_value_type(v)) {
        case SQLITE_INTEGER: feed_int(&d->st, sqlite3_value_int64(v)); break;
        case SQLITE_FLOAT: feed_double(&d->st, sqlite3_value_double(v)); break;
        case SQLITE_NULL: feed(&d->st, NULL, 0); break;
        case SQLITE_BLOB: feed(&d->st, sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v)); break;
        default: feed(&d->st, sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v)); break;
        }
    }
}

static void fn_rows_final(sqlite3_context *c)
{
    rows_state *d = sqlite3_aggregate_context(c, 0);
    rows_state empty;
    if (!d || !d->started) {          /* no rows: the digest of the tag alone */
        d = &empty;
        sink_start(&d->st, sqlite3_user_data(c));
    }
    char hex[65];
    finish_hex(&d->st, hex);
    sqlite3_result_text(c, hex, 64, SQLITE_TRANSIENT);
}

#define SECTIONS_TAG "pantau-sections-v1"
#define FLAGS_TAG "pantau-flags-v1"

/* INNOCUOUS: the triggers and views of the schema may call them even with trusted_schema off.
 * DETERMINISTIC only where true: the hashes, not the clock or the actor. */
#define FN_FLAGS (SQLITE_UTF8 | SQLITE_INNOCUOUS)

static int register_actor(sqlite3 *db, const char *name)
{
    char *copy = NULL;
    if (name && *name) {
        copy = sqlite3_mprintf("%s", name);
        if (!copy) return SQLITE_NOMEM;
    }
    /* Replacing the function frees the previous name (xDestroy). */
    return sqlite3_create_function_v2(db, "pt_actor", 0, FN_FLAGS, copy, fn_actor, NULL, NULL,
                                      sqlite3_free);
}

int pt__audit_register(sqlite3 *db)
{
    int rc = register_actor(db, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "pt_now", 0, FN_FLAGS, NULL, fn_now, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "pt_audit_hash", 9, FN_FLAGS | SQLITE_DETERMINISTIC,
                                        NULL, fn_audit_hash, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "pt_answers_digest", 5,
                                        FN_FLAGS | SQLITE_DETERMINISTIC, NULL, NULL,
                                        fn_digest_step, fn_digest_final, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "pt_sections_digest", 5,
                                        FN_FLAGS | SQLITE_DETERMINISTIC, (void *)SECTIONS_TAG,
                                        NULL, fn_rows_step, fn_rows_final, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "pt_flags_digest", 6,
                                        FN_FLAGS | SQLITE_DETERMINISTIC, (void *)FLAGS_TAG,
                                        NULL, fn_rows_step, fn_rows_final, NULL);
    return rc;
}

int pt__audit_set_actor(pt_ctx *ctx, const char *name)
{
    int rc = register_actor(ctx->db, name);
    if (rc != SQLITE_OK) return pt__error_sqlite(ctx->db, rc, "cannot set the audit actor");
    return PT_OK;
}

/* The digest of one visit's stored answers as the JSON an entry records; ?1 is the visit. */
#define ANSWERS_DIGEST_SQL(visit)                                                              \
    "(SELECT json_object('n_answers',count(*),'sha256',"                                    \
    "pt_answers_digest(position,item_id,value,na,note)) "                                   \
    "FROM (SELECT position,item_id,value,na,note FROM answer WHERE visit_id = " visit      \
    " ORDER BY item_id))"

static int by_item_id(const void *a, const void *b)
{
    const pt__audit_answer *x = *(const pt__audit_answer *const *)a;
    const pt__audit_answer *y = *(const pt__audit_answer *const *)b;
    return strcmp(x->item_id, y->item_id);   /* byte order, as SQLite's BINARY collation */
}

/* One insert entry, ?1 its entity_id, `after` the SQL of its JSON, written straight into
 * audit_log: the same numbering, time, actor, link and hash as the INSTEAD OF trigger of
 * audit_append (migration 3; keep the two in step), without the view, whose trigger program
 * copies each row through a temporary table first: that doubled the cost of an entry. */
#define APPEND_INSERT_SQL(entity, after)                                                       \
    "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before, after, "         \
    "prev_hash, hash) "                                                                      \
    "SELECT n.seq, n.at, n.actor, 'insert', '" entity "', ?1, NULL, n.after, n.prev, "        \
    "pt_audit_hash(n.prev, n.seq, n.at, n.actor, 'insert', '" entity "', ?1, NULL, n.after) "  \
    "FROM (SELECT coalesce((SELECT max(seq) FROM audit_log), 0) + 1 AS seq, pt_now() AS at, "  \
    "pt_actor() AS actor, coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '"  \
    ZERO_HASH "') AS prev, " after " AS after) n"

/* Writes one entry through the cached statement *cache (prepared from sql at the first call)
 * with ?1 visit_id, ?2 n1, ?3 digest1 and, when digest2 is not NULL, ?4 n2, ?5 digest2. */
static int append_entry(pt_ctx *ctx, sqlite3_stmt **cache, const char *sql, const char *what,
                        int64_t visit_id, const char *digest1, int64_t n1, const char *digest2,
                        int64_t n2)
{
    /* prepared once per import or scoring run */
    int rc = *cache ? PT_OK : pt__prepare(ctx, cache, sql);
    if (rc) return rc;
    sqlite3_stmt *stmt = *cache;
    sqlite3_bind_int64(stmt, 1, visit_id);
    sqlite3_bind_int64(stmt, 2, n1);
    sqlite3_bind_text(stmt, 3, digest1, 64, SQLITE_STATIC);
    if (digest2) {
        sqlite3_bind_int64(stmt, 4, n2);
        sqlite3_bind_text(stmt, 5, digest2, 64, SQLITE_STATIC);
    }
    int src = sqlite3_step(stmt);
    rc = src == SQLITE_DONE ? PT_OK : pt__error_sqlite(ctx->db, src, what);
    sqlite3_reset(stmt);
    if (rc) pt__error_prefix("visit %" PRId64, visit_id);
    return rc;
}

/* Appends s to out as a JSON string, escaped as SQLite's json_object escapes: '"', '\' and
 * the control characters; other bytes as they are. Only validity matters (verify compares the
 * decoded values), but the same escapes keep the entry reading like a trigger's. */
static void append_json_string(sqlite3_str *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    sqlite3_str_appendchar(out, 1, '"');
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c != '"' && c != '\\' && c >= 0x20) continue;
        sqlite3_str_append(out, run, (int)(s - run));
        run = s + 1;
        char esc[7] = {'\\', (char)c, 0};
        switch (c) {
        case '\b': esc[1] = 'b'; break;
        case '\t': esc[1] = 't'; break;
        case '\n': esc[1] = 'n'; break;
        case '\f': esc[1] = 'f'; break;
        case '\r': esc[1] = 'r'; break;
        case '"': case '\\': break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
        }
        sqlite3_str_appendall(out, esc);
    }
    sqlite3_str_append(out, run, (int)(s - run));
    sqlite3_str_appendchar(out, 1, '"');
}

/* The team as the JSON array of the visit entry: each member as the visit_team triggers
 * record a row. Returns a sqlite3_malloc'd string, or NULL when out of memory. */
static char *team_json(const pt__audited_visit *v)
{
    sqlite3_str *out = sqlite3_str_new(NULL);
    sqlite3_str_appendchar(out, 1, '[');
    for (size_t i = 0; i < v->n_team; i++) {
        const pt_team_member *m = &v->team[i];
        sqlite3_str_appendf(out, "%s{\"visit_id\":%lld,\"position\":%lld,\"name\":", i ? "," : "",
                            (long long)v->id, (long long)i);
        append_json_string(out, m->name ? m->name : "");
        sqlite3_str_appendall(out, ",\"agency\":");
        append_json_string(out, m->agency ? m->agency : "");
        sqlite3_str_appendall(out, ",\"role\":");
        if (m->role) append_json_string(out, m->role);
        else sqlite3_str_appendall(out, "null");
        sqlite3_str_appendchar(out, 1, '}');
    }
    sqlite3_str_appendchar(out, 1, ']');
    return sqlite3_str_finish(out);   /* NULL if any append ran out of memory */
}

static int bind_or_null(sqlite3_stmt *stmt, int i, const char *s)
{
    return s ? sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(stmt, i);
}

int pt__audit_visit(pt_ctx *ctx, sqlite3_stmt **cache, const pt__audited_visit *v)
{
    /* the answers come in file order; the digest wants item_id order: sort pointers */
    const pt__audit_answer *local[512];
    const pt__audit_answer **order = local;
    size_t n = v->n_answers;
    if (n > sizeof local / sizeof local[0] && !(order = malloc(n * sizeof *order)))
        return pt__error(PT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) order[i] = &v->answers[i];
    qsort(order, n, sizeof *order, by_item_id);
    sink st;
    sink_start(&st, "pantau-answers-v1");
    /* the very encoding of fn_digest_step */
    for (size_t i = 0; i < n; i++) {
        const pt__audit_answer *a = order[i];
        feed_int(&st, a->position);
        feed_str(&st, a->item_id);
        feed_str(&st, a->value);
        feed_int(&st, a->na);
        feed_str(&st, a->note);
    }
    if (order != local) free(order);
    char hex[65];
    finish_hex(&st, hex);
    char *team = team_json(v);
    if (!team) return pt__error(PT_ENOMEM, "out of memory");

    /* prepared once per import; the row's JSON is built by json_object from the values the
     * importer bound, as the visit triggers build it from the row */
    int rc = *cache ? PT_OK
                    : pt__prepare(ctx, cache, APPEND_INSERT_SQL("visit",
                          "json_object('id',?1,'institution_id',?2,'checklist_version_id',?3,"
                          "'visit_date',?4,'visit_type',?5,'notes',?6,'source',?7,"
                          "'created_at',?8,'team',json(?9),'n_answers',?10,"
                          "'answers_sha256',?11)"));
    if (rc) {
        sqlite3_free(team);
        return rc;
    }
    sqlite3_stmt *stmt = *cache;
    sqlite3_bind_int64(stmt, 1, v->id);
    sqlite3_bind_int64(stmt, 2, v->institution_id);
    sqlite3_bind_int64(stmt, 3, v->checklist_version_id);
    bind_or_null(stmt, 4, v->date);
    bind_or_null(stmt, 5, v->type);
    bind_or_null(stmt, 6, v->notes);
    bind_or_null(stmt, 7, v->source);
    bind_or_null(stmt, 8, v->created_at);
    sqlite3_bind_text(stmt, 9, team, -1, sqlite3_free);   /* the statement frees it */
    sqlite3_bind_int64(stmt, 10, (sqlite3_int64)n);
    sqlite3_bind_text(stmt, 11, hex, 64, SQLITE_STATIC);
    int src = sqlite3_step(stmt);
    rc = src == SQLITE_DONE ? PT_OK : pt__error_sqlite(ctx->db, src, "cannot audit the visit");
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);   /* hex is on this stack */
    if (rc) pt__error_prefix("visit %" PRId64, v->id);
    return rc;
}

int pt__audit_step(pt_ctx *ctx, sqlite3_stmt **cache, int64_t step_id)
{
    /* the columns and order of audit_visit_transition_insert (migration 5) */
    int rc = *cache ? PT_OK
                    : pt__prepare(ctx, cache, APPEND_INSERT_SQL("visit_transition",
                          "(SELECT json_object('id',id,'visit_id',visit_id,'from_state',from_state,"
                          "'to_state',to_state,'actor',actor,'at',at,'reason',reason) "
                          "FROM visit_transition WHERE id = ?1)"));
    if (rc) return rc;
    sqlite3_stmt *stmt = *cache;
    sqlite3_bind_int64(stmt, 1, step_id);
    int src = sqlite3_step(stmt);
    rc = src == SQLITE_DONE ? PT_OK : pt__error_sqlite(ctx->db, src, "cannot audit the visit's step");
    sqlite3_reset(stmt);
    return rc;
}

/* The score row's columns in the order of its entry (migration 3's triggers, audited[]). */
#define SCORE_COLS                                                                             \
    "visit_id,total,maximum,grade,grade_label,valid_until,checklist_sha256,script_sha256,"     \
    "scored_at"

/* The text score_store.c binds for a string: "" for NULL. */
static const char *stored(const char *s)
{
    return s ? s : "";
}

int pt__audit_score(pt_ctx *ctx, sqlite3_stmt **cache, const pt_score *score)
{
    /* the values score_store.c just bound, in the same order: positions are 1, 2, ... */
    sink st;
    char sections[65], flags[65];
    sink_start(&st, SECTIONS_TAG);
    for (size_t i = 0; i < score->n_sections; i++) {
        const pt_section_score *ss = &score->sections[i];
        feed_int(&st, (int64_t)i + 1);
        feed_str(&st, stored(ss->section_id));
        feed_double(&st, ss->score);
        feed_double(&st, ss->max);
        feed_str(&st, stored(ss->justification));
    }
    finish_hex(&st, sections);
    sink_start(&st, FLAGS_TAG);
    for (size_t i = 0; i < score->n_flags; i++) {
        const pt_flag *f = &score->flags[i];
        feed_int(&st, (int64_t)i + 1);
        feed_str(&st, stored(f->code));
        feed_str(&st, stored(f->severity));
        feed_str(&st, stored(f->agency));
        feed_str(&st, stored(f->item_id));
        feed_str(&st, stored(f->message));
    }
    finish_hex(&st, flags);
    /* the score row itself is read back: its JSON is then exactly what verify rebuilds */
    return append_entry(ctx, cache,
                        APPEND_INSERT_SQL("score",
                        "(SELECT json_object('visit_id',visit_id,'total',total,'maximum',maximum,"
                        "'grade',grade,'grade_label',grade_label,'valid_until',valid_until,"
                        "'checklist_sha256',checklist_sha256,'script_sha256',script_sha256,"
                        "'scored_at',scored_at,'n_sections',?2,'sections_sha256',?3,"
                        "'n_flags',?4,'flags_sha256',?5) FROM score WHERE visit_id = ?1)"),
                        "cannot audit the score", score->visit_id, sections,
                        (int64_t)score->n_sections, flags, (int64_t)score->n_flags);
}

/* ---- the list ---- */

int pt_audit_foreach(pt_ctx *ctx, const char *entity, int64_t entity_id,
                     int (*cb)(const pt_audit_entry *entry, void *payload), void *payload)
{
    sqlite3_stmt *stmt;
    int rc = pt__prepare(ctx, &stmt,
                         "SELECT seq, at, actor, action, entity, entity_id, before, after, "
                         "prev_hash, hash FROM audit_log "
                         "WHERE (?1 IS NULL OR entity = ?1) AND (?2 <= 0 OR entity_id = ?2) "
                         "ORDER BY seq");
    if (rc) return rc;
    if (entity) sqlite3_bind_text(stmt, 1, entity, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, entity_id);
    int src;
    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        pt_audit_entry e = {
            .seq = sqlite3_column_int64(stmt, 0),
            .at = (const char *)sqlite3_column_text(stmt, 1),
            .actor = (const char *)sqlite3_column_text(stmt, 2),
            .action = (const char *)sqlite3_column_text(stmt, 3),
            .entity = (const char *)sqlite3_column_text(stmt, 4),
            .entity_id = sqlite3_column_int64(stmt, 5),
            .before = (const char *)sqlite3_column_text(stmt, 6),
            .after = (const char *)sqlite3_column_text(stmt, 7),
            .prev_hash = (const char *)sqlite3_column_text(stmt, 8),
            .hash = (const char *)sqlite3_column_text(stmt, 9),
        };
        if ((rc = cb(&e, payload)) != 0) break;
    }
    if (rc == 0 && src != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, src, "cannot read the audit log");
    sqlite3_finalize(stmt);
    return rc;
}

/* ---- verify ---- */

/* The audited record tables: what verify compares with the log. `cols` must list the columns
 * in the order of the json_object in the table's triggers (migration 3 and later ones). */
enum { T_INSERT = 1, T_UPDATE = 2, T_DELETE = 4, T_ALL = 7 };

typedef struct audited_table {
    const char *entity, *table, *id_col;
    const char *key_col;      /* the row's own key inside the JSON, for rows a record owns */
    const char *cols;         /* comma-separated */
    int on_insert;            /* 0: inserts are covered otherwise (answers: the digest) */
    unsigned triggers;        /* which audit_<table>_<action> triggers must exist */
    const char *extra;        /* more "'key',expr" pairs of the JSON (t: the row), or NULL */
    const char *name;         /* how a problem names the record, with its id; NULL: "entity %lld" */
    unsigned how;             /* how verify compares the rows with the log: CHECK_* */
} audited_table;

/* CHECK_ROWS: each row with its own last entry (verify_table). CHECK_COLS: the same, but an
 * entry may hold more keys than the row (a visit's insert entry: its team and answers too), so
 * only the row's columns are compared. CHECK_TEAM: visit_team rows, whose insert is inside their
 * visit's entry (verify_team). */
enum { CHECK_ROWS = 0, CHECK_COLS = 1, CHECK_TEAM = 2 };

/* A score's sections and flags, as pt__audit_score records them in the score's entry. */
#define SCORE_CONTENT_SQL(v)                                                                   \
    "'n_sections',(SELECT count(*) FROM score_section WHERE visit_id = " v "),"             \
    "'sections_sha256',(SELECT pt_sections_digest(position,section_id,score,maximum,"       \
    "justification) FROM (SELECT * FROM score_section WHERE visit_id = " v                  \
    " ORDER BY position)),"                                                                 \
    "'n_flags',(SELECT count(*) FROM score_flag WHERE visit_id = " v "),"                   \
    "'flags_sha256',(SELECT pt_flags_digest(position,code,severity,agency,item_id,message) "  \
    "FROM (SELECT * FROM score_flag WHERE visit_id = " v " ORDER BY position))"

#define VISIT_COLS "id,institution_id,checklist_version_id,visit_date,visit_type,notes,source,created_at"
#define TEAM_COLS "visit_id,position,name,agency,role"

static const audited_table audited[] = {
    {"institution", "institution", "id", NULL,
     "id,reg_no,name,kind,owner,address,kelurahan,kecamatan,kabupaten_kota,province,latitude,"
     "longitude,capacity,children_in_care,reg_status,reg_date,reg_expires,contact_name,"
     "contact_phone,contact_email,created_at,updated_at", 1, T_ALL, NULL, NULL, CHECK_ROWS},
    {"checklist_version", "checklist_version", "id", NULL,
     "id,checklist_id,version,title,n_items,sha256,loaded_at", 1, T_ALL, NULL, NULL, CHECK_ROWS},
    /* a visit's insert entry is written by pt__audit_visit, with its team and answers: the
     * importer is the only writer of visits and teams, so neither has an insert trigger */
    {"visit", "visit", "id", NULL, VISIT_COLS, 1, T_UPDATE | T_DELETE, NULL, NULL, CHECK_COLS},
    {"visit_team", "visit_team", "visit_id", "position", TEAM_COLS, 1, T_UPDATE | T_DELETE, NULL,
     NULL, CHECK_TEAM},
    {"answer", "answer", "visit_id", "item_id", "visit_id,item_id,position,value,na,note", 0,
     T_UPDATE | T_DELETE, NULL, NULL, CHECK_ROWS},
    /* one entry per stored score, its sections and flags as digests (pt__audit_score): the
     * insert entry is written by that C call, not by a trigger */
    {"score", "score", "visit_id", NULL, SCORE_COLS, 1, T_UPDATE | T_DELETE,
     SCORE_CONTENT_SQL("t.visit_id"), "score of visit", CHECK_ROWS},
    /* users (migration 4): never deleted, so no delete trigger; no password hash in the log */
    {"app_user", "app_user", "id", NULL,
     "id,name,full_name,role,agency,disabled,created_at,password_changed_at", 1,
     T_INSERT | T_UPDATE, NULL, "user", CHECK_ROWS},
    /* the workflow (migration 5); visit_transition, score_override, decision, corrective_plan
     * and sanction are append-only (their update and delete triggers refuse) */
    {"visit_transition", "visit_transition", "id", NULL, "id,visit_id,from_state,to_state,actor,at,reason", 1, T_INSERT, NULL, NULL, CHECK_ROWS},
    {"visit_assignment", "visit_assignment", "id", NULL, "id,visit_id,item_id,agency,assigned_by,assigned_at", 1, T_ALL, NULL, NULL, CHECK_ROWS},
    {"member_answer", "member_answer", "id", NULL, "id,visit_id,item_id,user_id,value,na,note,recorded_at", 1, T_ALL, NULL, NULL, CHECK_ROWS},
    {"reconciliation", "reconciliation", "id", NULL, "id,visit_id,item_id,value,na,reason,reconciled_by,reconciled_at", 1, T_ALL, NULL, NULL, CHECK_ROWS},
    {"score_override", "score_override", "id", NULL, "id,visit_id,target,section_id,computed,overridden,rationale,overridden_by,overridden_at", 1, T_INSERT, NULL, NULL, CHECK_ROWS},
    {"review", "review", "id", NULL, "id,visit_id,kind,reopens,status,quorum,opened_by,opened_at,reason,closed_by,closed_at,close_reason", 1, T_INSERT | T_UPDATE, NULL, NULL, CHECK_ROWS},
    {"panel_member", "panel_member", "id", NULL, "id,review_id,user_id,conflict,declaration,declared_at,vote,voted_at", 1, T_ALL, NULL, NULL, CHECK_ROWS},
    {"decision", "decision", "id", NULL, "id,review_id,visit_id,institution_id,kind,outcome,outcome_label,conditions,valid_from,valid_until,panel_size,votes_cast,quorum,votes,evidence,evidence_sha256,supersedes,decided_by,decided_at", 1, T_INSERT, NULL, NULL, CHECK_ROWS},
    {"finding", "finding", "id", NULL, "id,institution_id,visit_id,item_id,flag_code,severity,agency,description,due_date,status,created_by,created_at,escalated_at,closed_by_visit,closed_by,closed_at", 1, T_INSERT | T_UPDATE, NULL, NULL, CHECK_ROWS},
    {"corrective_plan", "corrective_plan", "id", NULL, "id,finding_id,action,responsible,target_date,created_by,created_at", 1, T_INSERT, NULL, NULL, CHECK_ROWS},
    {"sanction", "sanction", "id", NULL, "id,institution_id,step,level,reason,visit_id,finding_id,agency,issued_by,issued_at", 1, T_INSERT, NULL, NULL, CHECK_ROWS},
};

static const char *const guard_triggers[] = {
    "audit_log_no_update", "audit_log_no_delete", "audit_append_insert",
    /* the rules that keep evidence immutable (migrations 1, 4 and 5) */
    "checklist_version_immutable", "app_user_first_is_admin", "app_user_never_deleted",
    "visit_transition_from_current", "visit_transition_no_update", "visit_transition_no_delete",
    "score_override_no_update", "score_override_no_delete", "review_closes_once",
    "review_no_delete", "panel_member_insert_open", "panel_member_update_open",
    "decision_needs_open_review", "decision_no_update",
    "decision_no_delete", "visit_locked_update", "visit_locked_delete", "visit_team_locked_insert",
    "visit_team_locked_update", "visit_team_locked_delete", "answer_locked_insert",
    "answer_locked_update", "answer_locked_delete", "score_locked_insert", "score_locked_update",
    "score_locked_delete", "score_section_locked_insert", "score_section_locked_update",
    "score_section_locked_delete", "score_flag_locked_insert", "score_flag_locked_update",
    "score_flag_locked_delete", "member_answer_locked_insert", "member_answer_locked_update",
    "member_answer_locked_delete", "visit_assignment_locked_insert",
    "visit_assignment_locked_update", "visit_assignment_locked_delete",
    "reconciliation_locked_insert", "reconciliation_locked_update", "reconciliation_locked_delete",
    "score_override_locked_insert", "script_version_immutable", "finding_closed_immutable",
    "finding_no_delete", "corrective_plan_no_update", "corrective_plan_no_delete",
    "sanction_no_update", "sanction_no_delete",
    "decision_never_replaced", "review_never_replaced", "visit_transition_never_replaced",
    "score_override_never_replaced", "finding_never_replaced", "corrective_plan_never_replaced",
    "sanction_never_replaced", "audit_log_never_replaced", "checklist_version_never_replaced",
    "visit_never_replaced", "institution_never_replaced", "app_user_never_replaced",
    "finding_once_never_replaced", "script_version_never_replaced", "panel_member_conflict_final",
    /* migration 5's second reading */
    "member_answer_never_replaced", "visit_assignment_never_replaced", "reconciliation_never_replaced",
    "panel_member_never_replaced", "member_answer_key_fixed", "visit_assignment_key_fixed",
    "reconciliation_key_fixed", "panel_member_key_fixed", "app_user_key_fixed",
    "institution_key_fixed", "checklist_version_no_delete", "script_version_no_delete",
    "institution_no_delete", "panel_member_no_delete",
};

static int add_problem(pt_audit_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int add_problem(pt_audit_report *r, const char *fmt, ...)
{
    r->n_problems++;
    if (r->n_problems > MAX_LISTED) return PT_OK;
    char **grown = realloc(r->problems, r->n_problems * sizeof *grown);
    if (!grown) return pt__error(PT_ENOMEM, "out of memory");
    r->problems = grown;
    va_list ap;
    va_start(ap, fmt);
    char *msg = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    char *copy = msg ? strdup(msg) : NULL;
    sqlite3_free(msg);
    if (!copy) {
        r->n_problems--;
        return pt__error(PT_ENOMEM, "out of memory");
    }
    r->problems[r->n_problems - 1] = copy;
    return PT_OK;
}

void pt_audit_report_clear(pt_audit_report *report)
{
    if (!report) return;
    size_t listed = report->n_problems < MAX_LISTED ? report->n_problems : MAX_LISTED;
    for (size_t i = 0; i < listed; i++) free(report->problems[i]);
    free(report->problems);
    memset(report, 0, sizeof *report);
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

/* The chain: numbering, links and each row's hash, in seq order. */
static int verify_chain(pt_ctx *ctx, pt_audit_report *r)
{
    sqlite3_stmt *s;
    int rc = pt__prepare(ctx, &s,
                         "SELECT seq, at, actor, action, entity, entity_id, before, after, "
                         "prev_hash, hash FROM audit_log ORDER BY seq");
    if (rc) return rc;
    int64_t expected = 1;
    char prev[65] = ZERO_HASH;
    int src;
    while (rc == 0 && (src = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0);
        const char *at = col_text(s, 1), *actor = col_text(s, 2), *action = col_text(s, 3);
        const char *entity = col_text(s, 4);
        int64_t entity_id = sqlite3_column_int64(s, 5);
        const char *prev_hash = col_text(s, 8), *hash = col_text(s, 9);
        r->n_entries++;
        int gap = seq != expected;
        if (gap)
            rc = seq - 1 == expected
                     ? add_problem(r, "audit log row %lld is missing: deleted", (long long)expected)
                     : add_problem(r, "audit log rows %lld-%lld are missing: deleted",
                                   (long long)expected, (long long)(seq - 1));
        else if (strcmp(prev_hash, prev) != 0)
            rc = add_problem(r, "audit log row %lld (%s %s %lld at %s by %s): its link to row %lld "
                             "does not match: the rows before it were changed or replaced",
                             (long long)seq, action, entity, (long long)entity_id, at, actor,
                             (long long)(seq - 1));
        char hex[65];
        row_hash(prev_hash, seq, at, actor, action, entity, entity_id, col_text(s, 6),
                 col_text(s, 7), hex);
        if (rc == 0 && strcmp(hex, hash) != 0)
            rc = add_problem(r, "audit log row %lld (%s %s %lld at %s by %s): hash does not match: "
                             "the row was edited", (long long)seq, action, entity,
                             (long long)entity_id, at, actor);
        snprintf(prev, sizeof prev, "%s", hash);
        expected = seq + 1;
        r->head_seq = seq;
        snprintf(r->head_hash, sizeof r->head_hash, "%s", hash);
    }
    if (rc == 0 && src != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, src, "cannot read the audit log");
    sqlite3_finalize(s);
    return rc;
}

static int trigger_exists(pt_ctx *ctx, const char *name, int *exists)
{
    sqlite3_stmt *s;
    int rc = pt__prepare(ctx, &s, "SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND name = ?1");
    if (rc) return rc;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int src = sqlite3_step(s);
    *exists = src == SQLITE_ROW;
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, src, "cannot read the schema");
    sqlite3_finalize(s);
    return rc;
}

static int verify_triggers(pt_ctx *ctx, pt_audit_report *r)
{
    static const char *const actions[] = {"insert", "update", "delete"};
    char name[128];
    int exists, rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof guard_triggers / sizeof guard_triggers[0]; i++) {
        rc = trigger_exists(ctx, guard_triggers[i], &exists);
        if (rc == 0 && !exists) rc = add_problem(r, "trigger %s is missing", guard_triggers[i]);
    }
    for (size_t t = 0; rc == 0 && t < sizeof audited / sizeof audited[0]; t++)
        for (size_t a = 0; rc == 0 && a < 3; a++) {
            if (!(audited[t].triggers & (1u << a))) continue;
            snprintf(name, sizeof name, "audit_%s_%s", audited[t].table, actions[a]);
            rc = trigger_exists(ctx, name, &exists);
            if (rc == 0 && !exists) rc = add_problem(r, "trigger %s is missing", name);
        }
    return rc;
}

/* "name, capacity": the keys whose values differ between two JSON objects (malloc'd). */
static char *changed_keys(const char *logged, const char *now)
{
    json_t *a = json_loads(logged ? logged : "{}", 0, NULL);
    json_t *b = json_loads(now ? now : "{}", 0, NULL);
    char buf[512] = "";
    size_t used = 0;
    if (json_is_object(a) && json_is_object(b)) {
        const char *key;
        json_t *value;
        json_object_foreach(b, key, value) {
            if (json_equal(value, json_object_get(a, key))) continue;
            int n = snprintf(buf + used, sizeof buf - used, "%s%s", used ? ", " : "", key);
            if (n < 0 || (size_t)n >= sizeof buf - used) break;
            used += (size_t)n;
        }
    }
    json_decref(a);
    json_decref(b);
    return strdup(used ? buf : "its content");
}

/* "visit 3 (position 2)" or "institution 7". */
static void record_name(char *buf, size_t size, const audited_table *t, int64_t id,
                        const char *key)
{
    if (t->key_col)
        snprintf(buf, size, "%s of visit %" PRId64 " (%s %s)", t->entity, id, t->key_col,
                 key ? key : "?");
    else
        snprintf(buf, size, "%s %" PRId64, t->name ? t->name : t->entity, id);
}

/* Builds "json_object('a',t.a,'b',t.b<,extra>)" from a column list, into a sqlite3_mprintf
 * string; with from, the same object of the columns inside the JSON text from
 * ("json_object('a',json_extract(from,'$.a'),...)"): an entry's values rebuilt by the very
 * json_object that builds the row's, so equal values give equal text whatever the entry's
 * escapes or extra keys. */
static char *json_expr(const char *cols, const char *extra, const char *from)
{
    char *out = sqlite3_mprintf("json_object(");
    const char *p = cols;
    int first = 1;
    while (out && *p) {
        size_t n = strcspn(p, ",");
        char *next = from ? sqlite3_mprintf("%s%s'%.*s',json_extract(%s,'$.%.*s')", out,
                                            first ? "" : ",", (int)n, p, from, (int)n, p)
                          : sqlite3_mprintf("%s%s'%.*s',t.%.*s", out, first ? "" : ",", (int)n, p,
                                            (int)n, p);
        sqlite3_free(out);
        out = next;
        first = 0;
        p += n + (p[n] == ',');
    }
    if (!out) return NULL;
    char *done = sqlite3_mprintf("%s%s%s)", out, extra ? "," : "", extra ? extra : "");
    sqlite3_free(out);
    return done;
}

/* The last audited state of each visit_team row (visit_id, position, seq, after; after NULL
 * when deleted): its last visit_team entry, or its element of the team array of its visit's
 * last insert entry, whichever is later. A visit's insert (or delete) entry starts its team
 * afresh: visit_team entries before it no longer count. ?1 is 'visit_team'. */
#define TEAM_LATEST_CTE                                                                        \
    "WITH base AS (SELECT entity_id AS visit_id, max(seq) AS seq, after FROM audit_log "       \
    "  WHERE entity = 'visit' AND action IN ('insert','delete') GROUP BY entity_id), "         \
    "logged (visit_id, position, seq, after) AS ("                                            \
    "  SELECT b.visit_id, json_extract(e.value, '$.position'), b.seq, e.value "               \
    "    FROM base b, json_each(b.after, '$.team') e "                                        \
    "  UNION ALL SELECT a.entity_id, json_extract(coalesce(a.after, a.before), '$.position'), " \
    "    a.seq, a.after FROM audit_log a WHERE a.entity = ?1 "                                \
    "    AND a.seq > coalesce((SELECT seq FROM base WHERE visit_id = a.entity_id), 0)), "     \
    "latest AS (SELECT visit_id, position, max(seq) AS seq, after FROM logged "               \
    "  GROUP BY visit_id, position) "

/* Every stored record equals its last audited state, and every record the log says exists
 * does. The SQL is built from audited[] (our own constants, never input). */
static int verify_table(pt_ctx *ctx, const audited_table *t, pt_audit_report *r)
{
    char *expr = json_expr(t->cols, t->extra, NULL);
    if (!expr) return pt__error(PT_ENOMEM, "out of memory");
    /* the last entry's state as verify compares it with the row */
    char *logged = t->how == CHECK_ROWS ? sqlite3_mprintf("l.after") : json_expr(t->cols, NULL, "l.after");
    if (!logged) {
        sqlite3_free(expr);
        return pt__error(PT_ENOMEM, "out of memory");
    }
    char key_match_b[160] = "", key_match_t[160] = "", key_sel[96] = "NULL";
    if (t->key_col) {
        snprintf(key_match_b, sizeof key_match_b,
                 " AND json_extract(coalesce(a.after, a.before), '$.%s') = t.%s", t->key_col, t->key_col);
        snprintf(key_sel, sizeof key_sel, "t.%s", t->key_col);
    }
    char *sql = t->how == CHECK_TEAM
        ? sqlite3_mprintf(TEAM_LATEST_CTE
              "SELECT t.visit_id, t.position, %s, l.seq, NULL, "
              "CASE WHEN l.after IS NOT NULL THEN %s END FROM visit_team t "
              "LEFT JOIN latest l ON l.visit_id = t.visit_id AND l.position = t.position "
              "ORDER BY 1, 2", expr, logged)
        : sqlite3_mprintf(
              "SELECT t.%s, %s, %s, l.seq, l.action, CASE WHEN l.after IS NOT NULL THEN %s END "
              "FROM %s t LEFT JOIN audit_log l ON l.seq = "
              "(SELECT a.seq FROM audit_log a WHERE a.entity = ?1 AND a.entity_id = t.%s%s "
              "ORDER BY a.seq DESC LIMIT 1) ORDER BY 1, 2",
              t->id_col, key_sel, expr, logged, t->table, t->id_col, key_match_b);
    sqlite3_free(expr);
    sqlite3_free(logged);
    if (!sql) return pt__error(PT_ENOMEM, "out of memory");
    sqlite3_stmt *s;
    int rc = pt__prepare(ctx, &s, sql);
    sqlite3_free(sql);
    if (rc) return rc;
    sqlite3_bind_text(s, 1, t->entity, -1, SQLITE_STATIC);
    char name[160];
    int src;
    while (rc == 0 && (src = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        record_name(name, sizeof name, t, id, col_text(s, 1));
        const char *now = col_text(s, 2), *after = col_text(s, 5);
        if (sqlite3_column_type(s, 3) == SQLITE_NULL) {
            /* answers are inserted without a row of their own: the digest covers them */
            if (t->on_insert)
                rc = add_problem(r, "%s has no audit entry: it was written with the audit "
                                 "triggers dropped%s", name,
                                 t->triggers & T_INSERT ? "" : " or by another program");
        } else if (!after) {
            rc = add_problem(r, "%s exists but the audit log recorded its deletion (row %lld): "
                             "it was put back without an audit entry", name,
                             (long long)sqlite3_column_int64(s, 3));
        } else if (strcmp(after, now) != 0) {
            char *keys = changed_keys(after, now);
            rc = add_problem(r, "%s: %s differs from its last audited state (audit log row %lld): "
                             "changed without an audit entry", name, keys ? keys : "its content",
                             (long long)sqlite3_column_int64(s, 3));
            free(keys);
        }
    }
    if (rc == 0 && src != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, src, "cannot check the audit log");
    sqlite3_finalize(s);
    if (rc) return rc;

    /* records the log says exist that are gone */
    if (t->key_col) {
        snprintf(key_match_b, sizeof key_match_b,
                 " AND json_extract(coalesce(b.after, b.before), '$.%s') = json_extract(a.after, '$.%s')",
                 t->key_col, t->key_col);
        snprintf(key_match_t, sizeof key_match_t, " AND t.%s = json_extract(a.after, '$.%s')",
                 t->key_col, t->key_col);
        snprintf(key_sel, sizeof key_sel, "json_extract(a.after, '$.%s')", t->key_col);
    }
    sql = t->how == CHECK_TEAM
        ? sqlite3_mprintf(TEAM_LATEST_CTE
              "SELECT l.visit_id, l.position, l.seq FROM latest l WHERE l.after IS NOT NULL "
              "AND NOT EXISTS (SELECT 1 FROM visit_team t WHERE t.visit_id = l.visit_id "
              "AND t.position = l.position) ORDER BY l.seq")
        : sqlite3_mprintf(
        "SELECT a.entity_id, %s, a.seq FROM audit_log a WHERE a.entity = ?1 AND a.after IS NOT NULL "
        "AND a.seq = (SELECT max(b.seq) FROM audit_log b WHERE b.entity = a.entity "
        "AND b.entity_id = a.entity_id%s) "
        "AND NOT EXISTS (SELECT 1 FROM %s t WHERE t.%s = a.entity_id%s) ORDER BY a.seq",
        key_sel, key_match_b, t->table, t->id_col, key_match_t);
    if (!sql) return pt__error(PT_ENOMEM, "out of memory");
    rc = pt__prepare(ctx, &s, sql);
    sqlite3_free(sql);
    if (rc) return rc;
    sqlite3_bind_text(s, 1, t->entity, -1, SQLITE_STATIC);
    while (rc == 0 && (src = sqlite3_step(s)) == SQLITE_ROW) {
        record_name(name, sizeof name, t, sqlite3_column_int64(s, 0), col_text(s, 1));
        rc = add_problem(r, "%s is missing: deleted without an audit entry (last audited in "
                         "row %lld)", name, (long long)sqlite3_column_int64(s, 2));
    }
    if (rc == 0 && src != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, src, "cannot check the audit log");
    sqlite3_finalize(s);
    return rc;
}

/* Each visit's answers against the latest digest the log holds for it: its visit's insert
 * entry (pt__audit_visit) or a later "visit.answers" entry (the answer triggers). */
static int verify_answers(pt_ctx *ctx, pt_audit_report *r)
{
    sqlite3_stmt *s;
    int rc = pt__prepare(ctx, &s,
        "SELECT v.id, " ANSWERS_DIGEST_SQL("v.id") ", l.seq, "
        "CASE l.entity WHEN 'visit' THEN json_object('n_answers',json_extract(l.after,'$.n_answers'),"
        "'sha256',json_extract(l.after,'$.answers_sha256')) ELSE l.after END, "
        "EXISTS (SELECT 1 FROM visit WHERE id = v.id) "
        "FROM (SELECT id FROM visit UNION SELECT entity_id FROM audit_log "
        "      WHERE entity = 'visit.answers' OR (entity = 'visit' AND action = 'insert')) v "
        "LEFT JOIN audit_log l ON l.seq = max("
        "  coalesce((SELECT max(seq) FROM audit_log WHERE entity = 'visit.answers' "
        "            AND entity_id = v.id), 0), "
        "  coalesce((SELECT max(seq) FROM audit_log WHERE entity = 'visit' "
        "            AND entity_id = v.id AND action = 'insert'), 0)) "
        "ORDER BY v.id");
    if (rc) return rc;
    int src;
    while (rc == 0 && (src = sqlite3_step(s)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(s, 0);
        const char *now = col_text(s, 1), *logged = col_text(s, 3);
        if (sqlite3_column_type(s, 2) == SQLITE_NULL)
            rc = add_problem(r, "visit %lld: its answers have no audited digest: the visit was "
                             "written with the audit triggers dropped", id);
        else if (!logged || strcmp(logged, now) != 0)
            rc = add_problem(r, "visit %lld: answers differ from their audited digest (audit log "
                             "row %lld)%s", id, (long long)sqlite3_column_int64(s, 2),
                             sqlite3_column_int(s, 4) ? "" : "; the visit itself is gone");
    }
    if (rc == 0 && src != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, src, "cannot check the answers");
    sqlite3_finalize(s);
    return rc;
}

/* Sections or flags without their score: the score's entry cannot cover them (possible only
 * with foreign keys off, as in another program). */
static int verify_orphans(pt_ctx *ctx, pt_audit_report *r)
{
    sqlite3_stmt *s;
    int rc = pt__prepare(ctx, &s,
        "SELECT visit_id FROM score_section WHERE visit_id NOT IN (SELECT visit_id FROM score) "
        "UNION SELECT visit_id FROM score_flag WHERE visit_id NOT IN (SELECT visit_id FROM score) "
        "ORDER BY 1");
    if (rc) return rc;
    int src;
    while (rc == 0 && (src = sqlite3_step(s)) == SQLITE_ROW)
        rc = add_problem(r, "visit %lld has score sections or flags but no score: they were "
                         "written without an audit entry", (long long)sqlite3_column_int64(s, 0));
    if (rc == 0 && src != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, src, "cannot check the scores");
    sqlite3_finalize(s);
    return rc;
}

int pt_audit_verify(pt_ctx *ctx, pt_audit_report *report)
{
    memset(report, 0, sizeof *report);
    /* One read transaction: a writer committing half-way through must not look like tampering. */
    int own = sqlite3_get_autocommit(ctx->db);
    if (own) {
        int src = sqlite3_exec(ctx->db, "BEGIN", NULL, NULL, NULL);
        if (src != SQLITE_OK) return pt__error_sqlite(ctx->db, src, "cannot read the audit log");
    }
    int rc = verify_chain(ctx, report);
    if (rc == 0) rc = verify_triggers(ctx, report);
    for (size_t t = 0; rc == 0 && t < sizeof audited / sizeof audited[0]; t++)
        rc = verify_table(ctx, &audited[t], report);
    if (rc == 0) rc = verify_answers(ctx, report);
    if (rc == 0) rc = verify_orphans(ctx, report);
    if (own) sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}
