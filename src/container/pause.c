/* `pause` and `resume`: freeze or thaw the container's cgroup, under the
 * container's lock.  The paused status is not stored: `state` asks the
 * freezer, so a cgroup frozen or thawed behind krill's back shows as it is. */
#define _GNU_SOURCE
#include <stdlib.h>

#include "cgroup/cgroup.h"
#include "container/container.h"
#include "base/id.h"
#include "base/util.h"

static int
set_frozen (const char *root, const char *id, bool freeze, kr_error **err)
{
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ kr_state *st = NULL;
  _cleanup_cgroup_ kr_cgroup *cg = NULL;
  kr_status status;

  if (kr_state_open_container (root, id, true, &dirfd, &st, err) < 0)
    return -1;
  status = kr_state_status (dirfd, st);
  /* runc pauses a running or a created container, resumes a paused one. */
  if (freeze && status != KR_STATUS_RUNNING && status != KR_STATUS_CREATED)
    return kr_error_set (err, 0, "container not running");
  if (!freeze && status != KR_STATUS_PAUSED)
    return kr_error_set (err, 0, "container not paused");
  if (kr_state_cgroup_load (dirfd, st, &cg, err) < 0)
    return -1;
  return kr_cgroup_freeze (cg, freeze, err);
}

int
kr_container_pause (const char *root, const char *id, kr_error **err)
{
  return set_frozen (root, id, true, err);
}

int
kr_container_resume (const char *root, const char *id, kr_error **err)
{
  return set_frozen (root, id, false, err);
}

int
kr_container_thaw_if_paused (int dirfd, const kr_state *st, kr_error **err)
{
  _cleanup_cgroup_ kr_cgroup *cg = NULL;
  bool frozen = false;

  if (kr_state_cgroup_load (dirfd, st, &cg, err) < 0
      || kr_cgroup_is_frozen (cg, &frozen, err) < 0)
    return -1;
  return frozen ? kr_cgroup_freeze (cg, false, err) : 0;
}
