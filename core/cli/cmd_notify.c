/* pantau notify list | retry | check: the notification queue, and the delivery run that
 * `visit import` and `score` start when a configuration exists (cli_notify_after). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "config_file.h"
#include "plugin_cli.h"
#include "pantau/notify.h"

static const char help_notify[] =
    "Usage: pantau notify SUBCOMMAND ...\n"
    "\n"
    "  list [--pending] [--json]   the deliveries: event, channel, status, attempts, errors\n"
    "  retry [--all]               attempt the pending deliveries that are due (--all: all now)\n"
    "  check                       read the configuration and check its channels' plugins\n"
    "\n"
    "Events (visit.imported, visit.scored, flag.raised) are routed to channels by the\n"
    "configuration: --config FILE, else $PANTAU_CONFIG, else pantau.conf beside the database.\n"
    "`visit import` and `score` deliver at their end when a configuration exists; a delivery\n"
    "that fails stays queued and is retried (after 1 min, 5 min, 30 min, 2 h, then every 12 h)\n"
    "until it is delivered. Format: docs/commands.md, \"Notifications\".\n";

static const char help_list[] =
    "Usage: pantau notify list [--pending] [--json]\n"
    "\n"
    "The deliveries, oldest event first: EVENT TYPE CHANNEL STATUS ATTEMPTS NEXT-ATTEMPT\n"
    "LAST-ERROR. STATUS is pending, failed (queued: the last attempt failed, it will be retried\n"
    "at NEXT-ATTEMPT), delivered, or given-up (stopped by an administrator). --pending shows\n"
    "only what is still queued. --json prints {\"items\": [...]} (keys in docs/commands.md).\n";

static const char help_retry[] =
    "Usage: pantau notify retry [--all]\n"
    "\n"
    "Routes new events and attempts the pending deliveries that are due; --all attempts every\n"
    "pending delivery now, ignoring the backoff. Prints what was delivered. Exit status 1 when\n"
    "a delivery failed (it stays queued).\n";

static const char help_check[] =
    "Usage: pantau notify check\n"
    "\n"
    "Reads the notification configuration and checks that every channel's plugin is loaded.\n"
    "Prints how many channels and routes it holds; exit status 1 (with FILE:LINE) when\n"
    "something is wrong.\n";

/* A warning on one line (plugin messages may hold line breaks). */
static void warn(const char *prefix, const char *message)
{
    fflush(stdout);
    fprintf(stderr, "pantau: warning: %s", prefix);
    for (const char *p = message; *p; p++) fputc(*p == '\n' || *p == '\r' ? ' ' : *p, stderr);
    fputc('\n', stderr);
}

/* Loads configuration and plugins and dispatches. 0 done (stats filled), 1 no configuration,
 * -1 failed (pt_error_last() or a printed message). */
static int dispatch(const cli_globals *g, pt_ctx *ctx, unsigned flags, pt_notify_stats *stats,
                    pt_notify_config **cfg_out)
{
    pt_notify_config *cfg;
    int found = cli_config_load(g, &cfg);
    if (found <= 0) return found == 0 ? 1 : -1;
    pt_plugin_set *plugins = NULL;
    int rc = cli_plugins_load(pt_notify_config_plugin_path(cfg), &plugins) == CLI_OK ? 0 : -2;
    if (rc == 0 && pt_notify_dispatch(ctx, plugins, cfg, flags, stats) != PT_OK) rc = -1;
    pt_plugins_free(plugins);
    if (cfg_out && rc == 0) *cfg_out = cfg;
    else pt_notify_config_free(cfg);
    return rc == -2 ? -1 : rc;
}

void cli_notify_after(const cli_globals *g, pt_ctx *ctx, int quiet)
{
    pt_notify_stats stats;
    int rc = dispatch(g, ctx, 0, &stats, NULL);
    if (quiet || rc == 1) return;
    if (rc < 0) {
        warn("notifications not sent: ", pt_error_last());
        return;
    }
    if (stats.failed || stats.skipped) {
        char msg[256];
        long n = stats.failed + stats.skipped;
        snprintf(msg, sizeof msg, "%ld notification%s could not be delivered and stay%s queued "
                 "(see 'pantau notify list --pending')", n, n == 1 ? "" : "s", n == 1 ? "s" : "");
        warn("", msg);
    }
}

/* ---- list ---- */

/* What people see: the stored status, with "failed" for a pending one whose last attempt
 * failed (it is still queued) and "given-up" for one an administrator stopped. */
static const char *shown_status(const pt_delivery *d)
{
    if (strcmp(d->status, "pending") == 0) return d->attempts > 0 ? "failed" : "pending";
    if (strcmp(d->status, "failed") == 0) return "given-up";
    return d->status;
}

static json_t *id_or_null(int64_t id) { return id > 0 ? json_integer(id) : json_null(); }

static int list_one(const pt_delivery *d, void *payload)
{
    out_list *st = payload;
    int pending = strcmp(d->status, "pending") == 0;
    if (st->items) {
        json_t *o = json_object();
        if (!o || json_array_append_new(st->items, o) != 0) return PT_ENOMEM;
        json_object_set_new(o, "event_id", json_integer(d->event_id));
        json_object_set_new(o, "type", out_jstr(d->event_type));
        json_object_set_new(o, "occurred_at", out_jstr(d->occurred_at));
        json_object_set_new(o, "institution_id", id_or_null(d->institution_id));
        json_object_set_new(o, "visit_id", id_or_null(d->visit_id));
        json_object_set_new(o, "kabupaten_kota", out_jstr(d->kabupaten_kota));
        json_object_set_new(o, "subject", out_jstr(d->subject));
        json_object_set_new(o, "channel", out_jstr(d->channel));
        json_object_set_new(o, "status", out_jstr(d->status));
        json_object_set_new(o, "attempts", json_integer(d->attempts));
        json_object_set_new(o, "last_error", out_jstr(d->last_error));
        json_object_set_new(o, "next_attempt_at", pending ? out_jstr(d->next_attempt_at) : json_null());
        json_object_set_new(o, "delivered_at", out_jstr(d->delivered_at));
        return 0;
    }
    char id[24], attempts[16], err[256];
    snprintf(id, sizeof id, "%" PRId64, d->event_id);
    snprintf(attempts, sizeof attempts, "%d", d->attempts);
    const char *row[] = {id, d->event_type, d->channel, shown_status(d), attempts,
                         pending ? d->next_attempt_at : "-",
                         d->last_error ? out_truncate(err, sizeof err, d->last_error, 60) : ""};
    return out_table_add(st->table, row) == 0 ? 0 : PT_ENOMEM;
}

static int run_list(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, pending = 0, as_json = 0;
    const cli_opt opts[] = {{"--pending", 0, NULL, &pending}, {"--json", 0, NULL, &as_json}};
    int rc = cli_parse("notify list", argc, argv, opts, 2, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_list);
    if (n_pos) return cli_usage("notify list", "unexpected argument '%s'", pos[0]);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    static const char *const headers[] = {"EVENT", "TYPE", "CHANNEL", "STATUS", "ATTEMPTS",
                                          "NEXT ATTEMPT", "LAST ERROR"};
    out_list st;
    rc = out_list_open(&st, as_json, 7, headers, "r...r..");
    if (rc == CLI_OK) {
        int r = pt_notify_foreach(ctx, pending, list_one, &st);
        if (r == PT_ENOMEM) rc = cli_failf("out of memory");
        else if (r != PT_OK) rc = cli_fail();
    }
    if (rc == CLI_OK && st.items) {
        rc = out_items_print(st.items);
        st.items = NULL;   /* out_items_print took it */
    } else if (rc == CLI_OK) {
        out_table_print(st.table, stdout);
    }
    out_list_free(&st);
    pt_close(ctx);
    return rc;
}

/* ---- retry ---- */

static int no_config(const cli_globals *g)
{
    return cli_failf("no notification configuration: give --config FILE, set PANTAU_CONFIG or "
                     "write pantau.conf beside the database %s", g->db_path);
}

static int run_retry(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, all = 0;
    const cli_opt opts[] = {{"--all", 0, NULL, &all}};
    int rc = cli_parse("notify retry", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_retry);
    if (n_pos) return cli_usage("notify retry", "unexpected argument '%s'", pos[0]);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    /* Retrying by hand is an administrator's (authz.c); deliveries after an import are not. */
    if (pt_authorize(ctx, PT_ACT_NOTIFY_ADMIN) != PT_OK) {
        pt_close(ctx);
        return cli_fail();
    }
    pt_notify_stats s;
    int r = dispatch(g, ctx, all ? PT_NOTIFY_IGNORE_BACKOFF : 0, &s, NULL);
    if (r == 1) {
        rc = no_config(g);
    } else if (r < 0) {
        rc = cli_fail();
    } else {
        printf("delivered %ld of %ld attempted; %ld still queued\n", s.delivered, s.attempted,
               s.pending);
        if (s.failed || s.skipped)
            rc = cli_failf("%ld deliver%s failed and stay%s queued (see 'pantau notify list "
                           "--pending')", s.failed + s.skipped,
                           s.failed + s.skipped == 1 ? "y" : "ies",
                           s.failed + s.skipped == 1 ? "s" : "");
    }
    pt_close(ctx);
    return rc;
}

/* ---- check ---- */

static int run_check(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    int rc = cli_parse("notify check", argc, argv, NULL, 0, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_check);
    if (n_pos) return cli_usage("notify check", "unexpected argument '%s'", pos[0]);

    pt_notify_config *cfg;
    int found = cli_config_load(g, &cfg);
    if (found == 0) return no_config(g);
    if (found < 0) return cli_fail();
    pt_plugin_set *plugins = NULL;
    rc = cli_plugins_load(pt_notify_config_plugin_path(cfg), &plugins);
    size_t n_channels = 0, n_routes = 0;
    if (rc == CLI_OK && pt_notify_config_check(cfg, plugins, &n_channels, &n_routes) != PT_OK)
        rc = cli_fail();
    if (rc == CLI_OK)
        printf("%s: %zu channel%s, %zu route%s: every plugin found\n",
               pt_notify_config_path(cfg), n_channels, n_channels == 1 ? "" : "s", n_routes,
               n_routes == 1 ? "" : "s");
    pt_plugins_free(plugins);
    pt_notify_config_free(cfg);
    return rc;
}

int cmd_notify(const cli_globals *g, int argc, char **argv)
{
    if (argc < 2) return cli_usage("notify", "no subcommand given");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) return cli_help(help_notify);
    if (strcmp(sub, "list") == 0) return run_list(g, argc - 1, argv + 1);
    if (strcmp(sub, "retry") == 0) return run_retry(g, argc - 1, argv + 1);
    if (strcmp(sub, "check") == 0) return run_check(g, argc - 1, argv + 1);
    return cli_usage("notify", "unknown subcommand '%s'", sub);
}
