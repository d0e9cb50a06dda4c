/*
 * Checklist versions in the store. The exact XML of a version is stored the first time it is
 * used, with its sha256, and never changes afterwards (a trigger in the schema enforces that):
 * a visit must be re-scored years later with exactly the text it was recorded against.
 */
#include <stdio.h>
#include <string.h>

#include "authz.h"
#include "internal.h"

/* Looks up id@version. Returns 1 with the row id and sha256 (copied into sha[65]) when stored,
 * 0 when not, or a negative error. */
static int find_version(pt_ctx *ctx, const char *id, const char *version, int64_t *row_id,
                        char sha[65])
{
    sqlite3_stmt *stmt;
    int err = pt__prepare(ctx, &stmt,
        "SELECT id, sha256 FROM checklist_version WHERE checklist_id = ?1 AND version = ?2");
    if (err) return err;
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, version, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    int found;
    if (rc == SQLITE_ROW) {
        *row_id = sqlite3_column_int64(stmt, 0);
        snprintf(sha, 65, "%s", (const char *)sqlite3_column_text(stmt, 1));
        found = 1;
    } else if (rc == SQLITE_DONE) {
        found = 0;
    } else {
        found = pt__error_sqlite(ctx->db, rc, "cannot look up the checklist version");
    }
    sqlite3_finalize(stmt);
    return found;
}

/* The stored row agrees with checklist (created = 0), or it differs: refuse. */
static int compare_stored(const pt_checklist *checklist, const char stored_sha[65])
{
    if (strcmp(stored_sha, checklist->sha256) == 0) return PT_OK;
    return pt__error(PT_EEXISTS,
                     "checklist %s@%s is already stored with different content (sha256 %.12s…, "
                     "this file %.12s…); give the changed file a new version",
                     checklist->id, checklist->version, stored_sha, checklist->sha256);
}

static int insert_version(pt_ctx *ctx, const pt_checklist *checklist, int64_t *row_id)
{
    char now[21];
    pt__now_utc(now);
    sqlite3_stmt *stmt;
    int err = pt__prepare(ctx, &stmt,
        "INSERT INTO checklist_version (checklist_id, version, title, n_items, xml, sha256, loaded_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (err) return err;
    sqlite3_bind_text(stmt, 1, checklist->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, checklist->version, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, checklist->title, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, (sqlite3_int64)checklist->n_items);
    sqlite3_bind_text64(stmt, 5, checklist->xml, checklist->xml_len, SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_text(stmt, 6, checklist->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 7, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) {
        *row_id = sqlite3_last_insert_rowid(ctx->db);
    } else {
        char context[512];
        snprintf(context, sizeof context, "cannot store checklist %s@%s", checklist->id,
                 checklist->version);
        err = pt__error_sqlite(ctx->db, rc, context);
    }
    sqlite3_finalize(stmt);
    return err;
}

int pt_checklist_store(pt_ctx *ctx, const pt_checklist *checklist, int64_t *version_id,
                       int *created)
{
    if (created) *created = 0;
    if (version_id) *version_id = 0;
    int denied = pt__authz(ctx, PT_ACT_CHECKLIST_LOAD);
    if (denied) return denied;

    /* The sha256 is the evidence the board checks later: make sure it is the hash of the bytes
     * we store, not of something else. */
    char sha[65];
    pt__sha256_hex(checklist->xml, checklist->xml_len, sha);
    if (strcmp(sha, checklist->sha256) != 0)
        return pt__error(PT_EINVALID, "%s: checklist sha256 does not match its XML", checklist->source);

    /* Join the caller's transaction when there is one (a visit import storing the version it
     * needs); otherwise write in our own. */
    int own = sqlite3_get_autocommit(ctx->db);
    int err = own ? pt__begin(ctx) : PT_OK;
    if (err) return err;

    int64_t row_id = 0;
    char stored[65];
    int found = find_version(ctx, checklist->id, checklist->version, &row_id, stored);
    if (found < 0) err = found;
    else if (found) err = compare_stored(checklist, stored);
    else err = insert_version(ctx, checklist, &row_id);

    if (err) {
        if (own) pt__rollback(ctx);
        return err;
    }
    if (own && (err = pt__commit(ctx)) != PT_OK) return err;
    if (version_id) *version_id = row_id;
    if (created) *created = !found;
    return PT_OK;
}

int pt_checklist_store_all(pt_ctx *ctx, const pt_checklist *const *checklists, size_t n,
                           int *created)
{
    if (created)
        for (size_t i = 0; i < n; i++) created[i] = 0;
    int denied = pt__authz(ctx, PT_ACT_CHECKLIST_LOAD);
    if (denied) return denied;
    /* One transaction around every pt_checklist_store (each joins it): a failure on the third
     * file must not leave the first two committed. */
    int own = sqlite3_get_autocommit(ctx->db);
    int err = own ? pt__begin(ctx) : PT_OK;
    if (err) return err;
    for (size_t i = 0; !err && i < n; i++) {
        const pt_checklist *cl = checklists[i];
        err = pt_checklist_store(ctx, cl, NULL, created ? &created[i] : NULL);
        /* Say which file failed, unless the message already does. */
        if (err && cl->source && strncmp(pt_error_last(), cl->source, strlen(cl->source)) != 0)
            pt__error_prefix("%s", cl->source);
    }
    if (!err && own) err = pt__commit(ctx);
    else if (err && own) pt__rollback(ctx);
    if (err && created)
        for (size_t i = 0; i < n; i++) created[i] = 0;
    return err;
}

int pt_checklist_fetch(pt_ctx *ctx, const char *id, const char *version, pt_checklist **out)
{
    *out = NULL;
    int64_t row_id;
    int err = pt__checklist_version_id(ctx, id, version, &row_id);
    if (err) return err;

    sqlite3_stmt *stmt;
    err = pt__prepare(ctx, &stmt, "SELECT checklist_id, version, xml FROM checklist_version WHERE id = ?1");
    if (err) return err;
    sqlite3_bind_int64(stmt, 1, row_id);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        char source[512];
        snprintf(source, sizeof source, "stored:%s@%s", (const char *)sqlite3_column_text(stmt, 0),
                 (const char *)sqlite3_column_text(stmt, 1));
        const char *xml = (const char *)sqlite3_column_text(stmt, 2);
        size_t len = (size_t)sqlite3_column_bytes(stmt, 2);
        /* The parser copies what it keeps (the model owns its xml), so the row may go after. */
        err = pt_checklist_parse(out, source, xml, len);
    } else if (rc == SQLITE_DONE) {
        err = pt__error(PT_ENOTFOUND, "checklist %s@%s is not stored", id, version ? version : "latest");
    } else {
        err = pt__error_sqlite(ctx->db, rc, "cannot read the stored checklist");
    }
    sqlite3_finalize(stmt);
    return err;
}

int pt_checklist_foreach(pt_ctx *ctx, int (*cb)(const pt_checklist_info *info, void *payload),
                         void *payload)
{
    sqlite3_stmt *stmt;
    int err = pt__prepare(ctx, &stmt,
        "SELECT c.id, c.checklist_id, c.version, c.title, c.sha256, c.loaded_at, c.n_items, "
        "       (SELECT count(*) FROM visit v WHERE v.checklist_version_id = c.id) "
        "FROM checklist_version c ORDER BY c.checklist_id, c.id");
    if (err) return err;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        pt_checklist_info info = {
            .version_id = sqlite3_column_int64(stmt, 0),
            .id = (const char *)sqlite3_column_text(stmt, 1),
            .version = (const char *)sqlite3_column_text(stmt, 2),
            .title = (const char *)sqlite3_column_text(stmt, 3),
            .sha256 = (const char *)sqlite3_column_text(stmt, 4),
            .loaded_at = (const char *)sqlite3_column_text(stmt, 5),
            .n_items = sqlite3_column_int(stmt, 6),
            .n_visits = sqlite3_column_int(stmt, 7),
        };
        int stop = cb(&info, payload);
        if (stop) {
            sqlite3_finalize(stmt);
            return stop;
        }
    }
    err = rc == SQLITE_DONE ? PT_OK : pt__error_sqlite(ctx->db, rc, "cannot list checklists");
    sqlite3_finalize(stmt);
    return err;
}
