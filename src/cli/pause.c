#define _GNU_SOURCE
#include <stdlib.h>

#include "cli/cli.h"
#include "container/container.h"
#include "base/util.h"

int
cmd_pause (cli_global *g, int argc, char **argv)
{
  const cli_opt opts[] = { { NULL, 0, NULL, NULL, NULL } };
  _cleanup_free_ char **pos = NULL;
  kr_error *err = NULL;
  int npos, r = cli_parse (argc, argv, opts, false, &pos, &npos, &err);

  if (r == 1)
    {
      cli_usage ("pause", "<container-id>", "Suspend all processes inside the container.", opts);
      return 0;
    }
  if (r < 0)
    return cli_fail (err);
  if (cli_want_args ("pause", npos, 1, 1) < 0)
    return 1;
  if (kr_container_pause (g->root, pos[0], &err) < 0)
    return cli_fail (err);
  return 0;
}
