/* Visit files that are broken, huge or malicious: each is refused with a clear error and the
 * database is left exactly as it was. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static const char checklist_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"uji\" version=\"1\" script=\"uji.lua\">\n"
    "  <title>Instrumen uji</title>\n"
    "  <grading max=\"100\" fail-label=\"Tidak lulus\">\n"
    "    <band grade=\"A\" min=\"80\" label=\"Baik\"/>\n"
    "  </grading>\n"
    "  <section id=\"S1\" weight=\"100\">\n"
    "    <title>Bagian satu</title>\n"
    "    <item id=\"S1.01\" type=\"yesno\" weight=\"1\"><text>Ada rencana</text></item>\n"
    "  </section>\n"
    "</checklist>\n";

/* a good visit, imported in setup so "unchanged" means something */
static const char good_visit[] =
    "#institution;LKSA-1\n#checklist;uji@1\n#date;2026-02-01\n#type;rutin\n"
    "#team;Siti|Dinas Sosial\nitem;value;note\nS1.01;ya;\n";

typedef struct fixture {
    char *dir;
    pt_ctx *ctx;
    long long rows;
    char path[4200];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = test_tmpdir();
    f->ctx = test_open_db(f->dir);
    test_store_checklist_xml(f->ctx, "uji.xml", checklist_xml);
    test_add_home(f->ctx, "LKSA-1", "Panti Uji", NULL);
    char *path = test_write_file(f->dir, "good.csv", good_visit);
    test_import_visits(f->ctx, path, 1);
    free(path);
    f->rows = test_count_visit_rows(f->ctx);
    assert_int_equal(f->rows, 3);
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

/* Writes len bytes (may hold NULs) to dir/name and imports them. */
static int import_bytes(fixture *f, const char *name, const char *bytes, size_t len)
{
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, name);
    FILE *fp = fopen(f->path, "wb");
    if (!fp) fail_msg("cannot write %s", f->path);
    if (len) fwrite(bytes, 1, len, fp);
    fclose(fp);
    return pt_visit_import(f->ctx, f->path, NULL, NULL);
}

static int import_text(fixture *f, const char *name, const char *text)
{
    return import_bytes(f, name, text, strlen(text));
}

static void assert_unchanged(fixture *f)
{
    assert_int_equal(test_count_visit_rows(f->ctx), f->rows);
}

static void an_empty_file_is_refused(void **state)
{
    fixture *f = *state;
    assert_int_equal(import_bytes(f, "empty.csv", "", 0), PT_EINVALID);
    assert_error_contains("empty.csv: the file is empty");
    assert_unchanged(f);
}

static void a_file_holding_only_a_bom_is_refused(void **state)
{
    fixture *f = *state;
    assert_int_equal(import_text(f, "bom.csv", "\xEF\xBB\xBF\r\n  \n"), PT_EINVALID);
    assert_error_contains("bom.csv: the file is empty");
    assert_unchanged(f);
}

static void binary_garbage_is_refused(void **state)
{
    fixture *f = *state;
    char bytes[4096];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof bytes; i++) {
        x = x * 1103515245u + 12345u;
        bytes[i] = (char)(x >> 16);
    }
    bytes[0] = 'P';   /* not '<': read as CSV */
    assert_int_equal(import_bytes(f, "garbage.bin", bytes, sizeof bytes), PT_EINVALID);
    assert_error_contains("garbage.bin:");
    assert_unchanged(f);

    bytes[0] = '<';   /* read as XML */
    assert_int_equal(import_bytes(f, "garbage.xml", bytes, sizeof bytes), PT_EINVALID);
    assert_error_contains("garbage.xml:");
    assert_unchanged(f);
}

static void printable_garbage_is_refused_as_a_file_without_visits_fields(void **state)
{
    fixture *f = *state;
    assert_int_equal(import_text(f, "words.csv", "lorem ipsum\ndolor sit amet\n"), PT_EINVALID);
    assert_error_contains("words.csv:1: answers must follow an 'item");
    assert_error_contains("words.csv:1: the visit names no institution");
    assert_unchanged(f);
}

static void an_unterminated_quote_is_refused_with_its_line(void **state)
{
    fixture *f = *state;
    int rc = import_text(f, "quote.csv", "#institution;LKSA-1\n#checklist;uji@1\n#date;2026-02-01\n"
                                         "#type;rutin\nitem;value;note\nS1.01;\"ya;\n");
    assert_int_equal(rc, PT_EINVALID);
    assert_error_contains("quote.csv:6: unterminated quoted field");
    assert_unchanged(f);
}

static void a_file_over_64_mib_is_refused_before_reading(void **state)
{
    fixture *f = *state;
    snprintf(f->path, sizeof f->path, "%s/huge.csv", f->dir);
    int fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 65 * 1024 * 1024), 0);   /* sparse: costs no disk */
    close(fd);
    assert_int_equal(pt_visit_import(f->ctx, f->path, NULL, NULL), PT_ELIMIT);
    assert_error_contains("huge.csv: file too large");
    assert_unchanged(f);
}

static void xml_with_a_dtd_or_external_entity_is_refused(void **state)
{
    fixture *f = *state;
    char secret[4300];
    snprintf(secret, sizeof secret, "%s/secret.txt", f->dir);
    char *s = test_write_file(f->dir, "secret.txt", "S1.01");
    free(s);
    char xml[9000];
    snprintf(xml, sizeof xml,
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE visits [<!ENTITY xxe SYSTEM \"file://%s\">]>\n"
             "<visits xmlns=\"urn:pantau:visit:1\">\n"
             "  <visit institution=\"LKSA-1\" checklist=\"uji@1\" date=\"2026-02-01\" type=\"rutin\">\n"
             "    <answer item=\"S1.01\" value=\"ya\">&xxe;</answer>\n"
             "  </visit>\n"
             "</visits>\n", secret);
    assert_int_equal(import_text(f, "xxe.xml", xml), PT_EINVALID);
    assert_error_contains("xxe.xml:");
    assert_error_contains("DTD");
    assert_unchanged(f);

    /* billion laughs: refused for the same reason, before any expansion */
    assert_int_equal(import_text(f, "lol.xml",
                                 "<?xml version=\"1.0\"?>\n"
                                 "<!DOCTYPE visits [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>\n"
                                 "<visits xmlns=\"urn:pantau:visit:1\"><visit/></visits>\n"),
                     PT_EINVALID);
    assert_error_contains("DTD");
    assert_unchanged(f);
}

static void xml_violating_the_visit_schema_is_refused_with_its_line(void **state)
{
    fixture *f = *state;
    int rc = import_text(f, "schema.xml",
                         "<visits xmlns=\"urn:pantau:visit:1\">\n"
                         "  <visit institution=\"LKSA-1\" checklist=\"uji@1\" date=\"2026-02-01\" type=\"rutin\">\n"
                         "    <answer value=\"ya\"/>\n"
                         "  </visit>\n"
                         "</visits>\n");
    assert_int_equal(rc, PT_EINVALID);
    assert_error_contains("schema.xml:3:");
    assert_unchanged(f);

    rc = import_text(f, "wrongroot.xml", "<checklist xmlns=\"urn:pantau:visit:1\"/>\n");
    assert_int_equal(rc, PT_EINVALID);
    assert_error_contains("wrongroot.xml:1:");
    assert_unchanged(f);
}

static void ten_thousand_unknown_items_give_a_capped_message(void **state)
{
    fixture *f = *state;
    size_t cap = 64 + 10000 * 32;
    char *text = malloc(cap);
    size_t n = (size_t)snprintf(text, cap, "#institution;LKSA-1\n#checklist;uji@1\n#date;2026-02-01\n"
                                           "#type;rutin\nitem;value;note\n");
    for (int i = 0; i < 10000; i++) n += (size_t)snprintf(text + n, cap - n, "X%05d;ya;\n", i);
    int rc = import_text(f, "unknown.csv", text);
    free(text);
    assert_int_equal(rc, PT_EINVALID);
    assert_error_contains("unknown.csv:6: item X00000 is not in checklist uji@1");
    assert_error_contains("... and 9997 more errors");
    assert_true(strlen(pt_error_last()) < 2048);
    assert_unchanged(f);
}

static void invalid_utf8_is_refused(void **state)
{
    fixture *f = *state;
    int rc = import_text(f, "latin1.csv", "#institution;LKSA-1\n#checklist;uji@1\n#date;2026-02-01\n"
                                          "#type;rutin\nitem;value;note\nS1.01;ya;Kunjungan \xE9t\xE9\n");
    assert_int_equal(rc, PT_EINVALID);
    assert_error_contains("latin1.csv:6: not valid UTF-8");
    assert_unchanged(f);

    rc = import_text(f, "latin1.xml", "<visits xmlns=\"urn:pantau:visit:1\">\n"
                                      "  <visit institution=\"LKSA-1\" checklist=\"uji@1\" date=\"2026-02-01\" type=\"rutin\">\n"
                                      "    <notes>caf\xE9</notes>\n"
                                      "  </visit>\n"
                                      "</visits>\n");
    assert_int_equal(rc, PT_EINVALID);
    assert_error_contains("latin1.xml:3: not valid UTF-8");
    assert_unchanged(f);
}

static void a_file_that_is_a_directory_is_refused(void **state)
{
    fixture *f = *state;
    assert_true(pt_visit_import(f->ctx, f->dir, NULL, NULL) < 0);
    assert_error_contains(f->dir);
    assert_unchanged(f);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(an_empty_file_is_refused),
        T(a_file_holding_only_a_bom_is_refused),
        T(binary_garbage_is_refused),
        T(printable_garbage_is_refused_as_a_file_without_visits_fields),
        T(an_unterminated_quote_is_refused_with_its_line),
        T(a_file_over_64_mib_is_refused_before_reading),
        T(xml_with_a_dtd_or_external_entity_is_refused),
        T(xml_violating_the_visit_schema_is_refused_with_its_line),
        T(ten_thousand_unknown_items_give_a_capped_message),
        T(invalid_utf8_is_refused),
        T(a_file_that_is_a_directory_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
