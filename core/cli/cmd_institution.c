/* pantau institution add | list | show | update | import: the homes that are visited. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

static const char help_institution[] =
    "Usage: pantau institution SUBCOMMAND ...\n"
    "\n"
    "  add --name N --kind K [--reg-no X] [--FIELD VALUE]...   add an institution\n"
    "  list [--json]                                           all institutions\n"
    "  show ID [--json]                                        one institution\n"
    "  update ID --FIELD VALUE...                              change some fields\n"
    "  import FILE.csv                                         add or update from CSV\n"
    "\n"
    "ID is the numeric id or the registration number (reg_no).\n";

static const char help_fields[] =
    "Fields (--FIELD VALUE, '_' written as '-'; an empty VALUE clears an optional field):\n"
    "  --reg-no, --name, --kind (LKSA, LKS-LU, LKS-PD, LKS-KT, LKS-PMKS), --owner,\n"
    "  --address, --kelurahan, --kecamatan, --kabupaten-kota, --province, --latitude,\n"
    "  --longitude, --capacity, --children-in-care,\n"
    "  --reg-status (registered, unregistered, expired, revoked), --reg-date, --reg-expires\n"
    "  (YYYY-MM-DD), --contact-name, --contact-phone, --contact-email\n"
    "Only counts of children are kept, never identities (UU 27/2022).\n";

static const char help_add[] =
    "Usage: pantau institution add --name N --kind K [--reg-no X] [--FIELD VALUE]...\n"
    "\n"
    "Adds an institution and prints \"added institution ID\". --reg-status defaults to\n"
    "\"registered\" when --reg-no is given, else \"unregistered\".\n"
    "\n";

static const char help_list[] =
    "Usage: pantau institution list [--json]\n"
    "\n"
    "All institutions ordered by id. --json prints {\"items\": [...]}, each item with every\n"
    "field (keys in docs/commands.md).\n";

static const char help_show[] =
    "Usage: pantau institution show ID [--json]\n"
    "\n"
    "Every field of one institution. ID is the numeric id or the registration number.\n";

static const char help_update[] =
    "Usage: pantau institution update ID --FIELD VALUE...\n"
    "\n"
    "Changes the given fields in one transaction and prints \"updated institution ID\".\n"
    "\n";

static const char help_import[] =
    "Usage: pantau institution import FILE.csv\n"
    "\n"
    "Adds the institutions of a CSV file whose header row names fields (reg_no, name, kind,\n"
    "...); a row whose reg_no is stored updates that institution. All rows or none: the first\n"
    "bad row stops the import with FILE:LINE and nothing is written. UTF-8 with or without\n"
    "BOM, ',' or ';' separators. A new institution without reg_status (no column or an empty\n"
    "cell) is \"registered\" when it has a reg_no, else \"unregistered\"; an empty status on a\n"
    "stored institution keeps its status.\n";

static int print_help2(const char *a, const char *b)
{
    fputs(a, stdout);
    fputs(b, stdout);
    return CLI_OK;
}

/* "--kabupaten-kota" -> the field name "kabupaten_kota" (into buf), or NULL if no such field. */
static const char *field_name(const char *opt, char *buf, size_t size)
{
    if (strncmp(opt, "--", 2) != 0) return NULL;
    snprintf(buf, size, "%s", opt + 2);
    for (char *p = buf; *p; p++)
        if (*p == '-') *p = '_';
    for (const char *const *f = pt_institution_fields; *f; f++)
        if (strcmp(*f, buf) == 0) return *f;
    return NULL;
}

/* Parses "--FIELD VALUE" / "--FIELD=VALUE" options into fields (capacity argc, the names
 * pointing into pt_institution_fields, the values into argv) and positionals into pos. */
static int parse_fields(const char *help_for, int argc, char **argv, pt_field *fields,
                        size_t *n_fields, char **pos, int *n_pos, int *help)
{
    *n_fields = 0;
    *n_pos = 0;
    *help = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            *help = 1;
            continue;
        }
        if (a[0] != '-' || a[1] == '\0') {
            pos[(*n_pos)++] = a;
            continue;
        }
        char opt[128], buf[128];
        const char *eq = strchr(a, '=');
        snprintf(opt, sizeof opt, "%.*s", (int)(eq ? (size_t)(eq - a) : strlen(a)), a);
        const char *name = field_name(opt, buf, sizeof buf);
        if (!name) return cli_usage(help_for, "unknown option '%s'", opt);
        const char *value;
        if (eq) {
            value = eq + 1;
        } else {
            if (i + 1 >= argc) return cli_usage(help_for, "option '%s' needs a value", opt);
            value = argv[++i];
        }
        for (size_t k = 0; k < *n_fields; k++)
            if (strcmp(fields[k].name, name) == 0)
                return cli_usage(help_for, "option '%s' given twice", opt);
        fields[*n_fields].name = name;
        fields[*n_fields].value = value;
        (*n_fields)++;
    }
    return CLI_OK;
}

static const char *field_value(const pt_field *fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i].name, name) == 0) return fields[i].value;
    return NULL;
}

static int run_add(const cli_globals *g, int argc, char **argv)
{
    pt_field fields[argc + 1];
    char *pos[argc];
    size_t n_fields;
    int n_pos, help;
    int rc = parse_fields("institution add", argc, argv, fields, &n_fields, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return print_help2(help_add, help_fields);
    if (n_pos) return cli_usage("institution add", "unexpected argument '%s'", pos[0]);
    if (!field_value(fields, n_fields, "name"))
        return cli_usage("institution add", "--name is required");
    if (!field_value(fields, n_fields, "kind"))
        return cli_usage("institution add", "--kind is required");
    /* no --reg-status: the library's default (registered with a --reg-no, else unregistered),
     * the same one `institution import` gets */

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    int64_t id = 0;
    if (pt_institution_add(ctx, fields, n_fields, &id) != PT_OK)
        rc = cli_fail();
    else
        printf("added institution %" PRId64 "\n", id);
    pt_close(ctx);
    return rc;
}

static int run_update(const cli_globals *g, int argc, char **argv)
{
    pt_field fields[argc + 1];
    char *pos[argc];
    size_t n_fields;
    int n_pos, help;
    int rc = parse_fields("institution update", argc, argv, fields, &n_fields, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return print_help2(help_update, help_fields);
    if (n_pos != 1)
        return cli_usage("institution update", n_pos ? "give one institution" : "no institution given");
    if (n_fields == 0) return cli_usage("institution update", "no field to change");

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_institution *inst = NULL;
    if (pt_institution_get(ctx, pos[0], &inst) != PT_OK) {
        rc = cli_fail();
    } else if (pt_institution_update(ctx, inst->id, fields, n_fields) != PT_OK) {
        rc = cli_fail();
    } else {
        printf("updated institution %" PRId64 "\n", inst->id);
    }
    if (inst) pt_institution_free(inst);
    pt_close(ctx);
    return rc;
}

static json_t *int_or_null(int v) { return v < 0 ? json_null() : json_integer(v); }

/* Keys in the order of institution.h's field list, framed by id and the timestamps. */
static json_t *institution_json(const pt_institution *in)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", json_integer(in->id));
    json_object_set_new(o, "reg_no", out_jstr(in->reg_no));
    json_object_set_new(o, "name", out_jstr(in->name));
    json_object_set_new(o, "kind", out_jstr(in->kind));
    json_object_set_new(o, "owner", out_jstr(in->owner));
    json_object_set_new(o, "address", out_jstr(in->address));
    json_object_set_new(o, "kelurahan", out_jstr(in->kelurahan));
    json_object_set_new(o, "kecamatan", out_jstr(in->kecamatan));
    json_object_set_new(o, "kabupaten_kota", out_jstr(in->kabupaten_kota));
    json_object_set_new(o, "province", out_jstr(in->province));
    json_object_set_new(o, "latitude", in->has_coords ? json_real(in->latitude) : json_null());
    json_object_set_new(o, "longitude", in->has_coords ? json_real(in->longitude) : json_null());
    json_object_set_new(o, "capacity", int_or_null(in->capacity));
    json_object_set_new(o, "children_in_care", int_or_null(in->children_in_care));
    json_object_set_new(o, "reg_status", out_jstr(in->reg_status));
    json_object_set_new(o, "reg_date", out_jstr(in->reg_date));
    json_object_set_new(o, "reg_expires", out_jstr(in->reg_expires));
    json_object_set_new(o, "contact_name", out_jstr(in->contact_name));
    json_object_set_new(o, "contact_phone", out_jstr(in->contact_phone));
    json_object_set_new(o, "contact_email", out_jstr(in->contact_email));
    json_object_set_new(o, "created_at", out_jstr(in->created_at));
    json_object_set_new(o, "updated_at", out_jstr(in->updated_at));
    return o;
}

static int list_one(const pt_institution *in, void *payload)
{
    out_list *list = payload;
    if (list->items) return out_list_add_json(list, institution_json(in));
    char id[32], cap[32], kids[32], name[256];
    snprintf(id, sizeof id, "%" PRId64, in->id);
    snprintf(cap, sizeof cap, "%d", in->capacity);
    snprintf(kids, sizeof kids, "%d", in->children_in_care);
    const char *row[] = {id, in->reg_no ? in->reg_no : "-", out_truncate(name, sizeof name, in->name, 40),
                         in->kind, in->kabupaten_kota ? in->kabupaten_kota : "", in->reg_status,
                         in->capacity >= 0 ? cap : "-", in->children_in_care >= 0 ? kids : "-"};
    return out_list_add_row(list, row);
}

static int run_list(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("institution list", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_list);
    if (n_pos) return cli_usage("institution list", "unexpected argument '%s'", pos[0]);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    static const char *const headers[] = {"ID", "REG NO", "NAME", "KIND", "KABUPATEN/KOTA",
                                          "STATUS", "CAPACITY", "CHILDREN"};
    out_list list;
    if ((rc = out_list_open(&list, as_json, 8, headers, "r.....rr")) != CLI_OK) {
        pt_close(ctx);
        return rc;
    }
    int walk = pt_institution_foreach(ctx, list_one, &list);
    pt_close(ctx);
    return out_list_finish(&list, walk);
}

static void line(const char *label, const char *value)
{
    printf("%-18s %s\n", label, value && *value ? value : "-");
}

static void show_readable(const pt_institution *in)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%" PRId64, in->id);
    line("id:", buf);
    line("reg_no:", in->reg_no);
    line("name:", in->name);
    line("kind:", in->kind);
    line("owner:", in->owner);
    line("address:", in->address);
    line("kelurahan:", in->kelurahan);
    line("kecamatan:", in->kecamatan);
    line("kabupaten_kota:", in->kabupaten_kota);
    line("province:", in->province);
    if (in->has_coords) snprintf(buf, sizeof buf, "%.6f, %.6f", in->latitude, in->longitude);
    line("coordinates:", in->has_coords ? buf : NULL);
    snprintf(buf, sizeof buf, "%d", in->capacity);
    line("capacity:", in->capacity >= 0 ? buf : NULL);
    snprintf(buf, sizeof buf, "%d", in->children_in_care);
    line("children_in_care:", in->children_in_care >= 0 ? buf : NULL);
    line("reg_status:", in->reg_status);
    line("reg_date:", in->reg_date);
    line("reg_expires:", in->reg_expires);
    line("contact_name:", in->contact_name);
    line("contact_phone:", in->contact_phone);
    line("contact_email:", in->contact_email);
    line("created_at:", in->created_at);
    line("updated_at:", in->updated_at);
}

static int run_show(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("institution show", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_show);
    if (n_pos != 1)
        return cli_usage("institution show", n_pos ? "give one institution" : "no institution given");

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_institution *in = NULL;
    if (pt_institution_get(ctx, pos[0], &in) != PT_OK) {
        rc = cli_fail();
    } else if (as_json) {
        rc = out_json_print(institution_json(in));
    } else {
        show_readable(in);
    }
    if (in) pt_institution_free(in);
    pt_close(ctx);
    return rc;
}

static int run_import(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    int rc = cli_parse("institution import", argc, argv, NULL, 0, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_import);
    if (n_pos != 1)
        return cli_usage("institution import", n_pos ? "give one CSV file" : "no CSV file given");

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_import_result res = {0};
    if (pt_institution_import_csv(ctx, pos[0], &res) != PT_OK)
        rc = cli_fail();
    else
        printf("imported %s: %d added, %d updated\n", pos[0], res.added, res.updated);
    pt_close(ctx);
    return rc;
}

int cmd_institution(const cli_globals *g, int argc, char **argv)
{
    if (argc < 2) return cli_usage("institution", "no subcommand given");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) return cli_help(help_institution);
    if (strcmp(sub, "add") == 0) return run_add(g, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0) return run_list(g, argc - 1, argv + 1);
    if (strcmp(sub, "show") == 0) return run_show(g, argc - 1, argv + 1);
    if (strcmp(sub, "update") == 0) return run_update(g, argc - 1, argv + 1);
    if (strcmp(sub, "import") == 0) return run_import(g, argc - 1, argv + 1);
    return cli_usage("institution", "unknown subcommand '%s'", sub);
}
