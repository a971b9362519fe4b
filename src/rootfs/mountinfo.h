/* /proc/self/mountinfo, one parsed line at a time. */
#ifndef KRILL_MOUNTINFO_H
#define KRILL_MOUNTINFO_H

#include "base/error.h"

typedef struct kr_mountinfo
{
  const char *root;       /* root of the mount within its filesystem */
  const char *mountpoint; /* unescaped */
  const char *mount_opts; /* per-mount options: "rw,nosuid,relatime" */
  const char *fstype;
  const char *source;
  const char *super_opts; /* superblock options */
} kr_mountinfo;

/* Calls FN for every line of /proc/self/mountinfo; FN returns 0 to go on,
 * 1 to stop, -1 (with *err set) to fail. The strings live for the call. */
int kr_mountinfo_each (int (*fn) (const kr_mountinfo *mi, void *data,
                                  kr_error **err),
                       void *data, kr_error **err);

/* One line, cut up in place (the strings point into LINE); -1 when it is
 * not a mountinfo line. Exposed for tests/fuzz/. */
int kr_mountinfo_parse (char *line, kr_mountinfo *mi);

#endif
