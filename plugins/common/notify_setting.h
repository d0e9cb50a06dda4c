/*
 * The settings of a notification channel ([channel NAME] in pantau.conf) as the notify
 * plugins (email, webhook, outbox) read them.
 *
 * Compiled into each plugin that uses it (not part of libpantau; hidden visibility keeps it
 * private to the module).
 */
#ifndef PANTAU_NOTIFY_SETTING_H
#define PANTAU_NOTIFY_SETTING_H

#include "pantau/plugin.h"

/* The value of the target's setting `key`, or NULL when the channel does not set it. The text
 * belongs to the target (valid for the delivery call). */
const char *pn_setting(const pt_notify_target *target, const char *key);

#endif
