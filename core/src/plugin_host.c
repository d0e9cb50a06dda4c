/* The host table given to plugins (see plugin_host.h). Every entry is a thin adapter: plugins
 * get pantau's own behaviour, never a copy of it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "plugin_host.h"

/* The plugin's message becomes pantau's last error; the caller adds "export FORMAT: ". A
 * plugin that prints nothing useful still gets a message, so the user never sees "". */
static void host_set_error(void *host_data, const char *fmt, ...)
{
    (void)host_data;
    char buf[1536];
    buf[0] = '\0';
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
    }
    pt__error(PT_ERROR, "%s", buf[0] ? buf : "the plugin failed without a message");
}

static void host_progress(void *host_data, long done, long total)
{
    const pt__host_slot *slot = host_data;
    if (slot && slot->progress) slot->progress(done, total, slot->payload);
}

void pt__host_init(pt_host *host)
{
    memset(host, 0, sizeof *host);
    host->size = sizeof *host;
    host->abi_major = PT_PLUGIN_ABI_MAJOR;
    host->abi_minor = PT_PLUGIN_ABI_MINOR;
    host->pantau_version = PT_VERSION_STRING;
    host->host_data = NULL;
    host->set_error = host_set_error;
    host->checklist_item = pt_checklist_item;
    host->checklist_band = pt_checklist_band;
    host->item_type_name = pt_item_type_name;
    host->progress = host_progress;
}
