/*
 * The email notification plugin: one plain-text message per event, sent over SMTP (libcurl).
 *
 *   [channel surel-dinsos]
 *   plugin = email
 *   smtp = smtp://mail.example.go.id:587      (smtps://... for TLS from the start)
 *   from = pantau <pantau@dinsos.example.go.id>
 *   to = kabid-rehsos@example.go.id, pengawas@example.go.id
 *   username = pantau                          (optional, with password)
 *   password = ...
 *   tls = required | try | none                (STARTTLS on smtp://; default: required when a
 *                                               username is set, else try)
 *
 * The message follows RFC 5322 and MIME: Date, From, To, Subject (RFC 2047 encoded-words when
 * not ASCII: the subjects are Bahasa Indonesia and may name "Ñusantara"), a Message-ID made from
 * the event's id and time (the same on every retry, so a mail system can drop a duplicate),
 * MIME-Version, Content-Type text/plain; charset=UTF-8, Content-Transfer-Encoding 8bit, and the
 * event's body with CRLF line ends. Header values from the configuration are refused when they
 * hold a line break (no header injection). libcurl does the SMTP dot-stuffing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "notify_setting.h"
#include "pantau/plugin.h"

#define CONNECT_TIMEOUT 10L
#define TOTAL_TIMEOUT 25L
/* RFC 5322 allows 998 octets per line; stay well below when a body line must be cut */
#define BODY_LINE_MAX 900

/* ---- a growable buffer ---- */

typedef struct buf {
    char *s;
    size_t len, cap;
    int failed;
} buf;

static void add_n(buf *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 1024;
        while (ncap < b->len + n + 1) ncap *= 2;
        char *g = realloc(b->s, ncap);
        if (!g) {
            b->failed = 1;
            return;
        }
        b->s = g;
        b->cap = ncap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void add(buf *b, const char *s) { add_n(b, s, strlen(s)); }

/* ---- headers ---- */

static int is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return 0;
    return 1;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void add_base64(buf *b, const unsigned char *p, size_t n)
{
    char out[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n) v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        out[0] = b64[(v >> 18) & 63];
        out[1] = b64[(v >> 12) & 63];
        out[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        out[3] = i + 2 < n ? b64[v & 63] : '=';
        add_n(b, out, 4);
    }
}

/* Text as RFC 2047 "B" encoded-words of at most 75 characters, each holding whole UTF-8
 * characters (45 bytes of text make 60 of base64), folded onto continuation lines. ASCII
 * text without specials is written as it is. */
static void add_encoded(buf *b, const char *text)
{
    size_t n = strlen(text);
    if (is_ascii(text, n) && !strstr(text, "=?")) {
        add_n(b, text, n);
        return;
    }
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;
    int first = 1;
    while (i < n) {
        size_t take = n - i < 45 ? n - i : 45;
        while (take > 0 && i + take < n && (p[i + take] & 0xC0) == 0x80) take--;
        if (!first) add(b, "\r\n ");
        add(b, "=?UTF-8?B?");
        add_base64(b, p + i, take);
        add(b, "?=");
        i += take;
        first = 0;
    }
}

/* The address inside "Name <addr>", or the whole (trimmed) text, into out. */
static int address_of(const char *spec, char *out, size_t size)
{
    const char *lt = strrchr(spec, '<');
    const char *start = spec, *end = spec + strlen(spec);
    if (lt) {
        const char *gt = strchr(lt, '>');
        if (!gt) return -1;
        start = lt + 1;
        end = gt;
    }
    while (start < end && (*start == ' ' || *start == '\t')) start++;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t')) end--;
    size_t n = (size_t)(end - start);
    if (n == 0 || n >= size || !memchr(start, '@', n)) return -1;
    for (size_t i = 0; i < n; i++)
        if (start[i] == ' ' || start[i] == ',' || start[i] == '<' || start[i] == '>') return -1;
    memcpy(out, start, n);
    out[n] = '\0';
    return 0;
}

/* A mailbox for a header: "addr", or "Display Name <addr>" with the name encoded if needed. */
static void add_mailbox(buf *b, const char *spec, const char *addr)
{
    const char *lt = strrchr(spec, '<');
    if (lt) {
        const char *s = spec, *e = lt;
        while (s < e && (*s == ' ' || *s == '\t')) s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
        if (e > s) {
            char name[256];
            size_t n = (size_t)(e - s) < sizeof name - 1 ? (size_t)(e - s) : sizeof name - 1;
            memcpy(name, s, n);
            name[n] = '\0';
            if (is_ascii(name, n)) add(b, name);
            else add_encoded(b, name);
            add(b, " ");
        }
    }
    add(b, "<");
    add(b, addr);
    add(b, ">");
}

static int has_line_break(const char *s) { return s && strpbrk(s, "\r\n") != NULL; }

/* "Tue, 14 Mar 2026 08:00:00 +0000", without the locale's day and month names. */
static void rfc5322_date(char out[40])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The body with CRLF line ends; a line longer than BODY_LINE_MAX is cut at a character. */
static void add_body(buf *b, const char *body)
{
    const char *p = body;
    while (*p) {
        size_t n = strcspn(p, "\r\n");
        while (n > BODY_LINE_MAX) {
            size_t cut = BODY_LINE_MAX;
            while (cut > 0 && ((unsigned char)p[cut] & 0xC0) == 0x80) cut--;
            add_n(b, p, cut);
            add(b, "\r\n");
            p += cut;
            n -= cut;
        }
        add_n(b, p, n);
        add(b, "\r\n");
        p += n;
        if (*p == '\r') p++;
        if (*p == '\n') p++;
    }
}

/* ---- sending ---- */

typedef struct reader {
    const char *data;
    size_t len, pos;
} reader;

static size_t read_message(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    reader *r = userdata;
    size_t room = size * nmemb, left = r->len - r->pos;
    size_t n = left < room ? left : room;
    memcpy(ptr, r->data + r->pos, n);
    r->pos += n;
    return n;
}

typedef struct settings {
    const char *smtp, *from, *to, *username, *password, *tls;
    char from_addr[256];
} settings;

static int check_settings(const pt_host *host, const pt_notify_target *t, settings *s)
{
    s->smtp = pn_setting(t, "smtp");
    s->from = pn_setting(t, "from");
    s->to = pn_setting(t, "to");
    s->username = pn_setting(t, "username");
    s->password = pn_setting(t, "password");
    s->tls = pn_setting(t, "tls");
    const char *missing = !s->smtp || !*s->smtp ? "smtp = smtp://HOST:PORT"
                        : !s->from || !*s->from ? "from = ADDRESS"
                        : !s->to || !*s->to     ? "to = ADDRESS, ..."
                                                : NULL;
    if (missing) {
        host->set_error(host->host_data, "channel '%s': the email channel needs '%s'", t->channel,
                        missing);
        return -1;
    }
    if (has_line_break(s->from) || has_line_break(s->to)) {
        host->set_error(host->host_data, "channel '%s': from and to must be one line", t->channel);
        return -1;
    }
    if (address_of(s->from, s->from_addr, sizeof s->from_addr) != 0) {
        host->set_error(host->host_data, "channel '%s': from '%s' is not an e-mail address",
                        t->channel, s->from);
        return -1;
    }
    if (s->tls && strcmp(s->tls, "required") != 0 && strcmp(s->tls, "try") != 0 &&
        strcmp(s->tls, "none") != 0) {
        host->set_error(host->host_data, "channel '%s': tls must be required, try or none",
                        t->channel);
        return -1;
    }
    return 0;
}

/* The recipients of `to` as an SMTP list and a header value. 0, or -1 with the error set. */
static int recipients(const pt_host *host, const pt_notify_target *t, const char *to,
                      struct curl_slist **rcpt, buf *header)
{
    const char *p = to;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char spec[512], addr[256], angle[260];
        if (n >= sizeof spec) n = sizeof spec - 1;
        memcpy(spec, p, n);
        spec[n] = '\0';
        int blank = strspn(spec, " \t") == n;
        if (!blank) {
            if (address_of(spec, addr, sizeof addr) != 0) {
                host->set_error(host->host_data, "channel '%s': '%s' is not an e-mail address",
                                t->channel, spec);
                return -1;
            }
            snprintf(angle, sizeof angle, "<%s>", addr);
            struct curl_slist *g = curl_slist_append(*rcpt, angle);
            if (!g) {
                host->set_error(host->host_data, "channel '%s': out of memory", t->channel);
                return -1;
            }
            *rcpt = g;
            if (header->len) add(header, ", ");
            add_mailbox(header, spec, addr);
        }
        if (!comma) break;
        p = comma + 1;
    }
    if (!*rcpt) {
        host->set_error(host->host_data, "channel '%s': 'to' names no address", t->channel);
        return -1;
    }
    return 0;
}

static void build_message(buf *m, const settings *s, const buf *to_header, const pt_event *ev)
{
    char date[40], id[160];
    rfc5322_date(date);
    const char *domain = strchr(s->from_addr, '@') + 1;
    /* digits of occurred_at keep ids of two databases' event 7 apart */
    char stamp[32] = "";
    size_t k = 0;
    for (const char *p = ev->occurred_at ? ev->occurred_at : ""; *p && k < sizeof stamp - 1; p++)
        if (*p >= '0' && *p <= '9') stamp[k++] = *p;
    stamp[k] = '\0';
    snprintf(id, sizeof id, "<pantau.%lld.%s@%s>", (long long)ev->id, stamp, domain);

    add(m, "Date: ");
    add(m, date);
    add(m, "\r\nFrom: ");
    add_mailbox(m, s->from, s->from_addr);
    add(m, "\r\nTo: ");
    add(m, to_header->s);
    add(m, "\r\nSubject: ");
    add_encoded(m, ev->subject && *ev->subject ? ev->subject : ev->type);
    add(m, "\r\nMessage-ID: ");
    add(m, id);
    add(m, "\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=UTF-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\n"
           "X-Pantau-Event: ");
    add(m, ev->type);
    add(m, "\r\n\r\n");
    add_body(m, ev->body ? ev->body : "");
}

static int deliver(const pt_host *host, const pt_notify_target *target, const pt_event *event)
{
    settings s;
    memset(&s, 0, sizeof s);
    if (check_settings(host, target, &s) != 0) return 1;
    struct curl_slist *rcpt = NULL;
    buf to_header = {0}, message = {0};
    int rc = recipients(host, target, s.to, &rcpt, &to_header) != 0;
    if (!rc) {
        build_message(&message, &s, &to_header, event);
        if (message.failed || to_header.failed) {
            host->set_error(host->host_data, "channel '%s': out of memory", target->channel);
            rc = 1;
        }
    }
    CURL *curl = rc ? NULL : curl_easy_init();
    if (!rc && !curl) {
        host->set_error(host->host_data, "channel '%s': cannot start libcurl", target->channel);
        rc = 1;
    }
    if (!rc) {
        char mail_from[260], errbuf[CURL_ERROR_SIZE] = "";
        snprintf(mail_from, sizeof mail_from, "<%s>", s.from_addr);
        reader r = {message.s, message.len, 0};
        long use_ssl = s.tls && strcmp(s.tls, "none") == 0  ? (long)CURLUSESSL_NONE
                     : s.tls && strcmp(s.tls, "try") == 0   ? (long)CURLUSESSL_TRY
                     : s.tls || (s.username && *s.username) ? (long)CURLUSESSL_ALL
                                                            : (long)CURLUSESSL_TRY;
        curl_easy_setopt(curl, CURLOPT_URL, s.smtp);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        curl_easy_setopt(curl, CURLOPT_USE_SSL, use_ssl);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, TOTAL_TIMEOUT);
        curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from);
        curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
        curl_easy_setopt(curl, CURLOPT_READDATA, &r);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)message.len);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
        if (s.username && *s.username) {
            curl_easy_setopt(curl, CURLOPT_USERNAME, s.username);
            curl_easy_setopt(curl, CURLOPT_PASSWORD, s.password ? s.password : "");
        }
        CURLcode res = curl_easy_perform(curl);
        if (res != CURLE_OK) {
            long code = 0;
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
            if (code)
                host->set_error(host->host_data, "email via channel '%s': SMTP %ld: %s",
                                target->channel, code, errbuf[0] ? errbuf : curl_easy_strerror(res));
            else
                host->set_error(host->host_data, "email via channel '%s': %s", target->channel,
                                errbuf[0] ? errbuf : curl_easy_strerror(res));
            rc = 1;
        }
        curl_easy_cleanup(curl);
    }
    curl_slist_free_all(rcpt);
    free(to_header.s);
    free(message.s);
    return rc;
}

static const pt_notify_ops ops = {
    .size = sizeof(pt_notify_ops),
    .deliver = deliver,
};

static const pt_plugin_descriptor descriptor = {
    .abi_major = PT_PLUGIN_ABI_MAJOR,
    .abi_minor = PT_PLUGIN_ABI_MINOR,
    .size = sizeof(pt_plugin_descriptor),
    .name = "email",
    .version = "1.0.0",
    .description = "sends each event as a plain-text e-mail over SMTP",
    .kind = PT_PLUGIN_KIND_NOTIFY,
    .notify_ops = &ops,
};

PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void)
{
    return &descriptor;
}
