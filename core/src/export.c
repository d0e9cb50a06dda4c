/*
 * The export runner: streams the selected visits through an export plugin (plugins.h).
 *
 * The visit ids are read first (date, then id order) and the visits afterwards one at a time,
 * so no read runs inside another statement's walk, the count is known for progress, and only
 * one visit (with its institution and score) is in memory at once. Checklists are few and
 * shared by many visits: each version is fetched once and kept until the end.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "internal.h"
#include "pantau/plugins.h"
#include "plugin_host.h"

typedef struct id_list {
    int64_t *v;
    size_t n, cap;
} id_list;

typedef struct checklist_cache {
    pt_checklist **v;
    size_t n, cap;
} checklist_cache;

static int select_ids(pt_ctx *ctx, const pt_export_selection *sel, id_list *ids)
{
    sqlite3_stmt *stmt;
    int rc = pt__prepare(ctx, &stmt,
                         "SELECT v.id FROM visit v "
                         "WHERE (?1 <= 0 OR v.id = ?1) AND (?2 <= 0 OR v.institution_id = ?2) "
                         "AND (?3 IS NULL OR v.visit_date >= ?3) "
                         "AND (?4 IS NULL OR v.visit_date <= ?4) "
                         "ORDER BY v.visit_date, v.id");
    if (rc != 0) return rc;
    sqlite3_bind_int64(stmt, 1, sel ? sel->visit_id : 0);
    sqlite3_bind_int64(stmt, 2, sel ? sel->institution_id : 0);
    if (sel && sel->date_from && *sel->date_from)
        sqlite3_bind_text(stmt, 3, sel->date_from, -1, SQLITE_STATIC);
    if (sel && sel->date_to && *sel->date_to)
        sqlite3_bind_text(stmt, 4, sel->date_to, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (ids->n == ids->cap) {
            size_t cap = ids->cap ? ids->cap * 2 : 256;
            int64_t *v = realloc(ids->v, cap * sizeof *v);
            if (!v) {
                sqlite3_finalize(stmt);
                return pt__error(PT_ENOMEM, "export: out of memory");
            }
            ids->v = v;
            ids->cap = cap;
        }
        ids->v[ids->n++] = sqlite3_column_int64(stmt, 0);
    }
    rc = rc == SQLITE_DONE ? 0 : pt__error_sqlite(ctx->db, rc, "export: listing visits");
    sqlite3_finalize(stmt);
    return rc;
}

/* The checklist version a visit was recorded against, fetched once per version. The
 * checklist stays owned by the cache. */
static int cached_checklist(pt_ctx *ctx, checklist_cache *cache, const pt_visit *visit,
                            const pt_checklist **out)
{
    for (size_t i = 0; i < cache->n; i++) {
        const pt_checklist *c = cache->v[i];
        if (strcmp(c->id, visit->checklist_id) == 0 &&
            strcmp(c->version, visit->checklist_version) == 0) {
            *out = c;
            return 0;
        }
    }
    if (cache->n == cache->cap) {
        size_t cap = cache->cap ? cache->cap * 2 : 4;
        pt_checklist **v = realloc(cache->v, cap * sizeof *v);
        if (!v) return pt__error(PT_ENOMEM, "export: out of memory");
        cache->v = v;
        cache->cap = cap;
    }
    pt_checklist *c;
    int rc = pt_checklist_fetch(ctx, visit->checklist_id, visit->checklist_version, &c);
    if (rc != 0) return rc;
    cache->v[cache->n++] = c;
    *out = c;
    return 0;
}

static void cache_free(checklist_cache *cache)
{
    for (size_t i = 0; i < cache->n; i++) pt_checklist_free(cache->v[i]);
    free(cache->v);
}

/* The plugin said it failed: make sure there is a message to show even if it set none. */
static int plugin_failed(const char *what)
{
    if (pt_error_last_code() == PT_OK || !*pt_error_last())
        return pt__error(PT_ERROR, "the plugin's %s failed without a message", what);
    return pt_error_last_code();
}

/* Reads one visit with everything its record carries and hands it to the plugin. */
static int export_one(pt_ctx *ctx, checklist_cache *cache, const pt_export_ops *ops,
                      void *state, int64_t visit_id)
{
    pt_visit *visit = NULL;
    pt_institution *institution = NULL;
    pt_score *score = NULL;
    const pt_checklist *checklist = NULL;
    char key[32];
    int rc = pt_visit_get(ctx, visit_id, &visit);
    if (rc == 0) {
        snprintf(key, sizeof key, "%" PRId64, visit->institution_id);
        rc = pt_institution_get(ctx, key, &institution);
    }
    if (rc == 0) rc = cached_checklist(ctx, cache, visit, &checklist);
    if (rc == 0) {
        rc = pt_score_get(ctx, visit_id, &score);
        if (rc == PT_ENOTFOUND) {   /* not scored yet: the record says so with NULL */
            score = NULL;
            pt__error_clear();
            rc = 0;
        }
    }
    if (rc == 0) {
        pt_export_record record;
        memset(&record, 0, sizeof record);
        record.size = sizeof record;
        record.visit = visit;
        record.institution = institution;
        record.checklist = checklist;
        record.score = score;
        pt__error_clear();
        if (ops->record(state, &record) != 0) rc = plugin_failed("record");
    }
    if (score) pt_score_free(score);
    if (institution) pt_institution_free(institution);
    if (visit) pt_visit_free(visit);
    return rc;
}

int pt_export_run(pt_ctx *ctx, const pt_plugin_set *set, const char *format,
                  const pt_export_selection *selection, const pt_export_options *options,
                  void (*progress)(long done, long total, void *payload), void *payload,
                  long *n_records)
{
    if (n_records) *n_records = 0;
    int denied = pt__authz(ctx, PT_ACT_EXPORT);
    if (denied) return denied;
    if (!format || !*format) return pt__error(PT_EINVALID, "export: no format given");
    if (!options || !options->output_path || !*options->output_path)
        return pt__error(PT_EINVALID, "export %s: no output file given", format);
    const pt_plugin_info *info = pt_plugins_find(set, PT_PLUGIN_KIND_EXPORT, format);
    if (!info) return pt__error(PT_ENOTFOUND, "export: no export plugin named '%s'", format);
    if (selection) {
        if (selection->date_from && *selection->date_from && !pt__is_date(selection->date_from))
            return pt__error(PT_EINVALID, "export: --from '%s' is not a date (YYYY-MM-DD)",
                             selection->date_from);
        if (selection->date_to && *selection->date_to && !pt__is_date(selection->date_to))
            return pt__error(PT_EINVALID, "export: --to '%s' is not a date (YYYY-MM-DD)",
                             selection->date_to);
    }
    const pt_export_ops *ops = info->descriptor->export_ops;

    id_list ids = {0};
    int rc = select_ids(ctx, selection, &ids);
    if (rc == 0 && selection && selection->visit_id > 0 && ids.n == 0)
        rc = pt__error(PT_ENOTFOUND, "export: no visit with id %" PRId64, selection->visit_id);
    if (rc != 0) {
        free(ids.v);
        return rc;
    }

    /* the plugin gets the caller's options with the count filled in */
    pt_export_options opts = *options;
    opts.size = sizeof opts;
    opts.total = (long)ids.n;

    pt__host_slot slot = {progress, payload};
    pt_host host;
    pt__host_init(&host);
    host.host_data = &slot;

    void *state = NULL;
    pt__error_clear();
    if (ops->begin(&state, &host, &opts) != 0) {
        plugin_failed("begin");
        free(ids.v);
        return pt__error_prefix("export %s", format);
    }

    checklist_cache cache = {0};
    size_t written = 0;
    while (rc == 0 && written < ids.n) {
        rc = export_one(ctx, &cache, ops, state, ids.v[written]);
        if (rc == 0) {
            written++;
            if (progress) progress((long)written, (long)ids.n, payload);
        }
    }
    cache_free(&cache);
    free(ids.v);

    if (rc != 0) {
        /* end(0) removes the partial file; keep the first failure's message, not anything
         * the plugin says while cleaning up */
        char saved[2048];
        snprintf(saved, sizeof saved, "%s", pt_error_last());
        ops->end(state, 0);
        pt__error(rc, "%s", saved);
        return pt__error_prefix("export %s", format);
    }
    pt__error_clear();
    if (ops->end(state, 1) != 0) {
        plugin_failed("end");
        return pt__error_prefix("export %s", format);
    }
    if (n_records) *n_records = (long)written;
    return 0;
}
