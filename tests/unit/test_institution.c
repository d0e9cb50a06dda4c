/* Institutions: add, get, update, list, every validation message, and CSV import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "internal.h"

typedef struct fixture {
    char *dir;
    pt_ctx *ctx;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = test_tmpdir();
    f->ctx = test_open_db(f->dir);
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

#define N(a) (sizeof(a) / sizeof((a)[0]))

static long long count(pt_ctx *ctx) { return test_sql_int(ctx, "SELECT count(*) FROM institution"); }

static int64_t add_basic(pt_ctx *ctx, const char *reg_no, const char *name)
{
    pt_field f[] = {{"reg_no", reg_no}, {"name", name}, {"kind", "LKSA"}, {"reg_status", "registered"}};
    int64_t id = 0;
    if (pt_institution_add(ctx, f, N(f), &id) != 0) fail_msg("add: %s", pt_error_last());
    return id;
}

static void test_add_then_get_by_id_and_by_registration_number(void **state)
{
    fixture *fx = *state;
    pt_field f[] = {
        {"reg_no", " LKSA-3671-001 "}, {"name", "Panti Asuhan Harapan"}, {"kind", "lksa"},
        {"owner", "Yayasan Harapan"}, {"address", "Jl. Merdeka No. 1"}, {"kelurahan", "Babakan"},
        {"kecamatan", "Tangerang"}, {"kabupaten_kota", "Kota Tangerang"}, {"province", "Banten"},
        {"latitude", "-6.1783"}, {"longitude", "106.6319"}, {"capacity", "40"},
        {"children_in_care", "32"}, {"reg_status", "Terdaftar"}, {"reg_date", "2023-05-02"},
        {"reg_expires", "2028-05-02"}, {"contact_name", "Siti Rahma"},
        {"contact_phone", "+62 21 555 0101"}, {"contact_email", "siti@harapan.or.id"},
    };
    int64_t id = 0;
    assert_int_equal(pt_institution_add(fx->ctx, f, N(f), &id), 0);
    assert_true(id > 0);

    pt_institution *a = NULL, *b = NULL;
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)id);
    assert_int_equal(pt_institution_get(fx->ctx, key, &a), 0);
    assert_int_equal(pt_institution_get(fx->ctx, "LKSA-3671-001", &b), 0);
    assert_int_equal(a->id, id);
    assert_int_equal(b->id, id);
    assert_string_equal(a->reg_no, "LKSA-3671-001");        /* trimmed */
    assert_string_equal(a->name, "Panti Asuhan Harapan");
    assert_string_equal(a->kind, "LKSA");                    /* canonical spelling */
    assert_string_equal(a->reg_status, "registered");        /* Indonesian alias */
    assert_string_equal(a->owner, "Yayasan Harapan");
    assert_string_equal(a->kabupaten_kota, "Kota Tangerang");
    assert_string_equal(a->province, "Banten");
    assert_int_equal(a->has_coords, 1);
    assert_true(a->latitude == -6.1783);
    assert_true(a->longitude == 106.6319);
    assert_int_equal(a->capacity, 40);
    assert_int_equal(a->children_in_care, 32);
    assert_string_equal(a->reg_date, "2023-05-02");
    assert_string_equal(a->reg_expires, "2028-05-02");
    assert_string_equal(a->contact_email, "siti@harapan.or.id");
    assert_non_null(a->created_at);
    assert_int_equal(strlen(a->created_at), 20);
    pt_institution_free(a);
    pt_institution_free(b);
}

static void test_unset_optional_fields_read_as_unknown(void **state)
{
    fixture *fx = *state;
    int64_t id = add_basic(fx->ctx, "", "Panti Tanpa Nomor");
    pt_institution *a = NULL;
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)id);
    assert_int_equal(pt_institution_get(fx->ctx, key, &a), 0);
    assert_null(a->reg_no);
    assert_null(a->owner);
    assert_null(a->reg_date);
    assert_int_equal(a->has_coords, 0);
    assert_int_equal(a->capacity, -1);
    assert_int_equal(a->children_in_care, -1);
    pt_institution_free(a);
}

static void test_get_of_an_unknown_key_is_not_found(void **state)
{
    fixture *fx = *state;
    pt_institution *a = (pt_institution *)1;
    assert_int_equal(pt_institution_get(fx->ctx, "LKSA-404", &a), PT_ENOTFOUND);
    assert_null(a);
    assert_error_contains("no institution with id or registration number 'LKSA-404'");
    assert_int_equal(pt_institution_get(fx->ctx, "77", &a), PT_ENOTFOUND);
}

static void test_a_numeric_registration_number_is_found_when_no_id_matches(void **state)
{
    fixture *fx = *state;
    int64_t id = add_basic(fx->ctx, "4455", "Panti Angka");
    pt_institution *a = NULL;
    assert_int_equal(pt_institution_get(fx->ctx, "4455", &a), 0);
    assert_int_equal(a->id, id);
    pt_institution_free(a);
}

static void test_update_changes_given_fields_and_empty_clears(void **state)
{
    fixture *fx = *state;
    pt_field f[] = {{"reg_no", "LKSA-1"}, {"name", "Panti Lama"}, {"kind", "LKSA"},
                    {"reg_status", "registered"}, {"capacity", "20"}, {"owner", "Yayasan X"}};
    int64_t id;
    assert_int_equal(pt_institution_add(fx->ctx, f, N(f), &id), 0);

    pt_field u[] = {{"name", "Panti Baru"}, {"capacity", "25"}, {"owner", ""}};
    assert_int_equal(pt_institution_update(fx->ctx, id, u, N(u)), 0);
    pt_institution *a = NULL;
    assert_int_equal(pt_institution_get(fx->ctx, "LKSA-1", &a), 0);
    assert_string_equal(a->name, "Panti Baru");
    assert_int_equal(a->capacity, 25);
    assert_null(a->owner);
    assert_string_equal(a->kind, "LKSA");   /* untouched */
    pt_institution_free(a);

    assert_int_equal(pt_institution_update(fx->ctx, 999, u, N(u)), PT_ENOTFOUND);
    assert_error_contains("no institution with id 999");
    pt_field bad[] = {{"capacity", "dua puluh"}};
    assert_int_equal(pt_institution_update(fx->ctx, id, bad, N(bad)), PT_EINVALID);
    assert_error_contains("field 'capacity': must be a whole number >= 0, got 'dua puluh'");
    pt_field clear_name[] = {{"name", " "}};
    assert_int_equal(pt_institution_update(fx->ctx, id, clear_name, 1), PT_EINVALID);
    assert_error_contains("field 'name': is required");
}

static void test_update_that_leaves_half_a_coordinate_is_refused_and_undone(void **state)
{
    fixture *fx = *state;
    pt_field f[] = {{"name", "Panti"}, {"kind", "LKSA"}, {"reg_status", "registered"},
                    {"latitude", "-6.5"}, {"longitude", "106.8"}};
    int64_t id;
    assert_int_equal(pt_institution_add(fx->ctx, f, N(f), &id), 0);
    pt_field u[] = {{"longitude", ""}, {"name", "Diubah"}};
    assert_int_equal(pt_institution_update(fx->ctx, id, u, N(u)), PT_EINVALID);
    assert_error_contains("fields 'latitude' and 'longitude': give both or neither");
    assert_int_equal(test_sql_int(fx->ctx, "SELECT count(*) FROM institution WHERE name = 'Panti' "
                                           "AND longitude IS NOT NULL"), 1);
}

typedef struct walk {
    int n;
    int64_t ids[8];
    int stop_after;
} walk;

static int visit_one(const pt_institution *inst, void *payload)
{
    walk *w = payload;
    if (w->n < 8) w->ids[w->n] = inst->id;
    w->n++;
    return w->n == w->stop_after ? 7 : 0;
}

static void test_foreach_walks_in_id_order_and_stops_when_asked(void **state)
{
    fixture *fx = *state;
    int64_t a = add_basic(fx->ctx, "A-1", "Satu");
    int64_t b = add_basic(fx->ctx, "A-2", "Dua");
    int64_t c = add_basic(fx->ctx, "A-3", "Tiga");
    walk w = {0};
    assert_int_equal(pt_institution_foreach(fx->ctx, visit_one, &w), 0);
    assert_int_equal(w.n, 3);
    assert_int_equal(w.ids[0], a);
    assert_int_equal(w.ids[1], b);
    assert_int_equal(w.ids[2], c);
    walk s = {.stop_after = 2};
    assert_int_equal(pt_institution_foreach(fx->ctx, visit_one, &s), 7);
    assert_int_equal(s.n, 2);
}

/* One bad value each: the exact message, and nothing written. */
static void test_each_bad_value_is_refused_with_a_message_naming_its_field(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *field, *value, *message;
    } cases[] = {
        {"capacity", "abc", "field 'capacity': must be a whole number >= 0, got 'abc'"},
        {"capacity", "12.5", "field 'capacity': must be a whole number >= 0, got '12.5'"},
        {"children_in_care", "-1", "field 'children_in_care': must be a whole number >= 0, got '-1'"},
        {"kind", "panti", "field 'kind': must be one of LKSA, LKS-LU, LKS-PD, LKS-KT, LKS-PMKS, got 'panti'"},
        {"reg_status", "aktif",
         "field 'reg_status': must be one of registered, unregistered, expired, revoked, got 'aktif'"},
        {"reg_date", "14/03/2026", "field 'reg_date': must be a date YYYY-MM-DD, got '14/03/2026'"},
        {"reg_expires", "2026-02-30", "field 'reg_expires': must be a date YYYY-MM-DD, got '2026-02-30'"},
        {"latitude", "-100", "field 'latitude': must be between -90 and 90, got '-100'"},
        {"longitude", "181.5", "field 'longitude': must be between -180 and 180, got '181.5'"},
        {"latitude", "-6,2", "field 'latitude': must be a decimal number like -6.2088, got '-6,2'"},
        {"contact_email", "budi", "field 'contact_email': must be an e-mail address like nama@contoh.id, got 'budi'"},
        {"contact_email", "budi@localhost", "field 'contact_email': must be an e-mail address"},
        {"name", "", "field 'name': is required"},
        {"name", "Panti\nAsuhan", "field 'name': must not contain line breaks or control characters"},
        {"address", "\xC3\x28", "field 'address': not valid UTF-8"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        pt_field f[] = {{"name", "Panti"}, {"kind", "LKSA"}, {"reg_status", "registered"},
                        {"latitude", "-6.2"}, {"longitude", "106.8"}, {cases[i].field, cases[i].value}};
        /* replace the default when the case is about one of them */
        size_t n = N(f);
        for (size_t k = 0; k + 1 < n; k++)
            if (strcmp(f[k].name, cases[i].field) == 0) {
                f[k].value = cases[i].value;
                n--;
            }
        if (pt_institution_add(fx->ctx, f, n, NULL) != PT_EINVALID)
            fail_msg("%s = '%s' was accepted", cases[i].field, cases[i].value);
        assert_error_contains(cases[i].message);
    }
    assert_int_equal(count(fx->ctx), 0);
}

static void test_unknown_and_missing_fields_are_refused(void **state)
{
    fixture *fx = *state;
    pt_field unknown[] = {{"name", "Panti"}, {"nama_panti", "x"}};
    assert_int_equal(pt_institution_add(fx->ctx, unknown, N(unknown), NULL), PT_EINVALID);
    assert_error_contains("unknown field 'nama_panti'; valid fields: reg_no, name, kind, owner,");
    assert_error_contains("contact_email");

    pt_field missing[] = {{"name", "Panti"}, {"reg_status", "registered"}};
    assert_int_equal(pt_institution_add(fx->ctx, missing, N(missing), NULL), PT_EINVALID);
    assert_error_contains("field 'kind': is required");

    pt_field twice[] = {{"name", "Panti"}, {"name", "Lagi"}};
    assert_int_equal(pt_institution_add(fx->ctx, twice, N(twice), NULL), PT_EINVALID);
    assert_error_contains("field 'name': given twice");

    pt_field half[] = {{"name", "Panti"}, {"kind", "LKSA"}, {"reg_status", "registered"}, {"latitude", "-6.2"}};
    assert_int_equal(pt_institution_add(fx->ctx, half, N(half), NULL), PT_EINVALID);
    assert_error_contains("fields 'latitude' and 'longitude': give both or neither");

    pt_field dates[] = {{"name", "Panti"}, {"kind", "LKSA"}, {"reg_status", "registered"},
                        {"reg_date", "2024-01-01"}, {"reg_expires", "2023-12-31"}};
    assert_int_equal(pt_institution_add(fx->ctx, dates, N(dates), NULL), PT_EINVALID);
    assert_error_contains("field 'reg_expires': is before reg_date (2024-01-01)");
    assert_int_equal(count(fx->ctx), 0);
}

static void test_a_registration_number_is_used_once(void **state)
{
    fixture *fx = *state;
    int64_t first = add_basic(fx->ctx, "LKSA-1", "Satu");
    pt_field f[] = {{"reg_no", "LKSA-1"}, {"name", "Dua"}, {"kind", "LKSA"}, {"reg_status", "registered"}};
    assert_int_equal(pt_institution_add(fx->ctx, f, N(f), NULL), PT_EEXISTS);
    char expected[128];
    snprintf(expected, sizeof expected, "registration number LKSA-1 is already used by institution %lld",
             (long long)first);
    assert_string_equal(pt_error_last(), expected);

    int64_t second = add_basic(fx->ctx, "LKSA-2", "Dua");
    pt_field u[] = {{"reg_no", "LKSA-1"}};
    assert_int_equal(pt_institution_update(fx->ctx, second, u, 1), PT_EEXISTS);
    assert_string_equal(pt_error_last(), expected);
    /* setting an institution's own number again is no conflict */
    assert_int_equal(pt_institution_update(fx->ctx, first, u, 1), 0);
    assert_int_equal(count(fx->ctx), 2);
}

/* ---- CSV import ---- */

static void import_ok(fixture *fx, const char *name, const char *text, int added, int updated)
{
    char *path = test_write_file(fx->dir, name, text);
    pt_import_result r = {-1, -1};
    if (pt_institution_import_csv(fx->ctx, path, &r) != 0) fail_msg("import: %s", pt_error_last());
    assert_int_equal(r.added, added);
    assert_int_equal(r.updated, updated);
    free(path);
}

static pt_institution *get(fixture *fx, const char *key)
{
    pt_institution *a = NULL;
    if (pt_institution_get(fx->ctx, key, &a) != 0) fail_msg("get %s: %s", key, pt_error_last());
    return a;
}

static void test_import_reads_an_excel_export_with_bom_crlf_semicolons_and_decimal_commas(void **state)
{
    fixture *fx = *state;
    import_ok(fx, "lembaga.csv",
              "\xEF\xBB\xBFNo Registrasi;Nama;Jenis;Kabupaten/Kota;Provinsi;Status;Kapasitas;Jumlah Anak;"
              "latitude;longitude\r\n"
              "LKSA-3671-001;Panti Asuhan Harapan;LKSA;Kota Tangerang;Banten;terdaftar;40;32;-6,1783;106,6319\r\n"
              "LKSA-3273-002;\"Panti Sosial; Bina Remaja\";LKSA;Kota Bandung;Jawa Barat;registered;"
              " 1250 ;10;-6.9175;107,6191\r\n"
              "\r\n",
              2, 0);
    assert_int_equal(count(fx->ctx), 2);
    pt_institution *a = get(fx, "LKSA-3671-001");
    assert_string_equal(a->name, "Panti Asuhan Harapan");
    assert_string_equal(a->kabupaten_kota, "Kota Tangerang");
    assert_string_equal(a->reg_status, "registered");
    assert_true(a->latitude == -6.1783);
    assert_true(a->longitude == 106.6319);
    assert_int_equal(a->children_in_care, 32);
    pt_institution_free(a);
    a = get(fx, "LKSA-3273-002");
    assert_string_equal(a->name, "Panti Sosial; Bina Remaja");
    assert_int_equal(a->capacity, 1250);
    assert_true(a->latitude == -6.9175);
    pt_institution_free(a);
}

static void test_import_reads_commas_with_quoted_fields(void **state)
{
    fixture *fx = *state;
    import_ok(fx, "lembaga.csv",
              "reg_no,name,kind,reg_status,address,latitude,longitude\n"
              "LKS-1,\"Panti Werdha \"\"Kasih\"\"\",LKS-LU,registered,\"Jl. Merdeka No. 1, Bandung\",-6.9,107.6\n",
              1, 0);
    pt_institution *a = get(fx, "LKS-1");
    assert_string_equal(a->name, "Panti Werdha \"Kasih\"");
    assert_string_equal(a->address, "Jl. Merdeka No. 1, Bandung");
    assert_string_equal(a->kind, "LKS-LU");
    assert_true(a->longitude == 107.6);
    pt_institution_free(a);
}

static void test_a_bad_row_on_line_4_names_it_and_changes_nothing(void **state)
{
    fixture *fx = *state;
    add_basic(fx->ctx, "LKSA-9", "Sudah Ada");
    long long before = count(fx->ctx);
    char *path = test_write_file(fx->dir, "buruk.csv",
                                 "reg_no;name;kind;reg_status;capacity\n"
                                 "LKSA-1;Satu;LKSA;registered;10\n"
                                 "LKSA-9;Sudah Ada Diubah;LKSA;registered;20\n"
                                 "LKSA-3;Tiga;LKSA;registered;banyak\n"
                                 "LKSA-4;Empat;LKSA;registered;5\n");
    pt_import_result r = {-1, -1};
    assert_int_equal(pt_institution_import_csv(fx->ctx, path, &r), PT_EINVALID);
    char expected[4300];
    snprintf(expected, sizeof expected, "%s:4: field 'capacity': must be a whole number >= 0, got 'banyak'", path);
    assert_string_equal(pt_error_last(), expected);
    assert_int_equal(r.added, 0);
    assert_int_equal(r.updated, 0);
    assert_int_equal(count(fx->ctx), before);
    pt_institution *a = get(fx, "LKSA-9");
    assert_string_equal(a->name, "Sudah Ada");        /* the update on line 3 was rolled back */
    pt_institution_free(a);
    assert_int_equal(sqlite3_get_autocommit(fx->ctx->db), 1);
    free(path);
}

static void test_reimport_updates_instead_of_duplicating(void **state)
{
    fixture *fx = *state;
    const char *v1 = "reg_no;name;kind;reg_status;capacity\n"
                     "LKSA-1;Satu;LKSA;registered;10\n"
                     "LKSA-2;Dua;LKSA;registered;20\n";
    const char *v2 = "reg_no;name;kind;reg_status;capacity\n"
                     "LKSA-1;Satu;LKSA;expired;11\n"
                     "LKSA-2;Dua Baru;LKSA;registered;\n"
                     "LKSA-3;Tiga;LKSA;registered;30\n";
    import_ok(fx, "v1.csv", v1, 2, 0);
    import_ok(fx, "v2.csv", v2, 1, 2);
    assert_int_equal(count(fx->ctx), 3);
    pt_institution *a = get(fx, "LKSA-1");
    assert_string_equal(a->reg_status, "expired");
    assert_int_equal(a->capacity, 11);
    pt_institution_free(a);
    a = get(fx, "LKSA-2");
    assert_string_equal(a->name, "Dua Baru");
    assert_int_equal(a->capacity, -1);              /* an empty cell clears */
    pt_institution_free(a);
}

static void test_add_without_a_status_is_registered_with_a_reg_no_else_unregistered(void **state)
{
    fixture *fx = *state;
    pt_field with_no[] = {{"reg_no", "LKSA-1"}, {"name", "Satu"}, {"kind", "LKSA"}};
    pt_field without_no[] = {{"name", "Dua"}, {"kind", "LKSA"}};
    pt_field empty_status[] = {{"reg_no", "LKSA-3"}, {"name", "Tiga"}, {"kind", "LKSA"},
                               {"reg_status", " "}};
    pt_field empty_no[] = {{"reg_no", ""}, {"name", "Empat"}, {"kind", "LKSA"}};
    pt_field given[] = {{"reg_no", "LKSA-5"}, {"name", "Lima"}, {"kind", "LKSA"},
                        {"reg_status", "dicabut"}};
    int64_t ids[5];
    assert_int_equal(pt_institution_add(fx->ctx, with_no, N(with_no), &ids[0]), PT_OK);
    assert_int_equal(pt_institution_add(fx->ctx, without_no, N(without_no), &ids[1]), PT_OK);
    assert_int_equal(pt_institution_add(fx->ctx, empty_status, N(empty_status), &ids[2]), PT_OK);
    assert_int_equal(pt_institution_add(fx->ctx, empty_no, N(empty_no), &ids[3]), PT_OK);
    assert_int_equal(pt_institution_add(fx->ctx, given, N(given), &ids[4]), PT_OK);
    static const char *const expected[] = {"registered", "unregistered", "registered",
                                           "unregistered", "revoked"};
    for (size_t i = 0; i < N(ids); i++) {
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)ids[i]);
        pt_institution *a = get(fx, key);
        assert_string_equal(a->reg_status, expected[i]);
        pt_institution_free(a);
    }
}

static void test_update_refuses_to_clear_the_status(void **state)
{
    fixture *fx = *state;
    int64_t id = add_basic(fx->ctx, "LKSA-1", "Satu");
    pt_field clear[] = {{"reg_status", ""}};
    assert_int_equal(pt_institution_update(fx->ctx, id, clear, N(clear)), PT_EINVALID);
    assert_error_contains("field 'reg_status': is required");
    pt_institution *a = get(fx, "LKSA-1");
    assert_string_equal(a->reg_status, "registered");
    pt_institution_free(a);
}

static void test_import_without_a_status_gives_new_rows_the_add_default(void **state)
{
    fixture *fx = *state;
    /* no status column at all */
    import_ok(fx, "tanpa-status.csv",
              "reg_no;name;kind\n"
              "LKSA-1;Satu;LKSA\n"
              ";Dua;LKSA\n",
              2, 0);
    pt_institution *a = get(fx, "LKSA-1");
    assert_string_equal(a->reg_status, "registered");
    int64_t id = a->id;
    pt_institution_free(a);
    assert_int_equal(test_sql_int(fx->ctx, "SELECT count(*) FROM institution "
                                           "WHERE name = 'Dua' AND reg_status = 'unregistered'"), 1);

    /* a status column with empty cells: new rows default, a stored row keeps its status */
    pt_field expire[] = {{"reg_status", "expired"}};
    assert_int_equal(pt_institution_update(fx->ctx, id, expire, N(expire)), PT_OK);
    import_ok(fx, "status-kosong.csv",
              "reg_no;name;kind;reg_status\n"
              "LKSA-1;Satu Baru;LKSA;\n"
              "LKSA-3;Tiga;LKSA;\n"
              "LKSA-4;Empat;LKSA;revoked\n",
              2, 1);
    a = get(fx, "LKSA-1");
    assert_string_equal(a->name, "Satu Baru");
    assert_string_equal(a->reg_status, "expired");
    pt_institution_free(a);
    a = get(fx, "LKSA-3");
    assert_string_equal(a->reg_status, "registered");
    pt_institution_free(a);
    a = get(fx, "LKSA-4");
    assert_string_equal(a->reg_status, "revoked");
    pt_institution_free(a);
}

static void test_import_errors_name_file_and_line(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"reg_no;name;kind;reg_status;latitude;longitude\n"
         "A-1;Satu;LKSA;registered;-6,2;106,8\n"
         "A-2;Dua;LKSA;registered;-6.208;106,8\n",
         ":3: field 'latitude': ambiguous number '-6.208': write -6208 or -6,208"},
        {"reg_no;nomor;kind\n", ":1: header: unknown field 'nomor'; valid fields: reg_no, name"},
        {"reg_no;name;nama\n", ":1: header: columns 2 and 3 both give field 'name'"},
        {"reg_no;name;kind;reg_status\nA-1;Satu;LKSA;registered\n\nA-1;Lagi;LKSA;registered\n",
         ":4: field 'reg_no': registration number A-1 appears twice in the file (also on line 2)"},
        {"reg_no;name;kind;reg_status\nA-1;\"Satu\nbaris;LKSA;registered\n", ":2: unterminated quoted field"},
        {"reg_no;name;kind;reg_status\nA-1;Satu;LKSA\n", ":2: 3 fields, but the header names 4"},
        {"reg_no;name\nA-1;Satu\n", ":2: field 'kind': is required"},
        {"", ": empty file: expected a header row"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char *path = test_write_file(fx->dir, "x.csv", cases[i].text);
        if (pt_institution_import_csv(fx->ctx, path, NULL) == 0) fail_msg("case %zu was accepted", i);
        char expected[4300];
        snprintf(expected, sizeof expected, "%s%s", path, cases[i].message);
        assert_error_contains(expected);
        free(path);
    }
    assert_int_equal(count(fx->ctx), 0);

    pt_import_result r;
    assert_int_equal(pt_institution_import_csv(fx->ctx, "/nonexistent/x.csv", &r), PT_ENOTFOUND);
    assert_error_contains("/nonexistent/x.csv");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_then_get_by_id_and_by_registration_number, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unset_optional_fields_read_as_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_of_an_unknown_key_is_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_numeric_registration_number_is_found_when_no_id_matches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_changes_given_fields_and_empty_clears, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_that_leaves_half_a_coordinate_is_refused_and_undone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreach_walks_in_id_order_and_stops_when_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_bad_value_is_refused_with_a_message_naming_its_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_and_missing_fields_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_registration_number_is_used_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_reads_an_excel_export_with_bom_crlf_semicolons_and_decimal_commas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_reads_commas_with_quoted_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_bad_row_on_line_4_names_it_and_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reimport_updates_instead_of_duplicating, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_errors_name_file_and_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_without_a_status_is_registered_with_a_reg_no_else_unregistered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_refuses_to_clear_the_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_without_a_status_gives_new_rows_the_add_default, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
