/* pantau sanction add | list: the sanction ladder of joint monitoring (sanction.h). Who may
 * issue which step is the library's decision (authz.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "pantau/sanction.h"

static const char help_sanction[] =
    "Usage: pantau sanction SUBCOMMAND ...\n"
    "\n"
    "  add INSTITUTION --step N --reason TEXT [--visit V] [--finding F]   issue a sanction\n"
    "  list [INSTITUTION] [--json]                                        the sanctions issued\n"
    "\n"
    "The ladder: 1 teguran lisan, 2 teguran tertulis, 3 penghentian sementara (agency officer\n"
    "of Satpol PP or the Dinas Sosial); 4 penghentian tetap, 5 pencabutan izin (agency officer\n"
    "of the Dinas Sosial). Step 5 also revokes the home's registration.\n";

static const char help_add[] =
    "Usage: pantau sanction add INSTITUTION --step N --reason TEXT [--visit V] [--finding F]\n"
    "\n"
    "Issues a sanction of step N (1-5) to INSTITUTION (id or registration number), with the\n"
    "reason, and optionally the visit and the finding it follows (both of that institution).\n"
    "Steps 1-3 need an agency officer of Satpol PP or the Dinas Sosial, steps 4-5 one of the\n"
    "Dinas Sosial. Step 5 (pencabutan izin) also sets the home's registration to \"revoked\".\n"
    "A step is recorded as given: a step may repeat (a second written warning). Sanctions are\n"
    "never changed or deleted. Raises sanction.issued. Prints \"issued sanction ID: ...\".\n";

static const char help_list[] =
    "Usage: pantau sanction list [INSTITUTION] [--json]\n"
    "\n"
    "The sanctions issued, oldest first (of one institution when given, by id or registration\n"
    "number). With INSTITUTION, also its current step: the highest step issued (0: none).\n"
    "--json prints {\"items\": [...]} plus, with INSTITUTION, \"current_step\" and\n"
    "\"current_level\" (keys in docs/commands.md).\n";

static int run_add(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    const char *step_text = NULL, *reason = NULL, *visit_text = NULL, *finding_text = NULL;
    const cli_opt opts[] = {{"--step", 1, &step_text, NULL}, {"--reason", 1, &reason, NULL},
                            {"--visit", 1, &visit_text, NULL}, {"--finding", 1, &finding_text, NULL}};
    int rc = cli_parse("sanction add", argc, argv, opts, 4, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_add);
    if (n_pos != 1)
        return cli_usage("sanction add", n_pos ? "give one institution" : "no institution given");
    if (!step_text) return cli_usage("sanction add", "--step is required (1 to 5)");
    if (!reason) return cli_usage("sanction add", "--reason is required");
    int64_t step = 0, visit = 0, finding = 0;
    if (cli_parse_id(step_text, &step) != 0 || step > 5)
        return cli_usage("sanction add", "--step '%s': steps are 1 to 5", step_text);
    if (visit_text && cli_parse_id(visit_text, &visit) != 0)
        return cli_usage("sanction add", "'%s' is not a visit id", visit_text);
    if (finding_text && cli_parse_id(finding_text, &finding) != 0)
        return cli_usage("sanction add", "'%s' is not a finding id", finding_text);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_institution *in = NULL;
    int64_t id = 0;
    if (pt_institution_get(ctx, pos[0], &in) != PT_OK ||
        pt_sanction_add(ctx, in->id, (int)step, reason, visit, finding, &id) != PT_OK) {
        rc = cli_fail();
    } else {
        printf("issued sanction %" PRId64 ": step %d (%s) to %s%s\n", id, (int)step,
               pt_sanction_label((int)step), in->name,
               step == 5 ? "; its registration is revoked" : "");
        cli_notify_after(g, ctx, 0);
    }
    pt_institution_free(in);
    pt_close(ctx);
    return rc;
}

static json_t *sanction_json(const pt_sanction *s)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", json_integer(s->id));
    json_object_set_new(o, "institution_id", json_integer(s->institution_id));
    json_object_set_new(o, "institution_name", out_jstr(s->institution_name));
    json_object_set_new(o, "step", json_integer(s->step));
    json_object_set_new(o, "level", out_jstr(s->level));
    json_object_set_new(o, "label", out_jstr(s->label));
    json_object_set_new(o, "reason", out_jstr(s->reason));
    json_object_set_new(o, "visit_id", s->visit_id ? json_integer(s->visit_id) : json_null());
    json_object_set_new(o, "finding_id", s->finding_id ? json_integer(s->finding_id) : json_null());
    json_object_set_new(o, "agency", out_jstr(s->agency));
    json_object_set_new(o, "issued_by", out_jstr(s->issued_by));
    json_object_set_new(o, "issued_at", out_jstr(s->issued_at));
    return o;
}

static int list_one(const pt_sanction *s, void *payload)
{
    out_list *list = payload;
    if (list->items) return out_list_add_json(list, sanction_json(s));
    char id[32], step[8], name[160], reason[200], refs[64] = "";
    snprintf(id, sizeof id, "%" PRId64, s->id);
    snprintf(step, sizeof step, "%d", s->step);
    if (s->visit_id) snprintf(refs, sizeof refs, "visit %" PRId64, s->visit_id);
    if (s->finding_id)
        snprintf(refs + strlen(refs), sizeof refs - strlen(refs), "%sfinding %" PRId64,
                 *refs ? ", " : "", s->finding_id);
    const char *row[] = {id, s->issued_at, out_truncate(name, sizeof name, s->institution_name, 28),
                         step, s->label, s->agency, s->issued_by, refs,
                         out_truncate(reason, sizeof reason, s->reason, 50)};
    return out_list_add_row(list, row);
}

static int run_list(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("sanction list", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_list);
    if (n_pos > 1) return cli_usage("sanction list", "give at most one institution");

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    int64_t institution_id = 0;
    int current = 0;
    if (n_pos == 1) {
        if (cli_institution_id(ctx, pos[0], &institution_id) != PT_OK) {
            pt_close(ctx);
            return cli_fail();
        }
        if (pt_sanction_current_step(ctx, institution_id, &current) != PT_OK) {
            pt_close(ctx);
            return cli_fail();
        }
    }
    static const char *const headers[] = {"ID", "ISSUED", "INSTITUTION", "STEP", "LEVEL",
                                          "AGENCY", "BY", "REFERS TO", "REASON"};
    out_list list;
    if ((rc = out_list_open(&list, as_json, 9, headers, "r..r.....")) != CLI_OK) {
        pt_close(ctx);
        return rc;
    }
    int walk = pt_sanction_foreach(ctx, institution_id, list_one, &list);
    pt_close(ctx);
    if (walk || list.failed || !as_json || !institution_id) {
        rc = out_list_finish(&list, walk);
        if (rc == CLI_OK && !as_json && institution_id)
            printf("\ncurrent step: %d%s%s%s\n", current, current ? " (" : " (none)",
                   current ? pt_sanction_label(current) : "", current ? ")" : "");
        return rc;
    }
    /* {"items": [...], "current_step": N, "current_level": ...} for one institution */
    json_t *doc = json_object();
    if (doc) {
        json_object_set(doc, "items", list.items);
        json_object_set_new(doc, "current_step", json_integer(current));
        json_object_set_new(doc, "current_level",
                            current ? json_string(pt_sanction_level(current)) : json_null());
    }
    out_list_free(&list);
    return out_json_print(doc);
}

int cmd_sanction(const cli_globals *g, int argc, char **argv)
{
    if (argc < 2) return cli_usage("sanction", "no subcommand given");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) return cli_help(help_sanction);
    if (strcmp(sub, "add") == 0) return run_add(g, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0) return run_list(g, argc - 1, argv + 1);
    return cli_usage("sanction", "unknown subcommand '%s'", sub);
}
