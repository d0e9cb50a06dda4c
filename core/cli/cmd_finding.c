/* pantau finding from-visit | add | plan | close | list | show | escalate: findings to a
 * verified fix (tindak lanjut). The rules are the library's (finding.h); this file parses,
 * calls and prints. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "output.h"
#include "pantau/finding.h"

static const char help_finding[] =
    "Usage: pantau finding SUBCOMMAND ...\n"
    "\n"
    "  from-visit VISIT [--today D]                     a finding for each flag of a scored visit\n"
    "  add VISIT --item ID --severity S --agency A --due D --description TEXT\n"
    "                                                   a failed item, by hand\n"
    "  plan FINDING --action TEXT --responsible WHO --target D\n"
    "                                                   a corrective action plan (or its revision)\n"
    "  close FINDING --visit V                          close it with a verification visit\n"
    "  list [--open] [--overdue] [--institution X] [--agency A] [--today D] [--json]\n"
    "  show FINDING [--json]                            one finding with its plans\n"
    "  escalate [--today D]                             raise the overdue and expiry events (cron)\n"
    "\n"
    "Dates are YYYY-MM-DD; --today defaults to today (UTC). Severities: kritis, tinggi, sedang,\n"
    "rendah (due in 7, 30, 60, 90 days when recorded from a flag).\n";

static const char help_from_visit[] =
    "Usage: pantau finding from-visit VISIT [--today YYYY-MM-DD]\n"
    "\n"
    "Records one finding per flag of the visit's stored score: its severity, agency (the\n"
    "Dinas Sosial when the flag names none), item and code, the flag's message as the\n"
    "description, due 7/30/60/90 days after --today for kritis/tinggi/sedang/rendah. The visit\n"
    "must be scored, under review or decided. Running it again records only what is new.\n"
    "Prints \"recorded N new findings from visit V\".\n";

static const char help_add[] =
    "Usage: pantau finding add VISIT --item ID --severity S --agency A --due YYYY-MM-DD\n"
    "                          --description TEXT\n"
    "\n"
    "Records a failed item by hand. The item must be in the visit's checklist; the visit must\n"
    "be submitted or later (not a draft nor returned). S is kritis, tinggi, sedang or rendah;\n"
    "A the agency that must act. Prints \"added finding ID\".\n";

static const char help_plan[] =
    "Usage: pantau finding plan FINDING --action TEXT --responsible WHO --target YYYY-MM-DD\n"
    "\n"
    "Adds a corrective action plan to an open finding. Plans are never changed: a revision is\n"
    "a new plan, and the latest is in force. Prints \"added plan ID to finding F\".\n";

static const char help_close[] =
    "Usage: pantau finding close FINDING --visit V\n"
    "\n"
    "Closes a finding with verification visit V: a visit to the same home, later than the\n"
    "finding's visit, with the same checklist (any version), scored (or under review, or\n"
    "decided), that answered the finding's item (not N/A) and whose score raises no flag on it\n"
    "(for a flag without an item: no flag with the same code). A finding recorded by hand also\n"
    "needs an answer that differs from the one its visit recorded. Otherwise the finding stays\n"
    "open and the error says why.\n"
    "Prints \"closed finding F (verified by visit V)\".\n";

static const char help_list[] =
    "Usage: pantau finding list [--open] [--overdue] [--institution ID] [--agency A]\n"
    "                           [--today YYYY-MM-DD] [--json]\n"
    "\n"
    "Findings by due date. --open: open ones only; --overdue: open ones due before --today;\n"
    "--institution: one home (id or registration number); --agency: the findings that name\n"
    "that agency (\"Dinas Sosial\" also matches \"Dinas Sosial Kota Tangerang\"). The STATUS\n"
    "column says \"overdue\" for an open finding due before --today. --json prints\n"
    "{\"items\": [...]} (keys in docs/commands.md).\n";

static const char help_show[] =
    "Usage: pantau finding show FINDING [--json]\n"
    "\n"
    "One finding: where it comes from, who must act by when, its status and every corrective\n"
    "plan, oldest first.\n";

static const char help_escalate[] =
    "Usage: pantau finding escalate [--today YYYY-MM-DD]\n"
    "\n"
    "The daily run (cron): raises finding.overdue once for each open finding due before\n"
    "--today, accreditation.expiring for each accreditation in force that ends within 90 days,\n"
    "and registration.expiring for each registration that ends within 90 days (each once per\n"
    "date), then delivers them as the notification configuration says. Prints one line per\n"
    "event and \"raised N events\".\n";

/* today in UTC, YYYY-MM-DD, into buf[11] */
static const char *utc_today(char buf[11])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, 11, "%Y-%m-%d", &tm);
    return buf;
}

/* 1 when s looks like YYYY-MM-DD (the library checks the calendar where it uses the date). */
static int looks_like_date(const char *s)
{
    if (strlen(s) != 10) return 0;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return 0;
    return 1;
}

static int parse_one_id(const char *help_for, const char *what, int n_pos, char **pos, int64_t *id)
{
    if (n_pos != 1)
        return cli_usage(help_for, n_pos ? "give one %s id" : "no %s id given", what);
    if (cli_parse_id(pos[0], id) != 0) return cli_usage(help_for, "'%s' is not a %s id", pos[0], what);
    return CLI_OK;
}

/* ---- from-visit, add, plan, close ---- */

static int run_from_visit(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    const char *today = NULL;
    const cli_opt opts[] = {{"--today", 1, &today, NULL}};
    int rc = cli_parse("finding from-visit", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_from_visit);
    int64_t visit;
    if ((rc = parse_one_id("finding from-visit", "visit", n_pos, pos, &visit)) != CLI_OK) return rc;
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    int n = 0;
    if (pt_finding_from_visit(ctx, visit, today, &n) != PT_OK) rc = cli_fail();
    else printf("recorded %d new finding%s from visit %" PRId64 "\n", n, n == 1 ? "" : "s", visit);
    pt_close(ctx);
    return rc;
}

static int run_add(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    const char *item = NULL, *severity = NULL, *agency = NULL, *due = NULL, *description = NULL;
    const cli_opt opts[] = {{"--item", 1, &item, NULL},       {"--severity", 1, &severity, NULL},
                            {"--agency", 1, &agency, NULL},   {"--due", 1, &due, NULL},
                            {"--description", 1, &description, NULL}};
    int rc = cli_parse("finding add", argc, argv, opts, 5, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_add);
    int64_t visit;
    if ((rc = parse_one_id("finding add", "visit", n_pos, pos, &visit)) != CLI_OK) return rc;
    const char *missing = !item ? "--item" : !severity ? "--severity" : !agency ? "--agency"
                        : !due ? "--due" : !description ? "--description" : NULL;
    if (missing) return cli_usage("finding add", "%s is required", missing);
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    int64_t id;
    if (pt_finding_add(ctx, visit, item, severity, agency, due, description, &id) != PT_OK)
        rc = cli_fail();
    else printf("added finding %" PRId64 "\n", id);
    pt_close(ctx);
    return rc;
}

static int run_plan(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    const char *action = NULL, *responsible = NULL, *target = NULL;
    const cli_opt opts[] = {{"--action", 1, &action, NULL},
                            {"--responsible", 1, &responsible, NULL},
                            {"--target", 1, &target, NULL}};
    int rc = cli_parse("finding plan", argc, argv, opts, 3, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_plan);
    int64_t finding;
    if ((rc = parse_one_id("finding plan", "finding", n_pos, pos, &finding)) != CLI_OK) return rc;
    const char *missing = !action ? "--action" : !responsible ? "--responsible" : !target ? "--target" : NULL;
    if (missing) return cli_usage("finding plan", "%s is required", missing);
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    int64_t id;
    if (pt_finding_plan(ctx, finding, action, responsible, target, &id) != PT_OK) rc = cli_fail();
    else printf("added plan %" PRId64 " to finding %" PRId64 "\n", id, finding);
    pt_close(ctx);
    return rc;
}

static int run_close(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    const char *visit_text = NULL;
    const cli_opt opts[] = {{"--visit", 1, &visit_text, NULL}};
    int rc = cli_parse("finding close", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_close);
    int64_t finding, visit;
    if ((rc = parse_one_id("finding close", "finding", n_pos, pos, &finding)) != CLI_OK) return rc;
    if (!visit_text) return cli_usage("finding close", "--visit is required (the verification visit)");
    if (cli_parse_id(visit_text, &visit) != 0)
        return cli_usage("finding close", "'%s' is not a visit id", visit_text);
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    if (pt_finding_close(ctx, finding, visit) != PT_OK) rc = cli_fail();
    else printf("closed finding %" PRId64 " (verified by visit %" PRId64 ")\n", finding, visit);
    pt_close(ctx);
    return rc;
}

/* ---- list and show ---- */

static int is_overdue(const pt_finding *f, const char *today)
{
    return strcmp(f->status, "open") == 0 && strcmp(f->due_date, today) < 0;
}

static json_t *plan_json(const pt_corrective_plan *p)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", json_integer(p->id));
    json_object_set_new(o, "action", out_jstr(p->action));
    json_object_set_new(o, "responsible", out_jstr(p->responsible));
    json_object_set_new(o, "target_date", out_jstr(p->target_date));
    json_object_set_new(o, "created_by", out_jstr(p->created_by));
    json_object_set_new(o, "created_at", out_jstr(p->created_at));
    return o;
}

static json_t *finding_json(const pt_finding *f, const char *today)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", json_integer(f->id));
    json_object_set_new(o, "institution_id", json_integer(f->institution_id));
    json_object_set_new(o, "institution_name", out_jstr(f->institution_name));
    json_object_set_new(o, "visit_id", json_integer(f->visit_id));
    json_object_set_new(o, "visit_date", out_jstr(f->visit_date));
    json_object_set_new(o, "item_id", out_jstr(f->item_id));
    json_object_set_new(o, "flag_code", out_jstr(f->flag_code));
    json_object_set_new(o, "severity", out_jstr(f->severity));
    json_object_set_new(o, "agency", out_jstr(f->agency));
    json_object_set_new(o, "description", out_jstr(f->description));
    json_object_set_new(o, "due_date", out_jstr(f->due_date));
    json_object_set_new(o, "status", out_jstr(f->status));
    json_object_set_new(o, "overdue", json_boolean(is_overdue(f, today)));
    json_object_set_new(o, "created_by", out_jstr(f->created_by));
    json_object_set_new(o, "created_at", out_jstr(f->created_at));
    json_object_set_new(o, "escalated_at", out_jstr(f->escalated_at));
    json_object_set_new(o, "closed_by_visit", f->closed_by_visit ? json_integer(f->closed_by_visit) : json_null());
    json_object_set_new(o, "closed_by", out_jstr(f->closed_by));
    json_object_set_new(o, "closed_at", out_jstr(f->closed_at));
    json_object_set_new(o, "n_plans", json_integer((json_int_t)f->n_plans));
    json_object_set_new(o, "last_plan", f->last_plan ? plan_json(f->last_plan) : json_null());
    return o;
}

typedef struct list_state {
    out_list list;
    const char *today;
} list_state;

static int list_one(const pt_finding *f, void *payload)
{
    list_state *s = payload;
    if (s->list.items) return out_list_add_json(&s->list, finding_json(f, s->today));
    char id[32], plans[32], name[160], agency[120], desc[200];
    snprintf(id, sizeof id, "%" PRId64, f->id);
    snprintf(plans, sizeof plans, "%zu", f->n_plans);
    const char *row[] = {id, f->due_date, f->severity,
                         is_overdue(f, s->today) ? "overdue" : f->status,
                         out_truncate(name, sizeof name, f->institution_name, 28),
                         f->item_id ? f->item_id : "-",
                         out_truncate(agency, sizeof agency, f->agency, 24), plans,
                         out_truncate(desc, sizeof desc, f->description, 50)};
    return out_list_add_row(&s->list, row);
}

static int run_list(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0, open_only = 0, overdue = 0;
    const char *institution = NULL, *agency = NULL, *today = NULL;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json},       {"--open", 0, NULL, &open_only},
                            {"--overdue", 0, NULL, &overdue},     {"--institution", 1, &institution, NULL},
                            {"--agency", 1, &agency, NULL},       {"--today", 1, &today, NULL}};
    int rc = cli_parse("finding list", argc, argv, opts, 6, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_list);
    if (n_pos) return cli_usage("finding list", "unexpected argument '%s'", pos[0]);
    char day[11];
    if (!today) today = utc_today(day);
    else if (!looks_like_date(today))
        return cli_usage("finding list", "--today '%s' is not a date (YYYY-MM-DD)", today);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_finding_filter filter = {.agency = agency, .open_only = open_only,
                                .overdue_as_of = overdue ? today : NULL};
    if (cli_institution_id(ctx, institution, &filter.institution_id) != PT_OK) {
        pt_close(ctx);
        return cli_fail();
    }
    static const char *const headers[] = {"ID", "DUE", "SEVERITY", "STATUS", "INSTITUTION",
                                          "ITEM", "AGENCY", "PLANS", "DESCRIPTION"};
    list_state s = {.today = today};
    if ((rc = out_list_open(&s.list, as_json, 9, headers, "r......r.")) != CLI_OK) {
        pt_close(ctx);
        return rc;
    }
    int walk = pt_finding_foreach(ctx, &filter, list_one, &s);
    pt_close(ctx);
    return out_list_finish(&s.list, walk);
}

static void show_readable(const pt_finding *f, const char *today)
{
    printf("finding %" PRId64 " (%s)\n", f->id, is_overdue(f, today) ? "open, overdue" : f->status);
    printf("  %-13s %s (id %" PRId64 ")\n", "institution:", f->institution_name, f->institution_id);
    printf("  %-13s %" PRId64 " (%s)\n", "visit:", f->visit_id, f->visit_date);
    printf("  %-13s %s\n", "item:", f->item_id ? f->item_id : "-");
    printf("  %-13s %s\n", "flag:", f->flag_code ? f->flag_code : "- (recorded by hand)");
    printf("  %-13s %s\n", "severity:", f->severity);
    printf("  %-13s %s\n", "agency:", f->agency);
    printf("  %-13s %s\n", "due:", f->due_date);
    out_wrapped(stdout, "  description:  ", 16, f->description, 100);
    printf("  %-13s %s, %s\n", "recorded:", f->created_by, f->created_at);
    if (f->escalated_at) printf("  %-13s %s\n", "escalated:", f->escalated_at);
    if (f->closed_at)
        printf("  %-13s verified by visit %" PRId64 ", %s, %s\n", "closed:", f->closed_by_visit,
               f->closed_by, f->closed_at);
    printf("\nplans (%zu)\n", f->n_plans);
    static const char *const headers[] = {"ID", "TARGET", "RESPONSIBLE", "ACTION", "BY", "AT"};
    out_table *t = out_table_new(6, headers, "r.....");
    for (size_t i = 0; t && i < f->n_plans; i++) {
        const pt_corrective_plan *p = &f->plans[i];
        char id[32], who[120], action[300];
        snprintf(id, sizeof id, "%" PRId64, p->id);
        const char *row[] = {id, p->target_date, out_truncate(who, sizeof who, p->responsible, 30),
                             out_truncate(action, sizeof action, p->action, 60), p->created_by,
                             p->created_at};
        if (out_table_add(t, row) != 0) break;
    }
    if (t) out_table_print(t, stdout);
    out_table_free(t);
}

static int run_show(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("finding show", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_show);
    int64_t id;
    if ((rc = parse_one_id("finding show", "finding", n_pos, pos, &id)) != CLI_OK) return rc;
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_finding *f = NULL;
    char day[11];
    utc_today(day);
    if (pt_finding_get(ctx, id, &f) != PT_OK) {
        rc = cli_fail();
    } else if (as_json) {
        json_t *o = finding_json(f, day);
        json_t *plans = json_array();
        for (size_t i = 0; o && plans && i < f->n_plans; i++)
            json_array_append_new(plans, plan_json(&f->plans[i]));
        if (o && plans) json_object_set_new(o, "plans", plans);
        else {
            json_decref(o);
            json_decref(plans);
            o = NULL;
        }
        rc = out_json_print(o);
    } else {
        show_readable(f, day);
    }
    pt_finding_free(f);
    pt_close(ctx);
    return rc;
}

/* ---- escalate ---- */

static int print_raised(const pt_escalation *e, void *payload)
{
    (void)payload;
    char what[48] = "";
    if (e->finding_id) snprintf(what, sizeof what, "finding %" PRId64, e->finding_id);
    else if (e->decision_id) snprintf(what, sizeof what, "decision %" PRId64, e->decision_id);
    printf("%-22s  %s  %s%s%s\n", e->type, e->date, e->institution_name, *what ? ", " : "", what);
    return 0;
}

static int run_escalate(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    const char *today = NULL;
    const cli_opt opts[] = {{"--today", 1, &today, NULL}};
    int rc = cli_parse("finding escalate", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_escalate);
    if (n_pos) return cli_usage("finding escalate", "unexpected argument '%s'", pos[0]);
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_escalation_counts c;
    if (pt_finding_escalate(ctx, today, &c, print_raised, NULL) != PT_OK) {
        rc = cli_fail();
    } else {
        int n = c.finding_overdue + c.accreditation_expiring + c.registration_expiring;
        printf("raised %d event%s (finding.overdue %d, accreditation.expiring %d, "
               "registration.expiring %d)\n", n, n == 1 ? "" : "s", c.finding_overdue,
               c.accreditation_expiring, c.registration_expiring);
        cli_notify_after(g, ctx, 0);
    }
    pt_close(ctx);
    return rc;
}

int cmd_finding(const cli_globals *g, int argc, char **argv)
{
    if (argc < 2) return cli_usage("finding", "no subcommand given");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) return cli_help(help_finding);
    if (strcmp(sub, "from-visit") == 0) return run_from_visit(g, argc - 1, argv + 1);
    if (strcmp(sub, "add") == 0) return run_add(g, argc - 1, argv + 1);
    if (strcmp(sub, "plan") == 0) return run_plan(g, argc - 1, argv + 1);
    if (strcmp(sub, "close") == 0) return run_close(g, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0) return run_list(g, argc - 1, argv + 1);
    if (strcmp(sub, "show") == 0) return run_show(g, argc - 1, argv + 1);
    if (strcmp(sub, "escalate") == 0) return run_escalate(g, argc - 1, argv + 1);
    return cli_usage("finding", "unknown subcommand '%s'", sub);
}
