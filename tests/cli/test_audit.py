"""pantau audit verify | list: the append-only, hash-chained audit log.

The tampering tests edit the database file DIRECTLY with Python's sqlite3 module, as someone
with the file (and not pantau) would. That connection has none of pantau's SQL functions, so
its writes to audited tables fail until it drops an audit trigger; editing the log itself needs
its guard trigger dropped first. A score's sections and flags have no triggers (the score's one
entry holds their digests), so they can be edited freely, and verify names the visit.
"""
import json
import os
import sqlite3
import subprocess

from clitest import BIN, CliTestCase, data, main


class AuditTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.setup_visits()
        self.ok("score", "--all")
        self.ok("institution", "update", "UJI-001", "--name", "LKSA Nama Baru", "--capacity", "42")

    # ---- helpers ----

    def tamper(self, *statements):
        con = sqlite3.connect(self.db)
        try:
            for s in statements:
                con.execute(s)
            con.commit()
        finally:
            con.close()

    def verify_fails(self):
        """Runs audit verify expecting exit 1; returns (stdout lines, the stderr line)."""
        r = self.run_pantau("audit", "verify")
        self.assertEqual(r.returncode, 1, "verify passed a tampered database: %r" % r.stdout)
        err = r.stderr.splitlines()
        self.assertEqual(len(err), 1, r.stderr)
        self.assertTrue(err[0].startswith("pantau: audit log: "), err[0])
        return r.stdout.splitlines(), err[0]

    def entries(self, *args):
        return self.json("audit", "list", *args)["items"]

    def institution_id(self, reg_no):
        return self.sql("SELECT id FROM institution WHERE reg_no = ?", (reg_no,))[0][0]

    # ---- normal use ----

    def test_a_clean_database_verifies_intact_with_exit_0(self):
        r = self.ok("audit", "verify")
        n = self.count("audit_log")
        self.assertRegex(r.stdout, r"^audit chain intact: %d entries \(last row %d, hash [0-9a-f]{64}\)\n$"
                         % (n, n))

    def test_normal_use_records_each_change_with_before_and_after(self):
        iid = self.institution_id("UJI-001")
        inst = self.entries("--entity", "institution", "--id", iid)
        self.assertEqual([e["action"] for e in inst], ["insert", "update"])
        self.assertIsNone(inst[0]["before"])
        self.assertEqual(inst[0]["after"]["reg_no"], "UJI-001")
        self.assertEqual(inst[1]["before"]["capacity"], inst[0]["after"]["capacity"])
        self.assertEqual(inst[1]["after"]["name"], "LKSA Nama Baru")
        self.assertEqual(inst[1]["after"]["capacity"], 42)
        self.assertEqual({e["actor"] for e in self.entries()}, {"local"})

        everything = self.entries()
        self.assertEqual([e["seq"] for e in everything], list(range(1, len(everything) + 1)))
        self.assertEqual(everything[0]["prev_hash"], "0" * 64)
        for a, b in zip(everything, everything[1:]):
            self.assertEqual(b["prev_hash"], a["hash"])
        kinds = {(e["entity"], e["action"]) for e in everything}
        for k in [("checklist_version", "insert"), ("visit", "insert"), ("score", "insert")]:
            self.assertIn(k, kinds)
        # an imported visit is ONE entry: its row, its team and its answers' digest
        self.assertEqual(self.count("audit_log", "entity IN ('answer', 'visit_team', 'visit.answers')"), 0)
        visit = self.entries("--entity", "visit", "--id", 1)
        self.assertEqual(len(visit), 1)
        after = visit[0]["after"]
        self.assertEqual(after["id"], 1)
        self.assertEqual(after["n_answers"], self.count("answer", "visit_id = 1"))
        self.assertRegex(after["answers_sha256"], "^[0-9a-f]{64}$")
        team = self.sql("SELECT visit_id, position, name, agency, role FROM visit_team "
                        "WHERE visit_id = 1 ORDER BY position")
        self.assertGreater(len(team), 0)
        self.assertEqual([(m["visit_id"], m["position"], m["name"], m["agency"], m["role"])
                          for m in after["team"]], team)

    def test_a_score_is_one_entry_holding_its_sections_and_flags_as_digests(self):
        self.assertEqual(self.count("audit_log", "entity IN ('score_section', 'score_flag')"), 0)
        for visit in (1, 2):
            score = self.entries("--entity", "score", "--id", visit)
            self.assertEqual(len(score), 1, score)
            after = score[0]["after"]
            self.assertEqual(after["visit_id"], visit)
            self.assertEqual(after["n_sections"], self.count("score_section", "visit_id = %d" % visit))
            self.assertEqual(after["n_flags"], self.count("score_flag", "visit_id = %d" % visit))
            self.assertRegex(after["sections_sha256"], "^[0-9a-f]{64}$")
            self.assertRegex(after["flags_sha256"], "^[0-9a-f]{64}$")
        self.assertEqual(self.entries("--entity", "score", "--id", 2)[0]["after"]["n_flags"], 1)
        self.assertGreater(self.entries("--entity", "score", "--id", 1)[0]["after"]["n_sections"], 0)

    def test_the_readable_list_shows_what_an_update_changed(self):
        iid = self.institution_id("UJI-001")
        old = self.entries("--entity", "institution", "--id", iid)[0]["after"]
        r = self.ok("audit", "list", "--entity", "institution", "--id", iid)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["SEQ", "AT", "ACTOR", "ACTION", "ENTITY", "ID", "CHANGE"])
        self.assertEqual(len(lines), 4)
        self.assertIn("added", lines[2])
        self.assertIn('name: "%s" → "LKSA Nama Baru"' % old["name"], lines[3])
        self.assertIn("capacity: %s → 42" % json.dumps(old["capacity"]), lines[3])

    def test_rescoring_is_audited_and_still_verifies(self):
        before = self.count("audit_log")
        self.ok("score", "1")
        # the old score's deletion and the new score's one entry, nothing per section or flag
        new = self.sql("SELECT action, entity, entity_id FROM audit_log WHERE seq > ? ORDER BY seq",
                       (before,))
        self.assertEqual(new, [("delete", "score", 1), ("insert", "score", 1)])
        self.ok("audit", "verify")

    def test_a_bad_id_is_a_usage_error(self):
        self.fails("audit", "list", "--id", "x", code=2)
        self.fails("audit", "frobnicate", code=2)

    # ---- what another program can and cannot do ----

    def test_another_program_cannot_write_audited_tables_without_dropping_a_trigger(self):
        with self.assertRaises(sqlite3.OperationalError) as cm:
            self.tamper("UPDATE institution SET name = 'X' WHERE reg_no = 'UJI-001'")
        self.assertIn("no such function: pt_", str(cm.exception))
        self.ok("audit", "verify")

    def test_the_log_refuses_updates_and_deletes(self):
        with self.assertRaises(sqlite3.IntegrityError) as cm:
            self.tamper("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
        self.assertIn("append-only", str(cm.exception))
        with self.assertRaises(sqlite3.IntegrityError) as cm:
            self.tamper("DELETE FROM audit_log WHERE seq = 1")
        self.assertIn("append-only", str(cm.exception))

    # ---- tampering ----

    def test_an_institution_edited_directly_is_named(self):
        iid = self.institution_id("UJI-001")
        last = self.sql("SELECT max(seq) FROM audit_log WHERE entity = 'institution' AND entity_id = ?",
                        (iid,))[0][0]
        self.tamper("DROP TRIGGER audit_institution_update",
                    "UPDATE institution SET name = 'Nama Palsu' WHERE id = %d" % iid)
        out, err = self.verify_fails()
        self.assertIn("trigger audit_institution_update is missing", out)
        self.assertIn("institution %d: name differs from its last audited state (audit log row %d): "
                      "changed without an audit entry" % (iid, last), out)

    def test_an_edit_is_found_even_when_the_trigger_is_put_back(self):
        iid = self.institution_id("UJI-002")
        sql = self.sql("SELECT sql FROM sqlite_master WHERE name = 'audit_institution_update'")[0][0]
        self.tamper("DROP TRIGGER audit_institution_update",
                    "UPDATE institution SET children_in_care = 0 WHERE id = %d" % iid, sql)
        out, err = self.verify_fails()
        self.assertEqual(len(out), 1, out)
        self.assertIn("institution %d: children_in_care differs from its last audited state" % iid, out[0])
        self.assertIn("children_in_care differs", err)

    def test_an_edited_audit_row_is_named(self):
        self.tamper("DROP TRIGGER audit_log_no_update",
                    "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3")
        out, err = self.verify_fails()
        row = self.sql("SELECT action, entity, entity_id, at FROM audit_log WHERE seq = 3")[0]
        self.assertIn("audit log row 3 (%s %s %d at %s by someone-else): hash does not match: "
                      "the row was edited" % row, out)
        self.assertIn("trigger audit_log_no_update is missing", out)
        self.assertIn("audit log row 3", err)

    def test_an_audit_row_whose_hash_was_also_recomputed_breaks_the_next_link(self):
        # a tamperer who rewrites one row's hash too still breaks the link from the next row
        self.tamper("DROP TRIGGER audit_log_no_update",
                    "UPDATE audit_log SET actor = 'x', hash = printf('%064d', 7) WHERE seq = 2")
        out, _ = self.verify_fails()
        self.assertTrue(any(l.startswith("audit log row 2 (") and "hash does not match" in l for l in out), out)
        self.assertTrue(any(l.startswith("audit log row 3 (") and "link to row 2 does not match" in l
                            for l in out), out)

    def test_deleted_audit_rows_are_named_as_a_gap(self):
        self.tamper("DROP TRIGGER audit_log_no_delete",
                    "DELETE FROM audit_log WHERE seq BETWEEN 4 AND 6")
        out, err = self.verify_fails()
        self.assertIn("audit log rows 4-6 are missing: deleted", out)
        self.assertIn("rows 4-6 are missing", err)

    def test_an_answer_changed_directly_names_the_visit(self):
        item, value = self.sql("SELECT item_id, value FROM answer WHERE visit_id = 1 AND na = 0 "
                               "ORDER BY position LIMIT 1")[0]
        # the digest is in the visit's insert entry
        digest_row = self.sql("SELECT max(seq) FROM audit_log WHERE entity = 'visit' "
                              "AND action = 'insert' AND entity_id = 1")[0][0]
        self.tamper("DROP TRIGGER audit_answer_update",
                    "UPDATE answer SET value = '%s' WHERE visit_id = 1 AND item_id = '%s'"
                    % ("x" + value, item))
        out, err = self.verify_fails()
        self.assertIn("visit 1: answers differ from their audited digest (audit log row %d)"
                      % digest_row, out)
        self.assertIn("trigger audit_answer_update is missing", out)

    def test_a_score_section_changed_directly_names_the_visit(self):
        score_row = self.sql("SELECT max(seq) FROM audit_log WHERE entity = 'score' "
                             "AND entity_id = 1")[0][0]
        self.tamper("UPDATE score_section SET score = score + 1 WHERE visit_id = 1 AND position = 1")
        out, err = self.verify_fails()
        self.assertEqual(out, ["score of visit 1: sections_sha256 differs from its last audited "
                               "state (audit log row %d): changed without an audit entry" % score_row])
        self.assertIn("score of visit 1: sections_sha256 differs", err)

    def test_a_score_flag_deleted_or_edited_directly_names_the_visit(self):
        self.tamper("DELETE FROM score_flag WHERE visit_id = 2")
        out, _ = self.verify_fails()
        self.assertEqual(len(out), 1, out)
        self.assertTrue(out[0].startswith("score of visit 2: n_flags, flags_sha256 differs from its "
                                          "last audited state"), out)

    def test_a_score_flag_message_edited_directly_names_the_visit(self):
        self.tamper("UPDATE score_flag SET message = 'tidak ada masalah' WHERE visit_id = 2")
        out, _ = self.verify_fails()
        self.assertEqual(len(out), 1, out)
        self.assertTrue(out[0].startswith("score of visit 2: flags_sha256 differs"), out)

    def test_a_score_added_or_removed_by_another_program_is_named(self):
        self.tamper("DROP TRIGGER audit_score_delete",
                    "DELETE FROM score WHERE visit_id = 2",    # foreign keys off: flags remain
                    "INSERT INTO score SELECT 3, total, maximum, grade, grade_label, valid_until, "
                    "checklist_sha256, script_sha256, scored_at FROM score WHERE visit_id = 1")
        out, _ = self.verify_fails()
        self.assertIn("trigger audit_score_delete is missing", out)
        self.assertTrue(any(l.startswith("score of visit 2 is missing: deleted without an audit "
                                         "entry") for l in out), out)
        self.assertIn("score of visit 3 has no audit entry: it was written with the audit triggers "
                      "dropped or by another program", out)
        self.assertIn("visit 2 has score sections or flags but no score: they were written without "
                      "an audit entry", out)

    def test_a_team_row_changed_or_added_directly_is_named(self):
        visit_row = self.sql("SELECT seq FROM audit_log WHERE entity = 'visit' AND entity_id = 1")[0][0]
        self.tamper("DROP TRIGGER audit_visit_team_update",
                    "UPDATE visit_team SET name = 'Orang Lain' WHERE visit_id = 1 AND position = 0",
                    "INSERT INTO visit_team VALUES (1, 9, 'Tamu', 'Satpol PP', NULL)")
        out, _ = self.verify_fails()
        self.assertIn("visit_team of visit 1 (position 0): name differs from its last audited "
                      "state (audit log row %d): changed without an audit entry" % visit_row, out)
        self.assertIn("visit_team of visit 1 (position 9) has no audit entry: it was written with "
                      "the audit triggers dropped or by another program", out)
        self.assertIn("trigger audit_visit_team_update is missing", out)

    def test_a_team_change_through_pantau_connection_stays_verified(self):
        # with the triggers in place (as pantau's own connection), a later team entry wins
        con = sqlite3.connect(self.db)
        try:
            con.create_function("pt_now", 0, lambda: "2030-01-01T00:00:00Z")
            con.create_function("pt_actor", 0, lambda: "uji")
            con.create_function("pt_audit_hash", 9, lambda *a: "0" * 64)
            con.execute("UPDATE visit_team SET role = 'anggota' WHERE visit_id = 1 AND position = 0")
            con.commit()
        finally:
            con.close()
        rows = self.sql("SELECT entity, action FROM audit_log ORDER BY seq DESC LIMIT 1")
        self.assertEqual(rows, [("visit_team", "update")])
        out, _ = self.verify_fails()
        # only the fake hash is reported: the team row equals its latest (visit_team) entry
        self.assertTrue(all("hash does not match" in l or "link to row" in l for l in out), out)

    def test_a_visit_added_directly_is_named(self):
        self.tamper("INSERT INTO visit SELECT 99, institution_id, checklist_version_id, visit_date, "
                    "visit_type, notes, source, created_at FROM visit WHERE id = 1")
        out, _ = self.verify_fails()
        self.assertIn("visit 99 has no audit entry: it was written with the audit triggers dropped "
                      "or by another program", out)
        self.assertIn("visit 99: its answers have no audited digest: the visit was written with "
                      "the audit triggers dropped", out)

    def test_a_visit_deleted_directly_is_named(self):
        visit_row = self.sql("SELECT seq FROM audit_log WHERE entity = 'visit' AND entity_id = 2")[0][0]
        self.tamper("DROP TRIGGER audit_visit_delete", "DROP TRIGGER audit_visit_team_delete",
                    "DROP TRIGGER audit_answer_delete", "DROP TRIGGER audit_score_delete",
                    "DELETE FROM visit_team WHERE visit_id = 2", "DELETE FROM answer WHERE visit_id = 2",
                    "DELETE FROM score WHERE visit_id = 2", "DELETE FROM visit WHERE id = 2")
        out, _ = self.verify_fails()
        self.assertTrue(any(l.startswith("visit 2 is missing: deleted without an audit entry (last "
                                         "audited in row %d)" % visit_row) for l in out), out)
        self.assertTrue(any(l.startswith("visit_team of visit 2 (position 0) is missing") for l in out), out)
        self.assertTrue(any(l.startswith("visit 2: answers differ from their audited digest (audit "
                                         "log row %d); the visit itself is gone" % visit_row)
                            for l in out), out)

    def test_a_row_deleted_directly_is_named(self):
        self.tamper("DROP TRIGGER audit_visit_team_delete",
                    "DELETE FROM visit_team WHERE visit_id = 1 AND position = 0")
        out, _ = self.verify_fails()
        self.assertTrue(any(l.startswith("visit_team of visit 1 (position 0) is missing: deleted "
                                         "without an audit entry") for l in out), out)


    # ---- users ----

    def as_admin(self, *args, stdin):
        """Runs pantau with --password-stdin (users exist from here on)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU")}
        r = subprocess.run([BIN, "--db", self.db, "--password-stdin", *args], input=stdin,
                           capture_output=True, text=True, cwd=self.tmp, env=env, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def test_users_are_audited_without_their_password_and_a_role_raised_directly_is_named(self):
        self.as_admin("user", "add", "ani", "--role", "admin", "--agency", "Dinas Sosial",
                      stdin="ani-rahasia1\n")
        self.as_admin("--user", "ani", "user", "add", "budi", "--role", "inspector",
                      "--agency", "Dinas Sosial", stdin="ani-rahasia1\nbudi-rahasia1\n")
        self.as_admin("--user", "ani", "user", "disable", "budi", stdin="ani-rahasia1\n")
        rows = self.sql("SELECT actor, action, entity_id, before, after FROM audit_log "
                        "WHERE entity = 'app_user' ORDER BY seq")
        self.assertEqual([(r[0], r[1]) for r in rows],
                         [("local", "insert"), ("ani", "insert"), ("ani", "update")])
        budi = self.sql("SELECT id FROM app_user WHERE name = 'budi'")[0][0]
        self.assertEqual(json.loads(rows[2][3])["disabled"], 0)
        self.assertEqual(json.loads(rows[2][4])["disabled"], 1)
        for r in rows:
            self.assertNotIn("argon2", (r[3] or "") + r[4])
        env = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU")}
        ok = subprocess.run([BIN, "--db", self.db, "--password-stdin", "--user", "ani", "audit",
                             "verify"], input="ani-rahasia1\n", capture_output=True, text=True,
                            cwd=self.tmp, env=env, timeout=300)
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        # someone with the file makes budi an administrator behind pantau's back
        self.tamper("DROP TRIGGER audit_app_user_update",
                    "UPDATE app_user SET role = 'admin', disabled = 0 WHERE id = %d" % budi)
        r = subprocess.run([BIN, "--db", self.db, "--password-stdin", "--user", "ani", "audit",
                            "verify"], input="ani-rahasia1\n", capture_output=True, text=True,
                           cwd=self.tmp, env=env, timeout=300)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("trigger audit_app_user_update is missing", r.stdout)
        self.assertIn("user %d: role, disabled differs from its last audited state" % budi,
                      r.stdout)


if __name__ == "__main__":
    main()
