#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/exec.h"
#include "container/pidfd.h"
#include "base/fdpass.h"
#include "process/terminal.h"
#include "base/util.h"

/* Go's flag package: was --no-new-privs given at all (=false counts)? */
static bool
flag_given (int argc, char **argv, const char *name)
{
  size_t n = strlen (name);

  for (int i = 0; i < argc && argv[i][0] == '-'; i++)
    {
      const char *a = argv[i] + (argv[i][1] == '-' ? 2 : 1);
      if (strncmp (a, name, n) == 0 && (a[n] == '\0' || a[n] == '='))
        return true;
    }
  return false;
}

/* runc reports every failure of exec with this prefix and status 255. */
static int
exec_fail (kr_error *err)
{
  kr_error_prefix (&err, "exec failed");
  cli_fail (err);
  return 255;
}

/* Foreground: the terminal proxied through the caller's own tty, raw while
 * the process runs and restored on every way out. */
static int
wait_foreground (kr_created *c, int own_console, int *status, kr_error **err)
{
  _cleanup_close_ int master = -1;
  struct termios saved;
  bool raw = false;
  int r;

  if (c->terminal)
    {
      if (kr_recv_fd (own_console, &master, err) < 0)
        return -1;
      if (isatty (STDIN_FILENO))
        {
          kr_terminal_copy_size (STDIN_FILENO, master);
          raw = kr_terminal_raw (STDIN_FILENO, &saved, NULL) == 0;
        }
    }
  r = kr_container_wait (c, master, status, err);
  if (raw)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  return r;
}

int
cmd_exec (cli_global *g, int argc, char **argv)
{
  kr_exec_opts o = { .root = g->root, .console_fd = -1, .pidfd_socket = -1 };
  const char *console_socket = NULL, *pidfd_socket = NULL, *preserve = NULL;
  const cli_opt opts[] = {
    { "console-socket", 0, &console_socket, NULL, "path to an AF_UNIX socket which will receive the pty master" },
    { "pidfd-socket", 0, &pidfd_socket, NULL, "path to an AF_UNIX socket which will receive a pidfd of the process" },
    { "cwd", 0, &o.cwd, NULL, "current working directory in the container" },
    { "tty", 't', NULL, &o.tty, "allocate a pseudo-TTY" },
    { "user", 'u', &o.user, NULL, "UID (format: <uid>[:<gid>])" },
    { "process", 'p', &o.process_file, NULL, "path to the process.json" },
    { "detach", 'd', NULL, &o.detach, "detach from the container's process" },
    { "pid-file", 0, &o.pid_file, NULL, "specify the file to write the process id to" },
    { "process-label", 0, &o.process_label, NULL, "set the asm process label for the process commonly used with selinux" },
    { "apparmor", 0, &o.apparmor, NULL, "set the apparmor profile for the process" },
    { "no-new-privs", 0, NULL, &o.no_new_privs, "set the no new privileges value for the process" },
    { "preserve-fds", 0, &preserve, NULL, "pass N additional file descriptors to the container" },
    { "ignore-paused", 0, NULL, &o.ignore_paused, "allow exec in a paused container" },
    { NULL, 0, NULL, NULL, NULL },
  };
  const cli_list_opt lists[] = {
    { "env", 'e', &o.env, &o.env_len, "set environment variables" },
    { "additional-gids", 'g', &o.gids, &o.gids_len, "additional gids" },
    { "cap", 'c', &o.caps, &o.caps_len, "add a capability to the bounding set for the process" },
    { "cgroup", 0, &o.cgroups, &o.cgroups_len, "run the process in an (existing) sub-cgroup(s): [<controller>:]<cgroup>" },
    { NULL, 0, NULL, NULL, NULL },
  };
  _cleanup_free_ char **pos = NULL;
  kr_error *err = NULL;
  kr_created c;
  int sv[2] = { -1, -1 };
  sigset_t all;
  int npos, r, status = 0;

  r = cli_parse_lists (argc, argv, opts, lists, true, &pos, &npos, &err);
  if (r == 1)
    {
      cli_usage ("exec", "<container-id> <command> [command options]  || -p process.json <container-id>",
                 "Execute a new process inside the container.", opts);
      cli_usage_lists (lists);
      return 0;
    }
  if (r < 0)
    return cli_fail (err);
  if (cli_want_args ("exec", npos, 1, 1 << 30) < 0)
    return 1;
  o.id = pos[0];
  o.args = pos + 1;
  o.args_len = (size_t) npos - 1;
  o.no_new_privs_set = flag_given (argc, argv, "no-new-privs");
  if (preserve)
    {
      char *end;
      long n = strtol (preserve, &end, 10);
      if (*end || n < 0 || n > 65536)
        return cli_fail_msg ("--preserve-fds: invalid value \"%s\"", preserve);
      o.preserve_fds = (int) n;
    }
  /* Before the console socket or socketpair takes the lowest free fds. */
  if (cli_check_passed_fds ("--preserve-fds", 3, o.preserve_fds, &err) < 0)
    return exec_fail (err);
  if (console_socket)
    {
      o.console_fd = cli_connect_console (console_socket, &err);
      if (o.console_fd < 0)
        return exec_fail (err);
      o.console_socket_given = true;
    }
  else if (!o.detach)
    {
      if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return cli_fail_msg ("exec failed: socketpair: %s", strerror (errno));
      o.console_fd = sv[1];
    }
  if (pidfd_socket && (o.pidfd_socket = cli_connect_unix ("--pidfd-socket", pidfd_socket, &err)) < 0)
    return exec_fail (err);
  /* Signals from here on are for the process: queued, then forwarded. */
  sigfillset (&all);
  if (!o.detach)
    sigprocmask (SIG_BLOCK, &all, NULL);

  r = kr_container_exec (&o, &c, &err);
  kr_closep (&o.console_fd);
  kr_closep (&o.pidfd_socket);
  free (o.env);
  free (o.gids);
  free (o.caps);
  free (o.cgroups);
  if (r < 0)
    {
      kr_closep (&sv[0]);
      return exec_fail (err);
    }
  if (o.detach)
    {
      close (c.pidfd);
      return 0;
    }
  r = wait_foreground (&c, sv[0], &status, &err);
  kr_closep (&sv[0]);
  if (r < 0)
    {
      /* Nothing of it outlives us when we cannot wait for it. */
      kr_pidfd_signal (c.pidfd, SIGKILL, NULL);
      waitpid (c.pid, NULL, 0);
      close (c.pidfd);
      return exec_fail (err);
    }
  close (c.pidfd);
  return status;
}
