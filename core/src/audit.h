/*
 * The audit log's internals (audit.c): the SQL functions its triggers call, the actor they
 * record, and the C-written entries of an imported visit and of a score. Not installed.
 *
 * HOW TO AUDIT A NEW TABLE (in the migration that creates it; never edit a shipped one):
 *   1. one trigger per change, named audit_<table>_<insert|update|delete>, each writing one row
 *      through the view audit_append (which numbers, timestamps, signs and chains it):
 *
 *        CREATE TRIGGER audit_app_user_insert AFTER INSERT ON app_user BEGIN
 *          INSERT INTO audit_append VALUES ('insert', 'app_user', NEW.id, NULL,
 *            json_object('id', NEW.id, 'name', NEW.name, 'role', NEW.role));
 *        END;
 *        ... AFTER UPDATE: VALUES ('update', 'app_user', NEW.id, json_object(<OLD.cols>),
 *                                  json_object(<NEW.cols>))
 *        ... AFTER DELETE: VALUES ('delete', 'app_user', OLD.id, json_object(<OLD.cols>), NULL)
 *
 *      entity is the table's name; entity_id an INTEGER naming the record (for a row owned by
 *      another, e.g. visit_team, the owner's id, with the row's own key inside the JSON). The
 *      json_object lists the same columns in the same order in all three triggers. Leave out
 *      secrets (a password hash, a token): the log is read by `pantau audit list`; record
 *      that they changed (e.g. 'password_set_at') instead.
 *   2. add the table to `audited[]` in audit.c (entity, table, id column, key column inside
 *      the JSON or NULL, the same column list): `pantau audit verify` then checks the triggers
 *      exist and that every row equals its last audited state.
 *      Rows written many at a time by one C path (answers, a score's sections and flags) may
 *      instead be covered by a digest in their owner's entry, computed in C from the values
 *      just written (pt__audit_visit, pt__audit_score): one entry per owner instead
 *      of one per row; verify recomputes the digest from the table (pt_rows_digest).
 *   3. in the same migration, record the rows that already exist as the starting point:
 *        INSERT INTO audit_append SELECT 'insert', 'app_user', id, NULL, json_object(...)
 *          FROM app_user ORDER BY id;
 */
#ifndef PANTAU_AUDIT_INTERNAL_H
#define PANTAU_AUDIT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "pantau/audit.h"

/* Registers pt_actor(), pt_now(), pt_audit_hash(...), pt_answers_digest(...) and
 * pt_rows_digest(...) on db. Called
 * by pt_open on every connection, before the migrations (migration 3 uses them). The actor
 * starts as "local". Returns a SQLite result code. */
int pt__audit_register(sqlite3 *db);

/* Sets the name the triggers record as the actor of the changes that follow on this
 * connection (copied). NULL or "" goes back to "local". Call it outside a running statement. */
int pt__audit_set_actor(pt_ctx *ctx, const char *name);

/* One inserted answer as the importer holds it (visit.c's checked answers are this type), with
 * exactly the values it binds: value NULL when na, note NULL when there is none. */
typedef struct pt__audit_answer {
    const char *item_id;
    int position;
    const char *value;
    int na;
    const char *note;
} pt__audit_answer;

/* A visit as the importer just inserted it: the values it bound to the visit row (id is the
 * new rowid), its team (positions 0, 1, ... in array order) and its answers. */
typedef struct pt__audited_visit {
    int64_t id, institution_id, checklist_version_id;
    const char *date, *type, *notes, *source, *created_at;   /* notes, source may be NULL */
    size_t n_team;
    const struct pt_team_member *team;
    size_t n_answers;
    const pt__audit_answer *answers;
} pt__audited_visit;

/* Records an imported visit as ONE "visit" insert entry: the visit row's JSON (the columns of
 * the visit triggers), 'team' (the array of its visit_team rows, each as the visit_team
 * triggers record one), 'n_answers' and 'answers_sha256' (the digest of its answers). Call it
 * once the visit, its team and its answers are written, inside the caller's transaction:
 * visit and visit_team have no insert triggers (the importer is their only writer), and
 * inserted answers no row of their own. Everything is computed here from *visit, the very
 * values just inserted, so nothing is read back; verify compares each table with it. *stmt
 * caches the prepared statement between calls (NULL at first); the caller finalizes it
 * (sqlite3_finalize). */
int pt__audit_visit(pt_ctx *ctx, sqlite3_stmt **stmt, const pt__audited_visit *visit);

/* Records score->visit_id's stored score as ONE "score" entry: the score row (read back from
 * the table) plus the count and sha256 of its sections and of its flags, computed here from
 * score (the values just inserted, in position order). Call it once the score, its sections
 * and its flags are written, inside the same transaction: score_section and score_flag have no
 * triggers of their own, and score has none on insert (this call is its insert entry). *stmt
 * caches the prepared statement as for pt__audit_visit. */
struct pt_score;
int pt__audit_score(pt_ctx *ctx, sqlite3_stmt **stmt, const struct pt_score *score);

/* Records the insert of visit_transition row step_id exactly as its insert trigger does (the
 * row read back as json_object of its columns), for a writer running with triggers off
 * (pt__triggers_enable). *stmt caches the statement as for pt__audit_visit. */
int pt__audit_step(pt_ctx *ctx, sqlite3_stmt **stmt, int64_t step_id);

#endif
