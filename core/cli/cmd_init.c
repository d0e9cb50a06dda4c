/* pantau init: create the database, or bring an existing one to the latest schema. */
#include <stdio.h>

#include "cli.h"

static const char help_init[] =
    "Usage: pantau init\n"
    "\n"
    "Creates the database (--db FILE, $PANTAU_DB or ./pantau.db) or applies the schema\n"
    "migrations an existing one lacks. Running it again is harmless.\n";

int cmd_init(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc > 0 ? argc : 1];
    int n_pos, help;
    int rc = cli_parse("init", argc, argv, NULL, 0, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_init);
    if (n_pos > 0) return cli_usage("init", "unexpected argument '%s'", pos[0]);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 1)) != CLI_OK) return rc;
    printf("initialised %s (schema %d)\n", g->db_path, pt_schema_version(ctx));
    pt_close(ctx);
    return CLI_OK;
}
