/* `kill`: a signal to init, or with --all to every process of the cgroup. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>

#include "cgroup/cgroup.h"
#include "container/container.h"
#include "base/id.h"
#include "container/pidfd.h"
#include "base/util.h"

static int
kill_all (int dirfd, const kr_state *st, int signum, kr_error **err)
{
  _cleanup_cgroup_ kr_cgroup *cg = NULL;

  if (kr_state_cgroup_load (dirfd, st, &cg, err) < 0)
    return -1;
  return kr_cgroup_signal (cg, signum, err);
}

int
kr_container_kill (const char *root, const char *id, int signum, bool all, kr_error **err)
{
  _cleanup_close_ int dirfd = -1, pidfd = -1;
  _cleanup_state_ kr_state *st = NULL;
  kr_status status;

  if (kr_state_open_container (root, id, true, &dirfd, &st, err) < 0)
    return -1;
  status = kr_state_status (dirfd, st);
  if (status == KR_STATUS_STOPPED)
    {
      /* runc lets --all clean up what a dead init left in the cgroup. */
      if (all)
        return kill_all (dirfd, st, signum, err);
      return kr_error_set (err, 0, "container not running");
    }
  if (kr_pidfd_open_init (st, &pidfd, err) < 0)
    return -1;
  if ((all ? kill_all (dirfd, st, signum, err) : kr_pidfd_signal (pidfd, signum, err)) < 0)
    return -1;
  /* A frozen cgroup's task may keep a SIGKILL pending until the thaw
   * (the freezer controller's freeze does); runc thaws a paused container
   * after sending it (other signals wait for `resume`). */
  if (signum == SIGKILL && status == KR_STATUS_PAUSED)
    return kr_container_thaw_if_paused (dirfd, st, err);
  return 0;
}
