#define _GNU_SOURCE
#include "rootfs/pivot.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs/mountinfo.h"
#include "base/util.h"

int
kr_pivot_root (int rootfd, kr_error **err)
{
  _cleanup_close_ int oldroot = -1;

  oldroot = open ("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
  if (oldroot < 0)
    return kr_error_set (err, errno, "open old root");
  if (fchdir (rootfd) < 0)
    return kr_error_set (err, errno, "chdir into the rootfs");
  /* pivot_root(".", ".") puts the old root on top of the new one, so no
   * directory has to be made for it in the container's rootfs. */
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return kr_error_set (err, errno, "pivot_root");
  /* The kernel leaves cwd on the old root, but do not rely on it. */
  if (fchdir (oldroot) < 0)
    return kr_error_set (err, errno, "chdir into the old root");
  /* rslave, not rprivate: the host may still hold references to these
   * mounts, and our unmount must not reach the host. */
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return kr_error_set (err, errno, "make the old root rslave");
  if (umount2 (".", MNT_DETACH) < 0)
    return kr_error_set (err, errno, "detach the old root");
  if (chdir ("/") < 0)
    return kr_error_set (err, errno, "chdir /");
  return 0;
}

struct hide_list
{
  const char *rootfs;
  char **paths;
  size_t n;
};

/* Full (root "/") procfs and sysfs mounts outside the rootfs. */
static int
collect_pseudo_fs (const kr_mountinfo *mi, void *data, kr_error **err)
{
  struct hide_list *l = data;
  size_t n = strlen (l->rootfs);
  const char *mp = mi->mountpoint;
  char **p;

  if (strcmp (mi->root, "/") != 0
      || (strcmp (mi->fstype, "proc") != 0
          && strcmp (mi->fstype, "sysfs") != 0))
    return 0;
  if (strncmp (mp, l->rootfs, n) == 0 && (mp[n] == '/' || mp[n] == '\0'))
    return 0;
  p = realloc (l->paths, (l->n + 1) * sizeof *p);
  if (p == NULL)
    return kr_error_set (err, ENOMEM, "mountinfo");
  l->paths = p;
  if ((p[l->n] = strdup (mp)) == NULL)
    return kr_error_set (err, ENOMEM, "mountinfo");
  l->n++;
  return 0;
}

static int
hide_host_pseudo_fs (const char *rootfs, kr_error **err)
{
  struct hide_list l = { .rootfs = rootfs };
  int r;

  /* Collect first: unmounting while reading mountinfo skips lines. */
  r = kr_mountinfo_each (collect_pseudo_fs, &l, err);
  for (size_t i = l.n; r == 0 && i-- > 0;)
    {
      if (mount (NULL, l.paths[i], NULL, MS_SLAVE | MS_REC, NULL) < 0)
        {
          if (errno == ENOENT)
            continue; /* a parent went already */
          r = kr_error_set (err, errno, "make %s rslave", l.paths[i]);
          break;
        }
      if (umount2 (l.paths[i], MNT_DETACH) == 0)
        continue;
      /* Without the right to unmount (a user namespace), cover it. */
      if (errno != EINVAL && errno != EPERM)
        r = kr_error_set (err, errno, "unmount %s", l.paths[i]);
      else if (mount ("tmpfs", l.paths[i], "tmpfs", 0, NULL) < 0)
        r = kr_error_set (err, errno, "cover %s", l.paths[i]);
    }
  for (size_t i = 0; i < l.n; i++)
    free (l.paths[i]);
  free (l.paths);
  return r;
}

int
kr_move_root (const char *rootfs, int rootfd, kr_error **err)
{
  if (hide_host_pseudo_fs (rootfs, err) < 0)
    return -1;
  if (fchdir (rootfd) < 0)
    return kr_error_set (err, errno, "chdir into the rootfs");
  if (mount (rootfs, "/", NULL, MS_MOVE, NULL) < 0)
    return kr_error_set (err, errno, "move the rootfs onto /");
  if (chroot (".") < 0)
    return kr_error_set (err, errno, "chroot");
  if (chdir ("/") < 0)
    return kr_error_set (err, errno, "chdir /");
  return 0;
}
