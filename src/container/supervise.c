/* A foreground `run`: krill stays init's parent, forwards the signals it
 * gets, copies the terminal both ways, and reaps. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/container.h"
#include "process/terminal.h"
#include "base/util.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static bool
copy_once (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);

  if (n <= 0)
    return n < 0 && (errno == EAGAIN || errno == EINTR);
  for (ssize_t off = 0; off < n;)
    {
      ssize_t w = write (to, buf + off, (size_t) (n - off));
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return false;
      off += w;
    }
  return true;
}

static void
forward_signal (int pidfd, int sigfd, int term_master)
{
  struct signalfd_siginfo si;

  while (read (sigfd, &si, sizeof si) == sizeof si)
    {
      if (si.ssi_signo == SIGCHLD)
        continue;
      if (si.ssi_signo == SIGWINCH && term_master >= 0)
        {
          kr_terminal_copy_size (STDIN_FILENO, term_master);
          continue;
        }
      syscall (SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0);
    }
}

int
kr_container_wait (const kr_created *c, int term_master, int *status, kr_error **err)
{
  sigset_t all;
  _cleanup_close_ int sigfd = -1;
  siginfo_t info;
  bool in_open = term_master >= 0, out_open = term_master >= 0;

  sigfillset (&all);
  sigfd = signalfd (-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0)
    return kr_error_set (err, errno, "signalfd");
  if (term_master >= 0)
    fcntl (term_master, F_SETFL, fcntl (term_master, F_GETFL) | O_NONBLOCK);
  for (;;)
    {
      struct pollfd p[4] = {
        { .fd = c->pidfd, .events = POLLIN },
        { .fd = sigfd, .events = POLLIN },
        { .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN },
        { .fd = out_open ? term_master : -1, .events = POLLIN },
      };
      int r = poll (p, 4, -1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return kr_error_set (err, errno, "poll");
      if (p[1].revents)
        forward_signal (c->pidfd, sigfd, term_master);
      if (p[2].revents && !copy_once (STDIN_FILENO, term_master))
        in_open = false;
      if (p[3].revents && !copy_once (term_master, STDOUT_FILENO))
        out_open = false;
      if (p[0].revents)
        break;
    }
  /* What the process wrote just before it exited is still in the pty. */
  while (out_open && copy_once (term_master, STDOUT_FILENO))
    {
      struct pollfd q = { .fd = term_master, .events = POLLIN };
      if (poll (&q, 1, 0) <= 0)
        break;
    }
  memset (&info, 0, sizeof info);
  if (waitid (P_PIDFD, (id_t) c->pidfd, &info, WEXITED) < 0)
    return kr_error_set (err, errno, "wait for container init");
  if (info.si_code == CLD_EXITED)
    *status = info.si_status;
  else
    *status = 128 + info.si_status;
  return 0;
}
