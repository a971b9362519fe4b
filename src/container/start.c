/* `start`: release init from the exec fifo, then the poststart hooks. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "container/container.h"
#include "spawn/hooks.h"
#include "base/id.h"
#include "container/pidfd.h"
#include "base/util.h"

static void
oci_config_freep (oci_config **c)
{
  oci_config_free (*c);
}

/* In the runtime namespaces, the user's process running, cwd the bundle
 * (runc's is its caller's). A failure stops the container and fails
 * `start` (runtime.md, lifecycle step 9; runc). */
static int
poststart (int dirfd, const kr_state *st, int pidfd, kr_error **err)
{
  __attribute__ ((cleanup (oci_config_freep))) oci_config *cfg = NULL;
  _cleanup_free_ char *json = NULL;

  if (kr_state_read_config (dirfd, &cfg, err) < 0)
    return -1;
  if (cfg == NULL || !kr_hooks_has (cfg->hooks, KR_HOOK_POSTSTART))
    return 0;
  json = kr_state_hook_json (st, "running", st->pid, err);
  if (json && kr_hooks_run (cfg->hooks, KR_HOOK_POSTSTART, json, kr_state_hook_cwd (st), NULL, err) == 0)
    return 0;
  kr_pidfd_signal (pidfd, SIGKILL, NULL);
  kr_pidfd_wait_exit (pidfd, 10000);
  return -1;
}

/* Init keeps the fifo's write end open, close-on-exec, after its "0": EOF
 * here says the program's execve happened (or init died), so that the
 * poststart hooks find the program running (runtime.md, steps 8-9). */
static int
wait_exec (int fifo, kr_error **err)
{
  char c;

  for (;;)
    {
      struct pollfd p = { .fd = fifo, .events = POLLIN };
      ssize_t n;

      if (poll (&p, 1, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return kr_error_set (err, errno, "poll exec fifo");
        }
      n = read (fifo, &c, 1);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        return 0;
    }
}

int
kr_container_start (const char *root, const char *id, kr_error **err)
{
  _cleanup_close_ int dirfd = -1, fifo = -1, pidfd = -1;
  _cleanup_state_ kr_state *st = NULL;
  kr_status status;
  struct pollfd p[2];
  char msg[4096];
  ssize_t n;

  if (kr_state_open_container (root, id, true, &dirfd, &st, err) < 0)
    return -1;
  status = kr_state_status (dirfd, st);
  /* runc's words for each status. */
  if (status == KR_STATUS_STOPPED)
    return kr_error_set (err, 0, "cannot start a container that has stopped");
  if (status == KR_STATUS_RUNNING)
    return kr_error_set (err, 0, "cannot start an already running container");
  if (status != KR_STATUS_CREATED)
    return kr_error_set (err, 0, "cannot start a container in the %s state", kr_status_name (status));
  if (kr_pidfd_open_init (st, &pidfd, err) < 0)
    return -1;
  /* The commit: from the rename on, init counts as released (state says
   * "created" only while it still holds the fifo), so a start killed at
   * any point never leaves a workload running as "created".  A start that
   * finds exec.fifo.start finishes what a killed one began. */
  if (faccessat (dirfd, KR_EXEC_FIFO, F_OK, 0) == 0
      && renameat (dirfd, KR_EXEC_FIFO, dirfd, KR_EXEC_FIFO_STARTING) < 0)
    return kr_error_set (err, errno, "rename exec fifo");
  /* Non-blocking: opening succeeds at once and unblocks init's open for
   * writing; init's death is seen on the pidfd instead of hanging here. */
  fifo = openat (dirfd, KR_EXEC_FIFO_STARTING, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    return kr_error_set (err, errno, "open exec fifo");
  p[0] = (struct pollfd){ .fd = fifo, .events = POLLIN };
  p[1] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
  for (;;)
    {
      int r = poll (p, 2, 100);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return kr_error_set (err, errno, "poll exec fifo");
      if (p[0].revents & POLLIN)
        break;
      if (p[1].revents || (p[0].revents & (POLLHUP | POLLERR)))
        return kr_error_set (err, 0, "container init exited before start");
      /* Released by a start that was killed after init's answer: no
       * writer will come. */
      if (r == 0 && !kr_state_init_waits (dirfd, KR_EXEC_FIFO_STARTING, st))
        {
          unlinkat (dirfd, KR_EXEC_FIFO_STARTING, 0);
          return poststart (dirfd, st, pidfd, err);
        }
    }
  /* "0", or why init gave up (a startContainer hook failed). */
  n = read (fifo, msg, sizeof msg - 1);
  if (n <= 0)
    return kr_error_set (err, n < 0 ? errno : 0, "read exec fifo");
  msg[n] = '\0';
  if (msg[0] != '0')
    {
      kr_pidfd_wait_exit (pidfd, 10000);
      return kr_error_set (err, 0, "%s", msg);
    }
  if (unlinkat (dirfd, KR_EXEC_FIFO_STARTING, 0) < 0)
    return kr_error_set (err, errno, "remove exec fifo");
  if (wait_exec (fifo, err) < 0)
    return -1;
  return poststart (dirfd, st, pidfd, err);
}
