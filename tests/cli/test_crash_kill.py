"""A pantau killed with SIGKILL in the middle of `visit import` or `score --all` leaves a
consistent database: SQLite's integrity and foreign keys hold, every visit has exactly all its
answers and its team, no answer or score lost its visit, every score has all its sections, and
a multi-visit file is in the database entirely or not at all.

Many rounds start a large import (or a scoring run) and kill it after a random delay; the
random generator's seed is printed (set PANTAU_CRASH_SEED to replay a run). The database keeps
growing between rounds, as some imports finish before the kill. The test also proves it was not
vacuous: some rounds were killed while running, and some imports finished.

Self-contained (Python 3 standard library only); PANTAU_BIN is the command under test.
"""
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

BIN = os.environ["PANTAU_BIN"]

N_SECTIONS = 4
ITEMS_PER_SECTION = 5
N_ITEMS = N_SECTIONS * ITEMS_PER_SECTION          # 20 answers per visit
N_VISITS = int(os.environ.get("PANTAU_CRASH_VISITS", "8000"))   # visits in the import file
ROUNDS = 25
TARGET_IMPORT_SECONDS = 0.8   # what one import of the rounds' file should take
TIME_BUDGET = 30.0      # seconds for the kill rounds; the test stops early rather than drag on
SCORE_EVERY = 4         # every 4th round kills `score --all` instead of an import

CHECKLIST_ID = "uji-crash"
CHECKLIST_VERSION = "1"
SCRIPT = "uji_crash.lua"
INSTITUTION = "LKSA-CRASH-001"


def item_id(s, i):
    return "K%d.%02d" % (s + 1, i + 1)


def item_kind(s, i):
    return "yesno" if (s * ITEMS_PER_SECTION + i) % 3 == 0 else "scale"


def checklist_xml():
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<checklist xmlns="urn:pantau:checklist:1" id="%s" version="%s" script="%s">'
           % (CHECKLIST_ID, CHECKLIST_VERSION, SCRIPT),
           '  <title>Uji ketahanan</title>',
           '  <grading max="100" default="true" fail-label="Tidak Lulus">',
           '    <band grade="A" min="80" label="Baik" validity-years="3"/>',
           '    <band grade="B" min="50" label="Cukup" validity-years="1"/>',
           '  </grading>']
    for s in range(N_SECTIONS):
        out.append('  <section id="K%d" weight="25">' % (s + 1))
        out.append('    <title>Aspek %d</title>' % (s + 1))
        for i in range(ITEMS_PER_SECTION):
            kind = item_kind(s, i)
            na = ' na="allowed"' if i == 4 else ''
            out.append('    <item id="%s" type="%s" weight="%d"%s>'
                       % (item_id(s, i), kind, 1 + i % 2, na))
            out.append('      <text>Indikator %s</text>' % item_id(s, i))
            if kind == "scale":
                out.append('      <levels>')
                for level in range(1, 5):
                    out.append('        <level value="%d">Tingkat %d</level>' % (level, level))
                out.append('      </levels>')
            out.append('    </item>')
        out.append('  </section>')
    out.append('</checklist>')
    return "\n".join(out) + "\n"


# Every section scored, N/A left out; the result's shape is what pantau checks.
SCORE_LUA = """
function score(v)
  local sections, total = {}, 0
  for _, s in ipairs(v.checklist.sections) do
    local got, w = 0, 0
    for _, item in ipairs(s.items) do
      local a = v.answers[item.id]
      if a and not a.na then
        local c
        if item.type == 'yesno' then c = a.value and 1 or 0
        else c = (a.value - 1) / (item.levels - 1) end
        got, w = got + c * item.weight, w + item.weight
      end
    end
    local sc = w > 0 and s.weight * got / w or 0
    sections[#sections + 1] = { id = s.id, score = sc, max = s.weight, justification = '' }
    total = total + sc
  end
  local grade = ''
  for _, b in ipairs(v.checklist.bands) do
    if total >= b.min then grade = b.grade; break end
  end
  return { sections = sections, total = total, max = v.checklist.max_total, grade = grade,
           flags = {} }
end
"""


def visits_csv(rng, n_visits):
    lines = []
    for v in range(n_visits):
        lines += ["#institution;%s" % INSTITUTION,
                  "#checklist;%s@%s" % (CHECKLIST_ID, CHECKLIST_VERSION),
                  "#date;2024-%02d-%02d" % (1 + v % 12, 1 + v % 28),
                  "#type;routine",
                  "#team;Siti Rahma|Dinas Sosial|ketua",
                  "item;value;note"]
        for s in range(N_SECTIONS):
            for i in range(ITEMS_PER_SECTION):
                if i == 4 and rng.random() < 0.1:
                    value = "NA"
                elif item_kind(s, i) == "yesno":
                    value = "ya" if rng.random() < 0.8 else "tidak"
                else:
                    value = str(rng.randint(1, 4))
                lines.append("%s;%s;" % (item_id(s, i), value))
    return "\n".join(lines) + "\n"


class CrashKillTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pantau-crash-")
        self.db = os.path.join(self.tmp, "pantau.db")
        self.scripts = os.path.join(self.tmp, "scripts")
        os.mkdir(self.scripts)
        with open(os.path.join(self.scripts, SCRIPT), "w", encoding="utf-8") as f:
            f.write(SCORE_LUA)
        self.checklist = os.path.join(self.tmp, "uji-crash.xml")
        with open(self.checklist, "w", encoding="utf-8") as f:
            f.write(checklist_xml())

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def argv(self, *args):
        return [BIN, "--db", self.db, "--scripts", self.scripts, *args]

    def pantau(self, *args):
        r = subprocess.run(self.argv(*args), capture_output=True, text=True, cwd=self.tmp)
        self.assertEqual(r.returncode, 0, "pantau %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
        return r

    def query(self, sql):
        con = sqlite3.connect(self.db)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def assert_consistent(self, context):
        """The invariants that must hold after any kill."""
        con = sqlite3.connect(self.db)
        try:
            q = lambda sql: con.execute(sql).fetchall()
            self.assertEqual(q("PRAGMA integrity_check"), [("ok",)], context)
            self.assertEqual(q("PRAGMA foreign_key_check"), [], context)
            partial = q("SELECT v.id, (SELECT count(*) FROM answer a WHERE a.visit_id = v.id) AS n"
                        " FROM visit v WHERE n <> %d LIMIT 5" % N_ITEMS)
            self.assertEqual(partial, [], context + ": visits without exactly their answers")
            orphans = q("SELECT count(*) FROM answer WHERE visit_id NOT IN (SELECT id FROM visit)")
            self.assertEqual(orphans, [(0,)], context + ": answers without a visit")
            teamless = q("SELECT count(*) FROM visit v WHERE (SELECT count(*) FROM visit_team t"
                         " WHERE t.visit_id = v.id) <> 1")
            self.assertEqual(teamless, [(0,)], context + ": visits without their team")
            unsectioned = q("SELECT s.visit_id FROM score s WHERE (SELECT count(*) FROM"
                            " score_section x WHERE x.visit_id = s.visit_id) <> %d LIMIT 5"
                            % N_SECTIONS)
            self.assertEqual(unsectioned, [], context + ": scores without all their sections")
            stray = q("SELECT (SELECT count(*) FROM score WHERE visit_id NOT IN"
                      " (SELECT id FROM visit)) + (SELECT count(*) FROM score_section WHERE"
                      " visit_id NOT IN (SELECT visit_id FROM score))")
            self.assertEqual(stray, [(0,)], context + ": scores or sections without their owner")
            (n_visits,), = q("SELECT count(*) FROM visit")
            (n_scores,), = q("SELECT count(*) FROM score")
            return n_visits, n_scores
        finally:
            con.close()

    def run_killed(self, args, delay):
        """Starts pantau, kills it after delay seconds unless it ended first. Returns
        (killed_while_running, returncode, stderr)."""
        p = subprocess.Popen(self.argv(*args), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, cwd=self.tmp)
        deadline = time.monotonic() + delay
        while p.poll() is None and time.monotonic() < deadline:
            time.sleep(min(0.002, max(0.0, deadline - time.monotonic())))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
        _, err = p.communicate()
        # It may still have ended on its own between poll() and the signal: only the exit
        # status tells whether the kill landed while it ran.
        return p.returncode == -signal.SIGKILL, p.returncode, err.decode("utf-8", "replace")

    def test_sigkill_during_import_or_scoring_leaves_a_consistent_database(self):
        seed = int(os.environ.get("PANTAU_CRASH_SEED", str(int(time.time()) % 1000000)))
        print("crash test seed %d (PANTAU_CRASH_SEED=%d replays it)" % (seed, seed),
              file=sys.stderr)
        rng = random.Random(seed)
        visits = os.path.join(self.tmp, "visits.csv")
        with open(visits, "w", encoding="utf-8") as f:
            f.write(visits_csv(rng, N_VISITS))

        self.pantau("init")
        self.pantau("checklist", "load", self.checklist)
        self.pantau("institution", "add", "--reg-no", INSTITUTION, "--name", "Panti Uji",
                    "--kind", "LKSA", "--reg-status", "registered")

        # One import runs to its end first: it measures how long an import takes on this
        # machine and build (a sanitizer build is several times slower). If it is slow, the
        # rounds use a smaller file, so one import takes about TARGET_IMPORT_SECONDS whatever
        # the build and the test keeps to its time; the kill delays are scaled from it, so they
        # land inside the run rather than before or after it.
        t0 = time.monotonic()
        self.pantau("visit", "import", visits)
        import_seconds = time.monotonic() - t0
        n_visits, _ = self.assert_consistent("after the first import")
        self.assertEqual(n_visits, N_VISITS)
        per_file = N_VISITS
        if import_seconds > TARGET_IMPORT_SECONDS * 1.25:
            per_file = max(500, int(N_VISITS * TARGET_IMPORT_SECONDS / import_seconds))
            import_seconds *= per_file / N_VISITS
            with open(visits, "w", encoding="utf-8") as f:
                f.write(visits_csv(rng, per_file))
        print("the rounds import %d visits per file, %.2f s per import"
              % (per_file, import_seconds), file=sys.stderr)

        killed_imports = killed_scores = finished_imports = finished_scores = 0
        started = time.monotonic()
        rounds = 0
        for r in range(ROUNDS):
            if time.monotonic() - started > TIME_BUDGET:
                break
            rounds += 1
            scoring = r % SCORE_EVERY == SCORE_EVERY - 1
            # up to 1.2x the measured time: most rounds are killed, some finish; every fifth
            # import round waits long enough to finish, so the database surely grows
            if not scoring and r % 5 == 2:
                delay = rng.uniform(3, 4) * import_seconds
            else:
                delay = rng.uniform(0, 1.2 * import_seconds)
            args = ("score", "--all") if scoring else ("visit", "import", visits)
            killed, code, err = self.run_killed(args, delay)
            context = "round %d (seed %d, %s, killed after %.0f ms)" % (
                r, seed, " ".join(args), delay * 1000)
            if not killed:
                self.assertEqual(code, 0, context + ": pantau failed: " + err)
            before = n_visits
            n_visits, n_scores = self.assert_consistent(context)
            # the file is one transaction: its visits are all in, or none of them
            self.assertEqual((n_visits - before) % per_file, 0, context + ": partial import")
            if scoring:
                self.assertEqual(n_visits, before, context)
                if killed:
                    killed_scores += 1
                else:
                    finished_scores += 1
                    self.assertEqual(n_scores, n_visits, context + ": score --all left some out")
            else:
                self.assertIn(n_visits - before, (0, per_file), context)
                if killed:
                    killed_imports += 1
                else:
                    finished_imports += 1
                    self.assertEqual(n_visits, before + per_file, context)

        print("%d rounds: imports killed %d / finished %d, scoring killed %d / finished %d; "
              "%d visits and %d scores stored" % (rounds, killed_imports, finished_imports,
                                                   killed_scores, finished_scores, n_visits,
                                                   n_scores), file=sys.stderr)
        # not vacuous: kills really happened, and imports really finished (so the database grew)
        self.assertGreater(killed_imports, 0, "no import was killed while running")
        self.assertGreater(finished_imports, 0, "no import finished during the rounds")

        # after all that, the database still works: one more import and a full scoring run
        t0 = time.monotonic()
        self.pantau("visit", "import", visits)
        self.pantau("score", "--all")
        print("final import and score --all: %.2f s" % (time.monotonic() - t0), file=sys.stderr)
        n_visits_after, n_scores = self.assert_consistent("after the final import and scoring")
        self.assertEqual(n_visits_after, n_visits + per_file)
        self.assertEqual(n_scores, n_visits_after)


if __name__ == "__main__":
    unittest.main(verbosity=2)
