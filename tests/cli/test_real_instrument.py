"""The shipped instruments end to end: every checklists/*.xml with its script, and the samples in
checklists/samples/, as the demo runs them. The numbers are asserted by the golden tests
(tests/unit/test_instrument_*.c); this test checks the flow and the shape."""
import glob
import os

import clitest

SRC = clitest.SOURCE_DIR
CHECKLIST = os.path.join(SRC, "checklists", "akreditasi-lksa.xml")
CHECKLISTS = sorted(glob.glob(os.path.join(SRC, "checklists", "*.xml")))
SCRIPTS = os.path.join(SRC, "scripts")
SAMPLES = os.path.join(SRC, "checklists", "samples")
VISITS = sorted(glob.glob(os.path.join(SAMPLES, "visits", "*.csv")) +
                glob.glob(os.path.join(SAMPLES, "visits", "*.xml")))


class RealInstrument(clitest.CliTestCase):
    def test_the_shipped_instrument_validates_loads_and_scores_the_samples(self):
        r = self.ok("checklist", "validate", CHECKLIST, scripts=SCRIPTS)
        self.assertRegex(r.stdout, r"^.*akreditasi-lksa\.xml: ok \(akreditasi-lksa@[^,]+, \d+ items, "
                                   r"sha256 [0-9a-f]{64}\)\n$")
        r = self.ok("checklist", "validate", *CHECKLISTS, scripts=SCRIPTS)
        self.assertEqual(r.stdout.count(": ok ("), len(CHECKLISTS))
        self.ok("init")
        self.ok("checklist", "load", *CHECKLISTS, scripts=SCRIPTS)
        self.ok("institution", "import", os.path.join(SAMPLES, "institutions.csv"))
        r = self.ok("visit", "import", *VISITS, scripts=SCRIPTS)
        self.assertEqual(len(r.stdout.splitlines()), len(VISITS))
        n_visits = self.count("visit")
        self.assertGreaterEqual(n_visits, len(VISITS))
        r = self.ok("score", "--all", scripts=SCRIPTS)
        self.assertEqual(r.stdout, "scored %d visit%s\n" % (n_visits, "" if n_visits == 1 else "s"))
        self.assertEqual(self.count("score"), n_visits)
        doc = self.json("summary", scripts=SCRIPTS)
        self.assertEqual(len(doc["items"]), n_visits)
        for item in doc["items"]:
            self.assertTrue(item["scored"])
            self.assertGreaterEqual(item["total"], 0)
            self.assertLessEqual(item["total"], item["max"])
        show = self.ok("checklist", "show", "akreditasi-lksa").stdout
        self.assertIn("(bawaan pantau, bukan angka resmi)", show)
        # re-scoring everything gives the same totals
        before = self.sql("SELECT visit_id, total, grade FROM score ORDER BY visit_id")
        self.ok("score", "--all", scripts=SCRIPTS)
        self.assertEqual(self.sql("SELECT visit_id, total, grade FROM score ORDER BY visit_id"), before)


if __name__ == "__main__":
    clitest.main()
