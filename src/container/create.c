/* `create`, the parent's side: check everything that can be checked without
 * side effects, claim the state dir, make the cgroup, clone3 init into its
 * namespaces, and return once init waits for `start`. On any failure what was
 * made is unmade, in reverse order. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process/caps.h"
#include "cgroup/cgroup.h"
#include "cgroup/resources.h"
#include "container/state-resources.h"
#include "container/container.h"
#include "spawn/hooks.h"
#include "base/fdpass.h"
#include "base/file.h"
#include "base/fs.h"
#include "base/id.h"
#include "rootfs/rootfs.h"
#include "spawn/clone.h"
#include "spawn/init.h"
#include "process/namespaces.h"
#include "base/procfs.h"
#include "process/process.h"
#include "process/seccomp.h"
#include "process/userns.h"
#include "container/state.h"
#include "spawn/sync.h"
#include "base/util.h"
#include "container/validate.h"

static void
oci_config_freep (oci_config **c)
{
  oci_config_free (*c);
}

/* The bytes are kept: the state dir gets exactly what was parsed. */
static int
load_config (const char *bundle, oci_config **out, char **data, size_t *len, kr_error **err)
{
  _cleanup_close_ int fd = open (bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char *msg = NULL;

  if (fd < 0)
    return kr_error_set (err, errno, "open %s", bundle);
  if (faccessat (fd, "config.json", F_OK, 0) < 0)
    return kr_error_set (err, errno, "open %s/config.json", bundle);
  *data = kr_state_read_file (fd, "config.json", len, err);
  if (*data == NULL)
    return kr_error_prefix (err, "%s", bundle);
  *out = oci_config_parse_data (*data, *len, &msg);
  if (*out == NULL)
    {
      kr_error_take (err, 0, msg);
      return kr_error_prefix (err, "config.json");
    }
  return 0;
}

static int
resolve_rootfs (const char *bundle, const oci_root *root, char **out, kr_error **err)
{
  _cleanup_free_ char *joined = NULL, *clean = NULL;
  char real[PATH_MAX];
  struct stat st;

  if (root->path[0] == '/')
    joined = strdup (root->path);
  else if (asprintf (&joined, "%s/%s", bundle, root->path) < 0)
    joined = NULL;
  if (joined == NULL)
    return kr_error_set (err, ENOMEM, "root.path");
  if (realpath (joined, real) == NULL)
    return kr_error_set (err, errno, "root.path: rootfs \"%s\"", joined);
  /* As runc: the rootfs is named by its own path, no symlink in it (the
   * bundle is already resolved, as runc's working directory is).  A link
   * could be changed to point elsewhere between this and the mounts. */
  clean = kr_fs_clean_path (joined);
  if (clean == NULL)
    return kr_error_set (err, ENOMEM, "root.path");
  if (strcmp (clean, real) != 0)
    return kr_error_set (err, 0,
                         "root.path: rootfs \"%s\" is a symlink or has one in its path "
                         "(it resolves to \"%s\")",
                         joined, real);
  if (stat (real, &st) < 0 || !S_ISDIR (st.st_mode))
    return kr_error_set (err, ENOTDIR, "root.path: rootfs \"%s\"", real);
  *out = strdup (real);
  return *out ? 0 : kr_error_set (err, ENOMEM, "root.path");
}

static kr_state *
make_state (const kr_create_opts *o, const oci_config *cfg, const char *bundle,
            const char *rootfs, const kr_cgroup *cg)
{
  kr_state *st = calloc (1, sizeof *st);

  if (st == NULL)
    return NULL;
  st->id = strdup (o->id);
  st->oci_version = strdup (cfg->oci_version);
  st->bundle = strdup (bundle);
  st->rootfs = strdup (rootfs);
  st->created = kr_now_rfc3339 ();
  st->owner = strdup ("");
  st->cgroup_path = cg ? strdup (kr_cgroup_path (cg)) : NULL;
  if (cfg->annotations_len)
    {
      st->annotations = calloc (cfg->annotations_len, sizeof (oci_kv));
      for (size_t i = 0; st->annotations && i < cfg->annotations_len; i++)
        {
          st->annotations[i].key = strdup (cfg->annotations[i].key);
          st->annotations[i].value = strdup (cfg->annotations[i].value);
          st->annotations_len++;
        }
    }
  return st;
}

/* Socket activation, as runc: the fds krill got from systemd go on to the
 * container at the same numbers, and its env says so (pid 1: the process
 * that will listen is the container's init). */
static int
add_listen_env (oci_process *p, int n, kr_error **err)
{
  char **env = calloc (p->env_len + 3, sizeof *env);
  size_t keep = 0;

  if (env == NULL)
    return kr_error_set (err, ENOMEM, "LISTEN_FDS");
  for (size_t i = 0; i < p->env_len; i++)
    if (strncmp (p->env[i], "LISTEN_FDS=", 11) == 0 || strncmp (p->env[i], "LISTEN_PID=", 11) == 0)
      free (p->env[i]);
    else
      env[keep++] = p->env[i];
  free (p->env);
  p->env = env;
  p->env_len = keep;
  if (asprintf (&env[keep], "LISTEN_FDS=%d", n) < 0)
    {
      env[keep] = NULL;
      return kr_error_set (err, ENOMEM, "LISTEN_FDS");
    }
  p->env_len++;
  env[keep + 1] = strdup ("LISTEN_PID=1");
  if (env[keep + 1] == NULL)
    return kr_error_set (err, ENOMEM, "LISTEN_PID");
  p->env_len++;
  return 0;
}

/* Everything create holds while it works; released in one place. */
struct create_run
{
  int rootfd, dirfd, fifo_fd, proc_fd, sync[2], pidfd;
  int own_pidns; /* >= 0 while a joined pid namespace is the one for our children */
  pid_t pid;
  bool claimed;
  kr_cgroup *cg;
  kr_cgroup_mount_plan *cg_plan;
  kr_namespaces ns;
  kr_seccomp *seccomp;
  /* Set once init exists: a failure from then on runs the poststop hooks
   * (runtime.md, lifecycle steps 12-13) with this state. */
  const oci_config *poststop_cfg;
  const kr_state *poststop_st;
};

/* Whether the container has a cgroup namespace, new or joined. */
static bool
has_cgroupns (const kr_namespaces *ns)
{
  for (size_t i = 0; i < ns->join_len; i++)
    if (ns->join[i].nstype == CLONE_NEWCGROUP)
      return true;
  return ns->new_cgroup;
}

static void
create_release (struct create_run *r, const char *id, bool failed)
{
  if (failed && r->pidfd >= 0)
    {
      syscall (SYS_pidfd_send_signal, r->pidfd, SIGKILL, NULL, 0);
      waitpid (r->pid, NULL, 0);
    }
  if (failed && r->cg)
    kr_cgroup_destroy (r->cg, NULL);
  if (r->cg)
    kr_cgroup_free (r->cg);
  kr_cgroup_mount_plan_free (r->cg_plan);
  if (failed && r->claimed)
    kr_state_remove (r->rootfd, id, NULL);
  /* A failure between the join and clone3: krill's own pid namespace again
   * for whatever it starts next (best effort: nothing is left to undo). */
  kr_namespaces_leave_pid (&r->own_pidns, NULL);
  kr_namespaces_close (&r->ns);
  kr_seccomp_free (r->seccomp);
  kr_closep (&r->sync[0]);
  kr_closep (&r->sync[1]);
  kr_closep (&r->fifo_fd);
  kr_closep (&r->dirfd);
  kr_closep (&r->rootfd);
  if (failed)
    kr_closep (&r->pidfd);
}

/* A send to init that fails because init failed reports init's error. */
static int
send_or_child_error (int fd, enum kr_sync_type type, kr_error **err)
{
  _cleanup_error_ kr_error *send_err = NULL;

  if (kr_sync_send (fd, type, &send_err) == 0)
    return 0;
  if (kr_sync_wait (fd, KR_SYNC_READY, err) < 0)
    return -1;
  *err = TAKE_PTR (send_err);
  return -1;
}

/* With a user namespace, what init can no longer do once in it, done for
 * it while it waits for GO: the id maps of a new one (the parent writes
 * them: the kernel takes them from a process with the rights in the parent
 * namespace), the rlimits (raising a hard limit needs CAP_SYS_RESOURCE of
 * the host's) and oom_score_adj (lowering it too). Through the trusted
 * procfs, by init's pid directory checked against its pidfd. */
static int
userns_setup (oci_config *cfg, struct create_run *r, kr_error **err)
{
  _cleanup_close_ int piddir = -1;
  oci_process *p = cfg->process;
  char buf[16];

  if (kr_procfs_open_pid (r->proc_fd, r->pid, r->pidfd, &piddir, err) < 0)
    return -1;
  if ((r->ns.clone_flags & CLONE_NEWUSER)
      && kr_userns_write_maps (piddir, cfg->linux, geteuid () != 0, err) < 0)
    return -1;
  if (kr_process_set_rlimits_of (r->pid, p, err) < 0)
    return kr_error_prefix (err, "process.rlimits");
  snprintf (buf, sizeof buf, "%d", p->oom_score_adj);
  if (p->has_oom_score_adj && kr_procfs_write_at (piddir, "oom_score_adj", buf, err) < 0)
    return kr_error_prefix (err, "process.oomScoreAdj");
  return 0;
}

/* prestart, then createRuntime, in the runtime namespaces, when init asks:
 * its namespaces are joined and its mounts done, pivot_root is not (runc's
 * procHooks). PID as the host sees it; cwd the bundle, as runc's. Status
 * "created": these run after lifecycle step 2 (runtime.md; runc says
 * "creating", the validation suite's hooks_stdin wants "created"). */
static int
runtime_hooks (const oci_config *cfg, const kr_state *st, int sync_fd, kr_error **err)
{
  _cleanup_free_ char *json = NULL;

  if (!kr_hooks_has (cfg->hooks, KR_HOOK_PRESTART)
      && !kr_hooks_has (cfg->hooks, KR_HOOK_CREATE_RUNTIME))
    return 0;
  if (kr_sync_wait (sync_fd, KR_SYNC_HOOKS, err) < 0)
    return -1;
  json = kr_state_hook_json (st, "created", st->pid, err);
  if (json == NULL
      || kr_hooks_run (cfg->hooks, KR_HOOK_PRESTART, json, st->bundle, NULL, err) < 0
      || kr_hooks_run (cfg->hooks, KR_HOOK_CREATE_RUNTIME, json, st->bundle, NULL, err) < 0)
    return -1;
  return kr_sync_send (sync_fd, KR_SYNC_HOOKS_DONE, err);
}

/* CFGP and STP: the caller's, so that a failure can still run the poststop
 * hooks once everything is released. */
static int
create_steps (const kr_create_opts *o, struct create_run *r, oci_config **cfgp, kr_state **stp,
              kr_created *out, kr_error **err)
{
  oci_config *cfg;
  _cleanup_free_ char *rootfs = NULL, *cfg_data = NULL;
  size_t cfg_len = 0;
  kr_state *st;
  char bundle[PATH_MAX];
  kr_init_ctx ctx;
  kr_caps caps;

  /* 1. Everything that needs no side effect. The passed fds first, while
   * krill holds none of its own in their range. */
  if (kr_passed_fds_check ("LISTEN_FDS", 3, o->listen_fds, INT_MAX, err) < 0
      || kr_passed_fds_check ("--preserve-fds", 3 + o->listen_fds, o->preserve_fds, INT_MAX, err) < 0)
    return -1;
  if (kr_id_validate (o->id, err) < 0)
    return -1;
  if (realpath (o->bundle ? o->bundle : ".", bundle) == NULL)
    return kr_error_set (err, errno, "bundle \"%s\"", o->bundle ? o->bundle : ".");
  if (load_config (bundle, cfgp, &cfg_data, &cfg_len, err) < 0)
    return -1;
  cfg = *cfgp;
  if (kr_validate_config (cfg, err) < 0
      || kr_validate_supported (cfg, err) < 0)
    return -1;
  if (kr_caps_parse (cfg->process->capabilities, &caps, err) < 0)
    return -1;
  if (cfg->process->terminal && o->console_fd < 0)
    return kr_error_set (err, 0, "process.terminal is true: --console-socket is required");
  if (resolve_rootfs (bundle, cfg->root, &rootfs, err) < 0)
    return -1;
  if (o->listen_fds > 0 && add_listen_env (cfg->process, o->listen_fds, err) < 0)
    return -1;
  if (kr_seccomp_prepare (cfg->linux->seccomp, &r->seccomp, err) < 0)
    return -1;

  /* 2. The state dir: from here on, failures undo. */
  if (kr_state_root_open (o->root, &r->rootfd, err) < 0)
    return -1;
  if (kr_state_claim (r->rootfd, o->id, &r->dirfd, err) < 0)
    return -1;
  r->claimed = true;
  if (kr_write_file_atomic (r->dirfd, KR_CONFIG_FILE, cfg_data, cfg_len, 0600, true, err) < 0)
    return -1;
  /* 0622, as runc: init opens it for writing after it switched to the
   * container's user; the state dir (0700) keeps everyone else out. */
  if (mkfifoat (r->dirfd, KR_EXEC_FIFO, 0622) < 0)
    return kr_error_set (err, errno, "mkfifo exec.fifo");
  if (fchmodat (r->dirfd, KR_EXEC_FIFO, 0622, 0) < 0)
    return kr_error_set (err, errno, "chmod exec.fifo");
  r->fifo_fd = openat (r->dirfd, KR_EXEC_FIFO, O_PATH | O_CLOEXEC);
  if (r->fifo_fd < 0)
    return kr_error_set (err, errno, "open exec.fifo");
  /* The process's one copy of /proc (kept until exit, not ours to
   * close): the library's lookups (the cgroup resolver's, sysctl's, run's
   * start and delete) use it too, and a second clone costs as much again. */
  r->proc_fd = kr_procfs_handle (err);
  if (r->proc_fd < 0)
    return -1;
  if (kr_namespaces_prepare (cfg->linux, &r->ns, err) < 0)
    return -1;

  /* 3. Where the cgroup goes, and what a "cgroup" mount shows (init mounts
   * the plan); the directory init is born in now, the rest of the cgroup
   * and the limits while init mounts. */
  if (kr_cgroup_resolve (cfg->linux->cgroups_path, o->id, &r->cg, err) < 0)
    return -1;
  {
    char owner[64];
    if (kr_state_owner_tag (r->dirfd, owner, sizeof owner, err) < 0)
      return -1;
    kr_cgroup_set_owner (r->cg, owner);
  }
  kr_cgroup_set_resources (r->cg, cfg->linux->resources);
  if (kr_rootfs_first_cgroup_mount (cfg) < cfg->mounts_len
      && kr_cgroup_plan_mount (r->cg, has_cgroupns (&r->ns), &r->cg_plan, err) < 0)
    return -1;
  /* What is about to be made, recorded before the first mkdir. */
  if (kr_cgroup_save_intent (r->cg, r->dirfd, KR_CGROUP_FILE, err) < 0
      || kr_cgroup_prepare (r->cg, err) < 0)
    return -1;

  st = *stp = make_state (o, cfg, bundle, rootfs, r->cg);
  if (st == NULL || st->id == NULL || st->created == NULL)
    return kr_error_set (err, ENOMEM, "state");

  /* 4. Init. */
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->sync) < 0)
    return kr_error_set (err, errno, "socketpair");
  memset (&ctx, 0, sizeof ctx);
  ctx.cfg = cfg;
  ctx.id = o->id;
  ctx.rootfs = rootfs;
  ctx.bundle = bundle;
  ctx.ns = &r->ns;
  ctx.caps = caps;
  ctx.seccomp = r->seccomp;
  ctx.sync_fd = r->sync[1];
  ctx.fifo_fd = r->fifo_fd;
  ctx.proc_fd = r->proc_fd;
  ctx.console_fd = cfg->process->terminal ? o->console_fd : -1;
  ctx.parent_only_fds[0] = r->sync[0];
  ctx.parent_only_fds[1] = r->dirfd; /* holds the state lock */
  ctx.parent_only_fds[2] = r->rootfd;
  ctx.parent_only_fds[3] = -1;
  ctx.no_pivot = o->no_pivot;
  ctx.no_new_keyring = o->no_new_keyring;
  ctx.preserve_fds = o->listen_fds + o->preserve_fds;
  ctx.hook_state = kr_state_hook_base (st);

  /* Init is born in the cgroup where the host allows it, and enters the
   * rest itself (kr_cgroup_enter): cheaper than a write of its pid from
   * here. In a user namespace it enters before it becomes the namespace's
   * root (the cgroup files are the host root's). */
  ctx.cg = r->cg;
  ctx.cg_plan = r->cg_plan;
  ctx.setgroups_allowed = geteuid () == 0;
  if (kr_namespaces_join_first (&r->ns))
    {
      /* The helper joins the paths, the pid namespace included, for
       * itself only. */
      r->pid = kr_clone_joined (&r->ns, r->ns.clone_flags, kr_cgroup_birth_fd (r->cg),
                                &r->pidfd, &ctx.born_in_cgroup, err);
      if (r->pid < 0)
        return -1;
    }
  else
    {
      /* A pid namespace given by path is ours for this one clone3 only:
       * every other process krill starts (the hooks, run's poststart) must
       * be born in the host's, or the container would see it, host root,
       * in its /proc. */
      if (kr_namespaces_join_pid (&r->ns, r->proc_fd, &r->own_pidns, err) < 0)
        return -1;
      r->pid = kr_clone (r->ns.clone_flags, kr_cgroup_birth_fd (r->cg), &r->pidfd,
                         &ctx.born_in_cgroup);
      if (r->pid < 0)
        return kr_error_set (err, errno, "clone3");
    }
  if (r->pid == 0)
    {
      kr_closep (&r->own_pidns); /* the host's pid namespace: not for init */
      if (r->ns.user)
        {
          /* userns_setup does them from outside. */
          cfg->process->rlimits_len = 0;
          cfg->process->has_oom_score_adj = false;
        }
      kr_init_run (&ctx);
      _exit(127); /* child: init failed and told the parent */
    }
  /* Failing to set it back fails create (init is killed): a hook must
   * never start in the container's pid namespace. */
  if (kr_namespaces_leave_pid (&r->own_pidns, err) < 0)
    return -1;
  kr_closep (&r->sync[1]);
  st->pid = r->pid;
  r->poststop_cfg = cfg;
  r->poststop_st = st;

  if (r->ns.user && userns_setup (cfg, r, err) < 0)
    return -1;

  /* 5. Let init go; the rest of the cgroup while it builds its rootfs (it
   * enters once told: before any hook or the user's program); wait until
   * it waits for `start`. */
  if (kr_sync_send (r->sync[0], KR_SYNC_GO, err) < 0)
    return -1;
  if (kr_cgroup_make (r->cg, err) < 0
      || kr_cgroup_apply_devices (r->cg, cfg->linux, err) < 0
      || kr_cgroup_apply_resources (r->cg, cfg->linux->resources, err) < 0
      || kr_cgroup_save (r->cg, r->dirfd, KR_CGROUP_FILE, err) < 0
      || kr_state_resources_save (r->dirfd, cfg->linux->resources, err) < 0
      || send_or_child_error (r->sync[0], KR_SYNC_CGROUP, err) < 0)
    return -1;
  kr_cgroup_mark (r->cg);
  if (runtime_hooks (cfg, st, r->sync[0], err) < 0)
    return -1;
  if (kr_sync_wait (r->sync[0], KR_SYNC_READY, err) < 0)
    return -1;

  /* 6. Record it. */
  if (kr_proc_stat (r->pid, &st->start_time, NULL) < 0)
    return kr_error_set (err, 0, "container init exited before it was ready");
  if (kr_state_write (r->dirfd, st, err) < 0)
    return -1;
  if (o->pid_file && kr_write_pid_file (o->pid_file, r->pid, err) < 0)
    return -1;
  out->pid = r->pid;
  out->pidfd = r->pidfd;
  out->terminal = cfg->process->terminal;
  return 0;
}

int
kr_container_create (const kr_create_opts *o, kr_created *out, kr_error **err)
{
  struct create_run r = { .rootfd = -1, .dirfd = -1, .fifo_fd = -1, .proc_fd = -1,
                          .sync = { -1, -1 }, .pidfd = -1, .own_pidns = -1 };
  __attribute__ ((cleanup (oci_config_freep))) oci_config *cfg = NULL;
  _cleanup_state_ kr_state *st = NULL;
  int ret;

  for (size_t i = 0; i < ARRAY_SIZE (r.ns.join); i++)
    r.ns.join[i].fd = -1;
  memset (out, 0, sizeof *out);
  out->pidfd = -1;
  ret = create_steps (o, &r, &cfg, &st, out, err);
  create_release (&r, o->id, ret < 0);
  /* Destroyed (step 12): the poststop hooks (13); create's error stands. */
  if (ret < 0 && r.poststop_st)
    kr_container_poststop (r.poststop_cfg, r.poststop_st);
  return ret;
}
