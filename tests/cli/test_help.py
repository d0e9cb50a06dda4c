"""Help, version and usage errors: every command answers --help without a database."""
import os
import re

import clitest

COMMANDS = [
    ["init"],
    ["checklist"], ["checklist", "validate"], ["checklist", "load"], ["checklist", "list"],
    ["checklist", "show"],
    ["institution"], ["institution", "add"], ["institution", "list"], ["institution", "show"],
    ["institution", "update"], ["institution", "import"],
    ["visit"], ["visit", "import"], ["visit", "list"], ["visit", "show"],
    ["score"], ["summary"],
]


class Help(clitest.CliTestCase):
    def test_main_help_lists_every_command_and_needs_no_database(self):
        for args in (["--help"], ["help"], ["-h"]):
            r = self.ok(*args, db=False)
            self.assertTrue(r.stdout.startswith("Usage: pantau"), r.stdout)
            for cmd in ("init", "checklist", "institution", "visit", "score", "summary"):
                self.assertRegex(r.stdout, r"(?m)^  %s\b" % cmd)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "pantau.db")))

    def test_every_command_and_subcommand_takes_help(self):
        for args in COMMANDS:
            with self.subTest(args=args):
                r = self.ok(*args, "--help")
                self.assertTrue(r.stdout.startswith("Usage: pantau " + args[0]), r.stdout)
                if len(args) == 2:
                    self.assertIn("pantau %s %s" % (args[0], args[1]), r.stdout.splitlines()[0])
        self.assertFalse(os.path.exists(self.db), "--help must not create the database")

    def test_help_command_shows_a_subcommands_help(self):
        self.assertEqual(self.ok("help", "visit", "import").stdout,
                         self.ok("visit", "import", "--help").stdout)
        self.assertEqual(self.ok("help", "score").stdout, self.ok("score", "--help").stdout)

    def test_institution_add_help_names_every_field_as_an_option(self):
        out = self.ok("institution", "add", "--help").stdout
        for field in ("reg-no", "kabupaten-kota", "children-in-care", "reg-status", "reg-expires",
                      "contact-email", "latitude"):
            self.assertIn("--" + field, out)

    def test_version_prints_the_version(self):
        r = self.ok("--version", db=False)
        self.assertRegex(r.stdout, r"^pantau \d+\.\d+\.\d+\n$")


class UsageErrors(clitest.CliTestCase):
    def test_no_command_is_a_usage_error(self):
        line = self.fails(code=2)
        self.assertIn("no command", line)

    def test_an_unknown_command_is_a_usage_error(self):
        line = self.fails("inspect", code=2)
        self.assertIn("unknown command 'inspect'", line)

    def test_an_unknown_subcommand_is_a_usage_error(self):
        line = self.fails("checklist", "delete", code=2)
        self.assertIn("unknown subcommand 'delete'", line)
        self.assertIn("pantau checklist --help", line)

    def test_unknown_options_are_usage_errors(self):
        for args in (["checklist", "list", "--bogus"], ["score", "1", "--fast"],
                     ["institution", "add", "--name", "X", "--kind", "LKSA", "--colour", "red"],
                     ["--verbose", "summary"], ["summary", "--json=yes"]):
            with self.subTest(args=args):
                line = self.fails(*args, code=2)
                self.assertRegex(line, r"option '--\w+'")

    def test_a_missing_option_value_is_a_usage_error(self):
        line = self.fails("visit", "import", "x.csv", "--date", code=2)
        self.assertIn("'--date' needs a value", line)

    def test_a_visit_id_must_be_a_number(self):
        self.assertIn("'abc' is not a visit id", self.fails("score", "abc", code=2))
        self.assertIn("'0' is not a visit id", self.fails("visit", "show", "0", code=2))

    def test_global_options_may_follow_the_command(self):
        r = self.run_pantau("init", "--db", self.db, db=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(self.db))
        r = self.ok("checklist", "list", "--db=" + self.db, "--json", db=False)
        self.assertEqual(r.stdout.strip().replace(" ", "").replace("\n", ""), '{"items":[]}')


if __name__ == "__main__":
    clitest.main()
