/* pantau visit import | list | show: recording visits from files and reading them back. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_views.h"
#include "output.h"

static const char help_visit[] =
    "Usage: pantau visit SUBCOMMAND ...\n"
    "\n"
    "  import FILE... [--institution ID] [--checklist ID@VER] [--date D] [--type T]\n"
    "                 [--team \"NAME|AGENCY|ROLE;...\"]     record visits from CSV or XML\n"
    "  list [--institution ID] [--json]                   visits, by date\n"
    "  show VISIT_ID [--json]                             one visit, its answers and score\n";

static const char help_import[] =
    "Usage: pantau visit import FILE... [--institution ID] [--checklist ID@VERSION]\n"
    "                           [--date YYYY-MM-DD] [--type TYPE] [--team \"N|A|R;...\"]\n"
    "\n"
    "Imports the visits of CSV or XML visit files (format: checklists/README.md). The options\n"
    "give what a file leaves out. TYPE is routine, accreditation, complaint or joint (or\n"
    "rutin, akreditasi, pengaduan, gabungan). Every answer is checked before anything is\n"
    "written, and each file is written in one transaction: all its visits or none. Files are\n"
    "imported in order and the command stops at the first that fails (the files before it\n"
    "stay imported). Prints \"imported N visits (ids A-B) from FILE\" per file.\n";

static const char help_list[] =
    "Usage: pantau visit list [--institution ID] [--json]\n"
    "\n"
    "Visits ordered by date, with their stored score when scored. --json prints\n"
    "{\"items\": [...]} (keys in docs/commands.md).\n";

static const char help_show[] =
    "Usage: pantau visit show VISIT_ID [--json]\n"
    "\n"
    "A visit's header, team and answers (with each item's text) and its stored score, if any.\n";

static int run_import(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    pt_visit_defaults d = {0};
    const cli_opt opts[] = {
        {"--institution", 1, &d.institution, NULL}, {"--checklist", 1, &d.checklist, NULL},
        {"--date", 1, &d.date, NULL},               {"--type", 1, &d.type, NULL},
        {"--team", 1, &d.team, NULL},
    };
    int rc = cli_parse("visit import", argc, argv, opts, sizeof opts / sizeof opts[0], pos,
                       &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_import);
    if (n_pos == 0) return cli_usage("visit import", "no visit file given");

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    for (int i = 0; i < n_pos; i++) {
        pt_visit_import_result res = {0};
        if (pt_visit_import(ctx, pos[i], &d, &res) != PT_OK) {
            rc = cli_fail();
            break;
        }
        if (res.n_visits == 1)
            printf("imported 1 visit (id %" PRId64 ") from %s\n", res.first_id, pos[i]);
        else if (res.n_visits > 1)
            printf("imported %d visits (ids %" PRId64 "-%" PRId64 ") from %s\n", res.n_visits,
                   res.first_id, res.last_id, pos[i]);
        else
            printf("imported 0 visits from %s\n", pos[i]);
    }
    cli_notify_after(g, ctx, rc != CLI_OK);   /* the files imported before a failure count */
    pt_close(ctx);
    return rc;
}

/* ---- list ---- */

/* A listed visit: its head (json_views.h), then its answer count and stored score. */
static json_t *summary_json(const pt_visit_summary *v)
{
    json_t *o = jv_visit_head(v);
    if (!o) return NULL;
    json_object_set_new(o, "n_answers", json_integer(v->n_answers));
    json_object_set_new(o, "scored", json_boolean(v->scored));
    json_object_set_new(o, "total", v->scored ? json_real(v->total) : json_null());
    json_object_set_new(o, "max", v->scored ? json_real(v->max) : json_null());
    json_object_set_new(o, "grade", v->scored ? out_jstr(v->grade) : json_null());
    json_object_set_new(o, "n_flags", v->scored ? json_integer(v->n_flags) : json_null());
    return o;
}

static int list_one(const pt_visit_summary *v, void *payload)
{
    out_list *list = payload;
    if (list->items) return out_list_add_json(list, summary_json(v));
    char id[32], answers[32], total[64], a[32], b[32], flags[32], name[256], checklist[256];
    snprintf(id, sizeof id, "%" PRId64, v->id);
    snprintf(answers, sizeof answers, "%d", v->n_answers);
    snprintf(checklist, sizeof checklist, "%s@%s", v->checklist_id, v->checklist_version);
    if (v->scored) {
        snprintf(total, sizeof total, "%s/%s", out_number(a, sizeof a, v->total),
                 out_number(b, sizeof b, v->max));
        snprintf(flags, sizeof flags, "%d", v->n_flags);
    }
    const char *row[] = {id, v->date, out_truncate(name, sizeof name, v->institution_name, 36),
                         checklist, v->type, answers, v->scored ? total : "-",
                         v->scored ? (v->grade && *v->grade ? v->grade : "-") : "-",
                         v->scored ? flags : "-"};
    return out_list_add_row(list, row);
}

static int run_list(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const char *institution = NULL;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}, {"--institution", 1, &institution, NULL}};
    int rc = cli_parse("visit list", argc, argv, opts, 2, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_list);
    if (n_pos) return cli_usage("visit list", "unexpected argument '%s'", pos[0]);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    int64_t institution_id = 0;
    if (institution) {
        pt_institution *in;
        if (pt_institution_get(ctx, institution, &in) != PT_OK) {
            pt_close(ctx);
            return cli_fail();
        }
        institution_id = in->id;
        pt_institution_free(in);
    }
    static const char *const headers[] = {"ID", "DATE", "INSTITUTION", "CHECKLIST", "TYPE",
                                          "ANSWERS", "TOTAL", "GRADE", "FLAGS"};
    out_list list;
    if ((rc = out_list_open(&list, as_json, 9, headers, "r....rr.r")) != CLI_OK) {
        pt_close(ctx);
        return rc;
    }
    int walk = pt_visit_foreach(ctx, institution_id, list_one, &list);
    pt_close(ctx);
    return out_list_finish(&list, walk);
}

/* ---- show ---- */

static json_t *visit_json(const pt_visit *v, const pt_checklist *cl, const pt_score *score)
{
    const pt_visit_summary head = {.id = v->id, .institution_id = v->institution_id,
                                   .institution_name = v->institution_name,
                                   .checklist_id = v->checklist_id,
                                   .checklist_version = v->checklist_version, .date = v->date,
                                   .type = v->type};
    json_t *o = jv_visit_head(&head);
    if (!o) return NULL;
    json_object_set_new(o, "notes", out_jstr(v->notes));
    json_object_set_new(o, "created_at", out_jstr(v->created_at));
    json_t *team = json_array();
    for (size_t i = 0; team && i < v->n_team; i++) {
        json_t *m = json_object();
        json_object_set_new(m, "name", out_jstr(v->team[i].name));
        json_object_set_new(m, "agency", out_jstr(v->team[i].agency));
        json_object_set_new(m, "role", out_jstr(v->team[i].role));
        json_array_append_new(team, m);
    }
    json_object_set_new(o, "team", team);
    json_t *answers = json_array();
    for (size_t i = 0; answers && i < v->n_answers; i++) {
        const pt_answer *a = &v->answers[i];
        const pt_section *section = NULL;
        const pt_item *it = cl ? pt_checklist_item(cl, a->item_id, &section) : NULL;
        json_t *m = json_object();
        json_object_set_new(m, "item_id", out_jstr(a->item_id));
        json_object_set_new(m, "section_id", out_jstr(section ? section->id : NULL));
        json_object_set_new(m, "text", out_jstr(it ? it->text : NULL));
        json_object_set_new(m, "value", out_jstr(a->value));
        json_object_set_new(m, "na", json_boolean(a->na));
        json_object_set_new(m, "note", out_jstr(a->note));
        json_array_append_new(answers, m);
    }
    json_object_set_new(o, "answers", answers);
    json_object_set_new(o, "score", score ? jv_score(score) : json_null());
    return o;
}

static void show_readable(const pt_visit *v, const pt_checklist *cl, const pt_score *score)
{
    printf("visit %" PRId64 "\n", v->id);
    printf("  %-12s %s (id %" PRId64 ")\n", "institution:", v->institution_name ? v->institution_name : "",
           v->institution_id);
    printf("  %-12s %s@%s\n", "checklist:", v->checklist_id, v->checklist_version);
    printf("  %-12s %s\n", "date:", v->date);
    printf("  %-12s %s\n", "type:", v->type);
    if (v->notes && *v->notes) out_wrapped(stdout, "  notes:       ", 15, v->notes, 100);
    printf("\nteam\n");
    if (v->n_team == 0) printf("  (none recorded)\n");
    for (size_t i = 0; i < v->n_team; i++)
        printf("  %s, %s%s%s\n", v->team[i].name, v->team[i].agency, v->team[i].role ? ", " : "",
               v->team[i].role ? v->team[i].role : "");

    printf("\nanswers (%zu)\n", v->n_answers);
    static const char *const headers[] = {"ITEM", "ANSWER", "TEXT", "NOTE"};
    out_table *t = out_table_new(4, headers, NULL);
    for (size_t i = 0; t && i < v->n_answers; i++) {
        const pt_answer *a = &v->answers[i];
        const pt_item *it = cl ? pt_checklist_item(cl, a->item_id, NULL) : NULL;
        char value[128], text[256], note[256];
        out_truncate(value, sizeof value, a->na ? "N/A" : a->value, 30);
        out_truncate(text, sizeof text, it ? it->text : "", 60);
        out_truncate(note, sizeof note, a->note, 40);
        const char *row[] = {a->item_id, value, text, note};
        if (out_table_add(t, row) != 0) break;
    }
    if (t) out_table_print(t, stdout);
    out_table_free(t);

    printf("\n");
    if (score)
        cli_score_print(score);
    else
        printf("not scored (run 'pantau score %" PRId64 "')\n", v->id);
}

static int run_show(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("visit show", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_show);
    if (n_pos != 1) return cli_usage("visit show", n_pos ? "give one visit id" : "no visit id given");
    int64_t id;
    if (cli_parse_id(pos[0], &id) != 0)
        return cli_usage("visit show", "'%s' is not a visit id", pos[0]);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_visit *v = NULL;
    pt_checklist *cl = NULL;
    pt_score *score = NULL;
    if (pt_visit_get(ctx, id, &v) != PT_OK) {
        rc = cli_fail();
        goto done;
    }
    if (pt_checklist_fetch(ctx, v->checklist_id, v->checklist_version, &cl) != PT_OK) {
        rc = cli_fail();
        goto done;
    }
    int got = pt_score_get(ctx, id, &score);
    if (got != PT_OK) {
        score = NULL;   /* not scored yet is normal; anything else is a failure */
        if (got != PT_ENOTFOUND) {
            rc = cli_fail();
            goto done;
        }
    }
    if (as_json)
        rc = out_json_print(visit_json(v, cl, score));
    else
        show_readable(v, cl, score);
done:
    if (score) pt_score_free(score);
    if (cl) pt_checklist_free(cl);
    if (v) pt_visit_free(v);
    pt_close(ctx);
    return rc;
}

int cmd_visit(const cli_globals *g, int argc, char **argv)
{
    if (argc < 2) return cli_usage("visit", "no subcommand given");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) return cli_help(help_visit);
    if (strcmp(sub, "import") == 0) return run_import(g, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0) return run_list(g, argc - 1, argv + 1);
    if (strcmp(sub, "show") == 0) return run_show(g, argc - 1, argv + 1);
    return cli_usage("visit", "unknown subcommand '%s'", sub);
}
