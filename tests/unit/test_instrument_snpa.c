/*
 * Golden test of the SNPA monitoring instrument, end to end: checklists/pemantauan-snpa.xml, its
 * script scripts/pemantauan_snpa.lua (with the helpers in scripts/lib, measures.lua among them),
 * the sample institutions and every sample visit checklists/samples/visits/snpa-*.
 *
 * Every expected figure below is computed by hand from the checklist's weights, so a change in
 * the checklist, the helpers, the import or the scorer that moves a score shows up here.
 *
 * The rules (checklist <description>, scripts/lib/sections.lua, scripts/pemantauan_snpa.lua):
 *   credit: yesno 1 if the answer is the expected one, else 0; scale with 4 levels (level-1)/3,
 *           so L1 = 0, L2 = 1/3, L3 = 2/3, L4 = 1;
 *           P3.02 (children without a birth certificate) 1 - P3.02/P3.01;
 *           P5.01 (m2 of the most crowded bedroom) 1 when P5.01/P5.02 >= 4.5
 *                 (param luas_kamar_per_anak_min), else 0;
 *           P5.03 (cupboards) 1 when P5.03/P3.01 >= 1 (param lemari_per_anak_min), else 0;
 *           impossible counts (DATA_TIDAK_WAJAR) 0; unanswered 0 but still in the maximum;
 *           N/A (TB) out of the maximum.
 *   section = section weight x sum(credit x w) / sum(w), rounded to 2 decimals.
 *   total   = 100 x sum(section scores) / sum(weights of the sections that count).
 *   grade   M >= 85 (Memenuhi), MS >= 70 (Memenuhi Sebagian), PP >= 0 (Perlu Pembinaan), all
 *           valid 1 year; a failed gate caps it (P4.01 and P4.05 at PP, P4.06 at none: no grade,
 *           "Perlu Tindakan Segera").
 *
 * Section weights: P1 15, P2 15, P3 20, P4 25, P5 15, P6 10.
 * Item weights (sum per section when nothing is N/A):
 *   P1: P1.01 2, P1.02 3, P1.03 3, P1.04 2                                   = 10
 *   P2: P2.01 2, P2.02 2, P2.03 3, P2.04 2, P2.05 1                          = 10
 *   P3: P3.02 3, P3.03 1, P3.04 2, P3.05 2, P3.06 2 (P3.01 count)            = 10
 *   P4: P4.01 3, P4.02 2, P4.03 1, P4.04 1, P4.05 3, P4.06 3, P4.07 2        = 15
 *   P5: P5.01 2, P5.03 1, P5.04 2, P5.05 2, P5.06 1, P5.07 2 (P5.02 count)   = 10
 *   P6: P6.02 2, P6.03 3 (P6.01 count)                                       =  5
 * Gates: P4.01 cap PP tinggi Dinas Sosial; P4.05 cap PP kritis DP3A; P4.06 cap none kritis
 *        Kepolisian.
 * Ratio children per resident caregiver (P3.01 / P6.01): reported, never scored; flagged
 * RASIO_PENGASUH above 10 (param anak_per_pengasuh_maks, pantau's default, not official).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const test_instrument SNPA = {
    .checklist = "checklists/pemantauan-snpa.xml",
    .n_sections = 6,
    .section_ids = {"P1", "P2", "P3", "P4", "P5", "P6"},
    .section_max = {15, 15, 20, 25, 15, 10},
};

static void assert_sections(const pt_score *s, const double expected[6])
{
    assert_sections_of(&SNPA, s, expected);
}

/* Harapan Bunda (Kota Tangerang), routine 2026-09-08, ';' CSV: a model home.
 *   P1: 2 + 3 + 3 + P1.04 L4 2 = 10; 15.00
 *   P2: 2 + 2 + 3 + P2.04 L3 2x2/3 = 4/3 + 1 = 28/3; 15 x 28/30 = 14.00
 *   P3 (P3.03 TB, sum w = 9): P3.02 0 of 32 -> 1 x 3 + 2 + 2 + P3.06 L3 4/3 = 25/3;
 *       20 x 25/27 = 18.518.. = 18.52
 *   P4 (P4.06 TB, sum w = 12): everything full: 25.00
 *   P5: P5.01 10 m2 / 2 = 5 >= 4.5 -> 2 + P5.03 32 / 32 = 1 >= 1 -> 1 + 2 + 2 + 1
 *       + P5.07 L3 4/3 = 28/3; 15 x 28/30 = 14.00
 *   P6: 2 + 3 = 5; 10.00. Ratio 32 / 5 = 6,4 <= 10: reported, no flag.
 *   total = 15 + 14 + 18.52 + 25 + 14 + 10 = 96.52 >= 85: M, until 2026-09-08 + 1 year. */
static void model_home_meets_the_standard_for_one_year_without_flags(void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "snpa-harapan-bunda-2026-09-08.csv");

    assert_sections(s, (const double[6]){15.00, 14.00, 18.52, 25.00, 14.00, 10.00});
    assert_cents(s->total, 96.52);
    assert_cents(s->max, 100);
    assert_string_equal(s->grade, "M");
    assert_string_equal(s->grade_label, "Memenuhi");
    assert_string_equal(s->valid_until, "2027-09-08");
    assert_int_equal(s->n_flags, 0);
    assert_string_equal(s->sections[2].justification,
                        "Skor 18,52 dari 20 (93%). 1 indikator tidak berlaku. Semua 32 anak "
                        "memiliki akta kelahiran.");
    assert_string_equal(s->sections[4].justification,
                        "Skor 14,00 dari 15 (93%). Tidak ada indikator lemah. Luas kamar terpadat "
                        "5 m² per anak (minimum 4,5 m²). Lemari 1 per anak (32 lemari untuk 32 "
                        "anak).");
    assert_string_equal(s->sections[5].justification,
                        "Skor 10,00 dari 10 (100%). Tidak ada indikator lemah. Rasio 1 pengasuh : "
                        "6,4 anak (batas 10 adalah bawaan pantau, bukan angka resmi; tidak "
                        "dinilai).");
    assert_int_equal(strlen(s->script_sha256), 64);
    pt_score_free(s);
}

/* Tunas Melati (Kota Binjai), routine 2026-07-15, ',' CSV: an average home.
 *   P1: 2 + P1.02 L3 2 + P1.03 L3 2 + P1.04 L3 4/3 = 22/3; 15 x 22/30 = 11.00
 *   P2: P2.01 L3 4/3 + P2.02 L3 4/3 + P2.03 L3 2 + P2.04 L2 2/3 + P2.05 unanswered 0 (w 1 kept)
 *       = 16/3; 15 x 16/30 = 8.00
 *   P3: P3.02 7 of 28 -> 1 - 1/4 = 3/4 x 3 = 9/4 + P3.03 ya 1 + L3 4/3 + L3 4/3 + P3.06 L2 2/3
 *       = 9/4 + 13/3 = 79/12; 20 x 79/120 = 13.166.. = 13.17
 *   P4: 3 + L3 4/3 + P4.03 L2 1/3 + 1 + 3 + 3 + L3 4/3 = 13; 25 x 13/15 = 21.666.. = 21.67
 *   P5: P5.01 16 m2 / 4 = 4 < 4.5 -> 0 + P5.03 24 / 28 = 0,86 < 1 -> 0 + 2 + L3 4/3 + 1
 *       + L3 4/3 = 17/3; 15 x 17/30 = 8.50
 *   P6: 2 + L3 2 = 4; 10 x 4/5 = 8.00
 *   total = 11 + 8 + 13.17 + 21.67 + 8.50 + 8 = 70.34 >= 70: MS, until 2027-07-15.
 *   Flags: 7 children without a birth certificate (> 0), 4 m2 per child, 4 cupboards short
 *   (28 - 24), 28 / 2 = 14 children per caregiver > 10. */
static void average_home_partly_meets_and_each_derived_measure_raises_its_flag(void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "snpa-tunas-melati-2026-07-15.csv");

    assert_sections(s, (const double[6]){11.00, 8.00, 13.17, 21.67, 8.50, 8.00});
    assert_cents(s->total, 70.34);
    assert_string_equal(s->grade, "MS");
    assert_string_equal(s->grade_label, "Memenuhi Sebagian");
    assert_string_equal(s->valid_until, "2027-07-15");
    assert_int_equal(s->n_flags, 4);
    assert_flag(s, 0, "AKTA_KELAHIRAN", "sedang", "Disdukcapil", "P3.02",
                "7 dari 28 anak (25%) belum memiliki akta kelahiran; bantu pengurusan melalui "
                "Disdukcapil");
    assert_flag(s, 1, "LUAS_KAMAR", "sedang", "Dinas Sosial", "P5.01",
                "Kamar tidur terpadat 16 m² untuk 4 anak (4 m² per anak), di bawah 4,5 m² per "
                "anak");
    assert_flag(s, 2, "LEMARI", "rendah", "Dinas Sosial", "P5.03",
                "Kurang 4 lemari: 24 lemari untuk 28 anak");
    assert_flag(s, 3, "RASIO_PENGASUH", "sedang", "Dinas Sosial", "P6.01",
                "Rasio 1 pengasuh : 14 anak melebihi 10 anak per pengasuh; batas ini bawaan "
                "pantau, bukan angka resmi.");
    assert_string_equal(s->sections[1].justification,
                        "Skor 8,00 dari 15 (53%). Belum dijawab (dinilai 0): P2.05; lemah: P2.04.");
    assert_string_equal(s->sections[2].justification,
                        "Skor 13,17 dari 20 (66%). Lemah: P3.06. Anak tanpa akta kelahiran: 7 dari "
                        "28 (25%).");
    assert_string_equal(s->sections[4].justification,
                        "Skor 8,50 dari 15 (57%). Lemah: P5.01, P5.03. Luas kamar terpadat 4 m² "
                        "per anak (minimum 4,5 m²). Lemari 0,86 per anak: kurang 4 lemari untuk 28 "
                        "anak.");
    pt_score_free(s);
}

/* Cahaya Kasih (Kota Tangerang), routine 2026-06-10: physical punishment found and two
 * volunteers not screened; everything else nearly full.
 *   P1 (P1.04 TB): 15.00;  P2: 15.00;  P3 (P3.03 TB, 0 of 30 without certificate): 20.00
 *   P4: P4.01 tidak 0 + L3 4/3 + L4 1 + 1 + P4.05 tidak 0 + P4.06 ya 3 + P4.07 L2 2/3 = 7;
 *       25 x 7/15 = 11.666.. = 11.67
 *   P5: P5.01 9 m2 / 2 = 4.5, exactly the minimum -> 1; 30 cupboards for 30 children: 15.00
 *   P6: 10.00; ratio 30 / 3 = 10, exactly the limit: no flag.
 *   total = 15 + 15 + 20 + 11.67 + 15 + 10 = 86.67: band M, but both failed gates cap at PP:
 *   Perlu Pembinaan, until 2027-06-10. Flags in checklist order. */
static void failed_protection_gates_cap_a_high_total_at_perlu_pembinaan(void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "snpa-cahaya-kasih-2026-06-10.csv");

    assert_sections(s, (const double[6]){15.00, 15.00, 20.00, 11.67, 15.00, 10.00});
    assert_cents(s->total, 86.67);
    assert_string_equal(s->grade, "PP");
    assert_string_equal(s->grade_label, "Perlu Pembinaan");
    assert_string_equal(s->valid_until, "2027-06-10");
    assert_int_equal(s->n_flags, 2);
    assert_flag(s, 0, "GATE", "tinggi", "Dinas Sosial", "P4.01", "belum diskrining");
    assert_flag(s, 1, "GATE", "kritis", "DP3A", "P4.05", "Ditemukan hukuman fisik");
    assert_string_equal(s->sections[3].justification,
                        "Skor 11,67 dari 25 (47%). Lemah: P4.01, P4.05, P4.07.");
    assert_string_equal(s->sections[5].justification,
                        "Skor 10,00 dari 10 (100%). Tidak ada indikator lemah. Rasio 1 pengasuh : "
                        "10 anak (batas 10 adalah bawaan pantau, bukan angka resmi; tidak "
                        "dinilai).");
    pt_score_free(s);
}

/* Mutiara Hati (Kabupaten Tegal), complaint follow-up 2026-10-02, the XML sample: a suspicion
 * of abuse was not reported.
 *   P1 (P1.04 TB, sum w = 8): 2 + L3 2 + L3 2 = 6; 15 x 6/8 = 11.25
 *   P2: L3 4/3 + L3 4/3 + L3 2 + L3 4/3 + 1 = 7; 15 x 7/10 = 10.50
 *   P3: P3.02 2 of 26 -> 24/26 = 12/13 x 3 = 36/13 + 1 + L3 4/3 + L4 2 + L3 4/3 = 329/39;
 *       20 x 329/390 = 16.871.. = 16.87
 *   P4: 3 + L3 4/3 + L3 2/3 + 1 + 3 + P4.06 tidak 0 + L3 4/3 = 31/3; 25 x 31/45 = 17.222..
 *       = 17.22
 *   P5: 12.5 m2 / 2 = 6.25 -> 2 + 26 / 26 -> 1 + 2 + L3 4/3 + 1 + L3 4/3 = 26/3; 13.00
 *   P6: 2 + L3 2 = 4; 8.00
 *   total = 11.25 + 10.50 + 16.87 + 17.22 + 13 + 8 = 76.84: band MS, capped to none by P4.06:
 *   no grade, "Perlu Tindakan Segera", no validity. 2 of 26 = 7.7% -> "8%". */
static void unreported_abuse_removes_the_result_whatever_the_total(void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "snpa-mutiara-hati-2026-10-02.xml");

    assert_sections(s, (const double[6]){11.25, 10.50, 16.87, 17.22, 13.00, 8.00});
    assert_cents(s->total, 76.84);
    assert_string_equal(s->grade, "");
    assert_string_equal(s->grade_label, "Perlu Tindakan Segera");
    assert_string_equal(s->valid_until, "");
    assert_int_equal(s->n_flags, 2);
    assert_flag(s, 0, "GATE", "kritis", "Kepolisian", "P4.06",
                "tidak dilaporkan ke Dinas Sosial atau Kepolisian");
    assert_flag(s, 1, "AKTA_KELAHIRAN", "sedang", "Disdukcapil", "P3.02",
                "2 dari 26 anak (8%) belum memiliki akta kelahiran");
    pt_score_free(s);
}

/* Sekar Arum (Kabupaten Tegal), routine 2026-05-12: a new home, 4 items N/A; ';' CSV with a
 * decimal comma (P5.01 "13,5").
 *   P1 (P1.04 TB, sum w = 8): 2 + L3 2 + L3 2 = 6; 15 x 6/8 = 11.25
 *   P2: L3 4/3 + L3 4/3 + L3 2 + L4 2 + 1 = 23/3; 15 x 23/30 = 11.50
 *   P3 (P3.03 TB, sum w = 9): 0 of 12 -> 3 + L3 4/3 + L4 2 + L3 4/3 = 23/3; 20 x 23/27
 *       = 17.037.. = 17.04
 *   P4 (P4.03, P4.06 TB, sum w = 11): 3 + L3 4/3 + 1 + 3 + L3 4/3 = 29/3; 25 x 29/33
 *       = 21.969.. = 21.97
 *   P5: 13,5 m2 / 3 = 4.5 -> 2 + 12 / 12 -> 1 + 2 + L3 4/3 + 1 + L3 4/3 = 26/3; 13.00
 *   P6: 2 + 3 = 5; 10.00 (ratio 12 / 2 = 6)
 *   total = 11.25 + 11.50 + 17.04 + 21.97 + 13 + 10 = 84.76 < 85: MS, until 2027-05-12. */
static void not_applicable_items_leave_the_maximum(void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "snpa-sekar-arum-2026-05-12.csv");

    assert_sections(s, (const double[6]){11.25, 11.50, 17.04, 21.97, 13.00, 10.00});
    assert_cents(s->total, 84.76);
    assert_string_equal(s->grade, "MS");
    assert_string_equal(s->valid_until, "2027-05-12");
    assert_int_equal(s->n_flags, 0);
    assert_string_equal(s->sections[3].justification,
                        "Skor 21,97 dari 25 (88%). 2 indikator tidak berlaku.");
    assert_string_equal(s->sections[4].justification,
                        "Skor 13,00 dari 15 (87%). Tidak ada indikator lemah. Luas kamar terpadat "
                        "4,5 m² per anak (minimum 4,5 m²). Lemari 1 per anak (12 lemari untuk 12 "
                        "anak).");
    pt_score_free(s);
}

/* Bina Insani (Kota Binjai), routine 2026-03-03: counts that cannot be true. 25 children
 * without a birth certificate among 22, 0 children in an 18 m2 bedroom, 0 resident caregivers
 * for 22 children. Each is flagged DATA_TIDAK_WAJAR, its measure earns 0, nothing divides by 0.
 *   P1: 2 + L3 2 + P1.03 L2 1 + P1.04 L2 2/3 = 17/3; 15 x 17/30 = 8.50
 *   P2: L3 4/3 + L2 2/3 + L3 2 + L2 2/3 + P2.05 tidak 0 = 14/3; 15 x 14/30 = 7.00
 *   P3: P3.02 impossible 0 + 1 + L2 2/3 + L3 4/3 + L2 2/3 = 11/3; 20 x 11/30 = 7.333.. = 7.33
 *   P4 (P4.06 TB, sum w = 12): 3 + L2 2/3 + L2 1/3 + P4.04 tidak 0 + 3 + L3 4/3 = 25/3;
 *       25 x 25/36 = 17.361.. = 17.36
 *   P5: P5.01 impossible 0 + 22 / 22 -> 1 + P5.04 tidak 0 + L2 2/3 + 1 + L2 2/3 = 10/3;
 *       15 x 10/30 = 5.00
 *   P6: 2 + L2 1 = 3; 10 x 3/5 = 6.00
 *   total = 8.50 + 7 + 7.33 + 17.36 + 5 + 6 = 51.19: PP, until 2027-03-03. */
static void impossible_counts_are_flagged_and_never_divided(void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "snpa-bina-insani-2026-03-03.csv");

    assert_sections(s, (const double[6]){8.50, 7.00, 7.33, 17.36, 5.00, 6.00});
    assert_cents(s->total, 51.19);
    assert_string_equal(s->grade, "PP");
    assert_string_equal(s->grade_label, "Perlu Pembinaan");
    assert_string_equal(s->valid_until, "2027-03-03");
    assert_int_equal(s->n_flags, 3);
    assert_flag(s, 0, "DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", "P3.02",
                "Jumlah anak tanpa akta kelahiran (25) melebihi jumlah anak yang diasuh (22)");
    assert_flag(s, 1, "DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", "P5.02",
                "Jumlah anak di kamar terpadat 0 untuk kamar seluas 18 m²");
    assert_flag(s, 2, "DATA_TIDAK_WAJAR", "tinggi", "Dinas Sosial", "P6.01",
                "Tidak ada pengasuh yang tercatat tinggal di lembaga untuk 22 anak");
    assert_string_equal(s->sections[2].justification,
                        "Skor 7,33 dari 20 (37%). Lemah: P3.02, P3.04, P3.06. Bagian anak tanpa "
                        "akta kelahiran tidak dapat dihitung: data tidak wajar (bagian melebihi "
                        "jumlah keseluruhan).");
    assert_string_equal(s->sections[4].justification,
                        "Skor 5,00 dari 15 (33%). Lemah: P5.01, P5.04, P5.05, P5.07. Luas kamar "
                        "per anak tidak dapat dihitung: data tidak wajar (pembagi bernilai 0). "
                        "Lemari 1 per anak (22 lemari untuk 22 anak).");
    assert_string_equal(s->sections[5].justification,
                        "Skor 6,00 dari 10 (60%). Lemah: P6.03. Rasio anak per pengasuh tidak "
                        "dapat dihitung: data tidak wajar (pembagi bernilai 0).");
    pt_score_free(s);
}

/* Three visits of one file, written here because they exist only to corner the measures:
 *   1. no children at all: one DATA_TIDAK_WAJAR on P3.01, the per-child measures say why they
 *      were not computed, the room (10 m2 / 2) still earns its credit; the ratio is silent.
 *   2. 6 children in the most crowded room of a home with 5: DATA_TIDAK_WAJAR on P5.02.
 *   3. P3.01 unanswered: the per-child measures earn 0 and name the missing item; the
 *      unanswered measure item P5.01 stays in the maximum.
 * In each, gates P4.01 and P4.05 are "ya" and P4.06 TB (P4 sum w = 12, earned 6:
 * 25 x 6/12 = 12.50), everything else unanswered.
 *   1. P3: P3.02 0 (credit 0) over w 10: 0.00. P5: P5.01 2 over w 10: 15 x 2/10 = 3.00.
 *      total = 12.50 + 3 = 15.50: PP.
 *   2. P5: P5.01 impossible 0: 0.00. total 12.50.
 *   3. P3: 0.00. P5: P5.03 0 + P5.04 ya 2 = 2 over w 10 (P5.01 unanswered, kept):
 *      15 x 2/10 = 3.00 (not 15 x 2/8). total 15.50. */
static void counts_without_children_or_with_a_missing_base_are_explained_not_divided(void **state)
{
    test_fixture *f = *state;
    static const char csv[] =
        "#institution;LKSA-3671-001\n#checklist;pemantauan-snpa@2025.1\n#date;2026-11-02\n"
        "#type;rutin\nitem;value;note\n"
        "P3.01;0;\nP3.02;0;\nP4.01;ya;\nP4.05;ya;\nP4.06;TB;\nP5.01;10;\nP5.02;2;\nP5.03;5;\n"
        "P6.01;2;\n"
        "#institution;LKSA-3671-001\n#checklist;pemantauan-snpa@2025.1\n#date;2026-11-03\n"
        "#type;rutin\nitem;value;note\n"
        "P3.01;5;\nP4.01;ya;\nP4.05;ya;\nP4.06;TB;\nP5.01;30;\nP5.02;6;\n"
        "#institution;LKSA-3671-001\n#checklist;pemantauan-snpa@2025.1\n#date;2026-11-04\n"
        "#type;rutin\nitem;value;note\n"
        "P3.02;1;\nP4.01;ya;\nP4.05;ya;\nP4.06;TB;\nP5.03;4;\nP5.04;ya;\n";
    char *path = test_write_file(f->dir, "pojok.csv", csv);
    pt_visit_import_result r = test_import_visits(f->ctx, path, 3);
    free(path);

    pt_score *s = test_score_visit(f->ctx, r.first_id);
    assert_sections(s, (const double[6]){0, 0, 0, 12.50, 3.00, 0});
    assert_cents(s->total, 15.50);
    assert_string_equal(s->grade, "PP");
    assert_int_equal(s->n_flags, 1);
    assert_flag(s, 0, "DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", "P3.01",
                "Jumlah anak yang diasuh 0: ukuran per anak tidak dapat dihitung");
    assert_string_equal(s->sections[2].justification,
                        "Skor 0,00 dari 20 (0%). Belum dijawab (dinilai 0): P3.03, P3.04, P3.05, "
                        "P3.06; lemah: P3.02. Bagian anak tanpa akta kelahiran tidak dapat "
                        "dihitung: jumlah anak 0.");
    assert_string_equal(s->sections[4].justification,
                        "Skor 3,00 dari 15 (20%). Belum dijawab (dinilai 0): P5.04, P5.05, P5.06, "
                        "P5.07; lemah: P5.03. Luas kamar terpadat 5 m² per anak (minimum 4,5 m²). "
                        "Lemari per anak tidak dapat dihitung: jumlah anak 0.");
    assert_string_equal(s->sections[5].justification,
                        "Skor 0,00 dari 10 (0%). Belum dijawab (dinilai 0): P6.02, P6.03.");
    pt_score_free(s);

    s = test_score_visit(f->ctx, r.first_id + 1);
    assert_sections(s, (const double[6]){0, 0, 0, 12.50, 0, 0});
    assert_cents(s->total, 12.50);
    assert_int_equal(s->n_flags, 1);
    assert_flag(s, 0, "DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", "P5.02",
                "Jumlah anak di kamar terpadat (6) melebihi jumlah anak yang diasuh (5)");
    pt_score_free(s);

    s = test_score_visit(f->ctx, r.last_id);
    assert_sections(s, (const double[6]){0, 0, 0, 12.50, 3.00, 0});
    assert_cents(s->total, 15.50);
    assert_int_equal(s->n_flags, 0);
    assert_string_equal(s->sections[2].justification,
                        "Skor 0,00 dari 20 (0%). Belum dijawab (dinilai 0): P3.03, P3.04, P3.05, "
                        "P3.06; lemah: P3.02. Bagian anak tanpa akta kelahiran tidak dapat "
                        "dihitung: P3.01 belum dijawab.");
    assert_string_equal(s->sections[4].justification,
                        "Skor 3,00 dari 15 (20%). Belum dijawab (dinilai 0): P5.01, P5.05, P5.06, "
                        "P5.07; lemah: P5.03. Lemari per anak tidak dapat dihitung: P3.01 belum "
                        "dijawab.");
    pt_score_free(s);
}

/* A copy of the checklist without its <params> (under another version) must not score: the
 * script refuses to guess a threshold and names the parameter it lacks. */
static void a_checklist_without_the_thresholds_is_refused_by_the_script(void **state)
{
    test_fixture *f = *state;
    size_t len = 0;
    char *xml = test_read_file(test_source_path("checklists/pemantauan-snpa.xml"), &len);
    char *open = strstr(xml, "<params>");
    char *close = strstr(xml, "</params>");
    assert_non_null(open);
    assert_non_null(close);
    close += strlen("</params>");
    memmove(open, close, strlen(close) + 1);
    char *version = strstr(xml, "version=\"2025.1\"");
    assert_non_null(version);
    memcpy(version, "version=\"2025.x\"", strlen("version=\"2025.x\""));

    pt_checklist *cl = NULL;
    if (pt_checklist_parse(&cl, "tanpa-params.xml", xml, strlen(xml)) != 0)
        fail_msg("parse: %s", pt_error_last());
    free(xml);
    int created = 0;
    if (pt_checklist_store(f->ctx, cl, NULL, &created) != 0)
        fail_msg("store: %s", pt_error_last());
    pt_checklist_free(cl);

    char *path = test_write_file(f->dir, "tanpa-params.csv",
                                 "#institution;LKSA-3671-001\n#checklist;pemantauan-snpa@2025.x\n"
                                 "#date;2026-11-02\n#type;rutin\nitem;value;note\n"
                                 "P3.01;10;\nP5.01;10;\nP5.02;2;\n");
    pt_visit_import_result r = test_import_visits(f->ctx, path, 1);
    free(path);

    pt_score *s = NULL;
    assert_true(pt_score_visit(f->ctx, r.first_id, &s) < 0);
    assert_null(s);
    assert_error_contains("pemantauan_snpa.lua");
    assert_error_contains("parameter luas_kamar_per_anak_min tidak ada di daftar periksa");
    /* the line named is the script's that asked for the parameter, not the helper's */
    if (strstr(pt_error_last(), "measures.lua"))
        fail_msg("error \"%s\" points into the helper", pt_error_last());
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score"), 0);
}

/* Every test starts from a fresh database with the checklist and the sample institutions. */
#define TEST(name) \
    cmocka_unit_test_prestate_setup_teardown(name, test_instrument_setup, test_fixture_teardown, \
                                             (void *)&SNPA)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(model_home_meets_the_standard_for_one_year_without_flags),
        TEST(average_home_partly_meets_and_each_derived_measure_raises_its_flag),
        TEST(failed_protection_gates_cap_a_high_total_at_perlu_pembinaan),
        TEST(unreported_abuse_removes_the_result_whatever_the_total),
        TEST(not_applicable_items_leave_the_maximum),
        TEST(impossible_counts_are_flagged_and_never_divided),
        TEST(counts_without_children_or_with_a_missing_base_are_explained_not_divided),
        TEST(a_checklist_without_the_thresholds_is_refused_by_the_script),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
