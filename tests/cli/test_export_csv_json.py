"""pantau export through the csv and json plugins, on the demo data (every bundled checklist,
the sample institutions and visits, scored): what the files say must equal the database."""
import csv
import io
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import clitest

SOURCE = clitest.SOURCE_DIR
DEMO_SCRIPTS = os.path.join(SOURCE, "scripts")


def demo_database(folder):
    """Builds the demo database in folder (what tools/demo.sh does) and returns its path."""
    db = os.path.join(folder, "demo.db")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU_")}

    def run(*args):
        r = subprocess.run([clitest.BIN, "--db", db, "--scripts", DEMO_SCRIPTS, *args],
                           capture_output=True, text=True, env=env, cwd=folder)
        if r.returncode != 0:
            raise AssertionError("pantau %s: %s" % (" ".join(args), r.stderr))

    checklists = os.path.join(SOURCE, "checklists")
    visits = os.path.join(checklists, "samples", "visits")
    run("init")
    run("checklist", "load", *sorted(os.path.join(checklists, f) for f in os.listdir(checklists)
                                     if f.endswith(".xml")))
    run("institution", "import", os.path.join(checklists, "samples", "institutions.csv"))
    run("visit", "import", *sorted(os.path.join(visits, f) for f in os.listdir(visits)))
    run("score", "--all")
    return db


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def number(text):
    """A CSV number cell, with a decimal point or a decimal comma."""
    return float(text.replace(",", "."))


class DemoExport(clitest.CliTestCase):
    @classmethod
    def setUpClass(cls):
        cls.demo_dir = tempfile.mkdtemp(prefix="pantau-export-")
        cls.demo_db = demo_database(cls.demo_dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.demo_dir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.db = self.demo_db

    def export(self, *args):
        out = os.path.join(self.tmp, "out")
        r = self.ok("export", *args, "-o", out, scripts=DEMO_SCRIPTS)
        return out, r.stdout

    # ---- what the database says ----

    def visits(self, where="1", params=()):
        return self.sql(
            "SELECT v.id, v.visit_date, v.visit_type, i.reg_no, i.name, i.kabupaten_kota, "
            "cv.checklist_id || '@' || cv.version, s.total, s.maximum, s.grade, s.grade_label, "
            "s.valid_until, (SELECT count(*) FROM score_flag f WHERE f.visit_id = v.id) "
            "FROM visit v JOIN institution i ON i.id = v.institution_id "
            "JOIN checklist_version cv ON cv.id = v.checklist_version_id "
            "LEFT JOIN score s ON s.visit_id = v.id WHERE " + where +
            " ORDER BY v.visit_date, v.id", params)

    def sections(self, visit_id):
        return self.sql("SELECT section_id, score FROM score_section WHERE visit_id = ? "
                        "ORDER BY position", (visit_id,))

    # ---- csv, one row per visit ----

    def test_csv_wide_has_one_row_per_visit_equal_to_the_database(self):
        out, stdout = self.export("--format", "csv", "--all")
        expected = self.visits()
        self.assertGreater(len(expected), 10)
        self.assertEqual(stdout, "exported %d visits to %s\n" % (len(expected), out))
        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        self.assertEqual(header[:13], ["visit_id", "date", "type", "institution_reg_no",
                                       "institution_name", "kabupaten_kota", "checklist", "total",
                                       "max", "grade", "grade_label", "valid_until", "n_flags"])
        self.assertEqual(header[-1], "other_sections")
        # the section columns are the first visit's checklist's sections
        first_sections = [s for s, _ in self.sections(expected[0][0])]
        self.assertEqual(header[13:-1], first_sections)
        self.assertEqual(len(body), len(expected))
        mixed = 0
        for row, db in zip(body, expected):
            with self.subTest(visit=db[0]):
                self.assertEqual(len(row), len(header))
                self.assertEqual(int(row[0]), db[0])
                self.assertEqual(row[1:7], [db[1], db[2], db[3] or "", db[4], db[5], db[6]])
                self.assertAlmostEqual(number(row[7]), db[7], places=6)
                self.assertAlmostEqual(number(row[8]), db[8], places=6)
                self.assertEqual(row[9:12], [db[9], db[10], db[11]])
                self.assertEqual(int(row[12]), db[12])
                scores = dict(self.sections(db[0]))
                got = {sid: number(v) for sid, v in zip(first_sections, row[13:-1]) if v}
                if row[-1]:
                    mixed += 1
                    for part in row[-1].split("; "):
                        sid, value = part.split("=")
                        got[sid] = number(value)
                self.assertEqual(set(got), set(scores))
                for sid in scores:
                    self.assertAlmostEqual(got[sid], scores[sid], places=6)
        self.assertGreater(mixed, 0, "the demo mixes checklists: other_sections must be used")

    def test_csv_long_has_one_row_per_answer_equal_to_the_database(self):
        out, _ = self.export("--format", "csv", "--all", "--opt", "form=long")
        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        answers = self.sql("SELECT a.visit_id, a.item_id, a.value, a.na, a.note, i.name "
                           "FROM answer a JOIN visit v ON v.id = a.visit_id "
                           "JOIN institution i ON i.id = v.institution_id")
        self.assertEqual(len(rows), len(answers))
        self.assertEqual(list(rows[0].keys()), ["visit_id", "date", "institution", "checklist",
                                                "section", "item_id", "item_text", "type",
                                                "value", "na", "note"])
        by_key = {(int(r["visit_id"]), r["item_id"]): r for r in rows}
        for visit_id, item_id, value, na, note, name in answers:
            r = by_key[(visit_id, item_id)]
            self.assertEqual(r["value"], value or "")
            self.assertEqual(r["na"], "1" if na else "0")
            self.assertEqual(r["note"], note or "")
            self.assertEqual(r["institution"], name)
            self.assertTrue(r["item_text"])
            self.assertTrue(item_id.startswith(r["section"]), (item_id, r["section"]))
        # rows come visit by visit in date order
        order = [v[0] for v in self.visits()]
        seen = []
        for r in rows:
            if not seen or seen[-1] != int(r["visit_id"]):
                seen.append(int(r["visit_id"]))
        self.assertEqual(seen, order)

    def test_csv_for_indonesian_excel_has_a_bom_semicolons_and_decimal_commas(self):
        out, _ = self.export("--format", "csv", "--all", "--opt", "bom=1", "--opt", "sep=;")
        with open(out, "rb") as f:
            raw = f.read()
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        self.assertIn(b"\r\n", raw)
        rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""), delimiter=";"))
        expected = self.visits()
        self.assertEqual(len(rows) - 1, len(expected))
        for row, db in zip(rows[1:], expected):
            self.assertEqual(row[4], db[4])
            self.assertEqual(number(row[7]), round(db[7], 10))
            self.assertNotIn(".", row[7])
        # a total with decimals is written with a comma
        self.assertTrue(any("," in row[7] for row in rows[1:]))

    def test_csv_long_with_semicolons_writes_decimal_numbers_with_a_comma(self):
        out, _ = self.export("--format", "csv", "--all", "--opt", "form=long", "--opt", "sep=;")
        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter=";"))
        numbers = [r for r in rows if r["type"] == "number" and r["value"]]
        self.assertTrue(numbers)
        decimals = [r for r in numbers if "," in r["value"]]
        self.assertTrue(decimals, "the samples hold decimal numbers (5,5 m2)")
        for r in decimals:
            stored = self.sql("SELECT value FROM answer WHERE visit_id = ? AND item_id = ?",
                              (int(r["visit_id"]), r["item_id"]))[0][0]
            self.assertEqual(r["value"].replace(",", "."), stored)
        # a note holding ';' or '"' survives the quoting
        notes = {(int(r["visit_id"]), r["item_id"]): r["note"] for r in rows}
        for visit_id, item_id, note in self.sql("SELECT visit_id, item_id, note FROM answer "
                                                "WHERE note IS NOT NULL"):
            self.assertEqual(notes[(visit_id, item_id)], note)

    # ---- json ----

    def test_json_holds_every_visit_with_institution_answers_score_and_hashes(self):
        out, stdout = self.export("--format", "json", "--all")
        with open(out, encoding="utf-8") as f:
            doc = json.load(f)
        self.assertEqual(doc["format"], "pantau-export")
        self.assertEqual(doc["version"], 1)
        self.assertRegex(doc["pantau_version"], r"^\d+\.\d+\.\d+$")
        expected = self.visits()
        self.assertEqual([v["id"] for v in doc["visits"]], [db[0] for db in expected])
        self.assertEqual(stdout, "exported %d visits to %s\n" % (len(expected), out))
        for v, db in zip(doc["visits"], expected):
            with self.subTest(visit=db[0]):
                self.assertEqual(list(v.keys()), ["id", "date", "type", "notes", "created_at",
                                                  "institution", "checklist", "team", "answers",
                                                  "score", "hashes"])
                self.assertEqual((v["date"], v["type"]), (db[1], db[2]))
                self.assertEqual(v["institution"]["reg_no"], db[3])
                self.assertEqual(v["institution"]["name"], db[4])
                self.assertEqual(v["institution"]["kabupaten_kota"], db[5])
                self.assertNotIn("contact_phone", v["institution"])
                self.assertEqual("%s@%s" % (v["checklist"]["id"], v["checklist"]["version"]),
                                 db[6])
                s = v["score"]
                self.assertAlmostEqual(s["total"], db[7], places=9)
                self.assertEqual((s["grade"], s["grade_label"], s["valid_until"]),
                                 (db[9], db[10], db[11]))
                self.assertEqual(len(s["flags"]), db[12])
                self.assertEqual([x["section_id"] for x in s["sections"]],
                                 [sid for sid, _ in self.sections(db[0])])
                answers = self.sql("SELECT item_id, value, na, note FROM answer "
                                   "WHERE visit_id = ? ORDER BY position", (db[0],))
                self.assertEqual([(a["item_id"], a["value"], int(a["na"]), a["note"])
                                  for a in v["answers"]], answers)
                self.assertEqual(len(v["team"]), self.count("visit_team", "visit_id = ?",
                                                            (db[0],)))
                stored = self.sql("SELECT s.checklist_sha256, s.script_sha256, cv.sha256 "
                                  "FROM score s JOIN visit x ON x.id = s.visit_id "
                                  "JOIN checklist_version cv ON cv.id = x.checklist_version_id "
                                  "WHERE s.visit_id = ?", (db[0],))[0]
                self.assertEqual((v["hashes"]["score_checklist_sha256"],
                                  v["hashes"]["script_sha256"], v["hashes"]["checklist_sha256"]),
                                 stored)

    def test_json_writes_one_visit_per_line_inside_the_array(self):
        out, _ = self.export("--format", "json", "--all")
        lines = clitest.read_text(out).splitlines()
        n = self.count("visit")
        self.assertEqual(len(lines), n + 2)
        for line in lines[1:-1]:
            json.loads(line.rstrip(","))

    def test_progress_goes_to_stderr_only_on_a_terminal(self):
        import pty
        master, slave = pty.openpty()
        out = os.path.join(self.tmp, "out.csv")
        try:
            r = self.run_pantau("export", "--format", "csv", "--all", "-o", out, stderr=slave)
            os.close(slave)
            err = b""
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:   # EIO: the terminal's other end is closed
                    break
                if not chunk:
                    break
                err += chunk
        finally:
            os.close(master)
        self.assertEqual(r.returncode, 0)
        n = self.count("visit")
        self.assertEqual(err.decode().replace("\r\n", "\n"), "\rexporting %d/%d\n" % (n, n))

    # ---- selections ----

    def test_an_institution_and_a_date_range_select_visits(self):
        reg_no = "LKSA-3671-001"
        out, stdout = self.export("--format", "json", "--institution", reg_no,
                                  "--from", "2026-03-01", "--to", "2026-09-30")
        ids = [v["id"] for v in load_json(out)["visits"]]
        expected = [db[0] for db in self.visits(
            "i.reg_no = ? AND v.visit_date BETWEEN '2026-03-01' AND '2026-09-30'", (reg_no,))]
        self.assertGreater(len(expected), 1)
        self.assertEqual(ids, expected)

    def test_one_visit_and_a_date_range_alone(self):
        out, stdout = self.export("--format", "csv", "--visit", "3")
        self.assertEqual(stdout, "exported 1 visit to %s\n" % out)
        with open(out, newline="", encoding="utf-8") as f:
            self.assertEqual([r[0] for r in csv.reader(f)][1:], ["3"])
        out, _ = self.export("--format", "csv", "--to", "2026-02-28")
        with open(out, newline="", encoding="utf-8") as f:
            got = [int(r[0]) for r in list(csv.reader(f))[1:]]
        self.assertEqual(got, [db[0] for db in self.visits("v.visit_date <= '2026-02-28'")])

    def test_an_empty_selection_writes_a_valid_empty_export(self):
        out, stdout = self.export("--format", "json", "--from", "2030-01-01")
        self.assertEqual(stdout, "exported 0 visits to %s\n" % out)
        self.assertEqual(load_json(out)["visits"], [])
        out, _ = self.export("--format", "csv", "--from", "2030-01-01")
        self.assertEqual(clitest.read_text(out).splitlines()[0].split(",")[-1], "other_sections")

    # ---- failures ----

    def test_a_bad_plugin_option_fails_and_keeps_the_earlier_file(self):
        out = os.path.join(self.tmp, "lama.csv")
        with open(out, "w") as f:
            f.write("hasil lama\n")
        line = self.fails("export", "--format", "csv", "--all", "--opt", "sep=|", "-o", out)
        self.assertEqual(line, "pantau: export csv: option 'sep=|' not understood (csv takes "
                               "form=wide|long, bom=0|1, sep=,|;)")
        line = self.fails("export", "--format", "json", "--all", "--opt", "indent=2", "-o", out)
        self.assertEqual(line, "pantau: export json: option 'indent' not understood (json "
                               "takes no options)")
        self.assertEqual(clitest.read_text(out), "hasil lama\n")
        self.assertEqual(sorted(os.listdir(self.tmp)), ["lama.csv"])

    def test_an_unwritable_destination_fails_with_the_file_named(self):
        out = os.path.join(self.tmp, "tidak-ada", "x.json")
        line = self.fails("export", "--format", "json", "--all", "-o", out)
        self.assertIn("export json: cannot create %s" % out, line)

    def test_export_help_names_every_option_and_needs_no_database(self):
        self.db = os.path.join(self.tmp, "none.db")
        out = self.ok("export", "--help").stdout
        self.assertTrue(out.startswith("Usage: pantau export --format NAME"), out)
        for option in ("--visit", "--institution", "--all", "--from", "--to", "--opt", "-o"):
            self.assertIn(option, out)
        self.assertEqual(self.ok("help", "export").stdout, out)
        self.assertFalse(os.path.exists(self.db))

    def test_usage_errors(self):
        self.assertIn("-o FILE is required", self.fails("export", "--format", "csv", "--all",
                                                        code=2))
        self.assertIn("--format NAME is required", self.fails("export", "--all", "-o", "x",
                                                              code=2))
        self.assertIn("only one of", self.fails("export", "--format", "csv", "--all",
                                                "--visit", "1", "-o", "x", code=2))
        self.assertIn("say which visits", self.fails("export", "--format", "csv", "-o", "x",
                                                     code=2))
        self.assertIn("KEY=VALUE", self.fails("export", "--format", "csv", "--all", "--opt",
                                              "bom", "-o", "x", code=2))
        self.assertEqual(os.listdir(self.tmp), [])

    def test_a_missing_visit_or_bad_date_fails(self):
        self.assertEqual(self.fails("export", "--format", "csv", "--visit", "999", "-o", "x"),
                         "pantau: export: no visit with id 999")
        self.assertEqual(self.fails("export", "--format", "csv", "--from", "2026-02-30",
                                    "-o", "x"),
                         "pantau: export: --from '2026-02-30' is not a date (YYYY-MM-DD)")
        self.assertEqual(os.listdir(self.tmp), [])


class UnscoredExport(clitest.CliTestCase):
    def test_a_visit_not_scored_exports_without_a_score(self):
        self.setup_visits()
        self.ok("score", "1")
        out = os.path.join(self.tmp, "out.json")
        self.ok("export", "--format", "json", "--all", "-o", out)
        visits = load_json(out)["visits"]
        self.assertEqual([v["id"] for v in visits], [1, 2])
        self.assertEqual(visits[0]["score"]["total"], 65)
        self.assertIsNone(visits[1]["score"])
        self.assertIsNone(visits[1]["hashes"]["script_sha256"])
        self.assertEqual(visits[1]["institution"]["name"], "LKSA Ceria Ñusantara")
        out = os.path.join(self.tmp, "out.csv")
        self.ok("export", "--format", "csv", "--all", "-o", out)
        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual((rows[0]["total"], rows[0]["grade"]), ("65", "B"))
        self.assertEqual((rows[1]["total"], rows[1]["grade"], rows[1]["n_flags"]), ("", "", ""))


if __name__ == "__main__":
    clitest.main()
