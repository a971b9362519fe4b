#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cli/cli.h"
#include "container/spec.h"
#include "base/util.h"

int
cmd_spec (cli_global *g, int argc, char **argv)
{
  const char *bundle = NULL;
  bool rootless = false;
  const cli_opt opts[] = {
    { "bundle", 'b', &bundle, NULL, "path to the root of the bundle directory" },
    { "rootless", 0, NULL, &rootless, "generate a configuration for a rootless container" },
    { NULL, 0, NULL, NULL, NULL },
  };
  _cleanup_free_ char **pos = NULL;
  _cleanup_free_ char *json = NULL, *path = NULL;
  kr_error *err = NULL;
  FILE *f;
  int fd, npos, r = cli_parse (argc, argv, opts, false, &pos, &npos, &err);

  (void) g;
  if (r == 1)
    {
      cli_usage ("spec", "", "Write a starter config.json into the bundle directory.", opts);
      return 0;
    }
  if (r < 0)
    return cli_fail (err);
  if (cli_want_args ("spec", npos, 0, 0) < 0)
    return 1;
  json = kr_spec_default (rootless, kr_cgroup_spec_wants_namespace (), &err);
  if (json == NULL)
    return cli_fail (err);
  if (asprintf (&path, "%s/config.json", bundle ? bundle : ".") < 0)
    return cli_fail_msg ("out of memory");
  /* Like runc: never overwrite an existing config.json. */
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      if (errno == EEXIST)
        return cli_fail_msg ("File %s exists. Remove it first", path);
      return cli_fail_msg ("open %s: %s", path, strerror (errno));
    }
  f = fdopen (fd, "w");
  if (f == NULL || fprintf (f, "%s\n", json) < 0 || fclose (f) != 0)
    return cli_fail_msg ("write %s: %s", path, strerror (errno));
  return 0;
}
