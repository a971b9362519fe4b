#define _GNU_SOURCE
#include "rootfs/dev-nodes.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/mountapi.h"
#include "base/procfs.h"
#include "base/util.h"

static const oci_device default_devices[] = {
  { .type = "c", .path = "/dev/null", .major = 1, .minor = 3 },
  { .type = "c", .path = "/dev/zero", .major = 1, .minor = 5 },
  { .type = "c", .path = "/dev/full", .major = 1, .minor = 7 },
  { .type = "c", .path = "/dev/random", .major = 1, .minor = 8 },
  { .type = "c", .path = "/dev/urandom", .major = 1, .minor = 9 },
  { .type = "c", .path = "/dev/tty", .major = 5, .minor = 0 },
};

static const char *const dev_links[][2] = {
  { "/dev/fd", "/proc/self/fd" },
  { "/dev/stdin", "/proc/self/fd/0" },
  { "/dev/stdout", "/proc/self/fd/1" },
  { "/dev/stderr", "/proc/self/fd/2" },
};

static bool
same_path (const char *a, const char *b)
{
  _cleanup_free_ char *ca = kr_fs_clean_path (a);
  _cleanup_free_ char *cb = kr_fs_clean_path (b);

  return ca && cb && strcmp (ca, cb) == 0;
}

bool
kr_devices_needed (const oci_config *cfg)
{
  for (size_t i = 0; i < cfg->mounts_len; i++)
    {
      const oci_mount *m = &cfg->mounts[i];

      if (m->destination == NULL || !same_path (m->destination, "/dev"))
        continue;
      if (m->type && strcmp (m->type, "bind") == 0)
        return false;
      for (size_t j = 0; j < m->options_len; j++)
        if (strcmp (m->options[j], "bind") == 0
            || strcmp (m->options[j], "rbind") == 0)
          return false;
    }
  return true;
}

static int
node_type (const oci_device *d, mode_t *type, kr_error **err)
{
  if (d->type == NULL)
    return kr_error_set (err, EINVAL, "device %s has no type", d->path);
  if (strcmp (d->type, "c") == 0 || strcmp (d->type, "u") == 0)
    *type = S_IFCHR;
  else if (strcmp (d->type, "b") == 0)
    *type = S_IFBLK;
  else if (strcmp (d->type, "p") == 0)
    *type = S_IFIFO;
  else
    return kr_error_set (err, EINVAL, "device %s: unknown type \"%s\"",
                         d->path, d->type);
  return 0;
}

/* The host's node of the same path, bind-mounted onto an empty file. */
static int
bind_node (int dirfd, const char *name, const oci_device *d, kr_error **err)
{
  _cleanup_close_ int file = -1;
  _cleanup_close_ int dst = -1;
  _cleanup_close_ int tree = -1;

  file = openat (dirfd, name, O_CREAT | O_NOFOLLOW | O_WRONLY | O_CLOEXEC,
                 0000);
  if (file < 0)
    return kr_error_set (err, errno, "create %s", d->path);
  dst = openat (dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (dst < 0)
    return kr_error_set (err, errno, "open %s", d->path);
  tree = kr_open_tree (AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return kr_error_set (err, errno, "open host device %s", d->path);
  if (kr_move_mount (tree, "", dst, "",
                     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
      < 0)
    return kr_error_set (err, errno, "bind host device %s", d->path);
  return 0;
}

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* fchmod does not take an O_PATH fd (opening the node itself would open
 * the device, or block on a FIFO). fchmodat2 (Linux 6.6) takes it with
 * AT_EMPTY_PATH; before, its link in the checked procfs handle's
 * self/fd, never a /proc found by path. */
static int
chmod_fd (int fd, mode_t perm, kr_error **err)
{
  _cleanup_close_ int fds = -1;
  char name[16];
  int proc;

  if (syscall (SYS_fchmodat2, fd, "", perm, AT_EMPTY_PATH) == 0)
    return 0;
  if (errno != ENOSYS && errno != EINVAL)
    return kr_error_set (err, errno, "fchmodat2");
  proc = kr_procfs_handle (err);
  if (proc < 0 || (fds = kr_procfs_fd_dir (proc, err)) < 0)
    return -1;
  snprintf (name, sizeof name, "%d", fd);
  if (fchmodat (fds, name, perm, 0) < 0)
    return kr_error_set (err, errno, "chmod /proc/self/fd/%s", name);
  return 0;
}

/* mknod, then check that what is at the name is the node we made before
 * changing its mode and owner through an fd. */
static int
make_node (int dirfd, const char *name, const oci_device *d, bool userns,
           kr_error **err)
{
  _cleanup_close_ int fd = -1;
  mode_t type, perm = d->has_file_mode ? (d->file_mode & 07777) : 0666;
  dev_t dev = 0;
  struct stat st;
  mode_t old;
  int r;

  if (node_type (d, &type, err) < 0)
    return -1;
  if (type != S_IFIFO)
    dev = makedev ((unsigned int) d->major, (unsigned int) d->minor);
  if (userns)
    return bind_node (dirfd, name, d, err);

  /* umask would otherwise strip bits of fileMode. */
  old = umask (0);
  r = mknodat (dirfd, name, type | perm, dev);
  umask (old);
  if (r < 0 && errno == EEXIST)
    return 0;
  if (r < 0 && errno == EPERM)
    return bind_node (dirfd, name, d, err);
  if (r < 0)
    return kr_error_set (err, errno, "mknod %s", d->path);

  fd = openat (dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return kr_error_set (err, errno, "open %s", d->path);
  if (fstat (fd, &st) < 0)
    return kr_error_set (err, errno, "stat %s", d->path);
  if ((st.st_mode & S_IFMT) != type || (type != S_IFIFO && st.st_rdev != dev))
    return kr_error_set (err, EEXIST, "%s was replaced while being created",
                         d->path);
  if (chmod_fd (fd, perm, err) < 0)
    return kr_error_prefix (err, "chmod %s", d->path);
  if (fchownat (fd, "", d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0,
                AT_EMPTY_PATH)
      < 0)
    return kr_error_set (err, errno, "chown %s", d->path);
  return 0;
}

static int
create_device (int rootfd, const oci_device *d, bool userns, kr_error **err)
{
  _cleanup_free_ char *name = NULL;
  _cleanup_close_ int dirfd = -1;

  if (d->path == NULL || *d->path == '\0')
    return kr_error_set (err, EINVAL, "device without a path");
  if (same_path (d->path, "/dev/ptmx"))
    return 0; /* always the pts/ptmx symlink, below */
  dirfd = kr_fs_open_parent_in_root (rootfd, d->path, true, &name, err);
  if (dirfd < 0)
    return -1;
  return make_node (dirfd, name, d, userns, err);
}

static bool
overridden (const oci_config *cfg, const char *path)
{
  const oci_linux *l = cfg->linux;

  for (size_t i = 0; l && i < l->devices_len; i++)
    if (l->devices[i].path && same_path (l->devices[i].path, path))
      return true;
  return false;
}

static int
setup_ptmx (int rootfd, kr_error **err)
{
  _cleanup_free_ char *name = NULL;
  _cleanup_close_ int dirfd = -1;

  dirfd = kr_fs_open_parent_in_root (rootfd, "/dev/ptmx", true, &name, err);
  if (dirfd < 0)
    return -1;
  if (unlinkat (dirfd, name, 0) < 0 && errno != ENOENT)
    return kr_error_set (err, errno, "remove /dev/ptmx");
  if (symlinkat ("pts/ptmx", dirfd, name) < 0)
    return kr_error_set (err, errno, "symlink /dev/ptmx");
  return 0;
}

static int
setup_links (int rootfd, kr_error **err)
{
  for (size_t i = 0; i <= ARRAY_SIZE (dev_links); i++)
    {
      _cleanup_error_ kr_error *local = NULL;
      const char *link, *target;

      if (i == ARRAY_SIZE (dev_links))
        {
          /* /proc/kcore exists only with CONFIG_PROC_KCORE. */
          int proc = kr_procfs_handle (NULL);
          if (proc < 0 || faccessat (proc, "kcore", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
            break;
          link = "/dev/core";
          target = "/proc/kcore";
        }
      else
        {
          link = dev_links[i][0];
          target = dev_links[i][1];
        }
      if (kr_fs_symlink_in_root (rootfd, target, link, &local) < 0
          && local->errnum != EEXIST)
        return kr_error_set (err, local->errnum, "%s", local->msg);
    }
  return 0;
}

int
kr_devices_setup (int rootfd, const oci_config *cfg, bool userns,
                  kr_error **err)
{
  const oci_linux *l = cfg->linux;

  for (size_t i = 0; i < ARRAY_SIZE (default_devices); i++)
    if (!overridden (cfg, default_devices[i].path)
        && create_device (rootfd, &default_devices[i], userns, err) < 0)
      return kr_error_prefix (err, "default devices");
  for (size_t i = 0; l && i < l->devices_len; i++)
    if (create_device (rootfd, &l->devices[i], userns, err) < 0)
      return kr_error_prefix (err, "linux.devices[%zu]", i);
  if (setup_ptmx (rootfd, err) < 0 || setup_links (rootfd, err) < 0)
    return kr_error_prefix (err, "/dev");
  return 0;
}

int
kr_devices_reopen_null (kr_error **err)
{
  _cleanup_close_ int null = -1;
  struct stat st;

  for (int fd = 0; fd < 3; fd++)
    {
      if (fstat (fd, &st) < 0)
        {
          if (errno == EBADF)
            continue;
          return kr_error_set (err, errno, "fstat fd %d", fd);
        }
      if (!S_ISCHR (st.st_mode) || st.st_rdev != makedev (1, 3))
        continue;
      if (null < 0)
        {
          struct stat ns;

          null = open ("/dev/null", O_RDWR | O_CLOEXEC);
          if (null < 0)
            return kr_error_set (err, errno, "open the container's /dev/null");
          if (fstat (null, &ns) < 0 || !S_ISCHR (ns.st_mode)
              || ns.st_rdev != makedev (1, 3))
            return kr_error_set (err, EINVAL,
                                 "the container's /dev/null is not 1:3");
        }
      if (dup3 (null, fd, 0) < 0)
        return kr_error_set (err, errno, "reopen fd %d", fd);
    }
  return 0;
}
