/*
 * Users, passwords and login tokens. Passwords are hashed with argon2id (libsodium's
 * crypto_pwhash_str_alg, interactive limits); a login token is shown once and only its sha256
 * is stored, with an expiry. Who may do what is not decided here but in authz.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "audit.h"
#include "authz.h"

#define NAME_MAX_LEN 64
#define TEXT_MAX_LEN 128
#define PASSWORD_MIN_LEN 8
#define PASSWORD_MAX_LEN 1024
#define TOKEN_SECRET_BYTES 32

/* Verified when the user name is unknown, so that an unknown name and a wrong password take
 * the same time (same algorithm and limits as real hashes). It is never stored, so whatever
 * password it matches opens nothing. */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$P1OBTlB+1sW9DLqideZyfw$"
    "AwraOjsiuxDePnR+NLSc6FXV/PBM50IDojhlzY2lqyM";

static const char *const role_names[] = {"", "admin", "inspector", "assessor", "board",
                                         "officer"};
static const char *const role_titles[] = {"", "administrator", "inspector", "assessor",
                                          "board member", "agency officer"};
#define N_ROLES ((int)(sizeof role_names / sizeof role_names[0]))

const char *pt_role_name(pt_role role)
{
    return (int)role > 0 && (int)role < N_ROLES ? role_names[role] : "?";
}

const char *pt_role_title(pt_role role)
{
    return (int)role > 0 && (int)role < N_ROLES ? role_titles[role] : "?";
}

int pt_role_parse(const char *name, pt_role *out)
{
    for (int i = 1; i < N_ROLES; i++)
        if (name && strcmp(name, role_names[i]) == 0) {
            *out = (pt_role)i;
            return PT_OK;
        }
    return pt__error(PT_EINVALID,
                     "unknown role '%s' (roles: admin, inspector, assessor, board, officer)",
                     name ? name : "");
}

static int sodium_ready(void)
{
    /* sodium_init is idempotent and thread-safe; it picks the fastest implementations. */
    if (sodium_init() < 0) return pt__error(PT_ERROR, "libsodium could not be initialised");
    return PT_OK;
}

int pt__set_user(pt_ctx *ctx, int64_t id, pt_role role, const char *name, const char *agency,
                 const char *full_name)
{
    /* The audit log's triggers record this name as the actor of what follows. */
    int rc = pt__audit_set_actor(ctx, name);
    if (rc) return rc;
    ctx->user_id = id;
    ctx->user_role = (int)role;
    snprintf(ctx->user_name, sizeof ctx->user_name, "%s", name);
    snprintf(ctx->user_agency, sizeof ctx->user_agency, "%s", agency);
    snprintf(ctx->user_full_name, sizeof ctx->user_full_name, "%s", full_name ? full_name : "");
    return PT_OK;
}

static int check_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > NAME_MAX_LEN)
        return pt__error(PT_EINVALID, "a user name has 1 to %d characters", NAME_MAX_LEN);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 (i > 0 && (c == '.' || c == '_' || c == '-'));
        if (!ok)
            return pt__error(PT_EINVALID,
                             "user name '%s': use lower-case letters, digits, '.', '_' and '-' "
                             "(starting with a letter or digit)", name);
    }
    return PT_OK;
}

/* Text stored with a user (agency, full name): UTF-8, no control characters, bounded. */
static int check_text(const char *what, const char *s, int required)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0) return required ? pt__error(PT_EINVALID, "%s is required", what) : PT_OK;
    if (n > TEXT_MAX_LEN)
        return pt__error(PT_EINVALID, "%s is longer than %d bytes", what, TEXT_MAX_LEN);
    if (!pt__is_utf8(s, n)) return pt__error(PT_EINVALID, "%s is not UTF-8", what);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return pt__error(PT_EINVALID, "%s holds a control character", what);
    return PT_OK;
}

static int check_password(const char *password)
{
    size_t n = password ? strlen(password) : 0;
    if (n < PASSWORD_MIN_LEN)
        return pt__error(PT_EINVALID, "a password has at least %d characters", PASSWORD_MIN_LEN);
    if (n > PASSWORD_MAX_LEN)
        return pt__error(PT_EINVALID, "a password has at most %d bytes", PASSWORD_MAX_LEN);
    return PT_OK;
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES])
{
    int rc = sodium_ready();
    if (rc) return rc;
    if (crypto_pwhash_str_alg(out, password, strlen(password),
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return pt__error(PT_ENOMEM, "out of memory while hashing the password");
    return PT_OK;
}

/* Runs a one-row-changing statement; sets *changes. */
static int step_done(pt_ctx *ctx, sqlite3_stmt *st, const char *what)
{
    int step = sqlite3_step(st);
    if (step != SQLITE_DONE) return pt__error_sqlite(ctx->db, step, what);
    return PT_OK;
}

static int count_query(pt_ctx *ctx, const char *sql, int64_t *n)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, sql);
    if (rc) return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) *n = sqlite3_column_int64(st, 0);
    else rc = pt__error_sqlite(ctx->db, step, "reading the users");
    sqlite3_finalize(st);
    return rc;
}

int pt_user_count(pt_ctx *ctx, int64_t *n)
{
    return count_query(ctx, "SELECT count(*) FROM app_user", n);
}

int pt_user_add(pt_ctx *ctx, const char *name, pt_role role, const char *agency,
                const char *full_name, const char *password, int64_t *id)
{
    int rc = pt__authz(ctx, PT_ACT_USER_ADMIN);
    if (rc) return rc;
    if ((rc = check_name(name)) || (rc = check_text("the agency", agency, 1)) ||
        (rc = check_text("the full name", full_name, 0)) || (rc = check_password(password)))
        return rc;
    if ((int)role <= 0 || (int)role >= N_ROLES)
        return pt__error(PT_EINVALID, "user '%s': unknown role %d", name, (int)role);

    char hash[crypto_pwhash_STRBYTES];
    if ((rc = hash_password(password, hash))) return rc; /* before the write lock */

    if ((rc = pt__begin(ctx))) return rc;
    int64_t n_users = 0;
    rc = pt_user_count(ctx, &n_users);
    if (!rc && n_users == 0 && role != PT_ROLE_ADMIN)
        rc = pt__error(PT_EINVALID,
                       "user '%s': the first user must be an administrator (--role admin): "
                       "only an administrator can add the others", name);
    int64_t existing = 0;
    sqlite3_stmt *st = NULL;
    if (!rc) rc = pt__prepare(ctx, &st, "SELECT count(*) FROM app_user WHERE name = ?1");
    if (!rc) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) existing = sqlite3_column_int64(st, 0);
        else rc = pt__error_sqlite(ctx->db, step, "reading the users");
        sqlite3_finalize(st);
        st = NULL;
        if (!rc && existing) rc = pt__error(PT_EEXISTS, "user '%s' already exists", name);
    }
    if (!rc)
        rc = pt__prepare(ctx, &st,
                         "INSERT INTO app_user (name, full_name, role, agency, password_hash, "
                         "created_at, password_changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
    if (!rc) {
        char now[21];
        pt__now_utc(now);
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (full_name && *full_name) sqlite3_bind_text(st, 2, full_name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, pt_role_name(role), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, agency, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, now, -1, SQLITE_TRANSIENT);
        rc = step_done(ctx, st, "storing the user");
        sqlite3_finalize(st);
    }
    if (!rc) rc = pt__commit(ctx);
    if (rc) {
        pt__rollback(ctx);
        return rc;
    }
    if (id) *id = sqlite3_last_insert_rowid(ctx->db);
    return PT_OK;
}

/* Ends every login token of a user (new password, disabled). */
static int end_tokens(pt_ctx *ctx, int64_t user_id)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "DELETE FROM login_token WHERE user_id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, user_id);
    rc = step_done(ctx, st, "ending the user's login tokens");
    sqlite3_finalize(st);
    return rc;
}

/* The stored user named name: id, role, disabled. PT_ENOTFOUND when there is none. */
static int find_user(pt_ctx *ctx, const char *name, int64_t *id, pt_role *role, int *disabled)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT id, role, disabled FROM app_user WHERE name = ?1");
    if (rc) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        pt_role_parse((const char *)sqlite3_column_text(st, 1), role);
        *disabled = sqlite3_column_int(st, 2);
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "no user '%s'", name);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the users");
    }
    sqlite3_finalize(st);
    return rc;
}

int pt_user_set_password(pt_ctx *ctx, const char *name, const char *password)
{
    /* Anyone authenticated may change their own password; another's needs an administrator. */
    int own = ctx->user_id != 0 && name && strcmp(name, ctx->user_name) == 0;
    int rc = own ? PT_OK : pt__authz(ctx, PT_ACT_USER_ADMIN);
    if (rc) return rc;
    if ((rc = check_password(password))) return rc;
    char hash[crypto_pwhash_STRBYTES];
    if ((rc = hash_password(password, hash))) return rc;

    if ((rc = pt__begin(ctx))) return rc;
    int64_t id = 0;
    pt_role role;
    int disabled;
    rc = find_user(ctx, name ? name : "", &id, &role, &disabled);
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = pt__prepare(ctx, &st,
                         "UPDATE app_user SET password_hash = ?2, password_changed_at = ?3 "
                         "WHERE id = ?1");
    if (!rc) {
        char now[21];
        pt__now_utc(now);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
        rc = step_done(ctx, st, "storing the password");
        sqlite3_finalize(st);
    }
    if (!rc) rc = end_tokens(ctx, id);
    if (!rc) rc = pt__commit(ctx);
    if (rc) pt__rollback(ctx);
    return rc;
}

int pt_user_disable(pt_ctx *ctx, const char *name)
{
    int rc = pt__authz(ctx, PT_ACT_USER_ADMIN);
    if (rc) return rc;
    if ((rc = pt__begin(ctx))) return rc;
    int64_t id = 0, admins = 0;
    pt_role role = PT_ROLE_NONE;
    int disabled = 0;
    rc = find_user(ctx, name ? name : "", &id, &role, &disabled);
    if (!rc && !disabled && role == PT_ROLE_ADMIN) {
        rc = count_query(ctx, "SELECT count(*) FROM app_user WHERE role = 'admin' AND disabled = 0",
                         &admins);
        if (!rc && admins <= 1)
            rc = pt__error(PT_EINVALID,
                           "user '%s' is the last enabled administrator: add another one first",
                           name);
    }
    sqlite3_stmt *st = NULL;
    if (!rc) rc = pt__prepare(ctx, &st, "UPDATE app_user SET disabled = 1 WHERE id = ?1");
    if (!rc) {
        sqlite3_bind_int64(st, 1, id);
        rc = step_done(ctx, st, "disabling the user");
        sqlite3_finalize(st);
    }
    if (!rc) rc = end_tokens(ctx, id);
    if (!rc) rc = pt__commit(ctx);
    if (rc) pt__rollback(ctx);
    return rc;
}

int pt_user_foreach(pt_ctx *ctx, int (*cb)(const pt_user_info *user, void *payload),
                    void *payload)
{
    int rc = pt__authz(ctx, PT_ACT_USER_ADMIN);
    if (rc) return rc;
    sqlite3_stmt *st;
    rc = pt__prepare(ctx, &st,
                     "SELECT id, name, full_name, role, agency, disabled, created_at "
                     "FROM app_user ORDER BY name");
    if (rc) return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pt_user_info u = {0};
        u.id = sqlite3_column_int64(st, 0);
        u.name = (const char *)sqlite3_column_text(st, 1);
        u.full_name = (const char *)sqlite3_column_text(st, 2);
        pt_role_parse((const char *)sqlite3_column_text(st, 3), &u.role);
        u.agency = (const char *)sqlite3_column_text(st, 4);
        u.disabled = sqlite3_column_int(st, 5);
        u.created_at = (const char *)sqlite3_column_text(st, 6);
        if ((rc = cb(&u, payload)) != 0) break;
    }
    if (!rc && step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading the users");
    sqlite3_finalize(st);
    return rc;
}

/* Loads the user with id into ctx (after a password or token was checked). */
static int become(pt_ctx *ctx, sqlite3_stmt *row)
{
    pt_role role = PT_ROLE_NONE;
    if (pt_role_parse((const char *)sqlite3_column_text(row, 2), &role))
        return pt__error(PT_EINVALID, "a stored user has an unknown role");
    char name[NAME_MAX_LEN + 1], agency[TEXT_MAX_LEN + 1], full_name[TEXT_MAX_LEN + 1];
    const char *fn = (const char *)sqlite3_column_text(row, 4);
    int64_t id = sqlite3_column_int64(row, 0);
    snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(row, 1));
    snprintf(agency, sizeof agency, "%s", (const char *)sqlite3_column_text(row, 3));
    snprintf(full_name, sizeof full_name, "%s", fn ? fn : "");
    /* The audit actor cannot change while a statement runs: finish this one first. */
    sqlite3_reset(row);
    return pt__set_user(ctx, id, role, name, agency, fn ? full_name : NULL);
}

#define USER_COLUMNS "u.id, u.name, u.role, u.agency, u.full_name, u.disabled"

int pt_authenticate_password(pt_ctx *ctx, const char *name, const char *password)
{
    int rc = sodium_ready();
    if (rc) return rc;
    if (!name) name = "";
    if (!password) password = "";
    sqlite3_stmt *st;
    rc = pt__prepare(ctx, &st,
                     "SELECT " USER_COLUMNS ", u.password_hash FROM app_user u WHERE u.name = ?1");
    if (rc) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = pt__error_sqlite(ctx->db, step, "reading the users");
        sqlite3_finalize(st);
        return rc;
    }
    /* Verify a hash whether or not the user exists: the same work, the same time. */
    const char *hash = step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 6) : dummy_hash;
    int right = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    if (step != SQLITE_ROW || !right) {
        rc = pt__error(PT_EDENIED, "wrong user name or password");
    } else if (sqlite3_column_int(st, 5)) {
        rc = pt__error(PT_EDENIED, "user '%s' is disabled", name);
    } else {
        rc = become(ctx, st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* "YYYY-MM-DDTHH:MM:SSZ" for t into buf[21]. */
static void iso_utc(time_t t, char buf[21])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A token is "<row id>.<64 hex>": the id finds the row, the secret is compared in constant
 * time with the stored sha256, so lookup time says nothing about the secret. */
static int parse_token(const char *token, int64_t *id, char secret_sha[65])
{
    const char *dot = token ? strchr(token, '.') : NULL;
    if (!dot || dot == token || dot - token > 18 || strlen(dot + 1) != 2 * TOKEN_SECRET_BYTES)
        return -1;
    int64_t v = 0;
    for (const char *p = token; p < dot; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (*p - '0');
    }
    *id = v;
    pt__sha256_hex(dot + 1, 2 * TOKEN_SECRET_BYTES, secret_sha);
    return 0;
}

int pt_login(pt_ctx *ctx, const char *name, const char *password, char **token)
{
    *token = NULL;
    int rc = pt_authenticate_password(ctx, name, password);
    if (rc) return rc;

    unsigned char secret[TOKEN_SECRET_BYTES];
    char secret_hex[2 * TOKEN_SECRET_BYTES + 1], secret_sha[65];
    randombytes_buf(secret, sizeof secret);
    sodium_bin2hex(secret_hex, sizeof secret_hex, secret, sizeof secret);
    sodium_memzero(secret, sizeof secret);
    pt__sha256_hex(secret_hex, strlen(secret_hex), secret_sha);

    char now[21], expires[21];
    time_t t = time(NULL);
    iso_utc(t, now);
    iso_utc(t + PT_TOKEN_LIFETIME_HOURS * 3600, expires);

    if ((rc = pt__begin(ctx))) return rc;
    sqlite3_stmt *st = NULL;
    /* Expired tokens are of no use to anyone: drop them while we write anyway. */
    rc = pt__prepare(ctx, &st, "DELETE FROM login_token WHERE expires_at <= ?1");
    if (!rc) {
        sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
        rc = step_done(ctx, st, "removing expired tokens");
        sqlite3_finalize(st);
    }
    if (!rc)
        rc = pt__prepare(ctx, &st,
                         "INSERT INTO login_token (user_id, token_sha256, created_at, expires_at) "
                         "VALUES (?1, ?2, ?3, ?4)");
    if (!rc) {
        sqlite3_bind_int64(st, 1, ctx->user_id);
        sqlite3_bind_text(st, 2, secret_sha, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, expires, -1, SQLITE_STATIC);
        rc = step_done(ctx, st, "storing the login token");
        sqlite3_finalize(st);
    }
    int64_t id = sqlite3_last_insert_rowid(ctx->db);
    if (!rc) rc = pt__commit(ctx);
    if (rc) {
        pt__rollback(ctx);
        sodium_memzero(secret_hex, sizeof secret_hex);
        return rc;
    }
    size_t size = 24 + sizeof secret_hex;
    *token = malloc(size);
    if (*token) snprintf(*token, size, "%lld.%s", (long long)id, secret_hex);
    sodium_memzero(secret_hex, sizeof secret_hex);
    return *token ? PT_OK : pt__error(PT_ENOMEM, "out of memory");
}

/* The token's row, checked: on success *st is positioned on the joined user row (columns
 * USER_COLUMNS, then expires_at) and belongs to the caller (finalize). */
static int find_token(pt_ctx *ctx, const char *token, int fail_code, sqlite3_stmt **out,
                      int64_t *token_id)
{
    *out = NULL;
    int64_t id;
    char secret_sha[65];
    if (parse_token(token, &id, secret_sha) != 0)
        return pt__error(fail_code, "not a pantau login token (run `pantau login` for one)");
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT " USER_COLUMNS ", t.expires_at, t.token_sha256 "
                         "FROM login_token t JOIN app_user u ON u.id = t.user_id WHERE t.id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = pt__error_sqlite(ctx->db, step, "reading the login tokens");
        sqlite3_finalize(st);
        return rc;
    }
    const char *stored = step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 7) : NULL;
    if (!stored || strlen(stored) != 64 || sodium_memcmp(stored, secret_sha, 64) != 0) {
        sqlite3_finalize(st);
        return pt__error(fail_code, "unknown login token (run `pantau login` for a new one)");
    }
    *out = st;
    *token_id = id;
    return PT_OK;
}

int pt_authenticate_token(pt_ctx *ctx, const char *token)
{
    sqlite3_stmt *st;
    int64_t id;
    int rc = find_token(ctx, token, PT_EDENIED, &st, &id);
    if (rc) return rc;
    char now[21];
    iso_utc(time(NULL), now);
    const char *expires = (const char *)sqlite3_column_text(st, 6);
    if (strcmp(expires, now) <= 0)
        rc = pt__error(PT_EDENIED, "login token expired at %s (run `pantau login` again)", expires);
    else if (sqlite3_column_int(st, 5))
        rc = pt__error(PT_EDENIED, "user '%s' is disabled", (const char *)sqlite3_column_text(st, 1));
    else
        rc = become(ctx, st);
    sqlite3_finalize(st);
    return rc;
}

int pt_logout(pt_ctx *ctx, const char *token)
{
    sqlite3_stmt *st;
    int64_t id;
    int rc = find_token(ctx, token, PT_ENOTFOUND, &st, &id);
    if (rc) return rc;
    sqlite3_finalize(st);
    rc = pt__prepare(ctx, &st, "DELETE FROM login_token WHERE id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = step_done(ctx, st, "ending the login token");
    sqlite3_finalize(st);
    return rc;
}

int pt_whoami(pt_ctx *ctx, pt_user_info *out)
{
    memset(out, 0, sizeof *out);
    if (ctx->user_id == 0) {
        int rc = pt__authz(ctx, PT_ACT_READ); /* fails when the database has users */
        if (rc) return rc;
        out->name = "local";
        out->full_name = "the local administrator (no users: single-user mode)";
        out->role = PT_ROLE_ADMIN;
        out->agency = "";
        return PT_OK;
    }
    out->id = ctx->user_id;
    out->name = ctx->user_name;
    out->full_name = ctx->user_full_name[0] ? ctx->user_full_name : NULL;
    out->role = (pt_role)ctx->user_role;
    out->agency = ctx->user_agency;
    return PT_OK;
}
