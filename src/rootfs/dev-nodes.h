/* The container's /dev: the default devices of config-linux.md (null, zero,
 * full, random, urandom, tty), every linux.devices entry, /dev/ptmx as a
 * symlink to pts/ptmx, and the /dev/fd, stdin, stdout, stderr (and core)
 * symlinks into /proc. */
#ifndef KRILL_DEVICES_H
#define KRILL_DEVICES_H

#include <stdbool.h>

#include "base/error.h"
#include "ocispec.h"

/* False when /dev is a bind mount from the host: then it is left alone,
 * as runc does. */
bool kr_devices_needed (const oci_config *cfg);

/* Creates the nodes and symlinks below ROOTFD (the rootfs, before
 * pivot_root). mknod refused with EPERM -- or a user namespace (USERNS) --
 * means bind-mounting the host's node of the same path instead. */
int kr_devices_setup (int rootfd, const oci_config *cfg, bool userns,
                      kr_error **err);

/* After pivot_root: stdin/stdout/stderr that are the host's /dev/null are
 * pointed at the container's, so that nothing keeps a host file open. */
int kr_devices_reopen_null (kr_error **err);

#endif
