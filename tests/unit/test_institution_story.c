/*
 * The status and the story of a home (institution_story.c): registration validity, the
 * accreditation in force (superseded and expired decisions), the sanction ladder, open and
 * overdue findings, and the timeline in the order things happened.
 *
 * The history is built with the C API where it exists (institutions, visit import, scoring,
 * the life cycle) and with direct SQL for reviews, decisions, findings, plans and sanctions,
 * whose triggers still apply: every row written here is one the workflow could write (a
 * decision has an open review of its visit, a closed finding names its verification visit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "internal.h"
#include "lifecycle.h"

static const test_instrument AKREDITASI = {
    .checklist = "checklists/akreditasi-lksa.xml",
    .n_sections = 6,
    .section_ids = {"S1", "S2", "S3", "S4", "S5", "S6"},
    .section_max = {15, 25, 15, 15, 15, 15},
};

/* ids of checklists/samples/institutions.csv, in file order */
enum { HARAPAN_BUNDA = 1, PELITA = 3 };

#define EVIDENCE_SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void exec(pt_ctx *ctx, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(ctx->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", err ? err : "?");
        sqlite3_free(err);
        fail_msg("%s: %s", sql, msg);
    }
}

static void execf(pt_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void execf(pt_ctx *ctx, const char *fmt, ...)
{
    char sql[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    exec(ctx, sql);
}

/* Imports the Harapan Bunda accreditation sample again, dated `date`, and returns its id. */
static int64_t import_visit_dated(test_fixture *f, const char *date)
{
    char *text = test_read_file(test_source_path(
                                    "checklists/samples/visits/harapan-bunda-akreditasi-2026-03-14.csv"),
                                NULL);
    char *at = strstr(text, "#date;2026-03-14");
    assert_non_null(at);
    memcpy(at + 6, date, 10);
    char name[64];
    snprintf(name, sizeof name, "visit-%s.csv", date);
    char *path = test_write_file(f->dir, name, text);
    pt_visit_import_result r = test_import_visits(f->ctx, path, 1);
    free(path);
    free(text);
    return r.first_id;
}

static void score(pt_ctx *ctx, int64_t visit_id) { pt_score_free(test_score_visit(ctx, visit_id)); }

/* A board decision as review.c would write it: the visit goes under review, the review opens,
 * the decision is inserted while it is open, the review closes and the visit is decided.
 * kind is 'review' or 'appeal' (then reopens the review of `supersedes`). Returns its id. */
static int64_t decide(pt_ctx *ctx, int64_t visit_id, const char *review_kind, int64_t supersedes,
                      const char *outcome, const char *label, const char *valid_until)
{
    pt_visit_state state;
    assert_int_equal(pt_visit_state_get(ctx, visit_id, &state), 0);
    if (state == PT_STATE_SCORED)
        assert_int_equal(pt__visit_step(ctx, visit_id, PT_STATE_SCORED, PT_STATE_UNDER_REVIEW, NULL), 0);
    if (supersedes)
        execf(ctx, "INSERT INTO review (visit_id, kind, reopens, quorum, opened_by, opened_at, reason) "
                   "VALUES (%lld, '%s', (SELECT review_id FROM decision WHERE id = %lld), 2, 'dewi', "
                   "pt_now(), 'pemohon mengajukan bukti baru')",
              (long long)visit_id, review_kind, (long long)supersedes);
    else
        execf(ctx, "INSERT INTO review (visit_id, kind, quorum, opened_by, opened_at) "
                   "VALUES (%lld, 'review', 2, 'dewi', pt_now())", (long long)visit_id);
    int64_t review = sqlite3_last_insert_rowid(ctx->db);
    char validity[80] = "NULL, NULL";
    if (valid_until) snprintf(validity, sizeof validity, "date('now'), '%s'", valid_until);
    char sup[32] = "NULL";
    if (supersedes) snprintf(sup, sizeof sup, "%lld", (long long)supersedes);
    execf(ctx,
          "INSERT INTO decision (review_id, visit_id, institution_id, kind, outcome, outcome_label, "
          "  valid_from, valid_until, panel_size, votes_cast, quorum, votes, evidence, evidence_sha256, "
          "  supersedes, decided_by, decided_at) "
          "SELECT %lld, v.id, v.institution_id, 'accreditation', '%s', '%s', %s, 3, 2, 2, '[]', '{}', "
          "  '" EVIDENCE_SHA "', %s, 'dewi', pt_now() FROM visit v WHERE v.id = %lld",
          (long long)review, outcome, label, validity, sup, (long long)visit_id);
    int64_t decision = sqlite3_last_insert_rowid(ctx->db);
    execf(ctx, "UPDATE review SET status = 'decided', closed_by = 'dewi', closed_at = pt_now() "
               "WHERE id = %lld", (long long)review);
    if (state == PT_STATE_SCORED)
        assert_int_equal(pt__visit_step(ctx, visit_id, PT_STATE_UNDER_REVIEW, PT_STATE_DECIDED, NULL), 0);
    return decision;
}

static int64_t add_finding(pt_ctx *ctx, int64_t visit_id, const char *item, const char *severity,
                           const char *agency, const char *due)
{
    execf(ctx, "INSERT INTO finding (institution_id, visit_id, item_id, severity, agency, description, "
               "  due_date, created_by, created_at) "
               "SELECT institution_id, id, '%s', '%s', '%s', 'butir %s tidak terpenuhi', '%s', 'sari', "
               "  pt_now() FROM visit WHERE id = %lld",
          item, severity, agency, item, due, (long long)visit_id);
    return sqlite3_last_insert_rowid(ctx->db);
}

/* ---- collecting the story ---- */

#define MAX_ENTRIES 64

typedef struct collected {
    size_t n;
    char kind[MAX_ENTRIES][24];
    char date[MAX_ENTRIES][11];
    char text[MAX_ENTRIES][600];
    int64_t id[MAX_ENTRIES], visit[MAX_ENTRIES], decision[MAX_ENTRIES], finding[MAX_ENTRIES];
    size_t stop_after;   /* 0: never stop */
} collected;

static int collect(const pt_story_entry *e, void *payload)
{
    collected *c = payload;
    assert_true(c->n < MAX_ENTRIES);
    snprintf(c->kind[c->n], sizeof c->kind[0], "%s", e->kind);
    snprintf(c->date[c->n], sizeof c->date[0], "%s", e->date);
    snprintf(c->text[c->n], sizeof c->text[0], "%s", e->text);
    c->id[c->n] = e->id;
    c->visit[c->n] = e->visit_id;
    c->decision[c->n] = e->decision_id;
    c->finding[c->n] = e->finding_id;
    c->n++;
    return c->stop_after && c->n == c->stop_after ? 42 : 0;
}

static size_t find_entry(const collected *c, const char *kind, const char *text_part)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->kind[i], kind) == 0 && strstr(c->text[i], text_part)) return i;
    fail_msg("no %s entry containing \"%s\" in the story", kind, text_part);
    return 0;
}

#define assert_contains(haystack, needle) \
    do { \
        if (!strstr((haystack), (needle))) fail_msg("\"%s\" does not contain \"%s\"", (haystack), (needle)); \
    } while (0)

/* ---- the whole history of one home ---- */

typedef struct history {
    int64_t visit1, visit2, first_decision, appeal_decision, closed_finding, late_finding,
        future_finding, plan;
} history;

/* Harapan Bunda: accreditation visit (scored A), decided A until 2031, appealed and decided B
 * until 2029 (superseding the first); three findings on the first visit, one with a plan and a
 * revised plan, closed by a later verification visit; sanctions of step 1 and 2; its
 * registration extended. */
static history build_history(test_fixture *f)
{
    history h = {0};
    h.visit1 = test_import_sample_visit(f->ctx, "harapan-bunda-akreditasi-2026-03-14.csv");
    score(f->ctx, h.visit1);
    h.first_decision = decide(f->ctx, h.visit1, "review", 0, "A", "Sangat Baik", "2031-03-14");
    h.appeal_decision = decide(f->ctx, h.visit1, "appeal", h.first_decision, "B", "Baik", "2029-03-14");

    h.closed_finding = add_finding(f->ctx, h.visit1, "S2.07", "kritis", "DP3A", "2026-04-13");
    h.late_finding = add_finding(f->ctx, h.visit1, "S4.01", "tinggi", "Dinas Sosial", "2026-05-01");
    h.future_finding = add_finding(f->ctx, h.visit1, "S1.04", "rendah", "Dinas Sosial", "2027-06-01");
    execf(f->ctx, "INSERT INTO corrective_plan (finding_id, action, responsible, target_date, "
                  "created_by, created_at) VALUES (%lld, 'Menyusun SOP pengasuhan', 'Ketua yayasan', "
                  "'2026-04-01', 'sari', pt_now())", (long long)h.closed_finding);
    execf(f->ctx, "INSERT INTO corrective_plan (finding_id, action, responsible, target_date, "
                  "created_by, created_at) VALUES (%lld, 'Menyusun SOP dan melatih pengasuh', "
                  "'Ketua yayasan', '2026-05-01', 'sari', pt_now())", (long long)h.closed_finding);
    h.plan = sqlite3_last_insert_rowid(f->ctx->db);

    h.visit2 = import_visit_dated(f, "2026-06-01");
    score(f->ctx, h.visit2);
    execf(f->ctx, "UPDATE finding SET status = 'closed', closed_by_visit = %lld, closed_by = 'sari', "
                  "closed_at = pt_now() WHERE id = %lld", (long long)h.visit2, (long long)h.closed_finding);

    execf(f->ctx, "INSERT INTO sanction (institution_id, step, level, reason, visit_id, agency, "
                  "issued_by, issued_at) VALUES (%d, 1, 'teguran_lisan', 'SOP belum ada', %lld, "
                  "'Satpol PP', 'dedi', pt_now())", HARAPAN_BUNDA, (long long)h.visit1);
    execf(f->ctx, "INSERT INTO sanction (institution_id, step, level, reason, finding_id, agency, "
                  "issued_by, issued_at) VALUES (%d, 2, 'teguran_tertulis', 'temuan belum diperbaiki', "
                  "%lld, 'Satpol PP', 'dedi', pt_now())", HARAPAN_BUNDA, (long long)h.late_finding);

    pt_field extend[] = {{"reg_expires", "2032-02-10"}, {"capacity", "45"}};
    assert_int_equal(pt_institution_update(f->ctx, HARAPAN_BUNDA, extend, 2), 0);
    return h;
}

static void status_tells_the_accreditation_of_the_appeal_the_sanction_step_and_open_findings(void **state)
{
    test_fixture *f = *state;
    history h = build_history(f);
    pt_institution_status st;
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2026-12-01", &st), 0);

    assert_string_equal(st.today, "2026-12-01");
    assert_string_equal(st.reg_status, "registered");
    assert_string_equal(st.reg_date, "2022-02-10");
    assert_string_equal(st.reg_expires, "2032-02-10");
    assert_string_equal(st.reg_validity, "valid");

    /* the appeal's decision supersedes the first: B, not A */
    assert_int_equal(st.accredited, 1);
    assert_int_equal(st.has_last_decision, 1);
    assert_int_equal(st.accreditation_decision_id, h.appeal_decision);
    assert_string_equal(st.accreditation_grade, "B");
    assert_string_equal(st.accreditation_label, "Baik");
    assert_string_equal(st.accreditation_valid_until, "2029-03-14");

    assert_int_equal(st.sanction_step, 2);
    assert_string_equal(st.sanction_level, "teguran_tertulis");
    assert_string_equal(st.sanction_label, "teguran tertulis");
    assert_string_equal(st.sanction_agency, "Satpol PP");

    /* S2.07 closed; S4.01 due 2026-05-01 overdue; S1.04 due 2027-06-01 not yet */
    assert_int_equal(st.findings_open, 2);
    assert_int_equal(st.findings_overdue, 1);
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2026-04-30", &st), 0);
    assert_int_equal(st.findings_overdue, 0);
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2027-06-02", &st), 0);
    assert_int_equal(st.findings_overdue, 2);
}

static void an_accreditation_past_its_validity_is_no_longer_in_force_but_is_named(void **state)
{
    test_fixture *f = *state;
    history h = build_history(f);
    pt_institution_status st;
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2029-03-14", &st), 0);
    assert_int_equal(st.accredited, 1);          /* the last day of its validity */
    assert_int_equal(st.accreditation_days_left, 0);
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2029-03-15", &st), 0);
    assert_int_equal(st.accredited, 0);
    assert_int_equal(st.has_last_decision, 1);
    assert_int_equal(st.accreditation_decision_id, h.appeal_decision);
    assert_string_equal(st.accreditation_grade, "B");
    assert_int_equal(st.accreditation_days_left, -1);
    /* the superseded A ran until 2031, but it is no longer the board's word */
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2030-01-01", &st), 0);
    assert_int_equal(st.accredited, 0);
}

static void a_later_not_accredited_decision_ends_an_earlier_grade(void **state)
{
    test_fixture *f = *state;
    int64_t v1 = test_import_sample_visit(f->ctx, "harapan-bunda-akreditasi-2026-03-14.csv");
    score(f->ctx, v1);
    decide(f->ctx, v1, "review", 0, "A", "Sangat Baik", "2031-03-14");
    int64_t v2 = import_visit_dated(f, "2026-09-01");
    score(f->ctx, v2);
    int64_t tt = decide(f->ctx, v2, "review", 0, "TT", "Tidak Terakreditasi", NULL);
    pt_institution_status st;
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2027-04-01", &st), 0);
    assert_int_equal(st.accredited, 0);
    assert_int_equal(st.has_last_decision, 1);
    assert_int_equal(st.accreditation_decision_id, tt);
    assert_string_equal(st.accreditation_grade, "TT");
    assert_string_equal(st.accreditation_valid_until, "");
}

static void registration_validity_follows_the_expiry_date_as_of_the_day_asked(void **state)
{
    test_fixture *f = *state;
    pt_institution_status st;
    /* Harapan Bunda: registered, reg_expires 2027-02-10 */
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2026-11-11", &st), 0);
    assert_string_equal(st.reg_validity, "valid");
    assert_int_equal(st.reg_days_left, 91);
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2026-11-12", &st), 0);
    assert_string_equal(st.reg_validity, "expiring");
    assert_int_equal(st.reg_days_left, 90);
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2027-02-10", &st), 0);
    assert_string_equal(st.reg_validity, "expiring");
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2027-02-11", &st), 0);
    assert_string_equal(st.reg_validity, "expired");  /* the row still says registered */
    assert_string_equal(st.reg_status, "registered");
    /* Pelita: unregistered, nothing else known */
    assert_int_equal(pt_institution_status_get(f->ctx, PELITA, "2026-11-11", &st), 0);
    assert_string_equal(st.reg_status, "unregistered");
    assert_string_equal(st.reg_validity, "none");
    assert_string_equal(st.reg_expires, "");
    assert_int_equal(st.accredited, 0);
    assert_int_equal(st.has_last_decision, 0);
    assert_int_equal(st.sanction_step, 0);
    assert_int_equal(st.findings_open, 0);
    /* Bina Insani (id 5): stored as expired */
    assert_int_equal(pt_institution_status_get(f->ctx, 5, "2020-01-01", &st), 0);
    assert_string_equal(st.reg_validity, "expired");
}

static void the_story_tells_every_event_oldest_first(void **state)
{
    test_fixture *f = *state;
    history h = build_history(f);
    collected c = {0};
    assert_int_equal(pt_institution_story_foreach(f->ctx, HARAPAN_BUNDA, collect, &c), 0);

    /* the dated visits first (they happened before anything was recorded today) */
    assert_true(c.n >= 12);
    assert_string_equal(c.kind[0], "visit");
    assert_string_equal(c.date[0], "2026-03-14");
    assert_int_equal(c.visit[0], h.visit1);
    assert_contains(c.text[0], "Kunjungan akreditasi");
    assert_contains(c.text[0], "diputuskan");
    assert_contains(c.text[0], "nilai 95,03 dari 100, peringkat A");
    assert_string_equal(c.kind[1], "visit");
    assert_string_equal(c.date[1], "2026-06-01");
    assert_int_equal(c.visit[1], h.visit2);
    assert_contains(c.text[1], "dinilai");
    for (size_t i = 1; i < c.n; i++)
        if (strcmp(c.date[i - 1], c.date[i]) > 0) fail_msg("entry %zu is older than entry %zu", i, i - 1);

    /* then in the order they were recorded */
    size_t reg = find_entry(&c, "registration", "Lembaga dicatat: terdaftar, nomor LKSA-3671-001");
    size_t first = find_entry(&c, "decision", "Keputusan akreditasi");
    size_t appeal = find_entry(&c, "decision", "banding, menggantikan keputusan");
    size_t finding = find_entry(&c, "finding", "butir S2.07");
    size_t plan = find_entry(&c, "plan", "Rencana perbaikan temuan");
    size_t revised = find_entry(&c, "plan", "Revisi rencana perbaikan temuan");
    size_t closed = find_entry(&c, "finding_closed", "ditutup");
    size_t sanction1 = find_entry(&c, "sanction", "Sanksi tahap 1, teguran lisan (Satpol PP)");
    size_t sanction2 = find_entry(&c, "sanction", "Sanksi tahap 2, teguran tertulis (Satpol PP)");
    size_t extended = find_entry(&c, "registration", "Registrasi diubah");
    assert_true(reg < first && first < appeal && appeal < finding && finding < plan &&
                plan < revised && revised < closed && closed < sanction1 && sanction1 < sanction2 &&
                sanction2 < extended);
    assert_int_equal(c.n, 2 + 10 + 2);   /* two more findings, S4.01 and S1.04 */

    assert_int_equal(c.decision[first], h.first_decision);
    assert_int_equal(c.visit[first], h.visit1);
    assert_contains(c.text[first], "A (Sangat Baik), berlaku s.d. 2031-03-14");
    char later[64];
    snprintf(later, sizeof later, "digantikan oleh keputusan %lld", (long long)h.appeal_decision);
    assert_contains(c.text[first], later);
    assert_int_equal(c.decision[appeal], h.appeal_decision);
    assert_contains(c.text[appeal], "B (Baik), berlaku s.d. 2029-03-14");
    assert_null(strstr(c.text[appeal], "digantikan"));

    assert_int_equal(c.finding[finding], h.closed_finding);
    assert_contains(c.text[finding], "kritis, DP3A");
    assert_contains(c.text[finding], "batas 2026-04-13");
    assert_int_equal(c.id[revised], h.plan);
    assert_int_equal(c.finding[revised], h.closed_finding);
    assert_contains(c.text[revised], "penanggung jawab Ketua yayasan, target 2026-05-01");
    assert_int_equal(c.visit[closed], h.visit2);
    char by[80];
    snprintf(by, sizeof by, "diverifikasi oleh kunjungan %lld (2026-06-01)", (long long)h.visit2);
    assert_contains(c.text[closed], by);
    assert_int_equal(c.finding[sanction2], h.late_finding);
    assert_contains(c.text[sanction2], "temuan belum diperbaiki");

    /* only the registration columns: the capacity changed in the same update is not told */
    assert_string_equal(c.text[extended], "Registrasi diubah: berlaku s.d. 2027-02-10 → 2032-02-10");
}

static void a_registration_change_names_old_and_new_status_and_ignores_other_fields(void **state)
{
    test_fixture *f = *state;
    pt_field other[] = {{"capacity", "20"}, {"contact_name", "Joko"}};
    assert_int_equal(pt_institution_update(f->ctx, PELITA, other, 2), 0);
    pt_field registered[] = {{"reg_no", "LKSA-3671-009"}, {"reg_status", "registered"},
                             {"reg_date", "2026-11-01"}, {"reg_expires", "2031-11-01"}};
    assert_int_equal(pt_institution_update(f->ctx, PELITA, registered, 4), 0);
    collected c = {0};
    assert_int_equal(pt_institution_story_foreach(f->ctx, PELITA, collect, &c), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.text[0], "Lembaga dicatat: tidak terdaftar");
    assert_string_equal(c.text[1], "Registrasi diubah: status tidak terdaftar → terdaftar; nomor - → "
                                   "LKSA-3671-009; tanggal daftar - → 2026-11-01; berlaku s.d. - → "
                                   "2031-11-01");
    assert_int_equal(c.visit[1], 0);
    assert_true(c.id[1] > c.id[0]);    /* audit log numbers */
}

static void a_callback_that_returns_non_zero_stops_the_story(void **state)
{
    test_fixture *f = *state;
    build_history(f);
    collected c = {.stop_after = 3};
    assert_int_equal(pt_institution_story_foreach(f->ctx, HARAPAN_BUNDA, collect, &c), 42);
    assert_int_equal(c.n, 3);
}

static void an_unknown_institution_or_a_bad_date_is_refused(void **state)
{
    test_fixture *f = *state;
    pt_institution_status st;
    assert_int_equal(pt_institution_status_get(f->ctx, 99, "2026-01-01", &st), PT_ENOTFOUND);
    assert_error_contains("institution 99 not found");
    collected c = {0};
    assert_int_equal(pt_institution_story_foreach(f->ctx, 99, collect, &c), PT_ENOTFOUND);
    assert_error_contains("institution 99 not found");
    assert_int_equal(c.n, 0);
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2026-02-30", &st), PT_EINVALID);
    assert_error_contains("invalid date '2026-02-30'");
    /* no date: today's, UTC */
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, NULL, &st), 0);
    char now[21];
    pt__now_utc(now);
    assert_memory_equal(st.today, now, 10);
}

static void reading_the_story_needs_an_authenticated_user_once_there_are_users(void **state)
{
    test_fixture *f = *state;
    assert_int_equal(pt_user_add(f->ctx, "ani", PT_ROLE_ADMIN, "Dinas Sosial", NULL,
                                 "ani-rahasia1", NULL), 0);
    pt_close(f->ctx);                  /* a new context: no one authenticated */
    f->ctx = test_open_db(f->dir);
    pt_institution_status st;
    collected c = {0};
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2026-01-01", &st), PT_EDENIED);
    assert_int_equal(pt_institution_story_foreach(f->ctx, HARAPAN_BUNDA, collect, &c), PT_EDENIED);
    assert_int_equal(c.n, 0);
    assert_int_equal(pt_authenticate_password(f->ctx, "ani", "ani-rahasia1"), 0);
    assert_int_equal(pt_institution_status_get(f->ctx, HARAPAN_BUNDA, "2026-01-01", &st), 0);
    assert_int_equal(pt_institution_story_foreach(f->ctx, HARAPAN_BUNDA, collect, &c), 0);
    assert_int_equal(c.n, 1);
}

static void reg_status_labels_are_indonesian(void **state)
{
    (void)state;
    assert_string_equal(pt_institution_reg_status_label("registered"), "terdaftar");
    assert_string_equal(pt_institution_reg_status_label("unregistered"), "tidak terdaftar");
    assert_string_equal(pt_institution_reg_status_label("expired"), "kedaluwarsa");
    assert_string_equal(pt_institution_reg_status_label("revoked"), "dicabut");
    assert_string_equal(pt_institution_reg_status_label("other"), "other");
}

#define T(name) \
    cmocka_unit_test_prestate_setup_teardown(name, test_instrument_setup, test_fixture_teardown, \
                                             (void *)&AKREDITASI)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(status_tells_the_accreditation_of_the_appeal_the_sanction_step_and_open_findings),
        T(an_accreditation_past_its_validity_is_no_longer_in_force_but_is_named),
        T(a_later_not_accredited_decision_ends_an_earlier_grade),
        T(registration_validity_follows_the_expiry_date_as_of_the_day_asked),
        T(the_story_tells_every_event_oldest_first),
        T(a_registration_change_names_old_and_new_status_and_ignores_other_fields),
        T(a_callback_that_returns_non_zero_stops_the_story),
        T(an_unknown_institution_or_a_bad_date_is_refused),
        T(reading_the_story_needs_an_authenticated_user_once_there_are_users),
        cmocka_unit_test(reg_status_labels_are_indonesian),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
