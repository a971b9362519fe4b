/* One descriptor over a unix socket (SCM_RIGHTS): the pty master to the
 * console socket, a pidfd to --pidfd-socket, the master back to run/exec. */
#ifndef KRILL_FDPASS_H
#define KRILL_FDPASS_H

#include "base/error.h"

int kr_send_fd (int sock, int fd, kr_error **err);
/* The received fd is close-on-exec. */
int kr_recv_fd (int sock, int *fd, kr_error **err);

#endif
