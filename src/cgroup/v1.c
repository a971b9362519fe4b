/* What only cgroup v1 hierarchies need: cpuset inheritance and the
 * devices.allow / devices.deny files. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "base/util.h"

static bool
empty_cpuset (const char *s)
{
  return s[0] == '\0' || strcmp (s, "\n") == 0;
}

int
kr_cg_v1_cpuset_fill (int dirfd, bool made, char **cpus, char **mems, kr_error **err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  char **vals[] = { cpus, mems };

  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    {
      /* A level krill just made is empty: no need to read it. */
      if (!made)
        {
          _cleanup_free_ char *mine = NULL;
          if (kr_cg_read_at (dirfd, files[i], &mine, err) < 0)
            return -1;
          if (!empty_cpuset (mine))
            {
              free (*vals[i]);
              *vals[i] = TAKE_PTR (mine);
              continue;
            }
        }
      if (*vals[i] == NULL)
        return kr_error_set (err, ENOENT, "%s: empty in the hierarchy's root", files[i]);
      if (kr_cg_write_at (dirfd, files[i], *vals[i], err) < 0)
        return -1;
    }
  return 0;
}

int
kr_cg_v1_apply_devices (kr_cg_hier *h, const kr_dev_rule *rules, size_t n, kr_error **err)
{
  char dir[PATH_MAX];

  if (kr_cg_open_leaf (h, err) < 0)
    return -1;
  /* Written in order, the kernel keeps the same program: "a" to
   * devices.deny empties the list and denies by default. */
  for (size_t i = 0; i < n; i++)
    {
      char line[80];
      const char *file = rules[i].allow ? "devices.allow" : "devices.deny";

      kr_cg_device_v1_line (&rules[i], line, sizeof line);
      if (kr_cg_write_at (h->fd, file, line, err) < 0)
        return kr_error_prefix (err, "%s: \"%s\"", kr_cg_hier_dir (h, dir, sizeof dir), line);
    }
  return 0;
}
