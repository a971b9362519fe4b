#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "container/container.h"
#include "base/util.h"

int
cmd_state (cli_global *g, int argc, char **argv)
{
  static const cli_cmd cmd = { "state", "<container-id>",
                               "Output the state of a container as JSON.", 1, 1 };
  const cli_opt opts[] = { { NULL, 0, NULL, NULL, NULL } };
  _cleanup_free_ char **pos = NULL;
  _cleanup_free_ char *json = NULL;
  _cleanup_state_ kr_state *st = NULL;
  kr_error *err = NULL;
  kr_status status;
  int npos, exit_status;

  if (!cli_command_args (&cmd, argc, argv, opts, &pos, &npos, &exit_status))
    return exit_status;
  if (kr_container_state (g->root, pos[0], &st, &status, &err) < 0)
    return cli_fail (err);
  json = kr_state_to_json (st, status, true, &err);
  if (json == NULL)
    return cli_fail (err);
  printf ("%s\n", json);
  return 0;
}
