/* Helpers shared by the unit tests. Include after <cmocka.h>'s prerequisites. */
#ifndef PANTAU_TEST_SUPPORT_H
#define PANTAU_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pantau/pantau.h"

/* A path under the source tree: test_path("checklists/akreditasi-lksa.xml"). Static buffer. */
const char *test_source_path(const char *relative);
/* A fresh empty temporary folder (removed with test_tmpdir_remove). Caller frees. */
char *test_tmpdir(void);
void test_tmpdir_remove(char *dir);
/* Writes text to dir/name and returns the path (caller frees). */
char *test_write_file(const char *dir, const char *name, const char *text);
/* Opens a new database in dir (created) with the source tree's scripts folder. */
pt_ctx *test_open_db(const char *dir);
/* Runs SQL on the context's database and returns the first column of the first row as an
 * integer (for counting rows in assertions). */
long long test_sql_int(pt_ctx *ctx, const char *sql);

/* Asserts that the last error message contains needle. */
#define assert_error_contains(needle) \
    do { \
        if (!strstr(pt_error_last(), (needle))) \
            fail_msg("error \"%s\" does not contain \"%s\"", pt_error_last(), (needle)); \
    } while (0)

#endif
