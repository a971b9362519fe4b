/* /proc/self/mountinfo: the cgroup layout's parsers (whole text) and the
 * rootfs line parser. */
#include "cgroup/cgroup-internal.h"
#include "fuzz.h"
#include "rootfs/mountinfo.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = fuzz_text (data, size), *save = NULL;
  kr_cg_mount *m = NULL;
  size_t n = 0;
  kr_error *err = NULL;

  if (kr_cg_parse_mountinfo (text, &m, &n, &err) == 0)
    kr_cg_mounts_free (m, n);
  kr_error_free (&err);
  m = NULL;
  n = 0;
  if (kr_cg_parse_cgroup_fs (text, &m, &n, &err) == 0)
    kr_cg_mounts_free (m, n);
  kr_error_free (&err);

  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      kr_mountinfo mi;
      if (kr_mountinfo_parse (line, &mi) == 0)
        FUZZ_ASSERT (mi.root && mi.mountpoint && mi.mount_opts && mi.fstype && mi.source
                         && mi.super_opts,
                     "a parsed line has a NULL field");
    }
  free (text);
  return 0;
}
