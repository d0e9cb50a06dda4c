/* Professional overrides: who may make them, when, with what rationale and value, and that the
 * computed score is never touched. Uses the command tests' tiny checklist (uji-cli: S1 max 60,
 * S2 max 40; grades A 5 years, B 3, C 2): visit 1 scores 65 (S1 45, S2 20), grade B. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "internal.h"
#include "pantau/audit.h"
#include "pantau/override.h"

static const char VISITS[] =
    "#institution;UJI-001\n#checklist;uji-cli@1.0\n#date;2026-03-14\n#type;akreditasi\n"
    "item;value;note\nS1.01;ya;\nS1.02;2;\nS2.01;4;\nS2.02;sebagian;\n"
    "#institution;UJI-001\n#checklist;uji-cli@1.0\n#date;2026-05-02\n#type;akreditasi\n"
    "item;value;note\nS1.01;ya;\nS1.02;3;\nS2.02;lengkap;\n";

static const char RATIONALE[] = "Catatan kasus lengkap diperiksa langsung di lokasi";

/* Visit 1 scored, visit 2 only submitted; then the users: ani (admin), sari (assessor), budi
 * (inspector), dewi (board). The context acts as sari. */
static int setup(void **state)
{
    test_fixture_setup(state);
    test_fixture *f = *state;
    pt_ctx *ctx = f->ctx;
    pt_checklist *cl = NULL;
    assert_int_equal(pt_checklist_load_file(&cl, test_source_path("tests/data/cli/uji-cli.xml")), 0);
    test_store_checklist(ctx, cl);
    pt_close(ctx);
    f->ctx = ctx = test_open_db_with_scripts(f->dir, test_source_path("tests/data/cli/scripts"));
    test_add_home(ctx, "UJI-001", "LKSA Uji Satu", "40");
    char *path = test_write_file(f->dir, "visits.csv", VISITS);
    test_import_visits(ctx, path, 2);
    free(path);
    pt_score_free(test_score_visit(ctx, 1));
    assert_int_equal(pt_user_add(ctx, "ani", PT_ROLE_ADMIN, "Dinas Sosial", NULL, "anipass12", NULL), 0);
    assert_int_equal(pt_authenticate_password(ctx, "ani", "anipass12"), 0);
    assert_int_equal(pt_user_add(ctx, "sari", PT_ROLE_ASSESSOR, "BALKS", NULL, "saripass12", NULL), 0);
    assert_int_equal(pt_user_add(ctx, "budi", PT_ROLE_INSPECTOR, "Dinas Sosial", NULL, "budipass12", NULL), 0);
    assert_int_equal(pt_user_add(ctx, "dewi", PT_ROLE_BOARD, "BALKS", NULL, "dewipass12", NULL), 0);
    assert_int_equal(pt_authenticate_password(ctx, "sari", "saripass12"), 0);
    return 0;
}

static long long overrides(pt_ctx *ctx) { return test_sql_int(ctx, "SELECT count(*) FROM score_override"); }

static void assert_score_untouched(pt_ctx *ctx)
{
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM score WHERE visit_id = 1 AND total = 65 "
                                       "AND grade = 'B'"), 1);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM score_section WHERE visit_id = 1 AND "
                                       "((section_id = 'S1' AND score = 45) OR (section_id = 'S2' AND score = 20))"), 2);
}

static void test_an_assessor_overrides_a_section_and_the_computed_score_stays(void **state)
{
    pt_ctx *ctx = ((test_fixture *)*state)->ctx;
    int64_t id = 0;
    assert_int_equal(pt_score_override(ctx, 1, "S2", "18", RATIONALE, &id), 0);
    assert_true(id > 0);
    assert_score_untouched(ctx);
    pt_score_view *v = NULL;
    assert_int_equal(pt_score_view_get(ctx, 1, &v), 0);
    assert_string_equal(v->state, "scored");
    assert_true(v->score->sections[1].score == 20);     /* computed */
    assert_true(v->section_effective[1] == 18);         /* in force */
    assert_true(v->section_effective[0] == 45);
    assert_null(v->section[0]);
    assert_non_null(v->section[1]);
    assert_string_equal(v->section[1]->computed, "20");
    assert_string_equal(v->section[1]->overridden, "18");
    assert_string_equal(v->section[1]->by, "sari");
    assert_string_equal(v->section[1]->rationale, RATIONALE);
    assert_null(v->grade);
    assert_string_equal(v->grade_effective, "B");
    pt_score_view_free(v);
}

static void test_a_later_override_of_the_same_target_is_in_force_and_both_are_kept(void **state)
{
    pt_ctx *ctx = ((test_fixture *)*state)->ctx;
    assert_int_equal(pt_score_override(ctx, 1, "S2", "18", RATIONALE, NULL), 0);
    assert_int_equal(pt_score_override(ctx, 1, "S2", "19.5", RATIONALE, NULL), 0);
    assert_int_equal(pt_score_override(ctx, 1, "S1", "50", RATIONALE, NULL), 0);
    pt_score_view *v = NULL;
    assert_int_equal(pt_score_view_get(ctx, 1, &v), 0);
    assert_int_equal(v->n_history, 3);
    assert_int_equal(v->n_in_force, 2);
    assert_true(v->section_effective[1] == 19.5);
    assert_true(v->section_effective[0] == 50);
    assert_string_equal(v->in_force[0].overridden, "19.5");   /* oldest first: ids 2 and 3 */
    assert_string_equal(v->in_force[1].section_id, "S1");
    pt_score_view_free(v);
    assert_int_equal(overrides(ctx), 3);
}

static void test_a_grade_override_takes_a_grade_of_the_checklist_or_tt(void **state)
{
    pt_ctx *ctx = ((test_fixture *)*state)->ctx;
    assert_int_equal(pt_score_override(ctx, 1, NULL, "A", RATIONALE, NULL), 0);
    pt_score_view *v = NULL;
    assert_int_equal(pt_score_view_get(ctx, 1, &v), 0);
    assert_string_equal(v->grade_effective, "A");
    assert_string_equal(v->grade_label_effective, "Sangat Baik");
    assert_string_equal(v->grade->computed, "B");
    assert_string_equal(v->score->grade, "B");
    pt_score_view_free(v);
    assert_int_equal(pt_score_override(ctx, 1, NULL, "", RATIONALE, NULL), 0);
    assert_int_equal(pt_score_view_get(ctx, 1, &v), 0);
    assert_string_equal(v->grade_effective, "TT");
    assert_string_equal(v->grade_label_effective, "Tidak Terakreditasi");
    pt_score_view_free(v);
    assert_int_equal(pt_score_override(ctx, 1, NULL, "Z", RATIONALE, NULL), PT_EINVALID);
    assert_error_contains("'Z' is not a grade of checklist uji-cli@1.0 (grades: A, B, C, or TT");
    assert_score_untouched(ctx);
}

static void test_inspectors_and_board_members_may_not_override(void **state)
{
    pt_ctx *ctx = ((test_fixture *)*state)->ctx;
    assert_int_equal(pt_authenticate_password(ctx, "budi", "budipass12"), 0);
    assert_int_equal(pt_score_override(ctx, 1, "S2", "18", RATIONALE, NULL), PT_EDENIED);
    assert_error_contains("user 'budi' (inspector, Dinas Sosial) may not override computed scores "
                          "(needs: assessor)");
    assert_int_equal(pt_authenticate_password(ctx, "dewi", "dewipass12"), 0);
    assert_int_equal(pt_score_override(ctx, 1, NULL, "A", RATIONALE, NULL), PT_EDENIED);
    assert_error_contains("user 'dewi' (board member, BALKS) may not override computed scores");
    assert_int_equal(overrides(ctx), 0);
}

static void test_an_override_needs_a_rationale_of_twenty_characters(void **state)
{
    pt_ctx *ctx = ((test_fixture *)*state)->ctx;
    assert_int_equal(pt_score_override(ctx, 1, "S2", "18", NULL, NULL), PT_EINVALID);
    assert_error_contains("overriding the section needs a written rationale of at least 20 characters");
    assert_int_equal(pt_score_override(ctx, 1, NULL, "A", "   terlalu singkat   ", NULL), PT_EINVALID);
    assert_error_contains("overriding the grade needs a written rationale of at least 20 characters");
    /* twenty characters, counted as characters, not bytes */
    assert_int_equal(pt_score_override(ctx, 1, NULL, "A", "ñññññññññññññññññññ", NULL), PT_EINVALID);
    assert_int_equal(pt_score_override(ctx, 1, NULL, "A", "ññññññññññññññññññññ", NULL), 0);
    assert_int_equal(overrides(ctx), 1);
}

static void test_a_section_score_is_a_number_within_the_section(void **state)
{
    pt_ctx *ctx = ((test_fixture *)*state)->ctx;
    assert_int_equal(pt_score_override(ctx, 1, "S9", "18", RATIONALE, NULL), PT_ENOTFOUND);
    assert_error_contains("visit 1: the stored score has no section 'S9'");
    assert_int_equal(pt_score_override(ctx, 1, "S2", "41", RATIONALE, NULL), PT_EINVALID);
    assert_error_contains("the score 41 is above the section's maximum 40");
    static const char *const bad[] = {"-1", "abc", "", "1e1", "inf", "0x10", "1.2.3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(pt_score_override(ctx, 1, "S2", bad[i], RATIONALE, NULL), PT_EINVALID);
        assert_error_contains("is not a number (a score from 0 to 40)");
    }
    assert_int_equal(pt_score_override(ctx, 1, "S2", "0", RATIONALE, NULL), 0);
    assert_int_equal(pt_score_override(ctx, 1, "S2", "40", RATIONALE, NULL), 0);
    assert_int_equal(overrides(ctx), 2);
}

static void test_only_a_scored_visit_is_overridden(void **state)
{
    pt_ctx *ctx = ((test_fixture *)*state)->ctx;
    assert_int_equal(pt_score_override(ctx, 2, "S2", "18", RATIONALE, NULL), PT_ESTATE);
    assert_error_contains("visit 2 is submitted: overriding a computed score needs it to be scored");
    assert_int_equal(pt_score_override(ctx, 99, "S2", "18", RATIONALE, NULL), PT_ENOTFOUND);
    assert_int_equal(overrides(ctx), 0);
}

static void test_rescoring_keeps_the_overrides_and_the_audit_log_holds(void **state)
{
    pt_ctx *ctx = ((test_fixture *)*state)->ctx;
    assert_int_equal(pt_score_override(ctx, 1, "S2", "18", RATIONALE, NULL), 0);
    pt_score_free(test_score_visit(ctx, 1));
    pt_score_view *v = NULL;
    assert_int_equal(pt_score_view_get(ctx, 1, &v), 0);
    assert_true(v->section_effective[1] == 18);
    pt_score_view_free(v);
    /* an override is a record: the database refuses to change or delete it */
    assert_int_not_equal(sqlite3_exec(ctx->db, "UPDATE score_override SET overridden = '1'", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_non_null(strstr(sqlite3_errmsg(ctx->db), "an override is a record: it cannot be changed"));
    assert_int_not_equal(sqlite3_exec(ctx->db, "DELETE FROM score_override", NULL, NULL, NULL), SQLITE_OK);
    pt_audit_report r;
    assert_int_equal(pt_audit_verify(ctx, &r), 0);
    assert_int_equal(r.n_problems, 0);
    pt_audit_report_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_an_assessor_overrides_a_section_and_the_computed_score_stays, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_later_override_of_the_same_target_is_in_force_and_both_are_kept, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_grade_override_takes_a_grade_of_the_checklist_or_tt, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_inspectors_and_board_members_may_not_override, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_an_override_needs_a_rationale_of_twenty_characters, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_section_score_is_a_number_within_the_section, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_only_a_scored_visit_is_overridden, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_rescoring_keeps_the_overrides_and_the_audit_log_holds, setup, test_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
