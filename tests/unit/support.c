#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>

#include "support.h"
#include "internal.h"

const char *test_source_path(const char *relative)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", PANTAU_SOURCE_DIR, relative);
    return buf;
}

char *test_tmpdir(void)
{
    char *dir = strdup("/tmp/pantau-test-XXXXXX");
    if (!dir || !mkdtemp(dir)) fail_msg("mkdtemp failed");
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

void test_tmpdir_remove(char *dir)
{
    if (dir) nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

char *test_write_file(const char *dir, const char *name, const char *text)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) fail_msg("cannot write %s", path);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
    return path;
}

pt_ctx *test_open_db(const char *dir)
{
    return test_open_db_with_scripts(dir, test_source_path("scripts"));
}

pt_ctx *test_open_db_with_scripts(const char *dir, const char *scripts_dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/test.db", dir);
    pt_ctx *ctx = NULL;
    if (pt_open(&ctx, path, scripts_dir, PT_OPEN_CREATE) != 0)
        fail_msg("pt_open: %s", pt_error_last());
    return ctx;
}

long long test_count_visit_rows(pt_ctx *ctx)
{
    return test_sql_int(ctx, "SELECT (SELECT count(*) FROM visit) + (SELECT count(*) FROM answer)"
                             " + (SELECT count(*) FROM visit_team)");
}

long long test_sql_int(pt_ctx *ctx, const char *sql)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(ctx->db));
    long long v = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

/* ---- Database fixtures ---------------------------------------------------------------- */

int test_fixture_setup(void **state)
{
    test_fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = test_tmpdir();
    f->ctx = test_open_db(f->dir);
    *state = f;
    return 0;
}

int test_fixture_teardown(void **state)
{
    test_fixture *f = *state;
    test_close_db(f->ctx, f->dir);
    free(f);
    return 0;
}

void test_close_db(pt_ctx *ctx, char *dir)
{
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

void test_store_checklist(pt_ctx *ctx, pt_checklist *cl)
{
    int created = 0;
    if (pt_checklist_store(ctx, cl, NULL, &created) != 0)
        fail_msg("store checklist: %s", pt_error_last());
    assert_int_equal(created, 1);
    pt_checklist_free(cl);
}

void test_store_checklist_xml(pt_ctx *ctx, const char *source, const char *xml)
{
    pt_checklist *cl = NULL;
    if (pt_checklist_parse(&cl, source, xml, strlen(xml)) != 0)
        fail_msg("parse checklist: %s", pt_error_last());
    test_store_checklist(ctx, cl);
}

int64_t test_add_home(pt_ctx *ctx, const char *reg_no, const char *name, const char *capacity)
{
    const pt_field fields[] = {{"reg_no", reg_no}, {"name", name}, {"kind", "LKSA"},
                               {"reg_status", "registered"}, {"capacity", capacity}};
    int64_t id = 0;
    if (pt_institution_add(ctx, fields, capacity ? 5 : 4, &id) != 0)
        fail_msg("add institution: %s", pt_error_last());
    return id;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) fail_msg("cannot read %s", path);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long n = ftell(fp);
    assert_true(n > 0);
    rewind(fp);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    buf[n] = '\0';
    if (len) *len = (size_t)n;
    return buf;
}

/* ---- Shipped instruments ------------------------------------------------------------- */

int test_instrument_setup(void **state)
{
    const test_instrument *in = *state;
    assert_non_null(in);
    test_fixture_setup(state);
    test_fixture *f = *state;
    f->instrument = in;

    pt_checklist *cl = NULL;
    if (pt_checklist_load_file(&cl, test_source_path(in->checklist)) != 0)
        fail_msg("load checklist: %s", pt_error_last());
    test_store_checklist(f->ctx, cl);

    pt_import_result r = {0};
    if (pt_institution_import_csv(f->ctx, test_source_path("checklists/samples/institutions.csv"),
                                  &r) != 0)
        fail_msg("import institutions: %s", pt_error_last());
    assert_int_equal(r.added, 7);
    assert_int_equal(r.updated, 0);
    return 0;
}

pt_visit_import_result test_import_visits(pt_ctx *ctx, const char *path, int n_visits)
{
    pt_visit_import_result r = {0};
    if (pt_visit_import(ctx, path, NULL, &r) != 0)
        fail_msg("import %s: %s", path, pt_error_last());
    assert_int_equal(r.n_visits, n_visits);
    assert_int_equal(r.last_id - r.first_id + 1, n_visits);
    return r;
}

pt_visit_import_result test_import_sample(pt_ctx *ctx, const char *name, int n_visits)
{
    char rel[512];
    snprintf(rel, sizeof rel, "checklists/samples/visits/%s", name);
    return test_import_visits(ctx, test_source_path(rel), n_visits);
}

int64_t test_import_sample_visit(pt_ctx *ctx, const char *name)
{
    return test_import_sample(ctx, name, 1).first_id;
}

pt_score *test_score_visit(pt_ctx *ctx, int64_t visit_id)
{
    pt_score *s = NULL;
    if (pt_score_visit(ctx, visit_id, &s) != 0)
        fail_msg("score visit %lld: %s", (long long)visit_id, pt_error_last());
    assert_non_null(s);
    return s;
}

pt_score *test_score_sample(pt_ctx *ctx, const char *name)
{
    return test_score_visit(ctx, test_import_sample_visit(ctx, name));
}

void assert_sections_of(const test_instrument *in, const pt_score *s, const double expected[])
{
    assert_int_equal(s->n_sections, in->n_sections);
    for (size_t i = 0; i < in->n_sections; i++) {
        const char *id = in->section_ids[i];
        assert_string_equal(s->sections[i].section_id, id);
        if (fabs(s->sections[i].score - expected[i]) > 1e-9)
            fail_msg("%s: score %.6f, expected %.2f", id, s->sections[i].score, expected[i]);
        assert_cents(s->sections[i].max, in->section_max[i]);
    }
}

void assert_flag(const pt_score *s, size_t i, const char *code, const char *severity,
                 const char *agency, const char *item, const char *message_part)
{
    assert_true(i < s->n_flags);
    const pt_flag *fl = &s->flags[i];
    assert_string_equal(fl->code, code);
    assert_string_equal(fl->severity, severity);
    assert_string_equal(fl->agency, agency);
    assert_string_equal(fl->item_id, item);
    if (!strstr(fl->message, message_part))
        fail_msg("flag %zu message \"%s\" lacks \"%s\"", i, fl->message, message_part);
}
