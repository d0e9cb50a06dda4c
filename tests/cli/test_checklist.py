"""pantau checklist validate / load / list / show, with the tiny checklist in tests/data/cli/."""
import hashlib
import os
import re
import sqlite3

import clitest
from clitest import CHECKLIST, SCRIPTS


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


read = clitest.read_text


class Validate(clitest.CliTestCase):
    def test_a_valid_checklist_is_reported_ok_with_its_id_items_and_sha256(self):
        r = self.ok("checklist", "validate", CHECKLIST)
        self.assertEqual(r.stdout, "%s: ok (uji-cli@1.0, 5 items, sha256 %s)\n"
                         % (CHECKLIST, sha256_of(CHECKLIST)))

    def test_validate_needs_no_database(self):
        self.ok("checklist", "validate", CHECKLIST)
        self.assertFalse(os.path.exists(self.db))

    def test_a_broken_xml_copy_fails_naming_the_file_and_the_line(self):
        text = read(CHECKLIST)
        # drop the first </item>: the document is no longer well-formed
        broken = self.write("broken.xml", text.replace("</item>", "", 1))
        line = self.fails("checklist", "validate", broken)
        self.assertRegex(line, r"^pantau: .*broken\.xml:\d+")

    def test_a_semantic_error_names_the_item(self):
        bad = self.write("dup.xml", read(CHECKLIST).replace('id="S2.02"', 'id="S1.01"'))
        line = self.fails("checklist", "validate", bad)
        self.assertIn("dup.xml", line)
        self.assertIn("S1.01", line)

    def test_each_file_gets_its_own_line_and_one_failure_fails_the_command(self):
        bad = self.write("broken.xml", "<checklist")
        r = self.run_pantau("checklist", "validate", CHECKLIST, bad)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stdout, r"^%s: ok \(uji-cli@1\.0, 5 items, sha256 [0-9a-f]{64}\)\n$"
                         % re.escape(CHECKLIST))
        self.assertEqual(len(r.stderr.splitlines()), 1)
        self.assertIn("broken.xml", r.stderr)

    def test_a_checklist_whose_script_is_missing_fails(self):
        other = self.write("noscript.xml",
                           read(CHECKLIST).replace('script="uji_cli.lua"', 'script="tidak_ada.lua"'))
        line = self.fails("checklist", "validate", other)
        self.assertIn("noscript.xml", line)
        self.assertIn("tidak_ada.lua", line)

    def test_a_checklist_whose_script_does_not_compile_fails_naming_the_script(self):
        scripts = os.path.join(self.tmp, "scripts")
        os.mkdir(scripts)
        with open(os.path.join(scripts, "uji_cli.lua"), "w") as f:
            f.write("function score(v)\n  return {\nend\n")
        line = self.fails("checklist", "validate", CHECKLIST, scripts=scripts)
        self.assertIn("uji_cli.lua", line)

    def test_validate_without_a_file_is_a_usage_error(self):
        self.fails("checklist", "validate", code=2)

    def test_a_missing_file_fails(self):
        line = self.fails("checklist", "validate", os.path.join(self.tmp, "absent.xml"))
        self.assertIn("absent.xml", line)


class Load(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.init_db()

    def test_load_stores_the_exact_bytes_and_sha256(self):
        r = self.ok("checklist", "load", CHECKLIST)
        self.assertEqual(r.stdout, "loaded uji-cli@1.0\n")
        rows = self.sql("SELECT checklist_id, version, n_items, sha256, xml FROM checklist_version")
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][:4], ("uji-cli", "1.0", 5, sha256_of(CHECKLIST)))
        self.assertEqual(rows[0][4], read(CHECKLIST))

    def test_loading_the_same_content_twice_is_a_no_op(self):
        self.ok("checklist", "load", CHECKLIST)
        before = self.snapshot()
        r = self.ok("checklist", "load", CHECKLIST)
        self.assertEqual(r.stdout, "uji-cli@1.0 already loaded (same content)\n")
        self.assertEqual(self.snapshot(), before)

    def test_changed_content_under_the_same_version_is_refused_and_the_db_is_unchanged(self):
        self.ok("checklist", "load", CHECKLIST)
        before = self.snapshot()
        changed = self.write("changed.xml", read(CHECKLIST).replace(
            "Instrumen Uji Perintah", "Instrumen Uji Perintah (diubah)"))
        line = self.fails("checklist", "load", changed)
        self.assertIn("uji-cli@1.0", line)
        self.assertIn("different content", line)
        self.assertEqual(self.snapshot(), before)

    def test_a_changed_file_under_a_new_version_loads_beside_the_old(self):
        self.ok("checklist", "load", CHECKLIST)
        v2 = self.write("v2.xml", read(CHECKLIST).replace('id="uji-cli" version="1.0"', 'id="uji-cli" version="1.1"'))
        self.assertEqual(self.ok("checklist", "load", v2).stdout, "loaded uji-cli@1.1\n")
        self.assertEqual(self.count("checklist_version"), 2)

    def test_nothing_is_stored_unless_every_file_passes(self):
        v2 = self.write("v2.xml", read(CHECKLIST).replace('id="uji-cli" version="1.0"', 'id="uji-cli" version="1.1"'))
        broken = self.write("broken.xml", read(CHECKLIST).replace("</section>", "", 1))
        before = self.snapshot()
        line = self.fails("checklist", "load", v2, broken)
        self.assertIn("broken.xml", line)
        self.assertEqual(self.snapshot(), before)
        # and a refused change to a stored version stops the other files too
        self.ok("checklist", "load", CHECKLIST)
        before = self.snapshot()
        changed = self.write("changed.xml", read(CHECKLIST).replace("Kotor", "Sangat kotor"))
        self.fails("checklist", "load", v2, changed)
        self.assertEqual(self.snapshot(), before)

    def test_a_failed_write_of_a_later_file_stores_none_of_the_earlier_ones(self):
        # The database refuses version 1.1 the way a full disk or a busy file would: at the
        # INSERT, after 1.0 was written in the same command.
        con = sqlite3.connect(self.db)
        con.execute("CREATE TRIGGER refuse_1_1 BEFORE INSERT ON checklist_version "
                    "WHEN NEW.version = '1.1' BEGIN SELECT RAISE(ABORT, 'injected'); END")
        con.commit()
        con.close()
        v2 = self.write("v2.xml", read(CHECKLIST).replace('id="uji-cli" version="1.0"', 'id="uji-cli" version="1.1"'))
        before = self.snapshot()
        r = self.run_pantau("checklist", "load", CHECKLIST, v2)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")      # no "loaded uji-cli@1.0" for a version not kept
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("pantau: %s: " % v2), lines[0])
        self.assertIn("uji-cli@1.1", lines[0])
        self.assertIn("injected", lines[0])
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.count("checklist_version"), 0)

    def test_a_changed_file_is_refused_naming_the_file_even_after_new_ones(self):
        self.ok("checklist", "load", CHECKLIST)
        v2 = self.write("v2.xml", read(CHECKLIST).replace('id="uji-cli" version="1.0"', 'id="uji-cli" version="1.1"'))
        changed = self.write("changed.xml", read(CHECKLIST).replace("Kotor", "Sangat kotor"))
        before = self.snapshot()
        r = self.run_pantau("checklist", "load", v2, changed)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr, "pantau: %s: checklist uji-cli@1.0 is already stored with different "
                         "content (sha256 %s…, this file %s…); give the changed file a new version\n"
                         % (changed, sha256_of(CHECKLIST)[:12], sha256_of(changed)[:12]))
        self.assertEqual(self.snapshot(), before)

    def test_load_validates_the_script_too(self):
        scripts = os.path.join(self.tmp, "empty-scripts")
        os.mkdir(scripts)
        line = self.fails("checklist", "load", CHECKLIST, scripts=scripts)
        self.assertIn("uji_cli.lua", line)
        self.assertEqual(self.count("checklist_version"), 0)


class ListAndShow(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.init_db()
        self.load_checklist()

    def test_list_json_has_one_item_per_version_with_documented_keys(self):
        doc = self.json("checklist", "list")
        self.assertEqual(list(doc), ["items"])
        self.assertEqual(len(doc["items"]), 1)
        item = doc["items"][0]
        self.assertEqual(list(item), ["version_id", "id", "version", "title", "n_items",
                                      "n_visits", "sha256", "loaded_at"])
        self.assertEqual((item["id"], item["version"], item["title"], item["n_items"], item["n_visits"]),
                         ("uji-cli", "1.0", "Instrumen Uji Perintah", 5, 0))
        self.assertEqual(item["sha256"], sha256_of(CHECKLIST))

    def test_list_prints_an_aligned_table(self):
        lines = self.ok("checklist", "list").stdout.splitlines()
        self.assertEqual(len(lines), 3)
        self.assertTrue(lines[0].startswith("ID"))
        self.assertTrue(lines[1].startswith("--"))
        self.assertIn("uji-cli", lines[2])
        self.assertEqual(lines[0].index("VERSION"), lines[2].index("1.0"))

    def test_show_json_gives_the_whole_model(self):
        doc = self.json("checklist", "show", "uji-cli@1.0")
        self.assertEqual(list(doc), ["id", "version", "title", "description", "legal_basis", "script",
                                     "sha256", "n_items", "max_total", "bands_are_default",
                                     "fail_label", "bands", "params", "sections"])
        self.assertTrue(doc["bands_are_default"])
        self.assertEqual([b["grade"] for b in doc["bands"]], ["A", "B", "C"])
        self.assertEqual(doc["bands"][1], {"grade": "B", "label": "Baik", "min": 60.0, "validity_years": 3})
        self.assertEqual(doc["params"][0]["id"], "anak_per_pengasuh_maks")
        self.assertEqual([s["id"] for s in doc["sections"]], ["S1", "S2"])
        s101 = doc["sections"][0]["items"][0]
        self.assertEqual(list(s101), ["id", "type", "text", "weight", "critical", "na_allowed",
                                      "guidance", "evidence", "legal_basis", "expect", "pass_level",
                                      "unit", "min", "max", "levels", "choices", "gate", "line"])
        self.assertEqual(s101["id"], "S1.01")
        self.assertTrue(s101["critical"])
        self.assertEqual(s101["gate"], {"cap": "C", "severity": "kritis", "agency": "DP3A",
                                        "message": "Tidak ada kebijakan perlindungan anak"})
        s102 = doc["sections"][0]["items"][1]
        self.assertTrue(s102["na_allowed"])
        self.assertEqual([l["value"] for l in s102["levels"]], [1, 2, 3])
        s202 = doc["sections"][1]["items"][1]
        self.assertEqual([(c["value"], c["score"]) for c in s202["choices"]],
                         [("lengkap", 1.0), ("sebagian", 0.5), ("tidak", 0.0)])

    def test_show_without_a_version_takes_the_latest_loaded(self):
        v2 = self.write("v2.xml", read(CHECKLIST).replace('id="uji-cli" version="1.0"', 'id="uji-cli" version="1.1"'))
        self.ok("checklist", "load", v2)
        self.assertEqual(self.json("checklist", "show", "uji-cli")["version"], "1.1")
        self.assertEqual(self.json("checklist", "show", "uji-cli@1.0")["version"], "1.0")

    def test_show_reads_like_a_visit_preparation_sheet(self):
        out = self.ok("checklist", "show", "uji-cli@1.0").stdout
        self.assertTrue(out.startswith("Instrumen Uji Perintah\n"))
        for text in ("uji-cli@1.0", "UU 11/2009 Pasal 53", "(bawaan pantau, bukan angka resmi)",
                     "Sangat Baik", "Tidak Terakreditasi", "anak_per_pengasuh_maks = 10 anak",
                     "Perlindungan Anak", "S1.01", "KRITIS", "Tidak ada kebijakan perlindungan anak",
                     "Lembaga memiliki kebijakan perlindungan anak yang tertulis",
                     "Minta dokumen kebijakan", "Permensos 30/HUK/2011", "dokumen wawancara",
                     "boleh TB (tidak berlaku)", "Bersih dan terawat", "sebagian = Sebagian (nilai 0.5)",
                     "panduan:", "dasar hukum:", "Pemeringkatan (nilai total", "(berlaku 5 tahun)",
                     "orang"):
            self.assertIn(text, out)

    def test_show_reads_a_file_without_a_database(self):
        os.remove(self.db)
        doc = self.json("checklist", "show", CHECKLIST)
        self.assertEqual(doc["id"], "uji-cli")
        self.assertFalse(os.path.exists(self.db))

    def test_show_of_an_unknown_checklist_fails(self):
        line = self.fails("checklist", "show", "tidak-ada@9")
        self.assertIn("tidak-ada@9", line)


if __name__ == "__main__":
    clitest.main()
