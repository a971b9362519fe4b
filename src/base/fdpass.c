#define _GNU_SOURCE
#include "base/fdpass.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/socket.h>

/* A one-byte message with room for one fd in its control data: what both
 * ends hand to sendmsg/recvmsg. */
struct fd_msg
{
  char byte;
  struct iovec iov;
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg;
};

static void
fd_msg_init (struct fd_msg *m)
{
  memset (m, 0, sizeof *m);
  m->iov.iov_base = &m->byte;
  m->iov.iov_len = 1;
  m->msg.msg_iov = &m->iov;
  m->msg.msg_iovlen = 1;
  m->msg.msg_control = m->u.buf;
  m->msg.msg_controllen = sizeof m->u.buf;
}

int
kr_send_fd (int sock, int fd, kr_error **err)
{
  struct fd_msg m;
  struct cmsghdr *c;

  fd_msg_init (&m);
  c = CMSG_FIRSTHDR (&m.msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof fd);
  if (sendmsg (sock, &m.msg, MSG_NOSIGNAL) < 0)
    return kr_error_set (err, errno, "send fd");
  return 0;
}

int
kr_recv_fd (int sock, int *fd, kr_error **err)
{
  struct fd_msg m;
  struct cmsghdr *c;
  ssize_t n;

  fd_msg_init (&m);
  do
    n = recvmsg (sock, &m.msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return kr_error_set (err, errno, "receive fd");
  c = CMSG_FIRSTHDR (&m.msg);
  if (n == 0 || c == NULL || c->cmsg_type != SCM_RIGHTS)
    return kr_error_set (err, 0, "receive fd: no descriptor");
  memcpy (fd, CMSG_DATA (c), sizeof *fd);
  return 0;
}

int
kr_passed_fds_check (const char *flag, int first, int n, int end, kr_error **err)
{
  for (int i = 0; i < n; i++)
    {
      int fd = first + i;

      if (fd >= end || fcntl (fd, F_GETFD) < 0)
        return kr_error_set (err, EBADF, "%s: unable to stat preserved-fd %d (of %d), fd %d",
                             flag, i, n, fd);
    }
  return 0;
}

static int
cmp_int (const void *a, const void *b)
{
  return *(const int *) a - *(const int *) b;
}

int
kr_close_fds_except (int from, int *keep, size_t n, kr_error **err)
{
  unsigned int next = (unsigned int) from;

  qsort (keep, n, sizeof *keep, cmp_int);
  for (size_t i = 0; i < n; i++)
    {
      if (keep[i] < 0 || (unsigned int) keep[i] < next)
        continue;
      if ((unsigned int) keep[i] > next
          && syscall (SYS_close_range, next, (unsigned int) keep[i] - 1, 0) < 0)
        return kr_error_set (err, errno, "close_range");
      next = (unsigned int) keep[i] + 1;
    }
  if (syscall (SYS_close_range, next, ~0U, 0) < 0)
    return kr_error_set (err, errno, "close_range");
  return 0;
}
