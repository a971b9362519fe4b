/* The parent/child protocol of create: typed messages over one
 * SOCK_SEQPACKET socketpair. The child waits for GO (a user namespace's id
 * maps are written by the parent before it), and for CGROUP before it
 * enters its cgroup (the parent makes the rest of the cgroup and applies
 * the limits meanwhile; a "cgroup" mount whose plan needs them waits for it
 * too), then answers READY when init waits for `start`, or ERROR. */
#ifndef KRILL_SYNC_H
#define KRILL_SYNC_H

#include <stdint.h>

#include "base/error.h"

enum kr_sync_type
{
  KR_SYNC_GO = 1,
  KR_SYNC_READY,
  KR_SYNC_ERROR,
  /* init, its mounts done, before pivot_root: run prestart and
   * createRuntime now; the parent answers HOOKS_DONE. */
  KR_SYNC_HOOKS,
  KR_SYNC_HOOKS_DONE,
  KR_SYNC_PID, /* exec: the helper tells the pid of the process it cloned */
  /* create: the cgroup is made and set up; init may enter it. */
  KR_SYNC_CGROUP,
  /* exec: the exec stub's execve failed; text: the path, errnum: errno.
   * Received as the ERROR "exec "PATH": strerror" (the stub has no libc). */
  KR_SYNC_EXEC_FAILED,
};

typedef struct kr_sync_msg
{
  uint32_t type;
  int32_t errnum; /* ERROR: the errno; other types: their value (a pid) */
  char text[4000];
} kr_sync_msg;

int kr_sync_send (int fd, enum kr_sync_type type, kr_error **err);
int kr_sync_send_error (int fd, const kr_error *e);
/* Waits for WANT; an ERROR from the peer becomes *err; EOF means the peer
 * died ("init exited before it was ready"). */
int kr_sync_wait (int fd, enum kr_sync_type want, kr_error **err);

/* A message carrying VALUE (in errnum). */
int kr_sync_send_value (int fd, enum kr_sync_type type, int32_t value, kr_error **err);
/* The next message into *M: 1, or 0 at EOF; an ERROR or EXEC_FAILED from
 * the peer becomes *err and -1. */
int kr_sync_recv (int fd, kr_sync_msg *m, kr_error **err);

#endif
