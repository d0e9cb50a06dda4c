/*
 * The agenda (agenda.h): what each agency must do this week, computed from the records on
 * demand. Rows are gathered from four queries, split per agency, filtered, sorted and then
 * handed to the caller, so the caller sees one ordered list whatever query a row came from.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authz.h"
#include "pantau/agenda.h"
#include "pantau/finding.h"

/* Whose the rows that are not findings are: the Dinas Sosial keeps the register, schedules
 * the visits and proposes accreditation renewals to the board (docs/workflow.md). */
#define REGISTER_AGENCY "Dinas Sosial"

static const char *const KINDS[] = {"finding.overdue", "finding.due", "accreditation.expiring",
                                    "registration.expiring", "visit.overdue"};
enum { K_OVERDUE, K_DUE, K_ACCREDITATION, K_REGISTRATION, K_VISIT };

typedef struct row {
    int kind;
    char *agency, *institution_name, *date, *severity, *text;
    int64_t institution_id, finding_id, decision_id;
    int days;
} row;

typedef struct agenda {
    row *rows;
    size_t n, cap;
    const char *filter;      /* agency filter or NULL */
    int failed;              /* out of memory */
} agenda;

static void agenda_free(agenda *a)
{
    for (size_t i = 0; i < a->n; i++) {
        row *r = &a->rows[i];
        free(r->agency);
        free(r->institution_name);
        free(r->date);
        free(r->severity);
        free(r->text);
    }
    free(a->rows);
}

static char *dup_or_null(const char *s, int *failed)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) *failed = 1;
    return d;
}

/* Adds a row for `agency` (n bytes) unless the filter leaves it out. text is taken. */
static void add_row(agenda *a, int kind, const char *agency, size_t n, int64_t institution_id,
                    const char *name, const char *date, int days, const char *severity,
                    char *text, int64_t finding_id, int64_t decision_id)
{
    char *ag = strndup(agency, n);
    if (!ag || !text) {
        free(ag);
        free(text);
        a->failed = 1;
        return;
    }
    if (a->filter && !pt_finding_agency_matches(ag, a->filter)) {
        free(ag);
        free(text);
        return;
    }
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 32;
        row *rows = realloc(a->rows, cap * sizeof *rows);
        if (!rows) {
            free(ag);
            free(text);
            a->failed = 1;
            return;
        }
        a->rows = rows;
        a->cap = cap;
    }
    row *r = &a->rows[a->n++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->agency = ag;
    r->institution_id = institution_id;
    r->institution_name = dup_or_null(name, &a->failed);
    r->date = dup_or_null(date, &a->failed);
    r->days = days;
    r->severity = dup_or_null(severity, &a->failed);
    r->text = text;
    r->finding_id = finding_id;
    r->decision_id = decision_id;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) s = NULL;
    va_end(ap);
    return s;
}

static const char *col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

/* "hari ini", "3 hari lagi", "5 hari lalu" */
static void when(char *buf, size_t size, int days)
{
    if (days == 0) snprintf(buf, size, "hari ini");
    else if (days > 0) snprintf(buf, size, "%d hari lagi", days);
    else snprintf(buf, size, "%d hari lalu", -days);
}

/* A description on one line, cut near 120 bytes at a character boundary, with "…". */
static void one_line(char *buf, size_t size, const char *s)
{
    if (!s) s = "";
    size_t max = size - 4 < 120 ? size - 4 : 120;
    size_t len = strlen(s), n = len <= max ? len : max;
    if (n < len)
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    for (size_t i = 0; i < n; i++) buf[i] = (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') ? ' ' : s[i];
    if (n < len) {
        memcpy(buf + n, "\xE2\x80\xA6", 3);
        n += 3;
    }
    buf[n] = '\0';
}

static int run_query(pt_ctx *ctx, agenda *a, const char *sql, const char *today, int days,
                     void (*each)(agenda *a, sqlite3_stmt *st))
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, sql);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 2) sqlite3_bind_int(st, 2, days);
    int step;
    while (!a->failed && (step = sqlite3_step(st)) == SQLITE_ROW) each(a, st);
    if (a->failed) rc = pt__error(PT_ENOMEM, "out of memory");
    else if (step != SQLITE_DONE) rc = pt__error_sqlite(ctx->db, step, "reading the agenda");
    sqlite3_finalize(st);
    return rc;
}

/* ---- findings: overdue, and due within the days asked ---- */

static const char FINDINGS_SQL[] =
    "SELECT f.id, f.institution_id, i.name, f.severity, f.agency, f.description, f.due_date, "
    "CAST(julianday(f.due_date) - julianday(?1) AS INTEGER) "
    "FROM finding f JOIN institution i ON i.id = f.institution_id "
    "WHERE f.status = 'open' AND f.due_date <= date(?1, '+' || ?2 || ' days')";

static void each_finding(agenda *a, sqlite3_stmt *st)
{
    int64_t id = sqlite3_column_int64(st, 0);
    int days = sqlite3_column_int(st, 7);
    const char *severity = col(st, 3), *due = col(st, 6);
    char desc[160], w[48];
    one_line(desc, sizeof desc, col(st, 5));
    when(w, sizeof w, days);
    int kind = days < 0 ? K_OVERDUE : K_DUE;
    /* one row per agency the finding names: each of them must act */
    for (const char *p = col(st, 4); p && *p;) {
        while (*p == ',' || *p == ' ' || *p == '\t') p++;
        size_t n = strcspn(p, ",");
        size_t len = n;
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
        if (len > 0) {
            char *text = kind == K_OVERDUE
                             ? format("Temuan %lld [%s] lewat tenggat %s (terlambat %d hari): %s",
                                      (long long)id, severity, due, -days, desc)
                             : format("Temuan %lld [%s] jatuh tempo %s (%s): %s", (long long)id,
                                      severity, due, w, desc);
            add_row(a, kind, p, len, sqlite3_column_int64(st, 1), col(st, 2), due, days, severity,
                    text, id, 0);
        }
        p += n;
    }
}

/* ---- accreditations in force ending within 90 days (the view accreditation_current) ---- */

static const char ACCREDITATION_SQL[] =
    "SELECT d.id, d.institution_id, i.name, d.outcome, d.outcome_label, d.valid_until, "
    "CAST(julianday(d.valid_until) - julianday(?1) AS INTEGER) "
    "FROM accreditation_current d JOIN institution i ON i.id = d.institution_id "
    "WHERE d.valid_until BETWEEN ?1 AND date(?1, '+' || ?2 || ' days')";

static void each_accreditation(agenda *a, sqlite3_stmt *st)
{
    int days = sqlite3_column_int(st, 6);
    char w[48];
    when(w, sizeof w, days);
    char *text = format("Akreditasi %s (%s) berakhir %s (%s): ajukan akreditasi ulang ke BALKS",
                        col(st, 3), col(st, 4) ? col(st, 4) : "", col(st, 5), w);
    add_row(a, K_ACCREDITATION, REGISTER_AGENCY, strlen(REGISTER_AGENCY),
            sqlite3_column_int64(st, 1), col(st, 2), col(st, 5), days, NULL, text, 0,
            sqlite3_column_int64(st, 0));
}

/* ---- registrations ending within 90 days ---- */

static const char REGISTRATION_SQL[] =
    "SELECT i.id, i.name, i.reg_no, i.reg_expires, "
    "CAST(julianday(i.reg_expires) - julianday(?1) AS INTEGER) FROM institution i "
    "WHERE i.reg_status = 'registered' AND i.reg_expires IS NOT NULL "
    "AND i.reg_expires BETWEEN ?1 AND date(?1, '+' || ?2 || ' days')";

static void each_registration(agenda *a, sqlite3_stmt *st)
{
    int days = sqlite3_column_int(st, 4);
    char w[48];
    when(w, sizeof w, days);
    char *text = format("Tanda daftar %s berakhir %s (%s): perpanjang pendaftaran",
                        col(st, 2) ? col(st, 2) : "", col(st, 3), w);
    add_row(a, K_REGISTRATION, REGISTER_AGENCY, strlen(REGISTER_AGENCY),
            sqlite3_column_int64(st, 0), col(st, 1), col(st, 3), days, NULL, text, 0, 0);
}

/* ---- homes not visited for a year ---- */

static const char VISIT_SQL[] =
    "SELECT id, name, last, CAST(julianday(last) - julianday(?1) AS INTEGER) FROM ("
    "  SELECT i.id, i.name, (SELECT max(visit_date) FROM visit WHERE institution_id = i.id) AS last "
    "  FROM institution i) "
    "WHERE last IS NULL OR last < date(?1, '-' || ?2 || ' days')";

static void each_unvisited(agenda *a, sqlite3_stmt *st)
{
    const char *last = col(st, 2);
    char *text = last ? format("Terakhir dikunjungi %s (%d hari lalu): jadwalkan kunjungan", last,
                               -sqlite3_column_int(st, 3))
                      : format("Belum pernah dikunjungi: jadwalkan kunjungan");
    add_row(a, K_VISIT, REGISTER_AGENCY, strlen(REGISTER_AGENCY), sqlite3_column_int64(st, 0),
            col(st, 1), last, last ? sqlite3_column_int(st, 3) : 0, NULL, text, 0, 0);
}

/* agency, kind, date (a home never visited first), institution, finding */
static int row_cmp(const void *pa, const void *pb)
{
    const row *a = pa, *b = pb;
    int c = strcasecmp(a->agency, b->agency);
    if (c) return c;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    if (!a->date != !b->date) return a->date ? 1 : -1;
    if (a->date && (c = strcmp(a->date, b->date)) != 0) return c;
    if (a->institution_id != b->institution_id) return a->institution_id < b->institution_id ? -1 : 1;
    if (a->finding_id != b->finding_id) return a->finding_id < b->finding_id ? -1 : 1;
    return 0;
}

int pt_agenda_foreach(pt_ctx *ctx, const char *today, const char *agency, int days,
                      int (*cb)(const pt_agenda_row *row, void *payload), void *payload)
{
    char day[11];
    if (today) {
        if (!pt__is_date(today)) return pt__error(PT_EINVALID, "'%s' is not a date (YYYY-MM-DD)", today);
        snprintf(day, sizeof day, "%s", today);
    } else {
        char now[21];
        pt__now_utc(now);
        snprintf(day, sizeof day, "%.10s", now);
    }
    if (days <= 0) days = PT_AGENDA_DAYS;
    int rc = pt__authz(ctx, PT_ACT_READ);
    if (rc) return rc;
    agenda a = {.filter = agency && *agency ? agency : NULL};
    rc = run_query(ctx, &a, FINDINGS_SQL, day, days, each_finding);
    if (!rc) rc = run_query(ctx, &a, ACCREDITATION_SQL, day, PT_AGENDA_EXPIRY_DAYS, each_accreditation);
    if (!rc) rc = run_query(ctx, &a, REGISTRATION_SQL, day, PT_AGENDA_EXPIRY_DAYS, each_registration);
    if (!rc) rc = run_query(ctx, &a, VISIT_SQL, day, PT_AGENDA_VISIT_DAYS, each_unvisited);
    if (!rc && a.n > 1) qsort(a.rows, a.n, sizeof *a.rows, row_cmp);
    for (size_t i = 0; !rc && i < a.n; i++) {
        const row *r = &a.rows[i];
        pt_agenda_row out = {.agency = r->agency, .kind = KINDS[r->kind],
                             .institution_id = r->institution_id,
                             .institution_name = r->institution_name, .date = r->date,
                             .days = r->days, .severity = r->severity, .text = r->text,
                             .finding_id = r->finding_id, .decision_id = r->decision_id};
        rc = cb(&out, payload);
    }
    agenda_free(&a);
    return rc;
}
