/* Making the rootfs the process's root. */
#ifndef KRILL_PIVOT_H
#define KRILL_PIVOT_H

#include "base/error.h"

/* pivot_root(".", ".") inside ROOTFD, then the old root (now stacked under
 * the new one) is made rslave -- so that detaching it cannot propagate to
 * the host -- and lazily unmounted. Ends with cwd "/". */
int kr_pivot_root (int rootfd, kr_error **err);

/* runc --no-pivot: hide the host's full procfs and sysfs mounts (the kernel
 * would otherwise allow a new procfs mount in the container because they
 * are visible), MS_MOVE the rootfs (ROOTFS, ROOTFD) onto "/" and chroot. */
int kr_move_root (const char *rootfs, int rootfd, kr_error **err);

#endif
