"""pantau finding ..., sanction ..., agenda: findings to a verified fix, the sanction ladder and
what each agency must do.

The tiny checklist's visits (clitest.setup_visits): 1 (UJI-001 "LKSA Uji Satu", 2026-03-14,
accreditation) scores 65, grade B, no flag; 2 (UJI-002 "LKSA Ceria Ñusantara", 2026-04-02)
fails the gate S1.01: one kritis flag GATE on S1.01 for DP3A. Verification visits are written by
the tests. Institution 3 ("Rumah Singgah Uji") is unregistered and never visited.
"""
import datetime
import json
import os
import subprocess

import clitest

FINDING_KEYS = ["id", "institution_id", "institution_name", "visit_id", "visit_date", "item_id",
                "flag_code", "severity", "agency", "description", "due_date", "status", "overdue",
                "created_by", "created_at", "escalated_at", "closed_by_visit", "closed_by",
                "closed_at", "n_plans", "last_plan"]
PLAN_KEYS = ["id", "action", "responsible", "target_date", "created_by", "created_at"]
SANCTION_KEYS = ["id", "institution_id", "institution_name", "step", "level", "label", "reason",
                 "visit_id", "finding_id", "agency", "issued_by", "issued_at"]
AGENDA_KEYS = ["agency", "kind", "institution_id", "institution_name", "date", "days", "severity",
               "text", "finding_id", "decision_id"]


def visit_csv(reg_no, date, *answers):
    lines = ["#institution;%s" % reg_no, "#checklist;uji-cli@1.0", "#date;%s" % date,
             "#type;rutin", "item;value;note"]
    lines += ["%s;%s;" % a for a in answers]
    return "\n".join(lines) + "\n"


class Followup(clitest.CliTestCase):
    """Single-user mode: the local administrator may do everything."""

    def setUp(self):
        super().setUp()
        self.setup_visits()
        self.ok("score", "--all")

    def import_visit(self, name, reg_no, date, *answers, score=True):
        path = self.write(name, visit_csv(reg_no, date, *answers))
        out = self.ok("visit", "import", path).stdout
        visit = int(out.split("(id ")[1].split(")")[0])
        if score:
            self.ok("score", visit)
        return visit

    def assert_audit_intact(self):
        self.assertIn("audit chain intact", self.ok("audit", "verify").stdout)

    def test_every_subcommand_explains_itself(self):
        for args in (["finding"], ["finding", "from-visit"], ["finding", "add"], ["finding", "plan"],
                     ["finding", "close"], ["finding", "list"], ["finding", "show"],
                     ["finding", "escalate"], ["sanction"], ["sanction", "add"], ["sanction", "list"],
                     ["agenda"]):
            out = self.ok(*args, "--help").stdout
            self.assertTrue(out.startswith("Usage: pantau " + " ".join(args)), out)

    def test_usage_errors_name_the_help(self):
        self.assertIn("finding add --help", self.fails("finding", "add", "2", "--item", "S1.02", code=2))
        self.assertIn("--visit is required", self.fails("finding", "close", "1", code=2))
        self.assertIn("'x' is not a finding id", self.fails("finding", "show", "x", code=2))
        self.assertIn("steps are 1 to 5", self.fails("sanction", "add", "UJI-001", "--step", "6",
                                                     "--reason", "x", code=2))
        self.assertIn("--days", self.fails("agenda", "--days", "0", code=2))
        self.assertIn("unknown subcommand", self.fails("finding", "remove", code=2))

    def test_from_visit_records_the_flags_once_with_a_due_date_by_severity(self):
        self.assertEqual(self.ok("finding", "from-visit", "2", "--today", "2026-04-05").stdout,
                         "recorded 1 new finding from visit 2\n")
        self.assertEqual(self.ok("finding", "from-visit", "2", "--today", "2026-04-06").stdout,
                         "recorded 0 new findings from visit 2\n")
        self.assertEqual(self.ok("finding", "from-visit", "1").stdout,
                         "recorded 0 new findings from visit 1\n")
        items = self.json("finding", "list", "--today", "2026-04-05")["items"]
        self.assertEqual(len(items), 1)
        f = items[0]
        self.assertEqual(list(f), FINDING_KEYS)
        self.assertEqual((f["id"], f["institution_id"], f["visit_id"], f["visit_date"], f["item_id"],
                          f["flag_code"], f["severity"], f["agency"], f["description"], f["due_date"],
                          f["status"], f["overdue"], f["created_by"], f["n_plans"], f["last_plan"]),
                         (1, 2, 2, "2026-04-02", "S1.01", "GATE", "kritis", "DP3A",
                          "Tidak ada kebijakan perlindungan anak", "2026-04-12", "open", False,
                          "local", 0, None))

    def test_from_visit_refuses_a_visit_that_is_not_scored(self):
        visit = self.import_visit("v.csv", "UJI-002", "2026-05-01", ("S1.01", "tidak"), score=False)
        before = self.snapshot()
        err = self.fails("finding", "from-visit", visit)
        self.assertIn("visit %d is submitted: recording its findings needs it to be scored" % visit, err)
        self.assertEqual(self.snapshot(), before)

    def test_a_failed_item_is_added_by_hand_and_an_unknown_item_is_named(self):
        out = self.ok("finding", "add", "1", "--item", "S1.02", "--severity", "sedang", "--agency",
                      "Dinas Sosial", "--due", "2026-05-01", "--description", "Kamar kurang bersih")
        self.assertEqual(out.stdout, "added finding 1\n")
        before = self.snapshot()
        self.assertIn("item S9.99 is not an item of checklist uji-cli@1.0 (visit 1)",
                      self.fails("finding", "add", "1", "--item", "S9.99", "--severity", "sedang",
                                 "--agency", "DP3A", "--due", "2026-05-01", "--description", "x"))
        self.assertIn("use kritis, tinggi, sedang or rendah",
                      self.fails("finding", "add", "1", "--item", "S1.01", "--severity", "berat",
                                 "--agency", "DP3A", "--due", "2026-05-01", "--description", "x"))
        self.assertEqual(self.snapshot(), before)
        doc = self.json("finding", "show", "1")
        self.assertEqual((doc["flag_code"], doc["item_id"], doc["severity"], doc["plans"]),
                         (None, "S1.02", "sedang", []))

    def test_plans_are_revised_by_new_rows_and_shown_oldest_first(self):
        self.ok("finding", "from-visit", "2", "--today", "2026-04-05")
        self.assertEqual(self.ok("finding", "plan", "1", "--action", "Menyusun kebijakan tertulis",
                                 "--responsible", "Ketua yayasan", "--target", "2026-04-30").stdout,
                         "added plan 1 to finding 1\n")
        self.ok("finding", "plan", "1", "--action", "Kebijakan disahkan pengurus",
                "--responsible", "Pengurus yayasan", "--target", "2026-05-15")
        doc = self.json("finding", "show", "1")
        self.assertEqual(list(doc), FINDING_KEYS + ["plans"])
        self.assertEqual([p["target_date"] for p in doc["plans"]], ["2026-04-30", "2026-05-15"])
        self.assertEqual(list(doc["plans"][0]), PLAN_KEYS)
        self.assertEqual((doc["n_plans"], doc["last_plan"]["id"]), (2, 2))
        out = self.ok("finding", "show", "1").stdout
        self.assertIn("plans (2)", out)
        self.assertIn("Kebijakan disahkan pengurus", out)
        self.assertEqual(self.count("corrective_plan"), 2)

    def test_close_is_refused_by_visits_that_do_not_show_the_fix_and_done_by_one_that_does(self):
        self.ok("finding", "from-visit", "2", "--today", "2026-04-05")
        early = self.import_visit("early.csv", "UJI-002", "2026-03-01", ("S1.01", "ya"))
        other = self.import_visit("other.csv", "UJI-001", "2026-05-01", ("S1.01", "ya"))
        still = self.import_visit("still.csv", "UJI-002", "2026-05-01", ("S1.01", "tidak"))
        silent = self.import_visit("silent.csv", "UJI-002", "2026-05-02", ("S1.02", "3"))
        good = self.import_visit("good.csv", "UJI-002", "2026-05-03", ("S1.01", "ya"))
        before = self.snapshot()
        refusals = [
            (early, "visit %d (2026-03-01) is not later than visit 2 (2026-04-02) that recorded "
                    "finding 1: only a later visit verifies a finding" % early),
            (other, "visit %d is a visit to LKSA Uji Satu (institution 1), not to LKSA Ceria "
                    "Ñusantara (institution 2) of finding 1: only a visit to the same home verifies a "
                    "finding" % other),
            (still, "visit %d still flags item S1.01 (GATE): finding 1 stays open" % still),
            (silent, "visit %d did not answer item S1.01: it cannot verify finding 1, which stays "
                     "open" % silent),
            (2, "visit 2 recorded finding 1: only a later verification visit can close it"),
        ]
        for visit, message in refusals:
            self.assertEqual(self.fails("finding", "close", "1", "--visit", visit), "pantau: " + message)
        self.assertEqual(self.snapshot(), before)

        self.assertEqual(self.ok("finding", "close", "1", "--visit", good).stdout,
                         "closed finding 1 (verified by visit %d)\n" % good)
        doc = self.json("finding", "show", "1")
        self.assertEqual((doc["status"], doc["closed_by_visit"], doc["closed_by"]), ("closed", good, "local"))
        # a closed finding does not change: neither closed again nor planned
        self.assertIn("finding 1 is already closed (verified by visit %d" % good,
                      self.fails("finding", "close", "1", "--visit", good))
        self.assertIn("its plan no longer changes",
                      self.fails("finding", "plan", "1", "--action", "x", "--responsible", "y",
                                 "--target", "2026-06-01"))
        self.assert_audit_intact()

    def load_copy_of_the_checklist(self, checklist_id, version):
        with open(clitest.CHECKLIST, encoding="utf-8") as f:
            text = f.read()
        text = text.replace('id="uji-cli" version="1.0"', 'id="%s" version="%s"' % (checklist_id, version))
        self.ok("checklist", "load", self.write("%s-%s.xml" % (checklist_id, version), text))

    def import_with(self, name, checklist, reg_no, date, *answers):
        text = visit_csv(reg_no, date, *answers).replace("uji-cli@1.0", checklist)
        out = self.ok("visit", "import", self.write(name, text)).stdout
        visit = int(out.split("(id ")[1].split(")")[0])
        self.ok("score", visit)
        return visit

    def test_only_a_visit_with_the_finding_s_checklist_in_any_version_verifies_it(self):
        self.ok("finding", "from-visit", "2", "--today", "2026-04-05")
        self.load_copy_of_the_checklist("uji-lain", "1.0")
        self.load_copy_of_the_checklist("uji-cli", "2.0")
        other = self.import_with("lain.csv", "uji-lain@1.0", "UJI-002", "2026-05-01", ("S1.01", "ya"))
        before = self.snapshot()
        self.assertEqual(self.fails("finding", "close", "1", "--visit", other),
                         "pantau: visit %d is a visit with checklist uji-lain, not with uji-cli like "
                         "visit 2 that recorded finding 1: only a visit with the same checklist (any "
                         "version) verifies a finding" % other)
        self.assertEqual(self.snapshot(), before)
        newer = self.import_with("v2.csv", "uji-cli@2.0", "UJI-002", "2026-05-02", ("S1.01", "ya"))
        self.assertEqual(self.ok("finding", "close", "1", "--visit", newer).stdout,
                         "closed finding 1 (verified by visit %d)\n" % newer)

    def test_a_finding_added_by_hand_needs_a_changed_answer_to_close(self):
        # visit 1 answered S1.02 "2"; the tiny script flags only the gate S1.01
        self.ok("finding", "add", "1", "--item", "S1.02", "--severity", "sedang", "--agency",
                "Dinas Sosial", "--due", "2026-05-01", "--description", "Kamar kurang bersih")
        same = self.import_visit("same.csv", "UJI-001", "2026-05-01", ("S1.01", "ya"), ("S1.02", "2"))
        before = self.snapshot()
        self.assertEqual(self.fails("finding", "close", "1", "--visit", same),
                         "pantau: visit %d answered item S1.02 '2', as visit 1 did when it recorded "
                         "finding 1: a finding recorded by hand is verified by a changed answer to "
                         "its item, so it stays open" % same)
        self.assertEqual(self.snapshot(), before)
        better = self.import_visit("better.csv", "UJI-001", "2026-05-02", ("S1.01", "ya"), ("S1.02", "3"))
        self.assertEqual(self.ok("finding", "close", "1", "--visit", better).stdout,
                         "closed finding 1 (verified by visit %d)\n" % better)
        self.assert_audit_intact()

    def test_escalate_raises_finding_overdue_once_and_expiring_registrations(self):
        self.ok("finding", "from-visit", "2", "--today", "2026-04-05")
        self.ok("institution", "update", "UJI-001", "--reg-expires", "2026-06-15")
        # the 12th: the finding is due, not late; the registration ends in 64 days
        out = self.ok("finding", "escalate", "--today", "2026-04-12").stdout
        self.assertEqual(out.splitlines(), [
            "registration.expiring   2026-06-15  LKSA Uji Satu",
            "raised 1 event (finding.overdue 0, accreditation.expiring 0, registration.expiring 1)"])
        out = self.ok("finding", "escalate", "--today", "2026-04-13").stdout
        self.assertEqual(out.splitlines(), [
            "finding.overdue         2026-04-12  LKSA Ceria Ñusantara, finding 1",
            "raised 1 event (finding.overdue 1, accreditation.expiring 0, registration.expiring 0)"])
        out = self.ok("finding", "escalate", "--today", "2026-04-14").stdout
        self.assertEqual(out, "raised 0 events (finding.overdue 0, accreditation.expiring 0, "
                              "registration.expiring 0)\n")
        self.assertEqual(self.sql("SELECT type, institution_id, subject FROM event "
                                  "WHERE type IN ('finding.overdue', 'registration.expiring') ORDER BY id"),
                         [("registration.expiring", 1, "Tanda daftar LKSA Uji Satu berakhir "
                                                       "2026-06-15 (64 hari lagi)"),
                          ("finding.overdue", 2, "Tindak lanjut terlambat [kritis] di LKSA Ceria "
                                                 "Ñusantara: temuan 1, tenggat 2026-04-12")])
        event = json.loads(self.sql("SELECT json FROM event WHERE type = 'finding.overdue'")[0][0])
        self.assertEqual(event["finding"]["days_overdue"], 1)
        self.assertEqual(event["institution"]["name"], "LKSA Ceria Ñusantara")
        self.assertEqual(self.count("finding", "escalated_at IS NOT NULL"), 1)
        self.assertIn("'2026-4-13' is not a date", self.fails("finding", "escalate", "--today", "2026-4-13"))
        self.assert_audit_intact()

    def test_list_overdue_open_institution_and_agency(self):
        self.ok("finding", "from-visit", "2", "--today", "2026-04-05")
        self.ok("finding", "add", "1", "--item", "S1.02", "--severity", "rendah", "--agency",
                "Satpol PP, Dinas Sosial Kota Tangerang", "--due", "2026-06-01", "--description", "Kamar")
        ids = lambda *args: [f["id"] for f in self.json("finding", "list", *args)["items"]]
        self.assertEqual(ids(), [1, 2])
        self.assertEqual(ids("--overdue", "--today", "2026-04-13"), [1])
        self.assertEqual(ids("--overdue", "--today", "2026-06-02"), [1, 2])
        self.assertEqual(ids("--overdue", "--today", "2026-04-12"), [])
        self.assertEqual(ids("--institution", "UJI-001"), [2])
        self.assertEqual(ids("--agency", "dinas sosial"), [2])
        self.assertEqual(ids("--agency", "DP3A"), [1])
        out = self.ok("finding", "list", "--overdue", "--today", "2026-04-13").stdout
        self.assertEqual(out.splitlines()[0].split(), ["ID", "DUE", "SEVERITY", "STATUS", "INSTITUTION",
                                                      "ITEM", "AGENCY", "PLANS", "DESCRIPTION"])
        self.assertIn("overdue", out.splitlines()[2])
        self.assertIn("not a date", self.fails("finding", "list", "--today", "13-04-2026", code=2))

    def test_agenda_groups_overdue_and_due_findings_expiring_registrations_and_unvisited_homes(self):
        self.ok("finding", "from-visit", "2", "--today", "2026-04-05")
        self.ok("finding", "add", "1", "--item", "S1.02", "--severity", "rendah", "--agency",
                "Satpol PP, Dinas Sosial", "--due", "2026-04-20", "--description", "Kamar kotor")
        self.ok("institution", "update", "UJI-002", "--reg-expires", "2026-07-01")
        doc = self.json("agenda", "--today", "2026-04-15")
        self.assertEqual(list(doc), ["today", "days", "items"])
        self.assertEqual((doc["today"], doc["days"]), ("2026-04-15", 7))
        self.assertEqual(list(doc["items"][0]), AGENDA_KEYS)
        rows = [(r["agency"], r["kind"], r["institution_id"], r["date"], r["days"]) for r in doc["items"]]
        self.assertEqual(rows, [
            ("Dinas Sosial", "finding.due", 1, "2026-04-20", 5),
            ("Dinas Sosial", "registration.expiring", 2, "2026-07-01", 77),
            ("Dinas Sosial", "visit.overdue", 3, None, None),
            ("DP3A", "finding.overdue", 2, "2026-04-12", -3),
            ("Satpol PP", "finding.due", 1, "2026-04-20", 5),
        ])
        self.assertEqual(doc["items"][2]["text"], "Belum pernah dikunjungi: jadwalkan kunjungan")
        out = self.ok("agenda", "--today", "2026-04-15").stdout
        self.assertEqual([l for l in out.splitlines() if l and not l[0].isspace() and "  " not in l
                          and not l.startswith("-")], ["Dinas Sosial", "DP3A", "Satpol PP"])
        self.assertIn("Temuan 1 [kritis] lewat tenggat 2026-04-12 (terlambat 3 hari)", out)
        only = self.json("agenda", "--today", "2026-04-15", "--agency", "satpol pp")["items"]
        self.assertEqual([(r["agency"], r["finding_id"]) for r in only], [("Satpol PP", 2)])
        # --days 3: the finding due in 5 days waits
        short = self.json("agenda", "--today", "2026-04-15", "--days", "3", "--agency", "Satpol PP")
        self.assertEqual(short["items"], [])
        self.assertIn("nothing on the agenda of Satpol PP",
                      self.ok("agenda", "--today", "2026-04-15", "--days", "3", "--agency", "Satpol PP").stdout)

    def test_sanctions_in_single_user_mode_are_the_dinas_sosial_s_and_step_5_revokes(self):
        self.ok("finding", "from-visit", "2", "--today", "2026-04-05")
        self.assertEqual(self.ok("sanction", "add", "UJI-002", "--step", "2", "--reason",
                                 "Kebijakan perlindungan anak belum ada", "--finding", "1").stdout,
                         "issued sanction 1: step 2 (teguran tertulis) to LKSA Ceria Ñusantara\n")
        before = self.snapshot()
        self.assertIn("visit 1 is of institution 1, not of institution 2",
                      self.fails("sanction", "add", "UJI-002", "--step", "3", "--reason", "x", "--visit", "1"))
        self.assertIn("a sanction needs a reason",
                      self.fails("sanction", "add", "UJI-002", "--step", "3", "--reason", " "))
        self.assertEqual(self.snapshot(), before)
        out = self.ok("sanction", "add", "UJI-002", "--step", "5", "--reason", "Izin dicabut").stdout
        self.assertEqual(out, "issued sanction 2: step 5 (pencabutan izin) to LKSA Ceria Ñusantara; "
                              "its registration is revoked\n")
        self.assertEqual(self.sql("SELECT reg_status FROM institution WHERE reg_no = 'UJI-002'"), [("revoked",)])
        doc = self.json("sanction", "list", "UJI-002")
        self.assertEqual(list(doc), ["items", "current_step", "current_level"])
        self.assertEqual((doc["current_step"], doc["current_level"]), (5, "pencabutan_izin"))
        self.assertEqual(list(doc["items"][0]), SANCTION_KEYS)
        self.assertEqual([(s["step"], s["level"], s["agency"], s["issued_by"], s["finding_id"])
                          for s in doc["items"]],
                         [(2, "teguran_tertulis", "Dinas Sosial", "local", 1),
                          (5, "pencabutan_izin", "Dinas Sosial", "local", None)])
        self.assertEqual(list(self.json("sanction", "list")), ["items"])
        self.assertIn("current step: 5 (pencabutan izin)", self.ok("sanction", "list", "UJI-002").stdout)
        self.assertEqual(self.count("event", "type = 'sanction.issued'"), 2)
        self.assert_audit_intact()


def password(user):
    return user + "-rahasia1"


class FollowupRoles(clitest.CliTestCase):
    """With users: ani (admin), budi (inspector, Dinas Sosial), dedi (officer, Satpol PP), eka
    (officer, Dinas Sosial), dewi (board, BALKS)."""

    USERS = [("budi", "inspector", "Dinas Sosial"), ("dedi", "officer", "Satpol PP"),
             ("eka", "officer", "Dinas Sosial"), ("dewi", "board", "BALKS")]

    def setUp(self):
        super().setUp()
        self.setup_visits()
        self.ok("score", "--all")
        self.as_(None, "user", "add", "ani", "--role", "admin", "--agency", "Dinas Sosial",
                 stdin=password("ani") + "\n")
        for name, role, agency in self.USERS:
            self.as_("ani", "user", "add", name, "--role", role, "--agency", agency,
                     stdin="%s\n%s\n" % (password("ani"), password(name)))

    def run_pantau(self, *args, stdin="", **kw):
        cmd = [clitest.BIN, "--db", self.db, "--scripts", clitest.SCRIPTS] + [str(a) for a in args]
        environ = {k: v for k, v in os.environ.items()
                   if k not in ("PANTAU_DB", "PANTAU_SCRIPTS", "PANTAU_CHECKLISTS", "PANTAU_TOKEN")}
        return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=self.tmp, env=environ, timeout=300, encoding="utf-8",
                              errors="replace")

    def as_(self, user, *args, stdin=None):
        if user is None:
            return self.ok("--password-stdin", *args, stdin=stdin)
        return self.ok("--user", user, "--password-stdin", *args,
                       stdin=stdin if stdin is not None else password(user) + "\n")

    def as_fails(self, user, *args):
        return self.fails("--user", user, "--password-stdin", *args, stdin=password(user) + "\n")

    def test_a_satpol_pp_officer_issues_step_2_but_not_step_4(self):
        self.assertIn("issued sanction 1: step 2",
                      self.as_("dedi", "sanction", "add", "UJI-002", "--step", "2", "--reason",
                               "Teguran tertulis").stdout)
        before = self.snapshot()
        self.assertEqual(self.as_fails("dedi", "sanction", "add", "UJI-002", "--step", "4", "--reason",
                                       "Penghentian tetap"),
                         "pantau: user 'dedi' (agency officer, Satpol PP) may not issue a sanction of "
                         "step 4 (needs: agency officer (Dinas Sosial))")
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.sql("SELECT step, agency, issued_by FROM sanction"), [(2, "Satpol PP", "dedi")])

    def test_a_dinas_sosial_officer_issues_step_5_which_revokes_the_registration(self):
        self.as_("eka", "sanction", "add", "UJI-002", "--step", "5", "--reason", "Izin dicabut")
        self.assertEqual(self.sql("SELECT reg_status FROM institution WHERE reg_no = 'UJI-002'"), [("revoked",)])
        self.assertEqual(self.sql("SELECT actor FROM audit_log WHERE entity = 'institution' "
                                  "AND action = 'update'"), [("eka",)])
        self.assertIn("audit chain intact", self.as_("ani", "audit", "verify").stdout)

    def test_an_inspector_records_findings_but_issues_no_sanction_and_a_board_member_no_finding(self):
        before = self.snapshot()
        self.assertIn("user 'budi' (inspector, Dinas Sosial) may not issue sanctions (needs: agency officer)",
                      self.as_fails("budi", "sanction", "add", "UJI-002", "--step", "1", "--reason", "x"))
        self.assertIn("user 'dewi' (board member, BALKS) may not record findings",
                      self.as_fails("dewi", "finding", "from-visit", "2"))
        self.assertIn("may not escalate overdue work", self.as_fails("budi", "finding", "escalate"))
        self.assertEqual(self.snapshot(), before)
        self.as_("budi", "finding", "from-visit", "2", "--today", "2026-04-05")
        self.assertEqual(self.sql("SELECT created_by FROM finding"), [("budi",)])
        # reading is everyone's
        self.assertEqual(len(json.loads(self.as_("dewi", "finding", "list", "--json").stdout)["items"]), 1)
        self.as_("dewi", "agenda")

    def test_an_accreditation_decided_by_the_board_is_on_the_agenda_and_escalated_before_it_ends(self):
        self.as_("ani", "user", "add", "rina", "--role", "board", "--agency", "BALKS",
                 stdin="%s\n%s\n" % (password("ani"), password("rina")))
        self.as_("dewi", "review", "open", "1", "--panel", "rina", "--quorum", "1")
        self.as_("rina", "review", "declare", "1", "--no-conflict")
        self.as_("rina", "review", "vote", "1", "--grade", "B")
        self.as_("rina", "review", "decide", "1")
        valid_until = self.sql("SELECT valid_until FROM decision WHERE id = 1")[0][0]
        day = (datetime.date.fromisoformat(valid_until) - datetime.timedelta(days=30)).isoformat()
        doc = json.loads(self.as_("eka", "agenda", "--today", day, "--json").stdout)
        rows = [r for r in doc["items"] if r["kind"] == "accreditation.expiring"]
        self.assertEqual([(r["agency"], r["institution_id"], r["date"], r["days"], r["decision_id"])
                          for r in rows], [("Dinas Sosial", 1, valid_until, 30, 1)])
        out = self.as_("eka", "finding", "escalate", "--today", day).stdout
        self.assertIn("accreditation.expiring  %s  LKSA Uji Satu, decision 1" % valid_until, out)
        out = self.as_("ani", "finding", "escalate", "--today", day).stdout
        self.assertIn("accreditation.expiring 0", out)
        self.assertEqual(self.count("event", "type = 'accreditation.expiring'"), 1)
        self.assertIn("audit chain intact", self.as_("ani", "audit", "verify").stdout)


if __name__ == "__main__":
    clitest.main()
