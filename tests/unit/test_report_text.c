/* The report plugins' shared texts (plugins/common/report_text.c) and the html plugin's
 * escaping (plugins/html/html_escape.c). Those files are compiled into the plugins, not into
 * libpantau, so the test compiles them in too. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "../../plugins/common/report_text.c"
#include "../../plugins/html/html_escape.c"

/* ---- a host whose set_error keeps the message ---- */

static char host_message[1024];

static void keep_error(void *host_data, const char *fmt, ...)
{
    (void)host_data;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(host_message, sizeof host_message, fmt, ap);
    va_end(ap);
}

static const pt_host test_host = { .size = sizeof(pt_host), .set_error = keep_error };

/* ---- numbers, dates, words ---- */

static void test_numbers_use_a_decimal_comma_and_dots_between_thousands(void **state)
{
    (void)state;
    char buf[RT_NUMBER_BUF];
    assert_string_equal(rt_number(buf, sizeof buf, 95.03, 2), "95,03");
    assert_string_equal(rt_number(buf, sizeof buf, 74.0, 2), "74");
    assert_string_equal(rt_number(buf, sizeof buf, 82.9, 2), "82,9");
    assert_string_equal(rt_number(buf, sizeof buf, 1250.5, 2), "1.250,5");
    assert_string_equal(rt_number(buf, sizeof buf, 1234567.891, 2), "1.234.567,89");
    assert_string_equal(rt_number(buf, sizeof buf, 999.999, 2), "1.000");
    assert_string_equal(rt_number(buf, sizeof buf, -12.5, 2), "-12,5");
    assert_string_equal(rt_number(buf, sizeof buf, -0.001, 2), "0");
    assert_string_equal(rt_number(buf, sizeof buf, 0, 2), "0");
    assert_string_equal(rt_number(buf, sizeof buf, NAN, 2), "-");
    assert_string_equal(rt_number(buf, sizeof buf, INFINITY, 2), "-");
    char tiny[4];
    assert_string_equal(rt_number(tiny, sizeof tiny, 12345, 0), "12.");   /* truncated, ended */
}

static void test_dates_read_in_indonesian_with_the_weekday(void **state)
{
    (void)state;
    char buf[RT_DATE_BUF];
    assert_string_equal(rt_date_long(buf, sizeof buf, "2026-03-14"), "14 Maret 2026");
    assert_string_equal(rt_date_long(buf, sizeof buf, "2026-01-01"), "1 Januari 2026");
    assert_string_equal(rt_date_long(buf, sizeof buf, "2024-02-29"), "29 Februari 2024");
    assert_string_equal(rt_date_long(buf, sizeof buf, "2025-02-29"), "2025-02-29");
    assert_string_equal(rt_date_long(buf, sizeof buf, "2026-13-01"), "2026-13-01");
    assert_string_equal(rt_date_long(buf, sizeof buf, "14/03/2026"), "14/03/2026");
    assert_string_equal(rt_date_long(buf, sizeof buf, ""), "-");
    assert_string_equal(rt_date_long(buf, sizeof buf, NULL), "-");
    assert_string_equal(rt_weekday("2026-03-14"), "Sabtu");
    assert_string_equal(rt_weekday("2026-01-20"), "Selasa");
    assert_string_equal(rt_weekday("2000-02-29"), "Selasa");
    assert_string_equal(rt_weekday("2026-03-15"), "Minggu");
    assert_string_equal(rt_weekday("nope"), "");
}

static void test_visit_types_statuses_and_grades_read_in_indonesian(void **state)
{
    (void)state;
    assert_string_equal(rt_visit_type("accreditation"), "Akreditasi");
    assert_string_equal(rt_visit_type("routine"), "Rutin");
    assert_string_equal(rt_visit_type("complaint"), "Pengaduan");
    assert_string_equal(rt_visit_type("joint"), "Gabungan");
    assert_string_equal(rt_visit_type("other"), "other");
    assert_string_equal(rt_reg_status("unregistered"), "Belum terdaftar");
    char buf[128];
    pt_score score = { .grade = "A", .grade_label = "Sangat Baik" };
    assert_string_equal(rt_grade_text(buf, sizeof buf, &score), "A (Sangat Baik)");
    score.grade = "";
    score.grade_label = "Tidak Terakreditasi";
    assert_string_equal(rt_grade_text(buf, sizeof buf, &score), "Tidak Terakreditasi");
    assert_string_equal(rt_grade_text(buf, sizeof buf, NULL), "Belum dinilai");
    assert_string_equal(rt_capitalize(buf, sizeof buf, "ketua"), "Ketua");
    assert_string_equal(rt_capitalize(buf, sizeof buf, "éa"), "éa");
}

static void test_flags_are_ordered_most_severe_first_keeping_script_order(void **state)
{
    (void)state;
    pt_flag flags[] = {
        { .severity = "rendah", .message = "0" }, { .severity = "kritis", .message = "1" },
        { .severity = "sedang", .message = "2" }, { .severity = "kritis", .message = "3" },
        { .severity = "aneh", .message = "4" },   { .severity = "tinggi", .message = "5" },
    };
    pt_score score = { .n_flags = 6, .flags = flags };
    size_t order[6];
    rt_flag_order(&score, order);
    size_t expected[6] = { 1, 3, 5, 2, 0, 4 };
    for (int i = 0; i < 6; i++)
        assert_int_equal(order[i], expected[i]);
    assert_string_equal(rt_severity_label("kritis"), "Kritis");
    assert_string_equal(rt_severity_label("aneh"), "aneh");
}

static void test_white_space_is_squashed_without_cutting_a_character(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(rt_squash_space(buf, sizeof buf, "  catatan pidana\n        atau\t x  "),
                        "catatan pidana atau x");
    assert_string_equal(rt_squash_space(buf, sizeof buf, ""), "");
    char small[3];
    assert_string_equal(rt_squash_space(small, sizeof small, "a\xC3\xA9"), "a");  /* "aé" */
}

/* ---- answers ---- */

static void test_answer_credit_and_findings_follow_the_credit_library(void **state)
{
    (void)state;
    pt_level levels[4] = { { 1, "a" }, { 2, "b" }, { 3, "c" }, { 4, "d" } };
    pt_choice choices[2] = { { "tertulis", "Tertulis", 0.5 }, { "tidak", "Tidak ada", 0 } };
    pt_gate gate = { .cap = "C", .severity = "kritis", .agency = "DP3A", .message = "m" };
    pt_item yes = { .id = "Y", .type = PT_ITEM_YESNO, .weight = 1 };
    pt_item no = { .id = "N", .type = PT_ITEM_YESNO, .weight = 1, .expect = "tidak",
                   .gate = &gate };
    pt_item scale = { .id = "S", .type = PT_ITEM_SCALE, .weight = 2, .n_levels = 4,
                      .levels = levels, .pass_level = 3, .gate = &gate };
    pt_item choice = { .id = "C", .type = PT_ITEM_CHOICE, .weight = 1, .n_choices = 2,
                       .choices = choices };
    pt_item count = { .id = "K", .type = PT_ITEM_COUNT, .weight = 1, .unit = "orang" };
    pt_answer a_ya = { .value = "ya" }, a_tidak = { .value = "tidak" };
    pt_answer a_2 = { .value = "2" }, a_3 = { .value = "3" }, a_na = { .na = 1 };
    pt_answer a_tertulis = { .value = "tertulis" }, a_none = { .value = "tidak" };

    assert_true(rt_answer_credit(&yes, &a_ya) == 1.0);
    assert_true(rt_answer_credit(&yes, &a_tidak) == 0.0);
    assert_true(rt_answer_credit(&no, &a_tidak) == 1.0);
    assert_true(fabs(rt_answer_credit(&scale, &a_2) - 1.0 / 3) < 1e-12);
    assert_true(rt_answer_credit(&choice, &a_tertulis) == 0.5);
    assert_true(rt_answer_credit(&yes, &a_na) == -1);
    assert_true(rt_answer_credit(&count, &a_3) == -1);

    assert_true(rt_is_finding(&yes, &a_tidak));
    assert_false(rt_is_finding(&yes, &a_ya));
    assert_true(rt_is_finding(&scale, &a_2));           /* credit 1/3, and fails pass-level 3 */
    assert_true(rt_gate_failed(&scale, &a_2));
    assert_false(rt_gate_failed(&scale, &a_3));
    assert_false(rt_is_finding(&choice, &a_tertulis));  /* 0.5 is not below the threshold */
    assert_true(rt_is_finding(&choice, &a_none));
    assert_false(rt_is_finding(&yes, &a_na));
    assert_false(rt_gate_failed(&no, &a_na));
    assert_true(rt_gate_failed(&no, &a_ya));

    char buf[128];
    pt_answer twelve = { .value = "12.5" };
    assert_string_equal(rt_answer_text(buf, sizeof buf, &yes, &a_ya), "Ya");
    assert_string_equal(rt_answer_text(buf, sizeof buf, &scale, &a_2), "Tingkat 2 dari 4");
    assert_string_equal(rt_answer_text(buf, sizeof buf, &choice, &a_none), "Tidak ada");
    assert_string_equal(rt_answer_text(buf, sizeof buf, &count, &twelve), "12,5 orang");
    assert_string_equal(rt_answer_text(buf, sizeof buf, &yes, &a_na), "Tidak berlaku (N/A)");
    assert_string_equal(rt_answer_text(buf, sizeof buf, &yes, NULL), "Tidak dijawab");
}

/* ---- html escaping ---- */

static char *escaped(const char *text, size_t cut)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    assert_int_equal(cut ? html_escape_cut(f, text, cut) : html_escape(f, text), 0);
    fclose(f);
    return out;
}

static void expect_escaped(const char *text, size_t cut, const char *expected)
{
    char *out = escaped(text, cut);
    assert_string_equal(out, expected);
    free(out);
}

static void test_html_escape_neutralises_hostile_strings(void **state)
{
    (void)state;
    expect_escaped("<script>alert(1)</script>", 0, "&lt;script&gt;alert(1)&lt;/script&gt;");
    expect_escaped("\" onmouseover='alert(1)' x=\"", 0,
                   "&quot; onmouseover=&#39;alert(1)&#39; x=&quot;");
    expect_escaped("&amp; &lt;", 0, "&amp;amp; &amp;lt;");
    expect_escaped("</textarea><svg onload=alert(1)>", 0,
                   "&lt;/textarea&gt;&lt;svg onload=alert(1)&gt;");
    expect_escaped("a\x01" "b\x7f" "c\td\n", 0, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\td\n");
    expect_escaped("Kota Tangerang \xE2\x80\x94 caf\xC3\xA9", 0,
                   "Kota Tangerang \xE2\x80\x94 caf\xC3\xA9");
    expect_escaped("", 0, "");
    expect_escaped(NULL, 0, "");
}

static void test_html_escape_cut_keeps_whole_characters_and_marks_the_cut(void **state)
{
    (void)state;
    expect_escaped("Program Pelayanan", 7, "Program\xE2\x80\xA6");
    expect_escaped("Program", 7, "Program");
    expect_escaped("\xC3\xA9\xC3\xA9\xC3\xA9", 2, "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
    expect_escaped("<<<<", 2, "&lt;&lt;\xE2\x80\xA6");
}

/* ---- the output file ---- */

static void test_output_appears_only_when_finished_ok(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "laporan.html", "lama");
    rt_output out;
    assert_int_equal(rt_output_open(&out, &test_host, path), 0);
    FILE *f = rt_output_stream(&out, &test_host);
    assert_non_null(f);
    fputs("baru", f);
    fclose(f);
    assert_int_equal(rt_output_finish(&out, &test_host, 0), 0);   /* abandoned */
    FILE *check = fopen(path, "r");
    char buf[16] = "";
    assert_non_null(fgets(buf, sizeof buf, check));
    fclose(check);
    assert_string_equal(buf, "lama");

    assert_int_equal(rt_output_open(&out, &test_host, path), 0);
    char tmp_name[4096];
    snprintf(tmp_name, sizeof tmp_name, "%s", out.tmp_path);
    assert_non_null(strstr(tmp_name, "/.laporan.html."));
    f = rt_output_stream(&out, &test_host);
    fputs("baru", f);
    fclose(f);
    assert_int_equal(rt_output_finish(&out, &test_host, 1), 0);
    check = fopen(path, "r");
    assert_non_null(fgets(buf, sizeof buf, check));
    fclose(check);
    assert_string_equal(buf, "baru");
    assert_int_equal(access(tmp_name, F_OK), -1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);     /* reports are for their owner only */
    free(path);
    test_tmpdir_remove(dir);
}

static void test_output_in_a_missing_folder_names_the_path(void **state)
{
    (void)state;
    rt_output out;
    assert_int_equal(rt_output_open(&out, &test_host, "/nonexistent-pantau/x.pdf"), -1);
    assert_non_null(strstr(host_message, "/nonexistent-pantau/x.pdf"));
    assert_int_equal(rt_output_open(&out, &test_host, ""), -1);
    assert_non_null(strstr(host_message, "-o FILE"));
}

static void test_output_closed_after_a_write_error_keeps_the_older_report(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "laporan.html", "lama");
    rt_output out;
    assert_int_equal(rt_output_open(&out, &test_host, path), 0);
    char tmp_name[4096];
    snprintf(tmp_name, sizeof tmp_name, "%s", out.tmp_path);
    FILE *f = rt_output_stream(&out, &test_host);
    assert_non_null(f);
    fputs("baru", f);
    assert_int_equal(fgetc(f), EOF);   /* reading a write-only stream sets its error flag */
    assert_true(ferror(f));
    host_message[0] = '\0';
    assert_int_equal(rt_output_close(&out, &test_host, f, 1), -1);
    char expected[4200];
    snprintf(expected, sizeof expected, "%s: write failed", path);
    assert_string_equal(host_message, expected);
    FILE *check = fopen(path, "r");
    char buf[16] = "";
    assert_non_null(fgets(buf, sizeof buf, check));
    fclose(check);
    assert_string_equal(buf, "lama");
    assert_int_equal(access(tmp_name, F_OK), -1);   /* the broken one is removed */

    assert_int_equal(rt_output_open(&out, &test_host, path), 0);
    f = rt_output_stream(&out, &test_host);
    fputs("baru", f);
    assert_int_equal(rt_output_close(&out, &test_host, f, 1), 0);
    check = fopen(path, "r");
    assert_non_null(fgets(buf, sizeof buf, check));
    fclose(check);
    assert_string_equal(buf, "baru");
    free(path);
    test_tmpdir_remove(dir);
}

static void test_unknown_options_are_refused_by_name(void **state)
{
    (void)state;
    const char *keys[] = { "sep" }, *values[] = { ";" };
    pt_export_options options = { .size = sizeof options, .n_params = 1, .param_keys = keys,
                                  .param_values = values };
    assert_int_equal(rt_check_params(&test_host, &options, "pdf", NULL), -1);
    assert_string_equal(host_message, "format pdf has no option 'sep'");
    const char *const known[] = { "sep", NULL };
    assert_int_equal(rt_check_params(&test_host, &options, "pdf", known), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_use_a_decimal_comma_and_dots_between_thousands),
        cmocka_unit_test(test_dates_read_in_indonesian_with_the_weekday),
        cmocka_unit_test(test_visit_types_statuses_and_grades_read_in_indonesian),
        cmocka_unit_test(test_flags_are_ordered_most_severe_first_keeping_script_order),
        cmocka_unit_test(test_white_space_is_squashed_without_cutting_a_character),
        cmocka_unit_test(test_answer_credit_and_findings_follow_the_credit_library),
        cmocka_unit_test(test_html_escape_neutralises_hostile_strings),
        cmocka_unit_test(test_html_escape_cut_keeps_whole_characters_and_marks_the_cut),
        cmocka_unit_test(test_output_appears_only_when_finished_ok),
        cmocka_unit_test(test_output_in_a_missing_folder_names_the_path),
        cmocka_unit_test(test_output_closed_after_a_write_error_keeps_the_older_report),
        cmocka_unit_test(test_unknown_options_are_refused_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
