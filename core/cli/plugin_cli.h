/*
 * Loading the plugins for a command (cmd_plugin.c): the folders of paths.h, with every refused
 * module or folder reported on stderr as "pantau: warning: plugin FILE: refused: REASON".
 * Shared by `plugin list`, `export` and `notify`.
 */
#ifndef PANTAU_CLI_PLUGIN_CLI_H
#define PANTAU_CLI_PLUGIN_CLI_H

#include "pantau/plugins.h"

/* Loads the plugins of paths_plugin_dirs(extra_dirs) (extra_dirs: colon-separated, may be
 * NULL). *out belongs to the caller (pt_plugins_free). Returns CLI_OK, or CLI_FAIL after
 * printing the error (only when out of memory: refused modules are warnings). */
int cli_plugins_load(const char *extra_dirs, pt_plugin_set **out);

/* The same with the configuration's plugin_path folders (config_file.h finds the
 * configuration as `notify` does: --config, $PANTAU_CONFIG, else pantau.conf beside the database), so
 * `plugin list`, `export` and `notify` see the same plugins. A configuration that does not
 * load fails the command (CLI_FAIL, printed). */
struct cli_globals;
int cli_plugins_load_configured(const struct cli_globals *g, pt_plugin_set **out);

#endif
