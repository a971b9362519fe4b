#define _GNU_SOURCE
#include "process/terminal.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/fdpass.h"
#include "base/fs.h"
#include "base/mountapi.h"
#include "base/util.h"

/* From <linux/major.h> and devpts: the ptmx device, and the majors of
 * Unix98 pty slaves (UNIX98_PTY_SLAVE_MAJOR, UNIX98_PTY_MAJOR_COUNT). */
#define PTMX_MAJOR 5
#define PTMX_MINOR 2
#define PTY_SLAVE_MAJOR 136
#define PTY_SLAVE_MAJORS 8
#ifndef DEVPTS_SUPER_MAGIC
# define DEVPTS_SUPER_MAGIC 0x1cd1
#endif
#ifndef TIOCGPTPEER
# define TIOCGPTPEER _IO ('T', 0x41)
#endif

static bool
on_devpts (int fd)
{
  struct statfs sfs;

  return fstatfs (fd, &sfs) == 0 && sfs.f_type == DEVPTS_SUPER_MAGIC;
}

int
kr_terminal_check_peer (int fd, kr_error **err)
{
  struct stat st;

  if (fstat (fd, &st) < 0)
    return kr_error_set (err, errno, "stat the pty");
  if (!on_devpts (fd))
    return kr_error_set (err, EPERM, "the pty is not on a devpts file system");
  if (!S_ISCHR (st.st_mode) || major (st.st_rdev) < PTY_SLAVE_MAJOR
      || major (st.st_rdev) >= PTY_SLAVE_MAJOR + PTY_SLAVE_MAJORS)
    return kr_error_set (err, EPERM, "the pty is not a pty (mode %o, device %u:%u)",
                         (unsigned) st.st_mode, major (st.st_rdev), minor (st.st_rdev));
  return 0;
}

/* /dev/pts/ptmx, one component at a time and no symlink anywhere: not
 * /dev/ptmx, which a bind-mounted /dev need not have and an image could
 * make anything. The last step stays on the devpts mount (RESOLVE_NO_XDEV),
 * so nothing mounted over ptmx is opened either: what it opens is a devpts
 * node (ptmx or a pty, harmless to open with O_NOCTTY), checked after. */
static int
open_ptmx (kr_error **err)
{
  _cleanup_close_ int dev = -1, pts = -1, ptmx = -1;
  struct stat st;

  dev = kr_fs_open_dev (err);
  if (dev < 0)
    return -1;
  pts = kr_fs_open_step (dev, "pts", O_PATH | O_DIRECTORY, 0, "/dev/pts", err);
  if (pts < 0)
    return -1;
  if (!on_devpts (pts))
    return kr_error_set (err, EPERM, "/dev/pts is not a devpts mount");
  ptmx = kr_fs_open_step (pts, "ptmx", O_RDWR | O_NOCTTY, RESOLVE_NO_XDEV, "/dev/pts/ptmx",
                          err);
  if (ptmx < 0)
    return -1;
  if (fstat (ptmx, &st) < 0)
    return kr_error_set (err, errno, "stat /dev/pts/ptmx");
  if (!S_ISCHR (st.st_mode) || st.st_rdev != makedev (PTMX_MAJOR, PTMX_MINOR))
    return kr_error_set (err, EPERM, "/dev/pts/ptmx is not the ptmx device");
  return TAKE_FD (ptmx);
}

int
kr_terminal_open (const oci_box *size, int *master_out, int *peer_out, kr_error **err)
{
  _cleanup_close_ int master = -1, peer = -1;

  master = open_ptmx (err);
  if (master < 0)
    return -1;
  if (unlockpt (master) < 0)
    return kr_error_set (err, errno, "unlockpt");
  /* The pty of this master, whatever a name in /dev/pts leads to. Every
   * kernel krill runs on has it (4.13; openat2 needs 5.6). */
  peer = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0)
    return kr_error_set (err, errno, "open the pty of the master (TIOCGPTPEER)");
  if (kr_terminal_check_peer (peer, err) < 0)
    return -1;
  if (size && (size->height || size->width))
    {
      struct winsize ws = { .ws_row = (unsigned short) size->height,
                            .ws_col = (unsigned short) size->width };
      if (ioctl (peer, TIOCSWINSZ, &ws) < 0)
        return kr_error_set (err, errno, "set console size");
    }
  *master_out = TAKE_FD (master);
  *peer_out = TAKE_FD (peer);
  return 0;
}

int
kr_terminal_attach (int console_fd, int master, int peer, kr_error **err)
{
  if (kr_send_fd (console_fd, master, err) < 0)
    return kr_error_prefix (err, "console socket");
  if (ioctl (peer, TIOCSCTTY, 0) < 0)
    return kr_error_set (err, errno, "set controlling terminal");
  for (int i = 0; i < 3; i++)
    if (dup2 (peer, i) < 0)
      return kr_error_set (err, errno, "dup2 terminal to %d", i);
  return 0;
}

int
kr_terminal_setup (int console_fd, const oci_box *size, kr_error **err)
{
  _cleanup_close_ int master = -1, peer = -1;

  if (kr_terminal_open (size, &master, &peer, err) < 0)
    return -1;
  return kr_terminal_attach (console_fd, master, peer, err);
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
