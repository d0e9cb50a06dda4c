"""The accreditation workflow end to end, as docs/workflow.md tells it, through the commands only.

An unregistered LKSA is registered by the Dinas Sosial; two BALKS assessors make a draft
accreditation visit with the real instrument (checklists/akreditasi-lksa.xml and the real
scripts), each answers every item, they disagree on one and reconcile it with a reason, submit;
the visit is scored; an assessor overrides a section with a rationale; a board panel of three,
one of whom declares a conflict (and cannot vote), decides A for five years; the decision
verifies; a failed item becomes a finding with a corrective plan, closed by a later verification
visit; an appeal opens a linked review whose decision (B, three years) supersedes the first.
`institution show --json` tells all of it, and the audit chain verifies. Every step is checked
through --json output (the database is read only to prove a refused command changed nothing).
"""
import datetime
import json
import os
import re
import sqlite3
import subprocess

import clitest
from clitest import CliTestCase

SOURCE = clitest.SOURCE_DIR
REAL_SCRIPTS = os.path.join(SOURCE, "scripts")
AKREDITASI = os.path.join(SOURCE, "checklists", "akreditasi-lksa.xml")
SAMPLE = os.path.join(SOURCE, "checklists", "samples", "visits",
                      "harapan-bunda-akreditasi-2026-03-14.csv")

# name: (role, agency)
USERS = {
    "ani": ("admin", "Dinas Sosial"),
    "eka": ("officer", "Dinas Sosial"),
    "budi": ("inspector", "Dinas Sosial"),
    "sari": ("assessor", "BALKS"),
    "tari": ("assessor", "BALKS"),
    "dewi": ("board", "BALKS"),
    "rina": ("board", "BALKS"),
    "tono": ("board", "BALKS"),
    "dedi": ("officer", "Satpol PP"),
}


def password(name):
    return name + "-rahasia-1"


def add_years(date, years):
    d = datetime.date.fromisoformat(date)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:                       # 29 February
        return d.replace(year=d.year + years, day=28).isoformat()


def sample_answers(path=SAMPLE):
    """The item answers of a sample visit CSV: [(item, value or None for N/A)]."""
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f]
    start = lines.index("item;value;note") + 1
    out = []
    for line in lines[start:]:
        if not line.strip():
            continue
        item, value = line.split(";")[:2]
        out.append((item, None if value == "TB" else value.replace(",", ".")))
    return out


class WorkflowHelpers:
    """Running pantau as named users with the real instruments and scripts. Mixed into a
    CliTestCase (not a test case itself)."""

    def pantau(self, *args, user=None, stdin=""):
        """Runs pantau as `user` (with the token of its login; None: no one), on this test's
        database, with the source tree's scoring scripts and no notification channel."""
        cmd = [clitest.BIN, "--db", self.db, "--scripts", REAL_SCRIPTS]
        if user:
            cmd += ["--token", self.tokens[user]]
        cmd += [str(a) for a in args]
        env = {k: v for k, v in os.environ.items()
               if k not in ("PANTAU_DB", "PANTAU_SCRIPTS", "PANTAU_CHECKLISTS", "PANTAU_TOKEN")}
        env["PANTAU_CONFIG"] = os.path.join(self.tmp, "empty.conf")
        return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=self.tmp, env=env, timeout=300, encoding="utf-8")

    def as_ok(self, user, *args, stdin=""):
        r = self.pantau(*args, user=user, stdin=stdin)
        self.assertEqual(r.returncode, 0, "%s: pantau %s: exit %d: %s" % (
            user, " ".join(map(str, args)), r.returncode, r.stderr))
        return r

    def as_json(self, user, *args):
        r = self.as_ok(user, *args, "--json")
        try:
            return json.loads(r.stdout)
        except ValueError:
            self.fail("%s: pantau %s --json printed no JSON: %r" % (user, " ".join(map(str, args)),
                                                                     r.stdout[:500]))

    def as_fails(self, user, *args, contains=None, code=1):
        """Asserts the command fails (exit `code`: 1, or 2 for a usage error; one stderr line)
        and changes nothing."""
        before = self.dump()
        r = self.pantau(*args, user=user)
        self.assertEqual(r.returncode, code, "%s: pantau %s should fail: stdout %r stderr %r" % (
            user, " ".join(map(str, args)), r.stdout, r.stderr))
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("pantau: "), lines[0])
        if contains:
            for part in ([contains] if isinstance(contains, str) else contains):
                self.assertIn(part, lines[0])
        self.assertEqual(self.dump(), before, "a refused command changed the database")
        return lines[0]

    def denied(self, user, *args, what=None):
        """Asserts a refusal for the user's role: the message names the user and what."""
        line = self.as_fails(user, *args, contains="user '%s'" % user)
        self.assertIn("may not", line)
        if what:
            self.assertIn(what, line)
        return line

    def dump(self):
        con = sqlite3.connect(self.db)
        try:
            return [l for l in con.iterdump()
                    # deliveries of events raised earlier may be routed by any later command
                    if not l.startswith('INSERT INTO "delivery"')
                    and not l.startswith('UPDATE "event"')]
        finally:
            con.close()

    def setup_users(self, users=USERS):
        with open(os.path.join(self.tmp, "empty.conf"), "w") as f:
            f.write("# no channels\n")
        self.tokens = {}
        r = self.pantau("init")
        self.assertEqual(r.returncode, 0, r.stderr)
        first = [n for n, (role, _) in users.items() if role == "admin"][0]
        for name, (role, agency) in users.items():
            if name == first:
                stdin, extra = password(name) + "\n", []
            else:
                stdin, extra = password(first) + "\n" + password(name) + "\n", ["--user", first]
            r = self.pantau(*extra, "--password-stdin", "user", "add", name, "--role", role,
                            "--agency", agency, stdin=stdin)
            self.assertEqual(r.returncode, 0, r.stderr)
        for name in users:
            # the first command of each user authenticates with the password on stdin
            r = self.pantau("--user", name, "--password-stdin", "whoami", stdin=password(name) + "\n")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r"^%s \(.+, %s\)\n$" % (name, users[name][1]))
            r = self.pantau("--password-stdin", "login", "--user", name, stdin=password(name) + "\n")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.tokens[name] = r.stdout.strip()

    def number(self, text, pattern):
        m = re.search(pattern, text)
        self.assertIsNotNone(m, "%r not in %r" % (pattern, text))
        return int(m.group(1))

    def timeline(self, institution, today=None):
        args = ["institution", "show", str(institution)] + (["--today", today] if today else [])
        return self.as_json("ani", *args)


class Accreditation(WorkflowHelpers, CliTestCase):

    def setUp(self):
        super().setUp()
        self.setup_users()
        self.as_ok("ani", "checklist", "load", AKREDITASI)

    # ---- helpers of this story ----

    def register_home(self):
        """An unregistered LKSA applies and the Dinas Sosial registers it. Returns its id."""
        r = self.as_ok("eka", "institution", "add", "--name", "LKSA Kasih Ibu", "--kind", "LKSA",
                       "--kabupaten-kota", "Kota Tangerang", "--capacity", "30",
                       "--children-in-care", "24")
        home = self.number(r.stdout, r"added institution (\d+)")
        self.assertEqual(self.as_json("eka", "institution", "show", home)["reg_status"], "unregistered")
        self.as_ok("eka", "institution", "update", home, "--reg-no", "LKSA-3671-077",
                   "--reg-status", "registered", "--reg-date", "2026-02-01",
                   "--reg-expires", "2031-02-01")
        return home

    def draft(self, home, date="2026-03-14"):
        r = self.as_ok("sari", "visit", "new", "--institution", home, "--checklist",
                       "akreditasi-lksa", "--date", date, "--type", "accreditation",
                       "--member", "sari:ketua", "--member", "tari:anggota")
        visit = self.number(r.stdout, r"(\d+)")
        return visit

    def answer_all(self, user, visit, answers):
        args = []
        for item, value in answers:
            args += ["--na", item] if value is None else ["%s=%s" % (item, value)]
        self.as_ok(user, "visit", "answer", visit, *args)

    def visit_json(self, visit, user="ani"):
        return self.as_json(user, "visit", "show", visit)

    def decision_of(self, review, user="dewi"):
        doc = self.as_json(user, "review", "show", review)
        self.assertEqual(doc["status"], "decided", doc)
        return doc["decision_id"]

    def panel_decides(self, review, grade, voters=("dewi", "rina")):
        for member in voters:
            self.as_ok(member, "review", "declare", review, "--no-conflict")
        self.as_fails("tono", "review", "declare", review, "--conflict", code=2)   # no text
        self.as_ok("tono", "review", "declare", review, "--conflict", "saya pengurus yayasan ini")
        # a conflicted member cannot vote
        self.as_fails("tono", "review", "vote", review, "--grade", grade, contains="conflict")
        # before the quorum, no decision
        self.as_ok(voters[0], "review", "vote", review, "--grade", grade)
        self.as_fails(voters[0], "review", "decide", review, contains="quorum")
        self.as_ok(voters[1], "review", "vote", review, "--grade", grade)
        self.as_ok(voters[1], "review", "decide", review)
        return self.decision_of(review)

    # ---- the story ----

    def test_an_accreditation_from_registration_to_an_appeal_tells_its_whole_story(self):
        home = self.register_home()
        answers = sample_answers()
        self.assertEqual(len(answers), 40)

        # -- a draft visit by two BALKS assessors; each answers every item as themselves
        visit = self.draft(home)
        v = self.visit_json(visit)
        self.assertEqual((v["state"], v["type"], v["checklist_id"]), ("draft", "accreditation",
                                                                     "akreditasi-lksa"))
        self.assertEqual(sorted(m["name"] for m in v["team"]), ["sari", "tari"])
        self.assertEqual(v["answers"], [])
        # a board member cannot record answers; a BALKS assessor not on the team neither
        self.denied("dewi", "visit", "answer", visit, "S1.01=4", what="record answers")
        self.answer_all("sari", visit, answers)
        tari = [(i, "4") if i == "S2.03" else (i, v_) for i, v_ in answers]
        self.answer_all("tari", visit, tari)

        # -- S2.03: sari 3, tari 4 -> the one disagreement; submitting is refused naming it
        items = self.as_json("sari", "visit", "answers", visit)["items"]
        by_item = {it["item_id"]: it for it in items}
        self.assertEqual([it["item_id"] for it in items if it["disagreement"]], ["S2.03"])
        self.assertEqual(sorted((m["user"], m["value"]) for m in by_item["S2.03"]["members"]),
                         [("sari", "3"), ("tari", "4")])
        self.assertFalse(by_item["S1.01"]["disagreement"])
        self.as_fails("sari", "visit", "submit", visit, contains="S2.03")
        self.as_fails("sari", "score", visit)                        # a draft is not scored
        self.as_fails("sari", "visit", "reconcile", visit, "S2.03", "3", "--reason", "  ")
        self.as_ok("sari", "visit", "reconcile", visit, "S2.03", "3", "--reason",
                   "Peninjauan rencana pengasuhan tidak selalu tiap 6 bulan (berkas 2 dan 4)")
        items = {it["item_id"]: it for it in self.as_json("tari", "visit", "answers", visit)["items"]}
        self.assertEqual(items["S2.03"]["reconciliation"]["value"], "3")
        self.as_ok("tari", "visit", "submit", visit)
        v = self.visit_json(visit)
        self.assertEqual(v["state"], "submitted")
        self.assertEqual(len(v["answers"]), 40)
        self.assertEqual({a["item_id"]: a["value"] for a in v["answers"]}["S2.03"], "3")
        self.as_fails("sari", "visit", "answer", visit, "S1.01=3", contains="submitted")

        # -- scored with the real script: the sample's figures (95.03, A)
        self.as_ok("sari", "score", visit)
        v = self.visit_json(visit)
        self.assertEqual(v["state"], "scored")
        self.assertAlmostEqual(v["score"]["total"], 95.03, places=2)
        self.assertEqual(v["score"]["grade"], "A")

        # -- an assessor overrides a section, with a rationale; a short one is refused; the
        #    computed score is kept beside it
        self.as_fails("sari", "score", "override", visit, "--section", "S2", "--score", "20",
                      "--reason", "terlalu singkat")
        self.denied("dewi", "score", "override", visit, "--section", "S2", "--score", "20",
                    "--reason", "Dewan tidak boleh mengubah nilai penilai lapangan")
        self.as_ok("sari", "score", "override", visit, "--section", "S2", "--score", "22",
                   "--reason", "Berkas kasus anak diperiksa ulang: dua rencana pengasuhan belum "
                               "ditinjau, nilai bagian diturunkan")
        shown = self.as_json("sari", "score", "show", visit)
        s2 = [s for s in shown["sections"] if s["section_id"] == "S2"][0]
        self.assertAlmostEqual(s2["computed"], 23.53, places=2)
        self.assertEqual(s2["effective"], 22)
        self.assertEqual(s2["override"]["by"], "sari")
        self.assertAlmostEqual(shown["score"]["total"], 95.03, places=2)   # the script's total

        # -- the board: an inspector cannot open a board review; a panel of three
        self.denied("budi", "review", "open", visit, "--panel", "dewi,rina,tono")
        r = self.as_ok("dewi", "review", "open", visit, "--panel", "dewi,rina,tono")
        review = self.number(r.stdout, r"opened review (\d+)")
        self.assertEqual(self.visit_json(visit)["state"], "under_review")
        rv = self.as_json("dewi", "review", "show", review)
        self.assertEqual((rv["status"], rv["quorum"], sorted(m["user"] for m in rv["panel"])),
                         ("open", 2, ["dewi", "rina", "tono"]))
        # an inspector cannot decide, an assessor cannot vote
        self.denied("budi", "review", "decide", review)
        self.denied("sari", "review", "vote", review, "--grade", "A")
        first = self.panel_decides(review, "A")

        # -- the decision: A for five years, evidence verified, the visit locked
        d = self.as_json("ani", "decision", "show", first)
        self.assertEqual((d["kind"], d["outcome"], d["visit_id"], d["institution_id"]),
                         ("accreditation", "A", visit, home))
        self.assertEqual(d["valid_until"], add_years(d["valid_from"], 5))
        self.assertEqual(d["panel_size"], 3)
        self.assertEqual(d["votes_cast"], 2)
        self.assertIsNone(d["supersedes"])
        self.assertEqual(self.visit_json(visit)["state"], "decided")
        check = self.as_json("ani", "decision", "verify", first)
        self.assertEqual((check["decision_id"], check["matches"]), (first, True))
        self.assertEqual(check["current_sha256"], d["evidence_sha256"])
        self.as_fails("sari", "score", visit)                           # decided: locked
        self.as_fails("sari", "score", "override", visit, "--grade", "B", "--reason",
                      "Setelah keputusan tidak ada lagi perubahan nilai")

        # -- a failed item becomes a finding with a corrective plan ...
        self.denied("dewi", "finding", "add", visit, "--item", "S5.05", "--severity", "rendah",
                    "--agency", "Dinas Sosial", "--description", "Belum ada latihan evakuasi",
                    "--due", "2026-09-30")
        r = self.as_ok("sari", "finding", "add", visit, "--item", "S5.05", "--severity", "rendah",
                       "--agency", "Dinas Sosial", "--description", "Belum ada latihan evakuasi",
                       "--due", "2026-09-30")
        finding = self.number(r.stdout, r"finding (\d+)")
        self.as_ok("sari", "finding", "plan", finding, "--action",
                   "Latihan evakuasi tiap semester bersama BPBD", "--responsible",
                   "Kepala LKSA", "--target", "2026-05-30")
        f = self.as_json("ani", "finding", "show", finding)
        self.assertEqual((f["status"], f["item_id"], f["visit_id"]), ("open", "S5.05", visit))
        self.assertEqual(len(f["plans"]), 1)

        # ... closed only by a later verification visit that answered the item without a flag
        self.as_fails("sari", "finding", "close", finding, "--visit", visit)   # its own visit
        verification = self.verification_visit(home, "2026-06-01", {"S5.05": "4"})
        self.as_ok("budi", "finding", "close", finding, "--visit", verification)
        f = self.as_json("ani", "finding", "show", finding)
        self.assertEqual((f["status"], f["closed_by_visit"]), ("closed", verification))

        # -- an appeal opens a linked review; its decision (B, 3 years) supersedes the first
        self.denied("sari", "review", "appeal", first, "--reason", "keberatan lembaga",
                    "--panel", "dewi,rina,tono")
        r = self.as_ok("dewi", "review", "appeal", first, "--reason",
                       "Lembaga menyampaikan keberatan atas nilai aspek pengasuhan",
                       "--panel", "dewi,rina,tono")
        appeal = self.number(r.stdout, r"opened appeal (\d+)")
        rv = self.as_json("dewi", "review", "show", appeal)
        self.assertEqual((rv["kind"], rv["reopens"], rv["visit_id"]), ("appeal", review, visit))
        second = self.panel_decides(appeal, "B")
        d2 = self.as_json("ani", "decision", "show", second)
        self.assertEqual((d2["outcome"], d2["supersedes"]), ("B", first))
        self.assertEqual(d2["valid_until"], add_years(d2["valid_from"], 3))
        self.assertEqual(self.as_json("ani", "decision", "show", first)["superseded_by"], second)
        self.assertTrue(self.as_json("ani", "decision", "verify", second)["matches"])
        # the first still verifies: it was never edited
        self.assertTrue(self.as_json("ani", "decision", "verify", first)["matches"])
        # the first decision cannot be appealed again: it is superseded
        self.as_fails("dewi", "review", "appeal", first, "--reason", "banding kedua",
                      "--panel", "dewi,rina")

        # -- the institution tells it all
        doc = self.timeline(home)
        self.assertEqual(doc["id"], home)
        self.assertEqual(doc["reg_status"], "registered")
        st = doc["status"]
        self.assertEqual(st["registration"]["validity"], "valid")
        self.assertEqual(st["accreditation"]["decision_id"], second)
        self.assertEqual(st["accreditation"]["grade"], "B")
        self.assertEqual(st["accreditation"]["valid_until"], d2["valid_until"])
        self.assertIsNone(st["last_accreditation"])
        self.assertEqual(st["findings"], {"open": 0, "overdue": 0})
        self.assertIsNone(st["sanction"])
        kinds = [e["kind"] for e in doc["timeline"]]
        self.assertEqual(kinds.count("visit"), 2)
        self.assertEqual(kinds.count("decision"), 2)
        self.assertEqual(kinds.count("registration"), 2)    # added unregistered, then registered
        for kind in ("finding", "plan", "finding_closed"):
            self.assertEqual(kinds.count(kind), 1, kind)
        texts = {e["kind"] + str(e["id"]): e["text"] for e in doc["timeline"]}
        self.assertIn("tidak terdaftar → terdaftar", texts["registration" + str(
            [e for e in doc["timeline"] if e["kind"] == "registration"][1]["id"])])
        self.assertIn("digantikan oleh keputusan %d" % second, texts["decision%d" % first])
        self.assertIn("banding, menggantikan keputusan %d" % first, texts["decision%d" % second])
        self.assertIn("diverifikasi oleh kunjungan %d" % verification, texts["finding_closed%d" % finding])
        dates = [e["date"] for e in doc["timeline"]]
        self.assertEqual(dates, sorted(dates))
        self.assertEqual(doc["timeline"][0]["visit_id"], visit)     # 2026-03-14 comes first
        # an accreditation past its validity is no longer in force, and is named
        later = self.timeline(home, today=add_years(d2["valid_until"], 1))
        self.assertIsNone(later["status"]["accreditation"])
        self.assertEqual(later["status"]["last_accreditation"]["decision_id"], second)

        # -- and the audit chain verifies after all of it
        r = self.as_ok("ani", "audit", "verify")
        self.assertIn("audit chain intact", r.stdout)

    def verification_visit(self, home, date, changes):
        """A later visit of the home by an inspector, imported and scored: the sample's answers
        with `changes`. Returns its id."""
        with open(SAMPLE, encoding="utf-8") as f:
            text = f.read()
        text = text.replace("#institution;LKSA-3671-001", "#institution;%d" % home)
        text = text.replace("#date;2026-03-14", "#date;%s" % date)
        text = text.replace("#type;akreditasi", "#type;rutin")
        lines = []
        for line in text.splitlines():
            item = line.split(";")[0]
            if item in changes:
                line = "%s;%s;" % (item, changes[item])
            lines.append(line)
        path = self.write("verifikasi-%s.csv" % date, "\n".join(lines) + "\n")
        r = self.as_ok("budi", "visit", "import", path)
        visit = self.number(r.stdout, r"\(id (\d+)\)")
        self.as_ok("budi", "score", visit)
        return visit

    # ---- the story's refusals, each on its own ----

    def test_a_board_decision_needs_a_strict_majority_and_only_panel_members_decide(self):
        home = self.register_home()
        visit = self.draft(home)
        self.answer_all("sari", visit, sample_answers())
        self.as_ok("sari", "visit", "submit", visit)
        self.as_ok("sari", "score", visit)
        r = self.as_ok("dewi", "review", "open", visit, "--panel", "dewi,rina", "--quorum", "2")
        review = self.number(r.stdout, r"opened review (\d+)")
        # tono is a board member, but not on this panel
        self.as_fails("tono", "review", "declare", review, "--no-conflict")
        self.as_fails("rina", "review", "vote", review, "--grade", "A")     # no declaration yet
        for member, grade in (("dewi", "A"), ("rina", "B")):
            self.as_ok(member, "review", "declare", review, "--no-conflict")
            self.as_ok(member, "review", "vote", review, "--grade", grade)
        self.as_fails("dewi", "review", "decide", review)                   # a tie
        self.as_fails("dewi", "review", "vote", review, "--grade", "Z")     # not a grade
        self.as_ok("rina", "review", "vote", review, "--grade", "A")        # changes her vote
        self.as_ok("dewi", "review", "decide", review)
        d = self.as_json("dewi", "decision", "show", self.decision_of(review))
        self.assertEqual(d["outcome"], "A")
        self.assertEqual(d["quorum"], 2)

    def test_a_reviewer_returns_a_visit_and_the_team_resubmits_it(self):
        home = self.register_home()
        visit = self.draft(home)
        self.answer_all("sari", visit, sample_answers())
        self.as_ok("sari", "visit", "submit", visit)
        self.as_ok("sari", "score", visit)
        self.as_fails("dewi", "review", "return", visit, code=2, contains="--reason")
        self.as_ok("dewi", "review", "return", visit, "--reason", "Butir S3.04 tanpa bukti audit")
        self.assertEqual(self.visit_json(visit)["state"], "returned")
        self.as_fails("sari", "score", visit, contains="returned")
        self.as_ok("sari", "visit", "answer", visit, "S3.04=2")
        self.as_ok("sari", "visit", "submit", visit, "--reason", "S3.04 dikoreksi")
        self.as_ok("sari", "score", visit)
        history = self.as_json("sari", "visit", "history", visit)["items"]
        self.assertEqual([(h["from"], h["to"]) for h in history],
                         [(None, "draft"), ("draft", "submitted"), ("submitted", "scored"),
                          ("scored", "returned"), ("returned", "submitted"),
                          ("submitted", "scored")])
        self.assertEqual(history[3]["reason"], "Butir S3.04 tanpa bukti audit")
        self.assertEqual(history[3]["actor"], "dewi")


class InstitutionStory(WorkflowHelpers, CliTestCase):
    """institution show's status and story with what exists without a board: registration
    changes and imported, scored visits."""

    def setUp(self):
        super().setUp()
        self.setup_users({"ani": ("admin", "Dinas Sosial"), "budi": ("inspector", "Dinas Sosial"),
                          "eka": ("officer", "Dinas Sosial")})
        self.as_ok("ani", "checklist", "load", AKREDITASI)

    def test_show_tells_registration_changes_and_visits_year_by_year(self):
        r = self.as_ok("eka", "institution", "add", "--name", "LKSA Kasih Ibu", "--kind", "LKSA")
        home = self.number(r.stdout, r"added institution (\d+)")
        self.as_ok("eka", "institution", "update", home, "--reg-no", "LKSA-3671-077",
                   "--reg-status", "registered", "--reg-expires", "2027-01-31")
        self.as_ok("eka", "institution", "update", home, "--capacity", "30")   # not a registration change
        with open(SAMPLE, encoding="utf-8") as f:
            sample = f.read()
        path = self.write("v.csv", sample.replace("#institution;LKSA-3671-001", "#institution;LKSA-3671-077")
                          .replace("#date;2026-03-14", "#date;2025-03-14"))
        self.as_ok("budi", "visit", "import", path)
        self.as_ok("budi", "score", "--all")

        doc = self.timeline(home, today="2026-12-01")
        self.assertEqual(doc["capacity"], 30)                       # the institution's keys
        st = doc["status"]
        self.assertEqual(st["today"], "2026-12-01")
        self.assertEqual(st["registration"], {
            "reg_status": "registered", "label": "terdaftar", "reg_date": None,
            "reg_expires": "2027-01-31", "validity": "expiring", "days_left": 61})
        self.assertIsNone(st["accreditation"])
        self.assertIsNone(st["last_accreditation"])
        self.assertIsNone(st["sanction"])
        self.assertEqual(st["findings"], {"open": 0, "overdue": 0})
        self.assertEqual([(e["kind"], e["visit_id"]) for e in doc["timeline"]],
                         [("visit", 1), ("registration", None), ("registration", None)])
        visit, added, registered = doc["timeline"]
        self.assertEqual(visit["date"], "2025-03-14")
        self.assertEqual(visit["text"], "Kunjungan akreditasi 1 (akreditasi-lksa): dinilai, nilai "
                                        "95,03 dari 100, peringkat A (Sangat Baik), 1 tanda bahaya")
        # (32 children in care, in S6.01, for a capacity of 30: the script flags it)
        self.assertEqual(added["text"], "Lembaga dicatat: tidak terdaftar")
        self.assertEqual(registered["text"], "Registrasi diubah: status tidak terdaftar → terdaftar; "
                                             "nomor - → LKSA-3671-077; berlaku s.d. - → 2027-01-31")

        out = self.as_ok("budi", "institution", "show", "LKSA-3671-077", "--today", "2027-02-01").stdout
        self.assertIn("Status per 2027-02-01", out)
        self.assertIn("Registrasi:  terdaftar, nomor LKSA-3671-077, berlaku s.d. 2027-01-31: "
                      "kedaluwarsa", out)
        self.assertIn("Akreditasi:  belum ada keputusan akreditasi", out)
        self.assertIn("Sanksi:      tidak ada", out)
        self.assertIn("Temuan:      0 terbuka, 0 lewat batas waktu", out)
        lines = out.splitlines()
        riwayat = lines.index("Riwayat")
        self.assertEqual(lines[riwayat + 1], "2025")
        self.assertTrue(lines[riwayat + 2].startswith("  2025-03-14  Kunjungan akreditasi 1"))

    def test_show_refuses_a_bad_today(self):
        r = self.as_ok("eka", "institution", "add", "--name", "LKSA Kasih Ibu", "--kind", "LKSA")
        line = self.as_fails("budi", "institution", "show", "1", "--today", "2026-02-30")
        self.assertEqual(line, "pantau: invalid date '2026-02-30' (YYYY-MM-DD)")
        self.assertIn("added institution 1", r.stdout)


if __name__ == "__main__":
    clitest.main()
