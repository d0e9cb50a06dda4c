/* The scorer: what a script sees in v, how its result is checked and converted (failed gates
 * included), per-visit isolation, require, and what happens when a script is missing, broken
 * or returns nonsense. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"
#include "internal.h"
#include "score_internal.h"

static const char *const CHECKLIST_XML =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"uji\" version=\"1\" script=\"uji.lua\">\n"
    "  <title>Daftar uji</title>\n"
    "  <grading max=\"100\" fail-label=\"Tidak Lulus\">\n"
    "    <band grade=\"A\" min=\"90\" label=\"Sangat Baik\" validity-years=\"5\"/>\n"
    "    <band grade=\"B\" min=\"70\" label=\"Baik\" validity-years=\"3\"/>\n"
    "    <band grade=\"C\" min=\"50\" label=\"Cukup\"/>\n"
    "  </grading>\n"
    "  <params><param id=\"batas\" value=\"4.5\" unit=\"m2\">Batas luas</param></params>\n"
    "  <section id=\"S1\" weight=\"60\">\n"
    "    <title>Satu</title>\n"
    "    <item id=\"S1.01\" type=\"yesno\" weight=\"1\"><text>Ada rencana</text></item>\n"
    "    <item id=\"S1.02\" type=\"scale\" weight=\"2\" pass-level=\"2\"><text>Mutu</text>\n"
    "      <levels><level value=\"1\">buruk</level><level value=\"2\">cukup</level>\n"
    "        <level value=\"3\">baik</level></levels>\n"
    "      <gate cap=\"B\" severity=\"tinggi\" agency=\"Dinas Sosial\">Mutu buruk</gate></item>\n"
    "    <item id=\"S1.03\" type=\"count\" unit=\"orang\"><text>Pengasuh</text></item>\n"
    "    <item id=\"S1.04\" type=\"number\" unit=\"m2\" min=\"0\" max=\"100\"><text>Luas</text></item>\n"
    "  </section>\n"
    "  <section id=\"S2\" weight=\"40\">\n"
    "    <title>Dua</title>\n"
    "    <item id=\"S2.01\" type=\"choice\" weight=\"1\"><text>Kondisi</text>\n"
    "      <choices><choice value=\"baik\" score=\"1\">Baik</choice>\n"
    "        <choice value=\"buruk\" score=\"0\">Buruk</choice></choices></item>\n"
    "    <item id=\"S2.02\" type=\"text\"><text>Catatan</text></item>\n"
    "    <item id=\"S2.03\" type=\"yesno\" weight=\"1\" na=\"allowed\" expect=\"tidak\">\n"
    "      <text>Ada kekerasan</text>\n"
    "      <gate cap=\"none\" severity=\"kritis\" agency=\"DP3A\">Kekerasan</gate></item>\n"
    "    <item id=\"S2.04\" type=\"date\"><text>Tanggal</text></item>\n"
    "  </section>\n"
    "</checklist>\n";

/* A script that returns what the test asks for through v.visit.notes, so one compiled scorer
 * can be driven through many results. */
static const char *const ECHO_SCRIPT =
    "local results = {}\n"
    "local function ok(v) return { sections = {\n"
    "    { id = 'S1', score = 40, max = 60, justification = v.visit.notes or '' },\n"
    "    { id = 'S2', score = 35.5, max = 40 } },\n"
    "  total = 75.5, max = 100, grade = 'B',\n"
    "  flags = {{ code = 'GATE', severity = 'kritis', agency = 'DP3A', item = 'S2.03',\n"
    "             message = 'Kekerasan' }} } end\n"
    "results.good = ok\n"
    "results.not_a_table = function() return 42 end\n"
    "results.no_total = function(v) local r = ok(v) r.total = nil return r end\n"
    "results.nan_score = function(v) local r = ok(v) r.sections[1].score = 0/0 return r end\n"
    "results.inf_total = function(v) local r = ok(v) r.total = math.huge return r end\n"
    "results.string_total = function(v) local r = ok(v) r.total = '75' return r end\n"
    "results.unknown_section = function(v) local r = ok(v) r.sections[2].id = 'S9' return r end\n"
    "results.twice = function(v) local r = ok(v) r.sections[2].id = 'S1' return r end\n"
    "results.over_max = function(v) local r = ok(v) r.sections[1].score = 61 return r end\n"
    "results.negative = function(v) local r = ok(v) r.sections[1].score = -1 return r end\n"
    "results.total_over = function(v) local r = ok(v) r.total = 101 return r end\n"
    "results.bad_grade = function(v) local r = ok(v) r.grade = 'Z' return r end\n"
    "results.unearned = function(v) local r = ok(v) r.grade = 'A' return r end\n"
    "results.bad_severity = function(v) local r = ok(v) r.flags[1].severity = 'parah' return r end\n"
    "results.bad_item = function(v) local r = ok(v) r.flags[1].item = 'S7.01' return r end\n"
    "results.no_code = function(v) local r = ok(v) r.flags[1].code = nil return r end\n"
    "results.no_sections = function(v) local r = ok(v) r.sections = nil return r end\n"
    "results.bad_utf8 = function(v) local r = ok(v) r.sections[1].justification = '\\255' return r end\n"
    "results.esc_message = function(v) local r = ok(v) r.flags[1].message = 'x\\27[2J' return r end\n"
    "results.bell_justification = function(v) local r = ok(v)\n"
    "  r.sections[1].justification = 'a\\7b' return r end\n"
    "results.del_code = function(v) local r = ok(v) r.flags[1].code = 'G\\127' return r end\n"
    "results.cr_agency = function(v) local r = ok(v) r.flags[1].agency = 'DP3A\\r' return r end\n"
    "results.csi_message = function(v) local r = ok(v) r.flags[1].message = '\\194\\155' return r end\n"
    "results.nul_section = function(v) local r = ok(v) r.sections[2].id = 'S2\\0' return r end\n"
    "results.lines_and_tabs = function(v) local r = ok(v)\n"
    "  r.sections[1].justification = 'satu\\n\\tdua' r.flags[1].message = 'é\\tü' return r end\n"
    "results.no_grade = function(v) local r = ok(v) r.grade = '' return r end\n"
    "results.nil_grade = function(v) local r = ok(v) r.grade = nil r.total = 40 return r end\n"
    "results.grade_a = function(v) local r = ok(v) r.grade = 'A' r.total = 95 return r end\n"
    "results.grade_c = function(v) local r = ok(v) r.grade = 'C' r.total = 55 return r end\n"
    "results.sneaky_index = function(v) local r = ok(v)\n"
    "  return setmetatable({}, { __index = function() while true do end end }) end\n"
    "function score(v) return results[v.visit.notes or 'good'](v) end\n";

typedef struct fixture {
    char *dir;
    pt_checklist *checklist;
    pt_scorer *scorer;
} fixture;

static pt_checklist *parse_checklist(const char *xml)
{
    pt_checklist *cl = NULL;
    if (pt_checklist_parse(&cl, "uji.xml", xml, strlen(xml)) != 0)
        fail_msg("checklist: %s", pt_error_last());
    return cl;
}

static void write_script(const char *dir, const char *name, const char *text)
{
    free(test_write_file(dir, name, text));
}

static void make_lib_dir(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/lib", dir);
    if (mkdir(path, 0700) != 0) fail_msg("mkdir %s", path);
}

static fixture *fixture_new(const char *script)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = test_tmpdir();
    f->checklist = parse_checklist(CHECKLIST_XML);
    if (script) {
        write_script(f->dir, "uji.lua", script);
        if (pt_scorer_new(&f->scorer, f->checklist, f->dir, NULL) != 0)
            fail_msg("scorer: %s", pt_error_last());
    }
    return f;
}

static void fixture_free(fixture *f)
{
    pt_scorer_free(f->scorer);
    pt_checklist_free(f->checklist);
    test_tmpdir_remove(f->dir);
    free(f);
}

static const pt_answer ANSWERS[] = {
    {"S1.01", "ya", 0, "rencana ada", 0},
    {"S1.02", "3", 0, NULL, 0},
    {"S1.03", "12", 0, NULL, 0},
    {"S1.04", "12.5", 0, NULL, 0},
    {"S2.01", "baik", 0, NULL, 0},
    {"S2.02", "Kunjungan pagi", 0, NULL, 0},
    {"S2.03", NULL, 1, "tidak berlaku", 0},
};

static const pt_team_member TEAM[] = {
    {"Siti Rahma", "Dinas Sosial", "ketua"},
    {"Budi Santoso", "Satpol PP", NULL},
};

static pt_visit make_visit(const char *notes)
{
    pt_visit v = {0};
    v.id = 7;
    v.institution_id = 3;
    v.institution_name = "LKSA Harapan";
    v.checklist_id = "uji";
    v.checklist_version = "1";
    v.date = "2024-02-29";
    v.type = "accreditation";
    v.notes = notes;
    v.n_team = 2;
    v.team = TEAM;
    v.n_answers = sizeof ANSWERS / sizeof ANSWERS[0];
    v.answers = ANSWERS;
    return v;
}

static pt_institution make_institution(void)
{
    pt_institution in = {0};
    in.id = 3;
    in.reg_no = "LKSA-3671-001";
    in.name = "LKSA Harapan";
    in.kind = "LKSA";
    in.kabupaten_kota = "Kota Tangerang";
    in.capacity = 40;
    in.children_in_care = -1;
    in.reg_status = "registered";
    in.contact_phone = "0812-rahasia";
    return in;
}

/* Scores with the echo script and returns the code; *out set on success. */
static int score_notes(fixture *f, const char *notes, pt_score **out)
{
    pt_visit v = make_visit(notes);
    pt_institution in = make_institution();
    *out = NULL;
    return pt_scorer_score(f->scorer, &v, &in, out);
}

static void assert_good_visit_scores(fixture *f)
{
    pt_score *s = NULL;
    if (score_notes(f, NULL, &s) != 0) fail_msg("good visit: %s", pt_error_last());
    assert_true(fabs(s->total - 75.5) < 1e-9);
    assert_string_equal(s->grade, "B");
    assert_int_equal(s->n_sections, 2);
    pt_score_free(s);
}

/* ---- result conversion ---- */

static void test_a_good_result_becomes_a_score_with_label_validity_and_hashes(void **state)
{
    (void)state;
    fixture *f = fixture_new(ECHO_SCRIPT);
    pt_score *s = NULL;
    assert_int_equal(score_notes(f, "good", &s), 0);
    assert_int_equal(s->visit_id, 7);
    assert_true(fabs(s->total - 75.5) < 1e-9);
    assert_true(fabs(s->max - 100) < 1e-9);
    assert_string_equal(s->grade, "B");
    assert_string_equal(s->grade_label, "Baik");
    /* 29 Feb 2024 + 3 years: there is no 29 Feb 2027 */
    assert_string_equal(s->valid_until, "2027-02-28");
    assert_int_equal(s->n_sections, 2);
    assert_string_equal(s->sections[0].section_id, "S1");
    assert_string_equal(s->sections[0].justification, "good");
    assert_true(fabs(s->sections[1].score - 35.5) < 1e-9);
    assert_string_equal(s->sections[1].justification, "");
    assert_int_equal(s->n_flags, 1);
    assert_string_equal(s->flags[0].code, "GATE");
    assert_string_equal(s->flags[0].severity, "kritis");
    assert_string_equal(s->flags[0].agency, "DP3A");
    assert_string_equal(s->flags[0].item_id, "S2.03");
    assert_string_equal(s->flags[0].message, "Kekerasan");
    assert_string_equal(s->checklist_sha256, f->checklist->sha256);
    char hex[65];
    pt__sha256_hex(ECHO_SCRIPT, strlen(ECHO_SCRIPT), hex);
    assert_string_equal(s->script_sha256, hex);
    assert_string_equal(pt_scorer_script_sha256(f->scorer), hex);
    assert_string_equal(pt_scorer_script_source(f->scorer), ECHO_SCRIPT);
    assert_string_equal(pt_scorer_script_name(f->scorer), "uji.lua");
    assert_string_equal(s->scored_at, "");
    pt_score_free(s);
    fixture_free(f);
}

static void test_an_empty_or_missing_grade_takes_the_fail_label_and_no_validity(void **state)
{
    (void)state;
    fixture *f = fixture_new(ECHO_SCRIPT);
    const char *modes[] = {"no_grade", "nil_grade"};
    for (int i = 0; i < 2; i++) {
        pt_score *s = NULL;
        if (score_notes(f, modes[i], &s) != 0) fail_msg("%s: %s", modes[i], pt_error_last());
        assert_string_equal(s->grade, "");
        assert_string_equal(s->grade_label, "Tidak Lulus");
        assert_string_equal(s->valid_until, "");
        pt_score_free(s);
    }
    fixture_free(f);
}

static void test_a_band_without_validity_years_gives_no_valid_until(void **state)
{
    (void)state;
    fixture *f = fixture_new(ECHO_SCRIPT);
    pt_score *s = NULL;
    assert_int_equal(score_notes(f, "grade_c", &s), 0);
    assert_string_equal(s->grade_label, "Cukup");
    assert_string_equal(s->valid_until, "");
    pt_score_free(s);
    assert_int_equal(score_notes(f, "grade_a", &s), 0);
    assert_string_equal(s->grade_label, "Sangat Baik");
    assert_string_equal(s->valid_until, "2029-02-28");
    pt_score_free(s);
    fixture_free(f);
}

static void test_malformed_results_are_refused_naming_the_problem(void **state)
{
    (void)state;
    static const struct {
        const char *mode, *needle;
    } cases[] = {
        {"not_a_table", "score(v) returned number, not a table"},
        {"no_total", "total is nil, not a number"},
        {"nan_score", "sections[1]: score is not a finite number"},
        {"inf_total", "total is not a finite number"},
        {"string_total", "total is string, not a number"},
        {"unknown_section", "sections[2]: unknown section id 'S9'"},
        {"twice", "sections[2]: section 'S1' appears twice"},
        {"over_max", "sections[1]: score 61 is outside 0..max (60)"},
        {"negative", "sections[1]: score -1 is outside 0..max (60)"},
        {"total_over", "total 101 is outside 0..max (100)"},
        {"bad_grade", "grade 'Z' is not a band of uji@1"},
        {"unearned", "grade 'A' needs a total of at least 90, not 75.5"},
        {"bad_severity", "flags[1]: unknown severity 'parah'"},
        {"bad_item", "flags[1]: unknown item 'S7.01'"},
        {"no_code", "flags[1]: code is nil, not a string"},
        {"no_sections", "sections is nil, not a list"},
        {"bad_utf8", "sections[1]: justification is not valid UTF-8 text"},
        {"esc_message", "flags[1]: message contains a control character (0x1b)"},
        {"bell_justification", "sections[1]: justification contains a control character (0x07)"},
        {"del_code", "flags[1]: code contains a control character (0x7f)"},
        {"cr_agency", "flags[1]: agency contains a control character (0x0d)"},
        {"csi_message", "flags[1]: message contains a control character (U+009B)"},
        {"nul_section", "sections[2]: id is not valid UTF-8 text"},
    };
    fixture *f = fixture_new(ECHO_SCRIPT);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pt_score *s = NULL;
        int rc = score_notes(f, cases[i].mode, &s);
        if (rc != PT_ESCRIPT)
            fail_msg("%s: expected PT_ESCRIPT, got %d (%s)", cases[i].mode, rc, pt_error_last());
        assert_null(s);
        assert_error_contains("uji.lua: score(v) returned a malformed result: ");
        assert_error_contains(cases[i].needle);
        /* the same scorer goes on scoring good visits */
        assert_good_visit_scores(f);
    }
    fixture_free(f);
}

static void test_newlines_and_tabs_in_result_text_are_kept(void **state)
{
    (void)state;
    fixture *f = fixture_new(ECHO_SCRIPT);
    pt_score *s = NULL;
    if (score_notes(f, "lines_and_tabs", &s) != 0) fail_msg("%s", pt_error_last());
    assert_string_equal(s->sections[0].justification, "satu\n\tdua");
    assert_string_equal(s->flags[0].message, "\xc3\xa9\t\xc3\xbc");
    pt_score_free(s);
    fixture_free(f);
}

static void test_reading_the_result_runs_no_metamethod_of_the_script(void **state)
{
    (void)state;
    fixture *f = fixture_new(ECHO_SCRIPT);
    pt_score *s = NULL;
    /* an __index that loops forever would hang a reader that used lua_getfield */
    assert_int_equal(score_notes(f, "sneaky_index", &s), PT_ESCRIPT);
    assert_error_contains("sections is nil, not a list");
    assert_good_visit_scores(f);
    fixture_free(f);
}

/* ---- what the script sees ---- */

static const char *const PROBE_SCRIPT =
    "local function show(x) if type(x) == 'table' then return 'table' end\n"
    "  return type(x) .. ':' .. tostring(x) end\n"
    "function score(v)\n"
    "  local a = v.answers\n"
    "  local parts = {\n"
    "    show(a['S1.01'].value), show(a['S1.01'].na), show(a['S1.01'].note),\n"
    "    show(a['S1.02'].value), show(a['S1.03'].value), show(a['S1.04'].value),\n"
    "    show(a['S2.01'].value), show(a['S2.02'].value),\n"
    "    show(a['S2.03'].na), show(a['S2.03'].value), show(a['S2.03'].note),\n"
    "    show(a['S2.04']),\n"
    "    v.visit.id, v.visit.date, v.visit.type, v.visit.notes, #v.visit.team,\n"
    "    v.visit.team[1].name, v.visit.team[1].agency, v.visit.team[1].role,\n"
    "    show(v.visit.team[2].role),\n"
    "    v.institution and v.institution.name or 'no institution',\n"
    "    show(v.institution and v.institution.capacity),\n"
    "    show(v.institution and v.institution.children_in_care),\n"
    "    show(v.institution and v.institution.contact_phone),\n"
    "  }\n"
    "  local c = v.checklist\n"
    "  local items = {}\n"
    "  for _, s in ipairs(c.sections) do\n"
    "    for _, it in ipairs(s.items) do items[#items + 1] = it.id .. '=' .. it.type end\n"
    "  end\n"
    "  local s1 = c.sections[1]\n"
    "  local checklist = {\n"
    "    c.id, c.version, c.title, show(c.max_total), c.fail_label, #c.bands,\n"
    "    c.bands[1].grade, c.bands[1].label, show(c.bands[1].min), show(c.bands[1].validity_years),\n"
    "    show(c.bands[3].validity_years), show(c.params.batas), #c.sections,\n"
    "    s1.id, s1.title, show(s1.weight), #s1.items, table.concat(items, ' '),\n"
    "    show(s1.items[1].expect), show(s1.items[1].na_allowed), show(s1.items[1].gate),\n"
    "    show(s1.items[2].levels), show(s1.items[2].pass_level), s1.items[2].gate.cap,\n"
    "    s1.items[2].gate.severity, s1.items[2].gate.agency, s1.items[2].gate.message,\n"
    "    s1.items[4].unit, show(s1.items[4].min), show(s1.items[4].max),\n"
    "    show(c.sections[2].items[1].choices.baik), show(c.sections[2].items[1].choices.buruk),\n"
    "    show(c.sections[2].items[3].expect), show(c.sections[2].items[3].na_allowed),\n"
    "    pantau.version,\n"
    "  }\n"
    "  return { sections = {{ id = 'S1', score = 1, max = 60,\n"
    "                         justification = table.concat(parts, '|') },\n"
    "                       { id = 'S2', score = 1, max = 40,\n"
    "                         justification = table.concat(checklist, '|') }},\n"
    "           total = 2, max = 100, grade = '' }\n"
    "end\n";

static void test_v_holds_the_visit_institution_checklist_and_typed_answers(void **state)
{
    (void)state;
    fixture *f = fixture_new(PROBE_SCRIPT);
    pt_score *s = NULL;
    pt_visit v = make_visit("Kunjungan pagi");
    pt_institution in = make_institution();
    if (pt_scorer_score(f->scorer, &v, &in, &s) != 0) fail_msg("%s", pt_error_last());
    assert_string_equal(s->sections[0].justification,
                        "boolean:true|boolean:false|string:rencana ada|"
                        "number:3|number:12|number:12.5|string:baik|string:Kunjungan pagi|"
                        "boolean:true|nil:nil|string:tidak berlaku|nil:nil|"
                        "7|2024-02-29|accreditation|Kunjungan pagi|2|"
                        "Siti Rahma|Dinas Sosial|ketua|nil:nil|"
                        "LKSA Harapan|number:40|nil:nil|nil:nil");
    assert_string_equal(s->sections[1].justification,
                        "uji|1|Daftar uji|number:100|Tidak Lulus|3|"
                        "A|Sangat Baik|number:90|number:5|number:0|number:4.5|2|"
                        "S1|Satu|number:60|4|"
                        "S1.01=yesno S1.02=scale S1.03=count S1.04=number "
                        "S2.01=choice S2.02=text S2.03=yesno S2.04=date|"
                        "string:ya|boolean:false|nil:nil|"
                        "number:3|number:2|B|tinggi|Dinas Sosial|Mutu buruk|"
                        "m2|number:0|number:100|number:1|number:0|"
                        "string:tidak|boolean:true|" PT_VERSION_STRING);
    pt_score_free(s);
    fixture_free(f);
}

static void test_a_yesno_answer_other_than_ya_is_false(void **state)
{
    (void)state;
    fixture *f = fixture_new(
        "function score(v) return { sections = {{ id = 'S1', score = 0, max = 1,\n"
        "  justification = tostring(v.answers['S1.01'].value) }}, total = 0, max = 100 } end\n");
    pt_answer answers[] = {{"S1.01", "tidak", 0, NULL, 0}};
    pt_visit v = make_visit(NULL);
    v.answers = answers;
    v.n_answers = 1;
    pt_score *s = NULL;
    assert_int_equal(pt_scorer_score(f->scorer, &v, NULL, &s), 0);
    assert_string_equal(s->sections[0].justification, "false");
    pt_score_free(s);
    fixture_free(f);
}

static void test_v_institution_is_nil_when_none_is_given(void **state)
{
    (void)state;
    fixture *f = fixture_new(PROBE_SCRIPT);
    pt_score *s = NULL;
    pt_visit v = make_visit("x");
    assert_int_equal(pt_scorer_score(f->scorer, &v, NULL, &s), 0);
    assert_non_null(strstr(s->sections[0].justification, "|no institution|nil:nil|nil:nil|nil:nil"));
    pt_score_free(s);
    fixture_free(f);
}

static void test_an_answer_for_an_unknown_item_is_refused(void **state)
{
    (void)state;
    fixture *f = fixture_new(ECHO_SCRIPT);
    pt_answer answers[] = {{"S9.99", "ya", 0, NULL, 0}};
    pt_visit v = make_visit(NULL);
    v.answers = answers;
    v.n_answers = 1;
    pt_score *s = NULL;
    assert_int_equal(pt_scorer_score(f->scorer, &v, NULL, &s), PT_EINVALID);
    assert_error_contains("visit 7: answer for unknown item S9.99 of uji@1");
    assert_good_visit_scores(f);
    fixture_free(f);
}

static void test_a_number_answer_that_is_not_a_number_is_refused(void **state)
{
    (void)state;
    fixture *f = fixture_new(ECHO_SCRIPT);
    pt_answer answers[] = {{"S1.04", "12,5", 0, NULL, 0}};
    pt_visit v = make_visit(NULL);
    v.answers = answers;
    v.n_answers = 1;
    pt_score *s = NULL;
    assert_int_equal(pt_scorer_score(f->scorer, &v, NULL, &s), PT_EINVALID);
    assert_error_contains("visit 7: item S1.04: '12,5' is not a number");
    fixture_free(f);
}

/* ---- isolation ---- */

static const char *const LEAK_SCRIPT =
    "counter = (counter or 0) + 1\n"
    "function score(v)\n"
    "  local seen = tostring(secret) .. ',' .. tostring(string.secret) .. ','\n"
    "    .. tostring(table.secret) .. ',' .. tostring(math.pi) .. ',' .. counter .. ','\n"
    "    .. tostring(('x').secret) .. ',' .. type(getmetatable(''))\n"
    "  if v.visit.notes == 'leak' then\n"
    "    secret = 'rahasia'; string.secret = 1; table.secret = 2; math.pi = 3\n"
    "    string.upper = function() return 'hacked' end\n"
    "  end\n"
    "  seen = seen .. ',' .. string.upper('a') .. ',' .. ('b'):upper()\n"
    "  return { sections = {{ id = 'S1', score = 0, max = 60, justification = seen }},\n"
    "           total = 0, max = 100 }\n"
    "end\n";

static void test_globals_and_library_changes_of_one_visit_are_gone_in_the_next(void **state)
{
    (void)state;
    fixture *f = fixture_new(LEAK_SCRIPT);
    pt_score *s = NULL;
    assert_int_equal(score_notes(f, "leak", &s), 0);
    /* within the visit the change is visible to the script itself */
    assert_string_equal(s->sections[0].justification,
                        "nil,nil,nil,3.1415926535898,1,nil,boolean,hacked,B");
    pt_score_free(s);
    assert_int_equal(score_notes(f, "after", &s), 0);
    assert_string_equal(s->sections[0].justification,
                        "nil,nil,nil,3.1415926535898,1,nil,boolean,A,B");
    pt_score_free(s);
    fixture_free(f);
}

static void test_the_checklist_in_v_is_read_only_and_intact_for_the_next_visit(void **state)
{
    (void)state;
    fixture *f = fixture_new(
        "function score(v)\n"
        "  local c = v.checklist\n"
        "  local n = 0\n"
        "  for k in pairs(c) do n = n + 1 end\n"
        "  local tries = {\n"
        "    function() c.max_total = 1 end,\n"
        "    function() c.sections[1].weight = 0 end,\n"
        "    function() c.sections[1].items[1].gate = {} end,\n"
        "    function() table.insert(c.bands, {}) end,\n"
        "    function() local _, st = pairs(c) st.id = 'x' end,\n"
        "    function() setmetatable(c, nil) end,\n"
        "    function() pantau.version = 'x' end,\n"
        "  }\n"
        "  local out = { n, c.max_total, c.sections[1].weight, tostring(getmetatable(c)) }\n"
        "  for _, t in ipairs(tries) do\n"
        "    local ok, err = pcall(t)\n"
        "    out[#out + 1] = tostring(ok) .. ':' .. tostring(err):gsub('^.-:%d+: ', '')\n"
        "  end\n"
        "  return { sections = {{ id = 'S1', score = 0, max = 60,\n"
        "    justification = table.concat(out, '|') }}, total = 0, max = 100 }\n"
        "end\n");
    for (int round = 0; round < 2; round++) {
        pt_score *s = NULL;
        if (score_notes(f, NULL, &s) != 0) fail_msg("%s", pt_error_last());
        assert_string_equal(s->sections[0].justification,
                            "8|100|60|false|"
                            "false:attempt to modify a read-only table|"
                            "false:attempt to modify a read-only table|"
                            "false:attempt to modify a read-only table|"
                            "false:attempt to modify a read-only table|"
                            "false:attempt to modify a read-only table|"
                            "false:cannot change a protected metatable|"
                            "false:attempt to modify a read-only table");
        pt_score_free(s);
    }
    fixture_free(f);
}

/* ---- require ---- */

static void test_require_loads_lib_modules_once_per_visit_and_nothing_else(void **state)
{
    (void)state;
    fixture *f = fixture_new(NULL);
    make_lib_dir(f->dir);
    write_script(f->dir, "lib/helper.lua",
                 "loads = (loads or 0) + 1\n"
                 "local M = {}\n"
                 "function M.double(x) return 2 * x end\n"
                 "return M\n");
    write_script(f->dir, "lib/noreturn.lua", "noreturn_ran = true\n");
    write_script(f->dir, "lib/loop_a.lua", "require('loop_b') return {}\n");
    write_script(f->dir, "lib/loop_b.lua", "require('loop_a') return {}\n");
    write_script(f->dir, "lib/broken.lua", "local x = \n");
    write_script(f->dir, "lib/binary.lua", "\x1bLua fake");
    write_script(f->dir, "uji.lua",
                 "local h = require('helper')\n"
                 "local h2 = require('helper')\n"
                 "function score(v)\n"
                 "  local out = { h.double(21), tostring(h == h2), loads,\n"
                 "                tostring(require('noreturn')), tostring(noreturn_ran) }\n"
                 "  for _, name in ipairs({ 'os', 'io', 'debug', '../uji', 'lib/helper',\n"
                 "                          'Helper', 'missing', 'loop_a', 'broken', 'binary' }) do\n"
                 "    local ok, err = pcall(require, name)\n"
                 "    out[#out + 1] = tostring(ok) .. ':' .. tostring(err)\n"
                 "  end\n"
                 "  return { sections = {{ id = 'S1', score = 0, max = 60,\n"
                 "    justification = table.concat(out, '|') }}, total = 0, max = 100 }\n"
                 "end\n");
    if (pt_scorer_new(&f->scorer, f->checklist, f->dir, NULL) != 0) fail_msg("%s", pt_error_last());
    for (int round = 0; round < 2; round++) {
        pt_score *s = NULL;
        if (score_notes(f, NULL, &s) != 0) fail_msg("%s", pt_error_last());
        assert_string_equal(s->sections[0].justification,
                            "42|true|1|true|true|"
                            "false:module 'os' not found (only scripts/lib modules)|"
                            "false:module 'io' not found (only scripts/lib modules)|"
                            "false:module 'debug' not found (only scripts/lib modules)|"
                            "false:module '../uji' not found (only scripts/lib modules)|"
                            "false:module 'lib/helper' not found (only scripts/lib modules)|"
                            "false:module 'Helper' not found (only scripts/lib modules)|"
                            "false:module 'missing' not found (only scripts/lib modules)|"
                            "false:lib/loop_b.lua:1: module 'loop_a': circular require|"
                            "false:lib/broken.lua:2: unexpected symbol near <eof>|"
                            "false:lib/binary.lua: binary chunks are not allowed");
        pt_score_free(s);
    }
    fixture_free(f);
}

static void test_an_error_inside_a_lib_module_names_the_script_and_the_module_line(void **state)
{
    (void)state;
    fixture *f = fixture_new(NULL);
    make_lib_dir(f->dir);
    write_script(f->dir, "lib/bad.lua", "local M = {}\nfunction M.go() error('rusak') end\nreturn M\n");
    write_script(f->dir, "uji.lua", "local bad = require('bad')\nfunction score(v) bad.go() end\n");
    assert_int_equal(pt_scorer_new(&f->scorer, f->checklist, f->dir, NULL), 0);
    pt_score *s = NULL;
    assert_int_equal(score_notes(f, NULL, &s), PT_ESCRIPT);
    assert_string_equal(pt_error_last(), "uji.lua: lib/bad.lua:2: rusak");
    fixture_free(f);
}

/* ---- scripts that cannot be used ---- */

static void test_a_missing_script_is_not_found_in_the_scripts_folder(void **state)
{
    (void)state;
    fixture *f = fixture_new(NULL);
    pt_scorer *scorer = (pt_scorer *)1;
    assert_int_equal(pt_scorer_new(&scorer, f->checklist, f->dir, NULL), PT_ENOTFOUND);
    assert_null(scorer);
    char expect[4200];
    snprintf(expect, sizeof expect, "script uji.lua not found in %s", f->dir);
    assert_string_equal(pt_error_last(), expect);
    fixture_free(f);
}

static void test_a_script_with_a_syntax_error_is_refused_with_its_line(void **state)
{
    (void)state;
    fixture *f = fixture_new(NULL);
    write_script(f->dir, "uji.lua", "function score(v)\n  return {\nend\n");
    pt_scorer *scorer = NULL;
    assert_int_equal(pt_scorer_new(&scorer, f->checklist, f->dir, NULL), PT_ESCRIPT);
    assert_null(scorer);
    assert_error_contains("uji.lua:3: unexpected symbol near 'end'");
    fixture_free(f);
}

static void test_a_script_that_fails_at_load_is_refused_with_its_line(void **state)
{
    (void)state;
    fixture *f = fixture_new(NULL);
    write_script(f->dir, "uji.lua", "local x = 1\nerror('gagal dimuat')\n");
    pt_scorer *scorer = NULL;
    assert_int_equal(pt_scorer_new(&scorer, f->checklist, f->dir, NULL), PT_ESCRIPT);
    assert_string_equal(pt_error_last(), "uji.lua:2: gagal dimuat");
    fixture_free(f);
}

static void test_a_script_without_a_score_function_is_refused(void **state)
{
    (void)state;
    fixture *f = fixture_new(NULL);
    write_script(f->dir, "uji.lua", "local function score(v) end\n");
    pt_scorer *scorer = NULL;
    assert_int_equal(pt_scorer_new(&scorer, f->checklist, f->dir, NULL), PT_ESCRIPT);
    assert_string_equal(pt_error_last(), "uji.lua: the script does not define a global function score(v)");
    fixture_free(f);
}

static void test_a_binary_chunk_is_refused(void **state)
{
    (void)state;
    fixture *f = fixture_new(NULL);
    write_script(f->dir, "uji.lua", "\x1bLuaT\x01\x02");
    pt_scorer *scorer = NULL;
    assert_int_equal(pt_scorer_new(&scorer, f->checklist, f->dir, NULL), PT_ESCRIPT);
    assert_string_equal(pt_error_last(), "uji.lua: binary chunks are not allowed");
    fixture_free(f);
}

static void test_a_script_name_with_a_path_is_refused(void **state)
{
    (void)state;
    /* a checklist built in C (the schema would refuse such a name in XML) */
    pt_checklist *cl = parse_checklist(CHECKLIST_XML);
    const char *saved = cl->script;
    cl->script = "../uji.lua";
    pt_scorer *scorer = NULL;
    char *dir = test_tmpdir();
    assert_int_equal(pt_scorer_new(&scorer, cl, dir, NULL), PT_EINVALID);
    assert_error_contains("script name '../uji.lua' is not a file name in the scripts folder");
    cl->script = saved;
    pt_checklist_free(cl);
    test_tmpdir_remove(dir);
}

static void test_a_runtime_error_names_the_script_and_line_and_the_scorer_recovers(void **state)
{
    (void)state;
    fixture *f = fixture_new(
        "function score(v)\n"
        "  if v.visit.notes == 'boom' then error('boom') end\n"
        "  if v.visit.notes == 'level0' then error('tanpa posisi', 0) end\n"
        "  if v.visit.notes == 'table' then error({}) end\n"
        "  if v.visit.notes == 'nil' then local t = nil; return t.x end\n"
        "  return { sections = {}, total = 0, max = 100 }\n"
        "end\n");
    static const struct {
        const char *mode, *message;
    } cases[] = {
        {"boom", "uji.lua:2: boom"},
        {"level0", "uji.lua:3: tanpa posisi"},
        {"table", "uji.lua:4: (error object is a table value)"},
        {"nil", "uji.lua:5: attempt to index a nil value (local 't')"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pt_score *s = NULL;
        assert_int_equal(score_notes(f, cases[i].mode, &s), PT_ESCRIPT);
        assert_string_equal(pt_error_last(), cases[i].message);
        assert_int_equal(score_notes(f, "fine", &s), 0);
        assert_int_equal(s->n_sections, 0);
        pt_score_free(s);
    }
    fixture_free(f);
}

/* ---- failed gates: the core checks the script's cap and flags ---- */

/* G1 yesno (cap C), G2 scale with pass-level 3 (cap none), G3 choice (cap B, "tidak" scores 0),
 * X1 a yesno without a gate. Bands A >= 80, B >= 60, C >= 40. */
static const char *const GATES_XML =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"gerbang\" version=\"1\" script=\"uji.lua\">\n"
    "  <title>Daftar gerbang</title>\n"
    "  <grading max=\"100\" fail-label=\"Tidak Lulus\">\n"
    "    <band grade=\"A\" min=\"80\" label=\"Sangat Baik\"/>\n"
    "    <band grade=\"B\" min=\"60\" label=\"Baik\"/>\n"
    "    <band grade=\"C\" min=\"40\" label=\"Cukup\"/>\n"
    "  </grading>\n"
    "  <section id=\"S1\" weight=\"100\">\n"
    "    <title>Satu</title>\n"
    "    <item id=\"G1\" type=\"yesno\" weight=\"1\" na=\"allowed\"><text>Izin ada</text>\n"
    "      <gate cap=\"C\" severity=\"tinggi\" agency=\"Dinas Sosial\">Tanpa izin</gate></item>\n"
    "    <item id=\"G2\" type=\"scale\" weight=\"1\" pass-level=\"3\" na=\"allowed\"><text>Aman</text>\n"
    "      <levels><level value=\"1\">a</level><level value=\"2\">b</level>\n"
    "        <level value=\"3\">c</level><level value=\"4\">d</level></levels>\n"
    "      <gate cap=\"none\" severity=\"kritis\" agency=\"DP3A\">Tidak aman</gate></item>\n"
    "    <item id=\"G3\" type=\"choice\" weight=\"1\" na=\"allowed\"><text>Akta</text>\n"
    "      <choices><choice value=\"lengkap\" score=\"1\">Lengkap</choice>\n"
    "        <choice value=\"sebagian\" score=\"0.5\">Sebagian</choice>\n"
    "        <choice value=\"tidak\" score=\"0\">Tidak ada</choice></choices>\n"
    "      <gate cap=\"B\" severity=\"sedang\" agency=\"Dinas Sosial\">Akta tidak ada</gate></item>\n"
    "    <item id=\"X1\" type=\"yesno\" weight=\"1\"><text>Papan nama</text></item>\n"
    "  </section>\n"
    "</checklist>\n";

/* A careless script: total 95 and whatever grade and flags v.visit.notes says
 * ("grade=A;flags=G1,G3"), whatever the answers. */
static const char *const TOLD_SCRIPT =
    "function score(v)\n"
    "  local notes = v.visit.notes or ''\n"
    "  local flags = {}\n"
    "  for id in (notes:match('flags=([%w,]*)') or ''):gmatch('[^,]+') do\n"
    "    flags[#flags + 1] = { code = 'GATE', severity = 'kritis', item = id }\n"
    "  end\n"
    "  if notes:find('blank_item', 1, true) then\n"
    "    flags[#flags + 1] = { code = 'GATE', severity = 'kritis', item = '' }\n"
    "  end\n"
    "  return { sections = {{ id = 'S1', score = 95, max = 100 }}, total = 95, max = 100,\n"
    "           grade = notes:match('grade=(%w*)') or '', flags = flags }\n"
    "end\n";

/* A script that does it right: the README's rule for a failed gate, the lowest cap, a flag per
 * failed gate. */
static const char *const RIGHT_SCRIPT =
    "local function rank(bands, grade)\n"
    "  for i, b in ipairs(bands) do if b.grade == grade then return i end end\n"
    "  return #bands + 1\n"
    "end\n"
    "function score(v)\n"
    "  local c, grade, flags = v.checklist, v.checklist.bands[1].grade, {}\n"
    "  for _, s in ipairs(c.sections) do\n"
    "    for _, it in ipairs(s.items) do\n"
    "      local a = v.answers[it.id]\n"
    "      if it.gate and a and not a.na then\n"
    "        local failed\n"
    "        if it.type == 'yesno' then failed = a.value ~= (it.expect == 'ya')\n"
    "        elseif it.type == 'scale' then failed = a.value < it.pass_level\n"
    "        else failed = (it.choices[a.value] or 0) == 0 end\n"
    "        if failed then\n"
    "          flags[#flags + 1] = { code = 'GATE', severity = it.gate.severity,\n"
    "                                agency = it.gate.agency, item = it.id,\n"
    "                                message = it.gate.message }\n"
    "          if rank(c.bands, it.gate.cap) > rank(c.bands, grade) then grade = it.gate.cap end\n"
    "        end\n"
    "      end\n"
    "    end\n"
    "  end\n"
    "  if grade == 'none' then grade = '' end\n"
    "  return { sections = {{ id = 'S1', score = 95, max = 100 }}, total = 95, max = 100,\n"
    "           grade = grade, flags = flags }\n"
    "end\n";

static fixture *gates_fixture_new(const char *script)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = test_tmpdir();
    f->checklist = parse_checklist(GATES_XML);
    write_script(f->dir, "uji.lua", script);
    if (pt_scorer_new(&f->scorer, f->checklist, f->dir, NULL) != 0)
        fail_msg("scorer: %s", pt_error_last());
    return f;
}

/* Scores answers (an array ending with a NULL item_id) with notes for the script. */
static int score_answers(fixture *f, const pt_answer *answers, const char *notes, pt_score **out)
{
    pt_visit v = make_visit(notes);
    v.checklist_id = "gerbang";
    v.answers = answers;
    v.n_answers = 0;
    while (answers[v.n_answers].item_id) v.n_answers++;
    *out = NULL;
    return pt_scorer_score(f->scorer, &v, NULL, out);
}

/* Asserts the result is refused with exactly this message and that nothing is returned. */
static void assert_refused(fixture *f, const pt_answer *answers, const char *notes,
                           const char *message)
{
    pt_score *s = NULL;
    int rc = score_answers(f, answers, notes, &s);
    if (rc != PT_ESCRIPT) fail_msg("%s: expected PT_ESCRIPT, got %d", notes, rc);
    assert_null(s);
    assert_string_equal(pt_error_last(), message);
}

static void assert_accepted(fixture *f, const pt_answer *answers, const char *notes,
                            const char *grade, const char *label)
{
    pt_score *s = NULL;
    if (score_answers(f, answers, notes, &s) != 0) fail_msg("%s: %s", notes, pt_error_last());
    assert_string_equal(s->grade, grade);
    assert_string_equal(s->grade_label, label);
    pt_score_free(s);
}

static void test_a_grade_above_the_cap_of_a_failed_yesno_gate_is_refused(void **state)
{
    (void)state;
    fixture *f = gates_fixture_new(TOLD_SCRIPT);
    static const pt_answer answers[] = {{"G1", "tidak", 0, NULL, 0}, {"X1", "ya", 0, NULL, 0},
                                        {NULL, NULL, 0, NULL, 0}};
    assert_refused(f, answers, "grade=A;flags=G1",
                   "uji.lua: result grade 'A' ignores failed gate G1 (cap C)");
    assert_refused(f, answers, "grade=B;flags=G1",
                   "uji.lua: result grade 'B' ignores failed gate G1 (cap C)");
    assert_accepted(f, answers, "grade=C;flags=G1", "C", "Cukup");
    assert_accepted(f, answers, "grade=;flags=G1", "", "Tidak Lulus");
    fixture_free(f);
}

static void test_a_scale_gate_below_its_pass_level_with_cap_none_allows_no_grade(void **state)
{
    (void)state;
    fixture *f = gates_fixture_new(TOLD_SCRIPT);
    static const pt_answer failed[] = {{"G2", "2", 0, NULL, 0}, {NULL, NULL, 0, NULL, 0}};
    assert_refused(f, failed, "grade=C;flags=G2",
                   "uji.lua: result grade 'C' ignores failed gate G2 (cap none)");
    assert_accepted(f, failed, "grade=;flags=G2", "", "Tidak Lulus");
    /* the pass level itself passes: no cap, no flag needed */
    static const pt_answer passed[] = {{"G2", "3", 0, NULL, 0}, {NULL, NULL, 0, NULL, 0}};
    assert_accepted(f, passed, "grade=A", "A", "Sangat Baik");
    fixture_free(f);
}

static void test_a_choice_gate_fails_only_on_a_choice_with_score_0(void **state)
{
    (void)state;
    fixture *f = gates_fixture_new(TOLD_SCRIPT);
    static const pt_answer failed[] = {{"G3", "tidak", 0, NULL, 0}, {NULL, NULL, 0, NULL, 0}};
    assert_refused(f, failed, "grade=A;flags=G3",
                   "uji.lua: result grade 'A' ignores failed gate G3 (cap B)");
    assert_accepted(f, failed, "grade=B;flags=G3", "B", "Baik");
    static const pt_answer partial[] = {{"G3", "sebagian", 0, NULL, 0}, {NULL, NULL, 0, NULL, 0}};
    assert_accepted(f, partial, "grade=A", "A", "Sangat Baik");
    fixture_free(f);
}

static void test_a_yesno_gate_that_expects_tidak_fails_on_ya(void **state)
{
    (void)state;
    fixture *f = fixture_new(ECHO_SCRIPT);  /* S2.03 expects tidak, cap none; "good" says B */
    pt_answer answers[] = {{"S2.03", "ya", 0, NULL, 0}};
    pt_visit v = make_visit(NULL);
    v.answers = answers;
    v.n_answers = 1;
    pt_score *s = NULL;
    assert_int_equal(pt_scorer_score(f->scorer, &v, NULL, &s), PT_ESCRIPT);
    assert_string_equal(pt_error_last(),
                        "uji.lua: result grade 'B' ignores failed gate S2.03 (cap none)");
    answers[0].value = "tidak";
    assert_int_equal(pt_scorer_score(f->scorer, &v, NULL, &s), 0);
    assert_string_equal(s->grade, "B");
    pt_score_free(s);
    fixture_free(f);
}

static void test_the_lowest_cap_among_failed_gates_is_the_one_enforced(void **state)
{
    (void)state;
    fixture *f = gates_fixture_new(TOLD_SCRIPT);
    static const pt_answer two[] = {{"G3", "tidak", 0, NULL, 0}, {"G1", "tidak", 0, NULL, 0},
                                    {NULL, NULL, 0, NULL, 0}};
    /* B satisfies G3's cap but not G1's */
    assert_refused(f, two, "grade=B;flags=G1,G3",
                   "uji.lua: result grade 'B' ignores failed gate G1 (cap C)");
    assert_accepted(f, two, "grade=C;flags=G1,G3", "C", "Cukup");
    static const pt_answer three[] = {{"G1", "tidak", 0, NULL, 0}, {"G2", "1", 0, NULL, 0},
                                      {"G3", "tidak", 0, NULL, 0}, {NULL, NULL, 0, NULL, 0}};
    assert_refused(f, three, "grade=C;flags=G1,G2,G3",
                   "uji.lua: result grade 'C' ignores failed gate G2 (cap none)");
    assert_accepted(f, three, "grade=;flags=G1,G2,G3", "", "Tidak Lulus");
    fixture_free(f);
}

static void test_a_result_without_a_flag_naming_a_failed_gate_is_refused(void **state)
{
    (void)state;
    fixture *f = gates_fixture_new(TOLD_SCRIPT);
    static const pt_answer answers[] = {{"G1", "tidak", 0, NULL, 0}, {"G3", "tidak", 0, NULL, 0},
                                        {NULL, NULL, 0, NULL, 0}};
    static const char *const missing_g1 =
        "uji.lua: result has no flag for failed gate G1 (a flag with item = 'G1', severity "
        "tinggi, agency Dinas Sosial)";
    assert_refused(f, answers, "grade=C", missing_g1);
    assert_refused(f, answers, "grade=C;flags=G3", missing_g1);
    /* a flag with no item does not stand for the gate */
    assert_refused(f, answers, "grade=C;flags=G3;blank_item", missing_g1);
    assert_refused(f, answers, "grade=C;flags=G1",
                   "uji.lua: result has no flag for failed gate G3 (a flag with item = 'G3', "
                   "severity sedang, agency Dinas Sosial)");
    assert_accepted(f, answers, "grade=C;flags=G3,G1", "C", "Cukup");
    fixture_free(f);
}

static void test_na_and_unanswered_gates_are_not_failures(void **state)
{
    (void)state;
    fixture *f = gates_fixture_new(TOLD_SCRIPT);
    static const pt_answer none[] = {{NULL, NULL, 0, NULL, 0}};
    assert_accepted(f, none, "grade=A", "A", "Sangat Baik");
    static const pt_answer na[] = {{"G1", NULL, 1, NULL, 0}, {"G2", NULL, 1, NULL, 0},
                                   {"G3", NULL, 1, "tidak berlaku", 0},
                                   {"X1", "tidak", 0, NULL, 0}, {NULL, NULL, 0, NULL, 0}};
    assert_accepted(f, na, "grade=A", "A", "Sangat Baik");
    fixture_free(f);
}

static void test_the_failed_gates_of_one_visit_do_not_carry_over_to_the_next(void **state)
{
    (void)state;
    fixture *f = gates_fixture_new(TOLD_SCRIPT);
    static const pt_answer failed[] = {{"G1", "tidak", 0, NULL, 0}, {"G2", "1", 0, NULL, 0},
                                       {NULL, NULL, 0, NULL, 0}};
    static const pt_answer passed[] = {{"G1", "ya", 0, NULL, 0}, {NULL, NULL, 0, NULL, 0}};
    assert_refused(f, failed, "grade=A",
                   "uji.lua: result grade 'A' ignores failed gate G2 (cap none)");
    assert_accepted(f, passed, "grade=A", "A", "Sangat Baik");
    /* a repeated item: the last answer is the one the script sees, and the one checked */
    static const pt_answer repeated[] = {{"G1", "tidak", 0, NULL, 0}, {"G1", "ya", 0, NULL, 0},
                                         {NULL, NULL, 0, NULL, 0}};
    assert_accepted(f, repeated, "grade=A", "A", "Sangat Baik");
    static const pt_answer repeated_fail[] = {{"G1", "ya", 0, NULL, 0},
                                              {"G1", "tidak", 0, NULL, 0},
                                              {NULL, NULL, 0, NULL, 0}};
    assert_refused(f, repeated_fail, "grade=A;flags=G1",
                   "uji.lua: result grade 'A' ignores failed gate G1 (cap C)");
    fixture_free(f);
}

typedef struct positioned_cursor {
    const pt_answer *answers;
    const int *positions;
    size_t n, next;
} positioned_cursor;

static int positioned_next(void *payload, pt_answer *answer, int *position)
{
    positioned_cursor *c = payload;
    if (c->next >= c->n) return 0;
    *answer = c->answers[c->next];
    *position = c->positions[c->next++];
    return 1;
}

static void test_gates_are_checked_when_answers_stream_with_their_positions(void **state)
{
    (void)state;
    fixture *f = gates_fixture_new(TOLD_SCRIPT);
    /* G3 is item 3 (position 2); a wrong position falls back to the lookup by id */
    static const pt_answer answers[] = {{"G3", "tidak", 0, NULL, 0}, {"G1", "tidak", 0, NULL, 0}};
    static const int positions[] = {2, 3};
    pt_visit v = make_visit("grade=B;flags=G1,G3");
    positioned_cursor c = {answers, positions, 2, 0};
    pt_score *s = NULL;
    assert_int_equal(pt__scorer_score_stream(f->scorer, &v, NULL, positioned_next, &c, &s),
                     PT_ESCRIPT);
    assert_null(s);
    assert_string_equal(pt_error_last(), "uji.lua: result grade 'B' ignores failed gate G1 (cap C)");
    v.notes = "grade=C;flags=G1";
    c.next = 0;
    assert_int_equal(pt__scorer_score_stream(f->scorer, &v, NULL, positioned_next, &c, &s),
                     PT_ESCRIPT);
    assert_string_equal(pt_error_last(), "uji.lua: result has no flag for failed gate G3 (a flag "
                        "with item = 'G3', severity sedang, agency Dinas Sosial)");
    fixture_free(f);
}

static void test_a_script_that_caps_and_flags_its_failed_gates_is_accepted(void **state)
{
    (void)state;
    fixture *f = gates_fixture_new(RIGHT_SCRIPT);
    static const struct {
        pt_answer answers[5];
        const char *grade;
        size_t n_flags;
    } cases[] = {
        {{{"G1", "ya", 0, NULL, 0}, {"G2", "4", 0, NULL, 0}, {"G3", "lengkap", 0, NULL, 0}},
         "A", 0},
        {{{"G1", "tidak", 0, NULL, 0}, {"G2", "3", 0, NULL, 0}}, "C", 1},
        {{{"G3", "tidak", 0, NULL, 0}}, "B", 1},
        {{{"G1", "tidak", 0, NULL, 0}, {"G3", "tidak", 0, NULL, 0}}, "C", 2},
        {{{"G1", "tidak", 0, NULL, 0}, {"G2", "2", 0, NULL, 0}, {"G3", "tidak", 0, NULL, 0}},
         "", 3},
        {{{"G1", NULL, 1, NULL, 0}, {"G2", NULL, 1, NULL, 0}, {"X1", "tidak", 0, NULL, 0}},
         "A", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pt_score *s = NULL;
        if (score_answers(f, cases[i].answers, NULL, &s) != 0)
            fail_msg("case %zu: %s", i, pt_error_last());
        assert_string_equal(s->grade, cases[i].grade);
        assert_int_equal(s->n_flags, cases[i].n_flags);
        pt_score_free(s);
    }
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_good_result_becomes_a_score_with_label_validity_and_hashes),
        cmocka_unit_test(test_an_empty_or_missing_grade_takes_the_fail_label_and_no_validity),
        cmocka_unit_test(test_a_band_without_validity_years_gives_no_valid_until),
        cmocka_unit_test(test_malformed_results_are_refused_naming_the_problem),
        cmocka_unit_test(test_newlines_and_tabs_in_result_text_are_kept),
        cmocka_unit_test(test_reading_the_result_runs_no_metamethod_of_the_script),
        cmocka_unit_test(test_v_holds_the_visit_institution_checklist_and_typed_answers),
        cmocka_unit_test(test_a_yesno_answer_other_than_ya_is_false),
        cmocka_unit_test(test_v_institution_is_nil_when_none_is_given),
        cmocka_unit_test(test_an_answer_for_an_unknown_item_is_refused),
        cmocka_unit_test(test_a_number_answer_that_is_not_a_number_is_refused),
        cmocka_unit_test(test_globals_and_library_changes_of_one_visit_are_gone_in_the_next),
        cmocka_unit_test(test_the_checklist_in_v_is_read_only_and_intact_for_the_next_visit),
        cmocka_unit_test(test_require_loads_lib_modules_once_per_visit_and_nothing_else),
        cmocka_unit_test(test_an_error_inside_a_lib_module_names_the_script_and_the_module_line),
        cmocka_unit_test(test_a_missing_script_is_not_found_in_the_scripts_folder),
        cmocka_unit_test(test_a_script_with_a_syntax_error_is_refused_with_its_line),
        cmocka_unit_test(test_a_script_that_fails_at_load_is_refused_with_its_line),
        cmocka_unit_test(test_a_script_without_a_score_function_is_refused),
        cmocka_unit_test(test_a_binary_chunk_is_refused),
        cmocka_unit_test(test_a_script_name_with_a_path_is_refused),
        cmocka_unit_test(test_a_runtime_error_names_the_script_and_line_and_the_scorer_recovers),
        cmocka_unit_test(test_a_grade_above_the_cap_of_a_failed_yesno_gate_is_refused),
        cmocka_unit_test(test_a_scale_gate_below_its_pass_level_with_cap_none_allows_no_grade),
        cmocka_unit_test(test_a_choice_gate_fails_only_on_a_choice_with_score_0),
        cmocka_unit_test(test_a_yesno_gate_that_expects_tidak_fails_on_ya),
        cmocka_unit_test(test_the_lowest_cap_among_failed_gates_is_the_one_enforced),
        cmocka_unit_test(test_a_result_without_a_flag_naming_a_failed_gate_is_refused),
        cmocka_unit_test(test_na_and_unanswered_gates_are_not_failures),
        cmocka_unit_test(test_the_failed_gates_of_one_visit_do_not_carry_over_to_the_next),
        cmocka_unit_test(test_gates_are_checked_when_answers_stream_with_their_positions),
        cmocka_unit_test(test_a_script_that_caps_and_flags_its_failed_gates_is_accepted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
