"""pantau score override|show, review ..., decision ...: overrides, reviews and board decisions.

The tiny checklist's visits: 1 (UJI-001, accreditation) scores 65, grade B (S1 45/60, S2 20/40);
2 (UJI-002, routine) scores 70, grade C. Users: ani (admin), sari (assessor), budi
(inspector), dewi, rina, tono (board, BALKS), eka (officer, Dinas Sosial), dedi (officer,
Satpol PP).
"""
import datetime
import os
import shutil
import sqlite3
import subprocess

import clitest

USERS = [("sari", "assessor", "BALKS"), ("budi", "inspector", "Dinas Sosial"),
         ("dewi", "board", "BALKS"), ("rina", "board", "BALKS"), ("tono", "board", "BALKS"),
         ("eka", "officer", "Dinas Sosial"), ("dedi", "officer", "Satpol PP")]
REASON = "Catatan kasus lengkap diperiksa langsung di lokasi"


def password(user):
    return user + "-rahasia1"


def years_from_today(n):
    today = datetime.datetime.now(datetime.timezone.utc).date()
    try:
        return today.replace(year=today.year + n).isoformat()
    except ValueError:  # 29 February
        return today.replace(year=today.year + n, day=28).isoformat()


class ReviewTestCase(clitest.CliTestCase):
    """The two scored visits and the users; `as_` runs a command as a user."""

    def setUp(self):
        super().setUp()
        self.setup_visits()
        self.ok("score", "1")
        self.ok("score", "2")
        self.ok("--password-stdin", "user", "add", "ani", "--role", "admin", "--agency",
                "Dinas Sosial", stdin=password("ani") + "\n")
        for name, role, agency in USERS:
            self.ok("--user", "ani", "--password-stdin", "user", "add", name, "--role", role,
                    "--agency", agency, stdin="%s\n%s\n" % (password("ani"), password(name)))

    def run_pantau(self, *args, stdin="", **kw):
        """As clitest's, with a text for stdin."""
        cmd = [clitest.BIN, "--db", kw.pop("db_path", self.db), "--scripts", clitest.SCRIPTS]
        cmd += [str(a) for a in args]
        environ = {k: v for k, v in os.environ.items()
                   if k not in ("PANTAU_DB", "PANTAU_SCRIPTS", "PANTAU_CHECKLISTS", "PANTAU_TOKEN")}
        return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=self.tmp, env=environ, timeout=300, encoding="utf-8",
                              errors="replace")

    def as_(self, user, *args, **kw):
        """Runs pantau as user (exit 0 and silent stderr asserted by ok)."""
        return self.ok("--user", user, "--password-stdin", *args, stdin=password(user) + "\n", **kw)

    def as_fails(self, user, *args, code=1, **kw):
        return self.fails("--user", user, "--password-stdin", *args, code=code,
                          stdin=password(user) + "\n", **kw)

    def as_json(self, user, *args):
        import json
        return json.loads(self.as_(user, *args, "--json").stdout)

    def open_review_with_conflict(self):
        """dewi opens review 1 of visit 1 (panel dewi, rina, tono; quorum 2) and declares a
        conflict; rina and tono declare none."""
        out = self.as_("dewi", "review", "open", "1", "--panel", "dewi, rina,tono", "--quorum", "2",
                       "--reason", "Penilaian akreditasi").stdout
        self.assertEqual(out, "opened review 1 of visit 1 (panel dewi, rina, tono; quorum 2)\n")
        self.as_("dewi", "review", "declare", "1", "--conflict", "saya pengurus yayasan ini")
        self.as_("rina", "review", "declare", "1", "--no-conflict")
        self.as_("tono", "review", "declare", "1", "--no-conflict")

    def decide_b(self):
        """Visit 1 decided B by rina and tono: decision 1."""
        self.open_review_with_conflict()
        self.as_("rina", "review", "vote", "1", "--grade", "B")
        self.as_("tono", "review", "vote", "1", "--grade", "B")
        self.as_("tono", "review", "decide", "1")

    def assert_audit_intact(self):
        out = self.as_("ani", "audit", "verify").stdout
        self.assertTrue(out.startswith("audit chain intact"), out)


class Help(clitest.CliTestCase):
    def test_every_subcommand_explains_itself(self):
        for args in (["review", "open"], ["review", "declare"], ["review", "vote"],
                     ["review", "decide"], ["review", "return"], ["review", "appeal"],
                     ["review", "correct"], ["review", "withdraw"], ["review", "list"],
                     ["review", "show"],
                     ["decision", "list"], ["decision", "show"], ["decision", "verify"],
                     ["score", "override"], ["score", "show"]):
            out = self.ok(*args, "--help").stdout
            self.assertTrue(out.startswith("Usage: pantau "), out)
            self.assertIn("pantau " + " ".join(args) + " ", out)
        self.assertIn("appeal DECISION", self.ok("review", "--help").stdout)
        self.assertIn("withdraw REVIEW --reason TEXT", self.ok("review", "--help").stdout)
        self.assertIn("verify DECISION", self.ok("decision", "--help").stdout)

    def test_usage_errors_name_the_help(self):
        self.fails("review", "open", "1", code=2)
        self.fails("review", "vote", "1", "--grade", "A", "--accept", code=2)
        self.fails("review", "declare", "1", code=2)
        self.assertIn("needs --reason", self.fails("review", "withdraw", "2", code=2))
        self.fails("score", "override", "1", "--grade", "A", code=2)
        self.fails("score", "override", "1", "--section", "S1", "--reason", REASON, code=2)
        self.fails("decision", "verify", "x", code=2)


class Override(ReviewTestCase):
    def test_an_override_is_refused_to_an_inspector_a_board_member_and_without_a_rationale(self):
        before = self.snapshot()
        err = self.as_fails("budi", "score", "override", "1", "--section", "S2", "--score", "18",
                            "--reason", REASON)
        self.assertIn("user 'budi' (inspector, Dinas Sosial) may not override computed scores", err)
        err = self.as_fails("dewi", "score", "override", "1", "--grade", "A", "--reason", REASON)
        self.assertIn("user 'dewi' (board member, BALKS) may not override computed scores", err)
        err = self.as_fails("sari", "score", "override", "1", "--grade", "A", "--reason", "singkat")
        self.assertIn("needs a written rationale of at least 20 characters", err)
        err = self.as_fails("sari", "score", "override", "1", "--section", "S2", "--score", "41",
                            "--reason", REASON)
        self.assertIn("the score 41 is above the section's maximum 40", err)
        self.assertEqual(self.snapshot(), before)

    def test_an_override_needs_a_scored_visit(self):
        self.as_("dewi", "review", "return", "2", "--reason", "Foto bukti tidak terbaca")
        err = self.as_fails("sari", "score", "override", "2", "--grade", "A", "--reason", REASON)
        self.assertEqual(err, "pantau: visit 2 is returned: overriding a computed score needs it "
                              "to be scored")

    def test_score_show_puts_computed_and_overridden_side_by_side(self):
        out = self.as_("sari", "score", "override", "1", "--section", "S2", "--score", "18",
                       "--reason", REASON).stdout
        self.assertEqual(out, "visit 1: section S2 overridden: computed 20, now 18 (override 1)\n")
        out = self.as_("sari", "score", "override", "1", "--grade", "A", "--reason", REASON).stdout
        self.assertEqual(out, "visit 1: grade overridden: computed B, now A (override 2)\n")
        out = self.as_("budi", "score", "show", "1").stdout
        self.assertIn("visit 1 (scored): total 65/100 (computed)\n", out)
        self.assertIn("  grade computed:  B (Baik)\n", out)
        self.assertIn("  grade in force:  A (Sangat Baik), overridden by sari at ", out)
        self.assertIn("S1             45        45   60\n", out)
        self.assertIn("S2             20        18   40  1 by sari\n", out)
        self.assertIn("overrides (2 made, 2 in force)", out)
        doc = self.as_json("budi", "score", "show", "1")
        self.assertEqual(list(doc), ["visit_id", "state", "score", "grade", "sections", "overrides"])
        self.assertEqual(doc["score"]["grade"], "B")
        self.assertEqual(doc["score"]["sections"][1]["score"], 20)
        self.assertEqual({k: doc["grade"][k] for k in ("computed", "effective", "effective_label")},
                         {"computed": "B", "effective": "A", "effective_label": "Sangat Baik"})
        s2 = doc["sections"][1]
        self.assertEqual((s2["section_id"], s2["computed"], s2["effective"], s2["max"]),
                         ("S2", 20, 18, 40))
        self.assertEqual(list(s2["override"]), ["id", "target", "section_id", "computed",
                                                "overridden", "rationale", "by", "at"])
        self.assertIsNone(doc["sections"][0]["override"])
        self.assertEqual(len(doc["overrides"]), 2)
        # the stored score itself is unchanged, and re-scoring keeps the overrides
        self.assertEqual(self.sql("SELECT total, grade FROM score WHERE visit_id = 1"), [(65.0, "B")])
        self.as_("sari", "score", "1")
        self.assertEqual(self.as_json("budi", "score", "show", "1")["grade"]["effective"], "A")
        # visit show shows them too, beside the computed score
        shown = self.as_json("budi", "visit", "show", "1")
        self.assertEqual(shown["score"]["grade"], "B")
        self.assertEqual([(o["target"], o["section_id"], o["computed"], o["overridden"], o["by"])
                          for o in shown["overrides"]],
                         [("section", "S2", "20", "18", "sari"), ("grade", None, "B", "A", "sari")])
        out = self.as_("budi", "visit", "show", "1").stdout
        self.assertIn("overrides in force", out)
        self.assertIn("  section S2: computed 20, overridden 18 (sari, ", out)
        self.assertIn("  grade: computed B, overridden A (sari, ", out)
        self.assert_audit_intact()


class Review(ReviewTestCase):
    def test_a_panel_of_three_with_a_conflict_decides_with_a_quorum_of_two(self):
        self.open_review_with_conflict()
        err = self.as_fails("dewi", "review", "vote", "1", "--grade", "A")
        self.assertEqual(err, "pantau: review 1: user 'dewi' declared a conflict of interest: a "
                              "conflicted member may not vote")
        self.assertEqual(self.as_("rina", "review", "vote", "1", "--grade", "A").stdout,
                         "review 1: voted A\n")
        err = self.as_fails("rina", "review", "decide", "1")
        self.assertIn("the quorum is not reached: 1 vote cast, the quorum is 2", err)
        self.as_("tono", "review", "vote", "1", "--grade", "A")
        out = self.as_("tono", "review", "decide", "1", "--conditions", "Lengkapi catatan kasus").stdout
        until = years_from_today(5)
        self.assertTrue(out.startswith("review 1 decided: decision 1, A (Sangat Baik), valid %s to %s\n"
                                       % (years_from_today(0), until)), out)
        doc = self.as_json("budi", "decision", "show", "1")
        self.assertEqual((doc["outcome"], doc["outcome_label"], doc["valid_until"], doc["kind"],
                          doc["votes_cast"], doc["panel_size"], doc["quorum"], doc["conditions"]),
                         ("A", "Sangat Baik", until, "accreditation", 2, 3, 2, "Lengkapi catatan kasus"))
        self.assertEqual(doc["votes"], [{"user": "dewi", "conflict": 1, "vote": None},
                                        {"user": "rina", "conflict": 0, "vote": "A"},
                                        {"user": "tono", "conflict": 0, "vote": "A"}])
        self.assertEqual(list(doc["evidence"]), ["visit", "checklist", "script", "answers", "score",
                                                 "overrides", "review", "panel"])
        self.assertEqual(doc["evidence"]["panel"][0]["declaration"], "saya pengurus yayasan ini")
        review = self.as_json("budi", "review", "show", "1")
        self.assertEqual((review["status"], review["decision_id"], review["votes_cast"],
                          review["panel"][0]["conflict"]), ("decided", 1, 2, True))
        out = self.as_("budi", "decision", "verify", "1").stdout
        self.assertRegex(out, r"^decision 1: evidence verified \(sha256 [0-9a-f]{64}\)\n$")
        history = self.as_("budi", "visit", "history", "1").stdout
        self.assertIn("under_review  decided", history)
        self.assertEqual(self.as_json("budi", "decision", "list", "--institution", "UJI-001")["items"][0]["id"], 1)
        self.assertEqual(self.as_json("budi", "decision", "list", "--institution", "UJI-002")["items"], [])
        self.assert_audit_intact()

    def test_a_tie_is_refused_and_changes_nothing(self):
        self.open_review_with_conflict()
        self.as_("rina", "review", "vote", "1", "--grade", "A")
        self.as_("tono", "review", "vote", "1", "--grade", "B")
        before = self.snapshot()
        err = self.as_fails("tono", "review", "decide", "1")
        self.assertIn("no outcome has a strict majority of the 2 votes cast (A 1, B 1)", err)
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.as_json("budi", "review", "list", "--open")["items"][0]["status"], "open")

    def test_an_inspector_cannot_decide_and_a_board_member_cannot_import(self):
        self.open_review_with_conflict()
        self.as_("rina", "review", "vote", "1", "--grade", "A")
        self.as_("tono", "review", "vote", "1", "--grade", "A")
        err = self.as_fails("budi", "review", "decide", "1")
        self.assertIn("user 'budi' (inspector, Dinas Sosial) may not decide accreditation reviews", err)
        err = self.as_fails("tono", "visit", "import", clitest.data("visit-b.csv"))
        self.assertIn("may not import visits", err)
        self.assertEqual(self.count("decision"), 0)

    def test_an_appeal_supersedes_the_first_decision_once(self):
        self.decide_b()
        out = self.as_("dewi", "review", "appeal", "1", "--reason", "Yayasan mengajukan banding",
                       "--panel", "rina,tono").stdout
        self.assertEqual(out, "opened appeal 2 of decision 1 (panel rina, tono; quorum 2)\n")
        for user in ("rina", "tono"):
            self.as_(user, "review", "declare", "2", "--no-conflict")
            self.as_(user, "review", "vote", "2", "--grade", "A")
        out = self.as_("rina", "review", "decide", "2").stdout
        self.assertIn("decision 2, A (Sangat Baik)", out)
        self.assertIn("supersedes decision 1", out)
        items = self.as_json("budi", "decision", "list")["items"]
        self.assertEqual([(d["id"], d["supersedes"], d["superseded_by"], d["review_kind"]) for d in items],
                         [(2, 1, None, "appeal"), (1, None, 2, "review")])
        review = self.as_json("budi", "review", "show", "2")
        self.assertEqual((review["kind"], review["reopens"], review["visit_id"]), ("appeal", 1, 1))
        before = self.snapshot()
        err = self.as_fails("dewi", "review", "appeal", "1", "--reason", "Banding kedua",
                            "--panel", "rina,tono")
        self.assertEqual(err, "pantau: decision 1 is no longer in force for LKSA Uji Satu (UJI-001): "
                              "decision 2 is; appeal that one")
        self.assertEqual(self.snapshot(), before)
        self.as_("budi", "decision", "verify", "1")
        self.as_("budi", "decision", "verify", "2")
        self.assert_audit_intact()

    def test_return_sends_the_visit_back_with_its_reason_in_the_history(self):
        self.as_("eka", "review", "open", "2", "--panel", "eka")
        err = self.as_fails("eka", "review", "return", "2", code=2)
        self.assertIn("needs --reason", err)
        out = self.as_("eka", "review", "return", "2", "--reason", "Foto bukti tidak terbaca").stdout
        self.assertEqual(out, "visit 2 returned to its team\n")
        history = self.as_json("budi", "visit", "history", "2")
        self.assertIn("Foto bukti tidak terbaca", str(history))
        review = self.as_json("budi", "review", "show", "1")
        self.assertEqual((review["status"], review["close_reason"]), ("returned", "Foto bukti tidak terbaca"))
        self.assertEqual(self.sql("SELECT count(*) FROM event WHERE type = 'visit.returned'"), [(1,)])
        self.assert_audit_intact()

    def test_a_declared_conflict_is_final_and_a_later_conflict_clears_the_vote(self):
        self.open_review_with_conflict()
        before = self.snapshot()
        err = self.as_fails("dewi", "review", "declare", "1", "--no-conflict")
        self.assertEqual(err, "pantau: review 1: user 'dewi' declared a conflict of interest, "
                              "which is final")
        self.assertEqual(self.snapshot(), before)
        self.as_fails("dewi", "review", "vote", "1", "--grade", "A")
        self.as_("rina", "review", "vote", "1", "--grade", "A")
        out = self.as_("rina", "review", "declare", "1", "--conflict", "ternyata kerabat pengurus").stdout
        self.assertEqual(out, "review 1: conflict of interest declared (you will not vote)\n")
        rina = self.as_json("budi", "review", "show", "1")["panel"][1]
        self.assertEqual((rina["user"], rina["conflict"], rina["vote"], rina["voted_at"]),
                         ("rina", True, None, None))
        self.as_("tono", "review", "vote", "1", "--grade", "A")
        err = self.as_fails("tono", "review", "decide", "1")
        self.assertIn("the quorum is not reached: 1 vote cast, the quorum is 2", err)
        self.assert_audit_intact()

    def test_only_the_accreditation_in_force_is_appealed_or_corrected(self):
        self.decide_b()   # decision 1 of visit 1
        with open(clitest.data("visit-b.csv"), encoding="utf-8") as f:
            later = self.write("later.csv", f.read().replace("#date;2026-03-14", "#date;2026-06-10"))
        self.ok("--user", "budi", "--password-stdin", "visit", "import", later,
                stdin=password("budi") + "\n")
        self.as_("budi", "score", "3")
        self.as_("dewi", "review", "open", "3", "--panel", "rina,tono")
        for user in ("rina", "tono"):
            self.as_(user, "review", "declare", "2", "--no-conflict")
            self.as_(user, "review", "vote", "2", "--grade", "C")
        self.assertIn("decision 2, C", self.as_("rina", "review", "decide", "2").stdout)
        before = self.snapshot()
        for verb in ("appeal", "correct"):
            err = self.as_fails("dewi", "review", verb, "1", "--reason", "Yayasan keberatan",
                                "--panel", "rina,tono")
            self.assertEqual(err, "pantau: decision 1 is no longer in force for LKSA Uji Satu "
                                  "(UJI-001): decision 2 is; %s that one" % verb)
        self.assertEqual(self.snapshot(), before)
        self.as_("dewi", "review", "appeal", "2", "--reason", "Yayasan keberatan", "--panel", "rina,tono")

    def test_an_appeal_that_cannot_reach_its_quorum_is_withdrawn_and_the_visit_stays_decided(self):
        self.decide_b()
        err = self.as_fails("dewi", "review", "appeal", "1", "--reason", "Yayasan keberatan",
                            "--panel", "rina,tono", "--quorum", "3")
        self.assertIn("a quorum of 3 for a panel of 2: the quorum is 1 to 2", err)
        self.as_("dewi", "review", "appeal", "1", "--reason", "Yayasan keberatan", "--panel",
                 "rina,tono", "--quorum", "2")
        self.as_("rina", "review", "declare", "2", "--conflict", "kerabat pengurus yayasan")
        err = self.as_fails("dewi", "review", "appeal", "1", "--reason", "Banding lain",
                            "--panel", "dewi,tono")
        self.assertEqual(err, "pantau: visit 1 already has an open appeal (review 2): decide it or "
                              "withdraw it first (pantau review withdraw 2 --reason TEXT)")
        before = self.snapshot()
        err = self.as_fails("dewi", "review", "withdraw", "1", "--reason", "Salah buka")
        self.assertIn("review 1 is a first review, not an appeal or a correction: it is not "
                      "withdrawn, its visit is returned to the team (pantau review return 1 "
                      "--reason TEXT)", err)
        err = self.as_fails("eka", "review", "withdraw", "2", "--reason", "Kuorum tidak tercapai")
        self.assertEqual(err, "pantau: user 'eka' (agency officer, Dinas Sosial) may not decide "
                              "accreditation reviews (needs: board member)")
        self.assertEqual(self.snapshot(), before)
        history = self.as_("budi", "visit", "history", "1").stdout
        out = self.as_("dewi", "review", "withdraw", "2", "--reason", "Kuorum tidak tercapai").stdout
        self.assertEqual(out, "review 2 withdrawn\n")
        review = self.as_json("budi", "review", "show", "2")
        self.assertEqual((review["status"], review["closed_by"], review["close_reason"],
                          review["decision_id"]), ("withdrawn", "dewi", "Kuorum tidak tercapai", None))
        self.assertIn("  withdrawn:    Kuorum tidak tercapai\n", self.as_("budi", "review", "show", "2").stdout)
        self.assertEqual(self.as_("budi", "visit", "history", "1").stdout, history)
        self.assertEqual(self.as_json("budi", "visit", "show", "1")["state"], "decided")
        self.assertEqual(self.sql("SELECT count(*) FROM event WHERE type = 'review.withdrawn' AND "
                                  "subject = 'Banding ditarik: LKSA Uji Satu (UJI-001), kunjungan "
                                  "akreditasi 2026-03-14'"), [(1,)])
        err = self.as_fails("dewi", "review", "withdraw", "2", "--reason", "Lagi")
        self.assertEqual(err, "pantau: review 2 is withdrawn: withdrawing it needs an open review")
        self.as_("dewi", "review", "appeal", "1", "--reason", "Banding lain", "--panel", "dewi,tono")
        self.assert_audit_intact()

    def test_a_dinas_sosial_officer_reviews_monitoring_visits_but_not_accreditation_ones(self):
        before = self.snapshot()
        for args in (["review", "open", "1", "--panel", "dewi"],
                     ["review", "return", "1", "--reason", "Jawaban belum lengkap"]):
            err = self.as_fails("eka", *args)
            self.assertEqual(err, "pantau: user 'eka' (agency officer, Dinas Sosial) may not decide "
                                  "accreditation reviews (needs: board member)")
        err = self.as_fails("eka", "review", "open", "2", "--panel", "eka,dedi")
        self.assertEqual(err, "pantau: panel member 'dedi' (agency officer, Satpol PP) may not decide "
                              "monitoring reviews: the panel of a monitoring visit is of board "
                              "members and Dinas Sosial officers")
        self.assertEqual(self.snapshot(), before)
        # the monitoring visit 2 is theirs: decided, appealed, the appeal withdrawn
        self.as_("eka", "review", "open", "2", "--panel", "eka")
        self.as_("eka", "review", "declare", "1", "--no-conflict")
        self.as_("eka", "review", "vote", "1", "--accept")
        self.as_("eka", "review", "decide", "1")
        self.as_("eka", "review", "appeal", "1", "--reason", "Lembaga keberatan", "--panel", "eka")
        self.as_("eka", "review", "withdraw", "2", "--reason", "Lembaga mencabut keberatan")
        self.assertEqual(self.as_json("budi", "review", "show", "2")["status"], "withdrawn")
        self.assert_audit_intact()

    def test_decision_verify_names_what_changed_in_a_tampered_copy(self):
        self.decide_b()
        copy = os.path.join(self.tmp, "copy.db")
        shutil.copy(self.db, copy)
        con = sqlite3.connect(copy)
        # whoever can write the file can drop the lock (and the audit trigger, whose functions
        # exist only on a pantau connection); verify still sees it
        con.executescript("DROP TRIGGER score_locked_update; DROP TRIGGER audit_score_update;"
                          "UPDATE score SET grade = 'A' WHERE visit_id = 1;")
        con.close()
        r = self.run_pantau("--user", "budi", "--password-stdin", "decision", "verify", "1",
                            stdin=password("budi") + "\n", db_path=copy)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr, "pantau: decision 1: the evidence differs from the database "
                                   "now: score.grade\n")
        self.assertIn("stored evidence sha256", r.stdout)
        self.as_("budi", "decision", "verify", "1")   # the original is intact

    def test_lists_and_shows_print_one_json_document(self):
        self.decide_b()
        items = self.as_json("budi", "review", "list", "--visit", "1")["items"]
        self.assertEqual(list(items[0]), ["id", "visit_id", "institution_id", "institution_name",
                                          "visit_date", "visit_type", "kind", "reopens", "status",
                                          "quorum", "opened_by", "opened_at", "reason", "closed_by",
                                          "closed_at", "close_reason", "panel_size", "n_declared",
                                          "votes_cast", "decision_id"])
        self.assertEqual(self.as_json("budi", "review", "list", "--open")["items"], [])
        doc = self.as_json("budi", "decision", "verify", "1")
        self.assertEqual((doc["matches"], doc["differences"]), (True, []))
        out = self.as_("budi", "review", "show", "1").stdout
        self.assertIn("dewi  board  conflict", out)
        self.assertIn("decision 1: B (Baik)", out)


if __name__ == "__main__":
    clitest.main()
