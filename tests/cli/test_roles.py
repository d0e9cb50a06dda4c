"""People and roles: every command, as every role, is allowed or refused as authz.c's table
says, a refusal names the user, role, agency and who would be allowed, and leaves the database
as it was. Also single-user mode, the first user, passwords on stdin, tokens."""
import os
import shutil
import sqlite3
import subprocess
import unittest

from clitest import BIN, CHECKLIST, INSTITUTIONS, SCRIPTS, CliTestCase, data

PASSWORDS = {"ani": "ani-rahasia1", "budi": "budi-rahasia1", "sari": "sari-rahasia1",
             "dewi": "dewi-rahasia1", "eka": "eka-rahasia12", "dedi": "dedi-rahasia1"}
# name: (role, agency, title shown in messages)
USERS = {
    "ani": ("admin", "Dinas Sosial", "administrator"),
    "budi": ("inspector", "Dinas Sosial", "inspector"),
    "sari": ("assessor", "BALKS", "assessor"),
    "dewi": ("board", "BALKS", "board member"),
    "eka": ("officer", "Dinas Sosial", "agency officer"),
    "dedi": ("officer", "Satpol PP", "agency officer"),
}
ALL = set(USERS)

# (command, who may run it, what a refusal says, needs)
COMMANDS = [
    (["checklist", "load", CHECKLIST], {"ani"}, "load checklists", "administrator"),
    (["institution", "add", "--name", "Panti Baru", "--kind", "LKSA"], {"ani", "eka"},
     "add or change institutions", "administrator or agency officer (Dinas Sosial)"),
    (["institution", "update", "UJI-001", "--capacity", "41"], {"ani", "eka"},
     "add or change institutions", "administrator or agency officer (Dinas Sosial)"),
    (["institution", "import", INSTITUTIONS], {"ani", "eka"},
     "add or change institutions", "administrator or agency officer (Dinas Sosial)"),
    (["visit", "import", data("visit-b.csv")], {"budi", "sari"}, "import visits",
     "inspector or assessor"),
    (["score", "1"], {"ani", "budi", "sari"}, "score visits",
     "administrator or inspector or assessor"),
    (["score", "--all"], {"ani", "budi", "sari"}, "score visits",
     "administrator or inspector or assessor"),
    (["export", "--format", "csv", "--all", "-o", "out.csv"], {"ani", "budi", "sari", "dewi"},
     "export visits", "administrator or inspector or assessor or board member"),
    (["notify", "retry"], {"ani"}, "manage notifications", "administrator"),
    (["user", "list"], {"ani"}, "manage users", "administrator"),
    (["user", "disable", "budi"], {"ani"}, "manage users", "administrator"),
    (["user", "add", "fajar", "--role", "inspector", "--agency", "DP3A"], {"ani"},
     "manage users", "administrator"),
    # reading: every role
    (["checklist", "list"], ALL, None, None),
    (["checklist", "show", "uji-cli"], ALL, None, None),
    (["institution", "list"], ALL, None, None),
    (["institution", "show", "UJI-001"], ALL, None, None),
    (["visit", "list"], ALL, None, None),
    (["visit", "show", "1"], ALL, None, None),
    (["summary"], ALL, None, None),
    (["notify", "list"], ALL, None, None),
    (["whoami"], ALL, None, None),
    (["plugin", "list"], ALL, None, None),
]


def dump(path):
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


class RolesTest(CliTestCase):

    def pantau(self, *args, stdin="", env=None, db=None):
        cmd = [BIN, "--db", db or self.db, "--scripts", SCRIPTS] + [str(a) for a in args]
        environ = {k: v for k, v in os.environ.items()
                   if k not in ("PANTAU_DB", "PANTAU_SCRIPTS", "PANTAU_CHECKLISTS", "PANTAU_TOKEN",
                                "PANTAU_CONFIG")}
        environ["PANTAU_CONFIG"] = os.path.join(self.tmp, "empty.conf")
        if env:
            environ.update(env)
        return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=self.tmp, env=environ, timeout=300, encoding="utf-8")

    def must(self, *args, **kw):
        r = self.pantau(*args, **kw)
        self.assertEqual(r.returncode, 0, "%s: %s" % (args, r.stderr))
        return r

    def add_users(self):
        """The shared database: data loaded in single-user mode, then the six users."""
        with open(os.path.join(self.tmp, "empty.conf"), "w") as f:
            f.write("# no channels\n")
        self.setup_visits()
        for name in ["ani", "budi", "sari", "dewi", "eka", "dedi"]:
            role, agency, _ = USERS[name]
            extra = [] if name == "ani" else ["--user", "ani"]
            stdin = ("" if name == "ani" else PASSWORDS["ani"] + "\n") + PASSWORDS[name] + "\n"
            self.must(*extra, "--password-stdin", "user", "add", name, "--role", role,
                      "--agency", agency, stdin=stdin)
        self.tokens = {}
        for name in USERS:
            r = self.must("--password-stdin", "login", "--user", name, stdin=PASSWORDS[name] + "\n")
            self.tokens[name] = r.stdout.strip()
            self.assertRegex(self.tokens[name], r"^\d+\.[0-9a-f]{64}$")
        # Route the events the set-up raised: a later command delivers what is queued whatever
        # its own outcome, and that must not be mistaken for a refused command's change.
        self.must("--token", self.tokens["ani"], "notify", "retry")

    def copy_db(self, name):
        path = os.path.join(self.tmp, name)
        src, dst = sqlite3.connect(self.db), sqlite3.connect(path)
        src.backup(dst)
        src.close()
        dst.close()
        return path

    # ---- the table ----

    def test_every_command_as_every_role_is_allowed_or_refused_as_the_table_says(self):
        self.add_users()
        base = self.copy_db("base.db")
        for args, allowed, what, needs in COMMANDS:
            for name in USERS:
                with self.subTest(command=" ".join(args[:2]), user=name):
                    db = os.path.join(self.tmp, "run.db")
                    for suffix in ("", "-wal", "-shm"):
                        if os.path.exists(db + suffix):
                            os.remove(db + suffix)
                    shutil.copy(base, db)
                    before = dump(db)
                    stdin = "fajar-rahasia1\n" if args[:2] == ["user", "add"] else ""
                    extra = ["--password-stdin"] if stdin else []
                    r = self.pantau("--token", self.tokens[name], *extra, *args, stdin=stdin, db=db)
                    if name in allowed:
                        self.assertEqual(r.returncode, 0, r.stderr)
                        self.assertNotIn("may not", r.stderr)
                    else:
                        role, agency, title = USERS[name]
                        self.assertEqual(r.returncode, 1)
                        self.assertEqual(r.stderr,
                                         "pantau: user '%s' (%s, %s) may not %s (needs: %s)\n"
                                         % (name, title, agency, what, needs))
                        self.assertEqual(dump(db), before, "a refused command changed the database")

    def test_a_board_member_is_refused_even_when_they_authenticate_with_a_password(self):
        self.add_users()
        before = dump(self.db)
        r = self.pantau("--user", "dewi", "--password-stdin", "score", "1",
                        stdin=PASSWORDS["dewi"] + "\n")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "pantau: user 'dewi' (board member, BALKS) may not score visits "
                                   "(needs: administrator or inspector or assessor)\n")
        self.assertEqual(dump(self.db), before)

    # ---- single-user mode and the first user ----

    def test_without_users_every_command_runs_as_the_local_administrator(self):
        self.setup_visits()
        self.assertEqual(self.must("whoami").stdout,
                         "local administrator (the database has no users: single-user mode)\n")
        self.must("score", "--all")
        r = self.pantau("--user", "ani", "--password-stdin", "whoami", stdin="x\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("--user: the database has no users", r.stderr)
        # a token left in the environment from another database is ignored
        self.must("whoami", env={"PANTAU_TOKEN": "1." + "0" * 64})

    def test_the_first_user_must_be_an_administrator_and_then_everyone_must_say_who_they_are(self):
        self.init_db()
        r = self.pantau("--password-stdin", "user", "add", "budi", "--role", "inspector",
                        "--agency", "Dinas Sosial", stdin="budi-rahasia1\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("the first user must be an administrator", r.stderr)
        self.assertEqual(self.sql("SELECT count(*) FROM app_user"), [(0,)])
        self.must("--password-stdin", "user", "add", "ani", "--role", "admin", "--agency",
                  "Dinas Sosial", stdin="ani-rahasia1\n")
        r = self.pantau("institution", "list")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "pantau: this database has users: say who you are with --user "
                                   "NAME or --token TOKEN (see 'pantau login')\n")
        hash_ = self.sql("SELECT password_hash FROM app_user")[0][0]
        self.assertTrue(hash_.startswith("$argon2id$"), hash_)

    # ---- passwords and tokens ----

    def test_a_password_on_stdin_authenticates_and_a_wrong_one_does_not(self):
        self.add_users()
        r = self.must("--user", "budi", "--password-stdin", "whoami", stdin="budi-rahasia1\n")
        self.assertEqual(r.stdout, "budi (inspector, Dinas Sosial)\n")
        for user, password in [("budi", "salah-sekali"), ("siapa", "budi-rahasia1")]:
            r = self.pantau("--user", user, "--password-stdin", "whoami", stdin=password + "\n")
            self.assertEqual(r.returncode, 1)
            self.assertEqual(r.stderr, "pantau: wrong user name or password\n")
        r = self.pantau("--user", "budi", "--password-stdin", "whoami", stdin="")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no password line on stdin", r.stderr)

    def test_without_a_terminal_or_password_stdin_the_password_cannot_be_read(self):
        self.add_users()
        # setsid: no controlling terminal, so /dev/tty cannot be opened
        r = subprocess.run(["setsid", BIN, "--db", self.db, "--user", "budi", "whoami"],
                           input="budi-rahasia1\n", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           encoding="utf-8", cwd=self.tmp)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "pantau: no terminal to read the password from: use "
                                   "--password-stdin or --token\n")

    def test_a_token_from_login_works_from_the_environment_until_logout(self):
        self.add_users()
        token = self.tokens["sari"]
        self.assertEqual(self.sql("SELECT count(*) FROM login_token WHERE token_sha256 = ?",
                                  (token.split(".")[1],)), [(0,)])
        r = self.must("whoami", env={"PANTAU_TOKEN": token})
        self.assertEqual(r.stdout, "sari (assessor, BALKS)\n")
        self.assertEqual(self.must("logout", env={"PANTAU_TOKEN": token}).stdout, "logged out\n")
        r = self.pantau("whoami", env={"PANTAU_TOKEN": token})
        self.assertEqual(r.returncode, 1)
        self.assertIn("unknown login token", r.stderr)

    def test_an_expired_token_is_refused(self):
        self.add_users()
        con = sqlite3.connect(self.db)
        con.execute("UPDATE login_token SET expires_at = '2001-01-01T00:00:00Z' WHERE user_id = "
                    "(SELECT id FROM app_user WHERE name = 'budi')")
        con.commit()
        con.close()
        r = self.pantau("--token", self.tokens["budi"], "whoami")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "pantau: login token expired at 2001-01-01T00:00:00Z (run "
                                   "`pantau login` again)\n")
        self.must("--token", self.tokens["sari"], "whoami")

    def test_a_disabled_user_can_no_longer_log_in_or_use_a_token(self):
        self.add_users()
        self.must("--token", self.tokens["ani"], "user", "disable", "budi")
        r = self.pantau("--token", self.tokens["budi"], "whoami")
        self.assertEqual(r.returncode, 1)
        r = self.pantau("--password-stdin", "login", "--user", "budi", stdin="budi-rahasia1\n")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "pantau: user 'budi' is disabled\n")
        r = self.pantau("--token", self.tokens["ani"], "user", "disable", "ani")
        self.assertIn("last enabled administrator", r.stderr)

    def test_a_user_changes_their_own_password_but_not_another_users(self):
        self.add_users()
        r = self.pantau("--token", self.tokens["budi"], "--password-stdin", "user", "passwd", "ani",
                        stdin="direbut-rahasia\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("may not manage users", r.stderr)
        self.must("--token", self.tokens["budi"], "--password-stdin", "user", "passwd", "budi",
                  stdin="budi-baru-rahasia\n")
        self.must("--user", "budi", "--password-stdin", "whoami", stdin="budi-baru-rahasia\n")

    def test_user_list_json_names_roles_and_agencies(self):
        self.add_users()
        import json
        doc = json.loads(self.must("--token", self.tokens["ani"], "user", "list", "--json").stdout)
        self.assertEqual([(u["name"], u["role"], u["agency"], u["disabled"]) for u in doc["items"]],
                         sorted((n, r, a, False) for n, (r, a, _) in USERS.items()))


if __name__ == "__main__":
    unittest.main()
