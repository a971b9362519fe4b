#define _GNU_SOURCE
#include "cli/cli.h"
#include "container/container.h"

int
cmd_resume (cli_global *g, int argc, char **argv)
{
  static const cli_cmd cmd = { "resume", "<container-id>", "Resume all processes that have been paused.", 1, 1 };

  return cli_command_on_id (g, &cmd, argc, argv, kr_container_resume);
}
