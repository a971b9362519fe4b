#define _GNU_SOURCE
#include "rootfs/copyup.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

static int copy_dir (int src, int dst, int depth, kr_error **err);

static int
copy_file (int src, int dst, const char *name, const struct stat *st, kr_error **err)
{
  _cleanup_close_ int in = openat (src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  _cleanup_close_ int out = -1;
  off_t left = st->st_size;

  if (in < 0)
    return kr_error_set (err, errno, "open %s", name);
  out = openat (dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
  if (out < 0)
    return kr_error_set (err, errno, "create %s", name);
  while (left > 0)
    {
      ssize_t n = sendfile (out, in, NULL, (size_t) (left > (1 << 30) ? (1 << 30) : left));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return kr_error_set (err, errno, "copy %s", name);
      if (n == 0)
        break;
      left -= n;
    }
  return 0;
}

static int
copy_entry (int src, int dst, const char *name, int depth, kr_error **err)
{
  struct stat st;

  if (fstatat (src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return kr_error_set (err, errno, "stat %s", name);
  switch (st.st_mode & S_IFMT)
    {
    case S_IFDIR:
      {
        _cleanup_close_ int s = -1, d = -1;
        if (mkdirat (dst, name, 0700) < 0)
          return kr_error_set (err, errno, "mkdir %s", name);
        s = openat (src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        d = openat (dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0 || d < 0)
          return kr_error_set (err, errno, "open %s", name);
        if (copy_dir (s, d, depth + 1, err) < 0)
          return kr_error_prefix (err, "%s", name);
        break;
      }
    case S_IFREG:
      if (copy_file (src, dst, name, &st, err) < 0)
        return -1;
      break;
    case S_IFLNK:
      {
        char target[PATH_MAX];
        ssize_t n = readlinkat (src, name, target, sizeof target - 1);
        if (n < 0)
          return kr_error_set (err, errno, "readlink %s", name);
        target[n] = '\0';
        if (symlinkat (target, dst, name) < 0)
          return kr_error_set (err, errno, "symlink %s", name);
        break;
      }
    default: /* fifos, sockets, device nodes */
      if (mknodat (dst, name, st.st_mode, st.st_rdev) < 0)
        return kr_error_set (err, errno, "mknod %s", name);
    }
  if (fchownat (dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return kr_error_set (err, errno, "chown %s", name);
  /* Permission bits of a symlink mean nothing; the rest gets its mode last,
   * so a read-only directory was still writable while it was filled. */
  if (!S_ISLNK (st.st_mode) && fchmodat (dst, name, st.st_mode & 07777, 0) < 0)
    return kr_error_set (err, errno, "chmod %s", name);
  return 0;
}

static int
copy_dir (int src, int dst, int depth, kr_error **err)
{
  _cleanup_closedir_ DIR *d = NULL;
  int fd;
  struct dirent *de;

  if (depth > 128)
    return kr_error_set (err, ELOOP, "directory tree too deep");
  fd = openat (src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return kr_error_set (err, errno, "open directory");
  d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return kr_error_set (err, errno, "read directory");
    }
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (copy_entry (dirfd (d), dst, de->d_name, depth, err) < 0)
        return -1;
    }
  if (errno)
    return kr_error_set (err, errno, "read directory");
  return 0;
}

int
kr_copy_tree (int src, int dst, kr_error **err)
{
  if (copy_dir (src, dst, 0, err) < 0)
    return kr_error_prefix (err, "tmpcopyup");
  return 0;
}
