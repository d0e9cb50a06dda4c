/* Visit import (CSV and XML), its checks, and reading visits back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const char checklist_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"uji\" version=\"1\" script=\"uji.lua\">\n"
    "  <title>Instrumen uji</title>\n"
    "  <grading max=\"100\" fail-label=\"Tidak lulus\">\n"
    "    <band grade=\"A\" min=\"80\" label=\"Baik\" validity-years=\"2\"/>\n"
    "  </grading>\n"
    "  <section id=\"S1\" weight=\"50\">\n"
    "    <title>Bagian satu</title>\n"
    "    <item id=\"S1.01\" type=\"scale\" weight=\"2\"><text>Rencana program</text>\n"
    "      <levels><level value=\"1\">Tidak ada</level><level value=\"2\">Sebagian</level>\n"
    "        <level value=\"3\">Lengkap</level><level value=\"4\">Dievaluasi</level></levels>\n"
    "    </item>\n"
    "    <item id=\"S1.02\" type=\"yesno\" weight=\"1\" na=\"allowed\"><text>Boleh TB</text></item>\n"
    "    <item id=\"S1.03\" type=\"yesno\" weight=\"1\"><text>Tidak boleh TB</text></item>\n"
    "  </section>\n"
    "  <section id=\"S2\" weight=\"50\">\n"
    "    <title>Bagian dua</title>\n"
    "    <item id=\"S2.01\" type=\"count\" unit=\"anak\" max=\"100\"><text>Jumlah anak</text></item>\n"
    "    <item id=\"S2.02\" type=\"number\" weight=\"1\" unit=\"m2\" min=\"0\" max=\"50\">"
    "<text>Luas kamar</text></item>\n"
    "    <item id=\"S2.03\" type=\"choice\" weight=\"1\"><text>Kondisi</text>\n"
    "      <choices><choice value=\"baik\" score=\"1\">Baik</choice>"
    "<choice value=\"buruk\" score=\"0\">Buruk</choice></choices>\n"
    "    </item>\n"
    "    <item id=\"S2.04\" type=\"date\"><text>Tanggal izin</text></item>\n"
    "    <item id=\"S2.05\" type=\"text\"><text>Catatan</text></item>\n"
    "    <item id=\"S2.06\" type=\"evidence\"><text>Bukti</text></item>\n"
    "  </section>\n"
    "</checklist>\n";

typedef struct fixture {
    char *dir;
    pt_ctx *ctx;
    int64_t home1, home2;
    char path[4200];          /* the last file written by import_text */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = test_tmpdir();
    f->ctx = test_open_db(f->dir);
    test_store_checklist_xml(f->ctx, "uji.xml", checklist_xml);
    f->home1 = test_add_home(f->ctx, "LKSA-3671-001", "Panti Asuhan Kasih", NULL);
    f->home2 = test_add_home(f->ctx, "LKSA-3671-002", "Panti Asuhan Harapan", NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    test_close_db(f->ctx, f->dir);
    free(f);
    return 0;
}

static int import_text(fixture *f, const char *name, const char *text,
                       const pt_visit_defaults *defaults, pt_visit_import_result *result)
{
    char *path = test_write_file(f->dir, name, text);
    snprintf(f->path, sizeof f->path, "%s", path);
    free(path);
    return pt_visit_import(f->ctx, f->path, defaults, result);
}

static long long rows(fixture *f) { return test_count_visit_rows(f->ctx); }

/* Asserts the message contains "PATH:" followed by rest (the file is named in full). */
static void assert_error_at(fixture *f, const char *rest)
{
    char want[4400];
    snprintf(want, sizeof want, "%s:%s", f->path, rest);
    assert_error_contains(want);
}

static const pt_answer *answer_of(const pt_visit *v, const char *item)
{
    for (size_t i = 0; i < v->n_answers; i++)
        if (strcmp(v->answers[i].item_id, item) == 0) return &v->answers[i];
    fail_msg("no answer for %s", item);
    return NULL;
}

static void csv_with_semicolons_bom_crlf_and_decimal_comma_reads_back_canonical_values(void **state)
{
    fixture *f = *state;
    pt_visit_import_result r;
    int rc = import_text(f, "visit.csv",
                         "\xEF\xBB\xBF#institution;LKSA-3671-001\r\n"
                         "#checklist;uji@1\r\n"
                         "#date;2026-03-14\r\n"
                         "#type;akreditasi\r\n"
                         "#team;Siti Rahma|Dinas Sosial|ketua\r\n"
                         "#team;Budi Santoso|Satpol PP\r\n"
                         "#notes;Kunjungan pagi\r\n"
                         "item;value;note\r\n"
                         "S2.06;BA-12/2026;\"foto; dokumen\"\r\n"
                         "S1.01;3;Dokumen lengkap\r\n"
                         "S1.02;Ya;\r\n"
                         "S1.03;TIDAK;\r\n"
                         "S2.01;007;\r\n"
                         "S2.02;12,5;luas kamar (m2)\r\n"
                         "S2.03;Baik;\r\n"
                         "S2.04;2025-01-31;\r\n"
                         "S2.05; Atap bocor ;\r\n",
                         NULL, &r);
    assert_int_equal(rc, 0);
    assert_int_equal(r.n_visits, 1);
    assert_int_equal(r.n_answers, 9);
    assert_true(r.first_id > 0);
    assert_int_equal(r.first_id, r.last_id);

    pt_visit *v = NULL;
    assert_int_equal(pt_visit_get(f->ctx, r.first_id, &v), 0);
    assert_int_equal(v->institution_id, f->home1);
    assert_string_equal(v->institution_name, "Panti Asuhan Kasih");
    assert_string_equal(v->checklist_id, "uji");
    assert_string_equal(v->checklist_version, "1");
    assert_string_equal(v->date, "2026-03-14");
    assert_string_equal(v->type, "accreditation");
    assert_string_equal(v->notes, "Kunjungan pagi");
    assert_non_null(v->created_at);
    assert_int_equal(v->n_team, 2);
    assert_string_equal(v->team[0].name, "Siti Rahma");
    assert_string_equal(v->team[0].agency, "Dinas Sosial");
    assert_string_equal(v->team[0].role, "ketua");
    assert_string_equal(v->team[1].name, "Budi Santoso");
    assert_null(v->team[1].role);
    assert_int_equal(v->n_answers, 9);
    /* checklist order, whatever the file's order */
    assert_string_equal(v->answers[0].item_id, "S1.01");
    assert_string_equal(v->answers[8].item_id, "S2.06");
    assert_string_equal(answer_of(v, "S1.01")->value, "3");
    assert_string_equal(answer_of(v, "S1.01")->note, "Dokumen lengkap");
    assert_string_equal(answer_of(v, "S1.02")->value, "ya");
    assert_null(answer_of(v, "S1.02")->note);
    assert_string_equal(answer_of(v, "S1.03")->value, "tidak");
    assert_string_equal(answer_of(v, "S2.01")->value, "7");
    assert_string_equal(answer_of(v, "S2.02")->value, "12.5");
    assert_string_equal(answer_of(v, "S2.03")->value, "baik");
    assert_string_equal(answer_of(v, "S2.04")->value, "2025-01-31");
    assert_string_equal(answer_of(v, "S2.05")->value, "Atap bocor");
    assert_string_equal(answer_of(v, "S2.06")->value, "BA-12/2026");
    assert_string_equal(answer_of(v, "S2.06")->note, "foto; dokumen");
    assert_int_equal(answer_of(v, "S2.06")->na, 0);
    pt_visit_free(v);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit WHERE source LIKE '%visit.csv'"), 1);
}

static void csv_with_commas_imports(void **state)
{
    fixture *f = *state;
    pt_visit_import_result r;
    int rc = import_text(f, "comma.csv",
                         "#institution,LKSA-3671-002\n#checklist,uji\n#date,2026-01-05\n"
                         "#type,routine\nitem,value,note\nS1.01,4,\nS2.02,7.25,\"a, b\"\n",
                         NULL, &r);
    assert_int_equal(rc, 0);
    pt_visit *v = NULL;
    assert_int_equal(pt_visit_get(f->ctx, r.first_id, &v), 0);
    assert_int_equal(v->institution_id, f->home2);
    assert_string_equal(v->type, "routine");
    assert_int_equal(v->n_answers, 2);
    assert_string_equal(answer_of(v, "S2.02")->value, "7.25");
    assert_string_equal(answer_of(v, "S2.02")->note, "a, b");
    assert_int_equal(v->n_team, 0);
    assert_null(v->notes);
    pt_visit_free(v);
}

static void xml_visit_imports_with_team_notes_and_na(void **state)
{
    fixture *f = *state;
    pt_visit_import_result r;
    int rc = import_text(f, "visit.xml",
                         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<visits xmlns=\"urn:pantau:visit:1\">\n"
                         "  <visit institution=\"LKSA-3671-001\" checklist=\"uji@1\" date=\"2026-03-14\"\n"
                         "         type=\"complaint\">\n"
                         "    <team><member name=\"Siti Rahma\" agency=\"Dinas Sosial\" role=\"ketua\"/>"
                         "<member name=\"Ani\" agency=\"DP3A\"/></team>\n"
                         "    <notes>Kunjungan pagi</notes>\n"
                         "    <answer item=\"S1.01\" value=\"2\">Belum dievaluasi</answer>\n"
                         "    <answer item=\"S1.02\" na=\"true\"/>\n"
                         "    <answer item=\"S2.02\" value=\"4.5\"/>\n"
                         "    <answer item=\"S2.05\"/>\n"
                         "  </visit>\n"
                         "</visits>\n",
                         NULL, &r);
    assert_int_equal(rc, 0);
    assert_int_equal(r.n_visits, 1);
    assert_int_equal(r.n_answers, 3);
    pt_visit *v = NULL;
    assert_int_equal(pt_visit_get(f->ctx, r.first_id, &v), 0);
    assert_string_equal(v->type, "complaint");
    assert_string_equal(v->notes, "Kunjungan pagi");
    assert_int_equal(v->n_team, 2);
    assert_string_equal(v->team[1].agency, "DP3A");
    assert_null(v->team[1].role);
    assert_int_equal(v->n_answers, 3);
    assert_string_equal(answer_of(v, "S1.01")->value, "2");
    assert_string_equal(answer_of(v, "S1.01")->note, "Belum dievaluasi");
    assert_int_equal(answer_of(v, "S1.02")->na, 1);
    assert_null(answer_of(v, "S1.02")->value);
    assert_string_equal(answer_of(v, "S2.02")->value, "4.5");
    pt_visit_free(v);
}

static void xml_numbers_take_a_decimal_point_only(void **state)
{
    fixture *f = *state;
    int rc = import_text(f, "comma.xml",
                         "<visits xmlns=\"urn:pantau:visit:1\">\n"
                         "  <visit institution=\"LKSA-3671-001\" checklist=\"uji@1\" date=\"2026-03-14\" type=\"joint\">\n"
                         "    <answer item=\"S2.02\" value=\"4,5\"/>\n"
                         "  </visit>\n"
                         "</visits>\n",
                         NULL, NULL);
    assert_int_equal(rc, PT_EINVALID);
    assert_error_at(f, "3: item S2.02: not a number, got '4,5'");
    assert_int_equal(rows(f), 0);
}

static const char two_visits[] =
    "#institution;LKSA-3671-001\n#checklist;uji@1\n#date;2026-02-01\n#type;rutin\n"
    "item;value;note\nS1.01;1;\nS1.02;tidak;\n"
    "#institution;LKSA-3671-002\n#checklist;uji@1\n#date;2026-01-15\n#type;gabungan\n"
    "#team;Ani|DP3A|anggota\n"
    "item;value;note\nS1.01;2;\nS1.03;ya;\nS2.01;12;\n";

static void csv_with_two_visits_imports_both(void **state)
{
    fixture *f = *state;
    pt_visit_import_result r;
    assert_int_equal(import_text(f, "two.csv", two_visits, NULL, &r), 0);
    assert_int_equal(r.n_visits, 2);
    assert_int_equal(r.n_answers, 5);
    assert_int_equal(r.last_id, r.first_id + 1);
    pt_visit *v = NULL;
    assert_int_equal(pt_visit_get(f->ctx, r.last_id, &v), 0);
    assert_int_equal(v->institution_id, f->home2);
    assert_string_equal(v->type, "joint");
    assert_int_equal(v->n_answers, 3);
    assert_int_equal(v->n_team, 1);
    pt_visit_free(v);
    assert_int_equal(pt_visit_get(f->ctx, r.first_id, &v), 0);
    assert_int_equal(v->institution_id, f->home1);
    assert_string_equal(v->type, "routine");
    assert_int_equal(v->n_answers, 2);
    assert_int_equal(v->n_team, 0);
    pt_visit_free(v);
}

static void a_bad_answer_in_the_second_visit_imports_nothing(void **state)
{
    fixture *f = *state;
    pt_visit_import_result r;
    int rc = import_text(f, "bad2.csv",
                         "#institution;LKSA-3671-001\n#checklist;uji@1\n#date;2026-02-01\n#type;rutin\n"
                         "item;value;note\nS1.01;1;\nS1.02;tidak;\n"
                         "#institution;LKSA-3671-002\n#checklist;uji@1\n#date;2026-01-15\n#type;rutin\n"
                         "item;value;note\nS1.01;2;\nS1.03;ya;\nS2.01;banyak;\n",
                         NULL, &r);
    assert_int_equal(rc, PT_EINVALID);
    assert_error_at(f, "15: item S2.01: count must be a whole number >= 0, got 'banyak'");
    assert_int_equal(r.n_visits, 0);
    assert_int_equal(rows(f), 0);
}

static void several_failing_visits_are_all_listed(void **state)
{
    fixture *f = *state;
    int rc = import_text(f, "many.csv",
                         "#institution;LKSA-3671-001\n#checklist;uji@1\n#date;2026-02-01\n#type;rutin\n"
                         "item;value;note\nS1.01;9;\n"
                         "#institution;LKSA-3671-002\n#checklist;uji@1\n#date;2026-02-01\n#type;rutin\n"
                         "item;value;note\nS1.01;2;\n"
                         "#institution;LKSA-3671-002\n#checklist;uji@1\n#date;2026-02-01\n#type;rutin\n"
                         "item;value;note\nS1.03;NA;\n",
                         NULL, NULL);
    assert_int_equal(rc, PT_EINVALID);
    assert_error_contains("2 of 3 visits failed, nothing was imported");
    assert_error_at(f, "6: item S1.01: scale level must be 1..4, got '9'");
    assert_error_at(f, "18: item S1.03: N/A is not allowed for this item");
    assert_int_equal(rows(f), 0);
}

/* One answer row per case, each on line 6 of its file. */
static const struct {
    const char *row;
    const char *error;
} bad_answers[] = {
    {"S9.99;1;", "6: item S9.99 is not in checklist uji@1"},
    {"S1.02;mungkin;", "6: item S1.02: yes/no answer must be ya or tidak, got 'mungkin'"},
    {"S1.01;7;", "6: item S1.01: scale level must be 1..4, got '7'"},
    {"S1.01;2,5;", "6: item S1.01: scale level must be 1..4, got '2,5'"},
    {"S1.01;0;", "6: item S1.01: scale level must be 1..4, got '0'"},
    {"S2.01;-1;", "6: item S2.01: count must be a whole number >= 0, got '-1'"},
    {"S2.01;3,5;", "6: item S2.01: count must be a whole number >= 0, got '3,5'"},
    {"S2.01;101;", "6: item S2.01: count must be at most 100, got '101'"},
    {"S2.02;50,5;", "6: item S2.02: number must be in 0..50, got '50,5'"},
    {"S2.02;-0,1;", "6: item S2.02: number must be in 0..50, got '-0,1'"},
    {"S2.02;luas;", "6: item S2.02: not a number 'luas'"},
    {"S2.02;1.250;", "6: item S2.02: ambiguous number '1.250'"},
    {"S2.03;sedang;", "6: item S2.03: choice must be one of baik, buruk, got 'sedang'"},
    {"S2.04;2026-02-30;", "6: item S2.04: date must be a valid YYYY-MM-DD, got '2026-02-30'"},
    {"S2.04;14/03/2026;", "6: item S2.04: date must be a valid YYYY-MM-DD, got '14/03/2026'"},
    {"S1.03;N/A;", "6: item S1.03: N/A is not allowed for this item"},
    {"S2.01;tb;", "6: item S2.01: N/A is not allowed for this item"},
};

static void answers_that_break_their_items_rules_are_refused_with_file_line_and_item(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof bad_answers / sizeof bad_answers[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "#institution;LKSA-3671-001\n#checklist;uji@1\n#date;2026-02-01\n#type;rutin\n"
                 "item;value;note\n%s\n", bad_answers[i].row);
        pt_visit_import_result r;
        int rc = import_text(f, "bad.csv", text, NULL, &r);
        if (rc != PT_EINVALID) fail_msg("row '%s': rc %d (%s)", bad_answers[i].row, rc, pt_error_last());
        assert_error_at(f, bad_answers[i].error);
        assert_int_equal(rows(f), 0);
    }
}

static void a_repeated_item_is_refused_naming_both_lines(void **state)
{
    fixture *f = *state;
    int rc = import_text(f, "dup.csv",
                         "#institution;LKSA-3671-001\n#checklist;uji@1\n#date;2026-02-01\n#type;rutin\n"
                         "item;value;note\nS1.01;1;\nS1.02;ya;\nS1.01;2;\n",
                         NULL, NULL);
    assert_int_equal(rc, PT_EINVALID);
    assert_error_at(f, "8: item S1.01 is answered twice (first on line 6)");
    assert_int_equal(rows(f), 0);
}

static void text_and_evidence_longer_than_4000_bytes_are_refused(void **state)
{
    fixture *f = *state;
    const char *items[] = {"S2.05", "S2.06"};
    const char *what[] = {"6: item S2.05: text is 4001 bytes long, at most 4000 allowed",
                          "6: item S2.06: evidence reference is 4001 bytes long, at most 4000 allowed"};
    for (int k = 0; k < 2; k++) {
        size_t n = 4001;
        char *text = malloc(n + 256);
        int off = sprintf(text, "#institution;LKSA-3671-001\n#checklist;uji@1\n#date;2026-02-01\n"
                                "#type;rutin\nitem;value;note\n%s;", items[k]);
        memset(text + off, 'x', n);
        strcpy(text + off + n, ";\n");
        int rc = import_text(f, "long.csv", text, NULL, NULL);
        assert_int_equal(rc, PT_EINVALID);
        assert_error_at(f, what[k]);
        text[off + n - 1] = ';';   /* 4000 bytes: accepted */
        text[off + n] = '\n';
        text[off + n + 1] = '\0';
        rc = import_text(f, "long.csv", text, NULL, NULL);
        if (rc != 0) fail_msg("4000 bytes: %s", pt_error_last());
        free(text);
    }
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM answer WHERE length(value) = 4000"), 2);
}

static void na_and_yes_no_spellings_are_stored_canonically(void **state)
{
    fixture *f = *state;
    const char *spell[][2] = {{"TB", NULL}, {"n/a", NULL}, {"Na", NULL}, {"Y", "ya"},
                              {"t", "tidak"}, {"1", "ya"}, {"0", "tidak"}, {"YES", "ya"},
                              {"no", "tidak"}};
    for (size_t i = 0; i < sizeof spell / sizeof spell[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "#institution;1\n#checklist;uji@1\n#date;2026-02-01\n"
                 "#type;rutin\nitem;value;note\nS1.02;%s;\n", spell[i][0]);
        pt_visit_import_result r;
        if (import_text(f, "na.csv", text, NULL, &r) != 0) fail_msg("%s: %s", spell[i][0], pt_error_last());
        pt_visit *v = NULL;
        assert_int_equal(pt_visit_get(f->ctx, r.first_id, &v), 0);
        assert_int_equal(v->n_answers, 1);
        if (spell[i][1]) {
            assert_int_equal(v->answers[0].na, 0);
            assert_string_equal(v->answers[0].value, spell[i][1]);
        } else {
            assert_int_equal(v->answers[0].na, 1);
            assert_null(v->answers[0].value);
        }
        pt_visit_free(v);
    }
}

static void empty_values_are_unanswered_and_not_stored(void **state)
{
    fixture *f = *state;
    pt_visit_import_result r;
    int rc = import_text(f, "empty.csv",
                         "#institution;LKSA-3671-001\n#checklist;uji@1\n#date;2026-02-01\n#type;rutin\n"
                         "item;value;note\nS1.01;;nanti\nS1.02;ya;\nS2.02\n",
                         NULL, &r);
    assert_int_equal(rc, 0);
    assert_int_equal(r.n_answers, 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM answer"), 1);
}

static void an_unknown_institution_is_not_found_with_its_line(void **state)
{
    fixture *f = *state;
    int rc = import_text(f, "noinst.csv",
                         "#checklist;uji@1\n#institution;LKSA-9999-999\n#date;2026-02-01\n#type;rutin\n"
                         "item;value;note\nS1.01;1;\n",
                         NULL, NULL);
    assert_int_equal(rc, PT_ENOTFOUND);
    assert_error_at(f, "2: institution 'LKSA-9999-999' is not registered");
    assert_int_equal(rows(f), 0);
}

static void a_checklist_that_is_not_loaded_is_not_found(void **state)
{
    fixture *f = *state;
    int rc = import_text(f, "nocl.csv",
                         "#institution;LKSA-3671-001\n#checklist;uji@2\n#date;2026-02-01\n#type;rutin\n"
                         "item;value;note\nS1.01;1;\n",
                         NULL, NULL);
    assert_int_equal(rc, PT_ENOTFOUND);
    assert_error_at(f, "2: checklist 'uji@2' is not loaded (run `pantau checklist load`)");
    rc = import_text(f, "nocl.csv",
                     "#institution;LKSA-3671-001\n#checklist;lain\n#date;2026-02-01\n#type;rutin\n"
                     "item;value;note\nS1.01;1;\n",
                     NULL, NULL);
    assert_int_equal(rc, PT_ENOTFOUND);
    assert_error_at(f, "2: checklist 'lain' is not loaded");
    assert_int_equal(rows(f), 0);
}

static void bad_visit_fields_are_refused_with_their_lines(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *text, *error;
    } cases[] = {
        {"#institution;1\n#checklist;uji@1\n#date;2026-02-30\n#type;rutin\nitem;value;note\n",
         "3: date must be a valid YYYY-MM-DD, got '2026-02-30'"},
        {"#institution;1\n#checklist;uji@1\n#date;2999-01-01\n#type;rutin\nitem;value;note\n",
         "3: date 2999-01-01 is in the future"},
        {"#institution;1\n#checklist;uji@1\n#date;2026-01-01\n#type;liburan\nitem;value;note\n",
         "4: type must be one of routine, accreditation, complaint, joint"},
        {"#institution;1\n#checklist;uji@1\n#date;2026-01-01\n#type;rutin\n#team;Siti Rahma\n"
         "item;value;note\n",
         "5: team member 'Siti Rahma': the agency is missing"},
        {"#institution;1\n#checklist;uji@1\n#date;2026-01-01\n#type;rutin\n#team;|Dinsos|ketua\n"
         "item;value;note\n",
         "5: team member '|Dinsos|ketua': the name is missing"},
        {"\n\n#checklist;uji@1\n#date;2026-01-01\n#type;rutin\nitem;value;note\n",
         "3: the visit names no institution"},
        {"#institution;1\n#date;2026-01-01\n#type;rutin\nitem;value;note\n",
         "1: the visit names no checklist"},
        {"#institution;1\n#checklist;uji@1\n#type;rutin\nitem;value;note\n",
         "1: the visit has no date"},
        {"#institution;1\n#checklist;uji@1\n#date;2026-01-01\nitem;value;note\n",
         "1: the visit has no type"},
        {"#institution;1\n#checklist;uji@1\n#date;2026-01-01\n#type;rutin\nS1.01;1\n",
         "5: answers must follow an 'item;value;note' header row"},
        {"#institution;1\n#checklist;uji@1\n#date;2026-01-01\n#date;2026-01-02\n#type;rutin\n"
         "item;value;note\n",
         "4: #date is given twice for this visit (first on line 3)"},
        {"#institution;1\n#checklist;uji@1\n#tanggal;2026-01-01\n#type;rutin\nitem;value;note\n",
         "3: unknown field '#tanggal'"},
        {"#institution;1\n#checklist;@1\n#date;2026-01-01\n#type;rutin\nitem;value;note\n",
         "2: checklist '@1' must be written 'id@version' or 'id'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = import_text(f, "fields.csv", cases[i].text, NULL, NULL);
        if (rc != PT_EINVALID) fail_msg("case %zu: rc %d (%s)", i, rc, pt_error_last());
        assert_error_at(f, cases[i].error);
        assert_int_equal(rows(f), 0);
    }
}

static void defaults_fill_the_fields_a_file_leaves_out(void **state)
{
    fixture *f = *state;
    pt_visit_defaults d = {.institution = "LKSA-3671-002", .checklist = "uji", .date = "2026-03-01",
                           .type = "pengaduan", .team = "Siti|Dinas Sosial|ketua; Budi|Satpol PP"};
    pt_visit_import_result r;
    int rc = import_text(f, "bare.csv", "item;value;note\nS1.01;4;\n", &d, &r);
    if (rc != 0) fail_msg("%s", pt_error_last());
    pt_visit *v = NULL;
    assert_int_equal(pt_visit_get(f->ctx, r.first_id, &v), 0);
    assert_int_equal(v->institution_id, f->home2);
    assert_string_equal(v->checklist_version, "1");
    assert_string_equal(v->date, "2026-03-01");
    assert_string_equal(v->type, "complaint");
    assert_int_equal(v->n_team, 2);
    assert_string_equal(v->team[0].role, "ketua");
    assert_string_equal(v->team[1].name, "Budi");
    assert_string_equal(v->team[1].agency, "Satpol PP");
    pt_visit_free(v);

    /* the file wins over the defaults */
    rc = import_text(f, "partial.csv", "#date;2026-02-02\n#team;Ani|DP3A\nitem;value;note\nS1.01;1;\n",
                     &d, &r);
    assert_int_equal(rc, 0);
    assert_int_equal(pt_visit_get(f->ctx, r.first_id, &v), 0);
    assert_string_equal(v->date, "2026-02-02");
    assert_int_equal(v->n_team, 1);
    assert_string_equal(v->team[0].name, "Ani");
    pt_visit_free(v);

    /* a blank field in the file counts as left out */
    rc = import_text(f, "blank.csv", "#institution;\n#type; \nitem;value;note\nS1.01;1;\n", &d, &r);
    if (rc != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(pt_visit_get(f->ctx, r.first_id, &v), 0);
    assert_int_equal(v->institution_id, f->home2);
    assert_string_equal(v->type, "complaint");
    pt_visit_free(v);

    /* a bad default is reported against the visit that used it */
    pt_visit_defaults bad = d;
    bad.team = "Siti|Dinas Sosial|ketua|lagi";
    rc = import_text(f, "badteam.csv", "\nitem;value;note\nS1.01;1;\n", &bad, &r);
    assert_int_equal(rc, PT_EINVALID);
    assert_error_at(f, "2: team member 'Siti|Dinas Sosial|ketua|lagi' (from the defaults): more "
                       "than three parts");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit"), 3);
}

static void an_xml_file_with_a_bad_second_visit_imports_nothing(void **state)
{
    fixture *f = *state;
    int rc = import_text(f, "two.xml",
                         "<visits xmlns=\"urn:pantau:visit:1\">\n"
                         "  <visit institution=\"LKSA-3671-001\" checklist=\"uji@1\" date=\"2026-03-14\" type=\"joint\">\n"
                         "    <answer item=\"S1.01\" value=\"4\"/>\n"
                         "  </visit>\n"
                         "  <visit institution=\"LKSA-3671-002\" checklist=\"uji@1\" date=\"2026-03-15\" type=\"joint\">\n"
                         "    <answer item=\"S1.03\" na=\"true\"/>\n"
                         "    <answer item=\"S2.03\" value=\"sedang\"/>\n"
                         "  </visit>\n"
                         "</visits>\n",
                         NULL, NULL);
    assert_int_equal(rc, PT_EINVALID);
    assert_error_contains("1 of 2 visits failed, nothing was imported");
    assert_error_at(f, "6: item S1.03: N/A is not allowed for this item");
    assert_error_at(f, "7: item S2.03: choice must be one of baik, buruk, got 'sedang'");
    assert_int_equal(rows(f), 0);
}

typedef struct listing {
    int n;
    int64_t ids[8];
    char dates[8][11];
    int n_answers[8];
    int scored;
} listing;

static int collect_visit(const pt_visit_summary *s, void *payload)
{
    listing *l = payload;
    if (l->n < 8) {
        l->ids[l->n] = s->id;
        snprintf(l->dates[l->n], 11, "%s", s->date);
        l->n_answers[l->n] = s->n_answers;
        l->scored += s->scored;
        if (strcmp(s->grade, "") != 0 || s->n_flags != 0) fail_msg("unscored visit with a grade");
    }
    l->n++;
    return 0;
}

static int stop_at_first(const pt_visit_summary *s, void *payload)
{
    (void)s;
    ++*(int *)payload;
    return 42;
}

static void visit_foreach_lists_by_date_and_filters_by_institution(void **state)
{
    fixture *f = *state;
    pt_visit_import_result r;
    assert_int_equal(import_text(f, "two.csv", two_visits, NULL, &r), 0);
    listing all = {0};
    assert_int_equal(pt_visit_foreach(f->ctx, 0, collect_visit, &all), 0);
    assert_int_equal(all.n, 2);
    assert_string_equal(all.dates[0], "2026-01-15");   /* the second visit of the file is older */
    assert_int_equal(all.ids[0], r.last_id);
    assert_int_equal(all.n_answers[0], 3);
    assert_int_equal(all.scored, 0);

    listing one = {0};
    assert_int_equal(pt_visit_foreach(f->ctx, f->home1, collect_visit, &one), 0);
    assert_int_equal(one.n, 1);
    assert_int_equal(one.ids[0], r.first_id);
    assert_int_equal(one.n_answers[0], 2);

    int calls = 0;
    assert_int_equal(pt_visit_foreach(f->ctx, 0, stop_at_first, &calls), 42);
    assert_int_equal(calls, 1);
}

static void getting_a_missing_visit_is_not_found(void **state)
{
    fixture *f = *state;
    pt_visit *v = (pt_visit *)1;
    assert_int_equal(pt_visit_get(f->ctx, 12345, &v), PT_ENOTFOUND);
    assert_null(v);
    assert_error_contains("visit 12345");
}

static void a_missing_file_is_reported(void **state)
{
    fixture *f = *state;
    char path[4200];
    snprintf(path, sizeof path, "%s/nope.csv", f->dir);
    int rc = pt_visit_import(f->ctx, path, NULL, NULL);
    assert_true(rc == PT_ENOTFOUND || rc == PT_EIO);
    assert_error_contains("nope.csv");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(csv_with_semicolons_bom_crlf_and_decimal_comma_reads_back_canonical_values),
        T(csv_with_commas_imports),
        T(xml_visit_imports_with_team_notes_and_na),
        T(xml_numbers_take_a_decimal_point_only),
        T(csv_with_two_visits_imports_both),
        T(an_xml_file_with_a_bad_second_visit_imports_nothing),
        T(a_bad_answer_in_the_second_visit_imports_nothing),
        T(several_failing_visits_are_all_listed),
        T(answers_that_break_their_items_rules_are_refused_with_file_line_and_item),
        T(a_repeated_item_is_refused_naming_both_lines),
        T(text_and_evidence_longer_than_4000_bytes_are_refused),
        T(na_and_yes_no_spellings_are_stored_canonically),
        T(empty_values_are_unanswered_and_not_stored),
        T(an_unknown_institution_is_not_found_with_its_line),
        T(a_checklist_that_is_not_loaded_is_not_found),
        T(bad_visit_fields_are_refused_with_their_lines),
        T(defaults_fill_the_fields_a_file_leaves_out),
        T(visit_foreach_lists_by_date_and_filters_by_institution),
        T(getting_a_missing_visit_is_not_found),
        T(a_missing_file_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
