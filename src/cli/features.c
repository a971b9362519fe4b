#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "container/features.h"
#include "base/util.h"

int
cmd_features (cli_global *g, int argc, char **argv)
{
  const cli_opt opts[] = { { NULL, 0, NULL, NULL, NULL } };
  _cleanup_free_ char **pos = NULL;
  _cleanup_free_ char *json = NULL;
  kr_error *err = NULL;
  int npos, r = cli_parse (argc, argv, opts, false, &pos, &npos, &err);

  (void) g;
  if (r == 1)
    {
      cli_usage ("features", "", "Show what this build of krill implements, as JSON.", opts);
      return 0;
    }
  if (r < 0)
    return cli_fail (err);
  if (cli_want_args ("features", npos, 0, 0) < 0)
    return 1;
  json = kr_features_json (&err);
  if (json == NULL)
    return cli_fail (err);
  printf ("%s\n", json);
  return 0;
}
