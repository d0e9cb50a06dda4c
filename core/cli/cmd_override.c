/* pantau score override | score show: the professional override of a computed score, and the
 * stored score with the overrides in force beside it (override.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json_views.h"
#include "output.h"
#include "pantau/override.h"

static const char help_override[] =
    "Usage: pantau score override VISIT_ID --section SECTION --score X --reason TEXT\n"
    "       pantau score override VISIT_ID --grade GRADE --reason TEXT\n"
    "\n"
    "Overrides a computed section score (0 to the section's maximum) or the computed grade (a\n"
    "grade of the visit's checklist, or TT for none) of a scored visit, as a professional\n"
    "judgement written down in --reason (at least 20 characters). The computed score is never\n"
    "changed: both are kept and shown (pantau score show), re-scoring keeps the override, and\n"
    "a later override of the same section or grade is the one in force. Overrides are records:\n"
    "never changed or deleted. Assessors only; only while the visit is scored.\n";

static const char help_show[] =
    "Usage: pantau score show VISIT_ID [--json]\n"
    "\n"
    "The stored score of a visit with the overrides in force beside it: for each section and\n"
    "for the grade, the computed value and the value in force; then every override made (the\n"
    "history). The total is the script's. --json prints {visit_id, state, score (as 'pantau\n"
    "score --json'), grade {computed, computed_label, effective, effective_label, override},\n"
    "sections [{section_id, max, computed, effective, override}], overrides [...]}; an override\n"
    "is {id, target, section_id, computed, overridden, rationale, by, at}.\n";

static int parse_visit(const char *help_for, int n_pos, char **pos, int64_t *id)
{
    if (n_pos != 1) return cli_usage(help_for, n_pos ? "give one visit id" : "no visit id given");
    if (cli_parse_id(pos[0], id) != 0) return cli_usage(help_for, "'%s' is not a visit id", pos[0]);
    return CLI_OK;
}

int cmd_score_override(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    const char *section = NULL, *score = NULL, *grade = NULL, *reason = NULL;
    const cli_opt opts[] = {{"--section", 1, &section, NULL}, {"--score", 1, &score, NULL},
                            {"--grade", 1, &grade, NULL},     {"--reason", 1, &reason, NULL}};
    int rc = cli_parse("score override", argc, argv, opts, 4, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_override);
    int64_t visit;
    if ((rc = parse_visit("score override", n_pos, pos, &visit)) != CLI_OK) return rc;
    if (grade && (section || score))
        return cli_usage("score override", "give --grade, or --section with --score, not both");
    if (!grade && !(section && score))
        return cli_usage("score override", "give --section SECTION --score X, or --grade GRADE");
    if (!reason) return cli_usage("score override", "an override needs --reason TEXT");

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    int64_t id = 0;
    if (pt_score_override(ctx, visit, section, grade ? grade : score, reason, &id) != PT_OK) {
        rc = cli_fail();
    } else {
        /* read it back: the message says what was computed and what is now in force */
        pt_score_view *view = NULL;
        if (pt_score_view_get(ctx, visit, &view) != PT_OK) {
            rc = cli_fail();
        } else {
            for (size_t i = 0; i < view->n_in_force; i++) {
                const pt_override *o = &view->in_force[i];
                if (o->id != id) continue;
                printf("visit %" PRId64 ": %s%s overridden: computed %s, now %s (override %" PRId64 ")\n",
                       visit, o->section_id ? "section " : "grade", o->section_id ? o->section_id : "",
                       *o->computed ? o->computed : "-", o->overridden, o->id);
            }
            pt_score_view_free(view);
        }
    }
    pt_close(ctx);
    return rc;
}

/* ---- show ---- */

static int history_json(const pt_override *o, void *payload)
{
    json_t *j = jv_override(o);
    return j && json_array_append_new(payload, j) == 0 ? 0 : 1;
}

static json_t *view_json(const pt_score_view *v, json_t *history)
{
    const pt_score *s = v->score;
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "visit_id", json_integer(s->visit_id));
    json_object_set_new(o, "state", out_jstr(v->state));
    json_object_set_new(o, "score", jv_score(s));
    json_t *grade = json_object();
    if (grade) {
        json_object_set_new(grade, "computed", out_jstr(s->grade));
        json_object_set_new(grade, "computed_label", out_jstr(s->grade_label));
        json_object_set_new(grade, "effective", out_jstr(v->grade_effective));
        json_object_set_new(grade, "effective_label", out_jstr(v->grade_label_effective));
        json_object_set_new(grade, "override", jv_override(v->grade));
    }
    json_object_set_new(o, "grade", grade);
    json_t *sections = json_array();
    for (size_t i = 0; sections && i < s->n_sections; i++) {
        json_t *sec = json_object();
        if (!sec) break;
        json_object_set_new(sec, "section_id", out_jstr(s->sections[i].section_id));
        json_object_set_new(sec, "max", json_real(s->sections[i].max));
        json_object_set_new(sec, "computed", json_real(s->sections[i].score));
        json_object_set_new(sec, "effective", json_real(v->section_effective[i]));
        json_object_set_new(sec, "override", jv_override(v->section[i]));
        json_array_append_new(sections, sec);
    }
    json_object_set_new(o, "sections", sections);
    json_object_set_new(o, "overrides", history);
    return o;
}

static int history_print(const pt_override *o, void *payload)
{
    (void)payload;
    char target[96], reason[400];
    snprintf(target, sizeof target, "%s%s", o->section_id ? "section " : "grade",
             o->section_id ? o->section_id : "");
    printf("  %" PRId64 "  %s  %s by %s: %s -> %s\n", o->id, o->at, target, o->by,
           *o->computed ? o->computed : "-", o->overridden);
    printf("      %s\n", out_truncate(reason, sizeof reason, o->rationale, 200));
    return 0;
}

static void view_print(const pt_score_view *v)
{
    const pt_score *s = v->score;
    char a[32], b[32];
    printf("visit %" PRId64 " (%s): total %s/%s (computed)\n", s->visit_id, v->state,
           out_number(a, sizeof a, s->total), out_number(b, sizeof b, s->max));
    printf("  grade computed:  %s (%s)\n", *s->grade ? s->grade : "-", s->grade_label);
    if (v->grade)
        printf("  grade in force:  %s (%s), overridden by %s at %s\n", v->grade_effective,
               v->grade_label_effective, v->grade->by, v->grade->at);
    else
        printf("  grade in force:  %s (%s), as computed\n", *v->grade_effective ? v->grade_effective : "-",
               v->grade_label_effective);
    printf("\n");
    static const char *const headers[] = {"SECTION", "COMPUTED", "IN FORCE", "MAX", "OVERRIDE"};
    out_table *t = out_table_new(5, headers, ".rrr.");
    for (size_t i = 0; t && i < s->n_sections; i++) {
        char c[32], e[32], m[32], by[160] = "";
        if (v->section[i])
            snprintf(by, sizeof by, "%" PRId64 " by %s", v->section[i]->id, v->section[i]->by);
        const char *row[] = {s->sections[i].section_id, out_number(c, sizeof c, s->sections[i].score),
                             out_number(e, sizeof e, v->section_effective[i]),
                             out_number(m, sizeof m, s->sections[i].max), by};
        if (out_table_add(t, row) != 0) break;
    }
    if (t) out_table_print(t, stdout);
    out_table_free(t);
    printf("\noverrides (%zu made, %zu in force)\n", v->n_history, v->n_in_force);
}

int cmd_score_show(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("score show", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_show);
    int64_t visit;
    if ((rc = parse_visit("score show", n_pos, pos, &visit)) != CLI_OK) return rc;

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_score_view *view = NULL;
    if (pt_score_view_get(ctx, visit, &view) != PT_OK) {
        rc = cli_fail();
    } else if (as_json) {
        json_t *history = json_array();
        if (history && pt_override_foreach(ctx, visit, history_json, history) != 0) {
            json_decref(history);
            history = NULL;
            rc = cli_fail();
        }
        if (rc == CLI_OK) rc = out_json_print(history ? view_json(view, history) : NULL);
    } else {
        view_print(view);
        if (pt_override_foreach(ctx, visit, history_print, NULL) != PT_OK) rc = cli_fail();
    }
    pt_score_view_free(view);
    pt_close(ctx);
    return rc;
}
