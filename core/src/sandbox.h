/*
 * The Lua 5.4 sandbox that scoring scripts run in (internal to scorer.c; not a promise to
 * anyone outside libpantau).
 *
 * One sandbox is one lua_State holding one compiled script. What a script can reach:
 *   - base without load, loadfile, dofile, collectgarbage, rawset, rawget, rawequal, rawlen,
 *     print and warn; setmetatable refuses a metatable with a __gc field (finalizers run with
 *     Lua's hooks switched off, so a looping finalizer could never be stopped), and xpcall
 *     skips the script's message handler once a limit is reached (an error raised by the
 *     hook calls the handler with hooks switched off);
 *   - string (without dump), table, math (without random and randomseed: same inputs, same
 *     score) and utf8, each a fresh shallow copy per run, so a script that changes string.x
 *     changes only its own copy;
 *   - a read-only `pantau` table, and a `require` that loads only SCRIPTS_DIR/lib/NAME.lua
 *     with NAME matching ^[a-z_][a-z0-9_]*$ (compiled once, run once per environment).
 * The string metatable is locked (getmetatable("") returns false), so no script reaches the
 * shared string table.
 *
 * Limits, all reset at the start of each pt__sandbox_run. Every limit message names where the
 * first limit was reached: "NAME:LINE:" (the innermost line of Lua code on the stack then),
 * "NAME: lib/M.lua:LINE:" when that line is in a lib module, plain "NAME:" when no Lua code
 * was running (compiling, reading the result).
 *   - memory: an allocator that counts the bytes of the whole state and refuses growth past
 *     the cap. A script that reaches the cap fails with PT_ELIMIT "NAME:LINE: memory limit
 *     (N MiB) exceeded" even when it caught the error with its own pcall. (The line is taken
 *     in the allocator with Lua <= 5.4.4 only, where the stack is consistent during every
 *     allocation; with a later Lua only errors raised through the message handler get one.)
 *   - instructions: a count hook every PT__SANDBOX_HOOK_STEP VM instructions, against a
 *     budget shared by every thread of the state. Once spent, every later hook call raises an
 *     error again, so pcall cannot swallow it; the run fails with PT_ELIMIT "NAME:LINE:
 *     instruction limit (N) exceeded in score()". C functions that work in C are charged
 *     too: every PT__SANDBOX_BYTES_PER_INSTRUCTION bytes allocated costs one instruction, and
 *     the wrapped functions below charge the work they do without allocating. A wrapper that
 *     would spend the budget refuses before (or, for values returned, right after) the work,
 *     and the message says what it refused: "...exceeded in score(): table.sort of 100000
 *     values (strings up to 1048576 bytes)".
 *   - wall time: a safety net for work no counter sees, checked in the count hook. What is
 *     left to it, all one VM instruction each whatever the length: comparing strings (==
 *     memcmp, < and <= strcoll), arithmetic on a string (converted with strtod), and passing
 *     varargs on (`...`, f(...), return ...: a copy of up to LUAI_MAXSTACK values). A loop of
 *     those is stopped after PT__SANDBOX_SECONDS at the latest, with PT_ELIMIT "NAME:LINE: time
 *     limit (10 s) exceeded in score()".
 * Functions wrapped because they loop in C:
 *   - string.rep refuses a result larger than the memory cap and returns "" at once when the
 *     string and separator are both empty (Lua itself would loop n times);
 *   - string.find, match, gmatch and gsub estimate the worst case of Lua's backtracking
 *     matcher before running: with k the number of quantifiers (* + - ?), %b and
 *     back-references (%1..%9) outside %-escapes and [] sets, n the subject length and m the
 *     pattern length, cost = starts * (n+1)^k * (m+1), starts = 1 for a pattern anchored with
 *     ^ and n+1 otherwise (plain find: (n+1) * (m+1)). A cost above PT__SANDBOX_PATTERN_COST
 *     is refused with "pattern too complex for a subject of N bytes (sandbox limit)"; an
 *     accepted call is charged cost / PT__SANDBOX_PATTERN_CHARGE instructions;
 *   - table.insert, remove, concat, move and utf8.len, utf8.offset, tonumber are charged by
 *     the length they walk; table.move refuses more elements than the memory cap could hold;
 *   - table.sort walks the array once (charged n) for its longest string and is charged
 *     n*log2(n)*(1 + longest/PT__SANDBOX_BYTES_PER_INSTRUCTION): strings are compared in C
 *     (the default comparator) or as slowly in a comparator. A table with a metatable is
 *     walked as sort sees it (__len, __index run once more);
 *   - functions that take or return many values do C work per value and are charged one
 *     instruction per value: taken (before the call) by select, assert, string.char,
 *     string.pack, table.pack, math.max, math.min and utf8.char; returned (after the call:
 *     at most one stack of LUAI_MAXSTACK values gets through) by table.unpack, string.byte,
 *     string.unpack and utf8.codepoint; string.format is charged 16 per value (a conversion
 *     each).
 *
 * Errors: every call into Lua runs under lua_pcall with a message handler, and every message
 * starts with the script's file name ("akreditasi_lksa.lua:12: boom"). Codes: PT_ESCRIPT for
 * script errors, PT_ELIMIT for the limits above.
 *
 * Not thread-safe: one sandbox per thread.
 */
#ifndef PANTAU_SANDBOX_H
#define PANTAU_SANDBOX_H

#include <stddef.h>
#include <lua.h>

#include "pantau/score.h"

#define PT__SANDBOX_HOOK_STEP 1000
#define PT__SANDBOX_BYTES_PER_INSTRUCTION 64
#define PT__SANDBOX_PATTERN_COST 1e8  /* about 0.1 s of matching at worst */
#define PT__SANDBOX_PATTERN_CHARGE 100
#define PT__SANDBOX_SECONDS 10.0
/* Largest script or lib module read, in bytes. */
#define PT__SANDBOX_MAX_SOURCE (1u * 1024u * 1024u)

typedef struct pt__sandbox pt__sandbox;

/* Creates a sandbox for the script `name` (a file name: it is the chunk name and the prefix
 * of every message). scripts_dir (may be NULL: then require finds nothing) is where lib/
 * lives; it is copied. limits may be NULL (defaults). *out belongs to the caller
 * (pt__sandbox_free). Errors: PT_ENOMEM, PT_ELIMIT (the cap is too small to open the
 * libraries). */
int pt__sandbox_new(pt__sandbox **out, const char *name, const char *scripts_dir,
                    const pt_sandbox_limits *limits);
void pt__sandbox_free(pt__sandbox *sandbox);

/* The script's file name given to pt__sandbox_new. */
const char *pt__sandbox_name(const pt__sandbox *sandbox);

/* Changes the wall-time safety net (seconds > 0). For tests of that net. */
void pt__sandbox_set_time_limit(pt__sandbox *sandbox, double seconds);

/* Compiles the script (text only: a binary chunk is refused with "NAME: binary chunks are not
 * allowed") and keeps it for every later run. Errors: PT_ESCRIPT "NAME:LINE: ...". */
int pt__sandbox_compile(pt__sandbox *sandbox, const char *source, size_t len);

/* Runs fn(L, payload) under lua_pcall with the message handler, after resetting the budget
 * of instructions and the limit flags. fn may raise Lua errors; it returns 0 or a negative
 * PT_E code with the message set by pt__error. A limit reached during the run wins over
 * everything else (PT_ELIMIT); then a Lua error (PT_ESCRIPT, message prefixed with the
 * script name); then fn's own result. The Lua stack is restored afterwards. */
typedef int (*pt__sandbox_fn)(lua_State *L, void *payload);
int pt__sandbox_run(pt__sandbox *sandbox, pt__sandbox_fn fn, void *payload);

/* ---- for use inside fn ---- */

/* Pushes a fresh environment: copies of the allowed base functions and libraries, the shared
 * read-only `pantau` table, a new `require` with an empty loaded table, and _G = itself. */
void pt__sandbox_push_env(lua_State *L);

/* Runs the compiled script with the environment at index env as its _ENV. */
void pt__sandbox_run_chunk(lua_State *L, int env);

/* Replaces the table on top of the stack with a read-only proxy of it: reads, #, pairs and
 * ipairs see the table; writes raise "attempt to modify a read-only table"; the metatable is
 * locked. Nested tables must be made read-only first (bottom up). next() on the proxy sees
 * nothing: scripts use pairs. */
void pt__sandbox_readonly(lua_State *L);

/* What the instruction-limit message says the script was doing ("in score()"). `where`
 * must be a string literal (it is kept). */
void pt__sandbox_set_where(lua_State *L, const char *where);

#endif
