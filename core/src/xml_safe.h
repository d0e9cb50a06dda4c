/*
 * The one way pantau parses XML: from memory, no network, no entity substitution, no DTD
 * loading, an external-entity loader that refuses everything, and any document carrying a
 * DTD refused outright. Then validation against a schema compiled once from trusted bytes
 * (compiled into libpantau). Used for checklists and XML visit files.
 */
#ifndef PANTAU_XML_SAFE_H
#define PANTAU_XML_SAFE_H

#include <stddef.h>
#include <libxml/tree.h>

typedef enum pt__schema_id { PT__SCHEMA_CHECKLIST, PT__SCHEMA_VISIT } pt__schema_id;

/* Parses bytes (len of them) as XML named `source` in messages, and validates it against the
 * schema. On success *doc belongs to the caller (xmlFreeDoc); xmlGetLineNo() works on its
 * nodes. On failure: PT_EINVALID (malformed, DTD present, invalid UTF-8, too deep, schema
 * violation: "FILE:LINE: message"), PT_ELIMIT (too large), PT_ENOMEM. */
int pt__xml_parse(xmlDocPtr *doc, const char *source, const char *bytes, size_t len,
                  pt__schema_id schema);

/* An attribute's value (no namespace) as a string owned by the caller (xmlFree), or NULL. */
#define pt__xml_attr(node, name) ((char *)xmlGetProp((node), (const xmlChar *)(name)))

#endif
