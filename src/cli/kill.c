#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "container/container.h"
#include "process/signals.h"
#include "base/util.h"

int
cmd_kill (cli_global *g, int argc, char **argv)
{
  bool all = false;
  const cli_opt opts[] = {
    { "all", 'a', NULL, &all, "send the specified signal to all processes inside the container" },
    { NULL, 0, NULL, NULL, NULL },
  };
  _cleanup_free_ char **pos = NULL;
  kr_error *err = NULL;
  int signum = SIGTERM;
  int npos, r = cli_parse (argc, argv, opts, false, &pos, &npos, &err);

  if (r == 1)
    {
      cli_usage ("kill", "<container-id> [signal]",
                 "Send a signal (name with or without SIG, or number; default SIGTERM) to init.", opts);
      return 0;
    }
  if (r < 0)
    return cli_fail (err);
  if (cli_want_args ("kill", npos, 1, 2) < 0)
    return 1;
  if (npos == 2 && kr_signal_parse (pos[1], &signum, &err) < 0)
    return cli_fail (err);
  if (kr_container_kill (g->root, pos[0], signum, all, &err) < 0)
    return cli_fail (err);
  return 0;
}
