/* What is taken away from the container once it is in its root:
 * linux.maskedPaths, linux.readonlyPaths, root.readonly. Paths are resolved
 * in the (new) root with base/fs.c, so a symlink planted in the image cannot
 * redirect a mask to somewhere harmless or a read-only remount elsewhere. */
#ifndef KRILL_MASKS_H
#define KRILL_MASKS_H

#include <stddef.h>

#include "base/error.h"

/* Covers each of PATHS: a file with a bind of /dev/null, a directory with
 * an empty read-only tmpfs. Missing paths are skipped. */
int kr_mask_paths (char *const *paths, size_t n, kr_error **err);

/* Bind-mounts each of PATHS onto itself (with what is mounted below it) and
 * makes that top mount read-only, keeping its nosuid/nodev/noexec. Missing
 * paths are skipped. */
int kr_readonly_paths (char *const *paths, size_t n, kr_error **err);

/* Makes the mount at PATH (resolved in the root) read-only, nothing else
 * changed. Used for "/" (root.readonly) and for the tmpfs mounts that were
 * kept writable while /dev was populated. */
int kr_make_readonly (const char *path, kr_error **err);

#endif
