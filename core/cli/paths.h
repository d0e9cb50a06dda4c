/*
 * Where the command finds its data. The scripts folder is, in order: the --scripts option,
 * $PANTAU_SCRIPTS, <folder of the executable>/../share/pantau/scripts when it exists (an
 * installed pantau), else the source tree the command was built from (a build folder).
 * The checklists folder is found the same way ($PANTAU_CHECKLISTS, .../share/pantau/checklists,
 * the source tree's checklists/).
 */
#ifndef PANTAU_CLI_PATHS_H
#define PANTAU_CLI_PATHS_H

/* The scripts folder; option may be NULL. The result is option, getenv's string or a static
 * buffer: it lives for the whole run and must not be freed. */
const char *paths_scripts_dir(const char *option);

/* The checklists folder shipped with pantau (same lifetime rules). */
const char *paths_checklists_dir(void);

#endif
