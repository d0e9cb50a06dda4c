/*
 * The webhook notification plugin: POSTs the event's JSON to a URL.
 *
 *   [channel dinsos]
 *   plugin = webhook
 *   url = https://dinsos.example.go.id/pantau/events
 *   secret = a long random string shared with the receiver
 *
 * Headers: Content-Type: application/json, X-Pantau-Event: <type>, X-Pantau-Event-Id: <id>,
 * and, when a secret is set, X-Pantau-Signature: sha256=<hex HMAC-SHA256 of the exact body
 * bytes keyed with the secret> (libsodium), so the receiver can tell pantau's events from
 * anyone else's POSTs. Any 2xx status is delivered; anything else (another status, a timeout,
 * a refused connection) is a failure the core queues and retries. Redirects are not followed
 * (a signed body must not wander), only http and https are allowed, and connecting and the
 * whole request are each capped at 10 seconds (`timeout = SECONDS` changes both, up to 30).
 *
 * Messages name the URL without its path and query, which may carry a token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "notify_setting.h"
#include "pantau/plugin.h"

#define DEFAULT_TIMEOUT 10L
#define MAX_TIMEOUT 30L

/* "https://host:port" of url into buf, for messages. */
static const char *url_origin(const char *url, char *buf, size_t size)
{
    snprintf(buf, size, "%s", "the webhook URL");
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
            snprintf(buf, size, "%s://%s:%s", scheme, host, port);
        else
            snprintf(buf, size, "%s://%s", scheme, host);
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return buf;
}

/* The response body is not needed: read and drop it. */
static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    (void)ptr;
    (void)userdata;
    return size * nmemb;
}

/* "sha256=<64 hex>" of body keyed with secret into out[72]. */
static int sign(const char *secret, const char *body, size_t len, char out[72])
{
    if (sodium_init() < 0) return -1;
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, 65, mac, sizeof mac);
    sodium_memzero(&st, sizeof st);
    return 0;
}

static long timeout_of(const pt_notify_target *t)
{
    const char *s = pn_setting(t, "timeout");
    if (!s) return DEFAULT_TIMEOUT;
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v > 0 ? (v > MAX_TIMEOUT ? MAX_TIMEOUT : v) : -1;
}

static int deliver(const pt_host *host, const pt_notify_target *target, const pt_event *event)
{
    const char *url = pn_setting(target, "url");
    const char *secret = pn_setting(target, "secret");
    if (!url || !*url) {
        host->set_error(host->host_data, "channel '%s': the webhook needs 'url = URL'",
                        target->channel);
        return 1;
    }
    long timeout = timeout_of(target);
    if (timeout < 0) {
        host->set_error(host->host_data, "channel '%s': timeout must be a number of seconds",
                        target->channel);
        return 1;
    }
    char origin[300];
    url_origin(url, origin, sizeof origin);

    size_t len = strlen(event->json);
    char signature[72], h_sig[96], h_type[200], h_id[64], agent[64];
    struct curl_slist *headers = NULL, *grown;
    int ok = 1;
    snprintf(h_type, sizeof h_type, "X-Pantau-Event: %s", event->type);
    snprintf(h_id, sizeof h_id, "X-Pantau-Event-Id: %lld", (long long)event->id);
    snprintf(agent, sizeof agent, "pantau/%s", host->pantau_version ? host->pantau_version : "?");
    h_sig[0] = '\0';
    if (secret && *secret) {
        if (sign(secret, event->json, len, signature) != 0) {
            host->set_error(host->host_data, "webhook %s: cannot sign the event", origin);
            return 1;
        }
        snprintf(h_sig, sizeof h_sig, "X-Pantau-Signature: %s", signature);
    }
    /* an empty "Expect:" turns off 100-continue, which would cost a round trip per event */
    const char *lines[] = {"Content-Type: application/json", h_type, h_id, "Expect:", h_sig};
    for (size_t i = 0; ok && i < sizeof lines / sizeof lines[0]; i++) {
        if (!*lines[i]) continue;
        if ((grown = curl_slist_append(headers, lines[i]))) headers = grown;
        else ok = 0;
    }

    CURL *curl = ok ? curl_easy_init() : NULL;
    if (!curl) {
        curl_slist_free_all(headers);
        host->set_error(host->host_data, "webhook %s: cannot start libcurl", origin);
        return 1;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, timeout);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, event->json);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, agent);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);

    int rc = 0;
    CURLcode res = curl_easy_perform(curl);
    long status = 0;
    if (res != CURLE_OK) {
        host->set_error(host->host_data, "webhook %s: %s", origin,
                        errbuf[0] ? errbuf : curl_easy_strerror(res));
        rc = 1;
    } else if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
               status < 200 || status > 299) {
        host->set_error(host->host_data, "webhook %s: HTTP status %ld (expected 2xx)", origin,
                        status);
        rc = 1;
    }
    curl_easy_cleanup(curl);
    curl_slist_free_all(headers);
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
    .name = "webhook",
    .version = "1.0.0",
    .description = "POSTs each event's JSON to a URL, signed with HMAC-SHA256",
    .kind = PT_PLUGIN_KIND_NOTIFY,
    .notify_ops = &ops,
};

PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void)
{
    return &descriptor;
}
