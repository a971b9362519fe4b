/* The container's filesystem view: everything the container's init does in
 * its new mount namespace between "child started" and "user process".
 *
 * Call in the init, after it is in its new mount namespace (CLONE_NEWNS
 * done) and, when it has them, its pid, cgroup and user namespaces (a fresh
 * /proc needs the pid namespace). cwd and root are still the
 * host's; relative bind sources are resolved against cwd (the bundle). The
 * process must be single-threaded (umask and cwd are changed). */
#ifndef KRILL_ROOTFS_H
#define KRILL_ROOTFS_H

#include <stdbool.h>

#include "base/error.h"
#include "cgroup/cgroup.h"
#include "ocispec.h"

/* Three steps, in order (init runs hooks, names and the terminal between
 * them). ROOTFS is the absolute, canonical host path of root.path. */

/* 1. Stops the host's mounts from propagating into ours ("/" rslave, or
 * linux.rootfsPropagation), bind-mounts ROOTFS onto itself, does every
 * entry of "mounts" in order, and populates /dev (unless it is a bind).
 * The createContainer hooks run after this, in the old root.  A "cgroup"
 * mount puts CG_PLAN at its destination (NULL: it fails).  In steps, so
 * that init can wait for its cgroup between two mounts: */
/* 1a. The propagation and the self bind; *ROOTFD: an O_PATH fd on it. */
int kr_rootfs_mount_begin (const oci_config *cfg, const char *rootfs, int *rootfd,
                           kr_error **err);
/* The index of CFG's first "cgroup" mount; mounts_len when it has none. */
size_t kr_rootfs_first_cgroup_mount (const oci_config *cfg);
/* 1b. The mounts [FROM, TO) of CFG, in order. */
int kr_rootfs_mount_range (const oci_config *cfg, const char *rootfs, int rootfd,
                           const kr_cgroup_mount_plan *cg_plan, size_t from, size_t to,
                           kr_error **err);
/* 1c. /dev populated, a missing process.cwd made (0755). */
int kr_rootfs_mount_end (const oci_config *cfg, int rootfd, kr_error **err);

/* 2. pivot_root (or MS_MOVE + chroot when NO_PIVOT, runc's --no-pivot),
 * and stdio that was the host's /dev/null reopened; then root is the container's rootfs and cwd "/".
 * Hostname, sysctls and the terminal go after this, while /proc/sys and
 * /dev are still writable (the pty is opened from the container's
 * /dev/pts/ptmx, bound on /dev/console (console.h) and becomes stdio). */
int kr_rootfs_pivot (const oci_config *cfg, const char *rootfs, bool no_pivot,
                     kr_error **err);

/* 3. Read-only tmpfs and /dev mounts made read-only, root.readonly,
 * linux.readonlyPaths, linux.maskedPaths (runc's order), then a shared or
 * unbindable linux.rootfsPropagation on "/". */
int kr_rootfs_finalize (const oci_config *cfg, kr_error **err);

#endif
