/*
 * The plugin loader's API (plugins.h) within one process: loading, finding, loading again
 * after a free, and modules the dynamic linker cannot unload. The modules are compiled at test
 * time with the system's cc against the source tree's headers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"
#include "pantau/plugins.h"

/* A minimal export plugin named NAME; EXTRA_LDFLAGS decides how it links. */
static const char plugin_source[] =
    "#include \"pantau/plugin.h\"\n"
    "static int b(void **s, const pt_host *h, const pt_export_options *o)\n"
    "{ (void)s; (void)h; (void)o; return 0; }\n"
    "static int r(void *s, const pt_export_record *x) { (void)s; (void)x; return 0; }\n"
    "static int e(void *s, int ok) { (void)s; (void)ok; return 0; }\n"
    "static const pt_export_ops ops = { sizeof(pt_export_ops), \"x\", b, r, e };\n"
    "static const pt_plugin_descriptor d = { PT_PLUGIN_ABI_MAJOR, PT_PLUGIN_ABI_MINOR,\n"
    "  sizeof(pt_plugin_descriptor), NAME, \"1\", \"uji\", PT_PLUGIN_KIND_EXPORT, &ops, 0 };\n"
    "PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void)"
    " { return &d; }\n";

/* Builds dir/file.so from plugin_source with the given name; ldflags may be "". */
static void build_plugin(const char *dir, const char *file, const char *name, const char *ldflags)
{
    char *src = test_write_file(dir, "plugin.c", plugin_source);
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cc -shared -fPIC -fvisibility=hidden -std=c11 -I%s -DNAME='\"%s\"' %s -o %s/%s.so %s",
             test_source_path("core/include"), name, ldflags, dir, file, src);
    if (system(cmd) != 0) fail_msg("could not build the test plugin: %s", cmd);
    char so[2048];
    snprintf(so, sizeof so, "%s/%s.so", dir, file);
    chmod(so, 0755);
    remove(src);
    free(src);
}

typedef struct warnings {
    int n;
    char last[1024];
} warnings;

static void collect(const char *message, void *payload)
{
    warnings *w = payload;
    w->n++;
    snprintf(w->last, sizeof w->last, "%s", message);
}

static char *plugin_dir(void)
{
    char *dir = test_tmpdir();
    chmod(dir, 0755);
    return dir;
}

static void test_load_finds_plugins_by_kind_and_name(void **state)
{
    (void)state;
    char *dir = plugin_dir();
    build_plugin(dir, "satu", "satu", "");
    build_plugin(dir, "dua", "dua", "");
    const char *dirs[] = {dir, "/nonexistent/pantau-plugins"};
    pt_plugin_set *set;
    warnings w = {0};
    assert_int_equal(pt_plugins_load(&set, dirs, 2, collect, &w), PT_OK);
    assert_int_equal(w.n, 0);
    assert_int_equal(pt_plugins_count(set), 2);
    /* sorted by file name within a folder */
    assert_string_equal(pt_plugins_at(set, 0)->name, "dua");
    assert_string_equal(pt_plugins_at(set, 1)->name, "satu");
    assert_null(pt_plugins_at(set, 2));
    const pt_plugin_info *p = pt_plugins_find(set, PT_PLUGIN_KIND_EXPORT, "satu");
    assert_non_null(p);
    assert_string_equal(p->description, "uji");
    assert_non_null(strstr(p->path, "/satu.so"));
    assert_null(pt_plugins_find(set, PT_PLUGIN_KIND_NOTIFY, "satu"));
    assert_null(pt_plugins_find(set, PT_PLUGIN_KIND_EXPORT, "tiga"));
    pt_plugins_free(set);
    test_tmpdir_remove(dir);
}

static void test_the_same_folder_named_twice_is_read_once(void **state)
{
    (void)state;
    char *dir = plugin_dir();
    build_plugin(dir, "satu", "satu", "");
    const char *dirs[] = {dir, dir};
    pt_plugin_set *set;
    warnings w = {0};
    assert_int_equal(pt_plugins_load(&set, dirs, 2, collect, &w), PT_OK);
    assert_int_equal(w.n, 0);
    assert_int_equal(pt_plugins_count(set), 1);
    pt_plugins_free(set);
    test_tmpdir_remove(dir);
}

/* A module linked with -z nodelete stays mapped after dlclose, still known to the dynamic
 * linker by the name it was loaded through ("/proc/self/fd/N"). A later module opened at the
 * same descriptor number must still be itself, not the old one under its name. */
static void test_a_module_that_cannot_be_unloaded_does_not_shadow_a_later_one(void **state)
{
    (void)state;
    char *first = plugin_dir(), *second = plugin_dir();
    build_plugin(first, "lekat", "lekat", "-Wl,-z,nodelete");
    build_plugin(second, "baru", "baru", "");
    pt_plugin_set *set;
    warnings w = {0};
    const char *dirs1[] = {first};
    assert_int_equal(pt_plugins_load(&set, dirs1, 1, collect, &w), PT_OK);
    assert_int_equal(pt_plugins_count(set), 1);
    assert_string_equal(pt_plugins_at(set, 0)->name, "lekat");
    pt_plugins_free(set);

    const char *dirs2[] = {second};
    assert_int_equal(pt_plugins_load(&set, dirs2, 1, collect, &w), PT_OK);
    assert_int_equal(w.n, 0);
    assert_int_equal(pt_plugins_count(set), 1);
    assert_string_equal(pt_plugins_at(set, 0)->name, "baru");
    pt_plugins_free(set);
    test_tmpdir_remove(first);
    test_tmpdir_remove(second);
}

static void test_a_refused_module_is_reported_to_the_warn_callback(void **state)
{
    (void)state;
    char *dir = plugin_dir();
    build_plugin(dir, "terbuka", "terbuka", "");
    char so[2048];
    snprintf(so, sizeof so, "%s/terbuka.so", dir);
    chmod(so, 0666);
    const char *dirs[] = {dir};
    pt_plugin_set *set;
    warnings w = {0};
    assert_int_equal(pt_plugins_load(&set, dirs, 1, collect, &w), PT_OK);
    assert_int_equal(pt_plugins_count(set), 0);
    assert_int_equal(w.n, 1);
    assert_non_null(strstr(w.last, so));
    assert_non_null(strstr(w.last, "writable by group or others"));
    pt_plugins_free(set);
    /* no callback: refused silently, still no failure */
    assert_int_equal(pt_plugins_load(&set, dirs, 1, NULL, NULL), PT_OK);
    assert_int_equal(pt_plugins_count(set), 0);
    pt_plugins_free(set);
    test_tmpdir_remove(dir);
}

static void test_export_run_refuses_an_unknown_format(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    pt_ctx *ctx = test_open_db(dir);
    const char *dirs[] = {dir};
    pt_plugin_set *set;
    assert_int_equal(pt_plugins_load(&set, dirs, 1, NULL, NULL), PT_OK);
    pt_export_options options = {sizeof options, "out.csv", 0, NULL, NULL, -1};
    long n = 7;
    assert_int_equal(pt_export_run(ctx, set, "docx", NULL, &options, NULL, NULL, &n),
                     PT_ENOTFOUND);
    assert_error_contains("no export plugin named 'docx'");
    assert_int_equal(n, 0);
    pt_plugins_free(set);
    pt_close(ctx);
    test_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_finds_plugins_by_kind_and_name),
        cmocka_unit_test(test_the_same_folder_named_twice_is_read_once),
        cmocka_unit_test(test_a_module_that_cannot_be_unloaded_does_not_shadow_a_later_one),
        cmocka_unit_test(test_a_refused_module_is_reported_to_the_warn_callback),
        cmocka_unit_test(test_export_run_refuses_an_unknown_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
