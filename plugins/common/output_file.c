/* The temporary-file-then-rename output of the csv and json exports (output_file.h). */
#include "output_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int of_open(of_file *out, const pt_host *host, const char *path)
{
    out->f = NULL;
    out->final_path = strdup(path);
    out->tmp_path = malloc(strlen(path) + 16);
    if (!out->final_path || !out->tmp_path) {
        host->set_error(host->host_data, "out of memory");
        goto fail;
    }
    /* same folder as the destination, so the final rename cannot cross file systems */
    sprintf(out->tmp_path, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(out->tmp_path);
    if (fd < 0 || !(out->f = fdopen(fd, "wb"))) {
        host->set_error(host->host_data, "cannot create %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(out->tmp_path);
        }
        goto fail;
    }
    return 0;
fail:
    free(out->final_path);
    free(out->tmp_path);
    out->final_path = out->tmp_path = NULL;
    return -1;
}

int of_write_failed(const of_file *out, const pt_host *host)
{
    host->set_error(host->host_data, "cannot write %s: %s", out->final_path,
                    errno ? strerror(errno) : "write error");
    return -1;
}

int of_finish(of_file *out, const pt_host *host, int ok)
{
    int rc = 0;
    if (!out->f)
        return 0;
    if (ok) {
        errno = 0;
        if (fflush(out->f) != 0 || fsync(fileno(out->f)) != 0)
            rc = of_write_failed(out, host);
    }
    if (fclose(out->f) != 0 && ok && rc == 0)
        rc = of_write_failed(out, host);
    out->f = NULL;
    if (ok && rc == 0 && rename(out->tmp_path, out->final_path) != 0) {
        host->set_error(host->host_data, "cannot create %s: %s", out->final_path,
                        strerror(errno));
        rc = -1;
    }
    if (!ok || rc != 0)
        unlink(out->tmp_path);
    free(out->final_path);
    free(out->tmp_path);
    out->final_path = out->tmp_path = NULL;
    return rc;
}
