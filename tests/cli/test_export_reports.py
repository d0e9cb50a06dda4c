"""The report formats (html, xlsx, pdf plugins) on the demo data, opened and read back.

Each test builds the demo database the way tools/demo.sh does (the shipped instrument, the
sample institutions and visits, scored), plus one institution whose name is markup and a
visit of it with markup in its team, notes and answer notes, then runs
`pantau export --format F --all -o FILE` and reads what was written: the HTML with
html.parser, the workbook's XML parts with zipfile, the PDF with pdftotext and pdfinfo
(poppler-utils)."""
import collections
import datetime
import glob
import html.parser
import os
import re
import shutil
import subprocess
import unittest
import xml.etree.ElementTree as ET
import zipfile

import clitest

SRC = clitest.SOURCE_DIR
SCRIPTS = os.path.join(SRC, "scripts")
CHECKLIST = os.path.join(SRC, "checklists", "akreditasi-lksa.xml")
SAMPLES = os.path.join(SRC, "checklists", "samples")

def _akreditasi_visits():
    """The sample visit files recorded against the akreditasi-lksa instrument (the samples
    folder also holds visits of other instruments)."""
    files = sorted(glob.glob(os.path.join(SAMPLES, "visits", "*")))
    return [f for f in files if "akreditasi-lksa@" in clitest.read_text(f)]


VISITS = _akreditasi_visits()

HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_VISIT = """#checklist,akreditasi-lksa@2025.1
#date,2026-06-01
#type,pengaduan
#team,<b>Dewi</b> & Rekan|Dinas Sosial|ketua
#notes,"<img src=x onerror=alert(2)>"
item,value,note
S1.01,1,"<script>alert(3)</script> catatan ""kutip"" & 'petik'"
S2.07,tidak,Ada hukuman fisik
"""

# fontconfig leaks while reading its configuration (see the file); only matters in a
# sanitizer build, where LeakSanitizer would fail every pdf export.
LSAN_ENV = {"LSAN_OPTIONS": "print_suppressions=0:suppressions=" +
                            clitest.data("lsan-fontconfig.supp")}

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
ANSWER_HEADS = ["ID kunjungan", "Tanggal", "Lembaga", "Butir", "Standar", "Indikator",
                "Jawaban", "Tidak berlaku (N/A)", "Catatan"]


def id_number(x):
    """A total the way the reports print it: at most 2 decimals, decimal comma."""
    text = ("%.2f" % x).rstrip("0").rstrip(".")
    return text.replace(".", ",")


def excel_serial(iso):
    return (datetime.date.fromisoformat(iso) - datetime.date(1899, 12, 30)).days


class Collector(html.parser.HTMLParser):
    """Start tags (with attributes) and the text of a document, as a browser reads them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


class ExportReports(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.ok("init")
        self.ok("checklist", "load", CHECKLIST, scripts=SCRIPTS)
        self.ok("institution", "import", os.path.join(SAMPLES, "institutions.csv"))
        self.ok("visit", "import", *VISITS, scripts=SCRIPTS)
        r = self.ok("institution", "add", "--name", HOSTILE_NAME, "--kind", "LKSA",
                    "--kabupaten-kota", "Kota <Uji> & Co")
        hostile_id = re.search(r"added institution (\d+)", r.stdout).group(1)
        self.ok("visit", "import", self.write("hostile.csv", HOSTILE_VISIT),
                "--institution", hostile_id, scripts=SCRIPTS)
        self.ok("score", "--all", scripts=SCRIPTS)
        self.visits = self.sql(
            "SELECT v.id, v.visit_date, i.name, s.total, s.maximum, s.grade, s.grade_label,"
            " s.valid_until, s.checklist_sha256 FROM visit v JOIN institution i"
            " ON i.id = v.institution_id JOIN score s ON s.visit_id = v.id"
            " ORDER BY v.visit_date, v.id")
        self.assertGreaterEqual(len(VISITS), 5)
        self.assertEqual(len(self.visits), self.count("visit"))   # every visit is scored
        self.assertGreater(len(self.visits), len(VISITS))         # binjai-2026-02.csv holds two

    def export(self, fmt, name, *opts):
        out = os.path.join(self.tmp, name)
        r = self.ok("export", "--format", fmt, "--all", *opts, "-o", out, scripts=SCRIPTS,
                    env=LSAN_ENV)
        self.assertEqual(r.stdout, "exported %d visits to %s\n" % (len(self.visits), out))
        self.assertEqual([f for f in os.listdir(self.tmp) if f.startswith(".")], [],
                         "a temporary file was left next to the output")
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)   # for its owner only
        return out

    def assertInText(self, needle, text):
        """assertIn without printing a whole report when it fails."""
        self.assertTrue(needle in text, "%r not in the report" % needle)

    def read_html(self, path):
        """(start tags, text with white space runs made one space) of an HTML file."""
        doc = Collector()
        doc.feed(clitest.read_text(path))
        doc.close()
        return doc.tags, re.sub(r"\s+", " ", " ".join(doc.text))

    def grade_text(self, grade, label):
        return "%s (%s)" % (grade, label) if grade else label

    # ---- html ----

    def test_html_report_has_a_section_with_scores_and_a_chart_per_visit(self):
        out = self.export("html", "laporan.html")
        tags, text = self.read_html(out)
        sections = [a for t, a in tags if t == "section" and a.get("class") == "kunjungan"]
        self.assertEqual(len(sections), len(self.visits))
        self.assertEqual(sum(1 for t, _ in tags if t == "svg"), len(self.visits))
        self.assertEqual([a["id"] for a in sections],
                         ["kunjungan-%d" % v[0] for v in self.visits])   # date order
        for vid, date, name, total, maximum, grade, label, valid, sha in self.visits:
            self.assertInText(name, text)
            self.assertInText("%s / %s" % (id_number(total), id_number(maximum)), text)
            self.assertInText(self.grade_text(grade, label), text)
            self.assertInText(sha, text)
        self.assertInText("95,03 / 100", text)
        self.assertInText("A (Sangat Baik)", text)
        self.assertInText("14 Maret 2026", text)       # Harapan Bunda's visit date
        self.assertInText("berlaku sampai 14 Maret 2031", text)
        self.assertInText("@media print", text)

    def test_html_report_escapes_markup_from_the_store(self):
        out = self.export("html", "laporan.html")
        raw = clitest.read_text(out)
        tags, text = self.read_html(out)
        # read back as text, exactly as stored ...
        self.assertInText(HOSTILE_NAME, text)
        self.assertInText("<b>Dewi</b> & Rekan", text)
        self.assertInText("<img src=x onerror=alert(2)>", text)
        self.assertInText("<script>alert(3)</script> catatan \"kutip\" & 'petik'", text)
        # ... and never as markup
        self.assertNotIn("<script", raw)
        self.assertNotIn("<img", raw)
        self.assertNotIn("<b>", raw)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", raw)
        names = {t for t, _ in tags}
        self.assertFalse(names & {"script", "img", "b"}, names)

    def test_html_report_lists_failed_answers_as_findings(self):
        out = self.export("html", "laporan.html")
        _, text = self.read_html(out)
        self.assertInText("Temuan", text)
        # the hostile visit: S1.01 level 1 of 4 (credit 0) and the failed gate S2.07
        self.assertInText("Tingkat 1 dari 4", text)
        self.assertInText("S2.07 (gerbang)", text)

    def test_failed_export_names_the_option_and_leaves_the_old_file(self):
        out = self.write("laporan.html", "lama")
        line = self.fails("export", "--format", "html", "--all", "--opt", "judul=x", "-o", out,
                          scripts=SCRIPTS)
        self.assertIn("format html has no option 'judul'", line)
        self.assertEqual(clitest.read_text(out), "lama")
        self.assertEqual([f for f in os.listdir(self.tmp) if f.startswith(".")], [])
        missing = os.path.join(self.tmp, "tidak-ada", "x.pdf")
        line = self.fails("export", "--format", "pdf", "--all", "-o", missing, scripts=SCRIPTS,
                          env=LSAN_ENV)
        self.assertIn(missing, line)
        self.assertFalse(os.path.exists(os.path.dirname(missing)))

    # ---- xlsx ----

    def sheets(self, zf):
        """[(name, part)] of the workbook's sheets in the workbook's order, the part found
        through the workbook's relationships ("xl/worksheets/sheet3.xml")."""
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        target = {rel.get("Id"): rel.get("Target") for rel in rels}
        return [(sheet.get("name"), "xl/" + target[sheet.get(REL_ID)])
                for sheet in book.iter("{%s}sheet" % NS["m"])]

    def read_sheet(self, zf, n):
        """Rows of sheet n (its number, or its part's name) as {column letters: (value, type,
        style)} dicts, by row number."""
        shared = []
        if "xl/sharedStrings.xml" in zf.namelist():
            for si in ET.fromstring(zf.read("xl/sharedStrings.xml")).findall("m:si", NS):
                shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
        part = n if isinstance(n, str) else "xl/worksheets/sheet%d.xml" % n
        root = ET.fromstring(zf.read(part))
        rows = {}
        for row in root.find("m:sheetData", NS).findall("m:row", NS):
            cells = {}
            for c in row.findall("m:c", NS):
                col = re.match(r"[A-Z]+", c.get("r")).group(0)
                t = c.get("t")
                if t == "s":
                    value = shared[int(c.find("m:v", NS).text)]
                elif t == "inlineStr":
                    value = "".join(x.text or "" for x in c.iter("{%s}t" % NS["m"]))
                else:
                    v = c.find("m:v", NS)
                    value = v.text if v is not None else None
                cells[col] = (value, t, c.get("s"))
            rows[int(row.get("r"))] = cells
        return root, rows

    def date_styles(self, zf):
        """Indexes of the cell styles whose number format is a date."""
        styles = ET.fromstring(zf.read("xl/styles.xml"))
        custom = {int(f.get("numFmtId")): f.get("formatCode")
                  for f in styles.iter("{%s}numFmt" % NS["m"])}
        result = set()
        for i, xf in enumerate(styles.find("m:cellXfs", NS).findall("m:xf", NS)):
            fid = int(xf.get("numFmtId", "0"))
            if 14 <= fid <= 22 or ("yy" in custom.get(fid, "") and "d" in custom.get(fid, "")):
                result.add(str(i))
        return result

    def test_xlsx_has_a_summary_row_per_visit_with_numbers_and_dates(self):
        out = self.export("xlsx", "rekap.xlsx")
        with zipfile.ZipFile(out) as zf:
            book = ET.fromstring(zf.read("xl/workbook.xml"))
            self.assertEqual([s.get("name") for s in book.iter("{%s}sheet" % NS["m"])],
                             ["Ringkasan", "Jawaban"])
            dates = self.date_styles(zf)
            root, rows = self.read_sheet(zf, 1)
        head = {col: value for col, (value, _, _) in rows[1].items()}
        self.assertEqual(head["A"], "ID kunjungan")
        self.assertEqual(head["B"], "Tanggal")
        self.assertEqual(head["D"], "Lembaga")
        self.assertEqual(head["H"], "Nilai total")
        self.assertEqual(head["N"], "S1 Program Pelayanan")
        self.assertEqual(len(rows), len(self.visits) + 1)
        for r, visit in enumerate(self.visits, 2):
            vid, date, name, total, maximum, grade, label, valid, _ = visit
            row = rows[r]
            self.assertEqual(row["A"][:2], (str(vid), None))
            self.assertEqual(row["D"][0], name)
            value, t, style = row["H"]                      # a number, not a string
            self.assertIsNone(t)
            self.assertAlmostEqual(float(value), total, places=6)
            self.assertAlmostEqual(float(row["I"][0]), maximum)
            self.assertEqual(row["K"][0], label)
            if grade:
                self.assertEqual(row["J"][0], grade)
            value, t, style = row["B"]                      # a real date
            self.assertIsNone(t)
            self.assertEqual(int(float(value)), excel_serial(date))
            self.assertIn(style, dates)
            if valid:
                self.assertEqual(int(float(row["L"][0])), excel_serial(valid))
                self.assertIn(row["L"][2], dates)
            sections = self.sql("SELECT score FROM score_section WHERE visit_id = ?"
                                " ORDER BY section_id", (vid,))
            for (score,), col in zip(sections, "NOPQRS"):
                self.assertIsNone(row[col][1])
                self.assertAlmostEqual(float(row[col][0]), score, places=6)
        self.assertIn(HOSTILE_NAME, [row["D"][0] for row in rows.values()])
        harapan = [row for row in rows.values() if row["D"][0] == "LKSA Harapan Bunda"][0]
        self.assertEqual(harapan["H"][0], "95.03")
        pane = root.find("m:sheetViews/m:sheetView/m:pane", NS)
        self.assertEqual((pane.get("state"), pane.get("ySplit")), ("frozen", "1"))
        self.assertRegex(root.find("m:autoFilter", NS).get("ref"), r"^A1:[A-Z]+%d$" % len(rows))

    def test_xlsx_answers_sheet_has_a_row_per_stored_answer(self):
        out = self.export("xlsx", "rekap.xlsx")
        with zipfile.ZipFile(out) as zf:
            root, rows = self.read_sheet(zf, 2)
        n_answers = self.count("answer")
        self.assertEqual(len(rows) - 1, n_answers)
        head = [rows[1][c][0] for c in "ABCDEFGHI"]
        self.assertEqual(head, ANSWER_HEADS)
        stored = {(str(v), i): (val, na, note) for v, i, val, na, note in
                  self.sql("SELECT visit_id, item_id, value, na, note FROM answer")}
        seen = set()
        for r in range(2, len(rows) + 1):
            row = rows[r]
            key = (row["A"][0], row["D"][0])
            seen.add(key)
            value, na, note = stored[key]
            if na:
                self.assertEqual(row["H"][0], "ya")
                self.assertNotIn("G", row)
            elif re.fullmatch(r"\d+(\.\d+)?", value):  # scale, count, number: numeric cells
                self.assertIsNone(row["G"][1], key)
                self.assertAlmostEqual(float(row["G"][0]), float(value))
            else:
                self.assertEqual(row["G"][:2], (value, "inlineStr") if row["G"][1] != "s"
                                 else (value, "s"))
            self.assertEqual(row.get("I", (None,))[0], note)
        self.assertEqual(len(seen), n_answers)
        notes = [row.get("I", (None,))[0] for row in rows.values()]
        self.assertIn("<script>alert(3)</script> catatan \"kutip\" & 'petik'", notes)
        pane = root.find("m:sheetViews/m:sheetView/m:pane", NS)
        self.assertEqual(pane.get("state"), "frozen")
        self.assertEqual(root.find("m:autoFilter", NS).get("ref"), "A1:I%d" % (n_answers + 1))

    def sheet_rows(self, path):
        """{sheet name: (root, rows)} of every sheet of an exported workbook, and the sheet
        names in the workbook's order."""
        with zipfile.ZipFile(path) as zf:
            sheets = self.sheets(zf)
            return {name: self.read_sheet(zf, part) for name, part in sheets}, \
                [name for name, _ in sheets]

    def assertSheetSettings(self, name, root, rows, last_col):
        """Frozen header row and an autofilter over the header and every row of the sheet."""
        pane = root.find("m:sheetViews/m:sheetView/m:pane", NS)
        self.assertIsNotNone(pane, name)
        self.assertEqual((pane.get("state"), pane.get("ySplit")), ("frozen", "1"), name)
        self.assertEqual(root.find("m:autoFilter", NS).get("ref"),
                         "A1:%s%d" % (last_col, len(rows)), name)
        self.assertEqual(sorted(rows), list(range(1, len(rows) + 1)), name)   # no gaps

    def test_xlsx_continues_a_full_answers_sheet_on_numbered_sheets_with_every_answer_once(self):
        n_answers = self.count("answer")
        per_sheet = n_answers // 3                   # answer rows per sheet: 3 or 4 sheets
        rows_per_sheet = per_sheet + 1               # and the header row
        self.assertGreater(rows_per_sheet, len(self.visits) + 1)   # the summary fits on one
        n_sheets = -(-n_answers // per_sheet)
        self.assertIn(n_sheets, (3, 4))
        whole = self.export("xlsx", "utuh.xlsx")
        split = self.export("xlsx", "terbagi.xlsx", "--opt", "rows_per_sheet=%d" % rows_per_sheet)

        sheets, names = self.sheet_rows(split)
        answer_names = ["Jawaban"] + ["Jawaban (%d)" % k for k in range(2, n_sheets + 1)]
        self.assertEqual(names, ["Ringkasan"] + answer_names)
        keys = []
        for k, name in enumerate(answer_names):
            root, rows = sheets[name]
            self.assertEqual([rows[1][c][0] for c in "ABCDEFGHI"], ANSWER_HEADS, name)
            if k < n_sheets - 1:                     # every sheet but the last is full
                self.assertEqual(len(rows), rows_per_sheet, name)
            self.assertSheetSettings(name, root, rows, "I")
            keys += [(rows[r]["A"][0], rows[r]["D"][0]) for r in range(2, len(rows) + 1)]
        self.assertEqual(len(keys), n_answers)
        counts = collections.Counter(keys)
        self.assertEqual(set(counts.values()), {1})  # every answer exactly once ...
        stored = {(str(v), i) for v, i in self.sql("SELECT visit_id, item_id FROM answer")}
        self.assertEqual(set(keys), stored)          # ... and nothing else
        # in the order of the export without a limit, cut into sheets
        one, one_names = self.sheet_rows(whole)
        self.assertEqual(one_names, ["Ringkasan", "Jawaban"])
        _, rows = one["Jawaban"]
        self.assertEqual(keys, [(rows[r]["A"][0], rows[r]["D"][0])
                                for r in range(2, len(rows) + 1)])
        # the summary is as without the limit
        self.assertEqual(sheets["Ringkasan"][1], one["Ringkasan"][1])

    def test_xlsx_continues_a_full_summary_sheet_with_the_same_section_columns(self):
        n_visits, n_answers = len(self.visits), self.count("answer")
        rows_per_sheet = 3                           # two visits per summary sheet
        self.assertLessEqual(n_answers, 2000)        # a sheet (and a temporary file) per 2
        out = self.export("xlsx", "rekap.xlsx", "--opt", "rows_per_sheet=%d" % rows_per_sheet)
        sheets, names = self.sheet_rows(out)
        n_summary = -(-n_visits // 2)
        summary_names = ["Ringkasan"] + ["Ringkasan (%d)" % k for k in range(2, n_summary + 1)]
        answer_names = ["Jawaban"] + ["Jawaban (%d)" % k
                                      for k in range(2, -(-n_answers // 2) + 1)]
        # the sheets come in the order they were started: the first two, then as they fill
        self.assertEqual(names[:2], ["Ringkasan", "Jawaban"])
        self.assertEqual(sorted(names), sorted(summary_names + answer_names))
        self.assertEqual([n for n in names if n.startswith("Ringkasan")], summary_names)
        self.assertEqual([n for n in names if n.startswith("Jawaban")], answer_names)
        head = sheets["Ringkasan"][1][1]
        self.assertEqual(head["N"][0], "S1 Program Pelayanan")
        last_col = max(head, key=lambda c: (len(c), c))
        self.assertEqual(head[last_col][0], "Standar lain")
        ids = []
        for name in summary_names:
            root, rows = sheets[name]
            self.assertEqual(rows[1], head, name)    # the same header, section columns too
            self.assertSheetSettings(name, root, rows, last_col)
            ids += [rows[r]["A"][0] for r in range(2, len(rows) + 1)]
        self.assertEqual(ids, [str(v[0]) for v in self.visits])   # each visit once, in order
        keys = collections.Counter()
        for name in answer_names:
            root, rows = sheets[name]
            self.assertEqual([rows[1][c][0] for c in "ABCDEFGHI"], ANSWER_HEADS, name)
            self.assertSheetSettings(name, root, rows, "I")
            keys.update((rows[r]["A"][0], rows[r]["D"][0]) for r in range(2, len(rows) + 1))
        self.assertEqual(sum(keys.values()), n_answers)
        self.assertEqual(set(keys.values()), {1})

    def test_xlsx_refuses_a_rows_per_sheet_that_is_not_a_number_from_2_to_1048576(self):
        out = self.write("rekap.xlsx", "lama")
        for value in ("1", "0", "-5", "abc", "12x", "", "1048577", "99999999999999999999999"):
            line = self.fails("export", "--format", "xlsx", "--all", "--opt",
                              "rows_per_sheet=" + value, "-o", out, scripts=SCRIPTS)
            self.assertIn("format xlsx: option rows_per_sheet must be a whole number from 2 to "
                          "1048576, not '%s'" % value, line)
            self.assertEqual(clitest.read_text(out), "lama")
        self.assertEqual([f for f in os.listdir(self.tmp) if f.startswith(".")], [])
        line = self.fails("export", "--format", "xlsx", "--all", "--opt", "baris=5", "-o", out,
                          scripts=SCRIPTS)
        self.assertIn("format xlsx has no option 'baris'", line)

    # ---- pdf ----

    @unittest.skipUnless(shutil.which("pdftotext") and shutil.which("pdfinfo"),
                         "poppler-utils (pdftotext, pdfinfo) not installed")
    def test_pdf_has_a_berita_acara_per_visit(self):
        out = self.export("pdf", "berita-acara.pdf")
        info = subprocess.run(["pdfinfo", out], stdout=subprocess.PIPE, check=True,
                              encoding="utf-8").stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        self.assertGreaterEqual(pages, len(self.visits))
        text = subprocess.run(["pdftotext", "-layout", out, "-"], stdout=subprocess.PIPE,
                              check=True, encoding="utf-8").stdout
        self.assertEqual(text.count("BERITA ACARA PEMANTAUAN / PENILAIAN"), len(self.visits))
        self.assertEqual(text.count("Halaman 1\n"), len(self.visits))   # numbered per visit
        self.assertEqual(len(re.findall(r"Halaman \d+\n", text)), pages)
        self.assertInText("KUNJUNGAN AKREDITASI", text)
        self.assertInText("KUNJUNGAN PENGADUAN", text)
        self.assertInText("Tim Pemeriksa", text)
        flat = re.sub(r"\s+", " ", text)
        for vid, date, name, total, maximum, grade, label, valid, _ in self.visits:
            self.assertInText(name, text)
            self.assertInText("Nilai total %s dari %s. Peringkat: %s" %
                          (id_number(total), id_number(maximum), self.grade_text(grade, label)),
                          flat)
        self.assertInText("95,03", text)
        for (name,) in self.sql("SELECT DISTINCT name FROM visit_team"):
            self.assertInText(name, text)
        self.assertInText("Pada hari ini Sabtu, tanggal 14 Maret 2026", flat)

    @unittest.skipUnless(shutil.which("pdftotext"), "poppler-utils not installed")
    def test_pdf_of_an_empty_selection_says_so(self):
        out = os.path.join(self.tmp, "kosong.pdf")
        r = self.ok("export", "--format", "pdf", "--from", "2030-01-01", "-o", out,
                    scripts=SCRIPTS, env=LSAN_ENV)
        self.assertEqual(r.stdout, "exported 0 visits to %s\n" % out)
        text = subprocess.run(["pdftotext", out, "-"], stdout=subprocess.PIPE, check=True,
                              encoding="utf-8").stdout
        self.assertInText("Tidak ada kunjungan yang dipilih.", text)


if __name__ == "__main__":
    clitest.main()
