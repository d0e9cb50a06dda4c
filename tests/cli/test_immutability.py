"""Once a visit is decided, the database itself refuses any change of the data behind the
decision, whatever program writes the file: here a plain Python sqlite3 connection.

The audit triggers call pt_* SQL functions that exist only on a pantau connection, and SQLite
compiles every trigger of a table when it prepares a statement: on a plain connection a write
would fail with "no such function" before any lock could speak. So the test registers dummy
pt_* functions first: then the only thing that can refuse is the lock trigger, and the test
asserts its message. The decided visit is a joint visit, so that it has members' answers,
assignments and a reconciliation as well as answers, a team, a score with sections and a flag,
and an override.
"""
import os
import sqlite3
import subprocess

import clitest

REASON = "Catatan kasus lengkap diperiksa langsung di lokasi"
LOCKED = "the visit is decided: its data are immutable"


def password(user):
    return user + "-rahasia1"


def plain_connection(path):
    """A connection without pantau's functions, but with harmless stand-ins for them."""
    con = sqlite3.connect(path)
    con.create_function("pt_actor", 0, lambda: "intruder")
    con.create_function("pt_now", 0, lambda: "2030-01-01T00:00:00Z")
    con.create_function("pt_audit_hash", -1, lambda *a: "0" * 64)

    class Digest:
        def step(self, *args):
            pass

        def finalize(self):
            return "0" * 64

    for name in ("pt_answers_digest", "pt_sections_digest", "pt_flags_digest"):
        con.create_aggregate(name, -1, Digest)
    return con


class Immutability(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.setup_visits()
        self.ok("--password-stdin", "user", "add", "ani", "--role", "admin", "--agency",
                "Dinas Sosial", stdin=password("ani") + "\n")
        for name, role, agency in (("sari", "assessor", "BALKS"), ("budi", "inspector", "Dinas Sosial"),
                                   ("dewi", "board", "BALKS"), ("rina", "board", "BALKS")):
            self.ok("--user", "ani", "--password-stdin", "user", "add", name, "--role", role,
                    "--agency", agency, stdin="%s\n%s\n" % (password("ani"), password(name)))
        # a joint accreditation visit (3): assigned items, members' answers, a reconciled
        # disagreement; scored (the failed gate raises a flag), overridden, reviewed, decided
        out = self.as_("sari", "visit", "new", "--institution", "UJI-001", "--checklist",
                       "uji-cli@1.0", "--date", "2026-06-01", "--type", "akreditasi",
                       "--member", "sari", "--member", "budi").stdout
        self.assertEqual(out, "visit 3 created as a draft\n")
        self.as_("sari", "visit", "assign", "3", "--agency", "BALKS", "--section", "S2")
        self.as_("budi", "visit", "answer", "3", "S1.01=tidak", "S1.02=2")
        self.as_("sari", "visit", "answer", "3", "S1.01=ya", "S2.01=4", "S2.02=lengkap")
        self.as_("sari", "visit", "reconcile", "3", "S1.01", "tidak", "--reason", "dokumen tidak ada")
        self.as_("sari", "visit", "submit", "3")
        self.as_("sari", "score", "3")
        self.as_("sari", "score", "override", "3", "--section", "S2", "--score", "30", "--reason", REASON)
        self.as_("dewi", "review", "open", "3", "--panel", "dewi,rina")
        for user in ("dewi", "rina"):
            self.as_(user, "review", "declare", "1", "--no-conflict")
            self.as_(user, "review", "vote", "1", "--grade", "C")
        self.as_("dewi", "review", "decide", "1")
        for table in ("answer", "score_section", "score_flag", "visit_team", "member_answer",
                      "visit_assignment", "reconciliation", "score_override"):
            self.assertGreater(self.count(table, "visit_id = 3"), 0, table)

    def run_pantau(self, *args, stdin="", **kw):
        cmd = [clitest.BIN, "--db", self.db, "--scripts", clitest.SCRIPTS] + [str(a) for a in args]
        environ = {k: v for k, v in os.environ.items()
                   if k not in ("PANTAU_DB", "PANTAU_SCRIPTS", "PANTAU_CHECKLISTS", "PANTAU_TOKEN")}
        return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=self.tmp, env=environ, timeout=300, encoding="utf-8",
                              errors="replace")

    def as_(self, user, *args):
        return self.ok("--user", user, "--password-stdin", *args, stdin=password(user) + "\n")

    def as_fails(self, user, *args, code=1):
        return self.fails("--user", user, "--password-stdin", *args, code=code,
                          stdin=password(user) + "\n")

    def assert_refused(self, con, sql, message):
        with self.assertRaises(sqlite3.DatabaseError, msg=sql) as caught:
            con.execute(sql)
        self.assertIn(message, str(caught.exception), sql)

    def test_a_plain_connection_cannot_change_the_data_behind_a_decision(self):
        before = self.snapshot()
        con = plain_connection(self.db)
        try:
            # the stand-ins work: an unrelated write is accepted (and rolled back below)
            con.execute("UPDATE institution SET owner = 'x' WHERE id = 2")
            con.rollback()
            refused = [
                ("UPDATE visit SET notes = 'x' WHERE id = 3", LOCKED),
                ("DELETE FROM visit WHERE id = 3", LOCKED),
                ("UPDATE visit_team SET agency = 'x' WHERE visit_id = 3", LOCKED),
                ("DELETE FROM visit_team WHERE visit_id = 3", LOCKED),
                ("INSERT INTO visit_team VALUES (3, 9, 'Tamu', 'DP3A', NULL)", LOCKED),
                ("UPDATE answer SET value = 'ya' WHERE visit_id = 3", LOCKED),
                ("DELETE FROM answer WHERE visit_id = 3", LOCKED),
                ("INSERT INTO answer (visit_id, item_id, position, value, na) "
                 "VALUES (3, 'S9.99', 99, 'ya', 0)", LOCKED),
                ("UPDATE score SET total = 100, grade = 'A' WHERE visit_id = 3", LOCKED),
                ("DELETE FROM score WHERE visit_id = 3", LOCKED),
                ("INSERT INTO score SELECT * FROM score WHERE visit_id = 3", LOCKED),
                ("UPDATE score_section SET score = 60 WHERE visit_id = 3", LOCKED),
                ("DELETE FROM score_section WHERE visit_id = 3", LOCKED),
                ("INSERT INTO score_section SELECT visit_id, position + 10, section_id, score, "
                 "maximum, justification FROM score_section WHERE visit_id = 3", LOCKED),
                ("UPDATE score_flag SET severity = 'rendah' WHERE visit_id = 3", LOCKED),
                ("DELETE FROM score_flag WHERE visit_id = 3", LOCKED),
                ("INSERT INTO score_flag SELECT visit_id, position + 10, code, severity, agency, "
                 "item_id, message FROM score_flag WHERE visit_id = 3", LOCKED),
                ("UPDATE member_answer SET value = 'ya' WHERE visit_id = 3", LOCKED),
                ("DELETE FROM member_answer WHERE visit_id = 3", LOCKED),
                ("INSERT INTO member_answer (visit_id, item_id, user_id, value, na, recorded_at) "
                 "VALUES (3, 'S2.03', 1, 'teks', 0, 'x')", LOCKED),
                ("UPDATE visit_assignment SET agency = 'DP3A' WHERE visit_id = 3", LOCKED),
                ("DELETE FROM visit_assignment WHERE visit_id = 3", LOCKED),
                ("UPDATE reconciliation SET value = 'ya' WHERE visit_id = 3", LOCKED),
                ("DELETE FROM reconciliation WHERE visit_id = 3", LOCKED),
                ("INSERT INTO score_override (visit_id, target, section_id, computed, overridden, "
                 "rationale, overridden_by, overridden_at) VALUES (3, 'grade', NULL, 'C', 'A', "
                 "'%s', 'x', 'x')" % REASON, LOCKED),
                ("UPDATE score_override SET overridden = '40'",
                 "an override is a record: it cannot be changed"),
                ("DELETE FROM score_override", "an override is a record: it cannot be deleted"),
                ("UPDATE decision SET outcome = 'A'",
                 "a decision is immutable: supersede it with a new decision"),
                ("DELETE FROM decision", "a decision is immutable: supersede it with a new decision"),
                ("INSERT INTO decision (review_id, visit_id, institution_id, kind, outcome, "
                 "outcome_label, panel_size, votes_cast, quorum, votes, evidence, evidence_sha256, "
                 "decided_by, decided_at) SELECT review_id, visit_id, institution_id, kind, 'A', "
                 "'x', panel_size, votes_cast, quorum, votes, evidence, evidence_sha256, 'x', 'x' "
                 "FROM decision", "a row of decision is a record: it is never replaced"),
                # rows may not be moved INTO a decided visit either (visit 1 is not decided)
                ("UPDATE OR REPLACE answer SET visit_id = 3 WHERE visit_id = 1", LOCKED),
                ("UPDATE visit_team SET visit_id = 3, position = 50 WHERE visit_id = 1", LOCKED),
                # INSERT OR REPLACE deletes the row it collides with without a delete trigger:
                # refused on every table whose rows are records
                ("INSERT OR REPLACE INTO decision SELECT * FROM decision",
                 "a row of decision is a record: it is never replaced"),
                ("INSERT OR REPLACE INTO review SELECT * FROM review",
                 "a row of review is a record: it is never replaced"),
                ("INSERT OR REPLACE INTO visit_transition SELECT * FROM visit_transition "
                 "WHERE visit_id = 3", "a row of visit_transition is a record: it is never replaced"),
                ("INSERT OR REPLACE INTO score_override SELECT * FROM score_override",
                 "a row of score_override is a record: it is never replaced"),
                ("INSERT OR REPLACE INTO visit SELECT * FROM visit WHERE id = 3",
                 "a row of visit is a record: it is never replaced"),
                ("INSERT OR REPLACE INTO audit_log SELECT * FROM audit_log WHERE seq = 1",
                 "a row of audit_log is a record: it is never replaced"),
                ("INSERT OR REPLACE INTO app_user SELECT * FROM app_user WHERE name = 'dewi'",
                 "a row of app_user is a record: it is never replaced"),
                # ... also when the colliding key is only the row's id, in a table whose other
                # unique keys pantau's own upserts use
                ("INSERT OR REPLACE INTO member_answer (id, visit_id, item_id, user_id, value, na, "
                 "recorded_at) SELECT id, 1, item_id, user_id, value, na, recorded_at "
                 "FROM member_answer WHERE visit_id = 3",
                 "a row of member_answer is a record: it is never replaced"),
                ("REPLACE INTO visit_assignment (id, visit_id, item_id, agency, assigned_by, "
                 "assigned_at) SELECT id, 1, item_id, agency, assigned_by, assigned_at "
                 "FROM visit_assignment WHERE visit_id = 3",
                 "a row of visit_assignment is a record: it is never replaced"),
                ("INSERT OR REPLACE INTO reconciliation (id, visit_id, item_id, value, na, reason, "
                 "reconciled_by, reconciled_at) SELECT id, 1, item_id, value, na, reason, "
                 "reconciled_by, reconciled_at FROM reconciliation WHERE visit_id = 3",
                 "a row of reconciliation is a record: it is never replaced"),
                ("INSERT OR REPLACE INTO panel_member (id, review_id, user_id) "
                 "SELECT id, review_id, user_id FROM panel_member",
                 "a row of panel_member is a record: it is never replaced"),
                # UPDATE OR REPLACE onto another row's key deletes that row without a trigger
                ("UPDATE OR REPLACE app_user SET name = 'dewi' WHERE name = 'rina'",
                 "the key of a row of app_user never changes"),
                ("UPDATE OR REPLACE institution SET reg_no = (SELECT reg_no FROM institution "
                 "WHERE id = 1) WHERE id = 2", "the key of a row of institution never changes"),
                # what the evidence names is never deleted
                ("DELETE FROM checklist_version", "a stored checklist version cannot be deleted"),
                ("DELETE FROM script_version", "a stored script version cannot be deleted"),
                ("DELETE FROM institution WHERE id = 1",
                 "an institution is a record: it cannot be deleted"),
                ("DELETE FROM panel_member", "a panel member is a record: it cannot be deleted"),
                ("UPDATE review SET reason = 'x'", "a closed review cannot change"),
                ("UPDATE panel_member SET vote = 'A'", "the review is closed: its panel cannot change"),
                ("DELETE FROM visit_transition WHERE visit_id = 3",
                 "a visit's steps are a record: they cannot be deleted"),
            ]
            for sql, message in refused:
                self.assert_refused(con, sql, message)
            con.rollback()
        finally:
            con.close()
        self.assertEqual(self.snapshot(), before)

    def test_pantau_refuses_to_change_a_decided_visit_and_the_audit_log_holds(self):
        before = self.snapshot()
        err = self.as_fails("sari", "score", "3")
        self.assertIn("visit 3 is decided", err)
        err = self.as_fails("sari", "score", "override", "3", "--grade", "A", "--reason", REASON)
        self.assertIn("visit 3 is decided", err)
        err = self.as_fails("sari", "visit", "answer", "3", "S2.03=teks")
        self.assertIn("decided", err)
        err = self.as_fails("dewi", "review", "return", "3", "--reason", "Perlu dinilai ulang")
        self.assertIn("visit 3 is decided", err)
        err = self.as_fails("dewi", "review", "open", "3", "--panel", "dewi")
        self.assertIn("visit 3 is decided", err)
        self.assertEqual(self.snapshot(), before)
        self.assertTrue(self.as_("dewi", "decision", "verify", "1").stdout.startswith(
            "decision 1: evidence verified"))
        self.assertTrue(self.as_("ani", "audit", "verify").stdout.startswith("audit chain intact"))


if __name__ == "__main__":
    clitest.main()
