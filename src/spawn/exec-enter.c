/* The container's side of `exec` (see exec.h): the helper C1 that enters
 * the namespaces, and the process C2 it clones into the pid namespace.
 * Neither is ever dumpable before C2's execve: C1 is born so (kr_clone)
 * and C2 inherits it, so a process of the container (without
 * CAP_SYS_PTRACE) can neither ptrace them nor open /proc/<pid>/exe
 * (krill's binary on the host) or /proc/<pid>/fd. Not a defence against
 * CVE-2019-5736 (see init.c). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "spawn/exec-enter.h"
#include "spawn/exec-final.h"
#include "process/namespaces.h"
#include "process/process.h"
#include "process/sched.h"
#include "base/fdpass.h"
#include "base/procfs.h"
#include "spawn/sync.h"
#include "process/terminal.h"
#include "base/util.h"

/* Before 5.8 a pidfd cannot be given to setns: one /proc/PID/ns file at a
 * time, all opened before the first join. */
static int
join_by_path (const kr_exec_child *c, int proc, kr_error **err)
{
  _cleanup_close_ int nsdir = -1;
  int fds[KR_NS_TYPES];
  int ret = 0;
  char path[32];

  snprintf (path, sizeof path, "%d/ns", (int) c->init_pid);
  nsdir = kr_procfs_openat (proc, path, O_PATH | O_DIRECTORY, err);
  if (nsdir < 0)
    return -1;
  for (size_t i = 0; i < KR_NS_TYPES; i++)
    {
      fds[i] = -1;
      if (!(c->ns_flags & kr_ns_types[i].flag))
        continue;
      fds[i] = openat (nsdir, kr_ns_types[i].proc_name, O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0 && ret == 0)
        ret = kr_error_set (err, errno, "open /proc/%s/%s", path, kr_ns_types[i].proc_name);
    }
  for (size_t i = 0; ret == 0 && i < KR_NS_TYPES; i++)
    if (fds[i] >= 0 && setns (fds[i], kr_ns_types[i].flag) < 0)
      ret = kr_error_set (err, errno, "setns %s namespace of init %d", kr_ns_types[i].proc_name,
                          (int) c->init_pid);
  for (size_t i = 0; i < KR_NS_TYPES; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  return ret;
}

static int
join_namespaces (const kr_exec_child *c, int proc, kr_error **err)
{
  if (c->ns_flags == 0)
    return 0;
  /* All at once, and only into init's own namespaces: a pidfd cannot be
   * redirected the way a path under /proc can. */
  if (setns (c->init_pidfd, c->ns_flags) == 0)
    return 0;
  if (errno != EINVAL)
    return kr_error_set (err, errno, "setns to the namespaces of init %d", (int) c->init_pid);
  return join_by_path (c, proc, err);
}

static int
set_oom_score_adj (oci_process *p, int proc, kr_error **err)
{
  if (!p->has_oom_score_adj)
    return 0;
  /* Through the host's /proc, before entering: inherited by C2. */
  if (kr_process_set_oom_score_adj (p, proc, err) < 0)
    return -1;
  p->has_oom_score_adj = false;
  return 0;
}

/* The caller's environment (a shim's, a daemon's) is none of the
 * container's business, and /proc/<pid>/environ shows it even when we are
 * not dumpable: blank the strings where the kernel reads them. */
static void
wipe_environment (void)
{
  for (char **e = environ; e && *e; e++)
    explicit_bzero (*e, strlen (*e));
  clearenv ();
}

/* init's root, opened while init is known alive: a mount namespace's root
 * is where its first process stood, not where init pivoted to when the
 * runtime itself runs chrooted, and --no-pivot containers are chroots. */
static int
open_init_root (const kr_exec_child *c, int proc, int *fd, kr_error **err)
{
  _cleanup_close_ int piddir = -1;
  char path[32];

  snprintf (path, sizeof path, "%d", (int) c->init_pid);
  piddir = kr_procfs_openat (proc, path, O_PATH | O_DIRECTORY, err);
  if (piddir < 0)
    return -1;
  /* A magic link: one name in the pid's directory, nothing crossed. */
  *fd = openat (piddir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return kr_error_set (err, errno, "open /proc/%s/root", path);
  /* Still alive after the open: the pid was not reused under us. */
  if (syscall (SYS_pidfd_send_signal, c->init_pidfd, 0, NULL, 0) < 0)
    return kr_error_set (err, errno, "container init %d", (int) c->init_pid);
  return 0;
}

static int
enter_root (int rootfd, kr_error **err)
{
  if (fchdir (rootfd) < 0 || chroot (".") < 0 || chdir ("/") < 0)
    return kr_error_set (err, errno, "enter the container's root");
  return 0;
}

static int
enter (kr_exec_child *c, kr_error **err)
{
  _cleanup_close_ int rootfd = -1, proc = -1;
  int keep[5] = { c->sync_fd, c->console_fd, c->init_pidfd, -1, -1 };

  if (kr_sync_wait (c->sync_fd, KR_SYNC_GO, err) < 0)
    return -1;
  /* In the cgroup before it enters: so is all it clones.  It moves itself
   * (kr_cgroup_attach), before close_host_fds takes the cgroup's fds. */
  if (kr_cgroup_attach_sub (c->cg, 0, c->born_in_cgroup, c->cgroups, c->cgroups_len, err) < 0)
    return -1;
  /* The host's procfs, checked, for what follows: the parent's handle,
   * inherited with the fd table (a second detached copy of /proc costs as
   * much again, and this one is as good); closed before C2 is cloned (the
   * end of this function). */
  proc = kr_procfs_handle (NULL);
  proc = proc >= 0 ? fcntl (proc, F_DUPFD_CLOEXEC, 3) : -1;
  if (proc < 0 && kr_procfs_open (&proc, err) < 0)
    return -1;
  kr_procfs_use (proc);
  if (set_oom_score_adj (c->p, proc, err) < 0)
    return -1;
  wipe_environment ();
  if (open_init_root (c, proc, &rootfd, err) < 0)
    return -1;
  keep[3] = rootfd;
  keep[4] = proc;
  /* Nothing of the host (the binary's dir, the state dir, cgroup dirs, the
   * caller's unpassed fds) crosses into the container (CVE-2024-21626). */
  if (kr_close_fds_except (3 + c->preserve_fds, keep, ARRAY_SIZE (keep), err) < 0)
    return -1;
  /* Into a user namespace: the rlimits before the join, as the caller's
   * root (inherited by C2); inside, a hard limit could no longer be
   * raised. */
  if (c->ns_flags & CLONE_NEWUSER)
    {
      if (kr_process_set_rlimits (c->p, err) < 0)
        return kr_error_prefix (err, "process.rlimits");
      c->p->rlimits_len = 0;
    }
  /* Joining a user namespace changes the credentials too. */
  if (join_namespaces (c, proc, err) < 0 || kr_process_stay_undumpable (err) < 0
      || enter_root (rootfd, err) < 0)
    return -1;
  kr_closep (&c->init_pidfd);
  kr_procfs_use (-1);
  return 0;
}

static int
process_steps (kr_exec_child *c, char **exec_path, char ***envp, int *stub_fd, kr_error **err)
{
  if (setsid () < 0)
    return kr_error_set (err, errno, "setsid");
  if (c->console_fd >= 0)
    {
      if (kr_terminal_setup (c->console_fd, c->p->console_size, err) < 0)
        return kr_error_prefix (err, "terminal");
      kr_closep (&c->console_fd);
    }
  /* A session keyring of the container's, not the caller's, as runc. */
  if (kr_process_join_keyring (c->id, err) < 0)
    return -1;
  if (kr_process_prepare (c->p, exec_path, envp, err) < 0)
    return -1;
  /* Before apply: a filter loaded there may deny memfd_create. */
  if (kr_exec_stub_open (3 + c->preserve_fds, stub_fd, err) < 0)
    return -1;
  /* In the cgroup (C1 entered it), before the filter: the "final" CPUs. */
  if (kr_sched_final_affinity (c->p->exec_cpu_affinity, err) < 0)
    return -1;
  return kr_process_apply (c->p, c->linux, &c->caps, c->seccomp, -1, c->preserve_fds,
                           *stub_fd >= 0 ? c->sync_fd : -1, err);
}

/* C2: in every namespace of the container, pid included. */
static void __attribute__ ((noreturn))
process_run (kr_exec_child *c)
{
  _cleanup_error_ kr_error *err = NULL;
  char *exec_path = NULL;
  char **envp = NULL;
  int stub_fd = -1;

  if (process_steps (c, &exec_path, &envp, &stub_fd, &err) < 0
      || kr_sync_send (c->sync_fd, KR_SYNC_READY, &err) < 0)
    {
      kr_sync_send_error (c->sync_fd, err);
      _exit (127); /* a forked child: never returns to the caller */
    }
  /* On success the sync socket (close-on-exec) closes: the caller's EOF.
   * The stub reports its own failure to execve there. */
  kr_process_exec (c->p, c->seccomp, exec_path, envp, stub_fd, c->sync_fd, &err);
  kr_sync_send_error (c->sync_fd, err);
  _exit (127); /* a forked child: never returns to the caller */
}

void
kr_exec_child_run (kr_exec_child *c)
{
  _cleanup_error_ kr_error *err = NULL;
  struct clone_args args;
  pid_t pid;

  if (enter (c, &err) < 0)
    {
      kr_sync_send_error (c->sync_fd, err);
      _exit (1); /* a forked child: never returns to the caller */
    }
  /* CLONE_PARENT: the process is the caller's child, so it waits for it and
   * no helper stays behind; a sibling's exit signal must be 0 for clone3. */
  memset (&args, 0, sizeof args);
  args.flags = CLONE_PARENT;
  pid = (pid_t) syscall (SYS_clone3, &args, sizeof args);
  if (pid == 0)
    process_run (c);
  if (pid < 0)
    {
      kr_error_set (&err, errno, "clone3 into the container's pid namespace");
      kr_sync_send_error (c->sync_fd, err);
      _exit (1); /* a forked child: never returns to the caller */
    }
  kr_sync_send_value (c->sync_fd, KR_SYNC_PID, (int32_t) pid, NULL);
  _exit (0); /* a forked child: never returns to the caller */
}
