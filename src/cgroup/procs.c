/* The processes in a cgroup: listing them (kill --all), killing them and
 * taking the directories down once they are gone (delete, failed create). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "base/util.h"

/* How long destroy waits for killed processes to leave a cgroup. */
#define KR_CG_DRAIN_MS 10000
/* ------------------------------------------------------------------ pids, kill */

/* Calls FN for every child cgroup of DIRFD (a directory fd of it), with the
 * child's name; children that vanish meanwhile are skipped. */
static int
each_child (int dirfd, int (*fn) (int dirfd, int sub, const char *name, void *arg, kr_error **err),
            void *arg, kr_error **err)
{
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;
  int dfd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (dfd < 0 || (d = fdopendir (dfd)) == NULL)
    {
      int e = errno;
      if (dfd >= 0)
        close (dfd);
      return kr_error_set (err, e, "open cgroup directory");
    }
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      _cleanup_close_ int sub = -1;
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      sub = openat (dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (sub < 0 && errno == ENOENT)
        continue;
      if (sub < 0)
        return kr_error_set (err, errno, "open %s", de->d_name);
      if (fn (dirfd, sub, de->d_name, arg, err) < 0)
        return -1;
    }
  if (errno != 0)
    return kr_error_set (err, errno, "read cgroup directory");
  return 0;
}



typedef struct pidvec
{
  pid_t *v;
  size_t n, cap;
} pidvec;

/* Appends the pids of DIRFD's cgroup.procs (only: RECURSE false) or of it
 * and every cgroup below. */
static int collect_at (int dirfd, bool recurse, pidvec *out, kr_error **err);

static int
collect (int dirfd, pidvec *out, kr_error **err)
{
  return collect_at (dirfd, true, out, err);
}

static int
collect_child (int dirfd, int sub, const char *name, void *arg, kr_error **err)
{
  (void) dirfd;
  if (collect (sub, arg, err) < 0)
    return kr_error_prefix (err, "%s", name);
  return 0;
}

static int
collect_at (int dirfd, bool recurse, pidvec *out, kr_error **err)
{
  _cleanup_free_ char *procs = NULL;

  if (kr_cg_read_at (dirfd, "cgroup.procs", &procs, err) < 0)
    return -1;
  for (char *p = procs, *end; *p; p = end)
    {
      long v = strtol (p, &end, 10);
      if (end == p)
        break;
      if (out->n == out->cap)
        {
          size_t cap = out->cap ? out->cap * 2 : 32;
          pid_t *g = realloc (out->v, cap * sizeof *g);
          if (g == NULL)
            return kr_error_set (err, errno, "read cgroup.procs");
          out->v = g;
          out->cap = cap;
        }
      out->v[out->n++] = (pid_t) v;
    }
  return recurse ? each_child (dirfd, collect_child, out, err) : 0;
}

int
kr_cg_pids_of (kr_cg_hier *h, pid_t **pids, size_t *n, kr_error **err)
{
  pidvec v = { 0 };
  char dir[PATH_MAX];

  if (h == NULL)
    return kr_error_set (err, ENOENT, "no cgroup to list");
  if (kr_cg_open_leaf (h, err) < 0 || collect (h->fd, &v, err) < 0)
    {
      free (v.v);
      return kr_error_prefix (err, "list pids of %s", kr_cg_hier_dir (h, dir, sizeof dir));
    }
  *pids = v.v;
  *n = v.n;
  return 0;
}

/* How many processes are pinned by a pidfd at a time. */
#define KR_CG_SIGNAL_BATCH 256

static bool
listed (const pidvec *v, pid_t pid)
{
  for (size_t i = 0; i < v->n; i++)
    if (v->v[i] == pid)
      return true;
  return false;
}

/* Sends SIG to PIDS[0..N) (read from DIRFD's cgroup.procs), each only once
 * proven to be in the cgroup, so that a pid reused by a process elsewhere
 * on the host between listing and signalling is never hit: a pidfd pins
 * the process the pid named when it was opened; if that pid is still
 * listed in cgroup.procs read after that, and the pidfd's process is not
 * reaped yet when signalled (pidfd_send_signal fails with ESRCH once it
 * is), the pid named that same process all along, so it was in the
 * cgroup.  Costs one pidfd_open and one pidfd_send_signal a process and
 * one more read of cgroup.procs a batch; no freezer needed. */
static int
signal_batch (int dirfd, const pid_t *pids, size_t n, int sig, kr_error **err)
{
  int fds[KR_CG_SIGNAL_BATCH];
  pidvec again = { 0 };
  int ret = 0;

  for (size_t i = 0; i < n; i++)
    {
      fds[i] = (int) syscall (SYS_pidfd_open, pids[i], 0);
      if (fds[i] < 0 && errno != ESRCH)
        {
          ret = kr_error_set (err, errno, "pidfd_open %d", (int) pids[i]);
          n = i;
          goto out;
        }
    }
  if (collect_at (dirfd, false, &again, err) < 0)
    {
      ret = -1;
      goto out;
    }
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0 && listed (&again, pids[i])
        && syscall (SYS_pidfd_send_signal, fds[i], sig, NULL, 0) < 0 && errno != ESRCH)
      {
        ret = kr_error_set (err, errno, "kill %d", (int) pids[i]);
        break;
      }
out:
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  free (again.v);
  return ret;
}

/* SIG to every process in DIRFD's cgroup and below; *LEFT (may be NULL)
 * says whether there was any. */
static int signal_tree (int dirfd, int sig, bool *left, kr_error **err);

typedef struct signal_arg
{
  int sig;
  bool *left;
} signal_arg;

static int
signal_child (int dirfd, int sub, const char *name, void *arg, kr_error **err)
{
  signal_arg *a = arg;
  (void) dirfd;
  if (signal_tree (sub, a->sig, a->left, err) < 0)
    return kr_error_prefix (err, "%s", name);
  return 0;
}

static int
signal_tree (int dirfd, int sig, bool *left, kr_error **err)
{
  pidvec v = { 0 };
  signal_arg a = { sig, left };

  if (collect_at (dirfd, false, &v, err) < 0)
    {
      free (v.v);
      return -1;
    }
  if (v.n && left)
    *left = true;
  for (size_t i = 0; i < v.n; i += KR_CG_SIGNAL_BATCH)
    {
      size_t k = v.n - i < KR_CG_SIGNAL_BATCH ? v.n - i : KR_CG_SIGNAL_BATCH;
      if (signal_batch (dirfd, v.v + i, k, sig, err) < 0)
        {
          free (v.v);
          return -1;
        }
    }
  free (v.v);
  return each_child (dirfd, signal_child, &a, err);
}

/* SIGKILLs what is in DIRFD and below; *LEFT says whether there was any. */
static int
kill_tree (int dirfd, bool *left, kr_error **err)
{
  *left = false;
  return signal_tree (dirfd, SIGKILL, left, err);
}

int
kr_cg_signal_all (kr_cgroup *cg, kr_cg_hier *h, int sig, kr_error **err)
{
  char dir[PATH_MAX];

  if (h == NULL)
    return kr_error_set (err, ENOENT, "no cgroup to signal");
  /* cgroup.kill kills the whole subtree in the kernel: no pid to reuse,
   * no fork to race.  On a hybrid host the unified hierarchy has it. */
  if (sig == SIGKILL)
    for (size_t i = 0; i < cg->n; i++)
      if (cg->h[i].version == 2)
        {
          int r;
          if (kr_cg_open_leaf (&cg->h[i], err) < 0
              || (r = kr_cg_v2_kill (cg->h[i].fd, err)) < 0)
            return kr_error_prefix (err, "kill processes of %s",
                                    kr_cg_hier_dir (&cg->h[i], dir, sizeof dir));
          if (r == 1)
            return 0;
        }
  if (kr_cg_open_leaf (h, err) < 0 || signal_tree (h->fd, sig, NULL, err) < 0)
    return kr_error_prefix (err, "signal processes of %s", kr_cg_hier_dir (h, dir, sizeof dir));
  return 0;
}

static int remove_children (int dirfd, kr_error **err);

static int
remove_child (int dirfd, int sub, const char *name, void *arg, kr_error **err)
{
  (void) arg;
  if (remove_children (sub, err) < 0)
    return kr_error_prefix (err, "%s", name);
  if (unlinkat (dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return kr_error_set (err, errno, "rmdir %s", name);
  return 0;
}

/* Removes the cgroups below DIRFD (made by the container), deepest first. */
static int
remove_children (int dirfd, kr_error **err)
{
  return each_child (dirfd, remove_child, NULL, err);
}

/* After the leaf PATH of H went: the parents krill made for it, then
 * those above that carry krill's mark (made for another container, now
 * gone).  rmdir removes only an empty directory: a parent another
 * container is in, or that a create is making its cgroup in, stays, and
 * so does everything above it. */
static int
remove_parents (int mfd, kr_cg_hier *h, char *path, kr_error **err)
{
  for (unsigned k = 1;; k++)
    {
      char *slash = strrchr (path, '/');
      if (slash == NULL || slash == path)
        break;
      *slash = '\0';
      if (k >= h->made)
        {
          _cleanup_close_ int pfd = openat (mfd, kr_cg_rel (path),
                                            O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
          char v;
          if (pfd < 0 || fgetxattr (pfd, KR_CG_PARENT_XATTR, &v, 1) != 1)
            break;
        }
      if (unlinkat (mfd, kr_cg_rel (path), AT_REMOVEDIR) == 0 || errno == ENOENT)
        continue;
      if (errno == EBUSY || errno == ENOTEMPTY)
        break;
      return kr_error_set (err, errno, "rmdir %s%s", h->mountpoint, path);
    }
  h->made = 0;
  return 0;
}

/* First pass (KILL_ONLY): SIGKILL what is in H's leaf.  Second pass: wait
 * until it is empty, remove it and the parents krill made. */
static int
destroy_hier (kr_cg_hier *h, bool kill_only, kr_error **err)
{
  _cleanup_close_ int mfd = -1;
  _cleanup_free_ char *path = strdup (h->path);
  char dir[PATH_MAX];
  long deadline = kr_cg_now_ms () + KR_CG_DRAIN_MS;

  if (path == NULL)
    return kr_error_set (err, errno, "destroy cgroup");
  kr_cg_hier_dir (h, dir, sizeof dir);
  mfd = open (h->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (mfd < 0)
    return kr_error_set (err, errno, "open %s", h->mountpoint);
  if (h->fd < 0)
    {
      h->fd = openat (mfd, kr_cg_rel (path), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (h->fd < 0 && errno != ENOENT)
        return kr_error_set (err, errno, "open %s", dir);
    }

  if (kill_only)
    {
      bool left;
      int r = 0;
      if (h->fd < 0)
        return 0;
      if (h->version == 2)
        r = kr_cg_v2_kill (h->fd, err);
      if (r < 0 || (r == 0 && kill_tree (h->fd, &left, err) < 0))
        return kr_error_prefix (err, "kill processes of %s", dir);
      return 0;
    }

  while (h->fd >= 0)
    {
      bool left;
      if (kill_tree (h->fd, &left, err) < 0)
        return kr_error_prefix (err, "kill processes of %s", dir);
      if (!left)
        {
          if (remove_children (h->fd, err) < 0)
            return kr_error_prefix (err, "remove %s", dir);
          if (unlinkat (mfd, kr_cg_rel (path), AT_REMOVEDIR) == 0 || errno == ENOENT)
            {
              close (h->fd);
              h->fd = -1;
              break;
            }
          if (errno != EBUSY)
            return kr_error_set (err, errno, "rmdir %s", dir);
        }
      if (kr_cg_now_ms () > deadline)
        return kr_error_set (err, EBUSY, "rmdir %s: processes still there after %d ms", dir,
                             KR_CG_DRAIN_MS);
      nanosleep (&(struct timespec) { 0, 5 * 1000 * 1000 }, NULL);
    }

  return remove_parents (mfd, h, path, err);
}

/* Without a process or a child cgroup left in it, the leaf goes at the
 * first rmdir: no listing, no kill.  1: removed (with its made parents),
 * 0: busy (the caller kills and drains), -1: error. */
static int
try_remove (kr_cg_hier *h, kr_error **err)
{
  _cleanup_close_ int mfd = open (h->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  _cleanup_free_ char *path = strdup (h->path);

  if (mfd < 0 || path == NULL)
    return kr_error_set (err, errno, "open %s", h->mountpoint);
  if (unlinkat (mfd, kr_cg_rel (path), AT_REMOVEDIR) < 0 && errno != ENOENT)
    return errno == EBUSY || errno == ENOTEMPTY ? 0
                                                : kr_error_set (err, errno, "rmdir %s%s",
                                                                h->mountpoint, path);
  kr_closep (&h->fd);
  return remove_parents (mfd, h, path, err) < 0 ? -1 : 1;
}

int
kr_cg_destroy (kr_cgroup *cg, kr_error **err)
{
  int ret = 0;

  /* Mostly the container is gone already (its pid namespace died with its
   * init): then removing is all there is to do. */
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].made > 0)
      {
        _cleanup_error_ kr_error *e = NULL;
        int r = try_remove (&cg->h[i], &e);
        if (r < 0 && ret == 0 && err != NULL)
          {
            kr_error_free (err);
            *err = TAKE_PTR (e);
          }
        if (r < 0)
          ret = -1;
      }
  /* Kill everywhere first: on v1 a process sits in every hierarchy, and
   * the first rmdir would otherwise wait for it alone.  A failure in one
   * hierarchy does not stop the others; the first is reported. */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < cg->n; i++)
      {
        kr_cg_hier *f = kr_cg_find (cg, "freezer");
        /* SIGKILLed tasks of a frozen v1 cgroup die only once thawed. */
        if (pass == 1 && i == 0 && f && f->made && f->fd >= 0)
          kr_cg_write_at (f->fd, "freezer.state", "THAWED", NULL);
        _cleanup_error_ kr_error *e = NULL;
        if (cg->h[i].made == 0 || destroy_hier (&cg->h[i], pass == 0, &e) == 0)
          continue;
        if (ret == 0 && err != NULL)
          {
            kr_error_free (err);
            *err = TAKE_PTR (e);
          }
        ret = -1;
      }
  if (ret < 0)
    kr_error_prefix (err, "destroy cgroup");
  return ret;
}
