"""pantau init and how the command finds its database."""
import os
import sqlite3

import clitest


class Init(clitest.CliTestCase):
    def test_init_creates_the_database_at_the_latest_schema(self):
        r = self.ok("init")
        con = sqlite3.connect(self.db)
        version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = {t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        con.close()
        self.assertGreaterEqual(version, 1)
        self.assertEqual(r.stdout, "initialised %s (schema %d)\n" % (self.db, version))
        self.assertLessEqual({"checklist_version", "institution", "visit", "answer", "score"}, tables)

    def test_init_twice_is_harmless_and_keeps_the_data(self):
        self.init_db()
        self.ok("institution", "add", "--name", "LKSA Uji", "--kind", "LKSA")
        r = self.ok("init")
        self.assertTrue(r.stdout.startswith("initialised " + self.db))
        self.assertEqual(self.count("institution"), 1)

    def test_the_database_defaults_to_PANTAU_DB_then_pantau_db_here(self):
        env_db = os.path.join(self.tmp, "from-env.db")
        r = self.ok("init", db=False, env={"PANTAU_DB": env_db})
        self.assertTrue(r.stdout.startswith("initialised " + env_db))
        self.assertTrue(os.path.exists(env_db))
        r = self.ok("init", db=False)
        self.assertTrue(r.stdout.startswith("initialised pantau.db "))
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "pantau.db")))
        # --db wins over the environment
        r = self.ok("init", env={"PANTAU_DB": env_db})
        self.assertTrue(r.stdout.startswith("initialised " + self.db))

    def test_commands_other_than_init_refuse_a_missing_database_and_do_not_create_it(self):
        for args in (["checklist", "list"], ["institution", "list"], ["visit", "list"],
                     ["summary"], ["score", "--all"], ["checklist", "load", clitest.CHECKLIST]):
            with self.subTest(args=args):
                line = self.fails(*args)
                self.assertIn(self.db, line)
                self.assertIn("pantau init", line)
                self.assertFalse(os.path.exists(self.db))

    def test_a_file_that_is_not_a_pantau_database_is_refused(self):
        with open(self.db, "w") as f:
            f.write("just text, not SQLite\n")
        line = self.fails("institution", "list")
        self.assertIn(self.db, line)
        with open(self.db) as f:
            self.assertEqual(f.read(), "just text, not SQLite\n")

    def test_init_with_extra_arguments_is_a_usage_error(self):
        self.assertIn("unexpected argument 'now'", self.fails("init", "now", code=2))
        self.assertFalse(os.path.exists(self.db))


if __name__ == "__main__":
    clitest.main()
