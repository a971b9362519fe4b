/* tmpcopyup: a tmpfs mounted over a directory of the image starts with a
 * copy of what that directory held (Podman puts it on its tmpfs mounts). */
#ifndef KRILL_COPYUP_H
#define KRILL_COPYUP_H

#include "base/error.h"

/* Copies the tree under SRC into DST (both directory fds, O_PATH is fine):
 * directories, regular files, symlinks, fifos and device nodes, with their
 * modes and owners. Nothing is followed: a symlink is copied as a symlink. */
int kr_copy_tree (int src, int dst, kr_error **err);

#endif
