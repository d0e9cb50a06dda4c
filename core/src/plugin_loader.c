/*
 * Finding and loading plugin modules (see plugins.h for the rules).
 *
 * A module's constructors run inside dlopen, before any check of ours can look at its
 * descriptor, so the protection is where a module comes from and that it is the very file we
 * checked: the folder and the file are checked through open descriptors (fstat, never stat on
 * a path), the file is opened with O_NOFOLLOW, and dlopen loads "/proc/self/fd/N", the file
 * we hold open, so renaming another file into place after the check changes nothing.
 *
 * glibc recognises an already loaded object by its name first. Two different modules loaded
 * through the same "/proc/self/fd/N" would be taken for one, so each loaded module keeps its
 * descriptor open until pt_plugins_free (no other file can get that number meanwhile), and a
 * number still known to the dynamic linker from an earlier load is never reused.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "pantau/plugins.h"

/* Longest plugin name: it is typed on the command line and in the configuration. */
#define NAME_MAX_LEN 64

typedef struct plugin {
    pt_plugin_info info;         /* info.path points to path below */
    char *path;
    void *handle;
    int fd;                      /* kept open while loaded (see the header comment) */
} plugin;

struct pt_plugin_set {
    plugin *v;
    size_t n, cap;
};

typedef struct loader {
    pt_plugin_set *set;
    void (*warn)(const char *message, void *payload);
    void *payload;
} loader;

static void warnf(const loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(const loader *ld, const char *fmt, ...)
{
    if (!ld->warn) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ld->warn(buf, ld->payload);
}

/* Who may own a folder or module: root, or the user pantau runs as. Anyone else could
 * replace its code. */
static int trusted_owner(const struct stat *st)
{
    return st->st_uid == 0 || st->st_uid == geteuid();
}

static int is_plugin_file_name(const char *name)
{
    size_t n = strlen(name);
    /* dot files are editor and tool leftovers, not modules someone meant to install */
    return name[0] != '.' && n > 3 && strcmp(name + n - 3, ".so") == 0;
}

/* A name people type: lower-case letters, digits, '-' and '_', starting with a letter. */
static int valid_name(const char *name)
{
    if (!name || !(name[0] >= 'a' && name[0] <= 'z')) return 0;
    size_t n = 0;
    for (const char *p = name; *p; p++, n++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return 0;
    }
    return n <= NAME_MAX_LEN;
}

/* The minimum each struct must have for the members we read. */
#define DESCRIPTOR_MIN (offsetof(pt_plugin_descriptor, notify_ops) + sizeof(void *))
#define EXPORT_OPS_MIN (offsetof(pt_export_ops, end) + sizeof(void (*)(void)))
#define NOTIFY_OPS_MIN (offsetof(pt_notify_ops, deliver) + sizeof(void (*)(void)))

/* Checks the descriptor in the order that keeps every read in bounds: abi_major and size are
 * read first (they sit at the start in every version), the rest only once size covers it.
 * Returns NULL when it fits, else the reason (written into buf). */
static const char *check_descriptor(const pt_plugin_descriptor *d, char *buf, size_t size)
{
    if (d->abi_major != PT_PLUGIN_ABI_MAJOR) {
        snprintf(buf, size, "built for plugin ABI %u, this pantau loads ABI %d", d->abi_major,
                 PT_PLUGIN_ABI_MAJOR);
        return buf;
    }
    if (d->size < DESCRIPTOR_MIN) {
        snprintf(buf, size, "descriptor too small (%zu bytes, at least %zu needed)", d->size,
                 (size_t)DESCRIPTOR_MIN);
        return buf;
    }
    if (!valid_name(d->name)) {
        snprintf(buf, size, "plugin name must be 1 to %d characters a-z, 0-9, '-' or '_', "
                 "starting with a letter", NAME_MAX_LEN);
        return buf;
    }
    if (d->kind == PT_PLUGIN_KIND_EXPORT) {
        const pt_export_ops *ops = d->export_ops;
        if (!ops) return snprintf(buf, size, "export plugin '%s' has no export_ops", d->name), buf;
        if (ops->size < EXPORT_OPS_MIN)
            return snprintf(buf, size, "export_ops of '%s' too small (%zu bytes, at least %zu "
                            "needed)", d->name, ops->size, (size_t)EXPORT_OPS_MIN), buf;
        if (!ops->begin || !ops->record || !ops->end)
            return snprintf(buf, size, "export plugin '%s' lacks begin, record or end",
                            d->name), buf;
    } else if (d->kind == PT_PLUGIN_KIND_NOTIFY) {
        const pt_notify_ops *ops = d->notify_ops;
        if (!ops) return snprintf(buf, size, "notify plugin '%s' has no notify_ops", d->name), buf;
        if (ops->size < NOTIFY_OPS_MIN)
            return snprintf(buf, size, "notify_ops of '%s' too small (%zu bytes, at least %zu "
                            "needed)", d->name, ops->size, (size_t)NOTIFY_OPS_MIN), buf;
        if (!ops->deliver)
            return snprintf(buf, size, "notify plugin '%s' has no deliver", d->name), buf;
    } else {
        snprintf(buf, size, "unknown plugin kind %d", (int)d->kind);
        return buf;
    }
    return NULL;
}

static const plugin *find_plugin(const pt_plugin_set *set, pt_plugin_kind kind, const char *name)
{
    for (size_t i = 0; i < set->n; i++)
        if (set->v[i].info.kind == kind && strcmp(set->v[i].info.name, name) == 0)
            return &set->v[i];
    return NULL;
}

/* Opens the module file relative to its folder, refusing links and files others can change.
 * Returns the descriptor, or -1 after a warning. */
static int open_module(const loader *ld, int dirfd, const char *path, const char *name)
{
    /* O_NONBLOCK: opening a FIFO planted in the folder must not hang pantau */
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ELOOP)
            warnf(ld, "plugin %s: refused: it is a symbolic link (install the file itself)", path);
        else
            warnf(ld, "plugin %s: refused: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    const char *why = NULL;
    if (fstat(fd, &st) != 0) why = strerror(errno);
    else if (!S_ISREG(st.st_mode)) why = "not a regular file";
    else if (!trusted_owner(&st)) why = "owned by another user (must be root or pantau's user)";
    else if (st.st_mode & (S_IWGRP | S_IWOTH)) why = "writable by group or others (chmod go-w)";
    if (why) {
        warnf(ld, "plugin %s: refused: %s", path, why);
        close(fd);
        return -1;
    }
    return fd;
}

/* Makes sure "/proc/self/fd/<fd>" names no object the dynamic linker still holds (a module
 * of an earlier set that could not be unloaded): such a name would make dlopen hand back the
 * old object. Moves the descriptor to a fresh number if needed. Returns the descriptor to use
 * (the old one is closed when moved), or -1. */
static int fresh_fd_name(int fd, char *name, size_t size)
{
    int held[8];
    size_t n_held = 0;
    for (;;) {
        snprintf(name, size, "/proc/self/fd/%d", fd);
        void *old = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
        if (!old) break;
        dlclose(old);
        if (n_held == sizeof held / sizeof held[0]) {
            fd = -1;
            break;
        }
        /* keep this number busy so the copy gets another one */
        held[n_held++] = fd;
        fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (fd < 0) break;
    }
    for (size_t i = 0; i < n_held; i++) close(held[i]);
    return fd;
}

static int set_push(pt_plugin_set *set, const plugin *p)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        plugin *v = realloc(set->v, cap * sizeof *v);
        if (!v) return PT_ENOMEM;
        set->v = v;
        set->cap = cap;
    }
    set->v[set->n++] = *p;
    return 0;
}

/* Loads one module file. Refusals are warnings (return 0); only running out of memory is an
 * error. */
static int load_module(loader *ld, int dirfd, const char *dir, const char *name)
{
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= sizeof path) {
        warnf(ld, "plugin %s/%s: refused: path too long", dir, name);
        return 0;
    }
    int fd = open_module(ld, dirfd, path, name);
    if (fd < 0) return 0;

    char fdname[64];
    fd = fresh_fd_name(fd, fdname, sizeof fdname);
    if (fd < 0) {
        warnf(ld, "plugin %s: refused: no free descriptor to load it through", path);
        return 0;
    }
    dlerror();
    void *handle = dlopen(fdname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *e = dlerror();
        warnf(ld, "plugin %s: refused: cannot load: %s", path, e ? e : "unknown error");
        close(fd);
        return 0;
    }

    char reason[512];
    const char *why = NULL;
    pt_plugin_entry_fn entry;
    /* dlsym returns void *; POSIX guarantees it converts to a function pointer */
    *(void **)&entry = dlsym(handle, PT_PLUGIN_ENTRY_NAME);
    const pt_plugin_descriptor *d = NULL;
    if (!entry) {
        why = "no entry symbol " PT_PLUGIN_ENTRY_NAME
              " (not a pantau plugin, or built for another plugin ABI)";
    } else if (!(d = entry())) {
        why = "its entry function returned no descriptor";
    } else if ((why = check_descriptor(d, reason, sizeof reason)) == NULL &&
               find_plugin(ld->set, d->kind, d->name)) {
        snprintf(reason, sizeof reason, "%s plugin '%s' already loaded from %s",
                 d->kind == PT_PLUGIN_KIND_EXPORT ? "export" : "notify", d->name,
                 find_plugin(ld->set, d->kind, d->name)->path);
        why = reason;
    }
    if (why) {
        warnf(ld, "plugin %s: refused: %s", path, why);
        dlclose(handle);
        close(fd);
        return 0;
    }

    plugin p;
    memset(&p, 0, sizeof p);
    p.path = strdup(path);
    p.handle = handle;
    p.fd = fd;
    p.info.name = d->name;
    p.info.version = d->version ? d->version : "";
    p.info.description = d->description ? d->description : "";
    p.info.path = p.path;
    p.info.kind = d->kind;
    p.info.descriptor = d;
    if (!p.path || set_push(ld->set, &p) != 0) {
        free(p.path);
        dlclose(handle);
        close(fd);
        return pt__error(PT_ENOMEM, "loading plugins: out of memory");
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The module names of a folder, sorted so the order (and which of two same-named plugins
 * wins) does not depend on the file system. *out belongs to the caller. */
static int list_modules(int dirfd, char ***out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    int copy = dup(dirfd);
    if (copy < 0) return pt__error(PT_EIO, "cannot duplicate a folder descriptor: %s",
                                   strerror(errno));
    DIR *dir = fdopendir(copy);
    if (!dir) {
        close(copy);
        return pt__error(PT_EIO, "cannot read a plugin folder: %s", strerror(errno));
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (!is_plugin_file_name(e->d_name)) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **v = realloc(names, cap * sizeof *v);
            if (!v) {
                rc = PT_ENOMEM;
                break;
            }
            names = v;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = PT_ENOMEM;
            break;
        }
        n++;
    }
    closedir(dir);
    if (rc != 0) {
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
        return pt__error(PT_ENOMEM, "loading plugins: out of memory");
    }
    if (n) qsort(names, n, sizeof *names, cmp_names);
    *out = names;
    *n_out = n;
    return 0;
}

/* Loads every module of one folder. A folder others can write to is refused whole: whoever
 * can write there can drop a module in. */
static int load_dir(loader *ld, const char *dir, dev_t *seen_dev, ino_t *seen_ino, size_t *n_seen)
{
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        if (errno != ENOENT) warnf(ld, "plugin folder %s: skipped: %s", dir, strerror(errno));
        return 0;
    }
    struct stat st;
    const char *why = NULL;
    if (fstat(dirfd, &st) != 0) why = strerror(errno);
    else if (!trusted_owner(&st)) why = "owned by another user (must be root or pantau's user)";
    else if (st.st_mode & (S_IWGRP | S_IWOTH)) why = "writable by group or others (chmod go-w)";
    if (why) {
        warnf(ld, "plugin folder %s: refused: %s", dir, why);
        close(dirfd);
        return 0;
    }
    /* the same folder named twice (a path listed again, or through a link) is read once */
    for (size_t i = 0; i < *n_seen; i++) {
        if (seen_dev[i] == st.st_dev && seen_ino[i] == st.st_ino) {
            close(dirfd);
            return 0;
        }
    }
    seen_dev[*n_seen] = st.st_dev;
    seen_ino[*n_seen] = st.st_ino;
    (*n_seen)++;

    char **names;
    size_t n;
    int rc = list_modules(dirfd, &names, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) rc = load_module(ld, dirfd, dir, names[i]);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    close(dirfd);
    return rc;
}

int pt_plugins_load(pt_plugin_set **out, const char *const *dirs, size_t n_dirs,
                    void (*warn)(const char *message, void *payload), void *payload)
{
    *out = NULL;
    pt_plugin_set *set = calloc(1, sizeof *set);
    dev_t *seen_dev = calloc(n_dirs ? n_dirs : 1, sizeof *seen_dev);
    ino_t *seen_ino = calloc(n_dirs ? n_dirs : 1, sizeof *seen_ino);
    if (!set || !seen_dev || !seen_ino) {
        free(set);
        free(seen_dev);
        free(seen_ino);
        return pt__error(PT_ENOMEM, "loading plugins: out of memory");
    }
    loader ld = {set, warn, payload};
    size_t n_seen = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n_dirs; i++)
        if (dirs[i] && *dirs[i]) rc = load_dir(&ld, dirs[i], seen_dev, seen_ino, &n_seen);
    free(seen_dev);
    free(seen_ino);
    if (rc != 0) {
        pt_plugins_free(set);
        return rc;
    }
    *out = set;
    return 0;
}

void pt_plugins_free(pt_plugin_set *set)
{
    if (!set) return;
    /* unload in reverse order of loading, like the dynamic linker does at exit */
    for (size_t i = set->n; i-- > 0;) {
        dlclose(set->v[i].handle);
        close(set->v[i].fd);
        free(set->v[i].path);
    }
    free(set->v);
    free(set);
}

size_t pt_plugins_count(const pt_plugin_set *set)
{
    return set ? set->n : 0;
}

const pt_plugin_info *pt_plugins_at(const pt_plugin_set *set, size_t i)
{
    return set && i < set->n ? &set->v[i].info : NULL;
}

const pt_plugin_info *pt_plugins_find(const pt_plugin_set *set, pt_plugin_kind kind,
                                      const char *name)
{
    if (!set || !name) return NULL;
    const plugin *p = find_plugin(set, kind, name);
    return p ? &p->info : NULL;
}
