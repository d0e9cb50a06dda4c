/*
 * The audit log: an append-only record of every change to institutions, checklist versions,
 * visits, their teams, answers (see below) and scores: who, when, what, and the row before and
 * after. The database writes it itself (triggers), so no code path can forget it, and refuses
 * to change or delete its rows. Each row carries the sha256 of its content and of the row
 * before it (a hash chain): editing or deleting a row breaks the chain where it happened.
 *
 * Inserted answers are covered by one "visit.answers" entry per visit holding the sha256 of
 * all its answers in item_id order (one row per answer would double the cost of an import);
 * corrections to answers are recorded one by one, each followed by the visit's new digest.
 * Likewise a stored score is one "score" entry holding the score row and the count and sha256
 * of its sections and of its flags (one row per section and flag would be ten per score).
 *
 * What it protects against: the roles stop misuse through pantau; someone who edits the
 * database file directly can change anything, and then the audit log is what shows it. It
 * detects; it does not prevent. A tamperer who rewrites the whole chain from the edit onward
 * is only caught by comparing the latest hash with a copy kept elsewhere (pt_audit_verify's
 * head_hash).
 */
#ifndef PANTAU_AUDIT_H
#define PANTAU_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

typedef struct pt_audit_entry {
    int64_t seq;              /* the row number: 1, 2, 3 ... */
    const char *at;           /* UTC, YYYY-MM-DDTHH:MM:SSZ */
    const char *actor;        /* the user name; "local" when pantau has no users */
    const char *action;       /* "insert", "update" or "delete" */
    const char *entity;       /* the table: "institution", "visit", "visit.answers" ... */
    int64_t entity_id;        /* the record's id (the visit's id for rows a visit owns) */
    const char *before;       /* JSON object of the row before; NULL for insert */
    const char *after;        /* JSON object of the row after; NULL for delete */
    const char *prev_hash;    /* 64 hex */
    const char *hash;         /* 64 hex */
} pt_audit_entry;

/* Calls cb for each audit entry in order, only those of `entity` when it is not NULL, and of
 * that entity_id when entity_id > 0. A non-zero return from cb stops the walk and is returned.
 * Pointers in the entry live only during the call. */
int pt_audit_foreach(pt_ctx *ctx, const char *entity, int64_t entity_id,
                     int (*cb)(const pt_audit_entry *entry, void *payload), void *payload);

typedef struct pt_audit_report {
    int64_t n_entries;        /* rows in the log */
    int64_t head_seq;         /* the last row (0 when the log is empty) */
    char head_hash[65];       /* its hash: keep a copy elsewhere to detect a rewritten chain */
    size_t n_problems;        /* how many were found; 0: intact */
    char **problems;          /* n_problems messages, chain first, each naming the row,
                                 record or trigger; owned by the report */
} pt_audit_report;

/* Checks the whole log: every row's hash (an edited row), the numbering (deleted rows), the
 * links between rows, that the audit triggers exist, that every audited record equals its
 * last audited state (a change made with the triggers dropped; for a score, its sections and
 * flags against the entry's digests), and every visit's answers against their audited digest. Returns PT_OK when the check ran, whatever it found (see
 * report->n_problems), or a negative code when the database could not be read. Free the
 * report with pt_audit_report_clear, also after an error. */
int pt_audit_verify(pt_ctx *ctx, pt_audit_report *report);
void pt_audit_report_clear(pt_audit_report *report);

#ifdef __cplusplus
}
#endif
#endif
