/* The public calls, dispatched to the driver of the host (v1.c, v2.c), and
 * what both cgroupfs drivers share: make or join the directories (layout.c
 * says where), the birth directory, attach.  Destroy and pids are in
 * procs.c, save and load in persist.c. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "base/fs.h"
#include "base/procfs.h"
#include "base/util.h"

/* ------------------------------------------------------------------ files */

int
kr_cg_read_at (int dirfd, const char *name, char **out, kr_error **err)
{
  return kr_fs_read_file (dirfd, name, out, NULL, err);
}

int
kr_cg_write_at (int dirfd, const char *name, const char *data, kr_error **err)
{
  _cleanup_close_ int fd = -1;
  size_t len = strlen (data);
  ssize_t r;

  fd = openat (dirfd, name, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return kr_error_set (err, errno, "open %s", name);
  /* cgroupfs takes one write per value: no partial writes to resume. */
  do
    r = write (fd, data, len);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return kr_error_set (err, errno, "write %s", name);
  if ((size_t) r != len)
    return kr_error_set (err, EIO, "write %s: short write", name);
  return 0;
}

kr_cg_hier *
kr_cg_find (kr_cgroup *cg, const char *controller)
{
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].version == 1 && kr_cg_has_controller (cg->h[i].controllers, controller))
      return &cg->h[i];
  return NULL;
}

const char *
kr_cg_hier_dir (const kr_cg_hier *h, char *buf, size_t size)
{
  snprintf (buf, size, "%s%s", h->mountpoint, strcmp (h->path, "/") == 0 ? "" : h->path);
  return buf;
}

/* PATH relative to the mount point: "krill/c1", or "." for the root. */
const char *
kr_cg_rel (const char *path)
{
  return path[1] ? path + 1 : ".";
}

int
kr_cg_open_leaf (kr_cg_hier *h, kr_error **err)
{
  char dir[PATH_MAX];
  int n;

  if (h->fd >= 0)
    return 0;
  /* One open: a cgroup filesystem has no symlinks to resolve. */
  n = snprintf (dir, sizeof dir, "%s%s", h->mountpoint, strcmp (h->path, "/") == 0 ? "" : h->path);
  if (n < 0 || (size_t) n >= sizeof dir)
    return kr_error_set (err, ENAMETOOLONG, "open %s%s", h->mountpoint, h->path);
  h->fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (h->fd < 0)
    return kr_error_set (err, errno, "open %s", kr_cg_hier_dir (h, dir, sizeof dir));
  return 0;
}

/* ------------------------------------------------------------------ create */

/* A cgroup2 directory made under one that holds processes itself is "domain
 * invalid": no process can join it (clone3 and cgroup.procs say
 * EOPNOTSUPP).  As runc: made "threaded", which takes only the threaded
 * controllers (cpu, pids, perf_event), unless the container asks for a
 * domain one; "threaded" and "domain threaded" directories likewise. */
static int
fix_domain_invalid (int dirfd, const char *shown, bool domain_limits, kr_error **err)
{
  _cleanup_free_ char *type = NULL;
  size_t len;

  if (kr_cg_read_at (dirfd, "cgroup.type", &type, NULL) < 0)
    return 0; /* the root, or no such file: nothing to fix */
  len = strcspn (type, "\n");
  type[len] = '\0';
  if (strcmp (type, "domain") == 0)
    return 0;
  if (domain_limits)
    return kr_error_set (err, EOPNOTSUPP, "%s is %s (a parent holds processes): it can not take "
                         "the memory, io, cpuset or hugetlb limits of linux.resources", shown, type);
  if (strcmp (type, "domain invalid") == 0)
    return kr_cg_write_at (dirfd, "cgroup.type", "threaded", err);
  return 0;
}

/* Makes (or joins) H's directories from the hierarchy root down.  h->made
 * counts, as it goes, the components krill made; on a failure halfway h->path
 * is cut back to what exists, so destroy removes exactly what was made.
 * 1: a parent went (removed by the delete of its last container) between
 * its open and the mkdir below it; the caller starts again. */
static int
make_hier_once (kr_cg_hier *h, bool delegate, bool domain_limits,
                kr_error **err)
{
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *copy = strdup (h->path), *sofar = calloc (1, strlen (h->path) + 2);
  _cleanup_free_ char *cpus = NULL, *mems = NULL;
  char *tok, *save = NULL;
  bool cpuset = h->version == 1 && kr_cg_has_controller (h->controllers, "cpuset");
  int r = 0;

  if (copy == NULL || sofar == NULL)
    return kr_error_set (err, errno, "create cgroup");
  fd = open (h->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return kr_error_set (err, errno, "open %s", h->mountpoint);
  if (cpuset && kr_cg_v1_cpuset_fill (fd, false, &cpus, &mems, err) < 0)
    return kr_error_prefix (err, "%s", h->mountpoint);

  for (tok = strtok_r (copy, "/", &save); tok; tok = strtok_r (NULL, "/", &save))
    {
      _cleanup_close_ int next = -1;
      bool made = false, leaf = save == NULL || *save == '\0';

      /* cgroup2 gives a child only what its parent delegates. */
      if (delegate)
        kr_cg_v2_enable_controllers (fd);
      if (mkdirat (fd, tok, 0755) == 0)
        made = true;
      else if (errno == ENOENT && sofar[0])
        return 1;
      else if (errno != EEXIST)
        {
          r = kr_error_set (err, errno, "mkdir %s%s/%s", h->mountpoint, sofar, tok);
          break;
        }
      next = openat (fd, tok, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (next < 0)
        {
          if (errno == ENOENT && !made)
            return 1;
          r = kr_error_set (err, errno, "open %s%s/%s", h->mountpoint, sofar, tok);
          if (made)
            unlinkat (fd, tok, AT_REMOVEDIR);
          break;
        }
      strcat (strcat (sofar, "/"), tok);
      if (h->version == 2 && leaf)
        {
          char shown[PATH_MAX];
          snprintf (shown, sizeof shown, "%s%s", h->mountpoint, sofar);
          if (fix_domain_invalid (next, shown, domain_limits, err) < 0)
            {
              r = -1;
              if (made)
                unlinkat (fd, tok, AT_REMOVEDIR);
              break;
            }
        }
      if (made || h->made > 0)
        h->made++;
      /* Every level, made or not: a task can not join below an ancestor
       * without cpus or mems either. */
      if (cpuset && kr_cg_v1_cpuset_fill (next, made, &cpus, &mems, err) < 0)
        {
          /* Removed since its open, as a parent above: start again. */
          if (!leaf && faccessat (fd, tok, F_OK, 0) < 0 && errno == ENOENT)
            {
              if (err)
                kr_error_free (err);
              return 1;
            }
          r = kr_error_prefix (err, "%s%s", h->mountpoint, sofar);
          break;
        }
      close (fd);
      fd = TAKE_FD (next);
    }
  if (r < 0)
    {
      free (h->path);
      h->path = sofar[0] ? TAKE_PTR (sofar) : strdup ("/");
      return -1;
    }
  h->fd = TAKE_FD (fd);
  return 0;
}

static int
make_hier (kr_cg_hier *h, bool delegate, bool domain_limits, kr_error **err)
{
  /* What this attempt made is gone with the parent that vanished (rmdir
   * takes only empty directories): count afresh.  Each retry follows a
   * delete that won: bounded by how many deletes can race one create. */
  for (int tries = 0; tries < 100; tries++)
    {
      int r;
      h->made = 0;
      r = make_hier_once (h, delegate, domain_limits, err);
      if (r <= 0)
        return r;
    }
  return kr_error_set (err, EBUSY, "mkdir %s%s: its parent keeps vanishing", h->mountpoint,
                       h->path);
}

int
kr_cgroup_resolve (const char *cgroups_path, const char *id, kr_cgroup **out, kr_error **err)
{
  _cleanup_free_ char *mountinfo = NULL, *self = NULL;
  _cleanup_close_ int selfdir = -1;
  int proc;
  kr_cg_mount *mounts = NULL;
  kr_cg_own *own = NULL;
  size_t n_mounts = 0, n_own = 0;
  kr_cg_mode mode = KR_CG_LEGACY;
  kr_cgroup *cg = NULL;
  int r;

  if (kr_cg_detect_mode (&mode, err) < 0)
    return -1;
  proc = kr_procfs_handle (err);
  if (proc < 0 || (selfdir = kr_procfs_openat (proc, "self", O_PATH | O_DIRECTORY, err)) < 0)
    return -1;
  if (kr_cg_read_at (selfdir, "mountinfo", &mountinfo, err) < 0
      || kr_cg_read_at (selfdir, "cgroup", &self, err) < 0)
    return -1;
  if (kr_cg_parse_mountinfo (mountinfo, &mounts, &n_mounts, err) < 0)
    return -1;
  if (kr_cg_parse_proc_cgroup (self, &own, &n_own, err) < 0)
    {
      kr_cg_mounts_free (mounts, n_mounts);
      return -1;
    }
  r = kr_cg_resolve (mode, cgroups_path, id, mounts, n_mounts, own, n_own, &cg, err);
  kr_cg_mounts_free (mounts, n_mounts);
  kr_cg_owns_free (own, n_own);
  if (r < 0)
    return -1;
  /* For the mount plan, from the same read: every "cgroup" filesystem. */
  if (mode != KR_CG_UNIFIED && kr_cg_parse_cgroup_fs (mountinfo, &cg->fs, &cg->n_fs, err) < 0)
    {
      kr_cgroup_free (cg);
      return -1;
    }
  *out = cg;
  return 0;
}

int
kr_cg_make_version (kr_cgroup *cg, int version, bool delegate, kr_error **err)
{
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].version == version
        && make_hier (&cg->h[i], delegate, delegate && cg->domain_limits, err) < 0)
      return kr_error_prefix (err, "create cgroup");
  return 0;
}

void
kr_cgroup_mark (kr_cgroup *cg)
{
  for (size_t i = 0; i < cg->n; i++)
    {
      kr_cg_hier *h = &cg->h[i];
      _cleanup_close_ int dir = -1;

      if (h->made == 0 || h->fd < 0)
        continue;
      if (cg->owner[0])
        fsetxattr (h->fd, KR_CG_OWNER_XATTR, cg->owner, strlen (cg->owner), 0);
      /* The parents this create made, from the leaf up. */
      dir = fcntl (h->fd, F_DUPFD_CLOEXEC, 3);
      for (unsigned k = 1; k < h->made && dir >= 0; k++)
        {
          int up = openat (dir, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          close (dir);
          dir = up;
          if (dir >= 0)
            fsetxattr (dir, KR_CG_PARENT_XATTR, "1", 1, 0);
        }
    }
}

void
kr_cgroup_set_owner (kr_cgroup *cg, const char *owner)
{
  snprintf (cg->owner, sizeof cg->owner, "%s", owner);
}

void
kr_cgroup_set_resources (kr_cgroup *cg, const oci_resources *r)
{
  const oci_memory *m = r ? r->memory : NULL;
  const oci_block_io *b = r ? r->block_io : NULL;

  /* The limits runc counts as domain ones (isMemorySet, isIoSet,
   * isCPUSet, hugetlb): an empty object is none. */
  cg->domain_limits
      = r
        && ((m && ((m->has_limit && m->limit) || (m->has_reservation && m->reservation)
                   || (m->has_swap && m->swap)))
            || (b && (b->has_weight || b->has_leaf_weight || b->weight_device_len
                      || b->throttle_read_bps_device_len || b->throttle_write_bps_device_len
                      || b->throttle_read_iops_device_len || b->throttle_write_iops_device_len))
            || r->hugepage_limits_len > 0
            || (r->cpu && ((r->cpu->cpus && *r->cpu->cpus) || (r->cpu->mems && *r->cpu->mems))));
}

int
kr_cgroup_prepare (kr_cgroup *cg, kr_error **err)
{
  return cg->drv->prepare (cg, err);
}

int
kr_cgroup_make (kr_cgroup *cg, kr_error **err)
{
  return cg->drv->make (cg, err);
}

int
kr_cg_birth_fd (kr_cgroup *cg)
{
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].version == 2)
      return kr_cg_open_leaf (&cg->h[i], NULL) < 0 ? -1 : cg->h[i].fd;
  return -1;
}

int
kr_cgroup_birth_fd (kr_cgroup *cg)
{
  return cg->drv->birth_fd (cg);
}

int
kr_cg_attach_at (int dirfd, int version, pid_t pid, kr_error **err)
{
  char buf[32];

  /* A thread moving itself: the kernel skips cgroup_threadgroup_rwsem. A
   * single-threaded process's thread is the whole process. */
  if (pid == 0 && version == 1)
    return kr_cg_write_at (dirfd, "tasks", "0", err);
  snprintf (buf, sizeof buf, "%d", (int) pid);
  return kr_cg_write_at (dirfd, "cgroup.procs", buf, err);
}

int
kr_cg_attach (kr_cgroup *cg, pid_t pid, bool born_in, kr_error **err)
{
  char dir[PATH_MAX];

  for (size_t i = 0; i < cg->n; i++)
    {
      kr_cg_hier *h = &cg->h[i];
      /* Born in the birth directory: already there. */
      if (born_in && h->version == 2)
        continue;
      if (kr_cg_open_leaf (h, err) < 0 || kr_cg_attach_at (h->fd, h->version, pid, err) < 0)
        return pid ? kr_error_prefix (err, "attach %d to %s", (int) pid,
                                      kr_cg_hier_dir (h, dir, sizeof dir))
                   : kr_error_prefix (err, "enter %s", kr_cg_hier_dir (h, dir, sizeof dir));
    }
  return 0;
}

int
kr_cgroup_attach (kr_cgroup *cg, pid_t pid, kr_error **err)
{
  return cg->drv->attach (cg, pid, false, err);
}

int
kr_cgroup_enter (kr_cgroup *cg, bool born_in_cgroup, kr_error **err)
{
  int r = cg->drv->attach (cg, 0, born_in_cgroup, err);

  for (size_t i = 0; i < cg->n; i++)
    kr_closep (&cg->h[i].fd);
  return r;
}

int
kr_cgroup_attach_sub (kr_cgroup *cg, pid_t pid, bool born_in_cgroup, char *const *args, size_t n,
                      kr_error **err)
{
  return cg->drv->attach_sub (cg, pid, born_in_cgroup, args, n, err);
}

int
kr_cgroup_apply_devices (kr_cgroup *cg, const oci_linux *lx, kr_error **err)
{
  _cleanup_free_ kr_dev_rule *rules = NULL;
  kr_dev_policy pol;
  size_t n;
  int r;

  /* The policy is computed on every host, so a rule set that the devices
   * files can not express fails the same way where a BPF program runs. */
  if (kr_cg_device_rules (lx, &rules, &n, err) < 0
      || kr_cg_device_policy (rules, n, &pol, err) < 0)
    return -1;
  r = cg->drv->apply_devices (cg, rules, n, &pol, err);
  kr_cg_device_policy_free (&pol);
  return r;
}

int
kr_cgroup_freeze (kr_cgroup *cg, bool freeze, kr_error **err)
{
  return cg->drv->freeze (cg, freeze, err);
}

int
kr_cgroup_is_frozen (kr_cgroup *cg, bool *frozen, kr_error **err)
{
  *frozen = false;
  return cg->drv->is_frozen (cg, frozen, err);
}

int
kr_cgroup_signal (kr_cgroup *cg, int sig, kr_error **err)
{
  return cg->drv->signal (cg, sig, err);
}

int
kr_cgroup_pids (kr_cgroup *cg, pid_t **pids, size_t *n, kr_error **err)
{
  return cg->drv->pids (cg, pids, n, err);
}

int
kr_cgroup_oom_watch (kr_cgroup *cg, kr_cg_oom **out, kr_error **err)
{
  return cg->drv->oom_watch (cg, out, err);
}

int
kr_cgroup_destroy (kr_cgroup *cg, kr_error **err)
{
  if (cg == NULL)
    return 0;
  return cg->drv->destroy (cg, err);
}

int
kr_cgroup_plan_mount (const kr_cgroup *cg, bool cgroupns, kr_cgroup_mount_plan **out,
                      kr_error **err)
{
  return cg->drv->mount_plan (cg, cgroupns, out, err);
}

const char *
kr_cgroup_path (const kr_cgroup *cg)
{
  return cg->drv->path (cg);
}

kr_cg_hier *
kr_cg_leaf (kr_cgroup *cg)
{
  return cg->n ? &cg->h[0] : NULL;
}

size_t
kr_cgroup_features (const kr_cgroup_feature **out)
{
  /* linux.resources.rdma is written to rdma.max on both hierarchies. */
  static const kr_cgroup_feature f[] = {
    { "v1", true }, { "v2", true }, { "systemd", false }, { "systemdUser", false }, { "rdma", true },
  };

  *out = f;
  return ARRAY_SIZE (f);
}

long
kr_cg_now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

const kr_cgroup_driver *
kr_cg_driver_for (kr_cg_mode mode)
{
  return mode == KR_CG_UNIFIED ? &kr_cg_driver_v2 : &kr_cg_driver_v1;
}

void
kr_cgroup_free (kr_cgroup *cg)
{
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->n; i++)
    {
      free (cg->h[i].controllers);
      free (cg->h[i].mountpoint);
      free (cg->h[i].path);
      if (cg->h[i].fd >= 0)
        close (cg->h[i].fd);
    }
  free (cg->h);
  kr_cg_mounts_free (cg->fs, cg->n_fs);
  free (cg);
}
