"""The plugin loader refuses every module that does not fit or does not come from a safe place,
with a warning naming the file, and pantau keeps working with the good plugins.

The modules are compiled at test time (cc -shared -fPIC against the source tree's headers) into
a temporary folder given through PANTAU_PLUGIN_PATH."""
import json
import os
import stat
import subprocess
import unittest

import clitest

INCLUDE = os.path.join(clitest.SOURCE_DIR, "core", "include")

HEADER = '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n' \
         '#include "pantau/plugin.h"\n'

# A good export plugin: writes one line per visit; its end() also appends "end ok=N" to
# OUTPUT.end, so the test can see that end() ran exactly once and with which verdict.
GOOD = HEADER + r'''
typedef struct st { const pt_host *host; FILE *f; char path[4096]; } st;
static void mark_end(const char *path, int ok) {
    char p[4200]; snprintf(p, sizeof p, "%s.end", path);
    FILE *m = fopen(p, "a"); if (m) { fprintf(m, "end ok=%d\n", ok); fclose(m); }
}
static int b(void **state, const pt_host *host, const pt_export_options *o) {
    st *s = calloc(1, sizeof *s); s->host = host;
    snprintf(s->path, sizeof s->path, "%s", o->output_path);
    s->f = fopen(o->output_path, "w");
    if (!s->f) { host->set_error(host->host_data, "cannot open %s", o->output_path); free(s); return 1; }
    fprintf(s->f, "total %ld\n", o->total);
    *state = s; return 0;
}
static int r(void *state, const pt_export_record *rec) {
    st *s = state;
    FAIL_HOOK
    fprintf(s->f, "visit %lld %s\n", (long long)rec->visit->id, rec->institution->name);
    return 0;
}
static int e(void *state, int ok) {
    st *s = state; fclose(s->f);
    if (!ok) unlink(s->path);
    mark_end(s->path, ok);
    free(s); return 0;
}
static const pt_export_ops ops = { sizeof(pt_export_ops), "txt", b, r, e };
static const pt_plugin_descriptor d = { PT_PLUGIN_ABI_MAJOR, PT_PLUGIN_ABI_MINOR,
    sizeof(pt_plugin_descriptor), "NAME", "0.1", "DESCRIPTION", PT_PLUGIN_KIND_EXPORT, &ops, NULL };
PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void) { return &d; }
'''


def good(name, description="a test plugin", fail_hook=""):
    return (GOOD.replace("NAME", name).replace("DESCRIPTION", description)
            .replace("FAIL_HOOK", fail_hook))


NO_ENTRY = HEADER + 'PT_PLUGIN_EXPORT_SYMBOL int not_the_entry(void) { return 1; }\n'

WRONG_MAJOR = HEADER + r'''
static const pt_plugin_descriptor d = { 2, 0, sizeof(pt_plugin_descriptor), "future", "9", "x",
    PT_PLUGIN_KIND_EXPORT, NULL, NULL };
PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void) { return &d; }
'''

TOO_SMALL = HEADER + r'''
static const pt_plugin_descriptor d = { PT_PLUGIN_ABI_MAJOR, 0, 16, "kecil", "1", "x",
    PT_PLUGIN_KIND_EXPORT, NULL, NULL };
PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void) { return &d; }
'''

NO_OPS = HEADER + r'''
static const pt_plugin_descriptor d = { PT_PLUGIN_ABI_MAJOR, 0, sizeof(pt_plugin_descriptor),
    "tanpaops", "1", "x", PT_PLUGIN_KIND_EXPORT, NULL, NULL };
PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void) { return &d; }
'''

SMALL_OPS = HEADER + r'''
static int b(void **s, const pt_host *h, const pt_export_options *o) { (void)s; (void)h; (void)o; return 1; }
static const pt_export_ops ops = { 8, "x", b, NULL, NULL };
static const pt_plugin_descriptor d = { PT_PLUGIN_ABI_MAJOR, 0, sizeof(pt_plugin_descriptor),
    "opskecil", "1", "x", PT_PLUGIN_KIND_EXPORT, &ops, NULL };
PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void) { return &d; }
'''

# record() fails on the second visit, after writing the first
FAILING = good("gagal", fail_hook='if (rec->visit->id == 2) { s->host->set_error(s->host->host_data, '
                                  '"disk penuh saat menulis kunjungan %lld", '
                                  '(long long)rec->visit->id); return 1; }')


class PluginLoader(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        # modules must not come out group-writable whatever umask the test runner has
        self.old_umask = os.umask(0o022)
        self.plugins = os.path.join(self.tmp, "plugins")
        os.mkdir(self.plugins, 0o755)

    def tearDown(self):
        os.umask(self.old_umask)
        super().tearDown()

    def build(self, name, source, folder=None):
        folder = folder or self.plugins
        src = os.path.join(self.tmp, name + ".c")
        with open(src, "w") as f:
            f.write(source)
        out = os.path.join(folder, name + ".so")
        r = subprocess.run(["cc", "-shared", "-fPIC", "-fvisibility=hidden", "-std=c11",
                            "-D_GNU_SOURCE", "-I" + INCLUDE, "-o", out, src],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return out

    def env(self, *folders):
        return {"PANTAU_PLUGIN_PATH": ":".join(folders or (self.plugins,))}

    def listing(self, *folders):
        """plugin list --json: (names by kind, warning lines). Asserts exit 0."""
        r = self.run_pantau("plugin", "list", "--json", env=self.env(*folders))
        self.assertEqual(r.returncode, 0, r.stderr)
        items = json.loads(r.stdout)["items"]
        warnings = r.stderr.splitlines()
        for w in warnings:
            self.assertTrue(w.startswith("pantau: warning: plugin "), w)
        return items, warnings

    def assert_refused(self, warnings, path, reason):
        hits = [w for w in warnings if path in w]
        self.assertEqual(len(hits), 1, "no single warning for %s in %r" % (path, warnings))
        self.assertIn("refused", hits[0])
        self.assertIn(reason, hits[0])

    def names(self, items):
        return sorted(i["name"] for i in items)

    def builtin(self, *extra):
        """The names of the plugins built with pantau (other engineers add theirs), plus
        extra: what a listing holds when every module of the test folder was refused."""
        r = self.run_pantau("plugin", "list", "--json", env={"PANTAU_PLUGIN_PATH": ""})
        self.assertEqual(r.returncode, 0, r.stderr)
        names = [i["name"] for i in json.loads(r.stdout)["items"]]
        self.assertIn("csv", names)
        self.assertIn("json", names)
        return sorted(names + list(extra))

    # ---- the good case ----

    def test_plugin_list_shows_the_built_plugins_and_one_from_the_plugin_path(self):
        path = self.build("baik", good("baik", "modul uji yang baik"))
        items, warnings = self.listing()
        self.assertEqual(warnings, [])
        self.assertEqual(self.names(items), self.builtin("baik"))
        baik = [i for i in items if i["name"] == "baik"][0]
        self.assertEqual(baik, {"name": "baik", "kind": "export", "version": "0.1",
                                "file": path, "description": "modul uji yang baik"})
        text = self.ok("plugin", "list", env=self.env()).stdout
        self.assertRegex(text, r"(?m)^NAME +KIND +VERSION +FILE +DESCRIPTION$")
        self.assertRegex(text, r"(?m)^baik +export +0\.1 +%s +modul uji yang baik$" % path)

    def test_the_configuration_s_plugin_path_is_used_by_plugin_list_as_by_notify(self):
        path = self.build("dari_konfigurasi", good("darikonfig", "dari plugin_path"))
        os.makedirs(os.path.join(self.tmp, "etc"))
        config = os.path.join(self.tmp, "etc", "pantau.conf")   # not beside the database
        with open(config, "w") as f:
            f.write("plugin_path = %s\n" % self.plugins)
        r = self.run_pantau("--config", config, "plugin", "list", "--json",
                            env={"PANTAU_PLUGIN_PATH": ""})
        self.assertEqual(r.returncode, 0, r.stderr)
        files = {i["name"]: i["file"] for i in json.loads(r.stdout)["items"]}
        self.assertEqual(files.get("darikonfig"), path)
        # without the configuration, the folder is not searched
        r = self.run_pantau("plugin", "list", "--json", env={"PANTAU_PLUGIN_PATH": ""})
        self.assertNotIn("darikonfig", [i["name"] for i in json.loads(r.stdout)["items"]])
        # a configuration that does not load is an error, not silently ignored
        with open(config, "w") as f:
            f.write("plugin_path\n")
        r = self.run_pantau("--config", config, "plugin", "list", env={"PANTAU_PLUGIN_PATH": ""})
        self.assertEqual(r.returncode, 1)
        self.assertIn("pantau.conf:1", r.stderr)

    def test_plugin_help_and_usage_errors(self):
        out = self.ok("plugin", "list", "--help").stdout
        self.assertTrue(out.startswith("Usage: pantau plugin list"), out)
        self.assertIn("PANTAU_PLUGIN_PATH", out)
        self.assertIn("no subcommand", self.fails("plugin", code=2))
        self.assertIn("unknown subcommand 'load'", self.fails("plugin", "load", code=2))
        self.assertIn("unexpected argument 'x'", self.fails("plugin", "list", "x", code=2))
        self.assertFalse(os.path.exists(self.db))

    def test_a_module_in_a_missing_folder_is_skipped_silently(self):
        items, warnings = self.listing(os.path.join(self.tmp, "tidak-ada"))
        self.assertEqual(warnings, [])
        self.assertEqual(self.names(items), self.builtin())

    # ---- modules that do not fit the ABI ----

    def test_modules_that_do_not_fit_the_abi_are_refused_with_the_reason(self):
        self.build("baik", good("baik"))
        cases = [
            ("tanpa_entry", NO_ENTRY, "no entry symbol pt_plugin_entry_v1"),
            ("abi_lain", WRONG_MAJOR, "built for plugin ABI 2, this pantau loads ABI 1"),
            ("terlalu_kecil", TOO_SMALL, "descriptor too small (16 bytes"),
            ("tanpa_ops", NO_OPS, "export plugin 'tanpaops' has no export_ops"),
            ("ops_kecil", SMALL_OPS, "export_ops of 'opskecil' too small (8 bytes"),
        ]
        paths = [(self.build(n, src), reason) for n, src, reason in cases]
        with open(os.path.join(self.plugins, "bukan_elf.so"), "w") as f:
            f.write("this is not a shared object\n")
        os.chmod(os.path.join(self.plugins, "bukan_elf.so"), 0o644)
        items, warnings = self.listing()
        self.assertEqual(self.names(items), self.builtin("baik"))
        for path, reason in paths:
            self.assert_refused(warnings, path, reason)
        self.assert_refused(warnings, os.path.join(self.plugins, "bukan_elf.so"), "cannot load")
        self.assertEqual(len(warnings), len(cases) + 1, warnings)

    def test_a_second_plugin_with_the_same_name_is_refused(self):
        first = self.build("a_dupe", good("kembar"))
        second = self.build("b_dupe", good("kembar"))
        items, warnings = self.listing()
        self.assertEqual([i["file"] for i in items if i["name"] == "kembar"], [first])
        self.assert_refused(warnings, second, "already loaded from " + first)

    def test_a_plugin_path_folder_comes_before_the_built_plugins(self):
        mine = self.build("csv", good("csv", "csv pengganti"))
        items, warnings = self.listing()
        csv = [i for i in items if i["name"] == "csv"]
        self.assertEqual([c["file"] for c in csv], [mine])
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("plugins-built/csv.so: refused: export plugin 'csv' already loaded "
                      "from " + mine, warnings[0])

    # ---- modules from unsafe places ----

    def test_a_world_writable_module_is_refused(self):
        path = self.build("terbuka", good("terbuka"))
        os.chmod(path, 0o777)
        items, warnings = self.listing()
        self.assertNotIn("terbuka", self.names(items))
        self.assert_refused(warnings, path, "writable by group or others")

    def test_a_group_writable_module_is_refused(self):
        path = self.build("grup", good("grup"))
        os.chmod(path, 0o775)
        items, warnings = self.listing()
        self.assertNotIn("grup", self.names(items))
        self.assert_refused(warnings, path, "writable by group or others")

    def test_a_symlinked_module_is_refused_even_when_its_target_is_fine(self):
        elsewhere = os.path.join(self.tmp, "elsewhere")
        os.mkdir(elsewhere, 0o755)
        target = self.build("asli", good("asli"), folder=elsewhere)
        link = os.path.join(self.plugins, "tautan.so")
        os.symlink(target, link)
        items, warnings = self.listing()
        self.assertNotIn("asli", self.names(items))
        self.assert_refused(warnings, link, "symbolic link")

    def test_a_fifo_named_like_a_module_is_refused_without_hanging(self):
        fifo = os.path.join(self.plugins, "pipa.so")
        os.mkfifo(fifo, 0o644)
        items, warnings = self.listing()
        self.assertEqual(self.names(items), self.builtin())
        self.assert_refused(warnings, fifo, "not a regular file")

    def test_a_world_writable_folder_is_refused_whole(self):
        open_dir = os.path.join(self.tmp, "terbuka")
        os.mkdir(open_dir)
        self.build("didalam", good("didalam"), folder=open_dir)
        os.chmod(open_dir, 0o777)
        items, warnings = self.listing(open_dir)
        self.assertNotIn("didalam", self.names(items))
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("plugin folder %s: refused: writable by group or others" % open_dir,
                      warnings[0])

    @unittest.skipUnless(os.geteuid() == 0, "needs root to give a file to another user")
    def test_a_module_owned_by_another_user_is_refused(self):
        path = self.build("milik_lain", good("miliklain"))
        os.chown(path, 65534, 65534)
        items, warnings = self.listing()
        self.assertNotIn("miliklain", self.names(items))
        self.assert_refused(warnings, path, "owned by another user")

    # ---- running a plugin ----

    def test_a_failing_record_fails_the_export_with_its_message_and_leaves_no_file(self):
        self.setup_visits()
        self.build("gagal", FAILING)
        out = os.path.join(self.tmp, "keluar.txt")
        line = self.fails("export", "--format", "gagal", "--all", "-o", out, env=self.env())
        self.assertEqual(line, "pantau: export gagal: disk penuh saat menulis kunjungan 2")
        self.assertFalse(os.path.exists(out))
        # end() ran exactly once, told to abandon the file
        self.assertEqual(clitest.read_text(out + ".end"), "end ok=0\n")

    def test_a_good_plugin_gets_every_visit_and_the_total_and_ends_once(self):
        self.setup_visits()
        self.build("baik", good("baik"))
        out = os.path.join(self.tmp, "keluar.txt")
        r = self.ok("export", "--format", "baik", "--all", "-o", out, env=self.env())
        self.assertEqual(r.stdout, "exported 2 visits to %s\n" % out)
        self.assertEqual(clitest.read_text(out),
                         "total 2\nvisit 1 LKSA Uji Satu\nvisit 2 LKSA Ceria Ñusantara\n")
        self.assertEqual(clitest.read_text(out + ".end"), "end ok=1\n")

    def test_an_unknown_format_names_the_formats_found(self):
        self.setup_visits()
        line = self.fails("export", "--format", "docx", "--all", "-o", "x.docx")
        self.assertRegex(line, r"^pantau: no export format 'docx' \(found: [a-z, ]*\bcsv, "
                               r"[a-z, ]*\bjson\b[a-z, ]*\)$")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "x.docx")))


if __name__ == "__main__":
    clitest.main()
