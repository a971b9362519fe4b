#define _GNU_SOURCE
#include "spawn/clone.h"

#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* The child runs krill's binary of the host, with host fds, until its
 * execve, and the container may see it from its first instant (an init in
 * a joined pid namespace, exec's helper when the container shares the
 * host's pid namespace). A prctl in the child would come after it is
 * visible, by however long the scheduler takes to run it. The dumpable
 * flag is the memory map's and clone3 (no CLONE_VM) copies it: cleared here
 * first, the child never is dumpable, so a process of the container without
 * CAP_SYS_PTRACE can neither ptrace it nor open its /proc/PID/exe, fd or
 * mem. The caller gets its flag back at once; 2 (suid_dumpable) cannot be
 * set through prctl and stays 0, as strict. */
static pid_t
clone_not_dumpable (struct clone_args *args)
{
  int was = prctl (PR_GET_DUMPABLE, 0, 0, 0, 0);
  pid_t pid;
  int saved;

  if (was != 0 && prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return -1;
  pid = (pid_t) syscall (SYS_clone3, args, sizeof *args);
  if (pid == 0)
    return 0;
  saved = errno;
  if (was == 1)
    prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
  errno = saved;
  return pid;
}

pid_t
kr_clone (uint64_t flags, int cgroup_fd, int *pidfd, bool *born_in)
{
  struct clone_args args;
  pid_t pid;

  memset (&args, 0, sizeof args);
  args.flags = flags | (pidfd ? CLONE_PIDFD : 0);
  args.pidfd = (uint64_t) (uintptr_t) pidfd;
  args.exit_signal = SIGCHLD;
  if (cgroup_fd >= 0)
    {
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = (uint64_t) cgroup_fd;
      *born_in = true;
      pid = clone_not_dumpable (&args);
      /* E2BIG: clone_args too large for the kernel; EINVAL: the flag */
      if (pid >= 0 || (errno != E2BIG && errno != EINVAL))
        return pid;
      args.flags &= ~(uint64_t) CLONE_INTO_CGROUP;
      args.cgroup = 0;
    }
  *born_in = false;
  return clone_not_dumpable (&args);
}
