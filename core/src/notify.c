/* Delivering events: routing new events into the delivery queue, and attempting what is due
 * through the notify plugins (see pantau/notify.h for the contract).
 *
 * Nothing here holds a transaction across a plugin call: a webhook that takes 10 s to time out
 * must not keep the database locked while inspectors import visits. A delivery is first
 * claimed (claimed_until, a lease, in one small UPDATE), then attempted, then its outcome
 * stored in another small UPDATE. Two dispatchers running at once (two imports in one office)
 * thus never deliver the same event twice; one killed in the middle leaves a claim that
 * expires, and the delivery is attempted again (at least once, never lost). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authz.h"
#include "config.h"
#include "event.h"
#include "internal.h"
#include "plugin_host.h"
#include "pantau/notify.h"

/* How long a claim holds: well past the 30 s a plugin may take. */
#define CLAIM_SECONDS (10 * 60)
/* The stored last_error is for people reading `notify list`: a line, not a transcript. */
#define ERROR_MAX_BYTES 500

/* Waits after the 1st, 2nd, ... failed attempt; the last one repeats forever. */
static const long backoff_seconds[] = {60, 5 * 60, 30 * 60, 2 * 60 * 60, 12 * 60 * 60};

static long backoff(int failed_attempts)
{
    size_t n = sizeof backoff_seconds / sizeof backoff_seconds[0];
    size_t i = failed_attempts < 1 ? 0 : (size_t)failed_attempts - 1;
    return backoff_seconds[i < n ? i : n - 1];
}

static void iso_utc(time_t t, char out[21])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int step_done(pt_ctx *ctx, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PT_OK : pt__error_sqlite(ctx->db, rc, what);
}

/* ---- routing ---- */

/* Gives every event not routed yet its deliveries (one per matching route and channel; a
 * channel named by two routes gets one), then marks the events routed, in one transaction. */
static int route_events(pt_ctx *ctx, const pt_notify_config *cfg, const char *now,
                        pt_notify_stats *stats)
{
    sqlite3_stmt *sel = NULL, *ins = NULL, *mark = NULL;
    /* agency: a flag's, or a later event's own top-level one */
    int rc = pt__prepare(ctx, &sel,
                         "SELECT id, type, kabupaten_kota, coalesce(json_extract(json, "
                         "'$.flag.agency'), json_extract(json, '$.agency')) "
                         "FROM event WHERE routed = 0 ORDER BY id");
    if (!rc)
        rc = pt__prepare(ctx, &ins,
                         "INSERT OR IGNORE INTO delivery (event_id, channel, status, attempts, "
                         "next_attempt_at) VALUES (?1, ?2, 'pending', 0, ?3)");
    if (!rc) rc = pt__prepare(ctx, &mark, "UPDATE event SET routed = 1 WHERE routed = 0 AND id <= ?1");
    if (!rc) rc = pt__begin(ctx);
    if (rc) goto out;

    int64_t last = 0;
    int step;
    while (rc == 0 && (step = sqlite3_step(sel)) == SQLITE_ROW) {
        last = sqlite3_column_int64(sel, 0);
        const char *type = (const char *)sqlite3_column_text(sel, 1);
        const char *place = (const char *)sqlite3_column_text(sel, 2);
        const char *agency = (const char *)sqlite3_column_text(sel, 3);
        for (size_t r = 0; rc == 0 && r < cfg->n_routes; r++) {
            const pt__route *route = &cfg->routes[r];
            if (!pt__route_matches(route, type ? type : "", place ? place : "", agency)) continue;
            for (size_t c = 0; rc == 0 && c < route->n_channels; c++) {
                sqlite3_bind_int64(ins, 1, last);
                sqlite3_bind_text(ins, 2, route->channels[c]->name, -1, SQLITE_STATIC);
                sqlite3_bind_text(ins, 3, now, -1, SQLITE_STATIC);
                rc = step_done(ctx, ins, "queueing a delivery");
                if (rc == 0 && sqlite3_changes(ctx->db) > 0 && stats) stats->queued++;
            }
        }
        if (rc == 0 && stats) stats->routed++;
    }
    if (rc == 0 && step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading new events");
    sqlite3_reset(sel);   /* the scan is over before its rows change */
    if (rc == 0 && last > 0) {
        sqlite3_bind_int64(mark, 1, last);
        rc = step_done(ctx, mark, "marking events routed");
    }
    if (rc == 0) rc = pt__commit(ctx);
    if (rc) {
        pt__rollback(ctx);
        if (stats) stats->routed = stats->queued = 0;
    }
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    sqlite3_finalize(mark);
    return rc;
}

/* ---- delivering ---- */

typedef struct due {
    int64_t event_id;
    char *channel;
} due;

typedef struct dispatcher {
    pt_ctx *ctx;
    const pt_plugin_set *plugins;
    const pt_notify_config *cfg;
    pt_notify_stats *stats;
    pt_host host;
    sqlite3_stmt *claim, *event, *done, *failed;
    const char **dead;          /* channels that failed in this run */
    size_t n_dead;
} dispatcher;

/* The due deliveries, read completely before any is attempted: no statement stays open across
 * the writes and plugin calls that follow. *out is freed with free_due. */
static int list_due(pt_ctx *ctx, int ignore_backoff, const char *now, due **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT event_id, channel FROM delivery WHERE status = 'pending' "
                         "AND (?1 OR next_attempt_at <= ?2) "
                         "AND (claimed_until IS NULL OR claimed_until <= ?2) "
                         "ORDER BY event_id, channel");
    if (rc) return rc;
    sqlite3_bind_int(st, 1, ignore_backoff);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    size_t cap = 0;
    due *list = NULL;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            due *grown = realloc(list, ncap * sizeof *grown);
            if (!grown) {
                rc = pt__error(PT_ENOMEM, "out of memory");
                break;
            }
            list = grown;
            cap = ncap;
        }
        list[*n].event_id = sqlite3_column_int64(st, 0);
        if (!(list[*n].channel = strdup((const char *)sqlite3_column_text(st, 1)))) {
            rc = pt__error(PT_ENOMEM, "out of memory");
            break;
        }
        (*n)++;
    }
    if (rc == 0 && step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading the delivery queue");
    sqlite3_finalize(st);
    *out = list;
    return rc;
}

static void free_due(due *list, size_t n)
{
    for (size_t i = 0; i < n; i++) free(list[i].channel);
    free(list);
}

static int is_dead(const dispatcher *d, const char *channel)
{
    for (size_t i = 0; i < d->n_dead; i++)
        if (strcmp(d->dead[i], channel) == 0) return 1;
    return 0;
}

/* Claims the delivery for this run. 1 claimed (*attempts: the attempts made before), 0 when
 * another dispatcher has it or it is no longer pending, or a negative error. */
static int claim(dispatcher *d, const due *x, int *attempts)
{
    char now[21], until[21];
    time_t t = time(NULL);
    iso_utc(t, now);
    iso_utc(t + CLAIM_SECONDS, until);
    sqlite3_stmt *st = d->claim;
    sqlite3_bind_int64(st, 1, x->event_id);
    sqlite3_bind_text(st, 2, x->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, until, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int got = rc == SQLITE_ROW;
    if (got) *attempts = sqlite3_column_int(st, 0);
    if (got) rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return pt__error_sqlite(d->ctx->db, rc, "claiming a delivery");
    return got;
}

/* Stores the outcome of one attempt (its own transaction: one UPDATE in autocommit). */
static int record(dispatcher *d, const due *x, int ok, int attempts_before, const char *error)
{
    char now[21], next[21];
    time_t t = time(NULL);
    iso_utc(t, now);
    iso_utc(t + backoff(attempts_before + 1), next);
    sqlite3_stmt *st = ok ? d->done : d->failed;
    sqlite3_bind_int64(st, 1, x->event_id);
    sqlite3_bind_text(st, 2, x->channel, -1, SQLITE_STATIC);
    if (ok) {
        sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    } else {
        char msg[ERROR_MAX_BYTES + 1];
        size_t n = strlen(error);
        if (n > ERROR_MAX_BYTES) {
            n = ERROR_MAX_BYTES;
            while (n > 0 && ((unsigned char)error[n] & 0xC0) == 0x80) n--;   /* whole characters */
        }
        memcpy(msg, error, n);
        msg[n] = '\0';
        sqlite3_bind_text(st, 3, msg, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, next, -1, SQLITE_STATIC);
    }
    return step_done(d->ctx, st, "recording a delivery");
}

/* Attempts one claimed delivery. Fills error (the reason) and returns 0 delivered, 1 failed,
 * or a negative error of the database. */
static int attempt(dispatcher *d, const due *x, char *error, size_t error_size)
{
    const pt__channel *ch = pt__config_channel(d->cfg, x->channel);
    if (!ch) {
        snprintf(error, error_size, "channel '%s' is not in %s any more", x->channel, d->cfg->path);
        return 1;
    }
    const pt_plugin_info *info =
        d->plugins ? pt_plugins_find(d->plugins, PT_PLUGIN_KIND_NOTIFY, ch->plugin) : NULL;
    if (!info || !info->descriptor || !info->descriptor->notify_ops ||
        !info->descriptor->notify_ops->deliver) {
        snprintf(error, error_size, "%s:%d: channel '%s': no notify plugin named '%s' is loaded",
                 d->cfg->path, ch->plugin_line, ch->name, ch->plugin);
        return 1;
    }

    sqlite3_stmt *st = d->event;
    sqlite3_bind_int64(st, 1, x->event_id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) {
            snprintf(error, error_size, "event %lld no longer exists", (long long)x->event_id);
            return 1;
        }
        return pt__error_sqlite(d->ctx->db, rc, "reading an event");
    }
    char *json = pt__event_delivery_json(x->event_id, (const char *)sqlite3_column_text(st, 5),
                                         (const char *)sqlite3_column_text(st, 6),
                                         (const char *)sqlite3_column_text(st, 7));
    if (!json) {
        sqlite3_reset(st);
        return pt__error(PT_ENOMEM, "out of memory");
    }
    pt_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    ev.id = x->event_id;
    ev.type = (const char *)sqlite3_column_text(st, 0);
    ev.occurred_at = (const char *)sqlite3_column_text(st, 1);
    ev.institution_id = sqlite3_column_int64(st, 2);
    ev.visit_id = sqlite3_column_int64(st, 3);
    ev.kabupaten_kota = (const char *)sqlite3_column_text(st, 4);
    ev.subject = (const char *)sqlite3_column_text(st, 5);
    ev.body = (const char *)sqlite3_column_text(st, 6);
    ev.json = json;

    pt_notify_target target;
    memset(&target, 0, sizeof target);
    target.size = sizeof target;
    target.channel = ch->name;
    target.n_settings = ch->n_settings;
    target.keys = ch->keys;
    target.values = ch->values;

    pt__error_clear();
    int failed = info->descriptor->notify_ops->deliver(&d->host, &target, &ev) != 0;
    if (failed) {
        const char *m = pt_error_last();
        snprintf(error, error_size, "%s", *m ? m : "the plugin failed without a message");
    }
    sqlite3_reset(st);
    free(json);
    return failed;
}

static int deliver_due(dispatcher *d, int ignore_backoff)
{
    char now[21];
    iso_utc(time(NULL), now);
    due *list;
    size_t n;
    int rc = list_due(d->ctx, ignore_backoff, now, &list, &n);
    if (rc == 0 && n > 0 && !(d->dead = calloc(n, sizeof *d->dead)))
        rc = pt__error(PT_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const due *x = &list[i];
        if (is_dead(d, x->channel)) {
            if (d->stats) d->stats->skipped++;
            continue;
        }
        int before = 0;
        int got = claim(d, x, &before);
        if (got < 0) rc = got;
        if (got <= 0) continue;
        char error[1024] = "";
        int outcome = attempt(d, x, error, sizeof error);
        if (outcome < 0) {
            /* the database failed, not the channel: let the claim expire and stop */
            rc = outcome;
            break;
        }
        if (d->stats) {
            d->stats->attempted++;
            if (outcome == 0) d->stats->delivered++;
            else d->stats->failed++;
        }
        if (outcome) d->dead[d->n_dead++] = x->channel;
        rc = record(d, x, outcome == 0, before, error);
    }
    free(d->dead);
    d->dead = NULL;
    d->n_dead = 0;
    free_due(list, n);
    return rc;
}

static int count_pending(pt_ctx *ctx, long *out)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT count(*) FROM delivery WHERE status = 'pending'");
    if (rc) return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) *out = (long)sqlite3_column_int64(st, 0);
    else rc = pt__error_sqlite(ctx->db, step, "counting pending deliveries");
    sqlite3_finalize(st);
    return rc;
}

int pt_notify_dispatch(pt_ctx *ctx, const pt_plugin_set *plugins, const pt_notify_config *config,
                       unsigned flags, pt_notify_stats *stats)
{
    if (stats) memset(stats, 0, sizeof *stats);
    /* Delivering what is due follows from whatever raised the events (an import, a score);
     * overriding the backoff is an administrator's decision. */
    int denied = pt__authz(ctx, (flags & PT_NOTIFY_IGNORE_BACKOFF) ? PT_ACT_NOTIFY_ADMIN
                                                                   : PT_ACT_READ);
    if (denied) return denied;
    char now[21];
    iso_utc(time(NULL), now);
    int rc = route_events(ctx, config, now, stats);
    if (rc) return rc;

    dispatcher d;
    memset(&d, 0, sizeof d);
    d.ctx = ctx;
    d.plugins = plugins;
    d.cfg = config;
    d.stats = stats;
    pt__host_init(&d.host);
    rc = pt__prepare(ctx, &d.claim,
                     "UPDATE delivery SET claimed_until = ?3 WHERE event_id = ?1 AND channel = ?2 "
                     "AND status = 'pending' AND (claimed_until IS NULL OR claimed_until <= ?4) "
                     "RETURNING attempts");
    if (!rc)
        rc = pt__prepare(ctx, &d.event,
                         "SELECT type, occurred_at, coalesce(institution_id, 0), "
                         "coalesce(visit_id, 0), kabupaten_kota, subject, body, json "
                         "FROM event WHERE id = ?1");
    if (!rc)
        rc = pt__prepare(ctx, &d.done,
                         "UPDATE delivery SET status = 'delivered', attempts = attempts + 1, "
                         "delivered_at = ?3, last_error = NULL, claimed_until = NULL "
                         "WHERE event_id = ?1 AND channel = ?2");
    if (!rc)
        rc = pt__prepare(ctx, &d.failed,
                         "UPDATE delivery SET attempts = attempts + 1, last_error = ?3, "
                         "next_attempt_at = ?4, claimed_until = NULL "
                         "WHERE event_id = ?1 AND channel = ?2");
    if (!rc) rc = deliver_due(&d, (flags & PT_NOTIFY_IGNORE_BACKOFF) != 0);
    sqlite3_finalize(d.claim);
    sqlite3_finalize(d.event);
    sqlite3_finalize(d.done);
    sqlite3_finalize(d.failed);
    if (!rc && stats) rc = count_pending(ctx, &stats->pending);
    if (!rc) pt__error_clear();
    return rc;
}

int pt_notify_config_check(const pt_notify_config *config, const pt_plugin_set *plugins,
                           size_t *n_channels, size_t *n_routes)
{
    for (size_t i = 0; i < config->n_channels; i++) {
        const pt__channel *ch = &config->channels[i];
        if (!plugins || !pt_plugins_find(plugins, PT_PLUGIN_KIND_NOTIFY, ch->plugin))
            return pt__error(PT_ENOTFOUND, "%s:%d: channel '%s': no notify plugin named '%s' "
                             "is loaded", config->path, ch->plugin_line, ch->name, ch->plugin);
    }
    if (n_channels) *n_channels = config->n_channels;
    if (n_routes) *n_routes = config->n_routes;
    return PT_OK;
}

/* ---- the queue, for people ---- */

int pt_notify_foreach(pt_ctx *ctx, int pending_only,
                      int (*cb)(const pt_delivery *delivery, void *payload), void *payload)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT d.event_id, e.type, e.occurred_at, coalesce(e.institution_id, 0), "
                         "coalesce(e.visit_id, 0), e.kabupaten_kota, e.subject, d.channel, "
                         "d.status, d.attempts, d.last_error, d.next_attempt_at, d.delivered_at "
                         "FROM delivery d JOIN event e ON e.id = d.event_id "
                         "WHERE ?1 = 0 OR d.status = 'pending' ORDER BY d.event_id, d.channel");
    if (rc) return rc;
    sqlite3_bind_int(st, 1, pending_only);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pt_delivery dv;
        memset(&dv, 0, sizeof dv);
        dv.event_id = sqlite3_column_int64(st, 0);
        dv.event_type = (const char *)sqlite3_column_text(st, 1);
        dv.occurred_at = (const char *)sqlite3_column_text(st, 2);
        dv.institution_id = sqlite3_column_int64(st, 3);
        dv.visit_id = sqlite3_column_int64(st, 4);
        dv.kabupaten_kota = (const char *)sqlite3_column_text(st, 5);
        dv.subject = (const char *)sqlite3_column_text(st, 6);
        dv.channel = (const char *)sqlite3_column_text(st, 7);
        dv.status = (const char *)sqlite3_column_text(st, 8);
        dv.attempts = sqlite3_column_int(st, 9);
        dv.last_error = (const char *)sqlite3_column_text(st, 10);
        dv.next_attempt_at = (const char *)sqlite3_column_text(st, 11);
        dv.delivered_at = (const char *)sqlite3_column_text(st, 12);
        int stop = cb(&dv, payload);
        if (stop) {
            sqlite3_finalize(st);
            return stop;
        }
    }
    rc = step == SQLITE_DONE ? PT_OK : pt__error_sqlite(ctx->db, step, "listing deliveries");
    sqlite3_finalize(st);
    return rc;
}
