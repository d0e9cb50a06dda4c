/*
 * The output file of the csv and json export plugins, written whole or not at all: the data
 * goes to a temporary file next to the destination ("PATH.tmp-XXXXXX", created 0600 by
 * mkstemp: exports hold findings about children's homes), which is flushed, fsync'd and renamed
 * over the destination when the export succeeds, and removed when it fails. A failed export
 * so leaves no file, and never a half-written one over an earlier export.
 *
 * Compiled into each plugin that uses it (not part of libpantau; hidden visibility keeps it
 * private to the module). The report plugins (html, xlsx, pdf) use rt_output in
 * report_text.h instead, whose hidden temporary name and messages their tests pin down.
 */
#ifndef PANTAU_OUTPUT_FILE_H
#define PANTAU_OUTPUT_FILE_H

#include <stdio.h>

#include "pantau/plugin.h"

typedef struct of_file {
    FILE *f;            /* the stream to write, open from of_open until of_finish */
    char *tmp_path;     /* the temporary file (owned) */
    char *final_path;   /* the destination (owned copy), for messages and the rename */
} of_file;

/* Creates the temporary file next to path and opens it for writing. 0, or -1 with the host's
 * error set ("out of memory", "cannot create PATH: REASON") and nothing left behind. */
int of_open(of_file *out, const pt_host *host, const char *path);

/* Sets the host's error "cannot write PATH: REASON" (REASON from errno, or "write error" when
 * errno is 0, as after a failed stdio call that did not set it). Returns -1. */
int of_write_failed(const of_file *out, const pt_host *host);

/* ok: flushes, fsyncs (a crash must not leave an empty file under the final name), closes and
 * renames the temporary file over the destination. Not ok: closes and removes it. Either way
 * frees the paths. 0, or -1 with the host's error set (only when ok; the file is then
 * removed). */
int of_finish(of_file *out, const pt_host *host, int ok);

#endif
