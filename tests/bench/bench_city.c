/*
 * The city benchmark: how fast is pantau on a city's worth of data, compared with what SQLite
 * itself can do with the same rows?
 *
 * It generates a synthetic city (by default 300 institutions, 20,000 visits of 200 answers),
 * imports all visits from one CSV file with pt_visit_import and scores them with pt_score_all,
 * then does the same work with bare SQLite on a fresh file with the same tables: one
 * transaction of prepared inserts of the pre-generated rows, and one GROUP BY computing the
 * weighted section and visit scores. The ratios say how much pantau's parsing, checking and
 * sandboxed Lua cost over the raw building blocks:
 *   import / raw insert       target <= 2.0
 *   score-all / SQL aggregate target <= 1.5
 * It measures and reports; it never fails on a missed target (exit 0). It exits 1 only when a
 * step itself fails (then the ratio lines are not printed, which the CTest smoke run notices).
 *
 *   bench_city [--institutions N] [--visits N] [--items N] [--dir DIR]
 *
 * Everything is deterministic (a fixed seed), so two runs do the same work. Files go to DIR
 * (created if missing; the databases in it are recreated): bench-city.xml, scripts/
 * bench_city.lua, visits.csv, pantau.db (the store) and raw.db (the bare SQLite file). Without
 * --dir a fresh folder under /tmp is used and removed at the end.
 */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "pantau/pantau.h"
#include "internal.h"     /* pt_ctx's db handle: to copy the store's pragmas to the raw file */
#include "migrations.h"   /* the very same CREATE TABLE statements for the raw file */

#define BENCH_SEED 0x70616e746175ULL   /* "pantau": fixed, so every run does the same work */
#define CHECKLIST_ID "bench-city"
#define CHECKLIST_VERSION "1"
#define SCRIPT_NAME "bench_city.lua"
#define SCALE_LEVELS 4
#define MAX_SECTIONS 8

/* ---- small helpers ---- */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fflush(stdout);
    fputs("bench_city: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* A pantau call that must succeed: on failure, print pantau's own message. */
static void check_pt(int rc, const char *what)
{
    if (rc != 0) die("%s failed (%d): %s", what, rc, pt_error_last());
}

static void check_sql(sqlite3 *db, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        die("%s failed: %s", what, sqlite3_errmsg(db));
}

static void *xmalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p) die("out of memory (%zu bytes)", n);
    return p;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* splitmix64: tiny, fast and good enough for synthetic answers. */
static uint64_t rng_state = BENCH_SEED;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static unsigned rng_below(unsigned n) { return (unsigned)(rng_next() % n); }

static void write_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) die("%s: %s", path, strerror(errno));
    if (fwrite(text, 1, len, f) != len || fclose(f) != 0) die("%s: write failed", path);
}

static void remove_db(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char buf[4200];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(buf, sizeof buf, "%s%s", path, suffixes[i]);
        if (unlink(buf) != 0 && errno != ENOENT) die("%s: %s", buf, strerror(errno));
    }
}

static void join_path(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size) die("path too long: %s/%s", dir, name);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

/* A growable string, for the XML, the script and the CSV. */
typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->len;
        int n = vsnprintf(b->data ? b->data + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) die("vsnprintf failed");
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap - b->len <= (size_t)n) cap *= 2;
        char *data = realloc(b->data, cap);
        if (!data) die("out of memory (%zu bytes)", cap);
        b->data = data;
        b->cap = cap;
    }
}

/* ---- the synthetic city ---- */

typedef enum { ITEM_SCALE, ITEM_YESNO } item_kind;

typedef struct bench_item {
    char id[32];
    int section;          /* 0-based */
    item_kind kind;
    int weight;
    int na_allowed;
    int gate;
} bench_item;

typedef struct city {
    int n_institutions, n_visits, n_items, n_sections;
    int section_weight[MAX_SECTIONS];
    bench_item *items;
    /* answers[v * n_items + i]: -1 N/A; scale 1..4; yesno 1 = ya, 0 = tidak */
    signed char *answers;
    int *visit_institution;     /* 1-based institution number of each visit */
    char (*visit_date)[11];
} city;

static void city_make_items(city *c)
{
    c->n_sections = c->n_items < MAX_SECTIONS ? c->n_items : MAX_SECTIONS;
    /* section weights are integers summing to 100, so a perfect visit totals exactly 100 */
    for (int s = 0; s < c->n_sections; s++)
        c->section_weight[s] = 100 / c->n_sections + (s < 100 % c->n_sections ? 1 : 0);
    c->items = xmalloc(sizeof *c->items * (size_t)c->n_items);
    for (int i = 0; i < c->n_items; i++) {
        bench_item *it = &c->items[i];
        /* sections get contiguous, nearly equal runs of items */
        it->section = (int)((long long)i * c->n_sections / c->n_items);
        int first = (int)(((long long)it->section * c->n_items + c->n_sections - 1) / c->n_sections);
        snprintf(it->id, sizeof it->id, "S%d.%03d", it->section + 1, i - first + 1);
        it->gate = i == 0;                       /* one critical item, a yes/no */
        it->kind = it->gate || i % 4 == 3 ? ITEM_YESNO : ITEM_SCALE;
        it->weight = 1 + i % 3;
        it->na_allowed = !it->gate && i % 10 == 5;
    }
}

static void city_make_answers(city *c)
{
    size_t n = (size_t)c->n_visits * (size_t)c->n_items;
    c->answers = xmalloc(n);
    c->visit_institution = xmalloc(sizeof *c->visit_institution * (size_t)c->n_visits);
    c->visit_date = xmalloc(sizeof *c->visit_date * (size_t)c->n_visits);
    for (int v = 0; v < c->n_visits; v++) {
        c->visit_institution[v] = 1 + v % c->n_institutions;
        /* past years only: pantau refuses visits dated in the future */
        snprintf(c->visit_date[v], sizeof c->visit_date[v], "%04u-%02u-%02u",
                 2021 + rng_below(3), 1 + rng_below(12), 1 + rng_below(28));
        for (int i = 0; i < c->n_items; i++) {
            const bench_item *it = &c->items[i];
            signed char *a = &c->answers[(size_t)v * (size_t)c->n_items + (size_t)i];
            unsigned r = rng_below(100);
            if (it->na_allowed && r < 10)
                *a = -1;
            else if (it->kind == ITEM_YESNO)
                *a = r < (it->gate ? 95u : 80u) ? 1 : 0;
            else /* levels skewed upwards, so grades spread over the bands */
                *a = (signed char)(r < 10 ? 1 : r < 30 ? 2 : r < 60 ? 3 : 4);
        }
    }
}

static const char *answer_text(signed char a, item_kind kind)
{
    static const char *const levels[] = {"0", "1", "2", "3", "4"};
    if (a < 0) return NULL;
    if (kind == ITEM_YESNO) return a ? "ya" : "tidak";
    return levels[a];
}

static char *city_checklist_xml(const city *c, size_t *len)
{
    buf b = {0};
    buf_printf(&b,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"" CHECKLIST_ID "\" version=\""
               CHECKLIST_VERSION "\" script=\"" SCRIPT_NAME "\">\n"
               "  <title>Instrumen Sintetis Kota</title>\n"
               "  <grading max=\"100\" default=\"true\" fail-label=\"Tidak Terakreditasi\">\n"
               "    <band grade=\"A\" min=\"91\" label=\"Sangat Baik\" validity-years=\"5\"/>\n"
               "    <band grade=\"B\" min=\"81\" label=\"Baik\" validity-years=\"3\"/>\n"
               "    <band grade=\"C\" min=\"71\" label=\"Cukup\" validity-years=\"2\"/>\n"
               "  </grading>\n");
    for (int s = 0; s < c->n_sections; s++) {
        buf_printf(&b, "  <section id=\"S%d\" weight=\"%d\">\n    <title>Aspek %d</title>\n",
                   s + 1, c->section_weight[s], s + 1);
        for (int i = 0; i < c->n_items; i++) {
            const bench_item *it = &c->items[i];
            if (it->section != s) continue;
            buf_printf(&b, "    <item id=\"%s\" type=\"%s\" weight=\"%d\"%s>\n"
                           "      <text>Indikator %s</text>\n",
                       it->id, it->kind == ITEM_YESNO ? "yesno" : "scale", it->weight,
                       it->na_allowed ? " na=\"allowed\"" : "", it->id);
            if (it->kind == ITEM_SCALE) {
                buf_printf(&b, "      <levels>\n");
                for (int l = 1; l <= SCALE_LEVELS; l++)
                    buf_printf(&b, "        <level value=\"%d\">Tingkat %d</level>\n", l, l);
                buf_printf(&b, "      </levels>\n");
            }
            if (it->gate)
                buf_printf(&b, "      <gate cap=\"C\" severity=\"kritis\" agency=\"DP3A\">"
                               "Indikator kritis tidak terpenuhi</gate>\n");
            buf_printf(&b, "    </item>\n");
        }
        buf_printf(&b, "  </section>\n");
    }
    buf_printf(&b, "</checklist>\n");
    *len = b.len;
    return b.data;
}

/* Weighted sections, N/A left out, grade from the bands, a failed gate caps the grade: the
 * same arithmetic as the SQL aggregate below, so their totals can be compared. */
static const char city_script[] =
    "local function credit(item, a)\n"
    "  if item.type == 'yesno' then\n"
    "    return (a.value == (item.expect ~= 'tidak')) and 1 or 0\n"
    "  elseif item.type == 'scale' then\n"
    "    return (a.value - 1) / (item.levels - 1)\n"
    "  end\n"
    "end\n"
    "\n"
    "function score(v)\n"
    "  local cl, answers = v.checklist, v.answers\n"
    "  local sections, flags, total, cap = {}, {}, 0, nil\n"
    "  for _, s in ipairs(cl.sections) do\n"
    "    local got, weight = 0, 0\n"
    "    for _, item in ipairs(s.items) do\n"
    "      local a = answers[item.id]\n"
    "      if a and not a.na then\n"
    "        local c = credit(item, a)\n"
    "        if c then got = got + c * item.weight; weight = weight + item.weight end\n"
    "        if item.gate and c == 0 then\n"
    "          cap = item.gate.cap\n"
    "          flags[#flags + 1] = { code = 'GATE', severity = item.gate.severity,\n"
    "                                agency = item.gate.agency, item = item.id,\n"
    "                                message = item.gate.message }\n"
    "        end\n"
    "      end\n"
    "    end\n"
    "    local sc = weight > 0 and s.weight * got / weight or 0\n"
    "    sections[#sections + 1] = { id = s.id, score = sc, max = s.weight,\n"
    "                                justification = '' }\n"
    "    total = total + sc\n"
    "  end\n"
    "  local grade, rank = '', #cl.bands + 1\n"
    "  for i, b in ipairs(cl.bands) do\n"
    "    if total >= b.min then grade, rank = b.grade, i; break end\n"
    "  end\n"
    "  if cap then\n"
    "    if cap == 'none' then grade = ''\n"
    "    else\n"
    "      for i, b in ipairs(cl.bands) do\n"
    "        if b.grade == cap and i > rank then grade = cap end\n"
    "      end\n"
    "    end\n"
    "  end\n"
    "  return { sections = sections, total = total, max = cl.max_total, grade = grade,\n"
    "           flags = flags }\n"
    "end\n";

/* One file with every visit: '#institution' lines start each one. */
static void city_write_csv(const city *c, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) die("%s: %s", path, strerror(errno));
    for (int v = 0; v < c->n_visits; v++) {
        fprintf(f, "#institution;BENCH-%04d\n#checklist;" CHECKLIST_ID "@" CHECKLIST_VERSION
                   "\n#date;%s\n#type;routine\n#team;Inspektur %d|Dinas Sosial|ketua\n"
                   "item;value;note\n",
                c->visit_institution[v], c->visit_date[v], 1 + v % 7);
        const signed char *a = &c->answers[(size_t)v * (size_t)c->n_items];
        for (int i = 0; i < c->n_items; i++) {
            const char *text = answer_text(a[i], c->items[i].kind);
            fprintf(f, "%s;%s;\n", c->items[i].id, text ? text : "NA");
        }
    }
    if (fclose(f) != 0) die("%s: write failed", path);
}

/* ---- the raw building blocks: bare SQLite with the same tables ---- */

static void exec_sql(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "bench_city: error: %s\n  in: %.200s\n", err ? err : "?", sql);
        sqlite3_free(err);
        exit(1);
    }
}

static char *pragma_value(sqlite3 *db, const char *pragma)
{
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA %s", pragma);
    sqlite3_stmt *st = NULL;
    check_sql(db, sqlite3_prepare_v2(db, sql, -1, &st, NULL), sql);
    char *value = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *text = sqlite3_column_text(st, 0);
        value = strdup(text ? (const char *)text : "");
    }
    sqlite3_finalize(st);
    if (!value) die("%s returned nothing", sql);
    return value;
}

/* The raw file runs with the settings the store chose (journal, sync, foreign keys, cache), so
 * the comparison measures pantau's own work, not a cheaper durability setting. */
static void copy_pragmas(sqlite3 *from, sqlite3 *to)
{
    static const char *const pragmas[] = {"journal_mode", "synchronous", "foreign_keys",
                                          "cache_size", "temp_store"};
    printf("store settings:");
    for (size_t i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++) {
        char *value = pragma_value(from, pragmas[i]);
        char sql[256];
        snprintf(sql, sizeof sql, "PRAGMA %s = %s", pragmas[i], value);
        sqlite3_stmt *st = NULL;
        check_sql(to, sqlite3_prepare_v2(to, sql, -1, &st, NULL), sql);
        while (sqlite3_step(st) == SQLITE_ROW) {}
        sqlite3_finalize(st);
        printf(" %s=%s", pragmas[i], value);
        free(value);
    }
    printf("\n");
}

static sqlite3 *raw_open(const city *c, const char *path, sqlite3 *store_db, const char *now)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK) die("%s: %s", path, db ? sqlite3_errmsg(db) : "?");
    copy_pragmas(store_db, db);
    /* The raw building block is SQLite alone: the data tables of migration 1 (the same
     * definitions the store uses) and nothing pantau adds on top, such as the audit log's
     * triggers (migration 3). What pantau's own bookkeeping costs shows in the ratio. */
    exec_sql(db, "BEGIN");
    exec_sql(db, pt__migration_sql(1));
    exec_sql(db, "COMMIT");
    /* what the aggregate joins answers to: the items' weights and the sections' weights */
    exec_sql(db, "CREATE TABLE bench_item (item_id TEXT PRIMARY KEY, section_id TEXT NOT NULL,"
                 " type TEXT NOT NULL, weight REAL NOT NULL, levels INTEGER) STRICT, WITHOUT ROWID;"
                 "CREATE TABLE bench_section (section_id TEXT PRIMARY KEY, weight REAL NOT NULL)"
                 " STRICT, WITHOUT ROWID;");
    exec_sql(db, "BEGIN");
    sqlite3_stmt *st = NULL;
    check_sql(db, sqlite3_prepare_v2(db, "INSERT INTO checklist_version (checklist_id, version,"
              " title, n_items, xml, sha256, loaded_at) VALUES ('" CHECKLIST_ID "', '"
              CHECKLIST_VERSION "', 'bench', ?, '<checklist/>', printf('%064d', 0), ?)",
              -1, &st, NULL), "prepare checklist_version");
    sqlite3_bind_int(st, 1, c->n_items);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    check_sql(db, sqlite3_step(st), "insert checklist_version");
    sqlite3_finalize(st);
    check_sql(db, sqlite3_prepare_v2(db, "INSERT INTO institution (reg_no, name, kind, reg_status,"
              " created_at, updated_at) VALUES (printf('BENCH-%04d', ?1), printf('Panti %d', ?1),"
              " 'LKSA', 'registered', ?2, ?2)", -1, &st, NULL), "prepare institution");
    for (int i = 1; i <= c->n_institutions; i++) {
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
        check_sql(db, sqlite3_step(st), "insert institution");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    check_sql(db, sqlite3_prepare_v2(db, "INSERT INTO bench_item VALUES (?, ?, ?, ?, ?)", -1, &st,
                                     NULL), "prepare bench_item");
    for (int i = 0; i < c->n_items; i++) {
        const bench_item *it = &c->items[i];
        char section[16];
        snprintf(section, sizeof section, "S%d", it->section + 1);
        sqlite3_bind_text(st, 1, it->id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, section, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, it->kind == ITEM_YESNO ? "yesno" : "scale", -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 4, it->weight);
        if (it->kind == ITEM_SCALE) sqlite3_bind_int(st, 5, SCALE_LEVELS);
        else sqlite3_bind_null(st, 5);
        check_sql(db, sqlite3_step(st), "insert bench_item");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    check_sql(db, sqlite3_prepare_v2(db, "INSERT INTO bench_section VALUES (printf('S%d', ?), ?)",
                                     -1, &st, NULL), "prepare bench_section");
    for (int s = 0; s < c->n_sections; s++) {
        sqlite3_bind_int(st, 1, s + 1);
        sqlite3_bind_double(st, 2, c->section_weight[s]);
        check_sql(db, sqlite3_step(st), "insert bench_section");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec_sql(db, "COMMIT");
    return db;
}

/* (3) the same visits, team members and answers as the import writes, values already in
 * memory, one transaction, prepared statements: only SQLite's work is timed. */
static double raw_insert(const city *c, sqlite3 *db, const char *now, const char *source,
                         long long *n_rows)
{
    static const char *const team_names[] = {"Inspektur 1", "Inspektur 2", "Inspektur 3",
                                             "Inspektur 4", "Inspektur 5", "Inspektur 6",
                                             "Inspektur 7"};
    sqlite3_stmt *visit = NULL, *team = NULL, *answer = NULL;
    check_sql(db, sqlite3_prepare_v2(db, "INSERT INTO visit (institution_id, checklist_version_id,"
              " visit_date, visit_type, notes, source, created_at) VALUES (?, 1, ?, 'routine',"
              " NULL, ?, ?)", -1, &visit, NULL), "prepare visit");
    check_sql(db, sqlite3_prepare_v2(db, "INSERT INTO visit_team (visit_id, position, name, agency,"
              " role) VALUES (?, 0, ?, 'Dinas Sosial', 'ketua')", -1, &team, NULL),
              "prepare visit_team");
    check_sql(db, sqlite3_prepare_v2(db, "INSERT INTO answer (visit_id, item_id, position, value,"
              " na, note) VALUES (?, ?, ?, ?, ?, NULL)", -1, &answer, NULL), "prepare answer");
    long long rows = 0;
    double t0 = now_seconds();
    exec_sql(db, "BEGIN IMMEDIATE");
    for (int v = 0; v < c->n_visits; v++) {
        sqlite3_bind_int(visit, 1, c->visit_institution[v]);
        sqlite3_bind_text(visit, 2, c->visit_date[v], 10, SQLITE_STATIC);
        sqlite3_bind_text(visit, 3, source, -1, SQLITE_STATIC);
        sqlite3_bind_text(visit, 4, now, -1, SQLITE_STATIC);
        check_sql(db, sqlite3_step(visit), "insert visit");
        sqlite3_reset(visit);
        sqlite3_int64 id = sqlite3_last_insert_rowid(db);
        sqlite3_bind_int64(team, 1, id);
        sqlite3_bind_text(team, 2, team_names[v % 7], -1, SQLITE_STATIC);
        check_sql(db, sqlite3_step(team), "insert visit_team");
        sqlite3_reset(team);
        rows += 2;
        const signed char *a = &c->answers[(size_t)v * (size_t)c->n_items];
        for (int i = 0; i < c->n_items; i++) {
            const char *text = answer_text(a[i], c->items[i].kind);
            sqlite3_bind_int64(answer, 1, id);
            sqlite3_bind_text(answer, 2, c->items[i].id, -1, SQLITE_STATIC);
            sqlite3_bind_int(answer, 3, i);
            if (text) sqlite3_bind_text(answer, 4, text, -1, SQLITE_STATIC);
            else sqlite3_bind_null(answer, 4);
            sqlite3_bind_int(answer, 5, text ? 0 : 1);
            check_sql(db, sqlite3_step(answer), "insert answer");
            sqlite3_reset(answer);
            rows++;
        }
    }
    exec_sql(db, "COMMIT");
    double t = now_seconds() - t0;
    sqlite3_finalize(visit);
    sqlite3_finalize(team);
    sqlite3_finalize(answer);
    *n_rows = rows;
    return t;
}

/* (4) weighted sums per visit and section in SQL: credit (level-1)/(levels-1) or ya = 1, N/A
 * left out, SUM(credit*w)/SUM(w) per section, scaled by the section's weight, summed per
 * visit. Every result row is stepped through and its total kept for the cross-check. */
static double raw_aggregate(const city *c, sqlite3 *db, double *totals, long long *n_rows)
{
    static const char sql[] =
        "WITH per_section AS ("
        "  SELECT a.visit_id AS visit_id, i.section_id AS section_id,"
        "         SUM(CASE WHEN i.type = 'scale'"
        "                  THEN (CAST(a.value AS INTEGER) - 1) / CAST(i.levels - 1 AS REAL)"
        "                  WHEN a.value = 'ya' THEN 1.0 ELSE 0.0 END * i.weight)"
        "         / SUM(i.weight) AS ratio"
        "  FROM answer a JOIN bench_item i ON i.item_id = a.item_id"
        "  WHERE a.na = 0"
        "  GROUP BY a.visit_id, i.section_id)"
        " SELECT p.visit_id, SUM(p.ratio * s.weight), COUNT(*)"
        " FROM per_section p JOIN bench_section s ON s.section_id = p.section_id"
        " GROUP BY p.visit_id ORDER BY p.visit_id";
    sqlite3_stmt *st = NULL;
    long long rows = 0;
    double t0 = now_seconds();
    check_sql(db, sqlite3_prepare_v2(db, sql, -1, &st, NULL), "prepare aggregate");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        if (id >= 1 && id <= c->n_visits) totals[id - 1] = sqlite3_column_double(st, 1);
        rows++;
    }
    check_sql(db, rc, "aggregate");
    sqlite3_finalize(st);
    double t = now_seconds() - t0;
    *n_rows = rows;
    return t;
}

/* The stored totals must equal the SQL ones (same data, same arithmetic): a benchmark whose
 * two sides compute different things would measure nothing. Returns the largest difference. */
static double compare_totals(const city *c, pt_ctx *ctx, int64_t first_id, const double *totals,
                             int *n_compared)
{
    sqlite3_stmt *st = NULL;
    check_sql(ctx->db, sqlite3_prepare_v2(ctx->db, "SELECT visit_id, total FROM score", -1, &st,
                                          NULL), "prepare score read");
    double worst = 0;
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t v = sqlite3_column_int64(st, 0) - first_id;
        if (v < 0 || v >= c->n_visits) continue;
        double d = fabs(sqlite3_column_double(st, 1) - totals[v]);
        if (d > worst) worst = d;
        n++;
    }
    sqlite3_finalize(st);
    *n_compared = n;
    return worst;
}

/* ---- the run ---- */

static int parse_count(const char *flag, const char *text, int min, int max)
{
    char *end = NULL;
    errno = 0;
    long n = text ? strtol(text, &end, 10) : 0;
    if (!text || errno || *end || n < min || n > max)
        die("%s needs a number between %d and %d", flag, min, max);
    return (int)n;
}

static void usage(void)
{
    puts("usage: bench_city [--institutions N] [--visits N] [--items N] [--dir DIR]\n"
         "defaults: 300 institutions, 20000 visits of 200 items, a temporary folder");
}

static void print_step(const char *name, double seconds, long long rows, const char *unit)
{
    if (rows > 0)
        printf("  %-34s %9.3f s  %12.0f %s/s  (%lld %s)\n", name, seconds,
               seconds > 0 ? (double)rows / seconds : 0.0, unit, rows, unit);
    else
        printf("  %-34s %9.3f s\n", name, seconds);
}

static void print_ratio(const char *name, double num, double den, double target)
{
    double ratio = den > 0 ? num / den : INFINITY;
    printf("ratio %-28s %6.2f  (target <= %.1f): %s\n", name, ratio, target,
           ratio <= target ? "MET" : "MISSED");
}

int main(int argc, char **argv)
{
    city c = {.n_institutions = 300, .n_visits = 20000, .n_items = 200};
    const char *dir_arg = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--institutions")) c.n_institutions = parse_count(a, v, 1, 99999), i++;
        else if (!strcmp(a, "--visits")) c.n_visits = parse_count(a, v, 1, 10000000), i++;
        else if (!strcmp(a, "--items")) c.n_items = parse_count(a, v, 1, 999 * MAX_SECTIONS), i++;
        else if (!strcmp(a, "--dir") && v) dir_arg = v, i++;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(); return 0; }
        else { usage(); die("unknown or incomplete option: %s", a); }
    }

    char tmp_template[] = "/tmp/pantau-bench-XXXXXX";
    const char *dir = dir_arg;
    if (!dir) {
        if (!mkdtemp(tmp_template)) die("mkdtemp: %s", strerror(errno));
        dir = tmp_template;
    } else if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        die("%s: %s", dir, strerror(errno));
    }
    char scripts[4096], xml_path[4096], script_path[4096], csv_path[4096], db_path[4096],
        raw_path[4096];
    join_path(scripts, sizeof scripts, dir, "scripts");
    join_path(xml_path, sizeof xml_path, dir, CHECKLIST_ID ".xml");
    join_path(script_path, sizeof script_path, scripts, SCRIPT_NAME);
    join_path(csv_path, sizeof csv_path, dir, "visits.csv");
    join_path(db_path, sizeof db_path, dir, "pantau.db");
    join_path(raw_path, sizeof raw_path, dir, "raw.db");
    if (mkdir(scripts, 0755) != 0 && errno != EEXIST) die("%s: %s", scripts, strerror(errno));
    remove_db(db_path);
    remove_db(raw_path);

#ifndef __OPTIMIZE__
    printf("warning: built without optimisation: the figures are not meaningful\n");
#endif
    printf("city: %d institutions, %d visits x %d items (%d sections), seed %#llx, in %s\n",
           c.n_institutions, c.n_visits, c.n_items, MAX_SECTIONS < c.n_items ? MAX_SECTIONS
           : c.n_items, (unsigned long long)BENCH_SEED, dir);
    printf("SQLite %s\n", sqlite3_libversion());

    /* a. the checklist and its script */
    double t0 = now_seconds();
    city_make_items(&c);
    size_t xml_len = 0;
    char *xml = city_checklist_xml(&c, &xml_len);
    write_text(xml_path, xml, xml_len);
    write_text(script_path, city_script, sizeof city_script - 1);
    pt_ctx *ctx = NULL;
    check_pt(pt_open(&ctx, db_path, scripts, PT_OPEN_CREATE), "pt_open");
    pt_checklist *checklist = NULL;
    check_pt(pt_checklist_parse(&checklist, xml_path, xml, xml_len), "pt_checklist_parse");
    check_pt(pt_checklist_store(ctx, checklist, NULL, NULL), "pt_checklist_store");
    double t_checklist = now_seconds() - t0;

    /* b. the institutions */
    t0 = now_seconds();
    for (int i = 1; i <= c.n_institutions; i++) {
        char reg_no[32], name[64];
        snprintf(reg_no, sizeof reg_no, "BENCH-%04d", i);
        snprintf(name, sizeof name, "Panti Asuhan Sintetis %d", i);
        pt_field fields[] = {{"reg_no", reg_no}, {"name", name}, {"kind", "LKSA"},
                             {"reg_status", "registered"}, {"kabupaten_kota", "Kota Bench"}};
        check_pt(pt_institution_add(ctx, fields, sizeof fields / sizeof fields[0], NULL),
                 "pt_institution_add");
    }
    double t_institutions = now_seconds() - t0;

    /* c. the visit file, then (1) the import */
    t0 = now_seconds();
    city_make_answers(&c);
    city_write_csv(&c, csv_path);
    double t_generate = now_seconds() - t0;
    struct stat st;
    long long csv_bytes = stat(csv_path, &st) == 0 ? (long long)st.st_size : -1;

    pt_visit_import_result imported = {0};
    t0 = now_seconds();
    check_pt(pt_visit_import(ctx, csv_path, NULL, &imported), "pt_visit_import");
    double t_import = now_seconds() - t0;
    if (imported.n_visits != c.n_visits)
        die("pt_visit_import wrote %d visits, expected %d", imported.n_visits, c.n_visits);

    /* d. (2) scoring every visit */
    int n_scored = 0;
    t0 = now_seconds();
    check_pt(pt_score_all(ctx, NULL, NULL, &n_scored), "pt_score_all");
    double t_score = now_seconds() - t0;
    if (n_scored != c.n_visits) die("pt_score_all scored %d visits, expected %d", n_scored, c.n_visits);

    /* e. the raw building blocks on the same rows */
    char now[21];
    pt__now_utc(now);
    sqlite3 *raw = raw_open(&c, raw_path, ctx->db, now);
    long long insert_rows = 0, aggregate_rows = 0;
    double t_raw_insert = raw_insert(&c, raw, now, csv_path, &insert_rows);
    double *totals = xmalloc(sizeof *totals * (size_t)c.n_visits);
    double t_aggregate = raw_aggregate(&c, raw, totals, &aggregate_rows);
    int n_compared = 0;
    double worst = compare_totals(&c, ctx, imported.first_id, totals, &n_compared);

    /* f. the figures */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long long n_answers = (long long)c.n_visits * c.n_items;
    printf("steps:\n");
    print_step("checklist parse + store", t_checklist, 0, NULL);
    print_step("institutions added", t_institutions, c.n_institutions, "institutions");
    printf("  %-34s %9.3f s  (%lld bytes)\n", "visit file generated", t_generate, csv_bytes);
    print_step("(1) pt_visit_import", t_import, imported.n_answers, "answers");
    print_step("(2) pt_score_all", t_score, n_scored, "visits");
    print_step("(3) raw insert, one transaction", t_raw_insert, insert_rows, "rows");
    print_step("(4) SQL aggregate", t_aggregate, n_answers, "answers");
    printf("  (4) returned %lld visit rows\n", aggregate_rows);
    printf("check: %d stored totals vs SQL totals, largest difference %.3g: %s\n", n_compared,
           worst, n_compared == c.n_visits && worst < 1e-6 ? "same" : "DIFFERENT");
    print_ratio("import / raw insert", t_import, t_raw_insert, 2.0);
    print_ratio("score-all / SQL aggregate", t_score, t_aggregate, 1.5);
    printf("peak RSS: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);

    free(totals);
    sqlite3_close(raw);
    pt_checklist_free(checklist);
    pt_close(ctx);
    free(xml);
    free(c.items);
    free(c.answers);
    free(c.visit_institution);
    free(c.visit_date);
    if (!dir_arg) nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
