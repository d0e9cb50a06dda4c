"""Shared helpers for the command tests: run the built `pantau`, read its database.

Each test gets a fresh temporary folder holding its database; the command runs with that
folder as its working directory and with PANTAU_DB / PANTAU_SCRIPTS removed from the
environment, so nothing outside the folder is touched. The tests use the tiny checklist in
tests/data/cli/ (uji-cli.xml with scripts/uji_cli.lua), whose totals can be computed by hand.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

BIN = os.environ.get("PANTAU_BIN", "")
SOURCE_DIR = os.environ.get("PANTAU_SOURCE_DIR", "")
DATA = os.path.join(SOURCE_DIR, "tests", "data", "cli")
SCRIPTS = os.path.join(DATA, "scripts")
CHECKLIST = os.path.join(DATA, "uji-cli.xml")
INSTITUTIONS = os.path.join(DATA, "institutions.csv")


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def data(name):
    """A fixture file under tests/data/cli/."""
    return os.path.join(DATA, name)


class CliTestCase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        if not BIN or not os.path.exists(BIN):
            self.fail("PANTAU_BIN does not name the built pantau command: %r" % BIN)
        self.tmp = tempfile.mkdtemp(prefix="pantau-cli-")
        self.db = os.path.join(self.tmp, "test.db")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- running ----

    def run_pantau(self, *args, db=True, scripts=SCRIPTS, env=None, stderr=subprocess.PIPE):
        """Runs pantau with --db (this test's database) and --scripts (the fixture scripts)."""
        cmd = [BIN]
        if db:
            cmd += ["--db", self.db]
        if scripts:
            cmd += ["--scripts", scripts]
        cmd += [str(a) for a in args]
        environ = {k: v for k, v in os.environ.items()
                   if k not in ("PANTAU_DB", "PANTAU_SCRIPTS", "PANTAU_CHECKLISTS")}
        if env:
            environ.update(env)
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=stderr, cwd=self.tmp,
                              env=environ, timeout=300, encoding="utf-8", errors="replace")

    def ok(self, *args, **kw):
        """Runs pantau, asserting exit 0 and a silent stderr. Returns the result."""
        r = self.run_pantau(*args, **kw)
        self.assertEqual(r.returncode, 0, "pantau %s failed: %s" % (" ".join(map(str, args)), r.stderr))
        self.assertEqual(r.stderr, "", "pantau %s wrote on stderr" % " ".join(map(str, args)))
        return r

    def fails(self, *args, code=1, **kw):
        """Runs pantau, asserting the exit code and ONE stderr line "pantau: ...". Returns it."""
        r = self.run_pantau(*args, **kw)
        self.assertEqual(r.returncode, code,
                         "pantau %s: exit %d, stdout %r, stderr %r" % (" ".join(map(str, args)),
                                                                      r.returncode, r.stdout, r.stderr))
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, "expected one error line, got %r" % r.stderr)
        self.assertTrue(lines[0].startswith("pantau: "), lines[0])
        if code == 2:
            self.assertIn("--help", lines[0])
        return lines[0]

    def json(self, *args, **kw):
        """Runs pantau ARGS --json and parses its one JSON document."""
        r = self.ok(*args, "--json", **kw)
        return json.loads(r.stdout)

    # ---- the database ----

    def sql(self, query, params=()):
        con = sqlite3.connect(self.db)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def count(self, table, where="1", params=()):
        return self.sql("SELECT count(*) FROM %s WHERE %s" % (table, where), params)[0][0]

    def snapshot(self):
        """Every row of every table, to assert that a failed command changed nothing."""
        con = sqlite3.connect(self.db)
        try:
            tables = [t for (t,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
            return {t: sorted(map(repr, con.execute('SELECT * FROM "%s"' % t).fetchall()))
                    for t in tables}
        finally:
            con.close()

    # ---- common set-ups ----

    def init_db(self):
        self.ok("init")

    def load_checklist(self):
        self.ok("checklist", "load", CHECKLIST)

    def import_institutions(self):
        self.ok("institution", "import", INSTITUTIONS)

    def setup_visits(self):
        """A database with the tiny checklist, three institutions and two visits:
        1 (UJI-001, 2026-03-14): total 65, grade B; 2 (UJI-002, 2026-04-02): total 70, gate
        failed, grade capped to C, one kritis flag."""
        self.init_db()
        self.load_checklist()
        self.import_institutions()
        self.ok("visit", "import", data("visit-b.csv"))
        self.ok("visit", "import", data("visit-gate.xml"))

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path


def main():
    unittest.main(verbosity=2)
