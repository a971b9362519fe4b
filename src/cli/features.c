#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "container/features.h"
#include "base/util.h"

int
cmd_features (cli_global *g, int argc, char **argv)
{
  static const cli_cmd cmd = { "features", "",
                               "Show what this build of krill implements, as JSON.", 0, 0 };
  const cli_opt opts[] = { { NULL, 0, NULL, NULL, NULL } };
  _cleanup_free_ char **pos = NULL;
  _cleanup_free_ char *json = NULL;
  kr_error *err = NULL;
  int npos, status;

  (void) g;
  if (!cli_command_args (&cmd, argc, argv, opts, &pos, &npos, &status))
    return status;
  json = kr_features_json (&err);
  if (json == NULL)
    return cli_fail (err);
  printf ("%s\n", json);
  return 0;
}
