/*
 * What the command's files share: the global options, the command entry points, option parsing
 * and the two ways a command fails (exit 1: the library's message; exit 2: a usage error).
 *
 * Every command function returns the process exit code: 0 success, 1 failure, 2 usage error.
 * The command code stays thin: it parses arguments, calls libpantau and prints; all logic is
 * in the library.
 */
#ifndef PANTAU_CLI_H
#define PANTAU_CLI_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pantau/pantau.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* The global options, resolved once in main.c. Strings are borrowed from argv, the
 * environment or paths.c's static buffers and live for the whole run. */
typedef struct cli_globals {
    const char *db_path;       /* --db, else $PANTAU_DB, else ./pantau.db */
    const char *scripts_dir;   /* --scripts, else paths.c's search */
    const char *config_path;   /* --config, else $PANTAU_CONFIG; NULL: pantau.conf beside the
                                  database if it exists (cmd_notify.c decides) */
    const char *user;          /* --user NAME: authenticate with NAME's password (cmd_user.c) */
    const char *token;         /* --token T; NULL: $PANTAU_TOKEN is used when set */
    int password_stdin;        /* --password-stdin: passwords are lines of stdin, not the tty */
} cli_globals;

/* Command groups (argv[0] is the command's own name). */
int cmd_init(const cli_globals *g, int argc, char **argv);
int cmd_checklist(const cli_globals *g, int argc, char **argv);
int cmd_institution(const cli_globals *g, int argc, char **argv);
int cmd_visit(const cli_globals *g, int argc, char **argv);
int cmd_score(const cli_globals *g, int argc, char **argv);
int cmd_summary(const cli_globals *g, int argc, char **argv);
int cmd_plugin(const cli_globals *g, int argc, char **argv);
int cmd_export(const cli_globals *g, int argc, char **argv);
int cmd_notify(const cli_globals *g, int argc, char **argv);
int cmd_audit(const cli_globals *g, int argc, char **argv);
int cmd_review(const cli_globals *g, int argc, char **argv);
int cmd_decision(const cli_globals *g, int argc, char **argv);
int cmd_finding(const cli_globals *g, int argc, char **argv);
int cmd_sanction(const cli_globals *g, int argc, char **argv);
int cmd_agenda(const cli_globals *g, int argc, char **argv);
/* `score override` and `score show` (cmd_override.c), reached through cmd_score */
int cmd_score_override(const cli_globals *g, int argc, char **argv);
int cmd_score_show(const cli_globals *g, int argc, char **argv);
int cmd_user(const cli_globals *g, int argc, char **argv);
int cmd_login(const cli_globals *g, int argc, char **argv);
int cmd_logout(const cli_globals *g, int argc, char **argv);
int cmd_whoami(const cli_globals *g, int argc, char **argv);

/* Says who runs the command (cmd_user.c), called by cli_open on every database it opens:
 * nothing while the database has no users (single-user mode); otherwise --user NAME with a
 * password (terminal, or stdin with --password-stdin), or --token / $PANTAU_TOKEN. Then
 * checks the user may read. CLI_OK, or CLI_FAIL after printing the error. */
int cli_authenticate(const cli_globals *g, pt_ctx *ctx);

/* After a command stored data that may have raised events (visit import, score): routes and
 * delivers them when a notification configuration exists (cmd_notify.c). Never fails the
 * command: a delivery that fails is queued, and problems are one warning line on stderr
 * (none when quiet: the command already failed and prints its own one line). */
void cli_notify_after(const cli_globals *g, pt_ctx *ctx, int quiet);

/* ---- failing ---- */

/* Prints "pantau: <pt_error_last()>" on stderr as ONE line (line breaks in a multi-part
 * message become "; ") and returns CLI_FAIL. */
int cli_fail(void);
/* Prints "pantau: <message>" on stderr and returns CLI_FAIL, for failures found by the
 * command itself. */
int cli_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "pantau: <message> (see 'pantau <help_for> --help')" on stderr and returns
 * CLI_USAGE. help_for names the command, e.g. "checklist load". */
int cli_usage(const char *help_for, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints a help text on stdout and returns CLI_OK. */
int cli_help(const char *text);

/* ---- options ---- */

/* One option a (sub)command accepts. Flags set *flag to 1; options with a value set *value
 * to the argument (borrowed from argv). */
typedef struct cli_opt {
    const char *name;          /* "--json" */
    int takes_value;
    const char **value;        /* when takes_value */
    int *flag;                 /* when not */
} cli_opt;

/* Parses argv[1..argc-1] (argv[0] is the (sub)command's name) against opts (n_opts of them).
 * "--name value" and "--name=value" both work; "--" ends the options. Positional arguments are
 * collected into pos (an array of argc pointers the caller provides) and counted in *n_pos.
 * "--help" or "-h" sets *help. Unknown options are usage errors.
 * Returns CLI_OK, or CLI_USAGE after printing the error. */
int cli_parse(const char *help_for, int argc, char **argv, const cli_opt *opts, size_t n_opts,
              char **pos, int *n_pos, int *help);

/* Opens the database named by the global options; create for `pantau init`. On failure prints
 * the error (with a hint to run `pantau init` when the file is missing) and returns CLI_FAIL. */
int cli_open(const cli_globals *g, pt_ctx **ctx, int create);

/* ---- scores (cmd_score.c), shared by score, visit show and summary; their JSON is
 * json_views.h's ---- */

/* The score for people: total, grade, sections and flags. */
void cli_score_print(const pt_score *score);
/* The most severe flag (kritis > tinggi > sedang > rendah, then the first), or NULL. */
const pt_flag *cli_worst_flag(const pt_score *score);

/* The id of the institution that key names (an id or a registration number), for options such
 * as --institution; *id is 0 when key is NULL. PT_OK, or the library's error (not printed). */
int cli_institution_id(pt_ctx *ctx, const char *key, int64_t *id);

/* Parses a visit id: a positive integer. 0 on success, -1 if s is not one. */
int cli_parse_id(const char *s, int64_t *out);

#endif
