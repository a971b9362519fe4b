#define _GNU_SOURCE
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/cli.h"

int
cli_connect_console (const char *path, kr_error **err)
{
  return cli_connect_unix ("--console-socket", path, err);
}

int
cli_connect_unix (const char *flag, const char *path, kr_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  if (strlen (path) >= sizeof addr.sun_path)
    {
      kr_error_set (err, ENAMETOOLONG, "%s %s", flag, path);
      return -1;
    }
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      kr_error_set (err, errno, "%s: socket", flag);
      return -1;
    }
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      kr_error_set (err, errno, "%s: connect %s", flag, path);
      close (fd);
      return -1;
    }
  return fd;
}
