/*
 * HTML escaping for the html export plugin: every string from the store goes through here
 * before it reaches the report (institution names, notes and justifications are typed by
 * people and imported from files, so they may hold markup).
 */
#ifndef PANTAU_HTML_ESCAPE_H
#define PANTAU_HTML_ESCAPE_H

#include <stdio.h>

/* Writes s to f with & < > " ' as character references, so the result is safe both as
 * element text and inside a quoted attribute value. C0 control characters other than tab,
 * newline and carriage return (not allowed in HTML) become U+FFFD. NULL writes nothing.
 * Returns 0, or -1 when writing failed. */
int html_escape(FILE *f, const char *s);

/* As html_escape, for at most max_chars characters (UTF-8 code points) of s, adding "…" when
 * s was cut. Never splits a code point. */
int html_escape_cut(FILE *f, const char *s, size_t max_chars);

#endif
