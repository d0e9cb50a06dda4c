/*
 * Checklists: the standards as an immutable in-memory model, parsed from XML.
 *
 * The loader knows nothing of the database. It reads the file into memory, parses it from
 * memory with libxml2 (no network, no entities, no DTD), validates it against the schema
 * compiled into libpantau from checklists/checklist.xsd, then checks it semantically.
 * Every error message names the file, the line and, where there is one, the item id:
 *   "checklists/x.xml:42: item S1.03: weight must be > 0"
 */
#ifndef PANTAU_CHECKLIST_H
#define PANTAU_CHECKLIST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest checklist file accepted, in bytes. Bigger files are refused before parsing. */
#define PT_CHECKLIST_MAX_BYTES (8u * 1024u * 1024u)

typedef enum pt_item_type {
    PT_ITEM_YESNO,    /* "ya" / "tidak" */
    PT_ITEM_SCALE,    /* an integer level among the item's described levels */
    PT_ITEM_COUNT,    /* an integer >= 0 (optionally <= max) */
    PT_ITEM_NUMBER,   /* a decimal number with a unit, in [min, max] when given */
    PT_ITEM_CHOICE,   /* one of the item's choice values */
    PT_ITEM_TEXT,     /* free text */
    PT_ITEM_DATE,     /* YYYY-MM-DD */
    PT_ITEM_EVIDENCE  /* a reference to evidence held elsewhere (document number, photo id) */
} pt_item_type;

/* "yesno", "scale", ... as written in the XML; NULL for an unknown value. */
const char *pt_item_type_name(pt_item_type type);

typedef struct pt_level {
    int value;               /* 1, 2, 3 ... */
    const char *description; /* what this level looks like, for the inspector */
} pt_level;

typedef struct pt_choice {
    const char *value;  /* the stored answer */
    const char *label;  /* what the inspector reads */
    double score;       /* credit in [0,1] given by this choice (default 0) */
} pt_choice;

/* A gate: a failure on this item is escalated whatever the total. */
typedef struct pt_gate {
    const char *cap;      /* best grade still possible when failed ("C"), or "none": no grade */
    const char *severity; /* "kritis", "tinggi", "sedang", "rendah" */
    const char *agency;   /* who must act: "Dinas Sosial", "DP3A", "Kepolisian" ... */
    const char *message;  /* the flag's text, Bahasa Indonesia */
} pt_gate;

typedef struct pt_item {
    const char *id;          /* stable across versions, e.g. "S1.03" */
    pt_item_type type;
    const char *text;        /* the indicator, Bahasa Indonesia */
    const char *guidance;    /* how to check it; NULL if none */
    const char *legal_basis; /* NULL if none */
    const char *evidence;    /* expected evidence: "dokumen", "observasi", "wawancara" ...; NULL */
    double weight;           /* > 0; 0 only for unscored types (text, date, evidence) */
    int na_allowed;          /* 1 if "N/A" is an acceptable answer */
    const char *expect;      /* yesno: the passing answer, "ya" (default) or "tidak" */
    int pass_level;          /* scale: lowest passing level for a gate (0: not set) */
    const char *unit;        /* number/count: "m2", "orang" ...; NULL */
    int has_min, has_max;
    double min, max;         /* number/count bounds when has_min / has_max */
    size_t n_levels;
    const pt_level *levels;  /* scale: ascending, contiguous from 1 */
    size_t n_choices;
    const pt_choice *choices;
    const pt_gate *gate;     /* NULL unless the item is critical */
    int line;                /* line of <item> in the source */
} pt_item;

typedef struct pt_section {
    const char *id;
    const char *title;
    double weight;           /* share of the checklist's maximum, > 0 */
    size_t n_items;
    const pt_item *items;
    int line;
} pt_section;

typedef struct pt_band {
    const char *grade;       /* "A", "B", "C" */
    const char *label;       /* "Sangat Baik" */
    double min;              /* lowest total (on the checklist's scale) for this grade */
    int validity_years;      /* how long the grade holds; 0 if it does not expire */
} pt_band;

/* A named number a script uses (a threshold, a ratio), kept in the checklist so the board can
 * change it without touching code. */
typedef struct pt_param {
    const char *id;
    double value;
    const char *unit;        /* NULL if none */
    const char *label;       /* what it means, Bahasa Indonesia */
    int is_default;          /* 1: pantau's own default, not an official figure */
} pt_param;

typedef struct pt_checklist {
    const char *source;      /* the file name used in messages */
    const char *id;          /* e.g. "akreditasi-lksa" */
    const char *version;     /* e.g. "2025.1" */
    const char *title;
    const char *description; /* NULL if none */
    const char *legal_basis; /* NULL if none */
    const char *script;      /* scoring script file name, relative to the scripts folder */
    double max_total;        /* the scale of totals and band minima (e.g. 100) */
    int bands_are_default;   /* 1: the bands are pantau's defaults, not official cut-offs */
    const char *fail_label;  /* what a total below every band is called */
    size_t n_bands;
    const pt_band *bands;    /* sorted by min, highest first */
    size_t n_sections;
    const pt_section *sections;
    size_t n_params;
    const pt_param *params;
    size_t n_items;          /* all items of all sections */
    const char *xml;         /* the exact bytes parsed (NUL-terminated) */
    size_t xml_len;
    char sha256[65];         /* hex sha256 of those bytes */
} pt_checklist;

/* Parses and validates a checklist from memory. `source` names it in messages.
 * On success *out belongs to the caller (pt_checklist_free). On failure *out is NULL and the
 * message names source, line and item id. Errors: PT_EINVALID, PT_ELIMIT, PT_ENOMEM. */
int pt_checklist_parse(pt_checklist **out, const char *source, const char *xml, size_t len);

/* Reads `path` (at most PT_CHECKLIST_MAX_BYTES) and parses it. Adds PT_EIO. */
int pt_checklist_load_file(pt_checklist **out, const char *path);

void pt_checklist_free(pt_checklist *checklist);

/* The item with this id, or NULL. When section is not NULL it receives the item's section.
 * Constant time (hash lookup). */
const pt_item *pt_checklist_item(const pt_checklist *checklist, const char *item_id,
                                 const pt_section **section);

/* The band of a grade ("A"), or NULL. */
const pt_band *pt_checklist_band(const pt_checklist *checklist, const char *grade);

#ifdef __cplusplus
}
#endif
#endif
