/* Draft visits: pt_visit_new creates a visit in pantau, with its team of users and no
 * answers, in state draft. Written and audited exactly as an imported visit is (visit.c), so
 * `pantau audit verify` and every reader treat both alike; only its first step differs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "audit.h"
#include "authz.h"
#include "joint_internal.h"

static const char *const visit_types[][2] = {
    {"routine", "rutin"}, {"accreditation", "akreditasi"},
    {"complaint", "pengaduan"}, {"joint", "gabungan"},
};

static const char *type_key(const char *s)
{
    for (size_t i = 0; s && i < sizeof visit_types / sizeof visit_types[0]; i++)
        if (strcasecmp(s, visit_types[i][0]) == 0 || strcasecmp(s, visit_types[i][1]) == 0)
            return visit_types[i][0];
    return NULL;
}

/* The checks that need no database, in the importer's words. */
static int check_spec(const pt_visit_new_spec *spec, const char **type)
{
    if (!spec->institution || !*spec->institution)
        return pt__error(PT_EINVALID, "a visit needs an institution (--institution)");
    if (!spec->checklist || !*spec->checklist)
        return pt__error(PT_EINVALID, "a visit needs a checklist (--checklist ID[@VERSION])");
    const char *at = strchr(spec->checklist, '@');
    if (at == spec->checklist || (at && (!at[1] || strchr(at + 1, '@'))))
        return pt__error(PT_EINVALID, "checklist '%s' must be written 'id@version' or 'id'",
                         spec->checklist);
    if (!spec->date || !pt__is_date(spec->date))
        return pt__error(PT_EINVALID, "date must be a valid YYYY-MM-DD, got '%s'",
                         spec->date ? spec->date : "");
    /* up to a day ahead: an inspector in Papua (UTC+9) records "today" before UTC does */
    char tomorrow[11];
    time_t t = time(NULL) + 24 * 60 * 60;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);
    if (strcmp(spec->date, tomorrow) > 0)
        return pt__error(PT_EINVALID, "date %s is in the future", spec->date);
    if (!(*type = type_key(spec->type)))
        return pt__error(PT_EINVALID, "type must be one of %s (or rutin, akreditasi, pengaduan, "
                         "gabungan), got '%s'", PT_VISIT_TYPES, spec->type ? spec->type : "");
    if (spec->n_members == 0)
        return pt__error(PT_EINVALID, "a visit needs its team: at least one member (--member USER)");
    for (size_t i = 0; i < spec->n_members; i++) {
        const pt_visit_member_spec *m = &spec->members[i];
        if (!m->user || !*m->user) return pt__error(PT_EINVALID, "team member %zu has no user name", i + 1);
        if (m->role && strcmp(m->role, "ketua") != 0 && strcmp(m->role, "anggota") != 0)
            return pt__error(PT_EINVALID, "team member '%s': role must be ketua or anggota, got '%s'",
                             m->user, m->role);
        for (size_t j = 0; j < i; j++)
            if (strcmp(spec->members[j].user, m->user) == 0)
                return pt__error(PT_EINVALID, "team member '%s' is given twice", m->user);
    }
    return PT_OK;
}

/* Fills the team from the users (login name, agency): each must exist and be enabled. */
static int read_team(pt_ctx *ctx, const pt_visit_new_spec *spec, pt__arena *arena,
                     pt_team_member *team)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT name, agency, disabled FROM app_user WHERE name = ?1");
    for (size_t i = 0; rc == 0 && i < spec->n_members; i++) {
        const pt_visit_member_spec *m = &spec->members[i];
        sqlite3_bind_text(st, 1, m->user, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW && sqlite3_column_int(st, 2))
            rc = pt__error(PT_EINVALID, "team member '%s' is a disabled user", m->user);
        else if (step == SQLITE_ROW) {
            team[i].name = pt__arena_strdup(arena, (const char *)sqlite3_column_text(st, 0));
            team[i].agency = pt__arena_strdup(arena, (const char *)sqlite3_column_text(st, 1));
            team[i].role = m->role;
            if (!team[i].name || !team[i].agency) rc = pt__error(PT_ENOMEM, "out of memory");
        } else if (step == SQLITE_DONE)
            rc = pt__error(PT_EINVALID, "team member '%s' is not a pantau user (pantau user add)",
                           m->user);
        else
            rc = pt__error_sqlite(ctx->db, step, "reading the users");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static int resolve_checklist(pt_ctx *ctx, const char *key, int64_t *version_id)
{
    char id[256];
    const char *at = strchr(key, '@');
    snprintf(id, sizeof id, "%.*s", at ? (int)(at - key) : (int)strlen(key), key);
    pt_checklist *cl = NULL;
    int rc = pt_checklist_fetch(ctx, id, at ? at + 1 : NULL, &cl);
    if (rc == PT_ENOTFOUND)
        return pt__error(PT_ENOTFOUND, "checklist '%s' is not loaded (run `pantau checklist load`)", key);
    if (rc == 0) rc = pt__checklist_version_id(ctx, cl->id, cl->version, version_id);
    pt_checklist_free(cl);
    return rc;
}

static int write_draft(pt_ctx *ctx, const pt_visit_new_spec *spec, const char *type,
                       int64_t institution_id, int64_t version_id, const pt_team_member *team,
                       int64_t *id)
{
    char created_at[21];
    pt__now_utc(created_at);
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "INSERT INTO visit (institution_id, checklist_version_id, "
                                   "visit_date, visit_type, notes, source, created_at) "
                                   "VALUES (?1,?2,?3,?4,?5,NULL,?6)");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, institution_id);
    sqlite3_bind_int64(st, 2, version_id);
    pt__jvisit_bind_text(st, 3, spec->date);
    pt__jvisit_bind_text(st, 4, type);
    pt__jvisit_bind_text(st, 5, spec->notes && *spec->notes ? spec->notes : NULL);
    pt__jvisit_bind_text(st, 6, created_at);
    rc = pt__jvisit_step_done(ctx, st, "storing a visit");
    sqlite3_finalize(st);
    if (rc) return rc;
    *id = sqlite3_last_insert_rowid(ctx->db);

    if ((rc = pt__prepare(ctx, &st, "INSERT INTO visit_team (visit_id, position, name, agency, "
                                    "role) VALUES (?1,?2,?3,?4,?5)")))
        return rc;
    for (size_t i = 0; rc == 0 && i < spec->n_members; i++) {
        sqlite3_bind_int64(st, 1, *id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        pt__jvisit_bind_text(st, 3, team[i].name);
        pt__jvisit_bind_text(st, 4, team[i].agency);
        pt__jvisit_bind_text(st, 5, team[i].role);
        rc = pt__jvisit_step_done(ctx, st, "storing a visit's team");
    }
    sqlite3_finalize(st);
    if (rc) return rc;

    /* audited exactly as an imported visit (visit and visit_team have no insert triggers),
     * with no answers yet */
    pt__audited_visit audited = {
        .id = *id, .institution_id = institution_id, .checklist_version_id = version_id,
        .date = spec->date, .type = type, .notes = spec->notes && *spec->notes ? spec->notes : NULL,
        .source = NULL, .created_at = created_at, .n_team = spec->n_members, .team = team};
    sqlite3_stmt *audit = NULL;
    rc = pt__audit_visit(ctx, &audit, &audited);
    sqlite3_finalize(audit);
    if (rc == 0) rc = pt__visit_step(ctx, *id, PT_STATE_NONE, PT_STATE_DRAFT, NULL);
    return rc;
}

int pt_visit_new(pt_ctx *ctx, const pt_visit_new_spec *spec, int64_t *id_out)
{
    int64_t ignored;
    if (!id_out) id_out = &ignored;
    *id_out = 0;
    int rc = pt__authz(ctx, PT_ACT_VISIT_RECORD);
    if (rc) return rc;
    const char *type = NULL;
    if ((rc = check_spec(spec, &type))) return rc;

    pt_institution *inst = NULL;
    if ((rc = pt_institution_get(ctx, spec->institution, &inst)))
        return rc == PT_ENOTFOUND ? pt__error(PT_ENOTFOUND, "institution '%s' is not registered",
                                              spec->institution)
                                  : rc;
    int64_t institution_id = inst->id;
    pt_institution_free(inst);

    pt__arena *arena = pt__arena_new();
    pt_team_member *team = arena ? pt__arena_alloc(arena, spec->n_members * sizeof *team) : NULL;
    if (!team) {
        pt__arena_free(arena);
        return pt__error(PT_ENOMEM, "out of memory");
    }
    int64_t version_id = 0, id = 0;
    rc = pt__begin(ctx);
    if (rc == 0) rc = resolve_checklist(ctx, spec->checklist, &version_id);
    if (rc == 0) rc = read_team(ctx, spec, arena, team);
    if (rc == 0) rc = write_draft(ctx, spec, type, institution_id, version_id, team, &id);
    if (rc == 0) rc = pt__commit(ctx);
    else pt__rollback(ctx);
    pt__arena_free(arena);
    if (rc == 0) *id_out = id;
    return rc;
}

