/*
 * The daily escalation (finding.h, pt_finding_escalate): what has become late or is about to
 * lapse is told once, as events the notify plugins deliver (event.h):
 *   finding.overdue         an open finding past its due date: once per finding (escalated_at)
 *   accreditation.expiring  the accreditation in force ends within 90 days: once per
 *                           (institution, valid_until)
 *   registration.expiring   a registration ends within 90 days: once per (institution,
 *                           reg_expires)
 * "Once" for the expiries is looked up in the events already stored (their JSON holds the date),
 * so a cron that runs every day, or twice, tells no one twice, and a renewed accreditation or
 * registration (a new date) is news again.
 *
 * Everything is read first and raised after, in one transaction with the escalated_at updates:
 * all of a run or none of it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "authz.h"
#include "event.h"
#include "pantau/finding.h"

#define EXPIRY_DAYS 90

/* One event to raise. */
typedef struct pending {
    const char *type;
    int64_t institution_id, visit_id, finding_id, decision_id;
    char *institution_name, *reg_no, *kabupaten_kota, *province;
    char *date;              /* due date, valid_until, reg_expires */
    int days;                /* days late (findings) or days left (expiries) */
    /* findings */
    char *item_id, *flag_code, *severity, *agency, *description, *visit_date;
    /* accreditations */
    char *grade, *grade_label;
    char *subject, *body;    /* composed before raising */
} pending;

typedef struct pending_list {
    pending *items;
    size_t n, cap;
} pending_list;

static void pending_clear(pending *p)
{
    char *owned[] = {p->institution_name, p->reg_no, p->kabupaten_kota, p->province, p->date,
                     p->item_id, p->flag_code, p->severity, p->agency, p->description,
                     p->visit_date, p->grade, p->grade_label, p->subject, p->body};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++) free(owned[i]);
}

static void list_free(pending_list *l)
{
    for (size_t i = 0; i < l->n; i++) pending_clear(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static pending *list_add(pending_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        pending *n = realloc(l->items, cap * sizeof *n);
        if (!n) return NULL;
        l->items = n;
        l->cap = cap;
    }
    pending *p = &l->items[l->n++];
    memset(p, 0, sizeof *p);
    return p;
}

/* A copy of column i, NULL for NULL; *ok = 0 when out of memory. */
static char *dup_col(sqlite3_stmt *st, int i, int *ok)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t) return NULL;
    char *s = strdup((const char *)t);
    if (!s) *ok = 0;
    return s;
}

/* ---- reading what is due ---- */

/* The institution columns every query ends with: name, reg_no, kabupaten_kota, province. */
#define INST_COLS "i.name, i.reg_no, i.kabupaten_kota, i.province"

static void read_inst(sqlite3_stmt *st, int first, pending *p, int *ok)
{
    p->institution_name = dup_col(st, first, ok);
    p->reg_no = dup_col(st, first + 1, ok);
    p->kabupaten_kota = dup_col(st, first + 2, ok);
    p->province = dup_col(st, first + 3, ok);
}

static int collect(pt_ctx *ctx, pending_list *l, const char *sql, const char *today,
                   void (*read)(sqlite3_stmt *st, pending *p, int *ok))
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, sql);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 2) sqlite3_bind_int(st, 2, EXPIRY_DAYS);
    int step, ok = 1;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pending *p = list_add(l);
        if (!p) {
            ok = 0;
            break;
        }
        read(st, p, &ok);
        if (!ok) break;
    }
    if (!ok) rc = pt__error(PT_ENOMEM, "out of memory");
    else if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading what is due");
    sqlite3_finalize(st);
    return rc;
}

/* Open findings past their due date that were never escalated. */
static const char OVERDUE_SQL[] =
    "SELECT f.id, f.institution_id, f.visit_id, v.visit_date, f.item_id, f.flag_code, "
    "f.severity, f.agency, f.description, f.due_date, "
    "CAST(julianday(?1) - julianday(f.due_date) AS INTEGER), " INST_COLS " "
    "FROM finding f JOIN visit v ON v.id = f.visit_id "
    "JOIN institution i ON i.id = f.institution_id "
    "WHERE f.status = 'open' AND f.escalated_at IS NULL AND f.due_date < ?1 "
    "ORDER BY f.due_date, f.id";

static void read_overdue(sqlite3_stmt *st, pending *p, int *ok)
{
    p->type = "finding.overdue";
    p->finding_id = sqlite3_column_int64(st, 0);
    p->institution_id = sqlite3_column_int64(st, 1);
    p->visit_id = sqlite3_column_int64(st, 2);
    p->visit_date = dup_col(st, 3, ok);
    p->item_id = dup_col(st, 4, ok);
    p->flag_code = dup_col(st, 5, ok);
    p->severity = dup_col(st, 6, ok);
    p->agency = dup_col(st, 7, ok);
    p->description = dup_col(st, 8, ok);
    p->date = dup_col(st, 9, ok);
    p->days = sqlite3_column_int(st, 10);
    read_inst(st, 11, p, ok);
}

/* Each home's accreditation (the view accreditation_current, migration 5) that ends within
 * the window, not yet told for that date. */
static const char ACCREDITATION_SQL[] =
    "SELECT d.id, d.institution_id, d.visit_id, d.outcome, d.outcome_label, d.valid_until, "
    "CAST(julianday(d.valid_until) - julianday(?1) AS INTEGER), " INST_COLS " "
    "FROM accreditation_current d JOIN institution i ON i.id = d.institution_id "
    "WHERE d.valid_until BETWEEN ?1 AND date(?1, '+' || ?2 || ' days') "
    "AND NOT EXISTS (SELECT 1 FROM event e WHERE e.type = 'accreditation.expiring' "
    "  AND e.institution_id = d.institution_id "
    "  AND json_extract(e.json, '$.accreditation.valid_until') = d.valid_until) "
    "ORDER BY d.valid_until, d.institution_id";

static void read_accreditation(sqlite3_stmt *st, pending *p, int *ok)
{
    p->type = "accreditation.expiring";
    p->decision_id = sqlite3_column_int64(st, 0);
    p->institution_id = sqlite3_column_int64(st, 1);
    p->visit_id = sqlite3_column_int64(st, 2);
    p->grade = dup_col(st, 3, ok);
    p->grade_label = dup_col(st, 4, ok);
    p->date = dup_col(st, 5, ok);
    p->days = sqlite3_column_int(st, 6);
    read_inst(st, 7, p, ok);
}

static const char REGISTRATION_SQL[] =
    "SELECT i.id, i.reg_expires, CAST(julianday(i.reg_expires) - julianday(?1) AS INTEGER), "
    INST_COLS " FROM institution i "
    "WHERE i.reg_status = 'registered' AND i.reg_expires IS NOT NULL "
    "AND i.reg_expires BETWEEN ?1 AND date(?1, '+' || ?2 || ' days') "
    "AND NOT EXISTS (SELECT 1 FROM event e WHERE e.type = 'registration.expiring' "
    "  AND e.institution_id = i.id "
    "  AND json_extract(e.json, '$.registration.reg_expires') = i.reg_expires) "
    "ORDER BY i.reg_expires, i.id";

static void read_registration(sqlite3_stmt *st, pending *p, int *ok)
{
    p->type = "registration.expiring";
    p->institution_id = sqlite3_column_int64(st, 0);
    p->date = dup_col(st, 1, ok);
    p->days = sqlite3_column_int(st, 2);
    read_inst(st, 3, p, ok);
}

/* ---- composing ---- */

static char *vformat(const char *fmt, va_list ap)
{
    char *s = NULL;
    return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

static const char *or_empty(const char *s) { return s ? s : ""; }

/* "Lembaga: NAME (REG), KABUPATEN" as event.c writes it. */
static char *inst_line(const pending *p)
{
    return format("Lembaga: %s%s%s%s%s%s\n", or_empty(p->institution_name),
                  p->reg_no ? " (" : "", or_empty(p->reg_no), p->reg_no ? ")" : "",
                  p->kabupaten_kota && *p->kabupaten_kota ? ", " : "", or_empty(p->kabupaten_kota));
}

static int compose(pending *p)
{
    char *line = inst_line(p);
    if (!line) return PT_ENOMEM;
    const char *name = or_empty(p->institution_name);
    if (strcmp(p->type, "finding.overdue") == 0) {
        p->subject = format("Tindak lanjut terlambat [%s] di %s: temuan %lld, tenggat %s",
                            or_empty(p->severity), name, (long long)p->finding_id, p->date);
        p->body = format("Temuan %lld (tingkat %s) dari kunjungan %lld ke %s pada %s belum "
                         "ditutup sampai tenggat %s (terlambat %d hari).\n\n%s\n\n%s%s%s%s%s%s"
                         "Instansi yang perlu bertindak: %s\n%s",
                         (long long)p->finding_id, or_empty(p->severity), (long long)p->visit_id,
                         name, or_empty(p->visit_date), p->date, p->days,
                         or_empty(p->description), p->item_id ? "Butir: " : "",
                         or_empty(p->item_id), p->item_id ? "\n" : "",
                         p->flag_code ? "Kode: " : "", or_empty(p->flag_code),
                         p->flag_code ? "\n" : "", or_empty(p->agency), line);
    } else if (strcmp(p->type, "accreditation.expiring") == 0) {
        p->subject = format("Akreditasi %s berakhir %s (%d hari lagi)", name, p->date, p->days);
        p->body = format("Akreditasi %s (peringkat %s, %s) berlaku sampai %s, %d hari lagi.\n"
                         "Dinas Sosial perlu mengajukan akreditasi ulang kepada BALKS.\n\n"
                         "Keputusan: %lld\n%s",
                         name, or_empty(p->grade), or_empty(p->grade_label), p->date, p->days,
                         (long long)p->decision_id, line);
    } else {
        p->subject = format("Tanda daftar %s berakhir %s (%d hari lagi)", name, p->date, p->days);
        p->body = format("Tanda daftar %s%s%s berlaku sampai %s, %d hari lagi.\n"
                         "Lembaga perlu memperpanjang pendaftarannya di Dinas Sosial.\n\n%s",
                         name, p->reg_no ? " nomor " : "", or_empty(p->reg_no), p->date, p->days,
                         line);
    }
    free(line);
    return p->subject && p->body ? PT_OK : PT_ENOMEM;
}

static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }

/* The event's JSON (docs/commands.md, "Event JSON"): type, occurred_at, institution, then the
 * object of its kind. Belongs to the caller (free); NULL when out of memory. */
static char *event_json(const pending *p, const char *now, const char *today)
{
    json_t *o = json_object();
    json_t *inst = json_object();
    if (!o || !inst) {
        json_decref(o);
        json_decref(inst);
        return NULL;
    }
    json_object_set_new(o, "type", json_string(p->type));
    json_object_set_new(o, "occurred_at", json_string(now));
    json_object_set_new(inst, "id", json_integer(p->institution_id));
    json_object_set_new(inst, "reg_no", jstr(p->reg_no));
    json_object_set_new(inst, "name", jstr(p->institution_name));
    json_object_set_new(inst, "kabupaten_kota", json_string(or_empty(p->kabupaten_kota)));
    json_object_set_new(inst, "province", json_string(or_empty(p->province)));
    json_object_set_new(o, "institution", inst);
    json_object_set_new(o, "today", json_string(today));
    json_t *k = json_object();
    if (strcmp(p->type, "finding.overdue") == 0) {
        json_object_set_new(k, "id", json_integer(p->finding_id));
        json_object_set_new(k, "visit_id", json_integer(p->visit_id));
        json_object_set_new(k, "item_id", jstr(p->item_id));
        json_object_set_new(k, "flag_code", jstr(p->flag_code));
        json_object_set_new(k, "severity", jstr(p->severity));
        json_object_set_new(k, "agency", jstr(p->agency));
        json_object_set_new(k, "description", jstr(p->description));
        json_object_set_new(k, "due_date", jstr(p->date));
        json_object_set_new(k, "days_overdue", json_integer(p->days));
        json_object_set_new(o, "finding", k);
    } else if (strcmp(p->type, "accreditation.expiring") == 0) {
        json_object_set_new(k, "decision_id", json_integer(p->decision_id));
        json_object_set_new(k, "visit_id", json_integer(p->visit_id));
        json_object_set_new(k, "grade", jstr(p->grade));
        json_object_set_new(k, "grade_label", jstr(p->grade_label));
        json_object_set_new(k, "valid_until", jstr(p->date));
        json_object_set_new(k, "days_left", json_integer(p->days));
        json_object_set_new(o, "accreditation", k);
    } else {
        json_object_set_new(k, "reg_no", jstr(p->reg_no));
        json_object_set_new(k, "reg_expires", jstr(p->date));
        json_object_set_new(k, "days_left", json_integer(p->days));
        json_object_set_new(o, "registration", k);
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

/* ---- the run ---- */

static int mark_escalated(pt_ctx *ctx, sqlite3_stmt **st, int64_t finding_id)
{
    if (!*st) {
        int rc = pt__prepare(ctx, st, "UPDATE finding SET escalated_at = pt_now() "
                                      "WHERE id = ?1 AND status = 'open' AND escalated_at IS NULL");
        if (rc) return rc;
    }
    sqlite3_bind_int64(*st, 1, finding_id);
    int step = sqlite3_step(*st);
    sqlite3_reset(*st);
    return step == SQLITE_DONE ? PT_OK : pt__error_sqlite(ctx->db, step, "escalating a finding");
}

static int raise_all(pt_ctx *ctx, pending_list *l, const char *today)
{
    pt__events *ev = NULL;
    int rc = pt__events_open(&ev, ctx);
    if (rc) return rc;
    char now[21];
    pt__now_utc(now);
    sqlite3_stmt *mark = NULL;
    for (size_t i = 0; !rc && i < l->n; i++) {
        pending *p = &l->items[i];
        if (compose(p) != PT_OK) {
            rc = pt__error(PT_ENOMEM, "out of memory");
            break;
        }
        char *json = event_json(p, now, today);
        if (!json) {
            rc = pt__error(PT_ENOMEM, "out of memory");
            break;
        }
        rc = pt__event_raise(ev, p->type, p->institution_id,
                             strcmp(p->type, "registration.expiring") == 0 ? 0 : p->visit_id,
                             p->subject, p->body, json);
        free(json);
        if (!rc && p->finding_id) rc = mark_escalated(ctx, &mark, p->finding_id);
    }
    sqlite3_finalize(mark);
    pt__events_close(ev);
    return rc;
}

int pt_finding_escalate(pt_ctx *ctx, const char *today, pt_escalation_counts *counts,
                        int (*cb)(const pt_escalation *raised, void *payload), void *payload)
{
    if (counts) memset(counts, 0, sizeof *counts);
    int rc = pt__authz(ctx, PT_ACT_ESCALATE);
    if (rc) return rc;
    char day[11];
    if (today) {
        if (!pt__is_date(today)) return pt__error(PT_EINVALID, "'%s' is not a date (YYYY-MM-DD)", today);
        snprintf(day, sizeof day, "%s", today);
    } else {
        char now[21];
        pt__now_utc(now);
        snprintf(day, sizeof day, "%.10s", now);
    }
    pending_list l = {0};
    if ((rc = pt__begin(ctx)) != 0) return rc;
    rc = collect(ctx, &l, OVERDUE_SQL, day, read_overdue);
    if (!rc) rc = collect(ctx, &l, ACCREDITATION_SQL, day, read_accreditation);
    if (!rc) rc = collect(ctx, &l, REGISTRATION_SQL, day, read_registration);
    if (!rc) rc = raise_all(ctx, &l, day);
    if (!rc) rc = pt__commit(ctx);
    if (rc) {
        pt__rollback(ctx);
        list_free(&l);
        return rc;
    }
    for (size_t i = 0; i < l.n; i++) {
        const pending *p = &l.items[i];
        if (counts) {
            if (p->finding_id) counts->finding_overdue++;
            else if (p->decision_id) counts->accreditation_expiring++;
            else counts->registration_expiring++;
        }
    }
    for (size_t i = 0; cb && !rc && i < l.n; i++) {
        const pending *p = &l.items[i];
        pt_escalation e = {.type = p->type, .institution_id = p->institution_id,
                           .institution_name = or_empty(p->institution_name),
                           .finding_id = p->finding_id, .decision_id = p->decision_id,
                           .date = p->date, .subject = p->subject};
        rc = cb(&e, payload);
    }
    list_free(&l);
    return rc;
}
