/* What only cgroup v1 hierarchies need: cpuset inheritance and the
 * devices.allow / devices.deny files. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "util.h"

static bool
empty_cpuset (const char *s)
{
  return s[0] == '\0' || strcmp (s, "\n") == 0;
}

int
kr_cg_v1_cpuset_inherit (int parentfd, int dirfd, kr_error **err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

  /* A new v1 cpuset has no cpus and no mems, and a task can not join it
   * until it has both. */
  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    {
      _cleanup_free_ char *mine = NULL, *parents = NULL;

      if (kr_cg_read_at (dirfd, files[i], &mine, err) < 0)
        return -1;
      if (!empty_cpuset (mine))
        continue;
      if (kr_cg_read_at (parentfd, files[i], &parents, err) < 0)
        return kr_error_prefix (err, "parent");
      if (kr_cg_write_at (dirfd, files[i], parents, err) < 0)
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
