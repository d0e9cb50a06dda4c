/* The notification configuration: reading the INI-like file (format in docs/commands.md,
 * "Notifications") into channels and routes, and matching events against routes.
 *
 * The file is small and written by hand, so the parser is strict: every mistake (an unknown
 * section or key, a duplicate, a route naming a channel that does not exist) stops it with
 * "FILE:LINE: ...", because a route silently ignored is a red flag that reaches no one. Values
 * run to the end of the line (no inline comments: a URL or a password may hold '#' or ';'). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

#define CONFIG_MAX_BYTES (1024u * 1024u)

enum { SEC_TOP, SEC_CHANNEL, SEC_ROUTE };

typedef struct kv_node {
    struct kv_node *next;
    const char *key, *value;
    int line;
} kv_node;

typedef struct section_node {
    struct section_node *next;
    int kind;
    const char *name;
    int line;
    kv_node *first, *last;
    size_t n;
} section_node;

typedef struct parser {
    pt_notify_config *cfg;
    const char *name;           /* the file, for messages */
    section_node *first, *last;
    size_t n_channels, n_routes;
    char *plugin_path;          /* built with realloc, copied into the arena at the end */
} parser;

static int oom(void) { return pt__error(PT_ENOMEM, "out of memory"); }

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.';
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* s[0..n) without the blanks around it, copied into the arena. */
static char *trimmed(pt__arena *a, const char *s, size_t n)
{
    while (n > 0 && is_blank(*s)) s++, n--;
    while (n > 0 && is_blank(s[n - 1])) n--;
    return pt__arena_strndup(a, s, n);
}

/* Splits "a, b ,c" into trimmed non-empty parts in the arena. */
static int split_list(pt__arena *a, const char *value, const char ***out, size_t *n)
{
    size_t max = 1;
    for (const char *p = value; *p; p++) max += *p == ',';
    const char **parts = pt__arena_alloc(a, max * sizeof *parts);
    if (!parts) return oom();
    *n = 0;
    for (const char *p = value;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char *part = trimmed(a, p, len);
        if (!part) return oom();
        if (*part) parts[(*n)++] = part;
        if (!comma) break;
        p = comma + 1;
    }
    *out = parts;
    return PT_OK;
}

static int add_section(parser *ps, int kind, const char *name, int line)
{
    pt__arena *a = ps->cfg->arena;
    for (section_node *s = ps->first; s; s = s->next)
        if (s->kind == kind && s->name && strcmp(s->name, name) == 0)
            return pt__error(PT_EINVALID, "%s:%d: [%s %s] is defined twice (first at line %d)",
                             ps->name, line, kind == SEC_CHANNEL ? "channel" : "route", name,
                             s->line);
    section_node *s = pt__arena_alloc(a, sizeof *s);
    if (!s || !(s->name = pt__arena_strdup(a, name))) return oom();
    s->kind = kind;
    s->line = line;
    if (ps->last) ps->last->next = s;
    else ps->first = s;
    ps->last = s;
    if (kind == SEC_CHANNEL) ps->n_channels++;
    else ps->n_routes++;
    return PT_OK;
}

/* "[channel NAME]" or "[route NAME]" (line without its blanks, starting with '['). */
static int parse_header(parser *ps, const char *line, size_t n, int lineno)
{
    char shown[80];
    snprintf(shown, sizeof shown, "%.*s", (int)(n > 60 ? 60 : n), line);
    if (line[n - 1] != ']')
        return pt__error(PT_EINVALID, "%s:%d: a section header must end with ']': '%s'",
                         ps->name, lineno, shown);
    const char *p = line + 1, *end = line + n - 1;
    while (p < end && is_blank(*p)) p++;
    const char *word = p;
    while (p < end && !is_blank(*p)) p++;
    size_t wlen = (size_t)(p - word);
    while (p < end && is_blank(*p)) p++;
    const char *nm = p;
    while (end > nm && is_blank(end[-1])) end--;
    int kind = wlen == 7 && strncmp(word, "channel", 7) == 0 ? SEC_CHANNEL
             : wlen == 5 && strncmp(word, "route", 5) == 0   ? SEC_ROUTE
                                                               : -1;
    if (kind < 0)
        return pt__error(PT_EINVALID, "%s:%d: unknown section '%s' (expected [channel NAME] or "
                         "[route NAME])", ps->name, lineno, shown);
    if (nm == end)
        return pt__error(PT_EINVALID, "%s:%d: '%s' needs a name, e.g. [%s kantor]", ps->name,
                         lineno, shown, kind == SEC_CHANNEL ? "channel" : "route");
    for (const char *q = nm; q < end; q++)
        if (!is_name_char(*q))
            return pt__error(PT_EINVALID, "%s:%d: '%s': a name may hold only letters, digits, "
                             "'_', '-' and '.'", ps->name, lineno, shown);
    char *name = pt__arena_strndup(ps->cfg->arena, nm, (size_t)(end - nm));
    if (!name) return oom();
    return add_section(ps, kind, name, lineno);
}

static int add_plugin_path(parser *ps, const char *dir)
{
    /* relative folders are relative to the configuration file, not to wherever pantau runs */
    const char *slash = strrchr(ps->name, '/');
    size_t base = dir[0] != '/' && slash ? (size_t)(slash - ps->name) + 1 : 0;
    size_t old = ps->plugin_path ? strlen(ps->plugin_path) : 0;
    char *grown = realloc(ps->plugin_path, old + 1 + base + strlen(dir) + 1);
    if (!grown) return oom();
    ps->plugin_path = grown;
    char *p = grown + old;
    if (old) *p++ = ':';
    memcpy(p, ps->name, base);
    strcpy(p + base, dir);
    return PT_OK;
}

static int parse_setting(parser *ps, const char *line, size_t n, int lineno)
{
    pt__arena *a = ps->cfg->arena;
    const char *eq = memchr(line, '=', n);
    char shown[80];
    snprintf(shown, sizeof shown, "%.*s", (int)(n > 60 ? 60 : n), line);
    if (!eq)
        return pt__error(PT_EINVALID, "%s:%d: expected 'key = value' or a [section], got '%s'",
                         ps->name, lineno, shown);
    char *key = trimmed(a, line, (size_t)(eq - line));
    char *value = trimmed(a, eq + 1, n - (size_t)(eq - line) - 1);
    if (!key || !value) return oom();
    if (!*key) return pt__error(PT_EINVALID, "%s:%d: a setting without a key", ps->name, lineno);
    for (const char *q = key; *q; q++)
        if (!is_name_char(*q) || *q == '.')
            return pt__error(PT_EINVALID, "%s:%d: '%s' is not a key (letters, digits, '_', "
                             "'-')", ps->name, lineno, key);

    section_node *s = ps->last;
    if (!s) {
        if (strcmp(key, "plugin_path") != 0)
            return pt__error(PT_EINVALID, "%s:%d: unknown setting '%s' before any section (only "
                             "plugin_path may stand there)", ps->name, lineno, key);
        if (!*value)
            return pt__error(PT_EINVALID, "%s:%d: plugin_path needs a folder", ps->name, lineno);
        return add_plugin_path(ps, value);
    }
    if (s->kind == SEC_ROUTE) {
        static const char *const known[] = {"events", "channels", "kabupaten_kota", "agency"};
        int ok = 0;
        for (size_t i = 0; i < 4; i++) ok |= strcmp(key, known[i]) == 0;
        if (!ok)
            return pt__error(PT_EINVALID, "%s:%d: route '%s': unknown setting '%s' (a route "
                             "takes events, channels, kabupaten_kota and agency)", ps->name,
                             lineno, s->name, key);
    }
    for (kv_node *kv = s->first; kv; kv = kv->next)
        if (strcmp(kv->key, key) == 0)
            return pt__error(PT_EINVALID, "%s:%d: %s '%s': '%s' is set twice (first at line %d)",
                             ps->name, lineno, s->kind == SEC_CHANNEL ? "channel" : "route",
                             s->name, key, kv->line);
    kv_node *kv = pt__arena_alloc(a, sizeof *kv);
    if (!kv) return oom();
    kv->key = key;
    kv->value = value;
    kv->line = lineno;
    if (s->last) s->last->next = kv;
    else s->first = kv;
    s->last = kv;
    s->n++;
    return PT_OK;
}

static int check_event_pattern(parser *ps, const section_node *s, const kv_node *kv,
                               const char *pattern)
{
    size_t n = strlen(pattern);
    int ok = n > 0;
    if (strcmp(pattern, "*") == 0) return PT_OK;
    if (n > 2 && strcmp(pattern + n - 2, ".*") == 0) n -= 2;   /* "visit.*" */
    for (size_t i = 0; ok && i < n; i++) {
        char c = pattern[i];
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    }
    if (!ok)
        return pt__error(PT_EINVALID, "%s:%d: route '%s': '%s' is not an event type (e.g. "
                         "flag.raised, visit.*, *)", ps->name, kv->line, s->name, pattern);
    return PT_OK;
}

static int build_channel(parser *ps, const section_node *s, pt__channel *ch)
{
    pt__arena *a = ps->cfg->arena;
    ch->name = s->name;
    ch->line = s->line;
    ch->keys = pt__arena_alloc(a, (s->n + 1) * sizeof *ch->keys);
    ch->values = pt__arena_alloc(a, (s->n + 1) * sizeof *ch->values);
    if (!ch->keys || !ch->values) return oom();
    for (const kv_node *kv = s->first; kv; kv = kv->next) {
        if (strcmp(kv->key, "plugin") == 0) {
            ch->plugin = kv->value;
            ch->plugin_line = kv->line;
        } else {
            ch->keys[ch->n_settings] = kv->key;
            ch->values[ch->n_settings++] = kv->value;
        }
    }
    if (!ch->plugin || !*ch->plugin)
        return pt__error(PT_EINVALID, "%s:%d: channel '%s' has no 'plugin = NAME' (email, "
                         "webhook, outbox or another notify plugin)", ps->name,
                         ch->plugin ? ch->plugin_line : s->line, s->name);
    return PT_OK;
}

static int build_route(parser *ps, const section_node *s, pt__route *r)
{
    pt__arena *a = ps->cfg->arena;
    r->name = s->name;
    r->line = s->line;
    const kv_node *events = NULL, *channels = NULL;
    int rc = PT_OK;
    for (const kv_node *kv = s->first; rc == 0 && kv; kv = kv->next) {
        if (strcmp(kv->key, "events") == 0) {
            events = kv;
            rc = split_list(a, kv->value, &r->events, &r->n_events);
            for (size_t i = 0; rc == 0 && i < r->n_events; i++)
                rc = check_event_pattern(ps, s, kv, r->events[i]);
        } else if (strcmp(kv->key, "channels") == 0) {
            channels = kv;
            const char **names;
            size_t n;
            rc = split_list(a, kv->value, &names, &n);
            if (rc == 0 && !(r->channels = pt__arena_alloc(a, (n + 1) * sizeof *r->channels)))
                rc = oom();
            for (size_t i = 0; rc == 0 && i < n; i++) {
                const pt__channel *ch = pt__config_channel(ps->cfg, names[i]);
                if (!ch)
                    return pt__error(PT_EINVALID, "%s:%d: route '%s': no channel named '%s' "
                                     "(define it with [channel %s])", ps->name, kv->line,
                                     s->name, names[i], names[i]);
                r->channels[r->n_channels++] = ch;
            }
        } else if (strcmp(kv->key, "kabupaten_kota") == 0) {
            rc = split_list(a, kv->value, &r->places, &r->n_places);
        } else {
            rc = split_list(a, kv->value, &r->agencies, &r->n_agencies);
        }
    }
    if (rc) return rc;
    if (!events || r->n_events == 0)
        return pt__error(PT_EINVALID, "%s:%d: route '%s' needs 'events = TYPE, ...' (or '*')",
                         ps->name, events ? events->line : s->line, s->name);
    if (!channels || r->n_channels == 0)
        return pt__error(PT_EINVALID, "%s:%d: route '%s' needs 'channels = NAME, ...'",
                         ps->name, channels ? channels->line : s->line, s->name);
    return PT_OK;
}

static int build(parser *ps)
{
    pt_notify_config *cfg = ps->cfg;
    pt__arena *a = cfg->arena;
    if (ps->plugin_path && !(cfg->plugin_path = pt__arena_strdup(a, ps->plugin_path))) return oom();
    cfg->channels = pt__arena_alloc(a, (ps->n_channels + 1) * sizeof *cfg->channels);
    cfg->routes = pt__arena_alloc(a, (ps->n_routes + 1) * sizeof *cfg->routes);
    if (!cfg->channels || !cfg->routes) return oom();
    /* channels first: routes point at them, wherever they stand in the file */
    for (const section_node *s = ps->first; s; s = s->next) {
        if (s->kind != SEC_CHANNEL) continue;
        int rc = build_channel(ps, s, &cfg->channels[cfg->n_channels]);
        if (rc) return rc;
        cfg->n_channels++;
    }
    for (const section_node *s = ps->first; s; s = s->next) {
        if (s->kind != SEC_ROUTE) continue;
        int rc = build_route(ps, s, &cfg->routes[cfg->n_routes]);
        if (rc) return rc;
        cfg->n_routes++;
    }
    return PT_OK;
}

static int parse_lines(parser *ps, const char *text, size_t len)
{
    size_t i = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    for (int lineno = 1; i < len; lineno++) {
        const char *start = text + i;
        const char *nl = memchr(start, '\n', len - i);
        size_t n = nl ? (size_t)(nl - start) : len - i;
        i += n + (nl ? 1 : 0);
        if (memchr(start, '\0', n))
            return pt__error(PT_EINVALID, "%s:%d: a NUL byte: not a text file", ps->name, lineno);
        if (!pt__is_utf8(start, n))
            return pt__error(PT_EINVALID, "%s:%d: not UTF-8 text", ps->name, lineno);
        while (n > 0 && (is_blank(start[n - 1]) || start[n - 1] == '\r')) n--;
        while (n > 0 && is_blank(*start)) start++, n--;
        if (n == 0 || *start == '#' || *start == ';') continue;
        int rc = *start == '[' ? parse_header(ps, start, n, lineno)
                               : parse_setting(ps, start, n, lineno);
        if (rc) return rc;
    }
    return PT_OK;
}

int pt_notify_config_parse(pt_notify_config **out, const char *name, const char *text, size_t len)
{
    *out = NULL;
    pt_notify_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg || !(cfg->arena = pt__arena_new())) {
        free(cfg);
        return oom();
    }
    parser ps = {.cfg = cfg, .name = name ? name : "configuration"};
    int rc = (cfg->path = pt__arena_strdup(cfg->arena, ps.name)) ? PT_OK : oom();
    if (rc == 0) rc = parse_lines(&ps, text, len);
    if (rc == 0) rc = build(&ps);
    free(ps.plugin_path);
    if (rc) {
        pt_notify_config_free(cfg);
        return rc;
    }
    *out = cfg;
    return PT_OK;
}

int pt_notify_config_load(pt_notify_config **out, const char *path)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = pt__read_file(path, CONFIG_MAX_BYTES, &text, &len);
    if (rc) return rc;
    rc = pt_notify_config_parse(out, path, text, len);
    free(text);
    return rc;
}

void pt_notify_config_free(pt_notify_config *config)
{
    if (!config) return;
    pt__arena_free(config->arena);
    free(config);
}

const char *pt_notify_config_path(const pt_notify_config *config) { return config->path; }

const char *pt_notify_config_plugin_path(const pt_notify_config *config)
{
    return config->plugin_path;
}

const pt__channel *pt__config_channel(const pt_notify_config *config, const char *name)
{
    for (size_t i = 0; i < config->n_channels; i++)
        if (strcmp(config->channels[i].name, name) == 0) return &config->channels[i];
    return NULL;
}

static int type_matches(const char *pattern, const char *type)
{
    if (strcmp(pattern, "*") == 0) return 1;
    size_t n = strlen(pattern);
    if (n > 2 && strcmp(pattern + n - 2, ".*") == 0)
        return strncmp(type, pattern, n - 1) == 0;   /* "visit.*" takes "visit.x", not "visitor" */
    return strcmp(pattern, type) == 0;
}

/* Places and agencies are typed by people in two files (institutions CSV, scripts): letter
 * case is not worth a lost alert. */
static int any_equal(const char *const *values, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcasecmp(values[i], s) == 0) return 1;
    return 0;
}

int pt__route_matches(const pt__route *route, const char *type, const char *kabupaten_kota,
                      const char *agency)
{
    int ok = 0;
    for (size_t i = 0; !ok && i < route->n_events; i++) ok = type_matches(route->events[i], type);
    if (!ok) return 0;
    if (route->n_places && !any_equal(route->places, route->n_places, kabupaten_kota)) return 0;
    if (route->n_agencies && !any_equal(route->agencies, route->n_agencies, agency)) return 0;
    return 1;
}
