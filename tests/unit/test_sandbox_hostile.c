/* Hostile scoring scripts: every way out of the sandbox's limits we know of, each followed by
 * a good visit on the same scorer, which must still score correctly.
 *
 * One script holds every probe; v.visit.notes names the probe a visit runs. The scorer is
 * compiled once for the whole group, exactly as pt_score_all uses it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "support.h"
#include "internal.h"
#include "score_internal.h"

static const char *const CHECKLIST_XML =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<checklist xmlns=\"urn:pantau:checklist:1\" id=\"uji\" version=\"1\" script=\"hostile.lua\">\n"
    "  <title>Daftar uji</title>\n"
    "  <grading max=\"100\" fail-label=\"Tidak Lulus\">\n"
    "    <band grade=\"C\" min=\"50\" label=\"Cukup\" validity-years=\"2\"/>\n"
    "  </grading>\n"
    "  <section id=\"S1\" weight=\"100\">\n"
    "    <title>Satu</title>\n"
    "    <item id=\"S1.01\" type=\"yesno\" weight=\"1\"><text>Ada rencana</text></item>\n"
    "  </section>\n"
    "</checklist>\n";

#define MEMORY_CAP (8u * 1024u * 1024u)
#define INSTRUCTIONS 4000000u

static const char *const SCRIPT =
    "local probes = {}\n"
    "probes.loop = function() while true do end end\n"
    "probes.loop_in_pcall = function() pcall(function() while true do end end) end\n"
    "probes.pcall_retry = function()\n"
    "  for i = 1, 1e9 do pcall(function() while true do end end) end end\n"
    "probes.xpcall_handler = function()\n"
    "  xpcall(function() error('x') end, function() while true do end end) end\n"
    "probes.close_loop = function()\n"
    "  do local x <close> = setmetatable({}, { __close = function() while true do end end }) end\n"
    "end\n"
    "probes.gsub_loop = function()\n"
    "  return (string.gsub('abc', '%w', function() while true do end end)) end\n"
    "probes.sort_loop = function()\n"
    "  local t = { 3, 2, 1 } table.sort(t, function() while true do end end) end\n"
    "probes.tostring_loop = function()\n"
    "  return tostring(setmetatable({}, { __tostring = function() while true do end end })) end\n"
    "probes.table_bomb = function()\n"
    "  local t, i = {}, 0 while true do i = i + 1 t[i] = { i } end end\n"
    "probes.string_bomb = function() local s = 'x' while true do s = s .. s end end\n"
    "probes.bomb_in_pcall = function()\n"
    "  pcall(function() local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end end)\n"
    "  return 'caught'\n"
    "end\n"
    "probes.os_execute = function() os.execute('touch /tmp/pantau-pwned') end\n"
    "probes.io_open = function() return io.open('/etc/passwd') end\n"
    "probes.debug_getinfo = function() return debug.getinfo(1) end\n"
    "probes.require_os = function() return require('os') end\n"
    "probes.boom = function() error('boom') end\n"
    "probes.gc_finalizer = function()\n"
    "  setmetatable({}, { __gc = function() while true do end end }) end\n"
    "probes.gc_added_later = function()\n"
    "  local mt = {} local t = setmetatable({}, mt)\n"
    "  mt.__gc = function() while true do end end\n"
    "  t = nil local junk = {} for i = 1, 20000 do junk[i] = { i } end return 'no finalizer'\n"
    "end\n"
    "probes.deep_recursion = function()\n"
    "  local function f(n) return f(n + 1) + 1 end return f(1) end\n"
    "probes.c_stack = function()\n"
    "  local t t = setmetatable({}, { __index = function(_, k) return t[k] end }) return t.x end\n"
    "probes.index_loop = function()\n"
    "  local mt = {} local a = setmetatable({}, mt) mt.__index = a return a.x end\n"
    "probes.rep_huge = function() return string.rep('x', 1e10) end\n"
    "probes.rep_method = function() return ('x'):rep(1e10) end\n"
    "probes.rep_separator = function() return string.rep('', 1e10, 'ab') end\n"
    "probes.rep_empty = function() return #string.rep('', 1e15) .. #string.rep('', 1e15, '') end\n"
    "probes.pattern = function()\n"
    "  return string.find(string.rep('a', 5000), '(.-)(.-)(.-)(.-)(.-)b') end\n"
    "probes.pattern_method = function()\n"
    "  return (string.rep('a', 5000)):match('(.-)(.-)(.-)(.-)(.-)b') end\n"
    "probes.pattern_gmatch = function()\n"
    "  for x in string.gmatch(string.rep('a', 5000), 'a*a*a*b') do end end\n"
    "probes.pattern_gsub = function()\n"
    "  return (string.gsub(string.rep('a', 5000), '(a-)(a-)(a-)b', '')) end\n"
    "probes.pattern_fine = function()\n"
    "  local s = ('kata  dan   spasi '):rep(20)\n"
    "  return #s:gsub('%s+', ' ') .. ',' .. tostring(s:find('dan', 1, true)) .. ','\n"
    "    .. s:match('^%s*(%a+)') .. ',' .. select(2, s:gsub('[%a]+', ''))\n"
    "end\n"
    "probes.move_huge = function() return table.move({}, 1, 1e12, 2) end\n"
    "probes.removed = function()\n"
    "  return table.concat({ type(coroutine), type(load), type(loadfile), type(dofile),\n"
    "    type(collectgarbage), type(rawset), type(rawget), type(rawequal), type(rawlen),\n"
    "    type(print), type(warn), type(string.dump), type(math.random), type(math.randomseed),\n"
    "    type(io), type(os), type(debug), type(package), type(require), type(pcall) }, ',')\n"
    "end\n"
    "probes.string_metatable = function()\n"
    "  return tostring(getmetatable('')) .. ',' .. tostring(('x').rep == nil) end\n"
    "probes.coroutine = function() return coroutine.create(function() end) end\n"
    "probes.load = function() return load('return 1')() end\n"
    "probes.compare_loop = function()\n"
    "  local a, b = ('x'):rep(2e6), ('x'):rep(2e6) while true do local _ = (a == b) end end\n"
    "probes.sort_long_strings = function()\n"
    "  local s = string.rep('a', 1024 * 1024) local t = {} for i = 1, 100000 do t[i] = s end\n"
    "  table.sort(t) end\n"
    "probes.sort_long_strings_comparator = function()\n"
    "  local s = string.rep('1', 1024 * 1024) local t = {} for i = 1, 100000 do t[i] = s end\n"
    "  table.sort(t, math.max) end\n"
    "probes.sort_through_index = function()\n"
    "  local s = string.rep('a', 1024 * 1024) local src = {} for i = 1, 100000 do src[i] = s end\n"
    "  local p = setmetatable({}, { __index = src, __newindex = src,\n"
    "                               __len = function() return #src end })\n"
    "  table.sort(p) end\n"
    "probes.sort_fine = function()\n"
    "  local a, b = { 'pisang', 'apel', 'mangga' }, { 3, 1, 2 }\n"
    "  table.sort(a) table.sort(b, function(x, y) return x > y end)\n"
    "  return table.concat(a, ',') .. ';' .. table.concat(b, ',') end\n"
    "local function ints(n) local t = {} for i = 1, n do t[i] = 65 end return t end\n"
    "probes.unpack_loop = function()\n"
    "  local t = ints(100000) for i = 1, 1e9 do table.unpack(t) end end\n"
    "probes.byte_loop = function()\n"
    "  local s = string.rep('a', 100000) for i = 1, 1e9 do string.byte(s, 1, -1) end end\n"
    "probes.codepoint_loop = function()\n"
    "  local s = string.rep('a', 100000) for i = 1, 1e9 do utf8.codepoint(s, 1, -1) end end\n"
    "local function spread(f, ...) for i = 1, 1e9 do f(...) end end\n"
    "probes.utf8_char_loop = function() spread(utf8.char, table.unpack(ints(20000))) end\n"
    "probes.string_char_loop = function() spread(string.char, table.unpack(ints(20000))) end\n"
    "probes.select_loop = function() spread(select, 2, table.unpack(ints(20000))) end\n"
    "probes.many_values_fine = function()\n"
    "  local t = { string.byte('abc', 1, -1) }\n"
    "  return table.concat({ #t, select('#', table.unpack(t)), select(2, 'x', 'y'),\n"
    "    utf8.char(72, 105), string.char(table.unpack(t)), utf8.codepoint('AB', 1, -1) }, ',')\n"
    "end\n"
    "function score(v)\n"
    "  local name = v.visit.notes\n"
    "  local out = name and probes[name](v)\n"
    "  return { sections = {{ id = 'S1', score = 50, max = 100,\n"
    "                         justification = tostring(out) }},\n"
    "           total = 50, max = 100, grade = 'C' }\n"
    "end\n";

static char *dir;
static pt_checklist *checklist;
static pt_scorer *scorer;

static int group_setup(void **state)
{
    (void)state;
    dir = test_tmpdir();
    free(test_write_file(dir, "hostile.lua", SCRIPT));
    if (pt_checklist_parse(&checklist, "uji.xml", CHECKLIST_XML, strlen(CHECKLIST_XML)) != 0) {
        fprintf(stderr, "checklist: %s\n", pt_error_last());
        return -1;
    }
    pt_sandbox_limits limits = {MEMORY_CAP, INSTRUCTIONS};
    if (pt_scorer_new(&scorer, checklist, dir, &limits) != 0) {
        fprintf(stderr, "scorer: %s\n", pt_error_last());
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    pt_scorer_free(scorer);
    pt_checklist_free(checklist);
    test_tmpdir_remove(dir);
    return 0;
}

/* The line of the script holding `marker`, for messages that must name it. */
static int line_of(const char *marker)
{
    const char *at = strstr(SCRIPT, marker);
    if (!at) fail_msg("no %s in the script", marker);
    int line = 1;
    for (const char *p = SCRIPT; p < at; p++) line += *p == '\n';
    return line;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Runs probe `name`; returns the code, *out the score when it succeeds. Then checks that a
 * good visit still scores on the same scorer. */
static int run_probe(const char *name, pt_score **out, double *elapsed)
{
    static const pt_answer answers[] = {{"S1.01", "ya", 0, NULL, 0}};
    pt_visit v = {0};
    v.id = 1;
    v.date = "2026-03-14";
    v.type = "routine";
    v.notes = name;
    v.n_answers = 1;
    v.answers = answers;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = pt_scorer_score(scorer, &v, NULL, out);
    if (elapsed) *elapsed = seconds_since(&t0);
    char saved[2048];
    snprintf(saved, sizeof saved, "%s", pt_error_last());
    int code = pt_error_last_code();

    pt_score *good = NULL;
    v.notes = NULL;
    if (pt_scorer_score(scorer, &v, NULL, &good) != 0)
        fail_msg("after %s a good visit fails: %s", name, pt_error_last());
    if (good->total != 50 || strcmp(good->grade, "C") != 0 || strcmp(good->valid_until, "2028-03-14"))
        fail_msg("after %s a good visit scores wrongly", name);
    pt_score_free(good);
    pt__error(code, "%s", saved); /* the probe's message, for the caller's assertions */
    return rc;
}

static void expect_failure(const char *name, int code, const char *needle)
{
    pt_score *s = NULL;
    double elapsed;
    int rc = run_probe(name, &s, &elapsed);
    if (rc != code) fail_msg("%s: expected %d, got %d (%s)", name, code, rc, pt_error_last());
    assert_null(s);
    assert_error_contains(needle);
    /* every message starts with the script's name */
    if (strncmp(pt_error_last(), "hostile.lua", 11) != 0)
        fail_msg("%s: message does not start with the script: %s", name, pt_error_last());
    if (elapsed > 5.0) fail_msg("%s took %.1f s", name, elapsed);
}

/* The probe succeeds and returns `expected` (the justification). */
static void expect_result(const char *name, const char *expected)
{
    pt_score *s = NULL;
    if (run_probe(name, &s, NULL) != 0) fail_msg("%s: %s", name, pt_error_last());
    assert_string_equal(s->sections[0].justification, expected);
    pt_score_free(s);
}

/* A failure with "hostile.lua:LINE: text" where LINE is the line of marker. */
static void expect_error_at(const char *name, const char *marker, const char *text)
{
    char needle[512];
    snprintf(needle, sizeof needle, "hostile.lua:%d: %s", line_of(marker), text);
    expect_failure(name, PT_ESCRIPT, needle);
}

/* "hostile.lua:LINE: instruction limit (4000000) exceeded in score()", LINE that of marker. */
static const char *instruction_limit_at(const char *marker)
{
    static char text[256];
    snprintf(text, sizeof text, "hostile.lua:%d: instruction limit (%u) exceeded in score()",
             line_of(marker), INSTRUCTIONS);
    return text;
}

static const char *memory_limit_at(const char *marker)
{
    static char text[256];
    snprintf(text, sizeof text, "hostile.lua:%d: memory limit (8 MiB) exceeded", line_of(marker));
    return text;
}

/* An instruction-limit failure at marker whose message ends with ": detail". */
static void expect_refusal(const char *name, const char *marker, const char *detail)
{
    char needle[512];
    snprintf(needle, sizeof needle, "%s: %s", instruction_limit_at(marker), detail);
    expect_failure(name, PT_ELIMIT, needle);
    assert_string_equal(pt_error_last(), needle);
}

/* ---- instructions ---- */

static void test_an_infinite_loop_hits_the_instruction_limit(void **state)
{
    (void)state;
    const char *text = instruction_limit_at("probes.loop = function() while true do end end");
    expect_failure("loop", PT_ELIMIT, text);
    assert_string_equal(pt_error_last(), text);
}

static void test_an_infinite_loop_inside_pcall_still_hits_the_limit(void **state)
{
    (void)state;
    expect_failure("loop_in_pcall", PT_ELIMIT, instruction_limit_at("probes.loop_in_pcall"));
}

static void test_retrying_pcall_after_the_limit_gets_nowhere(void **state)
{
    (void)state;
    expect_failure("pcall_retry", PT_ELIMIT,
                   instruction_limit_at("for i = 1, 1e9 do pcall(function() while true"));
}

static void test_a_looping_xpcall_handler_hits_the_limit(void **state)
{
    (void)state;
    expect_failure("xpcall_handler", PT_ELIMIT,
                   instruction_limit_at("xpcall(function() error('x') end"));
}

static void test_a_looping_close_metamethod_hits_the_limit(void **state)
{
    (void)state;
    expect_failure("close_loop", PT_ELIMIT, instruction_limit_at("do local x <close>"));
}

static void test_loops_in_callbacks_of_c_functions_hit_the_limit(void **state)
{
    (void)state;
    expect_failure("gsub_loop", PT_ELIMIT, instruction_limit_at("string.gsub('abc', '%w'"));
    expect_failure("sort_loop", PT_ELIMIT, instruction_limit_at("table.sort(t, function()"));
    expect_failure("tostring_loop", PT_ELIMIT, instruction_limit_at("return tostring(setmeta"));
}

static void test_the_default_instruction_limit_is_twenty_million(void **state)
{
    (void)state;
    char *d = test_tmpdir();
    free(test_write_file(d, "hostile.lua", "function score(v) while true do end end\n"));
    pt_scorer *s = NULL;
    assert_int_equal(pt_scorer_new(&s, checklist, d, NULL), 0);
    pt_visit v = {0};
    v.date = "2026-03-14";
    pt_score *out = NULL;
    assert_int_equal(pt_scorer_score(s, &v, NULL, &out), PT_ELIMIT);
    assert_string_equal(pt_error_last(),
                        "hostile.lua:1: instruction limit (20000000) exceeded in score()");
    pt_scorer_free(s);
    test_tmpdir_remove(d);
}

static void test_an_infinite_loop_at_load_is_stopped_in_the_main_chunk(void **state)
{
    (void)state;
    char *d = test_tmpdir();
    free(test_write_file(d, "hostile.lua", "while true do end\n"));
    pt_scorer *s = NULL;
    pt_sandbox_limits limits = {0, 100000};
    assert_int_equal(pt_scorer_new(&s, checklist, d, &limits), PT_ELIMIT);
    assert_null(s);
    assert_string_equal(pt_error_last(),
                        "hostile.lua:1: instruction limit (100000) exceeded in the main chunk");
    test_tmpdir_remove(d);
}

static void test_a_limit_reached_in_a_lib_module_names_the_module_and_its_line(void **state)
{
    (void)state;
    char *d = test_tmpdir();
    char lib[4096];
    snprintf(lib, sizeof lib, "%s/lib", d);
    assert_int_equal(mkdir(lib, 0700), 0);
    free(test_write_file(d, "lib/spin.lua",
                         "local M = {}\nfunction M.go()\n  while true do end\nend\nreturn M\n"));
    free(test_write_file(d, "hostile.lua",
                         "local spin = require('spin')\nfunction score(v) spin.go() end\n"));
    pt_scorer *s = NULL;
    pt_sandbox_limits limits = {0, 100000};
    assert_int_equal(pt_scorer_new(&s, checklist, d, &limits), 0);
    pt_visit v = {0};
    v.date = "2026-03-14";
    pt_score *out = NULL;
    assert_int_equal(pt_scorer_score(s, &v, NULL, &out), PT_ELIMIT);
    assert_string_equal(pt_error_last(),
                        "hostile.lua: lib/spin.lua:3: instruction limit (100000) exceeded in score()");
    pt_scorer_free(s);
    test_tmpdir_remove(d);
}

/* ---- memory ---- */

static void test_a_growing_table_hits_the_memory_limit(void **state)
{
    (void)state;
    const char *text = memory_limit_at("local t, i = {}, 0 while true do i = i + 1 t[i] = { i }");
    expect_failure("table_bomb", PT_ELIMIT, text);
    assert_string_equal(pt_error_last(), text);
}

static void test_doubling_a_string_hits_the_memory_limit(void **state)
{
    (void)state;
    expect_failure("string_bomb", PT_ELIMIT, memory_limit_at("while true do s = s .. s end"));
}

static void test_a_memory_bomb_caught_by_pcall_still_fails(void **state)
{
    (void)state;
    expect_failure("bomb_in_pcall", PT_ELIMIT, memory_limit_at("t[i] = ('x'):rep(100) .. i"));
}

static void test_deep_recursion_fails_cleanly(void **state)
{
    (void)state;
    /* the Lua stack would reach its own "stack overflow" at a million slots; with an 8 MiB
     * cap the frames run out of memory first */
    expect_failure("deep_recursion", PT_ELIMIT, memory_limit_at("return f(n + 1) + 1"));
}

static void test_recursion_through_a_c_metamethod_hits_the_c_stack_limit(void **state)
{
    (void)state;
    expect_failure("c_stack", PT_ESCRIPT, "stack overflow");
}

static void test_an_index_metamethod_loop_is_an_error(void **state)
{
    (void)state;
    expect_error_at("index_loop", "mt.__index = a return a.x", "'__index' chain too long; possible loop");
}

/* ---- what is not there ---- */

static void test_os_io_debug_and_require_of_os_are_errors_naming_script_and_line(void **state)
{
    (void)state;
    expect_error_at("os_execute", "probes.os_execute", "attempt to index a nil value (global 'os')");
    expect_error_at("io_open", "probes.io_open", "attempt to index a nil value (global 'io')");
    expect_error_at("debug_getinfo", "probes.debug_getinfo",
                    "attempt to index a nil value (global 'debug')");
    expect_error_at("require_os", "probes.require_os",
                    "module 'os' not found (only scripts/lib modules)");
    expect_error_at("coroutine", "probes.coroutine",
                    "attempt to index a nil value (global 'coroutine')");
    expect_error_at("load", "probes.load", "attempt to call a nil value (global 'load')");
}

static void test_removed_functions_are_nil(void **state)
{
    (void)state;
    expect_result("removed", "nil,nil,nil,nil,nil,nil,nil,nil,nil,nil,nil,nil,nil,nil,"
                             "nil,nil,nil,nil,function,function");
}

static void test_getmetatable_of_a_string_does_not_return_the_real_metatable(void **state)
{
    (void)state;
    expect_result("string_metatable", "false,false");
}

static void test_error_boom_reads_script_line_boom(void **state)
{
    (void)state;
    char expect[64];
    snprintf(expect, sizeof expect, "hostile.lua:%d: boom", line_of("probes.boom"));
    expect_failure("boom", PT_ESCRIPT, expect);
    assert_string_equal(pt_error_last(), expect);
}

/* ---- finalizers ---- */

static void test_a_gc_metamethod_is_refused(void **state)
{
    (void)state;
    expect_error_at("gc_finalizer", "setmetatable({}, { __gc = function() while true do end end }) end",
                    "setmetatable: __gc metamethods are not allowed (sandbox)");
}

static void test_a_gc_field_added_after_setmetatable_never_runs(void **state)
{
    (void)state;
    /* Lua marks an object for finalization only when __gc is present at setmetatable: this
     * finalizer would loop forever with hooks off, so it must never run (nor hang at close) */
    expect_result("gc_added_later", "no finalizer");
    char *d = test_tmpdir();
    free(test_write_file(d, "hostile.lua",
                         "local mt = {} local keep = setmetatable({}, mt)\n"
                         "mt.__gc = function() while true do end end\n"
                         "function score(v) return { sections = {}, total = 0, max = 100 } end\n"));
    pt_scorer *s = NULL;
    assert_int_equal(pt_scorer_new(&s, checklist, d, NULL), 0);
    pt_scorer_free(s); /* lua_close: returns */
    test_tmpdir_remove(d);
}

/* ---- C functions that loop in C ---- */

static void test_string_rep_of_a_huge_result_fails_at_once(void **state)
{
    (void)state;
    expect_error_at("rep_huge", "probes.rep_huge",
                    "string.rep: a result of 10000000000 bytes exceeds the sandbox memory limit");
    expect_error_at("rep_method", "probes.rep_method",
                    "string.rep: a result of 10000000000 bytes exceeds the sandbox memory limit");
    expect_error_at("rep_separator", "probes.rep_separator",
                    "string.rep: a result of 19999999998 bytes exceeds the sandbox memory limit");
}

static void test_string_rep_of_an_empty_string_returns_at_once(void **state)
{
    (void)state;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect_result("rep_empty", "00");
    assert_true(seconds_since(&t0) < 2.0);
}

static void test_catastrophic_patterns_are_refused_at_once(void **state)
{
    (void)state;
    const char *text = "pattern too complex for a subject of 5000 bytes (sandbox limit)";
    expect_error_at("pattern", "string.find(string.rep('a', 5000)", text);
    expect_error_at("pattern_method", "(string.rep('a', 5000)):match", text);
    expect_error_at("pattern_gmatch", "string.gmatch(string.rep", text);
    expect_error_at("pattern_gsub", "string.gsub(string.rep('a', 5000)", text);
}

static void test_ordinary_patterns_still_work(void **state)
{
    (void)state;
    expect_result("pattern_fine", "300,7,kata,60");
}

static void test_table_move_over_a_huge_range_is_refused(void **state)
{
    (void)state;
    expect_error_at("move_huge", "probes.move_huge",
                    "table.move: a range of 1000000000000 elements is too large (sandbox limit)");
}

static void test_work_no_counter_sees_is_stopped_by_the_time_limit(void **state)
{
    (void)state;
    /* comparing two long strings is one instruction but a memcmp of their length */
    char text[256];
    snprintf(text, sizeof text, "hostile.lua:%d: time limit (0.5 s) exceeded in score()",
             line_of("while true do local _ = (a == b) end"));
    pt__sandbox_set_time_limit(pt__scorer_sandbox(scorer), 0.5);
    pt_score *s = NULL;
    double elapsed;
    int rc = run_probe("compare_loop", &s, &elapsed);
    /* restored before asserting: a failure here must not shorten the later probes' limit */
    pt__sandbox_set_time_limit(pt__scorer_sandbox(scorer), PT__SANDBOX_SECONDS);
    assert_int_equal(rc, PT_ELIMIT);
    assert_null(s);
    assert_string_equal(pt_error_last(), text);
    assert_true(elapsed < 5.0);
}

/* table.sort compares strings in C (no instruction runs), so it is charged for the longest
 * string it may compare, and refused before it starts when that is over the budget. */
static void test_sorting_long_strings_is_refused_before_it_starts(void **state)
{
    (void)state;
    const char *detail = "table.sort of 100000 values (strings up to 1048576 bytes)";
    expect_refusal("sort_long_strings", "  table.sort(t) end", detail);
    expect_refusal("sort_long_strings_comparator", "table.sort(t, math.max)", detail);
    expect_refusal("sort_through_index", "table.sort(p) end", detail);
}

static void test_ordinary_sorts_still_work(void **state)
{
    (void)state;
    expect_result("sort_fine", "apel,mangga,pisang;3,2,1");
}

/* C functions that push or take many values are charged one instruction per value. */
static void test_functions_returning_many_values_are_charged_per_value(void **state)
{
    (void)state;
    expect_refusal("unpack_loop", "for i = 1, 1e9 do table.unpack(t)",
                   "table.unpack of 100000 values");
    expect_refusal("byte_loop", "for i = 1, 1e9 do string.byte(s", "string.byte of 100000 values");
    expect_refusal("codepoint_loop", "for i = 1, 1e9 do utf8.codepoint(s",
                   "utf8.codepoint of 100000 values");
}

static void test_functions_taking_many_values_are_charged_per_value(void **state)
{
    (void)state;
    const char *line = "local function spread(f, ...) for i = 1, 1e9 do f(...)";
    expect_refusal("utf8_char_loop", line, "utf8.char of 20000 values");
    expect_refusal("string_char_loop", line, "string.char of 20000 values");
    expect_refusal("select_loop", line, "select of 20001 values");
}

static void test_functions_of_many_values_still_work(void **state)
{
    (void)state;
    expect_result("many_values_fine", "3,3,y,Hi,abc,65,66");
}

/* ---- what a script is made of ---- */

static void test_a_binary_lib_module_is_refused(void **state)
{
    (void)state;
    char *d = test_tmpdir();
    char lib[4096];
    snprintf(lib, sizeof lib, "%s/lib", d);
    assert_int_equal(mkdir(lib, 0700), 0);
    free(test_write_file(d, "lib/evil.lua", "\x1bLuaT\x00\x19\x93"));
    free(test_write_file(d, "hostile.lua", "local evil = require('evil')\nfunction score(v) end\n"));
    pt_scorer *s = NULL;
    assert_int_equal(pt_scorer_new(&s, checklist, d, NULL), PT_ESCRIPT);
    assert_string_equal(pt_error_last(),
                        "hostile.lua:1: lib/evil.lua: binary chunks are not allowed");
    test_tmpdir_remove(d);
}

static void test_a_memory_cap_too_small_for_the_libraries_is_refused(void **state)
{
    (void)state;
    char *d = test_tmpdir();
    free(test_write_file(d, "hostile.lua", "function score(v) end\n"));
    pt_scorer *s = NULL;
    pt_sandbox_limits limits = {16 * 1024, 0};
    assert_int_equal(pt_scorer_new(&s, checklist, d, &limits), PT_ELIMIT);
    assert_null(s);
    assert_error_contains("memory limit");
    test_tmpdir_remove(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_an_infinite_loop_hits_the_instruction_limit),
        cmocka_unit_test(test_an_infinite_loop_inside_pcall_still_hits_the_limit),
        cmocka_unit_test(test_retrying_pcall_after_the_limit_gets_nowhere),
        cmocka_unit_test(test_a_looping_xpcall_handler_hits_the_limit),
        cmocka_unit_test(test_a_looping_close_metamethod_hits_the_limit),
        cmocka_unit_test(test_loops_in_callbacks_of_c_functions_hit_the_limit),
        cmocka_unit_test(test_the_default_instruction_limit_is_twenty_million),
        cmocka_unit_test(test_an_infinite_loop_at_load_is_stopped_in_the_main_chunk),
        cmocka_unit_test(test_a_limit_reached_in_a_lib_module_names_the_module_and_its_line),
        cmocka_unit_test(test_a_growing_table_hits_the_memory_limit),
        cmocka_unit_test(test_doubling_a_string_hits_the_memory_limit),
        cmocka_unit_test(test_a_memory_bomb_caught_by_pcall_still_fails),
        cmocka_unit_test(test_deep_recursion_fails_cleanly),
        cmocka_unit_test(test_recursion_through_a_c_metamethod_hits_the_c_stack_limit),
        cmocka_unit_test(test_an_index_metamethod_loop_is_an_error),
        cmocka_unit_test(test_os_io_debug_and_require_of_os_are_errors_naming_script_and_line),
        cmocka_unit_test(test_removed_functions_are_nil),
        cmocka_unit_test(test_getmetatable_of_a_string_does_not_return_the_real_metatable),
        cmocka_unit_test(test_error_boom_reads_script_line_boom),
        cmocka_unit_test(test_a_gc_metamethod_is_refused),
        cmocka_unit_test(test_a_gc_field_added_after_setmetatable_never_runs),
        cmocka_unit_test(test_string_rep_of_a_huge_result_fails_at_once),
        cmocka_unit_test(test_string_rep_of_an_empty_string_returns_at_once),
        cmocka_unit_test(test_catastrophic_patterns_are_refused_at_once),
        cmocka_unit_test(test_ordinary_patterns_still_work),
        cmocka_unit_test(test_table_move_over_a_huge_range_is_refused),
        cmocka_unit_test(test_work_no_counter_sees_is_stopped_by_the_time_limit),
        cmocka_unit_test(test_sorting_long_strings_is_refused_before_it_starts),
        cmocka_unit_test(test_ordinary_sorts_still_work),
        cmocka_unit_test(test_functions_returning_many_values_are_charged_per_value),
        cmocka_unit_test(test_functions_taking_many_values_are_charged_per_value),
        cmocka_unit_test(test_functions_of_many_values_still_work),
        cmocka_unit_test(test_a_binary_lib_module_is_refused),
        cmocka_unit_test(test_a_memory_cap_too_small_for_the_libraries_is_refused),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
