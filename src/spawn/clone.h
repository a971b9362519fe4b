/* clone3 for every process krill starts: the container's init (create) and
 * exec's entering helper. */
#ifndef KRILL_CLONE_H
#define KRILL_CLONE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "process/namespaces.h"

/* clone3 of the calling process with FLAGS (and CLONE_PIDFD into *PIDFD
 * unless PIDFD is NULL), the child born in the cgroup directory CGROUP_FD
 * when it is not -1 (CLONE_INTO_CGROUP, so none of its instructions runs
 * outside).  On a kernel before 5.7, which has no CLONE_INTO_CGROUP, born
 * where the caller is.  *BORN_IN says which, in the parent and in the
 * child.  The child is born not dumpable (see clone.c); the caller's own
 * dumpable flag is as it was once this returns.  Returns what clone3 does
 * (errno set on -1). */
pid_t kr_clone (uint64_t flags, int cgroup_fd, int *pidfd, bool *born_in);

/* kr_clone from a short-lived helper that first joins every namespace path
 * of NS, the user namespace first (kr_namespaces_join_all), so the ones
 * FLAGS makes belong to the user namespace joined or made. Init is the
 * caller's child (CLONE_PARENT) as with kr_clone, *PIDFD from pidfd_open.
 * Returns init's pid in the caller, 0 in init (NS there says joined), -1
 * with *ERR. */
pid_t kr_clone_joined (kr_namespaces *ns, uint64_t flags, int cgroup_fd, int *pidfd, bool *born_in,
                       kr_error **err);

#endif
