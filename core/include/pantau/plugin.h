/*
 * The plugin ABI: what a shared module must export to add an export format or a notification
 * channel to pantau, and the table of host functions it may call.
 *
 * A plugin is a shared module (built with -fvisibility=hidden) exporting ONE symbol,
 * PT_PLUGIN_ENTRY_NAME, a function returning a pointer to a static pt_plugin_descriptor.
 * The symbol's name carries the ABI's major version, so a module built for another major is
 * not even found. pantau checks descriptor->abi_major and descriptor->size before reading
 * anything else, and refuses (with a message naming the file) what does not fit.
 *
 * Rules that keep old plugins working with new hosts (SQLite's lesson):
 *   - pt_host and every struct below only grow, at the end; their first field says their size.
 *     A plugin that needs a newer host entry checks host->size first
 *     (PT_HOST_HAS(host, member)).
 *   - The public structs of pantau.h that are passed here (pt_visit, pt_institution,
 *     pt_checklist, pt_score) are part of this ABI: within one major they only grow at the end.
 *
 * Ownership and lifetime: everything the host passes is borrowed and lives until the callback
 * returns, unless said otherwise. Plugins never free what the host gives them, and the host
 * never frees what a plugin returns from its own static storage. Plugins reach data only
 * through these callbacks and the host table, never through SQLite.
 *
 * Build out of tree with:  cc -shared -fPIC $(pkg-config --cflags pantau) my.c -o my.so
 */
#ifndef PANTAU_PLUGIN_H
#define PANTAU_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "pantau/pantau.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PT_PLUGIN_ABI_MAJOR 1
#define PT_PLUGIN_ABI_MINOR 0

/* The entry symbol; its name carries the major version. */
#define PT_PLUGIN_ENTRY pt_plugin_entry_v1
#define PT_PLUGIN_ENTRY_NAME "pt_plugin_entry_v1"

/* Marks the entry symbol visible even when the module is built with -fvisibility=hidden. */
#define PT_PLUGIN_EXPORT_SYMBOL __attribute__((visibility("default")))

typedef enum pt_plugin_kind {
    PT_PLUGIN_KIND_EXPORT = 1,   /* writes visits to a file format */
    PT_PLUGIN_KIND_NOTIFY = 2    /* delivers events to a channel */
} pt_plugin_kind;

/* ---- the host table: what a plugin may call ---- */

typedef struct pt_host {
    size_t size;                 /* sizeof(pt_host) in the host: check before newer members */
    int abi_major, abi_minor;
    const char *pantau_version;
    void *host_data;             /* pass back as the first argument of the calls below */

    /* Sets the message pantau shows when a callback fails ("pantau: export csv: <message>").
     * Plugins call this before returning non-zero. */
    void (*set_error)(void *host_data, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

    /* Checklist lookups (the checklist belongs to the record being handled). */
    const pt_item *(*checklist_item)(const pt_checklist *checklist, const char *item_id,
                                     const pt_section **section);
    const pt_band *(*checklist_band)(const pt_checklist *checklist, const char *grade);
    const char *(*item_type_name)(pt_item_type type);

    /* Progress for long work, shown on a terminal by the command: done out of total. */
    void (*progress)(void *host_data, long done, long total);
} pt_host;

/* 1 when the host offers `member` (it was added in the host this plugin runs in). */
#define PT_HOST_HAS(host, member) \
    ((host)->size >= offsetof(pt_host, member) + sizeof((host)->member))

/* ---- export plugins ---- */

typedef struct pt_export_options {
    size_t size;                 /* sizeof(pt_export_options) in the host */
    const char *output_path;     /* the file to write (the -o option) */
    size_t n_params;             /* --opt KEY=VALUE pairs, e.g. "sep=;", "bom=1", "form=long" */
    const char *const *param_keys;
    const char *const *param_values;
    long total;                  /* how many records will follow (for progress); -1 if unknown */
} pt_export_options;

/* One visit with everything a report needs. Records come one at a time, ordered by visit date
 * then id, so an export of a whole city never holds more than one visit in memory. */
typedef struct pt_export_record {
    size_t size;                 /* sizeof(pt_export_record) in the host */
    const pt_visit *visit;
    const pt_institution *institution;
    const pt_checklist *checklist;  /* the version the visit was recorded against */
    const pt_score *score;       /* NULL when the visit is not scored */
} pt_export_record;

typedef struct pt_export_ops {
    size_t size;                 /* sizeof(pt_export_ops) in the plugin */
    const char *file_extension;  /* "csv", "json", "html", "xlsx", "pdf" */
    /* Opens the output. *state is the plugin's own; returned 0 or non-zero (set_error). */
    int (*begin)(void **state, const pt_host *host, const pt_export_options *options);
    int (*record)(void *state, const pt_export_record *record);
    /* Finishes (ok = 1) or abandons (ok = 0: remove the partial file) and frees state. Called
     * exactly once after a successful begin, whatever happened in between. */
    int (*end)(void *state, int ok);
} pt_export_ops;

/* ---- notification plugins ---- */

/* An event raised by the core (visit.imported, visit.scored, flag.raised, ...). */
typedef struct pt_event {
    size_t size;                 /* sizeof(pt_event) in the host */
    int64_t id;
    const char *type;
    const char *occurred_at;     /* UTC, ISO 8601 */
    int64_t institution_id;      /* 0 if none */
    int64_t visit_id;            /* 0 if none */
    const char *kabupaten_kota;  /* of the institution; "" if none */
    const char *subject;         /* one line, Bahasa Indonesia */
    const char *body;            /* a few lines, Bahasa Indonesia */
    const char *json;            /* the whole event as a JSON object (stable keys) */
} pt_event;

/* A configured channel: its name and settings from the configuration file. */
typedef struct pt_notify_target {
    size_t size;                 /* sizeof(pt_notify_target) in the host */
    const char *channel;         /* the channel's name in the configuration */
    size_t n_settings;
    const char *const *keys;     /* e.g. "url", "secret", "smtp", "from", "to", "path" */
    const char *const *values;
} pt_notify_target;

typedef struct pt_notify_ops {
    size_t size;                 /* sizeof(pt_notify_ops) in the plugin */
    /* Delivers one event. 0 when delivered; non-zero (with set_error) when it failed and must
     * be retried later. Must not block for more than about 30 seconds. */
    int (*deliver)(const pt_host *host, const pt_notify_target *target, const pt_event *event);
} pt_notify_ops;

/* ---- the descriptor ---- */

typedef struct pt_plugin_descriptor {
    uint32_t abi_major;          /* PT_PLUGIN_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor;
    size_t size;                 /* sizeof(pt_plugin_descriptor) the plugin was built with */
    const char *name;            /* "csv": what --format and the configuration call it */
    const char *version;         /* the plugin's own version */
    const char *description;     /* one line */
    pt_plugin_kind kind;
    const pt_export_ops *export_ops;   /* set when kind == PT_PLUGIN_KIND_EXPORT */
    const pt_notify_ops *notify_ops;   /* set when kind == PT_PLUGIN_KIND_NOTIFY */
} pt_plugin_descriptor;

/* The one function a plugin exports:
 *   PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void) { return &me; } */
typedef const pt_plugin_descriptor *(*pt_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif
#endif
