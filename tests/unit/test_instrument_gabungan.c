/*
 * Golden test of the joint monitoring instrument, end to end: checklists/monitoring-gabungan.xml,
 * its script scripts/monitoring_gabungan.lua (with scripts/lib, including sanctions.lua and
 * measures.lua), the sample institutions and the samples checklists/samples/visits/gabungan-*.
 *
 * Every expected figure is computed by hand from the checklist, so a change in the checklist,
 * the helpers, the import or the scorer that moves a score or a flag shows up here.
 *
 * The rules (checklist <description>, scripts/lib/sections.lua):
 *   credit: yesno 1 if the answer is the expected one (D.* expect "tidak"), else 0; scale with
 *           4 levels (level-1)/3: L1 0, L2 1/3, L3 2/3, L4 1; choice its score; unanswered 0 but
 *           kept in the maximum; N/A (TB) out of the maximum. Counts, text and dates not scored.
 *   section = section weight x sum(credit x w) / sum(w), rounded to 2 decimals.
 *   total   = 100 x sum(section scores) / sum(weights of the sections that count).
 *   grade   PATUH >= 85 (1 year), PEMBINAAN >= 65 (no validity), TIDAK_PATUH >= 0 (none);
 *           failed gates cap it; cap "none" leaves no grade ("Tidak Patuh, Tindakan Segera").
 *
 * Section weights: A 20, B 10, C 15, D 35, E 20.
 * Item weights (sum per section when nothing is N/A):
 *   A: A.01 2, A.02 3, A.04 2, A.05 2 (scale), A.06 1 (choice: dipatuhi 1, else 0)  = 10
 *      (A.03 is a date)
 *   B: B.01 2, B.02 3, B.03 3 (choice: pengasuhan 1, campuran 0.5, tidak_jelas 0)   = 8
 *      (B.04 is text)
 *   C: C.01 3 (scale, pass-level 2), C.02 2, C.03 2, C.04 1                         = 8
 *   D: D.01 3, D.02 2, D.03 2, D.04 3, D.05 3 (all expect "tidak")                  = 13
 *   E: E.05 3, E.06 3, E.07 2 (E.01..E.04 are counts)                               = 8
 * Gates: A.02 cap TIDAK_PATUH tinggi Dinas Sosial; B.02 cap PEMBINAAN sedang Dinas Sosial;
 *        C.01 (< L2) cap TIDAK_PATUH tinggi Satpol PP; D.01..D.05 cap none kritis
 *        "Kepolisian, DP3A"; E.05 cap PEMBINAAN sedang Dinas Sosial.
 * Params: selisih_anak_maks_persen 10; sanction steps sanksi_rendah 1, sanksi_sedang 1,
 *         sanksi_tinggi 2, sanksi_kritis 3 (1 teguran lisan, 2 teguran tertulis, 3 penghentian
 *         sementara, 4 penghentian tetap, 5 pencabutan izin; 4 and 5 with Dinas Sosial).
 * Findings that feed the ladder: GATE, TIDAK_TERDAFTAR, SELISIH_ANAK (not DATA_TIDAK_WAJAR,
 * AKTA_KELAHIRAN or BELUM_DIJAWAB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const test_instrument GABUNGAN = {
    .checklist = "checklists/monitoring-gabungan.xml",
    .n_sections = 5,
    .section_ids = {"A", "B", "C", "D", "E"},
    .section_max = {20, 10, 15, 35, 20},
};

static void assert_sections(const pt_score *s, const double expected[5])
{
    assert_sections_of(&GABUNGAN, s, expected);
}

/* Harapan Bunda (Kota Tangerang, registered), joint monitoring 2026-06-10, ';' CSV.
 *   A (A.06 TB, sum w = 9): A.01 2 + A.02 3 + A.04 2 + A.05 L4 2 = 9; 20 x 9/9 = 20.00
 *   B: 2 + 3 + B.03 pengasuhan 3 = 8; 10.00
 *   C: C.01 L3 3 x 2/3 = 2 + 2 + 2 + 1 = 7; 15 x 7/8 = 13.125 = 13.13
 *   D: every sign answered "tidak": 35.00
 *   E: 3 + 3 + 2 = 8; 20.00
 *   total = 20 + 10 + 13.13 + 35 + 20 = 98.13 >= 85: PATUH until 2026-06-10 + 1 year.
 *   Counts: 32 on site = 32 listed (difference 0%); 32 children / 6 staff = 5,33 -> "5,3".
 *   No finding, so no sanction flag. */
static void model_home_is_compliant_for_one_year_with_no_flags(void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "gabungan-harapan-bunda-2026-06-10.csv");

    assert_sections(s, (const double[5]){20.00, 10.00, 13.13, 35.00, 20.00});
    assert_cents(s->total, 98.13);
    assert_cents(s->max, 100);
    assert_string_equal(s->grade, "PATUH");
    assert_string_equal(s->grade_label, "Patuh");
    assert_string_equal(s->valid_until, "2027-06-10");
    assert_int_equal(s->n_flags, 0);
    assert_string_equal(s->sections[0].justification,
                        "Skor 20,00 dari 20 (100%). 1 indikator tidak berlaku.");
    assert_string_equal(s->sections[4].justification,
                        "Skor 20,00 dari 20 (100%). Tidak ada indikator lemah. Anak di lokasi 32, "
                        "menurut daftar lembaga 32 (selisih 0 anak, 0%; batas 10%). Rasio 1 staf "
                        "hadir : 5,3 anak (dilaporkan saja; batas rasio resmi belum ditetapkan).");
    pt_score_free(s);
}

/* Tunas Melati (Kota Binjai, registered), joint monitoring 2026-07-14, ',' CSV, type "joint".
 *   A (A.06 TB, sum w = 9): 2 + 3 + A.04 tidak 0 + A.05 L3 2 x 2/3 = 4/3 -> 19/3;
 *      20 x 19/27 = 14.074.. = 14.07
 *   B: 2 + 3 + B.03 campuran 0.5 x 3 = 1.5 -> 6.5; 10 x 6.5/8 = 8.125 = 8.13
 *   C: C.01 L2 3 x 1/3 = 1 + C.02 tidak 0 + 2 + C.04 tidak 0 = 3; 15 x 3/8 = 5.625 = 5.63
 *   D: 35.00
 *   E: E.05 tidak 0 + 3 + 2 = 5; 20 x 5/8 = 12.50
 *   total = 14.07 + 8.13 + 5.63 + 35 + 12.50 = 75.33 >= 65: PEMBINAAN (no validity date);
 *   E.05's cap PEMBINAAN changes nothing.
 *   Counts: 26 on site vs 28 listed: 2 x 100/28 = 7.14% <= 10%: no flag; 26/3 staff = 8,67
 *   -> "8,7"; 4 of 26 without a birth certificate = 15.4% -> "15%": referral to Disdukcapil.
 *   Ladder: E.05 (sedang) -> sanksi_sedang 1: teguran lisan by Satpol PP. */
static void average_home_needs_coaching_and_gets_a_verbal_warning(void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "gabungan-tunas-melati-2026-07-14.csv");

    assert_sections(s, (const double[5]){14.07, 8.13, 5.63, 35.00, 12.50});
    assert_cents(s->total, 75.33);
    assert_string_equal(s->grade, "PEMBINAAN");
    assert_string_equal(s->grade_label, "Perlu Pembinaan");
    assert_string_equal(s->valid_until, "");
    assert_int_equal(s->n_flags, 3);
    assert_flag(s, 0, "GATE", "sedang", "Dinas Sosial", "E.05",
                "tidak memiliki daftar anak yang mutakhir");
    assert_flag(s, 1, "AKTA_KELAHIRAN", "rendah", "Disdukcapil", "E.04",
                "4 dari 26 anak di lokasi (15%) belum memiliki akta kelahiran: rujuk ke "
                "Disdukcapil.");
    assert_flag(s, 2, "SANKSI", "sedang", "Satpol PP", "",
                "Rekomendasi: teguran lisan oleh Satpol PP (langkah 1 dari 5 tangga sanksi). "
                "Temuan: E.05 (sedang). Instansi penanggung jawab temuan: Dinas Sosial.");
    assert_string_equal(s->sections[2].justification,
                        "Skor 5,63 dari 15 (38%). Lemah: C.01, C.02, C.04.");
    assert_string_equal(s->sections[4].justification,
                        "Skor 12,50 dari 20 (63%). Lemah: E.05. Anak di lokasi 26, menurut daftar "
                        "lembaga 28 (selisih 2 anak, 7,1%; batas 10%). Rasio 1 staf hadir : 8,7 "
                        "anak (dilaporkan saja; batas rasio resmi belum ditetapkan).");
    pt_score_free(s);
}

/* Cahaya Kasih (Kota Tangerang, registered), the XML sample, 2026-05-12: children made to
 * busk and a locked room, while a temporary stop (penghentian sementara) was being ignored.
 *   A: 2 + 3 + 2 + A.05 L3 4/3 + A.06 penghentian_sementara 0 = 25/3; 20 x 25/30 = 16.67
 *   B: 2 + 3 + campuran 1.5 = 6.5; 8.13
 *   C: C.01 L3 2 + 2 + 2 + C.04 tidak 0 = 6; 15 x 6/8 = 11.25
 *   D: D.01 ya 0 + 2 + 2 + D.04 ya 0 + 3 = 7; 35 x 7/13 = 18.846.. = 18.85
 *   E: 3 + 3 + E.07 tidak 0 = 6; 20 x 6/8 = 15.00
 *   total = 16.67 + 8.13 + 11.25 + 18.85 + 15 = 69.90: PEMBINAAN by total, but D.01 and D.04
 *   cap "none": no grade.
 *   Counts: 22 on site vs 30 listed: 8 x 100/30 = 26.67% > 10%: SELISIH_ANAK (fewer);
 *   22/2 staff = 11; 3 of 22 without a certificate = 13.6% -> "14%".
 *   Ladder: kritis -> 3, sedang -> 1; the ignored temporary stop (step 3) raises it to 4:
 *   penghentian tetap by Satpol PP with Dinas Sosial; severity of the worst finding. */
static void exploitation_removes_the_grade_and_an_ignored_stop_escalates_to_a_permanent_stop(
    void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "gabungan-cahaya-kasih-2026-05-12.xml");

    assert_sections(s, (const double[5]){16.67, 8.13, 11.25, 18.85, 15.00});
    assert_cents(s->total, 69.90);
    assert_string_equal(s->grade, "");
    assert_string_equal(s->grade_label, "Tidak Patuh, Tindakan Segera");
    assert_string_equal(s->valid_until, "");
    assert_int_equal(s->n_flags, 5);
    assert_flag(s, 0, "GATE", "kritis", "Kepolisian, DP3A", "D.01",
                "Anak dieksploitasi secara ekonomi");
    assert_flag(s, 1, "GATE", "kritis", "Kepolisian, DP3A", "D.04",
                "Anak dikurung di ruangan terkunci");
    assert_flag(s, 2, "SELISIH_ANAK", "sedang", "Dinas Sosial", "E.02",
                "Tim menghitung 22 anak di lokasi, 8 lebih sedikit dari daftar lembaga (30); "
                "selisih 26,7% melebihi batas 10%");
    assert_flag(s, 3, "AKTA_KELAHIRAN", "rendah", "Disdukcapil", "E.04",
                "3 dari 22 anak di lokasi (14%)");
    assert_flag(s, 4, "SANKSI", "kritis", "Satpol PP, Dinas Sosial", "",
                "Rekomendasi: penghentian tetap kegiatan oleh Satpol PP bersama Dinas Sosial "
                "(langkah 4 dari 5 tangga sanksi). Temuan: D.01, D.04 (kritis); E.02 (sedang). "
                "Sanksi sebelumnya (penghentian sementara kegiatan) belum dipatuhi (A.06). "
                "Instansi penanggung jawab temuan: Kepolisian, DP3A, Dinas Sosial.");
    assert_string_equal(s->sections[3].justification,
                        "Skor 18,85 dari 35 (54%). Lemah: D.01, D.04.");
    pt_score_free(s);
}

/* Rumah Singgah Pelita (Kota Tangerang, unregistered in the record: reg_status
 * "unregistered", no registration number), XML sample 2026-08-03, named by id 3.
 *   A (A.06 TB, sum w = 9): 2 + A.02 tidak 0 + A.04 tidak 0 + A.05 L2 2 x 1/3 = 2/3 -> 8/3;
 *      20 x 8/27 = 5.925.. = 5.93
 *   B: 8/8: 10.00
 *   C: C.01 L3 2 + C.02 tidak 0 + 2 + 1 = 5; 15 x 5/8 = 9.375 = 9.38
 *   D: 35.00; E: 8/8: 20.00
 *   total = 5.93 + 10 + 9.38 + 35 + 20 = 80.31: PEMBINAAN by total, capped by A.02 at
 *   TIDAK_PATUH (no validity date).
 *   The team answered A.02 itself, so the record adds no second registration flag.
 *   Counts: 14 on site vs 12 listed: 2 x 100/12 = 16.67% > 10%: SELISIH_ANAK (more);
 *   14/2 staff = 7; 2 of 14 without a certificate = 14.3% -> "14%".
 *   Ladder: A.02 tinggi -> 2, E.02 sedang -> 1: teguran tertulis by Satpol PP. */
static void unregistered_home_gets_a_written_warning_from_satpol_pp(void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "gabungan-pelita-2026-08-03.xml");

    assert_sections(s, (const double[5]){5.93, 10.00, 9.38, 35.00, 20.00});
    assert_cents(s->total, 80.31);
    assert_string_equal(s->grade, "TIDAK_PATUH");
    assert_string_equal(s->grade_label, "Tidak Patuh");
    assert_string_equal(s->valid_until, "");
    assert_int_equal(s->n_flags, 4);
    assert_flag(s, 0, "GATE", "tinggi", "Dinas Sosial", "A.02",
                "Lembaga mengasuh anak tanpa tanda daftar LKS yang berlaku");
    assert_flag(s, 1, "SELISIH_ANAK", "sedang", "Dinas Sosial", "E.02",
                "Tim menghitung 14 anak di lokasi, 2 lebih banyak dari daftar lembaga (12); "
                "selisih 16,7% melebihi batas 10%: anak yang belum tercatat harus didata.");
    assert_flag(s, 2, "AKTA_KELAHIRAN", "rendah", "Disdukcapil", "E.04",
                "2 dari 14 anak di lokasi (14%)");
    assert_flag(s, 3, "SANKSI", "tinggi", "Satpol PP", "",
                "Rekomendasi: teguran tertulis oleh Satpol PP (langkah 2 dari 5 tangga sanksi). "
                "Temuan: A.02 (tinggi); E.02 (sedang). Instansi penanggung jawab temuan: Dinas "
                "Sosial.");
    assert_string_equal(s->sections[0].justification,
                        "Skor 5,93 dari 20 (30%). 1 indikator tidak berlaku; lemah: A.02, A.04, "
                        "A.05.");
    pt_score_free(s);
}

/* Bina Insani (Kota Binjai, registration expired 2024-03-04 in the record), 2026-09-08: the
 * management was away, so many items are TB, A.02 among them.
 *   A (A.02, A.04, A.05, A.06 TB; A.03 TB is a date, not counted; sum w = 2): A.01 2; 20.00
 *   B: 8/8: 10.00
 *   C: C.01 L4 3 + C.02 tidak 0 + 2 + 1 = 6; 15 x 6/8 = 11.25
 *   D: 35.00
 *   E (E.07 TB, sum w = 6; E.04 TB is a count): 3 + 3 = 6; 20.00
 *   total = 20 + 10 + 11.25 + 35 + 20 = 96.25: PATUH by total, but the record says the
 *   registration expired and 20 children are on site: A.02's gate applies (TIDAK_TERDAFTAR,
 *   tinggi, Dinas Sosial, cap TIDAK_PATUH).
 *   Counts: 20 vs 22 listed: 2 x 100/22 = 9.09% <= 10%: no flag; 20/3 = 6,67 -> "6,7".
 *   Ladder: tinggi -> 2: teguran tertulis. */
static void when_the_certificate_cannot_be_checked_the_registry_record_decides(void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "gabungan-bina-insani-2026-09-08.csv");

    assert_sections(s, (const double[5]){20.00, 10.00, 11.25, 35.00, 20.00});
    assert_cents(s->total, 96.25);
    assert_string_equal(s->grade, "TIDAK_PATUH");
    assert_string_equal(s->valid_until, "");
    assert_int_equal(s->n_flags, 2);
    assert_flag(s, 0, "TIDAK_TERDAFTAR", "tinggi", "Dinas Sosial", "A.02",
                "Menurut data Dinas Sosial tanda daftar lembaga sudah habis masa berlakunya, "
                "tetapi lembaga masih mengasuh 20 anak; tanda daftar tidak dapat diperiksa di "
                "lokasi (A.02). Lembaga mengasuh anak tanpa tanda daftar LKS yang berlaku");
    assert_flag(s, 1, "SANKSI", "tinggi", "Satpol PP", "",
                "Rekomendasi: teguran tertulis oleh Satpol PP (langkah 2 dari 5 tangga sanksi). "
                "Temuan: A.02 (tinggi). Instansi penanggung jawab temuan: Dinas Sosial.");
    assert_string_equal(s->sections[0].justification,
                        "Skor 20,00 dari 20 (100%). 4 indikator tidak berlaku.");
    assert_string_equal(s->sections[4].justification,
                        "Skor 20,00 dari 20 (100%). 1 indikator tidak berlaku. Anak di lokasi 20, "
                        "menurut daftar lembaga 22 (selisih 2 anak, 9,1%; batas 10%). Rasio 1 staf "
                        "hadir : 6,7 anak (dilaporkan saja; batas rasio resmi belum ditetapkan).");
    pt_score_free(s);
}

/* Sekar Arum (Kabupaten Tegal, registered until 2030), 2026-10-20, with impossible data: A.02
 * "ya" but A.03 says the registration ended 2020-05-20; 0 staff present for 12 children;
 * 15 children without a birth certificate out of 12 on site.
 *   A (A.06 TB, sum w = 9): 2 + 3 + 2 + A.05 L3 4/3 = 25/3; 20 x 25/27 = 18.518.. = 18.52
 *   B 10.00, C 15.00, D 35.00, E 20.00 (all as expected)
 *   total = 18.52 + 10 + 15 + 35 + 20 = 98.52: PATUH until 2027-10-20 (data errors do not cap
 *   and are not findings: no sanction).
 *   No ratio sentence: 12 / 0 is never computed. */
static void impossible_data_is_flagged_without_dividing_by_zero(void **state)
{
    test_fixture *f = *state;
    pt_score *s = test_score_sample(f->ctx, "gabungan-sekar-arum-2026-10-20.csv");

    assert_sections(s, (const double[5]){18.52, 10.00, 15.00, 35.00, 20.00});
    assert_cents(s->total, 98.52);
    assert_string_equal(s->grade, "PATUH");
    assert_string_equal(s->valid_until, "2027-10-20");
    assert_int_equal(s->n_flags, 3);
    assert_flag(s, 0, "DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", "A.03",
                "masa berlakunya berakhir 2020-05-20, sebelum tanggal kunjungan 2026-10-20");
    assert_flag(s, 1, "DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", "E.03",
                "Tidak ada pengasuh atau staf yang tercatat hadir (E.03 = 0) untuk 12 anak");
    assert_flag(s, 2, "DATA_TIDAK_WAJAR", "sedang", "Dinas Sosial", "E.04",
                "Jumlah anak tanpa akta kelahiran (15) melebihi jumlah anak yang dihitung di "
                "lokasi (12)");
    assert_string_equal(s->sections[4].justification,
                        "Skor 20,00 dari 20 (100%). Tidak ada indikator lemah. Anak di lokasi 12, "
                        "menurut daftar lembaga 12 (selisih 0 anak, 0%; batas 10%).");
    pt_score_free(s);
}

/* Replaces the first occurrence of from in *text (heap) with to. */
static void replace_once(char **text, const char *from, const char *to)
{
    char *at = strstr(*text, from);
    assert_non_null(at);
    size_t head = (size_t)(at - *text), n_from = strlen(from), n_to = strlen(to);
    size_t n = strlen(*text) - n_from + n_to;
    char *out = malloc(n + 1);
    assert_non_null(out);
    memcpy(out, *text, head);
    memcpy(out + head, to, n_to);
    strcpy(out + head + n_to, at + n_from);
    free(*text);
    *text = out;
}

/* A copy of the checklist that lost the sanksi_kritis param must not recommend silently:
 * scoring a visit with a critical finding fails and names the parameter. */
static void a_checklist_without_the_step_for_a_severity_refuses_to_recommend(void **state)
{
    test_fixture *f = *state;
    char *xml = test_read_file(test_source_path("checklists/monitoring-gabungan.xml"), NULL);
    replace_once(&xml, "version=\"2025.1\"", "version=\"2025.1-uji\"");
    replace_once(&xml, "id=\"sanksi_kritis\"", "id=\"sanksi_berat\"");

    pt_checklist *cl = NULL;
    if (pt_checklist_parse(&cl, "monitoring-gabungan-uji.xml", xml, strlen(xml)) != 0)
        fail_msg("parse: %s", pt_error_last());
    free(xml);
    test_store_checklist(f->ctx, cl);

    char *path = test_write_file(f->dir, "kritis.csv",
                                 "#institution;LKSA-3671-002\n"
                                 "#checklist;monitoring-gabungan@2025.1-uji\n"
                                 "#date;2026-05-12\n"
                                 "#type;gabungan\n"
                                 "#team;Yuliana Sari|Dinas Sosial|ketua\n"
                                 "item;value;note\n"
                                 "D.01;ya;\n");
    pt_visit_import_result r = test_import_visits(f->ctx, path, 1);
    free(path);

    pt_score *s = NULL;
    assert_int_equal(pt_score_visit(f->ctx, r.first_id, &s), PT_ESCRIPT);
    assert_null(s);
    assert_error_contains("sanctions.lua");
    assert_error_contains("parameter sanksi_kritis harus bilangan bulat 0 sampai 5");
}

/* Every test starts from a fresh database with the checklist and the sample institutions.
 * The unregistered home (Rumah Singgah Pelita) has no registration number: its sample names it
 * by id 3, its row in institutions.csv imported into a fresh database. */
#define TEST(name) \
    cmocka_unit_test_prestate_setup_teardown(name, test_instrument_setup, test_fixture_teardown, \
                                             (void *)&GABUNGAN)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(model_home_is_compliant_for_one_year_with_no_flags),
        TEST(average_home_needs_coaching_and_gets_a_verbal_warning),
        TEST(exploitation_removes_the_grade_and_an_ignored_stop_escalates_to_a_permanent_stop),
        TEST(unregistered_home_gets_a_written_warning_from_satpol_pp),
        TEST(when_the_certificate_cannot_be_checked_the_registry_record_decides),
        TEST(impossible_data_is_flagged_without_dividing_by_zero),
        TEST(a_checklist_without_the_step_for_a_severity_refuses_to_recommend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
