/* A notification channel's settings, for the notify plugins (notify_setting.h). */
#include "notify_setting.h"

#include <string.h>

const char *pn_setting(const pt_notify_target *target, const char *key)
{
    for (size_t i = 0; i < target->n_settings; i++)
        if (strcmp(target->keys[i], key) == 0)
            return target->values[i];
    return NULL;
}
