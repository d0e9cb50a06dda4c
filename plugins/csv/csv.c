/*
 * The csv export plugin: visits as RFC 4180 CSV (CRLF line ends, fields quoted when they hold
 * the separator, a quote or a line break; quotes doubled).
 *
 * Two shapes (--opt form=wide|long):
 *   wide (default): one row per visit. Fixed columns, then one column per section of the FIRST
 *     visit's checklist, named by the section id and holding its score. A later visit recorded
 *     against another checklist puts the scores of sections with a column there, and the rest
 *     into the last column, other_sections, as "ID=SCORE" cells joined by "; " (e.g.
 *     "W1=30; W2=20"). Nothing is lost, and an export of one checklist (the usual case) has
 *     plain numeric columns.
 *   long: one row per stored answer, for pivot tables.
 * --opt bom=1 starts the file with a UTF-8 byte order mark (Excel then reads UTF-8);
 * --opt sep=; separates with ';' and writes decimal commas, as Indonesian Excel expects.
 *
 * The file is written next to its destination under a temporary name and renamed into place
 * when the export succeeds, so a failed export leaves no file and never a half-written one
 * over an earlier export. It is created readable by its owner only: it holds findings about
 * children's homes (common/output_file.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output_file.h"
#include "pantau/plugin.h"

typedef struct csv_state {
    const pt_host *host;
    of_file out;                 /* the temporary file, renamed into place at end(ok) */
    int long_form;
    char sep;
    int header_done;
    size_t n_sections;           /* wide: the section columns of the header */
    char **section_ids;
    char *line;                  /* the row being assembled */
    size_t len, cap;
    int oom;
} csv_state;

/* ---- assembling a row ---- */

static void put(csv_state *s, const char *bytes, size_t n)
{
    if (s->oom) return;
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 1024;
        while (cap < s->len + n + 1) cap *= 2;
        char *line = realloc(s->line, cap);
        if (!line) {
            s->oom = 1;
            return;
        }
        s->line = line;
        s->cap = cap;
    }
    memcpy(s->line + s->len, bytes, n);
    s->len += n;
}

/* 1 when text is a plain decimal number ("-3", "12.5", "12,5"): a spreadsheet reads it as a
 * number, never as a formula. */
static int is_plain_number(const char *text)
{
    const char *p = text;
    if (*p == '-' || *p == '+') p++;
    int digits = 0, point = 0;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') digits++;
        else if ((*p == '.' || *p == ',') && !point) point = 1;
        else return 0;
    }
    return digits > 0;
}

/* One cell (NULL is empty). first: no separator before it. A text that a spreadsheet would run
 * as a formula (starting with = + - @, a tab or a carriage return: CSV injection, OWASP) gets a
 * leading apostrophe, so a note typed in the field as "=HYPERLINK(...)" stays text in Excel. */
static void cell(csv_state *s, int first, const char *text)
{
    if (!first) put(s, &s->sep, 1);
    if (!text) return;
    int formula = strchr("=+-@\t\r", text[0]) && text[0] != '\0' && !is_plain_number(text);
    int quote = formula || strchr(text, s->sep) || strchr(text, '"') || strchr(text, '\n') ||
                strchr(text, '\r');
    if (!quote) {
        put(s, text, strlen(text));
        return;
    }
    put(s, "\"", 1);
    if (formula) put(s, "'", 1);
    for (const char *p = text; *p; p++) {
        if (*p == '"') put(s, "\"\"", 2);
        else put(s, p, 1);
    }
    put(s, "\"", 1);
}

/* A number without float noise ("78.5", not "78.500000000001"), with a decimal comma when
 * the separator is ';'. */
static void format_number(const csv_state *s, char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.10g", v);
    if (s->sep == ';')
        for (char *p = buf; *p; p++)
            if (*p == '.') *p = ',';
}

static void number_cell(csv_state *s, int first, double v)
{
    char buf[64];
    format_number(s, buf, sizeof buf, v);
    cell(s, first, buf);
}

static void int_cell(csv_state *s, int first, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    cell(s, first, buf);
}

static int end_row(csv_state *s)
{
    put(s, "\r\n", 2);
    if (s->oom) {
        s->host->set_error(s->host->host_data, "out of memory");
        return -1;
    }
    size_t n = s->len;
    s->len = 0;
    errno = 0;
    if (fwrite(s->line, 1, n, s->out.f) != n)
        return of_write_failed(&s->out, s->host);
    return 0;
}

/* ---- options ---- */

static int parse_options(csv_state *s, const pt_export_options *o, int *bom)
{
    for (size_t i = 0; i < o->n_params; i++) {
        const char *k = o->param_keys[i], *v = o->param_values[i];
        if (strcmp(k, "form") == 0 && (strcmp(v, "wide") == 0 || strcmp(v, "long") == 0)) {
            s->long_form = strcmp(v, "long") == 0;
        } else if (strcmp(k, "bom") == 0 && (strcmp(v, "0") == 0 || strcmp(v, "1") == 0)) {
            *bom = strcmp(v, "1") == 0;
        } else if (strcmp(k, "sep") == 0 && (strcmp(v, ",") == 0 || strcmp(v, ";") == 0)) {
            s->sep = v[0];
        } else {
            s->host->set_error(s->host->host_data,
                               "option '%s=%s' not understood (csv takes form=wide|long, "
                               "bom=0|1, sep=,|;)", k, v);
            return -1;
        }
    }
    return 0;
}

/* ---- the export ops ---- */

static void state_free(csv_state *s)
{
    for (size_t i = 0; i < s->n_sections; i++) free(s->section_ids[i]);
    free(s->section_ids);
    free(s->line);
    free(s);
}

static int csv_begin(void **state, const pt_host *host, const pt_export_options *options)
{
    *state = NULL;
    csv_state *s = calloc(1, sizeof *s);
    if (!s) {
        host->set_error(host->host_data, "out of memory");
        return -1;
    }
    s->host = host;
    s->sep = ',';
    int bom = 0;
    if (parse_options(s, options, &bom) != 0) {
        state_free(s);
        return -1;
    }
    if (of_open(&s->out, host, options->output_path) != 0) {
        state_free(s);
        return -1;
    }
    errno = 0;
    if (bom && fwrite("\xEF\xBB\xBF", 1, 3, s->out.f) != 3) {
        of_write_failed(&s->out, host);
        of_finish(&s->out, host, 0);
        state_free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static const char *const wide_columns[] = {
    "visit_id", "date", "type", "institution_reg_no", "institution_name", "kabupaten_kota",
    "checklist", "total", "max", "grade", "grade_label", "valid_until", "n_flags"};
static const char *const long_columns[] = {
    "visit_id", "date", "institution", "checklist", "section", "item_id", "item_text", "type",
    "value", "na", "note"};
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Writes the header; wide: the section columns come from this first record's checklist
 * (or none when the export is empty). */
static int write_header(csv_state *s, const pt_checklist *checklist)
{
    s->header_done = 1;
    if (s->long_form) {
        for (size_t i = 0; i < N_OF(long_columns); i++) cell(s, i == 0, long_columns[i]);
        return end_row(s);
    }
    for (size_t i = 0; i < N_OF(wide_columns); i++) cell(s, i == 0, wide_columns[i]);
    size_t n = checklist ? checklist->n_sections : 0;
    if (n) {
        s->section_ids = calloc(n, sizeof *s->section_ids);
        if (!s->section_ids) s->oom = 1;
        for (size_t i = 0; !s->oom && i < n; i++) {
            if (!(s->section_ids[i] = strdup(checklist->sections[i].id))) s->oom = 1;
            else s->n_sections++;
        }
    }
    for (size_t i = 0; i < s->n_sections; i++) cell(s, 0, s->section_ids[i]);
    cell(s, 0, "other_sections");
    return end_row(s);
}

static int write_wide(csv_state *s, const pt_export_record *r)
{
    const pt_visit *v = r->visit;
    const pt_institution *in = r->institution;
    const pt_score *sc = r->score;
    char checklist[512];
    snprintf(checklist, sizeof checklist, "%s@%s", v->checklist_id, v->checklist_version);
    int_cell(s, 1, (long long)v->id);
    cell(s, 0, v->date);
    cell(s, 0, v->type);
    cell(s, 0, in->reg_no);
    cell(s, 0, in->name);
    cell(s, 0, in->kabupaten_kota);
    cell(s, 0, checklist);
    if (sc) {
        number_cell(s, 0, sc->total);
        number_cell(s, 0, sc->max);
        cell(s, 0, sc->grade);
        cell(s, 0, sc->grade_label);
        cell(s, 0, sc->valid_until);
        int_cell(s, 0, (long long)sc->n_flags);
    } else {
        for (int i = 0; i < 6; i++) cell(s, 0, NULL);   /* not scored: empty, not zero */
    }
    for (size_t c = 0; c < s->n_sections; c++) {
        const pt_section_score *found = NULL;
        for (size_t i = 0; sc && i < sc->n_sections; i++)
            if (strcmp(sc->sections[i].section_id, s->section_ids[c]) == 0)
                found = &sc->sections[i];
        if (found) number_cell(s, 0, found->score);
        else cell(s, 0, NULL);
    }
    /* the sections without a column of their own */
    char *other = NULL;
    size_t other_len = 0;
    FILE *m = open_memstream(&other, &other_len);
    if (!m) s->oom = 1;
    for (size_t i = 0; m && sc && i < sc->n_sections; i++) {
        int has_column = 0;
        for (size_t c = 0; c < s->n_sections; c++)
            if (strcmp(sc->sections[i].section_id, s->section_ids[c]) == 0) has_column = 1;
        if (has_column) continue;
        char num[64];
        format_number(s, num, sizeof num, sc->sections[i].score);
        fprintf(m, "%s%s=%s", ftell(m) > 0 ? "; " : "", sc->sections[i].section_id, num);
    }
    if (m && fclose(m) != 0) s->oom = 1;
    cell(s, 0, other);
    free(other);
    return end_row(s);
}

static int write_long(csv_state *s, const pt_export_record *r)
{
    const pt_visit *v = r->visit;
    char checklist[512];
    snprintf(checklist, sizeof checklist, "%s@%s", v->checklist_id, v->checklist_version);
    for (size_t i = 0; i < v->n_answers; i++) {
        const pt_answer *a = &v->answers[i];
        const pt_section *section = NULL;
        const pt_item *item = s->host->checklist_item(r->checklist, a->item_id, &section);
        const char *value = a->value;
        char decimal[128];
        /* a decimal number follows the separator's convention, like the score columns */
        if (value && item && item->type == PT_ITEM_NUMBER && s->sep == ';' &&
            strlen(value) < sizeof decimal) {
            strcpy(decimal, value);
            for (char *p = decimal; *p; p++)
                if (*p == '.') *p = ',';
            value = decimal;
        }
        int_cell(s, 1, (long long)v->id);
        cell(s, 0, v->date);
        cell(s, 0, r->institution->name);
        cell(s, 0, checklist);
        cell(s, 0, section ? section->id : NULL);
        cell(s, 0, a->item_id);
        cell(s, 0, item ? item->text : NULL);
        cell(s, 0, item ? s->host->item_type_name(item->type) : NULL);
        cell(s, 0, value);
        cell(s, 0, a->na ? "1" : "0");
        cell(s, 0, a->note);
        if (end_row(s) != 0) return -1;
    }
    return 0;
}

static int csv_record(void *state, const pt_export_record *record)
{
    csv_state *s = state;
    if (!s->header_done && write_header(s, record->checklist) != 0) return -1;
    return s->long_form ? write_long(s, record) : write_wide(s, record);
}

static int csv_end(void *state, int ok)
{
    csv_state *s = state;
    int rc = 0;
    if (ok && !s->header_done && write_header(s, NULL) != 0) ok = 0, rc = -1;
    if (of_finish(&s->out, s->host, ok) != 0) rc = -1;
    state_free(s);
    return rc;
}

static const pt_export_ops csv_ops = {
    .size = sizeof(pt_export_ops),
    .file_extension = "csv",
    .begin = csv_begin,
    .record = csv_record,
    .end = csv_end,
};

static const pt_plugin_descriptor csv_descriptor = {
    .abi_major = PT_PLUGIN_ABI_MAJOR,
    .abi_minor = PT_PLUGIN_ABI_MINOR,
    .size = sizeof(pt_plugin_descriptor),
    .name = "csv",
    .version = "1.0.0",
    .description = "CSV: a row per visit, or per answer (form=long)",
    .kind = PT_PLUGIN_KIND_EXPORT,
    .export_ops = &csv_ops,
};

PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void)
{
    return &csv_descriptor;
}
