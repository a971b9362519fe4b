/* /dev/console as config-linux.md says: with process.terminal, the
 * container's pty bind-mounted there. */
#ifndef KRILL_CONSOLE_H
#define KRILL_CONSOLE_H

#include "base/error.h"

/* After pivot_root, before the rootfs is finalized: PEER, the container's
 * end of the pty (kr_terminal_open), is checked again and bind-mounted by
 * its fd on /dev/console. /dev/console is made an empty file (0666, as
 * runc) when missing; a symlink at /dev or /dev/console is refused by name,
 * before anything is made. */
int kr_rootfs_bind_console (int peer, kr_error **err);

#endif
