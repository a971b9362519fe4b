#define _GNU_SOURCE
#include "rootfs/masks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "base/fs.h"
#include "rootfs/mounts.h"
#include "base/mountapi.h"
#include "base/util.h"

/* The target of a mask or read-only path, or -1 with *skip set when it does
 * not exist. */
static int
open_target (int rootfd, const char *path, bool *skip, kr_error **err)
{
  _cleanup_error_ kr_error *local = NULL;
  int fd;

  *skip = false;
  fd = kr_fs_open_in_root (rootfd, path, O_PATH, KR_FS_EXISTING, 0, &local);
  if (fd >= 0)
    return fd;
  if (local && local->errnum == ENOENT)
    {
      *skip = true;
      return -1;
    }
  return kr_error_move (err, &local);
}

static int
attach (int mntfd, int dstfd, const char *path, kr_error **err)
{
  if (kr_move_mount (mntfd, "", dstfd, "",
                     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
      < 0)
    return kr_error_set (err, errno, "mount over %s", path);
  return 0;
}

static int
mask_dir (int dstfd, const char *path, kr_error **err)
{
  _cleanup_close_ int mnt = -1;
  _cleanup_error_ kr_error *local = NULL;

  /* One block and one inode: nothing can be created in it even if it were
   * remounted writable. Some kernels insist on two inodes. */
  mnt = kr_mount_new_fs ("tmpfs", "tmpfs", MS_RDONLY,
                         "nr_blocks=1,nr_inodes=1", &local);
  if (mnt < 0)
    mnt = kr_mount_new_fs ("tmpfs", "tmpfs", MS_RDONLY,
                           "nr_blocks=1,nr_inodes=2", err);
  if (mnt < 0)
    return -1;
  return attach (mnt, dstfd, path, err);
}

int
kr_mask_paths (char *const *paths, size_t n, kr_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int null = -1;
  struct stat st;

  if (n == 0)
    return 0;
  rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return kr_error_set (err, errno, "open /");
  null = kr_fs_open_in_root (rootfd, "/dev/null", O_PATH, KR_FS_EXISTING, 0,
                             err);
  if (null < 0)
    return kr_error_prefix (err, "masked paths");
  if (fstat (null, &st) < 0)
    return kr_error_set (err, errno, "stat /dev/null");
  if (!S_ISCHR (st.st_mode) || st.st_rdev != makedev (1, 3))
    return kr_error_set (err, EINVAL,
                         "masked paths: the container's /dev/null is not 1:3");

  for (size_t i = 0; i < n; i++)
    {
      _cleanup_close_ int dst = -1;
      _cleanup_close_ int tree = -1;
      bool skip;

      dst = open_target (rootfd, paths[i], &skip, err);
      if (skip)
        continue;
      if (dst < 0)
        return kr_error_prefix (err, "masked path %s", paths[i]);
      if (fstat (dst, &st) < 0)
        return kr_error_set (err, errno, "stat %s", paths[i]);
      if (S_ISDIR (st.st_mode))
        {
          if (mask_dir (dst, paths[i], err) < 0)
            return kr_error_prefix (err, "masked path %s", paths[i]);
          continue;
        }
      tree = kr_open_tree (null, "",
                           OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
      if (tree < 0)
        return kr_error_set (err, errno, "clone /dev/null");
      if (attach (tree, dst, paths[i], err) < 0)
        return kr_error_prefix (err, "masked path");
    }
  return 0;
}

int
kr_readonly_paths (char *const *paths, size_t n, kr_error **err)
{
  _cleanup_close_ int rootfd = -1;

  if (n == 0)
    return 0;
  rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return kr_error_set (err, errno, "open /");
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_close_ int dst = -1;
      _cleanup_close_ int tree = -1;
      struct kr_mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
      bool skip;

      dst = open_target (rootfd, paths[i], &skip, err);
      if (skip)
        continue;
      if (dst < 0)
        return kr_error_prefix (err, "readonly path %s", paths[i]);
      tree = kr_open_tree (dst, "",
                           OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE
                               | AT_EMPTY_PATH);
      if (tree < 0)
        return kr_error_set (err, errno, "readonly path %s: clone", paths[i]);
      /* Only the top mount, like runc's MS_REMOUNT|MS_BIND|MS_RDONLY; the
       * other attributes stay as the clone inherited them. */
      if (kr_mount_setattr (tree, "", AT_EMPTY_PATH, &a) < 0)
        return kr_error_set (err, errno, "readonly path %s: set ro",
                             paths[i]);
      if (attach (tree, dst, paths[i], err) < 0)
        return kr_error_prefix (err, "readonly path");
    }
  return 0;
}

int
kr_make_readonly (const char *path, kr_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int fd = -1;
  struct kr_mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };

  rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return kr_error_set (err, errno, "open /");
  fd = kr_fs_open_in_root (rootfd, path, O_PATH, KR_FS_EXISTING, 0, err);
  if (fd < 0)
    return kr_error_prefix (err, "make %s read-only", path);
  if (kr_mount_setattr (fd, "", AT_EMPTY_PATH, &a) < 0)
    return kr_error_set (err, errno, "make %s read-only", path);
  return 0;
}
