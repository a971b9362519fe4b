#define _GNU_SOURCE
#include "cli/cli.h"
#include "container/container.h"

int
cmd_pause (cli_global *g, int argc, char **argv)
{
  static const cli_cmd cmd = { "pause", "<container-id>", "Suspend all processes inside the container.", 1, 1 };

  return cli_command_on_id (g, &cmd, argc, argv, kr_container_pause);
}
