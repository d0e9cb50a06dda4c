/*
 * The checklist loader: XML bytes -> an immutable pt_checklist.
 *
 * Three passes, each with its own kind of error:
 *   1. pt__xml_parse (xml_safe.c): well-formed, safe, valid against checklist.xsd;
 *   2. this file builds the model, checking what the schema cannot see (unique ids, contiguous
 *      levels, gates that name a band, min <= max ...; checklists/README.md "Checks at load"),
 *      and stops at the first problem with "FILE:LINE: item ID: reason";
 *   3. the scorer, later, checks that the script exists and compiles.
 * Everything the model points to lives in one arena, freed by pt_checklist_free. The model is
 * never changed after pt_checklist_parse returns, so threads may share it.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "internal.h"
#include "xml_safe.h"

/* The public model plus what only this file needs: the arena that owns everything and the
 * item index. `pub` comes first so a pt_checklist * is a checklist_impl *. */
typedef struct item_slot {
    const pt_item *item;
    const pt_section *section;
} item_slot;

typedef struct checklist_impl {
    pt_checklist pub;
    pt__arena *arena;
    size_t hash_mask;        /* capacity - 1; capacity is a power of two >= 2 * n_items */
    item_slot *hash;         /* open addressing, linear probing */
} checklist_impl;

static const char *const type_names[] = {
    [PT_ITEM_YESNO] = "yesno",   [PT_ITEM_SCALE] = "scale", [PT_ITEM_COUNT] = "count",
    [PT_ITEM_NUMBER] = "number", [PT_ITEM_CHOICE] = "choice", [PT_ITEM_TEXT] = "text",
    [PT_ITEM_DATE] = "date",     [PT_ITEM_EVIDENCE] = "evidence",
};
#define N_TYPES (sizeof type_names / sizeof type_names[0])

const char *pt_item_type_name(pt_item_type type)
{
    return (unsigned)type < N_TYPES ? type_names[type] : NULL;
}

/* ---- the hash of item ids (FNV-1a) ---- */

static size_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

/* The slot holding id, or the empty slot where it would go. */
static item_slot *hash_find(const checklist_impl *cl, const char *id)
{
    for (size_t i = hash_id(id) & cl->hash_mask;; i = (i + 1) & cl->hash_mask) {
        item_slot *slot = &cl->hash[i];
        if (!slot->item || strcmp(slot->item->id, id) == 0) return slot;
    }
}

/* ---- parsing state and error helpers ---- */

typedef struct parser {
    const char *source;
    checklist_impl *cl;
    pt__arena *arena;
    int oom;
} parser;

static int oom(const parser *p) { return pt__error(PT_ENOMEM, "%s: out of memory", p->source); }

static int line_of(xmlNodePtr node) { return node ? (int)xmlGetLineNo(node) : 1; }

/* "FILE:LINE: <what> <id>: reason", what being "item", "section", "band", "param" or NULL. */
__attribute__((format(printf, 5, 6)))
static int fail(const parser *p, xmlNodePtr node, const char *what, const char *id,
                const char *fmt, ...)
{
    char reason[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (what)
        return pt__error(PT_EINVALID, "%s:%d: %s %s: %s", p->source, line_of(node), what,
                         id ? id : "?", reason);
    return pt__error(PT_EINVALID, "%s:%d: %s", p->source, line_of(node), reason);
}

static void *alloc(parser *p, size_t n)
{
    void *mem = pt__arena_alloc(p->arena, n ? n : 1);
    if (!mem) p->oom = 1;
    return mem;
}

/* Copies s without leading and trailing white space into the arena. */
static const char *dup_trimmed(parser *p, const char *s)
{
    if (!s) return NULL;
    const char *end = s + strlen(s);
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
        end--;
    char *out = pt__arena_strndup(p->arena, s, (size_t)(end - s));
    if (!out) p->oom = 1;
    return out;
}

static int is_element(xmlNodePtr node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && xmlStrcmp(node->name, (const xmlChar *)name) == 0;
}

/* The first element child named name, or NULL. */
static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
        if (is_element(c, name)) return c;
    return NULL;
}

static size_t count_children(xmlNodePtr parent, const char *name)
{
    size_t n = 0;
    for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
        if (is_element(c, name)) n++;
    return n;
}

/* An element's text, trimmed; NULL when the element is absent. */
static const char *text_of(parser *p, xmlNodePtr node)
{
    if (!node) return NULL;
    xmlChar *content = xmlNodeGetContent(node);
    if (!content) {
        p->oom = 1;
        return NULL;
    }
    const char *out = dup_trimmed(p, (const char *)content);
    xmlFree(content);
    return out;
}

/* An attribute, trimmed; NULL when absent. */
static const char *attr(parser *p, xmlNodePtr node, const char *name)
{
    char *value = pt__xml_attr(node, name);
    if (!value) return NULL;
    const char *out = dup_trimmed(p, value);
    xmlFree(value);
    return out;
}

/* Strict: the whole (trimmed) attribute must be a finite number. The schema has already
 * checked xs:decimal; this is the second lock, and the one that yields a double. */
static int parse_number(const char *s, double *out)
{
    if (!s || !*s) return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

/* Reads an optional numeric attribute: 0 absent, 1 present (*out set), or a pt error. */
static int number_attr(parser *p, xmlNodePtr node, const char *name, const char *what,
                       const char *id, double *out)
{
    const char *s = attr(p, node, name);
    if (!s) return p->oom ? oom(p) : 0;
    if (parse_number(s, out) != 0)
        return fail(p, node, what, id, "%s '%s' is not a finite number", name, s);
    return 1;
}

static int is_true(const char *s) { return s && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0); }

/* ---- grading ---- */

static int cmp_band_desc(const void *a, const void *b)
{
    const pt_band *x = a, *y = b;
    return (x->min < y->min) - (x->min > y->min);
}

static int parse_grading(parser *p, xmlNodePtr grading)
{
    pt_checklist *c = &p->cl->pub;
    int rc = number_attr(p, grading, "max", NULL, NULL, &c->max_total);
    if (rc < 0) return rc;
    if (!(c->max_total > 0)) return fail(p, grading, NULL, NULL, "grading max must be > 0");
    c->bands_are_default = is_true(attr(p, grading, "default"));
    c->fail_label = attr(p, grading, "fail-label");

    size_t n = count_children(grading, "band");
    pt_band *bands = alloc(p, n * sizeof *bands);
    if (!bands) return oom(p);
    size_t i = 0;
    for (xmlNodePtr b = grading->children; b; b = b->next) {
        if (!is_element(b, "band")) continue;
        pt_band *band = &bands[i];
        band->grade = attr(p, b, "grade");
        band->label = attr(p, b, "label");
        if (p->oom) return oom(p);
        if (strcmp(band->grade, "none") == 0)
            return fail(p, b, "band", band->grade,
                        "'none' is reserved for gates that allow no grade");
        for (size_t j = 0; j < i; j++)
            if (strcmp(bands[j].grade, band->grade) == 0)
                return fail(p, b, "band", band->grade, "duplicate grade");
        if ((rc = number_attr(p, b, "min", "band", band->grade, &band->min)) < 0) return rc;
        if (band->min < 0 || band->min > c->max_total)
            return fail(p, b, "band", band->grade, "min %g is outside 0..%g (the grading max)",
                        band->min, c->max_total);
        for (size_t j = 0; j < i; j++)
            if (bands[j].min == band->min)
                return fail(p, b, "band", band->grade, "same min %g as band %s", band->min,
                            bands[j].grade);
        const char *years = attr(p, b, "validity-years");
        band->validity_years = years ? atoi(years) : 0; /* xs:nonNegativeInteger <= 100 */
        i++;
    }
    /* Highest first: the grade of a total is the first band whose min it reaches. */
    qsort(bands, n, sizeof *bands, cmp_band_desc);
    c->bands = bands;
    c->n_bands = n;
    return p->oom ? oom(p) : PT_OK;
}

static const pt_band *find_band(const pt_checklist *c, const char *grade)
{
    for (size_t i = 0; i < c->n_bands; i++)
        if (strcmp(c->bands[i].grade, grade) == 0) return &c->bands[i];
    return NULL;
}

/* ---- params ---- */

static int parse_params(parser *p, xmlNodePtr params)
{
    pt_checklist *c = &p->cl->pub;
    size_t n = count_children(params, "param");
    pt_param *out = alloc(p, n * sizeof *out);
    if (!out) return oom(p);
    size_t i = 0;
    for (xmlNodePtr node = params->children; node; node = node->next) {
        if (!is_element(node, "param")) continue;
        pt_param *param = &out[i];
        param->id = attr(p, node, "id");
        param->unit = attr(p, node, "unit");
        param->label = text_of(p, node);
        param->is_default = is_true(attr(p, node, "default"));
        if (p->oom) return oom(p);
        for (size_t j = 0; j < i; j++)
            if (strcmp(out[j].id, param->id) == 0)
                return fail(p, node, "param", param->id, "duplicate param id");
        int rc = number_attr(p, node, "value", "param", param->id, &param->value);
        if (rc < 0) return rc;
        i++;
    }
    c->params = out;
    c->n_params = n;
    return PT_OK;
}

/* ---- items ---- */

static int parse_type(const char *s, pt_item_type *out)
{
    for (size_t i = 0; i < N_TYPES; i++)
        if (strcmp(type_names[i], s) == 0) {
            *out = (pt_item_type)i;
            return 0;
        }
    return -1;
}

static int parse_levels(parser *p, pt_item *item, xmlNodePtr levels)
{
    size_t n = count_children(levels, "level");
    pt_level *out = alloc(p, n * sizeof *out);
    if (!out) return oom(p);
    size_t i = 0;
    for (xmlNodePtr node = levels->children; node; node = node->next) {
        if (!is_element(node, "level")) continue;
        const char *value = attr(p, node, "value");
        out[i].description = text_of(p, node);
        if (p->oom) return oom(p);
        out[i].value = atoi(value); /* xs:positiveInteger <= 100 */
        if (out[i].value != (int)i + 1)
            return fail(p, node, "item", item->id,
                        "levels must run 1, 2, 3 ... in order without gaps: expected level %zu, "
                        "found %d", i + 1, out[i].value);
        if (!*out[i].description)
            return fail(p, node, "item", item->id, "level %d has no description", out[i].value);
        i++;
    }
    if (n < 2) return fail(p, levels, "item", item->id, "a scale needs at least 2 levels");
    item->levels = out;
    item->n_levels = n;
    return PT_OK;
}

static int parse_choices(parser *p, pt_item *item, xmlNodePtr choices)
{
    size_t n = count_children(choices, "choice");
    pt_choice *out = alloc(p, n * sizeof *out);
    if (!out) return oom(p);
    size_t i = 0;
    for (xmlNodePtr node = choices->children; node; node = node->next) {
        if (!is_element(node, "choice")) continue;
        pt_choice *choice = &out[i];
        choice->value = attr(p, node, "value");
        choice->label = text_of(p, node);
        if (p->oom) return oom(p);
        for (size_t j = 0; j < i; j++)
            if (strcmp(out[j].value, choice->value) == 0)
                return fail(p, node, "item", item->id, "choice '%s' appears twice", choice->value);
        int rc = number_attr(p, node, "score", "item", item->id, &choice->score);
        if (rc < 0) return rc;
        if (choice->score < 0 || choice->score > 1)
            return fail(p, node, "item", item->id, "choice '%s': score %g is outside [0, 1]",
                        choice->value, choice->score);
        i++;
    }
    if (n < 2) return fail(p, choices, "item", item->id, "a choice item needs at least 2 choices");
    item->choices = out;
    item->n_choices = n;
    return PT_OK;
}

static int parse_gate(parser *p, pt_item *item, xmlNodePtr node)
{
    const pt_checklist *c = &p->cl->pub;
    if (item->type != PT_ITEM_YESNO && item->type != PT_ITEM_SCALE && item->type != PT_ITEM_CHOICE)
        return fail(p, node, "item", item->id,
                    "a gate applies only to yesno, scale and choice items, not %s",
                    pt_item_type_name(item->type));
    if (item->type == PT_ITEM_SCALE && item->pass_level == 0)
        return fail(p, node, "item", item->id,
                    "a gate on a scale item needs pass-level (the lowest passing level)");
    pt_gate *gate = alloc(p, sizeof *gate);
    if (!gate) return oom(p);
    gate->cap = attr(p, node, "cap");
    gate->severity = attr(p, node, "severity");
    gate->agency = attr(p, node, "agency");
    gate->message = text_of(p, node);
    if (p->oom) return oom(p);
    if (strcmp(gate->cap, "none") != 0 && !find_band(c, gate->cap)) {
        char grades[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < c->n_bands && used < sizeof grades; i++)
            used += (size_t)snprintf(grades + used, sizeof grades - used, "%s%s", i ? ", " : "",
                                     c->bands[i].grade);
        return fail(p, node, "item", item->id,
                    "gate cap '%s' is not a band grade (%s) nor 'none'", gate->cap, grades);
    }
    if (!*gate->agency) return fail(p, node, "item", item->id, "gate agency is empty");
    if (!*gate->message) return fail(p, node, "item", item->id, "gate has no message");
    item->gate = gate;
    return PT_OK;
}

/* Item types whose answers the scoring scripts weigh, so a weight is required. */
static int needs_weight(pt_item_type t)
{
    return t == PT_ITEM_YESNO || t == PT_ITEM_SCALE || t == PT_ITEM_CHOICE;
}

static int parse_item(parser *p, pt_item *item, xmlNodePtr node)
{
    item->line = line_of(node);
    item->id = attr(p, node, "id");
    const char *type = attr(p, node, "type");
    if (p->oom) return oom(p);
    if (parse_type(type, &item->type) != 0) /* the schema's enumeration makes this unreachable */
        return fail(p, node, "item", item->id, "unknown type '%s'", type);
    const char *tname = type_names[item->type];
    int rc;

    double weight = 0;
    if ((rc = number_attr(p, node, "weight", "item", item->id, &weight)) < 0) return rc;
    if (needs_weight(item->type) && !(weight > 0))
        return fail(p, node, "item", item->id, "weight must be > 0 for a %s item (it is scored)%s",
                    tname, rc == 0 ? ": add weight=\"...\"" : "");
    if (weight < 0) return fail(p, node, "item", item->id, "weight must not be negative");
    item->weight = weight;

    const char *na = attr(p, node, "na");
    item->na_allowed = na && strcmp(na, "allowed") == 0;
    item->evidence = attr(p, node, "evidence");
    item->unit = attr(p, node, "unit");
    item->text = text_of(p, child(node, "text"));
    item->guidance = text_of(p, child(node, "guidance"));
    item->legal_basis = text_of(p, child(node, "legal-basis"));
    const char *expect = attr(p, node, "expect");
    const char *pass_level = attr(p, node, "pass-level");
    if (p->oom) return oom(p);
    if (!item->text || !*item->text) return fail(p, node, "item", item->id, "text is empty");

    if (expect && item->type != PT_ITEM_YESNO)
        return fail(p, node, "item", item->id, "expect applies only to yesno items, not %s", tname);
    if (item->type == PT_ITEM_YESNO) item->expect = expect ? expect : "ya";

    int is_measure = item->type == PT_ITEM_NUMBER || item->type == PT_ITEM_COUNT;
    if (item->unit && !is_measure)
        return fail(p, node, "item", item->id, "unit applies only to number and count items");
    if ((rc = number_attr(p, node, "min", "item", item->id, &item->min)) < 0) return rc;
    item->has_min = rc;
    if ((rc = number_attr(p, node, "max", "item", item->id, &item->max)) < 0) return rc;
    item->has_max = rc;
    if ((item->has_min || item->has_max) && !is_measure)
        return fail(p, node, "item", item->id, "min and max apply only to number and count items");
    if (item->has_min && item->has_max && item->min > item->max)
        return fail(p, node, "item", item->id, "min %g is greater than max %g", item->min, item->max);
    if (item->type == PT_ITEM_COUNT &&
        ((item->has_min && (item->min < 0 || item->min != floor(item->min))) ||
         (item->has_max && (item->max < 0 || item->max != floor(item->max)))))
        return fail(p, node, "item", item->id, "a count's min and max must be whole numbers >= 0");

    xmlNodePtr levels = child(node, "levels");
    if (item->type == PT_ITEM_SCALE) {
        if (!levels) return fail(p, node, "item", item->id, "a scale item needs <levels>");
        if ((rc = parse_levels(p, item, levels)) < 0) return rc;
    } else if (levels) {
        return fail(p, levels, "item", item->id, "levels apply only to scale items, not %s", tname);
    }
    if (pass_level) {
        if (item->type != PT_ITEM_SCALE)
            return fail(p, node, "item", item->id, "pass-level applies only to scale items");
        item->pass_level = atoi(pass_level); /* xs:positiveInteger <= 100 */
        if ((size_t)item->pass_level > item->n_levels)
            return fail(p, node, "item", item->id, "pass-level %d is not one of the levels 1..%zu",
                        item->pass_level, item->n_levels);
    }

    xmlNodePtr choices = child(node, "choices");
    if (item->type == PT_ITEM_CHOICE) {
        if (!choices) return fail(p, node, "item", item->id, "a choice item needs <choices>");
        if ((rc = parse_choices(p, item, choices)) < 0) return rc;
    } else if (choices) {
        return fail(p, choices, "item", item->id, "choices apply only to choice items, not %s", tname);
    }

    xmlNodePtr gate = child(node, "gate");
    if (gate && (rc = parse_gate(p, item, gate)) < 0) return rc;
    return PT_OK;
}

/* ---- sections ---- */

static int parse_section(parser *p, pt_section *section, xmlNodePtr node)
{
    checklist_impl *cl = p->cl;
    section->line = line_of(node);
    section->id = attr(p, node, "id");
    section->title = text_of(p, child(node, "title"));
    if (p->oom) return oom(p);
    const pt_section *sections = cl->pub.sections;
    for (const pt_section *s = sections; s < section; s++)
        if (strcmp(s->id, section->id) == 0)
            return fail(p, node, "section", section->id, "duplicate section id (first at line %d)",
                        s->line);
    int rc = number_attr(p, node, "weight", "section", section->id, &section->weight);
    if (rc < 0) return rc;
    if (!(section->weight > 0)) return fail(p, node, "section", section->id, "weight must be > 0");
    if (!*section->title) return fail(p, node, "section", section->id, "title is empty");

    size_t n = count_children(node, "item");
    pt_item *items = alloc(p, n * sizeof *items);
    if (!items) return oom(p);
    section->items = items;
    size_t i = 0;
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (!is_element(c, "item")) continue;
        pt_item *item = &items[i];
        if ((rc = parse_item(p, item, c)) < 0) return rc;
        item_slot *slot = hash_find(cl, item->id);
        if (slot->item)
            return fail(p, c, "item", item->id, "duplicate item id (first at line %d)",
                        slot->item->line);
        slot->item = item;
        slot->section = section;
        section->n_items = ++i;
        cl->pub.n_items++;
    }
    return PT_OK;
}

/* ---- the document ---- */

static int build(parser *p, xmlDocPtr doc)
{
    checklist_impl *cl = p->cl;
    pt_checklist *c = &cl->pub;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    c->id = attr(p, root, "id");
    c->version = attr(p, root, "version");
    c->script = attr(p, root, "script");
    c->title = text_of(p, child(root, "title"));
    c->description = text_of(p, child(root, "description"));
    c->legal_basis = text_of(p, child(root, "legal-basis"));
    if (p->oom) return oom(p);
    if (!c->title || !*c->title) return fail(p, root, NULL, NULL, "checklist %s: title is empty", c->id);

    int rc = parse_grading(p, child(root, "grading"));
    if (rc < 0) return rc;
    xmlNodePtr params = child(root, "params");
    if (params && (rc = parse_params(p, params)) < 0) return rc;

    /* Size the item index before filling it: twice the items, a power of two, so probes
     * stay short and hash_find always meets an empty slot. */
    size_t total = 0;
    for (xmlNodePtr s = root->children; s; s = s->next)
        if (is_element(s, "section")) total += count_children(s, "item");
    size_t cap = 8;
    while (cap < 2 * total) cap *= 2;
    cl->hash = alloc(p, cap * sizeof *cl->hash);
    if (!cl->hash) return oom(p);
    cl->hash_mask = cap - 1;

    size_t n = count_children(root, "section");
    pt_section *sections = alloc(p, n * sizeof *sections);
    if (!sections) return oom(p);
    c->sections = sections;
    size_t i = 0;
    for (xmlNodePtr s = root->children; s; s = s->next) {
        if (!is_element(s, "section")) continue;
        if ((rc = parse_section(p, &sections[i], s)) < 0) return rc;
        c->n_sections = ++i;
    }
    return PT_OK;
}

int pt_checklist_parse(pt_checklist **out, const char *source, const char *xml, size_t len)
{
    *out = NULL;
    if (!source) source = "<memory>";
    /* Refused before a byte is read: the caller may hand us anything. */
    if (len > PT_CHECKLIST_MAX_BYTES)
        return pt__error(PT_ELIMIT, "%s: checklist too large (%zu bytes, limit %u)", source, len,
                         PT_CHECKLIST_MAX_BYTES);

    xmlDocPtr doc = NULL;
    int rc = pt__xml_parse(&doc, source, xml, len, PT__SCHEMA_CHECKLIST);
    if (rc != PT_OK) return rc;

    pt__arena *arena = pt__arena_new();
    checklist_impl *cl = arena ? pt__arena_alloc(arena, sizeof *cl) : NULL;
    char *copy = cl ? pt__arena_alloc(arena, len + 1) : NULL;
    if (!copy) {
        pt__arena_free(arena);
        xmlFreeDoc(doc);
        return pt__error(PT_ENOMEM, "%s: out of memory", source);
    }
    cl->arena = arena;
    memcpy(copy, xml, len);
    copy[len] = '\0';
    cl->pub.xml = copy;
    cl->pub.xml_len = len;
    pt__sha256_hex(xml, len, cl->pub.sha256);

    parser p = {.source = source, .cl = cl, .arena = arena};
    cl->pub.source = pt__arena_strdup(arena, source);
    rc = cl->pub.source ? build(&p, doc) : oom(&p);
    xmlFreeDoc(doc);
    if (rc != PT_OK) {
        pt__arena_free(arena);
        return rc;
    }
    *out = &cl->pub;
    return PT_OK;
}

int pt_checklist_load_file(pt_checklist **out, const char *path)
{
    *out = NULL;
    char *bytes = NULL;
    size_t len = 0;
    int rc = pt__read_file(path, PT_CHECKLIST_MAX_BYTES, &bytes, &len);
    if (rc != PT_OK) {
        /* checklist.h promises PT_EIO for files that cannot be read, missing ones included. */
        if (rc == PT_ENOTFOUND) {
            char message[1024];
            snprintf(message, sizeof message, "%s", pt_error_last());
            return pt__error(PT_EIO, "%s", message);
        }
        return rc;
    }
    rc = pt_checklist_parse(out, path, bytes, len);
    free(bytes);
    return rc;
}

void pt_checklist_free(pt_checklist *checklist)
{
    if (!checklist) return;
    /* The struct lives in its own arena: read the arena before freeing it. */
    pt__arena_free(((checklist_impl *)checklist)->arena);
}

const pt_item *pt_checklist_item(const pt_checklist *checklist, const char *item_id,
                                 const pt_section **section)
{
    if (section) *section = NULL;
    if (!checklist || !item_id) return NULL;
    const checklist_impl *cl = (const checklist_impl *)checklist;
    const item_slot *slot = hash_find(cl, item_id);
    if (!slot->item) return NULL;
    if (section) *section = slot->section;
    return slot->item;
}

const pt_band *pt_checklist_band(const pt_checklist *checklist, const char *grade)
{
    if (!checklist || !grade) return NULL;
    return find_band(checklist, grade);
}
