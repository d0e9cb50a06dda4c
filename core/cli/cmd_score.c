/* pantau score VISIT_ID | --all: scoring stored visits, and how a score is shown. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json_views.h"
#include "output.h"

static const char help_score[] =
    "Usage: pantau score VISIT_ID [--json]\n"
    "       pantau score --all [--json]\n"
    "\n"
    "Scores a stored visit with the checklist version it was recorded against and that\n"
    "checklist's script (from the scripts folder, --scripts DIR), and stores the result with\n"
    "the checklist's and the script's sha256. Scoring again replaces the stored score, so it\n"
    "is idempotent. --all scores every visit, compiling each script once; it shows progress\n"
    "on stderr when stderr is a terminal, prints \"scored N visits\" and stops at the first\n"
    "visit that fails (the scores already written stay).\n";

static int severity_rank(const char *s)
{
    static const char *const order[] = {"kritis", "tinggi", "sedang", "rendah"};
    for (int i = 0; i < 4; i++)
        if (s && strcmp(s, order[i]) == 0) return i;
    return 4;
}

const pt_flag *cli_worst_flag(const pt_score *score)
{
    const pt_flag *worst = NULL;
    for (size_t i = 0; i < score->n_flags; i++)
        if (!worst || severity_rank(score->flags[i].severity) < severity_rank(worst->severity))
            worst = &score->flags[i];
    return worst;
}

void cli_score_print(const pt_score *s)
{
    char a[32], b[32];
    printf("visit %" PRId64 ": total %s/%s, grade %s (%s)", s->visit_id,
           out_number(a, sizeof a, s->total), out_number(b, sizeof b, s->max),
           s->grade && *s->grade ? s->grade : "-", s->grade_label ? s->grade_label : "");
    if (s->valid_until && *s->valid_until) printf(", valid until %s", s->valid_until);
    printf("\n");
    if (s->scored_at && *s->scored_at) printf("  scored at %s\n", s->scored_at);
    printf("  checklist sha256 %s\n  script sha256    %s\n\n", s->checklist_sha256, s->script_sha256);

    static const char *const headers[] = {"SECTION", "SCORE", "MAX", "JUSTIFICATION"};
    out_table *t = out_table_new(4, headers, ".rr.");
    for (size_t i = 0; t && i < s->n_sections; i++) {
        char sc[32], mx[32], just[512];
        const char *row[] = {s->sections[i].section_id, out_number(sc, sizeof sc, s->sections[i].score),
                             out_number(mx, sizeof mx, s->sections[i].max),
                             out_truncate(just, sizeof just, s->sections[i].justification, 300)};
        if (out_table_add(t, row) != 0) break;
    }
    if (t) out_table_print(t, stdout);
    out_table_free(t);

    printf("\nflags (%zu)\n", s->n_flags);
    for (size_t i = 0; i < s->n_flags; i++) {
        const pt_flag *f = &s->flags[i];
        printf("  [%s] %s", f->severity, f->code);
        if (f->item_id && *f->item_id) printf(" %s", f->item_id);
        if (f->agency && *f->agency) printf(" (%s)", f->agency);
        printf(": %s\n", f->message ? f->message : "");
    }
}

/* A progress line for people watching; never on a pipe, where it would only be noise. */
static void progress(int done, int total, void *payload)
{
    (void)payload;
    fprintf(stderr, "\rscoring %d/%d", done, total);
    fflush(stderr);
}

int cmd_score(const cli_globals *g, int argc, char **argv)
{
    /* the professional override and the stored score beside it (cmd_override.c) */
    if (argc > 1 && strcmp(argv[1], "override") == 0) return cmd_score_override(g, argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "show") == 0) return cmd_score_show(g, argc - 1, argv + 1);
    char *pos[argc];
    int n_pos, help, all = 0, as_json = 0;
    const cli_opt opts[] = {{"--all", 0, NULL, &all}, {"--json", 0, NULL, &as_json}};
    int rc = cli_parse("score", argc, argv, opts, 2, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_score);
    if (all && n_pos) return cli_usage("score", "give a visit id or --all, not both");
    if (!all && n_pos != 1)
        return cli_usage("score", n_pos ? "give one visit id" : "no visit id given (or --all)");
    int64_t id = 0;
    if (!all && cli_parse_id(pos[0], &id) != 0)
        return cli_usage("score", "'%s' is not a visit id", pos[0]);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    if (all) {
        int tty = isatty(STDERR_FILENO);
        int n = 0;
        int r = pt_score_all(ctx, tty ? progress : NULL, NULL, &n);
        if (tty) fputs("\r\033[K", stderr);   /* clear the progress line */
        if (r != PT_OK) {
            rc = cli_fail();
        } else if (as_json) {
            json_t *doc = json_object();
            if (doc) json_object_set_new(doc, "scored", json_integer(n));
            int64_t by_state[PT_STATE_DECIDED + 1];
            json_t *left = json_object();
            if (doc && left && pt_visit_count_states(ctx, by_state) == PT_OK)
                for (int s = PT_STATE_DRAFT; s <= PT_STATE_DECIDED; s++)
                    if (s != PT_STATE_SUBMITTED && s != PT_STATE_SCORED)
                        json_object_set_new(left, pt_visit_state_name((pt_visit_state)s),
                                            json_integer(by_state[s]));
            if (doc) json_object_set_new(doc, "not_scored", left);
            else json_decref(left);
            rc = out_json_print(doc);
        } else {
            printf("scored %d visit%s\n", n, n == 1 ? "" : "s");
            /* the others are not forgotten: say where they are in their life cycle */
            int64_t by_state[PT_STATE_DECIDED + 1];
            if (pt_visit_count_states(ctx, by_state) == PT_OK) {
                const pt_visit_state left[] = {PT_STATE_DRAFT, PT_STATE_RETURNED,
                                               PT_STATE_UNDER_REVIEW, PT_STATE_DECIDED};
                for (size_t i = 0; i < sizeof left / sizeof left[0]; i++)
                    if (by_state[left[i]])
                        printf("not scored: %" PRId64 " %s\n", by_state[left[i]],
                               pt_visit_state_name(left[i]));
            }
        }
    } else {
        /* Print what the database now holds, read back: the record the board will see. */
        pt_score *score = NULL;
        if (pt_score_visit(ctx, id, NULL) != PT_OK || pt_score_get(ctx, id, &score) != PT_OK) {
            rc = cli_fail();
        } else if (as_json) {
            rc = out_json_print(jv_score(score));
        } else {
            cli_score_print(score);
        }
        if (score) pt_score_free(score);
    }
    cli_notify_after(g, ctx, rc != CLI_OK);   /* --all keeps the scores before a failure */
    pt_close(ctx);
    return rc;
}
