/* The checklist loader through its public API: a valid checklist becomes the model it
 * describes, and each semantic mistake is refused with file, line and item id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* One element per line, so the line numbers asserted below can be read off this text. */
static const char MINIMAL[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                          /* 1 */
    "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"uji\" version=\"2025.1\" script=\"uji.lua\">\n"
    "  <title>  Instrumen Uji  </title>\n"                                                 /* 3 */
    "  <legal-basis>UU 11/2009</legal-basis>\n"
    "  <grading max=\"100\" default=\"true\" fail-label=\"Tidak Terakreditasi\">\n"        /* 5 */
    "    <band grade=\"B\" min=\"81\" label=\"Baik\" validity-years=\"3\"/>\n"
    "    <band grade=\"A\" min=\"91\" label=\"Sangat Baik\" validity-years=\"5\"/>\n"      /* 7 */
    "    <band grade=\"C\" min=\"71\" label=\"Cukup\"/>\n"
    "  </grading>\n"                                                                       /* 9 */
    "  <params>\n"
    "    <param id=\"rasio_maks\" value=\"10\" unit=\"anak\" default=\"true\">Batas anak per pengasuh</param>\n"
    "  </params>\n"                                                                        /* 12 */
    "  <section id=\"S1\" weight=\"60\">\n"
    "    <title>Program Pelayanan</title>\n"                                               /* 14 */
    "    <item id=\"S1.01\" type=\"scale\" weight=\"2\" evidence=\"dokumen observasi\" pass-level=\"2\">\n"
    "      <text>Lembaga memiliki\n"                                                       /* 16 */
    "rencana program</text>\n"
    "      <guidance>Periksa dokumen</guidance>\n"                                         /* 18 */
    "      <levels>\n"
    "        <level value=\"1\">Tidak ada</level>\n"                                      /* 20 */
    "        <level value=\"2\">Sebagian</level>\n"
    "        <level value=\"3\">Lengkap</level>\n"                                        /* 22 */
    "      </levels>\n"
    "      <gate cap=\"C\" severity=\"tinggi\" agency=\"Dinas Sosial\">Tanpa rencana</gate>\n" /* 24 */
    "    </item>\n"
    "    <item id=\"S1.02\" type=\"yesno\" weight=\"3\" expect=\"tidak\" na=\"allowed\">\n"  /* 26 */
    "      <text>Ada hukuman fisik</text>\n"
    "      <gate cap=\"none\" severity=\"kritis\" agency=\"DP3A\">Laporkan ke DP3A</gate>\n" /* 28 */
    "    </item>\n"
    "  </section>\n"                                                                       /* 30 */
    "  <section id=\"S2\" weight=\"40\">\n"
    "    <title>Sarana</title>\n"                                                          /* 32 */
    "    <item id=\"S2.01\" type=\"choice\" weight=\"1\">\n"
    "      <text>Kondisi kamar</text>\n"                                                   /* 34 */
    "      <choices>\n"
    "        <choice value=\"baik\" score=\"1\">Baik</choice>\n"                          /* 36 */
    "        <choice value=\"sedang\" score=\"0.5\">Sedang</choice>\n"
    "        <choice value=\"buruk\">Buruk</choice>\n"                                    /* 38 */
    "      </choices>\n"
    "    </item>\n"                                                                        /* 40 */
    "    <item id=\"S2.02\" type=\"number\" unit=\"m2\" min=\"0\" max=\"100\">\n"
    "      <text>Luas kamar</text>\n"                                                      /* 42 */
    "    </item>\n"
    "    <item id=\"S2.03\" type=\"date\"><text>Tanggal izin</text></item>\n"             /* 44 */
    "  </section>\n"
    "</checklist>\n";                                                                      /* 46 */

/* sha256sum of exactly the bytes of MINIMAL. */
#define MINIMAL_SHA256 "bfa8f88df327285e1f471fc50facc3b193de96a06baa304dfffacb74e5e042d0"

/* MINIMAL with the one occurrence of `find` replaced. Caller frees. */
static char *variant(const char *find, const char *replace)
{
    const char *at = strstr(MINIMAL, find);
    if (!at) fail_msg("variant: '%s' not in MINIMAL", find);
    if (strstr(at + 1, find)) fail_msg("variant: '%s' occurs twice in MINIMAL", find);
    size_t head = (size_t)(at - MINIMAL), flen = strlen(find), rlen = strlen(replace);
    char *out = malloc(sizeof MINIMAL - flen + rlen);
    memcpy(out, MINIMAL, head);
    memcpy(out + head, replace, rlen);
    strcpy(out + head + rlen, at + flen);
    return out;
}

/* Parses a variant of MINIMAL that must be refused with PT_EINVALID. */
static void assert_variant_refused(const char *find, const char *replace)
{
    char *xml = variant(find, replace);
    pt_checklist *cl = (pt_checklist *)1;
    assert_int_equal(pt_checklist_parse(&cl, "uji.xml", xml, strlen(xml)), PT_EINVALID);
    assert_null(cl);
    assert_int_equal(pt_error_last_code(), PT_EINVALID);
    free(xml);
}

static pt_checklist *parse_minimal(void)
{
    pt_checklist *cl = NULL;
    if (pt_checklist_parse(&cl, "uji.xml", MINIMAL, sizeof MINIMAL - 1) != PT_OK)
        fail_msg("MINIMAL refused: %s", pt_error_last());
    return cl;
}

/* ---- a valid checklist ---- */

static void test_a_valid_checklist_gives_its_header_fields(void **state)
{
    (void)state;
    pt_checklist *cl = parse_minimal();
    assert_string_equal(cl->source, "uji.xml");
    assert_string_equal(cl->id, "uji");
    assert_string_equal(cl->version, "2025.1");
    assert_string_equal(cl->script, "uji.lua");
    assert_string_equal(cl->title, "Instrumen Uji"); /* trimmed */
    assert_null(cl->description);
    assert_string_equal(cl->legal_basis, "UU 11/2009");
    assert_true(cl->max_total == 100.0);
    assert_int_equal(cl->bands_are_default, 1);
    assert_string_equal(cl->fail_label, "Tidak Terakreditasi");
    assert_int_equal(cl->n_sections, 2);
    assert_int_equal(cl->n_items, 5);
    assert_int_equal(cl->xml_len, sizeof MINIMAL - 1);
    assert_memory_equal(cl->xml, MINIMAL, sizeof MINIMAL); /* with its NUL */
    pt_checklist_free(cl);
}

static void test_the_sha256_is_that_of_the_exact_bytes(void **state)
{
    (void)state;
    pt_checklist *cl = parse_minimal();
    assert_string_equal(cl->sha256, MINIMAL_SHA256);
    pt_checklist_free(cl);

    /* One more space changes the hash even though the model is the same. */
    char *xml = variant("<title>  Instrumen", "<title>   Instrumen");
    assert_int_equal(pt_checklist_parse(&cl, "uji.xml", xml, strlen(xml)), PT_OK);
    assert_string_equal(cl->title, "Instrumen Uji");
    assert_string_not_equal(cl->sha256, MINIMAL_SHA256);
    pt_checklist_free(cl);
    free(xml);
}

static void test_bands_are_sorted_highest_min_first(void **state)
{
    (void)state;
    pt_checklist *cl = parse_minimal();
    assert_int_equal(cl->n_bands, 3);
    assert_string_equal(cl->bands[0].grade, "A");
    assert_true(cl->bands[0].min == 91.0);
    assert_string_equal(cl->bands[0].label, "Sangat Baik");
    assert_int_equal(cl->bands[0].validity_years, 5);
    assert_string_equal(cl->bands[1].grade, "B");
    assert_int_equal(cl->bands[1].validity_years, 3);
    assert_string_equal(cl->bands[2].grade, "C");
    assert_int_equal(cl->bands[2].validity_years, 0);
    assert_ptr_equal(pt_checklist_band(cl, "B"), &cl->bands[1]);
    assert_null(pt_checklist_band(cl, "D"));
    assert_null(pt_checklist_band(cl, "none"));
    pt_checklist_free(cl);
}

static void test_params_keep_value_unit_label_and_default_mark(void **state)
{
    (void)state;
    pt_checklist *cl = parse_minimal();
    assert_int_equal(cl->n_params, 1);
    assert_string_equal(cl->params[0].id, "rasio_maks");
    assert_true(cl->params[0].value == 10.0);
    assert_string_equal(cl->params[0].unit, "anak");
    assert_string_equal(cl->params[0].label, "Batas anak per pengasuh");
    assert_int_equal(cl->params[0].is_default, 1);
    pt_checklist_free(cl);
}

static void test_a_scale_item_has_its_levels_gate_and_inner_line_breaks(void **state)
{
    (void)state;
    pt_checklist *cl = parse_minimal();
    const pt_section *s1 = &cl->sections[0];
    assert_string_equal(s1->id, "S1");
    assert_string_equal(s1->title, "Program Pelayanan");
    assert_true(s1->weight == 60.0);
    assert_int_equal(s1->n_items, 2);
    assert_int_equal(s1->line, 13);

    const pt_item *it = &s1->items[0];
    assert_string_equal(it->id, "S1.01");
    assert_int_equal(it->type, PT_ITEM_SCALE);
    assert_string_equal(it->text, "Lembaga memiliki\nrencana program");
    assert_string_equal(it->guidance, "Periksa dokumen");
    assert_null(it->legal_basis);
    assert_string_equal(it->evidence, "dokumen observasi");
    assert_true(it->weight == 2.0);
    assert_int_equal(it->na_allowed, 0);
    assert_null(it->expect);
    assert_int_equal(it->pass_level, 2);
    assert_int_equal(it->line, 15);
    assert_int_equal(it->n_levels, 3);
    for (int i = 0; i < 3; i++) assert_int_equal(it->levels[i].value, i + 1);
    assert_string_equal(it->levels[0].description, "Tidak ada");
    assert_string_equal(it->levels[2].description, "Lengkap");
    assert_non_null(it->gate);
    assert_string_equal(it->gate->cap, "C");
    assert_string_equal(it->gate->severity, "tinggi");
    assert_string_equal(it->gate->agency, "Dinas Sosial");
    assert_string_equal(it->gate->message, "Tanpa rencana");
    pt_checklist_free(cl);
}

static void test_a_yesno_item_keeps_expect_na_and_a_none_cap(void **state)
{
    (void)state;
    pt_checklist *cl = parse_minimal();
    const pt_item *it = &cl->sections[0].items[1];
    assert_string_equal(it->id, "S1.02");
    assert_int_equal(it->type, PT_ITEM_YESNO);
    assert_string_equal(it->expect, "tidak");
    assert_int_equal(it->na_allowed, 1);
    assert_string_equal(it->gate->cap, "none");
    assert_string_equal(it->gate->severity, "kritis");
    pt_checklist_free(cl);
}

static void test_choice_number_and_date_items_are_read(void **state)
{
    (void)state;
    pt_checklist *cl = parse_minimal();
    const pt_item *choice = &cl->sections[1].items[0];
    assert_int_equal(choice->type, PT_ITEM_CHOICE);
    assert_int_equal(choice->n_choices, 3);
    assert_string_equal(choice->choices[0].value, "baik");
    assert_string_equal(choice->choices[0].label, "Baik");
    assert_true(choice->choices[0].score == 1.0);
    assert_true(choice->choices[1].score == 0.5);
    assert_true(choice->choices[2].score == 0.0); /* no score: no credit */
    assert_null(choice->gate);

    const pt_item *number = &cl->sections[1].items[1];
    assert_int_equal(number->type, PT_ITEM_NUMBER);
    assert_string_equal(number->unit, "m2");
    assert_int_equal(number->has_min, 1);
    assert_int_equal(number->has_max, 1);
    assert_true(number->min == 0.0 && number->max == 100.0);
    assert_true(number->weight == 0.0);

    const pt_item *date = &cl->sections[1].items[2];
    assert_int_equal(date->type, PT_ITEM_DATE);
    assert_int_equal(date->has_min, 0);
    assert_int_equal(date->n_levels, 0);
    assert_null(date->levels);
    pt_checklist_free(cl);
}

static void test_items_are_found_by_id_with_their_section(void **state)
{
    (void)state;
    pt_checklist *cl = parse_minimal();
    const pt_section *section = NULL;
    const pt_item *it = pt_checklist_item(cl, "S2.02", &section);
    assert_ptr_equal(it, &cl->sections[1].items[1]);
    assert_ptr_equal(section, &cl->sections[1]);
    assert_ptr_equal(pt_checklist_item(cl, "S1.01", NULL), &cl->sections[0].items[0]);
    section = &cl->sections[0];
    assert_null(pt_checklist_item(cl, "S9.99", &section));
    assert_null(section);
    assert_null(pt_checklist_item(cl, "S1", NULL)); /* a section id is not an item id */
    assert_null(pt_checklist_item(cl, "", NULL));
    pt_checklist_free(cl);
}

static void test_item_type_names_match_the_xml(void **state)
{
    (void)state;
    assert_string_equal(pt_item_type_name(PT_ITEM_YESNO), "yesno");
    assert_string_equal(pt_item_type_name(PT_ITEM_CHOICE), "choice");
    assert_string_equal(pt_item_type_name(PT_ITEM_EVIDENCE), "evidence");
    assert_null(pt_item_type_name((pt_item_type)42));
}

static void test_a_file_loads_with_its_path_as_source_and_the_same_hash(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "uji.xml", MINIMAL);
    pt_checklist *cl = NULL;
    assert_int_equal(pt_checklist_load_file(&cl, path), PT_OK);
    assert_string_equal(cl->source, path);
    assert_string_equal(cl->sha256, MINIMAL_SHA256);
    pt_checklist_free(cl);
    free(path);
    test_tmpdir_remove(dir);
}

static void test_a_missing_file_is_an_io_error_naming_it(void **state)
{
    (void)state;
    pt_checklist *cl = (pt_checklist *)1;
    assert_int_equal(pt_checklist_load_file(&cl, "/nonexistent/uji.xml"), PT_EIO);
    assert_null(cl);
    assert_error_contains("/nonexistent/uji.xml");
}

static void test_freeing_null_does_nothing(void **state)
{
    (void)state;
    pt_checklist_free(NULL);
}

/* ---- semantic errors: each names file, line and item (or section) ---- */

static void test_a_duplicate_item_id_is_refused_with_both_lines(void **state)
{
    (void)state;
    assert_variant_refused("id=\"S2.02\"", "id=\"S1.01\"");
    assert_error_contains("uji.xml:41: item S1.01: duplicate item id (first at line 15)");
}

static void test_a_duplicate_section_id_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("id=\"S2\"", "id=\"S1\"");
    assert_error_contains("uji.xml:31: section S1: duplicate section id (first at line 13)");
}

static void test_weight_zero_on_a_scale_item_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("type=\"scale\" weight=\"2\"", "type=\"scale\" weight=\"0\"");
    assert_error_contains("uji.xml:15: item S1.01: weight must be > 0 for a scale item");
}

static void test_a_yesno_item_without_weight_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("type=\"yesno\" weight=\"3\"", "type=\"yesno\"");
    assert_error_contains("uji.xml:26: item S1.02: weight must be > 0 for a yesno item");
}

static void test_a_section_weight_of_zero_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("weight=\"40\"", "weight=\"0\"");
    assert_error_contains("uji.xml:31: section S2: weight must be > 0");
}

static void test_levels_with_a_gap_are_refused(void **state)
{
    (void)state;
    assert_variant_refused("<level value=\"3\">", "<level value=\"4\">");
    assert_error_contains("uji.xml:22: item S1.01: levels must run 1, 2, 3");
    assert_error_contains("expected level 3, found 4");
}

static void test_a_scale_with_one_level_is_refused(void **state)
{
    (void)state;
    char *xml = variant("        <level value=\"2\">Sebagian</level>\n"
                        "        <level value=\"3\">Lengkap</level>\n", "");
    pt_checklist *cl = NULL;
    assert_int_equal(pt_checklist_parse(&cl, "uji.xml", xml, strlen(xml)), PT_EINVALID);
    assert_error_contains("uji.xml:19: item S1.01: a scale needs at least 2 levels");
    free(xml);
}

static void test_a_gate_cap_that_is_not_a_band_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("cap=\"C\"", "cap=\"D\"");
    assert_error_contains("uji.xml:24: item S1.01: gate cap 'D' is not a band grade (A, B, C) nor 'none'");
}

static void test_a_scale_gate_without_pass_level_is_refused(void **state)
{
    (void)state;
    assert_variant_refused(" pass-level=\"2\"", "");
    assert_error_contains("uji.xml:24: item S1.01: a gate on a scale item needs pass-level");
}

static void test_a_pass_level_beyond_the_levels_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("pass-level=\"2\"", "pass-level=\"4\"");
    assert_error_contains("uji.xml:15: item S1.01: pass-level 4 is not one of the levels 1..3");
}

static void test_a_gate_on_a_number_item_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("<text>Luas kamar</text>",
                           "<text>Luas kamar</text><gate cap=\"C\" severity=\"rendah\" agency=\"X\">m</gate>");
    assert_error_contains("uji.xml:42: item S2.02: a gate applies only to yesno, scale and choice items, not number");
}

static void test_min_greater_than_max_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("min=\"0\" max=\"100\"", "min=\"200\" max=\"100\"");
    assert_error_contains("uji.xml:41: item S2.02: min 200 is greater than max 100");
}

static void test_a_choice_score_above_one_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("score=\"1\"", "score=\"1.5\"");
    assert_error_contains("uji.xml:36: item S2.01: choice 'baik': score 1.5 is outside [0, 1]");
}

static void test_a_repeated_choice_value_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("value=\"buruk\"", "value=\"baik\"");
    assert_error_contains("uji.xml:38: item S2.01: choice 'baik' appears twice");
}

static void test_expect_on_a_scale_item_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("pass-level=\"2\">", "pass-level=\"2\" expect=\"ya\">");
    assert_error_contains("uji.xml:15: item S1.01: expect applies only to yesno items, not scale");
}

static void test_levels_on_a_yesno_item_are_refused(void **state)
{
    (void)state;
    assert_variant_refused("<text>Ada hukuman fisik</text>",
                           "<text>Ada hukuman fisik</text><levels><level value=\"1\">a</level></levels>");
    assert_error_contains("uji.xml:27: item S1.02: levels apply only to scale items, not yesno");
}

static void test_a_duplicate_band_grade_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("grade=\"C\"", "grade=\"A\"");
    assert_error_contains("uji.xml:8: band A: duplicate grade");
}

static void test_a_band_above_the_grading_max_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("min=\"91\"", "min=\"191\"");
    assert_error_contains("uji.xml:7: band A: min 191 is outside 0..100");
}

static void test_an_empty_item_text_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("<text>Luas kamar</text>", "<text>  </text>");
    assert_error_contains("uji.xml:41: item S2.02: text is empty");
}

static void test_an_unknown_item_type_is_refused_by_the_schema(void **state)
{
    (void)state;
    assert_variant_refused("type=\"date\"", "type=\"tanggal\"");
    assert_error_contains("uji.xml:44: ");
    assert_error_contains("attribute 'type'");
    assert_error_contains("'tanggal'");
}

static void test_a_script_path_outside_the_scripts_folder_is_refused(void **state)
{
    (void)state;
    assert_variant_refused("script=\"uji.lua\"", "script=\"../../etc/x.lua\"");
    assert_error_contains("uji.xml:2: ");
    assert_error_contains("attribute 'script'");
}

static void test_a_non_numeric_weight_is_refused_by_the_schema(void **state)
{
    (void)state;
    assert_variant_refused("weight=\"60\"", "weight=\"enam puluh\"");
    assert_error_contains("uji.xml:13: ");
    assert_error_contains("'enam puluh'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_valid_checklist_gives_its_header_fields),
        cmocka_unit_test(test_the_sha256_is_that_of_the_exact_bytes),
        cmocka_unit_test(test_bands_are_sorted_highest_min_first),
        cmocka_unit_test(test_params_keep_value_unit_label_and_default_mark),
        cmocka_unit_test(test_a_scale_item_has_its_levels_gate_and_inner_line_breaks),
        cmocka_unit_test(test_a_yesno_item_keeps_expect_na_and_a_none_cap),
        cmocka_unit_test(test_choice_number_and_date_items_are_read),
        cmocka_unit_test(test_items_are_found_by_id_with_their_section),
        cmocka_unit_test(test_item_type_names_match_the_xml),
        cmocka_unit_test(test_a_file_loads_with_its_path_as_source_and_the_same_hash),
        cmocka_unit_test(test_a_missing_file_is_an_io_error_naming_it),
        cmocka_unit_test(test_freeing_null_does_nothing),
        cmocka_unit_test(test_a_duplicate_item_id_is_refused_with_both_lines),
        cmocka_unit_test(test_a_duplicate_section_id_is_refused),
        cmocka_unit_test(test_weight_zero_on_a_scale_item_is_refused),
        cmocka_unit_test(test_a_yesno_item_without_weight_is_refused),
        cmocka_unit_test(test_a_section_weight_of_zero_is_refused),
        cmocka_unit_test(test_levels_with_a_gap_are_refused),
        cmocka_unit_test(test_a_scale_with_one_level_is_refused),
        cmocka_unit_test(test_a_gate_cap_that_is_not_a_band_is_refused),
        cmocka_unit_test(test_a_scale_gate_without_pass_level_is_refused),
        cmocka_unit_test(test_a_pass_level_beyond_the_levels_is_refused),
        cmocka_unit_test(test_a_gate_on_a_number_item_is_refused),
        cmocka_unit_test(test_min_greater_than_max_is_refused),
        cmocka_unit_test(test_a_choice_score_above_one_is_refused),
        cmocka_unit_test(test_a_repeated_choice_value_is_refused),
        cmocka_unit_test(test_expect_on_a_scale_item_is_refused),
        cmocka_unit_test(test_levels_on_a_yesno_item_are_refused),
        cmocka_unit_test(test_a_duplicate_band_grade_is_refused),
        cmocka_unit_test(test_a_band_above_the_grading_max_is_refused),
        cmocka_unit_test(test_an_empty_item_text_is_refused),
        cmocka_unit_test(test_an_unknown_item_type_is_refused_by_the_schema),
        cmocka_unit_test(test_a_script_path_outside_the_scripts_folder_is_refused),
        cmocka_unit_test(test_a_non_numeric_weight_is_refused_by_the_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
