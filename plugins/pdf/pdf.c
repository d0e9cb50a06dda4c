/*
 * The pdf export plugin: one BERITA ACARA (official visit record) per visit, on A4, in
 * Bahasa Indonesia: heading with the visit type, the institution, the date in words, the team,
 * the section scores, total and grade, red flags, the justification of each section, the
 * findings, and a signature block for the team ("Tim Pemeriksa"). Pages are numbered
 * "Halaman N" within each visit's record, which always starts on a new page.
 *
 * Drawn with cairo (PDF surface streamed to the output file: finished pages are written as
 * they come, so memory does not grow with the number of visits) and laid out with pango, which
 * wraps Indonesian text and shapes it with the "DejaVu Sans" font (fonts-dejavu-core).
 * The plugin uses its own pango font map and context (not the per-thread default), so
 * everything it creates is released in end().
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "pantau/plugin.h"
#include "report_text.h"

/* A4 in PostScript points, and the margins of the text block. */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN_X 56.7
#define MARGIN_TOP 56.7
#define MARGIN_BOTTOM 70.0
#define TEXT_W (PAGE_W - 2 * MARGIN_X)
#define CELL_PAD 3.5

#define FONT_FAMILY "DejaVu Sans"

typedef enum align { LEFT, CENTER, RIGHT } align;

typedef struct pdf_state {
    const pt_host *host;
    rt_output out;
    FILE *f;
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoFontMap *font_map;
    PangoContext *context;
    PangoLayout *layout;
    PangoFontDescription *normal, *bold, *small, *title;
    double y;                 /* where the next block starts on the current page */
    int page;                 /* page number within the current visit's record, 0: none */
    char footer[512];         /* left part of the footer of the current record */
    long n_visits;
} pdf_state;

/* ---- text ---- */

/* Lays out text in the given width; returns its height. Draws it at (x, y) when draw. */
static double text_block(pdf_state *s, double x, double y, double width, const char *text,
                         const PangoFontDescription *font, align how, int draw)
{
    pango_layout_set_font_description(s->layout, font);
    pango_layout_set_width(s->layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(s->layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(s->layout, how == CENTER ? PANGO_ALIGN_CENTER
                                          : how == RIGHT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    if (!text)
        text = "";
    if (g_utf8_validate(text, -1, NULL)) {
        pango_layout_set_text(s->layout, text, -1);
    } else {
        /* pango refuses (and complains on stderr about) invalid UTF-8: show U+FFFD instead */
        char *valid = g_utf8_make_valid(text, -1);
        pango_layout_set_text(s->layout, valid, -1);
        g_free(valid);
    }
    int w, h;
    pango_layout_get_size(s->layout, &w, &h);
    if (draw) {
        cairo_move_to(s->cr, x, y);
        pango_cairo_show_layout(s->cr, s->layout);
    }
    return (double)h / PANGO_SCALE;
}

static void hline(pdf_state *s, double x0, double x1, double y, double width)
{
    cairo_set_line_width(s->cr, width);
    cairo_move_to(s->cr, x0, y);
    cairo_line_to(s->cr, x1, y);
    cairo_stroke(s->cr);
}

/* ---- pages ---- */

static void finish_page(pdf_state *s)
{
    if (s->page == 0)
        return;
    char number[32];
    snprintf(number, sizeof number, "Halaman %d", s->page);
    double fy = PAGE_H - MARGIN_BOTTOM + 22;
    cairo_set_source_rgb(s->cr, 0.45, 0.45, 0.45);
    hline(s, MARGIN_X, PAGE_W - MARGIN_X, fy - 4, 0.4);
    text_block(s, MARGIN_X, fy, TEXT_W * 0.75, s->footer, s->small, LEFT, 1);
    text_block(s, MARGIN_X, fy, TEXT_W, number, s->small, RIGHT, 1);
    cairo_set_source_rgb(s->cr, 0, 0, 0);
    cairo_show_page(s->cr);
    s->page = 0;
}

static void new_page(pdf_state *s)
{
    int next = s->page + 1;
    finish_page(s);
    s->page = next;
    s->y = MARGIN_TOP;
    cairo_set_source_rgb(s->cr, 0, 0, 0);
}

/* Starts a new page unless `height` still fits on this one. */
static void need(pdf_state *s, double height)
{
    if (s->page == 0 || s->y + height > PAGE_H - MARGIN_BOTTOM)
        new_page(s);
}

static void paragraph(pdf_state *s, const char *text, const PangoFontDescription *font,
                      align how, double space_after)
{
    double h = text_block(s, MARGIN_X, s->y, TEXT_W, text, font, how, 0);
    need(s, h);
    text_block(s, MARGIN_X, s->y, TEXT_W, text, font, how, 1);
    s->y += h + space_after;
}

/* A section heading, kept on the page of at least `keep_with` points of what follows. */
static void heading(pdf_state *s, const char *text, double keep_with)
{
    double h = text_block(s, MARGIN_X, s->y, TEXT_W, text, s->bold, LEFT, 0);
    s->y += 6;
    need(s, h + 4 + keep_with);
    text_block(s, MARGIN_X, s->y, TEXT_W, text, s->bold, LEFT, 1);
    s->y += h + 4;
}

/* ---- tables: rows wrap their cells, break across pages and repeat the header ---- */

#define MAX_COLS 6

typedef struct table {
    size_t n_cols;
    double widths[MAX_COLS];       /* sum: TEXT_W */
    align aligns[MAX_COLS];
    const char *head[MAX_COLS];    /* NULL: no header row */
} table;

static double row_height(pdf_state *s, const table *t, const char *const *cells,
                         const PangoFontDescription *font)
{
    double h = 0;
    for (size_t c = 0; c < t->n_cols; c++) {
        double ch = text_block(s, 0, 0, t->widths[c] - 2 * CELL_PAD, cells[c], font,
                               t->aligns[c], 0);
        if (ch > h)
            h = ch;
    }
    return h + 2 * CELL_PAD;
}

static void draw_row(pdf_state *s, const table *t, const char *const *cells,
                     const PangoFontDescription *font, double h, int shaded)
{
    double x = MARGIN_X;
    for (size_t c = 0; c < t->n_cols; c++) {
        if (shaded) {
            cairo_set_source_rgb(s->cr, 0.88, 0.91, 0.95);
            cairo_rectangle(s->cr, x, s->y, t->widths[c], h);
            cairo_fill(s->cr);
            cairo_set_source_rgb(s->cr, 0, 0, 0);
        }
        cairo_set_line_width(s->cr, 0.5);
        cairo_rectangle(s->cr, x, s->y, t->widths[c], h);
        cairo_stroke(s->cr);
        text_block(s, x + CELL_PAD, s->y + CELL_PAD, t->widths[c] - 2 * CELL_PAD, cells[c], font,
                   t->aligns[c], 1);
        x += t->widths[c];
    }
    s->y += h;
}

static void table_head(pdf_state *s, const table *t)
{
    if (!t->head[0])
        return;
    double h = row_height(s, t, t->head, s->bold);
    draw_row(s, t, t->head, s->bold, h, 1);
}

/* Starts a table: the header goes with at least its first row (first_row, may be NULL). */
static void table_begin(pdf_state *s, const table *t, const char *const *first_row)
{
    double h = t->head[0] ? row_height(s, t, t->head, s->bold) : 0;
    if (first_row)
        h += row_height(s, t, first_row, s->normal);
    need(s, h);
    table_head(s, t);
}

static void table_row(pdf_state *s, const table *t, const char *const *cells,
                      const PangoFontDescription *font)
{
    double h = row_height(s, t, cells, font);
    if (s->y + h > PAGE_H - MARGIN_BOTTOM) {
        new_page(s);
        table_head(s, t);
    }
    draw_row(s, t, cells, font, h, 0);
}

/* ---- the record of one visit ---- */

static const char *or_dash(const char *text)
{
    return text && *text ? text : "-";
}

/* Upper-cases ASCII letters (the visit types are ASCII words). */
static void upper_ascii(char *text)
{
    for (; *text; text++)
        if (*text >= 'a' && *text <= 'z')
            *text = (char)(*text - 'a' + 'A');
}

/* "Label : value" lines without borders. */
static void key_values(pdf_state *s, const char *const *pairs, size_t n_pairs)
{
    table t = { .n_cols = 3, .widths = { 150, 12, TEXT_W - 162 },
                .aligns = { LEFT, LEFT, LEFT } };
    for (size_t i = 0; i < n_pairs; i++) {
        const char *cells[3] = { pairs[2 * i], ":", or_dash(pairs[2 * i + 1]) };
        double h = row_height(s, &t, cells, s->normal) - 2 * CELL_PAD + 2;
        need(s, h);
        double x = MARGIN_X;
        for (int c = 0; c < 3; c++) {
            text_block(s, x, s->y, t.widths[c] - CELL_PAD, cells[c], s->normal, LEFT, 1);
            x += t.widths[c];
        }
        s->y += h;
    }
}

static void write_title(pdf_state *s, const pt_export_record *r)
{
    char type[128], line[256];
    snprintf(type, sizeof type, "KUNJUNGAN %s", rt_visit_type(r->visit->type));
    upper_ascii(type);
    paragraph(s, "BERITA ACARA PEMANTAUAN / PENILAIAN", s->title, CENTER, 2);
    /* Only an LKSA is a home for children; other kinds (LKS-LU ...) are LKS. */
    int lksa = !r->institution || !r->institution->kind ||
               strcmp(r->institution->kind, "LKSA") == 0;
    paragraph(s, lksa ? "LEMBAGA KESEJAHTERAAN SOSIAL ANAK" : "LEMBAGA KESEJAHTERAAN SOSIAL",
              s->bold, CENTER, 2);
    paragraph(s, type, s->bold, CENTER, 2);
    snprintf(line, sizeof line, "Nomor kunjungan: %lld", (long long)r->visit->id);
    paragraph(s, line, s->normal, CENTER, 6);
    cairo_set_source_rgb(s->cr, 0, 0, 0);
    hline(s, MARGIN_X, PAGE_W - MARGIN_X, s->y, 1.5);
    hline(s, MARGIN_X, PAGE_W - MARGIN_X, s->y + 2.5, 0.5);
    s->y += 12;
}

static void write_opening(pdf_state *s, const pt_export_record *r)
{
    const pt_visit *v = r->visit;
    char date[RT_DATE_BUF], text[2048], type[64];
    snprintf(type, sizeof type, "%s", rt_visit_type(v->type));
    for (char *p = type; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    const char *weekday = rt_weekday(v->date);
    snprintf(text, sizeof text,
             "Pada hari ini%s%s, tanggal %s, Tim Pemeriksa yang namanya tercantum di bawah ini "
             "telah melaksanakan kunjungan %s ke lembaga berikut, dengan menggunakan %s versi %s.",
             *weekday ? " " : "", weekday, rt_date_long(date, sizeof date, v->date), type,
             r->checklist ? r->checklist->title : v->checklist_id, v->checklist_version);
    paragraph(s, text, s->normal, LEFT, 8);

    char region[1024];
    const pt_institution *inst = r->institution;
    if (inst) {
        const char *pairs[] = {
            "Nama lembaga", inst->name,
            "Nomor tanda daftar", inst->reg_no && *inst->reg_no ? inst->reg_no : "Belum terdaftar",
            "Jenis lembaga", inst->kind,
            "Pengelola", inst->owner,
            "Alamat", inst->address,
            "Wilayah", rt_region(region, sizeof region, inst),
            "Status pendaftaran", rt_reg_status(inst->reg_status),
        };
        key_values(s, pairs, sizeof pairs / sizeof pairs[0] / 2);
    } else {
        const char *pairs[] = { "Nama lembaga", v->institution_name };
        key_values(s, pairs, 1);
    }
    if (v->notes && *v->notes) {
        const char *pairs[] = { "Catatan kunjungan", v->notes };
        key_values(s, pairs, 1);
    }
}

static void write_team(pdf_state *s, const pt_visit *v)
{
    heading(s, "I. Tim Pemeriksa", 40);
    if (v->n_team == 0) {
        paragraph(s, "Tim tidak dicatat.", s->normal, LEFT, 4);
        return;
    }
    table t = { .n_cols = 4, .widths = { 28, 190, 150, TEXT_W - 368 },
                .aligns = { RIGHT, LEFT, LEFT, LEFT },
                .head = { "No.", "Nama", "Instansi", "Peran" } };
    for (size_t i = 0; i < v->n_team; i++) {
        char no[24];
        snprintf(no, sizeof no, "%zu", i + 1);
        char role[128];
        rt_capitalize(role, sizeof role, or_dash(v->team[i].role));
        const char *cells[4] = { no, v->team[i].name, or_dash(v->team[i].agency), role };
        if (i == 0)
            table_begin(s, &t, cells);
        table_row(s, &t, cells, s->normal);
    }
}

static const char *section_title(const pt_export_record *r, const char *id)
{
    const pt_section *sec = rt_section(r->checklist, id);
    return sec ? sec->title : "";
}

static void write_scores(pdf_state *s, const pt_export_record *r)
{
    const pt_score *sc = r->score;
    heading(s, "II. Hasil Penilaian", 40);
    if (!sc) {
        paragraph(s, "Kunjungan ini belum dinilai.", s->normal, LEFT, 4);
        return;
    }
    table t = { .n_cols = 4, .widths = { 50, TEXT_W - 190, 70, 70 },
                .aligns = { LEFT, LEFT, RIGHT, RIGHT },
                .head = { "Standar", "Judul", "Nilai", "Maksimum" } };
    char a[RT_NUMBER_BUF], b[RT_NUMBER_BUF];
    for (size_t i = 0; i < sc->n_sections; i++) {
        const pt_section_score *ss = &sc->sections[i];
        const char *cells[4] = { ss->section_id, section_title(r, ss->section_id),
                                 rt_number(a, sizeof a, ss->score, 2),
                                 rt_number(b, sizeof b, ss->max, 2) };
        if (i == 0)
            table_begin(s, &t, cells);
        table_row(s, &t, cells, s->normal);
    }
    const char *total[4] = { "", "Nilai total", rt_number(a, sizeof a, sc->total, 2),
                             rt_number(b, sizeof b, sc->max, 2) };
    if (sc->n_sections == 0)
        table_begin(s, &t, total);
    table_row(s, &t, total, s->bold);
    s->y += 6;

    char grade[512], date[RT_DATE_BUF], text[1024];
    rt_grade_text(grade, sizeof grade, sc);
    if (sc->valid_until && *sc->valid_until)
        snprintf(text, sizeof text, "Nilai total %s dari %s. Peringkat: %s, berlaku sampai %s.",
                 rt_number(a, sizeof a, sc->total, 2), rt_number(b, sizeof b, sc->max, 2), grade,
                 rt_date_long(date, sizeof date, sc->valid_until));
    else
        snprintf(text, sizeof text, "Nilai total %s dari %s. Peringkat: %s.",
                 rt_number(a, sizeof a, sc->total, 2), rt_number(b, sizeof b, sc->max, 2), grade);
    paragraph(s, text, s->bold, LEFT, 4);
}

static int write_flags(pdf_state *s, const pt_score *sc)
{
    heading(s, "III. Bendera Merah", 30);
    if (sc->n_flags == 0) {
        paragraph(s, "Tidak ada bendera merah.", s->normal, LEFT, 4);
        return 0;
    }
    size_t *order = malloc(sc->n_flags * sizeof *order);
    if (!order) {
        s->host->set_error(s->host->host_data, "out of memory");
        return -1;
    }
    rt_flag_order(sc, order);
    table t = { .n_cols = 4, .widths = { 55, 85, 45, TEXT_W - 185 },
                .aligns = { LEFT, LEFT, LEFT, LEFT },
                .head = { "Tingkat", "Instansi", "Butir", "Pesan" } };
    for (size_t k = 0; k < sc->n_flags; k++) {
        const pt_flag *fl = &sc->flags[order[k]];
        const char *cells[4] = { rt_severity_label(fl->severity), or_dash(fl->agency),
                                 or_dash(fl->item_id), fl->message };
        if (k == 0)
            table_begin(s, &t, cells);
        table_row(s, &t, cells, s->normal);
    }
    free(order);
    return 0;
}

static void write_justifications(pdf_state *s, const pt_export_record *r)
{
    const pt_score *sc = r->score;
    heading(s, "IV. Alasan Penilaian per Standar", 30);
    table t = { .n_cols = 2, .widths = { 140, TEXT_W - 140 }, .aligns = { LEFT, LEFT },
                .head = { "Standar", "Alasan" } };
    char label[512];
    for (size_t i = 0; i < sc->n_sections; i++) {
        const pt_section_score *ss = &sc->sections[i];
        snprintf(label, sizeof label, "%s %s", ss->section_id, section_title(r, ss->section_id));
        const char *cells[2] = { label, or_dash(ss->justification) };
        if (i == 0)
            table_begin(s, &t, cells);
        table_row(s, &t, cells, s->normal);
    }
}

static void write_findings(pdf_state *s, const pt_export_record *r, const char *number)
{
    const pt_visit *v = r->visit;
    char title[64], answer[1024], item_id[128], text[4096];
    snprintf(title, sizeof title, "%s. Temuan", number);
    heading(s, title, 30);
    table t = { .n_cols = 4, .widths = { 58, TEXT_W - 298, 110, 130 },
                .aligns = { LEFT, LEFT, LEFT, LEFT },
                .head = { "Butir", "Indikator", "Jawaban", "Catatan" } };
    int n = 0;
    for (size_t i = 0; i < v->n_answers; i++) {
        const pt_answer *a = &v->answers[i];
        const pt_item *item = r->checklist
            ? s->host->checklist_item(r->checklist, a->item_id, NULL) : NULL;
        if (!item || !rt_is_finding(item, a))
            continue;
        snprintf(item_id, sizeof item_id, "%s%s", a->item_id,
                 rt_gate_failed(item, a) ? "\n(gerbang)" : "");
        const char *cells[4] = { item_id, rt_squash_space(text, sizeof text, item->text),
                                 rt_answer_text(answer, sizeof answer, item, a),
                                 or_dash(a->note) };
        if (n++ == 0)
            table_begin(s, &t, cells);
        table_row(s, &t, cells, s->normal);
    }
    if (n == 0)
        paragraph(s, "Tidak ada jawaban dengan nilai rendah.", s->normal, LEFT, 4);
}

/* The closing formula, place and date, and a box per member to sign, two per row. */
static void write_signatures(pdf_state *s, const pt_export_record *r)
{
    const pt_visit *v = r->visit;
    char date[RT_DATE_BUF], place[512];
    static const char closing[] = "Demikian berita acara ini dibuat dengan sebenarnya untuk "
                                  "dipergunakan sebagaimana mestinya.";
    s->y += 8;
    /* The closing formula stays on the page of the signatures (place line, heading and the
     * first row of boxes: about 140 points). */
    need(s, text_block(s, MARGIN_X, s->y, TEXT_W, closing, s->normal, LEFT, 0) + 10 + 140);
    paragraph(s, closing, s->normal, LEFT, 10);
    const char *city = r->institution && r->institution->kabupaten_kota &&
                       *r->institution->kabupaten_kota ? r->institution->kabupaten_kota : NULL;
    snprintf(place, sizeof place, "%s%s%s", city ? city : "", city ? ", " : "",
             rt_date_long(date, sizeof date, v->date));

    const double box_w = TEXT_W / 2, sign_space = 48;
    /* The place line, the "Tim Pemeriksa" heading and the first row stay together. */
    need(s, 16 + 22 + 100);
    text_block(s, MARGIN_X, s->y, TEXT_W, place, s->normal, RIGHT, 1);
    s->y += 16;
    text_block(s, MARGIN_X, s->y, TEXT_W, "Tim Pemeriksa", s->bold, CENTER, 1);
    s->y += 22;
    for (size_t i = 0; i < v->n_team; i += 2) {
        double heights[2] = { 0, 0 };
        char top[2][512];
        for (size_t k = 0; k < 2 && i + k < v->n_team; k++) {
            const pt_team_member *m = &v->team[i + k];
            char role[128];
            rt_capitalize(role, sizeof role, m->role && *m->role ? m->role : "anggota");
            snprintf(top[k], sizeof top[k], "%s, %s", role, or_dash(m->agency));
            heights[k] = text_block(s, 0, 0, box_w - 20, top[k], s->normal, CENTER, 0) +
                         sign_space +
                         text_block(s, 0, 0, box_w - 20, m->name, s->bold, CENTER, 0) + 16;
        }
        double h = heights[0] > heights[1] ? heights[0] : heights[1];
        need(s, h);
        for (size_t k = 0; k < 2 && i + k < v->n_team; k++) {
            const pt_team_member *m = &v->team[i + k];
            /* A lone last member signs in the middle. */
            double x = (i + 1 == v->n_team) ? MARGIN_X + box_w / 2 : MARGIN_X + k * box_w;
            double y = s->y;
            y += text_block(s, x + 10, y, box_w - 20, top[k], s->normal, CENTER, 1);
            y += sign_space;
            hline(s, x + 30, x + box_w - 30, y, 0.6);
            y += 3;
            text_block(s, x + 10, y, box_w - 20, m->name, s->bold, CENTER, 1);
        }
        s->y += h;
    }
    if (v->n_team == 0)
        paragraph(s, "(tim tidak dicatat)", s->normal, CENTER, 4);
}

static void write_hashes(pdf_state *s, const pt_export_record *r)
{
    char text[512];
    if (r->score)
        snprintf(text, sizeof text, "SHA-256 instrumen: %s\nSHA-256 skrip penilaian: %s\n"
                 "Dinilai pada: %s", r->score->checklist_sha256, r->score->script_sha256,
                 or_dash(r->score->scored_at));
    else if (r->checklist)
        snprintf(text, sizeof text, "SHA-256 instrumen: %s", r->checklist->sha256);
    else
        return;
    s->y += 10;
    cairo_set_source_rgb(s->cr, 0.35, 0.35, 0.35);
    paragraph(s, text, s->small, LEFT, 0);
    cairo_set_source_rgb(s->cr, 0, 0, 0);
}

static int pdf_record(void *state, const pt_export_record *r)
{
    pdf_state *s = state;
    const pt_visit *v = r->visit;
    char date[RT_DATE_BUF];
    s->n_visits++;
    /* Each berita acara starts on its own page and numbers its pages from 1. */
    finish_page(s);
    snprintf(s->footer, sizeof s->footer, "Berita acara kunjungan nomor %lld, %s, %s",
             (long long)v->id, r->institution ? r->institution->name : v->institution_name,
             rt_date_long(date, sizeof date, v->date));
    new_page(s);
    write_title(s, r);
    write_opening(s, r);
    write_team(s, v);
    write_scores(s, r);
    if (r->score) {
        if (write_flags(s, r->score) != 0)
            return -1;
        write_justifications(s, r);
    }
    write_findings(s, r, r->score ? "V" : "III");
    write_signatures(s, r);
    write_hashes(s, r);
    cairo_status_t st = cairo_status(s->cr);
    if (st != CAIRO_STATUS_SUCCESS) {
        s->host->set_error(s->host->host_data, "%s: %s", s->out.final_path,
                           cairo_status_to_string(st));
        return -1;
    }
    return 0;
}

/* ---- begin / end ---- */

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
    FILE *f = closure;
    return fwrite(data, 1, length, f) == length ? CAIRO_STATUS_SUCCESS
                                                : CAIRO_STATUS_WRITE_ERROR;
}

static void release(pdf_state *s)
{
    if (s->layout)
        g_object_unref(s->layout);
    if (s->context)
        g_object_unref(s->context);
    if (s->font_map)
        g_object_unref(s->font_map);
    pango_font_description_free(s->normal);
    pango_font_description_free(s->bold);
    pango_font_description_free(s->small);
    pango_font_description_free(s->title);
    if (s->cr)
        cairo_destroy(s->cr);
    if (s->surface)
        cairo_surface_destroy(s->surface);   /* finishes the PDF: writes through write_out */
    s->layout = NULL;
    s->context = NULL;
    s->font_map = NULL;
    s->cr = NULL;
    s->surface = NULL;
}

static int pdf_begin(void **state, const pt_host *host, const pt_export_options *options)
{
    if (rt_check_params(host, options, "pdf", NULL) != 0)
        return -1;
    pdf_state *s = calloc(1, sizeof *s);
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
    if (!s->f)
        goto fail;
    s->surface = cairo_pdf_surface_create_for_stream(write_out, s->f, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(s->surface, CAIRO_PDF_METADATA_TITLE,
                                   "Berita Acara Pemantauan / Penilaian LKSA");
    cairo_pdf_surface_set_metadata(s->surface, CAIRO_PDF_METADATA_CREATOR, "pantau");
    s->cr = cairo_create(s->surface);
    if (cairo_status(s->cr) != CAIRO_STATUS_SUCCESS) {
        host->set_error(host->host_data, "%s: %s", options->output_path,
                        cairo_status_to_string(cairo_status(s->cr)));
        goto fail;
    }
    s->font_map = pango_cairo_font_map_new();
    s->context = s->font_map ? pango_font_map_create_context(s->font_map) : NULL;
    if (!s->context) {
        host->set_error(host->host_data, "cannot set up fonts (pango)");
        goto fail;
    }
    /* Points are the surface's unit: 72 "dpi" makes a 10 pt font 10 units tall. */
    pango_cairo_context_set_resolution(s->context, 72.0);
    pango_cairo_update_context(s->cr, s->context);
    s->layout = pango_layout_new(s->context);
    s->normal = pango_font_description_from_string(FONT_FAMILY " 9.5");
    s->bold = pango_font_description_from_string(FONT_FAMILY " Bold 9.5");
    s->small = pango_font_description_from_string(FONT_FAMILY " 7");
    s->title = pango_font_description_from_string(FONT_FAMILY " Bold 14");
    *state = s;
    return 0;
fail:
    release(s);
    rt_output_close(&s->out, host, s->f, 0);
    free(s);
    return -1;
}

static int pdf_end(void *state, int ok)
{
    pdf_state *s = state;
    int rc = 0;
    if (ok && s->n_visits == 0) {
        /* An empty selection still gives a valid document saying so. */
        snprintf(s->footer, sizeof s->footer, "Berita acara pemantauan / penilaian");
        new_page(s);
        paragraph(s, "BERITA ACARA PEMANTAUAN / PENILAIAN", s->title, CENTER, 12);
        paragraph(s, "Tidak ada kunjungan yang dipilih.", s->normal, CENTER, 0);
    }
    if (ok)
        finish_page(s);
    cairo_surface_finish(s->surface);
    cairo_status_t st = cairo_surface_status(s->surface);
    if (ok && st != CAIRO_STATUS_SUCCESS) {
        s->host->set_error(s->host->host_data, "%s: %s", s->out.final_path,
                           cairo_status_to_string(st));
        ok = 0, rc = -1;
    }
    release(s);
    if (rt_output_close(&s->out, s->host, s->f, ok) != 0)
        rc = -1;
    free(s);
    return rc;
}

static const pt_export_ops pdf_ops = {
    .size = sizeof(pt_export_ops),
    .file_extension = "pdf",
    .begin = pdf_begin,
    .record = pdf_record,
    .end = pdf_end,
};

static const pt_plugin_descriptor pdf_descriptor = {
    .abi_major = PT_PLUGIN_ABI_MAJOR,
    .abi_minor = PT_PLUGIN_ABI_MINOR,
    .size = sizeof(pt_plugin_descriptor),
    .name = "pdf",
    .version = "1.0.0",
    .description = "a BERITA ACARA per visit (A4) with a signature block",
    .kind = PT_PLUGIN_KIND_EXPORT,
    .export_ops = &pdf_ops,
    .notify_ops = NULL,
};

PT_PLUGIN_EXPORT_SYMBOL const pt_plugin_descriptor *PT_PLUGIN_ENTRY(void)
{
    return &pdf_descriptor;
}
