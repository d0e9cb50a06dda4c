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

#ifdef __cplusplus
}
#endif
#endif
