/*
 * Texts shared by the report plugins: see report_text.h.
 */
#include "report_text.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const month_names[12] = {
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember"
};

static int is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int rt_date_parse(const char *iso_date, int *year, int *month, int *day)
{
    static const int days_in[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (!iso_date || strlen(iso_date) != 10 || iso_date[4] != '-' || iso_date[7] != '-' ||
        !is_digits(iso_date, 4) || !is_digits(iso_date + 5, 2) || !is_digits(iso_date + 8, 2))
        return -1;
    int y = atoi(iso_date), m = atoi(iso_date + 5), d = atoi(iso_date + 8);
    if (m < 1 || m > 12 || d < 1)
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = days_in[m - 1] + (m == 2 && leap);
    if (d > max)
        return -1;
    *year = y;
    *month = m;
    *day = d;
    return 0;
}

const char *rt_date_long(char *buf, size_t size, const char *iso_date)
{
    int y, m, d;
    if (!iso_date || !*iso_date)
        snprintf(buf, size, "-");
    else if (rt_date_parse(iso_date, &y, &m, &d) == 0)
        snprintf(buf, size, "%d %s %d", d, month_names[m - 1], y);
    else
        snprintf(buf, size, "%s", iso_date);
    return buf;
}

const char *rt_weekday(const char *iso_date)
{
    static const char *const names[7] = { "Minggu", "Senin", "Selasa", "Rabu", "Kamis",
                                          "Jumat", "Sabtu" };
    int y, m, d;
    if (rt_date_parse(iso_date, &y, &m, &d) != 0)
        return "";
    /* Sakamoto's method: 0 is Sunday. */
    static const int t[12] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
    if (m < 3)
        y -= 1;
    int w = (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
    return names[w];
}

const char *rt_visit_type(const char *type)
{
    static const char *const map[][2] = {
        { "accreditation", "Akreditasi" }, { "routine", "Rutin" },
        { "complaint", "Pengaduan" }, { "joint", "Gabungan" },
    };
    if (!type)
        return "-";
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(type, map[i][0]) == 0)
            return map[i][1];
    return type;
}

const char *rt_reg_status(const char *status)
{
    static const char *const map[][2] = {
        { "registered", "Terdaftar" }, { "unregistered", "Belum terdaftar" },
        { "expired", "Tanda daftar kedaluwarsa" }, { "revoked", "Tanda daftar dicabut" },
    };
    if (!status)
        return "-";
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(status, map[i][0]) == 0)
            return map[i][1];
    return status;
}

const char *rt_number(char *buf, size_t size, double value, int decimals)
{
    if (!isfinite(value)) {
        snprintf(buf, size, "-");
        return buf;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    /* Rounded by printf, then re-punctuated: digits and '.' only, so the rewrite is simple. */
    char raw[RT_NUMBER_BUF + 320];
    snprintf(raw, sizeof raw, "%.*f", decimals, value);
    char *dot = strchr(raw, '.');
    if (dot) {
        char *end = raw + strlen(raw);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1)
            *dot = '\0';
    }
    int negative = raw[0] == '-';
    const char *digits = raw + negative;
    size_t n_int = dot ? (size_t)(dot - digits) : strlen(digits);
    if (!dot || !*dot)
        n_int = strlen(digits);
    /* "-0" after rounding a tiny negative value is just 0. */
    if (negative && strspn(digits, "0.") == strlen(digits))
        negative = 0;
    char out[RT_NUMBER_BUF + 400];
    size_t o = 0;
    if (negative)
        out[o++] = '-';
    for (size_t i = 0; i < n_int; i++) {
        if (i > 0 && (n_int - i) % 3 == 0)
            out[o++] = '.';
        out[o++] = digits[i];
    }
    if (dot && *dot == '.') {
        out[o++] = ',';
        for (const char *p = dot + 1; *p; p++)
            out[o++] = *p;
    }
    out[o] = '\0';
    snprintf(buf, size, "%s", out);
    return buf;
}

const char *rt_grade_text(char *buf, size_t size, const pt_score *score)
{
    if (!score)
        snprintf(buf, size, "Belum dinilai");
    else if (score->grade && *score->grade)
        snprintf(buf, size, "%s (%s)", score->grade,
                 score->grade_label && *score->grade_label ? score->grade_label : "-");
    else
        snprintf(buf, size, "%s",
                 score->grade_label && *score->grade_label ? score->grade_label
                                                           : "Tanpa peringkat");
    return buf;
}

static const char *const severities[] = { "kritis", "tinggi", "sedang", "rendah" };
static const char *const severity_labels[] = { "Kritis", "Tinggi", "Sedang", "Rendah" };

int rt_severity_rank(const char *severity)
{
    for (int i = 0; i < 4; i++)
        if (severity && strcmp(severity, severities[i]) == 0)
            return i;
    return 4;
}

const char *rt_severity_label(const char *severity)
{
    int r = rt_severity_rank(severity);
    return r < 4 ? severity_labels[r] : (severity ? severity : "-");
}

void rt_flag_order(const pt_score *score, size_t *order)
{
    /* Insertion sort: stable, and a visit has a handful of flags. */
    for (size_t i = 0; i < score->n_flags; i++) {
        size_t j = i;
        int rank = rt_severity_rank(score->flags[i].severity);
        while (j > 0 && rt_severity_rank(score->flags[order[j - 1]].severity) > rank) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

const pt_section *rt_section(const pt_checklist *checklist, const char *section_id)
{
    if (!checklist || !section_id)
        return NULL;
    for (size_t i = 0; i < checklist->n_sections; i++)
        if (strcmp(checklist->sections[i].id, section_id) == 0)
            return &checklist->sections[i];
    return NULL;
}

static int answered(const pt_answer *answer)
{
    return answer && !answer->na && answer->value;
}

static const pt_choice *find_choice(const pt_item *item, const char *value)
{
    for (size_t i = 0; i < item->n_choices; i++)
        if (strcmp(item->choices[i].value, value) == 0)
            return &item->choices[i];
    return NULL;
}

static int expects_yes(const pt_item *item)
{
    return !item->expect || strcmp(item->expect, "ya") == 0;
}

double rt_answer_credit(const pt_item *item, const pt_answer *answer)
{
    if (!item || !answered(answer) || item->weight <= 0)
        return -1;
    switch (item->type) {
    case PT_ITEM_YESNO: {
        int yes = strcmp(answer->value, "ya") == 0;
        return yes == expects_yes(item) ? 1.0 : 0.0;
    }
    case PT_ITEM_SCALE: {
        if (item->n_levels < 2)
            return 0;
        double c = (atof(answer->value) - 1.0) / (double)(item->n_levels - 1);
        return c < 0 ? 0 : c > 1 ? 1 : c;
    }
    case PT_ITEM_CHOICE: {
        const pt_choice *choice = find_choice(item, answer->value);
        return choice ? choice->score : 0;
    }
    default:
        return -1;
    }
}

int rt_gate_failed(const pt_item *item, const pt_answer *answer)
{
    if (!item || !item->gate || !answered(answer))
        return 0;
    switch (item->type) {
    case PT_ITEM_YESNO:
        return (strcmp(answer->value, "ya") == 0) != expects_yes(item);
    case PT_ITEM_SCALE:
        return item->pass_level > 0 && atoi(answer->value) < item->pass_level;
    case PT_ITEM_CHOICE: {
        const pt_choice *choice = find_choice(item, answer->value);
        return !choice || choice->score == 0;
    }
    default:
        return 0;
    }
}

int rt_is_finding(const pt_item *item, const pt_answer *answer)
{
    double credit = rt_answer_credit(item, answer);
    return (credit >= 0 && credit < RT_FINDING_CREDIT) || rt_gate_failed(item, answer);
}

const char *rt_answer_text(char *buf, size_t size, const pt_item *item, const pt_answer *answer)
{
    if (!answer || (!answer->na && !answer->value)) {
        snprintf(buf, size, "Tidak dijawab");
        return buf;
    }
    if (answer->na) {
        snprintf(buf, size, "Tidak berlaku (N/A)");
        return buf;
    }
    if (!item) {
        snprintf(buf, size, "%s", answer->value);
        return buf;
    }
    char num[RT_NUMBER_BUF];
    switch (item->type) {
    case PT_ITEM_YESNO:
        snprintf(buf, size, "%s", strcmp(answer->value, "ya") == 0 ? "Ya" : "Tidak");
        break;
    case PT_ITEM_SCALE:
        snprintf(buf, size, "Tingkat %s dari %zu", answer->value, item->n_levels);
        break;
    case PT_ITEM_CHOICE: {
        const pt_choice *choice = find_choice(item, answer->value);
        snprintf(buf, size, "%s", choice && choice->label ? choice->label : answer->value);
        break;
    }
    case PT_ITEM_COUNT:
    case PT_ITEM_NUMBER:
        rt_number(num, sizeof num, atof(answer->value), 4);
        if (item->unit && *item->unit)
            snprintf(buf, size, "%s %s", num, item->unit);
        else
            snprintf(buf, size, "%s", num);
        break;
    case PT_ITEM_DATE:
        rt_date_long(buf, size, answer->value);
        break;
    default:
        snprintf(buf, size, "%s", answer->value);
        break;
    }
    return buf;
}

const char *rt_squash_space(char *buf, size_t size, const char *text)
{
    size_t o = 0;
    int pending = 0;
    const char *p = text ? text : "";
    if (size == 0)
        return buf;
    for (; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            pending = o > 0;
            continue;
        }
        if (o + 1 + (size_t)pending >= size)
            break;
        if (pending)
            buf[o++] = ' ';
        pending = 0;
        buf[o++] = *p;
    }
    /* Cut short: do not leave half a UTF-8 sequence at the end. */
    if (*p && o > 0 && (buf[o - 1] & 0x80)) {
        size_t start = o - 1;
        while (start > 0 && (buf[start] & 0xC0) == 0x80)
            start--;
        unsigned char lead = (unsigned char)buf[start];
        size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (o - start < len)
            o = start;
    }
    buf[o] = '\0';
    return buf;
}

const char *rt_capitalize(char *buf, size_t size, const char *text)
{
    snprintf(buf, size, "%s", text ? text : "");
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
    return buf;
}

const char *rt_region(char *buf, size_t size, const pt_institution *inst)
{
    struct { const char *prefix, *value; } parts[] = {
        { "Kelurahan ", inst->kelurahan }, { "Kecamatan ", inst->kecamatan },
        { "", inst->kabupaten_kota }, { "", inst->province },
    };
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i].value || !*parts[i].value || used >= size)
            continue;
        int n = snprintf(buf + used, size - used, "%s%s%s", used ? ", " : "", parts[i].prefix,
                         parts[i].value);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (!buf[0])
        snprintf(buf, size, "-");
    return buf;
}

int rt_check_params(const pt_host *host, const pt_export_options *options, const char *format,
                    const char *const *known)
{
    for (size_t i = 0; i < options->n_params; i++) {
        const char *key = options->param_keys[i];
        int ok = 0;
        for (size_t k = 0; known && known[k]; k++)
            if (strcmp(known[k], key) == 0)
                ok = 1;
        if (!ok) {
            host->set_error(host->host_data, "format %s has no option '%s'", format, key);
            return -1;
        }
    }
    return 0;
}

/* ---- the temporary output file ---- */

int rt_output_open(rt_output *out, const pt_host *host, const char *path)
{
    out->final_path = out->tmp_path = NULL;
    out->fd = -1;
    if (!path || !*path) {
        host->set_error(host->host_data, "no output file given (-o FILE)");
        return -1;
    }
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dir_len;
    size_t len = strlen(path) + sizeof "/..XXXXXX";
    out->final_path = strdup(path);
    out->tmp_path = malloc(len);
    if (!out->final_path || !out->tmp_path) {
        host->set_error(host->host_data, "out of memory");
        goto fail;
    }
    snprintf(out->tmp_path, len, "%.*s.%s.XXXXXX", (int)dir_len, path, base);
    out->fd = mkstemp(out->tmp_path);
    if (out->fd < 0) {
        host->set_error(host->host_data, "%s: cannot create a file next to it: %s", path,
                        strerror(errno));
        goto fail;
    }
    return 0;
fail:
    free(out->final_path);
    free(out->tmp_path);
    out->final_path = out->tmp_path = NULL;
    return -1;
}

FILE *rt_output_stream(rt_output *out, const pt_host *host)
{
    FILE *f = fdopen(out->fd, "w");
    if (!f) {
        host->set_error(host->host_data, "%s: %s", out->final_path, strerror(errno));
        return NULL;
    }
    out->fd = -1;
    return f;
}

int rt_output_finish(rt_output *out, const pt_host *host, int ok)
{
    int rc = 0;
    if (!out->tmp_path)
        return 0;
    if (ok) {
        /* The file keeps mkstemp's mode 0600: reports hold findings about children's homes
         * (docs/commands.md, "export"). */
        if (rename(out->tmp_path, out->final_path) != 0) {
            host->set_error(host->host_data, "%s: %s", out->final_path, strerror(errno));
            rc = -1;
        }
    }
    if (out->fd >= 0)
        close(out->fd);
    if (!ok || rc != 0)
        unlink(out->tmp_path);
    free(out->final_path);
    free(out->tmp_path);
    out->final_path = out->tmp_path = NULL;
    out->fd = -1;
    return rc;
}

int rt_output_close(rt_output *out, const pt_host *host, FILE *f, int ok)
{
    int rc = 0;
    if (f) {
        int write_failed = ferror(f) != 0;
        if (fclose(f) != 0)
            write_failed = 1;
        if (ok && write_failed) {
            host->set_error(host->host_data, "%s: write failed", out->final_path);
            ok = 0;
            rc = -1;
        }
    }
    if (rt_output_finish(out, host, ok) != 0)
        rc = -1;
    return rc;
}
