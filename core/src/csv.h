/*
 * A CSV reader for spreadsheet reality: UTF-8 with or without BOM, CRLF or LF, ',' or ';'
 * separators (decided from the first line), RFC 4180 quoting (quoted fields may hold the
 * separator, quotes doubled, line breaks). Every record knows the line it started on.
 * Used by institution and visit import. Works on a buffer in memory.
 */
#ifndef PANTAU_CSV_H
#define PANTAU_CSV_H

#include <stddef.h>

typedef struct pt__csv pt__csv;

/* Starts reading buf (len bytes, need not be NUL-terminated; must outlive the reader).
 * source names the file in messages. Fails with PT_EINVALID when the text is not UTF-8 or
 * the separator is ambiguous (the first line holds both ',' and ';' outside quotes: message
 * "FILE:1: ambiguous separator ...") and PT_ENOMEM. */
int pt__csv_open(pt__csv **out, const char *source, const char *buf, size_t len);
void pt__csv_close(pt__csv *csv);

/* The separator in use: ',' or ';'. */
char pt__csv_separator(const pt__csv *csv);

/* Reads the next record. Returns 1 with *fields (n_fields of them, NUL-terminated, unquoted,
 * valid until the next call) and *line (where the record starts), 0 at the end, or a negative
 * PT_E code (unterminated quote, stray quote: "FILE:LINE: ..."). Blank lines are skipped. */
int pt__csv_next(pt__csv *csv, char ***fields, size_t *n_fields, int *line);

/* Parses a decimal number as written in this file: with ';' as separator a decimal comma is
 * accepted ("12,5"), and "1.250" (thousands or decimal?) is refused as ambiguous. Returns 0 and
 * *out, or PT_EINVALID with a message naming FILE:LINE (the caller may prefix the field). */
int pt__csv_number(const pt__csv *csv, const char *text, int line, double *out);

#endif
