/*
 * Texts shared by the report plugins (html, xlsx, pdf): Indonesian dates, visit types,
 * registration statuses, numbers with a decimal comma, grade labels, flag severity order,
 * what an answer is worth and how it reads, and the temporary-file dance that makes an
 * export appear whole or not at all.
 *
 * Compiled into each plugin that uses it (it is not part of libpantau, and not exported:
 * plugins are built with hidden visibility). Everything here works only on what the plugin
 * ABI hands over (plugin.h), so it never reaches the store.
 *
 * Functions writing into a caller's buffer always NUL-terminate it and truncate when it is
 * too small; the buffer sizes below are enough for every value pantau stores.
 */
#ifndef PANTAU_REPORT_TEXT_H
#define PANTAU_REPORT_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "pantau/plugin.h"

#define RT_DATE_BUF 40     /* "30 September 2026" */
#define RT_NUMBER_BUF 48

/* "2026-03-14" -> "14 Maret 2026". Returns buf. A value that is not a valid YYYY-MM-DD date is
 * copied as it is; NULL or "" gives "-". */
const char *rt_date_long(char *buf, size_t size, const char *iso_date);

/* Splits "YYYY-MM-DD" (checking the day exists in that month). 0 when valid, -1 if not. */
int rt_date_parse(const char *iso_date, int *year, int *month, int *day);

/* The day of the week of a valid YYYY-MM-DD date: "Senin" ... "Minggu"; "" if invalid.
 * Static text. */
const char *rt_weekday(const char *iso_date);

/* "accreditation" -> "Akreditasi", "routine" -> "Rutin", "complaint" -> "Pengaduan",
 * "joint" -> "Gabungan"; anything else is returned unchanged ("-" for NULL). Static text. */
const char *rt_visit_type(const char *type);

/* reg_status "registered" -> "Terdaftar" ... (as above). Static text. */
const char *rt_reg_status(const char *status);

/* A number the Indonesian way: decimal comma, '.' between thousands, at most `decimals`
 * decimals with trailing zeros dropped: 95.03 -> "95,03", 74 -> "74", 1250.5 -> "1.250,5".
 * Non-finite values give "-". Returns buf. */
const char *rt_number(char *buf, size_t size, double value, int decimals);

/* "A (Sangat Baik)", or the label alone when the grade is "" ("Tidak Terakreditasi").
 * score NULL gives "Belum dinilai". Returns buf. */
const char *rt_grade_text(char *buf, size_t size, const pt_score *score);

/* Severity order: kritis 0, tinggi 1, sedang 2, rendah 3, anything else 4. */
int rt_severity_rank(const char *severity);
/* "kritis" -> "Kritis" ... ; unknown values unchanged. Static text or the argument. */
const char *rt_severity_label(const char *severity);

/* Fills order[0 .. n_flags) with the indexes of score->flags, most severe first, keeping the
 * script's order among flags of one severity. order must hold score->n_flags entries. */
void rt_flag_order(const pt_score *score, size_t *order);

/* The section of checklist with this id, or NULL. */
const pt_section *rt_section(const pt_checklist *checklist, const char *section_id);

/* Credit in [0, 1] of an answer the way scripts/lib/credit.lua gives it: yesno 1 when the
 * answer equals `expect`, scale (level-1)/(levels-1), choice its score. -1 for N/A,
 * unanswered, and types the built-in credit does not score (count, number, text, date,
 * evidence). */
double rt_answer_credit(const pt_item *item, const pt_answer *answer);

/* 1 when an answered item fails its gate (README, "Items"), else 0. */
int rt_gate_failed(const pt_item *item, const pt_answer *answer);

/* Credit below this makes an answer a finding ("temuan") in the reports. */
#define RT_FINDING_CREDIT 0.5
/* 1 when the answer is a finding: its credit is below RT_FINDING_CREDIT or it fails a gate. */
int rt_is_finding(const pt_item *item, const pt_answer *answer);

/* How an answer reads: "Ya"/"Tidak", "Tingkat 3 dari 4", a choice's label, a number with a
 * decimal comma and its unit, "Tidak berlaku (N/A)", "Tidak dijawab", text as is.
 * item may be NULL (the raw value is shown). Returns buf. */
const char *rt_answer_text(char *buf, size_t size, const pt_item *item, const pt_answer *answer);

/* text with every run of white space (spaces, tabs, line breaks: the indentation an XML
 * file leaves inside an item's text) made one space, trimmed at both ends. Returns buf. */
const char *rt_squash_space(char *buf, size_t size, const char *text);

/* text with its first letter upper-cased when it is an ASCII letter ("ketua" -> "Ketua").
 * Returns buf. */
const char *rt_capitalize(char *buf, size_t size, const char *text);

/* "Kelurahan Sukasari, Kecamatan Tangerang, Kota Tangerang, Banten": the parts that are set.
 * Returns buf. */
const char *rt_region(char *buf, size_t size, const pt_institution *institution);

/* Looks for a --opt KEY=VALUE the plugin does not know. Returns 0 when every key is among
 * `known` (NULL-terminated; may be NULL for none), else sets the host's error naming the
 * format and the key, and returns -1. */
int rt_check_params(const pt_host *host, const pt_export_options *options, const char *format,
                    const char *const *known);

/* ---- writing the output whole or not at all ----
 * The report is written to a hidden temporary file next to the output ("dir/.name.XXXXXX",
 * created 0600 with O_EXCL) and renamed over the output when it is complete, so a failed or
 * interrupted export never leaves half a report or destroys an older one. The file is
 * created 0600 and stays so. */
typedef struct rt_output {
    char *final_path;   /* the output path (owned copy) */
    char *tmp_path;     /* the temporary file (owned) */
    int fd;             /* open descriptor of tmp_path, or -1 once handed over / closed */
} rt_output;

/* Creates the temporary file. 0 or -1 with the host's error set (naming the path). */
int rt_output_open(rt_output *out, const pt_host *host, const char *path);
/* Wraps the descriptor in a FILE* ("w"); the descriptor then belongs to the FILE. NULL with the
 * host's error set on failure. */
FILE *rt_output_stream(rt_output *out, const pt_host *host);
/* ok: renames the temporary file over the output (which stays readable by its owner only,
 * mode 0600). Not ok: removes
 * it. Frees the paths; closes the descriptor if still held. 0, or -1 with the host's error set
 * (only when ok). */
int rt_output_finish(rt_output *out, const pt_host *host, int ok);
/* Closes f, the stream rt_output_stream gave (NULL: none was made), then rt_output_finish.
 * When ok, a write error on f (ferror, or fclose failing) sets the host's error
 * "PATH: write failed" and the file is abandoned instead of renamed: buffered writes report
 * their failure late, and a report missing its end must not replace an older one. 0, or -1
 * with the host's error set (only when ok). */
int rt_output_close(rt_output *out, const pt_host *host, FILE *f, int ok);

#endif
