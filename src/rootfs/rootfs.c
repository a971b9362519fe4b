#define _GNU_SOURCE
#include "rootfs/rootfs.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "rootfs/dev-nodes.h"
#include "base/fs.h"
#include "rootfs/masks.h"
#include "rootfs/mountopts.h"
#include "rootfs/mounts.h"
#include "rootfs/pivot.h"
#include "base/util.h"

static bool
has_namespace (const oci_config *cfg, const char *type)
{
  const oci_linux *l = cfg->linux;

  for (size_t i = 0; l && i < l->namespaces_len; i++)
    if (l->namespaces[i].type && strcmp (l->namespaces[i].type, type) == 0)
      return true;
  return false;
}

/* linux.rootfsPropagation as MS_* (0 when unset). */
static int
root_propagation (const oci_config *cfg, unsigned long *out, kr_error **err)
{
  const char *p = cfg->linux ? cfg->linux->rootfs_propagation : NULL;
  char *opt[1];
  kr_mount_opts o;

  *out = 0;
  if (p == NULL || *p == '\0')
    return 0;
  opt[0] = (char *) p;
  if (kr_mount_opts_parse (opt, 1, &o, err) < 0)
    return -1;
  if (o.propagation_len == 1)
    *out = o.propagation[0];
  kr_mount_opts_release (&o);
  if (*out == 0)
    return kr_error_set (err, EINVAL,
                         "linux.rootfsPropagation: unknown value \"%s\"", p);
  return 0;
}

/* The mount holding ROOTFS must not be shared: pivot_root refuses a shared
 * parent, and our bind of the rootfs would propagate to the host. EINVAL
 * means "not a mount point": go up until one is. */
static int
unshare_rootfs_parent (const char *rootfs, unsigned long prop, kr_error **err)
{
  _cleanup_free_ char *path = strdup (rootfs);
  unsigned long flag = (prop & MS_SLAVE) ? MS_SLAVE : MS_PRIVATE;

  if (path == NULL)
    return kr_error_set (err, ENOMEM, "rootfs");
  for (;;)
    {
      char *slash;

      if (mount (NULL, path, NULL, flag, NULL) == 0)
        return 0;
      if (errno != EINVAL || strcmp (path, "/") == 0)
        return kr_error_set (err, errno, "make the mount of %s %s", path,
                             flag == MS_SLAVE ? "slave" : "private");
      slash = strrchr (path, '/');
      slash[slash == path ? 1 : 0] = '\0';
    }
}

static int
open_rootfs (const char *rootfs, int *rootfd, kr_error **err)
{
  *rootfd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*rootfd < 0)
    return kr_error_set (err, errno, "open %s", rootfs);
  return 0;
}

/* Without a mount namespace of its own the container is in krill's (a type
 * not listed is the runtime's, config-linux.md): nothing of that namespace
 * is changed but the config's mounts, made below the rootfs where they are
 * the runtime's (as runc's; nothing unmounts them), and the root is a
 * chroot, as runc's: pivot_root would move every process of the host. */
int
kr_rootfs_mount_begin (const oci_config *cfg, const char *rootfs, int *rootfd, kr_error **err)
{
  unsigned long prop;

  if (rootfs == NULL || rootfs[0] != '/')
    return kr_error_set (err, EINVAL, "rootfs %s is not absolute",
                         rootfs ? rootfs : "(null)");
  if (!has_namespace (cfg, "mount"))
    return open_rootfs (rootfs, rootfd, err);
  if (root_propagation (cfg, &prop, err) < 0)
    return -1;
  /* unbindable (runbindable above all) would refuse the config's bind
   * mounts from the host: it goes on the new "/" after pivot only. */
  if (mount (NULL, "/", NULL, prop && !(prop & MS_UNBINDABLE) ? prop : MS_SLAVE | MS_REC, NULL) < 0)
    return kr_error_set (err, errno, "set the propagation of /");
  if (unshare_rootfs_parent (rootfs, prop, err) < 0)
    return -1;
  if (mount (rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return kr_error_set (err, errno, "bind %s onto itself", rootfs);
  return open_rootfs (rootfs, rootfd, err);
}

size_t
kr_rootfs_first_cgroup_mount (const oci_config *cfg)
{
  size_t i = 0;

  while (i < cfg->mounts_len && !kr_mount_is_cgroup (&cfg->mounts[i]))
    i++;
  return i;
}

int
kr_rootfs_mount_range (const oci_config *cfg, const char *rootfs, int rootfd,
                       const kr_cgroup_mount_plan *cg_plan, size_t from, size_t to,
                       kr_error **err)
{
  kr_mount_ctx ctx = {
    .rootfs = rootfs,
    .rootfd = rootfd,
    .userns = has_namespace (cfg, "user"),
    .cg_plan = cg_plan,
  };

  for (size_t i = from; i < to && i < cfg->mounts_len; i++)
    if (kr_mount_one (&ctx, &cfg->mounts[i], err) < 0)
      return -1;
  return 0;
}

int
kr_rootfs_mount_end (const oci_config *cfg, int rootfd, kr_error **err)
{
  const char *cwd = cfg->process ? cfg->process->cwd : NULL;

  if (kr_devices_needed (cfg)
      && kr_devices_setup (rootfd, cfg, has_namespace (cfg, "user"), err) < 0)
    return -1;
  /* A process.cwd the image lacks (a WORKDIR never made) is made, as runc
   * and crun do, inside the root and before it is made read-only. */
  if (cwd && *cwd)
    {
      _cleanup_close_ int fd = kr_fs_open_in_root (rootfd, cwd, O_PATH | O_DIRECTORY,
                                                   KR_FS_MKDIR, 0755, err);
      if (fd < 0)
        return kr_error_prefix (err, "process.cwd \"%s\"", cwd);
    }
  return 0;
}

int
kr_rootfs_pivot (const oci_config *cfg, const char *rootfs, bool no_pivot,
                 kr_error **err)
{
  _cleanup_close_ int rootfd = -1;

  rootfd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return kr_error_set (err, errno, "open %s", rootfs);
  if (!has_namespace (cfg, "mount"))
    {
      if (fchdir (rootfd) < 0 || chroot (".") < 0 || chdir ("/") < 0)
        return kr_error_set (err, errno, "chroot %s", rootfs);
    }
  else if (no_pivot ? kr_move_root (rootfs, rootfd, err) < 0
                    : kr_pivot_root (rootfd, err) < 0)
    return -1;
  if (kr_devices_needed (cfg) && kr_devices_reopen_null (err) < 0)
    return -1;
  return 0;
}

int
kr_rootfs_finalize (const oci_config *cfg, kr_error **err)
{
  const oci_linux *l = cfg->linux;
  unsigned long prop;

  for (size_t i = 0; i < cfg->mounts_len; i++)
    if (kr_mount_needs_late_ro (&cfg->mounts[i])
        && kr_make_readonly (cfg->mounts[i].destination, err) < 0)
      return -1;
  if (cfg->root && cfg->root->readonly && kr_make_readonly ("/", err) < 0)
    return kr_error_prefix (err, "root.readonly");
  if (l && kr_readonly_paths (l->readonly_paths, l->readonly_paths_len, err)
               < 0)
    return -1;
  if (l && kr_mask_paths (l->masked_paths, l->masked_paths_len, err) < 0)
    return -1;
  /* private and slave were applied before the rootfs bind; shared and
   * unbindable belong on the new "/" only (earlier they would reach the
   * host's root mount), and last: the read-only and masked paths above
   * clone mounts, which a recursively unbindable tree refuses. */
  if (root_propagation (cfg, &prop, err) < 0)
    return -1;
  if (prop && !(prop & (MS_PRIVATE | MS_SLAVE)) && mount (NULL, "/", NULL, prop, NULL) < 0)
    return kr_error_set (err, errno, "set the propagation of the new /");
  return 0;
}
