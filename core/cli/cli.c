/* Option parsing, opening the database and the two ways a command fails (see cli.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Writes msg on one line: a library message listing several failures (one per line) stays
 * readable as "first; second", and a script reading stderr gets exactly one line. */
static void put_one_line(const char *msg)
{
    fputs("pantau: ", stderr);
    int pending_sep = 0;
    char last = '\0';
    for (const char *p = msg; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            pending_sep = 1;
            continue;
        }
        if (pending_sep) {
            /* "3 visits failed:\nA\nB" reads "3 visits failed: A; B" */
            fputs(last == ':' ? " " : "; ", stderr);
            pending_sep = 0;
        }
        fputc(*p, stderr);
        last = *p;
    }
    fputc('\n', stderr);
}

int cli_fail(void)
{
    const char *msg = pt_error_last();
    put_one_line(msg && *msg ? msg : "failed (no message)");
    return CLI_FAIL;
}

int cli_failf(const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    put_one_line(buf);
    return CLI_FAIL;
}

int cli_usage(const char *help_for, const char *fmt, ...)
{
    char buf[1024], line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s (see 'pantau %s%s--help')", buf, help_for ? help_for : "",
             help_for && *help_for ? " " : "");
    put_one_line(line);
    return CLI_USAGE;
}

int cli_help(const char *text)
{
    fputs(text, stdout);
    return CLI_OK;
}

static const cli_opt *find_opt(const cli_opt *opts, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) return &opts[i];
    return NULL;
}

int cli_parse(const char *help_for, int argc, char **argv, const cli_opt *opts, size_t n_opts,
              char **pos, int *n_pos, int *help)
{
    *n_pos = 0;
    *help = 0;
    int only_positional = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_positional || a[0] != '-' || a[1] == '\0') {
            pos[(*n_pos)++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            *help = 1;
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        const cli_opt *o = find_opt(opts, n_opts, a, len);
        if (!o) return cli_usage(help_for, "unknown option '%.*s'", (int)len, a);
        if (!o->takes_value) {
            if (eq) return cli_usage(help_for, "option '%s' takes no value", o->name);
            *o->flag = 1;
            continue;
        }
        if (eq) {
            *o->value = eq + 1;
        } else {
            if (i + 1 >= argc) return cli_usage(help_for, "option '%s' needs a value", o->name);
            *o->value = argv[++i];
        }
    }
    return CLI_OK;
}

int cli_open(const cli_globals *g, pt_ctx **ctx, int create)
{
    *ctx = NULL;
    int rc = pt_open(ctx, g->db_path, g->scripts_dir, create ? PT_OPEN_CREATE : 0);
    if (rc == PT_OK) {
        if (cli_authenticate(g, *ctx) == CLI_OK) return CLI_OK; /* who runs it: cmd_user.c */
        pt_close(*ctx);
        *ctx = NULL;
        return CLI_FAIL;
    }
    *ctx = NULL;
    if (rc == PT_ENOTFOUND && !create && !strstr(pt_error_last(), "pantau init"))
        return cli_failf("%s (run 'pantau init' to create the database)", pt_error_last());
    return cli_fail();
}

int cli_parse_id(const char *s, int64_t *out)
{
    if (!s || *s < '0' || *s > '9') return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v <= 0) return -1;
    *out = (int64_t)v;
    return 0;
}

int cli_institution_id(pt_ctx *ctx, const char *key, int64_t *id)
{
    *id = 0;
    if (!key) return PT_OK;
    pt_institution *in;
    int rc = pt_institution_get(ctx, key, &in);
    if (rc != PT_OK) return rc;
    *id = in->id;
    pt_institution_free(in);
    return PT_OK;
}
