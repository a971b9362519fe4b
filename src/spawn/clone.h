/* clone3 for every process krill starts: the container's init (create) and
 * exec's entering helper. */
#ifndef KRILL_CLONE_H
#define KRILL_CLONE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* clone3 of the calling process with FLAGS (and CLONE_PIDFD into *PIDFD
 * unless PIDFD is NULL), the child born in the cgroup directory CGROUP_FD
 * when it is not -1 (CLONE_INTO_CGROUP, so none of its instructions runs
 * outside).  On a kernel before 5.7, which has no CLONE_INTO_CGROUP, born
 * where the caller is.  *BORN_IN says which, in the parent and in the
 * child.  The child is born not dumpable (see clone.c); the caller's own
 * dumpable flag is as it was once this returns.  Returns what clone3 does
 * (errno set on -1). */
pid_t kr_clone (uint64_t flags, int cgroup_fd, int *pidfd, bool *born_in);

#endif
