/* `delete`: remove all that create made — init (with --force, or a created
 * container), the cgroup krill made, the state dir — and nothing else. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "cgroup/cgroup.h"
#include "container/container.h"
#include "spawn/hooks.h"
#include "base/log.h"
#include "base/id.h"
#include "container/pidfd.h"
#include "base/util.h"

static int
stop_init (int dirfd, const kr_state *st, bool paused, kr_error **err)
{
  _cleanup_close_ int pidfd = -1;
  _cleanup_error_ kr_error *gone = NULL;

  if (kr_pidfd_open_init (st, &pidfd, &gone) < 0)
    return 0; /* already gone */
  if (kr_pidfd_signal (pidfd, SIGKILL, err) < 0)
    return -1;
  /* Where the freezer holds even a SIGKILLed task, it dies only once
   * thawed: thaw after the signal, so nothing runs again but to die. */
  if (paused && kr_container_thaw_if_paused (dirfd, st, err) < 0)
    return -1;
  if (!kr_pidfd_wait_exit (pidfd, 10000))
    return kr_error_set (err, 0, "container init %d did not exit after SIGKILL", (int) st->pid);
  return 0;
}

static int recover (int rootfd, int dirfd, const char *id, const kr_state *st, kr_error **err);

/* A create that died half-way (krill killed) leaves <root>/<id> without
 * state.json, maybe with a cgroup. runc removes such a directory; so does
 * krill, once no create holds its lock. 1: it is a whole container now. */
static int
remove_half_made (int rootfd, const char *id, kr_error **err)
{
  _cleanup_close_ int fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  struct stat locked, named;
  kr_cgroup *cg = NULL;
  int r;

  if (fd < 0)
    return 0;
  if (flock (fd, LOCK_EX) < 0)
    return kr_error_set (err, errno, "lock state dir %s", id);
  /* The create we waited for may have failed and removed it, and another
   * claimed the id since: only the directory we locked is ours. */
  if (fstat (fd, &locked) < 0 || fstatat (rootfd, id, &named, AT_SYMLINK_NOFOLLOW) < 0
      || locked.st_ino != named.st_ino || locked.st_dev != named.st_dev)
    return 0;
  if (faccessat (fd, KR_STATE_FILE, F_OK, 0) == 0)
    return 1;
  if (faccessat (fd, KR_CGROUP_FILE, F_OK, 0) == 0)
    {
      _cleanup_error_ kr_error *load_err = NULL;
      /* No state.json to compare the record with: only its own checks;
       * a record that fails them is passed over for the marks. */
      if (kr_cgroup_load (fd, KR_CGROUP_FILE, NULL, &cg, &load_err) < 0)
        return recover (rootfd, fd, id, NULL, err);
      r = kr_cgroup_destroy (cg, err);
      kr_cgroup_free (cg);
      if (r < 0)
        return -1;
    }
  return kr_state_remove (rootfd, id, err);
}

static void
oci_config_freep (oci_config **c)
{
  oci_config_free (*c);
}

/* In the runtime namespaces. A failure is a warning, the next hook still
 * runs and the delete stands (runtime.md, lifecycle step 13; runc fails
 * the delete instead). */
void
kr_container_poststop (const oci_config *cfg, const kr_state *st)
{
  _cleanup_free_ char *json = NULL;
  _cleanup_error_ kr_error *err = NULL;

  if (cfg == NULL || !kr_hooks_has (cfg->hooks, KR_HOOK_POSTSTOP))
    return;
  json = kr_state_hook_json (st, "stopped", 0, &err);
  if (json == NULL)
    kr_log ("warning", "poststop hooks not run: %s", err->msg);
  else
    kr_hooks_run_warn (cfg->hooks, KR_HOOK_POSTSTOP, json, kr_state_hook_cwd (st));
}

/* state.json or the cgroup record can not be read (--force only): what is
 * still trustworthy is the config saved at create (where the cgroup is),
 * the marks create set on what it made (kr_cgroup_recover: only those
 * directories, and the processes in them, are taken) and, when state.json
 * is whole, init, checked by its start time through a pidfd. */
static int
recover (int rootfd, int dirfd, const char *id, const kr_state *st, kr_error **err)
{
  __attribute__ ((cleanup (oci_config_freep))) oci_config *cfg = NULL;
  _cleanup_cgroup_ kr_cgroup *cg = NULL;
  _cleanup_close_ int pidfd = -1;
  char owner[64];

  if (kr_state_read_config (dirfd, &cfg, err) < 0)
    return kr_error_prefix (err, "container %s is damaged, and so is", id);
  if (cfg == NULL || cfg->linux == NULL)
    return kr_error_set (err, 0, "container %s is damaged and has no " KR_CONFIG_FILE
                         " to find its cgroup by", id);
  if (kr_state_owner_tag (dirfd, owner, sizeof owner, err) < 0
      || kr_cgroup_recover (cfg->linux->cgroups_path, id, owner, &cg, err) < 0)
    return -1;
  /* No wait here: a frozen init dies only once destroy has thawed it. */
  if (st && kr_pidfd_open_init (st, &pidfd, NULL) == 0
      && kr_pidfd_signal (pidfd, SIGKILL, err) < 0)
    return -1;
  if (kr_cgroup_destroy (cg, err) < 0)
    return -1;
  if (pidfd >= 0 && !kr_pidfd_wait_exit (pidfd, 10000))
    return kr_error_set (err, 0, "container init %d did not exit after SIGKILL", (int) st->pid);
  if (kr_state_remove (rootfd, id, err) < 0)
    return -1;
  if (st)
    kr_container_poststop (cfg, st);
  return 0;
}

int
kr_container_delete (const char *root, const char *id, bool force, kr_error **err)
{
  _cleanup_close_ int rootfd = -1, dirfd = -1;
  _cleanup_state_ kr_state *st = NULL;
  _cleanup_error_ kr_error *open_err = NULL, *cfg_err = NULL;
  __attribute__ ((cleanup (oci_config_freep))) oci_config *cfg = NULL;
  _cleanup_cgroup_ kr_cgroup *cg = NULL;
  kr_status status;

  if (kr_id_validate (id, err) < 0 || kr_state_root_open (root, &rootfd, err) < 0)
    return -1;
  while (kr_state_open (rootfd, id, true, &dirfd, &open_err) < 0)
    {
      int r = remove_half_made (rootfd, id, err);
      if (r < 0)
        return -1;
      if (r == 1)
        {
          kr_error_free (&open_err);
          continue;
        }
      /* Like runc, --force of a container that does not exist succeeds. */
      if (force)
        return 0;
      *err = TAKE_PTR (open_err);
      return -1;
    }
  /* The record says what to kill and remove: checked before anything is
   * signalled, so a record that is not the container's stops it all. */
  {
    _cleanup_error_ kr_error *bad = NULL;
    if (kr_state_read (dirfd, &st, &bad) < 0 || kr_state_cgroup_load (dirfd, st, &cg, &bad) < 0)
      {
        /* A record naming another cgroup is not damage but a forgery:
         * refused, whatever --force says. */
        if (!force || bad->errnum == EPERM)
          {
            if (err)
              *err = TAKE_PTR (bad);
            return -1;
          }
        kr_log ("warning", "container %s: %s: recovering", id, bad->msg);
        return recover (rootfd, dirfd, id, st, err);
      }
  }
  status = kr_state_status (dirfd, st);
  switch (status)
    {
    case KR_STATUS_STOPPED:
      break;
    case KR_STATUS_CREATED:
      /* Never started: nothing of the user's ran, runc deletes it as is. */
      if (stop_init (dirfd, st, false, err) < 0)
        return -1;
      break;
    default:
      if (!force)
        return kr_error_set (err, 0, "cannot delete container %s that is not stopped: %s", id,
                             kr_status_name (status));
      if (stop_init (dirfd, st, status == KR_STATUS_PAUSED, err) < 0)
        return -1;
    }
  /* Read before the state dir goes; the bundle may be gone already. */
  if (kr_state_read_config (dirfd, &cfg, &cfg_err) < 0)
    kr_log ("warning", "poststop hooks not run: %s", cfg_err->msg);
  if (kr_cgroup_destroy (cg, err) < 0 || kr_state_remove (rootfd, id, err) < 0)
    return -1;
  kr_container_poststop (cfg, st);
  return 0;
}
