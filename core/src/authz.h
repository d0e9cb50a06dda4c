/*
 * Authorisation, in one place: the table in authz.c says which roles may do each action, and
 * every library function that writes calls pt__authz at its top, before it touches anything.
 * Not installed; front ends use pt_authorize (user.h), which is the same check.
 */
#ifndef PANTAU_AUTHZ_H
#define PANTAU_AUTHZ_H

#include "internal.h"
#include "pantau/user.h"

/* 0 when ctx's user may do action, else PT_EDENIED with the message (see pt_authorize). While
 * the database has no users and no one is authenticated, the context is the implicit local
 * administrator. Costs one indexed query when no one is authenticated. */
int pt__authz(pt_ctx *ctx, pt_action action);

/* 1 when a user of `role` and `agency` may do action by the table (not who ctx is: e.g. to
 * check that a panel member will be able to vote), 0 when not. */
int pt__authz_may(pt_role role, const char *agency, pt_action action);

/* Sets who ctx acts as. Only user.c calls it, after checking a password or token: a library
 * caller has no way to claim a user. Tells the audit log first (the actor its triggers
 * record); when that fails, nothing is set and the error is returned. */
int pt__set_user(pt_ctx *ctx, int64_t id, pt_role role, const char *name, const char *agency,
                  const char *full_name);

#endif
