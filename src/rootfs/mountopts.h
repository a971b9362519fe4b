/* The "options" of a config.json mount, turned into what the kernel takes:
 * MS_* flags (set and explicitly cleared), propagation changes in the order
 * given, recursive mount_setattr attributes (the "r" forms: rro, rnosuid...)
 * and the leftover filesystem data ("mode=755,size=65536k"). The table
 * follows config.md "Linux mount options"; anything not in it is data. */
#ifndef KRILL_MOUNTOPTS_H
#define KRILL_MOUNTOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct kr_mount_opts
{
  unsigned long flags;   /* MS_* to set (MS_BIND, MS_REC for bind/rbind) */
  unsigned long cleared; /* MS_* an option explicitly turned off ("rw") */
  unsigned long *propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE,
                               * | MS_REC for the r forms, in order */
  size_t propagation_len;
  uint64_t rec_set; /* MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE) */
  uint64_t rec_clr;
  char *data; /* comma-joined filesystem options, "" when none */
  bool tmpcopyup; /* a tmpfs starts with a copy of what the directory held */
} kr_mount_opts;

/* Parses OPTIONS (N of them) into *OUT, which the caller releases with
 * kr_mount_opts_release. Later options override earlier ones ("ro,rw" is
 * rw). Refuses what krill does not implement (idmap, ridmap)
 * rather than ignoring it. */
int kr_mount_opts_parse (char *const *options, size_t n, kr_mount_opts *out,
                         kr_error **err);

void kr_mount_opts_release (kr_mount_opts *o);

/* The non-recursive per-mount part of MS_* FLAGS as MOUNT_ATTR_* bits (ro,
 * nosuid, nodev, noexec, nodiratime, nosymfollow and the atime mode), for
 * fsmount(2) and mount_setattr(2). */
uint64_t kr_mount_attr_from_flags (unsigned long flags);

/* Every option name krill understands, for the features document. */
const char *const *kr_mount_option_names (size_t *n);

#endif
