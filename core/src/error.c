/* The per-thread last error (libgit2's model): set by every failing call, read by the caller. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static _Thread_local char last_message[2048];
static _Thread_local int last_code;

const char *pt_error_last(void) { return last_message; }
int pt_error_last_code(void) { return last_code; }

void pt__error_clear(void)
{
    last_message[0] = '\0';
    last_code = PT_OK;
}

int pt__error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    last_code = code;
    return code;
}

int pt__error_prefix(const char *fmt, ...)
{
    char prefix[512], old[sizeof last_message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, last_message, sizeof old);
    /* prefix, ": ", then as much of the old message as fits */
    size_t n = strlen(prefix);
    if (n > sizeof last_message - 3) n = sizeof last_message - 3;
    memcpy(last_message, prefix, n);
    memcpy(last_message + n, ": ", 2);
    n += 2;
    size_t rest = strnlen(old, sizeof old - 1);
    if (rest > sizeof last_message - 1 - n) rest = sizeof last_message - 1 - n;
    memcpy(last_message + n, old, rest);
    last_message[n + rest] = '\0';
    return last_code;
}

int pt__error_sqlite(sqlite3 *db, int rc, const char *what)
{
    int code = PT_EIO;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: code = PT_EBUSY; break;
    case SQLITE_NOMEM: code = PT_ENOMEM; break;
    case SQLITE_CONSTRAINT: code = PT_EEXISTS; break;
    case SQLITE_FULL: code = PT_EIO; break;
    default: break;
    }
    return pt__error(code, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}
