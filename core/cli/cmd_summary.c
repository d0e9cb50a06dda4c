/* pantau summary: one line per visit with its total, grade and most severe flag. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_views.h"
#include "output.h"

static const char help_summary[] =
    "Usage: pantau summary [--json]\n"
    "\n"
    "One line per visit, ordered by date: institution, visit date, checklist ID@VERSION,\n"
    "total/max, grade with its label, the number of flags and the most severe flag's text\n"
    "(kritis before tinggi, sedang, rendah). Visits not scored yet show \"-\".\n"
    "--json prints {\"items\": [...]} (keys in docs/commands.md).\n";

/* The listing is copied first and the scores read afterwards, so no read runs inside
 * another's walk. */
typedef struct row {
    int64_t visit_id, institution_id;
    char *institution_name, *checklist_id, *checklist_version, *date;
    int scored;
} row;

typedef struct rows {
    row *v;
    size_t n, cap;
    int failed;
} rows;

static int collect(const pt_visit_summary *s, void *payload)
{
    rows *r = payload;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        row *v = realloc(r->v, cap * sizeof *v);
        if (!v) return r->failed = 1;
        r->v = v;
        r->cap = cap;
    }
    row *x = &r->v[r->n];
    x->visit_id = s->id;
    x->institution_id = s->institution_id;
    x->institution_name = strdup(s->institution_name ? s->institution_name : "");
    x->checklist_id = strdup(s->checklist_id ? s->checklist_id : "");
    x->checklist_version = strdup(s->checklist_version ? s->checklist_version : "");
    x->date = strdup(s->date ? s->date : "");
    x->scored = s->scored;
    r->n++;
    if (!x->institution_name || !x->checklist_id || !x->checklist_version || !x->date)
        return r->failed = 1;
    return 0;
}

static void rows_free(rows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].institution_name);
        free(r->v[i].checklist_id);
        free(r->v[i].checklist_version);
        free(r->v[i].date);
    }
    free(r->v);
}

static json_t *item_json(const row *x, const pt_score *s)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "visit_id", json_integer(x->visit_id));
    json_object_set_new(o, "institution_id", json_integer(x->institution_id));
    json_object_set_new(o, "institution_name", out_jstr(x->institution_name));
    json_object_set_new(o, "date", out_jstr(x->date));
    json_object_set_new(o, "checklist_id", out_jstr(x->checklist_id));
    json_object_set_new(o, "checklist_version", out_jstr(x->checklist_version));
    json_object_set_new(o, "scored", json_boolean(s != NULL));
    json_object_set_new(o, "total", s ? json_real(s->total) : json_null());
    json_object_set_new(o, "max", s ? json_real(s->max) : json_null());
    json_object_set_new(o, "grade", s ? out_jstr(s->grade) : json_null());
    json_object_set_new(o, "grade_label", s ? out_jstr(s->grade_label) : json_null());
    json_object_set_new(o, "valid_until", s ? out_jstr(s->valid_until) : json_null());
    json_object_set_new(o, "n_flags", s ? json_integer((json_int_t)s->n_flags) : json_null());
    const pt_flag *f = s ? cli_worst_flag(s) : NULL;
    json_object_set_new(o, "worst_flag", f ? jv_flag(f) : json_null());
    return o;
}

static int table_row(out_table *t, const row *x, const pt_score *s)
{
    char name[256], checklist[256], total[64], a[32], b[32], grade[256], flags[32], worst[512];
    snprintf(checklist, sizeof checklist, "%s@%s", x->checklist_id, x->checklist_version);
    out_truncate(name, sizeof name, x->institution_name, 32);
    if (!s) {
        const char *cells[] = {name, x->date, checklist, "-", "-", "-", ""};
        return out_table_add(t, cells);
    }
    snprintf(total, sizeof total, "%s/%s", out_number(a, sizeof a, s->total),
             out_number(b, sizeof b, s->max));
    if (s->grade && *s->grade)
        snprintf(grade, sizeof grade, "%s %s", s->grade, s->grade_label ? s->grade_label : "");
    else
        snprintf(grade, sizeof grade, "- %s", s->grade_label ? s->grade_label : "");
    snprintf(flags, sizeof flags, "%zu", s->n_flags);
    const pt_flag *f = cli_worst_flag(s);
    char text[512] = "";
    if (f) snprintf(text, sizeof text, "[%s] %s", f->severity, f->message ? f->message : "");
    out_truncate(worst, sizeof worst, text, 60);
    const char *cells[] = {name, x->date, checklist, total, grade, flags, worst};
    return out_table_add(t, cells);
}

int cmd_summary(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("summary", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_summary);
    if (n_pos) return cli_usage("summary", "unexpected argument '%s'", pos[0]);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    rows r = {0};
    int walk = pt_visit_foreach(ctx, 0, collect, &r);
    if (walk < 0 || r.failed) {
        rc = r.failed ? cli_failf("out of memory") : cli_fail();
        rows_free(&r);
        pt_close(ctx);
        return rc;
    }

    static const char *const headers[] = {"INSTITUTION", "DATE", "CHECKLIST", "TOTAL", "GRADE",
                                          "FLAGS", "MOST SEVERE FLAG"};
    out_list list;
    rc = out_list_open(&list, as_json, 7, headers, "...r.r.");
    for (size_t i = 0; rc == CLI_OK && i < r.n; i++) {
        pt_score *s = NULL;
        if (r.v[i].scored && pt_score_get(ctx, r.v[i].visit_id, &s) != PT_OK) {
            rc = cli_fail();
            break;
        }
        if (list.items) out_list_add_json(&list, item_json(&r.v[i], s));
        else if (table_row(list.table, &r.v[i], s) != 0) list.failed = 1;
        if (s) pt_score_free(s);
        if (list.failed) rc = cli_failf("out of memory");
    }
    pt_close(ctx);
    rows_free(&r);
    if (rc == CLI_OK) return out_list_finish(&list, 0);
    out_list_free(&list);
    return rc;
}
