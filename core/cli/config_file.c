/* Finding and reading the configuration file: see config_file.h. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_file.h"

int cli_config_load(const cli_globals *g, pt_notify_config **out)
{
    *out = NULL;
    if (g->config_path)
        return pt_notify_config_load(out, g->config_path) == PT_OK ? 1 : -1;
    /* pantau.conf beside the database: a laptop's database and its settings travel together */
    const char *slash = strrchr(g->db_path, '/');
    size_t dir = slash ? (size_t)(slash - g->db_path) + 1 : 0;
    char *path = malloc(dir + sizeof "pantau.conf");
    if (!path) return cli_failf("out of memory"), -1;
    memcpy(path, g->db_path, dir);
    memcpy(path + dir, "pantau.conf", sizeof "pantau.conf");
    struct stat st;
    int found = stat(path, &st) == 0;
    int rc = found ? (pt_notify_config_load(out, path) == PT_OK ? 1 : -1) : 0;
    free(path);
    return rc;
}
