/*
 * People: pantau user add|list|passwd|disable, pantau login|logout|whoami, and how every
 * command says who runs it (cli_authenticate, called by cli_open). Passwords are read from
 * the terminal without echo, or as lines of stdin with --password-stdin; who may do what is
 * the library's decision (authz.c), never this file's.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "output.h"

#define PASSWORD_BUF 1100 /* the library refuses more than 1024 bytes */

static const char help_user[] =
    "Usage: pantau user add NAME --role ROLE --agency AGENCY [--full-name TEXT]\n"
    "       pantau user list [--json]\n"
    "       pantau user passwd NAME\n"
    "       pantau user disable NAME\n"
    "\n"
    "Roles: admin (administrator), inspector, assessor, board (board member), officer\n"
    "(agency officer). AGENCY is the user's agency: Dinas Sosial, Satpol PP, DP3A, BALKS,\n"
    "Polres ..., Kecamatan ... While the database has no users, pantau runs as the local\n"
    "administrator; the first user added must be an administrator, and from then on every\n"
    "command needs --user NAME or --token TOKEN. New passwords (8 characters or more) are read\n"
    "twice from the terminal without echo, or once as the next line of stdin with\n"
    "--password-stdin (after the acting user's own password when --user is given).\n"
    "Only an administrator adds, lists and disables users and sets another's password; every\n"
    "user may change their own. Users are never deleted, only disabled.\n";

static const char help_login[] =
    "Usage: pantau login --user NAME [--password-stdin]\n"
    "\n"
    "Checks NAME's password and prints a login token, valid for 12 hours, for --token or\n"
    "$PANTAU_TOKEN:  export PANTAU_TOKEN=$(pantau login --user budi)\n"
    "The token is shown only this once; pantau keeps only its sha256.\n";

static const char help_logout[] =
    "Usage: pantau logout [--token TOKEN]\n"
    "\n"
    "Ends the login token given by --token or $PANTAU_TOKEN.\n";

static const char help_whoami[] =
    "Usage: pantau whoami [--json]\n"
    "\n"
    "Prints who the command runs as: NAME (ROLE, AGENCY), or the local administrator while\n"
    "the database has no users. --json: {name, full_name, role, role_title, agency,\n"
    "single_user}.\n";

/* ---- passwords ---- */

/* Reads one line into buf (without its line break). 0, or -1 at end of input / too long. */
static int read_line(FILE *f, char *buf, size_t size)
{
    if (!fgets(buf, (int)size, f)) return -1;
    size_t n = strlen(buf);
    if (n > 0 && buf[n - 1] != '\n' && !feof(f)) return -1; /* longer than any password */
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) buf[--n] = '\0';
    return 0;
}

/* The terminal's settings while echo is off, for the signal handler: Ctrl-C (or a kill) at
 * the password prompt must not leave the user's shell without echo. */
static struct termios echo_saved;
static volatile sig_atomic_t echo_fd = -1;
static const int prompt_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
#define N_PROMPT_SIGNALS (sizeof prompt_signals / sizeof prompt_signals[0])

static void restore_echo_and_die(int sig)
{
    if (echo_fd >= 0) tcsetattr(echo_fd, TCSAFLUSH, &echo_saved); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Reads a password: the next line of stdin with --password-stdin, else from the terminal
 * with echo off. CLI_OK, or CLI_FAIL after printing why. */
static int read_password(const cli_globals *g, const char *prompt, char *buf, size_t size)
{
    if (g->password_stdin) {
        if (read_line(stdin, buf, size) != 0)
            return cli_failf("--password-stdin: no password line on stdin (%s)", prompt);
        return CLI_OK;
    }
    /* /dev/tty, not stdin: the password never comes from a file redirected by mistake, and
     * echo is turned off on the terminal itself. */
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    FILE *tty = fd >= 0 ? fdopen(fd, "r+") : NULL;
    if (!tty) {
        if (fd >= 0) close(fd);
        return cli_failf("no terminal to read the password from: use --password-stdin or --token");
    }
    struct termios old, quiet;
    struct sigaction previous[N_PROMPT_SIGNALS];
    int have_termios = tcgetattr(fd, &old) == 0;
    if (have_termios) {
        echo_saved = old;
        echo_fd = fd;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = restore_echo_and_die;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < N_PROMPT_SIGNALS; i++) sigaction(prompt_signals[i], &sa, &previous[i]);
        quiet = old;
        quiet.c_lflag &= (tcflag_t)~ECHO;
        quiet.c_lflag |= ECHONL;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    fprintf(tty, "%s: ", prompt);
    fflush(tty);
    int rc = read_line(tty, buf, size);
    if (have_termios) {
        tcsetattr(fd, TCSAFLUSH, &old);
        echo_fd = -1;
        for (size_t i = 0; i < N_PROMPT_SIGNALS; i++) sigaction(prompt_signals[i], &previous[i], NULL);
    }
    fclose(tty);
    return rc == 0 ? CLI_OK : cli_failf("no password read");
}

/* A new password: twice from the terminal (they must match), once from stdin. */
static int read_new_password(const cli_globals *g, const char *name, char *buf, size_t size)
{
    char prompt[128];
    snprintf(prompt, sizeof prompt, "New password for %s", name);
    int rc = read_password(g, prompt, buf, size);
    if (rc != CLI_OK || g->password_stdin) return rc;
    char again[PASSWORD_BUF];
    rc = read_password(g, "Again", again, sizeof again);
    if (rc == CLI_OK && strcmp(buf, again) != 0) rc = cli_failf("the passwords do not match");
    sodium_memzero(again, sizeof again);
    return rc;
}

/* --token, else $PANTAU_TOKEN (empty counts as unset). */
static const char *given_token(const cli_globals *g)
{
    if (g->token) return g->token;
    const char *env = getenv("PANTAU_TOKEN");
    return env && *env ? env : NULL;
}

int cli_authenticate(const cli_globals *g, pt_ctx *ctx)
{
    int64_t n_users = 0;
    if (pt_user_count(ctx, &n_users) != PT_OK) return cli_fail();
    if (n_users == 0) {
        /* Single-user mode. A name or token given on the command line means the person
         * expects users: say there are none rather than ignore it. $PANTAU_TOKEN may be left
         * over from another database and is ignored. */
        if (g->user || g->token)
            return cli_failf("%s: the database has no users (single-user mode: pantau runs as "
                             "the local administrator; 'pantau user add' adds the first)",
                             g->user ? "--user" : "--token");
        return CLI_OK;
    }
    int rc;
    if (g->user) {
        char password[PASSWORD_BUF], prompt[128];
        snprintf(prompt, sizeof prompt, "Password for %s", g->user);
        rc = read_password(g, prompt, password, sizeof password);
        if (rc != CLI_OK) return rc;
        rc = pt_authenticate_password(ctx, g->user, password);
        sodium_memzero(password, sizeof password);
    } else if (given_token(g)) {
        rc = pt_authenticate_token(ctx, given_token(g));
    } else {
        return cli_failf("this database has users: say who you are with --user NAME or "
                         "--token TOKEN (see 'pantau login')");
    }
    if (rc == PT_OK) rc = pt_authorize(ctx, PT_ACT_READ);
    return rc == PT_OK ? CLI_OK : cli_fail();
}

/* Opens the database without authenticating (login, logout: they are the authentication). */
static int open_plain(const cli_globals *g, pt_ctx **ctx)
{
    int rc = pt_open(ctx, g->db_path, g->scripts_dir, 0);
    if (rc == PT_OK) return CLI_OK;
    *ctx = NULL;
    if (rc == PT_ENOTFOUND && !strstr(pt_error_last(), "pantau init"))
        return cli_failf("%s (run 'pantau init' to create the database)", pt_error_last());
    return cli_fail();
}

/* ---- user ---- */

static int user_add(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    const char *role_name = NULL, *agency = NULL, *full_name = NULL;
    const cli_opt opts[] = {{"--role", 1, &role_name, NULL},
                            {"--agency", 1, &agency, NULL},
                            {"--full-name", 1, &full_name, NULL}};
    int rc = cli_parse("user add", argc, argv, opts, 3, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_user);
    if (n_pos != 1) return cli_usage("user add", n_pos ? "one user name, please" : "no user name given");
    if (!role_name) return cli_usage("user add", "--role is required");
    if (!agency) return cli_usage("user add", "--agency is required");
    pt_role role;
    if (pt_role_parse(role_name, &role) != PT_OK) return cli_usage("user add", "%s", pt_error_last());

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    /* Refuse before asking for a password nobody may set. */
    if (pt_authorize(ctx, PT_ACT_USER_ADMIN) != PT_OK) {
        pt_close(ctx);
        return cli_fail();
    }
    char password[PASSWORD_BUF];
    rc = read_new_password(g, pos[0], password, sizeof password);
    if (rc == CLI_OK) {
        if (pt_user_add(ctx, pos[0], role, agency, full_name, password, NULL) == PT_OK)
            printf("added user %s (%s, %s)\n", pos[0], pt_role_title(role), agency);
        else
            rc = cli_fail();
    }
    sodium_memzero(password, sizeof password);
    pt_close(ctx);
    return rc;
}

static json_t *user_json(const pt_user_info *u)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", json_integer(u->id));
    json_object_set_new(o, "name", out_jstr(u->name));
    json_object_set_new(o, "full_name", out_jstr(u->full_name));
    json_object_set_new(o, "role", out_jstr(pt_role_name(u->role)));
    json_object_set_new(o, "agency", out_jstr(u->agency));
    json_object_set_new(o, "disabled", json_boolean(u->disabled));
    json_object_set_new(o, "created_at", out_jstr(u->created_at));
    return o;
}

static int list_one(const pt_user_info *u, void *payload)
{
    out_list *list = payload;
    if (list->items) return out_list_add_json(list, user_json(u));
    char full[64];
    const char *cells[] = {u->name, pt_role_title(u->role), u->agency,
                           out_truncate(full, sizeof full, u->full_name ? u->full_name : "", 30),
                           u->disabled ? "disabled" : "active", u->created_at};
    return out_list_add_row(list, cells);
}

static int user_list(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("user list", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_user);
    if (n_pos) return cli_usage("user list", "unexpected argument '%s'", pos[0]);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    static const char *const headers[] = {"NAME", "ROLE", "AGENCY", "FULL NAME", "STATUS",
                                          "CREATED"};
    out_list list;
    if ((rc = out_list_open(&list, as_json, 6, headers, NULL)) != CLI_OK) {
        pt_close(ctx);
        return rc;
    }
    int err = pt_user_foreach(ctx, list_one, &list);
    pt_close(ctx);
    return out_list_finish(&list, err);
}

static int user_passwd(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    int rc = cli_parse("user passwd", argc, argv, NULL, 0, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_user);
    if (n_pos != 1) return cli_usage("user passwd", n_pos ? "one user name, please" : "no user name given");

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    char password[PASSWORD_BUF];
    rc = read_new_password(g, pos[0], password, sizeof password);
    if (rc == CLI_OK) {
        if (pt_user_set_password(ctx, pos[0], password) == PT_OK)
            printf("password changed for %s\n", pos[0]);
        else
            rc = cli_fail();
    }
    sodium_memzero(password, sizeof password);
    pt_close(ctx);
    return rc;
}

static int user_disable(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc];
    int n_pos, help;
    int rc = cli_parse("user disable", argc, argv, NULL, 0, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_user);
    if (n_pos != 1) return cli_usage("user disable", n_pos ? "one user name, please" : "no user name given");

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    if (pt_user_disable(ctx, pos[0]) == PT_OK) printf("disabled user %s\n", pos[0]);
    else rc = cli_fail();
    pt_close(ctx);
    return rc;
}

int cmd_user(const cli_globals *g, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        if (argc < 2) return cli_usage("user", "no subcommand given");
        return cli_help(help_user);
    }
    const char *sub = argv[1];
    if (strcmp(sub, "add") == 0) return user_add(g, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0) return user_list(g, argc - 1, argv + 1);
    if (strcmp(sub, "passwd") == 0) return user_passwd(g, argc - 1, argv + 1);
    if (strcmp(sub, "disable") == 0) return user_disable(g, argc - 1, argv + 1);
    return cli_usage("user", "unknown subcommand '%s'", sub);
}

/* ---- login, logout, whoami ---- */

int cmd_login(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc > 0 ? argc : 1];
    int n_pos, help;
    int rc = cli_parse("login", argc, argv, NULL, 0, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_login);
    if (n_pos) return cli_usage("login", "unexpected argument '%s'", pos[0]);
    if (!g->user) return cli_usage("login", "--user NAME is required");

    pt_ctx *ctx;
    if ((rc = open_plain(g, &ctx)) != CLI_OK) return rc;
    int64_t n_users = 0;
    if (pt_user_count(ctx, &n_users) != PT_OK) rc = cli_fail();
    else if (n_users == 0)
        rc = cli_failf("the database has no users: nothing to log in to (single-user mode)");
    char password[PASSWORD_BUF], prompt[128];
    snprintf(prompt, sizeof prompt, "Password for %s", g->user);
    if (rc == CLI_OK) rc = read_password(g, prompt, password, sizeof password);
    if (rc == CLI_OK) {
        char *token = NULL;
        if (pt_login(ctx, g->user, password, &token) == PT_OK) printf("%s\n", token);
        else rc = cli_fail();
        if (token) sodium_memzero(token, strlen(token));
        free(token);
    }
    sodium_memzero(password, sizeof password);
    pt_close(ctx);
    return rc;
}

int cmd_logout(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc > 0 ? argc : 1];
    int n_pos, help;
    int rc = cli_parse("logout", argc, argv, NULL, 0, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_logout);
    if (n_pos) return cli_usage("logout", "unexpected argument '%s'", pos[0]);
    const char *token = given_token(g);
    if (!token) return cli_usage("logout", "no token: give --token TOKEN or set $PANTAU_TOKEN");

    pt_ctx *ctx;
    if ((rc = open_plain(g, &ctx)) != CLI_OK) return rc;
    if (pt_logout(ctx, token) == PT_OK) printf("logged out\n");
    else rc = cli_fail();
    pt_close(ctx);
    return rc;
}

int cmd_whoami(const cli_globals *g, int argc, char **argv)
{
    char *pos[argc > 0 ? argc : 1];
    int n_pos, help, as_json = 0;
    const cli_opt opts[] = {{"--json", 0, NULL, &as_json}};
    int rc = cli_parse("whoami", argc, argv, opts, 1, pos, &n_pos, &help);
    if (rc != CLI_OK) return rc;
    if (help) return cli_help(help_whoami);
    if (n_pos) return cli_usage("whoami", "unexpected argument '%s'", pos[0]);

    pt_ctx *ctx;
    if ((rc = cli_open(g, &ctx, 0)) != CLI_OK) return rc;
    pt_user_info u;
    if (pt_whoami(ctx, &u) != PT_OK) {
        pt_close(ctx);
        return cli_fail();
    }
    int single = u.id == 0;
    if (as_json) {
        json_t *o = json_object();
        if (o) {
            json_object_set_new(o, "name", out_jstr(u.name));
            json_object_set_new(o, "full_name", out_jstr(single ? NULL : u.full_name));
            json_object_set_new(o, "role", out_jstr(pt_role_name(u.role)));
            json_object_set_new(o, "role_title", out_jstr(pt_role_title(u.role)));
            json_object_set_new(o, "agency", out_jstr(single ? NULL : u.agency));
            json_object_set_new(o, "single_user", json_boolean(single));
        }
        rc = out_json_print(o);
    } else if (single) {
        printf("local administrator (the database has no users: single-user mode)\n");
    } else {
        printf("%s (%s, %s)%s%s\n", u.name, pt_role_title(u.role), u.agency,
               u.full_name ? ": " : "", u.full_name ? u.full_name : "");
    }
    pt_close(ctx);
    return rc;
}
