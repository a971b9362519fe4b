/* Watching for the OOM killer in the container's memory cgroup.
 *
 * v1: an eventfd registered on memory.oom_control through
 * cgroup.event_control wakes us on each OOM, and once more when the cgroup is
 * removed.  v2: inotify on memory.events (changes on every memory event) and
 * on cgroup.events (populated 0 when the last process left).  In both, the
 * oom_kill counter (memory.oom_control since 4.13, memory.events) says whether
 * a process was really killed; without it (old v1 kernels) each wake counts. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "base/util.h"

struct kr_cg_oom
{
  int version;
  int fd;        /* eventfd (v1) or inotify (v2) */
  int ctl_fd;    /* v1: memory.oom_control, kept open for the registration */
  int dirfd;     /* the memory leaf */
  bool counter;  /* oom_kill is there */
  uint64_t last; /* oom_kill when last looked */
};

static const char *
counter_file (const kr_cg_oom *w)
{
  return w->version == 2 ? "memory.events" : "memory.oom_control";
}

/* oom_kill of the counter file; false when it has none (or is gone). */
static bool
read_counter (const kr_cg_oom *w, uint64_t *v)
{
  _cleanup_free_ char *text = NULL;
  char *p;

  if (kr_cg_read_at (w->dirfd, counter_file (w), &text, NULL) < 0)
    return false;
  for (p = text; (p = strstr (p, "oom_kill ")); p++)
    if (p == text || p[-1] == '\n')
      {
        *v = strtoull (p + 9, NULL, 10);
        return true;
      }
  return false;
}

int
kr_cg_oom_watch_at (kr_cg_hier *h, kr_cg_oom **out, kr_error **err)
{
  _cleanup_free_ kr_cg_oom *w = calloc (1, sizeof *w);
  char dir[PATH_MAX], path[PATH_MAX + 32], buf[64];

  if (w == NULL)
    return kr_error_set (err, errno, "watch OOM");
  w->fd = w->ctl_fd = w->dirfd = -1;
  if (h == NULL)
    return kr_error_set (err, ENOENT, "watch OOM: no memory cgroup");
  if (kr_cg_open_leaf (h, err) < 0)
    return kr_error_prefix (err, "watch OOM");
  kr_cg_hier_dir (h, dir, sizeof dir);
  w->version = h->version;
  w->dirfd = fcntl (h->fd, F_DUPFD_CLOEXEC, 3);
  if (w->dirfd < 0)
    return kr_error_set (err, errno, "watch OOM: dup");

  if (w->version == 1)
    {
      w->ctl_fd = openat (w->dirfd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
      w->fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (w->ctl_fd < 0 || w->fd < 0)
        goto fail_errno;
      snprintf (buf, sizeof buf, "%d %d", w->fd, w->ctl_fd);
      if (kr_cg_write_at (w->dirfd, "cgroup.event_control", buf, err) < 0)
        goto fail;
    }
  else
    {
      w->fd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
      if (w->fd < 0)
        goto fail_errno;
      /* inotify wants a path; the cgroup is known to exist (dirfd). */
      snprintf (path, sizeof path, "%s/memory.events", dir);
      if (inotify_add_watch (w->fd, path, IN_MODIFY) < 0)
        goto fail_errno;
      snprintf (path, sizeof path, "%s/cgroup.events", dir);
      if (inotify_add_watch (w->fd, path, IN_MODIFY) < 0)
        goto fail_errno;
    }
  w->counter = read_counter (w, &w->last);
  *out = TAKE_PTR (w);
  return 0;

fail_errno:
  kr_error_set (err, errno, "%s", w->version == 1 ? "memory.oom_control" : "inotify memory.events");
fail:
  kr_error_prefix (err, "watch OOM in %s", dir);
  kr_cg_oom_free (TAKE_PTR (w));
  return -1;
}

int
kr_cg_oom_fd (const kr_cg_oom *w)
{
  return w->fd;
}

int
kr_cg_oom_check (kr_cg_oom *w, unsigned *ooms, bool *gone, kr_error **err)
{
  uint64_t now;
  unsigned wakes = 0;

  *ooms = 0;
  *gone = false;
  if (w->version == 1)
    {
      uint64_t n;
      while (read (w->fd, &n, sizeof n) == sizeof n)
        wakes += n;
      if (errno != EAGAIN && errno != EINTR)
        return kr_error_set (err, errno, "read OOM eventfd");
      /* The eventfd also fires when the cgroup is removed. */
      if (faccessat (w->dirfd, "cgroup.event_control", F_OK, 0) < 0)
        {
          *gone = true;
          wakes = 0;
        }
    }
  else
    {
      _cleanup_free_ char *events = NULL;
      char buf[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));

      while (read (w->fd, buf, sizeof buf) > 0)
        ;
      if (kr_cg_read_at (w->dirfd, "cgroup.events", &events, NULL) < 0
          || strstr (events, "populated 0") != NULL)
        *gone = true;
    }

  if (w->counter && read_counter (w, &now))
    {
      if (now > w->last)
        *ooms = now - w->last > 1000 ? 1000 : (unsigned) (now - w->last);
      w->last = now;
    }
  else if (!w->counter && w->version == 1)
    *ooms = wakes;
  return 0;
}

void
kr_cg_oom_free (kr_cg_oom *w)
{
  if (w == NULL)
    return;
  if (w->fd >= 0)
    close (w->fd);
  if (w->ctl_fd >= 0)
    close (w->ctl_fd);
  if (w->dirfd >= 0)
    close (w->dirfd);
  free (w);
}
