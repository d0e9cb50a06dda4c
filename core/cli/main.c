/*
 * pantau: the command. Resolves the global options (which may come before or after the
 * command), then hands the rest of the arguments to the command group.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "paths.h"

#ifndef PANTAU_VERSION
#define PANTAU_VERSION PT_VERSION_STRING
#endif

typedef struct command {
    const char *name;
    int (*run)(const cli_globals *g, int argc, char **argv);
} command;

static const command commands[] = {
    {"init", cmd_init},
    {"checklist", cmd_checklist},
    {"institution", cmd_institution},
    {"visit", cmd_visit},
    {"score", cmd_score},
    {"summary", cmd_summary},
    {"plugin", cmd_plugin},
    {"export", cmd_export},
    {"notify", cmd_notify},
    {"review", cmd_review},
    {"decision", cmd_decision},
    {"finding", cmd_finding},
    {"sanction", cmd_sanction},
    {"agenda", cmd_agenda},
    {"audit", cmd_audit},
    {"user", cmd_user},
    {"login", cmd_login},
    {"logout", cmd_logout},
    {"whoami", cmd_whoami},
};

static void print_main_help(void)
{
    printf("Usage: pantau [--db FILE] [--scripts DIR] [--config FILE] COMMAND [ARGS...]\n"
           "\n"
           "Inspection and accreditation of child welfare institutions (LKS/LKSA).\n"
           "\n"
           "Commands:\n"
           "  init                      create or migrate the database\n"
           "  checklist validate|load|list|show\n"
           "                            check, store and read the standards (checklist XML)\n"
           "  institution add|list|show|update|import\n"
           "                            the homes that are registered, visited and accredited\n"
           "  visit import|list|show    record visits from CSV or XML files and read them\n"
           "  visit new|assign|answer|answers|reconcile|submit|history\n"
           "                            draft visits, joint visits by several agencies, the steps\n"
           "  score VISIT_ID | --all    score visits with their checklist's script\n"
           "  score override VISIT ...  override a section score or grade, with a rationale\n"
           "  review open|declare|vote|decide|return|appeal|correct|withdraw|list|show\n"
           "                            reviews of scored visits and board decisions\n"
           "  decision list|show|verify decisions and the evidence they were based on\n"
           "  finding add|from-visit|plan|close|list|show|escalate\n"
           "                            follow-up of findings to a verified fix (tindak lanjut)\n"
           "  sanction add|list         the sanction ladder of joint monitoring\n"
           "  agenda                    what each agency must do this week\n"
           "  summary                   one line per visit: total, grade and the worst flag\n"
           "  plugin list               the export formats and notification channels found\n"
           "  export --format NAME ... -o FILE\n"
           "                            write visits to a file (csv, json, ...)\n"
           "  notify list|retry         the notification queue: deliveries and retries\n"
           "  audit verify|list         the hash-chained log of every change: check it, read it\n"
           "  user add|list|passwd|disable\n"
           "                            people, their roles and agencies\n"
           "  login | logout | whoami   a login token for --token; who you are\n"
           "  help [COMMAND [SUB]]      this text, or a command's\n"
           "\n"
           "Global options (before or after the command):\n"
           "  --db FILE        the database (default: $PANTAU_DB, else ./pantau.db)\n"
           "  --scripts DIR    the scoring scripts folder (default: $PANTAU_SCRIPTS, else the\n"
           "                   installed or source tree's scripts/)\n"
           "  --config FILE    the notification configuration (default: $PANTAU_CONFIG, else\n"
           "                   pantau.conf beside the database when it exists)\n"
           "  --user NAME      act as NAME (password from the terminal, or stdin with\n"
           "                   --password-stdin); needed once the database has users\n"
           "  --token TOKEN    act with a token from 'pantau login' (default: $PANTAU_TOKEN)\n"
           "  --help           help; every command and subcommand takes --help too\n"
           "  --version        print the version\n"
           "\n"
           "Lists and shows take --json and print one JSON document (see docs/commands.md).\n"
           "Exit status: 0 success, 1 failure (one line on stderr), 2 usage error.\n"
           "\n"
           "Scripts folder:    %s\n"
           "Checklists folder: %s\n",
           paths_scripts_dir(NULL), paths_checklists_dir());
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

/* Takes "--NAME VALUE" or "--NAME=VALUE" at argv[*i]; returns 1 and sets *value when it is
 * the option, -1 when its value is missing, 0 when argv[*i] is something else. */
static int take_global(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') return 0;
    if (*i + 1 >= argc) return -1;
    *value = argv[++*i];
    return 1;
}

int main(int argc, char **argv)
{
    /* The global options are taken out wherever they are, so `pantau visit list --db x.db`
     * and `pantau --db x.db visit list` mean the same; the rest keeps its order. */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest) return cli_failf("out of memory");
    int n_rest = 0;
    const char *db = NULL, *scripts = NULL, *config = NULL, *user = NULL, *token = NULL;
    int password_stdin = 0;
    int after_dashdash = 0;
    for (int i = 1; i < argc; i++) {
        if (!after_dashdash) {
            if (strcmp(argv[i], "--") == 0) after_dashdash = 1;
            int r = take_global(argc, argv, &i, "--db", &db);
            if (r == 0) r = take_global(argc, argv, &i, "--scripts", &scripts);
            if (r == 0) r = take_global(argc, argv, &i, "--config", &config);
            if (r == 0) r = take_global(argc, argv, &i, "--user", &user);
            if (r == 0) r = take_global(argc, argv, &i, "--token", &token);
            if (r == 0 && strcmp(argv[i], "--password-stdin") == 0) {
                password_stdin = 1;
                continue;
            }
            if (r < 0) {
                free(rest);
                return cli_usage(NULL, "option '%s' needs a value", argv[i]);
            }
            if (r > 0) continue;
        }
        rest[n_rest++] = argv[i];
    }

    cli_globals g;
    if (db && !*db) {
        free(rest);
        return cli_usage(NULL, "--db needs a file name");
    }
    if (!db) db = getenv("PANTAU_DB");
    g.db_path = db && *db ? db : "pantau.db";
    g.scripts_dir = paths_scripts_dir(scripts);
    if (config && !*config) {
        free(rest);
        return cli_usage(NULL, "--config needs a file name");
    }
    if (!config) config = getenv("PANTAU_CONFIG");
    g.config_path = config && *config ? config : NULL;
    g.user = user;
    g.token = token;
    g.password_stdin = password_stdin;
    if ((user && !*user) || (token && !*token) || (user && token)) {
        free(rest);
        return cli_usage(NULL, "%s", (user && token) ? "give --user or --token, not both"
                                                     : "--user and --token need a value");
    }

    int rc;
    if (n_rest == 0) {
        rc = cli_usage(NULL, "no command given");
    } else if (strcmp(rest[0], "--help") == 0 || strcmp(rest[0], "-h") == 0 ||
               (strcmp(rest[0], "help") == 0 && n_rest == 1)) {
        print_main_help();
        rc = CLI_OK;
    } else if (strcmp(rest[0], "--version") == 0) {
        printf("pantau %s\n", PANTAU_VERSION);
        rc = CLI_OK;
    } else if (strcmp(rest[0], "help") == 0) {
        /* "help COMMAND [SUB]" is "COMMAND [SUB] --help" */
        const command *c = find_command(rest[1]);
        if (!c) {
            rc = cli_usage(NULL, "unknown command '%s'", rest[1]);
        } else {
            char *args[4] = {rest[1], n_rest > 2 ? rest[2] : "--help", "--help", NULL};
            rc = c->run(&g, n_rest > 2 ? 3 : 2, args);
        }
    } else if (rest[0][0] == '-') {
        rc = cli_usage(NULL, "unknown option '%s'", rest[0]);
    } else {
        const command *c = find_command(rest[0]);
        rc = c ? c->run(&g, n_rest, rest) : cli_usage(NULL, "unknown command '%s'", rest[0]);
    }
    free(rest);
    if (fflush(stdout) != 0 && rc == CLI_OK) rc = cli_failf("cannot write the output");
    return rc;
}
