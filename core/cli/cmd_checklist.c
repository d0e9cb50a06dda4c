/* pantau checklist validate | load | list | show: the standards, from XML file to store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"
#include "paths.h"

static const char help_checklist[] =
    "Usage: pantau checklist SUBCOMMAND ...\n"
    "\n"
    "  validate FILE...           check checklist files and their scoring scripts\n"
    "  load FILE...               validate, then store them in the database\n"
    "  list [--json]              the stored checklist versions\n"
    "  show ID[@VERSION] [--json] a checklist as an inspector reads it (also a FILE.xml)\n"
    "\n"
    "A FILE that does not exist and has no '/' is looked for in the checklists folder.\n";

static const char help_validate[] =
    "Usage: pantau checklist validate FILE...\n"
    "\n"
    "Parses each checklist, validates it against the schema and checks it semantically,\n"
    "then compiles the scoring script it names (from the scripts folder, --scripts DIR).\n"
    "Needs no database. Prints one line per file:\n"
    "  FILE: ok (ID@VERSION, N items, sha256 HEX)\n"
    "or the error (naming file, line and item) on stderr. Exit status 1 if any file fails.\n";

static const char help_load[] =
    "Usage: pantau checklist load FILE...\n"
    "\n"
    "Validates every file as 'checklist validate' does, then stores each checklist version's\n"
    "exact XML and sha256. Nothing is stored unless every file passes. Loading the same\n"
    "bytes again does nothing; different bytes under a stored ID@VERSION are refused (copy the\n"
    "file and raise its version instead).\n";

static const char help_list[] =
    "Usage: pantau checklist list [--json]\n"
    "\n"
    "The stored checklist versions, ordered by id then load order, with their item and visit\n"
    "counts. --json prints {\"items\": [...]} (keys in docs/commands.md).\n";

static const char help_show[] =
    "Usage: pantau checklist show ID[@VERSION] [--json]\n"
    "       pantau checklist show FILE.xml [--json]\n"
    "\n"
    "Shows a checklist for an inspector preparing a visit: title, version, legal basis,\n"
    "grading bands, parameters, and each section with its items (type, weight, critical\n"
    "gate, N/A allowed, text, levels or choices, guidance, expected evidence, legal basis).\n"
    "Without @VERSION the most recently loaded version is shown. A FILE.xml (a path with '/'\n"
    "or ending in .xml) is read from disk and needs no database. --json prints the whole model.\n";

#define DEFAULT_MARK "(bawaan pantau, bukan angka resmi)"

/* A checklist named on the command line: the path as given, else in the checklists folder
 * (so `pantau checklist load akreditasi-lksa.xml` finds the shipped instrument). */
static const char *resolve_file(const char *arg, char *buf, size_t size)
{
    if (access(arg, F_OK) == 0 || strchr(arg, '/')) return arg;
    int n = snprintf(buf, size, "%s/%s", paths_checklists_dir(), arg);
    if (n > 0 && (size_t)n < size && access(buf, F_OK) == 0) return buf;
    return arg;
}

/* Parses the file and compiles its script. On success *out belongs to the caller; on failure
 * the error is printed and CLI_FAIL returned. */
static int validate_file(const cli_globals *g, const char *path, pt_checklist **out)
{
    *out = NULL;
    pt_checklist *cl;
    if (pt_checklist_load_file(&cl, path) != PT_OK) return cli_fail();
    pt_scorer *scorer;
    if (pt_scorer_new(&scorer, cl, g->scripts_dir, NULL) != PT_OK) {
        /* the scorer's message names the script; say which checklist wanted it */
        int rc = cli_failf("%s: %s", path, pt_error_last());
        pt_checklist_free(cl);
        return rc;
    }
    pt_scorer_free(scorer);
    *out = cl;
    return CLI_OK;
}

static int run_validate(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    int rc = cli_parse("checklist validate", argc, argv, NULL, 0, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_validate);
    if (n_pos == 0) return cli_usage("checklist validate", "no checklist file given");

    rc = CLI_OK;
    for (int i = 0; i < n_pos; i++) {
        char buf[4096];
        const char *path = resolve_file(pos[i], buf, sizeof buf);
        pt_checklist *cl;
        if (validate_file(g, path, &cl) != CLI_OK) {
            rc = CLI_FAIL;
            continue;
        }
        printf("%s: ok (%s@%s, %zu items, sha256 %s)\n", path, cl->id, cl->version, cl->n_items,
               cl->sha256);
        pt_checklist_free(cl);
    }
    return rc;
}

static int run_load(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    int rc = cli_parse("checklist load", argc, argv, NULL, 0, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_load);
    if (n_pos == 0) return cli_usage("checklist load", "no checklist file given");

    pt_checklist **cls = calloc((size_t)n_pos, sizeof *cls);
    if (!cls) return cli_failf("out of memory");
    /* Validate everything first: a command that fails stores nothing. The first bad file
     * stops it (one error line, as for every failing command). */
    for (int i = 0; rc == CLI_OK && i < n_pos; i++) {
        char buf[4096];
        rc = validate_file(g, resolve_file(pos[i], buf, sizeof buf), &cls[i]);
    }
    for (int i = 0; rc == CLI_OK && i < n_pos; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(cls[i]->id, cls[j]->id) == 0 &&
                strcmp(cls[i]->version, cls[j]->version) == 0 &&
                strcmp(cls[i]->sha256, cls[j]->sha256) != 0) {
                rc = cli_failf("%s and %s: both are %s@%s with different content", cls[j]->source,
                               cls[i]->source, cls[i]->id, cls[i]->version);
                break;
            }

    /* Store them all in one transaction: a changed file under a stored ID@VERSION (the store
     * refuses it, naming the file) or a failed write stores nothing. The lines are printed only
     * after the commit, so stdout never claims a version the database does not hold. */
    pt_ctx *ctx = NULL;
    int *created = NULL;
    if (rc == CLI_OK) rc = cli_open(g, &ctx, 0);
    if (rc == CLI_OK && !(created = calloc((size_t)n_pos, sizeof *created)))
        rc = cli_failf("out of memory");
    if (rc == CLI_OK &&
        pt_checklist_store_all(ctx, (const pt_checklist *const *)cls, (size_t)n_pos, created) != PT_OK)
        rc = cli_fail();
    for (int i = 0; rc == CLI_OK && i < n_pos; i++) {
        if (created[i])
            printf("loaded %s@%s\n", cls[i]->id, cls[i]->version);
        else
            printf("%s@%s already loaded (same content)\n", cls[i]->id, cls[i]->version);
    }
    free(created);
    if (ctx) pt_close(ctx);
    for (int i = 0; i < n_pos; i++)
        if (cls[i]) pt_checklist_free(cls[i]);
    free(cls);
    return rc;
}

/* ---- list ---- */

static json_t *info_json(const pt_checklist_info *info)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "version_id", json_integer(info->version_id));
    json_object_set_new(o, "id", out_jstr(info->id));
    json_object_set_new(o, "version", out_jstr(info->version));
    json_object_set_new(o, "title", out_jstr(info->title));
    json_object_set_new(o, "n_items", json_integer(info->n_items));
    json_object_set_new(o, "n_visits", json_integer(info->n_visits));
    json_object_set_new(o, "sha256", out_jstr(info->sha256));
    json_object_set_new(o, "loaded_at", out_jstr(info->loaded_at));
    return o;
}

static int list_one(const pt_checklist_info *info, void *payload)
{
    out_list *list = payload;
    if (list->items) return out_list_add_json(list, info_json(info));
    char items[32], visits[32], sha[16], title[256];
    snprintf(items, sizeof items, "%d", info->n_items);
    snprintf(visits, sizeof visits, "%d", info->n_visits);
    snprintf(sha, sizeof sha, "%.12s", info->sha256 ? info->sha256 : "");
    const char *row[] = {info->id, info->version, out_truncate(title, sizeof title, info->title, 50),
                         items, visits, info->loaded_at, sha};
    return out_list_add_row(list, row);
}

static int run_list(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("checklist list", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_list);
    if (n_pos) return cli_usage("checklist list", "unexpected argument '%s'", pos[0]);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    static const char *const headers[] = {"ID", "VERSION", "TITLE", "ITEMS", "VISITS",
                                          "LOADED", "SHA256"};
    out_list list;
    if ((rc = out_list_open(&list, as_json, 7, headers, "...rr..")) != CLI_OK) {
        pt_close(ctx);
        return rc;
    }
    int walk = pt_checklist_foreach(ctx, list_one, &list);
    pt_close(ctx);
    return out_list_finish(&list, walk);
}

/* ---- show ---- */

static json_t *jnum_if(int has, double v) { return has ? json_real(v) : json_null(); }

static json_t *item_json(const pt_item *it)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", out_jstr(it->id));
    json_object_set_new(o, "type", out_jstr(pt_item_type_name(it->type)));
    json_object_set_new(o, "text", out_jstr(it->text));
    json_object_set_new(o, "weight", json_real(it->weight));
    json_object_set_new(o, "critical", json_boolean(it->gate != NULL));
    json_object_set_new(o, "na_allowed", json_boolean(it->na_allowed));
    json_object_set_new(o, "guidance", out_jstr(it->guidance));
    json_object_set_new(o, "evidence", out_jstr(it->evidence));
    json_object_set_new(o, "legal_basis", out_jstr(it->legal_basis));
    json_object_set_new(o, "expect", it->type == PT_ITEM_YESNO ? out_jstr(it->expect ? it->expect : "ya")
                                                               : json_null());
    json_object_set_new(o, "pass_level", it->pass_level ? json_integer(it->pass_level) : json_null());
    json_object_set_new(o, "unit", out_jstr(it->unit));
    json_object_set_new(o, "min", jnum_if(it->has_min, it->min));
    json_object_set_new(o, "max", jnum_if(it->has_max, it->max));
    json_t *levels = json_array();
    for (size_t i = 0; levels && i < it->n_levels; i++) {
        json_t *l = json_object();
        json_object_set_new(l, "value", json_integer(it->levels[i].value));
        json_object_set_new(l, "description", out_jstr(it->levels[i].description));
        json_array_append_new(levels, l);
    }
    json_object_set_new(o, "levels", levels);
    json_t *choices = json_array();
    for (size_t i = 0; choices && i < it->n_choices; i++) {
        json_t *c = json_object();
        json_object_set_new(c, "value", out_jstr(it->choices[i].value));
        json_object_set_new(c, "label", out_jstr(it->choices[i].label));
        json_object_set_new(c, "score", json_real(it->choices[i].score));
        json_array_append_new(choices, c);
    }
    json_object_set_new(o, "choices", choices);
    if (it->gate) {
        json_t *gate = json_object();
        json_object_set_new(gate, "cap", out_jstr(it->gate->cap));
        json_object_set_new(gate, "severity", out_jstr(it->gate->severity));
        json_object_set_new(gate, "agency", out_jstr(it->gate->agency));
        json_object_set_new(gate, "message", out_jstr(it->gate->message));
        json_object_set_new(o, "gate", gate);
    } else {
        json_object_set_new(o, "gate", json_null());
    }
    json_object_set_new(o, "line", json_integer(it->line));
    return o;
}

static json_t *checklist_json(const pt_checklist *cl)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", out_jstr(cl->id));
    json_object_set_new(o, "version", out_jstr(cl->version));
    json_object_set_new(o, "title", out_jstr(cl->title));
    json_object_set_new(o, "description", out_jstr(cl->description));
    json_object_set_new(o, "legal_basis", out_jstr(cl->legal_basis));
    json_object_set_new(o, "script", out_jstr(cl->script));
    json_object_set_new(o, "sha256", out_jstr(cl->sha256));
    json_object_set_new(o, "n_items", json_integer((json_int_t)cl->n_items));
    json_object_set_new(o, "max_total", json_real(cl->max_total));
    json_object_set_new(o, "bands_are_default", json_boolean(cl->bands_are_default));
    json_object_set_new(o, "fail_label", out_jstr(cl->fail_label));
    json_t *bands = json_array();
    for (size_t i = 0; bands && i < cl->n_bands; i++) {
        json_t *b = json_object();
        json_object_set_new(b, "grade", out_jstr(cl->bands[i].grade));
        json_object_set_new(b, "label", out_jstr(cl->bands[i].label));
        json_object_set_new(b, "min", json_real(cl->bands[i].min));
        json_object_set_new(b, "validity_years", json_integer(cl->bands[i].validity_years));
        json_array_append_new(bands, b);
    }
    json_object_set_new(o, "bands", bands);
    json_t *params = json_array();
    for (size_t i = 0; params && i < cl->n_params; i++) {
        json_t *p = json_object();
        json_object_set_new(p, "id", out_jstr(cl->params[i].id));
        json_object_set_new(p, "value", json_real(cl->params[i].value));
        json_object_set_new(p, "unit", out_jstr(cl->params[i].unit));
        json_object_set_new(p, "label", out_jstr(cl->params[i].label));
        json_object_set_new(p, "is_default", json_boolean(cl->params[i].is_default));
        json_array_append_new(params, p);
    }
    json_object_set_new(o, "params", params);
    json_t *sections = json_array();
    for (size_t i = 0; sections && i < cl->n_sections; i++) {
        const pt_section *s = &cl->sections[i];
        json_t *so = json_object();
        json_object_set_new(so, "id", out_jstr(s->id));
        json_object_set_new(so, "title", out_jstr(s->title));
        json_object_set_new(so, "weight", json_real(s->weight));
        json_t *items = json_array();
        for (size_t k = 0; items && k < s->n_items; k++)
            json_array_append_new(items, item_json(&s->items[k]));
        json_object_set_new(so, "items", items);
        json_array_append_new(sections, so);
    }
    json_object_set_new(o, "sections", sections);
    return o;
}

/* Lines of the readable sheet wrap at this many code points. */
#define SHEET_WIDTH 100

/* Prints "<indent>label        text" (text wrapped under itself) when text is set. */
static void field(const char *indent, const char *label, const char *text)
{
    if (!text || !*text) return;
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s%-13s ", indent, label);
    out_wrapped(stdout, prefix, out_width(prefix), text, SHEET_WIDTH);
}

static void show_item(const pt_item *it)
{
    char w[32], a[32], b[32], prefix[256], text[2048];
    char weight[48] = "tidak dinilai";
    if (it->weight > 0) snprintf(weight, sizeof weight, "bobot %s", out_number(w, sizeof w, it->weight));
    printf("\n  %s  [%s, %s%s%s]\n", it->id, pt_item_type_name(it->type), weight,
           it->na_allowed ? ", boleh TB (tidak berlaku)" : "", it->gate ? ", KRITIS" : "");
    const char *in = "      ";
    out_wrapped(stdout, in, 6, it->text, SHEET_WIDTH);
    switch (it->type) {
    case PT_ITEM_YESNO:
        field(in, "lulus jika:", it->expect ? it->expect : "ya");
        break;
    case PT_ITEM_SCALE:
        for (size_t i = 0; i < it->n_levels; i++) {
            snprintf(prefix, sizeof prefix, "%s  %d = ", in, it->levels[i].value);
            out_wrapped(stdout, prefix, out_width(prefix), it->levels[i].description, SHEET_WIDTH);
        }
        if (it->pass_level) {
            snprintf(text, sizeof text, "%d", it->pass_level);
            field(in, "lulus mulai:", text);
        }
        break;
    case PT_ITEM_CHOICE:
        for (size_t i = 0; i < it->n_choices; i++) {
            snprintf(prefix, sizeof prefix, "%s  %s = ", in, it->choices[i].value);
            snprintf(text, sizeof text, "%s (nilai %s)", it->choices[i].label ? it->choices[i].label : "",
                     out_number(a, sizeof a, it->choices[i].score));
            out_wrapped(stdout, prefix, out_width(prefix), text, SHEET_WIDTH);
        }
        break;
    case PT_ITEM_COUNT:
    case PT_ITEM_NUMBER:
        if (it->has_min && it->has_max) {
            snprintf(text, sizeof text, "%s .. %s", out_number(a, sizeof a, it->min),
                     out_number(b, sizeof b, it->max));
            field(in, "rentang:", text);
        } else if (it->has_min || it->has_max) {
            snprintf(text, sizeof text, "%s %s", it->has_min ? ">=" : "<=",
                     out_number(a, sizeof a, it->has_min ? it->min : it->max));
            field(in, "rentang:", text);
        }
        break;
    default:
        break;
    }
    field(in, "satuan:", it->unit);
    field(in, "panduan:", it->guidance);
    field(in, "bukti:", it->evidence);
    field(in, "dasar hukum:", it->legal_basis);
    if (it->gate) {
        snprintf(text, sizeof text, "peringkat paling tinggi %s, %s, %s: %s", it->gate->cap,
                 it->gate->severity, it->gate->agency ? it->gate->agency : "-",
                 it->gate->message ? it->gate->message : "");
        field(in, "gerbang:", text);
    }
}

static void show_readable(const pt_checklist *cl)
{
    char a[32], b[32], prefix[256], text[2048];
    out_wrapped(stdout, "", 0, cl->title, SHEET_WIDTH);
    snprintf(text, sizeof text, "%s@%s (%zu butir)", cl->id, cl->version, cl->n_items);
    field("  ", "instrumen:", text);
    field("  ", "sha256:", cl->sha256);
    field("  ", "skrip:", cl->script);
    field("  ", "uraian:", cl->description);
    field("  ", "dasar hukum:", cl->legal_basis);

    printf("\nPemeringkatan (nilai total %s)%s%s\n", out_number(a, sizeof a, cl->max_total),
           cl->bands_are_default ? " " : "", cl->bands_are_default ? DEFAULT_MARK : "");
    for (size_t i = 0; i < cl->n_bands; i++) {
        const pt_band *band = &cl->bands[i];
        printf("  %-3s >= %-6s %s", band->grade, out_number(a, sizeof a, band->min),
               band->label ? band->label : "");
        if (band->validity_years > 0) printf(" (berlaku %d tahun)", band->validity_years);
        printf("\n");
    }
    if (cl->fail_label) printf("  di bawah semua batas: %s\n", cl->fail_label);

    if (cl->n_params) {
        printf("\nParameter\n");
        for (size_t i = 0; i < cl->n_params; i++) {
            const pt_param *p = &cl->params[i];
            snprintf(prefix, sizeof prefix, "  %s = %s%s%s  ", p->id, out_number(a, sizeof a, p->value),
                     p->unit ? " " : "", p->unit ? p->unit : "");
            snprintf(text, sizeof text, "%s%s%s", p->label ? p->label : "", p->is_default ? " " : "",
                     p->is_default ? DEFAULT_MARK : "");
            out_wrapped(stdout, prefix, 4, text, SHEET_WIDTH);
        }
    }
    for (size_t i = 0; i < cl->n_sections; i++) {
        const pt_section *s = &cl->sections[i];
        snprintf(prefix, sizeof prefix, "\n%s  ", s->id);
        snprintf(text, sizeof text, "%s (bobot %s, %zu butir)", s->title ? s->title : "",
                 out_number(b, sizeof b, s->weight), s->n_items);
        out_wrapped(stdout, prefix, 4, text, SHEET_WIDTH);
        for (size_t k = 0; k < s->n_items; k++) show_item(&s->items[k]);
    }
}

static int is_file_arg(const char *arg)
{
    size_t n = strlen(arg);
    return strchr(arg, '/') || (n > 4 && strcmp(arg + n - 4, ".xml") == 0);
}

static int run_show(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("checklist show", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_show);
    if (n_pos != 1)
        return cli_usage("checklist show", n_pos ? "give one checklist" : "no checklist given");

    pt_checklist *cl = NULL;
    if (is_file_arg(pos[0])) {
        char buf[4096];
        if (pt_checklist_load_file(&cl, resolve_file(pos[0], buf, sizeof buf)) != PT_OK)
            return cli_fail();
    } else {
        char *id = strdup(pos[0]);
        if (!id) return cli_failf("out of memory");
        char *at = strchr(id, '@');
        if (at) *at++ = '\0';
        pt_ctx *ctx;
        rc = cli_open(g, &ctx, 0);
        if (rc == CLI_OK) {
            if (pt_checklist_fetch(ctx, id, at && *at ? at : NULL, &cl) != PT_OK) rc = cli_fail();
            pt_close(ctx);
        }
        free(id);
        if (rc != CLI_OK) return rc;
    }
    if (as_json) {
        rc = out_json_print(checklist_json(cl));
    } else {
        show_readable(cl);
        rc = CLI_OK;
    }
    pt_checklist_free(cl);
    return rc;
}

int cmd_checklist(const cli_globals *g, int argc, char **argv)
{
    if (argc < 2) return cli_usage("checklist", "no subcommand given");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) return cli_help(help_checklist);
    if (strcmp(sub, "validate") == 0) return run_validate(g, argc - 1, argv + 1);
    if (strcmp(sub, "load") == 0) return run_load(g, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0) return run_list(g, argc - 1, argv + 1);
    if (strcmp(sub, "show") == 0) return run_show(g, argc - 1, argv + 1);
    return cli_usage("checklist", "unknown subcommand '%s'", sub);
}
