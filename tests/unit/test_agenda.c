/*
 * The agenda (agenda.h): every kind of row, for the agencies that must act, in order, and the
 * agency filter. The database holds the joint monitoring instrument and the 7 sample
 * institutions:
 *   1 Harapan Bunda   visited 2026-01-15; accreditation B until 2026-07-01; registration 2027-02-10
 *   2 Cahaya Kasih    visited 2026-05-12 (5 flags -> findings recorded 2026-05-13) and
 *                     2026-05-24 (D.01 fixed: its finding closed); registration 2026-06-01
 *   3 Rumah Singgah Pelita  unregistered, never visited
 *   4 Tunas Melati    visited 2025-06-01 (358 days before 2026-05-25)
 *   5 Bina Insani     registration expired, never visited
 *   6 Sekar Arum      visited 2025-04-28 (392 days before 2026-05-25)
 *   7 Mutiara Hati    never visited
 * Findings of visit 1 (ids by flag position): 1 D.01 and 2 D.04 (kritis, "Kepolisian, DP3A"),
 * 3 E.02 (sedang, Dinas Sosial, due 2026-07-12), 4 E.04 (rendah, Disdukcapil, 2026-08-11),
 * 5 SANKSI (kritis, "Satpol PP, Dinas Sosial"); the kritis ones due 2026-05-20.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "internal.h"
#include "pantau/agenda.h"
#include "pantau/finding.h"

static const test_instrument GABUNGAN = {
    .checklist = "checklists/monitoring-gabungan.xml",
    .n_sections = 5,
    .section_ids = {"A", "B", "C", "D", "E"},
    .section_max = {20, 10, 15, 35, 20},
};

static int64_t import_text(test_fixture *f, const char *name, const char *reg_no, const char *date,
                           const char *answers)
{
    char text[1024];
    snprintf(text, sizeof text, "#institution,%s\n#checklist,monitoring-gabungan@2025.1\n#date,%s\n"
                                "#type,joint\nitem,value,note\n%s", reg_no, date, answers);
    char *path = test_write_file(f->dir, name, text);
    int64_t id = test_import_visits(f->ctx, path, 1).first_id;
    free(path);
    return id;
}

static int setup(void **state)
{
    test_instrument_setup(state);
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "gabungan-cahaya-kasih-2026-05-12.xml");
    int64_t visit = s->visit_id;
    pt_score_free(s);
    int n = 0;
    if (pt_finding_from_visit(f->ctx, visit, "2026-05-13", &n) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(n, 5);
    int64_t check = import_text(f, "check.csv", "LKSA-3671-002", "2026-05-24", "D.01,tidak,\n");
    pt_score_free(test_score_visit(f->ctx, check));
    if (pt_finding_close(f->ctx, 1, check) != 0) fail_msg("%s", pt_error_last());
    int64_t hb = import_text(f, "hb.csv", "LKSA-3671-001", "2026-01-15", "A.01,ya,\n");
    import_text(f, "tm.csv", "LKSA-1275-001", "2025-06-01", "A.01,ya,\n");
    import_text(f, "sa.csv", "LKSA-3328-001", "2025-04-28", "A.01,ya,\n");
    /* a decision as review.c writes it: an open review of the visit, then the decision */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO review (visit_id, kind, quorum, opened_by, opened_at) "
             "VALUES (%lld, 'review', 1, 'uji', '2026-01-20T00:00:00Z');"
             "INSERT INTO decision (review_id, visit_id, institution_id, kind, outcome, outcome_label, "
             "valid_from, valid_until, panel_size, votes_cast, quorum, votes, evidence, evidence_sha256, "
             "decided_by, decided_at) VALUES ((SELECT max(id) FROM review), %lld, 1, 'accreditation', "
             "'B', 'Baik', '2023-07-01', '2026-07-01', 1, 1, 1, '[]', '{}', "
             "'0000000000000000000000000000000000000000000000000000000000000000', 'uji', "
             "'2026-01-20T00:00:00Z')", (long long)hb, (long long)hb);
    char *err = NULL;
    if (sqlite3_exec(f->ctx->db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s", err);
    return 0;
}

typedef struct rows {
    int n;
    char line[32][160];
    char text[32][400];
} rows;

static int note(const pt_agenda_row *r, void *payload)
{
    rows *s = payload;
    if (s->n >= 32) return 1;
    char date[40];
    if (r->date) snprintf(date, sizeof date, "%s %d", r->date, r->days);
    else snprintf(date, sizeof date, "-");
    snprintf(s->line[s->n], 160, "%s|%s|%lld|%s|%s|f%lld|d%lld", r->agency, r->kind,
             (long long)r->institution_id, date, r->severity ? r->severity : "-",
             (long long)r->finding_id, (long long)r->decision_id);
    snprintf(s->text[s->n], 400, "%s", r->text);
    s->n++;
    return 0;
}

static void assert_rows(const rows *got, const char *const *expect, int n)
{
    for (int i = 0; i < got->n && i < n; i++) assert_string_equal(got->line[i], expect[i]);
    assert_int_equal(got->n, n);
}

static void the_agenda_lists_every_kind_for_the_agencies_that_must_act(void **state)
{
    test_fixture *f = *state;
    rows got = {0};
    assert_int_equal(pt_agenda_foreach(f->ctx, "2026-05-25", NULL, 0, note, &got), 0);
    static const char *const expect[] = {
        "Dinas Sosial|finding.overdue|2|2026-05-20 -5|kritis|f5|d0",
        "Dinas Sosial|accreditation.expiring|1|2026-07-01 37|-|f0|d1",
        "Dinas Sosial|registration.expiring|2|2026-06-01 7|-|f0|d0",
        "Dinas Sosial|visit.overdue|3|-|-|f0|d0",
        "Dinas Sosial|visit.overdue|5|-|-|f0|d0",
        "Dinas Sosial|visit.overdue|7|-|-|f0|d0",
        "Dinas Sosial|visit.overdue|6|2025-04-28 -392|-|f0|d0",
        "DP3A|finding.overdue|2|2026-05-20 -5|kritis|f2|d0",
        "Kepolisian|finding.overdue|2|2026-05-20 -5|kritis|f2|d0",
        "Satpol PP|finding.overdue|2|2026-05-20 -5|kritis|f5|d0",
    };
    assert_rows(&got, expect, 10);
    static const char prefix[] = "Temuan 5 [kritis] lewat tenggat 2026-05-20 (terlambat 5 hari): "
                                 "Rekomendasi: penghentian tetap";
    assert_true(strncmp(got.text[0], prefix, sizeof prefix - 1) == 0);
    assert_non_null(strstr(got.text[0], "\xE2\x80\xA6")); /* a long message is shortened */
    assert_string_equal(got.text[1], "Akreditasi B (Baik) berakhir 2026-07-01 (37 hari lagi): "
                                     "ajukan akreditasi ulang ke BALKS");
    assert_string_equal(got.text[2], "Tanda daftar LKSA-3671-002 berakhir 2026-06-01 (7 hari lagi): "
                                     "perpanjang pendaftaran");
    assert_string_equal(got.text[3], "Belum pernah dikunjungi: jadwalkan kunjungan");
    assert_string_equal(got.text[6], "Terakhir dikunjungi 2025-04-28 (392 hari lalu): jadwalkan kunjungan");
}

static void findings_due_within_the_days_asked_are_on_the_agenda_before_they_are_late(void **state)
{
    test_fixture *f = *state;
    rows got = {0};
    assert_int_equal(pt_agenda_foreach(f->ctx, "2026-05-18", "Kepolisian", 7, note, &got), 0);
    static const char *const expect[] = {"Kepolisian|finding.due|2|2026-05-20 2|kritis|f2|d0"};
    assert_rows(&got, expect, 1);
    assert_non_null(strstr(got.text[0], "Temuan 2 [kritis] jatuh tempo 2026-05-20 (2 hari lagi): "));
    /* one day asked: not yet */
    memset(&got, 0, sizeof got);
    assert_int_equal(pt_agenda_foreach(f->ctx, "2026-05-18", "Kepolisian", 1, note, &got), 0);
    assert_int_equal(got.n, 0);
    /* due today is due, not late */
    memset(&got, 0, sizeof got);
    assert_int_equal(pt_agenda_foreach(f->ctx, "2026-05-20", "kepolisian", 0, note, &got), 0);
    static const char *const today[] = {"Kepolisian|finding.due|2|2026-05-20 0|kritis|f2|d0"};
    assert_rows(&got, today, 1);
    assert_non_null(strstr(got.text[0], "(hari ini)"));
}

static void the_agency_filter_keeps_that_agency_s_rows(void **state)
{
    test_fixture *f = *state;
    rows got = {0};
    assert_int_equal(pt_agenda_foreach(f->ctx, "2026-05-25", "satpol pp", 0, note, &got), 0);
    static const char *const satpol[] = {"Satpol PP|finding.overdue|2|2026-05-20 -5|kritis|f5|d0"};
    assert_rows(&got, satpol, 1);
    memset(&got, 0, sizeof got);
    assert_int_equal(pt_agenda_foreach(f->ctx, "2026-05-25", "Dinas Sosial", 0, note, &got), 0);
    assert_int_equal(got.n, 7);
    memset(&got, 0, sizeof got);
    assert_int_equal(pt_agenda_foreach(f->ctx, "2026-05-25", "Disdukcapil", 90, note, &got), 0);
    static const char *const dukcapil[] = {"Disdukcapil|finding.due|2|2026-08-11 78|rendah|f4|d0"};
    assert_rows(&got, dukcapil, 1);
    assert_int_equal(pt_agenda_foreach(f->ctx, "25/05/2026", NULL, 0, note, &got), PT_EINVALID);
    assert_error_contains("is not a date");
}

static void a_home_visited_within_the_year_and_an_accreditation_far_off_are_not_on_it(void **state)
{
    test_fixture *f = *state;
    rows got = {0};
    /* 2026-04-01: the accreditation ends in 91 days, the registration in 61 */
    assert_int_equal(pt_agenda_foreach(f->ctx, "2026-04-01", "Dinas Sosial", 0, note, &got), 0);
    static const char *const expect[] = {
        "Dinas Sosial|registration.expiring|2|2026-06-01 61|-|f0|d0",
        "Dinas Sosial|visit.overdue|3|-|-|f0|d0",
        "Dinas Sosial|visit.overdue|5|-|-|f0|d0",
        "Dinas Sosial|visit.overdue|7|-|-|f0|d0",
    };
    assert_rows(&got, expect, 4); /* Sekar Arum, visited 338 days before, is not yet due */
}

/* The home's accreditation is its latest decision (the view accreditation_current): a later
 * TT ends the earlier B, so no renewal of B is due any more. */
static void a_later_tt_decision_takes_the_expiring_accreditation_off_the_agenda(void **state)
{
    test_fixture *f = *state;
    const char *sql =
        "INSERT INTO review (visit_id, kind, quorum, opened_by, opened_at) "
        "SELECT visit_id, 'review', 1, 'uji', '2026-03-01T00:00:00Z' FROM decision WHERE id = 1;"
        "INSERT INTO decision (review_id, visit_id, institution_id, kind, outcome, outcome_label, "
        "panel_size, votes_cast, quorum, votes, evidence, evidence_sha256, decided_by, decided_at) "
        "SELECT (SELECT max(id) FROM review), visit_id, 1, 'accreditation', 'TT', "
        "'Tidak terakreditasi', 1, 1, 1, '[]', '{}', evidence_sha256, 'uji', "
        "'2026-03-01T00:00:00Z' FROM decision WHERE id = 1;";
    char *err = NULL;
    if (sqlite3_exec(f->ctx->db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s", err);
    rows got = {0};
    assert_int_equal(pt_agenda_foreach(f->ctx, "2026-05-25", "Dinas Sosial", 0, note, &got), 0);
    for (int i = 0; i < got.n; i++) assert_null(strstr(got.line[i], "accreditation.expiring"));
    assert_int_equal(got.n, 6);
}

#define T(name) cmocka_unit_test_prestate_setup_teardown(name, setup, test_fixture_teardown, \
                                                         (void *)&GABUNGAN)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(the_agenda_lists_every_kind_for_the_agencies_that_must_act),
        T(findings_due_within_the_days_asked_are_on_the_agenda_before_they_are_late),
        T(the_agency_filter_keeps_that_agency_s_rows),
        T(a_home_visited_within_the_year_and_an_accreditation_far_off_are_not_on_it),
        T(a_later_tt_decision_takes_the_expiring_accreditation_off_the_agenda),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
