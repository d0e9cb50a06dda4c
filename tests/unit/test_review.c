/* Reviews and board decisions through the C API: panels, declarations, votes, quorum and
 * majority, validity, the evidence snapshot and its verification, appeals, returns, roles.
 * Uses the command tests' tiny checklist (uji-cli; grades A 5 years, B 3, C 2). Visit 1 is an
 * accreditation visit of UJI-001 scored 65 (B), visit 2 a routine visit scored, visit 3 an
 * accreditation visit only submitted, visit 4 a later accreditation visit of UJI-001 (submitted;
 * the tests that need it score it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "internal.h"
#include "pantau/audit.h"
#include "pantau/override.h"
#include "pantau/review.h"

static const char VISITS[] =
    "#institution;UJI-001\n#checklist;uji-cli@1.0\n#date;2026-03-14\n#type;akreditasi\n"
    "item;value;note\nS1.01;ya;\nS1.02;2;\nS2.01;4;\nS2.02;sebagian;\n"
    "#institution;UJI-001\n#checklist;uji-cli@1.0\n#date;2026-04-02\n#type;rutin\n"
    "item;value;note\nS1.01;ya;\nS1.02;3;\nS2.02;lengkap;\n"
    "#institution;UJI-001\n#checklist;uji-cli@1.0\n#date;2026-05-02\n#type;akreditasi\n"
    "item;value;note\nS1.01;ya;\n"
    "#institution;UJI-001\n#checklist;uji-cli@1.0\n#date;2026-06-10\n#type;akreditasi\n"
    "item;value;note\nS1.01;ya;\nS1.02;2;\nS2.01;4;\nS2.02;sebagian;\n";

static const char *const PANEL[] = {"dewi", "rina", "tono"};

/* The context acts as `name` (password: name + "pass12"). */
static void as(pt_ctx *ctx, const char *name)
{
    char password[64];
    snprintf(password, sizeof password, "%spass12", name);
    if (pt_authenticate_password(ctx, name, password) != 0) fail_msg("as %s: %s", name, pt_error_last());
}

static int setup(void **state)
{
    test_fixture_setup(state);
    test_fixture *f = *state;
    pt_checklist *cl = NULL;
    assert_int_equal(pt_checklist_load_file(&cl, test_source_path("tests/data/cli/uji-cli.xml")), 0);
    test_store_checklist(f->ctx, cl);
    pt_close(f->ctx);
    pt_ctx *ctx = f->ctx = test_open_db_with_scripts(f->dir, test_source_path("tests/data/cli/scripts"));
    test_add_home(ctx, "UJI-001", "LKSA Uji Satu", "40");
    char *path = test_write_file(f->dir, "visits.csv", VISITS);
    test_import_visits(ctx, path, 4);
    free(path);
    pt_score_free(test_score_visit(ctx, 1));
    pt_score_free(test_score_visit(ctx, 2));
    static const struct {
        const char *name;
        pt_role role;
        const char *agency;
    } users[] = {{"ani", PT_ROLE_ADMIN, "Dinas Sosial"},      {"dewi", PT_ROLE_BOARD, "BALKS"},
                 {"rina", PT_ROLE_BOARD, "BALKS"},            {"tono", PT_ROLE_BOARD, "BALKS"},
                 {"budi", PT_ROLE_INSPECTOR, "Dinas Sosial"}, {"eka", PT_ROLE_OFFICER, "Dinas Sosial"},
                 {"dedi", PT_ROLE_OFFICER, "Satpol PP"},      {"sari", PT_ROLE_ASSESSOR, "BALKS"}};
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        char password[64];
        snprintf(password, sizeof password, "%spass12", users[i].name);
        if (pt_user_add(ctx, users[i].name, users[i].role, users[i].agency, NULL, password, NULL) != 0)
            fail_msg("%s", pt_error_last());
        if (i == 0) as(ctx, "ani");
    }
    as(ctx, "dewi");
    return 0;
}

static pt_ctx *ctx_of(void **state) { return ((test_fixture *)*state)->ctx; }

static const char *state_of(pt_ctx *ctx, int64_t visit)
{
    pt_visit_state s;
    assert_int_equal(pt_visit_state_get(ctx, visit, &s), 0);
    return pt_visit_state_name(s);
}

static void assert_audit_intact(pt_ctx *ctx)
{
    pt_audit_report r;
    assert_int_equal(pt_audit_verify(ctx, &r), 0);
    if (r.n_problems) fail_msg("audit: %s", r.problems[0]);
    pt_audit_report_clear(&r);
}

/* dewi opens a review of visit 1 with PANEL and quorum 2; dewi declares a conflict, rina and
 * tono none. Returns the review id. */
static int64_t review_with_conflict(pt_ctx *ctx)
{
    int64_t id = 0;
    as(ctx, "dewi");
    assert_int_equal(pt_review_open(ctx, 1, PANEL, 3, 2, "Penilaian akreditasi", &id), 0);
    assert_int_equal(pt_review_declare(ctx, id, 1, "Saya pengurus yayasan ini"), 0);
    as(ctx, "rina");
    assert_int_equal(pt_review_declare(ctx, id, 0, NULL), 0);
    as(ctx, "tono");
    assert_int_equal(pt_review_declare(ctx, id, 0, NULL), 0);
    return id;
}

static void today_plus(int years, char out[11])
{
    char now[21], today[11];
    pt__now_utc(now);
    memcpy(today, now, 10);
    today[10] = '\0';
    assert_int_equal(pt__date_add_years(today, years, out), 0);
}

static void test_a_conflicted_member_cannot_vote_and_two_others_decide_grade_a_for_five_years(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    int64_t review = review_with_conflict(ctx);
    assert_string_equal(state_of(ctx, 1), "under_review");
    as(ctx, "dewi");
    assert_int_equal(pt_review_vote(ctx, review, "A"), PT_EDENIED);
    assert_error_contains("user 'dewi' declared a conflict of interest: a conflicted member may not vote");
    /* the database refuses it too, whatever program writes */
    assert_int_not_equal(sqlite3_exec(ctx->db, "UPDATE panel_member SET vote = 'A', voted_at = 'x' "
                                               "WHERE conflict = 1", NULL, NULL, NULL), SQLITE_OK);
    assert_non_null(strstr(sqlite3_errmsg(ctx->db), "CHECK constraint failed"));
    as(ctx, "rina");
    assert_int_equal(pt_review_vote(ctx, review, "A"), 0);
    as(ctx, "tono");
    assert_int_equal(pt_review_vote(ctx, review, "A"), 0);
    int64_t decision = 0;
    assert_int_equal(pt_review_decide(ctx, review, "Lengkapi catatan kasus", &decision), 0);

    pt_decision *d = NULL;
    assert_int_equal(pt_decision_get(ctx, decision, &d), 0);
    assert_string_equal(d->kind, "accreditation");
    assert_string_equal(d->outcome, "A");
    assert_string_equal(d->outcome_label, "Sangat Baik");
    assert_string_equal(d->conditions, "Lengkapi catatan kasus");
    char until[11];
    today_plus(5, until);
    assert_string_equal(d->valid_until, until);
    assert_int_equal(d->panel_size, 3);
    assert_int_equal(d->votes_cast, 2);
    assert_int_equal(d->quorum, 2);
    assert_string_equal(d->decided_by, "tono");
    assert_string_equal(d->votes, "[{\"user\":\"dewi\",\"conflict\":1,\"vote\":null},"
                                  "{\"user\":\"rina\",\"conflict\":0,\"vote\":\"A\"},"
                                  "{\"user\":\"tono\",\"conflict\":0,\"vote\":\"A\"}]");
    assert_int_equal(d->supersedes, 0);
    pt_decision_free(d);

    pt_review *r = NULL;
    assert_int_equal(pt_review_get(ctx, review, &r), 0);
    assert_string_equal(r->status, "decided");
    assert_string_equal(r->closed_by, "tono");
    assert_int_equal(r->decision_id, decision);
    assert_int_equal(r->n_panel, 3);
    assert_string_equal(r->panel[0].user, "dewi");
    assert_int_equal(r->panel[0].conflict, 1);
    assert_string_equal(r->panel[0].declaration, "Saya pengurus yayasan ini");
    assert_null(r->panel[0].vote);
    assert_int_equal(r->votes_cast, 2);
    pt_review_free(r);
    assert_string_equal(state_of(ctx, 1), "decided");
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM event WHERE type = 'review.decided' "
                                       "AND visit_id = 1 AND subject LIKE 'Keputusan akreditasi LKSA Uji Satu%peringkat A (Sangat Baik)' "
                                       "AND json_extract(json, '$.decision.outcome') = 'A'"), 1);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM event WHERE type = 'review.opened'"), 1);
    assert_audit_intact(ctx);
}

static void test_a_decision_without_the_quorum_is_refused_and_nothing_changes(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    int64_t review = review_with_conflict(ctx);
    as(ctx, "rina");
    assert_int_equal(pt_review_vote(ctx, review, "A"), 0);
    assert_int_equal(pt_review_decide(ctx, review, NULL, NULL), PT_ESTATE);
    assert_error_contains("the quorum is not reached: 1 vote cast, the quorum is 2");
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM decision"), 0);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM review WHERE status = 'open'"), 1);
    assert_string_equal(state_of(ctx, 1), "under_review");
    /* the conflicted member cannot decide either */
    as(ctx, "dewi");
    assert_int_equal(pt_review_decide(ctx, review, NULL, NULL), PT_EDENIED);
    assert_error_contains("a conflicted member may not decide");
}

static void test_a_tie_is_refused_until_a_vote_changes(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    int64_t review = review_with_conflict(ctx);
    as(ctx, "rina");
    assert_int_equal(pt_review_vote(ctx, review, "A"), 0);
    as(ctx, "tono");
    assert_int_equal(pt_review_vote(ctx, review, "B"), 0);
    assert_int_equal(pt_review_decide(ctx, review, NULL, NULL), PT_EINVALID);
    assert_error_contains("no outcome has a strict majority of the 2 votes cast (A 1, B 1)");
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM decision"), 0);
    assert_int_equal(pt_review_vote(ctx, review, "A"), 0);   /* a vote changes until the decision */
    assert_int_equal(pt_review_decide(ctx, review, NULL, NULL), 0);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM decision WHERE outcome = 'A'"), 1);
}

static void test_declarations_and_votes_are_checked(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    int64_t review = 0;
    assert_int_equal(pt_review_open(ctx, 1, PANEL, 3, 0, NULL, &review), 0);
    assert_int_equal(test_sql_int(ctx, "SELECT quorum FROM review"), 2);   /* 3/2+1 */
    assert_int_equal(pt_review_vote(ctx, review, "A"), PT_ESTATE);
    assert_error_contains("user 'dewi' has not declared a conflict of interest or none yet");
    assert_int_equal(pt_review_declare(ctx, review, 1, "  "), PT_EINVALID);
    assert_error_contains("a conflict of interest needs a declaration");
    assert_int_equal(pt_review_declare(ctx, review, 0, NULL), 0);
    assert_int_equal(pt_review_vote(ctx, review, "Z"), PT_EINVALID);
    assert_error_contains("'Z' is not a grade of checklist uji-cli@1.0 (grades: A, B, C, or TT");
    assert_int_equal(pt_review_vote(ctx, review, "accepted"), PT_EINVALID);
    assert_int_equal(pt_review_vote(ctx, review, "TT"), 0);
    assert_int_equal(pt_review_declare(ctx, review, 0, "Tidak ada hubungan"), PT_ESTATE);
    assert_error_contains("user 'dewi' has voted: a declaration of no conflict cannot change after "
                          "the vote (a conflict may still be declared, which clears the vote)");
    /* a board member who is not on the panel */
    as(ctx, "ani");
    assert_int_equal(pt_user_add(ctx, "wati", PT_ROLE_BOARD, "BALKS", NULL, "watipass12", NULL), 0);
    as(ctx, "wati");
    assert_int_equal(pt_review_declare(ctx, review, 0, NULL), PT_EDENIED);
    assert_error_contains("user 'wati' is not on the panel of review 1");
    assert_int_equal(pt_review_vote(ctx, review, "A"), PT_EDENIED);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM panel_member WHERE vote IS NOT NULL"), 1);
}

static void test_a_panel_is_of_enabled_users_of_the_right_role(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    const char *with_officer[] = {"dewi", "eka"};
    assert_int_equal(pt_review_open(ctx, 1, with_officer, 2, 0, NULL, NULL), PT_EINVALID);
    assert_error_contains("panel member 'eka' (agency officer, Dinas Sosial) may not decide "
                          "accreditation reviews: the panel of an accreditation visit is of board "
                          "members");
    const char *unknown[] = {"dewi", "nobody"};
    assert_int_equal(pt_review_open(ctx, 1, unknown, 2, 0, NULL, NULL), PT_ENOTFOUND);
    assert_error_contains("panel member 'nobody' is not a user of pantau");
    const char *twice[] = {"dewi", "dewi"};
    assert_int_equal(pt_review_open(ctx, 1, twice, 2, 0, NULL, NULL), PT_EINVALID);
    assert_error_contains("'dewi' is named twice in the panel");
    assert_int_equal(pt_review_open(ctx, 1, PANEL, 3, 4, NULL, NULL), PT_EINVALID);
    assert_error_contains("a quorum of 4 for a panel of 3: the quorum is 1 to 3");
    assert_int_equal(pt_review_open(ctx, 1, PANEL, 0, 0, NULL, NULL), PT_EINVALID);
    as(ctx, "ani");
    assert_int_equal(pt_user_disable(ctx, "tono"), 0);
    as(ctx, "dewi");
    assert_int_equal(pt_review_open(ctx, 1, PANEL, 3, 0, NULL, NULL), PT_EINVALID);
    assert_error_contains("panel member 'tono' is disabled");
    /* nothing of the refused reviews was written, and the visit is still scored */
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM review"), 0);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM panel_member"), 0);
    assert_string_equal(state_of(ctx, 1), "scored");
}

static void test_only_a_scored_visit_is_reviewed_once_at_a_time(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    assert_int_equal(pt_review_open(ctx, 3, PANEL, 3, 0, NULL, NULL), PT_ESTATE);
    assert_error_contains("visit 3 is submitted: opening a review needs it to be scored");
    assert_int_equal(pt_review_open(ctx, 1, PANEL, 3, 0, NULL, NULL), 0);
    assert_int_equal(pt_review_open(ctx, 1, PANEL, 3, 0, NULL, NULL), PT_ESTATE);
    assert_error_contains("visit 1 is under_review: opening a review needs it to be scored");
    /* an override needs the visit scored too */
    as(ctx, "sari");
    assert_int_equal(pt_score_override(ctx, 1, NULL, "A", "Penilaian ulang oleh asesor kedua", NULL),
                     PT_ESTATE);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM review"), 1);
}

static void test_inspectors_cannot_open_or_decide_and_board_members_cannot_record(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    int64_t review = review_with_conflict(ctx);
    as(ctx, "rina");
    assert_int_equal(pt_review_vote(ctx, review, "B"), 0);
    as(ctx, "budi");
    assert_int_equal(pt_review_open(ctx, 2, PANEL, 3, 0, NULL, NULL), PT_EDENIED);
    assert_error_contains("user 'budi' (inspector, Dinas Sosial) may not review visits");
    assert_int_equal(pt_review_decide(ctx, review, NULL, NULL), PT_EDENIED);
    assert_error_contains("may not decide accreditation reviews (needs: board member)");
    assert_int_equal(pt_review_vote(ctx, review, "A"), PT_EDENIED);
    assert_int_equal(pt_review_return(ctx, 1, "Jawaban belum lengkap"), PT_EDENIED);
    as(ctx, "tono");
    assert_int_equal(pt_authorize(ctx, PT_ACT_VISIT_IMPORT), PT_EDENIED);
    assert_int_equal(pt_authorize(ctx, PT_ACT_VISIT_RECORD), PT_EDENIED);
    assert_error_contains("user 'tono' (board member, BALKS) may not record answers of visits");
    pt_visit_import_result res;
    char *path = test_write_file(((test_fixture *)*state)->dir, "more.csv", VISITS);
    assert_int_equal(pt_visit_import(ctx, path, NULL, &res), PT_EDENIED);
    free(path);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM visit"), 4);
}

static void test_the_evidence_verifies_and_a_tampered_copy_shows_what_changed(void **state)
{
    test_fixture *f = *state;
    pt_ctx *ctx = f->ctx;
    as(ctx, "sari");
    assert_int_equal(pt_score_override(ctx, 1, "S2", "18", "Catatan kasus lengkap dilihat di lokasi", NULL), 0);
    int64_t review = review_with_conflict(ctx);
    as(ctx, "rina");
    assert_int_equal(pt_review_vote(ctx, review, "B"), 0);
    as(ctx, "tono");
    assert_int_equal(pt_review_vote(ctx, review, "B"), 0);
    int64_t decision;
    assert_int_equal(pt_review_decide(ctx, review, NULL, &decision), 0);

    pt_decision_check check;
    assert_int_equal(pt_decision_verify(ctx, decision, &check), 0);
    assert_true(check.matches);
    assert_string_equal(check.differences, "");
    assert_string_equal(check.stored_sha256, check.current_sha256);
    pt_decision_check_clear(&check);
    /* the snapshot holds what the decision rests on */
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM decision WHERE "
                                       "json_extract(evidence, '$.score.total') = 65 AND "
                                       "json_extract(evidence, '$.answers.n') = 4 AND "
                                       "length(json_extract(evidence, '$.answers.sha256')) = 64 AND "
                                       "json_extract(evidence, '$.overrides[0].overridden') = '18' AND "
                                       "json_extract(evidence, '$.panel[0].declaration') = 'Saya pengurus yayasan ini' AND "
                                       "json_extract(evidence, '$.checklist.id') = 'uji-cli' AND "
                                       "json_extract(evidence, '$.script.sha256') = "
                                       "(SELECT script_sha256 FROM score WHERE visit_id = 1)"), 1);
    pt_decision *d = NULL;
    assert_int_equal(pt_decision_get(ctx, decision, &d), 0);
    char sha[65];
    pt__sha256_hex(d->evidence, strlen(d->evidence), sha);
    assert_string_equal(sha, d->evidence_sha256);
    pt_decision_free(d);

    /* a copy, changed by someone who drops the lock triggers */
    char copy[1024];
    snprintf(copy, sizeof copy, "%s/copy.db", f->dir);
    char *sql = sqlite3_mprintf("VACUUM INTO %Q", copy);
    assert_int_equal(sqlite3_exec(ctx->db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(sql);
    pt_ctx *other = NULL;
    assert_int_equal(pt_open(&other, copy, NULL, 0), 0);
    assert_int_equal(sqlite3_exec(other->db,
                                  "DROP TRIGGER score_locked_update; DROP TRIGGER answer_locked_update; "
                                  "UPDATE score SET total = 99 WHERE visit_id = 1; "
                                  "UPDATE answer SET value = '3' WHERE visit_id = 1 AND item_id = 'S1.02'",
                                  NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(pt_decision_verify(other, decision, &check), 0);
    assert_false(check.matches);
    assert_string_equal(check.differences, "answers.sha256, score.total");
    assert_string_not_equal(check.stored_sha256, check.current_sha256);
    pt_decision_check_clear(&check);
    pt_close(other);
    /* the original is untouched */
    assert_int_equal(pt_decision_verify(ctx, decision, &check), 0);
    assert_true(check.matches);
    pt_decision_check_clear(&check);
    assert_audit_intact(ctx);
}

static void test_an_appeal_is_linked_and_its_decision_supersedes_the_first(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    int64_t review = review_with_conflict(ctx);
    as(ctx, "rina");
    assert_int_equal(pt_review_vote(ctx, review, "B"), 0);
    as(ctx, "tono");
    assert_int_equal(pt_review_vote(ctx, review, "B"), 0);
    int64_t first, appeal, second;
    assert_int_equal(pt_review_decide(ctx, review, NULL, &first), 0);
    assert_int_equal(pt_review_appeal(ctx, first, NULL, PANEL, 3, 0, NULL), PT_EINVALID);
    assert_error_contains("an appeal of decision 1 needs a reason");
    assert_int_equal(pt_review_appeal(ctx, first, "Yayasan mengajukan banding", PANEL + 1, 2, 2, &appeal), 0);
    pt_review *r = NULL;
    assert_int_equal(pt_review_get(ctx, appeal, &r), 0);
    assert_string_equal(r->kind, "appeal");
    assert_int_equal(r->reopens, review);
    assert_int_equal(r->visit_id, 1);
    pt_review_free(r);
    assert_string_equal(state_of(ctx, 1), "decided");
    as(ctx, "rina");
    assert_int_equal(pt_review_declare(ctx, appeal, 0, NULL), 0);
    assert_int_equal(pt_review_vote(ctx, appeal, "A"), 0);
    as(ctx, "tono");
    assert_int_equal(pt_review_declare(ctx, appeal, 0, NULL), 0);
    assert_int_equal(pt_review_vote(ctx, appeal, "A"), 0);
    assert_int_equal(pt_review_decide(ctx, appeal, NULL, &second), 0);
    pt_decision *d = NULL;
    assert_int_equal(pt_decision_get(ctx, second, &d), 0);
    assert_int_equal(d->supersedes, first);
    assert_string_equal(d->outcome, "A");
    assert_string_equal(d->review_kind, "appeal");
    pt_decision_free(d);
    assert_int_equal(pt_decision_get(ctx, first, &d), 0);
    assert_int_equal(d->superseded_by, second);
    pt_decision_free(d);
    /* the visit moved only once to decided */
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM visit_transition WHERE visit_id = 1 "
                                       "AND to_state = 'decided'"), 1);
    /* a superseded decision is not appealed again; the one in force is */
    assert_int_equal(pt_review_appeal(ctx, first, "Banding kedua", PANEL, 3, 0, NULL), PT_ESTATE);
    assert_error_contains("decision 1 is no longer in force for LKSA Uji Satu (UJI-001): decision "
                          "2 is; appeal that one");
    assert_int_equal(pt_review_correct(ctx, second, "Salah tulis syarat", PANEL, 3, 0, &appeal), 0);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM review WHERE kind = 'correction' "
                                       "AND reopens = 2"), 1);
    /* both decisions still verify */
    pt_decision_check check;
    assert_int_equal(pt_decision_verify(ctx, first, &check), 0);
    assert_true(check.matches);
    pt_decision_check_clear(&check);
    assert_audit_intact(ctx);
}

static void test_a_monitoring_review_is_accepted_by_dinas_sosial_officers(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    const char *panel[] = {"eka", "dewi"};
    as(ctx, "eka");
    int64_t review;
    assert_int_equal(pt_review_open(ctx, 2, panel, 2, 1, NULL, &review), 0);
    as(ctx, "dedi");   /* Satpol PP: not the Dinas Sosial (and not on the panel) */
    assert_int_equal(pt_review_declare(ctx, review, 0, NULL), PT_EDENIED);
    assert_error_contains("may not decide monitoring reviews");
    as(ctx, "eka");
    assert_int_equal(pt_review_declare(ctx, review, 0, NULL), 0);
    assert_int_equal(pt_review_vote(ctx, review, "A"), PT_EINVALID);
    assert_error_contains("the outcome is 'accepted' (--accept), not 'A'");
    assert_int_equal(pt_review_vote(ctx, review, PT_OUTCOME_ACCEPTED), 0);
    int64_t decision;
    assert_int_equal(pt_review_decide(ctx, review, NULL, &decision), 0);
    pt_decision *d = NULL;
    assert_int_equal(pt_decision_get(ctx, decision, &d), 0);
    assert_string_equal(d->kind, "monitoring");
    assert_string_equal(d->outcome_label, "Diterima");
    assert_null(d->valid_from);
    assert_null(d->valid_until);
    pt_decision_free(d);
    assert_string_equal(state_of(ctx, 2), "decided");
}

static void test_a_returned_visit_keeps_the_reason_in_its_history(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    assert_int_equal(pt_review_return(ctx, 2, "  "), PT_EINVALID);
    assert_error_contains("returning a visit needs a reason");
    assert_int_equal(pt_review_return(ctx, 3, "Jawaban belum lengkap"), PT_ESTATE);
    assert_error_contains("visit 3 is submitted: returning it to its team needs it to be scored or under_review");
    /* from scored */
    assert_int_equal(pt_review_return(ctx, 2, "Foto bukti tidak terbaca"), 0);
    assert_string_equal(state_of(ctx, 2), "returned");
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM visit_transition WHERE visit_id = 2 AND "
                                       "from_state = 'scored' AND to_state = 'returned' AND "
                                       "reason = 'Foto bukti tidak terbaca' AND actor = 'dewi'"), 1);
    /* from under review: the review closes as returned */
    int64_t review;
    assert_int_equal(pt_review_open(ctx, 1, PANEL, 3, 0, NULL, &review), 0);
    assert_int_equal(pt_review_return(ctx, 1, "Skor S2 perlu diperiksa ulang"), 0);
    pt_review *r = NULL;
    assert_int_equal(pt_review_get(ctx, review, &r), 0);
    assert_string_equal(r->status, "returned");
    assert_string_equal(r->close_reason, "Skor S2 perlu diperiksa ulang");
    pt_review_free(r);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM event WHERE type = 'visit.returned' AND "
                                       "subject LIKE 'Kunjungan dikembalikan: LKSA Uji Satu%' AND "
                                       "body LIKE '%Alasan: Skor S2 perlu diperiksa ulang%'"), 1);
    assert_int_equal(pt_review_declare(ctx, review, 0, NULL), PT_ESTATE);
    assert_error_contains("review 1 is returned: a declaration needs an open review");
    assert_audit_intact(ctx);
}

/* rina and tono (on the review's panel) declare no conflict and vote outcome; tono decides.
 * Returns the decision; the context acts as dewi again. */
static int64_t decide_with(pt_ctx *ctx, int64_t review, const char *outcome)
{
    static const char *const voters[] = {"rina", "tono"};
    for (size_t i = 0; i < 2; i++) {
        as(ctx, voters[i]);
        assert_int_equal(pt_review_declare(ctx, review, 0, NULL), 0);
        assert_int_equal(pt_review_vote(ctx, review, outcome), 0);
    }
    int64_t decision = 0;
    if (pt_review_decide(ctx, review, NULL, &decision) != 0) fail_msg("decide: %s", pt_error_last());
    as(ctx, "dewi");
    return decision;
}

/* dewi opens a review of visit with rina and tono (quorum 2) and they decide outcome. */
static int64_t open_and_decide(pt_ctx *ctx, int64_t visit, const char *outcome)
{
    int64_t review = 0;
    as(ctx, "dewi");
    assert_int_equal(pt_review_open(ctx, visit, PANEL + 1, 2, 2, NULL, &review), 0);
    return decide_with(ctx, review, outcome);
}

static long long count_of(pt_ctx *ctx, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return test_sql_int(ctx, sql);
}

static void test_a_declared_conflict_is_final_and_a_later_conflict_clears_the_vote(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    int64_t review = review_with_conflict(ctx);   /* dewi conflicted; rina and tono not */
    as(ctx, "dewi");
    assert_int_equal(pt_review_declare(ctx, review, 0, NULL), PT_ESTATE);
    assert_error_contains("review 1: user 'dewi' declared a conflict of interest, which is final");
    assert_int_equal(pt_review_declare(ctx, review, 1, "Keterangan lain"), PT_ESTATE);
    assert_error_contains("review 1: user 'dewi' declared a conflict of interest, which is final");
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM panel_member WHERE conflict = 1 AND "
                                       "declaration = 'Saya pengurus yayasan ini'"), 1);
    assert_int_equal(pt_review_vote(ctx, review, "A"), PT_EDENIED);
    /* the database refuses it too, whatever program writes */
    assert_int_not_equal(sqlite3_exec(ctx->db, "UPDATE panel_member SET conflict = 0 WHERE conflict = 1",
                                      NULL, NULL, NULL), SQLITE_OK);
    assert_non_null(strstr(sqlite3_errmsg(ctx->db), "a declared conflict of interest is final"));
    /* rina votes, then finds she has a conflict: her vote goes with it */
    as(ctx, "rina");
    assert_int_equal(pt_review_vote(ctx, review, "A"), 0);
    assert_int_equal(pt_review_declare(ctx, review, 1, "Ternyata saya kerabat pengurus"), 0);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM panel_member p JOIN app_user u ON "
                                       "u.id = p.user_id WHERE u.name = 'rina' AND p.conflict = 1 "
                                       "AND p.vote IS NULL AND p.voted_at IS NULL"), 1);
    assert_int_equal(pt_review_declare(ctx, review, 0, NULL), PT_ESTATE);
    assert_error_contains("user 'rina' declared a conflict of interest, which is final");
    assert_int_equal(pt_review_vote(ctx, review, "A"), PT_EDENIED);
    /* tono's is the only vote left: the quorum of 2 is out of reach */
    as(ctx, "tono");
    assert_int_equal(pt_review_vote(ctx, review, "A"), 0);
    assert_int_equal(pt_review_decide(ctx, review, NULL, NULL), PT_ESTATE);
    assert_error_contains("the quorum is not reached: 1 vote cast, the quorum is 2");
    assert_int_equal(count_of(ctx, "decision"), 0);
    assert_audit_intact(ctx);
}

static void test_only_the_accreditation_in_force_is_appealed_or_corrected(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    as(ctx, "ani");
    pt_score_free(test_score_visit(ctx, 4));
    int64_t first = open_and_decide(ctx, 1, "B");    /* visit 1 */
    int64_t later = open_and_decide(ctx, 4, "C");    /* the home's later visit 4 */
    assert_int_equal(first, 1);
    assert_int_equal(later, 2);
    long long reviews = count_of(ctx, "review");
    assert_int_equal(pt_review_appeal(ctx, first, "Yayasan mengajukan banding", PANEL + 1, 2, 2, NULL),
                     PT_ESTATE);
    assert_error_contains("decision 1 is no longer in force for LKSA Uji Satu (UJI-001): decision "
                          "2 is; appeal that one");
    assert_int_equal(pt_review_correct(ctx, first, "Salah tulis syarat", PANEL + 1, 2, 2, NULL),
                     PT_ESTATE);
    assert_error_contains("decision 1 is no longer in force for LKSA Uji Satu (UJI-001): decision "
                          "2 is; correct that one");
    assert_int_equal(count_of(ctx, "review"), reviews);
    assert_string_equal(state_of(ctx, 1), "decided");
    /* the one in force is */
    int64_t appeal = 0;
    assert_int_equal(pt_review_appeal(ctx, later, "Yayasan mengajukan banding", PANEL + 1, 2, 2, &appeal), 0);
    assert_int_equal(decide_with(ctx, appeal, "B"), 3);
    assert_int_equal(test_sql_int(ctx, "SELECT id FROM accreditation_current"), 3);
}

static void test_an_appeal_opened_before_a_later_decision_cannot_override_it(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    as(ctx, "ani");
    pt_score_free(test_score_visit(ctx, 4));
    int64_t first = open_and_decide(ctx, 1, "B");
    int64_t appeal = 0;
    assert_int_equal(pt_review_appeal(ctx, first, "Yayasan mengajukan banding", PANEL + 1, 2, 2, &appeal), 0);
    /* while the appeal is open, the board decides the home's later visit */
    int64_t later = open_and_decide(ctx, 4, "C");
    as(ctx, "rina");
    assert_int_equal(pt_review_declare(ctx, appeal, 0, NULL), 0);
    assert_int_equal(pt_review_vote(ctx, appeal, "A"), 0);
    as(ctx, "tono");
    assert_int_equal(pt_review_declare(ctx, appeal, 0, NULL), 0);
    assert_int_equal(pt_review_vote(ctx, appeal, "A"), 0);
    assert_int_equal(pt_review_decide(ctx, appeal, NULL, NULL), PT_ESTATE);
    assert_error_contains("decision 1 is no longer in force for LKSA Uji Satu (UJI-001): decision "
                          "2 is; appeal that one");
    assert_error_contains("(or withdraw this appeal: pantau review withdraw 2 --reason TEXT)");
    assert_int_equal(count_of(ctx, "decision"), 2);
    assert_int_equal(test_sql_int(ctx, "SELECT id FROM accreditation_current"), later);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM review WHERE status = 'open'"), 1);
    /* so it is withdrawn; the later decision stays in force */
    as(ctx, "dewi");
    assert_int_equal(pt_review_withdraw(ctx, appeal, "Keputusan kunjungan berikutnya telah berlaku"), 0);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM review WHERE status = 'open'"), 0);
    assert_int_equal(test_sql_int(ctx, "SELECT id FROM accreditation_current"), later);
    assert_audit_intact(ctx);
}

static void test_an_appeal_that_cannot_reach_its_quorum_is_withdrawn_and_the_visit_stays_decided(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    int64_t first = open_and_decide(ctx, 1, "B");   /* review 1, decision 1 */
    assert_int_equal(pt_review_appeal(ctx, first, "Yayasan mengajukan banding", PANEL + 1, 2, 3, NULL),
                     PT_EINVALID);
    assert_error_contains("a quorum of 3 for a panel of 2: the quorum is 1 to 2");
    int64_t appeal = 0;
    assert_int_equal(pt_review_appeal(ctx, first, "Yayasan mengajukan banding", PANEL + 1, 2, 2, &appeal), 0);
    as(ctx, "rina");   /* a conflict: the quorum of 2 is now out of reach */
    assert_int_equal(pt_review_declare(ctx, appeal, 1, "Saya kerabat pengurus yayasan"), 0);
    as(ctx, "dewi");
    assert_int_equal(pt_review_appeal(ctx, first, "Banding dengan panel lain", PANEL, 3, 0, NULL), PT_ESTATE);
    assert_error_contains("visit 1 already has an open appeal (review 2): decide it or withdraw it "
                          "first (pantau review withdraw 2 --reason TEXT)");
    /* a first review is not withdrawn: its visit is returned */
    assert_int_equal(pt_review_withdraw(ctx, 1, "Salah buka"), PT_ESTATE);
    assert_error_contains("review 1 is a first review, not an appeal or a correction: it is not "
                          "withdrawn, its visit is returned to the team (pantau review return 1 "
                          "--reason TEXT)");
    assert_int_equal(pt_review_withdraw(ctx, appeal, "  "), PT_EINVALID);
    assert_error_contains("review 2: withdrawing it needs a reason (--reason)");
    assert_int_equal(pt_review_withdraw(ctx, 99, "Tidak ada"), PT_ENOTFOUND);
    /* the board's appeal is not a Dinas Sosial officer's to withdraw */
    as(ctx, "eka");
    assert_int_equal(pt_review_withdraw(ctx, appeal, "Kuorum tidak tercapai"), PT_EDENIED);
    assert_error_contains("user 'eka' (agency officer, Dinas Sosial) may not decide accreditation reviews");
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM review WHERE status = 'open'"), 1);

    long long steps = count_of(ctx, "visit_transition");
    as(ctx, "dewi");
    assert_int_equal(pt_review_withdraw(ctx, appeal, "Kuorum tidak dapat tercapai"), 0);
    pt_review *r = NULL;
    assert_int_equal(pt_review_get(ctx, appeal, &r), 0);
    assert_string_equal(r->status, "withdrawn");
    assert_string_equal(r->closed_by, "dewi");
    assert_non_null(r->closed_at);
    assert_string_equal(r->close_reason, "Kuorum tidak dapat tercapai");
    assert_int_equal(r->decision_id, 0);
    pt_review_free(r);
    assert_string_equal(state_of(ctx, 1), "decided");
    assert_int_equal(count_of(ctx, "visit_transition"), steps);
    assert_int_equal(count_of(ctx, "decision"), 1);
    assert_int_equal(test_sql_int(ctx, "SELECT id FROM accreditation_current"), first);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM event WHERE type = 'review.withdrawn' "
                                       "AND visit_id = 1 AND subject = 'Banding ditarik: LKSA Uji Satu "
                                       "(UJI-001), kunjungan akreditasi 2026-03-14' "
                                       "AND body LIKE '%Alasan: Kuorum tidak dapat tercapai%' "
                                       "AND json_extract(json, '$.review.id') = 2 "
                                       "AND json_extract(json, '$.review.reopens') = 1"), 1);
    /* closed once: no second withdrawal, no more declarations */
    assert_int_equal(pt_review_withdraw(ctx, appeal, "Lagi"), PT_ESTATE);
    assert_error_contains("review 2 is withdrawn: withdrawing it needs an open review");
    as(ctx, "tono");
    assert_int_equal(pt_review_declare(ctx, appeal, 0, NULL), PT_ESTATE);
    assert_error_contains("review 2 is withdrawn: a declaration needs an open review");
    /* the decision in force may be appealed again */
    as(ctx, "dewi");
    int64_t again = 0;
    assert_int_equal(pt_review_appeal(ctx, first, "Banding dengan panel lain", PANEL, 3, 0, &again), 0);
    assert_int_equal(again, 3);
    assert_audit_intact(ctx);
}

static void test_only_the_monitoring_decision_in_force_of_a_visit_is_appealed(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    const char *panel[] = {"eka"};
    int64_t review, first, appeal, second;
    as(ctx, "eka");
    assert_int_equal(pt_review_open(ctx, 2, panel, 1, 0, NULL, &review), 0);
    assert_int_equal(pt_review_declare(ctx, review, 0, NULL), 0);
    assert_int_equal(pt_review_vote(ctx, review, PT_OUTCOME_ACCEPTED), 0);
    assert_int_equal(pt_review_decide(ctx, review, NULL, &first), 0);
    assert_int_equal(pt_review_appeal(ctx, first, "Lembaga keberatan", panel, 1, 0, &appeal), 0);
    assert_int_equal(pt_review_declare(ctx, appeal, 0, NULL), 0);
    assert_int_equal(pt_review_vote(ctx, appeal, PT_OUTCOME_ACCEPTED), 0);
    assert_int_equal(pt_review_decide(ctx, appeal, "Dengan catatan", &second), 0);
    long long reviews = count_of(ctx, "review");
    assert_int_equal(pt_review_appeal(ctx, first, "Banding kedua", panel, 1, 0, NULL), PT_ESTATE);
    assert_error_contains("decision 1 is no longer in force for visit 2 of LKSA Uji Satu (UJI-001): "
                          "decision 2 is; appeal that one");
    assert_int_equal(count_of(ctx, "review"), reviews);
    assert_int_equal(pt_review_correct(ctx, second, "Salah tulis catatan", panel, 1, 0, NULL), 0);
}

static void test_an_officer_reviews_monitoring_visits_but_not_the_boards_accreditation_visits(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    const char *board[] = {"dewi"};
    as(ctx, "eka");
    assert_int_equal(pt_review_open(ctx, 1, board, 1, 0, NULL, NULL), PT_EDENIED);
    assert_error_contains("user 'eka' (agency officer, Dinas Sosial) may not decide accreditation "
                          "reviews (needs: board member)");
    assert_int_equal(pt_review_return(ctx, 1, "Jawaban belum lengkap"), PT_EDENIED);
    assert_error_contains("user 'eka' (agency officer, Dinas Sosial) may not decide accreditation reviews");
    assert_string_equal(state_of(ctx, 1), "scored");
    int64_t decision = open_and_decide(ctx, 1, "B");
    as(ctx, "eka");
    assert_int_equal(pt_review_appeal(ctx, decision, "Lembaga keberatan", board, 1, 0, NULL), PT_EDENIED);
    assert_error_contains("may not decide accreditation reviews");
    assert_int_equal(pt_review_correct(ctx, decision, "Salah tulis", board, 1, 0, NULL), PT_EDENIED);
    assert_error_contains("may not decide accreditation reviews");
    assert_int_equal(count_of(ctx, "review"), 1);
    /* the monitoring visit 2 is the Dinas Sosial's too */
    const char *panel[] = {"eka"};
    assert_int_equal(pt_review_open(ctx, 2, panel, 1, 0, NULL, NULL), 0);
    assert_int_equal(pt_review_return(ctx, 2, "Foto bukti tidak terbaca"), 0);
    assert_string_equal(state_of(ctx, 2), "returned");
}

static void test_a_panel_member_must_be_able_to_decide_the_review(void **state)
{
    pt_ctx *ctx = ctx_of(state);
    as(ctx, "eka");
    const char *with_satpol_pp[] = {"eka", "dedi"};
    assert_int_equal(pt_review_open(ctx, 2, with_satpol_pp, 2, 1, NULL, NULL), PT_EINVALID);
    assert_error_contains("panel member 'dedi' (agency officer, Satpol PP) may not decide monitoring "
                          "reviews: the panel of a monitoring visit is of board members and Dinas "
                          "Sosial officers");
    const char *with_inspector[] = {"budi", "eka"};
    assert_int_equal(pt_review_open(ctx, 2, with_inspector, 2, 1, NULL, NULL), PT_EINVALID);
    assert_error_contains("panel member 'budi' (inspector, Dinas Sosial) may not decide monitoring reviews");
    assert_int_equal(count_of(ctx, "review"), 0);
    assert_int_equal(count_of(ctx, "panel_member"), 0);
    assert_string_equal(state_of(ctx, 2), "scored");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, test_fixture_teardown)
    const struct CMUnitTest tests[] = {
        T(test_a_conflicted_member_cannot_vote_and_two_others_decide_grade_a_for_five_years),
        T(test_a_decision_without_the_quorum_is_refused_and_nothing_changes),
        T(test_a_tie_is_refused_until_a_vote_changes),
        T(test_declarations_and_votes_are_checked),
        T(test_a_panel_is_of_enabled_users_of_the_right_role),
        T(test_only_a_scored_visit_is_reviewed_once_at_a_time),
        T(test_inspectors_cannot_open_or_decide_and_board_members_cannot_record),
        T(test_the_evidence_verifies_and_a_tampered_copy_shows_what_changed),
        T(test_an_appeal_is_linked_and_its_decision_supersedes_the_first),
        T(test_a_monitoring_review_is_accepted_by_dinas_sosial_officers),
        T(test_a_returned_visit_keeps_the_reason_in_its_history),
        T(test_a_declared_conflict_is_final_and_a_later_conflict_clears_the_vote),
        T(test_only_the_accreditation_in_force_is_appealed_or_corrected),
        T(test_an_appeal_opened_before_a_later_decision_cannot_override_it),
        T(test_an_appeal_that_cannot_reach_its_quorum_is_withdrawn_and_the_visit_stays_decided),
        T(test_only_the_monitoring_decision_in_force_of_a_visit_is_appealed),
        T(test_an_officer_reviews_monitoring_visits_but_not_the_boards_accreditation_visits),
        T(test_a_panel_member_must_be_able_to_decide_the_review),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
