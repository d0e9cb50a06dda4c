/*
 * The host table given to plugins (pt_host of plugin.h), shared by the export runner
 * (export.c) and the notification dispatcher. Internal: not installed.
 */
#ifndef PANTAU_PLUGIN_HOST_H
#define PANTAU_PLUGIN_HOST_H

#include "pantau/plugin.h"

/* What host->host_data points to when the caller wants progress reports. progress may be
 * NULL. Owned by the caller; it must outlive every plugin call made with the table. */
typedef struct pt__host_slot {
    void (*progress)(long done, long total, void *payload);
    void *payload;
} pt__host_slot;

/* Fills *host: size, ABI version, pantau's version, and the functions of plugin.h.
 *   set_error       -> pt__error(PT_ERROR, ...): the plugin's message becomes pt_error_last()
 *   checklist_item  -> pt_checklist_item;  checklist_band -> pt_checklist_band
 *   item_type_name  -> pt_item_type_name
 *   progress        -> the pt__host_slot host_data points to; nothing when host_data is NULL
 * host_data is set to NULL: the caller sets it afterwards (to a pt__host_slot, or leaves it). */
void pt__host_init(pt_host *host);

#endif
