/* CSV visit files (checklists/README.md, "Visit files"): '#key;value' lines set a visit's
 * fields, an 'item;value;note' header row opens its answers, and a '#institution' line after
 * that starts the next visit. The CSV syntax itself is csv.c's; this file knows only the
 * layout. Problems of layout are recorded on the visit, so import can list them all. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "visit_parse.h"

struct pt__visit_csv {
    char *source;
    const char *buf;
    size_t len;
    pt__csv *csv;
    /* a '#institution' line read while finishing the previous visit, held for the next */
    int pending;
    char *pending_value;
    int pending_line;
};

int pt__visit_csv_open(pt__visit_csv **out, const char *source, const char *buf, size_t len)
{
    *out = NULL;
    pt__visit_csv *r = calloc(1, sizeof *r);
    if (!r || !(r->source = strdup(source))) {
        free(r);
        return pt__error(PT_ENOMEM, "%s: out of memory", source);
    }
    r->buf = buf;
    r->len = len;
    int rc = pt__csv_open(&r->csv, source, buf, len);
    if (rc != 0) {
        free(r->source);
        free(r);
        return rc;
    }
    *out = r;
    return PT_OK;
}

void pt__visit_csv_close(pt__visit_csv *r)
{
    if (!r) return;
    pt__csv_close(r->csv);
    free(r->pending_value);
    free(r->source);
    free(r);
}

int pt__visit_csv_rewind(pt__visit_csv *r)
{
    pt__csv_close(r->csv);
    r->csv = NULL;
    free(r->pending_value);
    r->pending_value = NULL;
    r->pending = 0;
    return pt__csv_open(&r->csv, r->source, r->buf, r->len);
}

const pt__csv *pt__visit_csv_reader(const pt__visit_csv *r) { return r->csv; }

/* Spreadsheets pad cells with spaces; no field of a visit file means anything by them. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
    return s;
}

/* 1 if fields[from..] are all empty: spreadsheets add trailing separators to short rows. */
static int rest_empty(char **fields, size_t n, size_t from)
{
    for (size_t i = from; i < n; i++)
        if (*trim(fields[i])) return 0;
    return 1;
}

static int set_field(pt__visit_csv *r, pt__arena *arena, pt__raw_visit *v, const char **field,
                     int *field_line, const char *key, const char *value, int line)
{
    if (*field)
        return pt__raw_visit_problem(arena, v, "%s:%d: #%s is given twice for this visit "
                                     "(first on line %d)", r->source, line, key, *field_line);
    if (!(*field = pt__arena_strdup(arena, value))) return PT_ENOMEM;
    *field_line = line;
    return PT_OK;
}

int pt__visit_csv_next(pt__visit_csv *r, pt__arena *arena, pt__raw_visit *v)
{
    memset(v, 0, sizeof *v);
    int in_answers = 0;          /* the header row was seen */
    int told_no_header = 0;      /* "no header" is said once per visit, not once per row */
    int notes_line = 0;
    int rc;

    if (r->pending) {
        r->pending = 0;
        v->line = v->institution_line = r->pending_line;
        v->institution = pt__arena_strdup(arena, r->pending_value);
        free(r->pending_value);
        r->pending_value = NULL;
        if (!v->institution) return pt__error(PT_ENOMEM, "%s: out of memory", r->source);
    }

    for (;;) {
        char **f;
        size_t n;
        int line;
        rc = pt__csv_next(r->csv, &f, &n, &line);
        if (rc < 0) return rc;
        if (rc == 0) break;
        if (n == 0 || rest_empty(f, n, 0)) continue;
        char *first = trim(f[0]);

        if (first[0] == '#') {
            const char *key = first + 1;
            const char *value = n > 1 ? trim(f[1]) : "";
            if (strcasecmp(key, "institution") == 0 && in_answers) {
                /* the next visit starts here: keep the line for the next call */
                if (!(r->pending_value = strdup(value)))
                    return pt__error(PT_ENOMEM, "%s: out of memory", r->source);
                r->pending = 1;
                r->pending_line = line;
                return 1;
            }
            if (v->line == 0) v->line = line;
            if (!rest_empty(f, n, 2)) {
                rc = pt__raw_visit_problem(arena, v, "%s:%d: #%s has more than one value "
                                           "(quote a value that holds the separator)",
                                           r->source, line, key);
            } else if (strcasecmp(key, "institution") == 0) {
                rc = set_field(r, arena, v, &v->institution, &v->institution_line, "institution",
                               value, line);
            } else if (strcasecmp(key, "checklist") == 0) {
                rc = set_field(r, arena, v, &v->checklist, &v->checklist_line, "checklist", value,
                               line);
            } else if (strcasecmp(key, "date") == 0) {
                rc = set_field(r, arena, v, &v->date, &v->date_line, "date", value, line);
            } else if (strcasecmp(key, "type") == 0) {
                rc = set_field(r, arena, v, &v->type, &v->type_line, "type", value, line);
            } else if (strcasecmp(key, "notes") == 0) {
                rc = set_field(r, arena, v, &v->notes, &notes_line, "notes", value, line);
            } else if (strcasecmp(key, "team") == 0) {
                pt__raw_member *m = pt__raw_visit_add_member(arena, v);
                rc = m && (m->spec = pt__arena_strdup(arena, value)) ? PT_OK : PT_ENOMEM;
                if (m) m->line = line;
            } else {
                rc = pt__raw_visit_problem(arena, v, "%s:%d: unknown field '#%s' (expected "
                                           "institution, checklist, date, type, team or notes)",
                                           r->source, line, key);
            }
            if (rc != 0) return pt__error(PT_ENOMEM, "%s: out of memory", r->source);
            continue;
        }

        if (v->line == 0) v->line = line;
        const char *second = n > 1 ? trim(f[1]) : "";
        if (strcasecmp(first, "item") == 0 && strcasecmp(second, "value") == 0) {
            const char *third = n > 2 ? trim(f[2]) : "";
            if (in_answers)
                rc = pt__raw_visit_problem(arena, v, "%s:%d: a second 'item%cvalue%cnote' header "
                                           "in one visit (start a new visit with #institution)",
                                           r->source, line, pt__csv_separator(r->csv),
                                           pt__csv_separator(r->csv));
            else if ((*third && strcasecmp(third, "note") != 0) || !rest_empty(f, n, 3))
                rc = pt__raw_visit_problem(arena, v, "%s:%d: the header row must be "
                                           "'item%cvalue%cnote'", r->source, line,
                                           pt__csv_separator(r->csv), pt__csv_separator(r->csv));
            else
                rc = PT_OK;
            if (rc != 0) return pt__error(PT_ENOMEM, "%s: out of memory", r->source);
            in_answers = 1;
            continue;
        }

        if (!in_answers) {
            if (!told_no_header) {
                told_no_header = 1;
                rc = pt__raw_visit_problem(arena, v, "%s:%d: answers must follow an "
                                           "'item%cvalue%cnote' header row", r->source, line,
                                           pt__csv_separator(r->csv), pt__csv_separator(r->csv));
                if (rc != 0) return pt__error(PT_ENOMEM, "%s: out of memory", r->source);
            }
            continue;
        }

        if (!*first || !rest_empty(f, n, 3)) {
            rc = pt__raw_visit_problem(arena, v, !*first
                                       ? "%s:%d: an answer row without an item id"
                                       : "%s:%d: an answer row has more than 3 fields (quote a "
                                         "note that holds the separator)", r->source, line);
            if (rc != 0) return pt__error(PT_ENOMEM, "%s: out of memory", r->source);
            continue;
        }
        pt__raw_answer *a = pt__raw_visit_add_answer(arena, v);
        const char *note = n > 2 ? trim(f[2]) : "";
        if (!a || !(a->item_id = pt__arena_strdup(arena, first)) ||
            !(a->value = pt__arena_strdup(arena, second)) ||
            (*note && !(a->note = pt__arena_strdup(arena, note))))
            return pt__error(PT_ENOMEM, "%s: out of memory", r->source);
        a->line = line;
    }
    if (v->line == 0) return 0;
    if (!in_answers && !told_no_header &&
        pt__raw_visit_problem(arena, v, "%s:%d: the visit has no 'item%cvalue%cnote' header row "
                              "and no answers", r->source, v->line, pt__csv_separator(r->csv),
                              pt__csv_separator(r->csv)) != 0)
        return pt__error(PT_ENOMEM, "%s: out of memory", r->source);
    return 1;
}
