#define _GNU_SOURCE
#include "spawn/clone.h"

#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

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
      pid = (pid_t) syscall (SYS_clone3, &args, sizeof args);
      /* E2BIG: clone_args too large for the kernel; EINVAL: the flag */
      if (pid >= 0 || (errno != E2BIG && errno != EINVAL))
        return pid;
      args.flags &= ~(uint64_t) CLONE_INTO_CGROUP;
      args.cgroup = 0;
    }
  *born_in = false;
  return (pid_t) syscall (SYS_clone3, &args, sizeof args);
}
