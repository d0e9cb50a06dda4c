/* pantau decision list | show | verify: board decisions and the evidence they were based on
 * (review.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "pantau/review.h"

static const char help_decision[] =
    "Usage: pantau decision SUBCOMMAND ...\n"
    "\n"
    "  list [--institution X] [--json]   decisions, newest first\n"
    "  show DECISION [--json]            a decision, its votes and evidence snapshot\n"
    "  verify DECISION [--json]          rebuild the evidence from the database and compare\n";

static const char help_list[] =
    "Usage: pantau decision list [--institution ID|REG_NO] [--json]\n"
    "\n"
    "Decisions newest first (of one institution with --institution). --json prints\n"
    "{\"items\": [...]}, each as 'decision show --json' without votes and evidence.\n";

static const char help_show[] =
    "Usage: pantau decision show DECISION [--json]\n"
    "\n"
    "A decision: the visit and institution, kind (accreditation or monitoring), outcome and\n"
    "label, conditions, validity, the panel's votes, the decision it supersedes or that\n"
    "supersedes it, and the evidence snapshot's sha256. --json prints {id, review_id,\n"
    "review_kind, visit_id, institution_id, institution_name, kind, outcome, outcome_label,\n"
    "conditions, valid_from, valid_until, panel_size, votes_cast, quorum, supersedes,\n"
    "superseded_by, decided_by, decided_at, evidence_sha256, votes [{user, conflict, vote}],\n"
    "evidence {visit, checklist, script, answers, score, overrides, review, panel}}.\n";

static const char help_verify[] =
    "Usage: pantau decision verify DECISION [--json]\n"
    "\n"
    "Builds the decision's evidence snapshot again from the database as it is now and compares\n"
    "its sha256 with the stored one. Prints 'decision N: evidence verified (sha256 ...)' (exit\n"
    "0), or the parts that differ, e.g. 'score.total, answers.sha256' (exit 1). --json prints\n"
    "{decision_id, matches, stored_sha256, current_sha256, differences [...]}.\n";

static int parse_id(const char *help_for, int n_pos, char **pos, int64_t *id)
{
    if (n_pos != 1) return cli_usage(help_for, n_pos ? "give one decision id" : "no decision id given");
    if (cli_parse_id(pos[0], id) != 0) return cli_usage(help_for, "'%s' is not a decision id", pos[0]);
    return CLI_OK;
}

/* A JSON text stored by the library, parsed back into the document (null if it is not). */
static json_t *parsed(const char *text)
{
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    return j ? j : json_null();
}

static json_t *decision_json(const pt_decision *d, int full)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", json_integer(d->id));
    json_object_set_new(o, "review_id", json_integer(d->review_id));
    json_object_set_new(o, "review_kind", out_jstr(d->review_kind));
    json_object_set_new(o, "visit_id", json_integer(d->visit_id));
    json_object_set_new(o, "institution_id", json_integer(d->institution_id));
    json_object_set_new(o, "institution_name", out_jstr(d->institution_name));
    json_object_set_new(o, "kind", out_jstr(d->kind));
    json_object_set_new(o, "outcome", out_jstr(d->outcome));
    json_object_set_new(o, "outcome_label", out_jstr(d->outcome_label));
    json_object_set_new(o, "conditions", out_jstr(d->conditions));
    json_object_set_new(o, "valid_from", out_jstr(d->valid_from));
    json_object_set_new(o, "valid_until", out_jstr(d->valid_until));
    json_object_set_new(o, "panel_size", json_integer(d->panel_size));
    json_object_set_new(o, "votes_cast", json_integer(d->votes_cast));
    json_object_set_new(o, "quorum", json_integer(d->quorum));
    json_object_set_new(o, "supersedes", d->supersedes ? json_integer(d->supersedes) : json_null());
    json_object_set_new(o, "superseded_by", d->superseded_by ? json_integer(d->superseded_by) : json_null());
    json_object_set_new(o, "decided_by", out_jstr(d->decided_by));
    json_object_set_new(o, "decided_at", out_jstr(d->decided_at));
    json_object_set_new(o, "evidence_sha256", out_jstr(d->evidence_sha256));
    if (full) {
        json_object_set_new(o, "votes", parsed(d->votes));
        json_object_set_new(o, "evidence", parsed(d->evidence));
    }
    return o;
}

static int list_one(const pt_decision *d, void *payload)
{
    out_list *list = payload;
    if (list->items) return out_list_add_json(list, decision_json(d, 0));
    char id[32], visit[32], name[160], outcome[200], valid[40] = "-", note[64] = "";
    snprintf(id, sizeof id, "%" PRId64, d->id);
    snprintf(visit, sizeof visit, "%" PRId64, d->visit_id);
    snprintf(outcome, sizeof outcome, "%s (%s)", d->outcome, d->outcome_label);
    if (d->valid_until) snprintf(valid, sizeof valid, "%s", d->valid_until);
    if (d->superseded_by) snprintf(note, sizeof note, "superseded by %" PRId64, d->superseded_by);
    else if (d->supersedes) snprintf(note, sizeof note, "supersedes %" PRId64, d->supersedes);
    const char *row[] = {id, visit, out_truncate(name, sizeof name, d->institution_name, 32),
                         d->kind, outcome, valid, d->decided_at, note};
    return out_list_add_row(list, row);
}

static int run_list(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const char *institution = NULL;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}, {"--institution", 1, &institution, NULL}};
    int rc = cli_parse("decision list", argc, argv, opts, 2, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_list);
    if (n_pos) return cli_usage("decision list", "unexpected argument '%s'", pos[0]);
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    int64_t institution_id = 0;
    if (cli_institution_id(ctx, institution, &institution_id) != PT_OK) {
        pt_close(ctx);
        return cli_fail();
    }
    static const char *const headers[] = {"ID", "VISIT", "INSTITUTION", "KIND", "OUTCOME",
                                          "VALID UNTIL", "DECIDED", "NOTE"};
    out_list list;
    if ((rc = out_list_open(&list, as_json, 8, headers, "rr......")) != CLI_OK) {
        pt_close(ctx);
        return rc;
    }
    int walk = pt_decision_foreach(ctx, institution_id, list_one, &list);
    pt_close(ctx);
    return out_list_finish(&list, walk);
}

static void show_readable(const pt_decision *d)
{
    printf("decision %" PRId64 " (%s): %s (%s)\n", d->id, d->kind, d->outcome, d->outcome_label);
    printf("  %-14s %" PRId64 ", %s (id %" PRId64 ")\n", "visit:", d->visit_id, d->institution_name,
           d->institution_id);
    printf("  %-14s %" PRId64 " (%s)\n", "review:", d->review_id, d->review_kind);
    if (d->valid_from) printf("  %-14s %s to %s\n", "valid:", d->valid_from, d->valid_until);
    if (d->conditions) out_wrapped(stdout, "  conditions:    ", 17, d->conditions, 100);
    printf("  %-14s %d of a panel of %d (quorum %d)\n", "votes cast:", d->votes_cast, d->panel_size,
           d->quorum);
    printf("  %-14s %s at %s\n", "decided by:", d->decided_by, d->decided_at);
    if (d->supersedes) printf("  %-14s decision %" PRId64 "\n", "supersedes:", d->supersedes);
    if (d->superseded_by) printf("  %-14s decision %" PRId64 "\n", "superseded by:", d->superseded_by);
    printf("  %-14s %s\n", "evidence:", d->evidence_sha256);
    json_t *votes = json_loads(d->votes, 0, NULL);
    if (json_is_array(votes)) {
        printf("\nvotes\n");
        size_t i;
        json_t *v;
        json_array_foreach(votes, i, v) {
            json_t *conflict = json_object_get(v, "conflict");
            const char *vote = json_string_value(json_object_get(v, "vote"));
            printf("  %-20s %s\n", json_string_value(json_object_get(v, "user")),
                   json_is_integer(conflict) && json_integer_value(conflict) == 1
                       ? "conflict of interest: did not vote"
                       : vote ? vote : "did not vote");
        }
    }
    json_decref(votes);
}

static int run_show(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("decision show", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_show);
    int64_t id;
    if ((rc = parse_id("decision show", n_pos, pos, &id)) != CLI_OK) return rc;
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_decision *d = NULL;
    if (pt_decision_get(ctx, id, &d) != PT_OK) rc = cli_fail();
    else if (as_json) rc = out_json_print(decision_json(d, 1));
    else show_readable(d);
    pt_decision_free(d);
    pt_close(ctx);
    return rc;
}

static int run_verify(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("decision verify", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_verify);
    int64_t id;
    if ((rc = parse_id("decision verify", n_pos, pos, &id)) != CLI_OK) return rc;
    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_decision_check check;
    if (pt_decision_verify(ctx, id, &check) != PT_OK) {
        rc = cli_fail();
    } else {
        if (as_json) {
            json_t *o = json_object(), *diffs = json_array();
            char *copy = strdup(check.differences);
            for (char *save = NULL, *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && diffs;
                 tok = strtok_r(NULL, ",", &save))
                json_array_append_new(diffs, json_string(tok + (*tok == ' ')));
            free(copy);
            if (o) {
                json_object_set_new(o, "decision_id", json_integer(id));
                json_object_set_new(o, "matches", json_boolean(check.matches));
                json_object_set_new(o, "stored_sha256", out_jstr(check.stored_sha256));
                json_object_set_new(o, "current_sha256", out_jstr(check.current_sha256));
                json_object_set_new(o, "differences", diffs ? diffs : json_null());
            } else {
                json_decref(diffs);
            }
            rc = out_json_print(o);
        } else if (check.matches) {
            printf("decision %" PRId64 ": evidence verified (sha256 %s)\n", id, check.stored_sha256);
        } else {
            printf("decision %" PRId64 ": stored evidence sha256 %s\n", id, check.stored_sha256);
            printf("decision %" PRId64 ": evidence now         %s\n", id, check.current_sha256);
        }
        if (rc == CLI_OK && !check.matches)
            rc = cli_failf("decision %" PRId64 ": the evidence differs from the database now: %s",
                           id, check.differences);
    }
    pt_decision_check_clear(&check);
    pt_close(ctx);
    return rc;
}

int cmd_decision(const cli_globals *g, int argc, char **argv)
{
    if (argc < 2) return cli_usage("decision", "no subcommand given");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) return cli_help(help_decision);
    if (strcmp(sub, "list") == 0) return run_list(g, argc - 1, argv + 1);
    if (strcmp(sub, "show") == 0) return run_show(g, argc - 1, argv + 1);
    if (strcmp(sub, "verify") == 0) return run_verify(g, argc - 1, argv + 1);
    return cli_usage("decision", "unknown subcommand '%s'", sub);
}
