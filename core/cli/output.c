/* Aligned tables and JSON printing for the `pantau` command. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

struct out_table {
    size_t n_cols;
    char **headers;
    char *right;             /* n_cols flags: 1 = right-aligned */
    size_t n_rows, cap_rows;
    char ***rows;            /* n_rows arrays of n_cols strings, all owned */
};

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

out_table *out_table_new(size_t n_cols, const char *const *headers, const char *right_aligned)
{
    out_table *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->n_cols = n_cols;
    t->headers = calloc(n_cols, sizeof *t->headers);
    t->right = calloc(n_cols ? n_cols : 1, 1);
    if (!t->headers || !t->right) {
        out_table_free(t);
        return NULL;
    }
    for (size_t i = 0; i < n_cols; i++) {
        t->headers[i] = dup_or_empty(headers[i]);
        if (!t->headers[i]) {
            out_table_free(t);
            return NULL;
        }
        t->right[i] = right_aligned && right_aligned[i] == 'r';
    }
    return t;
}

int out_table_add(out_table *t, const char *const *cells)
{
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
        char ***rows = realloc(t->rows, cap * sizeof *rows);
        if (!rows) return -1;
        t->rows = rows;
        t->cap_rows = cap;
    }
    char **row = calloc(t->n_cols ? t->n_cols : 1, sizeof *row);
    if (!row) return -1;
    for (size_t i = 0; i < t->n_cols; i++) {
        /* a cell is one line of the table whatever the data holds */
        char buf[4096];
        row[i] = strdup(out_truncate(buf, sizeof buf, cells[i], sizeof buf));
        if (!row[i]) {
            for (size_t j = 0; j < i; j++) free(row[j]);
            free(row);
            return -1;
        }
    }
    t->rows[t->n_rows++] = row;
    return 0;
}

size_t out_table_rows(const out_table *t) { return t->n_rows; }

/* Appends text to a growing line buffer; on allocation failure the line is cut short. */
static void put(char **buf, size_t *len, size_t *cap, const char *text, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t ncap = (*len + n + 1) * 2;
        char *nb = realloc(*buf, ncap);
        if (!nb) return;
        *buf = nb;
        *cap = ncap;
    }
    memcpy(*buf + *len, text, n);
    *len += n;
    (*buf)[*len] = '\0';
}

static void put_spaces(char **buf, size_t *len, size_t *cap, size_t n)
{
    for (size_t i = 0; i < n; i++) put(buf, len, cap, " ", 1);
}

/* One row, padded to the column widths, without trailing blanks (an empty last cell would
 * otherwise leave the previous column's padding behind). */
static void print_row(FILE *f, const out_table *t, char *const *cells, const size_t *widths)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (size_t i = 0; i < t->n_cols; i++) {
        if (i) put(&buf, &len, &cap, "  ", 2);
        size_t w = out_width(cells[i]);
        size_t pad = widths[i] > w ? widths[i] - w : 0;
        if (t->right[i]) put_spaces(&buf, &len, &cap, pad);
        put(&buf, &len, &cap, cells[i], strlen(cells[i]));
        if (!t->right[i]) put_spaces(&buf, &len, &cap, pad);
    }
    while (len > 0 && buf[len - 1] == ' ') len--;
    if (buf) fwrite(buf, 1, len, f);
    fputc('\n', f);
    free(buf);
}

void out_table_print(const out_table *t, FILE *f)
{
    size_t *widths = calloc(t->n_cols ? t->n_cols : 1, sizeof *widths);
    if (!widths) return;
    for (size_t i = 0; i < t->n_cols; i++) {
        widths[i] = out_width(t->headers[i]);
        for (size_t r = 0; r < t->n_rows; r++) {
            size_t w = out_width(t->rows[r][i]);
            if (w > widths[i]) widths[i] = w;
        }
    }
    print_row(f, t, t->headers, widths);
    for (size_t i = 0; i < t->n_cols; i++) {
        if (i) fputs("  ", f);
        for (size_t k = 0; k < widths[i]; k++) fputc('-', f);
    }
    fputc('\n', f);
    for (size_t r = 0; r < t->n_rows; r++) print_row(f, t, t->rows[r], widths);
    free(widths);
}

void out_table_free(out_table *t)
{
    if (!t) return;
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t i = 0; i < t->n_cols; i++) free(t->rows[r][i]);
        free(t->rows[r]);
    }
    free(t->rows);
    if (t->headers)
        for (size_t i = 0; i < t->n_cols; i++) free(t->headers[i]);
    free(t->headers);
    free(t->right);
    free(t);
}

size_t out_width(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
        if ((*p & 0xC0) != 0x80) n++;   /* continuation bytes belong to the previous point */
    return n;
}

/* s with every run of blanks and line breaks made one space, trimmed; caller frees. XML texts
 * keep the line breaks of their source file, which mean nothing on a terminal. */
static char *squeeze(const char *s)
{
    char *out = malloc(strlen(s) + 1);
    if (!out) return NULL;
    size_t n = 0;
    int blank = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            blank = 1;
            continue;
        }
        if (blank && n > 0) out[n++] = ' ';
        blank = 0;
        out[n++] = *p;
    }
    out[n] = '\0';
    return out;
}

/* Length in bytes of the code point starting at p (1 for a stray byte). */
static size_t point_len(const unsigned char *p)
{
    size_t len = 1;
    if (*p & 0x80)
        while ((p[len] & 0xC0) == 0x80) len++;
    return len;
}

char *out_truncate(char *buf, size_t size, const char *s, size_t max_width)
{
    if (size == 0) return buf;
    buf[0] = '\0';
    if (!s) return buf;
    char *text = squeeze(s);
    if (!text) return buf;
    static const char ellipsis[] = "\xE2\x80\xA6";   /* U+2026 */
    size_t total = out_width(text);
    /* room for the ellipsis when the text is shortened */
    size_t keep = total > max_width ? (max_width > 0 ? max_width - 1 : 0) : total;
    size_t out = 0, points = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p && points < keep) {
        size_t len = point_len(p);
        if (out + len + sizeof ellipsis > size) break;   /* the buffer is the hard limit */
        memcpy(buf + out, p, len);
        out += len;
        p += len;
        points++;
    }
    if (*p && max_width > 0 && out + sizeof ellipsis <= size) {
        memcpy(buf + out, ellipsis, sizeof ellipsis - 1);
        out += sizeof ellipsis - 1;
    }
    buf[out] = '\0';
    free(text);
    return buf;
}

void out_wrapped(FILE *f, const char *prefix, size_t indent, const char *text, size_t width)
{
    fputs(prefix, f);
    char *t = text ? squeeze(text) : NULL;
    if (!t) {
        fputc('\n', f);
        return;
    }
    size_t col = out_width(prefix);
    const char *p = t;
    int first = 1;
    while (*p) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char word[4096];
        snprintf(word, sizeof word, "%.*s", (int)n, p);
        size_t w = out_width(word);
        if (!first && col + 1 + w > width) {
            fputc('\n', f);
            for (size_t i = 0; i < indent; i++) fputc(' ', f);
            col = indent;
        } else if (!first) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, n, f);
        col += w;
        first = 0;
        p += n;
        while (*p == ' ') p++;
    }
    fputc('\n', f);
    free(t);
}

char *out_number(char *buf, size_t size, double value)
{
    if (!isfinite(value)) {
        snprintf(buf, size, "%g", value);
        return buf;
    }
    snprintf(buf, size, "%.2f", value);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf) - 1;
        while (end > dot && *end == '0') *end-- = '\0';
        if (end == dot) *end = '\0';
    }
    if (strcmp(buf, "-0") == 0) strcpy(buf, "0");
    return buf;
}

json_t *out_jstr(const char *s)
{
    if (!s) return json_null();
    json_t *j = json_string(s);
    return j ? j : json_null();
}

int out_json_print(json_t *doc)
{
    if (!doc) return cli_failf("out of memory");
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(doc);
    if (!text) return cli_failf("out of memory");
    fputs(text, stdout);
    fputc('\n', stdout);
    free(text);
    return CLI_OK;
}

int out_items_print(json_t *items)
{
    if (!items) return cli_failf("out of memory");
    json_t *doc = json_object();
    if (doc) json_object_set_new(doc, "items", items);
    else json_decref(items);
    return out_json_print(doc);
}

/* ---- listings ---- */

int out_list_open(out_list *l, int as_json, size_t n_cols, const char *const *headers,
                  const char *right_aligned)
{
    l->items = NULL;
    l->table = NULL;
    l->failed = 0;
    if (as_json)
        l->items = json_array();
    else
        l->table = out_table_new(n_cols, headers, right_aligned);
    if (!l->items && !l->table) return cli_failf("out of memory");
    return CLI_OK;
}

int out_list_add_json(out_list *l, json_t *item)
{
    if (json_array_append_new(l->items, item) != 0) return l->failed = 1;
    return 0;
}

int out_list_add_row(out_list *l, const char *const *cells)
{
    if (out_table_add(l->table, cells) != 0) return l->failed = 1;
    return 0;
}

int out_list_finish(out_list *l, int walk)
{
    int rc;
    if (walk != 0 || l->failed) {
        rc = l->failed ? cli_failf("out of memory") : cli_fail();
    } else if (l->items) {
        rc = out_items_print(l->items);
        l->items = NULL;   /* out_items_print took it */
    } else {
        out_table_print(l->table, stdout);
        rc = CLI_OK;
    }
    out_list_free(l);
    return rc;
}

void out_list_free(out_list *l)
{
    json_decref(l->items);
    out_table_free(l->table);
    l->items = NULL;
    l->table = NULL;
}
