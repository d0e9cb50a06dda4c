/*
 * Institutions: add, update, look up, list and import from CSV.
 *
 * One table (fields[] below) describes every field: its name, which is also its column, the
 * kind of value it holds and where it lives in pt_institution. Add, update and CSV import all
 * validate through it, so a value refused by one is refused by all with the same message.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "authz.h"
#include "internal.h"

/* Largest institution CSV accepted. A national list is a few thousand rows of a few hundred
 * bytes; this leaves ample room. */
#define IMPORT_MAX_BYTES (64u * 1024u * 1024u)
/* Longest text value, in bytes: an address is long, a paragraph is not a field. */
#define TEXT_MAX_BYTES 1000u

typedef enum field_kind {
    K_TEXT,
    K_ENUM,       /* one of values[] (case-insensitive, stored as written there) */
    K_DATE,       /* YYYY-MM-DD */
    K_COUNT,      /* whole number >= 0 */
    K_LATITUDE,
    K_LONGITUDE,
    K_EMAIL
} field_kind;

typedef struct value_alias {
    const char *from, *to;
} value_alias;

/* field_def.required */
enum {
    OPTIONAL = 0,
    REQUIRED = 1,   /* may not be empty */
    DEFAULTED = 2   /* never stored empty, but a new row given none (absent or empty) takes a
                     * default (default_reg_status): add and import agree on it */
};

typedef struct field_def {
    const char *name;              /* API name, CSV header name and column name */
    field_kind kind;
    int required;                  /* OPTIONAL, REQUIRED or DEFAULTED */
    size_t offset;                 /* where it lives in pt_institution */
    const char *const *values;     /* K_ENUM: allowed values, NULL-terminated */
    const value_alias *aliases;    /* K_ENUM: other spellings accepted (Indonesian) */
} field_def;

static const char *const kinds[] = {"LKSA", "LKS-LU", "LKS-PD", "LKS-KT", "LKS-PMKS", NULL};
static const char *const statuses[] = {"registered", "unregistered", "expired", "revoked", NULL};
static const value_alias status_aliases[] = {
    {"terdaftar", "registered"},       {"tidak terdaftar", "unregistered"},
    {"belum terdaftar", "unregistered"}, {"kedaluwarsa", "expired"},
    {"kadaluarsa", "expired"},         {"kadaluwarsa", "expired"},
    {"dicabut", "revoked"},            {NULL, NULL},
};

#define OFF(member) offsetof(pt_institution, member)

/* The order is pt_institution_fields' and the SELECT's. */
static const field_def fields[] = {
    {"reg_no", K_TEXT, 0, OFF(reg_no), NULL, NULL},
    {"name", K_TEXT, 1, OFF(name), NULL, NULL},
    {"kind", K_ENUM, 1, OFF(kind), kinds, NULL},
    {"owner", K_TEXT, 0, OFF(owner), NULL, NULL},
    {"address", K_TEXT, 0, OFF(address), NULL, NULL},
    {"kelurahan", K_TEXT, 0, OFF(kelurahan), NULL, NULL},
    {"kecamatan", K_TEXT, 0, OFF(kecamatan), NULL, NULL},
    {"kabupaten_kota", K_TEXT, 0, OFF(kabupaten_kota), NULL, NULL},
    {"province", K_TEXT, 0, OFF(province), NULL, NULL},
    {"latitude", K_LATITUDE, 0, OFF(latitude), NULL, NULL},
    {"longitude", K_LONGITUDE, 0, OFF(longitude), NULL, NULL},
    {"capacity", K_COUNT, 0, OFF(capacity), NULL, NULL},
    {"children_in_care", K_COUNT, 0, OFF(children_in_care), NULL, NULL},
    {"reg_status", K_ENUM, DEFAULTED, OFF(reg_status), statuses, status_aliases},
    {"reg_date", K_DATE, 0, OFF(reg_date), NULL, NULL},
    {"reg_expires", K_DATE, 0, OFF(reg_expires), NULL, NULL},
    {"contact_name", K_TEXT, 0, OFF(contact_name), NULL, NULL},
    {"contact_phone", K_TEXT, 0, OFF(contact_phone), NULL, NULL},
    {"contact_email", K_EMAIL, 0, OFF(contact_email), NULL, NULL},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])
enum { F_REG_NO = 0, F_REG_STATUS = 13 };   /* fields[] indexes the code needs by name */

const char *const pt_institution_fields[] = {
    "reg_no", "name", "kind", "owner", "address", "kelurahan", "kecamatan", "kabupaten_kota",
    "province", "latitude", "longitude", "capacity", "children_in_care", "reg_status",
    "reg_date", "reg_expires", "contact_name", "contact_phone", "contact_email", NULL,
};

/* CSV headers as Indonesian offices write them (after lower-casing, spaces and '-' as '_'). */
static const value_alias header_aliases[] = {
    {"nama", "name"},                 {"nama_lembaga", "name"},
    {"jenis", "kind"},                {"jenis_lembaga", "kind"},
    {"no_registrasi", "reg_no"},      {"nomor_registrasi", "reg_no"},
    {"kapasitas", "capacity"},        {"jumlah_anak", "children_in_care"},
    {"kabupaten/kota", "kabupaten_kota"}, {"kab/kota", "kabupaten_kota"},
    {"kabupaten", "kabupaten_kota"},  {"kota", "kabupaten_kota"},
    {"provinsi", "province"},         {"status", "reg_status"},
    {"alamat", "address"},            {"pemilik", "owner"},
    {"yayasan", "owner"},             {"pemilik/yayasan", "owner"},
    {"lintang", "latitude"},          {"bujur", "longitude"},
    {NULL, NULL},
};

/* A validated value, ready to bind. */
typedef struct value {
    int set;                 /* the caller gave this field */
    int is_null;             /* empty: clears an optional field */
    const char *text;        /* text kinds (trimmed, canonical); lives in the operation's arena */
    long long integer;
    double real;
} value;

/* Where numbers come from: a CSV file (decimal comma rules of that file) or the API ('.'). */
typedef struct number_source {
    const pt__csv *csv;      /* NULL for the API */
    const char *path;
    int line;
} number_source;

static const field_def *field_by_name(const char *name)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (strcasecmp(fields[i].name, name) == 0) return &fields[i];
    return NULL;
}

static int unknown_field(const char *name)
{
    char list[512] = "";
    for (size_t i = 0; i < N_FIELDS; i++) {
        strcat(list, fields[i].name);
        if (i + 1 < N_FIELDS) strcat(list, ", ");
    }
    return pt__error(PT_EINVALID, "unknown field '%s'; valid fields: %s", name, list);
}

/* "-6.2088" as the API gives it: [sign] digits ['.' digits], read without the locale. */
static int parse_decimal(const char *s, double *out)
{
    const char *p = s;
    int negative = 0;
    if (*p == '-' || *p == '+') negative = *p++ == '-';
    double mantissa = 0, scale = 1;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++) mantissa = mantissa * 10 + (*p - '0');
    if (!digits) return 0;
    if (*p == '.') {
        p++;
        int frac = 0;
        for (; *p >= '0' && *p <= '9'; p++, frac++, digits++) {
            mantissa = mantissa * 10 + (*p - '0');
            scale *= 10;
        }
        if (!frac) return 0;
    }
    if (*p || digits > 15) return 0;
    *out = (negative ? -mantissa : mantissa) / scale;
    return 1;
}

/* A decimal from a CSV cell: pt__csv_number's message is "FILE:LINE: reason"; keep the reason
 * so the caller can write "FILE:LINE: field 'x': reason". */
static int csv_decimal(const field_def *def, const number_source *src, const char *text, double *out)
{
    if (pt__csv_number(src->csv, text, src->line, out) == PT_OK) return PT_OK;
    char prefix[600], reason[1024];
    snprintf(prefix, sizeof prefix, "%s:%d: ", src->path, src->line);
    const char *msg = pt_error_last();
    if (strncmp(msg, prefix, strlen(prefix)) == 0) msg += strlen(prefix);
    snprintf(reason, sizeof reason, "%s", msg);
    return pt__error(PT_EINVALID, "field '%s': %s", def->name, reason);
}

/* Validates one raw value for def into *out. Text is trimmed of surrounding spaces: cells and
 * command-line arguments carry stray ones, and " LKSA-001" must not differ from "LKSA-001". */
static int check_value(const field_def *def, const char *raw, const number_source *src,
                       pt__arena *arena, value *out)
{
    memset(out, 0, sizeof *out);
    out->set = 1;
    if (!raw) raw = "";
    while (*raw == ' ' || *raw == '\t') raw++;
    size_t len = strlen(raw);
    while (len && (raw[len - 1] == ' ' || raw[len - 1] == '\t')) len--;

    if (!pt__is_utf8(raw, len)) return pt__error(PT_EINVALID, "field '%s': not valid UTF-8", def->name);
    if (len == 0) {
        if (def->required == REQUIRED)
            return pt__error(PT_EINVALID, "field '%s': is required", def->name);
        out->is_null = 1;   /* DEFAULTED: the caller fills the default or refuses */
        return PT_OK;
    }
    if (len > TEXT_MAX_BYTES)
        return pt__error(PT_EINVALID, "field '%s': too long (%zu bytes, at most %u)", def->name, len,
                         TEXT_MAX_BYTES);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)raw[i] < 0x20 || raw[i] == 0x7f)
            return pt__error(PT_EINVALID, "field '%s': must not contain line breaks or control "
                             "characters", def->name);
    char *text = pt__arena_strndup(arena, raw, len);
    if (!text) return pt__error(PT_ENOMEM, "out of memory");
    out->text = text;

    switch (def->kind) {
    case K_TEXT:
        return PT_OK;
    case K_ENUM:
        for (const char *const *v = def->values; *v; v++)
            if (strcasecmp(*v, text) == 0) {
                out->text = *v;
                return PT_OK;
            }
        for (const value_alias *a = def->aliases; a && a->from; a++)
            if (strcasecmp(a->from, text) == 0) {
                out->text = a->to;
                return PT_OK;
            }
        {
            char list[256] = "";
            for (const char *const *v = def->values; *v; v++) {
                if (v != def->values) strcat(list, ", ");
                strcat(list, *v);
            }
            return pt__error(PT_EINVALID, "field '%s': must be one of %s, got '%s'", def->name, list, text);
        }
    case K_DATE:
        if (pt__is_date(text)) return PT_OK;
        return pt__error(PT_EINVALID, "field '%s': must be a date YYYY-MM-DD, got '%s'", def->name, text);
    case K_COUNT: {
        const char *p = text;
        if (*p == '+') p++;
        size_t n = strspn(p, "0123456789");
        if (n == 0 || p[n] != '\0' || n > 9)
            return pt__error(PT_EINVALID, "field '%s': must be a whole number >= 0, got '%s'", def->name, text);
        out->integer = atoll(p);
        return PT_OK;
    }
    case K_LATITUDE:
    case K_LONGITUDE: {
        double d;
        if (src && src->csv) {
            int err = csv_decimal(def, src, text, &d);
            if (err) return err;
        } else if (!parse_decimal(text, &d)) {
            return pt__error(PT_EINVALID, "field '%s': must be a decimal number like %s, got '%s'",
                             def->name, def->kind == K_LATITUDE ? "-6.2088" : "106.8456", text);
        }
        double limit = def->kind == K_LATITUDE ? 90 : 180;
        if (d < -limit || d > limit)
            return pt__error(PT_EINVALID, "field '%s': must be between %g and %g, got '%s'", def->name,
                             -limit, limit, text);
        out->real = d;
        return PT_OK;
    }
    case K_EMAIL: {
        /* "email-ish": one '@', something before it, a dotted domain after, no spaces. Enough
         * to catch a phone number typed in the wrong column. */
        const char *at = strchr(text, '@');
        int ok = at && at != text && !strchr(at + 1, '@') && !strpbrk(text, " \t,;") &&
                 strchr(at + 1, '.') && at[1] != '.' && text[len - 1] != '.';
        if (ok) return PT_OK;
        return pt__error(PT_EINVALID, "field '%s': must be an e-mail address like nama@contoh.id, got '%s'",
                         def->name, text);
    }
    }
    return PT_OK;
}

/* Validates the API's name = value pairs into values[N_FIELDS]. */
static int check_fields(const pt_field *in, size_t n, pt__arena *arena, value values[N_FIELDS])
{
    memset(values, 0, N_FIELDS * sizeof values[0]);
    for (size_t i = 0; i < n; i++) {
        const field_def *def = in[i].name ? field_by_name(in[i].name) : NULL;
        if (!def) return unknown_field(in[i].name ? in[i].name : "");
        value *v = &values[def - fields];
        if (v->set) return pt__error(PT_EINVALID, "field '%s': given twice", def->name);
        int err = check_value(def, in[i].value, NULL, arena, v);
        if (err) return err;
    }
    return PT_OK;
}

static void bind_value(sqlite3_stmt *stmt, int index, const field_def *def, const value *v)
{
    if (v->is_null) sqlite3_bind_null(stmt, index);
    else if (def->kind == K_COUNT) sqlite3_bind_int64(stmt, index, v->integer);
    else if (def->kind == K_LATITUDE || def->kind == K_LONGITUDE) sqlite3_bind_double(stmt, index, v->real);
    else sqlite3_bind_text(stmt, index, v->text, -1, SQLITE_STATIC);
}

/* The institution (other than except_id) already using reg_no, or 0. */
static int reg_no_owner(pt_ctx *ctx, const char *reg_no, int64_t except_id, int64_t *owner)
{
    *owner = 0;
    sqlite3_stmt *stmt;
    int err = pt__prepare(ctx, &stmt, "SELECT id FROM institution WHERE reg_no = ?1 AND id <> ?2");
    if (err) return err;
    sqlite3_bind_text(stmt, 1, reg_no, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, except_id);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) *owner = sqlite3_column_int64(stmt, 0);
    else if (rc != SQLITE_DONE) err = pt__error_sqlite(ctx->db, rc, "cannot look up the registration number");
    sqlite3_finalize(stmt);
    return err;
}

static int check_reg_no_free(pt_ctx *ctx, const value *reg_no, int64_t except_id)
{
    if (!reg_no->set || reg_no->is_null) return PT_OK;
    int64_t owner;
    int err = reg_no_owner(ctx, reg_no->text, except_id, &owner);
    if (err) return err;
    if (owner)
        return pt__error(PT_EEXISTS, "registration number %s is already used by institution %lld",
                         reg_no->text, (long long)owner);
    return PT_OK;
}

/* Rules across fields, checked on the row as stored (an update may change one side only). */
static int check_row(pt_ctx *ctx, int64_t id)
{
    sqlite3_stmt *stmt;
    int err = pt__prepare(ctx, &stmt,
        "SELECT (latitude IS NULL) <> (longitude IS NULL), reg_expires < reg_date, reg_date "
        "FROM institution WHERE id = ?1");
    if (err) return err;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        err = rc == SQLITE_DONE ? pt__error(PT_ENOTFOUND, "no institution with id %lld", (long long)id)
                                : pt__error_sqlite(ctx->db, rc, "cannot read the institution");
    } else if (sqlite3_column_int(stmt, 0)) {
        err = pt__error(PT_EINVALID, "fields 'latitude' and 'longitude': give both or neither");
    } else if (sqlite3_column_int(stmt, 1)) {
        err = pt__error(PT_EINVALID, "field 'reg_expires': is before reg_date (%s)",
                        (const char *)sqlite3_column_text(stmt, 2));
    }
    sqlite3_finalize(stmt);
    return err;
}

/* A DEFAULTED field given empty to an update: it cannot be cleared (the column is NOT NULL),
 * and there is no "new row" default to fall back on. */
static int refuse_cleared_defaulted(const value values[N_FIELDS])
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (fields[i].required == DEFAULTED && values[i].set && values[i].is_null)
            return pt__error(PT_EINVALID, "field '%s': is required", fields[i].name);
    return PT_OK;
}

/* The registration status of a new institution given none: a home with a registration number
 * (tanda daftar) is registered, one without is not. One rule for add and import, so the same
 * row gets the same status whichever way it comes in. */
static void default_reg_status(value values[N_FIELDS])
{
    value *status = &values[F_REG_STATUS];
    if (status->set && !status->is_null) return;
    const value *reg_no = &values[F_REG_NO];
    *status = (value){.set = 1,
                      .text = reg_no->set && !reg_no->is_null ? "registered" : "unregistered"};
}

/* Inserts a validated row (DEFAULTED fields filled here); the caller holds the transaction. */
static int insert_row(pt_ctx *ctx, value values[N_FIELDS], int64_t *id)
{
    default_reg_status(values);
    for (size_t i = 0; i < N_FIELDS; i++)
        if (fields[i].required && (!values[i].set || values[i].is_null))
            return pt__error(PT_EINVALID, "field '%s': is required", fields[i].name);
    int err = check_reg_no_free(ctx, &values[F_REG_NO], 0);
    if (err) return err;

    /* Column names come from fields[], never from input; every value is bound. */
    char sql[1024] = "INSERT INTO institution (";
    for (size_t i = 0; i < N_FIELDS; i++) {
        strcat(sql, fields[i].name);
        strcat(sql, ", ");
    }
    strcat(sql, "created_at, updated_at) VALUES (");
    for (size_t i = 0; i < N_FIELDS + 2; i++) strcat(sql, i ? ", ?" : "?");
    strcat(sql, ")");

    sqlite3_stmt *stmt;
    if ((err = pt__prepare(ctx, &stmt, sql))) return err;
    for (size_t i = 0; i < N_FIELDS; i++) {
        if (values[i].set) bind_value(stmt, (int)i + 1, &fields[i], &values[i]);
        else sqlite3_bind_null(stmt, (int)i + 1);
    }
    char now[21];
    pt__now_utc(now);
    sqlite3_bind_text(stmt, (int)N_FIELDS + 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, (int)N_FIELDS + 2, now, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) *id = sqlite3_last_insert_rowid(ctx->db);
    else err = pt__error_sqlite(ctx->db, rc, "cannot add the institution");
    sqlite3_finalize(stmt);
    return err ? err : check_row(ctx, *id);
}

/* Updates the fields set in values; the caller holds the transaction. */
static int update_row(pt_ctx *ctx, int64_t id, const value values[N_FIELDS])
{
    int err = check_reg_no_free(ctx, &values[F_REG_NO], id);
    if (err) return err;

    char sql[1024] = "UPDATE institution SET ";
    int n = 0;
    for (size_t i = 0; i < N_FIELDS; i++) {
        if (!values[i].set) continue;
        char part[64];
        snprintf(part, sizeof part, "%s = ?%d, ", fields[i].name, ++n);
        strcat(sql, part);
    }
    char tail[64];
    snprintf(tail, sizeof tail, "updated_at = ?%d WHERE id = ?%d", n + 1, n + 2);
    strcat(sql, tail);

    sqlite3_stmt *stmt;
    if ((err = pt__prepare(ctx, &stmt, sql))) return err;
    n = 0;
    for (size_t i = 0; i < N_FIELDS; i++)
        if (values[i].set) bind_value(stmt, ++n, &fields[i], &values[i]);
    char now[21];
    pt__now_utc(now);
    sqlite3_bind_text(stmt, n + 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, n + 2, id);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) err = pt__error_sqlite(ctx->db, rc, "cannot update the institution");
    else if (sqlite3_changes(ctx->db) == 0)
        err = pt__error(PT_ENOTFOUND, "no institution with id %lld", (long long)id);
    sqlite3_finalize(stmt);
    return err ? err : check_row(ctx, id);
}

int pt_institution_add(pt_ctx *ctx, const pt_field *in, size_t n_fields, int64_t *id)
{
    if (id) *id = 0;
    int denied = pt__authz(ctx, PT_ACT_INSTITUTION_WRITE);
    if (denied) return denied;
    pt__arena *arena = pt__arena_new();
    if (!arena) return pt__error(PT_ENOMEM, "out of memory");
    value values[N_FIELDS];
    int64_t new_id = 0;
    int err = check_fields(in, n_fields, arena, values);
    if (!err) err = pt__begin(ctx);
    if (!err) {
        err = insert_row(ctx, values, &new_id);
        if (!err) err = pt__commit(ctx);
        else pt__rollback(ctx);
    }
    pt__arena_free(arena);
    if (!err && id) *id = new_id;
    return err;
}

int pt_institution_update(pt_ctx *ctx, int64_t id, const pt_field *in, size_t n_fields)
{
    int denied = pt__authz(ctx, PT_ACT_INSTITUTION_WRITE);
    if (denied) return denied;
    if (n_fields == 0) return pt__error(PT_EINVALID, "institution %lld: no fields to change", (long long)id);
    pt__arena *arena = pt__arena_new();
    if (!arena) return pt__error(PT_ENOMEM, "out of memory");
    value values[N_FIELDS];
    int err = check_fields(in, n_fields, arena, values);
    if (!err) err = refuse_cleared_defaulted(values);
    if (!err) err = pt__begin(ctx);
    if (!err) {
        err = update_row(ctx, id, values);
        if (!err) err = pt__commit(ctx);
        else pt__rollback(ctx);
    }
    pt__arena_free(arena);
    return err;
}

/* ---- reading ---- */

/* SELECT list: id, the fields in table order, created_at, updated_at; into sql[1024]. Built
 * from fields[] each time (cheap) so nothing static is shared between threads. */
static const char *select_sql(char sql[1024], const char *where)
{
    strcpy(sql, "SELECT id");
    for (size_t i = 0; i < N_FIELDS; i++) {
        strcat(sql, ", ");
        strcat(sql, fields[i].name);
    }
    strcat(sql, ", created_at, updated_at FROM institution");
    if (where) {
        strcat(sql, " WHERE ");
        strcat(sql, where);
    }
    strcat(sql, " ORDER BY id");
    return sql;
}

/* Points inst at the current row's values (valid until the next step). */
static void fill_from_row(sqlite3_stmt *stmt, pt_institution *inst)
{
    memset(inst, 0, sizeof *inst);
    inst->id = sqlite3_column_int64(stmt, 0);
    int coords = 1;
    for (size_t i = 0; i < N_FIELDS; i++) {
        int col = (int)i + 1;
        char *slot = (char *)inst + fields[i].offset;
        int null = sqlite3_column_type(stmt, col) == SQLITE_NULL;
        switch (fields[i].kind) {
        case K_COUNT:
            *(int *)slot = null ? -1 : sqlite3_column_int(stmt, col);
            break;
        case K_LATITUDE:
        case K_LONGITUDE:
            *(double *)slot = null ? 0 : sqlite3_column_double(stmt, col);
            if (null) coords = 0;
            break;
        default:
            *(const char **)slot = null ? NULL : (const char *)sqlite3_column_text(stmt, col);
            break;
        }
    }
    inst->has_coords = coords;
    inst->created_at = (const char *)sqlite3_column_text(stmt, (int)N_FIELDS + 1);
    inst->updated_at = (const char *)sqlite3_column_text(stmt, (int)N_FIELDS + 2);
}

/* What pt_institution_get hands out: the struct first, so pt_institution_free can find the
 * arena that holds its strings. */
typedef struct owned_institution {
    pt_institution pub;
    pt__arena *arena;
} owned_institution;

static int copy_institution(const pt_institution *from, pt_institution **out)
{
    owned_institution *o = calloc(1, sizeof *o);
    if (!o || !(o->arena = pt__arena_new())) {
        free(o);
        return pt__error(PT_ENOMEM, "out of memory");
    }
    o->pub = *from;
    const char **strings[] = {
        &o->pub.reg_no, &o->pub.name, &o->pub.kind, &o->pub.owner, &o->pub.address,
        &o->pub.kelurahan, &o->pub.kecamatan, &o->pub.kabupaten_kota, &o->pub.province,
        &o->pub.reg_status, &o->pub.reg_date, &o->pub.reg_expires, &o->pub.contact_name,
        &o->pub.contact_phone, &o->pub.contact_email, &o->pub.created_at, &o->pub.updated_at,
    };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        if (!*strings[i]) continue;
        if (!(*strings[i] = pt__arena_strdup(o->arena, *strings[i]))) {
            pt_institution_free(&o->pub);
            return pt__error(PT_ENOMEM, "out of memory");
        }
    }
    *out = &o->pub;
    return PT_OK;
}

/* 1 if key is all digits (an id as a user types it). */
static int is_id(const char *key, int64_t *id)
{
    size_t n = strspn(key, "0123456789");
    if (n == 0 || key[n] != '\0' || n > 18) return 0;
    *id = atoll(key);
    return 1;
}

int pt_institution_get(pt_ctx *ctx, const char *key, pt_institution **out)
{
    *out = NULL;
    if (!key) key = "";
    /* A numeric key is tried as an id first, then as a registration number (some are digits
     * only); anything else is a registration number. */
    int64_t id;
    int numeric = is_id(key, &id);
    for (int pass = numeric ? 0 : 1; pass < 2; pass++) {
        sqlite3_stmt *stmt;
        char sql[1024];
        int err = pt__prepare(ctx, &stmt, select_sql(sql, pass == 0 ? "id = ?1" : "reg_no = ?1"));
        if (err) return err;
        if (pass == 0) sqlite3_bind_int64(stmt, 1, id);
        else sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
        int rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            pt_institution row;
            fill_from_row(stmt, &row);
            err = copy_institution(&row, out);
            sqlite3_finalize(stmt);
            return err;
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) return pt__error_sqlite(ctx->db, rc, "cannot read the institution");
    }
    return pt__error(PT_ENOTFOUND, "no institution with id or registration number '%s'", key);
}

void pt_institution_free(pt_institution *institution)
{
    if (!institution) return;
    owned_institution *o = (owned_institution *)institution;
    pt__arena_free(o->arena);
    free(o);
}

int pt_institution_foreach(pt_ctx *ctx, int (*cb)(const pt_institution *institution, void *payload),
                           void *payload)
{
    sqlite3_stmt *stmt;
    char sql[1024];
    int err = pt__prepare(ctx, &stmt, select_sql(sql, NULL));
    if (err) return err;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        pt_institution row;
        fill_from_row(stmt, &row);
        int stop = cb(&row, payload);
        if (stop) {
            sqlite3_finalize(stmt);
            return stop;
        }
    }
    err = rc == SQLITE_DONE ? PT_OK : pt__error_sqlite(ctx->db, rc, "cannot list institutions");
    sqlite3_finalize(stmt);
    return err;
}

/* ---- CSV import ---- */

/* Maps a header cell to a field: lower-case, spaces and '-' as '_', Indonesian aliases. */
static const field_def *field_for_header(const char *cell)
{
    char name[64];
    while (*cell == ' ' || *cell == '\t') cell++;
    size_t n = 0;
    for (; *cell && n + 1 < sizeof name; cell++) {
        char c = *cell;
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c == ' ' || c == '-') c = '_';
        name[n++] = c;
    }
    while (n && name[n - 1] == '_') n--;      /* trailing spaces became '_' */
    name[n] = '\0';
    for (const value_alias *a = header_aliases; a->from; a++)
        if (strcmp(a->from, name) == 0) return field_by_name(a->to);
    return field_by_name(name);
}

typedef struct seen_row {
    int64_t id;
    int line;
} seen_row;

typedef struct import_state {
    pt_ctx *ctx;
    const char *path;
    pt__csv *csv;
    int columns[N_FIELDS * 2 + 64]; /* header column -> field index, -1: unnamed column */
    size_t n_columns;
    seen_row *seen;                 /* institutions written by this import, to catch repeats */
    size_t n_seen, cap_seen;
    pt_import_result result;
} import_state;

static int read_header(import_state *st)
{
    char **cells;
    size_t n;
    int line;
    int rc = pt__csv_next(st->csv, &cells, &n, &line);
    if (rc < 0) return rc;
    if (rc == 0) return pt__error(PT_EINVALID, "%s: empty file: expected a header row naming the fields", st->path);
    if (n > sizeof st->columns / sizeof st->columns[0])
        return pt__error(PT_EINVALID, "%s:%d: too many columns (%zu)", st->path, line, n);
    int used[N_FIELDS] = {0};
    for (size_t i = 0; i < n; i++) {
        const char *cell = cells[i];
        if (strspn(cell, " \t") == strlen(cell)) {
            st->columns[i] = -1;
            continue;
        }
        const field_def *def = field_for_header(cell);
        if (!def) {
            unknown_field(cell);
            return pt__error_prefix("%s:%d: header", st->path, line);
        }
        int index = (int)(def - fields);
        if (used[index])
            return pt__error(PT_EINVALID, "%s:%d: header: columns %d and %zu both give field '%s'",
                             st->path, line, used[index], i + 1, def->name);
        used[index] = (int)i + 1;
        st->columns[i] = index;
    }
    st->n_columns = n;
    return PT_OK;
}

static int remember_row(import_state *st, int64_t id, int line, const char *reg_no)
{
    for (size_t i = 0; i < st->n_seen; i++)
        if (st->seen[i].id == id)
            return pt__error(PT_EINVALID, "field 'reg_no': registration number %s appears twice in "
                             "the file (also on line %d)", reg_no, st->seen[i].line);
    if (st->n_seen == st->cap_seen) {
        size_t cap = st->cap_seen ? st->cap_seen * 2 : 64;
        seen_row *s = realloc(st->seen, cap * sizeof *s);
        if (!s) return pt__error(PT_ENOMEM, "out of memory");
        st->seen = s;
        st->cap_seen = cap;
    }
    st->seen[st->n_seen++] = (seen_row){id, line};
    return PT_OK;
}

static int import_row(import_state *st, char **cells, size_t n, int line, pt__arena *arena)
{
    if (n < st->n_columns)
        return pt__error(PT_EINVALID, "%zu fields, but the header names %zu", n, st->n_columns);
    for (size_t i = st->n_columns; i < n; i++)
        if (strspn(cells[i], " \t") != strlen(cells[i]))
            return pt__error(PT_EINVALID, "%zu fields, but the header names %zu", n, st->n_columns);

    value values[N_FIELDS];
    memset(values, 0, sizeof values);
    number_source src = {st->csv, st->path, line};
    for (size_t i = 0; i < st->n_columns; i++) {
        int index = st->columns[i];
        if (index < 0) {
            if (strspn(cells[i], " \t") != strlen(cells[i]))
                return pt__error(PT_EINVALID, "column %zu has a value but no name in the header", i + 1);
            continue;
        }
        int err = check_value(&fields[index], cells[i], &src, arena, &values[index]);
        if (err) return err;
    }

    /* upsert by registration number */
    int64_t id = 0;
    const value *reg_no = &values[F_REG_NO];
    int err = PT_OK;
    if (reg_no->set && !reg_no->is_null) err = reg_no_owner(st->ctx, reg_no->text, 0, &id);
    if (err) return err;
    if (id) {
        /* An empty status cell on a stored institution keeps its status: the default is for
         * new rows only, and a list that leaves the column blank must not reset "expired". */
        if (values[F_REG_STATUS].is_null) values[F_REG_STATUS].set = 0;
        if ((err = update_row(st->ctx, id, values))) return err;
        st->result.updated++;
    } else {
        if ((err = insert_row(st->ctx, values, &id))) return err;
        st->result.added++;
    }
    return remember_row(st, id, line, reg_no->text ? reg_no->text : "");
}

int pt_institution_import_csv(pt_ctx *ctx, const char *path, pt_import_result *result)
{
    if (result) *result = (pt_import_result){0, 0};
    int denied = pt__authz(ctx, PT_ACT_INSTITUTION_WRITE);
    if (denied) return denied;
    char *buf = NULL;
    size_t len = 0;
    int err = pt__read_file(path, IMPORT_MAX_BYTES, &buf, &len);
    if (err) return err;

    import_state st = {.ctx = ctx, .path = path};
    err = pt__csv_open(&st.csv, path, buf, len);
    if (!err) err = read_header(&st);
    if (!err) err = pt__begin(ctx);
    if (!err) {
        char **cells;
        size_t n;
        int line = 0, rc;
        while ((rc = pt__csv_next(st.csv, &cells, &n, &line)) == 1) {
            /* one arena per row: values live only until the row is written */
            pt__arena *arena = pt__arena_new();
            if (!arena) {
                rc = pt__error(PT_ENOMEM, "out of memory");
                break;
            }
            rc = import_row(&st, cells, n, line, arena);
            pt__arena_free(arena);
            if (rc) {
                /* "FILE:LINE: field 'x': reason" (an SQLite failure keeps its own wording) */
                pt__error_prefix("%s:%d", path, line);
                break;
            }
        }
        err = rc < 0 ? rc : PT_OK;
        if (!err) err = pt__commit(ctx);
        else pt__rollback(ctx);
    }
    if (!err && result) *result = st.result;
    free(st.seen);
    pt__csv_close(st.csv);
    free(buf);
    return err;
}
