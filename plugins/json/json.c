/*
 * The json export plugin: one JSON document
 *   {"format": "pantau-export", "version": 1, "pantau_version": "...", "visits": [VISIT, ...]}
 * whose keys are documented in docs/commands.md ("Export formats").
 *
 * The document is written as the records arrive: the opening part first, then each visit
 * object (built with jansson, dumped compact on its own line, then freed), then the closing
 * brackets. Memory stays flat however many visits an export covers.
 *
 * Institution contact fields (names, phone numbers, e-mail addresses of people) are left out:
 * an export travels further than the database, and analysis does not need them.
 *
 * The file is written under a temporary name next to its destination and renamed into place
 * when the export succeeds; a failed export leaves no file. It is created readable by its
 * owner only (common/output_file.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "output_file.h"
#include "pantau/plugin.h"

/* Reals with 12 significant digits: 78.5 stays 78.5, not 78.500000000000014. */
#define DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

typedef struct json_state {
    const pt_host *host;
    of_file out;                 /* the temporary file, renamed into place at end(ok) */
    size_t n_written;
} json_state;

/* ---- building a visit object ----
 * Every setter records a failure in *bad instead of returning it, so a builder reads as the
 * list of keys it writes; the caller checks once. jansson refuses text that is not UTF-8:
 * that is a failure too, not a silently missing key. */

static void set(json_t *o, const char *key, json_t *value, int *bad)
{
    if (!o) {
        json_decref(value);
        *bad = 1;
    } else if (!value || json_object_set_new(o, key, value) != 0) {   /* _new takes value */
        *bad = 1;
    }
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *institution_json(const pt_institution *in, int *bad)
{
    json_t *o = json_object();
    set(o, "id", json_integer(in->id), bad);
    set(o, "reg_no", str_or_null(in->reg_no), bad);
    set(o, "name", str_or_null(in->name), bad);
    set(o, "kind", str_or_null(in->kind), bad);
    set(o, "owner", str_or_null(in->owner), bad);
    set(o, "address", str_or_null(in->address), bad);
    set(o, "kelurahan", str_or_null(in->kelurahan), bad);
    set(o, "kecamatan", str_or_null(in->kecamatan), bad);
    set(o, "kabupaten_kota", str_or_null(in->kabupaten_kota), bad);
    set(o, "province", str_or_null(in->province), bad);
    set(o, "latitude", in->has_coords ? json_real(in->latitude) : json_null(), bad);
    set(o, "longitude", in->has_coords ? json_real(in->longitude) : json_null(), bad);
    set(o, "capacity", in->capacity >= 0 ? json_integer(in->capacity) : json_null(), bad);
    set(o, "children_in_care",
        in->children_in_care >= 0 ? json_integer(in->children_in_care) : json_null(), bad);
    set(o, "reg_status", str_or_null(in->reg_status), bad);
    set(o, "reg_date", str_or_null(in->reg_date), bad);
    set(o, "reg_expires", str_or_null(in->reg_expires), bad);
    return o;
}

static json_t *checklist_json(const pt_checklist *c, int *bad)
{
    json_t *o = json_object();
    set(o, "id", str_or_null(c->id), bad);
    set(o, "version", str_or_null(c->version), bad);
    set(o, "title", str_or_null(c->title), bad);
    set(o, "max_total", json_real(c->max_total), bad);
    return o;
}

static json_t *team_json(const pt_visit *v, int *bad)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < v->n_team; i++) {
        json_t *m = json_object();
        set(m, "name", str_or_null(v->team[i].name), bad);
        set(m, "agency", str_or_null(v->team[i].agency), bad);
        set(m, "role", str_or_null(v->team[i].role), bad);
        if (!m || json_array_append_new(a, m) != 0) *bad = 1;
    }
    if (!a) *bad = 1;
    return a;
}

static json_t *answers_json(const pt_host *host, const pt_export_record *r, int *bad)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < r->visit->n_answers; i++) {
        const pt_answer *ans = &r->visit->answers[i];
        const pt_section *section = NULL;
        host->checklist_item(r->checklist, ans->item_id, &section);
        json_t *o = json_object();
        set(o, "item_id", str_or_null(ans->item_id), bad);
        set(o, "section_id", str_or_null(section ? section->id : NULL), bad);
        set(o, "value", ans->na ? json_null() : str_or_null(ans->value), bad);
        set(o, "na", json_boolean(ans->na), bad);
        set(o, "note", str_or_null(ans->note), bad);
        if (!o || json_array_append_new(a, o) != 0) *bad = 1;
    }
    if (!a) *bad = 1;
    return a;
}

static json_t *score_json(const pt_score *s, int *bad)
{
    if (!s) return json_null();
    json_t *o = json_object();
    set(o, "total", json_real(s->total), bad);
    set(o, "max", json_real(s->max), bad);
    set(o, "grade", str_or_null(s->grade), bad);
    set(o, "grade_label", str_or_null(s->grade_label), bad);
    set(o, "valid_until", str_or_null(s->valid_until), bad);
    set(o, "scored_at", str_or_null(s->scored_at), bad);
    json_t *sections = json_array();
    for (size_t i = 0; sections && i < s->n_sections; i++) {
        const pt_section_score *x = &s->sections[i];
        json_t *e = json_object();
        set(e, "section_id", str_or_null(x->section_id), bad);
        set(e, "score", json_real(x->score), bad);
        set(e, "max", json_real(x->max), bad);
        set(e, "justification", str_or_null(x->justification), bad);
        if (!e || json_array_append_new(sections, e) != 0) *bad = 1;
    }
    set(o, "sections", sections, bad);
    json_t *flags = json_array();
    for (size_t i = 0; flags && i < s->n_flags; i++) {
        const pt_flag *x = &s->flags[i];
        json_t *e = json_object();
        set(e, "code", str_or_null(x->code), bad);
        set(e, "severity", str_or_null(x->severity), bad);
        set(e, "agency", str_or_null(x->agency), bad);
        set(e, "item_id", str_or_null(x->item_id), bad);
        set(e, "message", str_or_null(x->message), bad);
        if (!e || json_array_append_new(flags, e) != 0) *bad = 1;
    }
    set(o, "flags", flags, bad);
    return o;
}

/* The hashes that let a reader check the visit was scored against the exact checklist and
 * script texts (the score's own copy of the checklist hash must equal the checklist's). */
static json_t *hashes_json(const pt_export_record *r, int *bad)
{
    json_t *o = json_object();
    set(o, "checklist_sha256", json_string(r->checklist->sha256), bad);
    set(o, "score_checklist_sha256",
        r->score ? json_string(r->score->checklist_sha256) : json_null(), bad);
    set(o, "script_sha256", r->score ? json_string(r->score->script_sha256) : json_null(), bad);
    return o;
}

static json_t *visit_json(const pt_host *host, const pt_export_record *r, int *bad)
{
    const pt_visit *v = r->visit;
    json_t *o = json_object();
    set(o, "id", json_integer(v->id), bad);
    set(o, "date", str_or_null(v->date), bad);
    set(o, "type", str_or_null(v->type), bad);
    set(o, "notes", str_or_null(v->notes), bad);
    set(o, "created_at", str_or_null(v->created_at), bad);
    set(o, "institution", institution_json(r->institution, bad), bad);
    set(o, "checklist", checklist_json(r->checklist, bad), bad);
    set(o, "team", team_json(v, bad), bad);
    set(o, "answers", answers_json(host, r, bad), bad);
    set(o, "score", score_json(r->score, bad), bad);
    set(o, "hashes", hashes_json(r, bad), bad);
    return o;
}

/* ---- the export ops ---- */

static int json_begin(void **state, const pt_host *host, const pt_export_options *options)
{
    *state = NULL;
    if (options->n_params > 0) {
        host->set_error(host->host_data, "option '%s' not understood (json takes no options)",
                        options->param_keys[0]);
        return -1;
    }
    json_state *s = calloc(1, sizeof *s);
    if (!s) {
        host->set_error(host->host_data, "out of memory");
        return -1;
    }
    s->host = host;
    if (of_open(&s->out, host, options->output_path) != 0) {
        free(s);
        return -1;
    }
    json_t *version = json_string(host->pantau_version ? host->pantau_version : "");
    char *version_text = version ? json_dumps(version, JSON_ENCODE_ANY) : NULL;
    json_decref(version);
    errno = 0;
    int failed = !version_text ||
                 fprintf(s->out.f, "{\"format\": \"pantau-export\", \"version\": 1, "
                               "\"pantau_version\": %s, \"visits\": [", version_text) < 0;
    free(version_text);
    if (failed) {
        of_write_failed(&s->out, host);
        of_finish(&s->out, host, 0);
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static int json_record(void *state, const pt_export_record *record)
{
    json_state *s = state;
    int bad = 0;
    json_t *visit = visit_json(s->host, record, &bad);
    if (bad) {
        json_decref(visit);
        s->host->set_error(s->host->host_data,
                           "visit %lld: cannot encode it (out of memory, or text that is not "
                           "UTF-8)", (long long)record->visit->id);
        return -1;
    }
    errno = 0;
    int rc = fputs(s->n_written ? ",\n" : "\n", s->out.f) < 0 ||
             json_dumpf(visit, s->out.f, DUMP_FLAGS) != 0;
    json_decref(visit);
    if (rc) return of_write_failed(&s->out, s->host);
    s->n_written++;
    return 0;
}

static int json_end(void *state, int ok)
{
    json_state *s = state;
    int rc = 0;
    errno = 0;
    if (ok && fputs(s->n_written ? "\n]}\n" : "]}\n", s->out.f) < 0)
        ok = 0, rc = of_write_failed(&s->out, s->host);
    if (of_finish(&s->out, s->host, ok) != 0) rc = -1;
    free(s);
    return rc;
}

static const pt_export_ops json_ops = {
    .size = sizeof(pt_export_ops),
    .file_extension = "json",
    .begin = json_begin,
    .record = json_record,
    .end = json_end,
};

static const pt_plugin_descriptor json_descriptor = {
    .abi_major = PT_PLUGIN_ABI_MAJOR,
    .abi_minor = PT_PLUGIN_ABI_MINOR,
    .size = sizeof(pt_plugin_descriptor),
    .name = "json",
    .version = "1.0.0",
    .description = "JSON: visits with answers, scores and hashes",
    .kind = PT_PLUGIN_KIND_EXPORT,
    .export_ops = &json_ops,
};

PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void)
{
    return &json_descriptor;
}
