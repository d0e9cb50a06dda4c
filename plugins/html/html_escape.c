/*
 * HTML escaping: see html_escape.h.
 */
#include "html_escape.h"

#include <string.h>

static int escape_span(FILE *f, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *ref = NULL;
        switch (c) {
        case '&': ref = "&amp;"; break;
        case '<': ref = "&lt;"; break;
        case '>': ref = "&gt;"; break;
        case '"': ref = "&quot;"; break;
        case '\'': ref = "&#39;"; break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
                ref = "\xEF\xBF\xBD";
            break;
        }
        if (ref ? fputs(ref, f) < 0 : putc(c, f) == EOF)
            return -1;
    }
    return 0;
}

int html_escape(FILE *f, const char *s)
{
    return s ? escape_span(f, s, strlen(s)) : 0;
}

int html_escape_cut(FILE *f, const char *s, size_t max_chars)
{
    if (!s)
        return 0;
    size_t i = 0, chars = 0;
    while (s[i] && chars < max_chars) {
        i++;
        /* skip continuation bytes: they belong to the code point just counted */
        while ((s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    if (escape_span(f, s, i) != 0)
        return -1;
    if (s[i] && fputs("\xE2\x80\xA6", f) < 0)
        return -1;
    return 0;
}
