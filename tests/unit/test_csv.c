/* The CSV reader: separators, BOM, line ends, quoting, line numbers, errors and numbers. */
#include <string.h>

#include "support.h"
#include "csv.h"
#include "internal.h"

static pt__csv *open_text(const char *text)
{
    pt__csv *csv = NULL;
    if (pt__csv_open(&csv, "t.csv", text, strlen(text)) != 0) fail_msg("open: %s", pt_error_last());
    return csv;
}

/* Reads the next record and checks its line and fields ("a|b|c" joined with '|'). */
static void expect_record(pt__csv *csv, int line, const char *joined)
{
    char **fields;
    size_t n;
    int at = 0;
    int rc = pt__csv_next(csv, &fields, &n, &at);
    if (rc != 1) fail_msg("expected a record on line %d, got %d (%s)", line, rc, pt_error_last());
    char buf[1024] = "";
    for (size_t i = 0; i < n; i++) {
        if (i) strcat(buf, "|");
        strcat(buf, fields[i]);
    }
    assert_string_equal(buf, joined);
    assert_int_equal(at, line);
}

static void expect_end(pt__csv *csv)
{
    char **fields;
    size_t n;
    int line;
    assert_int_equal(pt__csv_next(csv, &fields, &n, &line), 0);
}

static void test_comma_file_splits_on_comma(void **state)
{
    (void)state;
    pt__csv *csv = open_text("a,b,c\n1,2,3\n");
    assert_int_equal(pt__csv_separator(csv), ',');
    expect_record(csv, 1, "a|b|c");
    expect_record(csv, 2, "1|2|3");
    expect_end(csv);
    pt__csv_close(csv);
}

static void test_semicolon_file_keeps_commas_inside_fields(void **state)
{
    (void)state;
    pt__csv *csv = open_text("item;value\nS5.03;12,5\n");
    assert_int_equal(pt__csv_separator(csv), ';');
    expect_record(csv, 1, "item|value");
    expect_record(csv, 2, "S5.03|12,5");
    expect_end(csv);
    pt__csv_close(csv);
}

static void test_bom_and_crlf_are_invisible_in_the_fields(void **state)
{
    (void)state;
    pt__csv *csv = open_text("\xEF\xBB\xBFnama;kota\r\nPanti A;Bandung\r\n");
    expect_record(csv, 1, "nama|kota");
    expect_record(csv, 2, "Panti A|Bandung");
    expect_end(csv);
    pt__csv_close(csv);
}

static void test_last_line_without_newline_is_read(void **state)
{
    (void)state;
    pt__csv *csv = open_text("a;b\n1;2");
    expect_record(csv, 1, "a|b");
    expect_record(csv, 2, "1|2");
    expect_end(csv);
    pt__csv_close(csv);
}

static void test_quoted_fields_hold_separators_and_doubled_quotes(void **state)
{
    (void)state;
    pt__csv *csv = open_text("name,note\n\"Panti, Jaya\",\"kata \"\"baik\"\"\"\n\"\",x\n");
    expect_record(csv, 1, "name|note");
    expect_record(csv, 2, "Panti, Jaya|kata \"baik\"");
    expect_record(csv, 3, "|x");
    pt__csv_close(csv);
}

static void test_embedded_newline_keeps_the_start_line_and_counts_lines(void **state)
{
    (void)state;
    pt__csv *csv = open_text("a;b\r\n1;\"baris satu\r\nbaris dua\"\r\n2;x\r\n");
    expect_record(csv, 1, "a|b");
    expect_record(csv, 2, "1|baris satu\nbaris dua");
    expect_record(csv, 4, "2|x");
    expect_end(csv);
    pt__csv_close(csv);
}

static void test_blank_lines_and_empty_rows_are_skipped(void **state)
{
    (void)state;
    pt__csv *csv = open_text("\n\na;b\n\n   \n;;\n1;2\n\n");
    expect_record(csv, 3, "a|b");
    expect_record(csv, 7, "1|2");
    expect_end(csv);
    pt__csv_close(csv);
}

static void test_empty_trailing_field_is_kept(void **state)
{
    (void)state;
    pt__csv *csv = open_text("a;b;c\n1;;\n");
    expect_record(csv, 1, "a|b|c");
    char **fields;
    size_t n;
    int line;
    assert_int_equal(pt__csv_next(csv, &fields, &n, &line), 1);
    assert_int_equal(n, 3);
    assert_string_equal(fields[0], "1");
    assert_string_equal(fields[1], "");
    assert_string_equal(fields[2], "");
    pt__csv_close(csv);
}

static void test_first_line_with_both_separators_is_ambiguous(void **state)
{
    (void)state;
    pt__csv *csv = NULL;
    const char *text = "a;b,c\n1;2\n";
    assert_int_equal(pt__csv_open(&csv, "t.csv", text, strlen(text)), PT_EINVALID);
    assert_null(csv);
    assert_error_contains("t.csv:1: ambiguous separator");
}

static void test_quoted_comma_on_first_line_is_not_ambiguous(void **state)
{
    (void)state;
    pt__csv *csv = open_text("#notes;\"pagi, siang\"\n");
    assert_int_equal(pt__csv_separator(csv), ';');
    expect_record(csv, 1, "#notes|pagi, siang");
    pt__csv_close(csv);
}

static void test_unterminated_quote_names_the_line_where_it_opened(void **state)
{
    (void)state;
    pt__csv *csv = open_text("a;b\n1;2\n3;\"open\nmore\n");
    expect_record(csv, 1, "a|b");
    expect_record(csv, 2, "1|2");
    char **fields;
    size_t n;
    int line;
    assert_int_equal(pt__csv_next(csv, &fields, &n, &line), PT_EINVALID);
    assert_error_contains("t.csv:3: unterminated quoted field");
    pt__csv_close(csv);
}

static void test_text_after_closing_quote_is_an_error(void **state)
{
    (void)state;
    pt__csv *csv = open_text("a;b\n\"x\"y;2\n");
    expect_record(csv, 1, "a|b");
    char **fields;
    size_t n;
    int line;
    assert_int_equal(pt__csv_next(csv, &fields, &n, &line), PT_EINVALID);
    assert_error_contains("t.csv:2: text after the closing quote");
    pt__csv_close(csv);
}

static void test_stray_quote_in_unquoted_field_is_an_error(void **state)
{
    (void)state;
    pt__csv *csv = open_text("a;b\n\n5\" kaki;2\n");
    expect_record(csv, 1, "a|b");
    char **fields;
    size_t n;
    int line;
    assert_int_equal(pt__csv_next(csv, &fields, &n, &line), PT_EINVALID);
    assert_error_contains("t.csv:3: stray quote");
    pt__csv_close(csv);
}

static void test_invalid_utf8_names_its_line(void **state)
{
    (void)state;
    pt__csv *csv = NULL;
    const char *text = "nama;kota\nPanti;Bandung\nPanti \xE9l\xE9;Bogor\n"; /* Latin-1 */
    assert_int_equal(pt__csv_open(&csv, "t.csv", text, strlen(text)), PT_EINVALID);
    assert_error_contains("t.csv:3: not valid UTF-8");
}

static void test_nul_byte_is_refused(void **state)
{
    (void)state;
    pt__csv *csv = NULL;
    const char text[] = "a;b\n1;\0\n";
    assert_int_equal(pt__csv_open(&csv, "t.csv", text, sizeof text - 1), PT_EINVALID);
    assert_error_contains("t.csv:2: contains a NUL byte");
}

/* ---- numbers ---- */

static void test_semicolon_file_reads_decimal_comma(void **state)
{
    (void)state;
    pt__csv *csv = open_text("a;b\n");
    double v = 0;
    assert_int_equal(pt__csv_number(csv, "12,5", 2, &v), 0);
    assert_true(v == 12.5);
    assert_int_equal(pt__csv_number(csv, "-3,25", 2, &v), 0);
    assert_true(v == -3.25);
    assert_int_equal(pt__csv_number(csv, " 7 ", 2, &v), 0);
    assert_true(v == 7);
    assert_int_equal(pt__csv_number(csv, "9.5", 2, &v), 0);
    assert_true(v == 9.5);
    assert_int_equal(pt__csv_number(csv, "-6.2088", 2, &v), 0);
    assert_true(v == -6.2088);
    pt__csv_close(csv);
}

static void test_semicolon_file_refuses_thousands_dots_as_ambiguous(void **state)
{
    (void)state;
    pt__csv *csv = open_text("a;b\n");
    double v = 0;
    assert_int_equal(pt__csv_number(csv, "1.250", 4, &v), PT_EINVALID);
    assert_error_contains("t.csv:4: ambiguous number '1.250': write 1250 or 1,25");
    assert_int_equal(pt__csv_number(csv, "1.250,5", 5, &v), PT_EINVALID);
    assert_error_contains("t.csv:5: ambiguous number '1.250,5'");
    assert_int_equal(pt__csv_number(csv, "-12.000.000", 6, &v), PT_EINVALID);
    assert_error_contains("t.csv:6: ambiguous number");
    pt__csv_close(csv);
}

static void test_comma_file_reads_decimal_point_only(void **state)
{
    (void)state;
    pt__csv *csv = open_text("a,b\n");
    double v = 0;
    assert_int_equal(pt__csv_number(csv, "1.250", 2, &v), 0);
    assert_true(v == 1.25);
    assert_int_equal(pt__csv_number(csv, "0.1", 2, &v), 0);
    assert_true(v == 0.1);
    assert_int_equal(pt__csv_number(csv, "12,5", 3, &v), PT_EINVALID);
    assert_error_contains("t.csv:3: not a number '12,5'");
    pt__csv_close(csv);
}

static void test_garbage_and_empty_are_not_numbers(void **state)
{
    (void)state;
    pt__csv *csv = open_text("a;b\n");
    double v = 0;
    const char *bad[] = {"", "abc", "1,2,3", "1.", ".5", "--1", "1e5", "nan", "12,5x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (pt__csv_number(csv, bad[i], 9, &v) != PT_EINVALID) fail_msg("'%s' was accepted", bad[i]);
        assert_error_contains("t.csv:9:");
    }
    pt__csv_close(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comma_file_splits_on_comma),
        cmocka_unit_test(test_semicolon_file_keeps_commas_inside_fields),
        cmocka_unit_test(test_bom_and_crlf_are_invisible_in_the_fields),
        cmocka_unit_test(test_last_line_without_newline_is_read),
        cmocka_unit_test(test_quoted_fields_hold_separators_and_doubled_quotes),
        cmocka_unit_test(test_embedded_newline_keeps_the_start_line_and_counts_lines),
        cmocka_unit_test(test_blank_lines_and_empty_rows_are_skipped),
        cmocka_unit_test(test_empty_trailing_field_is_kept),
        cmocka_unit_test(test_first_line_with_both_separators_is_ambiguous),
        cmocka_unit_test(test_quoted_comma_on_first_line_is_not_ambiguous),
        cmocka_unit_test(test_unterminated_quote_names_the_line_where_it_opened),
        cmocka_unit_test(test_text_after_closing_quote_is_an_error),
        cmocka_unit_test(test_stray_quote_in_unquoted_field_is_an_error),
        cmocka_unit_test(test_invalid_utf8_names_its_line),
        cmocka_unit_test(test_nul_byte_is_refused),
        cmocka_unit_test(test_semicolon_file_reads_decimal_comma),
        cmocka_unit_test(test_semicolon_file_refuses_thousands_dots_as_ambiguous),
        cmocka_unit_test(test_comma_file_reads_decimal_point_only),
        cmocka_unit_test(test_garbage_and_empty_are_not_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
