/* Live test of the cgroup module on this host's real hierarchies (root).
 * Everything lives under /krill-test-<pid>* (absolute paths, so nothing
 * nests under the caller's own cgroups) and is removed at the end, even
 * when a check fails. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "base/util.h"

#include "check.h"

/* resolve, prepare and make in one go, as create does them in steps:
 * every missing directory made, an existing cgroup joined; on failure
 * nothing made is left. */
static int
cgroup_create (const char *cgroups_path, const char *id, kr_cgroup **out, kr_error **err)
{
  kr_cgroup *cg = NULL;

  if (kr_cgroup_resolve (cgroups_path, id, &cg, err) < 0)
    return -1;
  if (kr_cgroup_prepare (cg, err) < 0 || kr_cgroup_make (cg, err) < 0)
    {
      kr_cgroup_destroy (cg, NULL);
      kr_cgroup_free (cg);
      return -1;
    }
  *out = cg;
  return 0;
}

static char prefix[64];
static pid_t children[4];
static char *mounts[32];
static size_t n_mounts;


/* Runs CALL, then reports it with the error it left: C leaves the order
 * in which arguments are evaluated open, so never both in one call. */
#define CHECK_CALL(name, call)                                                \
  do                                                                          \
    {                                                                         \
      int r_ = (call);                                                        \
      check (name, r_ == 0, "%s", err ? err->msg : "");                       \
      kr_error_free (&err);                                                   \
    }                                                                         \
  while (0)

static void
skip (const char *name, const char *reason)
{
  printf ("skip %s # %s\n", name, reason);
  skipped++;
}

/* How many device programs are attached to the cgroup DIRFD, -1 on error. */
static int
device_programs (int dirfd)
{
  union bpf_attr attr;
  uint32_t ids[8];

  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = (uint32_t) dirfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t) (uintptr_t) ids;
  attr.query.prog_cnt = 8;
  if (syscall (SYS_bpf, BPF_PROG_QUERY, &attr, sizeof attr) < 0)
    return -1;
  return (int) attr.query.prog_cnt;
}

static bool
exists (const char *mountpoint, const char *path)
{
  char p[PATH_MAX];
  struct stat st;
  snprintf (p, sizeof p, "%s%s", mountpoint, path);
  return stat (p, &st) == 0;
}

static void
remember_mounts (const kr_cgroup *cg)
{
  for (size_t i = 0; i < cg->n && n_mounts < ARRAY_SIZE (mounts); i++)
    {
      bool seen = false;
      for (size_t k = 0; k < n_mounts; k++)
        seen = seen || strcmp (mounts[k], cg->h[i].mountpoint) == 0;
      if (!seen)
        mounts[n_mounts++] = strdup (cg->h[i].mountpoint);
    }
}

/* Whatever a failed check left: our children, then our directories. */
static void
cleanup (void)
{
  static const char *const sub[] = { "/cg1", "", "-j/sub", "-j", "-e" };

  for (size_t i = 0; i < ARRAY_SIZE (children); i++)
    if (children[i] > 0)
      {
        kill (children[i], SIGKILL);
        waitpid (children[i], NULL, 0);
      }
  for (size_t m = 0; m < n_mounts; m++)
    for (size_t s = 0; s < ARRAY_SIZE (sub); s++)
      {
        char p[PATH_MAX];
        snprintf (p, sizeof p, "%s%s%s", mounts[m], prefix, sub[s]);
        if (rmdir (p) == 0)
          printf ("# cleanup removed %s\n", p);
      }
}

/* A child born in the v2 leaf when CGROUP_FD is one (CLONE_INTO_CGROUP),
 * which then enters the rest itself, as create's init does; returns once it
 * has (*ENTERED: whether kr_cgroup_enter succeeded). */
static pid_t
spawn_sleeper (kr_cgroup *cg, int cgroup_fd, bool *entered)
{
  int p[2];
  char ok = 0;
  pid_t pid;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return -1;
  if (cgroup_fd >= 0)
    {
      struct clone_args args = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
                                 .cgroup = (uint64_t) cgroup_fd };
      pid = syscall (SYS_clone3, &args, sizeof args);
    }
  else
    pid = fork ();
  if (pid == 0)
    {
      ok = kr_cgroup_enter (cg, cgroup_fd >= 0, NULL) == 0;
      if (write (p[1], &ok, 1) != 1)
        _exit (1);
      for (;;)
        pause ();
    }
  close (p[1]);
  *entered = pid > 0 && read (p[0], &ok, 1) == 1 && ok;
  close (p[0]);
  return pid;
}

static bool
procs_has (const kr_cg_hier *h, pid_t pid)
{
  char p[PATH_MAX], line[32];
  bool found = false;
  FILE *f;

  snprintf (p, sizeof p, "%s%s/cgroup.procs", h->mountpoint, h->path);
  f = fopen (p, "re");
  if (f == NULL)
    return false;
  while (fgets (line, sizeof line, f))
    found = found || atoi (line) == pid;
  fclose (f);
  return found;
}

static void
check_every_hierarchy (kr_cgroup *cg, pid_t pid)
{
  static const char *const wanted[] = { "cpuset", "cpu", "cpuacct", "memory", "devices",
                                        "freezer", "net_cls", "net_prio", "blkio", "perf_event",
                                        "hugetlb", "pids", "rdma", "misc", "name=systemd" };
  char name[128];

  if (cg->mode == KR_CG_UNIFIED)
    {
      check ("attach/v2", procs_has (&cg->h[0], pid), "pid %d not in %s/cgroup.procs", pid, cg->h[0].path);
      return;
    }
  for (size_t i = 0; i < ARRAY_SIZE (wanted); i++)
    {
      kr_cg_hier *h = kr_cg_find (cg, wanted[i]);
      snprintf (name, sizeof name, "attach/%s", wanted[i]);
      if (h == NULL)
        skip (name, "hierarchy not mounted");
      else
        check (name, procs_has (h, pid), "pid %d not in %s%s/cgroup.procs", pid, h->mountpoint, h->path);
    }
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].version == 2)
      check ("attach/hybrid-unified", procs_has (&cg->h[i], pid), "pid %d not in unified%s", pid,
             cg->h[i].path);
  if (cg->mode == KR_CG_HYBRID)
    return;
  skip ("attach/hybrid-unified", "no hybrid unified hierarchy");
}

static void
check_devices (kr_cgroup *cg)
{
  _cleanup_error_ kr_error *err = NULL;
  oci_device_cgroup rules[] = {
    { .allow = false, .has_allow = true, .access = (char *) "rwm" },
    { .allow = true, .has_allow = true, .type = (char *) "c", .major = 10, .has_major = true,
      .minor = 229, .has_minor = true, .access = (char *) "rw" },
  };
  oci_resources res = { .devices = rules, .devices_len = 2 };
  oci_linux lx = { .resources = &res };
  int r = kr_cgroup_apply_devices (cg, &lx, &err);

  check ("devices/apply", r == 0, "%s", err ? err->msg : "");
  if (cg->mode == KR_CG_UNIFIED)
    {
      /* No devices.list: one BPF device program on the leaf, still one
       * after the rules are applied again (update replaces it). */
      int once = device_programs (cg->h[0].fd), twice;
      kr_error_free (&err);
      r = kr_cgroup_apply_devices (cg, &lx, &err);
      twice = device_programs (cg->h[0].fd);
      check ("devices/bpf-program", r == 0 && once == 1 && twice == 1,
             "%d then %d programs attached %s", once, twice, err ? err->msg : "");
    }
  else
    {
      kr_cg_hier *h = kr_cg_find (cg, "devices");
      _cleanup_free_ char *list = NULL;
      _cleanup_error_ kr_error *e2 = NULL;
      if (h == NULL || kr_cg_open_leaf (h, &e2) < 0 || kr_cg_read_at (h->fd, "devices.list", &list, &e2) < 0)
        check ("devices/list", false, "%s", e2 ? e2->msg : "no devices hierarchy");
      else
        check ("devices/list",
               strstr (list, "c 1:3 rwm\n") && strstr (list, "c 10:229 rw\n")
                 && strstr (list, "c 136:* rwm\n") && strstr (list, "c *:* m\n")
                 && strstr (list, "b *:* m\n") && strstr (list, "c 10:200 rwm\n")
                 && !strstr (list, "a *:* rwm"),
               "devices.list:\n%s", list);
    }
  rules[1].type = (char *) "x";
  kr_error_free (&err);
  r = kr_cgroup_apply_devices (cg, &lx, &err);
  check ("devices/invalid-rule", r < 0 && err
         && strcmp (err->msg, "linux.resources.devices[1].type: invalid device type \"x\"") == 0,
         "r=%d %s", r, err ? err->msg : "");
}

static bool
in_list (const pid_t *v, size_t n, pid_t pid)
{
  for (size_t i = 0; i < n; i++)
    if (v[i] == pid)
      return true;
  return false;
}

static void
test_main (void)
{
  _cleanup_error_ kr_error *err = NULL;
  kr_cgroup *cg = NULL, *back = NULL;
  char path[128], sdir[] = "/tmp/krill-cglive-XXXXXX";
  _cleanup_close_ int sfd = -1;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n_pids = 0;
  int status;
  pid_t pid;

  snprintf (path, sizeof path, "%s/cg1", prefix);
  if (cgroup_create (path, "ignored", &cg, &err) < 0)
    {
      check ("create", false, "%s", err->msg);
      return;
    }
  remember_mounts (cg);
  {
    bool ok = true;
    for (size_t i = 0; i < cg->n; i++)
      ok = ok && cg->h[i].made == 2 && strcmp (cg->h[i].path, path) == 0
           && exists (cg->h[i].mountpoint, path);
    check ("create", ok && strcmp (kr_cgroup_path (cg), path) == 0, "a hierarchy lacks %s", path);
  }
  printf ("# mode %s, %zu hierarchies\n",
          cg->mode == KR_CG_UNIFIED ? "unified" : cg->mode == KR_CG_HYBRID ? "hybrid" : "legacy", cg->n);

  int v2fd = kr_cgroup_birth_fd (cg);
  kr_cg_hier *v2 = NULL;
  bool entered = false;
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].version == 2)
      v2 = &cg->h[i];
  if (cg->mode == KR_CG_LEGACY)
    check ("v2-fd-is-none-on-legacy", v2fd == -1, "fd %d", v2fd);
  else
    check ("v2-fd", v2fd >= 0 && v2 != NULL && v2->fd == v2fd, "no fd of the v2 leaf");
  pid = children[0] = spawn_sleeper (cg, v2fd, &entered);
  if (pid < 0)
    {
      check ("spawn", false, "%m");
      goto out;
    }
  check ("enter", entered, "kr_cgroup_enter failed in the child");
  if (v2fd >= 0)
    check ("clone-into-cgroup", procs_has (v2, pid), "clone3 child not in the v2 leaf");
  check_every_hierarchy (cg, pid);
  check_devices (cg);

  kr_error_free (&err);
  CHECK_CALL ("pids", kr_cgroup_pids (cg, &pids, &n_pids, &err));
  check ("pids-has-child", in_list (pids, n_pids, pid), "pid %d missing (n=%zu)", pid, n_pids);

  if (mkdtemp (sdir) == NULL || (sfd = open (sdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    {
      check ("save", false, "mkdtemp: %m");
      goto out;
    }
  kr_error_free (&err);
  CHECK_CALL ("save", kr_cgroup_save (cg, sfd, "cgroup", &err));
  CHECK_CALL ("load", kr_cgroup_load (sfd, "cgroup", kr_cgroup_path (cg), &back, &err));
  check ("save-load-same", back && back->n == cg->n && strcmp (kr_cgroup_path (back), path) == 0,
         "loaded cgroup differs");
  unlinkat (sfd, "cgroup", 0);
  rmdir (sdir);
  if (back == NULL)
    goto out;

  CHECK_CALL ("destroy", kr_cgroup_destroy (back, &err));
  check ("destroy-killed-child", waitpid (pid, &status, 0) == pid && WIFSIGNALED (status)
         && WTERMSIG (status) == SIGKILL, "status %#x", status);
  children[0] = 0;
  {
    bool gone = true;
    for (size_t i = 0; i < cg->n; i++)
      gone = gone && !exists (cg->h[i].mountpoint, prefix);
    check ("destroy-removed-what-it-made", gone, "%s left behind", prefix);
  }
  CHECK_CALL ("destroy-twice", kr_cgroup_destroy (back, &err));
out:
  kr_cgroup_free (cg);
  kr_cgroup_free (back);
}

/* A cgroup that exists is joined and survives its joiner's destroy. */
static void
test_join (void)
{
  _cleanup_error_ kr_error *err = NULL;
  kr_cgroup *owner = NULL, *joined = NULL, *nested = NULL;
  char path[128], sub[160];
  bool ok;

  snprintf (path, sizeof path, "%s-j", prefix);
  snprintf (sub, sizeof sub, "%s-j/sub", prefix);
  if (cgroup_create (path, NULL, &owner, &err) < 0
      || cgroup_create (path, NULL, &joined, &err) < 0)
    {
      check ("join/create", false, "%s", err->msg);
      goto out;
    }
  /* Before the nested cgroup: on cgroup2 a cgroup that delegates
   * controllers to children takes no process. */
  children[1] = fork ();
  if (children[1] == 0)
    {
      for (;;)
        pause ();
    }
  if (children[1] < 0)
    {
      check ("join/attach", false, "fork: %m");
      goto out;
    }
  CHECK_CALL ("join/attach", kr_cgroup_attach (joined, children[1], &err));
  if (cgroup_create (sub, NULL, &nested, &err) < 0)
    {
      check ("join/create-nested", false, "%s", err->msg);
      goto out;
    }
  ok = true;
  for (size_t i = 0; i < joined->n; i++)
    ok = ok && joined->h[i].made == 0 && nested->h[i].made == 1 && owner->h[i].made == 1;
  check ("join/made-counts", ok, "made counts wrong");

  CHECK_CALL ("join/destroy-nested", kr_cgroup_destroy (nested, &err));
  ok = true;
  for (size_t i = 0; i < nested->n; i++)
    ok = ok && !exists (nested->h[i].mountpoint, sub) && exists (nested->h[i].mountpoint, path);
  check ("join/nested-removed-parent-kept", ok, "wrong directories left");

  CHECK_CALL ("join/destroy-joined", kr_cgroup_destroy (joined, &err));
  ok = kill (children[1], 0) == 0;
  for (size_t i = 0; i < joined->n; i++)
    ok = ok && exists (joined->h[i].mountpoint, path);
  check ("join/joined-left-alone", ok, "joined cgroup or its process is gone");

  CHECK_CALL ("join/destroy-owner", kr_cgroup_destroy (owner, &err));
  ok = true;
  for (size_t i = 0; i < owner->n; i++)
    ok = ok && !exists (owner->h[i].mountpoint, path);
  check ("join/owner-removed", ok, "owner's cgroup left behind");
  check ("join/owner-destroy-killed-child", waitpid (children[1], NULL, WNOHANG) == children[1]
         || (usleep (100000), waitpid (children[1], NULL, WNOHANG) == children[1]), "child still alive");
  children[1] = 0;
out:
  kr_cgroup_free (owner);
  kr_cgroup_free (joined);
  kr_cgroup_free (nested);
}

/* A failure halfway through create removes what it made. */
static void
test_create_failure (void)
{
  _cleanup_error_ kr_error *err = NULL;
  kr_cgroup *cg = NULL;
  char path[160], made[128];
  bool gone = true;
  int r;

  snprintf (made, sizeof made, "%s-e", prefix);
  snprintf (path, sizeof path, "%s/cgroup.procs/x", made);
  r = cgroup_create (path, NULL, &cg, &err);
  for (size_t m = 0; m < n_mounts; m++)
    gone = gone && !exists (mounts[m], made);
  if (err)
    printf ("# %s\n", err->msg);
  check ("create-failure-undone", r < 0 && gone && strstr (err->msg, "cgroup.procs") != NULL,
         "r=%d gone=%d %s", r, gone, err ? err->msg : "");
  kr_cgroup_free (cg);
}

static void
on_alarm (int sig)
{
  (void) sig;
  printf ("not ok timeout: the test hung\n");
  cleanup ();
  _exit (1);
}

int
main (void)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  signal (SIGALRM, on_alarm);
  alarm (120);
  if (geteuid () != 0)
    {
      skip ("all", "needs root");
      printf ("0 passed, 0 failed\n");
      return 0;
    }
  if (access (KR_CG_ROOT, F_OK) < 0)
    {
      skip ("all", "no " KR_CG_ROOT);
      printf ("0 passed, 0 failed\n");
      return 0;
    }
  snprintf (prefix, sizeof prefix, "/krill-test-%d", (int) getpid ());
  test_main ();
  test_join ();
  test_create_failure ();
  cleanup ();
  printf ("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}
