/* The store: opening, migrations, refusing what is not ours, checklist versions, and failures
 * injected while writing (a locked or read-only database). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "internal.h"
#include "audit.h"  /* pt__audit_register for the second connection */

#define CHECKLIST_HEAD \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
    "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"uji\" version=\"%s\" script=\"uji.lua\">\n" \
    "  <title>Instrumen Uji</title>\n" \
    "  <grading max=\"100\" fail-label=\"Tidak Lulus\">\n" \
    "    <band grade=\"A\" min=\"80\" label=\"Baik\" validity-years=\"3\"/>\n" \
    "  </grading>\n" \
    "  <section id=\"S1\" weight=\"100\">\n" \
    "    <title>Bagian Satu</title>\n" \
    "    <item id=\"S1.01\" type=\"yesno\" weight=\"1\"><text>%s</text></item>\n" \
    "    <item id=\"S1.02\" type=\"count\"><text>Jumlah pengasuh</text></item>\n" \
    "  </section>\n" \
    "</checklist>\n"

/* A parsed checklist uji@version whose first item reads `text`. */
static pt_checklist *make_checklist(const char *version, const char *text)
{
    char xml[2048];
    snprintf(xml, sizeof xml, CHECKLIST_HEAD, version, text);
    pt_checklist *cl = NULL;
    if (pt_checklist_parse(&cl, "uji.xml", xml, strlen(xml)) != 0)
        fail_msg("pt_checklist_parse: %s", pt_error_last());
    return cl;
}

static char *db_path(const char *dir)
{
    char *path = malloc(strlen(dir) + 16);
    sprintf(path, "%s/test.db", dir);
    return path;
}

static const char *sql_text(pt_ctx *ctx, const char *sql, char *buf, size_t size)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &stmt, NULL) != SQLITE_OK) fail_msg("%s", sqlite3_errmsg(ctx->db));
    buf[0] = '\0';
    if (sqlite3_step(stmt) == SQLITE_ROW) snprintf(buf, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return buf;
}

static void add_institution(pt_ctx *ctx, const char *reg_no, int64_t *id)
{
    pt_field f[] = {{"reg_no", reg_no}, {"name", "Panti Asuhan Uji"}, {"kind", "LKSA"},
                    {"reg_status", "registered"}};
    if (pt_institution_add(ctx, f, 4, id) != 0) fail_msg("add: %s", pt_error_last());
}

/* ---- opening ---- */

static void test_open_creates_and_migrates_a_new_database(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    pt_ctx *ctx = test_open_db(dir);
    assert_int_equal(pt_schema_version(ctx), pt_schema_version_latest());
    assert_true(pt_schema_version_latest() >= 1);
    assert_int_equal(test_sql_int(ctx, "PRAGMA user_version"), pt_schema_version_latest());
    assert_int_equal(test_sql_int(ctx, "PRAGMA foreign_keys"), 1);
    char buf[64];
    assert_string_equal(sql_text(ctx, "PRAGMA journal_mode", buf, sizeof buf), "wal");
    /* every table of ours is STRICT */
    assert_true(test_sql_int(ctx, "SELECT count(*) FROM pragma_table_list WHERE schema = 'main' "
                                  "AND type = 'table' AND name NOT LIKE 'sqlite_%'") >= 8);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM pragma_table_list WHERE schema = 'main' "
                                       "AND type = 'table' AND name NOT LIKE 'sqlite_%' AND strict = 0"), 0);
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

static void test_reopening_keeps_data_and_applies_nothing_twice(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char *path = db_path(dir);
    pt_ctx *ctx = test_open_db(dir);
    add_institution(ctx, "LKSA-1", NULL);
    pt_close(ctx);

    for (int i = 0; i < 2; i++) {
        assert_int_equal(pt_open(&ctx, path, NULL, 0), 0);
        assert_int_equal(pt_schema_version(ctx), pt_schema_version_latest());
        assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM institution"), 1);
        assert_int_equal(test_sql_int(ctx, "PRAGMA foreign_keys"), 1);
        assert_null(ctx->scripts_dir);
        pt_close(ctx);
    }
    assert_int_equal(pt_open(&ctx, path, "/some/scripts", PT_OPEN_CREATE), 0);
    assert_string_equal(ctx->scripts_dir, "/some/scripts");
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM institution"), 1);
    pt_close(ctx);
    free(path);
    test_tmpdir_remove(dir);
}

static void test_missing_file_without_create_is_not_found_and_not_created(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char *path = db_path(dir);
    pt_ctx *ctx = (pt_ctx *)1;
    assert_int_equal(pt_open(&ctx, path, NULL, 0), PT_ENOTFOUND);
    assert_null(ctx);
    char expected[4200];
    snprintf(expected, sizeof expected, "database %s does not exist (run `pantau init`)", path);
    assert_string_equal(pt_error_last(), expected);
    assert_int_equal(access(path, F_OK), -1);
    free(path);
    test_tmpdir_remove(dir);
}

static void test_a_text_file_is_not_a_pantau_database(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "lembaga.csv", "nama;kota\nPanti Asuhan;Bandung\n");
    pt_ctx *ctx = NULL;
    assert_int_equal(pt_open(&ctx, path, NULL, 0), PT_EINVALID);
    assert_null(ctx);
    char expected[4200];
    snprintf(expected, sizeof expected, "%s: not a pantau database", path);
    assert_string_equal(pt_error_last(), expected);
    /* CREATE must not turn it into one either */
    assert_int_equal(pt_open(&ctx, path, NULL, PT_OPEN_CREATE), PT_EINVALID);
    assert_error_contains("not a pantau database");
    free(path);
    test_tmpdir_remove(dir);
}

static void test_another_programs_database_is_refused_and_left_alone(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char *path = db_path(dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE contacts (name TEXT)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    pt_ctx *ctx = NULL;
    assert_int_equal(pt_open(&ctx, path, NULL, PT_OPEN_CREATE), PT_EINVALID);
    assert_error_contains("not a pantau database");

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 1);   /* still only their table */
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    free(path);
    test_tmpdir_remove(dir);
}

static void test_an_empty_file_without_create_is_refused(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "kosong.db", "");
    pt_ctx *ctx = NULL;
    assert_int_equal(pt_open(&ctx, path, NULL, 0), PT_EINVALID);
    assert_error_contains("not a pantau database (the file is empty; run `pantau init`)");
    assert_int_equal(pt_open(&ctx, path, NULL, PT_OPEN_CREATE), 0);
    assert_int_equal(pt_schema_version(ctx), pt_schema_version_latest());
    pt_close(ctx);
    free(path);
    test_tmpdir_remove(dir);
}

static void test_a_database_from_a_newer_pantau_is_refused(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char *path = db_path(dir);
    pt_ctx *ctx = test_open_db(dir);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", pt_schema_version_latest() + 1);
    assert_int_equal(sqlite3_exec(ctx->db, sql, NULL, NULL, NULL), SQLITE_OK);
    pt_close(ctx);

    ctx = NULL;
    assert_int_equal(pt_open(&ctx, path, NULL, 0), PT_EINVALID);
    assert_null(ctx);
    assert_error_contains("made by a newer pantau");
    free(path);
    test_tmpdir_remove(dir);
}

/* ---- checklist versions ---- */

static void test_storing_a_checklist_twice_stores_it_once(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    pt_ctx *ctx = test_open_db(dir);
    pt_checklist *cl = make_checklist("1", "Ada rencana program");

    int64_t id1 = 0, id2 = 0;
    int created = -1;
    assert_int_equal(pt_checklist_store(ctx, cl, &id1, &created), 0);
    assert_int_equal(created, 1);
    assert_true(id1 > 0);
    assert_int_equal(pt_checklist_store(ctx, cl, &id2, &created), 0);
    assert_int_equal(created, 0);
    assert_int_equal(id2, id1);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM checklist_version"), 1);
    assert_int_equal(test_sql_int(ctx, "SELECT n_items FROM checklist_version"), 2);
    char buf[100];
    assert_string_equal(sql_text(ctx, "SELECT sha256 FROM checklist_version", buf, sizeof buf), cl->sha256);

    pt_checklist_free(cl);
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

static void test_changed_bytes_under_the_same_version_are_refused(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    pt_ctx *ctx = test_open_db(dir);
    pt_checklist *first = make_checklist("1", "Ada rencana program");
    pt_checklist *changed = make_checklist("1", "Ada rencana program tahunan");
    assert_int_equal(pt_checklist_store(ctx, first, NULL, NULL), 0);

    int created = -1;
    int64_t id = -1;
    assert_int_equal(pt_checklist_store(ctx, changed, &id, &created), PT_EEXISTS);
    assert_int_equal(created, 0);
    assert_int_equal(id, 0);
    assert_error_contains("checklist uji@1 is already stored with different content (sha256 ");
    char prefix[16];
    snprintf(prefix, sizeof prefix, "%.12s", first->sha256);
    assert_error_contains(prefix);
    assert_error_contains("give the changed file a new version");
    /* the stored text is still the first one */
    char buf[100];
    assert_string_equal(sql_text(ctx, "SELECT sha256 FROM checklist_version", buf, sizeof buf), first->sha256);
    /* and the schema refuses to change it behind our back */
    assert_int_not_equal(sqlite3_exec(ctx->db, "UPDATE checklist_version SET title = 'x'", NULL, NULL, NULL),
                         SQLITE_OK);

    pt_checklist_free(first);
    pt_checklist_free(changed);
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

static void test_fetch_returns_the_latest_or_the_named_version(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    pt_ctx *ctx = test_open_db(dir);
    pt_checklist *v1 = make_checklist("2025.1", "Teks lama");
    pt_checklist *v2 = make_checklist("2026.1", "Teks baru");
    assert_int_equal(pt_checklist_store(ctx, v1, NULL, NULL), 0);
    assert_int_equal(pt_checklist_store(ctx, v2, NULL, NULL), 0);

    pt_checklist *got = NULL;
    assert_int_equal(pt_checklist_fetch(ctx, "uji", NULL, &got), 0);
    assert_string_equal(got->version, "2026.1");
    assert_string_equal(got->source, "stored:uji@2026.1");
    assert_string_equal(got->sha256, v2->sha256);
    assert_string_equal(got->sections[0].items[0].text, "Teks baru");
    pt_checklist_free(got);

    assert_int_equal(pt_checklist_fetch(ctx, "uji", "2025.1", &got), 0);
    assert_string_equal(got->version, "2025.1");
    assert_int_equal(got->xml_len, v1->xml_len);
    assert_memory_equal(got->xml, v1->xml, v1->xml_len);
    pt_checklist_free(got);

    assert_int_equal(pt_checklist_fetch(ctx, "uji", "1999.1", &got), PT_ENOTFOUND);
    assert_null(got);
    assert_error_contains("uji@1999.1");
    assert_int_equal(pt_checklist_fetch(ctx, "lain", NULL, &got), PT_ENOTFOUND);
    assert_error_contains("lain");

    pt_checklist_free(v1);
    pt_checklist_free(v2);
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

typedef struct seen {
    int n;
    char line[4][128];
} seen;

static int collect(const pt_checklist_info *info, void *payload)
{
    seen *s = payload;
    if (s->n < 4)
        snprintf(s->line[s->n], sizeof s->line[0], "%s@%s %s items=%d visits=%d sha=%.8s", info->id,
                 info->version, info->title, info->n_items, info->n_visits, info->sha256);
    s->n++;
    return 0;
}

static int stop_at_first(const pt_checklist_info *info, void *payload)
{
    (void)info;
    ++*(int *)payload;
    return 42;
}

static void test_foreach_lists_versions_with_their_visit_counts(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    pt_ctx *ctx = test_open_db(dir);
    pt_checklist *v1 = make_checklist("2025.1", "Teks lama");
    pt_checklist *v2 = make_checklist("2026.1", "Teks baru");
    int64_t vid1, inst;
    assert_int_equal(pt_checklist_store(ctx, v1, &vid1, NULL), 0);
    assert_int_equal(pt_checklist_store(ctx, v2, NULL, NULL), 0);
    add_institution(ctx, "LKSA-1", &inst);
    char sql[256];
    for (int i = 0; i < 2; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO visit (institution_id, checklist_version_id, visit_date, "
                 "visit_type, created_at) VALUES (%lld, %lld, '2026-03-14', 'routine', 'now')",
                 (long long)inst, (long long)vid1);
        assert_int_equal(sqlite3_exec(ctx->db, sql, NULL, NULL, NULL), SQLITE_OK);
    }

    seen s = {0};
    assert_int_equal(pt_checklist_foreach(ctx, collect, &s), 0);
    assert_int_equal(s.n, 2);
    char expected[128];
    snprintf(expected, sizeof expected, "uji@2025.1 Instrumen Uji items=2 visits=2 sha=%.8s", v1->sha256);
    assert_string_equal(s.line[0], expected);
    snprintf(expected, sizeof expected, "uji@2026.1 Instrumen Uji items=2 visits=0 sha=%.8s", v2->sha256);
    assert_string_equal(s.line[1], expected);

    int calls = 0;
    assert_int_equal(pt_checklist_foreach(ctx, stop_at_first, &calls), 42);
    assert_int_equal(calls, 1);

    pt_checklist_free(v1);
    pt_checklist_free(v2);
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

/* ---- injected failures ---- */

static void test_a_write_while_another_program_holds_the_lock_fails_cleanly(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char *path = db_path(dir);
    pt_ctx *ctx = test_open_db(dir);
    add_institution(ctx, "LKSA-1", NULL);

    sqlite3 *other;
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    /* another pantau process: the audit triggers need pantau's SQL functions */
    assert_int_equal(pt__audit_register(other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "INSERT INTO institution (name, kind, reg_status, created_at, "
                                  "updated_at) VALUES ('Lain', 'LKSA', 'registered', 'x', 'x')",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_busy_timeout(ctx->db, 100);  /* the real 5 s would only slow the test */

    pt_field f[] = {{"name", "Panti Kedua"}, {"kind", "LKSA"}, {"reg_status", "registered"}};
    int64_t id = -1;
    assert_int_equal(pt_institution_add(ctx, f, 3, &id), PT_EBUSY);
    assert_int_equal(id, 0);
    assert_error_contains(path);
    assert_error_contains("database is locked");
    assert_int_equal(sqlite3_get_autocommit(ctx->db), 1);   /* no transaction left open */

    assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM institution"), 1);
    /* and the store works again once the lock is gone */
    assert_int_equal(pt_institution_add(ctx, f, 3, &id), 0);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM institution"), 2);
    pt_close(ctx);
    free(path);
    test_tmpdir_remove(dir);
}

static void test_a_write_to_a_read_only_database_fails_cleanly(void **state)
{
    (void)state;
    if (geteuid() == 0) skip();   /* root writes through file permissions */
    char *dir = test_tmpdir();
    char *path = db_path(dir);
    pt_ctx *ctx = test_open_db(dir);
    add_institution(ctx, "LKSA-1", NULL);
    pt_close(ctx);
    assert_int_equal(chmod(path, 0444), 0);

    assert_int_equal(pt_open(&ctx, path, NULL, 0), 0);
    pt_field f[] = {{"name", "Panti Kedua"}, {"kind", "LKSA"}, {"reg_status", "registered"}};
    assert_int_equal(pt_institution_add(ctx, f, 3, NULL), PT_EIO);
    assert_error_contains(path);
    assert_error_contains("the database is read-only");
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM institution"), 1);
    pt_close(ctx);
    chmod(path, 0644);
    free(path);
    test_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_creates_and_migrates_a_new_database),
        cmocka_unit_test(test_reopening_keeps_data_and_applies_nothing_twice),
        cmocka_unit_test(test_missing_file_without_create_is_not_found_and_not_created),
        cmocka_unit_test(test_a_text_file_is_not_a_pantau_database),
        cmocka_unit_test(test_another_programs_database_is_refused_and_left_alone),
        cmocka_unit_test(test_an_empty_file_without_create_is_refused),
        cmocka_unit_test(test_a_database_from_a_newer_pantau_is_refused),
        cmocka_unit_test(test_storing_a_checklist_twice_stores_it_once),
        cmocka_unit_test(test_changed_bytes_under_the_same_version_are_refused),
        cmocka_unit_test(test_fetch_returns_the_latest_or_the_named_version),
        cmocka_unit_test(test_foreach_lists_versions_with_their_visit_counts),
        cmocka_unit_test(test_a_write_while_another_program_holds_the_lock_fails_cleanly),
        cmocka_unit_test(test_a_write_to_a_read_only_database_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
