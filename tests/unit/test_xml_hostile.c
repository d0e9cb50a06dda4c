/* Hostile XML through the checklist loader (and the visit schema through pt__xml_parse): every
 * attack is refused with PT_EINVALID or PT_ELIMIT and a message that says why, without reading
 * a local file, touching the network or spending more than a moment. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "internal.h"
#include "xml_safe.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define ROOT "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"x\" version=\"1\" script=\"x.lua\">"

static const char VALID[] =
    HEAD ROOT "\n"
    "<title>Uji</title>\n"
    "<grading max=\"100\" fail-label=\"Gagal\"><band grade=\"A\" min=\"50\" label=\"Baik\"/></grading>\n"
    "<section id=\"S1\" weight=\"100\"><title>S</title>\n"
    "<item id=\"S1.01\" type=\"yesno\" weight=\"1\"><text>Ada</text></item>\n"
    "</section>\n"
    "</checklist>\n";

/* Parses len bytes as a checklist that must be refused with `code`. */
static void assert_refused(const char *xml, size_t len, int code)
{
    pt_checklist *cl = (pt_checklist *)1;
    int rc = pt_checklist_parse(&cl, "evil.xml", xml, len);
    if (rc != code) fail_msg("expected code %d, got %d: %s", code, rc, pt_error_last());
    assert_null(cl);
    assert_int_equal(pt_error_last_code(), code);
}

#define assert_refused_text(xml, code) assert_refused((xml), strlen(xml), (code))

/* A message must never carry what a hostile document tried to read. */
static void assert_no_passwd_leak(void)
{
    if (strstr(pt_error_last(), "root:")) fail_msg("message leaks /etc/passwd: %s", pt_error_last());
}

static void test_the_valid_control_document_is_accepted(void **state)
{
    (void)state;
    pt_checklist *cl = NULL;
    assert_int_equal(pt_checklist_parse(&cl, "ok.xml", VALID, sizeof VALID - 1), PT_OK);
    assert_int_equal(cl->n_items, 1);
    pt_checklist_free(cl);
}

static void test_an_xxe_entity_reading_etc_passwd_is_refused_for_its_dtd(void **state)
{
    (void)state;
    const char *xml = HEAD
        "<!DOCTYPE checklist [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
        ROOT "<title>&xxe;</title></checklist>\n";
    assert_refused_text(xml, PT_EINVALID);
    assert_error_contains("evil.xml:2: documents with a DTD are refused");
    assert_no_passwd_leak();
}

static void test_a_doctype_with_a_system_id_on_etc_passwd_is_refused(void **state)
{
    (void)state;
    const char *xml = HEAD "<!DOCTYPE checklist SYSTEM \"file:///etc/passwd\">\n" ROOT "</checklist>\n";
    assert_refused_text(xml, PT_EINVALID);
    assert_error_contains("evil.xml:2: documents with a DTD are refused");
    assert_no_passwd_leak();
}

static void test_a_parameter_entity_xxe_is_refused(void **state)
{
    (void)state;
    const char *xml = HEAD
        "<!DOCTYPE checklist [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>\n"
        ROOT "</checklist>\n";
    assert_refused_text(xml, PT_EINVALID);
    assert_error_contains("documents with a DTD are refused");
    assert_no_passwd_leak();
}

static void test_an_external_dtd_over_the_network_is_refused(void **state)
{
    (void)state;
    const char *xml = HEAD
        "<!DOCTYPE checklist PUBLIC \"-//EVIL//DTD X//EN\" \"http://127.0.0.1:9/evil.dtd\">\n"
        ROOT "</checklist>\n";
    assert_refused_text(xml, PT_EINVALID);
    assert_error_contains("evil.xml:2: documents with a DTD are refused");
}

static void test_billion_laughs_is_refused_at_once(void **state)
{
    (void)state;
    /* 10^9 "lol"s if expanded; the parser stops at <!DOCTYPE before reading one entity. */
    const char *xml = HEAD
        "<!DOCTYPE lolz [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n"
        ROOT "<title>&lol9;</title></checklist>\n";
    assert_refused_text(xml, PT_EINVALID);
    assert_error_contains("evil.xml:2: documents with a DTD are refused");
}

static void test_an_entity_without_a_dtd_is_not_defined(void **state)
{
    (void)state;
    const char *xml = HEAD ROOT "\n<title>&xxe;</title></checklist>\n";
    assert_refused_text(xml, PT_EINVALID);
    assert_error_contains("evil.xml:3: ");
    assert_error_contains("'xxe' not defined");
}

static void test_an_xinclude_of_etc_passwd_is_not_followed(void **state)
{
    (void)state;
    const char *xml = HEAD ROOT "\n"
        "<title><xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file:///etc/passwd\" "
        "parse=\"text\"/></title></checklist>\n";
    assert_refused_text(xml, PT_EINVALID);
    assert_error_contains("evil.xml:3: ");
    assert_no_passwd_leak();
}

static void test_a_100_mb_buffer_is_refused_before_parsing(void **state)
{
    (void)state;
    size_t len = 100u * 1024u * 1024u;
    char *big = calloc(1, len); /* untouched pages: refused on its length alone */
    assert_non_null(big);
    assert_refused(big, len, PT_ELIMIT);
    assert_error_contains("evil.xml: checklist too large (104857600 bytes, limit 8388608)");
    free(big);
}

static void test_a_sparse_100_mb_file_is_refused_before_reading(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "big.xml", "<checklist>");
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 100L * 1024 * 1024), 0);
    close(fd);
    pt_checklist *cl = (pt_checklist *)1;
    assert_int_equal(pt_checklist_load_file(&cl, path), PT_ELIMIT);
    assert_null(cl);
    assert_error_contains("big.xml: file too large");
    free(path);
    test_tmpdir_remove(dir);
}

static void test_invalid_utf8_is_refused_with_its_line(void **state)
{
    (void)state;
    const char *xml = HEAD ROOT "\n<title>Caf\xC3\x28</title></checklist>\n";
    assert_refused_text(xml, PT_EINVALID);
    assert_error_contains("evil.xml:3: not valid UTF-8");
}

static void test_latin1_declared_as_such_is_still_refused(void **state)
{
    (void)state;
    const char *xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" ROOT "\n<title>Caf\xE9</title></checklist>\n";
    assert_refused_text(xml, PT_EINVALID);
    assert_error_contains("evil.xml:3: not valid UTF-8");
}

static void test_nesting_ten_thousand_deep_is_refused_cleanly(void **state)
{
    (void)state;
    const int depth = 10000;
    size_t cap = strlen(HEAD ROOT) + (size_t)depth * 7 + 64;
    char *xml = malloc(cap), *p = xml;
    p += sprintf(p, "%s", HEAD ROOT);
    for (int i = 0; i < depth; i++) p += sprintf(p, "<a>");
    for (int i = 0; i < depth; i++) p += sprintf(p, "</a>");
    sprintf(p, "</checklist>\n");
    assert_refused_text(xml, PT_EINVALID);
    assert_error_contains("evil.xml:2: elements nested more than 256 deep are refused");
    free(xml);
}

static void test_a_truncated_document_is_refused(void **state)
{
    (void)state;
    size_t half = (sizeof VALID - 1) / 2;
    assert_refused(VALID, half, PT_EINVALID);
    assert_error_contains("evil.xml:");
    /* libxml2 words it as a premature end or a missing end tag; either names the problem. */
    if (!strstr(pt_error_last(), "Premature end") && !strstr(pt_error_last(), "end") &&
        !strstr(pt_error_last(), "not finished"))
        fail_msg("unclear message for a truncated document: %s", pt_error_last());
}

static void test_an_empty_input_is_refused(void **state)
{
    (void)state;
    assert_refused("", 0, PT_EINVALID);
    assert_string_equal(pt_error_last(), "evil.xml:1: empty document");
}

static void test_white_space_only_is_refused(void **state)
{
    (void)state;
    assert_refused_text("  \n\n ", PT_EINVALID);
    assert_string_equal(pt_error_last(), "evil.xml:1: empty document");
}

static void test_a_nul_byte_inside_is_refused_with_its_line(void **state)
{
    (void)state;
    static const char xml[] = HEAD ROOT "\n<title>a\0b</title></checklist>\n";
    assert_refused(xml, sizeof xml - 1, PT_EINVALID);
    assert_error_contains("evil.xml:3: NUL byte at offset");
}

static void test_a_binary_file_is_refused(void **state)
{
    (void)state;
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                        0xff, 0xd8, 0xfe, 0x01, 0x02, 0x03};
    assert_refused((const char *)png, sizeof png, PT_EINVALID);
    assert_error_contains("evil.xml:1: not valid UTF-8");
}

static void test_text_that_is_not_xml_is_refused(void **state)
{
    (void)state;
    assert_refused_text("%PDF-1.4 this is not XML\n", PT_EINVALID);
    assert_error_contains("evil.xml:1: ");
    assert_error_contains("Start tag expected");
}

static void test_a_document_of_another_format_is_refused_by_the_schema(void **state)
{
    (void)state;
    assert_refused_text(HEAD "<visits xmlns=\"urn:pantau:visit:1\"/>\n", PT_EINVALID);
    assert_error_contains("evil.xml:2: ");
    assert_error_contains("visits");
}

static void test_an_oversized_attribute_is_refused_by_the_schema(void **state)
{
    (void)state;
    char label[301];
    memset(label, 'x', 300);
    label[300] = '\0';
    char *doc = malloc(sizeof VALID + 400);
    const char *at = strstr(VALID, "label=\"Baik\"");
    size_t head = (size_t)(at - VALID);
    memcpy(doc, VALID, head);
    sprintf(doc + head, "label=\"%s\"%s", label, at + strlen("label=\"Baik\""));
    assert_refused_text(doc, PT_EINVALID);
    assert_error_contains("evil.xml:4: ");
    assert_error_contains("label");
    free(doc);
}

/* ---- the visit schema, through the same parser ---- */

static const char VISIT[] =
    "<visits xmlns=\"urn:pantau:visit:1\">\n"
    "  <visit institution=\"LKSA-3671-001\" checklist=\"akreditasi-lksa@2025.1\" date=\"2026-03-14\"\n"
    "         type=\"accreditation\">\n"
    "    <team><member name=\"Siti Rahma\" agency=\"Dinas Sosial\" role=\"ketua\"/></team>\n"
    "    <notes>Kunjungan pagi</notes>\n"
    "    <answer item=\"S1.01\" value=\"3\">Dokumen lengkap</answer>\n"
    "    <answer item=\"S1.02\" na=\"true\"/>\n"
    "  </visit>\n"
    "</visits>\n";

static void test_the_readme_visit_example_is_valid(void **state)
{
    (void)state;
    xmlDocPtr doc = NULL;
    assert_int_equal(pt__xml_parse(&doc, "v.xml", VISIT, sizeof VISIT - 1, PT__SCHEMA_VISIT), PT_OK);
    assert_non_null(doc);
    xmlFreeDoc(doc);
}

static void test_a_visit_with_an_unknown_type_is_refused(void **state)
{
    (void)state;
    const char *at = strstr(VISIT, "accreditation");
    char *xml = strdup(VISIT);
    memcpy(xml + (at - VISIT), "accreditatio_", 13);
    xmlDocPtr doc = (xmlDocPtr)1;
    assert_int_equal(pt__xml_parse(&doc, "v.xml", xml, strlen(xml), PT__SCHEMA_VISIT), PT_EINVALID);
    assert_null(doc);
    /* libxml2 gives an element the line where its start tag ends. */
    assert_error_contains("v.xml:3: ");
    assert_error_contains("'accreditatio_'");
    free(xml);
}

static void test_a_visit_file_with_a_dtd_is_refused(void **state)
{
    (void)state;
    const char *xml = "<!DOCTYPE visits [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                      "<visits xmlns=\"urn:pantau:visit:1\"><visit><notes>&x;</notes></visit></visits>";
    xmlDocPtr doc = (xmlDocPtr)1;
    assert_int_equal(pt__xml_parse(&doc, "v.xml", xml, strlen(xml), PT__SCHEMA_VISIT), PT_EINVALID);
    assert_null(doc);
    assert_error_contains("v.xml:1: documents with a DTD are refused");
    assert_no_passwd_leak();
}

/* ---- threads: the lazy schema set-up and the error capture are per call ---- */

static void *parse_many(void *arg)
{
    (void)arg;
    long failures = 0;
    static const char bad[] = HEAD ROOT "<title>x</title></checklist>\n";
    for (int i = 0; i < 40; i++) {
        pt_checklist *cl = NULL;
        if (pt_checklist_parse(&cl, "ok.xml", VALID, sizeof VALID - 1) != PT_OK) failures++;
        pt_checklist_free(cl);
        if (pt_checklist_parse(&cl, "bad.xml", bad, sizeof bad - 1) != PT_EINVALID ||
            !strstr(pt_error_last(), "bad.xml:2: "))
            failures++;
    }
    return (void *)failures;
}

static void test_threads_parse_at_once_each_with_its_own_errors(void **state)
{
    (void)state;
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&threads[i], NULL, parse_many, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *failures;
        assert_int_equal(pthread_join(threads[i], &failures), 0);
        assert_int_equal((long)failures, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_valid_control_document_is_accepted),
        cmocka_unit_test(test_an_xxe_entity_reading_etc_passwd_is_refused_for_its_dtd),
        cmocka_unit_test(test_a_doctype_with_a_system_id_on_etc_passwd_is_refused),
        cmocka_unit_test(test_a_parameter_entity_xxe_is_refused),
        cmocka_unit_test(test_an_external_dtd_over_the_network_is_refused),
        cmocka_unit_test(test_billion_laughs_is_refused_at_once),
        cmocka_unit_test(test_an_entity_without_a_dtd_is_not_defined),
        cmocka_unit_test(test_an_xinclude_of_etc_passwd_is_not_followed),
        cmocka_unit_test(test_a_100_mb_buffer_is_refused_before_parsing),
        cmocka_unit_test(test_a_sparse_100_mb_file_is_refused_before_reading),
        cmocka_unit_test(test_invalid_utf8_is_refused_with_its_line),
        cmocka_unit_test(test_latin1_declared_as_such_is_still_refused),
        cmocka_unit_test(test_nesting_ten_thousand_deep_is_refused_cleanly),
        cmocka_unit_test(test_a_truncated_document_is_refused),
        cmocka_unit_test(test_an_empty_input_is_refused),
        cmocka_unit_test(test_white_space_only_is_refused),
        cmocka_unit_test(test_a_nul_byte_inside_is_refused_with_its_line),
        cmocka_unit_test(test_a_binary_file_is_refused),
        cmocka_unit_test(test_text_that_is_not_xml_is_refused),
        cmocka_unit_test(test_a_document_of_another_format_is_refused_by_the_schema),
        cmocka_unit_test(test_an_oversized_attribute_is_refused_by_the_schema),
        cmocka_unit_test(test_the_readme_visit_example_is_valid),
        cmocka_unit_test(test_a_visit_with_an_unknown_type_is_refused),
        cmocka_unit_test(test_a_visit_file_with_a_dtd_is_refused),
        cmocka_unit_test(test_threads_parse_at_once_each_with_its_own_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
