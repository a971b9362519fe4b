/* The trusted procfs handle: /proc opened by krill before any container
 * code exists, checked to be the root of a procfs and, where the kernel
 * can, a private detached copy of that mount (nothing can be mounted on
 * it, by the container or anyone). Every use of /proc by krill's helpers
 * goes through it, each file opened beneath it without crossing a mount,
 * so a container cannot redirect them with its own mounts or symlinks
 * (CVE-2019-19921, CVE-2025-52881). */
#ifndef KRILL_PROCFS_H
#define KRILL_PROCFS_H

#include <sys/types.h>

#include "base/error.h"

#include <stdbool.h>

int kr_procfs_open (int *fd, kr_error **err);
/* FD is the root of a procfs, not a directory of one bind-mounted. */
bool kr_procfs_is_root (int fd);
/* The process's handle: the one given to kr_procfs_use, else one opened by
 * kr_procfs_open on first use and kept. Not to be closed by the caller. */
int kr_procfs_handle (kr_error **err);
/* Makes FD (from kr_procfs_open, still owned by the caller) the handle; -1:
 * none, and kr_procfs_handle fails from then on. A process that closes fds
 * wholesale or enters a container's root (init, exec's helper) says which
 * handle it keeps, first: one opened later by path could be the
 * container's. */
void kr_procfs_use (int fd);
/* <proc>/REL, opened with FLAGS beneath PROCFD: no mount crossed, no magic
 * link followed, and procfs at the end. */
int kr_procfs_openat (int procfd, const char *rel, int flags, kr_error **err);
/* <proc>/self/fd, the directory, for the fd links it holds (magic links:
 * the caller follows one name in it, crossing nothing on the way). */
int kr_procfs_fd_dir (int procfd, kr_error **err);
/* Writes DATA to <proc>/self/<NAME>. */
int kr_procfs_write_self (int procfd, const char *name, const char *data, kr_error **err);
/* <proc>/<PID> as a directory fd, checked through PIDFD to still be that
 * process's after the open (a pid is named once, never as a path again). */
int kr_procfs_open_pid (int procfd, pid_t pid, int pidfd, int *out, kr_error **err);
/* Writes DATA, in one write, to NAME under the directory DIRFD. */
int kr_procfs_write_at (int dirfd, const char *name, const char *data, kr_error **err);

#endif
