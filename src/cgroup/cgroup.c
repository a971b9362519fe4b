/* The public calls: make or join the directories (layout.c says where),
 * attach, devices, and dispatch to v1.c / v2.c; destroy and pids are in
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
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "cgroup/ebpf.h"
#include "base/util.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* ------------------------------------------------------------------ files */

int
kr_cg_read_at (int dirfd, const char *name, char **out, kr_error **err)
{
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *buf = NULL;
  size_t len = 0, cap = 0;

  fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return kr_error_set (err, errno, "open %s", name);
  for (;;)
    {
      ssize_t r;
      if (cap - len < 4096)
        {
          char *p = realloc (buf, cap + 8192);
          if (p == NULL)
            return kr_error_set (err, errno, "read %s", name);
          buf = p;
          cap += 8192;
        }
      r = read (fd, buf + len, cap - len - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return kr_error_set (err, errno, "read %s", name);
      if (r == 0)
        break;
      len += r;
    }
  buf[len] = '\0';
  *out = TAKE_PTR (buf);
  return 0;
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

static int
read_file (const char *path, char **out, kr_error **err)
{
  return kr_cg_read_at (AT_FDCWD, path, out, err);
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

/* Makes (or joins) H's directories from the hierarchy root down.  h->made
 * counts, as it goes, the components krill made; on a failure halfway h->path
 * is cut back to what exists, so destroy removes exactly what was made. */
static int
make_hier (kr_cg_mode mode, kr_cg_hier *h, kr_error **err)
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
      bool made = false;

      /* cgroup2 gives a child only what its parent delegates. */
      if (mode == KR_CG_UNIFIED)
        kr_cg_v2_enable_controllers (fd);
      if (mkdirat (fd, tok, 0755) == 0)
        made = true;
      else if (errno != EEXIST)
        {
          r = kr_error_set (err, errno, "mkdir %s%s/%s", h->mountpoint, sofar, tok);
          break;
        }
      next = openat (fd, tok, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (next < 0)
        {
          r = kr_error_set (err, errno, "open %s%s/%s", h->mountpoint, sofar, tok);
          if (made)
            unlinkat (fd, tok, AT_REMOVEDIR);
          break;
        }
      strcat (strcat (sofar, "/"), tok);
      if (made || h->made > 0)
        h->made++;
      /* Every level, made or not: a task can not join below an ancestor
       * without cpus or mems either. */
      if (cpuset && kr_cg_v1_cpuset_fill (next, made, &cpus, &mems, err) < 0)
        {
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

int
kr_cgroup_resolve (const char *cgroups_path, const char *id, kr_cgroup **out, kr_error **err)
{
  _cleanup_free_ char *mountinfo = NULL, *self = NULL;
  kr_cg_mount *mounts = NULL;
  kr_cg_own *own = NULL;
  size_t n_mounts = 0, n_own = 0;
  kr_cg_mode mode = KR_CG_LEGACY;
  kr_cgroup *cg = NULL;
  int r;

  if (kr_cg_detect_mode (&mode, err) < 0)
    return -1;
  if (read_file ("/proc/self/mountinfo", &mountinfo, err) < 0
      || read_file ("/proc/self/cgroup", &self, err) < 0)
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
  *out = cg;
  return 0;
}

int
kr_cgroup_make (kr_cgroup *cg, int version, kr_error **err)
{
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].version == version && make_hier (cg->mode, &cg->h[i], err) < 0)
      return kr_error_prefix (err, "create cgroup");
  return 0;
}

int
kr_cgroup_create (const char *cgroups_path, const char *id, kr_cgroup **out, kr_error **err)
{
  kr_cgroup *cg = NULL;

  if (kr_cgroup_resolve (cgroups_path, id, &cg, err) < 0)
    return -1;
  if (kr_cgroup_make (cg, 2, err) < 0 || kr_cgroup_make (cg, 1, err) < 0)
    {
      kr_cgroup_destroy (cg, NULL);
      kr_cgroup_free (cg);
      return -1;
    }
  *out = cg;
  return 0;
}

int
kr_cgroup_v2_fd (kr_cgroup *cg)
{
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].version == 2)
      return kr_cg_open_leaf (&cg->h[i], NULL) < 0 ? -1 : cg->h[i].fd;
  return -1;
}

pid_t
kr_cgroup_clone (kr_cgroup *cg, uint64_t flags, int *pidfd, bool *in_v2)
{
  struct clone_args args;
  int fd = cg ? kr_cgroup_v2_fd (cg) : -1;
  pid_t pid;

  memset (&args, 0, sizeof args);
  args.flags = flags | (pidfd ? CLONE_PIDFD : 0);
  args.pidfd = (uint64_t) (uintptr_t) pidfd;
  args.exit_signal = SIGCHLD;
  if (fd >= 0)
    {
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = (uint64_t) fd;
      *in_v2 = true;
      pid = (pid_t) syscall (SYS_clone3, &args, sizeof args);
      /* E2BIG: clone_args too large for the kernel; EINVAL: the flag */
      if (pid >= 0 || (errno != E2BIG && errno != EINVAL))
        return pid;
      args.flags &= ~(uint64_t) CLONE_INTO_CGROUP;
      args.cgroup = 0;
    }
  *in_v2 = false;
  return (pid_t) syscall (SYS_clone3, &args, sizeof args);
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
kr_cg_attach (kr_cgroup *cg, pid_t pid, bool skip_v2, kr_error **err)
{
  char dir[PATH_MAX];

  for (size_t i = 0; i < cg->n; i++)
    {
      kr_cg_hier *h = &cg->h[i];
      if (skip_v2 && h->version == 2)
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
  return kr_cg_attach (cg, pid, false, err);
}

int
kr_cgroup_enter (kr_cgroup *cg, bool in_v2, kr_error **err)
{
  int r = kr_cg_attach (cg, 0, in_v2, err);

  for (size_t i = 0; i < cg->n; i++)
    kr_closep (&cg->h[i].fd);
  return r;
}

int
kr_cgroup_apply_devices (kr_cgroup *cg, const oci_linux *lx, kr_error **err)
{
  _cleanup_free_ kr_dev_rule *rules = NULL;
  kr_dev_policy pol;
  size_t n;
  kr_cg_hier *h;
  char dir[PATH_MAX];
  int r;

  /* The policy is computed on every host, so a rule set that v1 can not
   * express fails the same way on v2. */
  if (kr_cg_device_rules (lx, &rules, &n, err) < 0
      || kr_cg_device_policy (rules, n, &pol, err) < 0)
    return -1;
  if (cg->mode == KR_CG_UNIFIED)
    {
      /* cgroup2 has no devices files: a BPF program enforces the policy. */
      h = &cg->h[0];
      r = kr_cg_open_leaf (h, err);
      if (r == 0 && kr_ebpf_apply_device_policy (h->fd, &pol, err) < 0)
        r = kr_error_prefix (err, "%s", kr_cg_hier_dir (h, dir, sizeof dir));
      kr_cg_device_policy_free (&pol);
      return r;
    }
  kr_cg_device_policy_free (&pol);
  h = kr_cg_find (cg, "devices");
  if (h == NULL)
    return kr_error_set (err, ENOENT, "no devices cgroup");
  return kr_cg_v1_apply_devices (h, rules, n, err);
}

const char *
kr_cgroup_path (const kr_cgroup *cg)
{
  if (cg->mode == KR_CG_UNIFIED)
    return cg->n ? cg->h[0].path : "/";
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].version == 1 && kr_cg_has_controller (cg->h[i].controllers, "devices"))
      return cg->h[i].path;
  return "/";
}

const char *
kr_cgroup_path_at (const kr_cgroup *cg, const char *mountpoint)
{
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].version == 1 && strcmp (cg->h[i].mountpoint, mountpoint) == 0)
      return cg->h[i].path;
  return NULL;
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
  free (cg);
}
