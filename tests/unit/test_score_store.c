/* Stored scores: scoring stored visits one by one and all at once, re-scoring, reading back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "internal.h"

static const char CHECKLIST_XML[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"uji\" version=\"1\" script=\"uji.lua\">\n"
    "  <title>Instrumen uji</title>\n"
    "  <grading max=\"100\" fail-label=\"Tidak lulus\">\n"
    "    <band grade=\"A\" min=\"80\" label=\"Baik\" validity-years=\"2\"/>\n"
    "  </grading>\n"
    "  <section id=\"S1\" weight=\"100\">\n"
    "    <title>Bagian satu</title>\n"
    "    <item id=\"S1.01\" type=\"yesno\" weight=\"1\"><text>Satu</text></item>\n"
    "    <item id=\"S1.02\" type=\"yesno\" weight=\"1\"><text>Dua</text></item>\n"
    "    <item id=\"S1.03\" type=\"text\"><text>Catatan</text></item>\n"
    "  </section>\n"
    "</checklist>\n";

/* Shows in its justification what it saw of the visit, so the streaming path of
 * pt_score_all can be compared with pt_score_visit's. */
static const char SCRIPT[] =
    "function score(v)\n"
    "  if v.visit.notes == 'gagal' then error('skrip gagal') end\n"
    "  local ids, yes = {}, 0\n"
    "  for id, a in pairs(v.answers) do\n"
    "    ids[#ids + 1] = id .. '=' .. tostring(a.value) .. '/' .. tostring(a.note)\n"
    "    if a.value == true then yes = yes + 1 end\n"
    "  end\n"
    "  table.sort(ids)\n"
    "  local team = {}\n"
    "  for _, m in ipairs(v.visit.team) do\n"
    "    team[#team + 1] = m.name .. '/' .. m.agency .. '/' .. tostring(m.role)\n"
    "  end\n"
    "  local inst = v.institution\n"
    "  local j = table.concat(ids, ' ') .. '; ' .. table.concat(team, ',') .. '; '\n"
    "    .. inst.name .. '; ' .. tostring(inst.reg_no) .. '; ' .. tostring(inst.capacity)\n"
    "    .. '; ' .. v.visit.date .. '; ' .. v.visit.type .. '; ' .. tostring(v.visit.notes)\n"
    "  local total = 50 * yes\n"
    "  local flags = {}\n"
    "  if yes < 2 then\n"
    "    flags[1] = { code = 'KURANG', severity = 'sedang', item = 'S1.02', message = 'Belum' }\n"
    "  end\n"
    "  return { sections = {{ id = 'S1', score = total, max = 100, justification = j }},\n"
    "           total = total, max = 100, grade = total >= 80 and 'A' or '', flags = flags }\n"
    "end\n";

typedef test_fixture fixture;

/* A database whose scripts folder is the test's own folder, holding SCRIPT as uji.lua. Torn
 * down with test_fixture_teardown. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = test_tmpdir();
    free(test_write_file(f->dir, "uji.lua", SCRIPT));
    f->ctx = test_open_db_with_scripts(f->dir, f->dir);
    test_store_checklist_xml(f->ctx, "uji.xml", CHECKLIST_XML);
    test_add_home(f->ctx, "LKSA-1", "Panti Asuhan Kasih", "40");
    test_add_home(f->ctx, "LKSA-2", "Panti Asuhan Harapan", NULL);
    *state = f;
    return 0;
}

static void import(fixture *f, const char *text)
{
    char *path = test_write_file(f->dir, "visits.csv", text);
    pt_visit_import_result res;
    if (pt_visit_import(f->ctx, path, NULL, &res) != 0) fail_msg("import: %s", pt_error_last());
    free(path);
}

static const char THREE_VISITS[] =
    "#institution;LKSA-1\n#checklist;uji@1\n#date;2024-02-29\n#type;akreditasi\n"
    "#team;Siti Rahma|Dinas Sosial|ketua\n#team;Budi Santoso|Satpol PP|anggota\n"
    "#notes;pagi\n"
    "item;value;note\nS1.01;ya;ada\nS1.02;ya;\nS1.03;teks bebas;\n"
    "#institution;LKSA-2\n#checklist;uji@1\n#date;2026-01-05\n#type;rutin\n"
    "#team;Ani|DP3A|\n"
    "item;value;note\nS1.01;tidak;\nS1.02;ya;\n"
    "#institution;LKSA-1\n#checklist;uji@1\n#date;2026-02-01\n#type;pengaduan\n"
    "item;value;note\nS1.01;ya;\n";

static void test_scoring_a_stored_visit_stores_score_sections_flags_and_script(void **state)
{
    fixture *f = *state;
    import(f, THREE_VISITS);
    pt_score *s = NULL;
    if (pt_score_visit(f->ctx, 2, &s) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(s->visit_id, 2);
    assert_true(s->total == 50);
    assert_string_equal(s->grade, "");
    assert_string_equal(s->grade_label, "Tidak lulus");
    assert_string_equal(s->sections[0].justification,
                        "S1.01=false/nil S1.02=true/nil; Ani/DP3A/nil; Panti Asuhan Harapan; "
                        "LKSA-2; nil; 2026-01-05; routine; nil");
    assert_int_equal(strlen(s->scored_at), 20);
    pt_score_free(s);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score WHERE visit_id = 2"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score_section WHERE visit_id = 2"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score_flag WHERE visit_id = 2 "
                                          "AND code = 'KURANG' AND item_id = 'S1.02' "
                                          "AND agency = ''"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM script_version "
                                          "WHERE name = 'uji.lua' AND source LIKE 'function score%'"),
                     1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score s JOIN script_version v "
                                          "ON v.sha256 = s.script_sha256"), 1);
}

static void test_rescoring_a_visit_replaces_its_score(void **state)
{
    fixture *f = *state;
    import(f, THREE_VISITS);
    for (int i = 0; i < 3; i++) {
        if (pt_score_visit(f->ctx, 2, NULL) != 0) fail_msg("%s", pt_error_last());
        if (pt_score_visit(f->ctx, 1, NULL) != 0) fail_msg("%s", pt_error_last());
    }
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score"), 2);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score_section"), 2);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score_flag"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM script_version"), 1);
}

static void test_a_stored_score_reads_back_as_it_was_scored(void **state)
{
    fixture *f = *state;
    import(f, THREE_VISITS);
    pt_score *scored = NULL, *stored = NULL;
    if (pt_score_visit(f->ctx, 1, &scored) != 0) fail_msg("%s", pt_error_last());
    if (pt_score_get(f->ctx, 1, &stored) != 0) fail_msg("%s", pt_error_last());
    assert_true(stored->total == 100 && stored->max == 100);
    assert_string_equal(stored->grade, "A");
    assert_string_equal(stored->grade_label, "Baik");
    assert_string_equal(stored->valid_until, "2026-02-28");
    assert_string_equal(stored->valid_until, scored->valid_until);
    assert_string_equal(stored->checklist_sha256, scored->checklist_sha256);
    assert_string_equal(stored->script_sha256, scored->script_sha256);
    assert_string_equal(stored->scored_at, scored->scored_at);
    assert_int_equal(stored->n_sections, 1);
    assert_string_equal(stored->sections[0].section_id, "S1");
    assert_string_equal(stored->sections[0].justification, scored->sections[0].justification);
    assert_string_equal(stored->sections[0].justification,
                        "S1.01=true/ada S1.02=true/nil S1.03=teks bebas/nil; "
                        "Siti Rahma/Dinas Sosial/ketua,Budi Santoso/Satpol PP/anggota; "
                        "Panti Asuhan Kasih; LKSA-1; 40; 2024-02-29; accreditation; pagi");
    assert_int_equal(stored->n_flags, 0);
    char hex[65];
    pt__sha256_hex(SCRIPT, strlen(SCRIPT), hex);
    assert_string_equal(stored->script_sha256, hex);
    pt_score_free(scored);
    pt_score_free(stored);
}

static void test_a_visit_without_a_score_is_not_found(void **state)
{
    fixture *f = *state;
    import(f, THREE_VISITS);
    pt_score *s = NULL;
    assert_int_equal(pt_score_get(f->ctx, 3, &s), PT_ENOTFOUND);
    assert_null(s);
    assert_error_contains("visit 3 has no stored score");
}

static void test_scoring_an_unknown_visit_is_not_found(void **state)
{
    fixture *f = *state;
    assert_int_equal(pt_score_visit(f->ctx, 99, NULL), PT_ENOTFOUND);
    assert_error_contains("99");
}

typedef struct progress_log {
    int calls, last_done, last_total, went_back;
} progress_log;

static void on_progress(int done, int total, void *payload)
{
    progress_log *log = payload;
    if (done < log->last_done) log->went_back = 1;
    log->calls++;
    log->last_done = done;
    log->last_total = total;
}

static void test_score_all_gives_the_same_scores_as_scoring_one_by_one(void **state)
{
    fixture *f = *state;
    import(f, THREE_VISITS);
    progress_log log = {0};
    int n = -1;
    if (pt_score_all(f->ctx, on_progress, &log, &n) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(n, 3);
    assert_int_equal(log.last_done, 3);
    assert_int_equal(log.last_total, 3);
    assert_int_equal(log.went_back, 0);
    for (int64_t id = 1; id <= 3; id++) {
        pt_score *all = NULL, *one = NULL;
        if (pt_score_get(f->ctx, id, &all) != 0) fail_msg("%s", pt_error_last());
        if (pt_score_visit(f->ctx, id, &one) != 0) fail_msg("%s", pt_error_last());
        assert_true(all->total == one->total);
        assert_string_equal(all->grade, one->grade);
        assert_string_equal(all->valid_until, one->valid_until);
        assert_string_equal(all->sections[0].justification, one->sections[0].justification);
        assert_int_equal(all->n_flags, one->n_flags);
        pt_score_free(all);
        pt_score_free(one);
    }
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score"), 3);
}

static void test_score_all_stops_at_the_first_failing_visit_keeping_earlier_scores(void **state)
{
    fixture *f = *state;
    import(f, "#institution;LKSA-1\n#checklist;uji@1\n#date;2026-03-14\n#type;rutin\n"
              "item;value;note\nS1.01;ya;\n"
              "#institution;LKSA-2\n#checklist;uji@1\n#date;2026-03-14\n#type;rutin\n"
              "#notes;gagal\nitem;value;note\nS1.01;ya;\n"
              "#institution;LKSA-2\n#checklist;uji@1\n#date;2026-03-15\n#type;rutin\n"
              "item;value;note\nS1.01;ya;\n");
    int n = -1;
    assert_int_equal(pt_score_all(f->ctx, NULL, NULL, &n), PT_ESCRIPT);
    assert_int_equal(n, 1);
    assert_string_equal(pt_error_last(), "visit 2: uji.lua:2: skrip gagal");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT visit_id FROM score"), 1);
    /* the connection is usable afterwards: no transaction left open */
    if (pt_score_visit(f->ctx, 3, NULL) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score"), 2);
}

static void test_score_all_of_many_visits_commits_in_batches_and_reports_progress(void **state)
{
    fixture *f = *state;
    size_t cap = 1300 * 160, len = 0;
    char *csv = malloc(cap);
    for (int i = 0; i < 1234; i++)
        len += (size_t)snprintf(csv + len, cap - len,
                                "#institution;LKSA-%d\n#checklist;uji@1\n#date;2026-03-14\n"
                                "#type;rutin\nitem;value;note\nS1.01;%s;\nS1.02;ya;\n",
                                1 + i % 2, i % 3 ? "ya" : "tidak");
    import(f, csv);
    free(csv);
    progress_log log = {0};
    int n = 0;
    if (pt_score_all(f->ctx, on_progress, &log, &n) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(n, 1234);
    assert_int_equal(log.last_done, 1234);
    assert_int_equal(log.went_back, 0);
    /* about every 1%: 12 visits */
    assert_true(log.calls >= 100 && log.calls <= 110);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score"), 1234);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score WHERE total = 100"), 822);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score_flag"), 412);
    /* again: idempotent */
    if (pt_score_all(f->ctx, NULL, NULL, &n) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score"), 1234);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score_flag"), 412);
}

static void test_score_all_of_an_empty_store_scores_nothing(void **state)
{
    fixture *f = *state;
    int n = -1;
    assert_int_equal(pt_score_all(f->ctx, NULL, NULL, &n), 0);
    assert_int_equal(n, 0);
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, test_fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_scoring_a_stored_visit_stores_score_sections_flags_and_script),
        TEST(test_rescoring_a_visit_replaces_its_score),
        TEST(test_a_stored_score_reads_back_as_it_was_scored),
        TEST(test_a_visit_without_a_score_is_not_found),
        TEST(test_scoring_an_unknown_visit_is_not_found),
        TEST(test_score_all_gives_the_same_scores_as_scoring_one_by_one),
        TEST(test_score_all_stops_at_the_first_failing_visit_keeping_earlier_scores),
        TEST(test_score_all_of_many_visits_commits_in_batches_and_reports_progress),
        TEST(test_score_all_of_an_empty_store_scores_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
