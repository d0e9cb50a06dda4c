/*
 * Events raised by the core (internal): rows of the `event` table, written INSIDE the caller's
 * transaction together with the data they describe, so an event is never lost and never tells
 * of data that was rolled back. notify.c routes and delivers them later.
 *
 * A writer (pt__events) holds the prepared statements for one run (an import, a score --all),
 * so raising an event costs one INSERT, not a prepare. Not thread-safe, like the pt_ctx it uses.
 *
 * Event types are an open list ("visit.imported", "visit.scored", "flag.raised" today; review
 * and expiry events come later): the table only requires a non-empty type. Texts people read
 * (subject, body) are in Bahasa Indonesia; the JSON keys are documented in docs/commands.md.
 */
#ifndef PANTAU_EVENT_H
#define PANTAU_EVENT_H

#include <stdint.h>

#include "internal.h"

typedef struct pt__events pt__events;

/* Prepares the writer's statements on ctx. *out belongs to the caller (pt__events_close), who
 * closes it before ctx. The events' occurred_at is the time of this call: one run, one time. */
int pt__events_open(pt__events **out, pt_ctx *ctx);
void pt__events_close(pt__events *ev);

/* Raises one event of any type. institution_id / visit_id are 0 when the event has none; the
 * institution's kabupaten_kota is looked up for routing. subject is one line, body a few; json
 * is a JSON object without "id", "subject" and "body" (the delivery adds them). Must run
 * inside a transaction the caller commits or rolls back. Errors: PT_EINVALID (empty type, json
 * not an object), SQLite's. */
int pt__event_raise(pt__events *ev, const char *type, int64_t institution_id, int64_t visit_id,
                    const char *subject, const char *body, const char *json);

/* "visit.imported" for a visit just written (visit->id set). visit->institution_name may be
 * NULL: the institution is looked up. */
int pt__event_visit_imported(pt__events *ev, const pt_visit *visit, size_t n_answers);

/* "visit.scored" for a score just stored, and one "flag.raised" per flag of severity kritis or
 * tinggi. Only news is raised: nothing when the visit's latest visit.scored event already has
 * this total, maximum and grade, and no flag.raised for a flag this visit already raised (same
 * code, severity, agency, item and message). So `score --all` run again tells no one twice.
 * institution may be NULL (looked up). */
int pt__event_score_stored(pt__events *ev, const pt_visit *visit,
                           const pt_institution *institution, const pt_score *score);

/* The JSON a channel receives (pt_event.json): the stored object with "id", "subject" and
 * "body" put first. Belongs to the caller (free); NULL when out of memory. */
char *pt__event_delivery_json(int64_t id, const char *subject, const char *body, const char *json);

#endif
