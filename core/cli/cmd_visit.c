/* pantau visit import | list | show: recording visits from files and reading them back;
 * new | assign | answer | answers | reconcile | submit | history: draft and joint visits, whose
 * team records answers in pantau (docs/workflow.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_views.h"
#include "output.h"
#include "pantau/joint.h"

static const char help_visit[] =
    "Usage: pantau visit SUBCOMMAND ...\n"
    "\n"
    "  import FILE... [--institution ID] [--checklist ID@VER] [--date D] [--type T]\n"
    "                 [--team \"NAME|AGENCY|ROLE;...\"]     record visits from CSV or XML\n"
    "  list [--institution ID] [--state S] [--json]       visits, by date\n"
    "  show VISIT_ID [--json]                             one visit, its answers and score\n"
    "  new --institution ID --checklist ID[@VER] --date D --type T --member USER[:ROLE]...\n"
    "      [--notes TEXT]                                 create a draft visit with its team\n"
    "  assign VISIT --agency A (--item ID | --section ID)...   give items to an agency\n"
    "  answer VISIT ITEM=VALUE... [--na ITEM]... [--note ITEM=TEXT]...\n"
    "                                                     record your own answers\n"
    "  answers VISIT [--json]                             every item, member by member\n"
    "  reconcile VISIT ITEM (VALUE | --na) --reason TEXT  record the agreed answer\n"
    "  submit VISIT [--reason TEXT]                       submit a draft or returned visit\n"
    "  history VISIT [--json]                             the visit's steps, who and when\n";

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
    "Usage: pantau visit list [--institution ID] [--state STATE] [--json]\n"
    "\n"
    "Visits ordered by date, with their state and their stored score when scored. --state\n"
    "lists only the visits in that state: draft, submitted, scored, under_review, returned or\n"
    "decided. --json prints {\"items\": [...]} (keys in docs/commands.md).\n";

static const char help_show[] =
    "Usage: pantau visit show VISIT_ID [--json]\n"
    "\n"
    "A visit's header with its state, team and answers (with each item's text), its stored\n"
    "score, if any, and its history (every step: from, to, who, when, why).\n";

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
    json_object_set_new(o, "state", json_string(pt_visit_state_name(v->state)));
    return o;
}

/* The listing and the state it keeps to (PT_STATE_NONE: every state). */
typedef struct visit_listing {
    out_list list;
    int filter;
    pt_visit_state state;
} visit_listing;

static int list_one(const pt_visit_summary *v, void *payload)
{
    visit_listing *vl = payload;
    out_list *list = &vl->list;
    if (vl->filter && v->state != vl->state) return 0;
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
                         checklist, v->type, pt_visit_state_name(v->state), answers,
                         v->scored ? total : "-",
                         v->scored ? (v->grade && *v->grade ? v->grade : "-") : "-",
                         v->scored ? flags : "-"};
    return out_list_add_row(list, row);
}

static int run_list(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const char *institution = NULL, *state = NULL;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}, {"--institution", 1, &institution, NULL},
                            {"--state", 1, &state, NULL}};
    int rc = cli_parse("visit list", argc, argv, opts, 3, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_list);
    if (n_pos) return cli_usage("visit list", "unexpected argument '%s'", pos[0]);
    visit_listing vl = {.filter = state != NULL};
    if (state && pt_visit_state_parse(state, &vl.state) != PT_OK)
        return cli_usage("visit list", "%s", pt_error_last());

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    int64_t institution_id = 0;
    if (cli_institution_id(ctx, institution, &institution_id) != PT_OK) {
        pt_close(ctx);
        return cli_fail();
    }
    static const char *const headers[] = {"ID", "DATE", "INSTITUTION", "CHECKLIST", "TYPE",
                                          "STATE", "ANSWERS", "TOTAL", "GRADE", "FLAGS"};
    if ((rc = out_list_open(&vl.list, as_json, 10, headers, "r.....rr.r")) != CLI_OK) {
        pt_close(ctx);
        return rc;
    }
    int walk = pt_visit_foreach(ctx, institution_id, list_one, &vl);
    pt_close(ctx);
    return out_list_finish(&vl.list, walk);
}

/* ---- history (shared by show and history) ---- */

/* A visit's steps, gathered as JSON (for --json) or as a table. */
typedef struct history {
    json_t *items;
    out_table *table;
    int failed;
} history;

static json_t *step_json(const pt_visit_step *st)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", json_integer(st->id));
    json_object_set_new(o, "from", st->from == PT_STATE_NONE ? json_null()
                                                             : json_string(pt_visit_state_name(st->from)));
    json_object_set_new(o, "to", json_string(pt_visit_state_name(st->to)));
    json_object_set_new(o, "actor", out_jstr(st->actor));
    json_object_set_new(o, "at", out_jstr(st->at));
    json_object_set_new(o, "reason", out_jstr(st->reason));
    return o;
}

static int history_one(const pt_visit_step *st, void *payload)
{
    history *h = payload;
    if (h->items) {
        json_t *o = step_json(st);
        if (!o || json_array_append_new(h->items, o) != 0) return h->failed = 1;
        return 0;
    }
    char n[32], reason[256];
    snprintf(n, sizeof n, "%" PRId64, st->id);
    const char *row[] = {n, st->from == PT_STATE_NONE ? "-" : pt_visit_state_name(st->from),
                         pt_visit_state_name(st->to), st->actor, st->at,
                         out_truncate(reason, sizeof reason, st->reason ? st->reason : "", 60)};
    if (out_table_add(h->table, row) != 0) return h->failed = 1;
    return 0;
}

/* Reads visit id's history into h (as JSON when as_json). 0, or a PT_E code: with h->failed
 * set when an allocation failed (no message), else the library's message is set. */
static int history_read(pt_ctx *ctx, int64_t id, int as_json, history *h)
{
    static const char *const headers[] = {"STEP", "FROM", "TO", "BY", "AT", "REASON"};
    memset(h, 0, sizeof *h);
    if (as_json) h->items = json_array();
    else h->table = out_table_new(6, headers, "r.....");
    if (!h->items && !h->table) h->failed = 1;
    int rc = h->failed ? PT_ENOMEM : pt_visit_history_foreach(ctx, id, history_one, h);
    if (h->failed) rc = PT_ENOMEM;
    return rc;
}

/* The failure of a history_read: its allocation, or the library's message. */
static int history_fail(const history *h)
{
    return h->failed ? cli_failf("out of memory") : cli_fail();
}

static void history_free(history *h)
{
    json_decref(h->items);
    out_table_free(h->table);
}

/* ---- show ---- */

static json_t *visit_json(const pt_visit *v, const pt_checklist *cl, const pt_score *score,
                          const pt_score_view *view, pt_visit_state state, json_t *steps)
{
    const pt_visit_summary head = {.id = v->id, .institution_id = v->institution_id,
                                   .institution_name = v->institution_name,
                                   .checklist_id = v->checklist_id,
                                   .checklist_version = v->checklist_version, .date = v->date,
                                   .type = v->type};
    json_t *o = jv_visit_head(&head);
    if (!o) return NULL;
    json_object_set_new(o, "state", json_string(pt_visit_state_name(state)));
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
    /* the professional overrides in force beside the computed score (score show has all) */
    json_t *overrides = json_array();
    for (size_t i = 0; view && overrides && i < view->n_in_force; i++)
        json_array_append_new(overrides, jv_override(&view->in_force[i]));
    json_object_set_new(o, "overrides", overrides);
    json_object_set(o, "history", steps);
    return o;
}

/* The overrides in force, computed and overridden side by side. */
static void print_overrides(const pt_score_view *view)
{
    if (!view || view->n_in_force == 0) return;
    printf("\noverrides in force (the computed score above is kept; pantau score show %" PRId64
           " has their history)\n", view->score->visit_id);
    for (size_t i = 0; i < view->n_in_force; i++) {
        const pt_override *o = &view->in_force[i];
        char what[96];
        if (o->section_id) snprintf(what, sizeof what, "section %s", o->section_id);
        else snprintf(what, sizeof what, "grade");
        printf("  %s: computed %s, overridden %s (%s, %s)\n", what,
               o->computed && *o->computed ? o->computed : "-", o->overridden, o->by, o->at);
        out_wrapped(stdout, "    rationale: ", 15, o->rationale, 100);
    }
}

static void show_readable(const pt_visit *v, const pt_checklist *cl, const pt_score *score,
                          const pt_score_view *view, pt_visit_state state, const out_table *steps)
{
    printf("visit %" PRId64 "\n", v->id);
    printf("  %-12s %s (id %" PRId64 ")\n", "institution:", v->institution_name ? v->institution_name : "",
           v->institution_id);
    printf("  %-12s %s@%s\n", "checklist:", v->checklist_id, v->checklist_version);
    printf("  %-12s %s\n", "date:", v->date);
    printf("  %-12s %s\n", "type:", v->type);
    printf("  %-12s %s (%s)\n", "state:", pt_visit_state_name(state), pt_visit_state_label(state));
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
    if (score) {
        cli_score_print(score);
        print_overrides(view);
    } else if (state == PT_STATE_SUBMITTED)
        printf("not scored (run 'pantau score %" PRId64 "')\n", v->id);
    else
        printf("not scored\n");

    printf("\nhistory\n");
    out_table_print(steps, stdout);
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
    pt_score_view *view = NULL;
    pt_visit_state state;
    history h = {0};
    if (pt_visit_get(ctx, id, &v) != PT_OK || pt_visit_state_get(ctx, id, &state) != PT_OK) {
        rc = cli_fail();
        goto done;
    }
    if (history_read(ctx, id, as_json, &h) != PT_OK) {
        rc = history_fail(&h);
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
    if (score && pt_score_view_get(ctx, id, &view) != PT_OK) {
        rc = cli_fail();
        goto done;
    }
    if (as_json)
        rc = out_json_print(visit_json(v, cl, score, view, state, h.items));
    else
        show_readable(v, cl, score, view, state, h.table);
done:
    pt_score_view_free(view);
    history_free(&h);
    if (score) pt_score_free(score);
    if (cl) pt_checklist_free(cl);
    if (v) pt_visit_free(v);
    pt_close(ctx);
    return rc;
}

/* ---- draft and joint visits ---- */

static const char help_new[] =
    "Usage: pantau visit new --institution ID --checklist ID[@VERSION] --date YYYY-MM-DD\n"
    "                        --type TYPE --member USER[:ROLE]... [--notes TEXT]\n"
    "\n"
    "Creates a draft visit with its team and no answers; its members then record their answers\n"
    "(pantau visit answer) and submit it (pantau visit submit). Each --member is an enabled\n"
    "pantau user, with an optional role ketua or anggota (budi:ketua); the team keeps the\n"
    "user's agency. TYPE is routine, accreditation, complaint or joint (or rutin, akreditasi,\n"
    "pengaduan, gabungan). A checklist without @VERSION is its latest stored version.\n"
    "Prints \"visit N created as a draft\".\n";

static const char help_assign[] =
    "Usage: pantau visit assign VISIT --agency AGENCY (--item ID | --section ID)...\n"
    "\n"
    "Gives items of a draft or returned visit to an agency of its team: its members may then\n"
    "record only the items of their agency and the items assigned to no one. --item and\n"
    "--section are repeatable; a section assigns all its items. Assigning an item again\n"
    "replaces its agency. An item that a member of another agency has already answered (or\n"
    "reconciled) cannot be assigned: an assignment does not take back recorded answers.\n"
    "Only a member of the visit's team may assign. Prints the number of items assigned, with\n"
    "the agency as the team spells it, and how many were assigned to it already.\n";

static const char help_answer[] =
    "Usage: pantau visit answer VISIT ITEM=VALUE... [--na ITEM]... [--note ITEM=TEXT]...\n"
    "\n"
    "Records YOUR answers to items of a draft or returned visit you are on the team of (each\n"
    "member keeps their own; answering an item again replaces your earlier answer). Values are\n"
    "checked as an import checks them (ya/tidak, a scale level, a count, a choice ...). --na\n"
    "records N/A where the item allows it; --note adds a note to an answer given here. All the\n"
    "answers are recorded, or none.\n";

static const char help_answers[] =
    "Usage: pantau visit answers VISIT [--json]\n"
    "\n"
    "Every item of the visit: its agency (when assigned), each member's answer, and what\n"
    "submitting would write. STATUS is agreed, DISAGREE (members' answers differ and no one has\n"
    "reconciled them: submitting is refused), reconciled, kept (no member answered: the stored\n"
    "answer stays) or - (unanswered). Reconciliations are listed with their reasons.\n";

static const char help_reconcile[] =
    "Usage: pantau visit reconcile VISIT ITEM (VALUE | --na) --reason TEXT\n"
    "\n"
    "Records the agreed answer to an item the team's members answered differently, and why.\n"
    "Reconciling again replaces it. The value is checked against the item. As with answers, a\n"
    "member reconciles only the items of their agency and those assigned to no one.\n";

static const char help_submit[] =
    "Usage: pantau visit submit VISIT [--reason TEXT]\n"
    "\n"
    "Submits a draft visit, or resubmits a returned one: each item's agreed answer (the\n"
    "members' common answer, or the reconciliation) becomes the visit's answer; items no member\n"
    "answered keep their stored answer. Refused while members disagree on an item with no\n"
    "reconciliation (the error lists them) and when the visit would have no answer. Raises\n"
    "visit.submitted. The visit can then be scored (pantau score VISIT).\n";

static const char help_history[] =
    "Usage: pantau visit history VISIT [--json]\n"
    "\n"
    "Every step of the visit's life cycle, oldest first: from, to, who, when and why. --json\n"
    "prints {\"visit_id\": N, \"state\": S, \"items\": [{id, from, to, actor, at, reason}]}.\n";

/* A repeatable option: every value given, in order (values has room for argc entries). */
typedef struct multi_opt {
    const char *name;
    const char **values;
    int n;
} multi_opt;

/* Takes every "--name V" and "--name=V" of the options in m out of argv (cli_parse keeps only
 * an option's last value), leaving the other arguments in rest (room for argc). */
static int take_multi(const char *help_for, int argc, char **argv, multi_opt *m, size_t n_m,
                      char **rest, int *n_rest)
{
    int only_positional = 0;
    *n_rest = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i > 0 && !only_positional && strcmp(a, "--") == 0) only_positional = 1;
        multi_opt *o = NULL;
        const char *value = NULL;
        for (size_t k = 0; i > 0 && !only_positional && k < n_m; k++) {
            size_t len = strlen(m[k].name);
            if (strcmp(a, m[k].name) == 0) {
                if (i + 1 >= argc) return cli_usage(help_for, "option '%s' needs a value", m[k].name);
                o = &m[k];
                value = argv[++i];
            } else if (strncmp(a, m[k].name, len) == 0 && a[len] == '=') {
                o = &m[k];
                value = a + len + 1;
            }
            if (o) break;
        }
        if (o) o->values[o->n++] = value;
        else rest[(*n_rest)++] = argv[i];
    }
    return CLI_OK;
}

/* The VISIT argument of a subcommand: exactly n_want positionals, the first a visit id. */
static int visit_arg(const char *help_for, char **pos, int n_pos, int n_want, int64_t *id)
{
    if (n_pos == 0) return cli_usage(help_for, "no visit id given");
    if (cli_parse_id(pos[0], id) != 0) return cli_usage(help_for, "'%s' is not a visit id", pos[0]);
    if (n_want >= 0 && n_pos > n_want) return cli_usage(help_for, "unexpected argument '%s'", pos[n_want]);
    return CLI_OK;
}

static int run_new(const cli_globals *g, int argc, char **argv)
{
    const char *member_values[argc];
    multi_opt multi[] = {{"--member", member_values, 0}};
    char *rest[argc], *pos[argc];
    int n_rest, n_pos, help;
    int rc = take_multi("visit new", argc, argv, multi, 1, rest, &n_rest);
    if (rc != CLI_OK) return rc;
    pt_visit_new_spec spec = {0};
    const cli_opt opts[] = {
        {"--institution", 1, &spec.institution, NULL}, {"--checklist", 1, &spec.checklist, NULL},
        {"--date", 1, &spec.date, NULL}, {"--type", 1, &spec.type, NULL},
        {"--notes", 1, &spec.notes, NULL},
    };
    rc = cli_parse("visit new", n_rest, rest, opts, sizeof opts / sizeof opts[0], pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_new);
    if (n_pos) return cli_usage("visit new", "unexpected argument '%s'", pos[0]);
    if (!spec.institution) return cli_usage("visit new", "--institution is required");
    if (!spec.checklist) return cli_usage("visit new", "--checklist is required");
    if (!spec.date) return cli_usage("visit new", "--date is required");
    if (!spec.type) return cli_usage("visit new", "--type is required");
    if (multi[0].n == 0) return cli_usage("visit new", "the team is required: --member USER[:ROLE]");

    /* "budi:ketua" into user and role; the copies are freed below */
    pt_visit_member_spec members[multi[0].n];
    char *copies[multi[0].n];
    int n = 0;
    for (; n < multi[0].n; n++) {
        if (!(copies[n] = strdup(multi[0].values[n]))) break;
        char *colon = strchr(copies[n], ':');
        if (colon) *colon = '\0';
        members[n].user = copies[n];
        members[n].role = colon ? colon + 1 : NULL;
    }
    spec.members = members;
    spec.n_members = (size_t)n;
    pt_ctx *ctx = NULL;
    int64_t id = 0;
    if (n < multi[0].n) rc = cli_failf("out of memory");
    else if ((rc = cli_open(g, &ctx, 0)) == CLI_OK) {
        if (pt_visit_new(ctx, &spec, &id) != PT_OK) rc = cli_fail();
        else printf("visit %" PRId64 " created as a draft\n", id);
        pt_close(ctx);
    }
    for (int i = 0; i < n; i++) free(copies[i]);
    return rc;
}

static int run_assign(const cli_globals *g, int argc, char **argv)
{
    const char *item_values[argc], *section_values[argc];
    multi_opt multi[] = {{"--item", item_values, 0}, {"--section", section_values, 0}};
    char *rest[argc], *pos[argc];
    int n_rest, n_pos, help;
    int rc = take_multi("visit assign", argc, argv, multi, 2, rest, &n_rest);
    if (rc != CLI_OK) return rc;
    const char *agency = NULL;
    const cli_opt opts[] = {{"--agency", 1, &agency, NULL}};
    rc = cli_parse("visit assign", n_rest, rest, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_assign);
    int64_t id;
    if ((rc = visit_arg("visit assign", pos, n_pos, 1, &id)) != CLI_OK) return rc;
    if (!agency) return cli_usage("visit assign", "--agency is required");
    if (multi[0].n + multi[1].n == 0)
        return cli_usage("visit assign", "give the items to assign: --item ID or --section ID");

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_visit_assigned done;
    if (pt_visit_assign(ctx, id, agency, multi[0].values, (size_t)multi[0].n, multi[1].values,
                        (size_t)multi[1].n, &done) != PT_OK) {
        rc = cli_fail();
    } else {
        /* the agency as stored (the team's spelling), not as typed */
        printf("assigned %zu item%s of visit %" PRId64 " to %s", done.n_assigned,
               done.n_assigned == 1 ? "" : "s", id, done.agency);
        if (done.n_unchanged)
            printf(" (%zu %s assigned to it already)", done.n_unchanged,
                   done.n_unchanged == 1 ? "was" : "were");
        printf("\n");
    }
    pt_close(ctx);
    return rc;
}

static int run_answer(const cli_globals *g, int argc, char **argv)
{
    const char *na_values[argc], *note_values[argc];
    multi_opt multi[] = {{"--na", na_values, 0}, {"--note", note_values, 0}};
    char *rest[argc], *pos[argc];
    int n_rest, n_pos, help;
    int rc = take_multi("visit answer", argc, argv, multi, 2, rest, &n_rest);
    if (rc != CLI_OK) return rc;
    rc = cli_parse("visit answer", n_rest, rest, NULL, 0, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_answer);
    int64_t id;
    if ((rc = visit_arg("visit answer", pos, n_pos, -1, &id)) != CLI_OK) return rc;
    size_t n = (size_t)(n_pos - 1 + multi[0].n);
    if (n == 0) return cli_usage("visit answer", "no answers given (ITEM=VALUE or --na ITEM)");

    /* ITEM=VALUE arguments are split in place: argv is ours */
    pt_answer answers[n];
    memset(answers, 0, sizeof answers);
    for (int i = 1; i < n_pos; i++) {
        char *eq = strchr(pos[i], '=');
        if (!eq || eq == pos[i])
            return cli_usage("visit answer", "'%s' is not ITEM=VALUE", pos[i]);
        *eq = '\0';
        answers[i - 1].item_id = pos[i];
        answers[i - 1].value = eq + 1;
    }
    for (int i = 0; i < multi[0].n; i++) {
        answers[n_pos - 1 + i].item_id = multi[0].values[i];
        answers[n_pos - 1 + i].na = 1;
    }
    char *note_copies[multi[1].n > 0 ? multi[1].n : 1];
    int n_notes = 0;
    for (; n_notes < multi[1].n; n_notes++) {
        const char *kv = multi[1].values[n_notes];
        const char *eq = strchr(kv, '=');
        if (!eq || eq == kv) {
            rc = cli_usage("visit answer", "--note wants ITEM=TEXT, not '%s'", kv);
            break;
        }
        if (!(note_copies[n_notes] = strndup(kv, (size_t)(eq - kv)))) {
            rc = cli_failf("out of memory");
            break;
        }
        size_t k = 0;
        while (k < n && strcmp(answers[k].item_id, note_copies[n_notes]) != 0) k++;
        if (k == n) {
            rc = cli_usage("visit answer", "--note %s: no answer to item %s is given here",
                           note_copies[n_notes], note_copies[n_notes]);
            free(note_copies[n_notes]);
            break;
        }
        answers[k].note = eq + 1;
    }
    pt_ctx *ctx;
    if (rc == CLI_OK && (rc = cli_open(g, &ctx, 0)) == CLI_OK) {
        pt_user_info me;
        if (pt_visit_record_answers(ctx, id, answers, n) != PT_OK) rc = cli_fail();
        else if (pt_whoami(ctx, &me) == PT_OK)
            printf("recorded %zu answer%s of %s to visit %" PRId64 "\n", n, n == 1 ? "" : "s",
                   me.name, id);
        pt_close(ctx);
    }
    for (int i = 0; i < n_notes; i++) free(note_copies[i]);
    return rc;
}

/* ---- answers ---- */

typedef struct answers_view {
    json_t *items;           /* --json */
    json_t *unreconciled;
    out_table *table;        /* for people */
    out_table *reconciled;   /* reconciliations, with their reasons */
    int n_items, n_disagreements, n_unreconciled, failed;
} answers_view;

static const char *answer_text(char *buf, size_t size, const char *value, int na)
{
    return out_truncate(buf, size, na ? "N/A" : value ? value : "", 30);
}

static json_t *value_json(const char *value, int na)
{
    json_t *o = json_object();
    json_object_set_new(o, "value", na ? json_null() : out_jstr(value));
    json_object_set_new(o, "na", json_boolean(na));
    return o;
}

static json_t *item_answers_json(const pt_item_answers *it)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "item_id", out_jstr(it->item_id));
    json_object_set_new(o, "section_id", out_jstr(it->section_id));
    json_object_set_new(o, "text", out_jstr(it->text));
    json_object_set_new(o, "assigned_agency", out_jstr(it->assigned_agency));
    json_t *members = json_array();
    for (size_t i = 0; members && i < it->n_members; i++) {
        const pt_member_answer *m = &it->members[i];
        json_t *mo = json_object();
        json_object_set_new(mo, "user", out_jstr(m->user));
        json_object_set_new(mo, "full_name", out_jstr(m->full_name));
        json_object_set_new(mo, "agency", out_jstr(m->agency));
        json_object_set_new(mo, "value", m->na ? json_null() : out_jstr(m->value));
        json_object_set_new(mo, "na", json_boolean(m->na));
        json_object_set_new(mo, "note", out_jstr(m->note));
        json_object_set_new(mo, "recorded_at", out_jstr(m->recorded_at));
        json_array_append_new(members, mo);
    }
    json_object_set_new(o, "members", members);
    json_object_set_new(o, "disagreement", json_boolean(it->disagreement));
    json_object_set_new(o, "unreconciled", json_boolean(it->unreconciled));
    json_t *rec = json_null();
    if (it->reconciliation) {
        const pt_reconciliation *r = it->reconciliation;
        rec = value_json(r->value, r->na);
        json_object_set_new(rec, "reason", out_jstr(r->reason));
        json_object_set_new(rec, "by", out_jstr(r->by));
        json_object_set_new(rec, "at", out_jstr(r->at));
    }
    json_object_set_new(o, "reconciliation", rec);
    json_object_set_new(o, "agreed", it->has_agreed ? value_json(it->agreed_value, it->agreed_na)
                                                    : json_null());
    json_t *stored = json_null();
    if (it->answer) {
        stored = value_json(it->answer->value, it->answer->na);
        json_object_set_new(stored, "note", out_jstr(it->answer->note));
    }
    json_object_set_new(o, "answer", stored);
    return o;
}

static const char *item_status(const pt_item_answers *it)
{
    if (it->unreconciled) return "DISAGREE";
    if (it->reconciliation) return "reconciled";
    if (it->n_members) return "agreed";
    return it->answer ? "kept" : "-";
}

static int answers_one(const pt_item_answers *it, void *payload)
{
    answers_view *av = payload;
    av->n_items++;
    av->n_disagreements += it->disagreement;
    if (it->unreconciled) av->n_unreconciled++;
    if (av->items) {
        json_t *o = item_answers_json(it);
        if (!o || json_array_append_new(av->items, o) != 0) return av->failed = 1;
        if (it->unreconciled && json_array_append_new(av->unreconciled, json_string(it->item_id)) != 0)
            return av->failed = 1;
        return 0;
    }
    char agreed[128], answer[128], member[256];
    const char *agreed_text = "-";
    if (it->has_agreed) agreed_text = answer_text(agreed, sizeof agreed, it->agreed_value, it->agreed_na);
    else if (it->n_members == 0 && it->answer)
        agreed_text = answer_text(agreed, sizeof agreed, it->answer->value, it->answer->na);
    size_t rows = it->n_members ? it->n_members : 1;
    for (size_t i = 0; i < rows; i++) {
        const pt_member_answer *m = it->n_members ? &it->members[i] : NULL;
        if (m) snprintf(member, sizeof member, "%s (%s)", m->user, m->agency ? m->agency : "");
        const char *row[] = {i == 0 ? it->item_id : "", i == 0 && it->assigned_agency ? it->assigned_agency : i == 0 ? "-" : "",
                             m ? member : "-",
                             m ? answer_text(answer, sizeof answer, m->value, m->na) : "-",
                             i == 0 ? agreed_text : "", i == 0 ? item_status(it) : ""};
        if (out_table_add(av->table, row) != 0) return av->failed = 1;
    }
    if (it->reconciliation) {
        const pt_reconciliation *r = it->reconciliation;
        char reason[256];
        const char *row[] = {it->item_id, answer_text(answer, sizeof answer, r->value, r->na),
                             r->by, r->at, out_truncate(reason, sizeof reason, r->reason, 60)};
        if (out_table_add(av->reconciled, row) != 0) return av->failed = 1;
    }
    return 0;
}

static int run_answers(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("visit answers", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_answers);
    int64_t id;
    if ((rc = visit_arg("visit answers", pos, n_pos, 1, &id)) != CLI_OK) return rc;

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    static const char *const headers[] = {"ITEM", "AGENCY", "MEMBER", "ANSWER", "AGREED", "STATUS"};
    static const char *const rheaders[] = {"ITEM", "AGREED", "BY", "AT", "REASON"};
    answers_view av = {0};
    if (as_json) {
        av.items = json_array();
        av.unreconciled = json_array();
    } else {
        av.table = out_table_new(6, headers, NULL);
        av.reconciled = out_table_new(5, rheaders, NULL);
    }
    pt_visit_state state = PT_STATE_NONE;
    int walk = (as_json ? av.items && av.unreconciled : av.table && av.reconciled)
                   ? pt_visit_state_get(ctx, id, &state) : (av.failed = 1);
    if (walk == 0) walk = pt_visit_member_answers_foreach(ctx, id, answers_one, &av);
    if (av.failed) rc = cli_failf("out of memory");
    else if (walk) rc = cli_fail();
    else if (as_json) {
        json_t *doc = json_object();
        json_object_set_new(doc, "visit_id", json_integer(id));
        json_object_set_new(doc, "state", json_string(pt_visit_state_name(state)));
        json_object_set_new(doc, "n_items", json_integer(av.n_items));
        json_object_set_new(doc, "n_disagreements", json_integer(av.n_disagreements));
        json_object_set(doc, "unreconciled", av.unreconciled);
        json_object_set(doc, "items", av.items);
        rc = out_json_print(doc);
    } else {
        printf("visit %" PRId64 " (%s): %d items, %d disagreement%s, %d unreconciled\n\n", id,
               pt_visit_state_name(state), av.n_items, av.n_disagreements,
               av.n_disagreements == 1 ? "" : "s", av.n_unreconciled);
        out_table_print(av.table, stdout);
        if (out_table_rows(av.reconciled)) {
            printf("\nreconciliations\n");
            out_table_print(av.reconciled, stdout);
        }
    }
    json_decref(av.items);
    json_decref(av.unreconciled);
    out_table_free(av.table);
    out_table_free(av.reconciled);
    pt_close(ctx);
    return rc;
}

static int run_reconcile(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, na = 0;
    const char *reason = NULL;
    const cli_opt opts[] = {{"--na", 0, NULL, &na}, {"--reason", 1, &reason, NULL}};
    int rc = cli_parse("visit reconcile", argc, argv, opts, 2, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_reconcile);
    int64_t id;
    if ((rc = visit_arg("visit reconcile", pos, n_pos, na ? 2 : 3, &id)) != CLI_OK) return rc;
    if (n_pos < 2) return cli_usage("visit reconcile", "no item given");
    if (!na && n_pos < 3) return cli_usage("visit reconcile", "no value given (VALUE or --na)");
    if (!reason) return cli_usage("visit reconcile", "--reason is required");

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    if (pt_visit_reconcile(ctx, id, pos[1], na ? NULL : pos[2], na, reason) != PT_OK)
        rc = cli_fail();
    else
        printf("reconciled item %s of visit %" PRId64 ": %s\n", pos[1], id, na ? "N/A" : pos[2]);
    pt_close(ctx);
    return rc;
}

static int run_submit(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    const char *reason = NULL;
    const cli_opt opts[] = {{"--reason", 1, &reason, NULL}};
    int rc = cli_parse("visit submit", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_submit);
    int64_t id;
    if ((rc = visit_arg("visit submit", pos, n_pos, 1, &id)) != CLI_OK) return rc;

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_visit_state before = PT_STATE_NONE;
    int n = 0;
    if (pt_visit_state_get(ctx, id, &before) != PT_OK || pt_visit_submit(ctx, id, reason, &n) != PT_OK)
        rc = cli_fail();
    else
        printf("visit %" PRId64 " %s with %d answer%s (run 'pantau score %" PRId64 "')\n", id,
               before == PT_STATE_RETURNED ? "resubmitted" : "submitted", n, n == 1 ? "" : "s", id);
    cli_notify_after(g, ctx, rc != CLI_OK);
    pt_close(ctx);
    return rc;
}

static int run_history(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("visit history", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_history);
    int64_t id;
    if ((rc = visit_arg("visit history", pos, n_pos, 1, &id)) != CLI_OK) return rc;

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    history h = {0};
    pt_visit_state state;
    if (pt_visit_state_get(ctx, id, &state) != PT_OK) rc = cli_fail();
    else if (history_read(ctx, id, as_json, &h) != PT_OK) rc = history_fail(&h);
    else if (as_json) {
        json_t *doc = json_object();
        json_object_set_new(doc, "visit_id", json_integer(id));
        json_object_set_new(doc, "state", json_string(pt_visit_state_name(state)));
        json_object_set(doc, "items", h.items);
        rc = out_json_print(doc);
    } else {
        printf("visit %" PRId64 ": %s (%s)\n\n", id, pt_visit_state_name(state),
               pt_visit_state_label(state));
        out_table_print(h.table, stdout);
    }
    history_free(&h);
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
    if (strcmp(sub, "new") == 0) return run_new(g, argc - 1, argv + 1);
    if (strcmp(sub, "assign") == 0) return run_assign(g, argc - 1, argv + 1);
    if (strcmp(sub, "answer") == 0) return run_answer(g, argc - 1, argv + 1);
    if (strcmp(sub, "answers") == 0) return run_answers(g, argc - 1, argv + 1);
    if (strcmp(sub, "reconcile") == 0) return run_reconcile(g, argc - 1, argv + 1);
    if (strcmp(sub, "submit") == 0) return run_submit(g, argc - 1, argv + 1);
    if (strcmp(sub, "history") == 0) return run_history(g, argc - 1, argv + 1);
    return cli_usage("visit", "unknown subcommand '%s'", sub);
}
