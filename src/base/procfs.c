#define _GNU_SOURCE
#include "base/procfs.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/util.h"

int
kr_procfs_open (int *out, kr_error **err)
{
  _cleanup_close_ int fd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct statfs sfs;

  if (fd < 0)
    return kr_error_set (err, errno, "open /proc");
  if (fstatfs (fd, &sfs) < 0)
    return kr_error_set (err, errno, "statfs /proc");
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return kr_error_set (err, 0, "/proc is not procfs");
  *out = TAKE_FD (fd);
  return 0;
}

int
kr_procfs_write_self (int procfd, const char *name, const char *data, kr_error **err)
{
  char path[256];
  _cleanup_close_ int fd = -1;
  size_t len = strlen (data);

  snprintf (path, sizeof path, "self/%s", name);
  fd = openat (procfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return kr_error_set (err, errno, "open /proc/%s", path);
  if (write (fd, data, len) != (ssize_t) len)
    return kr_error_set (err, errno, "write %s to /proc/%s", data, path);
  return 0;
}

int
kr_procfs_open_pid (int procfd, pid_t pid, int pidfd, int *out, kr_error **err)
{
  char name[32];
  _cleanup_close_ int fd = -1;

  snprintf (name, sizeof name, "%d", (int) pid);
  fd = openat (procfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return kr_error_set (err, errno, "open /proc/%d", (int) pid);
  /* Alive after the open: the directory is that process's, not a reuser's. */
  if (syscall (SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
    return kr_error_set (err, errno, "process %d", (int) pid);
  *out = TAKE_FD (fd);
  return 0;
}

int
kr_procfs_write_at (int dirfd, const char *name, const char *data, kr_error **err)
{
  _cleanup_close_ int fd = openat (dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  size_t len = strlen (data);

  if (fd < 0)
    return kr_error_set (err, errno, "open /proc/<pid>/%s", name);
  if (write (fd, data, len) != (ssize_t) len)
    return kr_error_set (err, errno, "write /proc/<pid>/%s", name);
  return 0;
}
