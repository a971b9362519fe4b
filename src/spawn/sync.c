#define _GNU_SOURCE
#include "spawn/sync.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
kr_sync_send (int fd, enum kr_sync_type type, kr_error **err)
{
  return kr_sync_send_value (fd, type, 0, err);
}

int
kr_sync_send_value (int fd, enum kr_sync_type type, int32_t value, kr_error **err)
{
  kr_sync_msg m = { .type = type, .errnum = value };
  ssize_t n;

  do
    n = send (fd, &m, offsetof (kr_sync_msg, text), MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return kr_error_set (err, errno, "sync send");
  return 0;
}

int
kr_sync_send_error (int fd, const kr_error *e)
{
  kr_sync_msg m = { .type = KR_SYNC_ERROR, .errnum = e ? e->errnum : 0 };
  size_t len;

  snprintf (m.text, sizeof m.text, "%s", e && e->msg ? e->msg : "unknown error");
  len = offsetof (kr_sync_msg, text) + strlen (m.text) + 1;
  return send (fd, &m, len, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int
kr_sync_recv (int fd, kr_sync_msg *m, kr_error **err)
{
  ssize_t n;

  memset (m, 0, sizeof *m);
  do
    n = recv (fd, m, sizeof *m - 1, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return kr_error_set (err, errno, "sync receive");
  if (n == 0)
    return 0;
  if ((size_t) n < offsetof (kr_sync_msg, text))
    return kr_error_set (err, 0, "sync: short message");
  if (m->type == KR_SYNC_ERROR)
    {
      m->text[sizeof m->text - 1] = '\0';
      return kr_error_take (err, m->errnum, strdup (m->text));
    }
  if (m->type == KR_SYNC_EXEC_FAILED)
    {
      m->text[sizeof m->text - 1] = '\0';
      return kr_error_exec (err, m->errnum, m->text);
    }
  return 1;
}

int
kr_sync_wait (int fd, enum kr_sync_type want, kr_error **err)
{
  kr_sync_msg m;
  int r = kr_sync_recv (fd, &m, err);

  if (r < 0)
    return -1;
  if (r == 0)
    return kr_error_set (err, 0, "container init exited before it was ready");
  if (m.type != (uint32_t) want)
    return kr_error_set (err, 0, "sync: expected message %d, got %u", want, m.type);
  return 0;
}
