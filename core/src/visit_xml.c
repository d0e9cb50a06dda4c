/* XML visit files (checklists/README.md, "Visit files"): <visits><visit ...><team><member/>
 * </team><notes/><answer/></visit></visits>. The hardened parser and the schema
 * (checklists/visit.xsd) have already refused anything malformed when we walk the tree, so this
 * file only maps elements to raw visits. The document is parsed once and walked twice (check,
 * then write); strings point into it where they can, to spare a copy per answer. */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "visit_parse.h"
#include "xml_safe.h"

struct pt__visit_xml {
    xmlDocPtr doc;
    xmlNodePtr next;    /* the next <visit> to read */
};

static int is_element(xmlNodePtr node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0;
}

static xmlNodePtr first_visit_from(xmlNodePtr node)
{
    for (; node; node = node->next)
        if (is_element(node, "visit")) return node;
    return NULL;
}

int pt__visit_xml_open(pt__visit_xml **out, const char *source, const char *buf, size_t len)
{
    *out = NULL;
    pt__visit_xml *r = calloc(1, sizeof *r);
    if (!r) return pt__error(PT_ENOMEM, "%s: out of memory", source);
    int rc = pt__xml_parse(&r->doc, source, buf, len, PT__SCHEMA_VISIT);
    if (rc != 0) {
        free(r);
        return rc;
    }
    pt__visit_xml_rewind(r);
    *out = r;
    return PT_OK;
}

void pt__visit_xml_close(pt__visit_xml *r)
{
    if (!r) return;
    xmlFreeDoc(r->doc);
    free(r);
}

void pt__visit_xml_rewind(pt__visit_xml *r)
{
    xmlNodePtr root = xmlDocGetRootElement(r->doc);
    r->next = root ? first_visit_from(root->children) : NULL;
}

/* Trims spaces and line breaks at both ends; copies into arena only when it must. */
static const char *trimmed(pt__arena *arena, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    size_t n = strlen(s);
    size_t m = n;
    while (m > 0 && (s[m - 1] == ' ' || s[m - 1] == '\t' || s[m - 1] == '\n' || s[m - 1] == '\r'))
        m--;
    return m == n ? s : pt__arena_strndup(arena, s, m);
}

/* Text of a node list: a pointer into the document when it is one text node (the usual case),
 * else a copy in arena. *ok is cleared on OOM. NULL-safe: no children gives "". */
static const char *text_of(pt__arena *arena, xmlNodePtr children, int *ok)
{
    if (!children) return "";
    if (!children->next && (children->type == XML_TEXT_NODE ||
                            children->type == XML_CDATA_SECTION_NODE) && children->content)
        return (const char *)children->content;
    xmlChar *s = xmlNodeListGetString(children->doc, children, 1);
    const char *copy = pt__arena_strdup(arena, s ? (const char *)s : "");
    xmlFree(s);
    if (!copy) *ok = 0;
    return copy ? copy : "";
}

/* An attribute's trimmed value, or NULL when absent. */
static const char *attr(pt__arena *arena, xmlNodePtr node, const char *name, int *ok)
{
    xmlAttrPtr a = xmlHasProp(node, (const xmlChar *)name);
    if (!a || a->type != XML_ATTRIBUTE_NODE) return NULL;
    const char *s = trimmed(arena, text_of(arena, a->children, ok));
    if (!s) *ok = 0;
    return s;
}

/* An optional visit field: absent or blank means "not given", so defaults apply. */
static const char *field(pt__arena *arena, xmlNodePtr node, const char *name, int *ok)
{
    const char *s = attr(arena, node, name, ok);
    return s && *s ? s : NULL;
}

int pt__visit_xml_next(pt__visit_xml *r, pt__arena *arena, pt__raw_visit *v)
{
    memset(v, 0, sizeof *v);
    xmlNodePtr node = r->next;
    if (!node) return 0;
    r->next = first_visit_from(node->next);

    int ok = 1;
    int line = (int)xmlGetLineNo(node);
    v->line = v->institution_line = v->checklist_line = v->date_line = v->type_line = line;
    v->institution = field(arena, node, "institution", &ok);
    v->checklist = field(arena, node, "checklist", &ok);
    v->date = field(arena, node, "date", &ok);
    v->type = field(arena, node, "type", &ok);

    for (xmlNodePtr c = node->children; c && ok; c = c->next) {
        if (is_element(c, "team")) {
            for (xmlNodePtr m = c->children; m && ok; m = m->next) {
                if (!is_element(m, "member")) continue;
                pt__raw_member *mem = pt__raw_visit_add_member(arena, v);
                if (!mem) { ok = 0; break; }
                mem->line = (int)xmlGetLineNo(m);
                mem->name = attr(arena, m, "name", &ok);
                mem->agency = attr(arena, m, "agency", &ok);
                mem->role = field(arena, m, "role", &ok);
            }
        } else if (is_element(c, "notes")) {
            const char *s = trimmed(arena, text_of(arena, c->children, &ok));
            if (!s) ok = 0;
            v->notes = s && *s ? s : NULL;
        } else if (is_element(c, "answer")) {
            pt__raw_answer *a = pt__raw_visit_add_answer(arena, v);
            if (!a) { ok = 0; break; }
            a->line = (int)xmlGetLineNo(c);
            a->item_id = attr(arena, c, "item", &ok);
            if (!a->item_id) a->item_id = "";
            a->value = attr(arena, c, "value", &ok);
            if (!a->value) a->value = "";
            const char *na = attr(arena, c, "na", &ok);
            a->na = na && (strcmp(na, "true") == 0 || strcmp(na, "1") == 0);
            const char *note = trimmed(arena, text_of(arena, c->children, &ok));
            if (!note) ok = 0;
            a->note = note && *note ? note : NULL;
        }
    }
    if (!ok) return pt__error(PT_ENOMEM, "out of memory reading a visit");
    return 1;
}
