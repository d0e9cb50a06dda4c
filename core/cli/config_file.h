/*
 * Finding and reading the configuration file for a command (config_file.c): the notification
 * routes and the extra plugin folders. Shared by `notify` and by what loads plugins (`plugin
 * list`, `export`), so every command sees the same configuration.
 */
#ifndef PANTAU_CLI_CONFIG_FILE_H
#define PANTAU_CLI_CONFIG_FILE_H

#include "cli.h"
#include "pantau/notify.h"

/* Finds and reads the configuration: --config / $PANTAU_CONFIG (which must exist), else
 * pantau.conf in the database's folder when it exists. 1 with *out loaded (the caller's,
 * pt_notify_config_free), 0 when there is none, -1 when it cannot be read (pt_error_last()
 * says why, with FILE:LINE). */
int cli_config_load(const cli_globals *g, pt_notify_config **out);

#endif
