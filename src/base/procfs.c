#define _GNU_SOURCE
#include "base/procfs.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/mountapi.h"
#include "base/util.h"

/* The inode number of every procfs root (fs/proc/root.c). */
#define KR_PROC_ROOT_INO 1

static int the_handle = -1;
static bool handle_set;

static bool
is_procfs (int fd)
{
  struct statfs sfs;
  return fstatfs (fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

bool
kr_procfs_is_root (int fd)
{
  struct stat st;
  return is_procfs (fd) && fstat (fd, &st) == 0 && st.st_ino == KR_PROC_ROOT_INO;
}

int
kr_procfs_open (int *out, kr_error **err)
{
  _cleanup_close_ int fd = -1;

  /* A copy of the mount, attached nowhere: a mount made later on /proc or
   * anywhere below it (in any mount namespace) is not on this copy. It
   * takes CAP_SYS_ADMIN over the mount namespace; without, /proc itself,
   * and NO_XDEV on every open below keeps mounts out of the way. */
  fd = kr_open_tree (AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (fd < 0)
    fd = kr_openat2 (AT_FDCWD, "/proc", O_PATH | O_DIRECTORY | O_CLOEXEC, 0, RESOLVE_NO_SYMLINKS);
  if (fd < 0 && errno == ENOSYS)
    fd = open ("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return kr_error_set (err, errno, "open /proc");
  if (!kr_procfs_is_root (fd))
    return kr_error_set (err, 0, "/proc is not the root of a procfs");
  *out = TAKE_FD (fd);
  return 0;
}

int
kr_procfs_handle (kr_error **err)
{
  if (handle_set && the_handle < 0)
    return kr_error_set (err, EBADF, "no procfs handle here");
  if (the_handle < 0 && kr_procfs_open (&the_handle, err) < 0)
    return -1;
  handle_set = true;
  return the_handle;
}

void
kr_procfs_use (int fd)
{
  the_handle = fd;
  handle_set = true;
}

int
kr_procfs_openat (int procfd, const char *rel, int flags, kr_error **err)
{
  _cleanup_close_ int fd = -1;

  /* "self" is an ordinary symlink (to the pid), followed beneath; the
   * magic links (fd/N, exe, root, ns/...) are not. */
  fd = kr_openat2 (procfd, rel, (uint64_t) (flags | O_CLOEXEC), 0,
                   RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
  if (fd < 0 && errno == ENOSYS)
    fd = openat (procfd, rel, flags | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EXDEV)
    return kr_error_set (err, EXDEV, "open /proc/%s: a mount on the way would redirect it", rel);
  if (fd < 0)
    return kr_error_set (err, errno, "open /proc/%s", rel);
  if (!is_procfs (fd))
    return kr_error_set (err, 0, "/proc/%s is not procfs", rel);
  return TAKE_FD (fd);
}

int
kr_procfs_fd_dir (int procfd, kr_error **err)
{
  return kr_procfs_openat (procfd, "self/fd", O_PATH | O_DIRECTORY, err);
}

int
kr_procfs_write_self (int procfd, const char *name, const char *data, kr_error **err)
{
  char path[256];
  _cleanup_close_ int fd = -1;
  size_t len = strlen (data);

  snprintf (path, sizeof path, "self/%s", name);
  fd = kr_procfs_openat (procfd, path, O_WRONLY, err);
  if (fd < 0)
    return -1;
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
