/* The Lua sandbox of scoring scripts: the state, its limits, the libraries a script may
 * reach, and require. The contract is in sandbox.h; why each piece exists is said here. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>

#include "internal.h"
#include "sandbox.h"

enum { LIMIT_NONE, LIMIT_MEMORY, LIMIT_INSTRUCTIONS, LIMIT_TIME };

struct pt__sandbox {
    lua_State *L;
    char *name;                 /* script file name: chunk name and message prefix */
    char *chunkname;            /* "=" name */
    char *scripts_dir;          /* NULL: require finds nothing */
    size_t mem_cap, mem_used;
    uint64_t instr_limit, instr_used;
    int instr_exhausted;        /* once set, every hook call raises an error */
    int limit_hit;              /* the first limit reached in this run */
    int charging;               /* 1 while a run is under way: allocations cost instructions */
    size_t charge_bytes;        /* bytes allocated not yet charged (< BYTES_PER_INSTRUCTION) */
    const char *where;          /* what the script was doing, for the instruction message */
    /* where the first limit of the run was reached: the innermost Lua line on the stack then
     * (loc_line 0: none known), and what a refusing wrapper was asked to do ("" if none) */
    int loc_done;
    int loc_line;
    char loc_src[LUA_IDSIZE];
    char detail[160];
    double time_limit;
    struct timespec deadline;
    /* the last refused allocation: Lua retries a refused allocation once after an emergency
     * collection, so the same request refused twice is a real failure, not GC lag */
    int refused;
    void *refused_ptr;
    size_t refused_osize, refused_nsize;
    int chunk_ref;              /* the compiled script in the registry, LUA_NOREF before */
};

/* Registry keys. Nothing in the registry is reachable from a script (no debug library). */
#define REG_BASE "pantau.base"       /* the allowed base functions */
#define REG_LIB "pantau.lib."        /* + name: the pristine library tables */
#define REG_API "pantau.api"         /* the read-only pantau table */
#define REG_MODULES "pantau.modules" /* name -> compiled lib module */

static pt__sandbox *sandbox_of(lua_State *L) { return *(pt__sandbox **)lua_getextraspace(L); }

/* ---- limits ---- */

/* Returns 1 when `which` is the first limit of the run (the one the run will report). */
static int note_limit(pt__sandbox *sb, int which)
{
    if (sb->limit_hit != LIMIT_NONE) return 0;
    sb->limit_hit = which;
    return 1;
}

/* Records the innermost Lua line on the stack (C frames have none) as the place the first
 * limit was reached. lua_getstack and lua_getinfo("Sl") only read the CallInfo list and the
 * function's line table: they neither allocate nor raise. */
static void note_location(lua_State *L, pt__sandbox *sb)
{
    if (sb->loc_done) return;
    sb->loc_done = 1;
    lua_Debug ar;
    for (int level = 0; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            snprintf(sb->loc_src, sizeof sb->loc_src, "%s", ar.short_src);
            sb->loc_line = ar.currentline;
            return;
        }
    }
}

static void count_hook(lua_State *L, lua_Debug *ar);

/* Adds n instructions of C work to the budget. When that spends it, the hook is made to fire
 * at the next VM instruction instead of up to HOOK_STEP later. lua_sethook only sets fields
 * (lua.c calls it from a signal handler), so it is safe from the allocator too. */
static void charge(pt__sandbox *sb, uint64_t n)
{
    if (!sb->charging) return;
    sb->instr_used += n;
    if (sb->instr_used > sb->instr_limit) lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, 1);
}

/* Charges cost instructions for work a C function is about to do (or has just done, for at
 * most a stack's worth of values), and refuses it when that spends the budget: the run then
 * fails with the instruction limit, at the calling line, with "what" (printf format) as the
 * detail of the message. Raises a Lua error when refusing. */
static void charge_or_refuse(lua_State *L, double cost, const char *what, ...)
    __attribute__((format(printf, 3, 4)));
static void charge_or_refuse(lua_State *L, double cost, const char *what, ...)
{
    pt__sandbox *sb = sandbox_of(L);
    if (!sb->charging) return;
    if (!sb->instr_exhausted && sb->instr_used <= sb->instr_limit &&
        cost <= (double)(sb->instr_limit - sb->instr_used)) {
        sb->instr_used += (uint64_t)cost;
        return;
    }
    if (note_limit(sb, LIMIT_INSTRUCTIONS)) {
        note_location(L, sb);
        va_list ap;
        va_start(ap, what);
        vsnprintf(sb->detail, sizeof sb->detail, what, ap);
        va_end(ap);
    }
    sb->instr_used = sb->instr_limit + 1;
    sb->instr_exhausted = 1;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1); /* pcall cannot swallow it: see count_hook */
    luaL_error(L, "instruction limit exceeded");
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int past_deadline(const pt__sandbox *sb)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec > sb->deadline.tv_sec ||
           (ts.tv_sec == sb->deadline.tv_sec && ts.tv_nsec > sb->deadline.tv_nsec);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    pt__sandbox *sb = sandbox_of(L);
    if (!sb->instr_exhausted) {
        sb->instr_used += PT__SANDBOX_HOOK_STEP;
        int over = sb->instr_used > sb->instr_limit;
        if (!over && !past_deadline(sb)) return;
        if (note_limit(sb, over ? LIMIT_INSTRUCTIONS : LIMIT_TIME)) note_location(L, sb);
        sb->instr_exhausted = 1;
        /* from now on every instruction fails: a script's pcall catches one error and the
         * next instruction raises another, until the run unwinds completely */
        lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    }
    luaL_error(L, "%s", sb->limit_hit == LIMIT_TIME ? "time limit exceeded"
                                                     : "instruction limit exceeded");
}

static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    pt__sandbox *sb = ud;
    size_t old = ptr ? osize : 0; /* with ptr NULL, osize is a type tag, not a size */
    if (nsize == 0) {
        free(ptr);
        sb->mem_used -= old;
        return NULL;
    }
    if (nsize > old && nsize - old > sb->mem_cap - sb->mem_used) {
        if (sb->refused && sb->refused_ptr == ptr && sb->refused_osize == osize &&
            sb->refused_nsize == nsize) {
            if (note_limit(sb, LIMIT_MEMORY) && sb->charging) {
#if LUA_VERSION_RELEASE_NUM <= 50404
                /* Up to 5.4.4 the stack and CallInfo list are consistent whenever Lua
                 * allocates (a new stack is copied before the old one is freed). 5.4.5
                 * turns stack pointers into offsets while reallocating the stack, so there
                 * the line is taken only by the message handler (errors from lauxlib). */
                note_location(sb->L, sb);
#endif
            }
        }
        sb->refused = 1;
        sb->refused_ptr = ptr;
        sb->refused_osize = osize;
        sb->refused_nsize = nsize;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p) return nsize <= old ? ptr : NULL; /* Lua assumes shrinking never fails */
    sb->mem_used = sb->mem_used - old + nsize;
    if (nsize > old) {
        sb->refused = 0;
        sb->charge_bytes += nsize - old;
        if (sb->charge_bytes >= PT__SANDBOX_BYTES_PER_INSTRUCTION) {
            charge(sb, sb->charge_bytes / PT__SANDBOX_BYTES_PER_INSTRUCTION);
            sb->charge_bytes %= PT__SANDBOX_BYTES_PER_INSTRUCTION;
        }
    }
    return p;
}

/* Lua 5.4 reports errors in finalizers as warnings; a script must not be able to write to
 * our stderr, and there are no finalizers to report anyway. */
static void no_warnings(void *ud, const char *msg, int tocont)
{
    (void)ud;
    (void)msg;
    (void)tocont;
}

/* ---- wrapped library functions ----
 * A wrapper keeps the original as a light C function in upvalue 1 and calls it in its own
 * frame (orig(L)), so the original's messages ("bad argument #1 to 'rep'") and positions
 * are exactly Lua's. */

static int call_original(lua_State *L)
{
    lua_CFunction orig = lua_tocfunction(L, lua_upvalueindex(1));
    return orig(L);
}

static int wrap_rep(lua_State *L)
{
    pt__sandbox *sb = sandbox_of(L);
    size_t l, lsep;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    double total = (double)l * (double)n + (double)lsep * ((double)n - 1);
    if (total > (double)sb->mem_cap) {
        char size[32]; /* lua_pushfstring has no %.0f */
        snprintf(size, sizeof size, "%.0f", total);
        return luaL_error(L, "string.rep: a result of %s bytes exceeds the sandbox memory limit",
                          size);
    }
    return call_original(L);
}

/* Quantifiers, %b and back-references outside %-escapes and [] sets: each multiplies the
 * matcher's worst case by the subject length. */
static int pattern_quantifiers(const char *p, size_t m)
{
    int k = 0;
    size_t i = 0;
    while (i < m) {
        char c = p[i];
        if (c == '%') {
            if (i + 1 >= m) break;
            char e = p[i + 1];
            if (e >= '1' && e <= '9') {
                k++;
                i += 2;
            } else if (e == 'b') {
                k++;
                i += 4;
            } else if (e == 'f') {
                i += 2;
                if (i < m && p[i] == '[') goto set;
            } else {
                i += 2;
            }
            continue;
        }
        if (c == '[') {
        set:
            i++;                            /* past '[' */
            if (i < m && p[i] == '^') i++;
            if (i < m && p[i] == ']') i++;  /* a leading ']' is literal */
            while (i < m && p[i] != ']') i += (p[i] == '%') ? 2 : 1;
            i++;                            /* past ']' */
            continue;
        }
        if (c == '*' || c == '+' || c == '-' || c == '?') k++;
        i++;
    }
    return k;
}

static int has_specials(const char *p, size_t m)
{
    for (size_t i = 0; i < m; i++)
        if (strchr("^$*+?.([%-", p[i])) return 1;
    return 0;
}

/* Refuses (raises an error) or charges the pattern call with subject at 1, pattern at 2. */
static void guard_pattern(lua_State *L, int can_anchor, int plain_arg)
{
    pt__sandbox *sb = sandbox_of(L);
    size_t n, m;
    luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &m);
    double cost;
    int plain = (plain_arg && lua_toboolean(L, plain_arg)) || !has_specials(p, m);
    if (plain) {
        cost = ((double)n + 1) * ((double)m + 1);
    } else {
        int anchored = can_anchor && m > 0 && p[0] == '^';
        int k = pattern_quantifiers(p, m);
        cost = (anchored ? 1.0 : (double)n + 1) * pow((double)n + 1, k) * ((double)m + 1);
    }
    if (cost > PT__SANDBOX_PATTERN_COST)
        luaL_error(L, "pattern too complex for a subject of %I bytes (sandbox limit)",
                   (lua_Integer)n);
    charge(sb, (uint64_t)(cost / PT__SANDBOX_PATTERN_CHARGE));
}

static int wrap_find(lua_State *L)
{
    guard_pattern(L, 1, 4);
    return call_original(L);
}

static int wrap_match(lua_State *L)
{
    guard_pattern(L, 1, 0);
    return call_original(L);
}

static int wrap_gmatch(lua_State *L)
{
    guard_pattern(L, 0, 0); /* in 5.4 gmatch takes '^' literally */
    return call_original(L);
}

static int wrap_gsub(lua_State *L)
{
    guard_pattern(L, 1, 0);
    return call_original(L);
}

/* Charges the raw length of the table argument at 1 (what the C loop may walk). */
static int charge_table_len(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TTABLE) charge(sandbox_of(L), lua_rawlen(L, 1));
    return call_original(L);
}

/* table.sort makes about n*log2(n) comparisons. With the default comparator two strings are
 * compared in C (strcoll: as long as the shorter string), with no instruction to count; a
 * comparator may compare them as slowly (a < b in Lua is one instruction, math.max converts
 * them to numbers in C). So the sort is charged for its longest string, found by walking the
 * array once (charged too), and refused before it starts when that is over the budget. A
 * table with a metatable is walked as sort sees it (__len, __index): those metamethods run
 * once more, and Lua ones are counted. */
static int wrap_sort(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TTABLE) return call_original(L); /* sort's own message */
    int meta = lua_getmetatable(L, 1);
    if (meta) lua_pop(L, 1);
    lua_Integer n = meta ? luaL_len(L, 1) : (lua_Integer)lua_rawlen(L, 1);
    if (n < 2 || n >= INT_MAX) return call_original(L); /* nothing to do, or "array too big" */
    charge_or_refuse(L, (double)n, "table.sort of %lld values", (long long)n);
    size_t longest = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        int t = meta ? lua_geti(L, 1, i) : lua_rawgeti(L, 1, i);
        if (t == LUA_TSTRING) {
            size_t len = lua_rawlen(L, -1);
            if (len > longest) longest = len;
        }
        lua_pop(L, 1);
    }
    double cost = (double)n * log2((double)n) *
                  (1.0 + (double)longest / PT__SANDBOX_BYTES_PER_INSTRUCTION);
    if (longest > 0)
        charge_or_refuse(L, cost, "table.sort of %lld values (strings up to %zu bytes)",
                         (long long)n, longest);
    else
        charge_or_refuse(L, cost, "table.sort of %lld values", (long long)n);
    return call_original(L);
}

/* Functions that take or return many values work on each in C: one instruction per value.
 * Upvalue 2 is the function's name for the message. Taking is charged before the call;
 * returning after it, which lets at most one stack (LUAI_MAXSTACK values, about a
 * millisecond) of work through before the refusal. */
static int charge_args(lua_State *L)
{
    int n = lua_gettop(L);
    charge_or_refuse(L, (double)n, "%s of %d values", lua_tostring(L, lua_upvalueindex(2)), n);
    return call_original(L);
}

static int charge_results(lua_State *L)
{
    int r = call_original(L);
    charge_or_refuse(L, (double)r, "%s of %d values", lua_tostring(L, lua_upvalueindex(2)), r);
    return r;
}

/* select both takes and returns its values: charged once, for what it takes. string.format
 * does a conversion (snprintf) per value: a dozen instructions' worth. */
#define FORMAT_CHARGE 16
static int charge_format(lua_State *L)
{
    int n = lua_gettop(L);
    charge_or_refuse(L, (double)n * FORMAT_CHARGE, "string.format of %d values", n);
    return call_original(L);
}

static int wrap_move(lua_State *L)
{
    pt__sandbox *sb = sandbox_of(L);
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    if (e >= f) {
        /* moving nils allocates nothing, so only a cap on the range bounds the loop */
        double count = (double)e - (double)f + 1;
        if (count > (double)(sb->mem_cap / 16)) {
            char size[32];
            snprintf(size, sizeof size, "%.0f", count);
            return luaL_error(L, "table.move: a range of %s elements is too large (sandbox "
                                 "limit)", size);
        }
        charge(sb, (uint64_t)count);
    }
    return call_original(L);
}

/* Charges the length of the string argument at 1. */
static int charge_string_len(lua_State *L)
{
    size_t n = 0;
    if (lua_type(L, 1) == LUA_TSTRING) lua_tolstring(L, 1, &n);
    charge(sandbox_of(L), n / PT__SANDBOX_BYTES_PER_INSTRUCTION);
    return call_original(L);
}

/* setmetatable without finalizers: Lua 5.4 runs __gc with hooks switched off, so a looping
 * finalizer would escape the instruction limit. An object is marked for finalization only if
 * its metatable has __gc when it is set, so checking here (raw, as Lua does) is enough. */
static int wrap_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        int t = lua_rawget(L, 2);
        lua_pop(L, 1);
        if (t != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed (sandbox)");
    }
    return call_original(L);
}

/* xpcall's message handler is called where the error is raised. An error raised by the count
 * hook is raised inside the hook, where Lua has switched hooks off: a looping handler would
 * then never be stopped. So the script's handler runs through this guard, which skips it once
 * a limit is reached (the only time the hook raises errors). */
static int guarded_handler(lua_State *L)
{
    if (sandbox_of(L)->instr_exhausted) return 1; /* the message, unchanged */
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int wrap_xpcall(lua_State *L)
{
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, guarded_handler, 1);
    lua_replace(L, 2);
    return call_original(L);
}

/* Replaces lib[name] (table at index lib) with wrapper, keeping the original as upvalue. */
static void wrap(lua_State *L, int lib, const char *name, lua_CFunction wrapper)
{
    lua_getfield(L, lib, name);
    lua_CFunction orig = lua_tocfunction(L, -1);
    lua_pop(L, 1);
    if (!orig) luaL_error(L, "sandbox: %s is not a C function", name);
    lua_pushcfunction(L, orig);
    lua_pushcclosure(L, wrapper, 1);
    lua_setfield(L, lib, name);
}

/* wrap() with the name "LIB.NAME" as upvalue 2, for charge_args and charge_results. */
static void wrap_named(lua_State *L, int lib, const char *libname, const char *name,
                       lua_CFunction wrapper)
{
    lua_getfield(L, lib, name);
    lua_CFunction orig = lua_tocfunction(L, -1);
    lua_pop(L, 1);
    if (!orig) luaL_error(L, "sandbox: %s is not a C function", name);
    lua_pushcfunction(L, orig);
    if (libname)
        lua_pushfstring(L, "%s.%s", libname, name);
    else
        lua_pushstring(L, name);
    lua_pushcclosure(L, wrapper, 2);
    lua_setfield(L, lib, name);
}

static void remove_field(lua_State *L, int t, const char *name)
{
    lua_pushnil(L);
    lua_setfield(L, t, name);
}

/* ---- read-only tables ---- */

static int ro_newindex(lua_State *L) { return luaL_error(L, "attempt to modify a read-only table"); }

/* Pushes the real table behind the proxy at index i. */
static void ro_target(lua_State *L, int i)
{
    if (!lua_getmetatable(L, i)) luaL_error(L, "not a read-only table");
    lua_pushliteral(L, "__index");
    lua_rawget(L, -2);
    lua_remove(L, -2);
}

static int ro_len(lua_State *L)
{
    ro_target(L, 1);
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

/* next over the real table, with the proxy as the iteration state, so pairs() never hands
 * the writable table to the script. */
static int ro_next(lua_State *L)
{
    lua_settop(L, 2);
    ro_target(L, 1);
    lua_insert(L, 2);   /* proxy, target, key */
    if (lua_next(L, 2)) return 2;
    lua_pushnil(L);
    return 1;
}

static int ro_pairs(lua_State *L)
{
    lua_pushcfunction(L, ro_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

void pt__sandbox_readonly(lua_State *L)
{
    lua_newtable(L);                    /* target, proxy */
    lua_createtable(L, 0, 5);           /* target, proxy, mt */
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, ro_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, ro_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, ro_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_replace(L, -2);
}

/* ---- require ---- */

static int valid_module_name(const char *s, size_t n)
{
    if (n == 0 || n > 64) return 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_')) return 0;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

static char loading_sentinel;

/* Pushes the compiled module `name`, compiling and caching it on first use. */
static void push_module_chunk(lua_State *L, pt__sandbox *sb, const char *name)
{
    lua_getfield(L, LUA_REGISTRYINDEX, REG_MODULES);
    if (lua_getfield(L, -1, name) == LUA_TFUNCTION) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);
    if (!sb->scripts_dir)
        luaL_error(L, "module '%s' not found (only scripts/lib modules)", name);
    char path[4096];
    int w = snprintf(path, sizeof path, "%s/lib/%s.lua", sb->scripts_dir, name);
    if (w < 0 || (size_t)w >= sizeof path) luaL_error(L, "module '%s': path too long", name);
    char *src = NULL;
    size_t len = 0;
    int rc = pt__read_file(path, PT__SANDBOX_MAX_SOURCE, &src, &len);
    if (rc == PT_ENOTFOUND) luaL_error(L, "module '%s' not found (only scripts/lib modules)", name);
    if (rc != 0) luaL_error(L, "module '%s': %s", name, pt_error_last());
    if (len > 0 && src[0] == LUA_SIGNATURE[0]) {
        free(src);
        luaL_error(L, "lib/%s.lua: binary chunks are not allowed", name);
    }
    char chunkname[96];
    snprintf(chunkname, sizeof chunkname, "=lib/%s.lua", name);
    /* lua_load is protected itself: it returns instead of raising, so src cannot leak */
    int status = luaL_loadbufferx(L, src, len, chunkname, "t");
    free(src);
    if (status != LUA_OK) lua_error(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, name);          /* cache it */
    lua_remove(L, -2);
}

/* require(name) with upvalues: 1 the loaded table of this environment, 2 the environment. */
static int sandbox_require(lua_State *L)
{
    pt__sandbox *sb = sandbox_of(L);
    size_t n;
    const char *name = luaL_checklstring(L, 1, &n);
    if (!valid_module_name(name, n)) {
        /* quote at most 40 bytes of a name that may be anything */
        return luaL_error(L, "module '%s' not found (only scripts/lib modules)",
                          n > 40 ? "(a long name)" : name);
    }
    lua_settop(L, 1);
    int loaded = lua_upvalueindex(1);
    lua_pushvalue(L, 1);
    lua_rawget(L, loaded);
    if (lua_touserdata(L, -1) == &loading_sentinel)
        return luaL_error(L, "module '%s': circular require", name);
    if (!lua_isnil(L, -1)) return 1;
    lua_pop(L, 1);

    push_module_chunk(L, sb, name);     /* name, chunk */
    lua_pushvalue(L, 1);
    lua_pushlightuserdata(L, &loading_sentinel);
    lua_rawset(L, loaded);
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_setupvalue(L, -2, 1);           /* the module runs in this environment */
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);                  /* name, result */
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -2);
    lua_rawset(L, loaded);
    return 1;
}

/* ---- set-up ---- */

static const char *const base_allowed[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "select",
    "setmetatable", "tonumber", "tostring", "type", "xpcall", "_VERSION", NULL,
};
static const char *const base_removed[] = {
    "load", "loadfile", "dofile", "collectgarbage", "rawset", "rawget", "rawequal", "rawlen",
    "print", "warn", NULL,
};
static const char *const libs[] = {"string", "table", "math", "utf8", NULL};

/* Opens the libraries one by one (linit.c's advice), trims and wraps them, and keeps the
 * pristine copies per-run environments are made from. Runs under lua_pcall. */
static int setup(lua_State *L)
{
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_settop(L, 0);

    lua_pushglobaltable(L);             /* 1: _G, never given to a script; trimmed anyway */
    for (const char *const *p = base_removed; *p; p++) remove_field(L, 1, *p);
    wrap(L, 1, "setmetatable", wrap_setmetatable);
    wrap(L, 1, "tonumber", charge_string_len);
    wrap(L, 1, "xpcall", wrap_xpcall);
    wrap_named(L, 1, NULL, "select", charge_args);
    wrap_named(L, 1, NULL, "assert", charge_args);

    lua_getfield(L, 1, "string");       /* 2 */
    remove_field(L, 2, "dump");
    wrap(L, 2, "rep", wrap_rep);
    wrap(L, 2, "find", wrap_find);
    wrap(L, 2, "match", wrap_match);
    wrap(L, 2, "gmatch", wrap_gmatch);
    wrap(L, 2, "gsub", wrap_gsub);
    wrap_named(L, 2, "string", "byte", charge_results);
    wrap_named(L, 2, "string", "unpack", charge_results);
    wrap_named(L, 2, "string", "char", charge_args);
    wrap_named(L, 2, "string", "pack", charge_args);
    wrap(L, 2, "format", charge_format);
    lua_getfield(L, 1, "table");        /* 3 */
    wrap(L, 3, "insert", charge_table_len);
    wrap(L, 3, "remove", charge_table_len);
    wrap(L, 3, "concat", charge_table_len);
    wrap(L, 3, "sort", wrap_sort);
    wrap(L, 3, "move", wrap_move);
    wrap_named(L, 3, "table", "unpack", charge_results);
    wrap_named(L, 3, "table", "pack", charge_args);
    lua_getfield(L, 1, "math");         /* 4 */
    remove_field(L, 4, "random");
    remove_field(L, 4, "randomseed");
    wrap_named(L, 4, "math", "max", charge_args);
    wrap_named(L, 4, "math", "min", charge_args);
    lua_getfield(L, 1, "utf8");         /* 5 */
    wrap(L, 5, "len", charge_string_len);
    wrap(L, 5, "offset", charge_string_len);
    wrap_named(L, 5, "utf8", "codepoint", charge_results);
    wrap_named(L, 5, "utf8", "char", charge_args);

    /* The string metatable's __index is the real string table (with the wrappers above):
     * locking the metatable keeps it out of reach. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    for (int i = 0; libs[i]; i++) {
        char key[64];
        snprintf(key, sizeof key, REG_LIB "%s", libs[i]);
        lua_pushvalue(L, 2 + i);
        lua_setfield(L, LUA_REGISTRYINDEX, key);
    }

    lua_newtable(L);
    for (const char *const *p = base_allowed; *p; p++) {
        lua_getfield(L, 1, *p);
        lua_setfield(L, -2, *p);
    }
    lua_setfield(L, LUA_REGISTRYINDEX, REG_BASE);

    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, REG_MODULES);

    lua_newtable(L);
    lua_pushliteral(L, PT_VERSION_STRING);
    lua_setfield(L, -2, "version");
    pt__sandbox_readonly(L);
    lua_setfield(L, LUA_REGISTRYINDEX, REG_API);
    lua_settop(L, 0);
    return 0;
}

static int run_setup(lua_State *L, void *payload)
{
    (void)payload;
    lua_pushcfunction(L, setup);
    lua_call(L, 0, 0);
    return 0;
}

int pt__sandbox_new(pt__sandbox **out, const char *name, const char *scripts_dir,
                    const pt_sandbox_limits *limits)
{
    *out = NULL;
    pt__sandbox *sb = calloc(1, sizeof *sb);
    if (!sb) return pt__error(PT_ENOMEM, "%s: out of memory", name);
    sb->name = strdup(name);
    sb->chunkname = malloc(strlen(name) + 2);
    sb->scripts_dir = scripts_dir ? strdup(scripts_dir) : NULL;
    if (!sb->name || !sb->chunkname || (scripts_dir && !sb->scripts_dir)) {
        pt__sandbox_free(sb);
        return pt__error(PT_ENOMEM, "%s: out of memory", name);
    }
    sb->chunkname[0] = '=';
    strcpy(sb->chunkname + 1, name);
    sb->mem_cap = limits && limits->memory_bytes ? limits->memory_bytes : PT_SANDBOX_MEMORY;
    sb->instr_limit = limits && limits->instructions ? limits->instructions
                                                     : PT_SANDBOX_INSTRUCTIONS;
    sb->time_limit = PT__SANDBOX_SECONDS;
    sb->chunk_ref = LUA_NOREF;
    sb->where = "in the main chunk";

    sb->L = lua_newstate(sandbox_alloc, sb);
    if (!sb->L) {
        size_t cap = sb->mem_cap;
        pt__sandbox_free(sb);
        return pt__error(PT_ELIMIT, "%s: memory limit (%zu bytes) too small for a Lua state",
                         name, cap);
    }
    *(pt__sandbox **)lua_getextraspace(sb->L) = sb;
    lua_setwarnf(sb->L, no_warnings, NULL);
    int rc = pt__sandbox_run(sb, run_setup, NULL);
    if (rc != 0) {
        pt__sandbox_free(sb);
        return rc;
    }
    *out = sb;
    return PT_OK;
}

void pt__sandbox_free(pt__sandbox *sb)
{
    if (!sb) return;
    if (sb->L) lua_close(sb->L);
    free(sb->name);
    free(sb->chunkname);
    free(sb->scripts_dir);
    free(sb);
}

const char *pt__sandbox_name(const pt__sandbox *sb) { return sb->name; }

void pt__sandbox_set_time_limit(pt__sandbox *sb, double seconds)
{
    if (seconds > 0) sb->time_limit = seconds;
}

void pt__sandbox_set_where(lua_State *L, const char *where) { sandbox_of(L)->where = where; }

/* ---- running ---- */

typedef struct protected_call {
    pt__sandbox_fn fn;
    void *payload;
    int rc;
} protected_call;

static int trampoline(lua_State *L)
{
    protected_call *call = lua_touserdata(L, 1);
    lua_settop(L, 0);
    call->rc = call->fn(L, call->payload);
    return 0;
}

/* Gives every message a position: Lua adds "chunk:line:" to errors raised in Lua code, but
 * not to error(x, 0), non-string errors or some errors from C; those get the position of the
 * innermost Lua function on the stack. */
static int message_handler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    pt__sandbox *sb = sandbox_of(L);
    /* a memory error raised as a Lua error (lauxlib's "not enough memory") is seen here at
     * the place it happened, the stack not yet unwound */
    if (sb->limit_hit != LIMIT_NONE) note_location(L, sb);
    size_t n = strlen(sb->name);
    if ((strncmp(msg, sb->name, n) == 0 && msg[n] == ':') || strncmp(msg, "lib/", 4) == 0)
        return 1;
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
            return 1;
        }
    }
    lua_pushstring(L, msg);
    return 1;
}

/* "NAME:LINE:" where the first limit was reached, "NAME: lib/M.lua:LINE:" in a lib module,
 * "NAME:" when no Lua line was on the stack. */
static void location_text(const pt__sandbox *sb, char *buf, size_t size)
{
    if (sb->loc_line <= 0)
        snprintf(buf, size, "%s:", sb->name);
    else if (strcmp(sb->loc_src, sb->name) == 0)
        snprintf(buf, size, "%s:%d:", sb->name, sb->loc_line);
    else
        snprintf(buf, size, "%s: %s:%d:", sb->name, sb->loc_src, sb->loc_line);
}

static void limit_text(char *buf, size_t size, size_t bytes)
{
    if (bytes % (1024u * 1024u) == 0)
        snprintf(buf, size, "%zu MiB", bytes / (1024u * 1024u));
    else
        snprintf(buf, size, "%zu bytes", bytes);
}

int pt__sandbox_run(pt__sandbox *sb, pt__sandbox_fn fn, void *payload)
{
    lua_State *L = sb->L;
    sb->instr_used = 0;
    sb->instr_exhausted = 0;
    sb->limit_hit = LIMIT_NONE;
    sb->refused = 0;
    sb->charge_bytes = 0;
    sb->where = "in the main chunk";
    sb->loc_done = 0;
    sb->loc_line = 0;
    sb->detail[0] = '\0';
    /* garbage of earlier runs must not count against this one */
    if (sb->mem_used > sb->mem_cap / 2) lua_gc(L, LUA_GCCOLLECT);
    double deadline = now_seconds() + sb->time_limit;
    sb->deadline.tv_sec = (time_t)deadline;
    sb->deadline.tv_nsec = (long)((deadline - (double)sb->deadline.tv_sec) * 1e9);
    lua_sethook(L, count_hook, LUA_MASKCOUNT, PT__SANDBOX_HOOK_STEP);
    sb->charging = 1;

    int base = lua_gettop(L);
    protected_call call = {fn, payload, 0};
    lua_pushcfunction(L, message_handler);
    lua_pushcfunction(L, trampoline);
    lua_pushlightuserdata(L, &call);
    int status = lua_pcall(L, 1, 0, base + 1);

    sb->charging = 0;
    lua_sethook(L, NULL, 0, 0);
    int rc;
    char cap[32], at[LUA_IDSIZE + 64];
    location_text(sb, at, sizeof at);
    if (sb->limit_hit == LIMIT_MEMORY ||
        (sb->limit_hit == LIMIT_NONE && status == LUA_ERRMEM)) {
        limit_text(cap, sizeof cap, sb->mem_cap);
        rc = pt__error(PT_ELIMIT, "%s memory limit (%s) exceeded", at, cap);
    } else if (sb->limit_hit == LIMIT_INSTRUCTIONS) {
        rc = pt__error(PT_ELIMIT, "%s instruction limit (%llu) exceeded %s%s%s", at,
                       (unsigned long long)sb->instr_limit, sb->where,
                       sb->detail[0] ? ": " : "", sb->detail);
    } else if (sb->limit_hit == LIMIT_TIME) {
        rc = pt__error(PT_ELIMIT, "%s time limit (%g s) exceeded %s", at, sb->time_limit,
                       sb->where);
    } else if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (!msg) msg = "(error object is not a string)";
        size_t n = strlen(sb->name);
        if (strncmp(msg, sb->name, n) == 0 && msg[n] == ':')
            rc = pt__error(PT_ESCRIPT, "%s", msg);
        else
            rc = pt__error(PT_ESCRIPT, "%s: %s", sb->name, msg);
    } else {
        rc = call.rc;
    }
    lua_settop(L, base);
    return rc;
}

typedef struct compile_args {
    const char *source;
    size_t len;
} compile_args;

static int compile_fn(lua_State *L, void *payload)
{
    compile_args *a = payload;
    pt__sandbox *sb = sandbox_of(L);
    if (luaL_loadbufferx(L, a->source, a->len, sb->chunkname, "t") != LUA_OK) lua_error(L);
    if (sb->chunk_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, sb->chunk_ref);
    sb->chunk_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

int pt__sandbox_compile(pt__sandbox *sb, const char *source, size_t len)
{
    if (len > 0 && source[0] == LUA_SIGNATURE[0])
        return pt__error(PT_ESCRIPT, "%s: binary chunks are not allowed", sb->name);
    compile_args a = {source, len};
    return pt__sandbox_run(sb, compile_fn, &a);
}

/* Copies the table at index src into a new table pushed on the stack. */
static void push_copy(lua_State *L, int src)
{
    src = lua_absindex(L, src);
    lua_createtable(L, 0, 32);
    lua_pushnil(L);
    while (lua_next(L, src)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

void pt__sandbox_push_env(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, REG_BASE);
    push_copy(L, -1);                   /* base, env */
    lua_remove(L, -2);
    int env = lua_gettop(L);
    for (int i = 0; libs[i]; i++) {
        char key[64];
        snprintf(key, sizeof key, REG_LIB "%s", libs[i]);
        lua_getfield(L, LUA_REGISTRYINDEX, key);
        push_copy(L, -1);
        lua_setfield(L, env, libs[i]);
        lua_pop(L, 1);
    }
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");
    lua_getfield(L, LUA_REGISTRYINDEX, REG_API);
    lua_setfield(L, env, "pantau");
    lua_newtable(L);                    /* require's loaded table */
    lua_pushvalue(L, env);
    lua_pushcclosure(L, sandbox_require, 2);
    lua_setfield(L, env, "require");
}

void pt__sandbox_run_chunk(lua_State *L, int env)
{
    pt__sandbox *sb = sandbox_of(L);
    env = lua_absindex(L, env);
    if (lua_rawgeti(L, LUA_REGISTRYINDEX, sb->chunk_ref) != LUA_TFUNCTION)
        luaL_error(L, "no script compiled");
    /* The upvalue is shared with the closures of earlier runs, which are all garbage: nothing
     * a run creates stays reachable (libraries are copies, shared tables read-only). */
    lua_pushvalue(L, env);
    lua_setupvalue(L, -2, 1);
    lua_call(L, 0, 0);
}
