/* pantau audit verify | list: the append-only, hash-chained record of who changed what. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "pantau/audit.h"

static const char help_audit[] =
    "Usage: pantau audit SUBCOMMAND ...\n"
    "\n"
    "  verify                               check the audit log's hash chain and the records\n"
    "  list [--entity E] [--id N] [--json]  who changed what, when, before and after\n"
    "\n"
    "Every change to institutions, checklist versions, visits (team, answers) and scores is\n"
    "recorded by the database itself, in an append-only log whose rows are hash-chained.\n";

static const char help_verify[] =
    "Usage: pantau audit verify\n"
    "\n"
    "Recomputes every row's hash and link, checks that the audit triggers exist, that every\n"
    "record equals its last audited state and every visit's answers their audited digest.\n"
    "Prints 'audit chain intact: N entries' (exit 0), or one line per problem found, naming\n"
    "the row, record or trigger (exit 1). Keep the printed last hash elsewhere: comparing it\n"
    "later shows a chain rewritten from the start.\n";

static const char help_list[] =
    "Usage: pantau audit list [--entity E] [--id N] [--json]\n"
    "\n"
    "The audit log in order: SEQ AT ACTOR ACTION ENTITY ID CHANGE. --entity keeps one kind of\n"
    "record (institution, checklist_version, visit, visit_team, visit.answers, answer, score\n"
    "(with digests of its sections and flags) ...), --id one record (a visit's id for\n"
    "what a visit owns).\n"
    "--json prints {\"items\": [...]} with before and after as JSON objects.\n";

/* ---- verify ---- */

static int run_verify(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    int rc = cli_parse("audit verify", argc, argv, NULL, 0, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_verify);
    if (n_pos) return cli_usage("audit verify", "unexpected argument '%s'", pos[0]);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_audit_report report;
    if (pt_audit_verify(ctx, &report) != PT_OK) {
        rc = cli_fail();
    } else if (report.n_problems == 0) {
        printf("audit chain intact: %" PRId64 " entr%s", report.n_entries,
               report.n_entries == 1 ? "y" : "ies");
        if (report.head_seq) printf(" (last row %" PRId64 ", hash %s)", report.head_seq, report.head_hash);
        printf("\n");
    } else {
        /* Each problem on stdout (there may be many); the one-line failure on stderr. */
        size_t listed = report.n_problems < 100 ? report.n_problems : 100;
        for (size_t i = 0; i < listed; i++) printf("%s\n", report.problems[i]);
        if (listed < report.n_problems)
            printf("... and %zu more\n", report.n_problems - listed);
        rc = cli_failf("audit log: %zu problem%s found; first: %s", report.n_problems,
                       report.n_problems == 1 ? "" : "s", report.problems[0]);
    }
    pt_audit_report_clear(&report);
    pt_close(ctx);
    return rc;
}

/* ---- list ---- */

/* What changed, for people: "name: A → B; capacity: 20 → 25" for an update. */
static void describe(const pt_audit_entry *e, char *buf, size_t size)
{
    buf[0] = '\0';
    if (strcmp(e->entity, "visit.answers") == 0) {
        json_t *a = json_loads(e->after ? e->after : "{}", 0, NULL);
        const char *sha = json_string_value(json_object_get(a, "sha256"));
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT " answers, sha256 %.12s",
                 json_integer_value(json_object_get(a, "n_answers")), sha ? sha : "?");
        json_decref(a);
        return;
    }
    if (strcmp(e->action, "update") != 0) {
        snprintf(buf, size, "%s", strcmp(e->action, "insert") == 0 ? "added" : "deleted");
        return;
    }
    json_t *before = json_loads(e->before ? e->before : "{}", 0, NULL);
    json_t *after = json_loads(e->after ? e->after : "{}", 0, NULL);
    size_t used = 0;
    const char *key;
    json_t *value;
    json_object_foreach(after, key, value) {
        json_t *old = json_object_get(before, key);
        if (json_equal(old, value)) continue;
        char *o = old ? json_dumps(old, JSON_ENCODE_ANY) : NULL;
        char *n = json_dumps(value, JSON_ENCODE_ANY);
        int w = snprintf(buf + used, size - used, "%s%s: %s → %s", used ? "; " : "", key,
                         o ? o : "null", n ? n : "null");
        free(o);
        free(n);
        if (w < 0 || (size_t)w >= size - used) break;
        used += (size_t)w;
    }
    if (!used) snprintf(buf, size, "no change");
    json_decref(before);
    json_decref(after);
}

static json_t *json_or_null(const char *text)
{
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return v ? v : json_null();
}

static int list_one(const pt_audit_entry *e, void *payload)
{
    out_list *st = payload;
    if (st->items) {
        json_t *o = json_object();
        if (!o || json_array_append_new(st->items, o) != 0) return PT_ENOMEM;
        json_object_set_new(o, "seq", json_integer(e->seq));
        json_object_set_new(o, "at", out_jstr(e->at));
        json_object_set_new(o, "actor", out_jstr(e->actor));
        json_object_set_new(o, "action", out_jstr(e->action));
        json_object_set_new(o, "entity", out_jstr(e->entity));
        json_object_set_new(o, "entity_id", json_integer(e->entity_id));
        json_object_set_new(o, "before", json_or_null(e->before));
        json_object_set_new(o, "after", json_or_null(e->after));
        json_object_set_new(o, "prev_hash", out_jstr(e->prev_hash));
        json_object_set_new(o, "hash", out_jstr(e->hash));
        return 0;
    }
    char seq[24], id[24], change[1024], shown[512];
    snprintf(seq, sizeof seq, "%" PRId64, e->seq);
    snprintf(id, sizeof id, "%" PRId64, e->entity_id);
    describe(e, change, sizeof change);
    const char *row[] = {seq, e->at, e->actor, e->action, e->entity, id,
                         out_truncate(shown, sizeof shown, change, 80)};
    return out_table_add(st->table, row) == 0 ? 0 : PT_ENOMEM;
}

static int run_list(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const char *entity = NULL, *id_text = NULL;
    const cli_opt opts[] = {{"--entity", 1, &entity, NULL}, {"--id", 1, &id_text, NULL},
                            {"--json", 0, NULL, &as_json}};
    int rc = cli_parse("audit list", argc, argv, opts, 3, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_list);
    if (n_pos) return cli_usage("audit list", "unexpected argument '%s'", pos[0]);
    int64_t id = 0;
    if (id_text && cli_parse_id(id_text, &id) != 0)
        return cli_usage("audit list", "--id wants a positive number, not '%s'", id_text);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    static const char *const headers[] = {"SEQ", "AT", "ACTOR", "ACTION", "ENTITY", "ID", "CHANGE"};
    out_list st;
    if ((rc = out_list_open(&st, as_json, 7, headers, "r....r.")) != CLI_OK) {
        pt_close(ctx);
        return rc;
    }
    /* The walk's own PT_ENOMEM (from list_one) has no message; a store failure has one. */
    int err = pt_audit_foreach(ctx, entity, id, list_one, &st);
    if (err == PT_ENOMEM && !*pt_error_last()) rc = cli_failf("out of memory");
    else if (err) rc = cli_fail();
    else if (st.items) {
        rc = out_items_print(st.items);
        st.items = NULL;   /* out_items_print took it */
    } else {
        out_table_print(st.table, stdout);
    }
    out_list_free(&st);
    pt_close(ctx);
    return rc;
}

int cmd_audit(const cli_globals *g, int argc, char **argv)
{
    if (argc < 2) return cli_usage("audit", "no subcommand given");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) return cli_help(help_audit);
    if (strcmp(sub, "verify") == 0) return run_verify(g, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0) return run_list(g, argc - 1, argv + 1);
    return cli_usage("audit", "unknown subcommand '%s'", sub);
}
