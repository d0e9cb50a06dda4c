"""pantau score VISIT_ID | --all: totals the tiny checklist's script gives, stored once per visit."""
import os
import pty
import subprocess

import clitest

SCORE_KEYS = ["visit_id", "total", "max", "grade", "grade_label", "valid_until", "checklist_sha256",
              "script_sha256", "scored_at", "sections", "flags"]


class Score(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.setup_visits()

    def test_scoring_one_visit_prints_and_stores_total_grade_and_sections(self):
        out = self.ok("score", "1").stdout
        self.assertTrue(out.startswith("visit 1: total 65/100, grade B (Baik), valid until 2029-03-14\n"),
                        out)
        self.assertEqual(self.sql("SELECT total, maximum, grade, grade_label, valid_until FROM score"),
                         [(65.0, 100.0, "B", "Baik", "2029-03-14")])
        self.assertEqual(self.sql("SELECT section_id, score, maximum FROM score_section "
                                  "WHERE visit_id = 1 ORDER BY position"),
                         [("S1", 45.0, 60.0), ("S2", 20.0, 40.0)])

    def test_score_json_has_the_documented_keys(self):
        doc = self.json("score", "1")
        self.assertEqual(list(doc), SCORE_KEYS)
        self.assertEqual((doc["visit_id"], doc["total"], doc["max"], doc["grade"], doc["grade_label"]),
                         (1, 65, 100, "B", "Baik"))
        self.assertEqual(doc["sections"][0], {"section_id": "S1", "score": 45, "max": 60,
                                              "justification": "1.5 dari 2 bobot terpenuhi"})
        self.assertEqual(doc["flags"], [])
        self.assertRegex(doc["checklist_sha256"], "^[0-9a-f]{64}$")
        self.assertRegex(doc["script_sha256"], "^[0-9a-f]{64}$")
        self.assertEqual(self.sql("SELECT checklist_sha256, script_sha256 FROM score"),
                         [(doc["checklist_sha256"], doc["script_sha256"])])

    def test_a_failed_gate_caps_the_grade_and_raises_a_flag(self):
        doc = self.json("score", "2")
        self.assertEqual((doc["total"], doc["grade"], doc["grade_label"]), (70, "C", "Cukup"))
        self.assertEqual(doc["flags"], [{"code": "GATE", "severity": "kritis", "agency": "DP3A",
                                         "item_id": "S1.01",
                                         "message": "Tidak ada kebijakan perlindungan anak"}])
        out = self.ok("score", "2").stdout
        self.assertIn("[kritis] GATE S1.01 (DP3A): Tidak ada kebijakan perlindungan anak", out)

    def test_rescoring_is_idempotent(self):
        first = self.json("score", "1")
        second = self.json("score", "1")
        self.assertEqual(first["total"], second["total"])
        self.assertEqual(first["script_sha256"], second["script_sha256"])
        self.assertEqual(self.count("score", "visit_id = 1"), 1)
        self.assertEqual(self.count("score_section", "visit_id = 1"), 2)

    def test_score_all_scores_every_visit_once_and_is_quiet_on_a_pipe(self):
        r = self.ok("score", "--all")
        self.assertEqual(r.stdout, "scored 2 visits\n")
        self.assertEqual(self.sql("SELECT visit_id, total, grade FROM score ORDER BY visit_id"),
                         [(1, 65.0, "B"), (2, 70.0, "C")])
        self.ok("score", "--all")
        self.assertEqual(self.count("score"), 2)
        self.assertEqual(self.count("score_flag"), 1)
        self.assertEqual(self.json("score", "--all"),
                         {"scored": 2, "not_scored": {"draft": 0, "under_review": 0,
                                                      "returned": 0, "decided": 0}})

    def test_score_all_shows_progress_only_on_a_terminal(self):
        master, slave = pty.openpty()
        try:
            r = self.run_pantau("score", "--all", stderr=slave)
            os.close(slave)
            slave = None
            seen = b""
            try:
                while True:
                    chunk = os.read(master, 4096)
                    if not chunk:
                        break
                    seen += chunk
            except OSError:
                pass   # EIO: the terminal's other end is closed
        finally:
            if slave is not None:
                os.close(slave)
            os.close(master)
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stdout, "scored 2 visits\n")
        self.assertNotIn(b"pantau:", seen)
        self.assertRegex(seen, rb"\rscoring \d+/2")
        self.assertTrue(seen.endswith(b"\r\x1b[K"), seen)   # the progress line is cleared

    def test_scoring_an_unknown_visit_fails_and_stores_nothing(self):
        self.assertIn("99", self.fails("score", "99"))
        self.assertEqual(self.count("score"), 0)

    def test_a_script_that_fails_names_the_script_and_stores_nothing(self):
        scripts = os.path.join(self.tmp, "scripts")
        os.mkdir(scripts)
        with open(os.path.join(scripts, "uji_cli.lua"), "w") as f:
            f.write("function score(v)\n  error('rusak')\nend\n")
        line = self.fails("score", "1", scripts=scripts)
        self.assertIn("uji_cli.lua", line)
        self.assertIn("rusak", line)
        self.assertEqual(self.count("score"), 0)

    def test_id_and_all_together_are_a_usage_error(self):
        self.fails("score", "1", "--all", code=2)
        self.fails("score", code=2)


if __name__ == "__main__":
    clitest.main()
