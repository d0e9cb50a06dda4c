#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>

#include "support.h"
#include "internal.h"

const char *test_source_path(const char *relative)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", PANTAU_SOURCE_DIR, relative);
    return buf;
}

char *test_tmpdir(void)
{
    char *dir = strdup("/tmp/pantau-test-XXXXXX");
    if (!dir || !mkdtemp(dir)) fail_msg("mkdtemp failed");
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

void test_tmpdir_remove(char *dir)
{
    if (dir) nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

char *test_write_file(const char *dir, const char *name, const char *text)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) fail_msg("cannot write %s", path);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
    return path;
}

pt_ctx *test_open_db(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/test.db", dir);
    pt_ctx *ctx = NULL;
    if (pt_open(&ctx, path, test_source_path("scripts"), PT_OPEN_CREATE) != 0)
        fail_msg("pt_open: %s", pt_error_last());
    return ctx;
}

long long test_sql_int(pt_ctx *ctx, const char *sql)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(ctx->db));
    long long v = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}
