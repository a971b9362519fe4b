/* Terminals: the pty is made inside the container's devpts by init, its
 * master sent over the console socket (SCM_RIGHTS, as runc does). */
#ifndef KRILL_TERMINAL_H
#define KRILL_TERMINAL_H

#include <termios.h>

#include "base/error.h"
#include "ocispec.h"

/* In init, after pivot: the slave becomes stdio and controlling tty. */
int kr_terminal_setup (int console_fd, const oci_box *size, kr_error **err);
/* Raw mode on FD, the old settings kept in *saved; restore with tcsetattr. */
int kr_terminal_raw (int fd, struct termios *saved, kr_error **err);
/* Copies the window size of FROM onto the pty TO. */
void kr_terminal_copy_size (int from, int to);

#endif
