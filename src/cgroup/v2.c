/* What only cgroup2 needs: delegating controllers down the path and
 * cgroup.kill. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "base/util.h"

void
kr_cg_v2_enable_controllers (int dirfd)
{
  _cleanup_free_ char *avail = NULL;
  char *tok, *save = NULL;

  if (kr_cg_read_at (dirfd, "cgroup.controllers", &avail, NULL) < 0)
    return;
  /* One at a time, refusals ignored, as runc does: a controller the parent
   * does not delegate, or one refused because of processes in this cgroup
   * (own cgroup of a relative path), only matters if the config sets a
   * limit for it, and the resource code reports that. */
  for (tok = strtok_r (avail, " \n", &save); tok; tok = strtok_r (NULL, " \n", &save))
    {
      char buf[64];
      snprintf (buf, sizeof buf, "+%s", tok);
      kr_cg_write_at (dirfd, "cgroup.subtree_control", buf, NULL);
    }
}

int
kr_cg_v2_kill (int dirfd, kr_error **err)
{
  _cleanup_error_ kr_error *e = NULL;

  /* cgroup.kill (Linux 5.14) kills the whole subtree, with no race against
   * fork. */
  if (kr_cg_write_at (dirfd, "cgroup.kill", "1", &e) == 0)
    return 1;
  if (e->errnum == ENOENT)
    return 0;
  if (err)
    {
      kr_error_free (err);
      *err = TAKE_PTR (e);
    }
  return -1;
}
