/* Paths inside the container's rootfs, resolved through file descriptors.
 *
 * Every path the config names inside the rootfs goes through here. The kernel
 * resolves it with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) from an fd
 * on the rootfs, so "..", absolute symlinks and relative symlinks all stay
 * below that fd (a rootfs symlink "etc2 -> /etc" means rootfs/etc, never the
 * host's), and /proc magic links are refused. Missing components are created
 * one at a time relative to the already-resolved parent fd, and the new entry
 * is re-opened without following symlinks, so a racing rename or symlink swap
 * makes the call fail instead of escaping. */
#ifndef KRILL_FS_H
#define KRILL_FS_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"

typedef enum kr_fs_create
{
  KR_FS_EXISTING, /* a missing component is an error (errnum ENOENT) */
  KR_FS_MKDIR,    /* missing components become directories (0755) */
  KR_FS_MKFILE,   /* missing parents become directories, the last component
                   * an empty regular file of the given mode */
} kr_fs_create;

/* Opens PATH below ROOTFD as if ROOTFD were "/" (a leading "/" is allowed and
 * means ROOTFD). FLAGS are open(2) flags for the final component (O_PATH for
 * a handle to mount on); O_CLOEXEC is always added. CREATE says what to do
 * about missing components, MODE is the mode of a created file. Returns the
 * fd, or -1 with *err set; (*err)->errnum is ENOENT when the path is missing
 * and CREATE is KR_FS_EXISTING, so callers can skip optional paths. */
int kr_fs_open_in_root (int rootfd, const char *path, int flags,
                        kr_fs_create create, mode_t mode, kr_error **err);

/* Opens the directory that contains PATH (below ROOTFD, created when MKDIRS)
 * as an O_PATH fd and returns the last component in *NAME (malloc'd). The
 * caller then works with *at() calls on (fd, *NAME). PATH must not be "/". */
int kr_fs_open_parent_in_root (int rootfd, const char *path, bool mkdirs,
                               char **name, kr_error **err);

/* Creates the symlink PATH -> TARGET below ROOTFD (parents created). TARGET
 * is stored verbatim. An existing PATH fails with errnum EEXIST. */
int kr_fs_symlink_in_root (int rootfd, const char *target, const char *path,
                           kr_error **err);

/* Opens NAME, one component, below DIRFD without following a symlink and
 * without leaving DIRFD (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, plus
 * RESOLVE: e.g. RESOLVE_NO_XDEV). For the fixed paths krill itself uses
 * inside the container (/dev/pts/ptmx, /dev/console), where a symlink put
 * there by the image is refused rather than resolved. SHOWN is the path in
 * the errors: "SHOWN is a symlink: refused" (errnum ELOOP), or "open
 * SHOWN" with the errno (ENOENT when missing). */
int kr_fs_open_step (int dirfd, const char *name, int flags, unsigned long long resolve,
                     const char *shown, kr_error **err);

/* The current root's /dev (O_PATH), neither it nor /dev a symlink: where
 * krill's fixed /dev paths start (kr_fs_open_step). */
int kr_fs_open_dev (kr_error **err);

/* Returns a malloc'd, lexically clean absolute form of PATH: one "/" between
 * components, no "." and no ".." (".." at the top stays at "/"). NULL only on
 * out of memory. */
char *kr_fs_clean_path (const char *path);

/* What the kernel says FD is (readlink of /proc/self/fd/N), malloc'd in
 * *OUT. Needs a procfs at /proc; used for checks and error messages. */
int kr_fs_fd_path (int fd, char **out, kr_error **err);

/* The whole file NAME under DIRFD (AT_FDCWD: a path), NUL-terminated and
 * malloc'd in *OUT; its length in *LENP unless LENP is NULL.  For the small
 * files of the state dir, cgroupfs and sysfs. */
int kr_fs_read_file (int dirfd, const char *name, char **out, size_t *lenp, kr_error **err);
/* The same, reading at most MAX + 1 bytes: a length over MAX says the file
 * is larger than the caller takes, without reading all of it. */
int kr_fs_read_file_max (int dirfd, const char *name, size_t max, char **out, size_t *lenp,
                         kr_error **err);

#endif
