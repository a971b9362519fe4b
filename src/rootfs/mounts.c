#define _GNU_SOURCE
#include "rootfs/mounts.h"

#include "rootfs/copyup.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/mountapi.h"
#include "base/util.h"

/* Per-mount MS_* bits; everything else in the flags is about the superblock
 * or the operation. */
#define MNT_BITS                                                              \
  (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NODIRATIME              \
   | MS_NOSYMFOLLOW)
#define ATIME_BITS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

/* Below /proc only what lxcfs emulates may be covered (runc's list): a
 * mount elsewhere in /proc could hide what maskedPaths protects, or fake
 * what the container's tools trust. */
static const char *const proc_allowed[] = {
  "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",
  "/proc/stat",    "/proc/swaps",     "/proc/uptime",
  "/proc/loadavg", "/proc/slabinfo",  "/proc/sys/kernel/ns_last_pid",
  "/proc/sys/crypto/fips_enabled",
};

/* Where DSTFD really is, as a path inside the rootfs, and whether a mount
 * may go there. */
static int
check_dest (kr_mount_ctx *ctx, int dstfd, const char *dest, const char *type,
            bool is_bind, const char *source, kr_error **err)
{
  _cleanup_free_ char *full = NULL;
  size_t n = strlen (ctx->rootfs);
  const char *rel;

  if (kr_fs_fd_path (dstfd, &full, err) < 0)
    return -1;
  if (strcmp (ctx->rootfs, "/") == 0)
    rel = full;
  else if (strncmp (full, ctx->rootfs, n) == 0
           && (full[n] == '/' || full[n] == '\0'))
    rel = full[n] ? full + n : "/";
  else
    return kr_error_set (err, EXDEV, "%s resolved to %s, outside the rootfs",
                         dest, full);

  if (strcmp (rel, "/") == 0)
    return kr_error_set (err, EINVAL, "%s is the rootfs itself", dest);
  if (strcmp (rel, "/proc") == 0)
    {
      struct statfs st;

      if (!is_bind && strcmp (type, "proc") == 0)
        return 0;
      if (is_bind && statfs (source, &st) == 0
          && st.f_type == PROC_SUPER_MAGIC)
        return 0;
      return kr_error_set (err, EPERM, "%s: only a procfs may go on /proc",
                           dest);
    }
  if (strncmp (rel, "/proc/", 6) == 0)
    {
      for (size_t i = 0; i < ARRAY_SIZE (proc_allowed); i++)
        if (strcmp (rel, proc_allowed[i]) == 0)
          return 0;
      return kr_error_set (err, EPERM, "%s: cannot mount over %s inside /proc",
                           dest, rel);
    }
  return 0;
}

/* proc and sysfs go on an ordinary directory: if the last component is a
 * symlink (the /proc-via-symlink attacks), refuse instead of following. */
static int
check_plain_dir (kr_mount_ctx *ctx, const char *dest, kr_error **err)
{
  _cleanup_free_ char *name = NULL;
  _cleanup_close_ int dirfd = -1;
  struct stat st;

  dirfd = kr_fs_open_parent_in_root (ctx->rootfd, dest, true, &name, err);
  if (dirfd < 0)
    return -1;
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return kr_error_set (err, errno, "stat %s", dest);
    }
  if (!S_ISDIR (st.st_mode))
    return kr_error_set (err, ENOTDIR, "%s must be an ordinary directory",
                         dest);
  return 0;
}

int
kr_mount_open_dest (kr_mount_ctx *ctx, const char *dest, const char *type,
                    bool is_bind, const char *source, bool as_file,
                    bool *existed, kr_error **err)
{
  _cleanup_error_ kr_error *local = NULL;
  _cleanup_close_ int fd = -1;
  bool plain = !is_bind && type != NULL
               && (strcmp (type, "proc") == 0 || strcmp (type, "sysfs") == 0);

  if (plain && check_plain_dir (ctx, dest, err) < 0)
    return -1;
  if (existed)
    *existed = true;
  fd = kr_fs_open_in_root (ctx->rootfd, dest, O_PATH, KR_FS_EXISTING, 0,
                           &local);
  if (fd < 0)
    {
      if (local == NULL || local->errnum != ENOENT)
        return kr_error_move (err, &local);
      if (existed)
        *existed = false;
      fd = kr_fs_open_in_root (ctx->rootfd, dest, O_PATH,
                               as_file ? KR_FS_MKFILE : KR_FS_MKDIR, 0644,
                               err);
      if (fd < 0)
        return -1;
    }
  if (check_dest (ctx, fd, dest, type ? type : "bind", is_bind, source, err)
      < 0)
    return -1;
  return TAKE_FD (fd);
}

/* fsconfig(2) explains a refusal in the context's log; "e tmpfs: Bad value
 * for 'size'" says more than EINVAL. */
static int
fs_error (int fsfd, int errnum, kr_error **err, const char *what,
          const char *type)
{
  char buf[256] = "";
  char last[256] = "";
  ssize_t n;

  while ((n = read (fsfd, buf, sizeof buf - 1)) > 0)
    {
      buf[n] = '\0';
      if (n > 2 && (buf[0] == 'e' || buf[0] == 'w') && buf[1] == ' ')
        snprintf (last, sizeof last, "%s", buf + 2);
    }
  if (last[0])
    return kr_error_set (err, errnum, "%s %s (%s)", what, type, last);
  return kr_error_set (err, errnum, "%s %s", what, type);
}

static const struct
{
  unsigned long flag;
  const char *key;
} sb_flags[] = {
  { MS_SYNCHRONOUS, "sync" },
  { MS_DIRSYNC, "dirsync" },
  { MS_MANDLOCK, "mand" },
  { MS_LAZYTIME, "lazytime" },
};

int
kr_mount_new_fs (const char *type, const char *source, unsigned long flags,
                 const char *data, kr_error **err)
{
  _cleanup_close_ int fsfd = -1;
  _cleanup_free_ char *copy = NULL;
  char *opt, *save = NULL;
  int mntfd;

  fsfd = kr_fsopen (type, FSOPEN_CLOEXEC);
  if (fsfd < 0)
    return kr_error_set (err, errno, "fsopen %s", type);
  if (source && *source
      && kr_fsconfig (fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
    return fs_error (fsfd, errno, err, "set source of", type);
  /* MS_SILENT only quiets the kernel log and MS_I_VERSION is decided by
   * the filesystems themselves nowadays; neither has an fsconfig key. */
  for (size_t i = 0; i < ARRAY_SIZE (sb_flags); i++)
    if ((flags & sb_flags[i].flag)
        && kr_fsconfig (fsfd, FSCONFIG_SET_FLAG, sb_flags[i].key, NULL, 0)
               < 0)
      return fs_error (fsfd, errno, err, sb_flags[i].key, type);

  copy = strdup (data ? data : "");
  if (copy == NULL)
    return kr_error_set (err, ENOMEM, "mount %s", type);
  for (opt = strtok_r (copy, ",", &save); opt; opt = strtok_r (NULL, ",", &save))
    {
      char *eq = strchr (opt, '=');
      int r;

      if (eq)
        {
          *eq = '\0';
          r = kr_fsconfig (fsfd, FSCONFIG_SET_STRING, opt, eq + 1, 0);
          *eq = '=';
        }
      else
        r = kr_fsconfig (fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
      if (r < 0)
        {
          char what[300];
          snprintf (what, sizeof what, "option \"%s\" of", opt);
          return fs_error (fsfd, errno, err, what, type);
        }
    }
  if (kr_fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return fs_error (fsfd, errno, err, "create", type);
  mntfd = kr_fsmount (fsfd, FSMOUNT_CLOEXEC,
                      (unsigned int) kr_mount_attr_from_flags (flags));
  if (mntfd < 0)
    return fs_error (fsfd, errno, err, "fsmount", type);
  return mntfd;
}

int
kr_mount_attach (int mntfd, int dstfd, const kr_mount_opts *o,
                 const char *shown, kr_error **err)
{
  if (o && (o->rec_set || o->rec_clr))
    {
      struct kr_mount_attr a = { .attr_set = o->rec_set,
                                 .attr_clr = o->rec_clr };
      if (kr_mount_setattr (mntfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a) < 0)
        return kr_error_set (err, errno, "set recursive attributes of %s",
                             shown);
    }
  if (kr_move_mount (mntfd, "", dstfd, "",
                     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
      < 0)
    return kr_error_set (err, errno, "mount on %s", shown);
  for (size_t i = 0; o && i < o->propagation_len; i++)
    {
      unsigned long p = o->propagation[i];
      struct kr_mount_attr a = { .propagation = p & ~(unsigned long) MS_REC };
      unsigned int rec = (p & MS_REC) ? AT_RECURSIVE : 0;

      if (kr_mount_setattr (mntfd, "", AT_EMPTY_PATH | rec, &a) < 0)
        return kr_error_set (err, errno, "set propagation of %s", shown);
    }
  return 0;
}

/* A bind ignores flags; they are set on the detached copy. Like runc, the
 * requested per-mount flags are the whole set ("mount --bind -o ro" gives
 * ro and drops a nosuid the source had), unless "remount" asks to keep the
 * source's flags and change only the named ones. Flags locked in a user
 * namespace cannot be dropped; then the source's are kept, as runc does. */
static int
set_bind_flags (int treefd, const kr_mount_opts *o, const char *shown,
                kr_error **err)
{
  struct kr_mount_attr a = { 0 };
  uint64_t keep_clr;

  if ((o->flags & ~(unsigned long) (MS_BIND | MS_REC | MS_REMOUNT)) == 0
      && o->cleared == 0)
    return 0;
  a.attr_set = kr_mount_attr_from_flags (o->flags);
  keep_clr = kr_mount_attr_from_flags (o->cleared & MNT_BITS);
  if ((o->flags | o->cleared) & ATIME_BITS)
    keep_clr |= MOUNT_ATTR__ATIME;
  if (o->flags & MS_REMOUNT)
    a.attr_clr = keep_clr;
  else
    a.attr_clr = keep_clr
                 | (kr_mount_attr_from_flags (MNT_BITS) & ~a.attr_set
                    & ~(uint64_t) MOUNT_ATTR__ATIME);
  if (kr_mount_setattr (treefd, "", AT_EMPTY_PATH, &a) == 0)
    return 0;
  if (errno == EPERM && !(o->flags & MS_REMOUNT))
    {
      a.attr_clr = keep_clr;
      if (kr_mount_setattr (treefd, "", AT_EMPTY_PATH, &a) == 0)
        return 0;
    }
  return kr_error_set (err, errno, "set flags of bind mount %s", shown);
}

int
kr_mount_bind (const char *source, int dstfd, const kr_mount_opts *o,
               const char *shown, kr_error **err)
{
  _cleanup_close_ int tree = -1;
  unsigned int rec = (o->flags & MS_REC) ? AT_RECURSIVE : 0;

  tree = kr_open_tree (AT_FDCWD, source,
                       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
  if (tree < 0)
    return kr_error_set (err, errno, "bind source %s", source);
  if (set_bind_flags (tree, o, shown, err) < 0)
    return -1;
  return kr_mount_attach (tree, dstfd, o, shown, err);
}

static int
parse_opts (const oci_mount *m, kr_mount_opts *o, kr_error **err)
{
  return kr_mount_opts_parse (m->options, m->options_len, o, err);
}

bool
kr_mount_needs_late_ro (const oci_mount *m)
{
  kr_mount_opts o;
  _cleanup_free_ char *dest = NULL;
  bool late;

  if (m->destination == NULL || parse_opts (m, &o, NULL) < 0)
    return false;
  dest = kr_fs_clean_path (m->destination);
  late = dest != NULL && m->type != NULL && strcmp (m->type, "bind") != 0
         && (o.flags & MS_RDONLY)
         && !(o.flags & (MS_BIND | MS_REMOUNT))
         && (strcmp (m->type, "tmpfs") == 0 || strcmp (m->type, "cgroup") == 0
             || strcmp (dest, "/dev") == 0);
  kr_mount_opts_release (&o);
  return late;
}

bool
kr_mount_is_cgroup (const oci_mount *m)
{
  kr_mount_opts o;
  bool r;

  /* As mount_entry decides it. */
  if (m->type == NULL || strcmp (m->type, "cgroup") != 0 || parse_opts (m, &o, NULL) < 0)
    return false;
  r = !(o.flags & MS_BIND);
  kr_mount_opts_release (&o);
  return r;
}

/* "remount" without "bind": change the flags of what is already mounted at
 * the destination. */
static int
remount_existing (kr_mount_ctx *ctx, const oci_mount *m,
                  const kr_mount_opts *o, kr_error **err)
{
  _cleanup_close_ int fd = -1;
  struct kr_mount_attr a = { 0 };

  fd = kr_fs_open_in_root (ctx->rootfd, m->destination, O_PATH,
                           KR_FS_EXISTING, 0, err);
  if (fd < 0)
    return -1;
  a.attr_set = kr_mount_attr_from_flags (o->flags);
  a.attr_clr = kr_mount_attr_from_flags (o->cleared & MNT_BITS);
  if ((o->flags | o->cleared) & ATIME_BITS)
    a.attr_clr |= MOUNT_ATTR__ATIME;
  if (kr_mount_setattr (fd, "", AT_EMPTY_PATH, &a) < 0)
    return kr_error_set (err, errno, "remount %s", m->destination);
  for (size_t i = 0; i < o->propagation_len; i++)
    {
      unsigned long p = o->propagation[i];
      struct kr_mount_attr pa = { .propagation = p & ~(unsigned long) MS_REC };
      if (kr_mount_setattr (fd, "", AT_EMPTY_PATH
                                        | ((p & MS_REC) ? AT_RECURSIVE : 0),
                            &pa) < 0)
        return kr_error_set (err, errno, "set propagation of %s",
                             m->destination);
    }
  return 0;
}

static int
mount_entry (kr_mount_ctx *ctx, const oci_mount *m, kr_mount_opts *o,
             kr_error **err)
{
  _cleanup_close_ int dst = -1;
  _cleanup_close_ int mnt = -1;
  _cleanup_free_ char *data = NULL;
  _cleanup_error_ kr_error *local = NULL;
  bool as_file = false, existed, is_bind;
  unsigned long flags;

  /* The spec wants "bind" or "rbind" in the options; a bare type "bind"
   * means a plain bind too (crun's reading) rather than ENODEV. */
  if (m->type && strcmp (m->type, "bind") == 0)
    o->flags |= MS_BIND;
  is_bind = (o->flags & MS_BIND) != 0;
  flags = o->flags;

  if (m->uid_mappings_len || m->gid_mappings_len)
    return kr_error_set (err, EOPNOTSUPP, "idmapped mounts are not supported");
  if (!is_bind && (m->type == NULL || *m->type == '\0'))
    return kr_error_set (err, EINVAL, "no type");
  if (!is_bind && strcmp (m->type, "cgroup") == 0)
    return kr_mount_cgroup (ctx, m, o, err);
  if (!is_bind && (flags & MS_REMOUNT))
    return remount_existing (ctx, m, o, err);
  if (is_bind)
    {
      struct stat st;

      if (m->source == NULL || *m->source == '\0')
        return kr_error_set (err, EINVAL, "bind mount without a source");
      if (stat (m->source, &st) < 0)
        return kr_error_set (err, errno, "bind source %s", m->source);
      as_file = !S_ISDIR (st.st_mode);
    }

  dst = kr_mount_open_dest (ctx, m->destination, m->type, is_bind, m->source,
                            as_file, &existed, err);
  if (dst < 0)
    return -1;
  if (is_bind)
    return kr_mount_bind (m->source, dst, o, m->destination, err);

  /* A tmpfs over an existing directory keeps its mode unless the options
   * say otherwise (they come later, so they win). */
  if (strcmp (m->type, "tmpfs") == 0 && existed)
    {
      struct stat st;

      if (fstat (dst, &st) < 0)
        return kr_error_set (err, errno, "stat %s", m->destination);
      if (asprintf (&data, "mode=%04o%s%s", st.st_mode & 07777,
                    *o->data ? "," : "", o->data)
          < 0)
        return kr_error_set (err, ENOMEM, "mount");
    }
  if (kr_mount_needs_late_ro (m))
    flags &= ~(unsigned long) MS_RDONLY;
  mnt = kr_mount_new_fs (m->type, m->source, flags, data ? data : o->data,
                         &local);
  if (mnt < 0 && ctx->userns && local->errnum == EPERM
      && strcmp (m->type, "sysfs") == 0)
    {
      /* A user namespace gets a new sysfs only with a network namespace
       * of its own; otherwise the host's /sys, bound, as runc does. */
      kr_mount_opts bind = *o;

      bind.flags |= MS_BIND | MS_REC;
      return kr_mount_bind ("/sys", dst, &bind, m->destination, err);
    }
  if (mnt < 0)
    return kr_error_move (err, &local);
  /* Filled while still detached: nothing in the container sees it half
   * copied. */
  if (o->tmpcopyup && existed && strcmp (m->type, "tmpfs") == 0
      && kr_copy_tree (dst, mnt, err) < 0)
    return -1;
  return kr_mount_attach (mnt, dst, o, m->destination, err);
}

int
kr_mount_one (kr_mount_ctx *ctx, const oci_mount *m, kr_error **err)
{
  kr_mount_opts o;
  int r;

  if (m->destination == NULL || *m->destination == '\0')
    return kr_error_set (err, EINVAL, "mount without a destination");
  if (parse_opts (m, &o, err) < 0)
    return kr_error_prefix (err, "mount %s", m->destination);
  r = mount_entry (ctx, m, &o, err);
  kr_mount_opts_release (&o);
  if (r < 0)
    return kr_error_prefix (err, "mount %s", m->destination);
  return 0;
}
