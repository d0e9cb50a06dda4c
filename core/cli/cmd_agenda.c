/* pantau agenda: what each agency must do this week (agenda.h computes it). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "output.h"
#include "pantau/agenda.h"

static const char help_agenda[] =
    "Usage: pantau agenda [--agency A] [--today YYYY-MM-DD] [--days N] [--json]\n"
    "\n"
    "What each agency must do, grouped by agency: findings overdue (finding.overdue) and due\n"
    "within N days (finding.due, default 7), for each agency a finding names; accreditations\n"
    "in force and registrations that end within 90 days (accreditation.expiring,\n"
    "registration.expiring: the Dinas Sosial's, which proposes the renewal and keeps the\n"
    "register); homes not visited for over a year or never (visit.overdue: the Dinas\n"
    "Sosial's; unregistered homes included). --agency keeps one agency (\"Dinas Sosial\" also\n"
    "matches \"Dinas Sosial Kota Tangerang\"). --today defaults to today (UTC).\n"
    "--json prints {\"today\", \"days\", \"items\": [...]}, items ordered by agency, kind, date\n"
    "(keys in docs/commands.md).\n";

typedef struct agenda_state {
    json_t *items;               /* --json */
    out_table *table;            /* the current agency's table */
    char agency[160];            /* the current agency */
    int n_rows;
    int failed;
} agenda_state;

static void flush_table(agenda_state *s)
{
    if (!s->table) return;
    out_table_print(s->table, stdout);
    out_table_free(s->table);
    s->table = NULL;
}

static json_t *row_json(const pt_agenda_row *r)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "agency", out_jstr(r->agency));
    json_object_set_new(o, "kind", out_jstr(r->kind));
    json_object_set_new(o, "institution_id", json_integer(r->institution_id));
    json_object_set_new(o, "institution_name", out_jstr(r->institution_name));
    json_object_set_new(o, "date", out_jstr(r->date));
    json_object_set_new(o, "days", r->date ? json_integer(r->days) : json_null());
    json_object_set_new(o, "severity", out_jstr(r->severity));
    json_object_set_new(o, "text", out_jstr(r->text));
    json_object_set_new(o, "finding_id", r->finding_id ? json_integer(r->finding_id) : json_null());
    json_object_set_new(o, "decision_id", r->decision_id ? json_integer(r->decision_id) : json_null());
    return o;
}

static int one_row(const pt_agenda_row *r, void *payload)
{
    agenda_state *s = payload;
    s->n_rows++;
    if (s->items) {
        json_t *o = row_json(r);
        if (!o || json_array_append_new(s->items, o) != 0) {
            s->failed = 1;
            return 1;
        }
        return 0;
    }
    if (!s->table || strcmp(s->agency, r->agency) != 0) {
        flush_table(s);
        printf("%s%s\n", s->n_rows > 1 ? "\n" : "", r->agency);
        snprintf(s->agency, sizeof s->agency, "%s", r->agency);
        static const char *const headers[] = {"KIND", "DATE", "INSTITUTION", "TO DO"};
        s->table = out_table_new(4, headers, NULL);
        if (!s->table) {
            s->failed = 1;
            return 1;
        }
    }
    char name[160], text[400];
    const char *row[] = {r->kind, r->date ? r->date : "-",
                         out_truncate(name, sizeof name, r->institution_name, 28),
                         out_truncate(text, sizeof text, r->text, 110)};
    if (out_table_add(s->table, row) != 0) {
        s->failed = 1;
        return 1;
    }
    return 0;
}

int cmd_agenda(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const char *agency = NULL, *today = NULL, *days_text = NULL;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}, {"--agency", 1, &agency, NULL},
                            {"--today", 1, &today, NULL}, {"--days", 1, &days_text, NULL}};
    int rc = cli_parse("agenda", argc, argv, opts, 4, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_agenda);
    if (n_pos) return cli_usage("agenda", "unexpected argument '%s'", pos[0]);
    int64_t days = PT_AGENDA_DAYS;
    if (days_text && (cli_parse_id(days_text, &days) != 0 || days > 3660))
        return cli_usage("agenda", "--days '%s': give a number of days from 1 to 3660", days_text);
    char day[11];
    if (!today) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
        today = day;
    }

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    agenda_state s = {0};
    if (as_json && !(s.items = json_array())) {
        pt_close(ctx);
        return cli_failf("out of memory");
    }
    int walk = pt_agenda_foreach(ctx, today, agency, (int)days, one_row, &s);
    pt_close(ctx);
    if (walk || s.failed) {
        json_decref(s.items);
        out_table_free(s.table);
        return s.failed ? cli_failf("out of memory") : cli_fail();
    }
    if (as_json) {
        json_t *doc = json_object();
        if (doc) {
            json_object_set_new(doc, "today", json_string(today));
            json_object_set_new(doc, "days", json_integer(days));
            json_object_set_new(doc, "items", s.items);
        } else {
            json_decref(s.items);
        }
        return out_json_print(doc);
    }
    flush_table(&s);
    if (s.n_rows == 0)
        printf("nothing on the agenda%s%s (today %s, findings due within %d days)\n",
               agency ? " of " : "", agency ? agency : "", today, (int)days);
    return CLI_OK;
}
