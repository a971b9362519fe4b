/* A "cgroup" mount: the container sees its own cgroups at the destination,
 * as the plan the cgroup code made (kr_cgroup_mount_plan) says: one new
 * filesystem, or a tmpfs (nosuid,nodev,noexec,mode=755) holding one
 * directory per entry -- a fresh mount or a bind of a host directory --
 * and the symlinks of the plan. */
#define _GNU_SOURCE
#include "rootfs/mounts.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fs.h"
#include "base/mountapi.h"
#include "base/util.h"

#define CGROUP_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static int
mount_entry (kr_mount_ctx *ctx, const kr_cgroup_mount_entry *e, const char *dest,
             const kr_mount_opts *o, kr_error **err)
{
  _cleanup_free_ char *sub = NULL;
  _cleanup_close_ int dst = -1;
  _cleanup_close_ int mnt = -1;
  kr_mount_opts bind = *o;

  if (asprintf (&sub, "%s/%s", dest, e->name) < 0)
    return kr_error_set (err, ENOMEM, "cgroup");
  dst = kr_fs_open_in_root (ctx->rootfd, sub, O_PATH, KR_FS_MKDIR, 0, err);
  if (dst < 0)
    return -1;
  if (e->fstype)
    {
      mnt = kr_mount_new_fs (e->fstype, e->source, CGROUP_FLAGS | (o->flags & MS_RDONLY),
                             e->options, err);
      if (mnt < 0)
        return -1;
      return kr_mount_attach (mnt, dst, o, sub, err);
    }
  bind.flags |= MS_BIND | MS_REC;
  return kr_mount_bind (e->bind, dst, &bind, sub, err);
}

static int
mount_tmpfs (kr_mount_ctx *ctx, const oci_mount *m, const kr_mount_opts *o, kr_error **err)
{
  const kr_cgroup_mount_plan *p = ctx->cg_plan;
  _cleanup_close_ int dst = -1;
  _cleanup_close_ int mnt = -1;

  dst = kr_mount_open_dest (ctx, m->destination, "tmpfs", false, NULL, false, NULL, err);
  if (dst < 0)
    return -1;
  mnt = kr_mount_new_fs ("tmpfs", "tmpfs", CGROUP_FLAGS, "mode=755", err);
  if (mnt < 0 || kr_mount_attach (mnt, dst, o, m->destination, err) < 0)
    return -1;
  for (size_t i = 0; i < p->n_entries; i++)
    if (mount_entry (ctx, &p->entries[i], m->destination, o, err) < 0)
      return -1;
  for (size_t i = 0; i < p->n_links; i++)
    {
      _cleanup_free_ char *link = NULL;
      _cleanup_error_ kr_error *local = NULL;

      if (asprintf (&link, "%s/%s", m->destination, p->links[i].name) < 0)
        return kr_error_set (err, ENOMEM, "cgroup");
      if (kr_fs_symlink_in_root (ctx->rootfd, p->links[i].target, link, &local) < 0
          && local->errnum != EEXIST)
        return kr_error_set (err, local->errnum, "%s", local->msg);
    }
  return 0;
}

static int
mount_fs (kr_mount_ctx *ctx, const oci_mount *m, const kr_mount_opts *o, kr_error **err)
{
  const kr_cgroup_mount_plan *p = ctx->cg_plan;
  _cleanup_close_ int dst = -1;
  _cleanup_close_ int mnt = -1;
  _cleanup_error_ kr_error *local = NULL;
  kr_mount_opts bind = *o;

  dst = kr_mount_open_dest (ctx, m->destination, p->fstype, false, NULL, false, NULL, err);
  if (dst < 0)
    return -1;
  mnt = kr_mount_new_fs (p->fstype, m->source, o->flags, o->data, &local);
  if (mnt >= 0)
    return kr_mount_attach (mnt, dst, o, m->destination, err);
  /* Without a cgroup namespace of its own (or inside a user namespace) the
   * kernel refuses a new mount; bind the host's instead. */
  if (local->errnum != EPERM && local->errnum != EBUSY)
    return kr_error_set (err, local->errnum, "%s", local->msg);
  bind.flags |= MS_BIND;
  return kr_mount_bind (p->fallback_bind, dst, &bind, m->destination, err);
}

int
kr_mount_cgroup (kr_mount_ctx *ctx, const oci_mount *m, const kr_mount_opts *o, kr_error **err)
{
  if (ctx->cg_plan == NULL)
    return kr_error_set (err, EINVAL, "no cgroup mount plan");
  if (ctx->cg_plan->fstype)
    return mount_fs (ctx, m, o, err);
  return mount_tmpfs (ctx, m, o, err);
}
