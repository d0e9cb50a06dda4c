/*
 * People: users with a role and an agency, their passwords (argon2id) and login tokens, and
 * what each role may do (authz.c holds the one table).
 *
 * Single-user mode: while the database has NO users, a context acts as the implicit local
 * administrator (a laptop install). Once the first user exists (it must be an administrator),
 * a context may change nothing until it is authenticated with pt_authenticate_password or
 * pt_authenticate_token (or pt_login). A caller cannot claim a user: only those functions set
 * who the context acts as, after checking the password or token.
 *
 * The boundary: this protects against people who use pantau, not against people who can
 * write the database file (see README, "People and roles").
 */
#ifndef PANTAU_USER_H
#define PANTAU_USER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

typedef enum pt_role {
    PT_ROLE_NONE = 0,
    PT_ROLE_ADMIN,      /* "admin": administrator: users, checklists, notifications */
    PT_ROLE_INSPECTOR,  /* "inspector": visits institutions, records and scores visits */
    PT_ROLE_ASSESSOR,   /* "assessor": accreditation assessor (BALKS) */
    PT_ROLE_BOARD,      /* "board": accreditation board member: reads and decides */
    PT_ROLE_OFFICER     /* "officer": an agency's officer (Dinas Sosial, Satpol PP, DP3A ...) */
} pt_role;

/* The short name stored and typed ("admin", "inspector" ...), and the title people read
 * ("administrator", "board member" ...). Static strings; "?" for an unknown value. */
const char *pt_role_name(pt_role role);
const char *pt_role_title(pt_role role);
/* Parses a short name. 0, or PT_EINVALID naming the roles there are. */
int pt_role_parse(const char *name, pt_role *out);

/* What may be done; authz.c maps each action to the roles allowed. */
typedef enum pt_action {
    PT_ACT_READ = 0,          /* list and show anything in the database */
    PT_ACT_CHECKLIST_LOAD,    /* store checklist versions */
    PT_ACT_INSTITUTION_WRITE, /* add, update, import institutions */
    PT_ACT_VISIT_IMPORT,      /* record visits */
    PT_ACT_SCORE,             /* score visits and store the scores */
    PT_ACT_EXPORT,            /* write visits out of the database (export) */
    PT_ACT_NOTIFY_ADMIN,      /* retry deliveries by hand, check the channels */
    PT_ACT_USER_ADMIN,        /* add, list, disable users; set another user's password */
    PT_ACT_DECIDE,            /* decide an accreditation review: panel member's vote, decision */
    PT_ACT_VISIT_RECORD,      /* as a member of a visit's team: create a draft, assign items,
                                 record own answers, reconcile, submit, resubmit */
    PT_ACT_REVIEW,            /* open a review, set its panel, return a visit with comments */
    PT_ACT_OVERRIDE,          /* override a computed section score or grade, with a rationale */
    PT_ACT_DECIDE_MONITORING, /* decide a monitoring (non-accreditation) review */
    PT_ACT_FINDING,           /* record findings, corrective plans, close by verification */
    PT_ACT_SANCTION,          /* issue a sanction (the step decides which agency: authz.c) */
    PT_ACT_ESCALATE,          /* raise the overdue and expiry events (cron) */
    PT_ACT_COUNT_
} pt_action;

/* 0 when the context's user may do action; otherwise PT_EDENIED with a message such as
 * "user 'budi' (inspector, Dinas Sosial) may not load checklists (needs: administrator)",
 * or "not authenticated ..." when the database has users and none was authenticated.
 * Every library function that writes checks its action itself; front ends call this to
 * refuse early (before reading files) or for what the library does not do itself. */
int pt_authorize(pt_ctx *ctx, pt_action action);

/* As pt_authorize(ctx, PT_ACT_SANCTION), then the agency the step needs (Perda KBB 3/2024's
 * ladder): steps 1-3 (teguran lisan, teguran tertulis, penghentian sementara) Satpol PP or the
 * Dinas Sosial; steps 4-5 (penghentian tetap, pencabutan izin) only the Dinas Sosial, the
 * agency competent for the permit. */
int pt_authorize_sanction(pt_ctx *ctx, int step);

/* A user as stored. Strings are borrowed for the duration of a callback (or, for
 * pt_whoami, until the context's user changes or it is closed). */
typedef struct pt_user_info {
    int64_t id;            /* 0 for the implicit local administrator */
    const char *name;
    const char *full_name; /* may be NULL */
    pt_role role;
    const char *agency;
    int disabled;
    const char *created_at;
} pt_user_info;

/* Adds a user. name: 1-64 of [a-z0-9._-] starting with a letter or digit; agency: non-empty
 * text ("Dinas Sosial", "Satpol PP", "DP3A", "BALKS", "Polres ...", "Kecamatan ..."); full_name
 * may be NULL; password: 8-1024 bytes, hashed with argon2id (libsodium, interactive limits).
 * The first user must be an administrator (PT_EINVALID); later ones need PT_ACT_USER_ADMIN.
 * id (may be NULL) receives the row id. Errors: PT_EINVALID, PT_EEXISTS, PT_EDENIED. */
int pt_user_add(pt_ctx *ctx, const char *name, pt_role role, const char *agency,
                const char *full_name, const char *password, int64_t *id);

/* Sets name's password (and ends its login tokens). Allowed to an administrator, and to a
 * user for their own password. Errors: PT_ENOTFOUND, PT_EINVALID, PT_EDENIED. */
int pt_user_set_password(pt_ctx *ctx, const char *name, const char *password);

/* Disables a user: they can no longer authenticate, and their tokens end. Users are never
 * deleted (the records they made name them). The last enabled administrator cannot be
 * disabled (PT_EINVALID). Needs PT_ACT_USER_ADMIN. */
int pt_user_disable(pt_ctx *ctx, const char *name);

/* Calls cb for each user ordered by name; a non-zero return stops and is returned. Needs
 * PT_ACT_USER_ADMIN. */
int pt_user_foreach(pt_ctx *ctx, int (*cb)(const pt_user_info *user, void *payload),
                    void *payload);

/* The number of users stored (0: single-user mode). Needs nothing: the front end must know
 * whether to ask who is there. */
int pt_user_count(pt_ctx *ctx, int64_t *n);

/* Checks name's password and, when it is right and the user is enabled, makes the context
 * act as that user. An unknown user and a wrong password give the same message and take the
 * same time (a dummy hash is verified). Errors: PT_EDENIED. */
int pt_authenticate_password(pt_ctx *ctx, const char *name, const char *password);

/* Checks a token from pt_login (not expired, user enabled) and makes the context act as its
 * user. Errors: PT_EDENIED ("token expired or unknown ..."). */
int pt_authenticate_token(pt_ctx *ctx, const char *token);

/* Authenticates as pt_authenticate_password does, then issues a login token valid for
 * PT_TOKEN_LIFETIME_HOURS. *token (the caller's, free) is shown only this once: only its
 * sha256 is stored. */
#define PT_TOKEN_LIFETIME_HOURS 12
int pt_login(pt_ctx *ctx, const char *name, const char *password, char **token);

/* Ends a token (whoever holds it may end it). Errors: PT_ENOTFOUND when it is unknown. */
int pt_logout(pt_ctx *ctx, const char *token);

/* Who the context acts as: the authenticated user, or the implicit local administrator
 * (id 0, name "local") while the database has no users. PT_EDENIED when the database has
 * users and none was authenticated. */
int pt_whoami(pt_ctx *ctx, pt_user_info *out);

#ifdef __cplusplus
}
#endif
#endif
