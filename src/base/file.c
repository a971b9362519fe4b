#define _GNU_SOURCE
#include "base/file.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

#include "base/util.h"

int
kr_write_file_atomic (int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                      bool durable, kr_error **err)
{
  _cleanup_free_ char *tmp = NULL;
  _cleanup_close_ int fd = -1;
  const char *p = data;
  size_t off = 0;

  /* The directory may be the caller's (--pid-file): whatever sits at a
   * name there -- a symlink, a hard link to a file of the host, a FIFO --
   * is never opened.  A fresh random name, created with O_EXCL (which
   * never follows a symlink either), else another. */
  for (int tries = 0; fd < 0; tries++)
    {
      uint64_t r;
      if (getrandom (&r, sizeof r, 0) != sizeof r)
        return kr_error_set (err, errno, "write %s: getrandom", name);
      free (tmp);
      if (asprintf (&tmp, "%s.krill-%016" PRIx64, name, r) < 0)
        {
          tmp = NULL;
          return kr_error_set (err, ENOMEM, "write %s", name);
        }
      fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
      if (fd < 0 && (errno != EEXIST || tries == 8))
        return kr_error_set (err, errno, "open %s", tmp);
    }
  while (off < len)
    {
      ssize_t n = write (fd, p + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          unlinkat (dirfd, tmp, 0);
          return kr_error_set (err, e, "write %s", tmp);
        }
      off += (size_t) n;
    }
  if (durable && fsync (fd) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      return kr_error_set (err, e, "fsync %s", tmp);
    }
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      return kr_error_set (err, e, "rename %s", name);
    }
  return 0;
}
