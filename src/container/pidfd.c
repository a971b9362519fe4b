#define _GNU_SOURCE
#include "container/pidfd.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/util.h"

int
kr_pidfd_open_init (const kr_state *st, int *out, kr_error **err)
{
  _cleanup_close_ int fd = (int) syscall (SYS_pidfd_open, st->pid, 0);
  unsigned long long start;
  char pstate;

  if (fd < 0)
    return kr_error_set (err, errno == ESRCH ? 0 : errno, "container not running (init %d has exited)",
                         (int) st->pid);
  /* Checked after the pidfd exists: a pid reused before pidfd_open shows
   * another start time here. A pidfd does not keep the number from being
   * reused, but it keeps naming the process it was opened on: what it
   * signals later is init or nothing (ESRCH once init is gone). */
  if (kr_proc_stat (st->pid, &start, &pstate) < 0 || start != st->start_time || pstate == 'Z')
    return kr_error_set (err, 0, "container not running (init %d has exited)", (int) st->pid);
  *out = TAKE_FD (fd);
  return 0;
}

int
kr_pidfd_signal (int pidfd, int signum, kr_error **err)
{
  if (syscall (SYS_pidfd_send_signal, pidfd, signum, NULL, 0) < 0)
    return kr_error_set (err, errno, "send signal %d", signum);
  return 0;
}

bool
kr_pidfd_wait_exit (int pidfd, int timeout_ms)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  int r;

  do
    r = poll (&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  return r > 0;
}
