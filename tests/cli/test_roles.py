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

# The workflow (docs/workflow.md, "Who may do what"), run against the records add_workflow()
# leaves in the shared database: the ids below are the ones it creates, in that order.
RECORDERS = {"budi", "sari", "eka", "dedi"}          # inspector, assessor, agency officers
REVIEWERS = {"dewi", "eka"}                         # board member, Dinas Sosial officer
RECORD = ("record answers of visits", "inspector or assessor or agency officer")
REVIEW = ("review visits", "board member or agency officer (Dinas Sosial)")
DECIDE = ("decide accreditation reviews", "board member")
DECIDE_MONITORING = ("decide monitoring reviews", "board member or agency officer (Dinas Sosial)")
FINDING = ("record findings", "inspector or assessor or agency officer")
LONG_REASON = "Alasan yang cukup panjang untuk dicatat dalam berkas"
WORKFLOW_COMMANDS = [
    # joint visits: draft 8 has a disagreement on S1.01, draft 9 none; both teams are
    # budi, sari, eka and dedi
    (["visit", "new", "--institution", "UJI-001", "--checklist", "uji-cli", "--date", "2026-06-03",
      "--type", "routine", "--member", "budi"], RECORDERS, *RECORD),
    (["visit", "assign", "8", "--agency", "Dinas Sosial", "--item", "S2.01"], RECORDERS, *RECORD),
    (["visit", "answer", "8", "S2.03=Pengasuh ramah"], RECORDERS, *RECORD),
    (["visit", "reconcile", "8", "S1.01", "ya", "--reason", LONG_REASON], RECORDERS, *RECORD),
    (["visit", "submit", "9"], RECORDERS, *RECORD),
    (["visit", "answers", "8"], ALL, None, None),
    (["visit", "history", "8"], ALL, None, None),
    # overrides: visit 5 is scored
    (["score", "override", "5", "--section", "S1", "--score", "30", "--reason", LONG_REASON],
     {"sari"}, "override computed scores", "assessor"),
    (["score", "show", "5"], ALL, None, None),
    # reviews: 1 decided (visit 4, decision 1); 2 open on accreditation visit 6, dewi declared;
    # 3 open on accreditation visit 7, dewi declared and voted; 4 open on the monitoring
    # visit 3, dewi and eka declared, dewi voted; 7 an open appeal of the accreditation
    # decision 2 (visit 10), 8 an open appeal of the monitoring decision 3 (visit 11).
    # Visit 5 is a scored monitoring visit, visit 1 a scored accreditation visit: opening,
    # returning, appealing, correcting and withdrawing are the board's alone for accreditation
    (["review", "open", "5", "--panel", "dewi"], REVIEWERS, *REVIEW),
    (["review", "return", "5", "--reason", LONG_REASON], REVIEWERS, *REVIEW),
    (["review", "open", "1", "--panel", "dewi"], {"dewi"}, *DECIDE),
    (["review", "return", "1", "--reason", LONG_REASON], {"dewi"}, *DECIDE),
    (["review", "appeal", "1", "--reason", LONG_REASON, "--panel", "dewi"], {"dewi"}, *DECIDE),
    (["review", "correct", "1", "--reason", LONG_REASON, "--panel", "dewi"], {"dewi"}, *DECIDE),
    (["review", "withdraw", "7", "--reason", LONG_REASON], {"dewi"}, *DECIDE),
    (["review", "withdraw", "8", "--reason", LONG_REASON], REVIEWERS, *REVIEW),
    (["review", "declare", "2", "--no-conflict"], {"dewi"}, *DECIDE),
    (["review", "vote", "2", "--grade", "B"], {"dewi"}, *DECIDE),
    (["review", "decide", "3"], {"dewi"}, *DECIDE),
    (["review", "decide", "4"], REVIEWERS, *DECIDE_MONITORING),
    (["review", "list"], ALL, None, None),
    (["review", "show", "1"], ALL, None, None),
    (["decision", "list"], ALL, None, None),
    (["decision", "show", "1"], ALL, None, None),
    (["decision", "verify", "1"], ALL, None, None),
    # findings: finding 1 on visit 1 (item S1.02), verified by the later visit 4
    (["finding", "from-visit", "2"], RECORDERS, *FINDING),
    (["finding", "add", "5", "--item", "S1.02", "--severity", "rendah", "--agency", "Dinas Sosial",
      "--due", "2026-12-31", "--description", "Ruang belajar belum memadai"], RECORDERS, *FINDING),
    (["finding", "plan", "1", "--action", "Menata ruang belajar", "--responsible", "Kepala LKSA",
      "--target", "2026-12-31"], RECORDERS, *FINDING),
    (["finding", "close", "1", "--visit", "4"], RECORDERS, *FINDING),
    (["finding", "escalate", "--today", "2026-06-01"], {"ani", "eka", "dedi"},
     "escalate overdue work", "administrator or agency officer"),
    (["finding", "list"], ALL, None, None),
    (["finding", "list", "--overdue", "--today", "2027-01-01"], ALL, None, None),
    (["finding", "show", "1"], ALL, None, None),
    # sanctions: steps 1-3 Satpol PP or Dinas Sosial officers (step 4: see its own test)
    (["sanction", "add", "UJI-001", "--step", "1", "--reason", LONG_REASON], {"eka", "dedi"},
     "issue sanctions", "agency officer"),
    (["sanction", "list", "UJI-001"], ALL, None, None),
    (["agenda"], ALL, None, None),
    (["agenda", "--agency", "Satpol PP"], ALL, None, None),
    (["institution", "show", "UJI-001", "--today", "2026-06-01"], ALL, None, None),
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

    def as_user(self, name, *args):
        return self.must("--token", self.tokens[name], *args)

    def add_workflow(self):
        """Records for the workflow commands of WORKFLOW_COMMANDS, made through the commands
        (their ids are asserted: the table names them)."""
        def visit_file(name, institution, date, type_):
            with open(data("visit-b.csv"), encoding="utf-8") as f:
                text = f.read()
            text = text.replace("#institution;UJI-001", "#institution;" + institution)
            text = text.replace("#date;2026-03-14", "#date;" + date)
            text = text.replace("#type;akreditasi", "#type;" + type_)
            if name == "v4.csv":   # visit 4 verifies finding 1 (S1.02 "2" on visit 1): a changed answer
                text = text.replace("S1.02;2;", "S1.02;3;")
            path = os.path.join(self.tmp, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return path
        for n, (name, inst, date, type_) in enumerate([
                ("v3.csv", "UJI-001", "2026-05-01", "rutin"),
                ("v4.csv", "UJI-001", "2026-06-01", "akreditasi"),
                ("v5.csv", "UJI-002", "2026-05-02", "rutin"),
                ("v6.csv", "UJI-002", "2026-05-03", "akreditasi"),
                ("v7.csv", "UJI-002", "2026-05-04", "akreditasi")], start=3):
            r = self.as_user("budi", "visit", "import", visit_file(name, inst, date, type_))
            self.assertIn("(id %d)" % n, r.stdout)
        self.as_user("ani", "score", "--all")
        self.assertIn("added finding 1", self.as_user(
            "budi", "finding", "add", "1", "--item", "S1.02", "--severity", "sedang", "--agency",
            "Dinas Sosial", "--due", "2026-09-30", "--description", "Skala pengasuhan rendah").stdout)
        # review 1: visit 4 decided by dewi (decision 1)
        self.assertIn("opened review 1 ", self.as_user(
            "dewi", "review", "open", "4", "--panel", "dewi", "--quorum", "1").stdout)
        self.as_user("dewi", "review", "declare", "1", "--no-conflict")
        self.as_user("dewi", "review", "vote", "1", "--grade", "A")
        self.assertIn("decision 1", self.as_user("dewi", "review", "decide", "1").stdout)
        # review 2: visit 6, dewi declared; review 3: visit 7, dewi declared and voted
        self.assertIn("opened review 2 ", self.as_user("dewi", "review", "open", "6", "--panel", "dewi").stdout)
        self.as_user("dewi", "review", "declare", "2", "--no-conflict")
        self.assertIn("opened review 3 ", self.as_user("dewi", "review", "open", "7", "--panel", "dewi").stdout)
        self.as_user("dewi", "review", "declare", "3", "--no-conflict")
        self.as_user("dewi", "review", "vote", "3", "--grade", "C")
        # review 4: the monitoring visit 3, opened by the Dinas Sosial officer
        self.assertIn("opened review 4 ", self.as_user(
            "eka", "review", "open", "3", "--panel", "dewi,eka", "--quorum", "1").stdout)
        self.as_user("dewi", "review", "declare", "4", "--no-conflict")
        self.as_user("eka", "review", "declare", "4", "--no-conflict")
        self.as_user("dewi", "review", "vote", "4", "--accept")
        # drafts 8 (budi and sari disagree on S1.01) and 9 (all answered by budi)
        for n in (8, 9):
            r = self.as_user("budi", "visit", "new", "--institution", "UJI-001", "--checklist",
                             "uji-cli", "--date", "2026-06-02", "--type", "routine", "--member",
                             "budi:ketua", "--member", "sari", "--member", "eka", "--member", "dedi")
            self.assertIn(str(n), r.stdout)
        self.as_user("budi", "visit", "answer", "8", "S1.01=ya")
        self.as_user("sari", "visit", "answer", "8", "S1.01=tidak")
        self.as_user("budi", "visit", "answer", "9", "S1.01=ya", "S1.02=2", "S2.01=4",
                     "S2.02=sebagian", "S2.03=Pengasuh ramah")
        # visit 10 (UJI-002, accreditation) decided by dewi (decision 2) and visit 11 (UJI-001,
        # monitoring) by eka (decision 3); review 7 appeals decision 2, review 8 decision 3
        for n, (name, inst, date, type_) in enumerate([
                ("v10.csv", "UJI-002", "2026-05-05", "akreditasi"),
                ("v11.csv", "UJI-001", "2026-05-06", "rutin")], start=10):
            r = self.as_user("budi", "visit", "import", visit_file(name, inst, date, type_))
            self.assertIn("(id %d)" % n, r.stdout)
            self.as_user("ani", "score", str(n))
        self.assertIn("opened review 5 ", self.as_user(
            "dewi", "review", "open", "10", "--panel", "dewi", "--quorum", "1").stdout)
        self.as_user("dewi", "review", "declare", "5", "--no-conflict")
        self.as_user("dewi", "review", "vote", "5", "--grade", "B")
        self.assertIn("decision 2", self.as_user("dewi", "review", "decide", "5").stdout)
        self.assertIn("opened review 6 ", self.as_user(
            "eka", "review", "open", "11", "--panel", "eka", "--quorum", "1").stdout)
        self.as_user("eka", "review", "declare", "6", "--no-conflict")
        self.as_user("eka", "review", "vote", "6", "--accept")
        self.assertIn("decision 3", self.as_user("eka", "review", "decide", "6").stdout)
        self.assertIn("opened appeal 7 ", self.as_user(
            "dewi", "review", "appeal", "2", "--reason", LONG_REASON, "--panel", "dewi").stdout)
        self.assertIn("opened appeal 8 ", self.as_user(
            "eka", "review", "appeal", "3", "--reason", LONG_REASON, "--panel", "eka").stdout)
        self.as_user("ani", "notify", "retry")

    # ---- the table ----

    def run_table(self, commands):
        base = self.copy_db("base.db")
        for args, allowed, what, needs in commands:
            for name in USERS:
                with self.subTest(command=" ".join(args[:3]), user=name):
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

    def test_every_command_as_every_role_is_allowed_or_refused_as_the_table_says(self):
        self.add_users()
        self.run_table(COMMANDS)

    def test_every_workflow_command_as_every_role_is_allowed_or_refused_as_the_table_says(self):
        self.add_users()
        self.add_workflow()
        self.run_table(WORKFLOW_COMMANDS)

    def test_satpol_pp_issues_steps_1_to_3_and_only_the_dinas_sosial_steps_4_and_5(self):
        self.add_users()
        for step in ("1", "2", "3"):
            self.as_user("dedi", "sanction", "add", "UJI-001", "--step", step, "--reason", LONG_REASON)
        before = dump(self.db)
        for step in ("4", "5"):
            r = self.pantau("--token", self.tokens["dedi"], "sanction", "add", "UJI-001", "--step",
                            step, "--reason", LONG_REASON)
            self.assertEqual(r.returncode, 1)
            self.assertTrue(r.stderr.startswith("pantau: user 'dedi' (agency officer, Satpol PP) "
                                                "may not issue a sanction of step %s" % step), r.stderr)
            self.assertEqual(dump(self.db), before, "a refused sanction changed the database")
        self.as_user("eka", "sanction", "add", "UJI-001", "--step", "5", "--reason", LONG_REASON)
        self.assertEqual(self.sql("SELECT reg_status FROM institution WHERE reg_no = 'UJI-001'"),
                         [("revoked",)])

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
