/*
 * Visits: one institution, one checklist version, a date, a type, a team and answers by item id.
 *
 * Import reads a CSV or XML visit file (see checklists/README.md, "Visit files"), checks every
 * answer against its item's type before anything is written, and writes the whole file in one
 * transaction: every visit or none. The error lists each visit that failed, with file, line and
 * item id.
 */
#ifndef PANTAU_VISIT_H
#define PANTAU_VISIT_H

#include <stddef.h>
#include <stdint.h>

#include "pantau/lifecycle.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

/* Visit types, stored as these keys. Import also accepts the Indonesian words
 * rutin, akreditasi, pengaduan, gabungan. */
#define PT_VISIT_TYPES "routine, accreditation, complaint, joint"

typedef struct pt_answer {
    const char *item_id;
    const char *value;   /* canonical text: "ya"/"tidak", "3", "12.5", "2026-03-14", a choice
                            value, free text; NULL when na or unanswered */
    int na;              /* 1: "tidak berlaku" (N/A), allowed only where the item says so */
    const char *note;    /* NULL if none */
    int line;            /* source line when parsed from a file, else 0 */
} pt_answer;

typedef struct pt_team_member {
    const char *name;
    const char *agency;  /* "Dinas Sosial", "Satpol PP", "DP3A", "BALKS" ... */
    const char *role;    /* "ketua", "anggota" ...; NULL if none */
} pt_team_member;

typedef struct pt_visit {
    int64_t id;                  /* 0 until stored */
    int64_t institution_id;
    const char *institution_name;
    const char *checklist_id;
    const char *checklist_version;
    const char *date;            /* YYYY-MM-DD */
    const char *type;            /* a key of PT_VISIT_TYPES */
    const char *notes;           /* NULL if none */
    size_t n_team;
    const pt_team_member *team;
    size_t n_answers;
    const pt_answer *answers;    /* in checklist order when read from the store */
    const char *created_at;
} pt_visit;

/* Values used where a file leaves them out (the command's --institution, --checklist, --date,
 * --type, --team options). team: "Name|Agency|Role" entries separated by ';'. Any may be NULL. */
typedef struct pt_visit_defaults {
    const char *institution;     /* id or registration number */
    const char *checklist;       /* "id@version" or "id" (latest stored version) */
    const char *date;
    const char *type;
    const char *team;
} pt_visit_defaults;

typedef struct pt_visit_import_result {
    int n_visits;                /* visits written */
    int n_answers;               /* answers written */
    int64_t first_id, last_id;   /* ids given to them (consecutive) */
} pt_visit_import_result;

/* Imports every visit of a CSV or XML file (told apart by content). defaults may be NULL.
 * Errors: PT_EIO, PT_EINVALID (message: every failing visit with FILE:LINE and item id),
 * PT_ENOTFOUND (institution or checklist version not stored), PT_ELIMIT (file too large). */
int pt_visit_import(pt_ctx *ctx, const char *path, const pt_visit_defaults *defaults,
                    pt_visit_import_result *result);

/* Reads a stored visit. *out belongs to the caller (pt_visit_free). Errors: PT_ENOTFOUND. */
int pt_visit_get(pt_ctx *ctx, int64_t id, pt_visit **out);
void pt_visit_free(pt_visit *visit);

/* One line of a visit listing, with its stored score when there is one. */
typedef struct pt_visit_summary {
    int64_t id;
    int64_t institution_id;
    const char *institution_name;
    const char *checklist_id, *checklist_version;
    const char *date, *type;
    int n_answers;
    int scored;                  /* 1 if a score is stored; then: */
    double total, max;
    const char *grade;           /* "" when the total is below every band */
    int n_flags;
    pt_visit_state state;        /* where it is in its life cycle (lifecycle.h) */
} pt_visit_summary;

/* Calls cb for each visit (of one institution when institution_id > 0), ordered by date then
 * id. A non-zero return from cb stops the walk and is returned. The summary lives only
 * during the call. */
int pt_visit_foreach(pt_ctx *ctx, int64_t institution_id,
                     int (*cb)(const pt_visit_summary *summary, void *payload), void *payload);

#ifdef __cplusplus
}
#endif
#endif
