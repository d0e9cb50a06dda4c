/*
 * The store's connection: opening, the pragmas every connection needs, schema migrations, and
 * the small transaction and statement helpers the other modules share (internal.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "internal.h"
#include "migrations.h"

/* PRAGMA application_id of a pantau database ("PTAU"), set with the first migration. It lets
 * us refuse another program's SQLite file that happens to use user_version too. */
#define PANTAU_APPLICATION_ID 0x50544155

/* How long a writer waits for another writer before giving up with PT_EBUSY. */
#define BUSY_TIMEOUT_MS 5000

/* Runs one statement without parameters and, when value is not NULL, reads the first column
 * of its first row as an integer. Only for pragmas and our own constant SQL. */
static int exec_int(sqlite3 *db, const char *sql, int *value)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            if (value) *value = sqlite3_column_int(stmt, 0);
            rc = SQLITE_DONE;
        }
        if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    return rc;
}

/* Maps a failure while opening db_path. SQLITE_NOTADB is what SQLite says about a file that
 * is not a database at all (a CSV given by mistake): say it in pantau's words. */
static int open_error(sqlite3 *db, int rc, const char *db_path, const char *what)
{
    if ((rc & 0xff) == SQLITE_NOTADB)
        return pt__error(PT_EINVALID, "%s: not a pantau database", db_path);
    char context[1024];
    snprintf(context, sizeof context, "%s: %s", db_path, what);
    return pt__error_sqlite(db, rc, context);
}

/* 1 if the database has a table named `name`, 0 if not, negative on error. */
static int has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db,
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1", -1, &stmt, NULL);
    if (rc != SQLITE_OK) return -1;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Applies migration n in its own write transaction. BEGIN IMMEDIATE takes the write lock first,
 * then user_version is read again: when two processes open a new database at once, the second
 * one finds the work done and skips it instead of failing on "table already exists". */
static int apply_migration(sqlite3 *db, const char *db_path, int n)
{
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) return open_error(db, rc, db_path, "cannot start the schema migration");

    int current = 0;
    rc = exec_int(db, "PRAGMA user_version", &current);
    int done = rc == SQLITE_OK && current >= n;   /* another process applied it meanwhile */

    char *errmsg = NULL;
    if (rc == SQLITE_OK && !done) rc = sqlite3_exec(db, pt__migration_sql(n), NULL, NULL, &errmsg);
    if (rc == SQLITE_OK && !done && n == 1) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA application_id = %d", PANTAU_APPLICATION_ID);
        rc = sqlite3_exec(db, sql, NULL, NULL, &errmsg);
    }
    if (rc == SQLITE_OK && !done) {
        /* Inside the same transaction as the migration, so the version and the schema it
         * describes can never disagree after a crash. A pragma takes no bound parameters;
         * n is our own integer. */
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", n);
        rc = sqlite3_exec(db, sql, NULL, NULL, &errmsg);
    }
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &errmsg);
    if (rc != SQLITE_OK) {
        int err = pt__error((rc & 0xff) == SQLITE_BUSY ? PT_EBUSY : PT_EIO,
                            "%s: schema migration %d failed: %s", db_path, n,
                            errmsg ? errmsg : sqlite3_errmsg(db));
        sqlite3_free(errmsg);
        if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return err;
    }
    return PT_OK;
}

/* Decides whether db is a pantau database we can use, then brings it up to date. */
static int check_and_migrate(sqlite3 *db, const char *db_path, int may_create)
{
    int version = 0, app_id = 0;
    int rc = exec_int(db, "PRAGMA user_version", &version);
    if (rc == SQLITE_OK) rc = exec_int(db, "PRAGMA application_id", &app_id);
    if (rc != SQLITE_OK) return open_error(db, rc, db_path, "cannot read the schema version");

    int latest = pt__migration_count();
    if (app_id != 0 && app_id != PANTAU_APPLICATION_ID)
        return pt__error(PT_EINVALID, "%s: not a pantau database (it belongs to another program)",
                         db_path);
    if (version > latest)
        return pt__error(PT_EINVALID,
                         "%s: made by a newer pantau (schema version %d; this pantau knows up to %d): "
                         "upgrade pantau to use it", db_path, version, latest);
    if (version == 0) {
        int n_tables = 0;
        rc = exec_int(db, "SELECT count(*) FROM sqlite_schema", &n_tables);
        if (rc != SQLITE_OK) return open_error(db, rc, db_path, "cannot read the schema");
        /* Tables without a schema version are someone else's: migrating would mix our tables
         * into their database. */
        if (n_tables > 0) return pt__error(PT_EINVALID, "%s: not a pantau database", db_path);
        /* An existing empty file opened without PT_OPEN_CREATE is most likely a wrong path
         * (or a file truncated by accident): do not silently turn it into a new store. */
        if (!may_create)
            return pt__error(PT_EINVALID, "%s: not a pantau database (the file is empty; run `pantau init`)",
                             db_path);
    } else {
        int found = has_table(db, "institution");
        if (found < 0) return open_error(db, sqlite3_errcode(db), db_path, "cannot read the schema");
        if (!found) return pt__error(PT_EINVALID, "%s: not a pantau database", db_path);
    }

    for (int n = version + 1; n <= latest; n++) {
        int err = apply_migration(db, db_path, n);
        if (err) return err;
    }
    return PT_OK;
}

int pt_open(pt_ctx **out, const char *db_path, const char *scripts_dir, int flags)
{
    *out = NULL;
    if (!db_path || !*db_path) return pt__error(PT_EINVALID, "no database path given");

    struct stat st;
    if (stat(db_path, &st) != 0) {
        if (errno == ENOENT && !(flags & PT_OPEN_CREATE))
            return pt__error(PT_ENOTFOUND, "database %s does not exist (run `pantau init`)", db_path);
        if (errno != ENOENT) return pt__error(PT_EIO, "%s: %s", db_path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        return pt__error(PT_EINVALID, "%s: not a pantau database (not a regular file)", db_path);
    }

    pt_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return pt__error(PT_ENOMEM, "out of memory");
    ctx->db_path = strdup(db_path);
    ctx->scripts_dir = scripts_dir ? strdup(scripts_dir) : NULL;
    if (!ctx->db_path || (scripts_dir && !ctx->scripts_dir)) {
        pt_close(ctx);
        return pt__error(PT_ENOMEM, "out of memory");
    }

    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX; /* a pt_ctx is one thread's */
    if (flags & PT_OPEN_CREATE) oflags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(db_path, &ctx->db, oflags, NULL);
    if (rc != SQLITE_OK) {
        int err = open_error(ctx->db, rc, db_path, "cannot open");
        pt_close(ctx);
        return err;
    }
    sqlite3_extended_result_codes(ctx->db, 1);
    sqlite3_busy_timeout(ctx->db, BUSY_TIMEOUT_MS);

    /* foreign_keys is per connection and off by default in SQLite, so it is set on every open.
     * WAL lets readers (reports, exports) run while an import writes. synchronous=NORMAL is
     * safe with WAL: a commit is appended to the log and the log is synced at checkpoints, so a
     * power cut may lose the last few commits but can never corrupt the database; FULL would
     * sync on every commit for no extra integrity. */
    static const char *const pragmas[] = {
        "PRAGMA foreign_keys = ON",
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = NORMAL",
    };
    for (size_t i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++) {
        rc = exec_int(ctx->db, pragmas[i], NULL);
        if (rc != SQLITE_OK) {
            int err = open_error(ctx->db, rc, db_path, "cannot configure the connection");
            pt_close(ctx);
            return err;
        }
    }

    /* The audit triggers call these functions: every pantau connection needs them, and
     * migration 3 already uses them. */
    rc = pt__audit_register(ctx->db);
    if (rc != SQLITE_OK) {
        int err = open_error(ctx->db, rc, db_path, "cannot register the audit functions");
        pt_close(ctx);
        return err;
    }

    int err = check_and_migrate(ctx->db, db_path, flags & PT_OPEN_CREATE);
    if (err) {
        pt_close(ctx);
        return err;
    }
    *out = ctx;
    return PT_OK;
}

void pt_close(pt_ctx *ctx)
{
    if (!ctx) return;
    /* close_v2: should a caller have leaked a statement, the connection is closed when that
     * statement is finalized instead of staying open for ever. */
    if (ctx->db) sqlite3_close_v2(ctx->db);
    free(ctx->db_path);
    free(ctx->scripts_dir);
    free(ctx);
}

int pt_schema_version(pt_ctx *ctx)
{
    int version = 0;
    int rc = exec_int(ctx->db, "PRAGMA user_version", &version);
    if (rc != SQLITE_OK) return pt__error_sqlite(ctx->db, rc, "cannot read the schema version");
    return version;
}

int pt_schema_version_latest(void) { return pt__migration_count(); }

/* ---- helpers for the other modules (internal.h) ---- */

int pt__begin(pt_ctx *ctx)
{
    /* SQLite opens a write-protected file read-only without complaint and only fails at the
     * first INSERT; say what is wrong before anything starts. */
    if (sqlite3_db_readonly(ctx->db, "main") == 1)
        return pt__error(PT_EIO, "%s: the database is read-only (check the file's permissions)",
                         ctx->db_path);
    int rc = sqlite3_exec(ctx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK) return PT_OK;
    char context[1024];
    if ((rc & 0xff) == SQLITE_BUSY)
        snprintf(context, sizeof context,
                 "%s: another program kept the database busy for %d seconds; try again",
                 ctx->db_path, BUSY_TIMEOUT_MS / 1000);
    else
        snprintf(context, sizeof context, "%s: cannot start writing", ctx->db_path);
    return pt__error_sqlite(ctx->db, rc, context);
}

int pt__commit(pt_ctx *ctx)
{
    int rc = sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL);
    if (rc == SQLITE_OK) return PT_OK;
    char context[1024];
    snprintf(context, sizeof context, "%s: cannot commit", ctx->db_path);
    int err = pt__error_sqlite(ctx->db, rc, context);
    /* A failed COMMIT may leave the transaction open; undo it so the connection is usable and
     * nothing half-written is committed later by accident. */
    pt__rollback(ctx);
    return err;
}

void pt__rollback(pt_ctx *ctx)
{
    /* Only when a transaction is open, and without touching the error message: rollback runs
     * on failure paths whose message is the one the user must see. */
    if (ctx && ctx->db && !sqlite3_get_autocommit(ctx->db))
        sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
}

int pt__triggers_enable(pt_ctx *ctx, int on)
{
    int now = -1;
    int rc = sqlite3_db_config(ctx->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, on ? 1 : 0, &now);
    if (rc != SQLITE_OK || now != (on ? 1 : 0))
        return pt__error(PT_ERROR, "cannot turn the database's triggers %s", on ? "on" : "off");
    return PT_OK;
}

int pt__prepare(pt_ctx *ctx, sqlite3_stmt **stmt, const char *sql)
{
    *stmt = NULL;
    int rc = sqlite3_prepare_v2(ctx->db, sql, -1, stmt, NULL);
    if (rc == SQLITE_OK) return PT_OK;
    char context[1024];
    snprintf(context, sizeof context, "%s: cannot prepare \"%.60s%s\"", ctx->db_path, sql,
             strlen(sql) > 60 ? "..." : "");
    return pt__error_sqlite(ctx->db, rc, context);
}

int pt__checklist_version_id(pt_ctx *ctx, const char *id, const char *version, int64_t *out)
{
    /* version NULL: the most recently loaded version of id (row ids grow with each load). */
    sqlite3_stmt *stmt;
    int err = pt__prepare(ctx, &stmt,
        "SELECT id FROM checklist_version WHERE checklist_id = ?1 AND (?2 IS NULL OR version = ?2) "
        "ORDER BY id DESC LIMIT 1");
    if (err) return err;
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    if (version) sqlite3_bind_text(stmt, 2, version, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(stmt, 0);
        err = PT_OK;
    } else if (rc == SQLITE_DONE) {
        err = version ? pt__error(PT_ENOTFOUND, "checklist %s@%s is not stored; load it first", id, version)
                      : pt__error(PT_ENOTFOUND, "no version of checklist %s is stored; load it first", id);
    } else {
        err = pt__error_sqlite(ctx->db, rc, "cannot look up the checklist version");
    }
    sqlite3_finalize(stmt);
    return err;
}
