/*
 * Golden test of the registration-documents instrument, end to end:
 * checklists/verifikasi-tanda-daftar.xml, its script scripts/verifikasi_tanda_daftar.lua (with
 * scripts/lib, documents.lua among them), the sample institutions, the sample visits
 * checklists/samples/visits/tanda-daftar-* and the refused sample
 * checklists/samples/refused/tanda-daftar-mutiara-hati-laporan-mustahil.csv.
 *
 * Every expected figure below is computed by hand from the checklist's weights.
 *
 * The rules (checklist <description>, scripts/lib/sections.lua, the script's header):
 *   credit: yesno 1 if "ya", else 0; choice berlaku 1, kedaluwarsa 0.5, tidak_ada 0;
 *           W3.02 (activity reports, count 0..3) reports / 3 (param laporan_tahun_wajib);
 *           W2.03 (beneficiaries) not scored; unanswered 0 but in the maximum; TB out of it.
 *   section = section weight x sum(credit x w) / sum(w), rounded to 2 decimals.
 *   total   = 100 x sum(section scores) / sum(weights of the sections that count).
 *   grade   L (Lengkap) >= 85, valid 5 years; LB (Lengkap Bersyarat) >= 60, no validity;
 *           else "" (Belum Lengkap). Gates: W1.01 and W1.02 cap none (tinggi, Dinas Sosial),
 *           W2.02 tidak_ada caps LB (tinggi, Dinas Sosial). A mandatory document (W1, W2)
 *           missing, expired or unanswered caps LB, and so does DATA_TIDAK_WAJAR
 *           (beneficiaries > 2 x capacity, param penerima_per_kapasitas_wajar_maks, or any at
 *           capacity 0). Flags: gates in checklist order, then DOKUMEN (missing, non-gate,
 *           sedang) and KEDALUWARSA (expired, rendah) in checklist order, then
 *           DATA_TIDAK_WAJAR.
 *
 * Section weights: W1 40, W2 35, W3 25.
 * Item weights (sum per section when nothing is TB):
 *   W1: W1.01 3, W1.02 3, W1.03 1 (TB allowed), W1.04 2, W1.05 2, W1.06 2        = 13
 *   W2: W2.01 2, W2.02 3, W2.04 2, W2.05 1 (W2.03 count, not scored)              = 8
 *   W3: W3.01 2, W3.02 3 (TB allowed), W3.03 1 (TB allowed), W3.04 2 (TB allowed) = 8
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define CHECKLIST "verifikasi-tanda-daftar"

static const test_instrument TANDA_DAFTAR = {
    .checklist = "checklists/" CHECKLIST ".xml",
    .n_sections = 3,
    .section_ids = {"W1", "W2", "W3"},
    .section_max = {40, 35, 25},
};

static void assert_sections(const pt_score *s, const double expected[3])
{
    assert_sections_of(&TANDA_DAFTAR, s, expected);
}

/* Every flag of this instrument goes to Dinas Sosial, and its messages are checked whole. */
static void assert_flag_exactly(const pt_score *s, size_t i, const char *code,
                                const char *severity, const char *item, const char *message)
{
    assert_flag(s, i, code, severity, "Dinas Sosial", item, message);
    assert_string_equal(s->flags[i].message, message);
}

/* Harapan Bunda (Kota Tangerang, capacity 40), renewal 2026-10-12: every document present
 * and valid.
 *   W1: 3 + 3 + 1 + 2 + 2 + 2 = 13 of 13; 40.00
 *   W2: 2 + 3 + 2 + 1 = 8 of 8; 35.00
 *   W3: 2 + W3.02 3/3 x 3 = 3 + 1 + 2 = 8 of 8; 25.00
 *   total = 100.00 >= 85: L, until 2026-10-12 + 5 years. 32 beneficiaries / 40 = 80%. */
static void a_home_with_every_document_valid_is_complete_for_five_years(void **state)
{
    test_fixture *f = *state;
    pt_visit_import_result r =
        test_import_sample(f->ctx, "tanda-daftar-harapan-bunda-2026-10-12.csv", 1);
    pt_score *s = test_score_visit(f->ctx, r.first_id);

    assert_sections(s, (const double[3]){40.00, 35.00, 25.00});
    assert_cents(s->total, 100.00);
    assert_cents(s->max, 100);
    assert_string_equal(s->grade, "L");
    assert_string_equal(s->grade_label, "Lengkap");
    assert_string_equal(s->valid_until, "2031-10-12");
    assert_int_equal(s->n_flags, 0);
    assert_string_equal(s->sections[1].justification,
                        "Skor 35,00 dari 35 (100%). Tidak ada indikator lemah. Daftar memuat 32 "
                        "penerima manfaat untuk kapasitas terdaftar 40 (80%).");
    assert_string_equal(s->sections[2].justification,
                        "Skor 25,00 dari 25 (100%). Tidak ada indikator lemah. Laporan kegiatan "
                        "3 dari 3 tahun.");
    assert_int_equal(strlen(s->checklist_sha256), 64);
    assert_int_equal(strlen(s->script_sha256), 64);
    pt_score_free(s);
}

/* Tunas Melati (Kota Binjai, capacity 35), the XML sample, 2026-09-08: an average home whose
 * total reaches L but whose expired mandatory documents hold it at LB.
 *   W1 (W1.03 TB, sum w = 12): 3 + 3 + 2 + W1.05 kedaluwarsa 0.5 x 2 = 1 + 2 = 11;
 *       40 x 11/12 = 36.666.. = 36.67
 *   W2: 2 + 3 + W2.04 kedaluwarsa 1 + 1 = 7; 35 x 7/8 = 30.625 = 30.63 (half up)
 *   W3: W3.01 kedaluwarsa 1 + W3.02 2/3 x 3 = 2 + 1 + 2 = 6; 25 x 6/8 = 18.75
 *   total = 36.67 + 30.63 + 18.75 = 86.05 >= 85: band L, capped at LB by W1.05 and W2.04
 *   (W3.01 is not mandatory: it lowers the score, it neither caps nor flags). LB has no
 *   validity. */
static void expired_mandatory_documents_hold_a_high_total_at_lengkap_bersyarat(void **state)
{
    test_fixture *f = *state;
    pt_visit_import_result r =
        test_import_sample(f->ctx, "tanda-daftar-tunas-melati-2026-09-08.xml", 1);
    pt_score *s = test_score_visit(f->ctx, r.first_id);

    assert_sections(s, (const double[3]){36.67, 30.63, 18.75});
    assert_cents(s->total, 86.05);
    assert_string_equal(s->grade, "LB");
    assert_string_equal(s->grade_label, "Lengkap Bersyarat");
    assert_string_equal(s->valid_until, "");
    assert_int_equal(s->n_flags, 2);
    assert_flag_exactly(s, 0, "KEDALUWARSA", "rendah", "W1.05",
                "Dokumen wajib kedaluwarsa atau tidak mutakhir: surat keterangan domisili; "
                "perlu diperbarui.");
    assert_flag_exactly(s, 1, "KEDALUWARSA", "rendah", "W2.04",
                "Dokumen wajib kedaluwarsa atau tidak mutakhir: daftar inventaris aset; perlu "
                "diperbarui.");
    assert_string_equal(s->sections[0].justification,
                        "Skor 36,67 dari 40 (92%). 1 indikator tidak berlaku. Kedaluwarsa atau "
                        "tidak mutakhir: W1.05.");
    assert_string_equal(s->sections[2].justification,
                        "Skor 18,75 dari 25 (75%). Tidak ada indikator lemah. Laporan kegiatan 2 "
                        "dari 3 tahun (kurang 1).");
    pt_score_free(s);
}

/* tanda-daftar-tangerang-2026.csv holds two visits.
 * Cahaya Kasih (capacity 25), renewal 2026-05-12: no legal ratification, no beneficiary list.
 *   W1: 3 + W1.02 tidak 0 + 1 + 2 + 2 + 2 = 10 of 13; 40 x 10/13 = 30.769.. = 30.77
 *   W2: 2 + W2.02 tidak_ada 0 + 2 + 1 = 5 of 8; 35 x 5/8 = 21.875 = 21.88
 *   W3: 2 + 3 + 1 + 2 = 8 of 8; 25.00
 *   total = 30.77 + 21.88 + 25 = 77.65: band LB; caps none (W1.02) and LB (W2.02): none wins.
 *   Gate items raise GATE, not DOKUMEN. W2.03 is TB: no comparison with the capacity.
 * Rumah Singgah Pelita (id 3: unregistered, no registration number, no capacity on record),
 * first application 2026-07-21: a one-person home without deed.
 *   W1 (W1.03 TB, sum w = 12): only W1.05 berlaku 2; 40 x 2/12 = 6.666.. = 6.67
 *   W2: W2.01 tidak 0 + W2.02 kedaluwarsa 1.5 + W2.04 tidak_ada 0 + W2.05 ya 1 = 2.5;
 *       35 x 2.5/8 = 10.9375 = 10.94
 *   W3 (W3.03 TB, sum w = 7): W3.01 0 + W3.02 1/3 x 3 = 1 + W3.04 2 = 3; 25 x 3/7 = 10.714..
 *       = 10.71
 *   total = 6.67 + 10.94 + 10.71 = 28.32 < 60: no grade (and capped none anyway).
 *   Flags: GATE W1.01, GATE W1.02; DOKUMEN W1.04, W1.06, W2.01; KEDALUWARSA W2.02 (a gate
 *   item, but expired is not missing); DOKUMEN W2.04. 14 beneficiaries and no capacity:
 *   nothing divided, said in W2. */
static void missing_deed_or_legal_standing_leaves_no_grade_and_each_missing_document_is_named(
    void **state)
{
    test_fixture *f = *state;
    pt_visit_import_result r = test_import_sample(f->ctx, "tanda-daftar-tangerang-2026.csv", 2);

    pt_score *s = test_score_visit(f->ctx, r.first_id);
    assert_sections(s, (const double[3]){30.77, 21.88, 25.00});
    assert_cents(s->total, 77.65);
    assert_string_equal(s->grade, "");
    assert_string_equal(s->grade_label, "Belum Lengkap");
    assert_string_equal(s->valid_until, "");
    assert_int_equal(s->n_flags, 2);
    assert_flag_exactly(s, 0, "GATE", "tinggi", "W1.02",
                "Lembaga belum berbadan hukum (akta pendirian belum disahkan); tanda daftar "
                "tidak dapat diterbitkan.");
    assert_flag_exactly(s, 1, "GATE", "tinggi", "W2.02",
                "Lembaga tidak memiliki daftar penerima manfaat; jumlah anak yang dilayani tidak "
                "dapat diverifikasi. Peringkat paling tinggi Lengkap Bersyarat.");
    assert_string_equal(s->sections[1].justification, "Skor 21,88 dari 35 (63%). Lemah: W2.02.");
    pt_score_free(s);

    s = test_score_visit(f->ctx, r.last_id);
    assert_sections(s, (const double[3]){6.67, 10.94, 10.71});
    assert_cents(s->total, 28.32);
    assert_string_equal(s->grade, "");
    assert_string_equal(s->grade_label, "Belum Lengkap");
    assert_int_equal(s->n_flags, 7);
    assert_flag_exactly(s, 0, "GATE", "tinggi", "W1.01",
                "Lembaga tidak memiliki akta pendirian; tanda daftar tidak dapat diterbitkan "
                "sampai lembaga berbadan hukum.");
    assert_flag_exactly(s, 1, "GATE", "tinggi", "W1.02",
                "Lembaga belum berbadan hukum (akta pendirian belum disahkan); tanda daftar "
                "tidak dapat diterbitkan.");
    assert_flag_exactly(s, 2, "DOKUMEN", "sedang", "W1.04",
                "Dokumen wajib tidak ada atau tidak sah: anggaran dasar dan anggaran rumah "
                "tangga (AD/ART).");
    assert_flag_exactly(s, 3, "DOKUMEN", "sedang", "W1.06",
                "Dokumen wajib tidak ada atau tidak sah: NPWP atas nama lembaga.");
    assert_flag_exactly(s, 4, "DOKUMEN", "sedang", "W2.01",
                "Dokumen wajib tidak ada atau tidak sah: rekening bank atas nama lembaga.");
    assert_flag_exactly(s, 5, "KEDALUWARSA", "rendah", "W2.02",
                "Dokumen wajib kedaluwarsa atau tidak mutakhir: daftar penerima manfaat; perlu "
                "diperbarui.");
    assert_flag_exactly(s, 6, "DOKUMEN", "sedang", "W2.04",
                "Dokumen wajib tidak ada atau tidak sah: daftar inventaris aset.");
    assert_string_equal(s->sections[1].justification,
                        "Skor 10,94 dari 35 (31%). Lemah: W2.01, W2.04. Kedaluwarsa atau tidak "
                        "mutakhir: W2.02. Kapasitas lembaga belum tercatat; jumlah penerima "
                        "manfaat (14) tidak dibandingkan.");
    assert_string_equal(s->sections[2].justification,
                        "Skor 10,71 dari 25 (43%). 1 indikator tidak berlaku; lemah: W3.01, "
                        "W3.02. Laporan kegiatan 1 dari 3 tahun (kurang 2).");
    pt_score_free(s);
}

/* Sekar Arum (Kabupaten Tegal, capacity 20), first application 2025-04-28: a new home, 4 items
 * TB (W1.03, W3.02, W3.03, W3.04).
 *   W1 (sum w = 12): 12 of 12; 40.00
 *   W2: 8 of 8; 35.00
 *   W3 (sum w = 2): W3.01 kedaluwarsa 0.5 x 2 = 1; 25 x 1/2 = 12.50
 *   total = 40 + 35 + 12.50 = 87.50 >= 85: L, until 2030-04-28. W3.01 is not mandatory, so
 *   its expiry neither caps nor flags. */
static void not_applicable_items_leave_the_maximum_and_optional_documents_do_not_cap(
    void **state)
{
    test_fixture *f = *state;
    pt_visit_import_result r =
        test_import_sample(f->ctx, "tanda-daftar-sekar-arum-2025-04-28.csv", 1);
    pt_score *s = test_score_visit(f->ctx, r.first_id);

    assert_sections(s, (const double[3]){40.00, 35.00, 12.50});
    assert_cents(s->total, 87.50);
    assert_string_equal(s->grade, "L");
    assert_string_equal(s->valid_until, "2030-04-28");
    assert_int_equal(s->n_flags, 0);
    assert_string_equal(s->sections[0].justification,
                        "Skor 40,00 dari 40 (100%). 1 indikator tidak berlaku.");
    assert_string_equal(s->sections[2].justification,
                        "Skor 12,50 dari 25 (50%). 3 indikator tidak berlaku.");
    pt_score_free(s);
}

/* Bina Insani (Kota Binjai, capacity 30), renewal 2026-03-10: 75 beneficiaries listed, more
 * than 2 x 30 = 60: possible (the importer cannot know the capacity) but implausible.
 *   W1: 13 of 13; 40.00.  W2: 8 of 8; 35.00
 *   W3: 2 + W3.02 2/3 x 3 = 2 + W3.03 kedaluwarsa 0.5 + 2 = 6.5; 25 x 6.5/8 = 20.3125 = 20.31
 *   total = 95.31: band L, capped at LB by DATA_TIDAK_WAJAR. 75/30 = 250%. */
static void an_implausible_beneficiary_count_is_flagged_and_caps_the_grade(void **state)
{
    test_fixture *f = *state;
    pt_visit_import_result r =
        test_import_sample(f->ctx, "tanda-daftar-bina-insani-2026-03-10.csv", 1);
    pt_score *s = test_score_visit(f->ctx, r.first_id);

    assert_sections(s, (const double[3]){40.00, 35.00, 20.31});
    assert_cents(s->total, 95.31);
    assert_string_equal(s->grade, "LB");
    assert_string_equal(s->valid_until, "");
    assert_int_equal(s->n_flags, 1);
    assert_flag_exactly(s, 0, "DATA_TIDAK_WAJAR", "sedang", "W2.03",
                "Daftar memuat 75 penerima manfaat, lebih dari 2 kali kapasitas terdaftar (30); "
                "periksa ulang daftar dan data kapasitas sebelum tanda daftar diterbitkan.");
    assert_string_equal(s->sections[1].justification,
                        "Skor 35,00 dari 35 (100%). Tidak ada indikator lemah. Daftar memuat 75 "
                        "penerima manfaat untuk kapasitas terdaftar 30 (250%).");
    pt_score_free(s);
}

/* Mutiara Hati: 5 activity reports for 3 years cannot be: W3.02 has max="3", so the importer
 * refuses the file (line 20 is W3.02's row) and stores nothing of it. */
static void an_impossible_report_count_is_refused_by_the_importer_with_file_line_and_item(
    void **state)
{
    test_fixture *f = *state;
    const char *rel = "checklists/samples/refused/tanda-daftar-mutiara-hati-laporan-mustahil.csv";
    char path[4096];
    snprintf(path, sizeof path, "%s", test_source_path(rel));
    pt_visit_import_result r = {0};
    assert_int_equal(pt_visit_import(f->ctx, path, NULL, &r), PT_EINVALID);
    char expected[4200];
    snprintf(expected, sizeof expected, "%s:20: item W3.02: count must be at most 3, got '5'",
             path);
    assert_error_contains(expected);
    assert_int_equal(r.n_visits, 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit"), 0);
}

/* A registered capacity of 0 with beneficiaries listed: flagged, never divided by.
 * The visit: everything present except W3 (all TB but W3.01 berlaku: 25 x 2/2 = 25.00), so
 * W1 40.00 (W1.03 TB) + W2 35.00 + W3 25.00 = 100.00: band L, capped at LB by the flag. */
static void a_capacity_of_zero_is_flagged_and_nothing_is_divided_by_it(void **state)
{
    test_fixture *f = *state;
    test_add_home(f->ctx, "LKSA-UJI-000", "LKSA Uji Kapasitas Nol", "0");
    char *path = test_write_file(f->dir, "nol.csv",
        "#institution;LKSA-UJI-000\n#checklist;" CHECKLIST "@2025.1\n#date;2026-06-01\n"
        "#type;rutin\n#team;Uji|Dinas Sosial|ketua\nitem;value;note\n"
        "W1.01;ya;\nW1.02;ya;\nW1.03;TB;\nW1.04;ya;\nW1.05;berlaku;\nW1.06;ya;\n"
        "W2.01;ya;\nW2.02;berlaku;\nW2.03;9;\nW2.04;berlaku;\nW2.05;ya;\n"
        "W3.01;berlaku;\nW3.02;TB;\nW3.03;TB;\nW3.04;TB;\n");
    pt_visit_import_result r = test_import_visits(f->ctx, path, 1);
    free(path);
    pt_score *s = test_score_visit(f->ctx, r.first_id);

    assert_sections(s, (const double[3]){40.00, 35.00, 25.00});
    assert_cents(s->total, 100.00);
    assert_string_equal(s->grade, "LB");
    assert_int_equal(s->n_flags, 1);
    assert_flag_exactly(s, 0, "DATA_TIDAK_WAJAR", "sedang", "W2.03",
                "Kapasitas terdaftar 0 tetapi daftar memuat 9 penerima manfaat; periksa ulang "
                "data kapasitas dan daftar.");
    assert_string_equal(s->sections[1].justification,
                        "Skor 35,00 dari 35 (100%). Tidak ada indikator lemah.");
    pt_score_free(s);
}

/* An unanswered mandatory document is not verified: it holds the grade at LB without a flag
 * of its own (the justification lists it as unanswered).
 *   W1 (W1.03 TB, W1.06 unanswered, sum w = 12): 3 + 3 + 2 + 2 = 10; 40 x 10/12 = 33.333..
 *       = 33.33
 *   W2: 8 of 8; 35.00 (W2.03 left out: it is not scored)
 *   W3: 2 + 3 + 1 + 2 = 8 of 8; 25.00
 *   total = 33.33 + 35 + 25 = 93.33: band L, capped at LB. */
static void an_unanswered_mandatory_document_holds_the_grade_at_lengkap_bersyarat(void **state)
{
    test_fixture *f = *state;
    char *path = test_write_file(f->dir, "belum.csv",
        "#institution;LKSA-3328-002\n#checklist;" CHECKLIST "@2025.1\n#date;2026-06-02\n"
        "#type;rutin\n#team;Uji|Dinas Sosial|ketua\nitem;value;note\n"
        "W1.01;ya;\nW1.02;ya;\nW1.03;TB;\nW1.04;ya;\nW1.05;berlaku;\n"
        "W2.01;ya;\nW2.02;berlaku;\nW2.04;berlaku;\nW2.05;ya;\n"
        "W3.01;berlaku;\nW3.02;3;\nW3.03;berlaku;\nW3.04;ya;\n");
    pt_visit_import_result r = test_import_visits(f->ctx, path, 1);
    free(path);
    pt_score *s = test_score_visit(f->ctx, r.first_id);

    assert_sections(s, (const double[3]){33.33, 35.00, 25.00});
    assert_cents(s->total, 93.33);
    assert_string_equal(s->grade, "LB");
    assert_string_equal(s->valid_until, "");
    assert_int_equal(s->n_flags, 0);
    assert_string_equal(s->sections[0].justification,
                        "Skor 33,33 dari 40 (83%). 1 indikator tidak berlaku; belum dijawab "
                        "(dinilai 0): W1.06.");
    pt_score_free(s);
}

/* Every test starts from a fresh database with the checklist and the sample institutions. */
#define TEST(name) \
    cmocka_unit_test_prestate_setup_teardown(name, test_instrument_setup, test_fixture_teardown, \
                                             (void *)&TANDA_DAFTAR)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(a_home_with_every_document_valid_is_complete_for_five_years),
        TEST(expired_mandatory_documents_hold_a_high_total_at_lengkap_bersyarat),
        TEST(missing_deed_or_legal_standing_leaves_no_grade_and_each_missing_document_is_named),
        TEST(not_applicable_items_leave_the_maximum_and_optional_documents_do_not_cap),
        TEST(an_implausible_beneficiary_count_is_flagged_and_caps_the_grade),
        TEST(an_impossible_report_count_is_refused_by_the_importer_with_file_line_and_item),
        TEST(a_capacity_of_zero_is_flagged_and_nothing_is_divided_by_it),
        TEST(an_unanswered_mandatory_document_holds_the_grade_at_lengkap_bersyarat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
