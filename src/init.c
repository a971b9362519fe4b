/* The container's init, in the clone3 child. Order matters and follows
 * runc: wait for the parent (cgroups joined), cgroup namespace, joined
 * namespaces, hostname, rootfs and pivot, terminal, oom score, keyring,
 * then the process steps shared with `exec` (src/process.c), tell the
 * parent we are ready, wait for `start`, exec. */
#define _GNU_SOURCE
#include "init.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "error.h"
#include "process.h"
#include "procfs.h"
#include "rootfs.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

static int
set_names (const oci_config *cfg, kr_error **err)
{
  if (cfg->hostname && *cfg->hostname
      && sethostname (cfg->hostname, strlen (cfg->hostname)) < 0)
    return kr_error_set (err, errno, "hostname: sethostname \"%s\"", cfg->hostname);
  if (cfg->domainname && *cfg->domainname
      && setdomainname (cfg->domainname, strlen (cfg->domainname)) < 0)
    return kr_error_set (err, errno, "domainname: setdomainname \"%s\"", cfg->domainname);
  return 0;
}

static int
join_keyring (const char *id, bool skip, kr_error **err)
{
  if (skip)
    return 0;
  /* A session keyring of its own, so the container cannot read the host's
   * keys; kernels or seccomp profiles without keyctl are fine, as in runc. */
  if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, id) < 0 && errno != ENOSYS
      && errno != EPERM && errno != EACCES)
    return kr_error_set (err, errno, "join session keyring");
  return 0;
}




/* Blocks until `start` opens the fifo for reading. */
static int
wait_for_start (const kr_init_ctx *c, kr_error **err)
{
  char path[64];
  _cleanup_close_ int fd = -1;

  snprintf (path, sizeof path, "self/fd/%d", c->fifo_fd);
  do
    fd = openat (c->proc_fd, path, O_WRONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return kr_error_set (err, errno, "open exec fifo");
  if (write (fd, "0", 1) != 1)
    return kr_error_set (err, errno, "write exec fifo");
  return 0;
}

static int
init_steps (kr_init_ctx *c, char **exec_path, char ***envp, kr_error **err)
{
  const oci_process *p = c->cfg->process;

  if (kr_sync_wait (c->sync_fd, KR_SYNC_GO, err) < 0)
    return -1;
  if (c->ns->new_cgroup && unshare (CLONE_NEWCGROUP) < 0)
    return kr_error_set (err, errno, "unshare cgroup namespace");
  if (kr_namespaces_join_rest (c->ns, err) < 0)
    return -1;
  if (setsid () < 0)
    return kr_error_set (err, errno, "setsid");
  /* Relative bind sources are relative to the bundle, as in runc. */
  if (chdir (c->bundle) < 0)
    return kr_error_set (err, errno, "chdir to bundle %s", c->bundle);
  if (kr_rootfs_mount (c->cfg, c->rootfs, err) < 0
      || kr_rootfs_pivot (c->cfg, c->rootfs, c->no_pivot, err) < 0)
    return -1;
  /* While /dev and /proc/sys are still writable. */
  if (set_names (c->cfg, err) < 0)
    return -1;
  if (c->console_fd >= 0 && kr_terminal_setup (c->console_fd, p->console_size, err) < 0)
    return kr_error_prefix (err, "terminal");
  if (kr_rootfs_finalize (c->cfg, err) < 0)
    return -1;
  if (join_keyring (c->id, c->no_new_keyring, err) < 0)
    return -1;
  if (kr_process_prepare (p, exec_path, envp, err) < 0)
    return -1;
  return kr_process_apply (p, &c->caps, c->proc_fd, c->preserve_fds, err);
}

void
kr_init_run (kr_init_ctx *c)
{
  _cleanup_error_ kr_error *err = NULL;
  char *exec_path = NULL;
  char **envp = NULL;

  /* Until its execve, init runs krill's binary of the host: a process
   * `exec` puts into a created container must not reach it through
   * /proc/1/exe (CVE-2019-5736). execve makes the user's program dumpable. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  for (size_t i = 0; i < ARRAY_SIZE (c->parent_only_fds); i++)
    if (c->parent_only_fds[i] >= 0)
      close (c->parent_only_fds[i]);
  if (init_steps (c, &exec_path, &envp, &err) < 0)
    {
      kr_sync_send_error (c->sync_fd, err);
      return;
    }
  if (kr_sync_send (c->sync_fd, KR_SYNC_READY, &err) < 0)
    return;
  close (c->sync_fd);
  if (wait_for_start (c, &err) < 0)
    {
      fprintf (stderr, "krill init: %s\n", err->msg);
      return;
    }
  kr_process_exec (c->cfg->process, exec_path, envp, &err);
  fprintf (stderr, "krill init: %s\n", err->msg);
}
