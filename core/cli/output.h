/*
 * The command's two ways of printing: an aligned table for people, one JSON document for
 * programs. Column widths count Unicode code points (not bytes), so Indonesian names with
 * accents and the "…" of a shortened text line up.
 */
#ifndef PANTAU_CLI_OUTPUT_H
#define PANTAU_CLI_OUTPUT_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

/* ---- tables ---- */

typedef struct out_table out_table;

/* A table with n_cols columns named by headers (copied). right_aligned (may be NULL) is a string
 * of n_cols characters, 'r' for a right-aligned (numeric) column, anything else for left.
 * Returns NULL on allocation failure. */
out_table *out_table_new(size_t n_cols, const char *const *headers, const char *right_aligned);
/* Adds a row of n_cols cells (copied; NULL prints as ""). 0, or -1 on allocation failure. */
int out_table_add(out_table *table, const char *const *cells);
/* Prints the header, a rule and the rows to f, columns separated by two spaces, no trailing
 * blanks. Prints nothing but the header when there are no rows. */
void out_table_print(const out_table *table, FILE *f);
size_t out_table_rows(const out_table *table);
void out_table_free(out_table *table);

/* ---- text ---- */

/* Number of code points in UTF-8 s (invalid bytes count as one each). */
size_t out_width(const char *s);
/* Copies s into buf (size bytes) keeping at most max_width code points; a shortened text ends
 * in "…". Runs of blanks and line breaks become one space, so one cell stays one line.
 * Returns buf. */
char *out_truncate(char *buf, size_t size, const char *s, size_t max_width);
/* Prints prefix then text, blanks and line breaks squeezed, wrapped at width code points;
 * continuation lines are indented by indent spaces. A word longer than a line stays whole. */
void out_wrapped(FILE *f, const char *prefix, size_t indent, const char *text, size_t width);
/* A number for people: up to two decimals, trailing zeros dropped ("78.5", "100"). Returns buf. */
char *out_number(char *buf, size_t size, double value);

/* ---- JSON ---- */

/* A JSON string, or null when s is NULL. Text that is not UTF-8 becomes null as well (jansson
 * refuses it), rather than failing the whole document. New reference. */
json_t *out_jstr(const char *s);
/* Prints the document on stdout as one document (indent 2, keys in insertion order, reals
 * with up to 12 significant digits), followed by a newline, and releases the reference.
 * Returns CLI_OK, or CLI_FAIL after printing an error when doc is NULL (allocation failed). */
int out_json_print(json_t *doc);
/* Prints {"items": items} as out_json_print does, taking the reference to items (NULL, an
 * allocation that failed, prints the error). Returns CLI_OK or CLI_FAIL. */
int out_items_print(json_t *items);

/* ---- listings ---- */

/* What every `list` command builds while a store walk calls it back: the JSON items with
 * --json, else the table. Exactly one of items and table is set once out_list_open succeeds;
 * both are owned by the listing. */
typedef struct out_list {
    json_t *items;
    out_table *table;
    int failed;              /* a row could not be added (allocation failure) */
} out_list;

/* Starts a listing: a JSON array when as_json, else a table (arguments as out_table_new).
 * Returns CLI_OK, or CLI_FAIL after printing "out of memory". */
int out_list_open(out_list *list, int as_json, size_t n_cols, const char *const *headers,
                  const char *right_aligned);
/* Adds one JSON item, taking the reference (NULL counts as an allocation failure). 0, or 1
 * with list->failed set: a walk's callback can return it to stop the walk. */
int out_list_add_json(out_list *list, json_t *item);
/* Adds one table row (as out_table_add). 0, or 1 with list->failed set. */
int out_list_add_row(out_list *list, const char *const *cells);
/* Ends a listing after the walk that filled it returned walk: when walk is non-zero or a row
 * failed, prints the error ("out of memory" for a failed row, else pt_error_last()) and
 * returns CLI_FAIL; otherwise prints {"items": [...]} or the table and returns CLI_OK.
 * Releases the listing in both cases. */
int out_list_finish(out_list *list, int walk);
/* Releases a listing that is not finished (NULL parts are fine). */
void out_list_free(out_list *list);

#endif
