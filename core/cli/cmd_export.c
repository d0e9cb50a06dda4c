/* pantau export: writes visits to a file through an export plugin (csv, json, ...). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pantau/plugins.h"
#include "plugin_cli.h"

static const char help_export[] =
    "Usage: pantau export --format NAME [--visit ID | --institution ID | --all]\n"
    "                     [--from DATE] [--to DATE] [--opt KEY=VALUE]... -o FILE\n"
    "\n"
    "Writes the selected visits, ordered by date, to FILE through the export plugin NAME\n"
    "(see 'pantau plugin list'): each visit with its institution, checklist, answers and\n"
    "stored score (visits not scored yet are exported without one).\n"
    "\n"
    "Options:\n"
    "  --format NAME        the export plugin: csv, json, ...\n"
    "  --visit ID           one visit\n"
    "  --institution ID     the visits of one institution (id or registration number)\n"
    "  --all                every visit\n"
    "  --from DATE, --to DATE\n"
    "                       only visits on or after / on or before DATE (YYYY-MM-DD); alone\n"
    "                       they select every visit in that range\n"
    "  --opt KEY=VALUE      an option for the plugin, repeatable; csv: form=long, bom=1, sep=;\n"
    "  -o, --output FILE    the file to write (replaced only when the export succeeds)\n"
    "\n"
    "Prints \"exported N visits to FILE\". Progress goes to stderr when it is a terminal.\n"
    "The keys and columns of each format are in docs/commands.md (\"Export formats\").\n";

typedef struct params {
    const char **keys, **values;
    size_t n;
    char **owned;                /* the "KEY=VALUE" copies keys and values point into */
} params;

static void params_free(params *p)
{
    for (size_t i = 0; i < p->n; i++) free(p->owned[i]);
    free(p->owned);
    free(p->keys);
    free(p->values);
}

/* Takes every --opt KEY=VALUE out of argv (cli_parse keeps only the last value of an option)
 * into p, leaving the other arguments in rest (an array of argc pointers). Returns CLI_OK or
 * CLI_USAGE. */
static int take_params(int argc, char **argv, params *p, char **rest, int *n_rest)
{
    p->keys = calloc((size_t)argc, sizeof *p->keys);
    p->values = calloc((size_t)argc, sizeof *p->values);
    p->owned = calloc((size_t)argc, sizeof *p->owned);
    p->n = 0;
    *n_rest = 0;
    if (!p->keys || !p->values || !p->owned) return cli_failf("out of memory");
    int only_positional = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *kv = NULL;
        if (i > 0 && !only_positional && strcmp(a, "--") == 0) only_positional = 1;
        if (i > 0 && !only_positional && strcmp(a, "--opt") == 0) {
            if (i + 1 >= argc) return cli_usage("export", "option '--opt' needs a value");
            kv = argv[++i];
        } else if (i > 0 && !only_positional && strncmp(a, "--opt=", 6) == 0) {
            kv = a + 6;
        } else {
            rest[(*n_rest)++] = argv[i];
            continue;
        }
        const char *eq = strchr(kv, '=');
        if (!eq || eq == kv)
            return cli_usage("export", "--opt wants KEY=VALUE, not '%s'", kv);
        char *copy = strdup(kv);
        if (!copy) return cli_failf("out of memory");
        copy[eq - kv] = '\0';
        p->owned[p->n] = copy;
        p->keys[p->n] = copy;
        p->values[p->n] = copy + (eq - kv) + 1;
        p->n++;
    }
    return CLI_OK;
}

static void show_progress(long done, long total, void *payload)
{
    int *shown = payload;
    /* a line per visit would flood a slow terminal: every 50th and the last */
    if (done % 50 != 0 && done != total) return;
    fprintf(stderr, "\rexporting %ld/%ld", done, total);
    fflush(stderr);
    *shown = 1;
}

static int run_export(const cli_globals *g, int argc, char **argv, const params *p)
{
    char *pos[argc];
    int n_pos, help, all = 0;
    const char *format = NULL, *visit = NULL, *institution = NULL, *from = NULL, *to = NULL,
               *output = NULL;
    const cli_opt opts[] = {
        {"--format", 1, &format, NULL},      {"--visit", 1, &visit, NULL},
        {"--institution", 1, &institution, NULL}, {"--all", 0, NULL, &all},
        {"--from", 1, &from, NULL},          {"--to", 1, &to, NULL},
        {"-o", 1, &output, NULL},            {"--output", 1, &output, NULL},
    };
    int rc = cli_parse("export", argc, argv, opts, sizeof opts / sizeof opts[0], pos, &n_pos,
                       &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_export);
    if (n_pos) return cli_usage("export", "unexpected argument '%s'", pos[0]);
    if (!format || !*format) return cli_usage("export", "--format NAME is required");
    if (!output || !*output) return cli_usage("export", "-o FILE is required");
    int n_scopes = (visit != NULL) + (institution != NULL) + all;
    if (n_scopes > 1)
        return cli_usage("export", "give only one of --visit, --institution and --all");
    if (n_scopes == 0 && !from && !to)
        return cli_usage("export", "say which visits: --visit ID, --institution ID, --all, "
                         "or --from/--to");
    pt_export_selection sel;
    memset(&sel, 0, sizeof sel);
    if (visit && cli_parse_id(visit, &sel.visit_id) != 0)
        return cli_usage("export", "--visit wants a visit id, not '%s'", visit);
    sel.date_from = from;
    sel.date_to = to;

    pt_plugin_set *set;
    if ((rc = cli_plugins_load_configured(g, &set)) != CLI_OK) return rc;
    if (!pt_plugins_find(set, PT_PLUGIN_KIND_EXPORT, format)) {
        /* name what is there, so a typo is fixed without another command */
        char names[512] = "";
        size_t used = 0;
        for (size_t i = 0; i < pt_plugins_count(set); i++) {
            const pt_plugin_info *info = pt_plugins_at(set, i);
            if (info->kind != PT_PLUGIN_KIND_EXPORT) continue;
            int n = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
                             info->name);
            if (n < 0 || (size_t)n >= sizeof names - used) break;
            used += (size_t)n;
        }
        pt_plugins_free(set);
        return cli_failf("no export format '%s' (found: %s)", format, used ? names : "none");
    }

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) {
        pt_plugins_free(set);
        return rc;
    }
    if (cli_institution_id(ctx, institution, &sel.institution_id) != PT_OK) {
        rc = cli_fail();
        pt_close(ctx);
        pt_plugins_free(set);
        return rc;
    }

    pt_export_options options;
    memset(&options, 0, sizeof options);
    options.size = sizeof options;
    options.output_path = output;
    options.n_params = p->n;
    options.param_keys = p->keys;
    options.param_values = p->values;
    options.total = -1;

    int shown = 0;
    long n = 0;
    int err = pt_export_run(ctx, set, format, &sel, &options,
                            isatty(STDERR_FILENO) ? show_progress : NULL, &shown, &n);
    if (shown) fputc('\n', stderr);
    rc = err == PT_OK ? CLI_OK : cli_fail();
    if (rc == CLI_OK) printf("exported %ld visit%s to %s\n", n, n == 1 ? "" : "s", output);
    pt_close(ctx);
    pt_plugins_free(set);
    return rc;
}

int cmd_export(const cli_globals *g, int argc, char **argv)
{
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    params p = {0};
    int n_rest = 0;
    int rc = rest ? take_params(argc, argv, &p, rest, &n_rest) : cli_failf("out of memory");
    if (rc == CLI_OK) rc = run_export(g, n_rest, rest, &p);
    params_free(&p);
    free(rest);
    return rc;
}
