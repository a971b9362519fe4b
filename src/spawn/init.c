/* The container's init, in the clone3 child. Order matters and follows
 * runc: wait for the parent, cgroup namespace (the cgroups entered first),
 * joined namespaces, a new time namespace, the user namespace's root (the
 * cgroups entered first), rootfs mounts, the cgroups (unless entered already),
 * the create hooks, pivot, hostname, terminal (bound on /dev/console),
 * oom score, keyring, then the process steps shared with `exec` (process/process.c), tell the
 * parent we are ready, wait for `start`, exec. */
#define _GNU_SOURCE
#include "spawn/init.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "base/error.h"
#include "base/fdpass.h"
#include "spawn/exec-final.h"
#include "spawn/hooks.h"
#include "process/process.h"
#include "process/sched.h"
#include "process/timens.h"
#include "process/userns.h"
#include "base/procfs.h"
#include "rootfs/rootfs.h"
#include "spawn/sync.h"
#include "process/sysctl.h"
#include "process/terminal.h"
#include "rootfs/console.h"
#include "base/util.h"

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

#ifndef KEYCTL_SETPERM
#define KEYCTL_SETPERM 5
#endif
#ifndef KEYCTL_DESCRIBE
#define KEYCTL_DESCRIBE 6
#endif
#define KR_KEY_USR_SEARCH 0x00080000

/* The fourth field of KEYCTL_DESCRIBE's "type;uid;gid;perm;description". */
static int
keyring_perm (const char *desc, unsigned long *perm)
{
  const char *p = desc;
  char *end;

  for (int field = 0; field < 3; field++)
    {
      p = strchr (p, ';');
      if (p == NULL)
        return -1;
      p++;
    }
  *perm = strtoul (p, &end, 16);
  return end != p && *end == ';' ? 0 : -1;
}

static int
join_keyring (const char *id, bool skip, kr_error **err)
{
  char name[512], desc[1024];
  unsigned long perm;
  long key, n;

  if (skip)
    return 0;
  /* A session keyring of its own, named as runc names it. */
  snprintf (name, sizeof name, "_ses.%s", id);
  key = kr_process_join_keyring (name, err);
  if (key <= 0)
    return (int) key;
  /* The user's search permission on it, as runc gives it. */
  n = syscall (SYS_keyctl, KEYCTL_DESCRIBE, key, desc, sizeof desc);
  if (n < 0 || (size_t) n > sizeof desc)
    return kr_error_set (err, n < 0 ? errno : E2BIG, "describe session keyring");
  desc[sizeof desc - 1] = '\0';
  if (keyring_perm (desc, &perm) < 0)
    return kr_error_set (err, 0, "describe session keyring: \"%s\"", desc);
  if (syscall (SYS_keyctl, KEYCTL_SETPERM, key, perm | KR_KEY_USR_SEARCH) < 0)
    return kr_error_set (err, errno, "set session keyring permissions");
  return 0;
}

/* Blocks until `start` opens the fifo for reading, runs the startContainer
 * hooks, and answers "0", or the hooks' error for `start` to report. After
 * "0" the write end stays open in *WRITE_END (close-on-exec): `start` reads
 * its EOF at the execve (or when init dies), and only then runs the
 * poststart hooks (runtime.md, lifecycle steps 8-9). The execve is the exec
 * stub's, whose only work is the program's: keeping the fd open through it
 * would take a syscall there, after the seccomp filter, which a profile
 * may deny (even with SCMP_ACT_KILL_PROCESS). The
 * hooks run as the container's process does by now (its user, its
 * capabilities, in its root), as runc's: their path resolves in the
 * container, so running them with krill's privileges would hand those to
 * whatever the image put there. A hook without env gets the process's. */
static int
wait_for_start (const kr_init_ctx *c, char **envp, int *write_end, kr_error **err)
{
  char path[64];
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *json = NULL;
  struct stat want, got;

  /* The O_PATH fd reopened for writing through its link (a magic link)
   * in the checked procfs handle; what opened must be that fifo. */
  snprintf (path, sizeof path, "self/fd/%d", c->fifo_fd);
  do
    fd = openat (c->proc_fd, path, O_WRONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return kr_error_set (err, errno, "open exec fifo");
  if (fstat (c->fifo_fd, &want) < 0 || fstat (fd, &got) < 0)
    return kr_error_set (err, errno, "stat exec fifo");
  if (want.st_dev != got.st_dev || want.st_ino != got.st_ino)
    return kr_error_set (err, 0, "open exec fifo: /proc/%s is not the fifo", path);
  if (kr_hooks_has (c->cfg->hooks, KR_HOOK_START_CONTAINER))
    {
      json = kr_hook_state (&c->hook_state, "created", getpid (), err);
      if (json == NULL
          || kr_hooks_run (c->cfg->hooks, KR_HOOK_START_CONTAINER, json, NULL, envp, err) < 0)
        {
          /* One write under PIPE_BUF: `start` reads it whole. */
          size_t len = strnlen ((*err)->msg, 4000);
          if (write (fd, (*err)->msg, len) < 0)
            return -1;
          return -1;
        }
    }
  if (write (fd, "0", 1) != 1)
    return kr_error_set (err, errno, "write exec fifo");
  *write_end = TAKE_FD (fd);
  return 0;
}

/* createContainer: in the container's namespaces, mounts done, the old root
 * still there (pivot_root comes after); cwd the rootfs, as runc's: hooks
 * written for runc name files relative to it. Status "created": create's
 * hooks run after lifecycle step 2 (runtime.md; runc says "creating"). Before
 * them, prestart and createRuntime, which the parent runs when asked. */
static int
create_hooks (const kr_init_ctx *c, kr_error **err)
{
  const oci_hooks *h = c->cfg->hooks;
  _cleanup_free_ char *json = NULL;

  if (kr_hooks_has (h, KR_HOOK_PRESTART) || kr_hooks_has (h, KR_HOOK_CREATE_RUNTIME))
    {
      if (kr_sync_send (c->sync_fd, KR_SYNC_HOOKS, err) < 0
          || kr_sync_wait (c->sync_fd, KR_SYNC_HOOKS_DONE, err) < 0)
        return -1;
    }
  if (!kr_hooks_has (h, KR_HOOK_CREATE_CONTAINER))
    return 0;
  json = kr_hook_state (&c->hook_state, "created", getpid (), err);
  if (json == NULL)
    return -1;
  return kr_hooks_run (h, KR_HOOK_CREATE_CONTAINER, json, c->rootfs, NULL, err);
}

/* The parent makes the rest of the cgroup and sets the limits while init
 * mounts; it says when they are there. */
static int
wait_cgroup (kr_init_ctx *c, kr_error **err)
{
  if (c->cg_ready)
    return 0;
  if (kr_sync_wait (c->sync_fd, KR_SYNC_CGROUP, err) < 0)
    return -1;
  c->cg_ready = true;
  return 0;
}

static int
enter_cgroup (kr_init_ctx *c, kr_error **err)
{
  if (wait_cgroup (c, err) < 0)
    return -1;
  c->cg_entered = true;
  return kr_cgroup_enter (c->cg, c->born_in_cgroup, err);
}

/* The config's mounts in order; the first "cgroup" mount waits, when its
 * plan shows what the parent is still making, until the parent is done. */
static int
mount_rootfs (kr_init_ctx *c, kr_error **err)
{
  _cleanup_close_ int rootfd = -1;
  size_t n = c->cfg->mounts_len, first = kr_rootfs_first_cgroup_mount (c->cfg);

  if (kr_rootfs_mount_begin (c->cfg, c->rootfs, &rootfd, err) < 0
      || kr_rootfs_mount_range (c->cfg, c->rootfs, rootfd, c->cg_plan, 0, first, err) < 0)
    return -1;
  if (first < n && c->cg_plan && c->cg_plan->needs_make && wait_cgroup (c, err) < 0)
    return -1;
  if (kr_rootfs_mount_range (c->cfg, c->rootfs, rootfd, c->cg_plan, first, n, err) < 0)
    return -1;
  return kr_rootfs_mount_end (c->cfg, rootfd, err);
}

/* config-linux.md: the pty is at /dev/console. Bound before the rootfs is
 * finalized (a read-only /dev still takes a mount) and before the master
 * leaves, as runc does. */
static int
setup_console (int console_fd, const oci_box *size, kr_error **err)
{
  _cleanup_close_ int master = -1, peer = -1;

  if (kr_terminal_open (size, &master, &peer, err) < 0
      || kr_rootfs_bind_console (peer, err) < 0)
    return -1;
  return kr_terminal_attach (console_fd, master, peer, err);
}

static int
init_steps (kr_init_ctx *c, char **exec_path, char ***envp, int *stub_fd, kr_error **err)
{
  const oci_process *p = c->cfg->process;
  int keep[] = { c->sync_fd, c->fifo_fd, c->proc_fd, c->console_fd };

  if (kr_sync_wait (c->sync_fd, KR_SYNC_GO, err) < 0)
    return -1;
  /* A cgroup namespace is rooted where its creator is: enter first. So
   * does init in a user namespace: it still has the host's root ids (the
   * cgroup's files are theirs) until it becomes the namespace's root. */
  if ((c->ns->new_cgroup || c->ns->user) && enter_cgroup (c, err) < 0)
    return -1;
  if (c->ns->new_cgroup && unshare (CLONE_NEWCGROUP) < 0)
    return kr_error_set (err, errno, "unshare cgroup namespace");
  /* Joining a user namespace changes the credentials too. */
  if (kr_namespaces_join_rest (c->ns, err) < 0 || kr_process_stay_undumpable (err) < 0
      || kr_namespaces_loopback_up (c->ns, err) < 0)
    return -1;
  /* The parent wrote the maps of a new one before GO; a joined one has its
   * own. From here what init makes belongs to the namespace's root. */
  if (c->ns->user && !(c->ns->clone_flags & CLONE_NEWUSER)
      && kr_userns_check_joined (c->proc_fd, c->cfg->linux, err) < 0)
    return -1;
  /* Before the user namespace's root: the offsets file is the host
   * root's (init is not dumpable). */
  if (c->ns->new_time && kr_timens_enter_new (c->proc_fd, c->cfg->linux, err) < 0)
    return -1;
  /* A credential change: on a suid_dumpable host it made us dumpable. */
  if (c->ns->user
      && (kr_userns_become_root (c->setgroups_allowed, err) < 0 || kr_process_stay_undumpable (err) < 0))
    return -1;
  if (setsid () < 0)
    return kr_error_set (err, errno, "setsid");
  /* Relative bind sources are relative to the bundle, as in runc. */
  if (chdir (c->bundle) < 0)
    return kr_error_set (err, errno, "chdir to bundle %s", c->bundle);
  if (mount_rootfs (c, err) < 0)
    return -1;
  /* Otherwise after the mounts, as the namespaces made by clone3 are: what
   * krill builds for the container is charged to krill's caller, what
   * the container does from here on (hooks included) to the container. */
  if (!c->cg_entered && enter_cgroup (c, err) < 0)
    return -1;
  /* Joined, mounted, in its cgroup: from here init needs stdio, the
   * preserved fds and these. Nothing else it got from the parent (a joined
   * namespace's fd, the caller's unpassed fds, the log) stays open while
   * the container can reach it. */
  if (kr_close_fds_except (3 + c->preserve_fds, keep, ARRAY_SIZE (keep), err) < 0)
    return -1;
  if (create_hooks (c, err) < 0
      || kr_rootfs_pivot (c->cfg, c->rootfs, c->no_pivot, err) < 0)
    return -1;
  /* While /dev and /proc/sys are still writable. */
  if (set_names (c->cfg, err) < 0 || kr_sysctl_apply (c->cfg->linux, err) < 0)
    return -1;
  if (c->console_fd >= 0 && setup_console (c->console_fd, p->console_size, err) < 0)
    return kr_error_prefix (err, "terminal");
  if (kr_rootfs_finalize (c->cfg, err) < 0)
    return -1;
  if (join_keyring (c->id, c->no_new_keyring, err) < 0)
    return -1;
  if (kr_process_prepare (p, exec_path, envp, err) < 0)
    return -1;
  /* Before apply: a filter loaded there may deny memfd_create. */
  if (kr_exec_stub_open (3 + c->preserve_fds, stub_fd, err) < 0)
    return -1;
  /* execCPUAffinity is not init's (config.md); in its cgroup, init may
   * run on every CPU the cpuset allows, whatever krill's caller ran on. */
  if (kr_sched_final_affinity (NULL, err) < 0)
    return -1;
  return kr_process_apply (p, c->cfg->linux, &c->caps, c->seccomp, c->proc_fd, c->preserve_fds,
                           -1, err);
}

void
kr_init_run (kr_init_ctx *c)
{
  _cleanup_error_ kr_error *err = NULL;
  char *exec_path = NULL;
  char **envp = NULL;
  int stub_fd = -1, fifo_w = -1;

  /* Until its execve, init runs krill's binary of the host. It was born
   * not dumpable (kr_clone): a process of the container (without
   * CAP_SYS_PTRACE) can neither ptrace it nor open its /proc/<pid>/exe, fd
   * or mem. The program's execve is not krill's but the exec stub's
   * (exec-stub.c), so a program that is /proc/self/exe runs the stub
   * again, never krill's binary (CVE-2019-5736). execve makes the user's
   * program dumpable. */
  /* Every use of /proc in init (rootfs/ included) through the handle the
   * parent opened before the container existed. */
  kr_procfs_use (c->proc_fd);
  for (size_t i = 0; i < ARRAY_SIZE (c->parent_only_fds); i++)
    if (c->parent_only_fds[i] >= 0)
      close (c->parent_only_fds[i]);
  if (init_steps (c, &exec_path, &envp, &stub_fd, &err) < 0)
    {
      kr_sync_send_error (c->sync_fd, err);
      return;
    }
  if (kr_sync_send (c->sync_fd, KR_SYNC_READY, &err) < 0)
    return;
  close (c->sync_fd);
  /* From here nobody waits for init's word: what fails goes to the
   * container's stderr and init exits 255, as runc 1.2+'s init does (its
   * Init prints the error and exits 255): "exec /x: exec format error". */
  if (wait_for_start (c, envp, &fifo_w, &err) == 0)
    kr_process_exec (c->cfg->process, c->seccomp, exec_path, envp, stub_fd, -1, &err);
  fprintf (stderr, "%s\n", err->msg);
  _exit (255);
}
