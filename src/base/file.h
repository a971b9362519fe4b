/* Whole files written so that a reader never sees a part. */
#ifndef KRILL_FILE_H
#define KRILL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

/* Writes NAME under DIRFD (AT_FDCWD: NAME relative to the cwd) as a
 * temporary file of MODE beside it (NAME.krill-<random>, made with O_EXCL:
 * nothing already there is followed or written), fsync'd when DURABLE,
 * renamed over NAME: a reader sees the old file or the new one. The
 * temporary file is removed on failure. */
int kr_write_file_atomic (int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                          bool durable, kr_error **err);

#endif
