"""Draft and joint visits from the command line: visit new, assign, answer, answers, reconcile,
submit. A team of two agencies and an assessor records its own answers, a disagreement blocks
submitting until it is reconciled, the agreed answers are scored, the audit log stays intact,
and every refusal (role, team, agency, state, bad input) leaves the database as it was."""
import json
import os
import subprocess

from clitest import BIN, CHECKLIST, INSTITUTIONS, SCRIPTS, CliTestCase, main

# name: (role, agency)
USERS = {
    "ani": ("admin", "Dinas Sosial"),
    "budi": ("inspector", "Dinas Sosial"),
    "dedi": ("officer", "Satpol PP"),
    "sari": ("assessor", "BALKS"),
    "dewi": ("board", "BALKS"),
    "eka": ("inspector", "Dinas Sosial"),
}


def password(name):
    return name + "-rahasia1"


class TeamTestCase(CliTestCase):
    """A database with the tiny checklist, the institutions and six users, each logged in."""

    def pantau(self, *args, stdin="", user=None):
        cmd = [BIN, "--db", self.db, "--scripts", SCRIPTS]
        if user:
            cmd += ["--token", self.tokens[user]]
        cmd += [str(a) for a in args]
        environ = {k: v for k, v in os.environ.items()
                   if k not in ("PANTAU_DB", "PANTAU_SCRIPTS", "PANTAU_CHECKLISTS", "PANTAU_TOKEN",
                                "PANTAU_CONFIG")}
        return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=self.tmp, env=environ, timeout=300, encoding="utf-8")

    def as_ok(self, user, *args):
        r = self.pantau(*args, user=user)
        self.assertEqual(r.returncode, 0, "%s %s: %s" % (user, args, r.stderr))
        self.assertEqual(r.stderr, "")
        return r.stdout

    def as_fails(self, user, *args, code=1):
        """Runs as user, asserting the exit code, ONE error line, and no change to the database."""
        before = self.snapshot()
        r = self.pantau(*args, user=user)
        self.assertEqual(r.returncode, code, "%s %s: %r %r" % (user, args, r.stdout, r.stderr))
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("pantau: "), lines[0])
        self.assertEqual(self.snapshot(), before, "a refused command changed the database")
        return lines[0]

    def as_json(self, user, *args):
        return json.loads(self.as_ok(user, *args, "--json"))

    def setUp(self):
        super().setUp()
        self.init_db()
        self.load_checklist()
        self.import_institutions()
        self.tokens = {}
        for name, (role, agency) in USERS.items():
            admin = [] if name == "ani" else ["--user", "ani"]
            stdin = ("" if name == "ani" else password("ani") + "\n") + password(name) + "\n"
            r = self.pantau(*admin, "--password-stdin", "user", "add", name, "--role", role,
                            "--agency", agency, stdin=stdin)
            self.assertEqual(r.returncode, 0, r.stderr)
        for name in USERS:
            r = self.pantau("--password-stdin", "login", "--user", name, stdin=password(name) + "\n")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.tokens[name] = r.stdout.strip()

    def new_draft(self, *members):
        members = members or ("budi:ketua", "dedi", "sari:anggota")
        args = ["visit", "new", "--institution", "UJI-001", "--checklist", "uji-cli",
                "--date", "2026-03-14", "--type", "gabungan", "--notes", "Pemantauan bersama"]
        for m in members:
            args += ["--member", m]
        out = self.as_ok("budi", *args)
        self.assertRegex(out, r"^visit \d+ created as a draft\n$")
        return int(out.split()[1])


class JointVisitTest(TeamTestCase):

    def test_a_joint_visit_from_draft_to_score_with_a_reconciled_disagreement(self):
        v = self.new_draft()
        self.assertEqual(self.as_ok("budi", "visit", "assign", v, "--agency", "Satpol PP",
                                    "--section", "S2"),
                         "assigned 3 items of visit %d to Satpol PP\n" % v)
        # budi may not record Satpol PP's item; nothing of the call is recorded
        err = self.as_fails("budi", "visit", "answer", v, "S1.01=ya", "S2.01=4")
        self.assertEqual(err, "pantau: visit %d: item S2.01 is assigned to Satpol PP: user 'budi' "
                              "(Dinas Sosial) may record only the items of Dinas Sosial and those "
                              "assigned to no one" % v)
        self.assertEqual(self.as_ok("budi", "visit", "answer", v, "S1.01=ya", "S1.02=3",
                                    "--note", "S1.01=dokumen ada"),
                         "recorded 2 answers of budi to visit %d\n" % v)
        self.as_ok("dedi", "visit", "answer", v, "S2.01=4", "S2.02=Lengkap", "S2.03=Pengasuh ramah")
        self.as_ok("sari", "visit", "answer", v, "S1.01=tidak", "--na", "S1.02")

        # two disagreements, shown member by member
        out = self.as_ok("budi", "visit", "answers", v)
        self.assertIn("visit %d (draft): 5 items, 2 disagreements, 2 unreconciled" % v, out)
        rows = [line.split() for line in out.splitlines()]
        self.assertIn(["S1.01", "-", "budi", "(Dinas", "Sosial)", "ya", "-", "DISAGREE"], rows)
        self.assertIn(["sari", "(BALKS)", "tidak"], rows)
        self.assertIn(["S2.02", "Satpol", "PP", "dedi", "(Satpol", "PP)", "lengkap", "lengkap", "agreed"], rows)
        doc = self.as_json("budi", "visit", "answers", v)
        self.assertEqual(doc["state"], "draft")
        self.assertEqual(doc["unreconciled"], ["S1.01", "S1.02"])
        self.assertEqual(doc["n_disagreements"], 2)
        s101 = doc["items"][0]
        self.assertEqual(s101["item_id"], "S1.01")
        self.assertEqual([(m["user"], m["agency"], m["value"], m["na"]) for m in s101["members"]],
                         [("budi", "Dinas Sosial", "ya", False), ("sari", "BALKS", "tidak", False)])
        self.assertEqual(s101["members"][0]["note"], "dokumen ada")
        self.assertTrue(s101["disagreement"] and s101["unreconciled"])
        self.assertIsNone(s101["agreed"])
        self.assertEqual(doc["items"][1]["members"][1]["value"], None)
        self.assertTrue(doc["items"][1]["members"][1]["na"])
        self.assertEqual(doc["items"][2]["assigned_agency"], "Satpol PP")
        self.assertEqual(doc["items"][2]["agreed"], {"value": "4", "na": False})

        err = self.as_fails("budi", "visit", "submit", v)
        self.assertEqual(err, "pantau: visit %d cannot be submitted: the members disagree on 2 "
                              "items with no reconciliation: S1.01, S1.02 (pantau visit reconcile)" % v)
        self.as_fails("budi", "visit", "reconcile", v, "S1.01", "ya", code=2)
        self.as_fails("budi", "visit", "reconcile", v, "S2.01", "4", "--reason", "sama")
        self.assertEqual(self.as_ok("sari", "visit", "reconcile", v, "S1.01", "ya", "--reason",
                                    "kebijakan ditemukan di kantor yayasan"),
                         "reconciled item S1.01 of visit %d: ya\n" % v)
        self.as_ok("sari", "visit", "reconcile", v, "S1.02", "2", "--reason", "dilihat bersama")
        out = self.as_ok("budi", "visit", "answers", v)
        self.assertIn("0 unreconciled", out)
        self.assertIn("reconciliations", out)
        self.assertIn("kebijakan ditemukan di kantor yayasan", out)

        self.assertEqual(self.as_ok("budi", "visit", "submit", v, "--reason", "lengkap"),
                         "visit %d submitted with 5 answers (run 'pantau score %d')\n" % (v, v))
        shown = self.as_json("budi", "visit", "show", v)
        self.assertEqual(shown["state"], "submitted")
        self.assertEqual([(a["item_id"], a["value"], a["na"]) for a in shown["answers"]],
                         [("S1.01", "ya", False), ("S1.02", "2", False), ("S2.01", "4", False),
                          ("S2.02", "lengkap", False), ("S2.03", "Pengasuh ramah", False)])
        self.assertEqual(shown["answers"][0]["note"], "dokumen ada")
        self.assertEqual(self.count("event", "type = 'visit.submitted' AND visit_id = ?", (v,)), 1)

        # the agreed answers are what is scored
        score = self.as_json("budi", "score", v)
        self.assertEqual(score["total"], 85)
        self.assertEqual(self.as_json("budi", "visit", "show", v)["state"], "scored")
        self.as_fails("dedi", "visit", "answer", v, "S2.01=5")
        self.assertIn("audit chain intact", self.as_ok("ani", "audit", "verify"))
        listed = self.as_json("budi", "visit", "list", "--state", "scored")["items"]
        self.assertEqual([x["id"] for x in listed], [v])

    def test_a_board_member_and_a_user_off_the_team_cannot_record_answers(self):
        v = self.new_draft("budi", "dedi")
        err = self.as_fails("dewi", "visit", "answer", v, "S1.01=ya")
        self.assertEqual(err, "pantau: user 'dewi' (board member, BALKS) may not record answers of "
                              "visits (needs: inspector or assessor or agency officer)")
        err = self.as_fails("eka", "visit", "answer", v, "S1.01=ya")
        self.assertEqual(err, "pantau: user 'eka' is not on the team of visit %d (budi, dedi): "
                              "recording answers is for its team only" % v)
        self.as_fails("eka", "visit", "assign", v, "--agency", "Satpol PP", "--item", "S1.01")
        self.as_fails("eka", "visit", "submit", v)
        self.as_fails("dewi", "visit", "new", "--institution", "UJI-001", "--checklist", "uji-cli",
                      "--date", "2026-03-14", "--type", "routine", "--member", "dewi")

    def test_answers_are_checked_like_an_import_and_refused_whole(self):
        v = self.new_draft()
        err = self.as_fails("budi", "visit", "answer", v, "S1.01=ya", "S1.02=9")
        self.assertEqual(err, "pantau: visit %d: item S1.02: scale level must be 1..3, got '9'" % v)
        err = self.as_fails("budi", "visit", "answer", v, "--na", "S1.01")
        self.assertIn("item S1.01: N/A is not allowed for this item", err)
        err = self.as_fails("budi", "visit", "answer", v, "S9.99=ya")
        self.assertIn("item S9.99 is not in checklist uji-cli@1.0", err)
        self.as_fails("budi", "visit", "answer", v, "S1.01", code=2)
        self.as_fails("budi", "visit", "answer", v, code=2)
        self.as_fails("budi", "visit", "answer", v, "S1.01=ya", "--note", "S2.01=x", code=2)
        self.as_fails("budi", "visit", "answer", "x", "S1.01=ya", code=2)
        self.as_fails("budi", "visit", "answer", 99, "S1.01=ya")
        self.assertEqual(self.count("member_answer"), 0)

    def test_new_refuses_a_team_that_is_not_made_of_enabled_users(self):
        base = ["visit", "new", "--institution", "UJI-001", "--checklist", "uji-cli@1.0",
                "--date", "2026-03-14", "--type", "routine"]
        err = self.as_fails("budi", *base, "--member", "budi", "--member", "tono")
        self.assertEqual(err, "pantau: team member 'tono' is not a pantau user (pantau user add)")
        err = self.as_fails("budi", *base, "--member", "budi:bos")
        self.assertIn("role must be ketua or anggota, got 'bos'", err)
        self.as_fails("budi", *base, code=2)
        err = self.as_fails("budi", "visit", "new", "--institution", "UJI-404", "--checklist",
                            "uji-cli", "--date", "2026-03-14", "--type", "routine", "--member", "budi")
        self.assertIn("institution 'UJI-404' is not registered", err)
        self.assertEqual(self.count("visit"), 0)

    def test_assign_refuses_unknown_items_and_agencies_not_on_the_team(self):
        v = self.new_draft()
        err = self.as_fails("budi", "visit", "assign", v, "--agency", "Satpol PP", "--item", "S1.01",
                            "--item", "S7.01")
        self.assertIn("item S7.01 is not in checklist uji-cli@1.0", err)
        err = self.as_fails("budi", "visit", "assign", v, "--agency", "DP3A", "--item", "S1.01")
        self.assertIn("no member of its team is from 'DP3A'", err)
        self.as_fails("budi", "visit", "assign", v, "--agency", "DP3A", code=2)

    def test_assign_prints_the_agency_as_stored_and_counts_only_the_items_it_changes(self):
        v = self.new_draft()
        self.assertEqual(self.as_ok("budi", "visit", "assign", v, "--agency", "satpol pp",
                                    "--section", "S2"),
                         "assigned 3 items of visit %d to Satpol PP\n" % v)
        self.assertEqual(self.as_ok("budi", "visit", "assign", v, "--agency", "SATPOL PP",
                                    "--section", "S2", "--item", "S1.02"),
                         "assigned 1 item of visit %d to Satpol PP (3 were assigned to it already)\n" % v)
        self.assertEqual(self.as_ok("budi", "visit", "assign", v, "--agency", "Satpol PP",
                                    "--item", "S2.01"),
                         "assigned 0 items of visit %d to Satpol PP (1 was assigned to it already)\n" % v)
        self.assertEqual(self.count("visit_assignment", "agency = 'Satpol PP'"), 4)
        self.assertIn("audit chain intact", self.as_ok("ani", "audit", "verify"))

    def test_reconcile_and_assign_respect_what_each_agency_may_record(self):
        v = self.new_draft("budi:ketua", "eka", "dedi", "sari")
        self.as_ok("budi", "visit", "assign", v, "--agency", "Dinas Sosial", "--item", "S1.02")
        self.as_ok("budi", "visit", "answer", v, "S1.02=3", "S1.01=ya")
        self.as_ok("eka", "visit", "answer", v, "S1.02=1")
        self.as_ok("dedi", "visit", "answer", v, "S2.01=4", "S1.01=tidak")
        # dedi (Satpol PP) may not reconcile the Dinas Sosial's item
        err = self.as_fails("dedi", "visit", "reconcile", v, "S1.02", "2", "--reason", "dilihat bersama")
        self.assertEqual(err, "pantau: visit %d: item S1.02 is assigned to Dinas Sosial: user 'dedi' "
                              "(Satpol PP) may reconcile only the items of Satpol PP and those "
                              "assigned to no one" % v)
        self.as_ok("dedi", "visit", "reconcile", v, "S1.01", "tidak", "--reason", "belum disahkan")
        self.as_ok("eka", "visit", "reconcile", v, "S1.02", "2", "--reason", "dilihat bersama")
        # dedi answered S2.01: it cannot be given to the Dinas Sosial afterwards
        err = self.as_fails("budi", "visit", "assign", v, "--agency", "Dinas Sosial", "--section", "S2")
        self.assertEqual(err, "pantau: visit %d: item S2.01 already has answers from dedi (Satpol PP): "
                              "it cannot be assigned to Dinas Sosial (an assignment decides who may "
                              "record an item; it does not take back answers already recorded)" % v)
        self.as_ok("budi", "visit", "submit", v)
        shown = {a["item_id"]: a["value"] for a in self.as_json("budi", "visit", "show", v)["answers"]}
        self.assertEqual(shown, {"S1.01": "tidak", "S1.02": "2", "S2.01": "4"})
        self.assertIn("audit chain intact", self.as_ok("ani", "audit", "verify"))

    def test_every_new_subcommand_has_help(self):
        for sub in ["new", "assign", "answer", "answers", "reconcile", "submit", "history"]:
            out = self.ok("visit", sub, "--help").stdout
            self.assertTrue(out.startswith("Usage: pantau visit %s" % sub), out)
        self.assertIn("history VISIT", self.ok("visit", "--help").stdout)


if __name__ == "__main__":
    main()
