"""Joint monitoring end to end, as docs/workflow.md tells it, through the commands only.

An unregistered home (Rumah Singgah Pelita) is visited by a joint team of the Dinas Sosial and
Satpol PP with the real instrument (checklists/monitoring-gabungan.xml, scripts/): building
safety (section C) is assigned to Satpol PP, legality (section A) to the Dinas Sosial; each
member records the items of their agency; the visit is submitted and scored; its red flags
become findings; a Dinas Sosial officer reviews the visit and accepts it; a Satpol PP officer
issues a written warning (step 2 of the sanction ladder); `finding list --overdue` and
`agenda --agency "Satpol PP"` show what is due later on; `institution show` tells the story.
Along the way each role is refused what it may not do: an inspector cannot decide, a board
member cannot record answers, Satpol PP cannot issue step 4, nor open a review.
"""
import os
import xml.etree.ElementTree as ET

import clitest
from clitest import CliTestCase
from test_workflow_accreditation import WorkflowHelpers

SOURCE = clitest.SOURCE_DIR
GABUNGAN = os.path.join(SOURCE, "checklists", "monitoring-gabungan.xml")
PELITA_VISIT = os.path.join(SOURCE, "checklists", "samples", "visits",
                            "gabungan-pelita-2026-08-03.xml")
VISIT_DATE = "2026-08-03"
FINDINGS_DAY = "2026-08-04"     # from-visit --today: due dates follow from it

USERS = {
    "ani": ("admin", "Dinas Sosial"),
    "eka": ("officer", "Dinas Sosial"),
    "dedi": ("officer", "Satpol PP"),
    "budi": ("inspector", "Dinas Sosial"),
    "dewi": ("board", "BALKS"),
}


def pelita_answers():
    """The Pelita sample's answers: {item: value, or None for N/A}, in checklist order."""
    ns = {"v": "urn:pantau:visit:1"}
    root = ET.parse(PELITA_VISIT).getroot()
    out = {}
    for a in root.find("v:visit", ns).findall("v:answer", ns):
        out[a.get("item")] = None if a.get("na") == "true" else a.get("value")
    return out


def answer_args(answers):
    args = []
    for item, value in answers.items():
        args += ["--na", item] if value is None else ["%s=%s" % (item, value)]
    return args


class JointMonitoring(WorkflowHelpers, CliTestCase):

    def setUp(self):
        super().setUp()
        self.setup_users(USERS)
        self.as_ok("ani", "checklist", "load", GABUNGAN)
        # the Satpol PP does not keep the register of homes
        self.denied("dedi", "institution", "add", "--name", "Rumah Singgah Pelita", "--kind", "LKSA")
        r = self.as_ok("eka", "institution", "add", "--name", "Rumah Singgah Pelita", "--kind",
                       "LKSA", "--owner", "Perorangan", "--kabupaten-kota", "Kota Tangerang",
                       "--children-in-care", "12")
        self.home = self.number(r.stdout, r"added institution (\d+)")

    def joint_visit(self):
        r = self.as_ok("eka", "visit", "new", "--institution", self.home, "--checklist",
                       "monitoring-gabungan@2025.1", "--date", VISIT_DATE, "--type", "joint",
                       "--member", "eka:ketua", "--member", "dedi:anggota", "--notes",
                       "Pendataan dan monitoring gabungan rumah singgah yang belum terdaftar")
        return self.number(r.stdout, r"visit (\d+)")

    def test_a_joint_visit_of_an_unregistered_home_goes_from_findings_to_a_written_warning(self):
        self.assertEqual(self.as_json("eka", "institution", "show", self.home)["reg_status"],
                         "unregistered")
        visit = self.joint_visit()
        v = self.as_json("dedi", "visit", "show", visit)
        self.assertEqual((v["state"], v["type"]), ("draft", "joint"))
        self.assertEqual(sorted((m["name"], m["agency"]) for m in v["team"]),
                         [("dedi", "Satpol PP"), ("eka", "Dinas Sosial")])

        # -- assignments: building safety to Satpol PP, legality to the Dinas Sosial
        self.as_fails("eka", "visit", "assign", visit, "--agency", "DP3A", "--section", "D")  # not on the team
        self.as_ok("eka", "visit", "assign", visit, "--agency", "Satpol PP", "--section", "C")
        self.as_ok("eka", "visit", "assign", visit, "--agency", "Dinas Sosial", "--section", "A")
        self.denied("dewi", "visit", "assign", visit, "--agency", "Satpol PP", "--item", "B.01")

        answers = pelita_answers()
        self.assertEqual(len(answers), 26)
        building = {i: v for i, v in answers.items() if i.startswith("C.")}
        others = {i: v for i, v in answers.items() if not i.startswith("C.")}
        legality = {i: v for i, v in answers.items() if i.startswith("A.")}

        # -- each records the items of their agency (and the unassigned ones); not the others'
        self.as_fails("eka", "visit", "answer", visit, "C.01=3", contains=["C.01", "Satpol PP"])
        self.as_fails("dedi", "visit", "answer", visit, "A.02=ya", contains=["A.02", "Dinas Sosial"])
        self.denied("dewi", "visit", "answer", visit, "B.01=ya", what="record answers")
        self.as_fails("budi", "visit", "answer", visit, "B.01=ya",   # an inspector not on the team
                      contains="user 'budi' is not on the team of visit %d" % visit)
        self.as_ok("eka", "visit", "answer", visit, *answer_args(others))
        self.as_ok("dedi", "visit", "answer", visit, *answer_args(building))
        items = {it["item_id"]: it for it in self.as_json("eka", "visit", "answers", visit)["items"]}
        self.assertEqual(items["C.01"]["assigned_agency"], "Satpol PP")
        self.assertEqual([m["user"] for m in items["C.01"]["members"]], ["dedi"])
        self.assertEqual([m["user"] for m in items["A.02"]["members"]], ["eka"])
        self.assertFalse(any(it["disagreement"] for it in items.values()))
        self.assertTrue(all(items[i]["assigned_agency"] == "Dinas Sosial" for i in legality))

        # -- submit and score: the sample's figures and flags
        self.as_ok("dedi", "visit", "submit", visit)
        self.denied("dewi", "score", visit)
        self.as_ok("budi", "score", visit)
        v = self.as_json("eka", "visit", "show", visit)
        self.assertEqual(v["state"], "scored")
        self.assertAlmostEqual(v["score"]["total"], 80.31, places=2)
        self.assertEqual(v["score"]["grade"], "TIDAK_PATUH")
        flags = sorted((f["code"], f["severity"], f["agency"]) for f in v["score"]["flags"])
        self.assertEqual(flags, [("AKTA_KELAHIRAN", "rendah", "Disdukcapil"),
                                 ("GATE", "tinggi", "Dinas Sosial"),
                                 ("SANKSI", "tinggi", "Satpol PP"),
                                 ("SELISIH_ANAK", "sedang", "Dinas Sosial")])

        # -- flags become findings, once (due 7/30/60/90 days after the day given)
        self.denied("dewi", "finding", "from-visit", visit, "--today", FINDINGS_DAY)
        self.as_ok("budi", "finding", "from-visit", visit, "--today", FINDINGS_DAY)
        self.as_ok("budi", "finding", "from-visit", visit, "--today", FINDINGS_DAY)   # idempotent
        found = self.as_json("eka", "finding", "list")["items"]
        self.assertEqual(sorted((f["flag_code"], f["severity"], f["agency"], f["due_date"])
                                for f in found),
                         [("AKTA_KELAHIRAN", "rendah", "Disdukcapil", "2026-11-02"),
                          ("GATE", "tinggi", "Dinas Sosial", "2026-09-03"),
                          ("SANKSI", "tinggi", "Satpol PP", "2026-09-03"),
                          ("SELISIH_ANAK", "sedang", "Dinas Sosial", "2026-10-03")])
        self.assertTrue(all(f["status"] == "open" and f["visit_id"] == visit for f in found))
        sanksi = [f for f in found if f["flag_code"] == "SANKSI"][0]["id"]

        # -- review: Satpol PP cannot open it, an inspector cannot decide; the Dinas Sosial
        #    officer reviews and accepts
        self.denied("dedi", "review", "open", visit, "--panel", "eka")
        r = self.as_ok("eka", "review", "open", visit, "--panel", "eka")
        review = self.number(r.stdout, r"opened review (\d+)")
        self.assertEqual(self.as_json("eka", "visit", "show", visit)["state"], "under_review")
        self.denied("budi", "review", "decide", review, what="decide monitoring reviews")
        self.as_ok("eka", "review", "declare", review, "--no-conflict")
        self.as_fails("eka", "review", "vote", review, "--grade", "PATUH")   # monitoring: --accept
        self.as_ok("eka", "review", "vote", review, "--accept")
        self.as_ok("eka", "review", "decide", review, "--conditions",
                   "Lembaga mengajukan tanda daftar dalam 30 hari")
        rv = self.as_json("eka", "review", "show", review)
        self.assertEqual(rv["status"], "decided")
        d = self.as_json("eka", "decision", "show", rv["decision_id"])
        self.assertEqual((d["kind"], d["outcome"], d["visit_id"], d["institution_id"]),
                         ("monitoring", "accepted", visit, self.home))
        self.assertEqual(d["conditions"], "Lembaga mengajukan tanda daftar dalam 30 hari")
        self.as_ok("budi", "decision", "verify", rv["decision_id"])
        self.assertEqual(self.as_json("dedi", "visit", "show", visit)["state"], "decided")
        self.as_fails("eka", "visit", "answer", visit, "B.01=tidak")            # decided: locked

        # -- the sanction ladder: Satpol PP issues a written warning, not a permanent closure
        self.denied("budi", "sanction", "add", self.home, "--step", "1", "--reason", "teguran")
        self.denied("dedi", "sanction", "add", self.home, "--step", "4", "--reason",
                    "Lembaga tetap beroperasi tanpa tanda daftar", what="step 4")
        self.as_fails("dedi", "sanction", "add", self.home, "--step", "2", "--reason", " ")
        self.as_ok("dedi", "sanction", "add", self.home, "--step", "2", "--reason",
                   "Beroperasi tanpa tanda daftar LKS; rekomendasi monitoring gabungan",
                   "--visit", visit, "--finding", sanksi)
        sanctions = self.as_json("eka", "sanction", "list", self.home)["items"]
        self.assertEqual([(s["step"], s["level"], s["agency"], s["visit_id"], s["finding_id"])
                          for s in sanctions],
                         [(2, "teguran_tertulis", "Satpol PP", visit, sanksi)])
        self.assertEqual(self.as_json("eka", "institution", "show", self.home)["reg_status"],
                         "unregistered")                  # only step 5 touches the registration

        # -- what is due: overdue findings on 2026-10-10, the Satpol PP's agenda
        overdue = self.as_json("eka", "finding", "list", "--overdue", "--today", "2026-10-10")["items"]
        self.assertEqual(sorted(f["flag_code"] for f in overdue), ["GATE", "SANKSI", "SELISIH_ANAK"])
        self.assertEqual(self.as_json("eka", "finding", "list", "--overdue", "--today",
                                      "2026-09-03")["items"], [])      # due today: not yet
        agenda = self.as_json("dedi", "agenda", "--agency", "Satpol PP", "--today", "2026-10-10")["items"]
        self.assertTrue(agenda, "the Satpol PP's agenda is empty")
        self.assertTrue(all(a["agency"] == "Satpol PP" for a in agenda), agenda)
        self.assertEqual([(a["kind"], a["finding_id"]) for a in agenda if a["kind"].startswith("finding")],
                         [("finding.overdue", sanksi)])
        dinsos = self.as_json("eka", "agenda", "--agency", "Dinas Sosial", "--today", "2026-10-10")["items"]
        self.assertEqual(sorted(a["kind"] for a in dinsos if a["kind"].startswith("finding")),
                         ["finding.overdue", "finding.overdue"])

        # -- the institution tells it
        doc = self.timeline(self.home, today="2026-10-10")
        st = doc["status"]
        self.assertEqual((st["registration"]["reg_status"], st["registration"]["validity"]),
                         ("unregistered", "none"))
        self.assertIsNone(st["accreditation"])
        self.assertEqual((st["sanction"]["step"], st["sanction"]["level"], st["sanction"]["agency"]),
                         (2, "teguran_tertulis", "Satpol PP"))
        self.assertEqual(st["findings"], {"open": 4, "overdue": 3})
        kinds = [e["kind"] for e in doc["timeline"]]
        self.assertEqual(kinds[0], "visit")                       # dated 2026-08-03
        self.assertEqual(sorted(kinds), sorted(["visit", "registration", "decision", "finding",
                                                "finding", "finding", "finding", "sanction"]))
        self.assertLess(kinds.index("decision"), kinds.index("sanction"))
        visit_entry = doc["timeline"][0]
        self.assertEqual((visit_entry["visit_id"], visit_entry["date"]), (visit, VISIT_DATE))
        self.assertIn("Kunjungan gabungan", visit_entry["text"])
        self.assertIn("diputuskan", visit_entry["text"])
        self.assertIn("4 tanda bahaya", visit_entry["text"])
        sanction = [e for e in doc["timeline"] if e["kind"] == "sanction"][0]
        self.assertEqual(sanction["finding_id"], sanksi)
        self.assertIn("Sanksi tahap 2, teguran tertulis (Satpol PP)", sanction["text"])
        decision = [e for e in doc["timeline"] if e["kind"] == "decision"][0]
        self.assertEqual(decision["text"], "Keputusan monitoring %d atas kunjungan %d: Diterima; "
                                           "syarat: Lembaga mengajukan tanda daftar dalam 30 hari"
                         % (rv["decision_id"], visit))
        finding = [e for e in doc["timeline"] if e["kind"] == "finding" and e["finding_id"] == sanksi][0]
        self.assertTrue(finding["text"].startswith("Temuan %d dari kunjungan %d (tinggi, Satpol PP): "
                                                   "Rekomendasi: teguran tertulis" % (sanksi, visit)),
                        finding["text"])
        self.assertTrue(finding["text"].endswith("Dinas Sosial; batas 2026-09-03"), finding["text"])

        r = self.as_ok("ani", "audit", "verify")
        self.assertIn("audit chain intact", r.stdout)

    def test_members_who_disagree_reconcile_before_the_joint_visit_is_submitted(self):
        visit = self.joint_visit()
        answers = pelita_answers()
        self.as_ok("eka", "visit", "answer", visit, *answer_args(answers))
        self.as_ok("dedi", "visit", "answer", visit, "C.01=2", "C.02=tidak")   # eka said C.01=3
        items = {it["item_id"]: it for it in self.as_json("eka", "visit", "answers", visit)["items"]}
        self.assertTrue(items["C.01"]["disagreement"])
        self.assertFalse(items["C.02"]["disagreement"])
        self.as_fails("eka", "visit", "submit", visit, contains="C.01")
        self.denied("dewi", "visit", "reconcile", visit, "C.01", "2", "--reason", "dewan")
        self.as_fails("eka", "visit", "reconcile", visit, "C.02", "ya", "--reason", "tidak ada beda")
        self.as_ok("eka", "visit", "reconcile", visit, "C.01", "2", "--reason",
                   "Atap dapur bocor, dilihat bersama oleh kedua petugas")
        self.as_ok("eka", "visit", "submit", visit)
        v = self.as_json("eka", "visit", "show", visit)
        self.assertEqual({a["item_id"]: a["value"] for a in v["answers"]}["C.01"], "2")
        history = self.as_json("eka", "visit", "history", visit)["items"]
        self.assertEqual([(h["from"], h["to"], h["actor"]) for h in history],
                         [(None, "draft", "eka"), ("draft", "submitted", "eka")])


if __name__ == "__main__":
    clitest.main()
