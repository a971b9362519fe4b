/* The entries of config.json "mounts", done one at a time inside the rootfs
 * before pivot_root. Every mount is built detached (fsopen/fsmount for a new
 * filesystem, open_tree(OPEN_TREE_CLONE) for a bind), gets its flags while
 * still invisible, and is attached with move_mount onto an fd that
 * base/fs.c resolved inside the rootfs: no path is looked up twice. */
#ifndef KRILL_MOUNTS_H
#define KRILL_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "rootfs/mountopts.h"
#include "cgroup/cgroup.h"
#include "ocispec.h"

typedef struct kr_mount_ctx
{
  const char *rootfs; /* canonical host path of the rootfs */
  int rootfd;         /* O_PATH fd on the rootfs (its self bind mount) */
  bool userns;        /* the container has its own user namespace */
  /* What a "cgroup" mount puts at its destination; NULL: such a mount
   * fails. */
  const kr_cgroup_mount_plan *cg_plan;
} kr_mount_ctx;

/* Mounts M inside the rootfs. A read-only tmpfs (and a read-only /dev) is
 * mounted writable so that it can be populated; kr_mount_needs_late_ro says
 * so and kr_rootfs_finalize makes it read-only. */
int kr_mount_one (kr_mount_ctx *ctx, const oci_mount *m, kr_error **err);

/* True when M is mounted writable now and must be made read-only later. */
bool kr_mount_needs_late_ro (const oci_mount *m);

/* A new, detached filesystem of TYPE: SOURCE (may be NULL), the MS_* FLAGS
 * (per-mount ones become mount attributes, sync/dirsync/mand/lazytime go to
 * the superblock) and DATA ("a=b,c"). Returns the fsmount(2) fd. */
int kr_mount_new_fs (const char *type, const char *source,
                     unsigned long flags, const char *data, kr_error **err);

/* Attaches the detached mount MNTFD onto DSTFD (SHOWN names it in errors),
 * then applies the recursive attributes and propagation changes of O (O may
 * be NULL). MNTFD refers to the attached mount afterwards. */
int kr_mount_attach (int mntfd, int dstfd, const kr_mount_opts *o,
                     const char *shown, kr_error **err);

/* Bind-mounts the host path SOURCE onto DSTFD with the flags of O (MS_REC in
 * o->flags makes it recursive). */
int kr_mount_bind (const char *source, int dstfd, const kr_mount_opts *o,
                   const char *shown, kr_error **err);

/* True when M is a "cgroup" mount (not a bind of one): it follows the plan. */
bool kr_mount_is_cgroup (const oci_mount *m);

/* ctx->cg_plan at M's destination (cgroup-mount.c). */
int kr_mount_cgroup (kr_mount_ctx *ctx, const oci_mount *m,
                     const kr_mount_opts *o, kr_error **err);

/* Opens (creating when missing: a directory, or an empty file when AS_FILE)
 * the mount destination DEST inside the rootfs and checks it: not the rootfs
 * itself, not below /proc except the files lxcfs emulates. *EXISTED tells
 * whether it was there before (may be NULL). */
int kr_mount_open_dest (kr_mount_ctx *ctx, const char *dest, const char *type,
                        bool is_bind, const char *source, bool as_file,
                        bool *existed, kr_error **err);

#endif
