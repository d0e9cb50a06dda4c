/* Events and their routing: raised in the same transaction as the data they describe (so a
 * failed import or a rolled-back score leaves none), raised once per fact, routed by the
 * configuration, and queued with a backoff when delivery fails. Also the configuration's
 * errors, which name file and line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "internal.h"
#include "config.h"
#include "pantau/notify.h"

static const char CHECKLIST_XML[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"uji\" version=\"1\" script=\"uji.lua\">\n"
    "  <title>Instrumen uji</title>\n"
    "  <grading max=\"100\" fail-label=\"Tidak lulus\">\n"
    "    <band grade=\"A\" min=\"80\" label=\"Baik\" validity-years=\"2\"/>\n"
    "  </grading>\n"
    "  <section id=\"S1\" weight=\"100\">\n"
    "    <title>Bagian satu</title>\n"
    "    <item id=\"S1.01\" type=\"yesno\" weight=\"1\"><text>Satu</text></item>\n"
    "    <item id=\"S1.02\" type=\"yesno\" weight=\"1\"><text>Dua</text></item>\n"
    "  </section>\n"
    "</checklist>\n";

/* S1.01 "tidak" raises a kritis flag for Dinas Sosial; S1.02 "tidak" a sedang one (not red). */
static const char SCRIPT[] =
    "function score(v)\n"
    "  local yes, flags = 0, {}\n"
    "  for id, a in pairs(v.answers) do if a.value == true then yes = yes + 1 end end\n"
    "  if v.answers['S1.01'] and v.answers['S1.01'].value == false then\n"
    "    flags[#flags + 1] = { code = 'GERBANG', severity = 'kritis', agency = 'Dinas Sosial',\n"
    "                          item = 'S1.01', message = 'Gerbang gagal: anak tidur di lantai' }\n"
    "  end\n"
    "  if v.answers['S1.02'] and v.answers['S1.02'].value == false then\n"
    "    flags[#flags + 1] = { code = 'KURANG', severity = 'sedang', item = 'S1.02',\n"
    "                          message = 'Belum' }\n"
    "  end\n"
    "  local total = 50 * yes\n"
    "  return { sections = {{ id = 'S1', score = total, max = 100, justification = '' }},\n"
    "           total = total, max = 100, grade = total >= 80 and 'A' or '', flags = flags }\n"
    "end\n";

typedef struct fixture {
    char *dir;
    pt_ctx *ctx;
} fixture;

static void add_home(pt_ctx *ctx, const char *reg_no, const char *name, const char *place)
{
    pt_field fields[] = {{"reg_no", reg_no}, {"name", name}, {"kind", "LKSA"},
                         {"reg_status", "registered"}, {"kabupaten_kota", place}};
    if (pt_institution_add(ctx, fields, 5, NULL) != 0) fail_msg("institution: %s", pt_error_last());
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = test_tmpdir();
    free(test_write_file(f->dir, "uji.lua", SCRIPT));
    char db[4200];
    snprintf(db, sizeof db, "%s/test.db", f->dir);
    if (pt_open(&f->ctx, db, f->dir, PT_OPEN_CREATE) != 0) fail_msg("open: %s", pt_error_last());
    pt_checklist *cl = NULL;
    if (pt_checklist_parse(&cl, "uji.xml", CHECKLIST_XML, strlen(CHECKLIST_XML)) != 0)
        fail_msg("checklist: %s", pt_error_last());
    if (pt_checklist_store(f->ctx, cl, NULL, NULL) != 0) fail_msg("store: %s", pt_error_last());
    pt_checklist_free(cl);
    add_home(f->ctx, "LKSA-1", "Panti Asuhan Kasih", "Kota Binjai");
    add_home(f->ctx, "LKSA-2", "Panti \xC3\x91usantara", "Kota Tangerang");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    pt_close(f->ctx);
    test_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static int import(fixture *f, const char *text)
{
    char *path = test_write_file(f->dir, "visits.csv", text);
    int rc = pt_visit_import(f->ctx, path, NULL, NULL);
    free(path);
    return rc;
}

static void exec(fixture *f, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(f->ctx->db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", sql, err);
}

static long long count(fixture *f, const char *where)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM event WHERE %s", where);
    return test_sql_int(f->ctx, sql);
}

/* visit 1: LKSA-1, red flag (S1.01 tidak); visit 2: LKSA-2, red flag; visit 3: LKSA-1, none */
static const char VISITS[] =
    "#institution;LKSA-1\n#checklist;uji@1\n#date;2024-02-29\n#type;akreditasi\n"
    "item;value;note\nS1.01;tidak;\nS1.02;tidak;\n"
    "#institution;LKSA-2\n#checklist;uji@1\n#date;2026-01-05\n#type;rutin\n"
    "item;value;note\nS1.01;tidak;\nS1.02;ya;\n"
    "#institution;LKSA-1\n#checklist;uji@1\n#date;2026-02-01\n#type;pengaduan\n"
    "item;value;note\nS1.01;ya;\nS1.02;ya;\n";

static char *text_of(fixture *f, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(f->ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(f->ctx->db));
    char *s = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        s = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!s) fail_msg("no row: %s", sql);
    return s;
}

static void assert_text(fixture *f, const char *sql, const char *expected)
{
    char *s = text_of(f, sql);
    if (strcmp(s, expected) != 0) fail_msg("%s\n  got      \"%s\"\n  expected \"%s\"", sql, s, expected);
    free(s);
}

/* ---- raising ---- */

static void test_an_import_raises_one_visit_imported_event_per_visit(void **state)
{
    fixture *f = *state;
    if (import(f, VISITS) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(count(f, "type = 'visit.imported'"), 3);
    assert_int_equal(count(f, "1"), 3);
    assert_text(f, "SELECT subject FROM event WHERE visit_id = 1",
                "Kunjungan dicatat: Panti Asuhan Kasih, 2024-02-29 (akreditasi)");
    assert_text(f, "SELECT subject FROM event WHERE visit_id = 2",
                "Kunjungan dicatat: Panti \xC3\x91usantara, 2026-01-05 (rutin)");
    assert_text(f, "SELECT body FROM event WHERE visit_id = 1",
                "Kunjungan akreditasi ke Panti Asuhan Kasih pada 2024-02-29 telah dicatat di "
                "pantau.\n\nLembaga: Panti Asuhan Kasih (LKSA-1), Kota Binjai\nNomor kunjungan: 1\n"
                "Instrumen: uji versi 1\nJumlah jawaban: 2\n");
    assert_text(f, "SELECT kabupaten_kota || '|' || institution_id FROM event WHERE visit_id = 2",
                "Kota Tangerang|2");
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM event WHERE json_valid(json) AND "
                                          "json_extract(json, '$.visit.n_answers') = 2 AND "
                                          "json_extract(json, '$.visit.id') = visit_id AND "
                                          "json_extract(json, '$.institution.id') = institution_id"),
                     3);
    assert_text(f, "SELECT json_extract(json, '$.visit.type') || '|' || "
                   "json_extract(json, '$.institution.reg_no') FROM event WHERE visit_id = 3",
                "complaint|LKSA-1");
}

static void test_an_import_with_a_bad_visit_leaves_no_event(void **state)
{
    fixture *f = *state;
    static const char BAD[] =
        "#institution;LKSA-1\n#checklist;uji@1\n#date;2024-02-29\n#type;akreditasi\n"
        "item;value;note\nS1.01;ya;\n"
        "#institution;LKSA-2\n#checklist;uji@1\n#date;2026-01-05\n#type;rutin\n"
        "item;value;note\nS1.99;ya;\n";
    assert_int_equal(import(f, BAD), PT_EINVALID);
    assert_error_contains("S1.99");
    assert_int_equal(count(f, "1"), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit"), 0);
}

static void test_an_import_that_fails_while_writing_leaves_no_event(void **state)
{
    fixture *f = *state;
    /* the third visit's second answer cannot be written (a unique index made for the test;
     * the importer writes without triggers, so a trigger cannot inject the failure): the first
     * two visits' events go too */
    exec(f, "CREATE UNIQUE INDEX uji_gagal ON answer(visit_id) WHERE visit_id = 3");
    assert_int_not_equal(import(f, VISITS), 0);
    assert_error_contains("UNIQUE constraint failed: answer.visit_id");
    assert_int_equal(count(f, "1"), 0);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM visit"), 0);
}

static void test_scoring_raises_visit_scored_and_one_flag_raised_per_red_flag(void **state)
{
    fixture *f = *state;
    if (import(f, VISITS) != 0) fail_msg("%s", pt_error_last());
    if (pt_score_visit(f->ctx, 1, NULL) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(count(f, "visit_id = 1 AND type = 'visit.scored'"), 1);
    /* kritis raises, sedang does not */
    assert_int_equal(count(f, "visit_id = 1 AND type = 'flag.raised'"), 1);
    assert_text(f, "SELECT subject FROM event WHERE type = 'flag.raised'",
                "Bendera merah [kritis] di Panti Asuhan Kasih: Gerbang gagal: anak tidur di lantai");
    assert_text(f, "SELECT subject FROM event WHERE type = 'visit.scored'",
                "Hasil penilaian Panti Asuhan Kasih: 0/100, Tidak lulus");
    assert_text(f, "SELECT json_extract(json, '$.flag.agency') || '|' || "
                   "json_extract(json, '$.flag.item_id') || '|' || json_extract(json, '$.score.total') "
                   "|| '|' || json_extract(json, '$.score.n_red_flags') FROM event "
                   "WHERE type = 'flag.raised'", "Dinas Sosial|S1.01|0|1");
    char *body = text_of(f, "SELECT body FROM event WHERE type = 'flag.raised'");
    assert_non_null(strstr(body, "Instansi yang perlu bertindak: Dinas Sosial\n"));
    assert_non_null(strstr(body, "Lembaga: Panti Asuhan Kasih (LKSA-1), Kota Binjai\n"));
    free(body);

    int n = 0;
    if (pt_score_all(f->ctx, NULL, NULL, &n) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(count(f, "type = 'visit.scored'"), 3);
    assert_int_equal(count(f, "type = 'flag.raised'"), 2);
    assert_text(f, "SELECT subject FROM event WHERE type = 'visit.scored' AND visit_id = 3",
                "Hasil penilaian Panti Asuhan Kasih: 100/100, peringkat A (Baik)");
}

static void test_scoring_again_raises_only_what_changed(void **state)
{
    fixture *f = *state;
    if (import(f, VISITS) != 0) fail_msg("%s", pt_error_last());
    for (int i = 0; i < 3; i++) {
        if (pt_score_all(f->ctx, NULL, NULL, NULL) != 0) fail_msg("%s", pt_error_last());
        if (pt_score_visit(f->ctx, 1, NULL) != 0) fail_msg("%s", pt_error_last());
    }
    assert_int_equal(count(f, "type = 'visit.scored'"), 3);
    assert_int_equal(count(f, "type = 'flag.raised'"), 2);
    /* visit 1's gate now passes: a new result (news), and no flag to raise */
    exec(f, "UPDATE answer SET value = 'ya' WHERE visit_id = 1 AND item_id = 'S1.01'");
    if (pt_score_visit(f->ctx, 1, NULL) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(count(f, "type = 'visit.scored' AND visit_id = 1"), 2);
    assert_int_equal(count(f, "type = 'flag.raised'"), 2);
    /* and back: the latest result differs again, so it is news again */
    exec(f, "UPDATE answer SET value = 'tidak' WHERE visit_id = 1 AND item_id = 'S1.01'");
    if (pt_score_visit(f->ctx, 1, NULL) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(count(f, "type = 'visit.scored' AND visit_id = 1"), 3);
    assert_int_equal(count(f, "type = 'flag.raised' AND visit_id = 1"), 1);
}

static void test_a_rolled_back_score_leaves_no_events(void **state)
{
    fixture *f = *state;
    if (import(f, VISITS) != 0) fail_msg("%s", pt_error_last());
    long long before = count(f, "1");
    /* the flag's event fails after the score and the visit.scored event were written */
    exec(f, "CREATE TRIGGER uji_gagal BEFORE INSERT ON event WHEN NEW.type = 'flag.raised' "
            "BEGIN SELECT RAISE(ABORT, 'event ditolak (uji)'); END");
    assert_int_not_equal(pt_score_visit(f->ctx, 1, NULL), 0);
    assert_error_contains("event ditolak (uji)");
    assert_int_equal(count(f, "1"), before);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score"), 0);

    /* score --all: visit 1 fails in the batch, so nothing of the batch stays */
    int n = -1;
    assert_int_not_equal(pt_score_all(f->ctx, NULL, NULL, &n), 0);
    assert_error_contains("event ditolak (uji)");
    assert_int_equal(n, 0);
    assert_int_equal(count(f, "1"), before);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM score"), 0);
}

/* ---- the configuration ---- */

static void expect_config_error(const char *text, const char *message)
{
    pt_notify_config *cfg = NULL;
    int rc = pt_notify_config_parse(&cfg, "/etc/pantau/pantau.conf", text, strlen(text));
    if (rc != PT_EINVALID) fail_msg("rc %d for:\n%s", rc, text);
    assert_null(cfg);
    if (strcmp(pt_error_last(), message) != 0)
        fail_msg("got      \"%s\"\nexpected \"%s\"", pt_error_last(), message);
}

static void test_configuration_errors_name_file_and_line(void **state)
{
    (void)state;
    expect_config_error("[channel a]\nplugin = outbox\n[saluran b]\n",
                        "/etc/pantau/pantau.conf:3: unknown section '[saluran b]' (expected "
                        "[channel NAME] or [route NAME])");
    expect_config_error("# komentar\nsmtp = x\n",
                        "/etc/pantau/pantau.conf:2: unknown setting 'smtp' before any section "
                        "(only plugin_path may stand there)");
    expect_config_error("[channel a]\nplugin = outbox\npath\n",
                        "/etc/pantau/pantau.conf:3: expected 'key = value' or a [section], got "
                        "'path'");
    expect_config_error("[channel a]\npath = /x\n\n[route r]\nevents = *\nchannels = a\n",
                        "/etc/pantau/pantau.conf:1: channel 'a' has no 'plugin = NAME' (email, "
                        "webhook, outbox or another notify plugin)");
    expect_config_error("[channel a]\nplugin = outbox\nplugin = email\n",
                        "/etc/pantau/pantau.conf:3: channel 'a': 'plugin' is set twice (first "
                        "at line 2)");
    expect_config_error("[channel a]\nplugin = outbox\n[channel a]\nplugin = email\n",
                        "/etc/pantau/pantau.conf:3: [channel a] is defined twice (first at line 1)");
    expect_config_error("[channel a]\nplugin = outbox\n\n[route r]\nevents = flag.raised\n"
                        "kanal = a\n",
                        "/etc/pantau/pantau.conf:6: route 'r': unknown setting 'kanal' (a route "
                        "takes events, channels, kabupaten_kota and agency)");
    expect_config_error("[channel a]\nplugin = outbox\n\n[route r]\nevents = Flag Raised\n"
                        "channels = a\n",
                        "/etc/pantau/pantau.conf:5: route 'r': 'Flag Raised' is not an event type "
                        "(e.g. flag.raised, visit.*, *)");
    expect_config_error("[channel a]\nplugin = outbox\n\n[route r]\nchannels = a\n",
                        "/etc/pantau/pantau.conf:4: route 'r' needs 'events = TYPE, ...' (or '*')");
    expect_config_error("[channel a]\nplugin = outbox\n\n[route r]\nevents = *\n"
                        "channels = a, b\n",
                        "/etc/pantau/pantau.conf:6: route 'r': no channel named 'b' (define it "
                        "with [channel b])");
    expect_config_error("[route]\n", "/etc/pantau/pantau.conf:1: '[route]' needs a name, e.g. "
                                     "[route kantor]");
    expect_config_error("[channel a]\nplugin = outbox\nto = \xC3\x28\n",
                        "/etc/pantau/pantau.conf:3: not UTF-8 text");

    pt_notify_config *cfg = NULL;
    assert_int_equal(pt_notify_config_load(&cfg, "/nonexistent/pantau.conf"), PT_ENOTFOUND);
    assert_error_contains("/nonexistent/pantau.conf");
}

static void test_routes_match_types_places_and_agencies(void **state)
{
    (void)state;
    static const char TEXT[] =
        "\xEF\xBB\xBF# pantau\nplugin_path = plugins\nplugin_path = /opt/pantau\n\n"
        "[channel a]\r\nplugin = outbox\r\npath = /var/spool/x # not a comment\r\n"
        "[route kunjungan]\nevents = visit.*\nchannels = a\n"
        "[route merah]\nevents = flag.raised\nkabupaten_kota = Kota Binjai, Kota Medan\n"
        "agency = dinas sosial\nchannels = a\n";
    pt_notify_config *cfg = NULL;
    if (pt_notify_config_parse(&cfg, "/etc/pantau/pantau.conf", TEXT, strlen(TEXT)) != 0)
        fail_msg("%s", pt_error_last());
    assert_string_equal(pt_notify_config_plugin_path(cfg), "/etc/pantau/plugins:/opt/pantau");
    assert_int_equal(cfg->channels[0].n_settings, 1);
    assert_string_equal(cfg->channels[0].values[0], "/var/spool/x # not a comment");
    const pt__route *visits = &cfg->routes[0], *red = &cfg->routes[1];
    assert_true(pt__route_matches(visits, "visit.scored", "", NULL));
    assert_true(pt__route_matches(visits, "visit.imported", "Kota Binjai", NULL));
    assert_false(pt__route_matches(visits, "visitor.came", "", NULL));
    assert_false(pt__route_matches(visits, "flag.raised", "", NULL));
    assert_true(pt__route_matches(red, "flag.raised", "kota binjai", "Dinas Sosial"));
    assert_true(pt__route_matches(red, "flag.raised", "Kota Medan", "DINAS SOSIAL"));
    assert_false(pt__route_matches(red, "flag.raised", "Kota Tangerang", "Dinas Sosial"));
    assert_false(pt__route_matches(red, "flag.raised", "Kota Binjai", "DP3A"));
    assert_false(pt__route_matches(red, "flag.raised", "Kota Binjai", NULL));
    pt_notify_config_free(cfg);
}

/* ---- routing and the queue ---- */

static pt_notify_config *config(const char *text)
{
    pt_notify_config *cfg = NULL;
    if (pt_notify_config_parse(&cfg, "uji.conf", text, strlen(text)) != 0)
        fail_msg("%s", pt_error_last());
    return cfg;
}

static void test_dispatch_routes_once_and_queues_failures_with_a_backoff(void **state)
{
    fixture *f = *state;
    if (import(f, VISITS) != 0) fail_msg("%s", pt_error_last());
    if (pt_score_all(f->ctx, NULL, NULL, NULL) != 0) fail_msg("%s", pt_error_last());
    /* the outbox plugin is not loaded (no plugin set): every attempt fails */
    pt_notify_config *cfg = config("[channel a]\nplugin = outbox\npath = /tmp/x\n"
                                   "[channel b]\nplugin = outbox\npath = /tmp/y\n"
                                   "[route merah]\nevents = flag.raised\n"
                                   "kabupaten_kota = Kota Binjai\nagency = Dinas Sosial\n"
                                   "channels = a, b\n"
                                   "[route juga]\nevents = flag.*\nchannels = b\n");
    pt_notify_stats st;
    if (pt_notify_dispatch(f->ctx, NULL, cfg, 0, &st) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(st.routed, 8);        /* 3 imported, 3 scored, 2 flags: all looked at */
    assert_int_equal(st.queued, 3);        /* Binjai's flag to a and b, Tangerang's to b */
    assert_int_equal(st.attempted, 2);     /* one per channel: then the channel waits */
    assert_int_equal(st.failed, 2);
    assert_int_equal(st.skipped, 1);
    assert_int_equal(st.delivered, 0);
    assert_int_equal(st.pending, 3);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM event WHERE routed = 0"), 0);
    assert_text(f, "SELECT last_error FROM delivery WHERE channel = 'a'",
                "uji.conf:2: channel 'a': no notify plugin named 'outbox' is loaded");
    /* the first backoff is a minute */
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM delivery WHERE attempts = 1 AND "
                                          "status = 'pending' AND unixepoch(next_attempt_at) - "
                                          "unixepoch('now') BETWEEN 55 AND 61"), 2);

    /* again: nothing new to route, nothing due but the one skipped */
    if (pt_notify_dispatch(f->ctx, NULL, cfg, 0, &st) != 0) fail_msg("%s", pt_error_last());
    assert_int_equal(st.routed, 0);
    assert_int_equal(st.queued, 0);
    assert_int_equal(st.attempted, 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM delivery"), 3);
    assert_int_equal(test_sql_int(f->ctx, "SELECT sum(attempts) FROM delivery"), 3);

    /* ignoring the backoff: the second failure waits 5 minutes, the fifth and later 12 hours */
    exec(f, "UPDATE delivery SET attempts = 7 WHERE channel = 'a'");
    if (pt_notify_dispatch(f->ctx, NULL, cfg, PT_NOTIFY_IGNORE_BACKOFF, &st) != 0)
        fail_msg("%s", pt_error_last());
    assert_int_equal(st.attempted, 2);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM delivery WHERE channel = 'a' AND "
                                          "attempts = 8 AND unixepoch(next_attempt_at) - "
                                          "unixepoch('now') BETWEEN 43195 AND 43201"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM delivery WHERE channel = 'b' AND "
                                          "attempts = 2 AND unixepoch(next_attempt_at) - "
                                          "unixepoch('now') BETWEEN 295 AND 301"), 1);
    assert_int_equal(test_sql_int(f->ctx, "SELECT count(*) FROM delivery WHERE status <> 'pending' "
                                          "OR claimed_until IS NOT NULL"), 0);
    pt_notify_config_free(cfg);
}

typedef struct seen {
    int n, n_pending;
    char first_channel[32];
} seen;

static int collect(const pt_delivery *d, void *payload)
{
    seen *s = payload;
    if (s->n++ == 0) snprintf(s->first_channel, sizeof s->first_channel, "%s", d->channel);
    s->n_pending += strcmp(d->status, "pending") == 0;
    return 0;
}

static void test_the_queue_lists_pending_deliveries(void **state)
{
    fixture *f = *state;
    if (import(f, VISITS) != 0) fail_msg("%s", pt_error_last());
    pt_notify_config *cfg = config("[channel kantor]\nplugin = outbox\n"
                                   "[route r]\nevents = visit.imported\nchannels = kantor\n");
    if (pt_notify_dispatch(f->ctx, NULL, cfg, 0, NULL) != 0) fail_msg("%s", pt_error_last());
    exec(f, "UPDATE delivery SET status = 'delivered' WHERE event_id = 1");
    seen all = {0}, pending = {0};
    assert_int_equal(pt_notify_foreach(f->ctx, 0, collect, &all), 0);
    assert_int_equal(pt_notify_foreach(f->ctx, 1, collect, &pending), 0);
    assert_int_equal(all.n, 3);
    assert_int_equal(pending.n, 2);
    assert_int_equal(pending.n_pending, 2);
    assert_string_equal(all.first_channel, "kantor");
    pt_notify_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_an_import_raises_one_visit_imported_event_per_visit,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_import_with_a_bad_visit_leaves_no_event, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_import_that_fails_while_writing_leaves_no_event,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_scoring_raises_visit_scored_and_one_flag_raised_per_red_flag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scoring_again_raises_only_what_changed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_rolled_back_score_leaves_no_events, setup, teardown),
        cmocka_unit_test(test_configuration_errors_name_file_and_line),
        cmocka_unit_test(test_routes_match_types_places_and_agencies),
        cmocka_unit_test_setup_teardown(
            test_dispatch_routes_once_and_queues_failures_with_a_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_queue_lists_pending_deliveries, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
