/*
 * The notification configuration as parsed by config.c (internal: notify.c reads it; the
 * public face is pantau/notify.h). Everything lives in the configuration's arena.
 */
#ifndef PANTAU_CONFIG_H
#define PANTAU_CONFIG_H

#include <stddef.h>

#include "internal.h"
#include "pantau/notify.h"

typedef struct pt__channel {
    const char *name;
    const char *plugin;
    int line;                    /* of the [channel NAME] header */
    int plugin_line;
    size_t n_settings;           /* every key but "plugin", in file order */
    const char **keys;
    const char **values;
} pt__channel;

typedef struct pt__route {
    const char *name;
    int line;
    size_t n_events;             /* "*", "prefix.*" or a type */
    const char **events;
    size_t n_places;             /* kabupaten_kota values; none: any */
    const char **places;
    size_t n_agencies;           /* agency values; none: any */
    const char **agencies;
    size_t n_channels;
    const pt__channel **channels;
} pt__route;

struct pt_notify_config {
    pt__arena *arena;
    const char *path;
    const char *plugin_path;     /* joined with ':'; NULL if none */
    size_t n_channels;
    pt__channel *channels;
    size_t n_routes;
    pt__route *routes;
};

/* The channel of that name, or NULL. */
const pt__channel *pt__config_channel(const pt_notify_config *config, const char *name);

/* 1 when the route takes an event of this type, kabupaten/kota ("" if none) and agency (NULL
 * when the event has none: a route that names agencies then does not match). */
int pt__route_matches(const pt__route *route, const char *type, const char *kabupaten_kota,
                      const char *agency);

#endif
