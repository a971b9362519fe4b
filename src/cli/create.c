#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/container.h"
#include "base/util.h"

int
cmd_create (cli_global *g, int argc, char **argv)
{
  static const cli_cmd cmd = { "create", "<container-id>",
                               "Create a container from the bundle; start runs it.", 1, 1 };
  cli_create_flags f = { .bundle = "." };
  const cli_opt opts[] = {
    CLI_CREATE_OPTS (f),
    { NULL, 0, NULL, NULL, NULL },
  };
  kr_error *err = NULL;
  kr_create_opts o = { .root = g->root, .console_fd = -1 };
  kr_created c;
  int r, status;

  if (!cli_create_args (&cmd, argc, argv, opts, &f, &o, &status))
    return status;
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
