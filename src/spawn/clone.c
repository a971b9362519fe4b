#define _GNU_SOURCE
#include "spawn/clone.h"

#include "base/util.h"
#include "spawn/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
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
  /* A sibling (CLONE_PARENT) gets the caller's own exit signal; clone3
   * wants 0 then. */
  args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
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

/* The helper: joins, clones init as its sibling, tells the parent init's
 * pid (or its error) and exits. Init returns 0 from here. */
static pid_t
helper_run (kr_namespaces *ns, uint64_t flags, int cgroup_fd, bool *born_in, int sock)
{
  _cleanup_error_ kr_error *err = NULL;
  pid_t pid;

  if (kr_namespaces_join_all (ns, &err) < 0)
    {
      kr_sync_send_error (sock, err);
      _exit (1); /* a forked child: never returns to the caller */
    }
  pid = kr_clone (flags | CLONE_PARENT, cgroup_fd, NULL, born_in);
  if (pid == 0)
    return 0; /* init: the caller's cleanup closes SOCK */
  if (pid < 0)
    {
      kr_error_set (&err, errno, "clone3");
      kr_sync_send_error (sock, err);
      _exit (1); /* a forked child: never returns to the caller */
    }
  kr_sync_send_value (sock, KR_SYNC_PID, (int32_t) pid, NULL);
  _exit (0); /* a forked child: never returns to the caller */
}

pid_t
kr_clone_joined (kr_namespaces *ns, uint64_t flags, int cgroup_fd, int *pidfd, bool *born_in,
                 kr_error **err)
{
  _cleanup_close_ int mine = -1, theirs = -1;
  struct clone_args args;
  kr_sync_msg m;
  pid_t helper, pid;
  int sv[2], r, status;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return kr_error_set (err, errno, "socketpair");
  mine = sv[0];
  theirs = sv[1];
  memset (&args, 0, sizeof args);
  args.exit_signal = SIGCHLD;
  helper = clone_not_dumpable (&args);
  if (helper < 0)
    return kr_error_set (err, errno, "clone3 the helper that joins the namespaces");
  if (helper == 0)
    {
      close (mine);
      mine = -1;
      return helper_run (ns, flags, cgroup_fd, born_in, theirs);
    }
  kr_closep (&theirs);
  r = kr_sync_recv (mine, &m, err);
  while (waitpid (helper, &status, 0) < 0 && errno == EINTR)
    ;
  if (r < 0)
    return -1;
  if (r == 0 || m.type != KR_SYNC_PID)
    return kr_error_set (err, 0, "the helper that joins the namespaces died");
  /* Our child (CLONE_PARENT), not reaped: its pid is not reused. */
  pid = (pid_t) m.errnum;
  *pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (*pidfd < 0)
    {
      int e = errno;
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      return kr_error_set (err, e, "pidfd_open %d", (int) pid);
    }
  return pid;
}
