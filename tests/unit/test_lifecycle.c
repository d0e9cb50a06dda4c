/*
 * The life cycle of a visit (lifecycle.h, docs/workflow.md): an imported visit is submitted,
 * scoring makes it scored, and the database itself refuses steps the life cycle does not have,
 * steps that do not start from the current state, and rewriting the history.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "lifecycle.h"
#include "pantau/audit.h"
#include "support.h"

static const test_instrument GABUNGAN = {
    .checklist = "checklists/monitoring-gabungan.xml",
    .n_sections = 5,
    .section_ids = {"A", "B", "C", "D", "E"},
    .section_max = {20, 10, 15, 35, 20},
};

#define SAMPLE "gabungan-harapan-bunda-2026-06-10.csv"

static pt_visit_state state_of(pt_ctx *ctx, int64_t id)
{
    pt_visit_state s = PT_STATE_NONE;
    assert_int_equal(pt_visit_state_get(ctx, id, &s), 0);
    return s;
}

/* Runs sql on the database, returning SQLite's result code; *msg receives its message. */
static int exec_sql(pt_ctx *ctx, const char *sql, char msg[256])
{
    char *err = NULL;
    int rc = sqlite3_exec(ctx->db, sql, NULL, NULL, &err);
    snprintf(msg, 256, "%s", err ? err : "");
    sqlite3_free(err);
    return rc;
}

typedef struct steps {
    int n;
    char line[8][160];
} steps;

static int collect_step(const pt_visit_step *s, void *payload)
{
    steps *st = payload;
    if (st->n < 8)
        snprintf(st->line[st->n++], sizeof st->line[0], "%s>%s by %s (%s)",
                 pt_visit_state_name(s->from), pt_visit_state_name(s->to), s->actor,
                 s->reason ? s->reason : "-");
    return 0;
}

static void test_an_imported_visit_is_submitted_and_scoring_makes_it_scored(void **state)
{
    test_fixture *f = *state;
    int64_t id = test_import_sample_visit(f->ctx, SAMPLE);
    assert_int_equal(state_of(f->ctx, id), PT_STATE_SUBMITTED);
    pt_score_free(test_score_visit(f->ctx, id));
    assert_int_equal(state_of(f->ctx, id), PT_STATE_SCORED);
    /* re-scoring is idempotent and no new step */
    pt_score_free(test_score_visit(f->ctx, id));
    steps st = {0};
    assert_int_equal(pt_visit_history_foreach(f->ctx, id, collect_step, &st), 0);
    assert_int_equal(st.n, 2);
    assert_string_equal(st.line[0], "none>submitted by local (-)");
    assert_string_equal(st.line[1], "submitted>scored by local (-)");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM audit_log WHERE entity = "
                                          "'visit_transition'"), 2);
}

static void test_scoring_refuses_a_visit_whose_answers_are_not_final_or_are_evidence(void **state)
{
    test_fixture *f = *state;
    int64_t id = test_import_sample_visit(f->ctx, SAMPLE);
    pt_score_free(test_score_visit(f->ctx, id));
    /* a reviewer sends it back */
    assert_int_equal(pt__begin(f->ctx), 0);
    assert_int_equal(pt__visit_step(f->ctx, id, PT_STATE_SCORED, PT_STATE_RETURNED,
                                    "foto bukti kamar tidak terlampir"), 0);
    assert_int_equal(pt__commit(f->ctx), 0);
    long long scores_before = test_sql_int(f->ctx, "SELECT count(*) FROM audit_log WHERE entity = 'score'");
    assert_int_equal(pt_score_visit(f->ctx, id, NULL), PT_ESTATE);
    char expected[128];
    snprintf(expected, sizeof expected,
             "visit %lld is returned: scoring needs it to be submitted or scored", (long long)id);
    assert_string_equal(pt_error_last(), expected);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM audit_log WHERE entity = 'score'"),
                     scores_before);

    /* score --all leaves it alone and scores the others */
    int64_t other = test_import_sample_visit(f->ctx, "gabungan-bina-insani-2026-09-08.csv");
    int n = -1;
    assert_int_equal(pt_score_all(f->ctx, NULL, NULL, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(state_of(f->ctx, other), PT_STATE_SCORED);
    assert_int_equal(state_of(f->ctx, id), PT_STATE_RETURNED);
    int64_t counts[PT_STATE_DECIDED + 1];
    assert_int_equal(pt_visit_count_states(f->ctx, counts), 0);
    assert_int_equal(counts[PT_STATE_RETURNED], 1);
    assert_int_equal(counts[PT_STATE_SCORED], 1);
    assert_int_equal(counts[PT_STATE_DRAFT], 0);
}

static void test_a_step_must_start_from_the_current_state_in_c_and_in_the_database(void **state)
{
    test_fixture *f = *state;
    int64_t id = test_import_sample_visit(f->ctx, SAMPLE);
    assert_int_equal(pt__begin(f->ctx), 0);
    assert_int_equal(pt__visit_step(f->ctx, id, PT_STATE_SCORED, PT_STATE_UNDER_REVIEW, NULL),
                     PT_ESTATE);
    assert_error_contains("is submitted: going to under_review needs it to be scored");
    pt__rollback(f->ctx);

    char sql[256], msg[256];
    /* a program that writes the file directly meets the same rule */
    snprintf(sql, sizeof sql, "INSERT INTO visit_transition (visit_id, from_state, to_state, actor, "
             "at) VALUES (%lld, 'scored', 'under_review', 'x', 'x')", (long long)id);
    assert_int_not_equal(exec_sql(f->ctx, sql, msg), SQLITE_OK);
    assert_string_equal(msg, "a visit step must start from the visit's current state");
    /* and cannot skip a step the life cycle does not have */
    snprintf(sql, sizeof sql, "INSERT INTO visit_transition (visit_id, from_state, to_state, actor, "
             "at) VALUES (%lld, 'submitted', 'decided', 'x', 'x')", (long long)id);
    assert_int_not_equal(exec_sql(f->ctx, sql, msg), SQLITE_OK);
    assert_non_null(strstr(msg, "CHECK constraint failed"));
    assert_int_equal(state_of(f->ctx, id), PT_STATE_SUBMITTED);
}

static void test_returning_needs_a_reason(void **state)
{
    test_fixture *f = *state;
    int64_t id = test_import_sample_visit(f->ctx, SAMPLE);
    pt_score_free(test_score_visit(f->ctx, id));
    assert_int_equal(pt__begin(f->ctx), 0);
    assert_int_equal(pt__visit_step(f->ctx, id, PT_STATE_SCORED, PT_STATE_RETURNED, ""), PT_EINVALID);
    assert_error_contains("returning a visit needs a reason");
    pt__rollback(f->ctx);
    char sql[256], msg[256];
    snprintf(sql, sizeof sql, "INSERT INTO visit_transition (visit_id, from_state, to_state, actor, "
             "at, reason) VALUES (%lld, 'scored', 'returned', 'x', 'x', '  ')", (long long)id);
    assert_int_not_equal(exec_sql(f->ctx, sql, msg), SQLITE_OK);
    assert_non_null(strstr(msg, "CHECK constraint failed"));
}

static void test_the_history_cannot_be_rewritten(void **state)
{
    test_fixture *f = *state;
    int64_t id = test_import_sample_visit(f->ctx, SAMPLE);
    char sql[160], msg[256];
    snprintf(sql, sizeof sql, "UPDATE visit_transition SET actor = 'someone' WHERE visit_id = %lld",
             (long long)id);
    assert_int_not_equal(exec_sql(f->ctx, sql, msg), SQLITE_OK);
    assert_string_equal(msg, "a visit's steps are a record: they cannot be changed");
    snprintf(sql, sizeof sql, "DELETE FROM visit_transition WHERE visit_id = %lld", (long long)id);
    assert_int_not_equal(exec_sql(f->ctx, sql, msg), SQLITE_OK);
    assert_string_equal(msg, "a visit's steps are a record: they cannot be deleted");
}

static void test_state_names_parse_and_unknown_ones_are_refused(void **state)
{
    (void)state;
    pt_visit_state s;
    assert_int_equal(pt_visit_state_parse("under_review", &s), 0);
    assert_int_equal(s, PT_STATE_UNDER_REVIEW);
    assert_string_equal(pt_visit_state_label(s), "dalam telaah");
    assert_int_equal(pt_visit_state_parse("approved", &s), PT_EINVALID);
    assert_error_contains("unknown visit state 'approved'");
}

static int triggers_on(pt_ctx *ctx)
{
    int on = -1;
    assert_int_equal(sqlite3_db_config(ctx->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &on), SQLITE_OK);
    return on;
}

/* The importer writes without triggers (visit.c says why); whatever happens, they are on again
 * when it returns, and its own writes are audited as the triggers would have. */
static void test_an_import_leaves_the_triggers_on_whether_it_succeeds_or_fails(void **state)
{
    test_fixture *f = *state;
    int64_t id = test_import_sample_visit(f->ctx, SAMPLE);
    assert_int_equal(triggers_on(f->ctx), 1);
    char msg[256];
    assert_int_not_equal(exec_sql(f->ctx, "UPDATE visit_transition SET actor = 'x'", msg), SQLITE_OK);
    assert_string_equal(msg, "a visit's steps are a record: they cannot be changed");
    /* a failure in the write pass (a unique index the second visit's answers collide with) */
    assert_int_equal(exec_sql(f->ctx, "CREATE UNIQUE INDEX uji_gagal ON answer(visit_id) "
                                      "WHERE visit_id > 1", msg), SQLITE_OK);
    pt_visit_import_result r;
    const char *path = test_source_path("checklists/samples/visits/gabungan-bina-insani-2026-09-08.csv");
    assert_int_equal(pt_visit_import(f->ctx, path, NULL, &r) == 0, 0);
    assert_error_contains("UNIQUE constraint failed");
    assert_int_equal(triggers_on(f->ctx), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit"), 1);
    /* the step the importer audited itself is what verify expects */
    pt_audit_report rep;
    assert_int_equal(pt_audit_verify(f->ctx, &rep), 0);
    assert_int_equal(rep.n_problems, 0);
    pt_audit_report_clear(&rep);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM audit_log WHERE entity = "
                                          "'visit_transition'"), 1);
    (void)id;
}

#define TEST(name)                                                                                 \
    cmocka_unit_test_prestate_setup_teardown(test_##name, test_instrument_setup,                  \
                                             test_fixture_teardown, (void *)&GABUNGAN)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(an_imported_visit_is_submitted_and_scoring_makes_it_scored),
        TEST(scoring_refuses_a_visit_whose_answers_are_not_final_or_are_evidence),
        TEST(a_step_must_start_from_the_current_state_in_c_and_in_the_database),
        TEST(returning_needs_a_reason),
        TEST(the_history_cannot_be_rewritten),
        TEST(an_import_leaves_the_triggers_on_whether_it_succeeds_or_fails),
        cmocka_unit_test(test_state_names_parse_and_unknown_ones_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
