#define _GNU_SOURCE
#include "cli/cli.h"
#include "container/container.h"

int
cmd_start (cli_global *g, int argc, char **argv)
{
  static const cli_cmd cmd = { "start", "<container-id>", "Run the user's process of a created container.", 1, 1 };

  return cli_command_on_id (g, &cmd, argc, argv, kr_container_start);
}
