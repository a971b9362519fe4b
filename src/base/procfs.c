#define _GNU_SOURCE
#include "base/procfs.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
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
