/* `exec`, the caller's side (see exec.h): check the container, build the
 * process, start the helper, place it in the cgroup, collect the process. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "container/exec.h"
#include "process/namespaces.h"
#include "process/sched.h"
#include "process/seccomp.h"
#include "base/id.h"
#include "container/pidfd.h"
#include "base/fdpass.h"
#include "base/procfs.h"
#include "spawn/exec-enter.h"
#include "spawn/clone.h"
#include "spawn/sync.h"
#include "base/util.h"

/* The namespaces of init that are not ours: the ones to join (joining one
 * we are in already is refused for user namespaces). */
static int
namespaces_to_join (pid_t pid, int *flags, kr_error **err)
{
  _cleanup_close_ int theirdir = -1, ourdir = -1;
  int proc = kr_procfs_handle (err);
  char path[32];

  *flags = 0;
  snprintf (path, sizeof path, "%d/ns", (int) pid);
  if (proc < 0 || (theirdir = kr_procfs_openat (proc, path, O_PATH | O_DIRECTORY, err)) < 0
      || (ourdir = kr_procfs_openat (proc, "self/ns", O_PATH | O_DIRECTORY, err)) < 0)
    return -1;
  for (size_t i = 0; i < KR_NS_TYPES; i++)
    {
      const char *name = kr_ns_types[i].proc_name;
      struct stat theirs, ours;

      if (fstatat (theirdir, name, &theirs, 0) < 0)
        {
          if (errno == ENOENT)
            continue; /* a kernel without this namespace type */
          return kr_error_set (err, errno, "stat /proc/%s/%s", path, name);
        }
      if (fstatat (ourdir, name, &ours, 0) < 0)
        return kr_error_set (err, errno, "stat /proc/self/ns/%s", name);
      if (theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev)
        *flags |= kr_ns_types[i].flag;
    }
  return 0;
}

/* runc's rules for a terminal (checkTerminal). */
static int
check_terminal (const kr_exec_opts *o, bool terminal, kr_error **err)
{
  if (o->detach && terminal && !o->console_socket_given)
    return kr_error_set (err, 0, "cannot allocate tty if krill will detach without setting console socket");
  if ((!o->detach || !terminal) && o->console_socket_given)
    return kr_error_set (err, 0, "cannot use console socket if krill will not detach or allocate tty");
  return 0;
}

/* Everything exec holds while it works; released in one place. */
struct exec_run
{
  int dirfd, init_pidfd, sync[2], pidfd;
  pid_t helper, pid;
  oci_process *p;
  kr_cgroup *cg;
  kr_state *st;
  kr_seccomp *seccomp;
  oci_config *cfg; /* the container's, as create stored it */
};

static void
exec_release (struct exec_run *r, bool failed)
{
  if (r->helper > 0)
    {
      kill (r->helper, SIGKILL);
      waitpid (r->helper, NULL, 0);
    }
  if (failed && r->pid > 0)
    {
      kill (r->pid, SIGKILL);
      waitpid (r->pid, NULL, 0);
    }
  if (failed)
    kr_closep (&r->pidfd);
  kr_closep (&r->sync[0]);
  kr_closep (&r->sync[1]);
  kr_closep (&r->init_pidfd);
  kr_closep (&r->dirfd);
  if (r->cg)
    kr_cgroup_free (r->cg);
  oci_process_free (r->p);
  kr_state_free (r->st);
  kr_seccomp_free (r->seccomp);
  oci_config_free (r->cfg);
}

/* Moves *FROM to *TO when *TO is unset. */
#define INHERIT(to, from)                                                                          \
  do                                                                                               \
    if ((to) == NULL)                                                                              \
      {                                                                                            \
        (to) = (from);                                                                             \
        (from) = NULL;                                                                             \
      }                                                                                            \
  while (0)

/* What of the container's config applies to exec'd processes too, as in
 * runc: the seccomp filter, the personality and memory policy, and unless
 * the process sets its own, the scheduler, I/O priority and execCPUAffinity
 * of config.json's process. */
static int
load_config (struct exec_run *r, kr_error **err)
{
  /* Taken by kr_exec_build_process when the process is config.json's own. */
  if (r->cfg && r->cfg->process)
    {
      INHERIT (r->p->scheduler, r->cfg->process->scheduler);
      INHERIT (r->p->io_priority, r->cfg->process->io_priority);
      INHERIT (r->p->exec_cpu_affinity, r->cfg->process->exec_cpu_affinity);
    }
  return kr_seccomp_prepare (r->cfg && r->cfg->linux ? r->cfg->linux->seccomp : NULL, &r->seccomp,
                             err);
}

/* The helper C1, cloned on the CPUs of execCPUAffinity.initial when it
 * names any (so it and C2 do their setup there, before the cgroup), the
 * caller's own affinity back right after. */
static int
clone_helper (const kr_exec_opts *o, struct exec_run *r, bool *born_in_cgroup, kr_error **err)
{
  const oci_exec_cpu_affinity *a = r->p->exec_cpu_affinity;
  size_t size = CPU_ALLOC_SIZE (KR_MAX_CPU_ID + 1);
  cpu_set_t *saved = NULL;

  if (a && a->initial && strpbrk (a->initial, "0123456789"))
    {
      saved = CPU_ALLOC (KR_MAX_CPU_ID + 1);
      if (saved == NULL)
        return kr_error_set (err, ENOMEM, "process.execCPUAffinity.initial");
      if (sched_getaffinity (0, size, saved) < 0)
        {
          CPU_FREE (saved);
          return kr_error_set (err, errno, "sched_getaffinity");
        }
      if (kr_sched_set_affinity (a->initial, "process.execCPUAffinity.initial", err) < 0)
        {
          CPU_FREE (saved);
          return -1;
        }
    }
  /* Born in the cgroup (where the host allows it) unless --cgroup names a
   * sub-cgroup. */
  r->helper = kr_clone (0, o->cgroups_len == 0 ? kr_cgroup_birth_fd (r->cg) : -1, NULL,
                        born_in_cgroup);
  if (r->helper != 0 && saved)
    {
      /* Best effort: only this caller's waiting runs on it. */
      (void) sched_setaffinity (0, size, saved);
      CPU_FREE (saved);
    }
  if (r->helper < 0)
    return kr_error_set (err, errno, "clone3 the exec helper");
  return 0;
}

static int
open_container (const kr_exec_opts *o, struct exec_run *r, kr_error **err)
{
  kr_status status;

  if (kr_state_open_container (o->root, o->id, false, &r->dirfd, &r->st, err) < 0)
    return -1;
  status = kr_state_status (r->dirfd, r->st);
  if (status == KR_STATUS_STOPPED)
    return kr_error_set (err, 0, "cannot exec in a stopped container");
  if (status == KR_STATUS_PAUSED && !o->ignore_paused)
    return kr_error_set (err, 0, "cannot exec in a paused container (use --ignore-paused to override)");
  /* From here init's pid cannot be reused under us. */
  return kr_pidfd_open_init (r->st, &r->init_pidfd, err);
}

/* The reports: the helper's pid of the process, the process's READY just
 * before execve (the two in either order: they race), then EOF when the
 * helper has exited and execve closed the process's end. */
static int
collect (const kr_exec_opts *o, struct exec_run *r, kr_error **err)
{
  bool ready = false;
  kr_sync_msg m;
  int n;

  while ((n = kr_sync_recv (r->sync[0], &m, err)) > 0)
    {
      if (m.type == KR_SYNC_PID && r->pid == 0)
        {
          r->pid = (pid_t) m.errnum;
          waitpid (r->helper, NULL, 0);
          r->helper = 0;
          /* Our child (CLONE_PARENT) and not reaped: the pid is its own. */
          r->pidfd = (int) syscall (SYS_pidfd_open, r->pid, 0);
          if (r->pidfd < 0)
            return kr_error_set (err, errno, "pidfd_open %d", (int) r->pid);
        }
      else if (m.type == KR_SYNC_READY && !ready)
        ready = true;
      else
        return kr_error_set (err, 0, "sync: unexpected message %u", m.type);
    }
  /* After an error the process's pid may still be on its way: learn it, so
   * that it is reaped, not left a zombie. */
  for (int i = 0, k; n < 0 && r->pid == 0 && i < 4; i++)
    {
      if ((k = kr_sync_recv (r->sync[0], &m, NULL)) == 0)
        break;
      if (k > 0 && m.type == KR_SYNC_PID)
        r->pid = (pid_t) m.errnum;
    }
  if (n < 0)
    return -1;
  if (r->pid == 0)
    return kr_error_set (err, 0, "exec helper exited before the process was started");
  if (!ready)
    return kr_error_set (err, 0, "exec process exited before it was ready");
  if (o->pid_file && kr_write_pid_file (o->pid_file, r->pid, err) < 0)
    return -1;
  if (o->pidfd_socket >= 0 && kr_send_fd (o->pidfd_socket, r->pidfd, err) < 0)
    return kr_error_prefix (err, "--pidfd-socket");
  return 0;
}

static int
exec_steps (const kr_exec_opts *o, struct exec_run *r, kr_created *out, kr_error **err)
{
  kr_exec_child c;

  if (open_container (o, r, err) < 0)
    return -1;
  memset (&c, 0, sizeof c);
  /* Read once: the process and what else of the config applies. */
  if (kr_state_read_config (r->dirfd, &r->cfg, err) < 0
      || kr_exec_build_process (o, r->cfg, r->st->bundle, &r->p, err) < 0
      || check_terminal (o, r->p->terminal, err) < 0
      || kr_caps_parse (r->p->capabilities, &c.caps, err) < 0
      || kr_passed_fds_check ("--preserve-fds", 3, o->preserve_fds, INT_MAX, err) < 0
      || namespaces_to_join (r->st->pid, &c.ns_flags, err) < 0
      || load_config (r, err) < 0)
    return -1;
  if (kr_state_cgroup_load (r->dirfd, r->st, &r->cg, err) < 0)
    return -1;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->sync) < 0)
    return kr_error_set (err, errno, "socketpair");
  c.p = r->p;
  c.id = o->id;
  c.init_pid = r->st->pid;
  c.init_pidfd = r->init_pidfd;
  c.sync_fd = r->sync[1];
  c.console_fd = r->p->terminal ? o->console_fd : -1;
  c.preserve_fds = o->preserve_fds;
  c.seccomp = r->seccomp;
  c.linux = r->cfg ? r->cfg->linux : NULL;

  c.cg = r->cg;
  c.cgroups = o->cgroups;
  c.cgroups_len = o->cgroups_len;
  if (clone_helper (o, r, &c.born_in_cgroup, err) < 0)
    return -1;
  if (r->helper == 0)
    {
      close (r->sync[0]);
      kr_exec_child_run (&c);
    }
  kr_closep (&r->sync[1]);
  if (kr_sync_send (r->sync[0], KR_SYNC_GO, err) < 0)
    return -1;
  if (collect (o, r, err) < 0)
    return -1;
  out->pid = r->pid;
  out->pidfd = TAKE_FD (r->pidfd);
  out->terminal = r->p->terminal;
  r->pid = 0;
  return 0;
}

int
kr_container_exec (const kr_exec_opts *o, kr_created *out, kr_error **err)
{
  struct exec_run r = { .dirfd = -1, .init_pidfd = -1, .sync = { -1, -1 },
                        .pidfd = -1 };
  int ret;

  memset (out, 0, sizeof *out);
  out->pidfd = -1;
  ret = exec_steps (o, &r, out, err);
  exec_release (&r, ret < 0);
  return ret;
}
