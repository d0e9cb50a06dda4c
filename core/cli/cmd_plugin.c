/* pantau plugin list: the export formats and notification channels found, and loading them
 * for the other commands (plugin_cli.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config_file.h"
#include "output.h"
#include "paths.h"
#include "plugin_cli.h"

static const char help_plugin[] =
    "Usage: pantau plugin list [--json]\n"
    "\n"
    "Lists the plugins found: export formats (pantau export --format NAME) and notification\n"
    "channels. Folders searched, in order: each folder of $PANTAU_PLUGIN_PATH (colon-separated),\n"
    "the configuration's plugin_path folders (--config, $PANTAU_CONFIG, else pantau.conf beside\n"
    "the database), then the installed lib/pantau/plugins next to pantau's prefix (or, run from a build\n"
    "folder, the plugins built there). A module is refused with a warning on stderr when it is\n"
    "a symbolic link, not owned by root or you, writable by group or others, in a folder\n"
    "writable by group or others, or does not fit the plugin ABI; pantau keeps working.\n"
    "--json prints {\"items\": [{name, kind, version, file, description}]}.\n";

static void print_warning(const char *message, void *payload)
{
    (void)payload;
    fflush(stdout);
    fprintf(stderr, "pantau: warning: %s\n", message);
}

int cli_plugins_load(const char *extra_dirs, pt_plugin_set **out)
{
    *out = NULL;
    paths_list dirs;
    if (paths_plugin_dirs(extra_dirs, &dirs) != 0) return cli_failf("out of memory");
    int rc = pt_plugins_load(out, dirs.dirs, dirs.n, print_warning, NULL);
    paths_list_free(&dirs);
    return rc == PT_OK ? CLI_OK : cli_fail();
}

int cli_plugins_load_configured(const cli_globals *g, pt_plugin_set **out)
{
    *out = NULL;
    pt_notify_config *cfg = NULL;
    int found = cli_config_load(g, &cfg);
    if (found < 0) return cli_fail();
    int rc = cli_plugins_load(found ? pt_notify_config_plugin_path(cfg) : NULL, out);
    pt_notify_config_free(cfg);
    return rc;
}

static const char *kind_name(pt_plugin_kind kind)
{
    return kind == PT_PLUGIN_KIND_EXPORT ? "export" : kind == PT_PLUGIN_KIND_NOTIFY ? "notify" : "?";
}

static int plugin_list(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("plugin list", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_plugin);
    if (n_pos) return cli_usage("plugin list", "unexpected argument '%s'", pos[0]);

    pt_plugin_set *set;
    if ((rc = cli_plugins_load_configured(g, &set)) != CLI_OK) return rc;
    size_t n = pt_plugins_count(set);
    if (as_json) {
        json_t *items = json_array();
        for (size_t i = 0; items && i < n; i++) {
            const pt_plugin_info *p = pt_plugins_at(set, i);
            json_t *o = json_object();
            if (!o || json_array_append_new(items, o) != 0) {
                json_decref(items);
                items = NULL;
                break;
            }
            json_object_set_new(o, "name", out_jstr(p->name));
            json_object_set_new(o, "kind", out_jstr(kind_name(p->kind)));
            json_object_set_new(o, "version", out_jstr(p->version));
            json_object_set_new(o, "file", out_jstr(p->path));
            json_object_set_new(o, "description", out_jstr(p->description));
        }
        rc = out_items_print(items);
    } else {
        static const char *const headers[] = {"NAME", "KIND", "VERSION", "FILE", "DESCRIPTION"};
        out_table *t = out_table_new(5, headers, NULL);
        for (size_t i = 0; t && i < n; i++) {
            const pt_plugin_info *p = pt_plugins_at(set, i);
            char description[512];
            out_truncate(description, sizeof description, p->description, 60);
            const char *cells[] = {p->name, kind_name(p->kind), p->version, p->path, description};
            if (out_table_add(t, cells) != 0) {
                out_table_free(t);
                t = NULL;
            }
        }
        if (t) out_table_print(t, stdout);
        else rc = cli_failf("out of memory");
        out_table_free(t);
    }
    /* the descriptors' strings live in the modules: print before unloading */
    pt_plugins_free(set);
    return rc;
}

int cmd_plugin(const cli_globals *g, int argc, char **argv)
{
    (void)g;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return argc < 2 ? cli_usage("plugin", "no subcommand given") : cli_help(help_plugin);
    if (strcmp(argv[1], "list") == 0) return plugin_list(g, argc - 1, argv + 1);
    return cli_usage("plugin", "unknown subcommand '%s'", argv[1]);
}
