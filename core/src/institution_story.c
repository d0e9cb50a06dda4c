/*
 * The status and the story of a home (docs/workflow.md, "Institution status"): where it stands
 * today (registration, accreditation in force, sanction ladder, findings) and everything that
 * happened to it, oldest first.
 *
 * Only reads. The story is gathered kind by kind (one query per table), then sorted: by date,
 * then by the audit log's sequence number of the record, which orders records written on the
 * same day (and in the same second) as they really happened. Registration changes have no
 * table of their own: they are the institution's audit rows whose registration columns
 * differ between before and after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "internal.h"
#include "pantau/institution.h"
#include "pantau/lifecycle.h"

/* Days before an expiry when the status calls it "expiring" (the agenda's horizon too). */
#define EXPIRING_DAYS 90

/* ---- labels ---- */

static const struct {
    const char *key, *label;
} reg_labels[] = {
    {"registered", "terdaftar"},
    {"unregistered", "tidak terdaftar"},
    {"expired", "kedaluwarsa"},
    {"revoked", "dicabut"},
};

const char *pt_institution_reg_status_label(const char *reg_status)
{
    if (!reg_status) return "";
    for (size_t i = 0; i < sizeof reg_labels / sizeof reg_labels[0]; i++)
        if (strcmp(reg_labels[i].key, reg_status) == 0) return reg_labels[i].label;
    return reg_status;
}

static const char *sanction_label(const char *level)
{
    static const struct {
        const char *key, *label;
    } labels[] = {
        {"teguran_lisan", "teguran lisan"},
        {"teguran_tertulis", "teguran tertulis"},
        {"penghentian_sementara", "penghentian sementara"},
        {"penghentian_tetap", "penghentian tetap"},
        {"pencabutan_izin", "pencabutan izin"},
    };
    if (!level) return "";
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].key, level) == 0) return labels[i].label;
    return level;
}

static const char *visit_type_label(const char *type)
{
    if (!type) return "";
    if (strcmp(type, "routine") == 0) return "rutin";
    if (strcmp(type, "accreditation") == 0) return "akreditasi";
    if (strcmp(type, "complaint") == 0) return "pengaduan";
    if (strcmp(type, "joint") == 0) return "gabungan";
    return type;
}

/* ---- small helpers ---- */

static void copy(char *dst, size_t size, const unsigned char *src)
{
    snprintf(dst, size, "%s", src ? (const char *)src : "");
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static const char *or_dash(const char *s) { return s && *s ? s : "-"; }

/* A number as Indonesians write it: up to two decimals after a comma ("95,03", "78,5",
 * "100"). */
static void decimal_id(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.2f", v);
    char *dot = strchr(buf, '.');
    if (!dot) return;
    char *end = buf + strlen(buf);
    while (end > dot + 1 && end[-1] == '0') *--end = '\0';
    if (end == dot + 1) *dot = '\0';
    else *dot = ',';
}

static int check_today(const char *today, char out[11])
{
    if (!today) {
        char now[21];
        pt__now_utc(now);
        memcpy(out, now, 10);
        out[10] = '\0';
        return PT_OK;
    }
    if (!pt__is_date(today)) return pt__error(PT_EINVALID, "invalid date '%s' (YYYY-MM-DD)", today);
    memcpy(out, today, 11);
    return PT_OK;
}

static int institution_exists(pt_ctx *ctx, int64_t id)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st, "SELECT 1 FROM institution WHERE id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) rc = pt__error(PT_ENOTFOUND, "institution %lld not found", (long long)id);
    else if (step != SQLITE_ROW) rc = pt__error_sqlite(ctx->db, step, "reading the institution");
    sqlite3_finalize(st);
    return rc;
}

/* ---- the status ---- */

static int status_registration(pt_ctx *ctx, pt_institution_status *out)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT reg_status, reg_date, reg_expires, "
                         "       CAST(julianday(reg_expires) - julianday(?2) AS INTEGER) "
                         "FROM institution WHERE id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, out->institution_id);
    sqlite3_bind_text(st, 2, out->today, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        copy(out->reg_status, sizeof out->reg_status, sqlite3_column_text(st, 0));
        copy(out->reg_date, sizeof out->reg_date, sqlite3_column_text(st, 1));
        copy(out->reg_expires, sizeof out->reg_expires, sqlite3_column_text(st, 2));
        int has_expiry = sqlite3_column_type(st, 3) != SQLITE_NULL;
        out->reg_days_left = sqlite3_column_int(st, 3);
        /* The stored status is what the Dinas Sosial recorded; the expiry date can overtake it
         * (nobody updated the row yet), so a registered home past reg_expires is expired. */
        if (strcmp(out->reg_status, "registered") == 0) {
            if (!has_expiry) out->reg_validity = "valid";
            else if (out->reg_days_left < 0) out->reg_validity = "expired";
            else if (out->reg_days_left <= EXPIRING_DAYS) out->reg_validity = "expiring";
            else out->reg_validity = "valid";
        } else if (strcmp(out->reg_status, "expired") == 0) {
            out->reg_validity = "expired";
        } else {
            out->reg_validity = "none";
        }
    } else if (step == SQLITE_DONE) {
        rc = pt__error(PT_ENOTFOUND, "institution %lld not found", (long long)out->institution_id);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the institution's registration");
    }
    sqlite3_finalize(st);
    return rc;
}

/* The home's accreditation: the view accreditation_current (migration 5) is the one
 * definition, shared with the agenda and the expiry events. */
static int status_accreditation(pt_ctx *ctx, pt_institution_status *out)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT d.id, d.outcome, d.outcome_label, d.valid_from, d.valid_until, "
                         "       d.decided_at, "
                         "       CAST(julianday(d.valid_until) - julianday(?2) AS INTEGER) "
                         "FROM accreditation_current d WHERE d.institution_id = ?1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, out->institution_id);
    sqlite3_bind_text(st, 2, out->today, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        out->has_last_decision = 1;
        out->accreditation_decision_id = sqlite3_column_int64(st, 0);
        copy(out->accreditation_grade, sizeof out->accreditation_grade, sqlite3_column_text(st, 1));
        copy(out->accreditation_label, sizeof out->accreditation_label, sqlite3_column_text(st, 2));
        copy(out->accreditation_valid_from, sizeof out->accreditation_valid_from,
             sqlite3_column_text(st, 3));
        copy(out->accreditation_valid_until, sizeof out->accreditation_valid_until,
             sqlite3_column_text(st, 4));
        copy(out->accreditation_decided_at, sizeof out->accreditation_decided_at,
             sqlite3_column_text(st, 5));
        out->accreditation_days_left = sqlite3_column_int(st, 6);
        out->accredited = out->accreditation_valid_until[0] != '\0' &&
                          strcmp(out->accreditation_grade, "TT") != 0 &&
                          strcmp(out->accreditation_valid_until, out->today) >= 0;
    } else if (step != SQLITE_DONE) {
        rc = pt__error_sqlite(ctx->db, step, "reading the institution's decisions");
    }
    sqlite3_finalize(st);
    return rc;
}

static int status_sanction(pt_ctx *ctx, pt_institution_status *out)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT id, step, level, agency, issued_at FROM sanction "
                         "WHERE institution_id = ?1 ORDER BY step DESC, id DESC LIMIT 1");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, out->institution_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        out->sanction_id = sqlite3_column_int64(st, 0);
        out->sanction_step = sqlite3_column_int(st, 1);
        copy(out->sanction_level, sizeof out->sanction_level, sqlite3_column_text(st, 2));
        snprintf(out->sanction_label, sizeof out->sanction_label, "%s",
                 sanction_label(out->sanction_level));
        copy(out->sanction_agency, sizeof out->sanction_agency, sqlite3_column_text(st, 3));
        copy(out->sanction_issued_at, sizeof out->sanction_issued_at, sqlite3_column_text(st, 4));
    } else if (step != SQLITE_DONE) {
        rc = pt__error_sqlite(ctx->db, step, "reading the institution's sanctions");
    }
    sqlite3_finalize(st);
    return rc;
}

static int status_findings(pt_ctx *ctx, pt_institution_status *out)
{
    sqlite3_stmt *st;
    int rc = pt__prepare(ctx, &st,
                         "SELECT count(*), coalesce(sum(due_date < ?2), 0) FROM finding "
                         "WHERE institution_id = ?1 AND status = 'open'");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, out->institution_id);
    sqlite3_bind_text(st, 2, out->today, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        out->findings_open = sqlite3_column_int(st, 0);
        out->findings_overdue = sqlite3_column_int(st, 1);
    } else {
        rc = pt__error_sqlite(ctx->db, step, "reading the institution's findings");
    }
    sqlite3_finalize(st);
    return rc;
}

int pt_institution_status_get(pt_ctx *ctx, int64_t institution_id, const char *today,
                              pt_institution_status *out)
{
    memset(out, 0, sizeof *out);
    out->reg_validity = "none";
    int rc = pt__authz(ctx, PT_ACT_READ);
    if (rc) return rc;
    if ((rc = check_today(today, out->today)) != PT_OK) return rc;
    out->institution_id = institution_id;
    if ((rc = status_registration(ctx, out)) != PT_OK) return rc;
    if ((rc = status_accreditation(ctx, out)) != PT_OK) return rc;
    if ((rc = status_sanction(ctx, out)) != PT_OK) return rc;
    return status_findings(ctx, out);
}

/* ---- the story ---- */

/* Kinds in the order they come on the same day when nothing else orders them. */
enum { ORD_REGISTRATION, ORD_VISIT, ORD_DECISION, ORD_FINDING, ORD_PLAN, ORD_CLOSED, ORD_SANCTION };

typedef struct entry {
    pt_story_entry pub;
    int64_t seq;   /* the audit log's number of the record's entry; 0 for visits (date only) */
    int ord;
} entry;

typedef struct story {
    pt_ctx *ctx;
    int64_t institution_id;
    pt__arena *arena;
    entry *items;
    size_t n, cap;
} story;

/* Adds an entry; text is formatted into the arena. date is the first 10 characters of at. */
static int add(story *s, int ord, const char *kind, const char *at, int64_t seq, int64_t id,
               int64_t visit_id, int64_t decision_id, int64_t finding_id, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));

static int add(story *s, int ord, const char *kind, const char *at, int64_t seq, int64_t id,
               int64_t visit_id, int64_t decision_id, int64_t finding_id, const char *fmt, ...)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        entry *grown = realloc(s->items, cap * sizeof *grown);
        if (!grown) return pt__error(PT_ENOMEM, "out of memory");
        s->items = grown;
        s->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0) return pt__error(PT_ERROR, "formatting a story entry");
    char *text = pt__arena_alloc(s->arena, (size_t)len + 1);
    char *at_copy = pt__arena_strdup(s->arena, at ? at : "");
    char *date = pt__arena_strndup(s->arena, at ? at : "", 10);
    if (!text || !at_copy || !date) return pt__error(PT_ENOMEM, "out of memory");
    va_start(ap, fmt);
    vsnprintf(text, (size_t)len + 1, fmt, ap);
    va_end(ap);
    entry *e = &s->items[s->n++];
    *e = (entry){
        .pub = {.date = date, .at = at_copy, .kind = kind, .text = text, .id = id,
                .visit_id = visit_id, .decision_id = decision_id, .finding_id = finding_id},
        .seq = seq,
        .ord = ord,
    };
    return PT_OK;
}

/* Runs sql (institution id as ?1) and calls row() for each row. */
static int each_row(story *s, const char *sql, const char *what,
                    int (*row)(story *s, sqlite3_stmt *st))
{
    sqlite3_stmt *st;
    int rc = pt__prepare(s->ctx, &st, sql);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, s->institution_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = row(s, st)) != PT_OK) break;
    if (rc == PT_OK && step != SQLITE_DONE) rc = pt__error_sqlite(s->ctx->db, step, what);
    sqlite3_finalize(st);
    return rc;
}

/* The audit seq of a record's insert entry, as a SQL expression. */
#define INSERT_SEQ(entity, id)                                                                     \
    "(SELECT min(seq) FROM audit_log WHERE entity = '" entity "' AND entity_id = " id            \
    " AND action = 'insert')"

static int visit_row(story *s, sqlite3_stmt *st)
{
    int64_t id = sqlite3_column_int64(st, 0);
    const char *date = col(st, 1);
    pt_visit_state state = PT_STATE_NONE;
    if (col(st, 3)) pt_visit_state_parse(col(st, 3), &state);
    char scored[400] = "";
    if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
        char total[32], max[32], extra[200] = "";
        decimal_id(total, sizeof total, sqlite3_column_double(st, 4));
        decimal_id(max, sizeof max, sqlite3_column_double(st, 5));
        const char *grade = col(st, 6), *label = col(st, 7), *override = col(st, 8);
        int n_flags = sqlite3_column_int(st, 9);
        if (override) snprintf(extra, sizeof extra, ", diubah penilai menjadi %s", override);
        if (n_flags > 0)
            snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", %d tanda bahaya",
                     n_flags);
        if (grade && *grade)
            snprintf(scored, sizeof scored, ", nilai %s dari %s, peringkat %s (%s)%s", total, max,
                     grade, or_dash(label), extra);
        else
            snprintf(scored, sizeof scored, ", nilai %s dari %s, tanpa peringkat (%s)%s", total,
                     max, or_dash(label), extra);
    }
    return add(s, ORD_VISIT, "visit", date, 0, id, id, 0, 0, "Kunjungan %s %lld (%s): %s%s",
               visit_type_label(col(st, 2)), (long long)id, or_dash(col(st, 10)),
               pt_visit_state_label(state), scored);
}

static int decision_row(story *s, sqlite3_stmt *st)
{
    int64_t id = sqlite3_column_int64(st, 0), visit_id = sqlite3_column_int64(st, 1);
    const char *kind = col(st, 2), *outcome = col(st, 3), *label = col(st, 4);
    const char *valid_until = col(st, 5), *conditions = col(st, 6), *at = col(st, 7);
    int64_t supersedes = sqlite3_column_int64(st, 8);
    const char *review_kind = col(st, 9);
    int64_t superseded_by = sqlite3_column_int64(st, 10);
    char validity[64] = "", link[128] = "", cond[600] = "", later[64] = "";
    if (valid_until) snprintf(validity, sizeof validity, ", berlaku s.d. %s", valid_until);
    if (supersedes) {
        const char *how = review_kind && strcmp(review_kind, "appeal") == 0 ? "banding"
                          : review_kind && strcmp(review_kind, "correction") == 0 ? "koreksi"
                                                                                  : "telaah ulang";
        snprintf(link, sizeof link, "; %s, menggantikan keputusan %lld", how, (long long)supersedes);
    }
    if (conditions && *conditions) snprintf(cond, sizeof cond, "; syarat: %s", conditions);
    if (superseded_by) snprintf(later, sizeof later, "; digantikan oleh keputusan %lld",
                                (long long)superseded_by);
    /* a grade is read with its label ("A (Sangat Baik)"); a monitoring outcome by its label */
    char what[200];
    int accreditation = kind && strcmp(kind, "accreditation") == 0;
    if (accreditation) snprintf(what, sizeof what, "%s (%s)", or_dash(outcome), or_dash(label));
    else snprintf(what, sizeof what, "%s", label && *label ? label : or_dash(outcome));
    return add(s, ORD_DECISION, "decision", at, sqlite3_column_int64(st, 11), id, visit_id, id, 0,
               "Keputusan %s %lld atas kunjungan %lld: %s%s%s%s%s",
               accreditation ? "akreditasi" : "monitoring", (long long)id, (long long)visit_id,
               what, validity, link, cond, later);
}

static int finding_row(story *s, sqlite3_stmt *st)
{
    int64_t id = sqlite3_column_int64(st, 0), visit_id = sqlite3_column_int64(st, 1);
    const char *item = col(st, 2), *severity = col(st, 3), *agency = col(st, 4);
    const char *description = col(st, 5), *due = col(st, 6), *at = col(st, 7);
    char where[80] = "";
    if (item && *item) snprintf(where, sizeof where, ", butir %s", item);
    /* a flag's message is a sentence: its final full stop would stand before "; batas" */
    int n = description ? (int)strlen(description) : 0;
    while (n > 0 && (description[n - 1] == '.' || description[n - 1] == ' ')) n--;
    int rc = add(s, ORD_FINDING, "finding", at, sqlite3_column_int64(st, 11), id, visit_id, 0, id,
                 "Temuan %lld dari kunjungan %lld (%s, %s%s): %.*s; batas %s", (long long)id,
                 (long long)visit_id, or_dash(severity), or_dash(agency), where, n > 0 ? n : 1,
                 n > 0 ? description : "-", or_dash(due));
    if (rc || sqlite3_column_type(st, 8) == SQLITE_NULL) return rc;
    int64_t by_visit = sqlite3_column_int64(st, 8);
    return add(s, ORD_CLOSED, "finding_closed", col(st, 9), sqlite3_column_int64(st, 12), id,
               by_visit, 0, id, "Temuan %lld ditutup: diverifikasi oleh kunjungan %lld (%s)",
               (long long)id, (long long)by_visit, or_dash(col(st, 10)));
}

static int plan_row(story *s, sqlite3_stmt *st)
{
    int64_t id = sqlite3_column_int64(st, 0), finding_id = sqlite3_column_int64(st, 1);
    int revision = sqlite3_column_int(st, 7);
    return add(s, ORD_PLAN, "plan", col(st, 5), sqlite3_column_int64(st, 8), id,
               sqlite3_column_int64(st, 6), 0, finding_id,
               "%s perbaikan temuan %lld: %s (penanggung jawab %s, target %s)",
               revision > 0 ? "Revisi rencana" : "Rencana", (long long)finding_id,
               or_dash(col(st, 2)), or_dash(col(st, 3)), or_dash(col(st, 4)));
}

static int sanction_row(story *s, sqlite3_stmt *st)
{
    int64_t id = sqlite3_column_int64(st, 0);
    return add(s, ORD_SANCTION, "sanction", col(st, 7), sqlite3_column_int64(st, 8), id,
               sqlite3_column_int64(st, 4), 0, sqlite3_column_int64(st, 5),
               "Sanksi tahap %d, %s (%s): %s", sqlite3_column_int(st, 1),
               sanction_label(col(st, 2)), or_dash(col(st, 6)), or_dash(col(st, 3)));
}

/* Appends "; <what> <old> → <new>" for a registration column that changed. */
static void change(char *buf, size_t size, const char *what, const char *before, const char *after,
                   int is_status)
{
    if ((!before && !after) || (before && after && strcmp(before, after) == 0)) return;
    size_t used = strlen(buf);
    if (is_status) {
        before = before ? pt_institution_reg_status_label(before) : NULL;
        after = after ? pt_institution_reg_status_label(after) : NULL;
    }
    snprintf(buf + used, size - used, "%s%s %s → %s", used ? "; " : "", what, or_dash(before),
             or_dash(after));
}

static int registration_row(story *s, sqlite3_stmt *st)
{
    int64_t seq = sqlite3_column_int64(st, 0);
    const char *at = col(st, 1), *action = col(st, 2);
    /* before and after of reg_status, reg_no, reg_date, reg_expires: columns 3..10 */
    const char *v[8];
    for (int i = 0; i < 8; i++) v[i] = col(st, 3 + i);
    char text[600] = "";
    if (strcmp(action, "insert") == 0) {
        char extra[300] = "";
        if (v[3]) snprintf(extra, sizeof extra, ", nomor %s", v[3]);
        if (v[5]) snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", sejak %s", v[5]);
        if (v[7]) snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", berlaku s.d. %s",
                           v[7]);
        snprintf(text, sizeof text, "Lembaga dicatat: %s%s",
                 pt_institution_reg_status_label(or_dash(v[1])), extra);
    } else {
        char what[500] = "";
        change(what, sizeof what, "status", v[0], v[1], 1);
        change(what, sizeof what, "nomor", v[2], v[3], 0);
        change(what, sizeof what, "tanggal daftar", v[4], v[5], 0);
        change(what, sizeof what, "berlaku s.d.", v[6], v[7], 0);
        snprintf(text, sizeof text, "Registrasi diubah: %s", what);
    }
    return add(s, ORD_REGISTRATION, "registration", at, seq, seq, 0, 0, 0, "%s", text);
}

static int by_time(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->pub.date, y->pub.date);
    if (c) return c;
    if (x->seq != y->seq) return x->seq < y->seq ? -1 : 1;
    if (x->ord != y->ord) return x->ord < y->ord ? -1 : 1;
    return x->pub.id < y->pub.id ? -1 : x->pub.id > y->pub.id;
}

static int gather(story *s)
{
    static const struct {
        const char *sql, *what;
        int (*row)(story *, sqlite3_stmt *);
    } kinds[] = {
        {"SELECT v.id, v.visit_date, v.visit_type, "
         "  (SELECT to_state FROM visit_transition t WHERE t.visit_id = v.id ORDER BY t.id DESC LIMIT 1), "
         "  sc.total, sc.maximum, sc.grade, sc.grade_label, "
         "  (SELECT overridden FROM score_override o WHERE o.visit_id = v.id AND o.target = 'grade' "
         "   ORDER BY o.id DESC LIMIT 1), "
         "  (SELECT count(*) FROM score_flag f WHERE f.visit_id = v.id), c.checklist_id "
         "FROM visit v JOIN checklist_version c ON c.id = v.checklist_version_id "
         "LEFT JOIN score sc ON sc.visit_id = v.id WHERE v.institution_id = ?1",
         "reading the institution's visits", visit_row},
        {"SELECT d.id, d.visit_id, d.kind, d.outcome, d.outcome_label, d.valid_until, d.conditions, "
         "  d.decided_at, d.supersedes, r.kind, "
         "  (SELECT l.id FROM decision l WHERE l.supersedes = d.id), " INSERT_SEQ("decision", "d.id") " "
         "FROM decision d JOIN review r ON r.id = d.review_id WHERE d.institution_id = ?1",
         "reading the institution's decisions", decision_row},
        {"SELECT f.id, f.visit_id, f.item_id, f.severity, f.agency, f.description, f.due_date, "
         "  f.created_at, f.closed_by_visit, f.closed_at, cv.visit_date, " INSERT_SEQ("finding", "f.id") ", "
         "  (SELECT min(seq) FROM audit_log a WHERE a.entity = 'finding' AND a.entity_id = f.id "
         "   AND a.action = 'update' AND json_extract(a.after, '$.status') = 'closed') "
         "FROM finding f LEFT JOIN visit cv ON cv.id = f.closed_by_visit WHERE f.institution_id = ?1",
         "reading the institution's findings", finding_row},
        {"SELECT p.id, p.finding_id, p.action, p.responsible, p.target_date, p.created_at, f.visit_id, "
         "  (SELECT count(*) FROM corrective_plan e WHERE e.finding_id = p.finding_id AND e.id < p.id), "
         INSERT_SEQ("corrective_plan", "p.id") " "
         "FROM corrective_plan p JOIN finding f ON f.id = p.finding_id WHERE f.institution_id = ?1",
         "reading the institution's corrective plans", plan_row},
        {"SELECT s.id, s.step, s.level, s.reason, s.visit_id, s.finding_id, s.agency, s.issued_at, "
         INSERT_SEQ("sanction", "s.id") " FROM sanction s WHERE s.institution_id = ?1",
         "reading the institution's sanctions", sanction_row},
        /* registration changes: the institution's audit rows where one of the registration
         * columns differs between before and after (an insert always counts) */
        {"SELECT seq, at, action, "
         "  json_extract(before, '$.reg_status'), json_extract(after, '$.reg_status'), "
         "  json_extract(before, '$.reg_no'), json_extract(after, '$.reg_no'), "
         "  json_extract(before, '$.reg_date'), json_extract(after, '$.reg_date'), "
         "  json_extract(before, '$.reg_expires'), json_extract(after, '$.reg_expires') "
         "FROM audit_log WHERE entity = 'institution' AND entity_id = ?1 "
         "  AND (action = 'insert' OR (action = 'update' AND ("
         "       json_extract(before, '$.reg_status') IS NOT json_extract(after, '$.reg_status') "
         "    OR json_extract(before, '$.reg_no') IS NOT json_extract(after, '$.reg_no') "
         "    OR json_extract(before, '$.reg_date') IS NOT json_extract(after, '$.reg_date') "
         "    OR json_extract(before, '$.reg_expires') IS NOT json_extract(after, '$.reg_expires'))))",
         "reading the institution's registration changes", registration_row},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        int rc = each_row(s, kinds[i].sql, kinds[i].what, kinds[i].row);
        if (rc) return rc;
    }
    return PT_OK;
}

int pt_institution_story_foreach(pt_ctx *ctx, int64_t institution_id,
                                 int (*cb)(const pt_story_entry *entry, void *payload),
                                 void *payload)
{
    int rc = pt__authz(ctx, PT_ACT_READ);
    if (rc) return rc;
    if ((rc = institution_exists(ctx, institution_id)) != PT_OK) return rc;
    story s = {.ctx = ctx, .institution_id = institution_id, .arena = pt__arena_new()};
    if (!s.arena) return pt__error(PT_ENOMEM, "out of memory");
    rc = gather(&s);
    if (rc == PT_OK) {
        if (s.n) qsort(s.items, s.n, sizeof *s.items, by_time);
        for (size_t i = 0; i < s.n && rc == 0; i++) rc = cb(&s.items[i].pub, payload);
    }
    free(s.items);
    pt__arena_free(s.arena);
    return rc;
}
