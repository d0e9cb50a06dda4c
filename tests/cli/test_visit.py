"""pantau visit import / list / show."""
import clitest
from clitest import data

LIST_KEYS = ["id", "institution_id", "institution_name", "checklist_id", "checklist_version",
             "date", "type", "n_answers", "scored", "total", "max", "grade", "n_flags", "state"]
SHOW_KEYS = ["id", "institution_id", "institution_name", "checklist_id", "checklist_version",
             "date", "type", "state", "notes", "created_at", "team", "answers", "score", "overrides",
             "history"]


class Import(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.init_db()
        self.load_checklist()
        self.import_institutions()

    def test_a_csv_visit_is_imported_with_its_team_and_answers(self):
        r = self.ok("visit", "import", data("visit-b.csv"))
        self.assertEqual(r.stdout, "imported 1 visit (id 1) from %s\n" % data("visit-b.csv"))
        self.assertEqual(self.sql("SELECT institution_id, visit_date, visit_type, notes FROM visit"),
                         [(1, "2026-03-14", "accreditation", "Kunjungan pagi")])
        self.assertEqual(self.sql("SELECT name, agency, role FROM visit_team ORDER BY position"),
                         [("Siti Rahma", "Dinas Sosial", "ketua"),
                          ("Budi Santoso", "Satpol PP", "anggota")])
        self.assertEqual(self.sql("SELECT item_id, value, na, note FROM answer ORDER BY position"),
                         [("S1.01", "ya", 0, "Dokumen ada"), ("S1.02", "2", 0, None),
                          ("S2.01", "4", 0, None), ("S2.02", "sebagian", 0, None),
                          ("S2.03", "Pengasuh ramah", 0, None)])

    def test_an_xml_visit_is_imported(self):
        r = self.ok("visit", "import", data("visit-gate.xml"))
        self.assertEqual(r.stdout, "imported 1 visit (id 1) from %s\n" % data("visit-gate.xml"))
        self.assertEqual(self.sql("SELECT v.visit_type, i.reg_no FROM visit v "
                                  "JOIN institution i ON i.id = v.institution_id"),
                         [("routine", "UJI-002")])
        self.assertEqual(self.count("answer"), 3)

    def test_several_files_and_several_visits_per_file_get_consecutive_ids(self):
        two = self.write("two.csv", "#institution;UJI-001\n#checklist;uji-cli@1.0\n#date;2026-06-01\n"
                         "#type;rutin\nitem;value;note\nS1.01;ya;\n"
                         "#institution;UJI-002\n#checklist;uji-cli@1.0\n#date;2026-06-02\n"
                         "#type;rutin\nitem;value;note\nS1.01;tidak;\n")
        r = self.ok("visit", "import", data("visit-b.csv"), two)
        self.assertEqual(r.stdout.splitlines(),
                         ["imported 1 visit (id 1) from %s" % data("visit-b.csv"),
                          "imported 2 visits (ids 2-3) from %s" % two])
        self.assertEqual(self.count("visit"), 3)

    def test_options_give_what_the_file_leaves_out(self):
        bare = self.write("bare.csv", "item,value,note\nS1.01,ya,\nS1.02,NA,\n")
        self.ok("visit", "import", bare, "--institution", "UJI-002", "--checklist", "uji-cli@1.0",
                "--date", "2026-07-01", "--type", "complaint",
                "--team", "Andi|DP3A|ketua;Budi|Dinas Sosial|anggota")
        self.assertEqual(self.sql("SELECT institution_id, visit_date, visit_type FROM visit"),
                         [(2, "2026-07-01", "complaint")])
        self.assertEqual(self.sql("SELECT name, agency, role FROM visit_team ORDER BY position"),
                         [("Andi", "DP3A", "ketua"), ("Budi", "Dinas Sosial", "anggota")])
        self.assertEqual(self.sql("SELECT item_id, value, na FROM answer ORDER BY position"),
                         [("S1.01", "ya", 0), ("S1.02", None, 1)])

    def test_a_bad_visit_file_writes_nothing_and_names_file_line_and_item(self):
        before = self.snapshot()
        line = self.fails("visit", "import", data("visits-bad.csv"))
        self.assertIn("visits-bad.csv:14", line)
        self.assertIn("S1.02", line)
        self.assertEqual(self.count("visit"), 0)
        self.assertEqual(self.count("answer"), 0)
        self.assertEqual(self.snapshot(), before)

    def test_an_unknown_institution_writes_nothing(self):
        who = self.write("who.csv", "#institution;UJI-404\n#checklist;uji-cli@1.0\n"
                         "#date;2026-03-14\n#type;rutin\nitem;value;note\nS1.01;ya;\n")
        line = self.fails("visit", "import", who)
        self.assertIn("UJI-404", line)
        self.assertEqual(self.count("visit"), 0)

    def test_a_failing_file_stops_the_command_after_the_files_before_it(self):
        r = self.run_pantau("visit", "import", data("visit-b.csv"), data("visits-bad.csv"),
                            data("visit-gate.xml"))
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "imported 1 visit (id 1) from %s\n" % data("visit-b.csv"))
        self.assertEqual(len(r.stderr.splitlines()), 1)
        self.assertEqual(self.count("visit"), 1)

    def test_import_without_a_file_is_a_usage_error(self):
        self.fails("visit", "import", "--date", "2026-01-01", code=2)


class ListAndShow(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.setup_visits()

    def test_list_json_has_one_item_per_visit_by_date(self):
        doc = self.json("visit", "list")
        self.assertEqual(list(doc), ["items"])
        self.assertEqual([v["id"] for v in doc["items"]], [1, 2])
        for item in doc["items"]:
            self.assertEqual(list(item), LIST_KEYS)
        first = doc["items"][0]
        self.assertEqual((first["institution_name"], first["checklist_id"], first["checklist_version"],
                          first["date"], first["type"], first["n_answers"], first["scored"],
                          first["total"], first["grade"]),
                         ("LKSA Uji Satu", "uji-cli", "1.0", "2026-03-14", "accreditation", 5, False,
                          None, None))

    def test_list_filters_by_institution(self):
        doc = self.json("visit", "list", "--institution", "UJI-002")
        self.assertEqual([v["id"] for v in doc["items"]], [2])
        doc = self.json("visit", "list", "--institution", "1")
        self.assertEqual([v["id"] for v in doc["items"]], [1])
        self.assertIn("UJI-404", self.fails("visit", "list", "--institution", "UJI-404"))

    def test_list_prints_a_table(self):
        lines = self.ok("visit", "list").stdout.splitlines()
        self.assertEqual(len(lines), 4)
        self.assertIn("2026-03-14", lines[2])
        self.assertIn("uji-cli@1.0", lines[2])
        self.assertIn("LKSA Ceria Ñusantara", lines[3])

    def test_show_json_has_header_team_answers_with_item_text_and_no_score_yet(self):
        doc = self.json("visit", "show", "1")
        self.assertEqual(list(doc), SHOW_KEYS)
        self.assertEqual(doc["team"][0], {"name": "Siti Rahma", "agency": "Dinas Sosial", "role": "ketua"})
        self.assertEqual(doc["answers"][0], {
            "item_id": "S1.01", "section_id": "S1",
            "text": "Lembaga memiliki kebijakan perlindungan anak yang tertulis",
            "value": "ya", "na": False, "note": "Dokumen ada"})
        self.assertIsNone(doc["score"])

    def test_show_prints_the_answers_with_their_item_text(self):
        out = self.ok("visit", "show", "2").stdout
        for text in ("LKSA Ceria Ñusantara", "uji-cli@1.0", "2026-04-02", "routine",
                     "Andi Kurniawan, DP3A, ketua", "S1.01", "tidak", "Kebersihan kamar tidur anak",
                     "Belum ada kebijakan tertulis", "not scored"):
            self.assertIn(text, out)

    def test_show_includes_the_stored_score(self):
        self.ok("score", "1")
        doc = self.json("visit", "show", "1")
        self.assertEqual(doc["score"]["total"], 65)
        self.assertIn("grade B (Baik)", self.ok("visit", "show", "1").stdout)

    def test_show_of_an_unknown_visit_fails(self):
        self.assertIn("99", self.fails("visit", "show", "99"))


if __name__ == "__main__":
    clitest.main()
