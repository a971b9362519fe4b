#define _GNU_SOURCE
#include "rootfs/console.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/mountapi.h"
#include "base/util.h"
#include "process/terminal.h"

/* The mount point, made when missing. Created with O_EXCL and reopened
 * without following symlinks: whatever appears there meanwhile fails the
 * open instead of being followed. Opened O_PATH, never for I/O: an
 * existing /dev/console of the image may be a device node. */
static int
open_target (int dev, kr_error **err)
{
  _cleanup_error_ kr_error *local = NULL;
  _cleanup_close_ int made = -1;
  int fd;

  fd = kr_fs_open_step (dev, "console", O_PATH, 0, "/dev/console", &local);
  if (fd >= 0 || local->errnum != ENOENT)
    return fd >= 0 ? fd : kr_error_move (err, &local);
  made = openat (dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (made < 0)
    return kr_error_set (err, errno, "create /dev/console");
  /* 0666 whatever init's umask. */
  if (fchmod (made, 0666) < 0)
    return kr_error_set (err, errno, "chmod /dev/console");
  return kr_fs_open_step (dev, "console", O_PATH, 0, "/dev/console", err);
}

int
kr_rootfs_bind_console (int peer, kr_error **err)
{
  _cleanup_close_ int dev = -1, target = -1, tree = -1;

  if (kr_terminal_check_peer (peer, err) < 0)
    return kr_error_prefix (err, "bind on /dev/console");
  dev = kr_fs_open_dev (err);
  if (dev < 0)
    return -1;
  target = open_target (dev, err);
  if (target < 0)
    return -1;
  /* The mount of the very file the master gave: no path to /dev/pts/N is
   * looked up between the check and the bind. */
  tree = kr_open_tree (peer, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return kr_error_set (err, errno, "clone a mount of the pty");
  if (kr_move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return kr_error_set (err, errno, "bind the pty on /dev/console");
  return 0;
}
