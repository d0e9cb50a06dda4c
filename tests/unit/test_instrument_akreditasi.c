/*
 * Golden test of the first real instrument, end to end: checklists/akreditasi-lksa.xml, its
 * script scripts/akreditasi_lksa.lua (with the helpers in scripts/lib), the sample institutions and
 * every sample visit under checklists/samples/visits/.
 *
 * Every expected figure below is computed by hand from the checklist's weights, so a change
 * in the checklist, the helpers, the import or the scorer that moves a score shows up here.
 *
 * The rules (checklist <description>, scripts/lib/sections.lua):
 *   credit: yesno 1 if the answer is the expected one, else 0; scale with 4 levels
 *           (level-1)/3, so L1 = 0, L2 = 1/3, L3 = 2/3, L4 = 1; choice its score;
 *           S5.01 (m2 per child) 1 when >= 4.5 (param luas_kamar_per_anak_min), else 0;
 *           unanswered 0 but still in the maximum; N/A (TB) out of the maximum.
 *   section = section weight x sum(credit x w) / sum(w), rounded to 2 decimals.
 *   total   = 100 x sum(section scores) / sum(weights of the sections that count).
 *   grade   A >= 91 (5 years), B >= 81 (3 years), C >= 71 (2 years), else "" (Tidak
 *           Terakreditasi); failed gates cap it, the lowest cap wins.
 *
 * Section weights: S1 15, S2 25, S3 15, S4 15, S5 15, S6 15.
 * Item weights (sum per section when nothing is N/A):
 *   S1: S1.01 2, S1.02 3, S1.03 2, S1.04 2, S1.05 1                          = 10
 *   S2: S2.01 2, S2.02 2, S2.03 3, S2.04 2, S2.05 2, S2.06 2, S2.07 3,
 *       S2.08 3, S2.09 1                                                      = 20
 *   S3: S3.01 2, S3.02 2, S3.03 2, S3.04 2, S3.05 1, S3.06 1                 = 10
 *   S4: S4.01 3, S4.02 2, S4.03 2, S4.04 1, S4.05 1, S4.07 1 (S4.06 count)   = 10
 *   S5: S5.01 1, S5.02 2, S5.03 2, S5.04 1, S5.05 2, S5.06 1, S5.07 1       = 10
 *   S6: S6.02 2, S6.03 2, S6.04 2, S6.05 2, S6.06 2 (S6.01 count)           = 10
 * Gates: S1.04 (choice tidak_ada) cap B sedang Dinas Sosial; S2.07 cap C kritis DP3A;
 *        S2.08 cap none kritis Kepolisian; S4.01 cap C tinggi Dinas Sosial.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const test_instrument AKREDITASI = {
    .checklist = "checklists/akreditasi-lksa.xml",
    .n_sections = 6,
    .section_ids = {"S1", "S2", "S3", "S4", "S5", "S6"},
    .section_max = {15, 25, 15, 15, 15, 15},
};

static void assert_sections(const pt_score *s, const double expected[6])
{
    assert_sections_of(&AKREDITASI, s, expected);
}

/* Harapan Bunda (Kota Tangerang), accreditation 2026-03-14, ';' CSV with a decimal comma.
 *   S1 (S1.05 TB, sum w = 9): S1.01 L4 2 + S1.02 L4 3 + S1.03 ya 2 + S1.04 disosialisasikan
 *      1x2 = 9; 15 x 9/9 = 15.00
 *   S2 (S2.08 TB, sum w = 17): 2 + 2 + S2.03 L3 3x2/3 = 2 + 2 + 2 + 2 + S2.07 ya 3 + S2.09 L4 1
 *      = 16; 25 x 16/17 = 23.529.. = 23.53
 *   S3: 2 + 2 + 2 + S3.04 L3 2x2/3 = 4/3 + 1 + 1 = 28/3; 15 x 28/30 = 14.00
 *   S4: 3 + 2 + 2 + S4.04 L3 2/3 + 1 + 1 = 29/3; 15 x 29/30 = 14.50
 *   S5: S5.01 5,5 m2 >= 4,5 -> 1 + 2 + 2 + 1 + S5.05 L3 4/3 + 1 + 1 = 28/3; 14.00
 *   S6: 2 + 2 + S6.04 L3 4/3 + 2 + 2 = 28/3; 14.00
 *   total = 15 + 23.53 + 14 + 14.50 + 14 + 14 = 95.03 >= 91: A, until 2026-03-14 + 5 years.
 *   Ratio 32 children / 5 caregivers = 6,4 (reported in S4, not scored). No flags. */
static void model_home_is_graded_a_for_five_years(void **state)
{
    test_fixture *f = *state;
    pt_visit_import_result r =
        test_import_sample(f->ctx, "harapan-bunda-akreditasi-2026-03-14.csv", 1);
    pt_score *s = test_score_visit(f->ctx, r.first_id);

    assert_sections(s, (const double[6]){15.00, 23.53, 14.00, 14.50, 14.00, 14.00});
    assert_cents(s->total, 95.03);
    assert_cents(s->max, 100);
    assert_string_equal(s->grade, "A");
    assert_string_equal(s->grade_label, "Sangat Baik");
    assert_string_equal(s->valid_until, "2031-03-14");
    assert_int_equal(s->n_flags, 0);
    assert_string_equal(s->sections[0].justification,
                        "Skor 15,00 dari 15 (100%). 1 indikator tidak berlaku.");
    assert_string_equal(s->sections[3].justification,
                        "Skor 14,50 dari 15 (97%). Tidak ada indikator lemah. Rasio 1 pengasuh"
                        " : 6,4 anak (dilaporkan saja; batas rasio resmi belum ditetapkan).");
    assert_int_equal(strlen(s->checklist_sha256), 64);
    assert_int_equal(strlen(s->script_sha256), 64);
    pt_score_free(s);
}

/* binjai-2026-02.csv (',' CSV) holds two visits.
 * Tunas Melati (Kota Binjai), accreditation 2026-02-23: an average home.
 *   S1: S1.01 L3 4/3 + S1.02 L3 3x2/3 = 2 + S1.03 ya 2 + S1.04 tertulis 0.5x2 = 1
 *       + S1.05 L2 1/3 = 20/3; 15 x 20/30 = 10.00
 *   S2: S2.01, S2.02, S2.05, S2.06 L3 4x4/3 = 16/3 + S2.03 L3 2 + S2.04 2 + S2.07 3 + S2.08 3
 *       + S2.09 L3 2/3 = 16; 25 x 16/20 = 20.00
 *   S3: 2 + 2 + S3.03 L3 4/3 + S3.04 L3 4/3 + S3.05 unanswered 0 (w 1 kept) + S3.06
 *       tersimpan 0.5 = 43/6; 15 x 43/60 = 10.75
 *   S4: 3 + S4.02 L3 4/3 + 2 + S4.04 L2 1/3 + 1 + S4.07 mitra 0.5 = 49/6; 15 x 49/60 = 12.25
 *   S5 (S5.07 TB, sum w = 9): S5.01 4.2 < 4.5 -> 0 + 2 + S5.03 L3 4/3 + 1 + S5.05 L2 2/3 + 1
 *       = 6; 15 x 6/9 = 10.00
 *   S6: S6.02 L3 4/3 + S6.03 L4 2 + 3 x L3 4/3 = 22/3; 15 x 22/30 = 11.00
 *   total = 10 + 20 + 10.75 + 12.25 + 10 + 11 = 74.00: C, until 2026-02-23 + 2 years.
 * Bina Insani (Kota Binjai, registration expired), joint monitoring 2026-02-24, few answers:
 *   S1: all unanswered: 0.00
 *   S2 (S2.08 TB, sum w = 17): S2.07 ya 3; 25 x 3/17 = 4.411.. = 4.41
 *   S3: S3.01 ya 2 + S3.02 tidak 0 = 2; 15 x 2/10 = 3.00
 *   S4: S4.01 ya 3 + S4.03 ya 2 = 5; 15 x 5/10 = 7.50
 *   S5: S5.02 ya 2; 15 x 2/10 = 3.00
 *   S6: S6.01 is a count (not scored), the rest unanswered: 0.00
 *   total = 0 + 4.41 + 3 + 7.50 + 3 + 0 = 17.91 < 71: no grade.
 *   Flags: gate S1.04 unanswered (BELUM_DIJAWAB, tinggi) and the expired registration. */
static void average_home_is_graded_c_and_a_second_visit_in_the_file_is_scored_apart(void **state)
{
    test_fixture *f = *state;
    pt_visit_import_result r = test_import_sample(f->ctx, "binjai-2026-02.csv", 2);

    pt_score *s = test_score_visit(f->ctx, r.first_id);
    assert_sections(s, (const double[6]){10.00, 20.00, 10.75, 12.25, 10.00, 11.00});
    assert_cents(s->total, 74.00);
    assert_string_equal(s->grade, "C");
    assert_string_equal(s->grade_label, "Cukup");
    assert_string_equal(s->valid_until, "2028-02-23");
    assert_int_equal(s->n_flags, 0);
    assert_string_equal(s->sections[2].justification,
                        "Skor 10,75 dari 15 (72%). Belum dijawab (dinilai 0): S3.05.");
    assert_string_equal(s->sections[4].justification,
                        "Skor 10,00 dari 15 (67%). 1 indikator tidak berlaku; "
                        "lemah: S5.01, S5.05.");
    pt_score_free(s);

    s = test_score_visit(f->ctx, r.last_id);
    assert_sections(s, (const double[6]){0.00, 4.41, 3.00, 7.50, 3.00, 0.00});
    assert_cents(s->total, 17.91);
    assert_string_equal(s->grade, "");
    assert_string_equal(s->grade_label, "Tidak Terakreditasi");
    assert_string_equal(s->valid_until, "");
    assert_int_equal(s->n_flags, 2);
    assert_flag(s, 0, "BELUM_DIJAWAB", "tinggi", "Dinas Sosial", "S1.04",
                "Indikator gerbang S1.04 belum dijawab");
    assert_flag(s, 1, "TIDAK_TERDAFTAR", "tinggi", "Dinas Sosial", "",
                "Tanda daftar LKS sudah habis masa berlakunya");
    pt_score_free(s);
}

/* Cahaya Kasih (Kota Tangerang), accreditation 2026-01-20: physical punishment found.
 *   S1 (S1.05 TB, sum w = 9): 2 + S1.02 L3 2 + 2 + S1.04 tidak_ada 0 = 6; 15 x 6/9 = 10.00
 *   S2: 2 + 2 + 3 + 2 + 2 + S2.06 L3 4/3 + S2.07 tidak 0 + S2.08 ya 3 + 1 = 49/3;
 *       25 x 49/60 = 20.416.. = 20.42
 *   S3: everything full: 15.00
 *   S4: S4.01 tidak 0 + 2 + 2 + 1 + 1 + 1 = 7; 15 x 7/10 = 10.50
 *   S5 (S5.07 TB, sum w = 9): S5.01 5 -> 1 + 2 + 2 + 1 + 2 + 1 = 9; 15.00
 *   S6: 2 + 2 + 2 + S6.05 L3 4/3 + S6.06 L2 2/3 = 8; 15 x 8/10 = 12.00
 *   total = 10 + 20.42 + 15 + 10.50 + 15 + 12 = 82.92: band B, but the caps are B (S1.04),
 *   C (S2.07), C (S4.01): the lowest, C, holds: until 2026-01-20 + 2 years.
 *   Flags in checklist order, then 30 children > capacity 25. */
static void failed_gates_cap_the_grade_at_the_lowest_cap_and_raise_red_flags(void **state)
{
    test_fixture *f = *state;
    pt_visit_import_result r =
        test_import_sample(f->ctx, "cahaya-kasih-akreditasi-2026-01-20.csv", 1);
    pt_score *s = test_score_visit(f->ctx, r.first_id);

    assert_sections(s, (const double[6]){10.00, 20.42, 15.00, 10.50, 15.00, 12.00});
    assert_cents(s->total, 82.92);
    assert_string_equal(s->grade, "C");
    assert_string_equal(s->grade_label, "Cukup");
    assert_string_equal(s->valid_until, "2028-01-20");
    assert_int_equal(s->n_flags, 4);
    assert_flag(s, 0, "GATE", "sedang", "Dinas Sosial", "S1.04",
                "tidak memiliki kebijakan perlindungan anak tertulis");
    assert_flag(s, 1, "GATE", "kritis", "DP3A", "S2.07", "Ditemukan hukuman fisik");
    assert_flag(s, 2, "GATE", "tinggi", "Dinas Sosial", "S4.01", "belum diskrining");
    assert_flag(s, 3, "KAPASITAS", "sedang", "Dinas Sosial", "S6.01",
                "Jumlah anak yang diasuh (30) melebihi kapasitas terdaftar (25).");
    assert_string_equal(s->sections[1].justification,
                        "Skor 20,42 dari 25 (82%). Lemah: S2.07.");
    pt_score_free(s);
}

/* Sekar Arum (Kabupaten Tegal), routine 2026-04-07: a new home, 8 items N/A, gate S4.01
 * unanswered; ';' CSV, S5.01 = "4,5" exactly the minimum.
 *   S1 (S1.05 TB, sum w = 9): S1.01 L3 4/3 + S1.02 L3 2 + 2 + S1.04 tertulis 1 = 19/3;
 *       15 x 19/27 = 10.555.. = 10.56
 *   S2 (S2.08, S2.09 TB, sum w = 16): 4 x L3 4/3 (S2.01 S2.02 S2.05 S2.06) = 16/3 + S2.03 L3 2
 *       + S2.04 2 + S2.07 3 = 37/3; 25 x 37/48 = 19.270.. = 19.27
 *   S3 (S3.04, S3.05 TB, sum w = 7): 2 + 2 + S3.03 L3 4/3 + 1 = 19/3; 15 x 19/21 = 13.571..
 *       = 13.57
 *   S4 (S4.04 TB, sum w = 9): S4.01 unanswered 0 + S4.02 L3 4/3 + 2 + 1 + mitra 0.5 = 29/6;
 *       15 x 29/54 = 8.055.. = 8.06
 *   S5 (S5.07 TB, sum w = 9): 4,5 >= 4,5 -> 1 + 2 + L3 4/3 + 1 + L3 4/3 + 1 = 23/3;
 *       15 x 23/27 = 12.777.. = 12.78
 *   S6 (S6.05 TB, sum w = 8): L3 4/3 + L4 2 + L3 4/3 + L4 2 = 20/3; 15 x 20/24 = 12.50
 *   total = 10.56 + 19.27 + 13.57 + 8.06 + 12.78 + 12.50 = 76.74: C, until 2028-04-07.
 *   An unanswered gate is flagged but does not cap. */
static void not_applicable_items_leave_the_maximum_and_an_unanswered_gate_is_flagged(void **state)
{
    test_fixture *f = *state;
    pt_visit_import_result r = test_import_sample(f->ctx, "sekar-arum-rutin-2026-04-07.csv", 1);
    pt_score *s = test_score_visit(f->ctx, r.first_id);

    assert_sections(s, (const double[6]){10.56, 19.27, 13.57, 8.06, 12.78, 12.50});
    assert_cents(s->total, 76.74);
    assert_string_equal(s->grade, "C");
    assert_string_equal(s->valid_until, "2028-04-07");
    assert_int_equal(s->n_flags, 1);
    assert_flag(s, 0, "BELUM_DIJAWAB", "tinggi", "Dinas Sosial", "S4.01",
                "Indikator gerbang S4.01 belum dijawab");
    assert_string_equal(s->sections[1].justification,
                        "Skor 19,27 dari 25 (77%). 2 indikator tidak berlaku.");
    assert_string_equal(s->sections[3].justification,
                        "Skor 8,06 dari 15 (54%). 1 indikator tidak berlaku; belum dijawab "
                        "(dinilai 0): S4.01. Rasio 1 pengasuh : 6 anak (dilaporkan saja; batas "
                        "rasio resmi belum ditetapkan).");
    pt_score_free(s);
}

/* Mutiara Hati (Kabupaten Tegal), joint monitoring 2026-05-19, the XML sample: a suspicion of
 * abuse was not reported.
 *   S1 (S1.05 N/A, sum w = 9): L3 4/3 + L3 2 + 2 + 2 = 22/3; 15 x 22/27 = 12.222.. = 12.22
 *   S2: S2.01 L4 2 + S2.02 L3 4/3 + S2.03 L3 2 + 2 + S2.05 L3 4/3 + S2.06 L4 2 + 3
 *       + S2.08 tidak 0 + S2.09 L3 2/3 = 43/3; 25 x 43/60 = 17.916.. = 17.92
 *   S3: 2 + 2 + 2 + 2 + S3.05 L3 2/3 + 1 = 29/3; 14.50
 *   S4: 3 + L3 4/3 + 2 + L3 2/3 + 1 + 1 = 9; 13.50
 *   S5: S5.01 6 -> 1 + 2 + L3 4/3 + 1 + L3 4/3 + 1 + 1 = 26/3; 13.00
 *   S6: 2 + 2 + L3 4/3 + L3 4/3 + 2 = 26/3; 13.00
 *   total = 12.22 + 17.92 + 14.50 + 13.50 + 13 + 13 = 84.14: band B, capped to none by S2.08. */
static void a_cap_of_none_removes_the_grade_whatever_the_total(void **state)
{
    test_fixture *f = *state;
    pt_visit_import_result r =
        test_import_sample(f->ctx, "mutiara-hati-gabungan-2026-05-19.xml", 1);
    pt_score *s = test_score_visit(f->ctx, r.first_id);

    assert_sections(s, (const double[6]){12.22, 17.92, 14.50, 13.50, 13.00, 13.00});
    assert_cents(s->total, 84.14);
    assert_string_equal(s->grade, "");
    assert_string_equal(s->grade_label, "Tidak Terakreditasi");
    assert_string_equal(s->valid_until, "");
    assert_int_equal(s->n_flags, 1);
    assert_flag(s, 0, "GATE", "kritis", "Kepolisian", "S2.08",
                "tidak dilaporkan ke Dinas Sosial atau Kepolisian");
    pt_score_free(s);
}

/* What pt_score_visit stored is what it returned, and scoring again changes nothing. */
static void the_stored_score_matches_and_rescoring_is_idempotent(void **state)
{
    test_fixture *f = *state;
    pt_visit_import_result r =
        test_import_sample(f->ctx, "cahaya-kasih-akreditasi-2026-01-20.csv", 1);
    pt_score_free(test_score_visit(f->ctx, r.first_id));
    pt_score *again = test_score_visit(f->ctx, r.first_id);

    pt_score *stored = NULL;
    if (pt_score_get(f->ctx, r.first_id, &stored) != 0)
        fail_msg("pt_score_get: %s", pt_error_last());
    assert_cents(stored->total, 82.92);
    assert_cents(again->total, 82.92);
    assert_string_equal(stored->grade, "C");
    assert_string_equal(stored->valid_until, "2028-01-20");
    assert_int_equal(stored->n_sections, 6);
    assert_cents(stored->sections[1].score, 20.42);
    assert_int_equal(stored->n_flags, 4);
    assert_string_equal(stored->flags[1].item_id, "S2.07");
    assert_string_equal(stored->script_sha256, again->script_sha256);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score_flag"), 4);
    pt_score_free(stored);
    pt_score_free(again);
}

/* Every test starts from a fresh database with the checklist and the sample institutions. */
#define TEST(name) \
    cmocka_unit_test_prestate_setup_teardown(name, test_instrument_setup, test_fixture_teardown, \
                                             (void *)&AKREDITASI)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(model_home_is_graded_a_for_five_years),
        TEST(average_home_is_graded_c_and_a_second_visit_in_the_file_is_scored_apart),
        TEST(failed_gates_cap_the_grade_at_the_lowest_cap_and_raise_red_flags),
        TEST(not_applicable_items_leave_the_maximum_and_an_unanswered_gate_is_flagged),
        TEST(a_cap_of_none_removes_the_grade_whatever_the_total),
        TEST(the_stored_score_matches_and_rescoring_is_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
