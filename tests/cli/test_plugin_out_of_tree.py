"""A third party builds a plugin against an INSTALLED pantau (headers + pkg-config file) with
its own Makefile, outside the source tree, and the installed pantau loads and runs it."""
import glob
import json
import os
import shutil
import subprocess
import tempfile
import unittest

BIN = os.environ["PANTAU_BIN"]
SOURCE_DIR = os.environ["PANTAU_SOURCE_DIR"]
BUILD_DIR = os.path.dirname(os.path.dirname(os.path.abspath(BIN)))  # build/core/pantau -> build
EXAMPLE = os.path.join(SOURCE_DIR, "plugins", "example-out-of-tree")


class OutOfTreePlugin(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.old_umask = os.umask(0o022)
        cls.tmp = tempfile.mkdtemp(prefix="pantau-oot-")
        os.chmod(cls.tmp, 0o755)
        cls.prefix = os.path.join(cls.tmp, "prefix")
        r = subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", cls.prefix],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise AssertionError("cmake --install failed: " + r.stdout + r.stderr)
        cls.pantau = os.path.join(cls.prefix, "bin", "pantau")
        cls.pcdir = os.path.dirname(glob.glob(os.path.join(cls.prefix, "lib*/pkgconfig/pantau.pc"))[0])
        # the plugin's sources, copied where nothing of pantau's tree is in reach
        cls.src = os.path.join(cls.tmp, "hitung-src")
        shutil.copytree(EXAMPLE, cls.src)
        env = dict(os.environ, PKG_CONFIG_PATH=cls.pcdir)
        env.pop("CFLAGS", None)
        r = subprocess.run(["make", "-C", cls.src, "CFLAGS=-O2 -Wall -Wextra -Werror"],
                           capture_output=True, text=True, env=env)
        if r.returncode != 0:
            raise AssertionError("make failed: " + r.stdout + r.stderr)
        cls.plugins = os.path.join(cls.tmp, "plugins")
        os.mkdir(cls.plugins, 0o755)
        shutil.copy(os.path.join(cls.src, "hitung.so"), cls.plugins)
        os.chmod(os.path.join(cls.plugins, "hitung.so"), 0o755)

    @classmethod
    def tearDownClass(cls):
        os.umask(cls.old_umask)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_installed(self, *args, plugin_path=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU")}
        env["PANTAU_PLUGIN_PATH"] = plugin_path if plugin_path is not None else self.plugins
        env["PANTAU_DB"] = os.path.join(self.tmp, "oot.db")
        return subprocess.run([self.pantau, *args], capture_output=True, text=True,
                              cwd=self.tmp, env=env)

    def ok(self, *args, **kw):
        r = self.run_installed(*args, **kw)
        self.assertEqual(r.returncode, 0, "pantau %s: %s" % (" ".join(args), r.stderr))
        self.assertEqual(r.stderr, "")
        return r

    def test_the_makefile_uses_pkg_config_not_the_source_tree(self):
        r = subprocess.run(["make", "-n", "-B", "-C", self.src],
                           capture_output=True, text=True,
                           env=dict(os.environ, PKG_CONFIG_PATH=self.pcdir))
        self.assertEqual(r.returncode, 0, r.stderr)
        includes = [os.path.realpath(w[2:]) for w in r.stdout.split() if w.startswith("-I")]
        self.assertEqual(includes, [os.path.realpath(os.path.join(self.prefix, "include"))])
        self.assertNotIn(SOURCE_DIR, r.stdout)

    def test_plugin_list_shows_the_out_of_tree_plugin_and_the_installed_ones(self):
        items = json.loads(self.ok("plugin", "list", "--json").stdout)["items"]
        by_name = {i["name"]: i for i in items}
        self.assertEqual(by_name["hitung"]["file"], os.path.join(self.plugins, "hitung.so"))
        self.assertEqual(by_name["hitung"]["kind"], "export")
        self.assertEqual(by_name["hitung"]["version"], "0.1.0")
        # csv and json come from the prefix's plugin folder, not from the build tree
        for name in ("csv", "json"):
            self.assertTrue(os.path.realpath(by_name[name]["file"]).startswith(
                os.path.realpath(self.prefix) + os.sep), by_name[name]["file"])

    def test_export_through_the_out_of_tree_plugin_counts_the_visits(self):
        data = os.path.join(self.prefix, "share", "pantau", "checklists")
        self.ok("init")
        self.ok("checklist", "load", os.path.join(data, "akreditasi-lksa.xml"))
        self.ok("institution", "import", os.path.join(SOURCE_DIR, "checklists", "samples",
                                                      "institutions.csv"))
        visits = sorted(glob.glob(os.path.join(SOURCE_DIR, "checklists", "samples", "visits",
                                               "*akreditasi*")))
        self.assertGreater(len(visits), 1)
        self.ok("visit", "import", *visits)
        self.ok("score", "1")
        out = os.path.join(self.tmp, "hitung.txt")
        r = self.ok("export", "--format", "hitung", "--all", "-o", out)
        n = len(visits)
        self.assertEqual(r.stdout, "exported %d visits to %s\n" % (n, out))
        with open(out) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[:2], ["kunjungan %d" % n, "dinilai 1"])
        self.assertRegex(lines[2], r"^bendera_kritis [01]$")

    def test_without_the_plugin_path_the_format_is_unknown(self):
        r = self.run_installed("plugin", "list", "--json", plugin_path="")
        names = [i["name"] for i in json.loads(r.stdout)["items"]]
        self.assertNotIn("hitung", names)
        self.assertIn("csv", names)


if __name__ == "__main__":
    unittest.main()
