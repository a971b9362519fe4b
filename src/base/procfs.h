/* The trusted procfs handle: /proc opened by krill before any container
 * code exists, checked to be procfs. Writes to /proc go through it, so a
 * container cannot redirect them with its own mounts or symlinks. */
#ifndef KRILL_PROCFS_H
#define KRILL_PROCFS_H

#include "base/error.h"

int kr_procfs_open (int *fd, kr_error **err);
/* Writes DATA to <proc>/self/<NAME>. */
int kr_procfs_write_self (int procfd, const char *name, const char *data, kr_error **err);

#endif
