/* Terminals: the pty is made inside the container's devpts by init (or
 * exec's process), its master sent over the console socket (SCM_RIGHTS, as
 * runc does). */
#ifndef KRILL_TERMINAL_H
#define KRILL_TERMINAL_H

#include <termios.h>

#include "base/error.h"
#include "ocispec.h"

/* After pivot (or, for exec, in the container's root): a new pty pair of
 * the devpts at /dev/pts. The master is /dev/pts/ptmx, opened with no
 * symlink on the way (a symlinked /dev or /dev/pts is refused by name) and
 * checked to be devpts's ptmx; the container's end (*PEER) is asked of the
 * master (TIOCGPTPEER), never looked up by its /dev/pts/N name, and checked
 * with kr_terminal_check_peer. SIZE, when set, is its window size. */
int kr_terminal_open (const oci_box *size, int *master, int *peer, kr_error **err);
/* 0 when FD is a pty's slave end on a devpts file system (a char device of
 * a Unix98 pty slave major), else -1 saying what it is: what krill binds on
 * /dev/console or gives as stdio must be nothing else (CVE-2025-52565). */
int kr_terminal_check_peer (int fd, kr_error **err);
/* Sends MASTER over CONSOLE_FD, then PEER becomes the controlling tty and
 * stdio. */
int kr_terminal_attach (int console_fd, int master, int peer, kr_error **err);
/* open and attach, binding nothing: exec's process (runc binds
 * /dev/console for the container's init only). */
int kr_terminal_setup (int console_fd, const oci_box *size, kr_error **err);
/* Raw mode on FD, the old settings kept in *saved; restore with tcsetattr. */
int kr_terminal_raw (int fd, struct termios *saved, kr_error **err);
/* Copies the window size of FROM onto the pty TO. */
void kr_terminal_copy_size (int from, int to);

#endif
