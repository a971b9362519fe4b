#define _GNU_SOURCE
#include "rootfs/mountinfo.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "base/procfs.h"
#include "base/util.h"

/* mountinfo writes blanks, tabs, newlines and backslashes as \ooo. */
static void
unescape (char *s)
{
  char *o = s;

  for (; *s; s++)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0'
          && s[2] <= '7' && s[3] >= '0' && s[3] <= '7')
        {
          *o++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3)
                         | (s[3] - '0'));
          s += 3;
        }
      else
        *o++ = *s;
    }
  *o = '\0';
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue" */
int
kr_mountinfo_parse (char *line, kr_mountinfo *mi)
{
  char *save = NULL, *dash;
  char *f[6];

  line[strcspn (line, "\n")] = '\0';
  dash = strstr (line, " - ");
  if (dash == NULL)
    return -1;
  *dash = '\0';
  f[0] = strtok_r (line, " ", &save); /* id */
  f[1] = strtok_r (NULL, " ", &save); /* parent */
  f[2] = strtok_r (NULL, " ", &save); /* major:minor */
  f[3] = strtok_r (NULL, " ", &save); /* root */
  f[4] = strtok_r (NULL, " ", &save); /* mount point */
  f[5] = strtok_r (NULL, " ", &save); /* mount options */
  if (!f[5])
    return -1;
  unescape (f[3]);
  unescape (f[4]);
  mi->root = f[3];
  mi->mountpoint = f[4];
  mi->mount_opts = f[5];
  save = NULL;
  mi->fstype = strtok_r (dash + 3, " ", &save);
  mi->source = strtok_r (NULL, " ", &save);
  mi->super_opts = strtok_r (NULL, " ", &save);
  if (!mi->fstype || !mi->source)
    return -1;
  if (!mi->super_opts)
    mi->super_opts = "";
  return 0;
}

int
kr_mountinfo_each (int (*fn) (const kr_mountinfo *, void *, kr_error **),
                   void *data, kr_error **err)
{
  _cleanup_fclose_ FILE *f = NULL;
  _cleanup_free_ char *line = NULL;
  _cleanup_close_ int fd = -1;
  int proc = kr_procfs_handle (err);
  size_t cap = 0;

  if (proc < 0 || (fd = kr_procfs_openat (proc, "self/mountinfo", O_RDONLY, err)) < 0)
    return -1;
  f = fdopen (fd, "re");
  if (f == NULL)
    return kr_error_set (err, errno, "open /proc/self/mountinfo");
  fd = -1; /* the FILE's now */
  while (getline (&line, &cap, f) > 0)
    {
      kr_mountinfo mi;
      int r;

      if (kr_mountinfo_parse (line, &mi) < 0)
        continue;
      r = fn (&mi, data, err);
      if (r != 0)
        return r < 0 ? -1 : 0;
    }
  return 0;
}
