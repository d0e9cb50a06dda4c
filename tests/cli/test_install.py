"""`cmake --install` gives a working pantau that finds its data relative to its own prefix, and
headers + pkg-config file that a third party can compile against."""
import glob
import os
import shutil
import subprocess
import tempfile
import unittest

BIN = os.environ["PANTAU_BIN"]
BUILD_DIR = os.path.dirname(os.path.dirname(os.path.abspath(BIN)))  # build/core/pantau -> build


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pantau-install-")
        cls.prefix = os.path.join(cls.tmp, "prefix")
        r = subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", cls.prefix],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise AssertionError("cmake --install failed: " + r.stdout + r.stderr)
        cls.pantau = os.path.join(cls.prefix, "bin", "pantau")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_installed(self, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU")}
        return subprocess.run([self.pantau, *args], capture_output=True, text=True,
                              cwd=self.tmp, env=env)

    def test_install_lays_out_binary_headers_data_and_pkgconfig(self):
        self.assertTrue(os.access(self.pantau, os.X_OK))
        self.assertTrue(os.path.isfile(os.path.join(self.prefix, "include/pantau/pantau.h")))
        self.assertTrue(os.path.isfile(
            os.path.join(self.prefix, "share/pantau/checklists/akreditasi-lksa.xml")))
        self.assertTrue(os.path.isfile(
            os.path.join(self.prefix, "share/pantau/scripts/akreditasi_lksa.lua")))
        self.assertEqual(len(glob.glob(os.path.join(self.prefix, "lib*/pantau/plugins"))), 1)
        self.assertEqual(len(glob.glob(os.path.join(self.prefix, "lib*/pkgconfig/pantau.pc"))), 1)

    def test_installed_pantau_uses_the_scripts_of_its_own_prefix(self):
        checklist = os.path.join(self.prefix, "share/pantau/checklists/akreditasi-lksa.xml")
        r = self.run_installed("checklist", "validate", checklist)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Break the installed script: if the installed binary read the source tree's scripts,
        # validation would still pass.
        script = os.path.join(self.prefix, "share/pantau/scripts/akreditasi_lksa.lua")
        with open(script, "a", encoding="utf-8") as f:
            f.write("\nthis is not lua (\n")
        r = self.run_installed("checklist", "validate", checklist)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("akreditasi_lksa.lua", r.stdout + r.stderr)

    def test_headers_compile_against_the_installed_pkgconfig_file(self):
        pcdir = os.path.dirname(glob.glob(os.path.join(self.prefix, "lib*/pkgconfig/pantau.pc"))[0])
        env = dict(os.environ, PKG_CONFIG_PATH=pcdir)
        cflags = subprocess.run(["pkg-config", "--cflags", "pantau"], capture_output=True,
                                text=True, env=env, check=True).stdout.split()
        src = os.path.join(self.tmp, "third_party.c")
        with open(src, "w") as f:
            f.write('#include <pantau/pantau.h>\n'
                    'int main(void) { return pt_item_type_name(PT_ITEM_SCALE) == 0; }\n')
        r = subprocess.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                            *cflags, src], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
