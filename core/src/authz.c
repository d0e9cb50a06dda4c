/*
 * Authorisation: the one table of what each role may do, and the check every writing entry
 * point of the library makes (pt__authz). Tests walk this table for every command
 * (tests/cli/test_roles.py), so a change here shows there.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "authz.h"

#define R(role) (1u << (role))
#define EVERY_ROLE (R(PT_ROLE_ADMIN) | R(PT_ROLE_INSPECTOR) | R(PT_ROLE_ASSESSOR) | \
                    R(PT_ROLE_BOARD) | R(PT_ROLE_OFFICER))

/* The agency whose officers keep the register of institutions (Permensos 184/2011: the
 * Dinas Sosial registers LKS). Compared without regard to case, as a prefix, so "Dinas Sosial
 * Kota Tangerang" counts. */
#define REGISTER_AGENCY "Dinas Sosial"

typedef struct rule {
    const char *what;          /* "may not <what>" */
    unsigned roles;            /* allowed whatever the agency */
    unsigned roles_of_register_agency; /* allowed only to users of REGISTER_AGENCY */
} rule;

/* THE table. Why each line is what it is:
 * - checklists are the standard everyone is measured against: only administrators load them;
 * - the register of institutions is the Dinas Sosial's; other agencies read it;
 * - visits are recorded by the people who make them (inspectors, accreditation assessors);
 * - scoring is deterministic (same inputs, same score) and is done by those who record
 *   visits, and by administrators who re-score after a script update;
 * - export takes data out of the database to travel further: everyone who works on visits
 *   and decides on them, but not other agencies' officers, who read what concerns them here;
 * - notifications and users are administration. */
static const rule rules[PT_ACT_COUNT_] = {
    [PT_ACT_READ] = {"read the database", EVERY_ROLE, 0},
    [PT_ACT_CHECKLIST_LOAD] = {"load checklists", R(PT_ROLE_ADMIN), 0},
    [PT_ACT_INSTITUTION_WRITE] = {"add or change institutions", R(PT_ROLE_ADMIN),
                                  R(PT_ROLE_OFFICER)},
    [PT_ACT_VISIT_IMPORT] = {"import visits", R(PT_ROLE_INSPECTOR) | R(PT_ROLE_ASSESSOR), 0},
    [PT_ACT_SCORE] = {"score visits",
                      R(PT_ROLE_INSPECTOR) | R(PT_ROLE_ASSESSOR) | R(PT_ROLE_ADMIN), 0},
    [PT_ACT_EXPORT] = {"export visits",
                       R(PT_ROLE_ADMIN) | R(PT_ROLE_INSPECTOR) | R(PT_ROLE_ASSESSOR) |
                           R(PT_ROLE_BOARD), 0},
    [PT_ACT_NOTIFY_ADMIN] = {"manage notifications", R(PT_ROLE_ADMIN), 0},
    [PT_ACT_USER_ADMIN] = {"manage users", R(PT_ROLE_ADMIN), 0},
    [PT_ACT_DECIDE] = {"decide accreditation reviews", R(PT_ROLE_BOARD), 0},
    /* the workflow (docs/workflow.md). A joint visit's team includes other agencies' officers
     * (Satpol PP records the items assigned to it); the board and administrators never edit
     * answers. Reviews of monitoring visits are the Dinas Sosial's supervisors'; overriding a
     * computed score is a professional judgement, so assessors only. */
    [PT_ACT_VISIT_RECORD] = {"record answers of visits",
                             R(PT_ROLE_INSPECTOR) | R(PT_ROLE_ASSESSOR) | R(PT_ROLE_OFFICER), 0},
    [PT_ACT_REVIEW] = {"review visits", R(PT_ROLE_BOARD), R(PT_ROLE_OFFICER)},
    [PT_ACT_OVERRIDE] = {"override computed scores", R(PT_ROLE_ASSESSOR), 0},
    [PT_ACT_DECIDE_MONITORING] = {"decide monitoring reviews", R(PT_ROLE_BOARD),
                                  R(PT_ROLE_OFFICER)},
    [PT_ACT_FINDING] = {"record findings",
                        R(PT_ROLE_INSPECTOR) | R(PT_ROLE_ASSESSOR) | R(PT_ROLE_OFFICER), 0},
    [PT_ACT_SANCTION] = {"issue sanctions", R(PT_ROLE_OFFICER), 0},
    [PT_ACT_ESCALATE] = {"escalate overdue work", R(PT_ROLE_ADMIN) | R(PT_ROLE_OFFICER), 0},
};

/* The agency that enforces regional regulations alongside the register agency (PP 16/2018). */
#define ENFORCEMENT_AGENCY "Satpol PP"

/* agency is `name`, or starts with it followed by a space ("Dinas Sosial Kota Tangerang"). */
static int is_agency(const char *agency, const char *name)
{
    size_t n = strlen(name);
    return strncasecmp(agency, name, n) == 0 && (agency[n] == '\0' || agency[n] == ' ');
}

static int is_register_agency(const char *agency) { return is_agency(agency, REGISTER_AGENCY); }

/* "administrator or agency officer (Dinas Sosial)" into buf. */
static void needs_text(const rule *r, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int role = PT_ROLE_ADMIN; role <= PT_ROLE_OFFICER; role++) {
        const char *suffix = NULL;
        if (r->roles & R(role)) suffix = "";
        else if (r->roles_of_register_agency & R(role)) suffix = " (" REGISTER_AGENCY ")";
        if (!suffix) continue;
        int w = snprintf(buf + used, size - used, "%s%s%s", used ? " or " : "",
                         pt_role_title((pt_role)role), suffix);
        if (w < 0 || (size_t)w >= size - used) break;
        used += (size_t)w;
    }
}

/* 1 when the database has at least one user, 0 when none, negative on error. */
static int has_users(pt_ctx *ctx)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT EXISTS (SELECT 1 FROM app_user)");
    if (rc) return rc;
    int step = sqlite3_step(st);
    int result = step == SQLITE_ROW ? sqlite3_column_int(st, 0)
                                    : pt__error_sqlite(ctx->db, step, "reading the users");
    sqlite3_finalize(st);
    return result;
}

int pt__authz_may(pt_role role, const char *agency, pt_action action)
{
    if ((int)action < 0 || action >= PT_ACT_COUNT_ || role <= PT_ROLE_NONE || role > PT_ROLE_OFFICER)
        return 0;
    const rule *r = &rules[action];
    unsigned bit = R(role);
    return (r->roles & bit) || ((r->roles_of_register_agency & bit) && agency &&
                                is_register_agency(agency));
}

int pt__authz(pt_ctx *ctx, pt_action action)
{
    if ((int)action < 0 || action >= PT_ACT_COUNT_)
        return pt__error(PT_EINVALID, "unknown action %d", (int)action);
    const rule *r = &rules[action];
    if (ctx->user_id == 0) {
        /* Asked every time rather than remembered at open: the first `user add` ends
         * single-user mode for this context too. */
        int users = has_users(ctx);
        if (users < 0) return users;
        if (users == 0) return PT_OK; /* the implicit local administrator */
        return pt__error(PT_EDENIED,
                         "not authenticated: this database has users, so only an authenticated "
                         "user may %s", r->what);
    }
    if (pt__authz_may((pt_role)ctx->user_role, ctx->user_agency, action)) return PT_OK;
    char needs[256];
    needs_text(r, needs, sizeof needs);
    return pt__error(PT_EDENIED, "user '%s' (%s, %s) may not %s (needs: %s)", ctx->user_name,
                     pt_role_title((pt_role)ctx->user_role), ctx->user_agency, r->what, needs);
}

int pt_authorize(pt_ctx *ctx, pt_action action) { return pt__authz(ctx, action); }

int pt_authorize_sanction(pt_ctx *ctx, int step)
{
    if (step < 1 || step > 5) return pt__error(PT_EINVALID, "sanction step %d: steps are 1 to 5", step);
    int rc = pt__authz(ctx, PT_ACT_SANCTION);
    if (rc || ctx->user_id == 0) return rc; /* single-user mode: the local administrator */
    int register_agency = is_register_agency(ctx->user_agency);
    if (step <= 3 && (register_agency || is_agency(ctx->user_agency, ENFORCEMENT_AGENCY)))
        return PT_OK;
    if (step > 3 && register_agency) return PT_OK;
    return pt__error(PT_EDENIED, "user '%s' (%s, %s) may not issue a sanction of step %d "
                     "(needs: agency officer (%s)%s)", ctx->user_name,
                     pt_role_title((pt_role)ctx->user_role), ctx->user_agency, step,
                     REGISTER_AGENCY, step <= 3 ? " or agency officer (" ENFORCEMENT_AGENCY ")" : "");
}
