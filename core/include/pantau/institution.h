/*
 * Institutions (LKS/LKSA): the homes that are registered, visited and accredited.
 *
 * Fields are set by name, so the command line, CSV import and later front ends share one
 * validation path. The names (also the CSV header names and the JSON keys):
 *   reg_no, name, kind, owner, address, kelurahan, kecamatan, kabupaten_kota, province,
 *   latitude, longitude, capacity, children_in_care, reg_status, reg_date, reg_expires,
 *   contact_name, contact_phone, contact_email
 * kind:       LKSA, LKS-LU (lanjut usia), LKS-PD (penyandang disabilitas), LKS-KT (korban
 *             tindak kekerasan), LKS-PMKS (lainnya)
 * reg_status: registered, unregistered, expired, revoked. A new institution given none
 *             (absent or empty, by add or by CSV import) is "registered" when it has a reg_no,
 *             else "unregistered". It cannot be cleared: update refuses an empty value, and an
 *             import row that updates a stored institution with an empty status keeps its status.
 * Dates are YYYY-MM-DD. Only counts are kept about children, never identities (UU 27/2022).
 */
#ifndef PANTAU_INSTITUTION_H
#define PANTAU_INSTITUTION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

typedef struct pt_institution {
    int64_t id;
    const char *reg_no;          /* nomor tanda daftar; NULL for an unregistered home */
    const char *name;
    const char *kind;
    const char *owner;           /* yayasan / owner; NULL if unknown */
    const char *address, *kelurahan, *kecamatan, *kabupaten_kota, *province;
    int has_coords;
    double latitude, longitude;
    int capacity;                /* -1 if unknown */
    int children_in_care;        /* -1 if unknown */
    const char *reg_status;
    const char *reg_date, *reg_expires;   /* NULL if unknown */
    const char *contact_name, *contact_phone, *contact_email;
    const char *created_at, *updated_at;
} pt_institution;

/* One "name = value" pair. An empty value clears an optional field. */
typedef struct pt_field {
    const char *name;
    const char *value;
} pt_field;

/* The field names accepted above, NULL-terminated. */
extern const char *const pt_institution_fields[];

/* Adds an institution. name and kind are required; reg_status defaults as above. *id (may be
 * NULL) receives the new id. Errors: PT_EINVALID (unknown field, bad value: message names the field),
 * PT_EEXISTS (reg_no already registered). */
int pt_institution_add(pt_ctx *ctx, const pt_field *fields, size_t n_fields, int64_t *id);

/* Changes the given fields of an institution, in one transaction. */
int pt_institution_update(pt_ctx *ctx, int64_t id, const pt_field *fields, size_t n_fields);

/* Finds an institution by "ID" as a user types it: a numeric id, or a registration number.
 * *out belongs to the caller (pt_institution_free). Errors: PT_ENOTFOUND. */
int pt_institution_get(pt_ctx *ctx, const char *key, pt_institution **out);
void pt_institution_free(pt_institution *institution);

/* Calls cb for each institution ordered by id; a non-zero return stops the walk and is
 * returned. The institution lives only during the call. */
int pt_institution_foreach(pt_ctx *ctx,
                           int (*cb)(const pt_institution *institution, void *payload),
                           void *payload);

typedef struct pt_import_result {
    int added;
    int updated;
} pt_import_result;

/* Imports institutions from a CSV file whose header row names fields (see above). A row whose
 * reg_no is already stored updates that institution. All rows or none: the first bad row stops
 * the import with "FILE:LINE: field: reason" and nothing is written. UTF-8 with or without BOM,
 * CRLF or LF, ',' or ';' separators. */
int pt_institution_import_csv(pt_ctx *ctx, const char *path, pt_import_result *result);

/* ---- The status and the story of a home (institution_story.c; docs/workflow.md,
 * "Institution status") ------------------------------------------------------------------ */

/* Where a home stands on a given day. Every string is a NUL-terminated copy inside the struct
 * ("" when there is none): the struct owns nothing and needs no free. */
typedef struct pt_institution_status {
    int64_t institution_id;
    char today[11];                /* the day it was computed for, YYYY-MM-DD */

    /* Registration (tanda daftar), from the institution row. */
    char reg_status[16];           /* registered, unregistered, expired, revoked */
    char reg_date[11], reg_expires[11];
    /* As of today: "valid" (registered, not expiring within 90 days or no expiry date known),
     * "expiring" (registered, expires within 90 days), "expired" (status expired, or
     * registered with reg_expires before today), "none" (unregistered or revoked). Static. */
    const char *reg_validity;
    int reg_days_left;             /* days from today to reg_expires; meaningful only when
                                      reg_expires is set (negative once past) */

    /* Accreditation: the latest accreditation decision that no other decision supersedes.
     * It is in force when its outcome carries a validity and valid_until >= today. */
    int accredited;                /* 1: an accreditation is in force (fields below) */
    int has_last_decision;         /* 1: the fields below describe the latest decision, even
                                      when it is not in force (expired, or TT) */
    int64_t accreditation_decision_id;
    char accreditation_grade[16];  /* the decision's outcome: A, B, C or TT */
    char accreditation_label[128];
    char accreditation_valid_from[11], accreditation_valid_until[11]; /* "" for TT */
    char accreditation_decided_at[21];
    int accreditation_days_left;   /* to valid_until; meaningful when valid_until is set */

    /* The sanction ladder: the highest step issued (0: none) and that sanction. */
    int sanction_step;
    char sanction_level[32];       /* teguran_lisan ... pencabutan_izin */
    char sanction_label[32];       /* "teguran lisan" ... "pencabutan izin" */
    int64_t sanction_id;
    char sanction_agency[129];
    char sanction_issued_at[21];

    /* Findings (tindak lanjut). */
    int findings_open;
    int findings_overdue;          /* open and due_date < today */
} pt_institution_status;

/* Fills *out with the status of institution_id as of today (YYYY-MM-DD; NULL: the current UTC
 * date). Needs PT_ACT_READ. Errors: PT_ENOTFOUND (no such institution), PT_EINVALID (today is
 * not a date), PT_EDENIED. */
int pt_institution_status_get(pt_ctx *ctx, int64_t institution_id, const char *today,
                              pt_institution_status *out);

/* The Indonesian label of a registration status ("registered" -> "terdaftar"). A static
 * string; the input itself when unknown. */
const char *pt_institution_reg_status_label(const char *reg_status);

/* One event in the story of a home. Strings live only during the callback. */
typedef struct pt_story_entry {
    const char *date;      /* YYYY-MM-DD: the visit date, else the day the record was made */
    const char *at;        /* the record's timestamp (UTC ISO 8601); the visit date for a visit */
    /* "visit", "decision", "finding", "finding_closed", "plan", "sanction", "registration" */
    const char *kind;
    const char *text;      /* one short line in Bahasa Indonesia */
    int64_t id;            /* the record's own id (for "registration", the audit log seq) */
    int64_t visit_id;      /* the visit it concerns; 0 when none */
    int64_t decision_id;   /* a decision: itself; 0 otherwise */
    int64_t finding_id;    /* a finding, its closing or its plan: the finding; a sanction: the
                              finding it names; 0 otherwise */
} pt_story_entry;

/* Calls cb for each event of the home's story, oldest first (by date, then the time it was
 * recorded): its visits (type, state, score and grade, an override in force), decisions
 * (outcome, validity, appeal or correction, superseded), findings, their closing by a
 * verification visit, corrective plans, sanctions, and the changes of its registration
 * (reg_no, reg_status, reg_date, reg_expires) read from the audit log. A non-zero return from
 * cb stops the walk and is returned. Needs PT_ACT_READ. Errors: PT_ENOTFOUND, PT_EDENIED. */
int pt_institution_story_foreach(pt_ctx *ctx, int64_t institution_id,
                                 int (*cb)(const pt_story_entry *entry, void *payload),
                                 void *payload);

#ifdef __cplusplus
}
#endif
#endif
