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
  static const cli_cmd cmd = { "kill", "<container-id> [signal]",
                               "Send a signal (name with or without SIG, or number; default "
                               "SIGTERM) to init.",
                               1, 2 };
  bool all = false;
  const cli_opt opts[] = {
    { "all", 'a', NULL, &all, "send the specified signal to all processes inside the container" },
    { NULL, 0, NULL, NULL, NULL },
  };
  _cleanup_free_ char **pos = NULL;
  kr_error *err = NULL;
  int signum = SIGTERM;
  int npos, status;

  if (!cli_command_args (&cmd, argc, argv, opts, &pos, &npos, &status))
    return status;
  if (npos == 2 && kr_signal_parse (pos[1], &signum, &err) < 0)
    return cli_fail (err);
  if (kr_container_kill (g->root, pos[0], signum, all, &err) < 0)
    return cli_fail (err);
  return 0;
}
