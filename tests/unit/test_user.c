/* Users, passwords, login tokens and the authorisation table (user.c, authz.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "internal.h"

static const pt_field institution[] = {{"name", "Panti Uji"}, {"kind", "LKSA"}};

/* A database with an administrator "ani" and an inspector "budi"; the context is left
 * unauthenticated. */
static int setup_users(void **state)
{
    test_fixture_setup(state);
    test_fixture *f = *state;
    assert_int_equal(pt_user_add(f->ctx, "ani", PT_ROLE_ADMIN, "Dinas Sosial", "Ani", "adminpass1", NULL), 0);
    assert_int_equal(pt_authenticate_password(f->ctx, "ani", "adminpass1"), 0);
    assert_int_equal(pt_user_add(f->ctx, "budi", PT_ROLE_INSPECTOR, "Dinas Sosial", NULL, "budipass1", NULL), 0);
    /* a fresh context: no one authenticated */
    pt_close(f->ctx);
    char path[4096];
    snprintf(path, sizeof path, "%s/test.db", f->dir);
    assert_int_equal(pt_open(&f->ctx, path, NULL, 0), 0);
    return 0;
}

static void test_stored_hash_is_argon2id_and_not_the_password(void **state)
{
    test_fixture *f = *state;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(f->ctx->db, "SELECT password_hash FROM app_user WHERE name = 'budi'",
                                        -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const char *hash = (const char *)sqlite3_column_text(st, 0);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_null(strstr(hash, "budipass1"));
    sqlite3_finalize(st);
}

static void test_a_wrong_password_and_an_unknown_user_are_refused_alike(void **state)
{
    test_fixture *f = *state;
    assert_int_equal(pt_authenticate_password(f->ctx, "budi", "budipass2"), PT_EDENIED);
    assert_error_contains("wrong user name or password");
    assert_int_equal(pt_authenticate_password(f->ctx, "nobody", "budipass1"), PT_EDENIED);
    assert_string_equal(pt_error_last(), "wrong user name or password");
    assert_int_equal(f->ctx->user_id, 0);
    assert_int_equal(pt_authenticate_password(f->ctx, "budi", "budipass1"), 0);
    assert_string_equal(f->ctx->user_name, "budi");
}

static void test_the_first_user_must_be_an_administrator(void **state)
{
    test_fixture *f = *state;
    assert_int_equal(pt_user_add(f->ctx, "budi", PT_ROLE_INSPECTOR, "Dinas Sosial", NULL, "budipass1", NULL),
                     PT_EINVALID);
    assert_error_contains("the first user must be an administrator");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM app_user"), 0);
    /* the database says so too, whatever C does */
    char *err = NULL;
    assert_int_not_equal(sqlite3_exec(f->ctx->db,
        "INSERT INTO app_user (name, role, agency, password_hash, created_at, password_changed_at) "
        "VALUES ('x', 'board', 'BALKS', '$argon2id$x', 'now', 'now')", NULL, NULL, &err), SQLITE_OK);
    assert_non_null(strstr(err, "the first user must be an administrator"));
    sqlite3_free(err);
}

static void test_single_user_mode_ends_with_the_first_user(void **state)
{
    test_fixture *f = *state;
    int64_t id;
    assert_int_equal(pt_institution_add(f->ctx, institution, 2, &id), 0); /* local admin */
    pt_user_info me;
    assert_int_equal(pt_whoami(f->ctx, &me), 0);
    assert_int_equal(me.id, 0);
    assert_int_equal(me.role, PT_ROLE_ADMIN);
    assert_int_equal(pt_user_add(f->ctx, "ani", PT_ROLE_ADMIN, "Dinas Sosial", NULL, "adminpass1", NULL), 0);
    /* the same context is no longer the implicit administrator */
    assert_int_equal(pt_institution_add(f->ctx, institution, 2, &id), PT_EDENIED);
    assert_error_contains("not authenticated");
    assert_int_equal(pt_whoami(f->ctx, &me), PT_EDENIED);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM institution"), 1);
}

static void test_an_inspector_may_not_load_checklists_or_add_users(void **state)
{
    test_fixture *f = *state;
    assert_int_equal(pt_authenticate_password(f->ctx, "budi", "budipass1"), 0);
    assert_int_equal(pt_authorize(f->ctx, PT_ACT_CHECKLIST_LOAD), PT_EDENIED);
    assert_string_equal(pt_error_last(),
                        "user 'budi' (inspector, Dinas Sosial) may not load checklists (needs: administrator)");
    assert_int_equal(pt_user_add(f->ctx, "cici", PT_ROLE_BOARD, "BALKS", NULL, "cicipass1", NULL), PT_EDENIED);
    assert_error_contains("may not manage users");
    assert_int_equal(pt_authorize(f->ctx, PT_ACT_DECIDE), PT_EDENIED);
    assert_error_contains("may not decide accreditation reviews (needs: board member)");
    assert_int_equal(pt_authorize(f->ctx, PT_ACT_VISIT_IMPORT), 0);
    assert_int_equal(pt_authorize(f->ctx, PT_ACT_SCORE), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM app_user"), 2);
}

static void test_only_dinas_sosial_officers_keep_the_register(void **state)
{
    test_fixture *f = *state;
    assert_int_equal(pt_authenticate_password(f->ctx, "ani", "adminpass1"), 0);
    assert_int_equal(pt_user_add(f->ctx, "dedi", PT_ROLE_OFFICER, "Satpol PP", NULL, "dedipass1", NULL), 0);
    assert_int_equal(pt_user_add(f->ctx, "eka", PT_ROLE_OFFICER, "Dinas Sosial Kota Tangerang", NULL, "ekapass12", NULL), 0);
    int64_t id;
    assert_int_equal(pt_authenticate_password(f->ctx, "dedi", "dedipass1"), 0);
    assert_int_equal(pt_institution_add(f->ctx, institution, 2, &id), PT_EDENIED);
    assert_string_equal(pt_error_last(),
                        "user 'dedi' (agency officer, Satpol PP) may not add or change institutions "
                        "(needs: administrator or agency officer (Dinas Sosial))");
    assert_int_equal(pt_authenticate_password(f->ctx, "eka", "ekapass12"), 0);
    assert_int_equal(pt_institution_add(f->ctx, institution, 2, &id), 0);
    assert_int_equal(pt_authorize(f->ctx, PT_ACT_EXPORT), PT_EDENIED);
}

static void test_a_token_is_stored_only_as_its_sha256_and_expires(void **state)
{
    test_fixture *f = *state;
    char *token = NULL;
    assert_int_equal(pt_login(f->ctx, "budi", "budipass1", &token), 0);
    assert_non_null(token);
    const char *secret = strchr(token, '.') + 1;
    char sha[65];
    pt__sha256_hex(secret, strlen(secret), sha);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM login_token WHERE token_sha256 = '%s'", sha);
    assert_int_equal(test_sql_int(f->ctx, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM login_token WHERE token_sha256 LIKE '%%%s%%'", secret);
    assert_int_equal(test_sql_int(f->ctx, sql), 0);
    assert_int_equal(test_sql_int(f->ctx,
        "SELECT count(*) FROM login_token WHERE expires_at > strftime('%Y-%m-%dT%H:%M:%SZ','now','+11 hours') "
        "AND expires_at <= strftime('%Y-%m-%dT%H:%M:%SZ','now','+12 hours')"), 1);

    pt_ctx *other;
    char path[4096];
    snprintf(path, sizeof path, "%s/test.db", f->dir);
    assert_int_equal(pt_open(&other, path, NULL, 0), 0);
    assert_int_equal(pt_authenticate_token(other, token), 0);
    assert_string_equal(other->user_name, "budi");
    pt_close(other);

    /* a tampered secret is refused */
    char *bad = strdup(token);
    bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == '0' ? '1' : '0';
    assert_int_equal(pt_authenticate_token(f->ctx, bad), PT_EDENIED);
    assert_error_contains("unknown login token");
    free(bad);

    assert_int_equal(sqlite3_exec(f->ctx->db, "UPDATE login_token SET expires_at = '2001-01-01T00:00:00Z'",
                                  NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(pt_open(&other, path, NULL, 0), 0);
    assert_int_equal(pt_authenticate_token(other, token), PT_EDENIED);
    assert_error_contains("login token expired at 2001-01-01T00:00:00Z");
    assert_int_equal(other->user_id, 0);
    pt_close(other);
    free(token);
}

static void test_logout_ends_the_token(void **state)
{
    test_fixture *f = *state;
    char *token = NULL;
    assert_int_equal(pt_login(f->ctx, "budi", "budipass1", &token), 0);
    assert_int_equal(pt_logout(f->ctx, token), 0);
    assert_int_equal(pt_authenticate_token(f->ctx, token), PT_EDENIED);
    assert_int_equal(pt_logout(f->ctx, token), PT_ENOTFOUND);
    free(token);
}

static void test_a_disabled_user_is_refused_with_password_and_token(void **state)
{
    test_fixture *f = *state;
    char *token = NULL;
    assert_int_equal(pt_login(f->ctx, "budi", "budipass1", &token), 0);
    assert_int_equal(pt_authenticate_password(f->ctx, "ani", "adminpass1"), 0);
    assert_int_equal(pt_user_disable(f->ctx, "budi"), 0);
    assert_int_equal(pt_authenticate_password(f->ctx, "budi", "budipass1"), PT_EDENIED);
    assert_error_contains("user 'budi' is disabled");
    assert_int_equal(pt_authenticate_token(f->ctx, token), PT_EDENIED);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM login_token"), 0);
    free(token);
}

static void test_the_last_administrator_cannot_be_disabled(void **state)
{
    test_fixture *f = *state;
    assert_int_equal(pt_authenticate_password(f->ctx, "ani", "adminpass1"), 0);
    assert_int_equal(pt_user_disable(f->ctx, "ani"), PT_EINVALID);
    assert_error_contains("last enabled administrator");
    assert_int_equal(test_sql_int(f->ctx, "SELECT disabled FROM app_user WHERE name = 'ani'"), 0);
}

static void test_a_user_changes_their_own_password_but_not_anothers(void **state)
{
    test_fixture *f = *state;
    assert_int_equal(pt_authenticate_password(f->ctx, "budi", "budipass1"), 0);
    assert_int_equal(pt_user_set_password(f->ctx, "ani", "hijacked12"), PT_EDENIED);
    assert_int_equal(pt_user_set_password(f->ctx, "budi", "short"), PT_EINVALID);
    assert_error_contains("at least 8 characters");
    assert_int_equal(pt_user_set_password(f->ctx, "budi", "budipass2"), 0);
    assert_int_equal(pt_authenticate_password(f->ctx, "budi", "budipass1"), PT_EDENIED);
    assert_int_equal(pt_authenticate_password(f->ctx, "budi", "budipass2"), 0);
    assert_int_equal(pt_authenticate_password(f->ctx, "ani", "adminpass1"), 0);
}

static void test_bad_names_roles_and_duplicates_are_refused(void **state)
{
    test_fixture *f = *state;
    assert_int_equal(pt_authenticate_password(f->ctx, "ani", "adminpass1"), 0);
    assert_int_equal(pt_user_add(f->ctx, "Budi Santoso", PT_ROLE_BOARD, "BALKS", NULL, "longenough", NULL), PT_EINVALID);
    assert_error_contains("lower-case letters");
    assert_int_equal(pt_user_add(f->ctx, "budi", PT_ROLE_BOARD, "BALKS", NULL, "longenough", NULL), PT_EEXISTS);
    assert_int_equal(pt_user_add(f->ctx, "cici", PT_ROLE_BOARD, "", NULL, "longenough", NULL), PT_EINVALID);
    assert_error_contains("agency is required");
    pt_role role;
    assert_int_equal(pt_role_parse("superuser", &role), PT_EINVALID);
    assert_error_contains("roles: admin, inspector, assessor, board, officer");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM app_user"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stored_hash_is_argon2id_and_not_the_password, setup_users, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_wrong_password_and_an_unknown_user_are_refused_alike, setup_users, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_the_first_user_must_be_an_administrator, test_fixture_setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_single_user_mode_ends_with_the_first_user, test_fixture_setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_an_inspector_may_not_load_checklists_or_add_users, setup_users, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_only_dinas_sosial_officers_keep_the_register, setup_users, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_token_is_stored_only_as_its_sha256_and_expires, setup_users, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_logout_ends_the_token, setup_users, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_disabled_user_is_refused_with_password_and_token, setup_users, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_the_last_administrator_cannot_be_disabled, setup_users, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_user_changes_their_own_password_but_not_anothers, setup_users, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bad_names_roles_and_duplicates_are_refused, setup_users, test_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
