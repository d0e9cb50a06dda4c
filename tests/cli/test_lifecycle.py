"""The life cycle of a visit from the command line: an imported visit starts submitted, a draft
starts as a draft, `visit history` and `visit show` tell every step with who, when and why,
`visit list` shows and filters the state, and a returned visit is corrected by its team and
resubmitted (the return is `pantau review return`)."""
import json

from clitest import CliTestCase, data, main
from test_joint_visit import TeamTestCase


class SingleUserLifecycleTest(CliTestCase):

    def test_an_imported_visit_starts_submitted_and_scoring_moves_it_to_scored(self):
        self.setup_visits()
        out = self.ok("visit", "history", "1").stdout
        self.assertTrue(out.startswith("visit 1: submitted (diajukan)\n"), out)
        rows = [line.split() for line in out.splitlines()[2:]]
        self.assertEqual(rows[0][:4], ["STEP", "FROM", "TO", "BY"])
        self.assertEqual(rows[2][:4], ["1", "-", "submitted", "local"])
        self.ok("score", "1")
        doc = self.json("visit", "history", "1")
        self.assertEqual(doc["visit_id"], 1)
        self.assertEqual(doc["state"], "scored")
        self.assertEqual([(s["from"], s["to"], s["actor"], s["reason"]) for s in doc["items"]],
                         [(None, "submitted", "local", None), ("submitted", "scored", "local", None)])
        self.assertRegex(doc["items"][0]["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_visit_list_shows_the_state_and_filters_by_it(self):
        self.setup_visits()
        self.ok("score", "2")
        out = self.ok("visit", "list").stdout
        header = out.splitlines()[0].split()
        self.assertEqual(header, ["ID", "DATE", "INSTITUTION", "CHECKLIST", "TYPE", "STATE",
                                  "ANSWERS", "TOTAL", "GRADE", "FLAGS"])
        self.assertIn(" submitted ", out.splitlines()[2])
        self.assertIn(" scored ", out.splitlines()[3])
        items = self.json("visit", "list")["items"]
        self.assertEqual([(v["id"], v["state"]) for v in items], [(1, "submitted"), (2, "scored")])
        self.assertEqual([v["id"] for v in self.json("visit", "list", "--state", "scored")["items"]], [2])
        self.assertEqual(self.json("visit", "list", "--state", "draft")["items"], [])
        err = self.fails("visit", "list", "--state", "finished", code=2)
        self.assertIn("unknown visit state 'finished'", err)

    def test_visit_show_tells_the_state_and_the_history(self):
        self.setup_visits()
        self.ok("score", "1")
        out = self.ok("visit", "show", "1").stdout
        self.assertIn("  state:       scored (dinilai)\n", out)
        history = out[out.index("\nhistory\n"):]
        self.assertIn("submitted  scored", history)
        doc = self.json("visit", "show", "1")
        self.assertEqual(doc["state"], "scored")
        self.assertEqual([s["to"] for s in doc["history"]], ["submitted", "scored"])

    def test_history_of_a_missing_visit_fails(self):
        self.setup_visits()
        self.assertEqual(self.fails("visit", "history", "9"), "pantau: visit 9 not found")
        self.fails("visit", "history", code=2)


class TeamLifecycleTest(TeamTestCase):

    def test_a_draft_is_refused_by_score_until_submitted_and_history_names_each_actor(self):
        v = self.new_draft()
        self.assertEqual(self.as_json("budi", "visit", "show", v)["state"], "draft")
        self.assertIn("not scored\n", self.as_ok("budi", "visit", "show", v))
        err = self.as_fails("budi", "score", v)
        self.assertIn("draft", err)
        self.as_ok("sari", "visit", "answer", v, "S1.01=ya", "S2.02=sebagian")
        self.as_ok("dedi", "visit", "submit", v, "--reason", "siap")
        self.as_ok("budi", "score", v)
        doc = self.as_json("eka", "visit", "history", v)
        self.assertEqual([(s["from"], s["to"], s["actor"], s["reason"]) for s in doc["items"]],
                         [(None, "draft", "budi", None), ("draft", "submitted", "dedi", "siap"),
                          ("submitted", "scored", "budi", None)])

    def test_a_returned_imported_visit_is_corrected_and_resubmitted(self):
        # visit-b.csv's team names "Budi Santoso": the user with that full name is on it
        r = self.pantau("--user", "ani", "--password-stdin", "user", "add", "santoso", "--role",
                        "inspector", "--agency", "Satpol PP", "--full-name", "Budi Santoso",
                        stdin="ani-rahasia1\nsantoso-rahasia1\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.pantau("--password-stdin", "login", "--user", "santoso", stdin="santoso-rahasia1\n")
        self.tokens["santoso"] = r.stdout.strip()
        out = self.as_ok("budi", "visit", "import", data("visit-b.csv"))
        v = int(out.split("(id ")[1].split(")")[0])
        self.as_ok("budi", "score", v)
        before = self.as_json("budi", "visit", "show", v)["answers"]

        # submitted and scored visits are closed to corrections
        err = self.as_fails("santoso", "visit", "answer", v, "S2.01=5")
        self.assertIn("is scored: recording answers needs it to be draft or returned", err)
        self.as_ok("dewi", "review", "return", v, "--reason", "jumlah pengasuh perlu dicek ulang")
        self.assertEqual(self.as_json("budi", "visit", "show", v)["state"], "returned")
        self.as_fails("budi", "score", v)
        # budi (not "Budi Santoso") is not on this team
        self.as_fails("budi", "visit", "answer", v, "S2.01=5")
        self.as_ok("santoso", "visit", "answer", v, "S2.01=5")
        self.assertEqual(self.as_ok("santoso", "visit", "submit", v, "--reason", "diperbaiki"),
                         "visit %d resubmitted with 5 answers (run 'pantau score %d')\n" % (v, v))
        after = self.as_json("budi", "visit", "show", v)
        self.assertEqual(after["state"], "submitted")
        changed = [(a["item_id"], a["value"]) for a in after["answers"] if a not in before]
        self.assertEqual(changed, [("S2.01", "5")])
        self.assertEqual([s["to"] for s in after["history"]],
                         ["submitted", "scored", "returned", "submitted"])
        self.assertEqual(after["history"][2]["reason"], "jumlah pengasuh perlu dicek ulang")
        self.assertEqual(after["history"][3]["actor"], "santoso")
        self.as_ok("budi", "score", v)
        self.assertIn("audit chain intact", self.as_ok("ani", "audit", "verify"))


if __name__ == "__main__":
    main()
