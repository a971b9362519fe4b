#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/container.h"
#include "base/fdpass.h"
#include "process/terminal.h"
#include "base/util.h"

/* Foreground run with a terminal and no --console-socket: krill takes the
 * master itself over a socketpair and copies it to its own stdio. */
static int
own_console (int sv[2], kr_error **err)
{
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return kr_error_set (err, errno, "socketpair");
  return 0;
}

int
cmd_run (cli_global *g, int argc, char **argv)
{
  static const cli_cmd cmd = { "run", "<container-id>",
                               "Create and start a container; wait for it unless --detach.", 1, 1 };
  cli_create_flags f = { .bundle = "." };
  bool detach = false, keep = false;
  const cli_opt opts[] = {
    CLI_CREATE_OPTS (f),
    { "detach", 'd', NULL, &detach, "detach from the container's process" },
    { "keep", 0, NULL, &keep, "do not delete the container after it exits" },
    { NULL, 0, NULL, NULL, NULL },
  };
  kr_error *err = NULL;
  kr_create_opts o = { .root = g->root, .console_fd = -1 };
  kr_created c;
  int sv[2] = { -1, -1 };
  _cleanup_close_ int master = -1;
  struct termios saved;
  bool raw = false;
  sigset_t all, old;
  int r, status = 0;

  if (!cli_create_args (&cmd, argc, argv, opts, &f, &o, &status))
    return status;
  if (!f.console_socket && !detach)
    {
      if (own_console (sv, &err) < 0)
        return cli_fail (err);
      o.console_fd = sv[1];
    }
  /* Signals that arrive from here on are for the container: queued, then
   * forwarded by kr_container_wait. */
  sigfillset (&all);
  if (!detach)
    sigprocmask (SIG_BLOCK, &all, &old);

  r = kr_container_create (&o, &c, &err);
  if (o.console_fd >= 0)
    close (o.console_fd);
  if (r < 0)
    {
      kr_closep (&sv[0]);
      return cli_fail (err);
    }
  if (sv[0] >= 0 && c.terminal)
    {
      if (kr_recv_fd (sv[0], &master, &err) < 0)
        goto fail;
      if (isatty (STDIN_FILENO))
        {
          kr_terminal_copy_size (STDIN_FILENO, master);
          raw = kr_terminal_raw (STDIN_FILENO, &saved, NULL) == 0;
        }
    }
  kr_closep (&sv[0]);
  if (kr_container_start (g->root, o.id, &err) < 0)
    goto fail;
  if (detach)
    {
      close (c.pidfd);
      return 0;
    }
  if (kr_container_wait (&c, master, &status, &err) < 0)
    goto fail;
  if (raw)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  close (c.pidfd);
  if (!keep && kr_container_delete (g->root, o.id, true, &err) < 0)
    cli_fail (err);
  return status;

fail:
  if (raw)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  cli_fail (err);
  err = NULL;
  kr_container_delete (g->root, o.id, true, &err);
  kr_error_free (&err);
  if (c.pidfd >= 0)
    close (c.pidfd);
  return 1;
}
