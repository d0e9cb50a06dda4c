/* Finding the scripts and checklists folders (see paths.h for the order). */
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

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* <dir of /proc/self/exe>/../DATA_SUBDIR/leaf into buf, if that folder exists. The executable's
 * own location (not argv[0], not the working directory) decides, so an installed pantau finds
 * its data wherever it is run from. */
static int installed_dir(char *buf, size_t size, const char *leaf)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return 0;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return 0;
    *slash = '\0';
    int len;
    if (PANTAU_DATA_SUBDIR[0] == '/')   /* an absolute CMAKE_INSTALL_DATADIR */
        len = snprintf(buf, size, "%s/%s", PANTAU_DATA_SUBDIR, leaf);
    else
        len = snprintf(buf, size, "%s/../%s/%s", exe, PANTAU_DATA_SUBDIR, leaf);
    return len > 0 && (size_t)len < size && is_dir(buf);
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
