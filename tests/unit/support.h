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
/* The same with another scripts folder (a test's own scoring scripts). */
pt_ctx *test_open_db_with_scripts(const char *dir, const char *scripts_dir);
/* Rows a visit import writes (visits, answers, team members): a refused import leaves it as it
 * was. */
long long test_count_visit_rows(pt_ctx *ctx);
/* Runs SQL on the context's database and returns the first column of the first row as an
 * integer (for counting rows in assertions). */
long long test_sql_int(pt_ctx *ctx, const char *sql);

/* Asserts that the last error message contains needle. */
#define assert_error_contains(needle) \
    do { \
        if (!strstr(pt_error_last(), (needle))) \
            fail_msg("error \"%s\" does not contain \"%s\"", pt_error_last(), (needle)); \
    } while (0)

/* ---- Database fixtures ---------------------------------------------------------------- */

/* The state most database tests share: a fresh temporary folder with a database in it. Owned
 * by the test (test_fixture_setup allocates it, test_fixture_teardown frees it). instrument is
 * the shipped checklist the fixture was set up with (NULL for a plain database). */
typedef struct test_instrument test_instrument;
typedef struct test_fixture {
    char *dir;
    pt_ctx *ctx;
    const test_instrument *instrument;
} test_fixture;

/* cmocka setup and teardown: *state becomes a test_fixture with an empty database. */
int test_fixture_setup(void **state);
int test_fixture_teardown(void **state);
/* Closes ctx (may be NULL) and removes dir with everything in it (dir is freed). For fixtures
 * that keep more than a test_fixture holds. */
void test_close_db(pt_ctx *ctx, char *dir);

/* Stores a checklist and frees it; fails the test unless it was new to the database. */
void test_store_checklist(pt_ctx *ctx, pt_checklist *cl);
/* Parses xml (named source in messages) and stores it as test_store_checklist does. */
void test_store_checklist_xml(pt_ctx *ctx, const char *source, const char *xml);
/* Adds a registered LKSA with a registration number and a name, and a capacity unless NULL.
 * Returns its id. */
int64_t test_add_home(pt_ctx *ctx, const char *reg_no, const char *name, const char *capacity);
/* Reads a whole file into a NUL-terminated buffer (caller frees); len (may be NULL) receives
 * its length. Fails the test on an empty or unreadable file. */
char *test_read_file(const char *path, size_t *len);

/* ---- Shipped instruments (the golden tests under tests/unit/test_instrument_*.c) ------- */

#define TEST_MAX_SECTIONS 8

/* A shipped checklist and its sections as the golden tests expect them. */
struct test_instrument {
    const char *checklist;                        /* path under the source tree */
    size_t n_sections;
    const char *section_ids[TEST_MAX_SECTIONS];
    double section_max[TEST_MAX_SECTIONS];       /* the section weights */
};

/* cmocka setup for cmocka_unit_test_prestate_setup_teardown with the test_instrument as the
 * initial state: a test_fixture whose database holds that checklist (newly stored) and the 7
 * sample institutions of checklists/samples/institutions.csv (all added, none updated).
 * Tear down with test_fixture_teardown. */
int test_instrument_setup(void **state);

/* Imports a visit file and asserts how many visits it held (numbered consecutively). */
pt_visit_import_result test_import_visits(pt_ctx *ctx, const char *path, int n_visits);
/* The same for a file under checklists/samples/visits/. */
pt_visit_import_result test_import_sample(pt_ctx *ctx, const char *name, int n_visits);
/* Imports a sample holding exactly one visit and returns that visit's id. */
int64_t test_import_sample_visit(pt_ctx *ctx, const char *name);
/* Imports a sample holding exactly one visit and scores it (caller frees with pt_score_free). */
pt_score *test_score_sample(pt_ctx *ctx, const char *name);
/* Scores a stored visit; fails the test with the error message if scoring fails. Caller frees
 * with pt_score_free. */
pt_score *test_score_visit(pt_ctx *ctx, int64_t visit_id);

/* Scores are rounded to 2 decimals by the scripts; the stored double is the nearest double to
 * the 2-decimal figure, which is what the C literal is too. The tolerance only absorbs binary
 * noise, never a cent. */
#define assert_cents(actual, expected) assert_float_equal((actual), (expected), 1e-9)

/* Asserts the score has the instrument's sections, in order, each with its maximum and the
 * expected score (to the cent): expected holds in->n_sections figures. */
void assert_sections_of(const test_instrument *in, const pt_score *s, const double expected[]);
/* Asserts flag i of s: code, severity, agency and item exactly, and that the message contains
 * message_part. */
void assert_flag(const pt_score *s, size_t i, const char *code, const char *severity,
                 const char *agency, const char *item, const char *message_part);

#endif
