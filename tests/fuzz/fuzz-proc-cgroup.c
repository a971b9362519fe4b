/* /proc/self/cgroup, and linux.cgroupsPath resolved against it: the input's
 * first line is the cgroupsPath, the rest the /proc/self/cgroup text; the
 * mounts are a hybrid host's (this project's CI host), resolved in each
 * mode. Resolving touches no filesystem. */
#include "cgroup/cgroup.h"
#include "cgroup/cgroup-internal.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char mountinfo[]
    = "30 23 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
      "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
      "32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup rw,xattr,name=systemd\n"
      "35 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:15 - cgroup cgroup rw,cpu,cpuacct\n"
      "36 30 0:32 / /sys/fs/cgroup/memory rw,nosuid shared:16 - cgroup cgroup rw,memory\n"
      "37 30 0:33 / /sys/fs/cgroup/pids rw,nosuid shared:17 - cgroup cgroup rw,pids\n"
      "38 30 0:34 /sub /sys/fs/cgroup/devices rw,nosuid shared:18 - cgroup cgroup rw,devices\n";

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = fuzz_text (data, size), *nl = strchr (text, '\n');
  const char *path = nl ? text : "";
  const char *proc = nl ? nl + 1 : text;
  kr_cg_mount *m = NULL;
  kr_cg_own *own = NULL;
  size_t n_m = 0, n_own = 0;
  kr_error *err = NULL;

  if (nl)
    *nl = '\0';
  FUZZ_ASSERT (kr_cg_parse_mountinfo (mountinfo, &m, &n_m, &err) == 0, "fixed mountinfo");
  if (kr_cg_parse_proc_cgroup (proc, &own, &n_own, &err) == 0)
    {
      for (int mode = KR_CG_LEGACY; mode <= KR_CG_HYBRID; mode++)
        {
          kr_cgroup *cg = NULL;
          if (kr_cg_resolve ((kr_cg_mode) mode, path, "fuzz-id", m, n_m, own, n_own, &cg, &err)
              == 0)
            {
              FUZZ_ASSERT (cg != NULL, "resolved to nothing");
              kr_cgroup_free (cg);
            }
          else
            FUZZ_ASSERT (err && err->msg, "resolve failed with no message");
          kr_error_free (&err);
        }
      kr_cg_owns_free (own, n_own);
    }
  kr_error_free (&err);
  kr_cg_mounts_free (m, n_m);
  free (text);
  return 0;
}
