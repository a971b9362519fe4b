/* The new mount API (open_tree, move_mount, fsopen, fsconfig, fsmount,
 * mount_setattr) and openat2, called through syscall(2): glibc gained the
 * wrappers only in 2.36 (openat2 not at all), and the kernel is what matters.
 * Constants are spelled out when the headers lack them. */
#ifndef KRILL_MOUNTAPI_H
#define KRILL_MOUNTAPI_H

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
# define SYS_openat2 437
#endif
#ifndef SYS_open_tree
# define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
# define SYS_move_mount 429
#endif
#ifndef SYS_fsopen
# define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
# define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
# define SYS_fsmount 432
#endif
#ifndef SYS_mount_setattr
# define SYS_mount_setattr 442
#endif

#ifndef AT_RECURSIVE
# define AT_RECURSIVE 0x8000
#endif
#ifndef OPEN_TREE_CLONE
# define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
# define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
# define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
# define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef FSOPEN_CLOEXEC
# define FSOPEN_CLOEXEC 0x00000001
#endif
#ifndef FSMOUNT_CLOEXEC
# define FSMOUNT_CLOEXEC 0x00000001
#endif
#ifndef FSCONFIG_SET_FLAG
# define FSCONFIG_SET_FLAG 0
# define FSCONFIG_SET_STRING 1
# define FSCONFIG_CMD_CREATE 6
#endif
#ifndef MOUNT_ATTR_RDONLY
# define MOUNT_ATTR_RDONLY 0x00000001
# define MOUNT_ATTR_NOSUID 0x00000002
# define MOUNT_ATTR_NODEV 0x00000004
# define MOUNT_ATTR_NOEXEC 0x00000008
# define MOUNT_ATTR__ATIME 0x00000070
# define MOUNT_ATTR_RELATIME 0x00000000
# define MOUNT_ATTR_NOATIME 0x00000010
# define MOUNT_ATTR_STRICTATIME 0x00000020
# define MOUNT_ATTR_NODIRATIME 0x00000080
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
# define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif
#ifndef MS_NOSYMFOLLOW
# define MS_NOSYMFOLLOW 256
#endif

/* Our own layout, so the code does not depend on which header defines it. */
struct kr_mount_attr
{
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

static inline int
kr_openat2 (int dirfd, const char *path, uint64_t flags, uint64_t mode,
            uint64_t resolve)
{
  struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
  return (int) syscall (SYS_openat2, dirfd, path, &how, sizeof how);
}

static inline int
kr_open_tree (int dirfd, const char *path, unsigned int flags)
{
  return (int) syscall (SYS_open_tree, dirfd, path, flags);
}

static inline int
kr_move_mount (int from_dirfd, const char *from_path, int to_dirfd,
               const char *to_path, unsigned int flags)
{
  return (int) syscall (SYS_move_mount, from_dirfd, from_path, to_dirfd,
                        to_path, flags);
}

static inline int
kr_fsopen (const char *fstype, unsigned int flags)
{
  return (int) syscall (SYS_fsopen, fstype, flags);
}

static inline int
kr_fsconfig (int fsfd, unsigned int cmd, const char *key, const void *value,
             int aux)
{
  return (int) syscall (SYS_fsconfig, fsfd, cmd, key, value, aux);
}

static inline int
kr_fsmount (int fsfd, unsigned int flags, unsigned int attr_flags)
{
  return (int) syscall (SYS_fsmount, fsfd, flags, attr_flags);
}

static inline int
kr_mount_setattr (int dirfd, const char *path, unsigned int flags,
                  const struct kr_mount_attr *attr)
{
  return (int) syscall (SYS_mount_setattr, dirfd, path, flags, attr,
                        sizeof *attr);
}

#endif
