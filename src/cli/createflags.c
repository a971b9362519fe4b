/* The flags create and run share, and their translation into create
 * options. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/util.h"

/* LISTEN_FDS when LISTEN_PID is this process (systemd socket activation,
 * as runc reads it), else 0. */
static int
listen_fds (void)
{
  const char *pid = getenv ("LISTEN_PID"), *fds = getenv ("LISTEN_FDS");
  char *end;
  long n;

  if (pid == NULL || fds == NULL || strtol (pid, &end, 10) != (long) getpid () || *end)
    return 0;
  n = strtol (fds, &end, 10);
  if (*end || n <= 0 || n > 65536)
    return 0;
  return (int) n;
}

static int
apply (const cli_create_flags *f, kr_create_opts *o, kr_error **err)
{
  o->bundle = f->bundle;
  o->pid_file = f->pid_file;
  o->no_pivot = f->no_pivot;
  o->no_new_keyring = f->no_new_keyring;
  o->listen_fds = listen_fds ();
  if (f->preserve_fds)
    {
      char *end;
      long n = strtol (f->preserve_fds, &end, 10);
      if (*end || n < 0 || n > 65536)
        return kr_error_set (err, 0, "--preserve-fds: invalid value \"%s\"", f->preserve_fds);
      o->preserve_fds = (int) n;
    }
  /* Before the console socket takes the lowest free fd. */
  if (cli_check_passed_fds ("LISTEN_FDS", 3, o->listen_fds, err) < 0
      || cli_check_passed_fds ("--preserve-fds", 3 + o->listen_fds, o->preserve_fds, err) < 0)
    return -1;
  if (f->console_socket)
    {
      o->console_fd = cli_connect_console (f->console_socket, err);
      if (o->console_fd < 0)
        return -1;
    }
  return 0;
}

bool
cli_create_args (const cli_cmd *cmd, int argc, char **argv, const cli_opt *opts,
                 const cli_create_flags *f, kr_create_opts *o, int *status)
{
  _cleanup_free_ char **pos = NULL;
  kr_error *err = NULL;
  int npos;

  if (!cli_command_args (cmd, argc, argv, opts, &pos, &npos, status))
    return false;
  o->id = pos[0]; /* a pointer into argv */
  if (apply (f, o, &err) < 0)
    {
      *status = cli_fail (err);
      return false;
    }
  return true;
}
