"""No command leaves a partial database when it fails: each failing command below must leave
every row of every table as it was."""
import os

import clitest
from clitest import CHECKLIST, data


class NoPartialWrites(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.setup_visits()
        self.ok("score", "2")

    def assert_unchanged(self, *args, code=1, **kw):
        before = self.snapshot()
        line = self.fails(*args, code=code, **kw)
        self.assertEqual(self.snapshot(), before, "pantau %s changed the database" % " ".join(args))
        return line

    def test_failing_commands_change_nothing(self):
        text = clitest.read_text(CHECKLIST)
        changed = self.write("changed.xml", text.replace("Kotor", "Kotor sekali"))
        v2 = self.write("v2.xml", text.replace('id="uji-cli" version="1.0"', 'id="uji-cli" version="2.0"'))
        broken = self.write("broken.xml", text[: len(text) // 2])
        bad_inst = self.write("inst.csv", "reg_no,name,kind\nUJI-201,Baru,LKSA\nUJI-202,,LKSA\n")
        bad_visits = data("visits-bad.csv")
        bad_type = self.write("type.csv", "#institution;UJI-001\n#checklist;uji-cli@1.0\n"
                              "#date;2026-03-14\n#type;liburan\nitem;value;note\nS1.01;ya;\n")
        bad_date = self.write("date.csv", "#institution;UJI-001\n#checklist;uji-cli@1.0\n"
                              "#date;2026-02-30\n#type;rutin\nitem;value;note\nS1.01;ya;\n")
        unknown_item = self.write("item.xml", '<visits xmlns="urn:pantau:visit:1">'
                                  '<visit institution="UJI-001" checklist="uji-cli@1.0" '
                                  'date="2026-03-14" type="routine">'
                                  '<answer item="S1.01" value="ya"/><answer item="S9.99" value="ya"/>'
                                  '</visit></visits>')
        nocl = self.write("nocl.csv", "#institution;UJI-001\n#checklist;uji-cli@9\n"
                          "#date;2026-03-14\n#type;rutin\nitem;value;note\nS1.01;ya;\n")
        broken_scripts = os.path.join(self.tmp, "scripts")
        os.mkdir(broken_scripts)
        with open(os.path.join(broken_scripts, "uji_cli.lua"), "w") as f:
            f.write("function score(v) return { total = 'banyak' } end\n")
        cases = [
            ["checklist", "load", changed],
            ["checklist", "load", v2, broken],
            ["institution", "add", "--name", "X", "--kind", "LKSA", "--reg-no", "UJI-001"],
            ["institution", "add", "--name", "X", "--kind", "LKSA", "--latitude", "123"],
            ["institution", "update", "UJI-001", "--name", "Baru", "--kind", "Panti"],
            ["institution", "import", bad_inst],
            ["visit", "import", bad_visits],
            ["visit", "import", bad_type],
            ["visit", "import", bad_date],
            ["visit", "import", unknown_item],
            ["visit", "import", nocl],
            ["score", "42"],
        ]
        for args in cases:
            with self.subTest(args=args[:3]):
                self.assert_unchanged(*args)
        # a script returning garbage: the previous score of visit 2 stays as it was
        with self.subTest(args=["score", "2", "(bad script)"]):
            line = self.assert_unchanged("score", "2", scripts=broken_scripts)
            self.assertIn("uji_cli.lua", line)

    def test_usage_errors_change_nothing(self):
        for args in (["institution", "add", "--name", "X"], ["visit", "import"],
                     ["checklist", "load", "--force", CHECKLIST]):
            with self.subTest(args=args):
                self.assert_unchanged(*args, code=2)


if __name__ == "__main__":
    clitest.main()
