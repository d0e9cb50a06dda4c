/* Draft and joint visits (joint.c, joint_merge.c): a draft with its team of users, items
 * assigned to agencies, each member's own answers, disagreements, reconciliation, submitting
 * and resubmitting, and the refusals: wrong role, not on the team, wrong state, bad answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "internal.h"
#include "pantau/audit.h"
#include "pantau/joint.h"

static const char CHECKLIST_XML[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"uji\" version=\"1\" script=\"uji.lua\">\n"
    "  <title>Instrumen uji</title>\n"
    "  <grading max=\"100\" fail-label=\"Tidak lulus\">\n"
    "    <band grade=\"A\" min=\"80\" label=\"Baik\" validity-years=\"2\"/>\n"
    "  </grading>\n"
    "  <section id=\"S1\" weight=\"50\">\n"
    "    <title>Perlindungan</title>\n"
    "    <item id=\"S1.01\" type=\"yesno\" weight=\"1\"><text>Kebijakan tertulis</text></item>\n"
    "    <item id=\"S1.02\" type=\"scale\" weight=\"1\" na=\"allowed\"><text>Kebersihan</text>\n"
    "      <levels><level value=\"1\">Kotor</level><level value=\"2\">Cukup</level>"
    "<level value=\"3\">Bersih</level></levels>\n"
    "    </item>\n"
    "    <item id=\"S1.03\" type=\"text\"><text>Catatan</text></item>\n"
    "  </section>\n"
    "  <section id=\"S2\" weight=\"50\">\n"
    "    <title>Keamanan</title>\n"
    "    <item id=\"S2.01\" type=\"count\" max=\"500\"><text>Jumlah petugas jaga</text></item>\n"
    "    <item id=\"S2.02\" type=\"choice\" weight=\"1\"><text>Izin bangunan</text>\n"
    "      <choices><choice value=\"ada\" score=\"1\">Ada</choice>"
    "<choice value=\"tidak\" score=\"0\">Tidak ada</choice></choices>\n"
    "    </item>\n"
    "  </section>\n"
    "</checklist>\n";

/* 20 points per answer that is not N/A: the score shows how many answers it saw. */
static const char SCRIPT[] =
    "function score(v)\n"
    "  local n = 0\n"
    "  for _, a in pairs(v.answers) do if not a.na then n = n + 1 end end\n"
    "  local total = 20 * n\n"
    "  return { sections = {{ id = 'S1', score = total / 2, max = 50, justification = 'x' },\n"
    "                       { id = 'S2', score = total / 2, max = 50, justification = 'x' }},\n"
    "           total = total, max = 100, grade = total >= 80 and 'A' or '', flags = {} }\n"
    "end\n";

/* name, role, agency, full name */
static const struct { const char *name; pt_role role; const char *agency, *full_name; } USERS[] = {
    {"ani", PT_ROLE_ADMIN, "Dinas Sosial", NULL},
    {"budi", PT_ROLE_INSPECTOR, "Dinas Sosial", "Budi Santoso"},
    {"dedi", PT_ROLE_OFFICER, "Satpol PP", NULL},
    {"sari", PT_ROLE_ASSESSOR, "BALKS", NULL},
    {"dewi", PT_ROLE_BOARD, "BALKS", NULL},
    {"eka", PT_ROLE_INSPECTOR, "Dinas Sosial", NULL},
};

/* Acts as name (password: name + "-pass1"). */
static void as(pt_ctx *ctx, const char *name)
{
    char password[64];
    snprintf(password, sizeof password, "%s-pass1", name);
    if (pt_authenticate_password(ctx, name, password) != 0)
        fail_msg("authenticate %s: %s", name, pt_error_last());
}

/* The checklist, its script, an institution and the users; the context acts as no one. */
static int setup(void **state)
{
    test_fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = test_tmpdir();
    free(test_write_file(f->dir, "uji.lua", SCRIPT));
    f->ctx = test_open_db_with_scripts(f->dir, f->dir);
    test_store_checklist_xml(f->ctx, "uji.xml", CHECKLIST_XML);
    test_add_home(f->ctx, "LKSA-1", "Panti Asuhan Kasih", "40");
    for (size_t i = 0; i < sizeof USERS / sizeof USERS[0]; i++) {
        char password[64];
        snprintf(password, sizeof password, "%s-pass1", USERS[i].name);
        if (pt_user_add(f->ctx, USERS[i].name, USERS[i].role, USERS[i].agency, USERS[i].full_name,
                        password, NULL) != 0)
            fail_msg("user add %s: %s", USERS[i].name, pt_error_last());
        if (i == 0) as(f->ctx, "ani");
    }
    *state = f;
    return 0;
}

/* A joint draft by budi (Dinas Sosial, ketua), dedi (Satpol PP) and sari (BALKS), created by budi. */
static int64_t new_draft(pt_ctx *ctx)
{
    static const pt_visit_member_spec team[] = {{"budi", "ketua"}, {"dedi", NULL}, {"sari", "anggota"}};
    pt_visit_new_spec spec = {.institution = "LKSA-1", .checklist = "uji", .date = "2026-03-14",
                              .type = "gabungan", .notes = "Pemantauan bersama",
                              .n_members = 3, .members = team};
    as(ctx, "budi");
    int64_t id = 0;
    if (pt_visit_new(ctx, &spec, &id) != 0) fail_msg("visit new: %s", pt_error_last());
    return id;
}

static int record(pt_ctx *ctx, int64_t visit, const char *item, const char *value)
{
    pt_answer a = {.item_id = item, .value = value};
    return pt_visit_record_answers(ctx, visit, &a, 1);
}

static pt_visit_state state_of(pt_ctx *ctx, int64_t visit)
{
    pt_visit_state s;
    assert_int_equal(pt_visit_state_get(ctx, visit, &s), 0);
    return s;
}

static void assert_audit_intact(pt_ctx *ctx)
{
    pt_audit_report r;
    assert_int_equal(pt_audit_verify(ctx, &r), 0);
    if (r.n_problems) fail_msg("audit verify: %s", r.problems[0]);
    pt_audit_report_clear(&r);
}

static const char *answer_value(pt_ctx *ctx, int64_t visit, const char *item, char *buf, size_t size)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(ctx->db, "SELECT coalesce(value, 'N/A') FROM answer "
                                        "WHERE visit_id = ?1 AND item_id = ?2", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, visit);
    sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
    else snprintf(buf, size, "(none)");
    sqlite3_finalize(st);
    return buf;
}

/* Sets the visit's state by recording the steps in SQL, as review.c would. */
static void step_sql(pt_ctx *ctx, int64_t visit, const char *from, const char *to, const char *reason)
{
    char sql[512];
    snprintf(sql, sizeof sql, "INSERT INTO visit_transition (visit_id, from_state, to_state, actor, "
             "at, reason) VALUES (%lld, '%s', '%s', 'dewi', '2026-04-01T00:00:00Z', %s%s%s)",
             (long long)visit, from, to, reason ? "'" : "", reason ? reason : "NULL", reason ? "'" : "");
    char *err = NULL;
    if (sqlite3_exec(ctx->db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", sql, err);
}

/* ---- the draft ---- */

static void a_draft_has_its_users_as_team_no_answers_and_is_audited_like_an_import(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    assert_int_equal(state_of(f->ctx, id), PT_STATE_DRAFT);
    pt_visit *v = NULL;
    assert_int_equal(pt_visit_get(f->ctx, id, &v), 0);
    assert_string_equal(v->type, "joint");
    assert_string_equal(v->notes, "Pemantauan bersama");
    assert_string_equal(v->checklist_version, "1");
    assert_int_equal(v->n_answers, 0);
    assert_int_equal(v->n_team, 3);
    assert_string_equal(v->team[0].name, "budi");
    assert_string_equal(v->team[0].agency, "Dinas Sosial");
    assert_string_equal(v->team[0].role, "ketua");
    assert_string_equal(v->team[1].name, "dedi");
    assert_string_equal(v->team[1].agency, "Satpol PP");
    assert_null(v->team[1].role);
    assert_string_equal(v->team[2].agency, "BALKS");
    pt_visit_free(v);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM audit_log WHERE entity = 'visit' "
                                  "AND action = 'insert' AND json_array_length(after, '$.team') = 3 "
                                  "AND json_extract(after, '$.n_answers') = 0"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit_transition WHERE from_state "
                                  "IS NULL AND to_state = 'draft' AND actor = 'budi'"), 1);
    assert_audit_intact(f->ctx);
}

static void new_refuses_unknown_disabled_and_repeated_members_and_writes_nothing(void **state)
{
    test_fixture *f = *state;
    as(f->ctx, "ani");
    assert_int_equal(pt_user_disable(f->ctx, "eka"), 0);
    as(f->ctx, "budi");
    pt_visit_member_spec team[2] = {{"budi", NULL}, {"nobody", NULL}};
    pt_visit_new_spec spec = {.institution = "LKSA-1", .checklist = "uji@1", .date = "2026-03-14",
                              .type = "routine", .n_members = 2, .members = team};
    int64_t id = 99;
    assert_int_equal(pt_visit_new(f->ctx, &spec, &id), PT_EINVALID);
    assert_error_contains("team member 'nobody' is not a pantau user");
    assert_int_equal(id, 0);
    team[1].user = "eka";
    assert_int_equal(pt_visit_new(f->ctx, &spec, &id), PT_EINVALID);
    assert_error_contains("team member 'eka' is a disabled user");
    team[1].user = "budi";
    assert_int_equal(pt_visit_new(f->ctx, &spec, &id), PT_EINVALID);
    assert_error_contains("team member 'budi' is given twice");
    team[1] = (pt_visit_member_spec){"dedi", "bos"};
    assert_int_equal(pt_visit_new(f->ctx, &spec, &id), PT_EINVALID);
    assert_error_contains("role must be ketua or anggota, got 'bos'");
    spec.n_members = 0;
    assert_int_equal(pt_visit_new(f->ctx, &spec, &id), PT_EINVALID);
    assert_error_contains("at least one member");
    spec.n_members = 1;
    spec.checklist = "uji@9";
    assert_int_equal(pt_visit_new(f->ctx, &spec, &id), PT_ENOTFOUND);
    assert_error_contains("checklist 'uji@9' is not loaded");
    spec.checklist = "uji";
    spec.institution = "LKSA-404";
    assert_int_equal(pt_visit_new(f->ctx, &spec, &id), PT_ENOTFOUND);
    assert_error_contains("institution 'LKSA-404' is not registered");
    spec.institution = "LKSA-1";
    spec.type = "ronda";
    assert_int_equal(pt_visit_new(f->ctx, &spec, &id), PT_EINVALID);
    assert_error_contains("type must be one of routine, accreditation, complaint, joint");
    spec.type = "routine";
    spec.date = "2026-02-30";
    assert_int_equal(pt_visit_new(f->ctx, &spec, &id), PT_EINVALID);
    assert_error_contains("date must be a valid YYYY-MM-DD, got '2026-02-30'");
    assert_int_equal(test_count_visit_rows(f->ctx), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit_transition"), 0);
}

/* ---- who may record ---- */

static void a_board_member_cannot_create_a_draft_or_record_answers(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    as(f->ctx, "dewi");
    assert_int_equal(record(f->ctx, id, "S1.01", "ya"), PT_EDENIED);
    assert_string_equal(pt_error_last(), "user 'dewi' (board member, BALKS) may not record answers "
                        "of visits (needs: inspector or assessor or agency officer)");
    pt_visit_member_spec team[] = {{"dewi", NULL}};
    pt_visit_new_spec spec = {.institution = "LKSA-1", .checklist = "uji", .date = "2026-03-14",
                              .type = "routine", .n_members = 1, .members = team};
    assert_int_equal(pt_visit_new(f->ctx, &spec, NULL), PT_EDENIED);
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), PT_EDENIED);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM member_answer"), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit"), 1);
}

static void a_user_not_on_the_team_cannot_record_assign_reconcile_or_submit(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    as(f->ctx, "eka");
    assert_int_equal(record(f->ctx, id, "S1.01", "ya"), PT_EDENIED);
    char want[160];
    snprintf(want, sizeof want, "user 'eka' is not on the team of visit %lld (budi, dedi, sari): "
             "recording answers is for its team only", (long long)id);
    assert_string_equal(pt_error_last(), want);
    const char *items[] = {"S1.01"};
    assert_int_equal(pt_visit_assign(f->ctx, id, "Satpol PP", items, 1, NULL, 0, NULL), PT_EDENIED);
    assert_int_equal(pt_visit_reconcile(f->ctx, id, "S1.01", "ya", 0, "alasan"), PT_EDENIED);
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), PT_EDENIED);
    assert_error_contains("submitting is for its team only");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM member_answer"), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit_assignment"), 0);
    assert_int_equal(state_of(f->ctx, id), PT_STATE_DRAFT);
}

/* ---- assignment ---- */

static void members_record_only_their_agencys_items_and_the_unassigned_ones(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    const char *sections[] = {"S2"};
    pt_visit_assigned done;
    assert_int_equal(pt_visit_assign(f->ctx, id, "satpol pp", NULL, 0, sections, 1, &done), 0);
    assert_int_equal(done.n_assigned, 2);
    assert_int_equal(done.n_unchanged, 0);
    /* stored, and told, as the team spells the agency */
    assert_string_equal(done.agency, "Satpol PP");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit_assignment WHERE agency = 'Satpol PP'"), 2);

    /* budi (Dinas Sosial): S2.01 is Satpol PP's; the whole call is refused */
    pt_answer two[] = {{.item_id = "S1.01", .value = "ya"}, {.item_id = "S2.01", .value = "3"}};
    assert_int_equal(pt_visit_record_answers(f->ctx, id, two, 2), PT_EDENIED);
    char want[200];
    snprintf(want, sizeof want, "visit %lld: item S2.01 is assigned to Satpol PP: user 'budi' "
             "(Dinas Sosial) may record only the items of Dinas Sosial and those assigned to no one",
             (long long)id);
    assert_string_equal(pt_error_last(), want);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM member_answer"), 0);
    assert_int_equal(record(f->ctx, id, "S1.01", "ya"), 0);

    /* dedi (Satpol PP): his agency's items and an unassigned one */
    as(f->ctx, "dedi");
    pt_answer mine[] = {{.item_id = "S2.01", .value = "3"}, {.item_id = "S2.02", .value = "Ada"},
                        {.item_id = "S1.01", .value = "ya", .note = "dokumen dilihat"}};
    assert_int_equal(pt_visit_record_answers(f->ctx, id, mine, 3), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM member_answer m JOIN app_user u "
                                  "ON u.id = m.user_id WHERE u.name = 'dedi'"), 3);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM member_answer WHERE value = 'ada'"), 1);

    /* re-assigning an item no one answered replaces the agency: now budi may, dedi may not */
    const char *items[] = {"S1.03"};
    as(f->ctx, "budi");
    assert_int_equal(pt_visit_assign(f->ctx, id, "Satpol PP", items, 1, NULL, 0, NULL), 0);
    assert_int_equal(pt_visit_assign(f->ctx, id, "Dinas Sosial", items, 1, NULL, 0, &done), 0);
    assert_int_equal(done.n_assigned, 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit_assignment WHERE item_id = "
                                  "'S1.03' AND agency = 'Dinas Sosial'"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit_assignment"), 3);
    assert_int_equal(record(f->ctx, id, "S1.03", "rapi"), 0);
    as(f->ctx, "dedi");
    assert_int_equal(record(f->ctx, id, "S1.03", "kotor"), PT_EDENIED);
    assert_error_contains("item S1.03 is assigned to Dinas Sosial");
    assert_audit_intact(f->ctx);
}

static void assign_refuses_unknown_items_sections_and_agencies_off_the_team(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    const char *items[] = {"S1.01", "S9.99"};
    assert_int_equal(pt_visit_assign(f->ctx, id, "Satpol PP", items, 2, NULL, 0, NULL), PT_EINVALID);
    assert_error_contains("item S9.99 is not in checklist uji@1");
    const char *sections[] = {"S7"};
    assert_int_equal(pt_visit_assign(f->ctx, id, "Satpol PP", NULL, 0, sections, 1, NULL), PT_EINVALID);
    assert_error_contains("section S7 is not in checklist uji@1");
    assert_int_equal(pt_visit_assign(f->ctx, id, "DP3A", items, 1, NULL, 0, NULL), PT_EINVALID);
    assert_error_contains("no member of its team is from 'DP3A' (the team's agencies: BALKS, "
                          "Dinas Sosial, Satpol PP)");
    assert_int_equal(pt_visit_assign(f->ctx, id, "Satpol PP", NULL, 0, NULL, 0, NULL), PT_EINVALID);
    assert_int_equal(pt_visit_assign(f->ctx, 4242, "Satpol PP", items, 1, NULL, 0, NULL), PT_ENOTFOUND);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit_assignment"), 0);
}

/* budi and eka (Dinas Sosial), dedi (Satpol PP) and sari (BALKS), created by budi. */
static int64_t new_team_of_four(pt_ctx *ctx)
{
    static const pt_visit_member_spec team[] = {{"budi", "ketua"}, {"eka", NULL}, {"dedi", NULL},
                                                {"sari", NULL}};
    pt_visit_new_spec spec = {.institution = "LKSA-1", .checklist = "uji", .date = "2026-03-14",
                              .type = "gabungan", .n_members = 4, .members = team};
    as(ctx, "budi");
    int64_t id = 0;
    if (pt_visit_new(ctx, &spec, &id) != 0) fail_msg("visit new: %s", pt_error_last());
    return id;
}

static void a_member_reconciles_only_the_items_of_their_agency_and_the_unassigned_ones(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_team_of_four(f->ctx);
    const char *items[] = {"S1.02"};
    assert_int_equal(pt_visit_assign(f->ctx, id, "Dinas Sosial", items, 1, NULL, 0, NULL), 0);
    /* budi and eka (both Dinas Sosial) differ on S1.02; budi and dedi on the unassigned S1.01 */
    pt_answer budi[] = {{.item_id = "S1.01", .value = "ya"}, {.item_id = "S1.02", .value = "3"}};
    assert_int_equal(pt_visit_record_answers(f->ctx, id, budi, 2), 0);
    as(f->ctx, "eka");
    assert_int_equal(record(f->ctx, id, "S1.02", "1"), 0);
    as(f->ctx, "dedi");
    assert_int_equal(record(f->ctx, id, "S1.01", "tidak"), 0);

    /* dedi (Satpol PP) may not agree on the Dinas Sosial's item for them */
    long long audit = test_sql_int(f->ctx, "SELECT count(*) FROM audit_log");
    assert_int_equal(pt_visit_reconcile(f->ctx, id, "S1.02", "2", 0, "dilihat bersama"), PT_EDENIED);
    char want[200];
    snprintf(want, sizeof want, "visit %lld: item S1.02 is assigned to Dinas Sosial: user 'dedi' "
             "(Satpol PP) may reconcile only the items of Satpol PP and those assigned to no one",
             (long long)id);
    assert_string_equal(pt_error_last(), want);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM reconciliation"), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM audit_log"), audit);
    /* ... but may reconcile an item assigned to no one */
    assert_int_equal(pt_visit_reconcile(f->ctx, id, "S1.01", "tidak", 0, "dokumen belum disahkan"), 0);
    /* a member of the item's agency may */
    as(f->ctx, "eka");
    assert_int_equal(pt_visit_reconcile(f->ctx, id, "S1.02", "2", 0, "dilihat bersama"), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM reconciliation WHERE item_id = "
                                  "'S1.02' AND reconciled_by = 'eka' AND value = '2'"), 1);
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), 0);
    char buf[16];
    assert_string_equal(answer_value(f->ctx, id, "S1.02", buf, sizeof buf), "2");
    assert_audit_intact(f->ctx);
}

static void an_item_answered_by_another_agency_cannot_be_assigned_away_from_it(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_team_of_four(f->ctx);
    as(f->ctx, "dedi");
    pt_answer dedi[] = {{.item_id = "S1.01", .value = "ya"}, {.item_id = "S2.01", .value = "3"}};
    assert_int_equal(pt_visit_record_answers(f->ctx, id, dedi, 2), 0);
    as(f->ctx, "budi");
    assert_int_equal(record(f->ctx, id, "S1.01", "tidak"), 0);

    /* S2.01 has dedi's answer: the Dinas Sosial cannot take S2 (all of it is refused) */
    long long audit = test_sql_int(f->ctx, "SELECT count(*) FROM audit_log");
    const char *sections[] = {"S2"};
    pt_visit_assigned done = {.n_assigned = 99};
    assert_int_equal(pt_visit_assign(f->ctx, id, "dinas sosial", NULL, 0, sections, 1, &done), PT_ESTATE);
    char want[300];
    snprintf(want, sizeof want, "visit %lld: item S2.01 already has answers from dedi (Satpol PP): "
             "it cannot be assigned to Dinas Sosial", (long long)id);
    assert_error_contains(want);
    assert_int_equal(done.n_assigned, 0);
    assert_string_equal(done.agency, "");
    /* both agencies answered S1.01: no agency can take it; the first such item is named */
    const char *both[] = {"S1.03", "S1.01"};
    assert_int_equal(pt_visit_assign(f->ctx, id, "BALKS", both, 2, sections, 1, NULL), PT_ESTATE);
    snprintf(want, sizeof want, "visit %lld: item S1.01 already has answers from budi (Dinas "
             "Sosial), dedi (Satpol PP): it cannot be assigned to BALKS", (long long)id);
    assert_error_contains(want);
    assert_error_contains("(and 1 more item)");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit_assignment"), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM audit_log"), audit);

    /* the agency that answered may take it; an item no one answered goes to anyone */
    assert_int_equal(pt_visit_assign(f->ctx, id, "Satpol PP", NULL, 0, sections, 1, &done), 0);
    assert_int_equal(done.n_assigned, 2);
    const char *s103[] = {"S1.03"};
    assert_int_equal(pt_visit_assign(f->ctx, id, "BALKS", s103, 1, NULL, 0, &done), 0);

    /* a reconciliation is an answer too: sari (BALKS) agreed on S1.02 for budi and eka */
    assert_int_equal(record(f->ctx, id, "S1.02", "3"), 0);
    as(f->ctx, "eka");
    assert_int_equal(record(f->ctx, id, "S1.02", "1"), 0);
    as(f->ctx, "sari");
    assert_int_equal(pt_visit_reconcile(f->ctx, id, "S1.02", "2", 0, "dilihat bersama"), 0);
    const char *s102[] = {"S1.02"};
    assert_int_equal(pt_visit_assign(f->ctx, id, "Dinas Sosial", s102, 1, NULL, 0, NULL), PT_ESTATE);
    snprintf(want, sizeof want, "visit %lld: item S1.02 already has a reconciliation by sari "
             "(BALKS): it cannot be assigned to Dinas Sosial", (long long)id);
    assert_error_contains(want);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit_assignment WHERE item_id = 'S1.02'"), 0);

    /* what submitting merges is what the assignments allow */
    as(f->ctx, "budi");
    assert_int_equal(pt_visit_reconcile(f->ctx, id, "S1.01", "tidak", 0, "dokumen belum disahkan"), 0);
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), 0);
    char buf[16];
    assert_string_equal(answer_value(f->ctx, id, "S2.01", buf, sizeof buf), "3");
    assert_audit_intact(f->ctx);
}

static void assigning_counts_only_the_items_whose_agency_it_sets_or_changes(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    const char *sections[] = {"S2"}, *s201[] = {"S2.01"};
    pt_visit_assigned done;
    assert_int_equal(pt_visit_assign(f->ctx, id, "Satpol PP", NULL, 0, sections, 1, &done), 0);
    assert_int_equal(done.n_assigned, 2);
    assert_int_equal(done.n_unchanged, 0);
    long long audit = test_sql_int(f->ctx, "SELECT count(*) FROM audit_log");
    /* the same agency again: nothing assigned, nothing written */
    assert_int_equal(pt_visit_assign(f->ctx, id, "satpol pp", NULL, 0, sections, 1, &done), 0);
    assert_int_equal(done.n_assigned, 0);
    assert_int_equal(done.n_unchanged, 2);
    assert_string_equal(done.agency, "Satpol PP");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM audit_log"), audit);
    /* one item moves to another agency, then back with its section */
    assert_int_equal(pt_visit_assign(f->ctx, id, "BALKS", s201, 1, NULL, 0, &done), 0);
    assert_int_equal(done.n_assigned, 1);
    assert_int_equal(pt_visit_assign(f->ctx, id, "Satpol PP", NULL, 0, sections, 1, &done), 0);
    assert_int_equal(done.n_assigned, 1);
    assert_int_equal(done.n_unchanged, 1);
    /* a write that fails counts nothing and leaves nothing */
    char *err = NULL;
    if (sqlite3_exec(f->ctx->db, "CREATE TEMP TRIGGER boom BEFORE INSERT ON visit_assignment "
                                 "WHEN NEW.item_id = 'S1.03' BEGIN SELECT RAISE(ABORT, 'boom'); END",
                     NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s", err);
    const char *s1[] = {"S1"};
    done.n_assigned = 99;
    assert_true(pt_visit_assign(f->ctx, id, "BALKS", NULL, 0, s1, 1, &done) < 0);
    assert_error_contains("boom");
    assert_int_equal(done.n_assigned + done.n_unchanged, 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit_assignment"), 2);
    assert_audit_intact(f->ctx);
}

/* ---- answers ---- */

static void answers_are_checked_as_an_import_checks_them_all_or_nothing(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    char want[160];
    pt_answer bad_scale[] = {{.item_id = "S1.01", .value = "ya"}, {.item_id = "S1.02", .value = "7"}};
    assert_int_equal(pt_visit_record_answers(f->ctx, id, bad_scale, 2), PT_EINVALID);
    snprintf(want, sizeof want, "visit %lld: item S1.02: scale level must be 1..3, got '7'", (long long)id);
    assert_string_equal(pt_error_last(), want);
    assert_int_equal(record(f->ctx, id, "S1.01", "mungkin"), PT_EINVALID);
    assert_error_contains("item S1.01: yes/no answer must be ya or tidak, got 'mungkin'");
    pt_answer na = {.item_id = "S1.01", .na = 1};
    assert_int_equal(pt_visit_record_answers(f->ctx, id, &na, 1), PT_EINVALID);
    assert_error_contains("item S1.01: N/A is not allowed for this item");
    assert_int_equal(record(f->ctx, id, "S2.02", "rusak"), PT_EINVALID);
    assert_error_contains("item S2.02: choice must be one of ada, tidak, got 'rusak'");
    assert_int_equal(record(f->ctx, id, "S3.01", "ya"), PT_EINVALID);
    assert_error_contains("item S3.01 is not in checklist uji@1");
    assert_int_equal(record(f->ctx, id, "S1.03", "  "), PT_EINVALID);
    assert_error_contains("item S1.03: no value given");
    pt_answer twice[] = {{.item_id = "S1.01", .value = "ya"}, {.item_id = "S1.01", .value = "tidak"}};
    assert_int_equal(pt_visit_record_answers(f->ctx, id, twice, 2), PT_EINVALID);
    assert_error_contains("item S1.01 is answered twice");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM member_answer"), 0);

    /* canonical values, and a second answer replaces the member's first */
    pt_answer good[] = {{.item_id = "S1.01", .value = "Ya"}, {.item_id = "S1.02", .na = 1},
                        {.item_id = "S2.01", .value = "007"}};
    assert_int_equal(pt_visit_record_answers(f->ctx, id, good, 3), 0);
    assert_int_equal(record(f->ctx, id, "S1.01", "TIDAK"), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM member_answer"), 3);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM member_answer WHERE item_id = 'S1.01' "
                                  "AND value = 'tidak'"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM member_answer WHERE item_id = 'S1.02' "
                                  "AND na = 1 AND value IS NULL"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM member_answer WHERE item_id = 'S2.01' "
                                  "AND value = '7'"), 1);
    assert_audit_intact(f->ctx);
}

/* ---- disagreement, reconciliation, submit ---- */

typedef struct seen {
    int n_items, n_disagreements, n_unreconciled;
    char s101_members[64];
    int s101_reconciled;
    char s101_agreed[16];
} seen;

static int see(const pt_item_answers *it, void *payload)
{
    seen *s = payload;
    s->n_items++;
    s->n_disagreements += it->disagreement;
    s->n_unreconciled += it->unreconciled;
    if (strcmp(it->item_id, "S1.01") == 0) {
        s->s101_members[0] = '\0';
        for (size_t i = 0; i < it->n_members; i++) {
            strcat(s->s101_members, it->members[i].user);
            strcat(s->s101_members, "=");
            strcat(s->s101_members, it->members[i].value ? it->members[i].value : "N/A");
            strcat(s->s101_members, " ");
        }
        s->s101_reconciled = it->reconciliation != NULL;
        snprintf(s->s101_agreed, sizeof s->s101_agreed, "%s",
                 !it->has_agreed ? "-" : it->agreed_na ? "N/A" : it->agreed_value);
    }
    return 0;
}

static void two_assessors_disagree_reconcile_submit_and_the_agreed_answers_are_scored(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    /* budi and sari answer S1.01 differently; S1.02 the same; dedi only S2 */
    pt_answer budi[] = {{.item_id = "S1.01", .value = "ya", .note = "ada di rak"},
                        {.item_id = "S1.02", .value = "3"}};
    assert_int_equal(pt_visit_record_answers(f->ctx, id, budi, 2), 0);
    as(f->ctx, "sari");
    pt_answer sari[] = {{.item_id = "S1.01", .value = "tidak"}, {.item_id = "S1.02", .value = "3"}};
    assert_int_equal(pt_visit_record_answers(f->ctx, id, sari, 2), 0);
    as(f->ctx, "dedi");
    pt_answer dedi[] = {{.item_id = "S2.01", .value = "2"}, {.item_id = "S2.02", .value = "ada"}};
    assert_int_equal(pt_visit_record_answers(f->ctx, id, dedi, 2), 0);

    seen s = {0};
    assert_int_equal(pt_visit_member_answers_foreach(f->ctx, id, see, &s), 0);
    assert_int_equal(s.n_items, 5);
    assert_int_equal(s.n_disagreements, 1);
    assert_int_equal(s.n_unreconciled, 1);
    assert_string_equal(s.s101_members, "budi=ya sari=tidak ");
    assert_string_equal(s.s101_agreed, "-");

    /* refused while S1.01 is unreconciled, and nothing changes */
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), PT_EINVALID);
    char want[200];
    snprintf(want, sizeof want, "visit %lld cannot be submitted: the members disagree on 1 item "
             "with no reconciliation: S1.01 (pantau visit reconcile)", (long long)id);
    assert_string_equal(pt_error_last(), want);
    assert_int_equal(state_of(f->ctx, id), PT_STATE_DRAFT);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM answer"), 0);

    /* reconciling needs a reason, a disagreement and a valid value */
    assert_int_equal(pt_visit_reconcile(f->ctx, id, "S1.01", "tidak", 0, "  "), PT_EINVALID);
    assert_error_contains("a reconciliation needs a reason");
    assert_int_equal(pt_visit_reconcile(f->ctx, id, "S1.02", "3", 0, "sama"), PT_EINVALID);
    assert_error_contains("item S1.02: the members' answers do not differ");
    assert_int_equal(pt_visit_reconcile(f->ctx, id, "S1.01", "barangkali", 0, "alasan"), PT_EINVALID);
    assert_error_contains("item S1.01: yes/no answer must be ya or tidak");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM reconciliation"), 0);
    assert_int_equal(pt_visit_reconcile(f->ctx, id, "S1.01", "Tidak", 0,
                                        "dokumen hanya draf, belum disahkan"), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM reconciliation WHERE value = 'tidak' "
                                  "AND reconciled_by = 'dedi'"), 1);
    memset(&s, 0, sizeof s);
    assert_int_equal(pt_visit_member_answers_foreach(f->ctx, id, see, &s), 0);
    assert_int_equal(s.n_disagreements, 1);
    assert_int_equal(s.n_unreconciled, 0);
    assert_true(s.s101_reconciled);
    assert_string_equal(s.s101_agreed, "tidak");

    int n = 0;
    assert_int_equal(pt_visit_submit(f->ctx, id, "lengkap", &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(state_of(f->ctx, id), PT_STATE_SUBMITTED);
    char buf[64];
    assert_string_equal(answer_value(f->ctx, id, "S1.01", buf, sizeof buf), "tidak");
    assert_string_equal(answer_value(f->ctx, id, "S1.02", buf, sizeof buf), "3");
    assert_string_equal(answer_value(f->ctx, id, "S2.01", buf, sizeof buf), "2");
    assert_string_equal(answer_value(f->ctx, id, "S2.02", buf, sizeof buf), "ada");
    assert_string_equal(answer_value(f->ctx, id, "S1.03", buf, sizeof buf), "(none)");
    /* positions are the items' places in the checklist; the members' note travels */
    assert_int_equal(test_sql_int(f->ctx, "SELECT position FROM answer WHERE item_id = 'S2.02'"), 4);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM answer WHERE item_id = 'S1.01' "
                                  "AND note = 'ada di rak'"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM event WHERE type = 'visit.submitted' "
                                  "AND json_extract(json, '$.visit.n_answers') = 4 "
                                  "AND json_extract(json, '$.from_state') = 'draft' "
                                  "AND subject LIKE 'Kunjungan diajukan: Panti Asuhan Kasih%'"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit_transition WHERE from_state = "
                                  "'draft' AND to_state = 'submitted' AND actor = 'dedi' AND reason = 'lengkap'"), 1);
    assert_audit_intact(f->ctx);

    /* submitted: answers are closed, and the score sees the agreed answers */
    assert_int_equal(record(f->ctx, id, "S1.03", "catatan"), PT_ESTATE);
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), PT_ESTATE);
    as(f->ctx, "budi");
    pt_score *score = test_score_visit(f->ctx, id);
    assert_cents(score->total, 80);
    assert_string_equal(score->grade, "A");
    pt_score_free(score);
    assert_int_equal(state_of(f->ctx, id), PT_STATE_SCORED);
    assert_audit_intact(f->ctx);
}

static void a_member_who_changes_a_reconciled_answer_withdraws_the_reconciliation(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    assert_int_equal(record(f->ctx, id, "S1.02", "3"), 0);
    as(f->ctx, "sari");
    assert_int_equal(record(f->ctx, id, "S1.02", "1"), 0);
    assert_int_equal(pt_visit_reconcile(f->ctx, id, "S1.02", "2", 0, "dilihat bersama"), 0);
    /* the same answer again changes nothing: the reconciliation stands */
    assert_int_equal(record(f->ctx, id, "S1.02", "1"), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM reconciliation"), 1);
    /* a changed answer withdraws it: still a disagreement, so submit is refused again */
    assert_int_equal(record(f->ctx, id, "S1.02", "2"), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM reconciliation"), 0);
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), PT_EINVALID);
    assert_error_contains("no reconciliation: S1.02");
    /* once the members agree, their common answer is the visit's */
    as(f->ctx, "budi");
    assert_int_equal(record(f->ctx, id, "S1.02", "2"), 0);
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), 0);
    char buf[16];
    assert_string_equal(answer_value(f->ctx, id, "S1.02", buf, sizeof buf), "2");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM audit_log WHERE entity = "
                                  "'reconciliation' AND action = 'delete'"), 1);
    assert_audit_intact(f->ctx);
}

static void submit_refuses_a_visit_without_answers(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), PT_EINVALID);
    assert_error_contains("has no answers: record them");
    assert_int_equal(state_of(f->ctx, id), PT_STATE_DRAFT);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM event WHERE type = 'visit.submitted'"), 0);
}

/* ---- returned and decided ---- */

static void a_returned_visit_is_corrected_and_resubmitted_keeping_its_other_answers(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    pt_answer budi[] = {{.item_id = "S1.01", .value = "ya"}, {.item_id = "S1.02", .value = "2"},
                        {.item_id = "S1.03", .value = "rapi"}};
    assert_int_equal(pt_visit_record_answers(f->ctx, id, budi, 3), 0);
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), 0);
    pt_score_free(test_score_visit(f->ctx, id));
    step_sql(f->ctx, id, "scored", "returned", "S1.02 perlu dicek ulang");

    /* dedi corrects S1.02; S1.03 stays as budi recorded it */
    as(f->ctx, "dedi");
    assert_int_equal(record(f->ctx, id, "S1.02", "1"), 0);
    as(f->ctx, "budi");
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), PT_EINVALID);
    assert_error_contains("disagree on 1 item with no reconciliation: S1.02");
    assert_int_equal(record(f->ctx, id, "S1.02", "1"), 0);
    int n = 0;
    assert_int_equal(pt_visit_submit(f->ctx, id, "S1.02 diperbaiki", &n), 0);
    assert_int_equal(n, 3);
    char buf[64];
    assert_string_equal(answer_value(f->ctx, id, "S1.02", buf, sizeof buf), "1");
    assert_string_equal(answer_value(f->ctx, id, "S1.03", buf, sizeof buf), "rapi");
    assert_int_equal(state_of(f->ctx, id), PT_STATE_SUBMITTED);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM event WHERE type = 'visit.submitted' "
                                  "AND json_extract(json, '$.from_state') = 'returned' "
                                  "AND subject LIKE 'Kunjungan diajukan ulang%'"), 1);
    /* the update of S1.02 went through its trigger; verify agrees with the log */
    assert_audit_intact(f->ctx);
    pt_score *score = test_score_visit(f->ctx, id);
    assert_cents(score->total, 60);
    pt_score_free(score);
}

static const char IMPORTED[] =
    "#institution;LKSA-1\n#checklist;uji@1\n#date;2026-02-02\n#type;rutin\n"
    "#team;Budi Santoso|Dinas Sosial|ketua\n"
    "item;value;note\nS1.01;ya;\nS1.02;2;\nS2.01;4;\nS2.02;ada;\n";

static void an_imported_returned_visit_is_corrected_by_its_team_member_by_full_name(void **state)
{
    test_fixture *f = *state;
    as(f->ctx, "budi");
    char *path = test_write_file(f->dir, "v.csv", IMPORTED);
    pt_visit_import_result r;
    assert_int_equal(pt_visit_import(f->ctx, path, NULL, &r), 0);
    free(path);
    int64_t id = r.first_id;
    assert_int_equal(state_of(f->ctx, id), PT_STATE_SUBMITTED);
    /* submitted: not open to corrections */
    assert_int_equal(record(f->ctx, id, "S2.01", "5"), PT_ESTATE);
    step_sql(f->ctx, id, "submitted", "returned", "jumlah petugas salah");
    /* "Budi Santoso" on the team is budi's full name; dedi is not on it */
    as(f->ctx, "dedi");
    assert_int_equal(record(f->ctx, id, "S2.01", "5"), PT_EDENIED);
    as(f->ctx, "budi");
    assert_int_equal(record(f->ctx, id, "S2.01", "5"), 0);
    assert_int_equal(pt_visit_submit(f->ctx, id, "diperbaiki", NULL), 0);
    char buf[64];
    assert_string_equal(answer_value(f->ctx, id, "S2.01", buf, sizeof buf), "5");
    assert_string_equal(answer_value(f->ctx, id, "S2.02", buf, sizeof buf), "ada");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM answer"), 4);
    assert_audit_intact(f->ctx);
}

static void a_decided_visit_refuses_recording_reconciling_and_submitting(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    assert_int_equal(record(f->ctx, id, "S1.01", "ya"), 0);
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), 0);
    step_sql(f->ctx, id, "submitted", "scored", NULL);
    step_sql(f->ctx, id, "scored", "under_review", NULL);
    step_sql(f->ctx, id, "under_review", "decided", NULL);
    long long before = test_sql_int(f->ctx, "SELECT count(*) FROM audit_log");
    assert_int_equal(record(f->ctx, id, "S1.02", "2"), PT_ESTATE);
    char want[160];
    snprintf(want, sizeof want, "visit %lld is decided: recording answers needs it to be draft or "
             "returned", (long long)id);
    assert_string_equal(pt_error_last(), want);
    assert_int_equal(pt_visit_reconcile(f->ctx, id, "S1.01", "ya", 0, "x"), PT_ESTATE);
    const char *items[] = {"S1.01"};
    assert_int_equal(pt_visit_assign(f->ctx, id, "Satpol PP", items, 1, NULL, 0, NULL), PT_ESTATE);
    assert_int_equal(pt_visit_submit(f->ctx, id, NULL, NULL), PT_ESTATE);
    assert_error_contains("is decided: submitting needs it to be draft or returned");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM audit_log"), before);
}

/* ---- history ---- */

typedef struct steps {
    char text[512];
} steps;

static int add_step(const pt_visit_step *st, void *payload)
{
    steps *s = payload;
    size_t used = strlen(s->text);
    snprintf(s->text + used, sizeof s->text - used, "%s>%s by %s (%s); ", pt_visit_state_name(st->from),
             pt_visit_state_name(st->to), st->actor, st->reason ? st->reason : "-");
    return 0;
}

static void the_history_shows_every_step_with_its_actor(void **state)
{
    test_fixture *f = *state;
    int64_t id = new_draft(f->ctx);
    as(f->ctx, "sari");
    assert_int_equal(record(f->ctx, id, "S1.01", "ya"), 0);
    assert_int_equal(pt_visit_submit(f->ctx, id, "siap dinilai", NULL), 0);
    pt_score_free(test_score_visit(f->ctx, id));
    steps s = {{0}};
    assert_int_equal(pt_visit_history_foreach(f->ctx, id, add_step, &s), 0);
    assert_string_equal(s.text, "none>draft by budi (-); draft>submitted by sari (siap dinilai); "
                                "submitted>scored by sari (-); ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_draft_has_its_users_as_team_no_answers_and_is_audited_like_an_import, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(new_refuses_unknown_disabled_and_repeated_members_and_writes_nothing, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(a_board_member_cannot_create_a_draft_or_record_answers, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(a_user_not_on_the_team_cannot_record_assign_reconcile_or_submit, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(members_record_only_their_agencys_items_and_the_unassigned_ones, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(assign_refuses_unknown_items_sections_and_agencies_off_the_team, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(a_member_reconciles_only_the_items_of_their_agency_and_the_unassigned_ones, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(an_item_answered_by_another_agency_cannot_be_assigned_away_from_it, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(assigning_counts_only_the_items_whose_agency_it_sets_or_changes, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(answers_are_checked_as_an_import_checks_them_all_or_nothing, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(two_assessors_disagree_reconcile_submit_and_the_agreed_answers_are_scored, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(a_member_who_changes_a_reconciled_answer_withdraws_the_reconciliation, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(submit_refuses_a_visit_without_answers, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(a_returned_visit_is_corrected_and_resubmitted_keeping_its_other_answers, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(an_imported_returned_visit_is_corrected_by_its_team_member_by_full_name, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(a_decided_visit_refuses_recording_reconciling_and_submitting, setup, test_fixture_teardown),
        cmocka_unit_test_setup_teardown(the_history_shows_every_step_with_its_actor, setup, test_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
