/* The command line: flags, help and output. The engine does the work. */
#ifndef KRILL_CLI_H
#define KRILL_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "container/container.h"
#include "base/error.h"

typedef struct cli_global
{
  const char *root;
  const char *log_path;
  const char *log_format; /* "text" or "json" */
  bool debug;
  bool systemd_cgroup;
  const char *rootless; /* "true", "false", "auto" */
} cli_global;

/* One flag of a command: long name, optional short letter, and either a
 * string value or a boolean. */
typedef struct cli_opt
{
  const char *name;
  char short_name;
  const char **value; /* takes a value when set */
  bool *flag;         /* boolean when set */
  const char *help;
} cli_opt;

/* Parses ARGV (after the command name) against OPTS; positional arguments
 * are collected into *pos (pointers into argv). Flags may come in any order
 * before "--"; "--name=value", "--name value", "-n value" and Go's single-dash
 * "-name" forms are accepted, as runc's parser does. Returns -1 on an unknown
 * flag (with *err), 1 when --help was given. */
int cli_parse (int argc, char **argv, const cli_opt *opts, bool stop_at_first_positional,
               char ***pos, int *npos, kr_error **err);
void cli_usage (const char *cmd, const char *args, const char *summary, const cli_opt *opts);

/* A flag that may be given many times (runc's slice flags: --env, --cap):
 * every value is appended, in order, to *values (pointers into argv,
 * NULL-terminated, malloc'd by the parser) and counted in *n. */
typedef struct cli_list_opt
{
  const char *name;
  char short_name;
  char ***values;
  size_t *n;
  const char *help;
} cli_list_opt;

/* cli_parse, plus the repeatable flags of LISTS (may be NULL). */
int cli_parse_lists (int argc, char **argv, const cli_opt *opts, const cli_list_opt *lists,
                     bool stop_at_first_positional, char ***pos, int *npos, kr_error **err);
void cli_usage_lists (const cli_list_opt *lists);

/* Logging, as runc does it: errors to stderr as one line, and to --log in
 * logrus's text or JSON line format. */
int cli_log_init (const cli_global *g);

/* Notes which fds from 3 up the caller left open: main's first step,
 * before krill opens one of its own (the log, a console socket). */
void cli_note_caller_fds (void);
/* kr_passed_fds_check for fds FIRST..FIRST+N-1 that the caller must have
 * passed, open when krill started. */
int cli_check_passed_fds (const char *flag, int first, int n, kr_error **err);
void cli_log (const char *level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Reports *err (prefixed with nothing: its message carries its context) and
 * returns the exit status 1. */
int cli_fail (kr_error *err);
int cli_fail_msg (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* Exactly N positional arguments, else an error naming the command. */
int cli_want_args (const char *cmd, int npos, int min, int max);

/* A command as its usage shows it. */
typedef struct cli_cmd
{
  const char *name;
  const char *args; /* its positional arguments: "<container-id>" */
  const char *summary;
  int min_args, max_args;
} cli_cmd;

/* The head every command shares: parses ARGV against OPTS (positional
 * arguments into *pos), prints CMD's usage for --help, wants CMD's number of
 * arguments. False when the command ends there, *status its exit status
 * (0 after --help, 1 after an error, reported). */
bool cli_command_args (const cli_cmd *cmd, int argc, char **argv, const cli_opt *opts,
                       char ***pos, int *npos, int *status);

/* A whole command that takes one container id and no flag, and whose work
 * is RUN (start, pause, resume). */
int cli_command_on_id (const cli_global *g, const cli_cmd *cmd, int argc, char **argv,
                       int (*run) (const char *root, const char *id, kr_error **err));

typedef int (*cli_command_fn) (cli_global *g, int argc, char **argv);

int cmd_create (cli_global *g, int argc, char **argv);
int cmd_start (cli_global *g, int argc, char **argv);
int cmd_run (cli_global *g, int argc, char **argv);
int cmd_state (cli_global *g, int argc, char **argv);
int cmd_kill (cli_global *g, int argc, char **argv);
int cmd_update (cli_global *g, int argc, char **argv);
int cmd_delete (cli_global *g, int argc, char **argv);
int cmd_list (cli_global *g, int argc, char **argv);
int cmd_spec (cli_global *g, int argc, char **argv);
int cmd_features (cli_global *g, int argc, char **argv);
int cmd_pause (cli_global *g, int argc, char **argv);
int cmd_resume (cli_global *g, int argc, char **argv);
int cmd_ps (cli_global *g, int argc, char **argv);
int cmd_events (cli_global *g, int argc, char **argv);
int cmd_exec (cli_global *g, int argc, char **argv);

/* Shared by create and run. */
typedef struct cli_create_flags
{
  const char *bundle;
  const char *pid_file;
  const char *console_socket;
  const char *preserve_fds;
  bool no_pivot;
  bool no_new_keyring;
} cli_create_flags;

/* The flag table entries of cli_create_flags F, for create's and run's tables. */
#define CLI_CREATE_OPTS(f)                                                                         \
  { "bundle", 'b', &(f).bundle, NULL, "path to the root of the bundle directory" },               \
  { "console-socket", 0, &(f).console_socket, NULL,                                                \
    "path to an AF_UNIX socket which will receive the pty master" },                               \
  { "pid-file", 0, &(f).pid_file, NULL, "specify the file to write the process id to" },          \
  { "no-pivot", 0, NULL, &(f).no_pivot, "do not use pivot root to jail process inside rootfs" },  \
  { "no-new-keyring", 0, NULL, &(f).no_new_keyring,                                                \
    "do not create a new session keyring for the container" },                                     \
  { "preserve-fds", 0, &(f).preserve_fds, NULL, "pass N additional file descriptors to the container" }

/* create's and run's head: cli_command_args with OPTS (CLI_CREATE_OPTS (*F)
 * among them), then O filled: the id, F's flags, the console socket
 * connected when one is given. False when the command ends there, *status
 * its exit status. */
bool cli_create_args (const cli_cmd *cmd, int argc, char **argv, const cli_opt *opts,
                      const cli_create_flags *f, kr_create_opts *o, int *status);

/* Connects to a console socket path: a SOCK_CLOEXEC fd, or -1 with *err. */
int cli_connect_console (const char *path, kr_error **err);
/* The same for any unix socket a flag names (--pidfd-socket). */
int cli_connect_unix (const char *flag, const char *path, kr_error **err);

#endif
