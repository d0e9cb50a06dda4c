/* pantau review open | declare | vote | decide | return | appeal | correct | withdraw | list |
 * show: reviews of scored visits and board decisions (review.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "pantau/review.h"

static const char help_review[] =
    "Usage: pantau review SUBCOMMAND ...\n"
    "\n"
    "  open VISIT --panel USER[,USER...] [--quorum N] [--reason TEXT]\n"
    "                                        open a review of a scored visit\n"
    "  declare REVIEW (--no-conflict | --conflict TEXT)\n"
    "                                        a panel member's declaration of interest\n"
    "  vote REVIEW (--grade G | --accept)    a panel member's vote\n"
    "  decide REVIEW [--conditions TEXT]     record the panel's decision\n"
    "  return VISIT --reason TEXT            send a visit back to its team\n"
    "  appeal DECISION --reason TEXT --panel USER,... [--quorum N]\n"
    "  correct DECISION --reason TEXT --panel USER,... [--quorum N]\n"
    "                                        reopen the decision in force; the new one\n"
    "                                        supersedes it\n"
    "  withdraw REVIEW --reason TEXT         close an open appeal or correction undecided\n"
    "  list [--visit V] [--open] [--json]    reviews, newest first\n"
    "  show REVIEW [--json]                  a review, its panel, votes and decision\n";

static const char help_open[] =
    "Usage: pantau review open VISIT --panel USER[,USER...] [--quorum N] [--reason TEXT]\n"
    "\n"
    "Opens a review of a scored visit: the visit goes under_review. The panel is of pantau\n"
    "users (board members for an accreditation visit; board members or agency officers for\n"
    "other visits), each named once. The quorum is the number of votes needed to decide (1 to\n"
    "the panel's size; by default a majority of the panel). One review of a visit is open at a\n"
    "time. Board members open reviews; Dinas Sosial officers too, except of accreditation\n"
    "visits (the board's). Prints the review's id.\n";

static const char help_declare[] =
    "Usage: pantau review declare REVIEW (--no-conflict | --conflict TEXT)\n"
    "\n"
    "A panel member declares, as themselves, a conflict of interest (TEXT says what it is) or\n"
    "none, while the review is open. A conflicted member cannot vote or decide, and a declared\n"
    "conflict is final (the database refuses both too). A declaration of no conflict may be\n"
    "made again until the member has voted, and may become a conflict until the decision:\n"
    "that clears the member's vote.\n";

static const char help_vote[] =
    "Usage: pantau review vote REVIEW (--grade G | --accept)\n"
    "\n"
    "A panel member who declared no conflict votes: for an accreditation visit a grade of the\n"
    "visit's checklist or TT (tidak terakreditasi), for other visits --accept. A vote may be\n"
    "changed until the decision by voting again: the last vote counts (the audit log keeps\n"
    "the earlier ones).\n";

static const char help_decide[] =
    "Usage: pantau review decide REVIEW [--conditions TEXT]\n"
    "\n"
    "A panel member who declared no conflict records the decision. It needs the quorum of\n"
    "votes cast, and the outcome is the one with a strict majority of them (a tie is refused).\n"
    "A grade holds from today for the grade's years in the checklist. The decision keeps the\n"
    "panel, the declarations and votes, and the evidence snapshot (visit, answers' digest,\n"
    "score, overrides in force, checklist and script sha256) with its sha256; the visit is\n"
    "decided and its data can no longer change. Prints the decision's id.\n";

static const char help_return[] =
    "Usage: pantau review return VISIT --reason TEXT\n"
    "\n"
    "Sends a scored visit, or a visit under review, back to its team with the reason: the visit\n"
    "becomes returned (its history keeps the reason) and an open review closes as returned.\n"
    "Board members; Dinas Sosial officers too, except for accreditation visits.\n";

static const char help_appeal[] =
    "Usage: pantau review appeal DECISION --reason TEXT --panel USER[,USER...] [--quorum N]\n"
    "       pantau review correct DECISION --reason TEXT --panel USER[,USER...] [--quorum N]\n"
    "\n"
    "Opens an appeal (or a correction) of a decision: a new review of the same visit, linked to\n"
    "the decided one, with its own panel and quorum (as review open). Its decision supersedes\n"
    "the first. Only the decision in force is reopened: for accreditation, the home's current\n"
    "one (a later decision of the home governs); for monitoring, the latest of the visit. The\n"
    "visit stays decided and its data unchanged. Board members; Dinas Sosial officers too,\n"
    "except for accreditation decisions.\n";

static const char help_withdraw[] =
    "Usage: pantau review withdraw REVIEW --reason TEXT\n"
    "\n"
    "Closes an open appeal or correction without a decision (e.g. its quorum can no longer be\n"
    "reached): the review becomes withdrawn with the reason; the visit stays decided and the\n"
    "decision in force stands. A first review is not withdrawn: return its visit instead\n"
    "(pantau review return VISIT --reason TEXT). Who may open the review may withdraw it.\n";

static const char help_list[] =
    "Usage: pantau review list [--visit V] [--open] [--json]\n"
    "\n"
    "Reviews, newest first: of one visit with --visit, only the open ones with --open. --json\n"
    "prints {\"items\": [...]}, each item as 'review show --json' without the panel.\n";

static const char help_show[] =
    "Usage: pantau review show REVIEW [--json]\n"
    "\n"
    "A review: its visit, kind (review, appeal, correction), status (open, returned, decided,\n"
    "withdrawn), quorum, who opened and closed it (and why, when returned or withdrawn), the\n"
    "panel with each declaration and vote, and its decision. --json prints {id,\n"
    "visit_id, institution_id, institution_name, visit_date, visit_type, kind, reopens, status,\n"
    "quorum, opened_by, opened_at, reason, closed_by, closed_at, close_reason, panel_size,\n"
    "n_declared, votes_cast, decision_id, panel [{user, full_name, role, conflict, declaration,\n"
    "declared_at, vote, voted_at}]}; conflict is null until declared.\n";

/* ---- arguments ---- */

static int parse_id(const char *help_for, const char *what, int n_pos, char **pos, int64_t *id)
{
    if (n_pos != 1)
        return cli_usage(help_for, n_pos ? "give one %s id" : "no %s id given", what);
    if (cli_parse_id(pos[0], id) != 0) return cli_usage(help_for, "'%s' is not a %s id", pos[0], what);
    return CLI_OK;
}

static int parse_quorum(const char *help_for, const char *text, int *quorum)
{
    *quorum = 0;
    if (!text) return CLI_OK;
    int64_t q;
    if (cli_parse_id(text, &q) != 0 || q > 1000)
        return cli_usage(help_for, "--quorum '%s' is not a number of votes", text);
    *quorum = (int)q;
    return CLI_OK;
}

/* Splits "dewi, rina,tono" into names (pointers into buf, which the caller frees). */
typedef struct panel_list {
    char *buf;
    const char **names;
    size_t n;
} panel_list;

static void panel_free(panel_list *p)
{
    free(p->buf);
    free(p->names);
}

static int parse_panel(const char *help_for, const char *text, panel_list *p)
{
    memset(p, 0, sizeof *p);
    if (!text) return cli_usage(help_for, "a review needs its panel: --panel USER[,USER...]");
    p->buf = strdup(text);
    p->names = calloc(strlen(text) + 1, sizeof *p->names);
    if (!p->buf || !p->names) {
        panel_free(p);
        return cli_failf("out of memory");
    }
    for (char *save = NULL, *tok = strtok_r(p->buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') tok++;
        size_t len = strlen(tok);
        while (len > 0 && tok[len - 1] == ' ') tok[--len] = '\0';
        if (len) p->names[p->n++] = tok;
    }
    if (p->n == 0) {
        panel_free(p);
        return cli_usage(help_for, "--panel names no one");
    }
    return CLI_OK;
}

static void print_panel(const panel_list *p)
{
    for (size_t i = 0; i < p->n; i++) printf("%s%s", i ? ", " : "", p->names[i]);
}

/* ---- writing ---- */

static int run_open(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, quorum;
    const char *panel = NULL, *quorum_text = NULL, *reason = NULL;
    const cli_opt opts[] = {{"--panel", 1, &panel, NULL}, {"--quorum", 1, &quorum_text, NULL},
                            {"--reason", 1, &reason, NULL}};
    int rc = cli_parse("review open", argc, argv, opts, 3, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_open);
    int64_t visit;
    if ((rc = parse_id("review open", "visit", n_pos, pos, &visit)) != CLI_OK ||
        (rc = parse_quorum("review open", quorum_text, &quorum)) != CLI_OK)
        return rc;
    panel_list p;
    if ((rc = parse_panel("review open", panel, &p)) != CLI_OK) return rc;
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) == CLI_OK) {
        int64_t id;
        if (pt_review_open(ctx, visit, p.names, p.n, quorum, reason, &id) != PT_OK) {
            rc = cli_fail();
        } else {
            printf("opened review %" PRId64 " of visit %" PRId64 " (panel ", id, visit);
            print_panel(&p);
            printf("; quorum %d)\n", quorum ? quorum : (int)(p.n / 2 + 1));
        }
        cli_notify_after(g, ctx, rc != CLI_OK);
        pt_close(ctx);
    }
    panel_free(&p);
    return rc;
}

static int run_reopen(const cli_globals *g, int argc, char **argv, int appeal)
{
    const char *name = appeal ? "review appeal" : "review correct";
    char *pos[argc];
    int n_pos, help, quorum;
    const char *panel = NULL, *quorum_text = NULL, *reason = NULL;
    const cli_opt opts[] = {{"--panel", 1, &panel, NULL}, {"--quorum", 1, &quorum_text, NULL},
                            {"--reason", 1, &reason, NULL}};
    int rc = cli_parse(name, argc, argv, opts, 3, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_appeal);
    int64_t decision;
    if ((rc = parse_id(name, "decision", n_pos, pos, &decision)) != CLI_OK ||
        (rc = parse_quorum(name, quorum_text, &quorum)) != CLI_OK)
        return rc;
    if (!reason) return cli_usage(name, "%s needs --reason TEXT", appeal ? "an appeal" : "a correction");
    panel_list p;
    if ((rc = parse_panel(name, panel, &p)) != CLI_OK) return rc;
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) == CLI_OK) {
        int64_t id;
        int err = appeal ? pt_review_appeal(ctx, decision, reason, p.names, p.n, quorum, &id)
                         : pt_review_correct(ctx, decision, reason, p.names, p.n, quorum, &id);
        if (err != PT_OK) {
            rc = cli_fail();
        } else {
            printf("opened %s %" PRId64 " of decision %" PRId64 " (panel ",
                   appeal ? "appeal" : "correction", id, decision);
            print_panel(&p);
            printf("; quorum %d)\n", quorum ? quorum : (int)(p.n / 2 + 1));
        }
        cli_notify_after(g, ctx, rc != CLI_OK);
        pt_close(ctx);
    }
    panel_free(&p);
    return rc;
}

static int run_declare(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, no_conflict = 0;
    const char *conflict = NULL;
    const cli_opt opts[] = {{"--no-conflict", 0, NULL, &no_conflict}, {"--conflict", 1, &conflict, NULL}};
    int rc = cli_parse("review declare", argc, argv, opts, 2, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_declare);
    int64_t review;
    if ((rc = parse_id("review declare", "review", n_pos, pos, &review)) != CLI_OK) return rc;
    if (no_conflict == (conflict != NULL))
        return cli_usage("review declare", "give --no-conflict or --conflict TEXT (one of them)");
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    if (pt_review_declare(ctx, review, conflict != NULL, conflict) != PT_OK) rc = cli_fail();
    else printf("review %" PRId64 ": %s\n", review,
                conflict ? "conflict of interest declared (you will not vote)"
                         : "no conflict of interest declared");
    pt_close(ctx);
    return rc;
}

static int run_vote(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, accept = 0;
    const char *grade = NULL;
    const cli_opt opts[] = {{"--grade", 1, &grade, NULL}, {"--accept", 0, NULL, &accept}};
    int rc = cli_parse("review vote", argc, argv, opts, 2, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_vote);
    int64_t review;
    if ((rc = parse_id("review vote", "review", n_pos, pos, &review)) != CLI_OK) return rc;
    if (accept == (grade != NULL))
        return cli_usage("review vote", "give --grade G or --accept (one of them)");
    const char *outcome = accept ? PT_OUTCOME_ACCEPTED : grade;
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    if (pt_review_vote(ctx, review, outcome) != PT_OK) rc = cli_fail();
    else printf("review %" PRId64 ": voted %s\n", review, outcome);
    pt_close(ctx);
    return rc;
}

static int run_decide(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    const char *conditions = NULL;
    const cli_opt opts[] = {{"--conditions", 1, &conditions, NULL}};
    int rc = cli_parse("review decide", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_decide);
    int64_t review;
    if ((rc = parse_id("review decide", "review", n_pos, pos, &review)) != CLI_OK) return rc;
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    int64_t id;
    pt_decision *d = NULL;
    if (pt_review_decide(ctx, review, conditions, &id) != PT_OK || pt_decision_get(ctx, id, &d) != PT_OK) {
        rc = cli_fail();
    } else {
        printf("review %" PRId64 " decided: decision %" PRId64 ", %s (%s)", review, id, d->outcome,
               d->outcome_label);
        if (d->valid_from) printf(", valid %s to %s", d->valid_from, d->valid_until);
        if (d->supersedes) printf(", supersedes decision %" PRId64, d->supersedes);
        printf("\n  evidence sha256 %s\n", d->evidence_sha256);
    }
    pt_decision_free(d);
    cli_notify_after(g, ctx, rc != CLI_OK);
    pt_close(ctx);
    return rc;
}

static int run_withdraw(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    const char *reason = NULL;
    const cli_opt opts[] = {{"--reason", 1, &reason, NULL}};
    int rc = cli_parse("review withdraw", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_withdraw);
    int64_t review;
    if ((rc = parse_id("review withdraw", "review", n_pos, pos, &review)) != CLI_OK) return rc;
    if (!reason) return cli_usage("review withdraw", "withdrawing a review needs --reason TEXT");
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    if (pt_review_withdraw(ctx, review, reason) != PT_OK) rc = cli_fail();
    else printf("review %" PRId64 " withdrawn\n", review);
    cli_notify_after(g, ctx, rc != CLI_OK);
    pt_close(ctx);
    return rc;
}

static int run_return(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    const char *reason = NULL;
    const cli_opt opts[] = {{"--reason", 1, &reason, NULL}};
    int rc = cli_parse("review return", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_return);
    int64_t visit;
    if ((rc = parse_id("review return", "visit", n_pos, pos, &visit)) != CLI_OK) return rc;
    if (!reason) return cli_usage("review return", "returning a visit needs --reason TEXT");
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    if (pt_review_return(ctx, visit, reason) != PT_OK) rc = cli_fail();
    else printf("visit %" PRId64 " returned to its team\n", visit);
    cli_notify_after(g, ctx, rc != CLI_OK);
    pt_close(ctx);
    return rc;
}

/* ---- reading ---- */

static json_t *review_json(const pt_review *r, int with_panel)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "visit_id", json_integer(r->visit_id));
    json_object_set_new(o, "institution_id", json_integer(r->institution_id));
    json_object_set_new(o, "institution_name", out_jstr(r->institution_name));
    json_object_set_new(o, "visit_date", out_jstr(r->visit_date));
    json_object_set_new(o, "visit_type", out_jstr(r->visit_type));
    json_object_set_new(o, "kind", out_jstr(r->kind));
    json_object_set_new(o, "reopens", r->reopens ? json_integer(r->reopens) : json_null());
    json_object_set_new(o, "status", out_jstr(r->status));
    json_object_set_new(o, "quorum", json_integer(r->quorum));
    json_object_set_new(o, "opened_by", out_jstr(r->opened_by));
    json_object_set_new(o, "opened_at", out_jstr(r->opened_at));
    json_object_set_new(o, "reason", out_jstr(r->reason));
    json_object_set_new(o, "closed_by", out_jstr(r->closed_by));
    json_object_set_new(o, "closed_at", out_jstr(r->closed_at));
    json_object_set_new(o, "close_reason", out_jstr(r->close_reason));
    json_object_set_new(o, "panel_size", json_integer((json_int_t)r->n_panel));
    json_object_set_new(o, "n_declared", json_integer(r->n_declared));
    json_object_set_new(o, "votes_cast", json_integer(r->votes_cast));
    json_object_set_new(o, "decision_id", r->decision_id ? json_integer(r->decision_id) : json_null());
    if (!with_panel) return o;
    json_t *panel = json_array();
    for (size_t i = 0; panel && i < r->n_panel; i++) {
        const pt_panel_member *m = &r->panel[i];
        json_t *j = json_object();
        if (!j) break;
        json_object_set_new(j, "user", out_jstr(m->user));
        json_object_set_new(j, "full_name", out_jstr(m->full_name));
        json_object_set_new(j, "role", out_jstr(m->role));
        json_object_set_new(j, "conflict", m->conflict < 0 ? json_null() : json_boolean(m->conflict));
        json_object_set_new(j, "declaration", out_jstr(m->declaration));
        json_object_set_new(j, "declared_at", out_jstr(m->declared_at));
        json_object_set_new(j, "vote", out_jstr(m->vote));
        json_object_set_new(j, "voted_at", out_jstr(m->voted_at));
        json_array_append_new(panel, j);
    }
    json_object_set_new(o, "panel", panel);
    return o;
}

static int list_one(const pt_review *r, void *payload)
{
    out_list *list = payload;
    if (list->items) return out_list_add_json(list, review_json(r, 0));
    char id[32], visit[32], name[160], votes[64], reopens[32] = "", decision[32] = "-";
    snprintf(id, sizeof id, "%" PRId64, r->id);
    snprintf(visit, sizeof visit, "%" PRId64, r->visit_id);
    snprintf(votes, sizeof votes, "%d/%zu (quorum %d)", r->votes_cast, r->n_panel, r->quorum);
    if (r->reopens) snprintf(reopens, sizeof reopens, " of %" PRId64, r->reopens);
    char kind[64];
    snprintf(kind, sizeof kind, "%s%s", r->kind, reopens);
    if (r->decision_id) snprintf(decision, sizeof decision, "%" PRId64, r->decision_id);
    const char *row[] = {id, visit, out_truncate(name, sizeof name, r->institution_name, 32), kind,
                         r->status, votes, decision, r->opened_at};
    return out_list_add_row(list, row);
}

static int run_list(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0, only_open = 0;
    const char *visit_text = NULL;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}, {"--open", 0, NULL, &only_open},
                            {"--visit", 1, &visit_text, NULL}};
    int rc = cli_parse("review list", argc, argv, opts, 3, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_list);
    if (n_pos) return cli_usage("review list", "unexpected argument '%s'", pos[0]);
    int64_t visit = 0;
    if (visit_text && cli_parse_id(visit_text, &visit) != 0)
        return cli_usage("review list", "--visit '%s' is not a visit id", visit_text);
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    static const char *const headers[] = {"ID", "VISIT", "INSTITUTION", "KIND", "STATUS", "VOTES",
                                          "DECISION", "OPENED"};
    out_list list;
    if ((rc = out_list_open(&list, as_json, 8, headers, "rr....r.")) != CLI_OK) {
        pt_close(ctx);
        return rc;
    }
    int walk = pt_review_foreach(ctx, visit, only_open, list_one, &list);
    pt_close(ctx);
    return out_list_finish(&list, walk);
}

static void show_readable(const pt_review *r, const pt_decision *d)
{
    printf("review %" PRId64 " (%s", r->id, r->kind);
    if (r->reopens) printf(" of review %" PRId64, r->reopens);
    printf("): %s\n", r->status);
    printf("  %-13s %" PRId64 ", %s (id %" PRId64 "), %s, %s\n", "visit:", r->visit_id,
           r->institution_name, r->institution_id, r->visit_date, r->visit_type);
    printf("  %-13s %s at %s\n", "opened by:", r->opened_by, r->opened_at);
    if (r->reason) out_wrapped(stdout, "  reason:       ", 16, r->reason, 100);
    if (r->closed_at) printf("  %-13s %s at %s\n", "closed by:", r->closed_by, r->closed_at);
    if (r->close_reason)
        out_wrapped(stdout, strcmp(r->status, "withdrawn") == 0 ? "  withdrawn:    " : "  returned:     ",
                    16, r->close_reason, 100);
    printf("  %-13s %d of %zu (quorum %d)\n", "votes cast:", r->votes_cast, r->n_panel, r->quorum);
    printf("\npanel\n");
    static const char *const headers[] = {"USER", "ROLE", "DECLARED", "VOTE", "DECLARATION"};
    out_table *t = out_table_new(5, headers, NULL);
    for (size_t i = 0; t && i < r->n_panel; i++) {
        const pt_panel_member *m = &r->panel[i];
        char decl[200];
        const char *row[] = {m->user, m->role,
                             m->conflict < 0 ? "-" : m->conflict ? "conflict" : "no conflict",
                             m->vote ? m->vote : "-",
                             out_truncate(decl, sizeof decl, m->declaration, 60)};
        if (out_table_add(t, row) != 0) break;
    }
    if (t) out_table_print(t, stdout);
    out_table_free(t);
    if (d) {
        printf("\ndecision %" PRId64 ": %s (%s)", d->id, d->outcome, d->outcome_label);
        if (d->valid_from) printf(", valid %s to %s", d->valid_from, d->valid_until);
        printf("\n");
        if (d->superseded_by) printf("  superseded by decision %" PRId64 "\n", d->superseded_by);
    }
}

static int run_show(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("review show", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_show);
    int64_t id;
    if ((rc = parse_id("review show", "review", n_pos, pos, &id)) != CLI_OK) return rc;
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_review *r = NULL;
    pt_decision *d = NULL;
    if (pt_review_get(ctx, id, &r) != PT_OK ||
        (r->decision_id && pt_decision_get(ctx, r->decision_id, &d) != PT_OK))
        rc = cli_fail();
    else if (as_json)
        rc = out_json_print(review_json(r, 1));
    else
        show_readable(r, d);
    pt_decision_free(d);
    pt_review_free(r);
    pt_close(ctx);
    return rc;
}

int cmd_review(const cli_globals *g, int argc, char **argv)
{
    if (argc < 2) return cli_usage("review", "no subcommand given");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) return cli_help(help_review);
    if (strcmp(sub, "open") == 0) return run_open(g, argc - 1, argv + 1);
    if (strcmp(sub, "declare") == 0) return run_declare(g, argc - 1, argv + 1);
    if (strcmp(sub, "vote") == 0) return run_vote(g, argc - 1, argv + 1);
    if (strcmp(sub, "decide") == 0) return run_decide(g, argc - 1, argv + 1);
    if (strcmp(sub, "return") == 0) return run_return(g, argc - 1, argv + 1);
    if (strcmp(sub, "appeal") == 0) return run_reopen(g, argc - 1, argv + 1, 1);
    if (strcmp(sub, "correct") == 0) return run_reopen(g, argc - 1, argv + 1, 0);
    if (strcmp(sub, "withdraw") == 0) return run_withdraw(g, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0) return run_list(g, argc - 1, argv + 1);
    if (strcmp(sub, "show") == 0) return run_show(g, argc - 1, argv + 1);
    return cli_usage("review", "unknown subcommand '%s'", sub);
}
