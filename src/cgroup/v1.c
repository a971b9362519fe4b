/* The cgroupfs driver of legacy and hybrid hosts: every mounted v1
 * hierarchy, and on hybrid hosts the unified hierarchy's directory too
 * (made first: init is born in it, as runc does).  What only v1 needs is
 * here: cpuset inheritance and the devices.allow / devices.deny files. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "cgroup/resources-internal.h"
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

/* Writes RULES in order; again on `update` ("a" to devices.deny first
 * resets the list). */
static int
apply_devices (kr_cgroup *cg, const kr_dev_rule *rules, size_t n, const kr_dev_policy *pol,
               kr_error **err)
{
  kr_cg_hier *h = kr_cg_find (cg, "devices");
  char dir[PATH_MAX];

  (void) pol;
  if (h == NULL)
    return kr_error_set (err, ENOENT, "no devices cgroup");
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

/* The unified hierarchy's directory of a hybrid host, where init is born. */
static int
prepare (kr_cgroup *cg, kr_error **err)
{
  return kr_cg_make_version (cg, 2, false, err);
}

static int
make (kr_cgroup *cg, kr_error **err)
{
  return kr_cg_make_version (cg, 1, false, err);
}

static int
pids (kr_cgroup *cg, pid_t **out, size_t *n, kr_error **err)
{
  return kr_cg_pids_of (kr_cg_find (cg, "devices"), out, n, err);
}

static int
signal_all (kr_cgroup *cg, int sig, kr_error **err)
{
  return kr_cg_signal_all (cg, kr_cg_find (cg, "devices"), sig, err);
}

static int
oom_watch (kr_cgroup *cg, kr_cg_oom **out, kr_error **err)
{
  return kr_cg_oom_watch_at (kr_cg_find (cg, "memory"), out, err);
}

static const char *
path (const kr_cgroup *cg)
{
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].version == 1 && kr_cg_has_controller (cg->h[i].controllers, "devices"))
      return cg->h[i].path;
  return "/";
}

const kr_cgroup_driver kr_cg_driver_v1 = {
  .prepare = prepare,
  .make = make,
  .birth_fd = kr_cg_birth_fd,
  .apply_devices = apply_devices,
  .apply_resources = kr_cg_v1_apply_resources,
  .attach = kr_cg_attach,
  .attach_sub = kr_cg_attach_sub,
  .freeze = kr_cg_v1_freeze,
  .is_frozen = kr_cg_v1_is_frozen,
  .pids = pids,
  .signal = signal_all,
  .stats = kr_cg_v1_stats,
  .oom_watch = oom_watch,
  .destroy = kr_cg_destroy,
  .mount_plan = kr_cg_v1_mount_plan,
  .path = path,
};
