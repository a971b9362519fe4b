/* Passing fds. One descriptor over a unix socket (SCM_RIGHTS): the pty
 * master to the console socket, a pidfd to --pidfd-socket, the master back
 * to run/exec. The caller's fds to the container by number, and closing
 * every other fd before the container can reach a process. */
#ifndef KRILL_FDPASS_H
#define KRILL_FDPASS_H

#include <stddef.h>

#include "base/error.h"

int kr_send_fd (int sock, int fd, kr_error **err);
/* The received fd is close-on-exec. */
int kr_recv_fd (int sock, int *fd, kr_error **err);

/* Fds the caller hands to the container by number (--preserve-fds N,
 * LISTEN_FDS=N): FIRST..FIRST+N-1 must each be open, and below END, the
 * first fd the caller had not left open when krill started (INT_MAX when
 * unknown: a library caller's fds are its own). Else an error naming FLAG
 * and the fd, in runc's words. Checked before krill opens anything it
 * keeps, every fd krill opens afterwards takes a number above the range: a
 * number in it is the caller's, never krill's. */
int kr_passed_fds_check (const char *flag, int first, int n, int end, kr_error **err);

/* Closes every fd from FROM up but the N in KEEP (-1 entries ignored;
 * KEEP is sorted in place). */
int kr_close_fds_except (int from, int *keep, size_t n, kr_error **err);

#endif
