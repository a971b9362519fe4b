#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/container.h"
#include "base/util.h"

int
cli_listen_fds (void)
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

int
cmd_create (cli_global *g, int argc, char **argv)
{
  cli_create_flags f = { .bundle = "." };
  const cli_opt opts[] = {
    CLI_CREATE_OPTS (f),
    { NULL, 0, NULL, NULL, NULL },
  };
  _cleanup_free_ char **pos = NULL;
  kr_error *err = NULL;
  kr_create_opts o = { .root = g->root, .console_fd = -1 };
  kr_created c;
  int npos, r;

  r = cli_parse (argc, argv, opts, false, &pos, &npos, &err);
  if (r == 1)
    {
      cli_usage ("create", "<container-id>", "Create a container from the bundle; start runs it.", opts);
      return 0;
    }
  if (r < 0)
    return cli_fail (err);
  if (cli_want_args ("create", npos, 1, 1) < 0)
    return 1;
  o.id = pos[0];
  if (cli_create_flags_apply (&f, &o, &err) < 0)
    return cli_fail (err);
  r = kr_container_create (&o, &c, &err);
  if (o.console_fd >= 0)
    close (o.console_fd);
  if (r < 0)
    return cli_fail (err);
  if (c.pidfd >= 0)
    close (c.pidfd);
  cli_log ("debug", "created %s, init pid %d", o.id, (int) c.pid);
  return 0;
}
