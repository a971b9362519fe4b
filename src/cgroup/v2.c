/* The cgroupfs driver of unified hosts: one cgroup2 hierarchy, made before
 * init is born in it.  What only cgroup2 needs is here too: delegating
 * controllers down the path and cgroup.kill. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "cgroup/ebpf.h"
#include "cgroup/resources-internal.h"
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

/* cgroup2 has no devices files: a BPF program enforces the policy. */
static int
apply_devices (kr_cgroup *cg, const kr_dev_rule *rules, size_t n, const kr_dev_policy *pol,
               kr_error **err)
{
  kr_cg_hier *h = kr_cg_leaf (cg);
  char dir[PATH_MAX];

  (void) rules;
  (void) n;
  if (kr_cg_open_leaf (h, err) < 0)
    return -1;
  if (kr_ebpf_apply_device_policy (h->fd, pol, err) < 0)
    return kr_error_prefix (err, "%s", kr_cg_hier_dir (h, dir, sizeof dir));
  return 0;
}

/* The one directory, delegating every controller down to it. */
static int
prepare (kr_cgroup *cg, kr_error **err)
{
  return kr_cg_make_version (cg, 2, true, err);
}

/* Nothing is left once prepare made the directory. */
static int
make (kr_cgroup *cg, kr_error **err)
{
  (void) cg;
  (void) err;
  return 0;
}

static int
pids (kr_cgroup *cg, pid_t **out, size_t *n, kr_error **err)
{
  return kr_cg_pids_of (kr_cg_leaf (cg), out, n, err);
}

static int
signal_all (kr_cgroup *cg, int sig, kr_error **err)
{
  return kr_cg_signal_all (cg, kr_cg_leaf (cg), sig, err);
}

static int
oom_watch (kr_cgroup *cg, kr_cg_oom **out, kr_error **err)
{
  return kr_cg_oom_watch_at (kr_cg_leaf (cg), out, err);
}

static const char *
path (const kr_cgroup *cg)
{
  return cg->n ? cg->h[0].path : "/";
}

const kr_cgroup_driver kr_cg_driver_v2 = {
  .prepare = prepare,
  .make = make,
  .birth_fd = kr_cg_birth_fd,
  .apply_devices = apply_devices,
  .apply_resources = kr_cg_v2_apply_resources,
  .attach = kr_cg_attach,
  .attach_sub = kr_cg_attach_sub,
  .freeze = kr_cg_v2_freeze,
  .is_frozen = kr_cg_v2_is_frozen,
  .pids = pids,
  .signal = signal_all,
  .stats = kr_cg_v2_stats,
  .oom_watch = oom_watch,
  .destroy = kr_cg_destroy,
  .mount_plan = kr_cg_v2_mount_plan,
  .path = path,
};
