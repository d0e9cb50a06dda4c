"""CSV injection: a text that a spreadsheet would run as a formula (a note typed in the field as
"=HYPERLINK(...)", a name starting with + - @) is exported as text, with a leading apostrophe;
numbers, including negative ones, stay numbers."""
import csv
import os
import unittest

from clitest import CHECKLIST, INSTITUTIONS, CliTestCase, data


class CsvInjection(CliTestCase):
    def setUp(self):
        super().setUp()
        self.ok("init")
        self.ok("checklist", "load", CHECKLIST)
        self.ok("institution", "import", INSTITUTIONS)
        self.ok("institution", "update", "UJI-001", "--name", "=HYPERLINK(\"http://x\",\"klik\")")
        visit = os.path.join(self.tmp, "v.csv")
        with open(data("visit-b.csv"), encoding="utf-8") as f:
            text = f.read()
        text = text.replace("S1.01;ya;Dokumen ada", "S1.01;ya;@SUM(1+1)*cmd|' /C calc'!A0")
        text = text.replace("#notes;Kunjungan pagi", "#notes;-2+3")
        with open(visit, "w", encoding="utf-8") as f:
            f.write(text)
        self.ok("visit", "import", visit)
        self.ok("score", "1")

    def rows(self, *opts):
        out = os.path.join(self.tmp, "out.csv")
        self.ok("export", "--format", "csv", "--all", *opts, "-o", out)
        with open(out, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f, delimiter=";" if "sep=;" in opts else ","))

    def test_a_formula_in_a_name_or_a_note_is_exported_as_text(self):
        wide = self.rows()
        self.assertEqual(wide[0]["institution_name"], "'=HYPERLINK(\"http://x\",\"klik\")")
        long_rows = self.rows("--opt", "form=long")
        note = [r["note"] for r in long_rows if r["item_id"] == "S1.01"]
        self.assertEqual(note, ["'@SUM(1+1)*cmd|' /C calc'!A0"])

    def test_numbers_stay_numbers_even_negative_or_with_a_decimal_comma(self):
        wide = self.rows("--opt", "sep=;")
        self.assertEqual(wide[0]["institution_name"], "'=HYPERLINK(\"http://x\",\"klik\")")
        total = wide[0]["total"]
        self.assertFalse(total.startswith("'"), total)
        float(total.replace(",", "."))
        long_rows = self.rows("--opt", "form=long")
        values = {r["item_id"]: r["value"] for r in long_rows}
        self.assertEqual(values["S1.02"], "2")


if __name__ == "__main__":
    unittest.main()
