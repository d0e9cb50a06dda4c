"""pantau institution add / list / show / update / import."""
import clitest
from clitest import INSTITUTIONS, data

KEYS = ["id", "reg_no", "name", "kind", "owner", "address", "kelurahan", "kecamatan",
        "kabupaten_kota", "province", "latitude", "longitude", "capacity", "children_in_care",
        "reg_status", "reg_date", "reg_expires", "contact_name", "contact_phone", "contact_email",
        "created_at", "updated_at"]


class Add(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.init_db()

    def test_add_prints_the_new_id_and_stores_every_field_given(self):
        r = self.ok("institution", "add", "--name", "LKSA Harapan", "--kind", "LKSA",
                    "--reg-no", "UJI-9", "--kabupaten-kota", "Kota Tangerang", "--capacity", "40",
                    "--children-in-care=32", "--latitude", "-6.1781", "--longitude", "106.6319",
                    "--contact-email", "harapan@example.org", "--reg-date", "2022-02-10")
        self.assertEqual(r.stdout, "added institution 1\n")
        row = self.sql("SELECT reg_no, name, kind, kabupaten_kota, capacity, children_in_care, "
                       "latitude, longitude, contact_email, reg_date, reg_status FROM institution")
        self.assertEqual(row, [("UJI-9", "LKSA Harapan", "LKSA", "Kota Tangerang", 40, 32, -6.1781,
                                106.6319, "harapan@example.org", "2022-02-10", "registered")])

    def test_reg_status_defaults_to_registered_with_a_reg_no_else_unregistered(self):
        self.ok("institution", "add", "--name", "Terdaftar", "--kind", "LKSA", "--reg-no", "UJI-1")
        self.ok("institution", "add", "--name", "Belum", "--kind", "LKSA")
        self.ok("institution", "add", "--name", "Dicabut", "--kind", "LKSA", "--reg-no", "UJI-2",
                "--reg-status", "revoked")
        self.assertEqual(self.sql("SELECT name, reg_status FROM institution ORDER BY id"),
                         [("Terdaftar", "registered"), ("Belum", "unregistered"),
                          ("Dicabut", "revoked")])

    def test_name_and_kind_are_required(self):
        self.assertIn("--name is required", self.fails("institution", "add", "--kind", "LKSA", code=2))
        self.assertIn("--kind is required", self.fails("institution", "add", "--name", "X", code=2))
        self.assertEqual(self.count("institution"), 0)

    def test_an_unknown_field_option_is_a_usage_error(self):
        line = self.fails("institution", "add", "--name", "X", "--kind", "LKSA", "--children",
                          "3", code=2)
        self.assertIn("'--children'", line)
        self.assertEqual(self.count("institution"), 0)

    def test_a_bad_value_fails_naming_the_field_and_writes_nothing(self):
        line = self.fails("institution", "add", "--name", "X", "--kind", "Panti")
        self.assertIn("kind", line)
        line = self.fails("institution", "add", "--name", "X", "--kind", "LKSA", "--capacity", "-4")
        self.assertIn("capacity", line)
        self.assertEqual(self.count("institution"), 0)

    def test_a_duplicate_registration_number_is_refused(self):
        self.ok("institution", "add", "--name", "A", "--kind", "LKSA", "--reg-no", "UJI-1")
        line = self.fails("institution", "add", "--name", "B", "--kind", "LKSA", "--reg-no", "UJI-1")
        self.assertIn("UJI-1", line)
        self.assertEqual(self.count("institution"), 1)


class ListShowUpdate(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.init_db()
        self.import_institutions()

    def test_list_json_has_every_field_in_documented_order(self):
        doc = self.json("institution", "list")
        self.assertEqual(list(doc), ["items"])
        self.assertEqual([i["name"] for i in doc["items"]],
                         ["LKSA Uji Satu", "LKSA Ceria Ñusantara", "Rumah Singgah Uji"])
        for item in doc["items"]:
            self.assertEqual(list(item), KEYS)
        third = doc["items"][2]
        self.assertIsNone(third["reg_no"])
        self.assertIsNone(third["capacity"])
        self.assertEqual(third["children_in_care"], 14)
        self.assertEqual(third["reg_status"], "unregistered")

    def test_list_aligns_columns_by_code_points_not_bytes(self):
        lines = self.ok("institution", "list").stdout.splitlines()
        self.assertEqual(len(lines), 2 + 3)
        col = lines[0].index("KIND")
        for line in lines[2:]:
            self.assertEqual(line[col:col + 4], "LKSA", line)   # str indexes count code points
        self.assertIn("LKSA Ceria Ñusantara", lines[3])

    def test_show_finds_by_id_or_registration_number(self):
        by_id = self.json("institution", "show", "2")
        by_reg = self.json("institution", "show", "UJI-002")
        self.assertEqual(by_id, by_reg)
        # the institution's keys first, then its status and story (institution_story.c)
        self.assertEqual(list(by_id), KEYS + ["status", "timeline"])
        self.assertEqual((by_id["id"], by_id["name"], by_id["province"]),
                         (2, "LKSA Ceria Ñusantara", "Sumatera Utara"))
        out = self.ok("institution", "show", "UJI-002").stdout
        self.assertIn("LKSA Ceria Ñusantara", out)
        self.assertIn("Kota Binjai", out)

    def test_show_of_an_unknown_institution_fails(self):
        self.assertIn("UJI-404", self.fails("institution", "show", "UJI-404"))

    def test_update_changes_only_the_given_fields(self):
        r = self.ok("institution", "update", "UJI-001", "--children-in-care", "35",
                    "--contact-phone", "0812-1")
        self.assertEqual(r.stdout, "updated institution 1\n")
        self.assertEqual(self.sql("SELECT children_in_care, contact_phone, capacity, name "
                                  "FROM institution WHERE id = 1"),
                         [(35, "0812-1", 40, "LKSA Uji Satu")])

    def test_update_with_a_bad_value_changes_nothing(self):
        before = self.snapshot()
        line = self.fails("institution", "update", "1", "--children-in-care", "35",
                          "--reg-date", "2026-02-30")
        self.assertIn("reg_date", line)
        self.assertEqual(self.snapshot(), before)

    def test_update_needs_a_field(self):
        self.assertIn("no field", self.fails("institution", "update", "1", code=2))


class Import(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.init_db()

    def test_import_adds_then_updates_by_registration_number(self):
        r = self.ok("institution", "import", INSTITUTIONS)
        self.assertEqual(r.stdout, "imported %s: 3 added, 0 updated\n" % INSTITUTIONS)
        self.assertEqual(self.count("institution"), 3)
        r = self.ok("institution", "import", INSTITUTIONS)
        # the row without reg_no cannot be matched, so it is added again
        self.assertRegex(r.stdout, r"^imported .*: 1 added, 2 updated\n$")
        self.assertEqual(self.count("institution", "reg_no IS NOT NULL"), 2)

    def test_a_bad_row_names_file_line_and_field_and_writes_nothing(self):
        line = self.fails("institution", "import", data("institutions-bad.csv"))
        self.assertIn("institutions-bad.csv:3", line)
        self.assertIn("capacity", line)
        self.assertEqual(self.count("institution"), 0)

    def test_a_missing_file_fails(self):
        self.assertIn("absent.csv", self.fails("institution", "import", "absent.csv"))


if __name__ == "__main__":
    clitest.main()
