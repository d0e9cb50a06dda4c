/*
 * The CSV reader (csv.h): a small state machine over a buffer in memory, so every record knows
 * the exact line it started on and every error can name it. Spreadsheet exports from Indonesian
 * offices are the input: Excel writes ';' and decimal commas under an Indonesian locale, ','
 * and decimal points otherwise, a BOM and CRLF on Windows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "internal.h"

struct pt__csv {
    char *source;          /* owned copy: the file name in messages */
    const char *buf;       /* borrowed: the caller's bytes */
    size_t len, pos;
    int line;              /* the line pos is on */
    char sep;

    /* The current record: field texts packed one after another, each NUL-terminated, in
     * text; offsets index into it (text may move while it grows, so pointers are made only
     * once the record is complete). Both live until the next call. */
    char *text;
    size_t text_len, text_cap;
    size_t *offsets;
    char **fields;
    size_t n_fields, fields_cap;
};

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* Length of the line ending at p (0 if none): "\n", "\r\n" or a lone "\r" (old Mac exports). */
static size_t eol_len(const char *p, const char *end)
{
    if (p >= end) return 0;
    if (*p == '\n') return 1;
    if (*p == '\r') return (p + 1 < end && p[1] == '\n') ? 2 : 1;
    return 0;
}

/* Checks every line for UTF-8 and NUL bytes, so the error names the line to fix. '\n' never
 * occurs inside a multi-byte sequence, so lines can be checked one by one. */
static int check_text(const char *source, const char *p, const char *end)
{
    int line = 1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        if (memchr(p, '\0', (size_t)(stop - p)))
            return pt__error(PT_EINVALID, "%s:%d: contains a NUL byte (is this a text file?)", source, line);
        if (!pt__is_utf8(p, (size_t)(stop - p)))
            return pt__error(PT_EINVALID, "%s:%d: not valid UTF-8 (save the file as CSV UTF-8)",
                             source, line);
        if (!nl) break;
        p = nl + 1;
        line++;
    }
    return PT_OK;
}

/* Decides the separator from the first non-blank line, counting ',' and ';' outside quotes (a
 * quoted field may span lines, so quotes are followed across line ends). */
static int detect_separator(pt__csv *csv)
{
    const char *p = csv->buf + csv->pos, *end = csv->buf + csv->len;
    int line = csv->line;
    /* skip blank lines, as pt__csv_next does */
    for (;;) {
        const char *q = p;
        while (q < end && is_space(*q)) q++;
        size_t n = eol_len(q, end);
        if (!n) break;
        p = q + n;
        line++;
    }
    int first_line = line, in_quotes = 0;
    size_t commas = 0, semicolons = 0;
    for (; p < end; p++) {
        char c = *p;
        if (c == '"') in_quotes = !in_quotes; /* "" inside quotes toggles twice: no change */
        else if (!in_quotes && (c == '\n' || c == '\r')) break;
        else if (!in_quotes && c == ',') commas++;
        else if (!in_quotes && c == ';') semicolons++;
    }
    if (commas && semicolons)
        return pt__error(PT_EINVALID,
                         "%s:%d: ambiguous separator: the first line holds both ',' and ';' outside "
                         "quotes (quote the field that contains the other one)", csv->source, first_line);
    csv->sep = semicolons ? ';' : ',';
    return PT_OK;
}

int pt__csv_open(pt__csv **out, const char *source, const char *buf, size_t len)
{
    *out = NULL;
    if (!source) source = "(csv)";
    /* the UTF-8 byte order mark Excel writes in front of "CSV UTF-8" files */
    size_t start = (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
    int err = check_text(source, buf + start, buf + len);
    if (err) return err;

    pt__csv *csv = calloc(1, sizeof *csv);
    if (!csv || !(csv->source = strdup(source))) {
        free(csv);
        return pt__error(PT_ENOMEM, "%s: out of memory", source);
    }
    csv->buf = buf;
    csv->len = len;
    csv->pos = start;
    csv->line = 1;
    err = detect_separator(csv);
    if (err) {
        pt__csv_close(csv);
        return err;
    }
    *out = csv;
    return PT_OK;
}

void pt__csv_close(pt__csv *csv)
{
    if (!csv) return;
    free(csv->source);
    free(csv->text);
    free(csv->offsets);
    free(csv->fields);
    free(csv);
}

char pt__csv_separator(const pt__csv *csv) { return csv->sep; }

static int push_char(pt__csv *csv, char c)
{
    if (csv->text_len == csv->text_cap) {
        size_t cap = csv->text_cap ? csv->text_cap * 2 : 256;
        char *t = realloc(csv->text, cap);
        if (!t) return pt__error(PT_ENOMEM, "%s: out of memory", csv->source);
        csv->text = t;
        csv->text_cap = cap;
    }
    csv->text[csv->text_len++] = c;
    return PT_OK;
}

static int start_field(pt__csv *csv)
{
    if (csv->n_fields == csv->fields_cap) {
        size_t cap = csv->fields_cap ? csv->fields_cap * 2 : 16;
        size_t *o = realloc(csv->offsets, cap * sizeof *o);
        if (!o) return pt__error(PT_ENOMEM, "%s: out of memory", csv->source);
        csv->offsets = o;
        char **f = realloc(csv->fields, cap * sizeof *f);
        if (!f) return pt__error(PT_ENOMEM, "%s: out of memory", csv->source);
        csv->fields = f;
        csv->fields_cap = cap;
    }
    csv->offsets[csv->n_fields++] = csv->text_len;
    return PT_OK;
}

/* Reads one record starting at csv->pos (not on a blank line). */
static int read_record(pt__csv *csv)
{
    const char *buf = csv->buf, *end = buf + csv->len;
    const char *p = buf + csv->pos;
    csv->text_len = 0;
    csv->n_fields = 0;
    int err;

    for (;;) {                                     /* one field per turn */
        if ((err = start_field(csv))) return err;
        /* spaces before an opening quote are allowed (` "a;b"`), so look past them */
        const char *q = p;
        while (q < end && is_space(*q)) q++;
        if (q < end && *q == '"') {
            int open_line = csv->line;
            p = q + 1;
            for (;;) {
                if (p >= end)
                    return pt__error(PT_EINVALID, "%s:%d: unterminated quoted field", csv->source, open_line);
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {      /* "" is a quote */
                        if ((err = push_char(csv, '"'))) return err;
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                size_t n = eol_len(p, end);
                if (n) {                                   /* a line break inside the value */
                    if ((err = push_char(csv, '\n'))) return err;
                    p += n;
                    csv->line++;
                    continue;
                }
                if ((err = push_char(csv, *p++))) return err;
            }
            while (p < end && is_space(*p)) p++;
            if (p < end && *p != csv->sep && !eol_len(p, end))
                return pt__error(PT_EINVALID,
                                 "%s:%d: text after the closing quote of field %zu (a quote inside a "
                                 "quoted field is written twice: \"\")", csv->source, csv->line,
                                 csv->n_fields);
        } else {
            while (p < end && *p != csv->sep && !eol_len(p, end)) {
                if (*p == '"')
                    return pt__error(PT_EINVALID,
                                     "%s:%d: stray quote in field %zu (quote the whole field and "
                                     "write a quote inside it twice: \"\")", csv->source, csv->line,
                                     csv->n_fields);
                if ((err = push_char(csv, *p++))) return err;
            }
        }
        if ((err = push_char(csv, '\0'))) return err;

        if (p < end && *p == csv->sep) {
            p++;
            continue;
        }
        size_t n = eol_len(p, end);
        p += n;
        if (n) csv->line++;
        break;                                         /* end of line or end of buffer */
    }
    csv->pos = (size_t)(p - buf);
    for (size_t i = 0; i < csv->n_fields; i++) csv->fields[i] = csv->text + csv->offsets[i];
    return PT_OK;
}

int pt__csv_next(pt__csv *csv, char ***fields, size_t *n_fields, int *line)
{
    *fields = NULL;
    *n_fields = 0;
    const char *end = csv->buf + csv->len;
    for (;;) {
        /* blank lines (or only spaces) are skipped */
        const char *p = csv->buf + csv->pos, *q = p;
        while (q < end && is_space(*q)) q++;
        size_t n = eol_len(q, end);
        if (n) {
            csv->pos = (size_t)(q + n - csv->buf);
            csv->line++;
            continue;
        }
        if (q >= end) {
            csv->pos = csv->len;
            return 0;
        }
        int start_line = csv->line;
        int err = read_record(csv);
        if (err) return err;
        /* A row of only separators is how spreadsheets export an empty row: skip it too. */
        int empty = 1;
        for (size_t i = 0; i < csv->n_fields && empty; i++)
            if (csv->fields[i][0]) empty = 0;
        if (empty) continue;
        *fields = csv->fields;
        *n_fields = csv->n_fields;
        if (line) *line = start_line;
        return 1;
    }
}

/* ---- numbers ---- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* digits at p, how many */
static size_t span_digits(const char *p)
{
    size_t n = 0;
    while (is_digit(p[n])) n++;
    return n;
}

/* 1 if s (after an optional '-') is Indonesian thousands notation: \d{1,3}(\.\d{3})+(,\d+)? */
static int looks_like_thousands(const char *s)
{
    if (*s == '-' || *s == '+') s++;
    size_t n = span_digits(s);
    if (n < 1 || n > 3) return 0;
    s += n;
    int groups = 0;
    while (*s == '.') {
        if (span_digits(s + 1) != 3) return 0;
        s += 4;
        groups++;
    }
    if (!groups) return 0;
    if (*s == ',') {
        n = span_digits(s + 1);
        if (!n) return 0;
        s += 1 + n;
    }
    return *s == '\0';
}

int pt__csv_number(const pt__csv *csv, const char *text, int line, double *out)
{
    *out = 0;
    /* Unquoted numbers often carry the spaces a spreadsheet aligned them with. */
    const char *s = text ? text : "";
    while (is_space(*s)) s++;
    size_t len = strlen(s);
    while (len && is_space(s[len - 1])) len--;
    char buf[64];
    if (len >= sizeof buf)
        return pt__error(PT_EINVALID, "%s:%d: not a number '%.40s...'", csv->source, line, s);
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (!len) return pt__error(PT_EINVALID, "%s:%d: expected a number, got ''", csv->source, line);

    if (csv->sep == ';' && looks_like_thousands(buf)) {
        /* "1.250" is one thousand two hundred fifty to an Indonesian reader and one and a
         * quarter to a program: refuse rather than guess. */
        char plain[64];
        size_t k = 0;
        for (const char *c = buf; *c; c++)
            if (*c != '.') plain[k++] = *c;
        plain[k] = '\0';
        const char *dot = strchr(buf, '.');
        if (strchr(buf, ',') || strchr(dot + 1, '.'))
            return pt__error(PT_EINVALID, "%s:%d: ambiguous number '%s': write it without the thousands "
                             "dots (%s)", csv->source, line, buf, plain);
        /* the other reading, with a decimal comma and without trailing zeros: 1.250 -> 1,25 */
        char decimal[64];
        size_t n_dec = strlen(dot + 1);
        while (n_dec && dot[n_dec] == '0') n_dec--;
        if (n_dec)
            snprintf(decimal, sizeof decimal, "%.*s,%.*s", (int)(dot - buf), buf, (int)n_dec, dot + 1);
        else
            snprintf(decimal, sizeof decimal, "%.*s", (int)(dot - buf), buf);
        return pt__error(PT_EINVALID, "%s:%d: ambiguous number '%s': write %s or %s", csv->source,
                         line, buf, plain, decimal);
    }

    /* [sign] digits [decimal mark digits]; the mark is '.' in ',' files, '.' or ',' in ';'
     * files. Parsed by hand: strtod follows the process locale, and this must not. */
    const char *p = buf;
    int negative = 0;
    if (*p == '-' || *p == '+') negative = *p++ == '-';
    size_t n_int = span_digits(p);
    const char *frac = p + n_int;
    size_t n_frac = 0;
    int ok = n_int > 0;
    if (ok && (*frac == '.' || (*frac == ',' && csv->sep == ';'))) {
        n_frac = span_digits(frac + 1);
        ok = n_frac > 0 && frac[1 + n_frac] == '\0';
    } else {
        ok = ok && *frac == '\0';
    }
    if (!ok) {
        if (csv->sep == ',' && strchr(buf, ','))
            return pt__error(PT_EINVALID, "%s:%d: not a number '%s' (in a file separated by ',' the "
                             "decimal mark is '.')", csv->source, line, buf);
        return pt__error(PT_EINVALID, "%s:%d: not a number '%s'", csv->source, line, buf);
    }
    /* All digits as one integer over a power of ten: one correctly rounded division, so
     * "0.1" is the double nearest 0.1. 15 digits stay exact in a double. */
    while (n_int > 1 && *p == '0') { p++; n_int--; }
    if (n_int + n_frac > 15)
        return pt__error(PT_EINVALID, "%s:%d: number '%s' has too many digits (at most 15)",
                         csv->source, line, buf);
    double mantissa = 0, scale = 1;
    for (size_t i = 0; i < n_int; i++) mantissa = mantissa * 10 + (p[i] - '0');
    for (size_t i = 0; i < n_frac; i++) {
        mantissa = mantissa * 10 + (frac[1 + i] - '0');
        scale *= 10;
    }
    double value = mantissa / scale;
    *out = negative ? -value : value;
    return PT_OK;
}
