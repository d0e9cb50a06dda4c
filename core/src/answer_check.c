/* Answers checked against their items before anything is written, and turned into the one
 * canonical text the store keeps ("ya", "3", "12.5"), so scoring and exports never have to
 * guess how an inspector spelled an answer. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "visit_parse.h"

/* How much of a bad value a message repeats: enough to recognise it, not a whole essay. */
#define QUOTE_MAX 40

const char *pt__visit_quote(const char *s, size_t max, char *buf)
{
    size_t n = strlen(s);
    if (n <= max) {
        memcpy(buf, s, n + 1);
        return buf;
    }
    n = max;
    /* back up to the start of a UTF-8 sequence so the message stays valid UTF-8 */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    memcpy(buf, s, n);
    memcpy(buf + n, "...", 4);
    return buf;
}

static int fail(const pt_item *item, const pt__raw_answer *raw, const char *source,
                const char *reason)
{
    char q[QUOTE_MAX + 4];
    return pt__error(PT_EINVALID, "%s:%d: item %s: %s, got '%s'", source, raw->line, item->id,
                     reason, pt__visit_quote(raw->value, QUOTE_MAX, q));
}

/* The CSV reader explains a bad number best ("ambiguous number '1.250': write 1250 or 1,25");
 * keep its words, put the item in front of them. */
static int csv_number_failed(const pt_item *item, const pt__raw_answer *raw, const char *source)
{
    char why[512], prefix[64];
    snprintf(why, sizeof why, "%s", pt_error_last());
    int n = snprintf(prefix, sizeof prefix, ":%d: ", raw->line);
    size_t sl = strlen(source);
    const char *reason = why;
    if (strncmp(why, source, sl) == 0 && strncmp(why + sl, prefix, (size_t)n) == 0)
        reason = why + sl + (size_t)n;
    return pt__error(PT_EINVALID, "%s:%d: item %s: %s", source, raw->line, item->id, reason);
}

/* A whole number written with digits only (no sign, no spaces, no decimal part): a count or a
 * level is never "3.0" or "+3" in a well-kept form, and accepting them hides typing slips. */
static int parse_whole(const char *s, long long *out)
{
    if (!*s) return 0;
    long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return 0;
        if (v > (999999999999LL)) return 0;   /* far beyond any count; avoids overflow */
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return 1;
}

/* A number written with a decimal point, as in XML: digits, one optional sign, one point, an
 * optional exponent. strtod alone would also take "inf", "nan" and hexadecimal. */
static int parse_decimal_point(const char *s, double *out)
{
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && !strchr("+-.eE", *p)) return 0;
    if (!*s) return 0;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

/* The shortest text that reads back as the same double. */
static const char *format_number(pt__arena *arena, double v)
{
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    if (strcmp(buf, "-0") == 0) strcpy(buf, "0");
    return pt__arena_strdup(arena, buf);
}

static const char *format_whole(pt__arena *arena, const char *raw, long long v)
{
    if (raw[0] != '0' || raw[1] == '\0') return raw;   /* already canonical: no copy */
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", v);
    return pt__arena_strdup(arena, buf);
}

static int is_na_word(const char *s)
{
    return strcasecmp(s, "NA") == 0 || strcasecmp(s, "N/A") == 0 || strcasecmp(s, "TB") == 0;
}

static const char *const yes_words[] = {"ya", "yes", "y", "1", NULL};
static const char *const no_words[] = {"tidak", "no", "t", "0", NULL};

static int among(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strcasecmp(s, *words) == 0) return 1;
    return 0;
}

static const char *bound_text(double v, char *buf, size_t n)
{
    snprintf(buf, n, "%.15g", v);
    return buf;
}

int pt__answer_check(const pt_item *item, const pt__raw_answer *raw, const char *source,
                     const pt__csv *csv, pt__arena *arena, const char **value, int *na)
{
    const char *s = raw->value;
    *value = NULL;
    *na = 0;

    if (raw->na || is_na_word(s)) {
        if (raw->na && *s)
            return fail(item, raw, source, "an answer marked N/A must not also have a value");
        if (!item->na_allowed)
            return pt__error(PT_EINVALID, "%s:%d: item %s: N/A is not allowed for this item",
                             source, raw->line, item->id);
        *na = 1;
        return PT_OK;
    }

    switch (item->type) {
    case PT_ITEM_YESNO:
        if (among(s, yes_words)) *value = "ya";
        else if (among(s, no_words)) *value = "tidak";
        else return fail(item, raw, source, "yes/no answer must be ya or tidak");
        return PT_OK;

    case PT_ITEM_SCALE: {
        long long v;
        int ok = parse_whole(s, &v);
        int known = 0;
        for (size_t i = 0; ok && i < item->n_levels; i++)
            if (item->levels[i].value == v) known = 1;
        if (!known) {
            char reason[64];
            int lo = item->n_levels ? item->levels[0].value : 1;
            int hi = item->n_levels ? item->levels[item->n_levels - 1].value : 1;
            snprintf(reason, sizeof reason, "scale level must be %d..%d", lo, hi);
            return fail(item, raw, source, reason);
        }
        *value = format_whole(arena, s, v);
        break;
    }

    case PT_ITEM_COUNT: {
        long long v;
        if (!parse_whole(s, &v))
            return fail(item, raw, source, "count must be a whole number >= 0");
        if (item->has_max && (double)v > item->max) {
            char reason[80], b[32];
            snprintf(reason, sizeof reason, "count must be at most %s",
                     bound_text(item->max, b, sizeof b));
            return fail(item, raw, source, reason);
        }
        *value = format_whole(arena, s, v);
        break;
    }

    case PT_ITEM_NUMBER: {
        double v;
        if (csv) {
            if (pt__csv_number(csv, s, raw->line, &v) != 0)
                return csv_number_failed(item, raw, source);
            if (!isfinite(v)) return fail(item, raw, source, "not a number");
        } else if (!parse_decimal_point(s, &v)) {
            return fail(item, raw, source, "not a number");
        }
        if ((item->has_min && v < item->min) || (item->has_max && v > item->max)) {
            char reason[120], b1[32], b2[32];
            if (item->has_min && item->has_max)
                snprintf(reason, sizeof reason, "number must be in %s..%s",
                         bound_text(item->min, b1, sizeof b1), bound_text(item->max, b2, sizeof b2));
            else if (item->has_min)
                snprintf(reason, sizeof reason, "number must be at least %s",
                         bound_text(item->min, b1, sizeof b1));
            else
                snprintf(reason, sizeof reason, "number must be at most %s",
                         bound_text(item->max, b2, sizeof b2));
            return fail(item, raw, source, reason);
        }
        *value = format_number(arena, v);
        break;
    }

    case PT_ITEM_CHOICE:
        /* exact first; then ignoring case, stored as the checklist spells it */
        for (size_t i = 0; i < item->n_choices; i++)
            if (strcmp(s, item->choices[i].value) == 0) return (*value = item->choices[i].value), PT_OK;
        for (size_t i = 0; i < item->n_choices; i++)
            if (strcasecmp(s, item->choices[i].value) == 0) return (*value = item->choices[i].value), PT_OK;
        {
            char reason[200];
            size_t n = (size_t)snprintf(reason, sizeof reason, "choice must be one of ");
            for (size_t i = 0; i < item->n_choices && n < sizeof reason; i++)
                n += (size_t)snprintf(reason + n, sizeof reason - n, "%s%s", i ? ", " : "",
                                      item->choices[i].value);
            return fail(item, raw, source, reason);
        }

    case PT_ITEM_DATE:
        if (!pt__is_date(s)) return fail(item, raw, source, "date must be a valid YYYY-MM-DD");
        *value = s;
        return PT_OK;

    case PT_ITEM_TEXT:
    case PT_ITEM_EVIDENCE: {
        size_t n = strlen(s);
        if (n > PT__ANSWER_TEXT_MAX)
            return pt__error(PT_EINVALID, "%s:%d: item %s: %s is %zu bytes long, at most %d allowed",
                             source, raw->line, item->id,
                             item->type == PT_ITEM_TEXT ? "text" : "evidence reference", n,
                             PT__ANSWER_TEXT_MAX);
        *value = s;
        return PT_OK;
    }

    default:
        return pt__error(PT_EINVALID, "%s:%d: item %s: unknown item type", source, raw->line,
                         item->id);
    }
    return *value ? PT_OK : pt__error(PT_ENOMEM, "out of memory");
}
