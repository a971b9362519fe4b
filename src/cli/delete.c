#define _GNU_SOURCE
#include <stdlib.h>

#include "cli/cli.h"
#include "container/container.h"
#include "base/util.h"

int
cmd_delete (cli_global *g, int argc, char **argv)
{
  static const cli_cmd cmd = { "delete", "<container-id>",
                               "Delete a container and everything create made for it.", 1, 1 };
  bool force = false;
  const cli_opt opts[] = {
    { "force", 'f', NULL, &force, "forcibly delete the container if it is still running (uses SIGKILL)" },
    { NULL, 0, NULL, NULL, NULL },
  };
  _cleanup_free_ char **pos = NULL;
  kr_error *err = NULL;
  int npos, status;

  if (!cli_command_args (&cmd, argc, argv, opts, &pos, &npos, &status))
    return status;
  if (kr_container_delete (g->root, pos[0], force, &err) < 0)
    return cli_fail (err);
  return 0;
}
