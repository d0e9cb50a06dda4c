/*
 * The outbox notification plugin: appends each event as one JSON line to a local file, for
 * offices without a network (the file travels on a USB stick, or a script forwards it later).
 *
 *   [channel kantor]
 *   plugin = outbox
 *   path = /var/spool/pantau/outbox.jsonl
 *
 * The line is written with one write() on a file opened O_APPEND, then fsync'd before the
 * delivery counts as done: a power cut after "delivered" cannot lose it. A crash between the
 * write and pantau recording the delivery writes the line again on retry, so readers skip
 * lines whose "id" they have seen. The file is created readable by its owner only: events
 * name institutions and findings.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notify_setting.h"
#include "pantau/plugin.h"

static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

static int deliver(const pt_host *host, const pt_notify_target *target, const pt_event *event)
{
    const char *path = pn_setting(target, "path");
    if (!path || !*path) {
        host->set_error(host->host_data, "channel '%s': the outbox needs 'path = FILE'",
                        target->channel);
        return 1;
    }
    /* one line per event: a line break outside a JSON string is only whitespace */
    size_t n = strlen(event->json);
    char *line = malloc(n + 2);
    if (!line) {
        host->set_error(host->host_data, "outbox %s: out of memory", path);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        char c = event->json[i];
        line[i] = c == '\n' || c == '\r' ? ' ' : c;
    }
    line[n] = '\n';
    line[n + 1] = '\0';

    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    int rc = 0;
    if (fd < 0) {
        host->set_error(host->host_data, "outbox %s: %s", path, strerror(errno));
        rc = 1;
    } else if (write_all(fd, line, n + 1) != 0 || fsync(fd) != 0) {
        host->set_error(host->host_data, "outbox %s: %s", path, strerror(errno));
        rc = 1;
    }
    if (fd >= 0 && close(fd) != 0 && rc == 0) {
        host->set_error(host->host_data, "outbox %s: %s", path, strerror(errno));
        rc = 1;
    }
    free(line);
    return rc;
}

static const pt_notify_ops ops = {
    .size = sizeof(pt_notify_ops),
    .deliver = deliver,
};

static const pt_plugin_descriptor descriptor = {
    .abi_major = PT_PLUGIN_ABI_MAJOR,
    .abi_minor = PT_PLUGIN_ABI_MINOR,
    .size = sizeof(pt_plugin_descriptor),
    .name = "outbox",
    .version = "1.0.0",
    .description = "appends each event as a JSON line to a local file (offline offices)",
    .kind = PT_PLUGIN_KIND_NOTIFY,
    .notify_ops = &ops,
};

PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void)
{
    return &descriptor;
}
