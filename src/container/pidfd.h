/* A container's init is addressed by pidfd, opened from the recorded pid and
 * then checked against the recorded start time: a pid the kernel reused for
 * another process is never signalled. */
#ifndef KRILL_PIDFD_H
#define KRILL_PIDFD_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "container/state.h"

/* -1 with *err when the process is gone (or is not the container's). */
int kr_pidfd_open_init (const kr_state *st, int *pidfd, kr_error **err);
int kr_pidfd_signal (int pidfd, int signum, kr_error **err);
/* Waits up to TIMEOUT_MS for the process to exit; true when it did. */
bool kr_pidfd_wait_exit (int pidfd, int timeout_ms);

#endif
