/* The final execve of the container's process, done by the exec stub
 * (exec-stub.c) so that krill's binary is never what the container's
 * /proc/self/exe is at that instant (CVE-2019-5736). */
#ifndef KRILL_EXEC_FINAL_H
#define KRILL_EXEC_FINAL_H

#include "base/error.h"

/* The stub in a new sealed memfd (close-on-exec, read and execute only),
 * at an fd number not below MIN_FD (the preserved fds stay the caller's);
 * *FD -1 where krill has no stub for the architecture (the process then
 * execs its program itself, as before the stub). */
int kr_exec_stub_open (int min_fd, int *fd, kr_error **err);

#endif
