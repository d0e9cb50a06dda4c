/*
 * Notifications: the configuration that routes events to channels, the delivery queue, and
 * dispatching through notify plugins (plugin.h). Events themselves are raised by the core
 * inside the transactions that write what they describe (visit import, scoring).
 *
 * The configuration (an INI-like file, format in docs/commands.md, "Notifications") names
 * channels ([channel NAME]: a notify plugin and its settings) and routes ([route NAME]: which
 * event types, optionally of which kabupaten/kota and which agency's flags, go to which
 * channels).
 *
 * Delivery is at least once and never given up: a failed delivery stays queued (status
 * "pending", attempts and last_error recorded) and is retried after a backoff of 1 min, 5 min,
 * 30 min, 2 h, then every 12 h, until it is delivered or an administrator acts. Receivers that
 * must not see an event twice use its "id".
 */
#ifndef PANTAU_NOTIFY_H
#define PANTAU_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "pantau/pantau.h"
#include "pantau/plugins.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_notify_config pt_notify_config;

/* Reads and checks the configuration file at path. *out belongs to the caller
 * (pt_notify_config_free). Errors: PT_ENOTFOUND / PT_EIO (cannot be read), PT_EINVALID (the
 * message starts "FILE:LINE: "). */
int pt_notify_config_load(pt_notify_config **out, const char *path);
/* The same from text already in memory; name is used in messages and to resolve relative
 * plugin_path folders (against name's folder). */
int pt_notify_config_parse(pt_notify_config **out, const char *name, const char *text,
                           size_t len);
void pt_notify_config_free(pt_notify_config *config);

/* The file it was read from (borrowed, lives as long as config). */
const char *pt_notify_config_path(const pt_notify_config *config);
/* The plugin_path folders, joined with ':' (relative ones made relative to the file's folder),
 * or NULL when there are none. Borrowed. */
const char *pt_notify_config_plugin_path(const pt_notify_config *config);

/* Checks that every channel's plugin is among plugins (a notify plugin of that name).
 * n_channels / n_routes (may be NULL) receive the counts. Errors: PT_ENOTFOUND ("FILE:LINE:
 * channel 'x': no notify plugin named 'y' is loaded"). */
int pt_notify_config_check(const pt_notify_config *config, const pt_plugin_set *plugins,
                           size_t *n_channels, size_t *n_routes);

/* What one dispatch did. */
typedef struct pt_notify_stats {
    long routed;        /* events routed (given their deliveries) in this run */
    long queued;        /* deliveries created in this run */
    long attempted;     /* deliveries attempted */
    long delivered;
    long failed;        /* attempted and failed: queued again with a backoff */
    long skipped;       /* due but not attempted: their channel failed earlier in this run */
    long pending;       /* deliveries still queued after the run */
} pt_notify_stats;

/* Attempt every pending delivery now, ignoring the backoff (`pantau notify retry --all`). */
#define PT_NOTIFY_IGNORE_BACKOFF 1u

/* Routes the events not routed yet (creating one delivery per matching route and channel,
 * idempotently), then attempts every pending delivery that is due, through the notify plugin
 * of its channel. Each delivery's outcome is stored in its own small transaction. Once a
 * channel fails in a run, its other deliveries wait for the next run (counted as skipped),
 * so a dead server costs one timeout, not one per event. A failed delivery is not an error of
 * this function: it returns 0 and counts it in stats (may be NULL). plugins may be NULL (then
 * every delivery fails with "no plugin"). Errors: the database's. */
int pt_notify_dispatch(pt_ctx *ctx, const pt_plugin_set *plugins, const pt_notify_config *config,
                       unsigned flags, pt_notify_stats *stats);

/* One delivery of the queue, with its event. Strings are borrowed for the callback's duration. */
typedef struct pt_delivery {
    int64_t event_id;
    const char *event_type;
    const char *occurred_at;
    int64_t institution_id;      /* 0 if none */
    int64_t visit_id;            /* 0 if none */
    const char *kabupaten_kota;  /* "" if none */
    const char *subject;
    const char *channel;
    const char *status;          /* "pending" (queued, retried until delivered), "delivered",
                                    or "failed" (set by an administrator: no longer tried) */
    int attempts;
    const char *last_error;      /* NULL when none */
    const char *next_attempt_at; /* UTC ISO 8601; meaningful while pending */
    const char *delivered_at;    /* NULL until delivered */
} pt_delivery;

/* Calls cb for each delivery, oldest event first (only the pending ones when pending_only).
 * A non-zero return from cb stops and is returned. */
int pt_notify_foreach(pt_ctx *ctx, int pending_only,
                      int (*cb)(const pt_delivery *delivery, void *payload), void *payload);

#ifdef __cplusplus
}
#endif
#endif
