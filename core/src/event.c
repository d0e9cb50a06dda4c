/* Events: composing and storing the rows of the `event` table (see event.h).
 *
 * This sits on the hot paths of import and score --all (20,000 visits in one run), so a writer
 * prepares its statements once, composes texts in buffers it reuses, and writes the JSON by hand
 * instead of building a jansson tree per event. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

/* A growable text buffer, reused from event to event. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
    int failed;         /* an allocation failed: the text is incomplete */
} sbuf;

static void sb_reset(sbuf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->s) b->s[0] = '\0';
}

static int sb_reserve(sbuf *b, size_t extra)
{
    if (b->failed) return -1;
    if (b->len + extra + 1 <= b->cap) return 0;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < b->len + extra + 1) ncap *= 2;
    char *n = realloc(b->s, ncap);
    if (!n) {
        b->failed = 1;
        return -1;
    }
    b->s = n;
    b->cap = ncap;
    return 0;
}

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    if (sb_reserve(b, n) != 0) return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_add(sbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    /* one vsnprintf in the common case: the buffer usually has room */
    if (sb_reserve(b, 64) != 0) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= b->cap - b->len) {
        if (sb_reserve(b, (size_t)n) != 0) return;
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

/* Text on one line: line breaks and tabs become spaces (a subject is a mail header). */
static void sb_add_line(sbuf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        size_t run = strcspn(p, "\r\n\t");
        sb_addn(b, p, run);
        p += run;
        if (!*p) break;
        sb_addn(b, " ", 1);
    }
}

/* A JSON string literal. Control characters are escaped; the texts come from the store, where
 * they were checked to be UTF-8, so bytes >= 0x80 pass through. */
static void sb_json_str(sbuf *b, const char *s)
{
    if (!s) {
        sb_add(b, "null");
        return;
    }
    sb_addn(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const char *esc = NULL;
        char u[8];
        switch (*p) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (*p < 0x20) {
                snprintf(u, sizeof u, "\\u%04x", *p);
                esc = u;
            }
        }
        if (esc) sb_add(b, esc);
        else sb_addn(b, (const char *)p, 1);
    }
    sb_addn(b, "\"", 1);
}

static void sb_json_num(sbuf *b, double v)
{
    if (!isfinite(v)) sb_add(b, "null");
    else sb_printf(b, "%.15g", v);
}

/* A number for Indonesian readers: up to two decimals, a decimal comma ("78,5", "100"). */
static void sb_id_num(sbuf *b, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.2f", isfinite(v) ? v : 0.0);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf);
        while (end > dot + 1 && end[-1] == '0') *--end = '\0';
        if (end == dot + 1) *dot = '\0';
        else *dot = ',';
    }
    sb_add(b, buf);
}

/* ---- the writer ---- */

/* The institution an event is about, cached for the next event (a visit's flags follow it). */
typedef struct inst_info {
    int64_t id;
    int known;
    char *reg_no, *name, *kabupaten_kota, *province;   /* owned; "" when unknown */
} inst_info;

struct pt__events {
    pt_ctx *ctx;
    sqlite3_stmt *insert, *seen, *institution;
    char now[21];
    inst_info inst;
    sbuf subject, body, json, dedupe;
};

static void inst_clear(inst_info *i)
{
    free(i->reg_no);
    free(i->name);
    free(i->kabupaten_kota);
    free(i->province);
    memset(i, 0, sizeof *i);
}

void pt__events_close(pt__events *ev)
{
    if (!ev) return;
    sqlite3_finalize(ev->insert);
    sqlite3_finalize(ev->seen);
    sqlite3_finalize(ev->institution);
    inst_clear(&ev->inst);
    free(ev->subject.s);
    free(ev->body.s);
    free(ev->json.s);
    free(ev->dedupe.s);
    free(ev);
}

int pt__events_open(pt__events **out, pt_ctx *ctx)
{
    *out = NULL;
    pt__events *ev = calloc(1, sizeof *ev);
    if (!ev) return pt__error(PT_ENOMEM, "out of memory");
    ev->ctx = ctx;
    pt__now_utc(ev->now);
    int rc = pt__prepare(ctx, &ev->insert,
                         "INSERT INTO event (type, occurred_at, institution_id, visit_id, "
                         "kabupaten_kota, subject, body, json, dedupe) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    /* ?4 = 1: only the latest event of that type counts (a score that changed back is news) */
    if (!rc)
        rc = pt__prepare(ctx, &ev->seen,
                         "SELECT 1 FROM event WHERE visit_id = ?1 AND type = ?2 AND dedupe = ?3 "
                         "AND (?4 = 0 OR id = (SELECT max(id) FROM event "
                         "WHERE visit_id = ?1 AND type = ?2)) LIMIT 1");
    if (!rc)
        rc = pt__prepare(ctx, &ev->institution,
                         "SELECT reg_no, name, kabupaten_kota, province FROM institution "
                         "WHERE id = ?1");
    if (rc) {
        pt__events_close(ev);
        return rc;
    }
    *out = ev;
    return PT_OK;
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

/* Fills ev->inst for id, from `given` when the caller has the institution at hand, else from
 * the store. An institution that is gone leaves empty fields: the event is still raised. */
static int load_institution(pt__events *ev, int64_t id, const pt_institution *given)
{
    if (ev->inst.known && ev->inst.id == id) return PT_OK;
    inst_clear(&ev->inst);
    ev->inst.id = id;
    const char *f[4] = {NULL, NULL, NULL, NULL};
    sqlite3_stmt *st = ev->institution;
    if (given) {
        f[0] = given->reg_no, f[1] = given->name, f[2] = given->kabupaten_kota, f[3] = given->province;
    } else if (id > 0) {
        sqlite3_bind_int64(st, 1, id);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            for (int i = 0; i < 4; i++) f[i] = (const char *)sqlite3_column_text(st, i);
        } else if (rc != SQLITE_DONE) {
            sqlite3_reset(st);
            return pt__error_sqlite(ev->ctx->db, rc, "reading the institution of an event");
        }
    }
    ev->inst.reg_no = dup_or_empty(f[0]);
    ev->inst.name = dup_or_empty(f[1]);
    ev->inst.kabupaten_kota = dup_or_empty(f[2]);
    ev->inst.province = dup_or_empty(f[3]);
    sqlite3_reset(st);
    if (!ev->inst.reg_no || !ev->inst.name || !ev->inst.kabupaten_kota || !ev->inst.province) {
        inst_clear(&ev->inst);
        return pt__error(PT_ENOMEM, "out of memory");
    }
    ev->inst.known = 1;
    return PT_OK;
}

/* 1 when the visit already has an event of this type with this dedupe key (only its latest
 * one when latest_only), 0 when not, or a negative error. */
static int already_raised(pt__events *ev, int64_t visit_id, const char *type, const char *key,
                          int latest_only)
{
    sqlite3_stmt *st = ev->seen;
    sqlite3_bind_int64(st, 1, visit_id);
    sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, latest_only);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return pt__error_sqlite(ev->ctx->db, rc, "looking up earlier events");
}

static int insert_event(pt__events *ev, const char *type, int64_t institution_id,
                        int64_t visit_id, const char *kabupaten_kota, const char *subject,
                        const char *body, const char *json, const char *dedupe)
{
    sqlite3_stmt *st = ev->insert;
    sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ev->now, -1, SQLITE_STATIC);
    if (institution_id > 0) sqlite3_bind_int64(st, 3, institution_id);
    else sqlite3_bind_null(st, 3);
    if (visit_id > 0) sqlite3_bind_int64(st, 4, visit_id);
    else sqlite3_bind_null(st, 4);
    sqlite3_bind_text(st, 5, kabupaten_kota ? kabupaten_kota : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, body, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, json, -1, SQLITE_STATIC);
    if (dedupe) sqlite3_bind_text(st, 9, dedupe, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 9);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        char what[96];
        snprintf(what, sizeof what, "storing a %.40s event", type);
        return pt__error_sqlite(ev->ctx->db, rc, what);
    }
    return PT_OK;
}

int pt__event_raise(pt__events *ev, const char *type, int64_t institution_id, int64_t visit_id,
                    const char *subject, const char *body, const char *json)
{
    if (!type || !*type) return pt__error(PT_EINVALID, "an event needs a type");
    if (!json || *json != '{') return pt__error(PT_EINVALID, "event %s: the JSON must be an object", type);
    int rc = load_institution(ev, institution_id, NULL);
    if (rc) return rc;
    return insert_event(ev, type, institution_id, visit_id, ev->inst.kabupaten_kota,
                        subject ? subject : "", body ? body : "", json, NULL);
}

/* ---- the events of visits and scores ---- */

static const char *visit_type_id(const char *type)
{
    static const char *const names[][2] = {
        {"routine", "rutin"}, {"accreditation", "akreditasi"},
        {"complaint", "pengaduan"}, {"joint", "gabungan"},
    };
    for (size_t i = 0; type && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(type, names[i][0]) == 0) return names[i][1];
    return type ? type : "";
}

/* The institution's name for texts: never empty. */
static void sb_inst_name(sbuf *b, const inst_info *i)
{
    if (i->name && *i->name) sb_add_line(b, i->name);
    else sb_printf(b, "lembaga %lld", (long long)i->id);
}

/* "Lembaga: NAME (REG), KABUPATEN" line of every body. */
static void sb_inst_line(sbuf *b, const inst_info *i)
{
    sb_add(b, "Lembaga: ");
    sb_inst_name(b, i);
    if (*i->reg_no) sb_printf(b, " (%s)", i->reg_no);
    if (*i->kabupaten_kota) sb_printf(b, ", %s", i->kabupaten_kota);
    sb_add(b, "\n");
}

/* Starts the JSON of an event: {"type":..,"occurred_at":..,"institution":{..},"visit":{..
 * (left open for more keys). Subject and body are columns of their own; the delivery adds
 * them (pt__event_delivery_json), so the row does not carry them twice. */
static void json_begin(pt__events *ev, const char *type, const pt_visit *v)
{
    sbuf *j = &ev->json;
    const inst_info *i = &ev->inst;
    sb_reset(j);
    sb_add(j, "{\"type\":");
    sb_json_str(j, type);
    sb_add(j, ",\"occurred_at\":");
    sb_json_str(j, ev->now);
    sb_printf(j, ",\"institution\":{\"id\":%lld,\"reg_no\":", (long long)i->id);
    sb_json_str(j, *i->reg_no ? i->reg_no : NULL);
    sb_add(j, ",\"name\":");
    sb_json_str(j, i->name);
    sb_add(j, ",\"kabupaten_kota\":");
    sb_json_str(j, i->kabupaten_kota);
    sb_add(j, ",\"province\":");
    sb_json_str(j, i->province);
    sb_printf(j, "},\"visit\":{\"id\":%lld,\"date\":", (long long)v->id);
    sb_json_str(j, v->date);
    sb_add(j, ",\"type\":");
    sb_json_str(j, v->type);
    sb_add(j, ",\"checklist_id\":");
    sb_json_str(j, v->checklist_id);
    sb_add(j, ",\"checklist_version\":");
    sb_json_str(j, v->checklist_version);
}

static int texts_ok(pt__events *ev)
{
    if (ev->subject.failed || ev->body.failed || ev->json.failed || ev->dedupe.failed)
        return pt__error(PT_ENOMEM, "out of memory");
    return PT_OK;
}

int pt__event_visit_imported(pt__events *ev, const pt_visit *v, size_t n_answers)
{
    int rc = load_institution(ev, v->institution_id, NULL);
    if (rc) return rc;
    const inst_info *i = &ev->inst;
    const char *jenis = visit_type_id(v->type);

    sbuf *s = &ev->subject;
    sb_reset(s);
    sb_add(s, "Kunjungan dicatat: ");
    sb_inst_name(s, i);
    sb_printf(s, ", %s (%s)", v->date, jenis);

    sbuf *b = &ev->body;
    sb_reset(b);
    sb_printf(b, "Kunjungan %s ke ", jenis);
    sb_inst_name(b, i);
    sb_printf(b, " pada %s telah dicatat di pantau.\n\n", v->date);
    sb_inst_line(b, i);
    sb_printf(b, "Nomor kunjungan: %lld\n", (long long)v->id);
    sb_printf(b, "Instrumen: %s versi %s\n", v->checklist_id, v->checklist_version);
    sb_printf(b, "Jumlah jawaban: %zu\n", n_answers);

    json_begin(ev, "visit.imported", v);
    sb_printf(&ev->json, ",\"n_answers\":%zu}}", n_answers);
    if ((rc = texts_ok(ev)) != 0) return rc;
    return insert_event(ev, "visit.imported", v->institution_id, v->id, i->kabupaten_kota,
                        s->s, b->s, ev->json.s, NULL);
}

static int is_red_flag(const pt_flag *f)
{
    return f->severity && (strcmp(f->severity, "kritis") == 0 || strcmp(f->severity, "tinggi") == 0);
}

/* The "score" object shared by visit.scored and flag.raised. */
static void json_score(sbuf *j, const pt_score *sc, size_t n_red)
{
    sb_add(j, ",\"score\":{\"total\":");
    sb_json_num(j, sc->total);
    sb_add(j, ",\"max\":");
    sb_json_num(j, sc->max);
    sb_add(j, ",\"grade\":");
    sb_json_str(j, sc->grade);
    sb_add(j, ",\"grade_label\":");
    sb_json_str(j, sc->grade_label);
    sb_add(j, ",\"valid_until\":");
    sb_json_str(j, sc->valid_until && *sc->valid_until ? sc->valid_until : NULL);
    sb_printf(j, ",\"n_flags\":%zu,\"n_red_flags\":%zu}", sc->n_flags, n_red);
}

/* "peringkat B (Baik)", or the label alone when no band was reached. */
static void sb_grade(sbuf *b, const pt_score *sc)
{
    if (sc->grade && *sc->grade) {
        sb_printf(b, "peringkat %s", sc->grade);
        if (sc->grade_label && *sc->grade_label) sb_printf(b, " (%s)", sc->grade_label);
    } else {
        sb_add(b, sc->grade_label && *sc->grade_label ? sc->grade_label : "tanpa peringkat");
    }
}

static int raise_scored(pt__events *ev, const pt_visit *v, const pt_score *sc, size_t n_red)
{
    sbuf *k = &ev->dedupe;
    sb_reset(k);
    sb_json_num(k, sc->total);
    sb_add(k, "/");
    sb_json_num(k, sc->max);
    sb_add(k, " ");
    sb_add(k, sc->grade ? sc->grade : "");
    if (k->failed) return pt__error(PT_ENOMEM, "out of memory");
    int rc = already_raised(ev, v->id, "visit.scored", k->s, 1);
    if (rc) return rc < 0 ? rc : PT_OK;

    const inst_info *i = &ev->inst;
    sbuf *s = &ev->subject;
    sb_reset(s);
    sb_add(s, "Hasil penilaian ");
    sb_inst_name(s, i);
    sb_add(s, ": ");
    sb_id_num(s, sc->total);
    sb_add(s, "/");
    sb_id_num(s, sc->max);
    sb_add(s, ", ");
    sb_grade(s, sc);

    sbuf *b = &ev->body;
    sb_reset(b);
    sb_printf(b, "Kunjungan %lld ke ", (long long)v->id);
    sb_inst_name(b, i);
    sb_printf(b, " pada %s telah dinilai.\n\nNilai: ", v->date);
    sb_id_num(b, sc->total);
    sb_add(b, " dari ");
    sb_id_num(b, sc->max);
    sb_add(b, "\nHasil: ");
    sb_grade(b, sc);
    sb_add(b, "\n");
    if (sc->valid_until && *sc->valid_until) sb_printf(b, "Berlaku sampai: %s\n", sc->valid_until);
    sb_printf(b, "Jumlah bendera: %zu (kritis atau tinggi: %zu)\n", sc->n_flags, n_red);
    sb_inst_line(b, i);
    sb_printf(b, "Instrumen: %s versi %s\n", v->checklist_id, v->checklist_version);

    json_begin(ev, "visit.scored", v);
    sb_add(&ev->json, "}");
    json_score(&ev->json, sc, n_red);
    sb_add(&ev->json, "}");
    if ((rc = texts_ok(ev)) != 0) return rc;
    return insert_event(ev, "visit.scored", v->institution_id, v->id, i->kabupaten_kota, s->s,
                        b->s, ev->json.s, k->s);
}

/* The first line of a message, cut at a character boundary near max bytes, with "…". */
static void sb_short(sbuf *b, const char *msg, size_t max)
{
    size_t n = strcspn(msg, "\r\n");
    if (n <= max) {
        sb_addn(b, msg, n);
        return;
    }
    while (max > 0 && ((unsigned char)msg[max] & 0xC0) == 0x80) max--;
    sb_addn(b, msg, max);
    sb_add(b, "\xE2\x80\xA6");
}

static int raise_flag(pt__events *ev, const pt_visit *v, const pt_score *sc, const pt_flag *f,
                      size_t n_red)
{
    const char *msg = f->message ? f->message : "";
    sbuf *k = &ev->dedupe;
    sb_reset(k);
    /* unit separators keep "a|b" + "c" apart from "a" + "b|c" */
    const char *parts[] = {f->code, f->severity, f->agency, f->item_id, msg};
    for (size_t p = 0; p < 5; p++) {
        if (p) sb_add(k, "\x1f");
        sb_add(k, parts[p] ? parts[p] : "");
    }
    if (k->failed) return pt__error(PT_ENOMEM, "out of memory");
    int rc = already_raised(ev, v->id, "flag.raised", k->s, 0);
    if (rc) return rc < 0 ? rc : PT_OK;

    const inst_info *i = &ev->inst;
    sbuf *s = &ev->subject;
    sb_reset(s);
    sb_printf(s, "Bendera merah [%s] di ", f->severity);
    sb_inst_name(s, i);
    sb_add(s, ": ");
    sbuf line = {0};
    sb_short(&line, msg, 160);
    sb_add_line(s, line.s ? line.s : "");
    free(line.s);
    if (line.failed) s->failed = 1;

    sbuf *b = &ev->body;
    sb_reset(b);
    sb_printf(b, "Bendera merah tingkat %s pada kunjungan %lld ke ", f->severity, (long long)v->id);
    sb_inst_name(b, i);
    sb_printf(b, " (%s).\n\n%s\n\nKode: %s\n", v->date, msg, f->code ? f->code : "");
    if (f->item_id && *f->item_id) sb_printf(b, "Butir: %s\n", f->item_id);
    if (f->agency && *f->agency) sb_printf(b, "Instansi yang perlu bertindak: %s\n", f->agency);
    sb_inst_line(b, i);
    sb_add(b, "Hasil penilaian: ");
    sb_id_num(b, sc->total);
    sb_add(b, " dari ");
    sb_id_num(b, sc->max);
    sb_add(b, ", ");
    sb_grade(b, sc);
    sb_add(b, "\n");

    sbuf *j = &ev->json;
    json_begin(ev, "flag.raised", v);
    sb_add(j, "}");
    json_score(j, sc, n_red);
    sb_add(j, ",\"flag\":{\"code\":");
    sb_json_str(j, f->code);
    sb_add(j, ",\"severity\":");
    sb_json_str(j, f->severity);
    sb_add(j, ",\"agency\":");
    sb_json_str(j, f->agency ? f->agency : "");
    sb_add(j, ",\"item_id\":");
    sb_json_str(j, f->item_id ? f->item_id : "");
    sb_add(j, ",\"message\":");
    sb_json_str(j, msg);
    sb_add(j, "}}");
    if ((rc = texts_ok(ev)) != 0) return rc;
    return insert_event(ev, "flag.raised", v->institution_id, v->id, i->kabupaten_kota, s->s,
                        b->s, j->s, k->s);
}

int pt__event_score_stored(pt__events *ev, const pt_visit *visit,
                           const pt_institution *institution, const pt_score *score)
{
    int rc = load_institution(ev, visit->institution_id, institution);
    if (rc) return rc;
    size_t n_red = 0;
    for (size_t f = 0; f < score->n_flags; f++) n_red += (size_t)is_red_flag(&score->flags[f]);
    rc = raise_scored(ev, visit, score, n_red);
    for (size_t f = 0; rc == 0 && f < score->n_flags; f++)
        if (is_red_flag(&score->flags[f])) rc = raise_flag(ev, visit, score, &score->flags[f], n_red);
    return rc;
}

char *pt__event_delivery_json(int64_t id, const char *subject, const char *body, const char *json)
{
    sbuf b = {0};
    const char *rest = json && *json == '{' ? json + 1 : "}";
    while (*rest == ' ' || *rest == '\n' || *rest == '\t' || *rest == '\r') rest++;
    sb_printf(&b, "{\"id\":%lld,\"subject\":", (long long)id);
    sb_json_str(&b, subject ? subject : "");
    sb_add(&b, ",\"body\":");
    sb_json_str(&b, body ? body : "");
    if (*rest != '}') sb_add(&b, ",");
    sb_add(&b, rest);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
