#define _GNU_SOURCE
#include "process/terminal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/fdpass.h"
#include "base/util.h"

int
kr_terminal_setup (int console_fd, const oci_box *size, kr_error **err)
{
  _cleanup_close_ int master = -1, slave = -1;
  char name[64];

  master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return kr_error_set (err, errno, "open /dev/ptmx");
  if (unlockpt (master) < 0)
    return kr_error_set (err, errno, "unlockpt");
  if (ptsname_r (master, name, sizeof name) != 0)
    return kr_error_set (err, errno, "ptsname");
  slave = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return kr_error_set (err, errno, "open %s", name);
  if (size && (size->height || size->width))
    {
      struct winsize ws = { .ws_row = (unsigned short) size->height,
                            .ws_col = (unsigned short) size->width };
      if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
        return kr_error_set (err, errno, "set console size");
    }
  if (kr_send_fd (console_fd, master, err) < 0)
    return kr_error_prefix (err, "console socket");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return kr_error_set (err, errno, "set controlling terminal");
  for (int i = 0; i < 3; i++)
    if (dup2 (slave, i) < 0)
      return kr_error_set (err, errno, "dup2 terminal to %d", i);
  return 0;
}

int
kr_terminal_raw (int fd, struct termios *saved, kr_error **err)
{
  struct termios t;

  if (tcgetattr (fd, saved) < 0)
    return kr_error_set (err, errno, "tcgetattr");
  t = *saved;
  cfmakeraw (&t);
  t.c_oflag |= OPOST; /* keep output processing, as runc's raw mode does */
  if (tcsetattr (fd, TCSANOW, &t) < 0)
    return kr_error_set (err, errno, "tcsetattr");
  return 0;
}

void
kr_terminal_copy_size (int from, int to)
{
  struct winsize ws;
  if (ioctl (from, TIOCGWINSZ, &ws) == 0)
    ioctl (to, TIOCSWINSZ, &ws);
}
