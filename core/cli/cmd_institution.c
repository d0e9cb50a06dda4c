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
    "  show ID [--today D] [--json]                           its status and story\n"
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
    "Usage: pantau institution show ID [--today YYYY-MM-DD] [--json]\n"
    "\n"
    "The whole story of a home: every field of the institution, its status as of today\n"
    "(registration and its validity, the accreditation in force, the highest sanction step,\n"
    "open and overdue findings), and its timeline year by year (visits, decisions, findings,\n"
    "corrective plans, sanctions, registration changes). ID is the numeric id or the\n"
    "registration number. --today computes the status for another day (default: today, UTC).\n"
    "--json prints the institution's fields, then \"status\" and \"timeline\" (keys in\n"
    "docs/commands.md).\n";

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

/* ---- the status and the story (institution_story.c) ---- */

static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }
static json_t *id_or_null(int64_t id) { return id > 0 ? json_integer(id) : json_null(); }

static json_t *decision_json(const pt_institution_status *st)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "decision_id", json_integer(st->accreditation_decision_id));
    json_object_set_new(o, "grade", json_string(st->accreditation_grade));
    json_object_set_new(o, "label", json_string(st->accreditation_label));
    json_object_set_new(o, "valid_from", str_or_null(st->accreditation_valid_from));
    json_object_set_new(o, "valid_until", str_or_null(st->accreditation_valid_until));
    json_object_set_new(o, "days_left", st->accreditation_valid_until[0]
                                            ? json_integer(st->accreditation_days_left)
                                            : json_null());
    json_object_set_new(o, "decided_at", str_or_null(st->accreditation_decided_at));
    return o;
}

static json_t *status_json(const pt_institution_status *st)
{
    json_t *o = json_object(), *reg = json_object(), *findings = json_object();
    if (!o || !reg || !findings) {
        json_decref(o);
        json_decref(reg);
        json_decref(findings);
        return NULL;
    }
    json_object_set_new(o, "today", json_string(st->today));
    json_object_set_new(reg, "reg_status", json_string(st->reg_status));
    json_object_set_new(reg, "label", json_string(pt_institution_reg_status_label(st->reg_status)));
    json_object_set_new(reg, "reg_date", str_or_null(st->reg_date));
    json_object_set_new(reg, "reg_expires", str_or_null(st->reg_expires));
    json_object_set_new(reg, "validity", json_string(st->reg_validity));
    json_object_set_new(reg, "days_left",
                        st->reg_expires[0] ? json_integer(st->reg_days_left) : json_null());
    json_object_set_new(o, "registration", reg);
    json_object_set_new(o, "accreditation", st->accredited ? decision_json(st) : json_null());
    json_object_set_new(o, "last_accreditation",
                        st->has_last_decision && !st->accredited ? decision_json(st) : json_null());
    if (st->sanction_step > 0) {
        json_t *sa = json_object();
        if (!sa) {
            json_decref(o);
            json_decref(findings);
            return NULL;
        }
        json_object_set_new(sa, "step", json_integer(st->sanction_step));
        json_object_set_new(sa, "level", json_string(st->sanction_level));
        json_object_set_new(sa, "label", json_string(st->sanction_label));
        json_object_set_new(sa, "agency", json_string(st->sanction_agency));
        json_object_set_new(sa, "issued_at", json_string(st->sanction_issued_at));
        json_object_set_new(sa, "sanction_id", json_integer(st->sanction_id));
        json_object_set_new(o, "sanction", sa);
    } else {
        json_object_set_new(o, "sanction", json_null());
    }
    json_object_set_new(findings, "open", json_integer(st->findings_open));
    json_object_set_new(findings, "overdue", json_integer(st->findings_overdue));
    json_object_set_new(o, "findings", findings);
    return o;
}

static int timeline_json(const pt_story_entry *e, void *payload)
{
    json_t *o = json_object();
    if (!o) return PT_ENOMEM;
    json_object_set_new(o, "date", json_string(e->date));
    json_object_set_new(o, "at", json_string(e->at));
    json_object_set_new(o, "kind", json_string(e->kind));
    json_object_set_new(o, "text", json_string(e->text));
    json_object_set_new(o, "id", json_integer(e->id));
    json_object_set_new(o, "visit_id", id_or_null(e->visit_id));
    json_object_set_new(o, "decision_id", id_or_null(e->decision_id));
    json_object_set_new(o, "finding_id", id_or_null(e->finding_id));
    return json_array_append_new(payload, o) == 0 ? 0 : PT_ENOMEM;
}

static void status_readable(const pt_institution_status *st, const pt_institution *in)
{
    char buf[512], extra[160] = "";
    printf("\nStatus per %s\n", st->today);

    if (strcmp(st->reg_validity, "expiring") == 0)
        snprintf(extra, sizeof extra, ": segera berakhir, %d hari lagi", st->reg_days_left);
    else if (strcmp(st->reg_validity, "expired") == 0)
        snprintf(extra, sizeof extra, ": kedaluwarsa");
    else if (strcmp(st->reg_validity, "valid") == 0)
        snprintf(extra, sizeof extra, ": berlaku");
    snprintf(buf, sizeof buf, "%s%s%s%s%s%s", pt_institution_reg_status_label(st->reg_status),
             in->reg_no ? ", nomor " : "", in->reg_no ? in->reg_no : "",
             st->reg_expires[0] ? ", berlaku s.d. " : "", st->reg_expires, extra);
    printf("  %-12s %s\n", "Registrasi:", buf);

    if (st->accredited)
        snprintf(buf, sizeof buf, "%s (%s), berlaku s.d. %s (keputusan %" PRId64 ")",
                 st->accreditation_grade, st->accreditation_label, st->accreditation_valid_until,
                 st->accreditation_decision_id);
    else if (st->has_last_decision && st->accreditation_valid_until[0] &&
             strcmp(st->accreditation_grade, "TT") != 0)
        snprintf(buf, sizeof buf, "tidak berlaku: %s (%s) berakhir %s (keputusan %" PRId64 ")",
                 st->accreditation_grade, st->accreditation_label, st->accreditation_valid_until,
                 st->accreditation_decision_id);
    else if (st->has_last_decision)
        snprintf(buf, sizeof buf, "tidak terakreditasi: %s (%s) (keputusan %" PRId64 ")",
                 st->accreditation_grade, st->accreditation_label, st->accreditation_decision_id);
    else
        snprintf(buf, sizeof buf, "belum ada keputusan akreditasi");
    printf("  %-12s %s\n", "Akreditasi:", buf);

    if (st->sanction_step > 0)
        snprintf(buf, sizeof buf, "tahap %d, %s (%s, %.10s)", st->sanction_step, st->sanction_label,
                 st->sanction_agency, st->sanction_issued_at);
    else
        snprintf(buf, sizeof buf, "tidak ada");
    printf("  %-12s %s\n", "Sanksi:", buf);

    printf("  %-12s %d terbuka, %d lewat batas waktu\n", "Temuan:", st->findings_open,
           st->findings_overdue);
}

typedef struct story_print {
    char year[5];
    int n;
} story_print;

static int timeline_line(const pt_story_entry *e, void *payload)
{
    story_print *p = payload;
    if (p->n++ == 0) printf("\nRiwayat\n");
    if (strncmp(p->year, e->date, 4) != 0) {
        snprintf(p->year, sizeof p->year, "%.4s", e->date);
        printf("%s\n", p->year);
    }
    char prefix[32];
    snprintf(prefix, sizeof prefix, "  %.10s  ", e->date);
    out_wrapped(stdout, prefix, 14, e->text, 100);
    return 0;
}

static int run_show(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const char *today = NULL;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}, {"--today", 1, &today, NULL}};
    int rc = cli_parse("institution show", argc, argv, opts, 2, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_show);
    if (n_pos != 1)
        return cli_usage("institution show", n_pos ? "give one institution" : "no institution given");

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_institution *in = NULL;
    pt_institution_status st;
    if (pt_institution_get(ctx, pos[0], &in) != PT_OK ||
        pt_institution_status_get(ctx, in->id, today, &st) != PT_OK) {
        rc = cli_fail();
    } else if (as_json) {
        /* the institution's own keys first, as before; status and timeline added after them */
        json_t *doc = institution_json(in), *timeline = json_array();
        int walk = doc && timeline ? pt_institution_story_foreach(ctx, in->id, timeline_json, timeline)
                                   : PT_ENOMEM;
        if (walk != PT_OK) {
            json_decref(doc);
            json_decref(timeline);
            rc = walk == PT_ENOMEM && !*pt_error_last() ? cli_failf("out of memory") : cli_fail();
        } else {
            json_object_set_new(doc, "status", status_json(&st));
            json_object_set_new(doc, "timeline", timeline);
            rc = out_json_print(doc);
        }
    } else {
        show_readable(in);
        status_readable(&st, in);
        story_print p = {.year = ""};
        if (pt_institution_story_foreach(ctx, in->id, timeline_line, &p) != PT_OK) rc = cli_fail();
        else if (p.n == 0) printf("\nRiwayat\n  (belum ada)\n");
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
