/*
 * Findings to a verified fix (finding.h): recorded from the flags of a real scored visit (the
 * joint monitoring instrument and its sample of LKSA Cahaya Kasih, 2026-05-12, whose five
 * flags test_instrument_gabungan.c computes by hand), by hand, with corrective plans; closed
 * only by a verification visit that shows the fix; escalated once when overdue; expiring
 * accreditations and registrations told once per date.
 *
 * The Cahaya Kasih visit (id 1) flags: GATE D.01 kritis "Kepolisian, DP3A"; GATE D.04 kritis;
 * SELISIH_ANAK E.02 sedang "Dinas Sosial"; AKTA_KELAHIRAN E.04 rendah "Disdukcapil"; SANKSI
 * kritis "Satpol PP, Dinas Sosial" without an item. The verification visits written below:
 *   V_STILL (2026-07-01): D.01 fixed, D.04 still "ya" (flagged), E.02 not answered, A.06 N/A,
 *                         so SANKSI is still raised;
 *   V_GOOD  (2026-08-01): every D sign "tidak", E.02 30 of 30, E.04 0: none of those flags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"
#include "internal.h"
#include "pantau/audit.h"
#include "pantau/finding.h"

static const test_instrument GABUNGAN = {
    .checklist = "checklists/monitoring-gabungan.xml",
    .n_sections = 5,
    .section_ids = {"A", "B", "C", "D", "E"},
    .section_max = {20, 10, 15, 35, 20},
};

#define CAHAYA_KASIH "gabungan-cahaya-kasih-2026-05-12.xml"

static const char V_STILL[] =
    "#institution,LKSA-3671-002\n#checklist,monitoring-gabungan@2025.1\n#date,2026-07-01\n"
    "#type,joint\nitem,value,note\n"
    "A.01,ya,\nA.06,TB,\nD.01,tidak,\nD.02,tidak,\nD.03,tidak,\nD.04,ya,\nD.05,tidak,\n"
    "E.01,30,\nE.03,2,\nE.04,0,\n";
static const char V_GOOD[] =
    "#institution,LKSA-3671-002\n#checklist,monitoring-gabungan@2025.1\n#date,2026-08-01\n"
    "#type,joint\nitem,value,note\n"
    "A.01,ya,\nA.06,dipatuhi,\nD.01,tidak,\nD.02,tidak,\nD.03,tidak,\nD.04,tidak,\nD.05,tidak,\n"
    "E.01,30,\nE.02,30,\nE.03,3,\nE.04,0,\n";
/* the same home, before the finding's visit */
static const char V_EARLY[] =
    "#institution,LKSA-3671-002\n#checklist,monitoring-gabungan@2025.1\n#date,2026-04-01\n"
    "#type,joint\nitem,value,note\nD.01,tidak,\nD.04,tidak,\n";
/* another home, later */
static const char V_OTHER[] =
    "#institution,LKSA-3671-001\n#checklist,monitoring-gabungan@2025.1\n#date,2026-08-02\n"
    "#type,joint\nitem,value,note\nD.01,tidak,\nD.04,tidak,\n";

static int64_t import_text(test_fixture *f, const char *name, const char *text)
{
    char *path = test_write_file(f->dir, name, text);
    int64_t id = test_import_visits(f->ctx, path, 1).first_id;
    free(path);
    return id;
}

static int64_t import_scored(test_fixture *f, const char *name, const char *text)
{
    int64_t id = import_text(f, name, text);
    pt_score_free(test_score_visit(f->ctx, id));
    return id;
}

/* The Cahaya Kasih visit, scored, with its findings recorded on 2026-05-13. Returns its id. */
static int64_t visit_with_findings(test_fixture *f)
{
    pt_score *s = test_score_sample(f->ctx, CAHAYA_KASIH);
    int64_t visit = s->visit_id;
    pt_score_free(s);
    int n = -1;
    if (pt_finding_from_visit(f->ctx, visit, "2026-05-13", &n) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(n, 5);
    return visit;
}

static int64_t finding_on(test_fixture *f, const char *item_or_code)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT id FROM finding WHERE item_id = '%s' OR "
                              "(item_id IS NULL AND flag_code = '%s')", item_or_code, item_or_code);
    return test_sql_int(f->ctx, sql);
}

static long long audit_rows(test_fixture *f) { return test_sql_int(f->ctx, "SELECT count(*) FROM audit_log"); }

static void assert_audit_intact(test_fixture *f)
{
    pt_audit_report r = {0};
    assert_int_equal(pt_audit_verify(f->ctx, &r), 0);
    if (r.n_problems) fail_msg("audit: %s", r.problems[0]);
    pt_audit_report_clear(&r);
}

/* ---- from flags ---- */

typedef struct seen {
    int n;
    pt_finding f[8];
    char text[8][7][200];   /* copies: item, flag, severity, agency, due, description, status */
} seen;

static int collect(const pt_finding *f, void *payload)
{
    seen *s = payload;
    if (s->n >= 8) return 1;
    s->f[s->n] = *f;
    const char *src[7] = {f->item_id, f->flag_code, f->severity, f->agency, f->due_date,
                          f->description, f->status};
    for (int i = 0; i < 7; i++) snprintf(s->text[s->n][i], 200, "%s", src[i] ? src[i] : "(null)");
    s->n++;
    return 0;
}

static void findings_from_flags_carry_severity_agency_item_and_due_by_severity(void **state)
{
    test_fixture *f = *state;
    int64_t visit = visit_with_findings(f);
    seen s = {0};
    assert_int_equal(pt_finding_foreach(f->ctx, NULL, collect, &s), 0);
    assert_int_equal(s.n, 5);
    /* by due date, then id: the three kritis (7 days), sedang (60), rendah (90) */
    const char *expect[5][5] = {
        {"D.01", "GATE", "kritis", "Kepolisian, DP3A", "2026-05-20"},
        {"D.04", "GATE", "kritis", "Kepolisian, DP3A", "2026-05-20"},
        {"(null)", "SANKSI", "kritis", "Satpol PP, Dinas Sosial", "2026-05-20"},
        {"E.02", "SELISIH_ANAK", "sedang", "Dinas Sosial", "2026-07-12"},
        {"E.04", "AKTA_KELAHIRAN", "rendah", "Disdukcapil", "2026-08-11"},
    };
    for (int i = 0; i < 5; i++) {
        for (int k = 0; k < 5; k++) assert_string_equal(s.text[i][k], expect[i][k]);
        assert_string_equal(s.text[i][6], "open");
        assert_int_equal(s.f[i].visit_id, visit);
    }
    assert_non_null(strstr(s.text[0][5], "Anak dieksploitasi secara ekonomi"));
    assert_non_null(strstr(s.text[2][5], "Rekomendasi: penghentian tetap"));
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM finding WHERE created_by = 'local'"), 5);
    assert_audit_intact(f);
}

static void recording_the_findings_of_a_visit_again_creates_nothing_new(void **state)
{
    test_fixture *f = *state;
    int64_t visit = visit_with_findings(f);
    long long audit = audit_rows(f);
    int n = -1;
    assert_int_equal(pt_finding_from_visit(f->ctx, visit, "2026-06-01", &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM finding"), 5);
    /* the first due dates stand */
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM finding WHERE due_date = '2026-05-20'"), 3);
    assert_int_equal(audit_rows(f), audit);
}

static void a_visit_not_yet_scored_has_no_findings_to_record(void **state)
{
    test_fixture *f = *state;
    int64_t visit = test_import_sample_visit(f->ctx, CAHAYA_KASIH);
    int n = -1;
    assert_int_equal(pt_finding_from_visit(f->ctx, visit, "2026-05-13", &n), PT_ESTATE);
    assert_error_contains("is submitted: recording its findings needs it to be scored");
    assert_int_equal(n, 0);
    assert_int_equal(pt_finding_from_visit(f->ctx, visit, "13-05-2026", &n), PT_EINVALID);
    assert_int_equal(pt_finding_from_visit(f->ctx, 99, "2026-05-13", &n), PT_ENOTFOUND);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM finding"), 0);
}

/* A flag that names no agency is the Dinas Sosial's; one without an item keeps item NULL. */
static const char TINY_XML[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"tiny\" version=\"1\" script=\"tiny.lua\">\n"
    "  <title>Instrumen kecil</title>\n"
    "  <grading max=\"100\" fail-label=\"Tidak lulus\">\n"
    "    <band grade=\"A\" min=\"80\" label=\"Baik\" validity-years=\"2\"/>\n"
    "  </grading>\n"
    "  <section id=\"S1\" weight=\"100\">\n"
    "    <title>Bagian satu</title>\n"
    "    <item id=\"S1.01\" type=\"yesno\" weight=\"1\"><text>Satu</text></item>\n"
    "  </section>\n"
    "</checklist>\n";
static const char TINY_LUA[] =
    "function score(v)\n"
    "  return { sections = {{ id = 'S1', score = 0, max = 100, justification = '' }},\n"
    "           total = 0, max = 100, grade = '',\n"
    "           flags = {{ code = 'RASIO', severity = 'tinggi', agency = '', item = '',\n"
    "                      message = 'Rasio pengasuh tidak memadai' }} }\n"
    "end\n";

static void a_flag_without_agency_is_the_dinas_sosial_s_and_tinggi_is_due_in_30_days(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char *scripts = malloc(strlen(dir) + 16);
    sprintf(scripts, "%s/scripts", dir);
    assert_int_equal(mkdir(scripts, 0700), 0);
    free(test_write_file(scripts, "tiny.lua", TINY_LUA));
    pt_ctx *ctx = test_open_db_with_scripts(dir, scripts);
    test_store_checklist_xml(ctx, "tiny.xml", TINY_XML);
    test_add_home(ctx, "T-1", "Panti Kecil", NULL);
    char *csv = test_write_file(dir, "v.csv", "#institution,T-1\n#checklist,tiny@1\n#date,2026-03-01\n"
                                              "#type,routine\nitem,value,note\nS1.01,ya,\n");
    int64_t visit = test_import_visits(ctx, csv, 1).first_id;
    free(csv);
    pt_score_free(test_score_visit(ctx, visit));
    int n = 0;
    assert_int_equal(pt_finding_from_visit(ctx, visit, "2026-03-02", &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM finding WHERE agency = 'Dinas Sosial' "
                                       "AND item_id IS NULL AND flag_code = 'RASIO' AND severity = 'tinggi' "
                                       "AND due_date = '2026-04-01'"), 1);
    free(scripts);
    test_close_db(ctx, dir);
}

/* ---- by hand, and plans ---- */

static void a_failed_item_is_recorded_by_hand_on_an_item_of_the_visit_s_checklist(void **state)
{
    test_fixture *f = *state;
    int64_t visit = visit_with_findings(f);
    int64_t id = 0;
    assert_int_equal(pt_finding_add(f->ctx, visit, "C.04", "rendah", "Dinas Sosial", "2026-09-01",
                                    "Lemari pakaian dipakai berdua", &id), 0);
    assert_true(id > 0);
    pt_finding *got = NULL;
    assert_int_equal(pt_finding_get(f->ctx, id, &got), 0);
    assert_string_equal(got->item_id, "C.04");
    assert_null(got->flag_code);
    assert_string_equal(got->severity, "rendah");
    assert_string_equal(got->due_date, "2026-09-01");
    assert_string_equal(got->institution_name, "LKSA Cahaya Kasih");
    assert_int_equal(got->n_plans, 0);
    assert_null(got->last_plan);
    pt_finding_free(got);

    long long before = test_sql_int(f->ctx, "SELECT count(*) FROM finding");
    assert_int_equal(pt_finding_add(f->ctx, visit, "Z.99", "rendah", "Dinas Sosial", "2026-09-01", "x", NULL),
                     PT_EINVALID);
    assert_error_contains("item Z.99 is not an item of checklist monitoring-gabungan@2025.1");
    assert_int_equal(pt_finding_add(f->ctx, visit, "C.04", "rendah", "Dinas Sosial", "2026-09-01", "again", NULL),
                     PT_EEXISTS);
    assert_error_contains("already has finding");
    assert_int_equal(pt_finding_add(f->ctx, visit, "C.03", "parah", "Dinas Sosial", "2026-09-01", "x", NULL),
                     PT_EINVALID);
    assert_error_contains("use kritis, tinggi, sedang or rendah");
    assert_int_equal(pt_finding_add(f->ctx, visit, "C.03", "rendah", " ", "2026-09-01", "x", NULL), PT_EINVALID);
    assert_int_equal(pt_finding_add(f->ctx, visit, "C.03", "rendah", "DP3A", "2026-02-30", "x", NULL), PT_EINVALID);
    assert_error_contains("is not a date");
    assert_int_equal(pt_finding_add(f->ctx, visit, "C.03", "rendah", "DP3A", "2026-09-01", "", NULL), PT_EINVALID);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM finding"), before);
}

static void plans_are_appended_and_the_latest_is_in_force(void **state)
{
    test_fixture *f = *state;
    visit_with_findings(f);
    int64_t finding = finding_on(f, "E.02");
    int64_t p1 = 0, p2 = 0;
    assert_int_equal(pt_finding_plan(f->ctx, finding, "Menelusuri 8 anak bersama keluarga",
                                     "Pekerja sosial lembaga", "2026-06-15", &p1), 0);
    assert_int_equal(pt_finding_plan(f->ctx, finding, "Memperbarui daftar anak dan melapor",
                                     "Ketua yayasan", "2026-06-30", &p2), 0);
    assert_true(p2 > p1);
    pt_finding *got = NULL;
    assert_int_equal(pt_finding_get(f->ctx, finding, &got), 0);
    assert_int_equal(got->n_plans, 2);
    assert_int_equal(got->plans[0].id, p1);
    assert_string_equal(got->plans[0].responsible, "Pekerja sosial lembaga");
    assert_int_equal(got->last_plan->id, p2);
    assert_string_equal(got->last_plan->target_date, "2026-06-30");
    pt_finding_free(got);

    assert_int_equal(pt_finding_plan(f->ctx, finding, "", "x", "2026-06-30", NULL), PT_EINVALID);
    assert_int_equal(pt_finding_plan(f->ctx, finding, "x", "x", "besok", NULL), PT_EINVALID);
    assert_int_equal(pt_finding_plan(f->ctx, 999, "x", "x", "2026-06-30", NULL), PT_ENOTFOUND);
    /* the database keeps plans as records */
    assert_int_equal(sqlite3_exec(f->ctx->db, "UPDATE corrective_plan SET action = 'lain'", NULL, NULL, NULL) & 0xff,
                     SQLITE_CONSTRAINT);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM corrective_plan"), 2);
}

/* ---- closing ---- */

/* Asserts that closing `finding` with `visit` fails with code and message, and changes
 * nothing. */
static void assert_close_refused(test_fixture *f, int64_t finding, int64_t visit, int code,
                                 const char *message)
{
    long long audit = audit_rows(f);
    assert_int_equal(pt_finding_close(f->ctx, finding, visit), code);
    assert_error_contains(message);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT status = 'open' AND closed_at IS NULL FROM finding WHERE id = %lld",
             (long long)finding);
    assert_int_equal(test_sql_int(f->ctx, sql), 1);
    assert_int_equal(audit_rows(f), audit);
}

static void a_finding_is_not_closed_by_a_visit_that_does_not_show_the_fix(void **state)
{
    test_fixture *f = *state;
    int64_t visit = visit_with_findings(f);
    int64_t d01 = finding_on(f, "D.01"), d04 = finding_on(f, "D.04"), e02 = finding_on(f, "E.02");
    int64_t sanksi = finding_on(f, "SANKSI");
    int64_t a06 = 0;
    assert_int_equal(pt_finding_add(f->ctx, visit, "A.06", "tinggi", "Satpol PP", "2026-06-01",
                                    "Penghentian sementara dilanggar", &a06), 0);
    int64_t early = import_scored(f, "early.csv", V_EARLY);
    int64_t other = import_scored(f, "other.csv", V_OTHER);
    int64_t still = import_scored(f, "still.csv", V_STILL);

    char msg[256];
    snprintf(msg, sizeof msg, "visit %lld (2026-04-01) is not later than visit %lld (2026-05-12)",
             (long long)early, (long long)visit);
    assert_close_refused(f, d01, early, PT_EINVALID, msg);
    snprintf(msg, sizeof msg, "visit %lld is a visit to LKSA Harapan Bunda", (long long)other);
    assert_close_refused(f, d01, other, PT_EINVALID, msg);
    assert_close_refused(f, d01, other, PT_EINVALID, "only a visit to the same home verifies a finding");
    assert_close_refused(f, d01, visit, PT_EINVALID, "only a later verification visit can close it");
    snprintf(msg, sizeof msg, "visit %lld still flags item D.04 (GATE): finding %lld stays open",
             (long long)still, (long long)d04);
    assert_close_refused(f, d04, still, PT_EINVALID, msg);
    snprintf(msg, sizeof msg, "visit %lld did not answer item E.02: it cannot verify finding %lld",
             (long long)still, (long long)e02);
    assert_close_refused(f, e02, still, PT_EINVALID, msg);
    snprintf(msg, sizeof msg, "visit %lld answered item A.06 N/A", (long long)still);
    assert_close_refused(f, a06, still, PT_EINVALID, msg);
    snprintf(msg, sizeof msg, "visit %lld still raises flag SANKSI: finding %lld stays open",
             (long long)still, (long long)sanksi);
    assert_close_refused(f, sanksi, still, PT_EINVALID, msg);
    /* a verification visit that is not scored yet */
    int64_t good = import_text(f, "good.csv", V_GOOD);
    snprintf(msg, sizeof msg, "visit %lld is submitted: verifying finding %lld needs it to be scored",
             (long long)good, (long long)d04);
    assert_close_refused(f, d04, good, PT_ESTATE, msg);
    assert_close_refused(f, d04, 999, PT_ENOTFOUND, "visit 999 not found");
    assert_close_refused(f, d04, good, PT_ESTATE, "needs it to be scored");
    assert_int_equal(pt_finding_close(f->ctx, 999, good), PT_ENOTFOUND);
}

static void a_verification_visit_that_shows_the_fix_closes_the_finding(void **state)
{
    test_fixture *f = *state;
    visit_with_findings(f);
    int64_t d01 = finding_on(f, "D.01"), d04 = finding_on(f, "D.04"), sanksi = finding_on(f, "SANKSI");
    int64_t still = import_scored(f, "still.csv", V_STILL);
    /* D.01 was fixed by the first verification visit, D.04 only by the second */
    assert_int_equal(pt_finding_close(f->ctx, d01, still), 0);
    int64_t good = import_scored(f, "good.csv", V_GOOD);
    assert_int_equal(pt_finding_close(f->ctx, d04, good), 0);
    assert_int_equal(pt_finding_close(f->ctx, sanksi, good), 0);

    pt_finding *got = NULL;
    assert_int_equal(pt_finding_get(f->ctx, d04, &got), 0);
    assert_string_equal(got->status, "closed");
    assert_int_equal(got->closed_by_visit, good);
    assert_string_equal(got->closed_by, "local");
    assert_non_null(got->closed_at);
    pt_finding_free(got);

    assert_int_equal(pt_finding_close(f->ctx, d04, good), PT_ESTATE);
    assert_error_contains("is already closed (verified by visit");
    assert_int_equal(pt_finding_plan(f->ctx, d04, "x", "y", "2026-09-01", NULL), PT_ESTATE);
    assert_error_contains("its plan no longer changes");

    pt_finding_filter open = {.open_only = 1};
    seen s = {0};
    assert_int_equal(pt_finding_foreach(f->ctx, &open, collect, &s), 0);
    assert_int_equal(s.n, 2); /* E.02, E.04 */
    assert_audit_intact(f);
}

/* The same home after the finding's visit, with another checklist (pemantauan-snpa), whose
 * script never raises SANKSI. */
static int64_t snpa_visit(test_fixture *f)
{
    pt_checklist *cl = NULL;
    if (pt_checklist_load_file(&cl, test_source_path("checklists/pemantauan-snpa.xml")) != 0)
        fail_msg("load checklist: %s", pt_error_last());
    test_store_checklist(f->ctx, cl);
    pt_score *s = test_score_sample(f->ctx, "snpa-cahaya-kasih-2026-06-10.csv");
    int64_t id = s->visit_id;
    pt_score_free(s);
    return id;
}

static void a_visit_with_another_checklist_cannot_verify_a_finding(void **state)
{
    test_fixture *f = *state;
    int64_t visit = visit_with_findings(f);
    int64_t sanksi = finding_on(f, "SANKSI");
    int64_t snpa = snpa_visit(f);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score_flag WHERE code = 'SANKSI' "
                                  "AND visit_id = (SELECT max(id) FROM visit)"), 0);
    char msg[400];
    snprintf(msg, sizeof msg, "visit %lld is a visit with checklist pemantauan-snpa, not with "
             "monitoring-gabungan like visit %lld that recorded finding %lld: only a visit with the "
             "same checklist (any version) verifies a finding", (long long)snpa, (long long)visit,
             (long long)sanksi);
    assert_close_refused(f, sanksi, snpa, PT_EINVALID, msg);
    /* the same checklist, no SANKSI any more: closed */
    int64_t good = import_scored(f, "good.csv", V_GOOD);
    assert_int_equal(pt_finding_close(f->ctx, sanksi, good), 0);
}

/* C.04 (own bed and cupboard) was "tidak" in the finding's visit and raises no flag either way. */
static const char V_SAME_C04[] =
    "#institution,LKSA-3671-002\n#checklist,monitoring-gabungan@2025.1\n#date,2026-07-01\n"
    "#type,joint\nitem,value,note\nC.04,tidak,\nD.01,tidak,\nD.04,tidak,\n";
static const char V_FIXED_C04[] =
    "#institution,LKSA-3671-002\n#checklist,monitoring-gabungan@2025.1\n#date,2026-07-02\n"
    "#type,joint\nitem,value,note\nC.04,ya,\nD.01,tidak,\nD.04,tidak,\n";

static void a_finding_recorded_by_hand_is_not_closed_by_the_same_answer_again(void **state)
{
    test_fixture *f = *state;
    int64_t visit = visit_with_findings(f);
    int64_t c04 = 0;
    assert_int_equal(pt_finding_add(f->ctx, visit, "C.04", "rendah", "Dinas Sosial", "2026-09-01",
                                    "Lemari pakaian dipakai berdua", &c04), 0);
    int64_t same = import_scored(f, "same.csv", V_SAME_C04);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score_flag WHERE item_id = 'C.04'"), 0);
    char msg[400];
    snprintf(msg, sizeof msg, "visit %lld answered item C.04 'tidak', as visit %lld did when it "
             "recorded finding %lld: a finding recorded by hand is verified by a changed answer to "
             "its item, so it stays open", (long long)same, (long long)visit, (long long)c04);
    assert_close_refused(f, c04, same, PT_EINVALID, msg);
    /* a finding from a flag on an item is re-checked by the score: D.01 is no longer flagged */
    assert_int_equal(pt_finding_close(f->ctx, finding_on(f, "D.01"), same), 0);
    int64_t fixed = import_scored(f, "fixed.csv", V_FIXED_C04);
    assert_int_equal(pt_finding_close(f->ctx, c04, fixed), 0);
    assert_audit_intact(f);
}

static void a_closed_finding_cannot_change_even_by_sql(void **state)
{
    test_fixture *f = *state;
    visit_with_findings(f);
    int64_t d01 = finding_on(f, "D.01");
    int64_t still = import_scored(f, "still.csv", V_STILL);
    assert_int_equal(pt_finding_close(f->ctx, d01, still), 0);
    const char *const changes[] = {
        "UPDATE finding SET status = 'open', closed_by_visit = NULL, closed_by = NULL, closed_at = NULL WHERE id = %lld",
        "UPDATE finding SET escalated_at = '2026-12-01T00:00:00Z' WHERE id = %lld",
        "DELETE FROM finding WHERE id = %lld",
    };
    for (size_t i = 0; i < 3; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, changes[i], (long long)d01);
        assert_int_equal(sqlite3_exec(f->ctx->db, sql, NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
    }
    /* an open one only escalates and closes: its due date is a record */
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE finding SET due_date = '2027-01-01' WHERE id = %lld",
             (long long)finding_on(f, "D.04"));
    assert_int_equal(sqlite3_exec(f->ctx->db, sql, NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
    assert_non_null(strstr(sqlite3_errmsg(f->ctx->db), "a finding only escalates and closes"));
}

/* ---- escalation ---- */

typedef struct raised {
    int n;
    char line[16][160];
} raised;

static int note_raised(const pt_escalation *e, void *payload)
{
    raised *r = payload;
    if (r->n < 16)
        snprintf(r->line[r->n++], 160, "%s %s %lld %lld %s", e->type, e->date,
                 (long long)e->finding_id, (long long)e->decision_id, e->institution_name);
    return 0;
}

static void overdue_findings_are_escalated_once(void **state)
{
    test_fixture *f = *state;
    visit_with_findings(f);
    int64_t d01 = finding_on(f, "D.01");
    int64_t still = import_scored(f, "still.csv", V_STILL);
    assert_int_equal(pt_finding_close(f->ctx, d01, still), 0);
    long long events = test_sql_int(f->ctx, "SELECT count(*) FROM event");

    /* due 2026-05-20: on the 20th nothing is late yet */
    pt_escalation_counts c;
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-05-20", &c, NULL, NULL), 0);
    assert_int_equal(c.finding_overdue, 0);
    assert_int_equal(c.registration_expiring, 1); /* Cahaya Kasih's, ending 2026-06-01 */
    raised r = {0};
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-05-21", &c, note_raised, &r), 0);
    assert_int_equal(c.finding_overdue, 2); /* D.04 and SANKSI; D.01 is closed */
    assert_int_equal(c.registration_expiring, 0);
    assert_int_equal(r.n, 2);
    char expect[160];
    snprintf(expect, sizeof expect, "finding.overdue 2026-05-20 %lld 0 LKSA Cahaya Kasih",
             (long long)finding_on(f, "D.04"));
    assert_string_equal(r.line[0], expect);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM event WHERE type = 'finding.overdue'"), 2);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM finding WHERE escalated_at IS NOT NULL"), 2);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM event WHERE type = 'finding.overdue' "
                                          "AND subject LIKE 'Tindak lanjut terlambat [kritis] di LKSA Cahaya Kasih%' "
                                          "AND body LIKE '%terlambat 1 hari%' "
                                          "AND json_extract(json, '$.finding.days_overdue') = 1"), 2);

    /* the next day, and a week later: nothing new until E.02 is due (2026-07-12) */
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-05-22", &c, NULL, NULL), 0);
    assert_int_equal(c.finding_overdue + c.accreditation_expiring + c.registration_expiring, 0);
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-07-13", &c, NULL, NULL), 0);
    assert_int_equal(c.finding_overdue, 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM event WHERE type = 'finding.overdue'"), 3);
    assert_true(test_sql_int(f->ctx, "SELECT count(*) FROM event") > events);
    assert_audit_intact(f);
}

static void registrations_expiring_within_90_days_are_told_once_per_date(void **state)
{
    test_fixture *f = *state;
    /* Cahaya Kasih's registration ends 2026-06-01; Harapan Bunda's 2027-02-10 */
    pt_escalation_counts c;
    raised r = {0};
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-03-02", &c, note_raised, &r), 0);
    assert_int_equal(c.registration_expiring, 0); /* 91 days before */
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-03-03", &c, note_raised, &r), 0);
    assert_int_equal(c.registration_expiring, 1);
    assert_string_equal(r.line[0], "registration.expiring 2026-06-01 0 0 LKSA Cahaya Kasih");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM event WHERE type = 'registration.expiring' "
                                          "AND subject = 'Tanda daftar LKSA Cahaya Kasih berakhir 2026-06-01 (90 hari lagi)' "
                                          "AND json_extract(json, '$.registration.reg_no') = 'LKSA-3671-002'"), 1);
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-04-01", &c, NULL, NULL), 0);
    assert_int_equal(c.registration_expiring, 0);
    /* renewed, then about to end again: news */
    const pt_field renew[] = {{"reg_expires", "2026-06-30"}};
    assert_int_equal(pt_institution_update(f->ctx, 2, renew, 1), 0);
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-04-01", &c, NULL, NULL), 0);
    assert_int_equal(c.registration_expiring, 1);
    /* an expired or revoked registration is not "expiring" */
    const pt_field revoke[] = {{"reg_status", "revoked"}, {"reg_expires", "2026-07-30"}};
    assert_int_equal(pt_institution_update(f->ctx, 2, revoke, 2), 0);
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-04-01", &c, NULL, NULL), 0);
    assert_int_equal(c.registration_expiring, 0);
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-4-1", &c, NULL, NULL), PT_EINVALID);
    assert_audit_intact(f);
}

/* A decision as review.c writes it (an open review of the visit, then the decision row; an
 * appeal reopens the review of the decision it supersedes). The review workflow has its own
 * tests; here only the columns escalation reads matter. */
static int64_t decide(test_fixture *f, int64_t visit, const char *grade, const char *valid_until,
                      int64_t supersedes)
{
    char sql[2048], reopens[96] = "NULL", sup[32] = "NULL";
    if (supersedes) {
        snprintf(reopens, sizeof reopens, "(SELECT review_id FROM decision WHERE id = %lld)",
                 (long long)supersedes);
        snprintf(sup, sizeof sup, "%lld", (long long)supersedes);
    }
    snprintf(sql, sizeof sql,
             "INSERT INTO review (visit_id, kind, reopens, quorum, opened_by, opened_at, reason) "
             "VALUES (%lld, '%s', %s, 1, 'uji', '2026-01-01T00:00:00Z', %s);"
             "INSERT INTO decision (review_id, visit_id, institution_id, kind, outcome, "
             "outcome_label, valid_from, valid_until, panel_size, votes_cast, quorum, votes, "
             "evidence, evidence_sha256, supersedes, decided_by, decided_at) "
             "SELECT (SELECT max(id) FROM review), v.id, v.institution_id, 'accreditation', '%s', "
             "'Baik', '2024-01-01', '%s', 1, 1, 1, '[]', '{}', "
             "'0000000000000000000000000000000000000000000000000000000000000000', %s, 'uji', "
             "'2026-01-01T00:00:00Z' FROM visit v WHERE v.id = %lld",
             (long long)visit, supersedes ? "appeal" : "review", reopens,
             supersedes ? "'banding'" : "NULL", grade, valid_until, sup, (long long)visit);
    char *err = NULL;
    if (sqlite3_exec(f->ctx->db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s", err);
    return test_sql_int(f->ctx, "SELECT max(id) FROM decision");
}

static void the_accreditation_in_force_is_told_once_when_it_ends_within_90_days(void **state)
{
    test_fixture *f = *state;
    /* Sekar Arum and Mutiara Hati: registered until 2030, so only accreditations speak.
     * Sekar Arum's B until 2027-01-10 is superseded on appeal by an A until 2029-01-10;
     * Mutiara Hati's B until 2027-01-10 is in force. */
    int64_t sekar = test_import_sample_visit(f->ctx, "gabungan-sekar-arum-2026-10-20.csv");
    int64_t mutiara = import_text(f, "mutiara.csv",
                                  "#institution,LKSA-3328-002\n#checklist,monitoring-gabungan@2025.1\n"
                                  "#date,2026-05-19\n#type,joint\nitem,value,note\nA.01,ya,\n");
    int64_t superseded = decide(f, sekar, "B", "2027-01-10", 0);
    decide(f, sekar, "A", "2029-01-10", superseded);
    int64_t in_force = decide(f, mutiara, "B", "2027-01-10", 0);

    pt_escalation_counts c;
    raised r = {0};
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-10-11", &c, note_raised, &r), 0);
    assert_int_equal(c.accreditation_expiring, 0); /* 91 days before */
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-10-12", &c, note_raised, &r), 0);
    assert_int_equal(c.accreditation_expiring, 1);
    assert_int_equal(r.n, 1);
    char expect[160];
    snprintf(expect, sizeof expect, "accreditation.expiring 2027-01-10 0 %lld LKSA Mutiara Hati",
             (long long)in_force);
    assert_string_equal(r.line[0], expect);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM event WHERE type = 'accreditation.expiring' "
                                          "AND subject = 'Akreditasi LKSA Mutiara Hati berakhir 2027-01-10 (90 hari lagi)' "
                                          "AND body LIKE '%mengajukan akreditasi ulang kepada BALKS%' "
                                          "AND json_extract(json, '$.accreditation.grade') = 'B'"), 1);
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-10-13", &c, NULL, NULL), 0);
    assert_int_equal(c.accreditation_expiring, 0);
    /* the appeal's validity, in its turn */
    assert_int_equal(pt_finding_escalate(f->ctx, "2028-10-12", &c, note_raised, &r), 0);
    assert_int_equal(c.accreditation_expiring, 1);
    assert_non_null(strstr(r.line[1], "accreditation.expiring 2029-01-10 0"));
    assert_non_null(strstr(r.line[1], "LKSA Sekar Arum"));
    assert_audit_intact(f);
}

/* ---- who may ---- */

static void only_those_who_follow_up_record_findings_and_only_officers_escalate(void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, CAHAYA_KASIH);
    int64_t visit = s->visit_id;
    pt_score_free(s);
    assert_int_equal(pt_user_add(f->ctx, "ani", PT_ROLE_ADMIN, "Dinas Sosial", NULL, "adminpass1", NULL), 0);
    assert_int_equal(pt_authenticate_password(f->ctx, "ani", "adminpass1"), 0);
    assert_int_equal(pt_user_add(f->ctx, "dewi", PT_ROLE_BOARD, "BALKS", NULL, "boardpass1", NULL), 0);
    assert_int_equal(pt_user_add(f->ctx, "budi", PT_ROLE_INSPECTOR, "Dinas Sosial", NULL, "budipass1", NULL), 0);

    assert_int_equal(pt_finding_from_visit(f->ctx, visit, "2026-05-13", NULL), PT_EDENIED);
    assert_error_contains("may not record findings");
    assert_int_equal(pt_authenticate_password(f->ctx, "dewi", "boardpass1"), 0);
    assert_int_equal(pt_finding_from_visit(f->ctx, visit, "2026-05-13", NULL), PT_EDENIED);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM finding"), 0);

    assert_int_equal(pt_authenticate_password(f->ctx, "budi", "budipass1"), 0);
    int n = 0;
    assert_int_equal(pt_finding_from_visit(f->ctx, visit, "2026-05-13", &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM finding WHERE created_by = 'budi'"), 5);
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-06-01", NULL, NULL, NULL), PT_EDENIED);
    assert_error_contains("may not escalate overdue work");
    assert_int_equal(pt_authenticate_password(f->ctx, "ani", "adminpass1"), 0);
    pt_escalation_counts c;
    assert_int_equal(pt_finding_escalate(f->ctx, "2026-06-01", &c, NULL, NULL), 0);
    assert_int_equal(c.finding_overdue, 3);
    assert_audit_intact(f);
}

static void agencies_match_as_a_list_without_regard_to_case(void **state)
{
    (void)state;
    assert_true(pt_finding_agency_matches("Satpol PP, Dinas Sosial", "Dinas Sosial"));
    assert_true(pt_finding_agency_matches("Satpol PP, Dinas Sosial", "satpol pp"));
    assert_true(pt_finding_agency_matches("Dinas Sosial Kota Tangerang", "Dinas Sosial"));
    assert_false(pt_finding_agency_matches("Dinas Sosial", "Dinas Sosial Kota Tangerang"));
    assert_false(pt_finding_agency_matches("Kepolisian, DP3A", "DP3"));
    assert_false(pt_finding_agency_matches("Dinas Sosialisasi", "Dinas Sosial"));
    assert_false(pt_finding_agency_matches("DP3A", ""));
}

static void the_overdue_filter_lists_open_findings_due_before_the_day(void **state)
{
    test_fixture *f = *state;
    visit_with_findings(f);
    pt_finding_filter overdue = {.overdue_as_of = "2026-07-13"};
    seen s = {0};
    assert_int_equal(pt_finding_foreach(f->ctx, &overdue, collect, &s), 0);
    assert_int_equal(s.n, 4); /* not E.04, due 2026-08-11 */
    pt_finding_filter dinsos = {.agency = "Dinas Sosial"};
    memset(&s, 0, sizeof s);
    assert_int_equal(pt_finding_foreach(f->ctx, &dinsos, collect, &s), 0);
    assert_int_equal(s.n, 2); /* SANKSI (with Satpol PP) and E.02 */
    pt_finding_filter elsewhere = {.institution_id = 1};
    memset(&s, 0, sizeof s);
    assert_int_equal(pt_finding_foreach(f->ctx, &elsewhere, collect, &s), 0);
    assert_int_equal(s.n, 0);
    pt_finding_filter bad = {.overdue_as_of = "kemarin"};
    assert_int_equal(pt_finding_foreach(f->ctx, &bad, collect, &s), PT_EINVALID);
}

#define T(name) cmocka_unit_test_prestate_setup_teardown(name, test_instrument_setup, \
                                                         test_fixture_teardown, (void *)&GABUNGAN)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(findings_from_flags_carry_severity_agency_item_and_due_by_severity),
        T(recording_the_findings_of_a_visit_again_creates_nothing_new),
        T(a_visit_not_yet_scored_has_no_findings_to_record),
        cmocka_unit_test(a_flag_without_agency_is_the_dinas_sosial_s_and_tinggi_is_due_in_30_days),
        T(a_failed_item_is_recorded_by_hand_on_an_item_of_the_visit_s_checklist),
        T(plans_are_appended_and_the_latest_is_in_force),
        T(a_finding_is_not_closed_by_a_visit_that_does_not_show_the_fix),
        T(a_verification_visit_that_shows_the_fix_closes_the_finding),
        T(a_visit_with_another_checklist_cannot_verify_a_finding),
        T(a_finding_recorded_by_hand_is_not_closed_by_the_same_answer_again),
        T(a_closed_finding_cannot_change_even_by_sql),
        T(overdue_findings_are_escalated_once),
        T(registrations_expiring_within_90_days_are_told_once_per_date),
        T(the_accreditation_in_force_is_told_once_when_it_ends_within_90_days),
        T(only_those_who_follow_up_record_findings_and_only_officers_escalate),
        cmocka_unit_test(agencies_match_as_a_list_without_regard_to_case),
        T(the_overdue_filter_lists_open_findings_due_before_the_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
