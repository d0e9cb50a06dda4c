/*
 * The host side of plugins: finding and loading modules, and running exports through them.
 * (plugin.h is the plugin's side of the ABI.)
 *
 * Loading is careful because a module's constructors run inside dlopen, before any check:
 * only regular files (no symlinks) named *.so in the given folders, owned by root or by the
 * user running pantau, not writable by group or others, in folders not writable by group or
 * others; each file is opened once and loaded through that same descriptor
 * (dlopen("/proc/self/fd/N")) so it cannot be swapped between the check and the load.
 * Loaded with RTLD_NOW | RTLD_LOCAL. A module that does not fit (no entry symbol, wrong ABI
 * major, descriptor too small, kind without ops, duplicate name) is skipped with a warning
 * naming the file; pantau keeps working.
 */
#ifndef PANTAU_PLUGINS_H
#define PANTAU_PLUGINS_H

#include <stddef.h>
#include <stdint.h>

#include "pantau/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_plugin_set pt_plugin_set;

typedef struct pt_plugin_info {
    const char *name, *version, *description;
    const char *path;            /* the file it was loaded from */
    pt_plugin_kind kind;
    const pt_plugin_descriptor *descriptor;
} pt_plugin_info;

/* Loads the plugins of each folder in dirs (n_dirs of them; missing folders are skipped
 * silently). warn (may be NULL) receives one message per module or folder refused.
 * *out belongs to the caller (pt_plugins_free: unloads the modules). */
int pt_plugins_load(pt_plugin_set **out, const char *const *dirs, size_t n_dirs,
                    void (*warn)(const char *message, void *payload), void *payload);
void pt_plugins_free(pt_plugin_set *set);

size_t pt_plugins_count(const pt_plugin_set *set);
const pt_plugin_info *pt_plugins_at(const pt_plugin_set *set, size_t i);
/* The plugin of that kind and name, or NULL. */
const pt_plugin_info *pt_plugins_find(const pt_plugin_set *set, pt_plugin_kind kind,
                                      const char *name);

/* Which visits an export covers. Zero / NULL fields do not restrict. */
typedef struct pt_export_selection {
    int64_t visit_id;
    int64_t institution_id;
    const char *date_from, *date_to;   /* YYYY-MM-DD, inclusive */
} pt_export_selection;

/* Streams the selected visits (date, then id order) through the export plugin `format`.
 * On failure the plugin's end(ok = 0) removes the partial file. progress may be NULL.
 * *n_records (may be NULL) receives how many visits were written.
 * Errors: PT_ENOTFOUND (no such format), PT_ERROR (the plugin failed: its message). */
int pt_export_run(pt_ctx *ctx, const pt_plugin_set *set, const char *format,
                  const pt_export_selection *selection, const pt_export_options *options,
                  void (*progress)(long done, long total, void *payload), void *payload,
                  long *n_records);

#ifdef __cplusplus
}
#endif
#endif
