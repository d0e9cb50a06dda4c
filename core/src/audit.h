/*
 * The audit log's internals (audit.c): the SQL functions its triggers call, the actor they
 * record, and the digest of a visit's answers. Not installed.
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
 *      just written (pt__audit_visit_answers, pt__audit_score): one entry per owner instead
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

/* Records the digest of visit_id's answers (a "visit.answers" row),
 * once all of them are written, inside the caller's transaction. The digest is computed here
 * from answers[0..n) (any order: sorted by item_id here), the very values just inserted, so
 * the rows are not read back; verify recomputes it from the table. *stmt caches the prepared
 * statement between calls (NULL at first); the caller finalizes it (sqlite3_finalize). */
int pt__audit_visit_answers(pt_ctx *ctx, sqlite3_stmt **stmt, int64_t visit_id,
                            const pt__audit_answer *answers, size_t n);

/* Records score->visit_id's stored score as ONE "score" entry: the score row (read back from
 * the table) plus the count and sha256 of its sections and of its flags, computed here from
 * score (the values just inserted, in position order). Call it once the score, its sections
 * and its flags are written, inside the same transaction: score_section and score_flag have no
 * triggers of their own, and score has none on insert (this call is its insert entry). *stmt
 * caches the prepared statement as for pt__audit_visit_answers. */
struct pt_score;
int pt__audit_score(pt_ctx *ctx, sqlite3_stmt **stmt, const struct pt_score *score);

#endif
