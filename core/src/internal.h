/*
 * Internals shared by libpantau's modules. Not installed; not a promise to anyone.
 */
#ifndef PANTAU_INTERNAL_H
#define PANTAU_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "pantau/pantau.h"

/* ---- errors (error.c) ----
 * Sets this thread's last error and returns code, so callers can write
 *   return pt__error(PT_EINVALID, "%s:%d: item %s: ...", file, line, id); */
int pt__error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds context before the current message: "context: <old message>". Returns the last code. */
int pt__error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pt__error_clear(void);
/* Maps a SQLite failure on db to a pantau error, with `what` as context. */
int pt__error_sqlite(sqlite3 *db, int rc, const char *what);

/* ---- arena (arena.c): many small allocations freed at once, for immutable models ---- */
typedef struct pt__arena pt__arena;
pt__arena *pt__arena_new(void);
void pt__arena_free(pt__arena *arena);
void *pt__arena_alloc(pt__arena *arena, size_t size);          /* zeroed, aligned; NULL on OOM */
char *pt__arena_strdup(pt__arena *arena, const char *s);        /* NULL in -> NULL out */
char *pt__arena_strndup(pt__arena *arena, const char *s, size_t n);

/* ---- files and hashes (util.c) ---- */
/* Reads a whole regular file, refusing more than max_bytes (PT_ELIMIT). *out is
 * NUL-terminated and belongs to the caller (free). */
int pt__read_file(const char *path, size_t max_bytes, char **out, size_t *len);
/* Lower-case hex sha256 of bytes into hex[65]. */
void pt__sha256_hex(const void *bytes, size_t len, char hex[65]);
/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf[21]. */
void pt__now_utc(char buf[21]);
/* 1 if s is a valid calendar date "YYYY-MM-DD". */
int pt__is_date(const char *s);
/* date + years, same month and day (29 Feb -> 28 Feb), into out[11]. 0 or PT_EINVALID. */
int pt__date_add_years(const char *date, int years, char out[11]);
/* 1 if s is well-formed UTF-8 (len bytes). */
int pt__is_utf8(const char *s, size_t len);

/* ---- the context (store.c) ---- */
struct pt_ctx {
    sqlite3 *db;
    char *db_path;
    char *scripts_dir;        /* NULL when none given */
    /* Who the context acts as (user.c sets it, only after checking a password or token).
     * user_id 0: no one authenticated (the implicit local administrator while the database
     * has no users; authz.c decides). */
    int64_t user_id;
    int user_role;            /* pt_role */
    char user_name[65];
    char user_agency[129];
    char user_full_name[129];
};

/* Transactions: BEGIN IMMEDIATE so writers queue on the busy timeout instead of failing
 * half-way; nested calls are not supported. */
int pt__begin(pt_ctx *ctx);
int pt__commit(pt_ctx *ctx);
void pt__rollback(pt_ctx *ctx);

/* Turns the connection's triggers off (on = 0) or back on (on = 1), for a writer that writes
 * only rows no trigger can object to and writes their audit entries itself (the importer: see
 * visit.c). Statements prepared while they are off carry no trigger program; turning them back
 * on expires every prepared statement, so nothing prepared meanwhile runs without triggers
 * later. The caller turns them back on before it returns, whatever happens. */
int pt__triggers_enable(pt_ctx *ctx, int on);

/* Prepares sql on ctx->db, mapping failure to a pt error. */
int pt__prepare(pt_ctx *ctx, sqlite3_stmt **stmt, const char *sql);

/* Checklist version row id for id@version, or PT_ENOTFOUND. */
int pt__checklist_version_id(pt_ctx *ctx, const char *id, const char *version, int64_t *out);

#endif
