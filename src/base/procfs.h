/* The trusted procfs handle: /proc opened by krill before any container
 * code exists, checked to be procfs. Writes to /proc go through it, so a
 * container cannot redirect them with its own mounts or symlinks. */
#ifndef KRILL_PROCFS_H
#define KRILL_PROCFS_H

#include <sys/types.h>

#include "base/error.h"

int kr_procfs_open (int *fd, kr_error **err);
/* Writes DATA to <proc>/self/<NAME>. */
int kr_procfs_write_self (int procfd, const char *name, const char *data, kr_error **err);
/* <proc>/<PID> as a directory fd, checked through PIDFD to still be that
 * process's after the open (a pid is named once, never as a path again). */
int kr_procfs_open_pid (int procfd, pid_t pid, int pidfd, int *out, kr_error **err);
/* Writes DATA, in one write, to NAME under the directory DIRFD. */
int kr_procfs_write_at (int dirfd, const char *name, const char *data, kr_error **err);

#endif
