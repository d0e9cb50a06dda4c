/*
 * hitung ("count"): a tiny export plugin built outside pantau's source tree, as a third party
 * would. It counts the visits of an export, how many are scored and how many have a critical
 * flag, and writes those three numbers.
 *
 *   make PKG_CONFIG_PATH=<prefix>/lib/pkgconfig
 *   PANTAU_PLUGIN_PATH=$PWD pantau export --format hitung --all -o hitung.txt
 */
#define _POSIX_C_SOURCE 200809L   /* strdup under -std=c11 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pantau/plugin.h>

typedef struct hitung {
    const pt_host *host;
    char *path;
    long visits, scored, critical;
} hitung;

static int hitung_begin(void **state, const pt_host *host, const pt_export_options *options)
{
    /* the host table only grows: check that the entries we call exist in this host */
    if (!PT_HOST_HAS(host, set_error)) return -1;
    if (options->n_params > 0) {
        host->set_error(host->host_data, "hitung takes no options");
        return -1;
    }
    hitung *h = calloc(1, sizeof *h);
    if (!h || !(h->path = strdup(options->output_path))) {
        free(h);
        host->set_error(host->host_data, "out of memory");
        return -1;
    }
    h->host = host;
    *state = h;
    return 0;
}

static int hitung_record(void *state, const pt_export_record *record)
{
    hitung *h = state;
    h->visits++;
    if (record->score) {
        h->scored++;
        for (size_t i = 0; i < record->score->n_flags; i++) {
            if (strcmp(record->score->flags[i].severity, "kritis") == 0) {
                h->critical++;
                break;
            }
        }
    }
    return 0;
}

/* Nothing is written before end(ok = 1), so a failed export leaves no file to remove. */
static int hitung_end(void *state, int ok)
{
    hitung *h = state;
    int rc = 0;
    if (ok) {
        FILE *f = fopen(h->path, "w");
        if (!f || fprintf(f, "kunjungan %ld\ndinilai %ld\nbendera_kritis %ld\n", h->visits,
                          h->scored, h->critical) < 0 || fclose(f) != 0) {
            h->host->set_error(h->host->host_data, "cannot write %s: %s", h->path,
                               strerror(errno));
            rc = -1;
        }
    }
    free(h->path);
    free(h);
    return rc;
}

static const pt_export_ops hitung_ops = {
    .size = sizeof(pt_export_ops),
    .file_extension = "txt",
    .begin = hitung_begin,
    .record = hitung_record,
    .end = hitung_end,
};

static const pt_plugin_descriptor hitung_descriptor = {
    .abi_major = PT_PLUGIN_ABI_MAJOR,
    .abi_minor = PT_PLUGIN_ABI_MINOR,
    .size = sizeof(pt_plugin_descriptor),
    .name = "hitung",
    .version = "0.1.0",
    .description = "counts visits, scored visits and visits with a critical flag",
    .kind = PT_PLUGIN_KIND_EXPORT,
    .export_ops = &hitung_ops,
};

PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void)
{
    return &hitung_descriptor;
}
