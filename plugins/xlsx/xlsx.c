/*
 * The xlsx export plugin: a workbook for analysts, with real numbers and dates.
 *   "Ringkasan": one row per visit (id, date, type, institution, reg_no, kabupaten/kota,
 *                checklist, total, max, grade, label, valid until, flags, section scores).
 *   "Jawaban":   one row per stored answer (visit id, date, institution, item, section, item
 *                text, value as a number for scale/count/number items, N/A, note).
 *
 * libxlsxwriter runs in constant_memory mode: each sheet keeps only its current row in memory
 * and streams finished rows to its own temporary file, so a whole city's export stays flat in
 * memory. The price: rows of one sheet must be written in order, and strings are written
 * inline (no shared string table). Writing the two sheets interleaved is fine because each
 * sheet has its own temporary file and current row. Frozen panes, column widths and the
 * autofilter are sheet settings written when the workbook is closed, so the autofilter's
 * range is set in end(), once the row counts are known.
 *
 * The section columns of "Ringkasan" come from the checklist of the first visit (a header row
 * cannot be changed once streamed); sections of later visits that have no column (another
 * instrument) are listed as text in the last column, "Standar lain".
 *
 * A sheet holds at most 1,048,576 rows and a whole city has millions of answers, so a full
 * sheet is continued on a new one, "Jawaban (2)", "Jawaban (3)" ... (the same for "Ringkasan"),
 * each with the same header row, frozen pane and autofilter. Adding a worksheet mid-way is
 * fine in constant_memory mode: the new sheet gets its own temporary file, and the full one
 * keeps only its last row in memory until the close writes it out, so memory stays flat
 * whatever the number of sheets. The rows per sheet can be lowered with the option
 * rows_per_sheet, which exists so the tests can reach the continuation without writing a
 * million rows.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "pantau/plugin.h"
#include "report_text.h"

/* Excel's limit on the text of one cell. */
#define XLSX_CELL_TEXT_MAX 32767
/* Excel's sheet name limit is 31 characters; "Ringkasan (4294967295)" fits. */
#define XLSX_SHEET_NAME_BUF 32

enum summary_column {
    C_ID, C_DATE, C_TYPE, C_INSTITUTION, C_REG_NO, C_KABKOTA, C_CHECKLIST, C_TOTAL, C_MAX,
    C_GRADE, C_LABEL, C_VALID_UNTIL, C_FLAGS, C_FIRST_SECTION
};

enum answer_column {
    A_VISIT, A_DATE, A_INSTITUTION, A_ITEM, A_SECTION, A_TEXT, A_VALUE, A_NA, A_NOTE,
    A_N_COLUMNS
};

/* One kind of sheet ("Ringkasan" or "Jawaban") and its continuations. */
typedef struct sheet_run {
    const char *base;         /* the first sheet's name; later ones are "base (2)" ... */
    lxw_worksheet *ws;        /* the sheet being written (owned by the workbook) */
    char name[XLSX_SHEET_NAME_BUF];   /* ws's name, for messages */
    lxw_row_t row;            /* the next row to write on ws */
    unsigned n_sheets;        /* sheets started so far */
    lxw_col_t last_col;       /* the header's last column, for the autofilter */
} sheet_run;

typedef struct xlsx_state {
    const pt_host *host;
    rt_output out;
    lxw_workbook *workbook;
    sheet_run summary, answers;
    lxw_format *header, *date, *number, *wrap;
    lxw_row_t rows_per_sheet;  /* header included; LXW_ROW_MAX unless rows_per_sheet=N */
    /* The section columns, from the first visit's checklist (owned copies of the ids). */
    size_t n_section_columns;
    char **section_ids;
    char **section_heads;     /* "S1 Program Pelayanan" ... (owned, as the ids) */
    int header_written;
} xlsx_state;

static int failed(xlsx_state *s, lxw_error err, const char *what)
{
    s->host->set_error(s->host->host_data, "%s: %s: %s", s->out.final_path, what,
                       lxw_strerror(err));
    return -1;
}

/* failed() naming the run's current sheet ("sheet Jawaban (3)"). */
static int sheet_failed(xlsx_state *s, const sheet_run *run, lxw_error err)
{
    s->host->set_error(s->host->host_data, "%s: sheet %s: %s", s->out.final_path, run->name,
                       lxw_strerror(err));
    return -1;
}

/* Writes text, cut (at a UTF-8 boundary) to what a cell holds. NULL and "" leave the cell
 * blank. */
static lxw_error put_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *text,
                          lxw_format *format)
{
    if (!text || !*text)
        return LXW_NO_ERROR;
    size_t len = strlen(text);
    if (len <= XLSX_CELL_TEXT_MAX / 4)      /* few enough bytes for any UTF-8 text */
        return worksheet_write_string(ws, row, col, text, format);
    /* Count code points; keep what fits, on a code point boundary. */
    size_t i = 0, chars = 0;
    while (text[i] && chars < XLSX_CELL_TEXT_MAX - 1) {
        i++;
        while ((text[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    if (!text[i])
        return worksheet_write_string(ws, row, col, text, format);
    char *cut = malloc(i + 4);
    if (!cut)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    memcpy(cut, text, i);
    memcpy(cut + i, "\xE2\x80\xA6", 4);
    lxw_error err = worksheet_write_string(ws, row, col, cut, format);
    free(cut);
    return err;
}

/* A YYYY-MM-DD text as an Excel date; an empty or invalid one leaves the cell blank (the
 * store only holds valid dates). */
static lxw_error put_date(xlsx_state *s, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                          const char *iso)
{
    int y, m, d;
    if (rt_date_parse(iso, &y, &m, &d) != 0)
        return LXW_NO_ERROR;
    lxw_datetime dt = { .year = y, .month = m, .day = d };
    return worksheet_write_datetime(ws, row, col, &dt, s->date);
}

static lxw_error put_number(xlsx_state *s, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                            double value)
{
    if (!isfinite(value))
        return LXW_NO_ERROR;
    return worksheet_write_number(ws, row, col, value, s->number);
}

static const char *const answer_heads[A_N_COLUMNS] = {
    "ID kunjungan", "Tanggal", "Lembaga", "Butir", "Standar", "Indikator", "Jawaban",
    "Tidak berlaku (N/A)", "Catatan"
};
static const double answer_widths[A_N_COLUMNS] = { 12, 12, 28, 9, 24, 60, 14, 10, 40 };

static const char *const summary_heads[C_FIRST_SECTION] = {
    "ID kunjungan", "Tanggal", "Jenis kunjungan", "Lembaga", "Nomor tanda daftar",
    "Kabupaten/Kota", "Instrumen", "Nilai total", "Nilai maksimum", "Peringkat",
    "Predikat", "Berlaku sampai", "Jumlah bendera merah"
};
static const double summary_widths[C_FIRST_SECTION] = { 12, 12, 14, 28, 18, 18, 24, 11, 11,
                                                        10, 20, 14, 12 };

/* The answers header row and column widths on ws. */
static lxw_error write_answer_header(xlsx_state *s, lxw_worksheet *ws)
{
    lxw_error err = LXW_NO_ERROR;
    for (lxw_col_t c = 0; c < A_N_COLUMNS && !err; c++) {
        err = worksheet_write_string(ws, 0, c, answer_heads[c], s->header);
        if (!err)
            err = worksheet_set_column(ws, c, c, answer_widths[c],
                                       c == A_TEXT || c == A_NOTE ? s->wrap : NULL);
    }
    return err;
}

/* The summary header row and column widths on ws, with the section columns chosen by
 * choose_sections(). */
static lxw_error write_summary_header(xlsx_state *s, lxw_worksheet *ws)
{
    lxw_error err = LXW_NO_ERROR;
    for (lxw_col_t c = 0; c < C_FIRST_SECTION && !err; c++) {
        err = worksheet_write_string(ws, 0, c, summary_heads[c], s->header);
        if (!err)
            err = worksheet_set_column(ws, c, c, summary_widths[c], NULL);
    }
    for (size_t i = 0; i < s->n_section_columns && !err; i++) {
        lxw_col_t c = (lxw_col_t)(C_FIRST_SECTION + i);
        err = worksheet_write_string(ws, 0, c, s->section_heads[i], s->header);
        if (!err)
            err = worksheet_set_column(ws, c, c, 14, NULL);
    }
    lxw_col_t other = (lxw_col_t)(C_FIRST_SECTION + s->n_section_columns);
    if (!err)
        err = worksheet_write_string(ws, 0, other, "Standar lain", s->header);
    if (!err)
        err = worksheet_set_column(ws, other, other, 20, NULL);
    return err;
}

/* Starts the run's next sheet ("Jawaban", then "Jawaban (2)" ...) with a frozen header row.
 * The header is written now unless it is the summary's and the sections are not known yet
 * (the first record writes it then). 0, or -1 with the host's error set. */
static int start_sheet(xlsx_state *s, sheet_run *run)
{
    char *name = run->name;
    if (run->n_sheets == 0)
        snprintf(name, sizeof run->name, "%s", run->base);
    else
        snprintf(name, sizeof run->name, "%s (%u)", run->base, run->n_sheets + 1);
    /* NULL also when constant_memory mode cannot create the sheet's temporary file. */
    lxw_worksheet *ws = workbook_add_worksheet(s->workbook, name);
    if (!ws) {
        s->host->set_error(s->host->host_data, "%s: cannot start sheet %s (out of memory or "
                           "no room for its temporary file)", s->out.final_path, name);
        return -1;
    }
    run->ws = ws;
    run->n_sheets++;
    run->row = 0;
    worksheet_freeze_panes(ws, 1, 0);
    lxw_error err = LXW_NO_ERROR;
    if (run == &s->answers)
        err = write_answer_header(s, ws);
    else if (s->header_written)
        err = write_summary_header(s, ws);
    else
        return 0;
    if (err)
        return sheet_failed(s, run, err);
    run->row = 1;
    return 0;
}

/* The filter over the header and every written row of the run's current sheet; set once
 * the sheet is done (the autofilter is a sheet setting, written at close, not a cell). */
static int finish_sheet(xlsx_state *s, sheet_run *run)
{
    lxw_error err = worksheet_autofilter(run->ws, 0, 0, run->row - 1, run->last_col);
    return err ? sheet_failed(s, run, err) : 0;
}

/* The row to write next on the run, moving on to a new sheet when the current one is full.
 * 0, or -1 with the host's error set. */
static int next_row(xlsx_state *s, sheet_run *run, lxw_row_t *row)
{
    if (run->row >= s->rows_per_sheet &&
        (finish_sheet(s, run) != 0 || start_sheet(s, run) != 0))
        return -1;
    *row = run->row;
    return 0;
}

/* --opt rows_per_sheet=N: rows per sheet, the header row included, from 2 to Excel's
 * 1,048,576 (the default). Meant for tests, which reach the continuation sheets with it. */
static int parse_rows_per_sheet(const pt_host *host, const pt_export_options *options,
                                lxw_row_t *rows)
{
    *rows = LXW_ROW_MAX;
    for (size_t i = 0; i < options->n_params; i++) {
        if (strcmp(options->param_keys[i], "rows_per_sheet") != 0)
            continue;
        const char *value = options->param_values[i];
        char *end = NULL;
        errno = 0;
        unsigned long long n = value[0] >= '0' && value[0] <= '9'
            ? strtoull(value, &end, 10) : 0;
        if (!end || *end || errno || n < 2 || n > LXW_ROW_MAX) {
            host->set_error(host->host_data, "format xlsx: option rows_per_sheet must be a "
                            "whole number from 2 to %d, not '%s'", LXW_ROW_MAX, value);
            return -1;
        }
        *rows = (lxw_row_t)n;
    }
    return 0;
}

static int xlsx_begin(void **state, const pt_host *host, const pt_export_options *options)
{
    static const char *const known[] = { "rows_per_sheet", NULL };
    lxw_row_t rows_per_sheet;
    if (rt_check_params(host, options, "xlsx", known) != 0 ||
        parse_rows_per_sheet(host, options, &rows_per_sheet) != 0)
        return -1;
    xlsx_state *s = calloc(1, sizeof *s);
    if (!s) {
        host->set_error(host->host_data, "out of memory");
        return -1;
    }
    s->host = host;
    s->rows_per_sheet = rows_per_sheet;
    s->summary.base = "Ringkasan";
    s->answers.base = "Jawaban";
    s->answers.last_col = A_N_COLUMNS - 1;
    if (rt_output_open(&s->out, host, options->output_path) != 0) {
        free(s);
        return -1;
    }
    /* libxlsxwriter writes the file by name at close; the descriptor is not needed. */
    close(s->out.fd);
    s->out.fd = -1;
    lxw_workbook_options wo = { .constant_memory = LXW_TRUE };
    s->workbook = workbook_new_opt(s->out.tmp_path, &wo);
    if (!s->workbook) {
        host->set_error(host->host_data, "%s: cannot start the workbook",
                        options->output_path);
        goto fail;
    }
    s->header = workbook_add_format(s->workbook);
    s->date = workbook_add_format(s->workbook);
    s->number = workbook_add_format(s->workbook);
    s->wrap = workbook_add_format(s->workbook);
    if (!s->header || !s->date || !s->number || !s->wrap) {
        host->set_error(host->host_data, "out of memory");
        goto fail;
    }
    format_set_bold(s->header);
    format_set_bg_color(s->header, 0xDCE6F1);
    format_set_bottom(s->header, LXW_BORDER_THIN);
    format_set_text_wrap(s->header);
    format_set_num_format(s->date, "dd/mm/yyyy");
    format_set_num_format(s->number, "0.00");
    format_set_text_wrap(s->wrap);

    /* Both first sheets now, so they come first in the workbook; the answers header is
     * known now, the summary's waits for the first checklist. */
    if (start_sheet(s, &s->summary) != 0 || start_sheet(s, &s->answers) != 0)
        goto fail;
    *state = s;
    return 0;
fail:
    if (s->workbook)
        workbook_close(s->workbook);
    rt_output_finish(&s->out, host, 0);
    free(s);
    return -1;
}

static void free_sections(xlsx_state *s)
{
    for (size_t i = 0; i < s->n_section_columns; i++) {
        free(s->section_ids[i]);
        free(s->section_heads[i]);
    }
    free(s->section_ids);
    free(s->section_heads);
    s->section_ids = NULL;
    s->section_heads = NULL;
    s->n_section_columns = 0;
}

/* The section columns: one per section of `checklist` (may be NULL: none). Kept for the
 * header of every summary sheet and to place the section scores. */
static int choose_sections(xlsx_state *s, const pt_checklist *checklist)
{
    size_t n = checklist ? checklist->n_sections : 0;
    if (n == 0)
        return 0;
    s->section_ids = calloc(n, sizeof *s->section_ids);
    s->section_heads = calloc(n, sizeof *s->section_heads);
    if (!s->section_ids || !s->section_heads)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        const pt_section *sec = &checklist->sections[i];
        size_t len = strlen(sec->id) + strlen(sec->title) + 2;
        char *head = malloc(len);
        s->section_ids[i] = strdup(sec->id);
        s->section_heads[i] = head;
        s->n_section_columns = i + 1;     /* free_sections() frees what is set so far */
        if (!s->section_ids[i] || !head)
            goto oom;
        snprintf(head, len, "%s %s", sec->id, sec->title);
    }
    return 0;
oom:
    s->host->set_error(s->host->host_data, "out of memory");
    return -1;
}

/* The first summary sheet's header, once the first visit's checklist is known. */
static int start_summary(xlsx_state *s, const pt_checklist *checklist)
{
    if (choose_sections(s, checklist) != 0)
        return -1;
    s->summary.last_col = (lxw_col_t)(C_FIRST_SECTION + s->n_section_columns);
    lxw_error err = write_summary_header(s, s->summary.ws);
    if (err)
        return sheet_failed(s, &s->summary, err);
    s->header_written = 1;
    s->summary.row = 1;
    return 0;
}

static int write_summary_row(xlsx_state *s, const pt_export_record *r)
{
    const pt_visit *v = r->visit;
    const pt_institution *inst = r->institution;
    const pt_score *sc = r->score;
    lxw_row_t row;
    if (next_row(s, &s->summary, &row) != 0)
        return -1;
    lxw_worksheet *ws = s->summary.ws;
    char checklist[512], number[RT_NUMBER_BUF];
    lxw_error err = LXW_NO_ERROR;
    snprintf(checklist, sizeof checklist, "%s@%s", v->checklist_id, v->checklist_version);

#define TRY(call) do { if (!err) err = (call); } while (0)
    TRY(worksheet_write_number(ws, row, C_ID, (double)v->id, NULL));
    TRY(put_date(s, ws, row, C_DATE, v->date));
    TRY(put_text(ws, row, C_TYPE, rt_visit_type(v->type), NULL));
    TRY(put_text(ws, row, C_INSTITUTION, inst ? inst->name : v->institution_name, NULL));
    TRY(put_text(ws, row, C_REG_NO, inst ? inst->reg_no : NULL, NULL));
    TRY(put_text(ws, row, C_KABKOTA, inst ? inst->kabupaten_kota : NULL, NULL));
    TRY(put_text(ws, row, C_CHECKLIST, checklist, NULL));
    if (sc) {
        TRY(put_number(s, ws, row, C_TOTAL, sc->total));
        TRY(put_number(s, ws, row, C_MAX, sc->max));
        TRY(put_text(ws, row, C_GRADE, sc->grade, NULL));
        TRY(put_text(ws, row, C_LABEL, sc->grade_label, NULL));
        TRY(put_date(s, ws, row, C_VALID_UNTIL, sc->valid_until));
        TRY(worksheet_write_number(ws, row, C_FLAGS, (double)sc->n_flags, NULL));
        /* Sections in the header's columns; the rest as "ID nilai" text in the last. */
        char other[2048] = "";
        size_t used = 0;
        for (size_t i = 0; i < sc->n_sections && !err; i++) {
            const pt_section_score *ss = &sc->sections[i];
            size_t col = 0;
            while (col < s->n_section_columns && strcmp(s->section_ids[col], ss->section_id))
                col++;
            if (col < s->n_section_columns) {
                TRY(put_number(s, ws, row, (lxw_col_t)(C_FIRST_SECTION + col), ss->score));
            } else if (used < sizeof other) {
                int n = snprintf(other + used, sizeof other - used, "%s%s %s", used ? "; " : "",
                                 ss->section_id, rt_number(number, sizeof number, ss->score, 2));
                if (n > 0)
                    used += (size_t)n;
            }
        }
        TRY(put_text(ws, row, (lxw_col_t)(C_FIRST_SECTION + s->n_section_columns), other,
                     NULL));
    } else {
        TRY(put_text(ws, row, C_LABEL, "Belum dinilai", NULL));
    }
#undef TRY
    if (err)
        return sheet_failed(s, &s->summary, err);
    s->summary.row++;
    return 0;
}

static int write_answer_rows(xlsx_state *s, const pt_export_record *r)
{
    const pt_visit *v = r->visit;
    const char *institution = r->institution ? r->institution->name : v->institution_name;
    for (size_t i = 0; i < v->n_answers; i++) {
        const pt_answer *a = &v->answers[i];
        const pt_section *section = NULL;
        const pt_item *item = r->checklist
            ? s->host->checklist_item(r->checklist, a->item_id, &section) : NULL;
        lxw_row_t row;
        /* A visit's answers may run on over two sheets: every sheet is filled up. */
        if (next_row(s, &s->answers, &row) != 0)
            return -1;
        lxw_worksheet *ws = s->answers.ws;
        lxw_error err = LXW_NO_ERROR;
        char section_text[512] = "", text[8192];
        if (section)
            snprintf(section_text, sizeof section_text, "%s %s", section->id, section->title);
#define TRY(call) do { if (!err) err = (call); } while (0)
        TRY(worksheet_write_number(ws, row, A_VISIT, (double)v->id, NULL));
        TRY(put_date(s, ws, row, A_DATE, v->date));
        TRY(put_text(ws, row, A_INSTITUTION, institution, NULL));
        TRY(put_text(ws, row, A_ITEM, a->item_id, NULL));
        TRY(put_text(ws, row, A_SECTION, section_text, NULL));
        TRY(put_text(ws, row, A_TEXT, item ? rt_squash_space(text, sizeof text, item->text)
                                           : NULL, s->wrap));
        if (a->na) {
            TRY(put_text(ws, row, A_NA, "ya", NULL));
        } else if (a->value) {
            int numeric = item && (item->type == PT_ITEM_SCALE || item->type == PT_ITEM_COUNT ||
                                   item->type == PT_ITEM_NUMBER);
            char *end = NULL;
            double value = numeric ? strtod(a->value, &end) : 0;
            if (numeric && end != a->value && *end == '\0' && isfinite(value))
                TRY(worksheet_write_number(ws, row, A_VALUE, value, NULL));
            else
                TRY(put_text(ws, row, A_VALUE, a->value, NULL));
        }
        TRY(put_text(ws, row, A_NOTE, a->note, s->wrap));
#undef TRY
        if (err)
            return sheet_failed(s, &s->answers, err);
        s->answers.row++;
    }
    return 0;
}

static int xlsx_record(void *state, const pt_export_record *r)
{
    xlsx_state *s = state;
    if (!s->header_written && start_summary(s, r->checklist) != 0)
        return -1;
    if (write_summary_row(s, r) != 0)
        return -1;
    return write_answer_rows(s, r);
}

static int xlsx_end(void *state, int ok)
{
    xlsx_state *s = state;
    int rc = 0;
    if (ok && !s->header_written && start_summary(s, NULL) != 0)
        ok = 0, rc = -1;
    /* The full sheets got their filters when they were left; now the last of each kind. */
    if (ok && (finish_sheet(s, &s->summary) != 0 || finish_sheet(s, &s->answers) != 0))
        ok = 0, rc = -1;
    /* Closing writes the file (to the temporary name); when abandoning it is still needed to
     * free the workbook and its temporary files, and the result is then removed. */
    lxw_error err = workbook_close(s->workbook);
    if (ok && err)
        ok = 0, rc = failed(s, err, "writing the workbook");
    if (rt_output_finish(&s->out, s->host, ok) != 0)
        rc = -1;
    free_sections(s);
    free(s);
    return rc;
}

static const pt_export_ops xlsx_ops = {
    .size = sizeof(pt_export_ops),
    .file_extension = "xlsx",
    .begin = xlsx_begin,
    .record = xlsx_record,
    .end = xlsx_end,
};

static const pt_plugin_descriptor xlsx_descriptor = {
    .abi_major = PT_PLUGIN_ABI_MAJOR,
    .abi_minor = PT_PLUGIN_ABI_MINOR,
    .size = sizeof(pt_plugin_descriptor),
    .name = "xlsx",
    .version = "1.0.0",
    .description = "Excel workbook: a summary row per visit and a row per answer",
    .kind = PT_PLUGIN_KIND_EXPORT,
    .export_ops = &xlsx_ops,
    .notify_ops = NULL,
};

PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void)
{
    return &xlsx_descriptor;
}
