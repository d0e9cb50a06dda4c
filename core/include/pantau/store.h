/*
 * The store: one SQLite file holding checklist versions, institutions, visits, answers and
 * scores. Opening applies the numbered schema migrations in order (PRAGMA user_version).
 */
#ifndef PANTAU_STORE_H
#define PANTAU_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "pantau/checklist.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

enum pt_open_flags {
    PT_OPEN_CREATE = 1 /* create the file if missing (pantau init); otherwise it must exist */
};

/* Opens (and migrates) the database at db_path. `scripts_dir` is the folder holding the
 * scoring scripts (copied; may be NULL when no scoring will be done).
 * On success *out belongs to the caller (pt_close). Errors: PT_ENOTFOUND (no such file and no
 * PT_OPEN_CREATE), PT_EIO, PT_EINVALID (not a pantau database, or one from a newer pantau). */
int pt_open(pt_ctx **out, const char *db_path, const char *scripts_dir, int flags);
void pt_close(pt_ctx *ctx);

/* The schema version the database is at, and the one this build knows. */
int pt_schema_version(pt_ctx *ctx);
int pt_schema_version_latest(void);

/* ---- checklist versions ---- */

/* Stores the checklist's exact XML and sha256 the first time this id@version is seen.
 * Loading the same bytes again is a no-op (*created = 0). Different bytes under the same
 * id@version are refused with PT_EEXISTS and a message telling to raise the version.
 * version_id (may be NULL) receives the row id. */
int pt_checklist_store(pt_ctx *ctx, const pt_checklist *checklist, int64_t *version_id,
                       int *created);

/* Stores n checklists as pt_checklist_store does, all or none: one transaction for all of them,
 * so a refused one (PT_EEXISTS) or a failed write (PT_EIO, a busy database, ...) leaves none
 * of the others stored. The message names the failing checklist's source. Inside a caller's
 * transaction it joins it, and the caller rolls back on error. created (may be NULL) receives
 * n flags, 1 for each checklist newly stored, 0 for each already stored with the same bytes;
 * all 0 on error. */
int pt_checklist_store_all(pt_ctx *ctx, const pt_checklist *const *checklists, size_t n,
                           int *created);

/* Parses a stored checklist version. version NULL means the most recently loaded version of
 * that id. *out belongs to the caller (pt_checklist_free). Errors: PT_ENOTFOUND. */
int pt_checklist_fetch(pt_ctx *ctx, const char *id, const char *version, pt_checklist **out);

typedef struct pt_checklist_info {
    int64_t version_id;
    const char *id, *version, *title, *sha256, *loaded_at;
    int n_items;
    int n_visits;            /* visits recorded against this version */
} pt_checklist_info;

/* Calls cb for each stored checklist version, ordered by id then load order. A non-zero return
 * from cb stops the walk and is returned. Pointers in info live only during the call. */
int pt_checklist_foreach(pt_ctx *ctx, int (*cb)(const pt_checklist_info *info, void *payload),
                         void *payload);

#ifdef __cplusplus
}
#endif
#endif
