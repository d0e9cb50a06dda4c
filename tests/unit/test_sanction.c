/*
 * The sanction ladder (sanction.h): who may issue which step (authz.c's table: steps 1-3
 * Satpol PP or the Dinas Sosial, 4-5 the Dinas Sosial), step 5 revoking the registration in
 * the same transaction, the history and the current step, and sanctions as records that never
 * change. The database holds the sample institutions and the joint monitoring instrument.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "internal.h"
#include "pantau/audit.h"
#include "pantau/sanction.h"

static const test_instrument GABUNGAN = {
    .checklist = "checklists/monitoring-gabungan.xml",
    .n_sections = 5,
    .section_ids = {"A", "B", "C", "D", "E"},
    .section_max = {20, 10, 15, 35, 20},
};

/* Sample institutions: 1 Harapan Bunda, 2 Cahaya Kasih (both Kota Tangerang, registered). */
#define HARAPAN_BUNDA 1
#define CAHAYA_KASIH 2

/* The instrument's database with users: ani (administrator), sari (officer, Satpol PP), dina
 * (officer, Dinas Sosial Kota Tangerang), budi (inspector). The context is left as ani. */
static int setup_users(void **state)
{
    test_instrument_setup(state);
    test_fixture *f = *state;
    assert_int_equal(pt_user_add(f->ctx, "ani", PT_ROLE_ADMIN, "Dinas Sosial", NULL, "adminpass1", NULL), 0);
    assert_int_equal(pt_authenticate_password(f->ctx, "ani", "adminpass1"), 0);
    assert_int_equal(pt_user_add(f->ctx, "sari", PT_ROLE_OFFICER, "Satpol PP", NULL, "saripass1", NULL), 0);
    assert_int_equal(pt_user_add(f->ctx, "dina", PT_ROLE_OFFICER, "Dinas Sosial Kota Tangerang", NULL,
                                 "dinapass1", NULL), 0);
    assert_int_equal(pt_user_add(f->ctx, "budi", PT_ROLE_INSPECTOR, "Dinas Sosial", NULL, "budipass1", NULL), 0);
    return 0;
}

static void as(test_fixture *f, const char *name, const char *password)
{
    if (pt_authenticate_password(f->ctx, name, password) != 0) fail_msg("%s: %s", name, pt_error_last());
}

static long long count(test_fixture *f, const char *sql) { return test_sql_int(f->ctx, sql); }

static void assert_audit_intact(test_fixture *f)
{
    pt_audit_report r = {0};
    assert_int_equal(pt_audit_verify(f->ctx, &r), 0);
    if (r.n_problems) fail_msg("audit: %s", r.problems[0]);
    pt_audit_report_clear(&r);
}

static void a_satpol_pp_officer_may_give_a_written_warning_but_not_a_permanent_closure(void **state)
{
    test_fixture *f = *state;
    as(f, "sari", "saripass1");
    int64_t id = 0;
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 2, "Penghentian sementara dilanggar", 0, 0, &id), 0);
    assert_true(id > 0);
    assert_int_equal(count(f, "SELECT count(*) FROM sanction WHERE step = 2 AND level = 'teguran_tertulis' "
                              "AND agency = 'Satpol PP' AND issued_by = 'sari' AND institution_id = 2"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM event WHERE type = 'sanction.issued' AND institution_id = 2 "
                              "AND subject = 'Sanksi tahap 2 (teguran tertulis) untuk LKSA Cahaya Kasih' "
                              "AND json_extract(json, '$.sanction.agency') = 'Satpol PP'"), 1);

    long long audit = count(f, "SELECT count(*) FROM audit_log");
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 4, "Penghentian tetap", 0, 0, NULL), PT_EDENIED);
    assert_error_contains("user 'sari' (agency officer, Satpol PP) may not issue a sanction of step 4 "
                          "(needs: agency officer (Dinas Sosial))");
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 5, "Cabut", 0, 0, NULL), PT_EDENIED);
    assert_int_equal(count(f, "SELECT count(*) FROM sanction"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), audit);
    assert_int_equal(count(f, "SELECT count(*) FROM institution WHERE reg_status = 'revoked'"), 0);
}

static void a_dinas_sosial_officer_revokes_the_registration_with_step_5(void **state)
{
    test_fixture *f = *state;
    as(f, "dina", "dinapass1");
    int64_t id = 0;
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 5, "Eksploitasi anak dan penghentian dilanggar",
                                     0, 0, &id), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM institution WHERE id = 2 AND reg_status = 'revoked'"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM institution WHERE reg_status = 'revoked'"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM sanction WHERE level = 'pencabutan_izin' "
                              "AND agency = 'Dinas Sosial Kota Tangerang'"), 1);
    /* the registration's change is in the audit log, by dina */
    assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE entity = 'institution' AND entity_id = 2 "
                              "AND action = 'update' AND actor = 'dina' "
                              "AND json_extract(after, '$.reg_status') = 'revoked' "
                              "AND json_extract(before, '$.reg_status') = 'registered'"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM event WHERE type = 'sanction.issued' "
                              "AND json_extract(json, '$.sanction.registration_revoked') = 1 "
                              "AND body LIKE '%Tanda daftar lembaga dicabut%'"), 1);
    int step = -1;
    assert_int_equal(pt_sanction_current_step(f->ctx, CAHAYA_KASIH, &step), 0);
    assert_int_equal(step, 5);
    /* step 4 too */
    assert_int_equal(pt_sanction_add(f->ctx, HARAPAN_BUNDA, 4, "Penghentian tetap", 0, 0, NULL), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM institution WHERE id = 1 AND reg_status = 'registered'"), 1);
    assert_audit_intact(f);
}

static void an_inspector_and_an_administrator_may_not_issue_sanctions(void **state)
{
    test_fixture *f = *state;
    as(f, "budi", "budipass1");
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 1, "Teguran", 0, 0, NULL), PT_EDENIED);
    assert_error_contains("user 'budi' (inspector, Dinas Sosial) may not issue sanctions (needs: agency officer)");
    as(f, "ani", "adminpass1");
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 1, "Teguran", 0, 0, NULL), PT_EDENIED);
    assert_int_equal(count(f, "SELECT count(*) FROM sanction"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM event WHERE type = 'sanction.issued'"), 0);
}

typedef struct history {
    int n;
    int steps[8];
    char levels[8][32];
} history;

static int note(const pt_sanction *s, void *payload)
{
    history *h = payload;
    if (h->n < 8) {
        h->steps[h->n] = s->step;
        snprintf(h->levels[h->n], 32, "%s", s->label);
        h->n++;
    }
    return 0;
}

static void steps_are_recorded_as_given_and_the_current_step_is_the_highest(void **state)
{
    test_fixture *f = *state;
    as(f, "sari", "saripass1");
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 1, "Teguran lisan", 0, 0, NULL), 0);
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 3, "Penghentian sementara", 0, 0, NULL), 0);
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 2, "Teguran tertulis kedua", 0, 0, NULL), 0);
    assert_int_equal(pt_sanction_add(f->ctx, HARAPAN_BUNDA, 1, "Teguran lisan", 0, 0, NULL), 0);
    history h = {0};
    assert_int_equal(pt_sanction_foreach(f->ctx, CAHAYA_KASIH, note, &h), 0);
    assert_int_equal(h.n, 3);
    assert_int_equal(h.steps[0], 1);
    assert_int_equal(h.steps[1], 3);
    assert_int_equal(h.steps[2], 2);
    assert_string_equal(h.levels[1], "penghentian sementara");
    int step = -1;
    assert_int_equal(pt_sanction_current_step(f->ctx, CAHAYA_KASIH, &step), 0);
    assert_int_equal(step, 3);
    assert_int_equal(pt_sanction_current_step(f->ctx, 3, &step), 0);
    assert_int_equal(step, 0);
    assert_int_equal(pt_sanction_current_step(f->ctx, 99, &step), PT_ENOTFOUND);
    memset(&h, 0, sizeof h);
    assert_int_equal(pt_sanction_foreach(f->ctx, 0, note, &h), 0);
    assert_int_equal(h.n, 4);
    assert_string_equal(pt_sanction_level(4), "penghentian_tetap");
    assert_null(pt_sanction_level(6));
}

static void a_sanction_refers_only_to_a_visit_and_a_finding_of_its_home(void **state)
{
    test_fixture *f = *state;
    as(f, "budi", "budipass1");
    int64_t visit = test_import_sample_visit(f->ctx, "gabungan-cahaya-kasih-2026-05-12.xml");
    as(f, "dina", "dinapass1");
    long long audit = count(f, "SELECT count(*) FROM audit_log");
    assert_int_equal(pt_sanction_add(f->ctx, HARAPAN_BUNDA, 2, "Teguran", visit, 0, NULL), PT_EINVALID);
    assert_error_contains("is of institution 2, not of institution 1");
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 2, "Teguran", 0, 77, NULL), PT_ENOTFOUND);
    assert_error_contains("finding 77 not found");
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 2, "  ", visit, 0, NULL), PT_EINVALID);
    assert_error_contains("a sanction needs a reason");
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 6, "Teguran", visit, 0, NULL), PT_EINVALID);
    assert_error_contains("steps are 1 to 5");
    assert_int_equal(pt_sanction_add(f->ctx, 99, 2, "Teguran", 0, 0, NULL), PT_ENOTFOUND);
    assert_int_equal(count(f, "SELECT count(*) FROM sanction"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), audit);
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 2, "Teguran", visit, 0, NULL), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM sanction WHERE visit_id = 1 AND finding_id IS NULL"), 1);
}

static void a_sanction_is_a_record_that_never_changes(void **state)
{
    test_fixture *f = *state;
    as(f, "sari", "saripass1");
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 1, "Teguran lisan", 0, 0, NULL), 0);
    assert_int_equal(sqlite3_exec(f->ctx->db, "UPDATE sanction SET step = 2, level = 'teguran_tertulis'",
                                  NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
    assert_int_equal(sqlite3_exec(f->ctx->db, "DELETE FROM sanction", NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
    assert_int_equal(count(f, "SELECT count(*) FROM sanction WHERE step = 1"), 1);
    assert_audit_intact(f);
}

static void in_single_user_mode_the_sanction_is_the_dinas_sosial_s(void **state)
{
    test_fixture *f = *state;
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 5, "Izin dicabut", 0, 0, NULL), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM sanction WHERE agency = 'Dinas Sosial' AND issued_by = 'local'"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM institution WHERE id = 2 AND reg_status = 'revoked'"), 1);
    /* a second step 5 is recorded; the registration stays revoked without a no-op change */
    long long updates = count(f, "SELECT count(*) FROM audit_log WHERE entity = 'institution' AND action = 'update'");
    assert_int_equal(pt_sanction_add(f->ctx, CAHAYA_KASIH, 5, "Izin dicabut lagi", 0, 0, NULL), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE entity = 'institution' AND action = 'update'"),
                     updates);
    assert_int_equal(count(f, "SELECT count(*) FROM sanction"), 2);
    assert_audit_intact(f);
}

#define T(name, setup) cmocka_unit_test_prestate_setup_teardown(name, setup, test_fixture_teardown, \
                                                                (void *)&GABUNGAN)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(a_satpol_pp_officer_may_give_a_written_warning_but_not_a_permanent_closure, setup_users),
        T(a_dinas_sosial_officer_revokes_the_registration_with_step_5, setup_users),
        T(an_inspector_and_an_administrator_may_not_issue_sanctions, setup_users),
        T(steps_are_recorded_as_given_and_the_current_step_is_the_highest, setup_users),
        T(a_sanction_refers_only_to_a_visit_and_a_finding_of_its_home, setup_users),
        T(a_sanction_is_a_record_that_never_changes, setup_users),
        T(in_single_user_mode_the_sanction_is_the_dinas_sosial_s, test_instrument_setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
