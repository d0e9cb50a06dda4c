"""pantau summary: one line per visit with total, grade and the most severe flag."""
import clitest

ITEM_KEYS = ["visit_id", "institution_id", "institution_name", "date", "checklist_id",
             "checklist_version", "scored", "total", "max", "grade", "grade_label", "valid_until",
             "n_flags", "worst_flag"]


class Summary(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.setup_visits()

    def test_summary_shows_scored_and_unscored_visits(self):
        self.ok("score", "2")
        lines = self.ok("summary").stdout.splitlines()
        self.assertEqual(len(lines), 4)
        for head in ("INSTITUTION", "DATE", "CHECKLIST", "TOTAL", "GRADE", "FLAGS", "MOST SEVERE FLAG"):
            self.assertIn(head, lines[0])
        self.assertIn("LKSA Uji Satu", lines[2])
        self.assertNotIn("/100", lines[2])        # visit 1 is not scored yet
        for text in ("LKSA Ceria Ñusantara", "2026-04-02", "uji-cli@1.0", "70/100", "C Cukup",
                     "[kritis] Tidak ada kebijakan perlindungan anak"):
            self.assertIn(text, lines[3])
        # columns line up (str indexes count code points)
        self.assertEqual(lines[0].index("DATE"), lines[3].index("2026-04-02"))

    def test_summary_json(self):
        self.ok("score", "--all")
        doc = self.json("summary")
        self.assertEqual(list(doc), ["items"])
        self.assertEqual(len(doc["items"]), 2)
        for item in doc["items"]:
            self.assertEqual(list(item), ITEM_KEYS)
        first, second = doc["items"]
        self.assertEqual((first["visit_id"], first["total"], first["grade"], first["grade_label"],
                          first["n_flags"], first["worst_flag"]), (1, 65, "B", "Baik", 0, None))
        self.assertEqual((second["grade"], second["n_flags"]), ("C", 1))
        self.assertEqual(second["worst_flag"]["severity"], "kritis")
        self.assertEqual(second["worst_flag"]["item_id"], "S1.01")

    def test_a_long_flag_text_is_shortened_with_an_ellipsis(self):
        long_msg = "Pesan yang sangat panjang " * 8
        xml = clitest.read_text(clitest.CHECKLIST).replace(
            "Tidak ada kebijakan perlindungan anak</gate>", long_msg.strip() + "</gate>").replace(
            'id="uji-cli" version="1.0"', 'id="uji-cli" version="2.0"')
        self.ok("checklist", "load", self.write("long.xml", xml))
        visit = self.write("v.csv", "#institution;UJI-001\n#checklist;uji-cli@2.0\n#date;2026-08-01\n"
                           "#type;rutin\nitem;value;note\nS1.01;tidak;\n")
        self.ok("visit", "import", visit)
        self.ok("score", "--all")
        line = [l for l in self.ok("summary").stdout.splitlines() if "2026-08-01" in l][0]
        self.assertTrue(line.endswith("…"), line)
        self.assertNotIn(long_msg.strip(), line)

    def test_an_empty_database_gives_an_empty_summary(self):
        self.db = self.db + ".empty"
        self.init_db()
        self.assertEqual(self.json("summary"), {"items": []})
        self.assertEqual(len(self.ok("summary").stdout.splitlines()), 2)


if __name__ == "__main__":
    clitest.main()
