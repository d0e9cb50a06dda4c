/*
 * The html export plugin: one self-contained, printable report in Bahasa Indonesia with a
 * section per visit (institution, visit, team, section scores as a table and an inline SVG
 * bar chart, total and grade, red flags, justifications, findings, the checklist's and
 * script's sha256).
 *
 * Streamed: each visit is written as it arrives and nothing of it is kept, so a whole city
 * costs no more memory than one visit. Every string from the records goes through
 * html_escape (html_escape.c). No scripts, no external resources: the file opens offline.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pantau/plugin.h"
#include "report_text.h"
#include "html_escape.h"

typedef struct html_state {
    const pt_host *host;
    rt_output out;
    FILE *f;
    long n_visits;
} html_state;

/* Escaped text; shorter to read below than html_escape(s->f, ...). */
#define E(s, text) html_escape((s)->f, (text))
#define P(s, ...) fprintf((s)->f, __VA_ARGS__)

static const char *or_dash(const char *text)
{
    return text && *text ? text : "-";
}

static const char style[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:14px;color:#222;margin:2em auto;"
    "max-width:60em;padding:0 1em;line-height:1.4}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.35em;border-bottom:2px solid #2b5d8a;"
    "padding-bottom:.2em;margin-top:0}h3{font-size:1.1em;margin:1.2em 0 .4em;color:#2b5d8a}\n"
    "table{border-collapse:collapse;width:100%;margin:.3em 0}th,td{border:1px solid #bbb;"
    "padding:.25em .5em;text-align:left;vertical-align:top}th{background:#eef2f6}\n"
    "td.num,th.num{text-align:right;white-space:nowrap}table.info th{width:30%}\n"
    ".kunjungan{margin:2em 0;padding-top:1em}.kunjungan+.kunjungan{border-top:3px double #999}\n"
    ".cols{display:flex;gap:1.5em;flex-wrap:wrap}.cols>div{flex:1 1 22em}\n"
    ".hasil{font-size:1.15em;margin:.6em 0}.total{font-weight:bold}.grade{font-weight:bold;"
    "padding:.1em .5em;border-radius:.3em;background:#e8e8e8}.grade-A{background:#cdeccd}"
    ".grade-B{background:#dbe9f7}.grade-C{background:#fbefc4}.grade-none{background:#f6d0d0}\n"
    ".sev-kritis{color:#a00;font-weight:bold}.sev-tinggi{color:#c55a00;font-weight:bold}\n"
    ".muted{color:#666}footer.hash{font-size:.8em;color:#555;margin-top:1em;"
    "border-top:1px solid #ccc;padding-top:.4em;word-break:break-all}\n"
    "svg text{font-family:'DejaVu Sans',Arial,sans-serif;font-size:12px}\n"
    "@media print{body{margin:0;max-width:none;font-size:11pt}"
    ".kunjungan{margin:0;padding:0}.kunjungan+.kunjungan{break-before:page;"
    "page-break-before:always;border-top:none}table,svg,tr{break-inside:avoid;"
    "page-break-inside:avoid}h3{break-after:avoid;page-break-after:avoid}}\n";

static int html_begin(void **state, const pt_host *host, const pt_export_options *options)
{
    if (rt_check_params(host, options, "html", NULL) != 0)
        return -1;
    html_state *s = calloc(1, sizeof *s);
    if (!s) {
        host->set_error(host->host_data, "out of memory");
        return -1;
    }
    s->host = host;
    if (rt_output_open(&s->out, host, options->output_path) != 0) {
        free(s);
        return -1;
    }
    s->f = rt_output_stream(&s->out, host);
    if (!s->f) {
        rt_output_finish(&s->out, host, 0);
        free(s);
        return -1;
    }
    P(s, "<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"generator\" content=\"pantau ");
    E(s, host->pantau_version);
    P(s, "\">\n<title>Laporan Pemantauan dan Penilaian LKSA</title>\n<style>\n%s</style>\n"
         "</head>\n<body>\n<header>\n<h1>Laporan Pemantauan dan Penilaian LKSA</h1>\n"
         "<p class=\"muted\">Dibuat dengan pantau ", style);
    E(s, host->pantau_version);
    P(s, ".</p>\n</header>\n");
    *state = s;
    return 0;
}

/* A label: value row of an info table. */
static void info_row(html_state *s, const char *label, const char *value)
{
    P(s, "<tr><th scope=\"row\">");
    E(s, label);
    P(s, "</th><td>");
    E(s, or_dash(value));
    P(s, "</td></tr>\n");
}

static void write_institution(html_state *s, const pt_institution *inst)
{
    char region[1024];
    P(s, "<div>\n<h3>Lembaga</h3>\n<table class=\"info\">\n");
    info_row(s, "Nama lembaga", inst->name);
    info_row(s, "Nomor tanda daftar", inst->reg_no && *inst->reg_no ? inst->reg_no
                                                                    : "Belum terdaftar");
    info_row(s, "Jenis", inst->kind);
    info_row(s, "Pengelola", inst->owner);
    info_row(s, "Alamat", inst->address);
    info_row(s, "Wilayah", rt_region(region, sizeof region, inst));
    info_row(s, "Status pendaftaran", rt_reg_status(inst->reg_status));
    P(s, "</table>\n</div>\n");
}

static void write_visit_info(html_state *s, const pt_export_record *r)
{
    char date[RT_DATE_BUF], number[32], instrument[1024];
    const pt_visit *v = r->visit;
    snprintf(number, sizeof number, "%lld", (long long)v->id);
    snprintf(instrument, sizeof instrument, "%s (versi %s)",
             r->checklist ? r->checklist->title : v->checklist_id, v->checklist_version);
    P(s, "<div>\n<h3>Kunjungan</h3>\n<table class=\"info\">\n");
    info_row(s, "Nomor kunjungan", number);
    info_row(s, "Tanggal", rt_date_long(date, sizeof date, v->date));
    info_row(s, "Jenis kunjungan", rt_visit_type(v->type));
    info_row(s, "Instrumen", instrument);
    info_row(s, "Catatan", v->notes);
    P(s, "</table>\n</div>\n");
}

static void write_team(html_state *s, const pt_visit *v)
{
    P(s, "<h3>Tim pemeriksa</h3>\n");
    if (v->n_team == 0) {
        P(s, "<p class=\"muted\">Tim tidak dicatat.</p>\n");
        return;
    }
    P(s, "<table>\n<thead><tr><th>No.</th><th>Nama</th><th>Instansi</th><th>Peran</th>"
         "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < v->n_team; i++) {
        P(s, "<tr><td class=\"num\">%zu</td><td>", i + 1);
        E(s, v->team[i].name);
        P(s, "</td><td>");
        E(s, or_dash(v->team[i].agency));
        P(s, "</td><td>");
        char role[128];
        E(s, rt_capitalize(role, sizeof role, or_dash(v->team[i].role)));
        P(s, "</td></tr>\n");
    }
    P(s, "</tbody>\n</table>\n");
}

static const char *section_title(const pt_export_record *r, const char *section_id)
{
    const pt_section *sec = rt_section(r->checklist, section_id);
    return sec ? sec->title : "";
}

/* The section scores as horizontal bars, each as a share of its own maximum. */
static void write_chart(html_state *s, const pt_export_record *r)
{
    const pt_score *sc = r->score;
    const int label_w = 250, bar_w = 330, row_h = 26, top = 6;
    int height = top * 2 + row_h * (int)sc->n_sections;
    char a[RT_NUMBER_BUF], b[RT_NUMBER_BUF];
    P(s, "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"100%%\" "
         "viewBox=\"0 0 %d %d\" preserveAspectRatio=\"xMinYMin meet\" "
         "aria-label=\"Nilai per standar, kunjungan %lld\">\n",
      label_w + bar_w + 140, height, (long long)r->visit->id);
    for (size_t i = 0; i < sc->n_sections; i++) {
        const pt_section_score *ss = &sc->sections[i];
        double share = ss->max > 0 ? ss->score / ss->max : 0;
        if (!(share >= 0))
            share = 0;
        if (share > 1)
            share = 1;
        int y = top + row_h * (int)i;
        const char *fill = share >= 0.8 ? "#3c8d40" : share >= 0.6 ? "#d9a400" : "#c0392b";
        P(s, "<g><title>");
        E(s, ss->section_id);
        P(s, " ");
        E(s, section_title(r, ss->section_id));
        P(s, "</title>\n<text x=\"0\" y=\"%d\">", y + 17);
        E(s, ss->section_id);
        P(s, " ");
        html_escape_cut(s->f, section_title(r, ss->section_id), 28);
        P(s, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#e6e6e6\"/>\n"
             "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>\n"
             "<text x=\"%d\" y=\"%d\">%s / %s</text></g>\n",
          label_w, y + 4, bar_w, label_w, y + 4, share * bar_w, fill, label_w + bar_w + 8,
          y + 17, rt_number(a, sizeof a, ss->score, 2), rt_number(b, sizeof b, ss->max, 2));
    }
    P(s, "</svg>\n<figcaption class=\"muted\">Nilai per standar terhadap nilai maksimum "
         "standar itu.</figcaption>\n</figure>\n");
}

static void write_scores(html_state *s, const pt_export_record *r)
{
    const pt_score *sc = r->score;
    char a[RT_NUMBER_BUF], b[RT_NUMBER_BUF], pct[RT_NUMBER_BUF], grade[512], date[RT_DATE_BUF];
    P(s, "<h3>Hasil penilaian</h3>\n");
    if (!sc) {
        P(s, "<p class=\"hasil\">Kunjungan ini belum dinilai (jalankan <code>pantau score"
             "</code>).</p>\n");
        return;
    }
    const char *grade_class = sc->grade && *sc->grade ? sc->grade : "none";
    P(s, "<p class=\"hasil\">Nilai total <span class=\"total\">%s / %s</span> &middot; "
         "Peringkat <span class=\"grade grade-",
      rt_number(a, sizeof a, sc->total, 2), rt_number(b, sizeof b, sc->max, 2));
    E(s, grade_class);
    P(s, "\">");
    E(s, rt_grade_text(grade, sizeof grade, sc));
    P(s, "</span>");
    if (sc->valid_until && *sc->valid_until) {
        P(s, " &middot; berlaku sampai ");
        E(s, rt_date_long(date, sizeof date, sc->valid_until));
    }
    P(s, "</p>\n");

    P(s, "<table>\n<thead><tr><th>Standar</th><th>Judul</th><th class=\"num\">Nilai</th>"
         "<th class=\"num\">Maksimum</th><th class=\"num\">Persen</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < sc->n_sections; i++) {
        const pt_section_score *ss = &sc->sections[i];
        P(s, "<tr><td>");
        E(s, ss->section_id);
        P(s, "</td><td>");
        E(s, section_title(r, ss->section_id));
        P(s, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s%%"
             "</td></tr>\n",
          rt_number(a, sizeof a, ss->score, 2), rt_number(b, sizeof b, ss->max, 2),
          ss->max > 0 ? rt_number(pct, sizeof pct, 100.0 * ss->score / ss->max, 1) : "-");
    }
    P(s, "</tbody>\n<tfoot><tr><th colspan=\"2\">Total</th><th class=\"num\">%s</th>"
         "<th class=\"num\">%s</th><th class=\"num\">%s%%</th></tr></tfoot>\n</table>\n",
      rt_number(a, sizeof a, sc->total, 2), rt_number(b, sizeof b, sc->max, 2),
      sc->max > 0 ? rt_number(pct, sizeof pct, 100.0 * sc->total / sc->max, 1) : "-");
    if (sc->n_sections > 0)
        write_chart(s, r);
}

static int write_flags(html_state *s, const pt_score *sc)
{
    P(s, "<h3>Bendera merah</h3>\n");
    if (sc->n_flags == 0) {
        P(s, "<p>Tidak ada bendera merah.</p>\n");
        return 0;
    }
    size_t *order = malloc(sc->n_flags * sizeof *order);
    if (!order) {
        s->host->set_error(s->host->host_data, "out of memory");
        return -1;
    }
    rt_flag_order(sc, order);
    P(s, "<table>\n<thead><tr><th>Tingkat</th><th>Instansi</th><th>Butir</th><th>Pesan</th>"
         "</tr></thead>\n<tbody>\n");
    for (size_t k = 0; k < sc->n_flags; k++) {
        const pt_flag *fl = &sc->flags[order[k]];
        P(s, "<tr><td class=\"sev-");
        E(s, fl->severity);
        P(s, "\">");
        E(s, rt_severity_label(fl->severity));
        P(s, "</td><td>");
        E(s, or_dash(fl->agency));
        P(s, "</td><td>");
        E(s, or_dash(fl->item_id));
        P(s, "</td><td>");
        E(s, fl->message);
        P(s, "</td></tr>\n");
    }
    P(s, "</tbody>\n</table>\n");
    free(order);
    return 0;
}

static void write_justifications(html_state *s, const pt_export_record *r)
{
    const pt_score *sc = r->score;
    P(s, "<h3>Alasan penilaian per standar</h3>\n<table>\n<thead><tr><th>Standar</th>"
         "<th>Alasan</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < sc->n_sections; i++) {
        const pt_section_score *ss = &sc->sections[i];
        P(s, "<tr><td>");
        E(s, ss->section_id);
        P(s, " ");
        E(s, section_title(r, ss->section_id));
        P(s, "</td><td>");
        E(s, or_dash(ss->justification));
        P(s, "</td></tr>\n");
    }
    P(s, "</tbody>\n</table>\n");
}

/* Answers whose credit is low or that fail a gate, with the inspector's notes. */
static void write_findings(html_state *s, const pt_export_record *r)
{
    const pt_visit *v = r->visit;
    char answer[1024];
    int n = 0;
    P(s, "<h3>Temuan</h3>\n");
    for (size_t i = 0; i < v->n_answers; i++) {
        const pt_answer *a = &v->answers[i];
        const pt_item *item = r->checklist
            ? s->host->checklist_item(r->checklist, a->item_id, NULL) : NULL;
        if (!item || !rt_is_finding(item, a))
            continue;
        if (n++ == 0)
            P(s, "<table>\n<thead><tr><th>Butir</th><th>Indikator</th><th>Jawaban</th>"
                 "<th>Catatan</th></tr></thead>\n<tbody>\n");
        P(s, "<tr><td>");
        E(s, a->item_id);
        if (rt_gate_failed(item, a))
            P(s, " <span class=\"sev-kritis\">(gerbang)</span>");
        P(s, "</td><td>");
        E(s, item->text);
        P(s, "</td><td>");
        E(s, rt_answer_text(answer, sizeof answer, item, a));
        P(s, "</td><td>");
        E(s, or_dash(a->note));
        P(s, "</td></tr>\n");
    }
    if (n > 0)
        P(s, "</tbody>\n</table>\n");
    else
        P(s, "<p>Tidak ada jawaban dengan nilai rendah.</p>\n");
}

static int html_record(void *state, const pt_export_record *r)
{
    html_state *s = state;
    const pt_visit *v = r->visit;
    char date[RT_DATE_BUF];
    s->n_visits++;
    P(s, "<section class=\"kunjungan\" id=\"kunjungan-%lld\">\n<h2>", (long long)v->id);
    E(s, r->institution ? r->institution->name : v->institution_name);
    P(s, " &mdash; Kunjungan ");
    E(s, rt_visit_type(v->type));
    P(s, ", ");
    E(s, rt_date_long(date, sizeof date, v->date));
    P(s, "</h2>\n<div class=\"cols\">\n");
    if (r->institution)
        write_institution(s, r->institution);
    write_visit_info(s, r);
    P(s, "</div>\n");
    write_team(s, v);
    write_scores(s, r);
    if (r->score) {
        if (write_flags(s, r->score) != 0)
            return -1;
        write_justifications(s, r);
    }
    write_findings(s, r);
    P(s, "<footer class=\"hash\">");
    if (r->score) {
        P(s, "SHA-256 instrumen: <code>");
        E(s, r->score->checklist_sha256);
        P(s, "</code><br>SHA-256 skrip penilaian: <code>");
        E(s, r->score->script_sha256);
        P(s, "</code><br>Dinilai pada: ");
        E(s, or_dash(r->score->scored_at));
    } else if (r->checklist) {
        P(s, "SHA-256 instrumen: <code>");
        E(s, r->checklist->sha256);
        P(s, "</code>");
    }
    P(s, "</footer>\n</section>\n");
    if (ferror(s->f)) {
        s->host->set_error(s->host->host_data, "%s: write failed", s->out.final_path);
        return -1;
    }
    return 0;
}

static int html_end(void *state, int ok)
{
    html_state *s = state;
    if (ok) {
        if (s->n_visits == 0)
            P(s, "<p>Tidak ada kunjungan yang dipilih.</p>\n");
        P(s, "<footer class=\"muted\"><p>Jumlah kunjungan dalam laporan ini: %ld.</p></footer>\n"
             "</body>\n</html>\n", s->n_visits);
    }
    int rc = rt_output_close(&s->out, s->host, s->f, ok);
    free(s);
    return rc;
}

static const pt_export_ops html_ops = {
    .size = sizeof(pt_export_ops),
    .file_extension = "html",
    .begin = html_begin,
    .record = html_record,
    .end = html_end,
};

static const pt_plugin_descriptor html_descriptor = {
    .abi_major = PT_PLUGIN_ABI_MAJOR,
    .abi_minor = PT_PLUGIN_ABI_MINOR,
    .size = sizeof(pt_plugin_descriptor),
    .name = "html",
    .version = "1.0.0",
    .description = "printable report in Bahasa Indonesia, one section per visit",
    .kind = PT_PLUGIN_KIND_EXPORT,
    .export_ops = &html_ops,
    .notify_ops = NULL,
};

PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void)
{
    return &html_descriptor;
}
