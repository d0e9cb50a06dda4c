/* The audit log through the C API: what the triggers record, the chain, verify's findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "internal.h"
#include "audit.h"
#include "migrations.h"
#include "pantau/audit.h"

static int64_t add(pt_ctx *ctx, const char *reg_no, const char *name)
{
    pt_field f[] = {{"reg_no", reg_no}, {"name", name}, {"kind", "LKSA"}};
    int64_t id = 0;
    assert_int_equal(pt_institution_add(ctx, f, 3, &id), 0);
    return id;
}

typedef struct collected {
    int n;
    char line[16][256];
} collected;

static int collect(const pt_audit_entry *e, void *payload)
{
    collected *c = payload;
    if (c->n < 16)
        snprintf(c->line[c->n], sizeof c->line[0], "%lld %s %s %s %lld %s", (long long)e->seq,
                 e->actor, e->action, e->entity, (long long)e->entity_id,
                 e->after ? "after" : "no-after");
    c->n++;
    return 0;
}

static int contains(const pt_audit_report *r, const char *text)
{
    for (size_t i = 0; i < r->n_problems && i < 100; i++)
        if (strstr(r->problems[i], text)) return 1;
    return 0;
}

static void test_changes_are_recorded_with_the_actor_in_order(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    pt_ctx *ctx = test_open_db(dir);
    int64_t id = add(ctx, "A-1", "Panti Satu");
    assert_int_equal(pt__audit_set_actor(ctx, "siti"), 0);
    pt_field upd[] = {{"name", "Panti Satu Baru"}};
    assert_int_equal(pt_institution_update(ctx, id, upd, 1), 0);
    assert_int_equal(pt__audit_set_actor(ctx, NULL), 0);

    collected c = {0};
    assert_int_equal(pt_audit_foreach(ctx, "institution", id, collect, &c), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.line[0], "1 local insert institution 1 after");
    assert_string_equal(c.line[1], "2 siti update institution 1 after");

    pt_audit_report r;
    assert_int_equal(pt_audit_verify(ctx, &r), 0);
    assert_int_equal(r.n_problems, 0);
    assert_int_equal(r.n_entries, 2);
    assert_int_equal(r.head_seq, 2);
    assert_int_equal(strlen(r.head_hash), 64);
    pt_audit_report_clear(&r);
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

static void test_the_log_cannot_be_changed_through_sql(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    pt_ctx *ctx = test_open_db(dir);
    add(ctx, "A-1", "Panti Satu");
    char *err = NULL;
    assert_int_not_equal(sqlite3_exec(ctx->db, "UPDATE audit_log SET actor = 'x'", NULL, NULL, &err),
                         SQLITE_OK);
    assert_non_null(strstr(err, "append-only"));
    sqlite3_free(err);
    assert_int_not_equal(sqlite3_exec(ctx->db, "DELETE FROM audit_log", NULL, NULL, &err), SQLITE_OK);
    assert_non_null(strstr(err, "append-only"));
    sqlite3_free(err);
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

static void test_verify_names_an_edited_row_a_gap_and_a_silent_change(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    pt_ctx *ctx = test_open_db(dir);
    for (int i = 1; i <= 4; i++) {
        char reg[16], name[32];
        snprintf(reg, sizeof reg, "A-%d", i);
        snprintf(name, sizeof name, "Panti %d", i);
        add(ctx, reg, name);
    }
    assert_int_equal(sqlite3_exec(ctx->db,
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
        "UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 1;"
        "DELETE FROM audit_log WHERE seq = 3;"
        "DROP TRIGGER audit_institution_update;"
        "UPDATE institution SET capacity = 99 WHERE reg_no = 'A-4';", NULL, NULL, NULL), SQLITE_OK);

    pt_audit_report r;
    assert_int_equal(pt_audit_verify(ctx, &r), 0);
    assert_true(contains(&r, "audit log row 1 (insert institution 1 at 2020-01-01T00:00:00Z by local): "
                             "hash does not match: the row was edited"));
    assert_true(contains(&r, "audit log row 3 is missing: deleted"));
    assert_true(contains(&r, "trigger audit_log_no_update is missing"));
    assert_true(contains(&r, "trigger audit_institution_update is missing"));
    assert_true(contains(&r, "institution 4: capacity differs from its last audited state "
                             "(audit log row 4)"));
    assert_true(contains(&r, "institution 3 has no audit entry"));
    assert_int_equal(r.n_entries, 3);
    pt_audit_report_clear(&r);
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

static void test_the_answers_digest_ignores_nothing_and_refuses_disorder(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    pt_ctx *ctx = test_open_db(dir);
    sqlite3_stmt *s;
    const char *sql = "SELECT pt_answers_digest(p, i, v, n, t) FROM (SELECT 1 AS p, ?1 AS i, "
                      "'ya' AS v, 0 AS n, NULL AS t UNION ALL SELECT 2, ?2, NULL, 1, 'x')";
    char first[65] = "";
    for (int round = 0; round < 3; round++) {
        assert_int_equal(sqlite3_prepare_v2(ctx->db, sql, -1, &s, NULL), SQLITE_OK);
        sqlite3_bind_text(s, 1, round == 2 ? "B" : "A", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, round == 1 ? "C" : "B", -1, SQLITE_STATIC);
        int rc = sqlite3_step(s);
        if (round < 2) {
            assert_int_equal(rc, SQLITE_ROW);
            const char *hex = (const char *)sqlite3_column_text(s, 0);
            assert_int_equal(strlen(hex), 64);
            if (round == 0) snprintf(first, sizeof first, "%s", hex);
            else assert_string_not_equal(first, hex);   /* one item id differs: another digest */
        } else {
            assert_int_equal(rc, SQLITE_ERROR);           /* B then B: not increasing */
            assert_non_null(strstr(sqlite3_errmsg(ctx->db), "increasing item_id"));
        }
        sqlite3_finalize(s);
    }
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

static void exec_ok(pt_ctx *ctx, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(ctx->db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    assert_int_equal(rc, SQLITE_OK);
}

/* The score entry's digests are computed in C from what score_store.c binds (NULL text stored
 * as "", -0.0 as SQLite gives it back) and must equal verify's, recomputed from the tables. */
static void test_a_score_entry_digests_its_sections_and_flags_as_stored(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    pt_ctx *ctx = test_open_db(dir);
    /* no visit, checklist or script behind the score: only the audit is under test */
    exec_ok(ctx, "PRAGMA foreign_keys = OFF;"
                 "INSERT INTO score VALUES (7, 1.5, 10, 'B', 'Baik', '2027-01-01', 'c', 's', "
                 "'2026-01-01T00:00:00Z');"
                 "INSERT INTO score_flag VALUES (7, 1, 'GATE', 'kritis', '', '', 'pesan');");
    sqlite3_stmt *ins;
    assert_int_equal(sqlite3_prepare_v2(ctx->db, "INSERT INTO score_section VALUES (7, ?1, ?2, ?3, "
                                        "?4, ?5)", -1, &ins, NULL), SQLITE_OK);
    const pt_section_score sections[] = {{"S1", -0.0, 10, NULL}, {"S2", 2.5, 5, "alasan"}};
    for (int i = 0; i < 2; i++) {
        sqlite3_bind_int(ins, 1, i + 1);
        sqlite3_bind_text(ins, 2, sections[i].section_id, -1, SQLITE_STATIC);
        sqlite3_bind_double(ins, 3, sections[i].score);
        sqlite3_bind_double(ins, 4, sections[i].max);
        sqlite3_bind_text(ins, 5, sections[i].justification ? sections[i].justification : "", -1,
                          SQLITE_STATIC);
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    const pt_flag flags[] = {{"GATE", "kritis", NULL, NULL, "pesan"}};
    pt_score score = {.visit_id = 7, .n_sections = 2, .sections = sections, .n_flags = 1,
                      .flags = flags};
    sqlite3_stmt *cache = NULL;
    assert_int_equal(pt__audit_score(ctx, &cache, &score), 0);
    sqlite3_finalize(cache);

    collected c = {0};
    assert_int_equal(pt_audit_foreach(ctx, "score", 7, collect, &c), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.line[0], "1 local insert score 7 after");
    assert_int_equal(test_sql_int(ctx, "SELECT json_extract(after, '$.n_sections') * 10 + "
                                       "json_extract(after, '$.n_flags') FROM audit_log"), 21);
    pt_audit_report r;
    assert_int_equal(pt_audit_verify(ctx, &r), 0);
    for (size_t i = 0; i < r.n_problems; i++) fprintf(stderr, "%s\n", r.problems[i]);
    assert_int_equal(r.n_problems, 0);
    pt_audit_report_clear(&r);

    /* no trigger stops a direct edit of a section; verify names the score's visit */
    exec_ok(ctx, "UPDATE score_section SET justification = 'lain' WHERE visit_id = 7 AND position = 2");
    assert_int_equal(pt_audit_verify(ctx, &r), 0);
    assert_int_equal(r.n_problems, 1);
    assert_true(contains(&r, "score of visit 7: sections_sha256 differs from its last audited state "
                             "(audit log row 1): changed without an audit entry"));
    pt_audit_report_clear(&r);
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

/* The importer's one entry per visit, from the values it bound: the answers come in file order
 * (the digest is the table's, in item_id order), the team with characters JSON must escape. */
static void test_the_visit_entry_from_memory_equals_the_tables(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    pt_ctx *ctx = test_open_db(dir);
    exec_ok(ctx, "PRAGMA foreign_keys = OFF;"
                 "INSERT INTO visit VALUES (5, 1, 1, '2024-03-01', 'routine', NULL, 'a.csv', "
                 " '2024-03-02T00:00:00Z');"
                 "INSERT INTO visit_team VALUES (5, 0, 'Ani \"Ketua\"', 'Dinas Sosial', 'ketua'),"
                 " (5, 1, 'Budi\\' || char(10) || char(1), 'DP3A', NULL);"
                 "INSERT INTO answer VALUES (5, 'B', 2, 'ya', 0, NULL), (5, 'A', 1, NULL, 1, 'catatan'),"
                 " (5, 'A2', 3, '3', 0, '');");
    const pt__audit_answer in_file_order[] = {
        {"B", 2, "ya", 0, NULL}, {"A2", 3, "3", 0, ""}, {"A", 1, NULL, 1, "catatan"}};
    const pt_team_member team[] = {{"Ani \"Ketua\"", "Dinas Sosial", "ketua"},
                                   {"Budi\\\n\001", "DP3A", NULL}};
    pt__audited_visit v = {.id = 5, .institution_id = 1, .checklist_version_id = 1,
                           .date = "2024-03-01", .type = "routine", .notes = NULL,
                           .source = "a.csv", .created_at = "2024-03-02T00:00:00Z",
                           .n_team = 2, .team = team, .n_answers = 3, .answers = in_file_order};
    sqlite3_stmt *cache = NULL;
    assert_int_equal(pt__audit_visit(ctx, &cache, &v), 0);
    sqlite3_finalize(cache);
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM audit_log"), 1);
    assert_int_equal(test_sql_int(ctx, "SELECT json_extract(after, '$.n_answers') FROM audit_log "
                                       "WHERE entity = 'visit' AND entity_id = 5"), 3);
    assert_int_equal(test_sql_int(ctx, "SELECT json_extract(after, '$.team[1].name') = "
                                       "'Budi\\' || char(10) || char(1) FROM audit_log "
                                       "WHERE entity = 'visit' AND entity_id = 5"), 1);
    pt_audit_report r;
    assert_int_equal(pt_audit_verify(ctx, &r), 0);
    if (r.n_problems) fprintf(stderr, "%s\n", r.problems[0]);
    assert_int_equal(r.n_problems, 0);
    pt_audit_report_clear(&r);

    exec_ok(ctx, "DROP TRIGGER audit_answer_update;"
                 "UPDATE answer SET note = NULL WHERE visit_id = 5 AND item_id = 'A2'");
    assert_int_equal(pt_audit_verify(ctx, &r), 0);
    assert_true(contains(&r, "visit 5: answers differ from their audited digest (audit log row 1)"));
    pt_audit_report_clear(&r);

    /* a team row or a visit column changed behind the log's back is named */
    exec_ok(ctx, "DROP TRIGGER audit_visit_team_update; DROP TRIGGER audit_visit_update;"
                 "UPDATE visit_team SET agency = 'Satpol PP' WHERE visit_id = 5 AND position = 1;"
                 "UPDATE visit SET notes = 'baru' WHERE id = 5;"
                 "INSERT INTO visit_team VALUES (5, 2, 'Citra', 'BALKS', NULL)");
    assert_int_equal(pt_audit_verify(ctx, &r), 0);
    assert_true(contains(&r, "visit_team of visit 5 (position 1): agency differs from its last "
                             "audited state (audit log row 1): changed without an audit entry"));
    assert_true(contains(&r, "visit 5: notes differs from its last audited state (audit log row "
                             "1): changed without an audit entry"));
    assert_true(contains(&r, "visit_team of visit 5 (position 2) has no audit entry: it was "
                             "written with the audit triggers dropped or by another program"));
    assert_false(contains(&r, "(position 0)"));
    pt_audit_report_clear(&r);
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

/* A database made before the audit log (schema 2) gets its existing rows as the starting point. */
static void test_upgrading_records_what_was_already_stored(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/test.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    for (int m = 1; m <= 2; m++) assert_int_equal(sqlite3_exec(db, pt__migration_sql(m), NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
        "PRAGMA application_id = 1347699029; /* 0x50544155, store.c */ PRAGMA user_version = 2;"
        "INSERT INTO institution (name, kind, reg_status, created_at, updated_at) "
        "VALUES ('Panti Lama', 'LKSA', 'unregistered', 'x', 'x');"
        "INSERT INTO visit VALUES (1, 1, 1, '2020-01-01', 'routine', 'lama', NULL, 'x');"
        "INSERT INTO visit_team VALUES (1, 0, 'Ani', 'Dinas Sosial', NULL), (1, 1, 'Budi', 'DP3A', 'anggota');"
        "INSERT INTO answer VALUES (1, 'B', 2, 'ya', 0, NULL), (1, 'A', 1, NULL, 1, 'catatan')",
        NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    pt_ctx *ctx;
    int rc = pt_open(&ctx, path, NULL, 0);
    if (rc) fprintf(stderr, "%s\n", pt_error_last());
    assert_int_equal(rc, 0);
    collected c = {0};
    assert_int_equal(pt_audit_foreach(ctx, NULL, 0, collect, &c), 0);
    /* the visit is one entry holding its team and its answers' digest; the life cycle
     * (migration 5) records it as submitted before the life cycle existed */
    assert_int_equal(c.n, 3);
    assert_string_equal(c.line[0], "1 local insert institution 1 after");
    assert_string_equal(c.line[1], "2 local insert visit 1 after");
    assert_string_equal(c.line[2], "3 local insert visit_transition 1 after");
    assert_int_equal(test_sql_int(ctx, "SELECT count(*) FROM visit_transition WHERE visit_id = 1 "
                                       "AND from_state IS NULL AND to_state = 'submitted'"), 1);
    assert_int_equal(test_sql_int(ctx, "SELECT json_array_length(after, '$.team') + "
                                       "10 * json_extract(after, '$.n_answers') FROM audit_log "
                                       "WHERE seq = 2"), 22);
    pt_audit_report r;
    assert_int_equal(pt_audit_verify(ctx, &r), 0);
    assert_int_equal(r.n_problems, 0);
    pt_audit_report_clear(&r);
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changes_are_recorded_with_the_actor_in_order),
        cmocka_unit_test(test_the_log_cannot_be_changed_through_sql),
        cmocka_unit_test(test_verify_names_an_edited_row_a_gap_and_a_silent_change),
        cmocka_unit_test(test_the_answers_digest_ignores_nothing_and_refuses_disorder),
        cmocka_unit_test(test_upgrading_records_what_was_already_stored),
        cmocka_unit_test(test_a_score_entry_digests_its_sections_and_flags_as_stored),
        cmocka_unit_test(test_the_visit_entry_from_memory_equals_the_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
