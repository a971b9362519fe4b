#define _GNU_SOURCE
#include "base/fs.h"

#include <fcntl.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mountapi.h"
#include "base/procfs.h"
#include "base/util.h"

#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

/* openat2 returns EAGAIN when a concurrent rename might have let a ".." walk
 * out; the kernel wants the caller to retry. */
static int
openat2_retry (int dirfd, const char *path, int flags, mode_t mode,
               uint64_t resolve)
{
  int fd = -1;

  for (int i = 0; i < 16; i++)
    {
      fd = kr_openat2 (dirfd, path, (uint64_t) (flags | O_CLOEXEC), mode,
                       resolve);
      if (fd >= 0 || errno != EAGAIN)
        break;
    }
  return fd;
}

char *
kr_fs_clean_path (const char *path)
{
  size_t len = strlen (path);
  char *out = malloc (len + 2);
  size_t o = 0;
  const char *p = path;

  if (out == NULL)
    return NULL;
  while (*p)
    {
      const char *start;
      size_t n;

      while (*p == '/')
        p++;
      start = p;
      while (*p && *p != '/')
        p++;
      n = (size_t) (p - start);
      if (n == 0 || (n == 1 && start[0] == '.'))
        continue;
      if (n == 2 && start[0] == '.' && start[1] == '.')
        {
          while (o > 0 && out[o - 1] != '/')
            o--;
          if (o > 0)
            o--;
          continue;
        }
      out[o++] = '/';
      memcpy (out + o, start, n);
      o += n;
    }
  if (o == 0)
    out[o++] = '/';
  out[o] = '\0';
  return out;
}

/* Creates NAME in the resolved directory DIRFD and opens it without
 * following anything: if NAME turned out to be a (dangling) symlink or was
 * swapped for one, RESOLVE_NO_SYMLINKS makes this fail rather than escape. */
static int
create_component (int dirfd, const char *name, bool dir, int flags,
                  mode_t mode, const char *shown, kr_error **err)
{
  int fd;

  if (dir)
    {
      if (mkdirat (dirfd, name, 0755) < 0 && errno != EEXIST)
        return kr_error_set (err, errno, "mkdir %s", shown);
    }
  else
    {
      fd = openat (dirfd, name,
                   O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC,
                   mode);
      if (fd < 0 && errno != EEXIST)
        return kr_error_set (err, errno, "create %s", shown);
      if (fd >= 0)
        close (fd);
    }
  fd = openat2_retry (dirfd, name, flags | (dir ? O_DIRECTORY : 0), 0,
                      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
  if (fd < 0 && errno == ELOOP)
    return kr_error_set (err, ELOOP, "%s is a dangling symlink", shown);
  if (fd < 0)
    return kr_error_set (err, errno, "open %s after creating it", shown);
  return fd;
}

int
kr_fs_open_in_root (int rootfd, const char *path, int flags,
                    kr_fs_create create, mode_t mode, kr_error **err)
{
  _cleanup_free_ char *clean = kr_fs_clean_path (path);
  _cleanup_free_ char *prefix = NULL;
  _cleanup_close_ int cur = -1;
  char *comp, *save = NULL;
  size_t plen = 0;
  int fd;

  if (clean == NULL)
    return kr_error_set (err, ENOMEM, "resolve %s", path);

  fd = openat2_retry (rootfd, clean, flags, 0, IN_ROOT);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT || create == KR_FS_EXISTING)
    return kr_error_set (err, errno, "open %s in rootfs", clean);

  /* Walk from the top: each prefix is resolved in-root by the kernel, and
   * only the first missing component is created, under its resolved
   * parent. */
  prefix = calloc (1, strlen (clean) + 1);
  if (prefix == NULL)
    return kr_error_set (err, ENOMEM, "resolve %s", path);
  cur = openat2_retry (rootfd, "/", O_PATH | O_DIRECTORY, 0, IN_ROOT);
  if (cur < 0)
    return kr_error_set (err, errno, "open rootfs");

  for (comp = strtok_r (clean + 1, "/", &save); comp != NULL;
       comp = strtok_r (NULL, "/", &save))
    {
      bool last = save == NULL || *save == '\0';
      bool dir = !last || create == KR_FS_MKDIR;
      int want = last ? flags : O_PATH;

      prefix[plen++] = '/';
      memcpy (prefix + plen, comp, strlen (comp) + 1);
      plen += strlen (comp);

      fd = openat2_retry (rootfd, prefix, want | (dir ? O_DIRECTORY : 0), 0,
                          IN_ROOT);
      if (fd < 0 && errno != ENOENT)
        return kr_error_set (err, errno, "open %s in rootfs", prefix);
      if (fd < 0)
        {
          fd = create_component (cur, comp, dir, want, mode, prefix, err);
          if (fd < 0)
            return -1;
        }
      close (cur);
      cur = fd;
    }
  return TAKE_FD (cur);
}

int
kr_fs_open_parent_in_root (int rootfd, const char *path, bool mkdirs,
                           char **name, kr_error **err)
{
  _cleanup_free_ char *clean = kr_fs_clean_path (path);
  char *slash;
  int fd;

  if (clean == NULL)
    return kr_error_set (err, ENOMEM, "resolve %s", path);
  if (strcmp (clean, "/") == 0)
    return kr_error_set (err, EINVAL, "%s has no parent in the rootfs", path);
  slash = strrchr (clean, '/');
  *name = strdup (slash + 1);
  if (*name == NULL)
    return kr_error_set (err, ENOMEM, "resolve %s", path);
  slash[slash == clean ? 1 : 0] = '\0';
  fd = kr_fs_open_in_root (rootfd, clean, O_PATH | O_DIRECTORY,
                           mkdirs ? KR_FS_MKDIR : KR_FS_EXISTING, 0, err);
  if (fd < 0)
    {
      free (*name);
      *name = NULL;
    }
  return fd;
}

int
kr_fs_symlink_in_root (int rootfd, const char *target, const char *path,
                       kr_error **err)
{
  _cleanup_free_ char *name = NULL;
  _cleanup_close_ int dirfd = -1;

  dirfd = kr_fs_open_parent_in_root (rootfd, path, true, &name, err);
  if (dirfd < 0)
    return -1;
  if (symlinkat (target, dirfd, name) < 0)
    return kr_error_set (err, errno, "symlink %s -> %s", path, target);
  return 0;
}

int
kr_fs_open_step (int dirfd, const char *name, int flags, unsigned long long resolve,
                 const char *shown, kr_error **err)
{
  int fd = kr_openat2 (dirfd, name, (uint64_t) (flags | O_CLOEXEC), 0,
                       resolve | RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);

  if (fd >= 0)
    return fd;
  if (errno == ELOOP)
    return kr_error_set (err, ELOOP, "%s is a symlink: refused", shown);
  return kr_error_set (err, errno, "open %s", shown);
}

int
kr_fs_fd_path (int fd, char **out, kr_error **err)
{
  _cleanup_close_ int fds = -1;
  char name[16], buf[PATH_MAX];
  int proc = kr_procfs_handle (err);
  ssize_t n;

  /* Through the checked handle: a /proc that is not the kernel's could
   * answer anything, and the answer decides where a mount may go. */
  if (proc < 0 || (fds = kr_procfs_fd_dir (proc, err)) < 0)
    return -1;
  snprintf (name, sizeof name, "%d", fd);
  n = readlinkat (fds, name, buf, sizeof buf - 1);
  if (n < 0)
    return kr_error_set (err, errno, "readlink /proc/self/fd/%s", name);
  buf[n] = '\0';
  *out = strdup (buf);
  if (*out == NULL)
    return kr_error_set (err, ENOMEM, "readlink /proc/self/fd/%s", name);
  return 0;
}

int
kr_fs_read_file_max (int dirfd, const char *name, size_t max, char **out, size_t *lenp,
                     kr_error **err)
{
  _cleanup_close_ int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC);
  _cleanup_free_ char *buf = NULL;
  size_t len = 0, cap = 0;

  if (fd < 0)
    return kr_error_set (err, errno, "open %s", name);
  /* Up to MAX + 1 bytes: one past the limit tells the caller it is over. */
  while (len <= max)
    {
      ssize_t n;
      size_t want;
      if (cap - len < 4096)
        {
          /* Doubling: growing by a fixed step copied a 100 MB file
           * thousands of times. */
          size_t ncap = cap ? cap * 2 : 8192;
          char *nb = realloc (buf, ncap);
          if (nb == NULL)
            return kr_error_set (err, ENOMEM, "read %s", name);
          buf = nb;
          cap = ncap;
        }
      want = cap - len - 1;
      if (want > max + 1 - len)
        want = max + 1 - len;
      n = read (fd, buf + len, want);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return kr_error_set (err, errno, "read %s", name);
      if (n == 0)
        break;
      len += (size_t) n;
    }
  buf[len] = '\0';
  if (lenp)
    *lenp = len;
  *out = TAKE_PTR (buf);
  return 0;
}

int
kr_fs_read_file (int dirfd, const char *name, char **out, size_t *lenp, kr_error **err)
{
  return kr_fs_read_file_max (dirfd, name, SIZE_MAX - 1, out, lenp, err);
}

int
kr_fs_open_dev (kr_error **err)
{
  _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (root < 0)
    return kr_error_set (err, errno, "open /");
  return kr_fs_open_step (root, "dev", O_PATH | O_DIRECTORY, 0, "/dev", err);
}
