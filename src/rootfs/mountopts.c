#define _GNU_SOURCE
#include "rootfs/mountopts.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mountapi.h"
#include "base/util.h"

enum opt_kind
{
  OPT_FLAG,        /* sets or clears an MS_* flag */
  OPT_PROPAGATION, /* a propagation change, applied after the mount */
  OPT_REC_ATTR,    /* a recursive mount_setattr attribute */
  OPT_REFUSED,     /* valid elsewhere, not implemented by krill */
  OPT_TMPCOPYUP,   /* tmpfs: copy what the directory held into it */
};

struct opt
{
  const char *name;
  enum opt_kind kind;
  bool clear;
  uint64_t value;
};

/* config.md "Linux mount options", in its order where it has one. */
static const struct opt options[] = {
  { "async", OPT_FLAG, true, MS_SYNCHRONOUS },
  { "atime", OPT_FLAG, true, MS_NOATIME },
  { "bind", OPT_FLAG, false, MS_BIND },
  { "defaults", OPT_FLAG, false, 0 },
  { "dev", OPT_FLAG, true, MS_NODEV },
  { "diratime", OPT_FLAG, true, MS_NODIRATIME },
  { "dirsync", OPT_FLAG, false, MS_DIRSYNC },
  { "exec", OPT_FLAG, true, MS_NOEXEC },
  { "iversion", OPT_FLAG, false, MS_I_VERSION },
  { "lazytime", OPT_FLAG, false, MS_LAZYTIME },
  { "loud", OPT_FLAG, true, MS_SILENT },
  { "mand", OPT_FLAG, false, MS_MANDLOCK },
  { "noatime", OPT_FLAG, false, MS_NOATIME },
  { "nodev", OPT_FLAG, false, MS_NODEV },
  { "nodiratime", OPT_FLAG, false, MS_NODIRATIME },
  { "noexec", OPT_FLAG, false, MS_NOEXEC },
  { "noiversion", OPT_FLAG, true, MS_I_VERSION },
  { "nolazytime", OPT_FLAG, true, MS_LAZYTIME },
  { "nomand", OPT_FLAG, true, MS_MANDLOCK },
  { "norelatime", OPT_FLAG, true, MS_RELATIME },
  { "nostrictatime", OPT_FLAG, true, MS_STRICTATIME },
  { "nosuid", OPT_FLAG, false, MS_NOSUID },
  { "nosymfollow", OPT_FLAG, false, MS_NOSYMFOLLOW },
  { "rbind", OPT_FLAG, false, MS_BIND | MS_REC },
  { "relatime", OPT_FLAG, false, MS_RELATIME },
  { "remount", OPT_FLAG, false, MS_REMOUNT },
  { "ro", OPT_FLAG, false, MS_RDONLY },
  { "rw", OPT_FLAG, true, MS_RDONLY },
  { "silent", OPT_FLAG, false, MS_SILENT },
  { "strictatime", OPT_FLAG, false, MS_STRICTATIME },
  { "suid", OPT_FLAG, true, MS_NOSUID },
  { "symfollow", OPT_FLAG, true, MS_NOSYMFOLLOW },
  { "sync", OPT_FLAG, false, MS_SYNCHRONOUS },

  { "private", OPT_PROPAGATION, false, MS_PRIVATE },
  { "rprivate", OPT_PROPAGATION, false, MS_PRIVATE | MS_REC },
  { "shared", OPT_PROPAGATION, false, MS_SHARED },
  { "rshared", OPT_PROPAGATION, false, MS_SHARED | MS_REC },
  { "slave", OPT_PROPAGATION, false, MS_SLAVE },
  { "rslave", OPT_PROPAGATION, false, MS_SLAVE | MS_REC },
  { "unbindable", OPT_PROPAGATION, false, MS_UNBINDABLE },
  { "runbindable", OPT_PROPAGATION, false, MS_UNBINDABLE | MS_REC },

  { "rro", OPT_REC_ATTR, false, MOUNT_ATTR_RDONLY },
  { "rrw", OPT_REC_ATTR, true, MOUNT_ATTR_RDONLY },
  { "rnosuid", OPT_REC_ATTR, false, MOUNT_ATTR_NOSUID },
  { "rsuid", OPT_REC_ATTR, true, MOUNT_ATTR_NOSUID },
  { "rnodev", OPT_REC_ATTR, false, MOUNT_ATTR_NODEV },
  { "rdev", OPT_REC_ATTR, true, MOUNT_ATTR_NODEV },
  { "rnoexec", OPT_REC_ATTR, false, MOUNT_ATTR_NOEXEC },
  { "rexec", OPT_REC_ATTR, true, MOUNT_ATTR_NOEXEC },
  { "rnodiratime", OPT_REC_ATTR, false, MOUNT_ATTR_NODIRATIME },
  { "rdiratime", OPT_REC_ATTR, true, MOUNT_ATTR_NODIRATIME },
  { "rrelatime", OPT_REC_ATTR, false, MOUNT_ATTR_RELATIME },
  { "rnorelatime", OPT_REC_ATTR, true, MOUNT_ATTR_RELATIME },
  { "rnoatime", OPT_REC_ATTR, false, MOUNT_ATTR_NOATIME },
  { "ratime", OPT_REC_ATTR, true, MOUNT_ATTR_NOATIME },
  { "rstrictatime", OPT_REC_ATTR, false, MOUNT_ATTR_STRICTATIME },
  { "rnostrictatime", OPT_REC_ATTR, true, MOUNT_ATTR_STRICTATIME },
  { "rnosymfollow", OPT_REC_ATTR, false, MOUNT_ATTR_NOSYMFOLLOW },
  { "rsymfollow", OPT_REC_ATTR, true, MOUNT_ATTR_NOSYMFOLLOW },

  { "tmpcopyup", OPT_TMPCOPYUP, false, 0 },
  { "idmap", OPT_REFUSED, false, 0 },
  { "ridmap", OPT_REFUSED, false, 0 },
};

static const struct opt *
lookup (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (options); i++)
    if (strcmp (options[i].name, name) == 0)
      return &options[i];
  return NULL;
}

/* The atime settings are one enum in mount_setattr: the kernel wants the
 * whole field cleared (MOUNT_ATTR__ATIME in attr_clr) and the new mode in
 * attr_set. Turning a mode off ("ratime", "rnostrictatime") means the
 * default, relatime. */
static void
apply_rec_attr (kr_mount_opts *o, const struct opt *f)
{
  if ((f->value & ~(uint64_t) MOUNT_ATTR__ATIME) == 0)
    {
      o->rec_set &= ~(uint64_t) MOUNT_ATTR__ATIME;
      if (!f->clear)
        o->rec_set |= f->value;
      o->rec_clr |= MOUNT_ATTR__ATIME;
    }
  else if (f->clear)
    {
      o->rec_clr |= f->value;
      o->rec_set &= ~f->value;
    }
  else
    {
      o->rec_set |= f->value;
      o->rec_clr &= ~f->value;
    }
}

static int
append_data (char **data, size_t *len, const char *opt)
{
  size_t n = strlen (opt);
  char *p = realloc (*data, *len + n + 2);

  if (p == NULL)
    return -1;
  if (*len > 0)
    p[(*len)++] = ',';
  memcpy (p + *len, opt, n + 1);
  *len += n;
  *data = p;
  return 0;
}

int
kr_mount_opts_parse (char *const *opts, size_t n, kr_mount_opts *out,
                     kr_error **err)
{
  size_t data_len = 0;

  memset (out, 0, sizeof *out);
  out->data = strdup ("");
  if (out->data == NULL)
    return kr_error_set (err, ENOMEM, "mount options");
  for (size_t i = 0; i < n; i++)
    {
      const struct opt *f = lookup (opts[i]);
      unsigned long *p;

      if (f == NULL)
        {
          if (opts[i][0] == '\0')
            continue;
          if (append_data (&out->data, &data_len, opts[i]) < 0)
            goto oom;
          continue;
        }
      switch (f->kind)
        {
        case OPT_FLAG:
          if (f->clear)
            {
              out->flags &= ~f->value;
              out->cleared |= f->value;
            }
          else
            {
              out->flags |= f->value;
              out->cleared &= ~f->value;
            }
          break;
        case OPT_PROPAGATION:
          p = realloc (out->propagation,
                       (out->propagation_len + 1) * sizeof *p);
          if (p == NULL)
            goto oom;
          p[out->propagation_len++] = f->value;
          out->propagation = p;
          break;
        case OPT_REC_ATTR:
          apply_rec_attr (out, f);
          break;
        case OPT_TMPCOPYUP:
          out->tmpcopyup = true;
          break;
        case OPT_REFUSED:
          kr_mount_opts_release (out);
          return kr_error_set (err, EOPNOTSUPP,
                               "mount option \"%s\" is not supported",
                               opts[i]);
        }
    }
  return 0;

oom:
  kr_mount_opts_release (out);
  return kr_error_set (err, ENOMEM, "mount options");
}

void
kr_mount_opts_release (kr_mount_opts *o)
{
  free (o->propagation);
  free (o->data);
  o->propagation = NULL;
  o->propagation_len = 0;
  o->data = NULL;
}

uint64_t
kr_mount_attr_from_flags (unsigned long flags)
{
  static const struct
  {
    unsigned long ms;
    uint64_t attr;
  } same[] = {
    { MS_RDONLY, MOUNT_ATTR_RDONLY },         { MS_NOSUID, MOUNT_ATTR_NOSUID },
    { MS_NODEV, MOUNT_ATTR_NODEV },           { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
    { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME }, { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
  };
  uint64_t attr = 0;

  for (size_t i = 0; i < ARRAY_SIZE (same); i++)
    if (flags & same[i].ms)
      attr |= same[i].attr;
  /* The same precedence as mount(2): strictatime beats noatime. */
  if (flags & MS_STRICTATIME)
    attr |= MOUNT_ATTR_STRICTATIME;
  else if (flags & MS_NOATIME)
    attr |= MOUNT_ATTR_NOATIME;
  return attr;
}

const char *const *
kr_mount_option_names (size_t *n)
{
  static const char *names[ARRAY_SIZE (options)];
  static size_t count;

  if (count == 0)
    for (size_t i = 0; i < ARRAY_SIZE (options); i++)
      if (options[i].kind != OPT_REFUSED)
        names[count++] = options[i].name;
  *n = count;
  return names;
}
