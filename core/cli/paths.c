/* Finding the scripts, checklists and plugin folders (see paths.h for the order). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

#ifndef PANTAU_DATA_SUBDIR
#define PANTAU_DATA_SUBDIR "share/pantau"
#endif
#ifndef PANTAU_SOURCE_DIR
#define PANTAU_SOURCE_DIR "."
#endif
#ifndef PANTAU_PLUGIN_SUBDIR
#define PANTAU_PLUGIN_SUBDIR "lib/pantau/plugins"
#endif
#ifndef PANTAU_BUILD_PLUGIN_DIR
#define PANTAU_BUILD_PLUGIN_DIR "plugins-built"
#endif

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* <dir of /proc/self/exe>/../subdir[/leaf] into buf, if that folder exists. The executable's
 * own location (not argv[0], not the working directory) decides, so an installed pantau finds
 * its data wherever it is run from. */
static int installed_subdir(char *buf, size_t size, const char *subdir, const char *leaf)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return 0;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return 0;
    *slash = '\0';
    int len;
    const char *sep = *leaf ? "/" : "";
    if (subdir[0] == '/')   /* an absolute CMAKE_INSTALL_DATADIR / LIBDIR */
        len = snprintf(buf, size, "%s%s%s", subdir, sep, leaf);
    else
        len = snprintf(buf, size, "%s/../%s%s%s", exe, subdir, sep, leaf);
    return len > 0 && (size_t)len < size && is_dir(buf);
}

static int installed_dir(char *buf, size_t size, const char *leaf)
{
    return installed_subdir(buf, size, PANTAU_DATA_SUBDIR, leaf);
}

static const char *find_dir(const char *option, const char *env, const char *leaf, char *buf,
                            size_t size)
{
    if (option && *option) return option;
    const char *e = getenv(env);
    if (e && *e) return e;
    if (installed_dir(buf, size, leaf)) return buf;
    snprintf(buf, size, "%s/%s", PANTAU_SOURCE_DIR, leaf);
    return buf;
}

const char *paths_scripts_dir(const char *option)
{
    static char buf[PATH_MAX + 64];
    return find_dir(option, "PANTAU_SCRIPTS", "scripts", buf, sizeof buf);
}

const char *paths_checklists_dir(void)
{
    static char buf[PATH_MAX + 64];
    return find_dir(NULL, "PANTAU_CHECKLISTS", "checklists", buf, sizeof buf);
}

/* Appends the non-empty parts of a colon-separated list to the buffer, each NUL-terminated. */
static void split_into(const char *list, char *buf, size_t *used, const char **dirs, size_t *n)
{
    if (!list) return;
    const char *p = list;
    for (;;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        if (len > 0) {
            memcpy(buf + *used, p, len);
            buf[*used + len] = '\0';
            dirs[(*n)++] = buf + *used;
            *used += len + 1;
        }
        if (!colon) break;
        p = colon + 1;
    }
}

static size_t count_parts(const char *list)
{
    size_t n = 0;
    for (const char *p = list; p && *p; p++)
        if (*p == ':') n++;
    return list ? n + 1 : 0;
}

int paths_plugin_dirs(const char *extra, paths_list *out)
{
    out->dirs = NULL;
    out->n = 0;
    out->buf = NULL;
    const char *env = getenv("PANTAU_PLUGIN_PATH");
    char fixed[PATH_MAX + 64];
    if (!installed_subdir(fixed, sizeof fixed, PANTAU_PLUGIN_SUBDIR, ""))
        snprintf(fixed, sizeof fixed, "%s", PANTAU_BUILD_PLUGIN_DIR);
    size_t max = count_parts(env) + count_parts(extra) + 1;
    size_t bytes = (env ? strlen(env) + 1 : 0) + (extra ? strlen(extra) + 1 : 0) +
                   strlen(fixed) + 1;
    out->dirs = calloc(max, sizeof *out->dirs);
    out->buf = malloc(bytes);
    if (!out->dirs || !out->buf) {
        paths_list_free(out);
        return -1;
    }
    size_t used = 0;
    split_into(env, out->buf, &used, out->dirs, &out->n);
    split_into(extra, out->buf, &used, out->dirs, &out->n);
    memcpy(out->buf + used, fixed, strlen(fixed) + 1);
    out->dirs[out->n++] = out->buf + used;
    return 0;
}

void paths_list_free(paths_list *list)
{
    free(list->dirs);
    free(list->buf);
    list->dirs = NULL;
    list->buf = NULL;
    list->n = 0;
}
