/*
 * Visit files, read one visit at a time (visit_csv.c, visit_xml.c), and answers checked against
 * their items (answer_check.c). Internal to visit import (visit.c); not a promise to anyone.
 *
 * Import reads a file twice: once to check every visit, once to write them. So a reader yields
 * one visit per call into an arena the caller owns (freed after that visit), keeping memory
 * bounded by one visit rather than the file, and can be rewound for the second pass.
 */
#ifndef PANTAU_VISIT_PARSE_H
#define PANTAU_VISIT_PARSE_H

#include <stddef.h>

#include "csv.h"
#include "internal.h"
#include "pantau/checklist.h"

/* One answer as written in the file, before it is checked. Strings live in the visit's arena or
 * in the reader (XML document), and stay valid until the next call to the reader. */
typedef struct pt__raw_answer {
    const char *item_id;
    const char *value;   /* trimmed; "" when left empty */
    const char *note;    /* NULL if none */
    int na;              /* XML na="true": N/A stated by attribute */
    int line;
} pt__raw_answer;

/* One team member: either spec ("Name|Agency|Role", from CSV or the defaults) or the three
 * fields (XML). Checked by visit.c. */
typedef struct pt__raw_member {
    const char *spec;
    const char *name, *agency, *role;
    int line;
} pt__raw_member;

/* A problem the reader found in a visit's structure (answer row before the header, a field
 * given twice ...). Kept with the visit so that import reports it together with the answer
 * errors instead of stopping at the first. message is complete: "FILE:LINE: ...". */
typedef struct pt__visit_problem {
    struct pt__visit_problem *next;
    const char *message;
} pt__visit_problem;

typedef struct pt__raw_visit {
    int line;                                   /* where the visit starts */
    const char *institution, *checklist, *date, *type, *notes;  /* NULL when left out */
    int institution_line, checklist_line, date_line, type_line;
    size_t n_team;
    pt__raw_member *team;
    size_t n_answers;
    pt__raw_answer *answers;
    pt__visit_problem *problems, *last_problem;
    size_t n_problems;
    size_t answers_cap, team_cap;               /* reader's bookkeeping */
} pt__raw_visit;

/* Records a problem on visit (message formatted with FILE:LINE by the caller). 0 or PT_ENOMEM. */
int pt__raw_visit_problem(pt__arena *arena, pt__raw_visit *visit, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends a zeroed answer / member to visit, growing its array in arena. NULL on OOM. */
pt__raw_answer *pt__raw_visit_add_answer(pt__arena *arena, pt__raw_visit *visit);
pt__raw_member *pt__raw_visit_add_member(pt__arena *arena, pt__raw_visit *visit);

/* ---- CSV (visit_csv.c) ---- */
typedef struct pt__visit_csv pt__visit_csv;

/* Starts reading buf (len bytes; must outlive the reader). source names the file in messages.
 * Errors: PT_EINVALID (not UTF-8, ambiguous separator), PT_ENOMEM. */
int pt__visit_csv_open(pt__visit_csv **out, const char *source, const char *buf, size_t len);
void pt__visit_csv_close(pt__visit_csv *reader);
/* Reads the next visit into *visit (zeroed first; strings in arena). Returns 1, 0 at the end,
 * or a negative PT_E code for a file that cannot be read on (unterminated quote ...). */
int pt__visit_csv_next(pt__visit_csv *reader, pt__arena *arena, pt__raw_visit *visit);
/* Back to the first visit. 0 or a PT_E code. */
int pt__visit_csv_rewind(pt__visit_csv *reader);
/* The CSV reader, for numbers written the file's way (decimal commas with ';'). */
const pt__csv *pt__visit_csv_reader(const pt__visit_csv *reader);

/* ---- XML (visit_xml.c) ---- */
typedef struct pt__visit_xml pt__visit_xml;

/* Parses buf with the hardened parser and validates it against checklists/visit.xsd.
 * Errors: PT_EINVALID ("FILE:LINE: ..."), PT_ELIMIT, PT_ENOMEM. */
int pt__visit_xml_open(pt__visit_xml **out, const char *source, const char *buf, size_t len);
void pt__visit_xml_close(pt__visit_xml *reader);
/* As pt__visit_csv_next. Strings point into the document or arena. */
int pt__visit_xml_next(pt__visit_xml *reader, pt__arena *arena, pt__raw_visit *visit);
void pt__visit_xml_rewind(pt__visit_xml *reader);

/* ---- answers (answer_check.c) ---- */

/* Longest text or evidence answer, in bytes. */
#define PT__ANSWER_TEXT_MAX 4000

/* Checks one answer against its item. csv is the reader the file came from (numbers are then
 * read with pt__csv_number, so decimal commas work), NULL for XML (plain decimal point).
 * On success: *value is the canonical text (static, the item's, the raw answer's, or in arena)
 * or NULL with *na = 1 for N/A. Returns 0, PT_EINVALID with the message
 * "SOURCE:LINE: item ID: reason", or PT_ENOMEM. An empty value is not checked here: the caller
 * treats it as unanswered. */
int pt__answer_check(const pt_item *item, const pt__raw_answer *raw, const char *source,
                     const pt__csv *csv, pt__arena *arena, const char **value, int *na);

/* Copies at most max bytes of s for a message, cut on a UTF-8 boundary and marked with "..."
 * when cut, into buf (size >= max + 4). Returns buf. */
const char *pt__visit_quote(const char *s, size_t max, char *buf);

#endif
