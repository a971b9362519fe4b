/* `delete`: remove all that create made — init (with --force, or a created
 * container), the cgroup krill made, the state dir — and nothing else. */
#define _GNU_SOURCE
#include <signal.h>

#include "cgroup/cgroup.h"
#include "container.h"
#include "id.h"
#include "pidfd.h"
#include "util.h"

static int
stop_init (int dirfd, const kr_state *st, bool paused, kr_error **err)
{
  _cleanup_close_ int pidfd = -1;
  _cleanup_error_ kr_error *gone = NULL;

  if (kr_pidfd_open_init (st, &pidfd, &gone) < 0)
    return 0; /* already gone */
  if (kr_pidfd_signal (pidfd, SIGKILL, err) < 0)
    return -1;
  /* A frozen v1 task dies only once thawed: thaw after the signal, so
   * nothing runs again but to die. */
  if (paused && kr_container_thaw_if_paused (dirfd, err) < 0)
    return -1;
  if (!kr_pidfd_wait_exit (pidfd, 10000))
    return kr_error_set (err, 0, "container init %d did not exit after SIGKILL", (int) st->pid);
  return 0;
}

static int
remove_all (int rootfd, int dirfd, const char *id, kr_error **err)
{
  kr_cgroup *cg = NULL;

  if (kr_cgroup_load (dirfd, KR_CGROUP_FILE, &cg, err) < 0)
    return -1;
  if (kr_cgroup_destroy (cg, err) < 0)
    {
      kr_cgroup_free (cg);
      return -1;
    }
  kr_cgroup_free (cg);
  return kr_state_remove (rootfd, id, err);
}

int
kr_container_delete (const char *root, const char *id, bool force, kr_error **err)
{
  _cleanup_close_ int rootfd = -1, dirfd = -1;
  _cleanup_state_ kr_state *st = NULL;
  _cleanup_error_ kr_error *open_err = NULL;
  kr_status status;

  if (kr_id_validate (id, err) < 0 || kr_state_root_open (root, &rootfd, err) < 0)
    return -1;
  if (kr_state_open (rootfd, id, true, &dirfd, &open_err) < 0)
    {
      /* Like runc, --force of a container that does not exist succeeds. */
      if (force)
        return 0;
      *err = TAKE_PTR (open_err);
      return -1;
    }
  if (kr_state_read (dirfd, &st, err) < 0)
    return -1;
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
  return remove_all (rootfd, dirfd, id, err);
}
