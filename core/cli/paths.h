/*
 * Where the command finds its data. The scripts folder is, in order: the --scripts option,
 * $PANTAU_SCRIPTS, <folder of the executable>/../share/pantau/scripts when it exists (an
 * installed pantau), else the source tree the command was built from (a build folder).
 * The checklists folder is found the same way ($PANTAU_CHECKLISTS, .../share/pantau/checklists,
 * the source tree's checklists/).
 */
#ifndef PANTAU_CLI_PATHS_H
#define PANTAU_CLI_PATHS_H

#include <stddef.h>

/* The scripts folder; option may be NULL. The result is option, getenv's string or a static
 * buffer: it lives for the whole run and must not be freed. */
const char *paths_scripts_dir(const char *option);

/* The checklists folder shipped with pantau (same lifetime rules). */
const char *paths_checklists_dir(void);

/* The plugin folders, in search order: each folder of $PANTAU_PLUGIN_PATH (colon-separated,
 * empty parts ignored), then each folder of `extra` (colon-separated; the configuration's
 * plugin_path or an option; may be NULL), then the installed <folder of the executable>/../
 * PANTAU_PLUGIN_SUBDIR when it exists, else the build tree's PANTAU_BUILD_PLUGIN_DIR (a pantau
 * run from its build folder finds the plugins built next to it). */
typedef struct paths_list {
    const char **dirs;           /* n of them, pointing into buf */
    size_t n;
    char *buf;
} paths_list;

/* Fills *out (owned by the caller: paths_list_free). 0, or -1 when out of memory. */
int paths_plugin_dirs(const char *extra, paths_list *out);
void paths_list_free(paths_list *list);

#endif
