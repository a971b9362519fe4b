/* kr_cgroup_apply_resources: the checks that need the host (its cpus,
 * memory nodes, huge page sizes), then the v1 or v2 writer. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/resources.h"
#include "cgroup/resources-internal.h"
#include "base/util.h"

int
kr_cg_res_write (int dirfd, const char *dir, const char *file, const char *value,
                 const char *field, int *errnum, kr_error **err)
{
  _cleanup_error_ kr_error *e = NULL;
  int saved;

  if (kr_cg_write_at (dirfd, file, value, &e) == 0)
    return 0;
  saved = e->errnum;
  if (errnum)
    *errnum = saved;
  if (saved == ENOENT)
    return kr_error_set (err, 0, "linux.resources.%s: %s/%s does not exist: not supported by this host",
                         field, dir, file);
  return kr_error_set (err, saved, "linux.resources.%s: write \"%s\" to %s/%s", field, value, dir,
                       file);
}

/* A one-line sysfs file, without its newline; "" when it does not exist. */
static int
read_line (const char *path, char **out, kr_error **err)
{
  _cleanup_error_ kr_error *e = NULL;

  if (kr_cg_read_at (AT_FDCWD, path, out, &e) < 0)
    {
      if (e->errnum != ENOENT)
        return kr_error_set (err, e->errnum, "read %s", path);
      *out = strdup ("");
      return *out ? 0 : kr_error_set (err, ENOMEM, "read %s", path);
    }
  (*out)[strcspn (*out, "\n")] = '\0';
  return 0;
}

static int
check_list (const char *field, const char *what, const char *want, const char *host_file,
            const char *fallback, kr_error **err)
{
  _cleanup_free_ char *have = NULL;
  int r;

  if (want == NULL || *want == '\0')
    return 0;
  if (read_line (host_file, &have, err) < 0)
    return -1;
  /* No NUMA node directory: one node, 0. */
  r = kr_cg_list_within (want, *have ? have : fallback);
  if (r < 0)
    return kr_error_set (err, 0, "linux.resources.cpu.%s: invalid list \"%s\"", field, want);
  if (r == 0)
    return kr_error_set (err, 0, "linux.resources.cpu.%s: \"%s\" not within the host's %s \"%s\"",
                         field, want, what, *have ? have : fallback);
  return 0;
}

/* "2MB, 1GB": the huge page sizes of the host, for the error message. */
static void
host_page_sizes (char *buf, size_t size)
{
  _cleanup_closedir_ DIR *d = opendir ("/sys/kernel/mm/hugepages");
  struct dirent *de;
  size_t len = 0;

  buf[0] = '\0';
  while (d && (de = readdir (d)) != NULL)
    {
      unsigned long long kb;
      char name[32];
      if (sscanf (de->d_name, "hugepages-%llukB", &kb) != 1)
        continue;
      kr_cg_page_size_name (kb, name, sizeof name);
      len += snprintf (buf + len, size - len, "%s%s", len ? ", " : "", name);
      if (len >= size)
        break;
    }
  if (buf[0] == '\0')
    snprintf (buf, size, "none");
}

static int
check_host (const oci_resources *r, kr_error **err)
{
  if (r->cpu && (check_list ("cpus", "cpus", r->cpu->cpus, "/sys/devices/system/cpu/online", "0", err) < 0
                 || check_list ("mems", "memory nodes", r->cpu->mems, "/sys/devices/system/node/online",
                                "0", err) < 0))
    return -1;
  for (size_t i = 0; i < r->hugepage_limits_len; i++)
    {
      char path[128], sizes[256];
      snprintf (path, sizeof path, "/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB",
                kr_cg_page_size_kb (r->hugepage_limits[i].page_size));
      if (access (path, F_OK) == 0)
        continue;
      host_page_sizes (sizes, sizeof sizes);
      return kr_error_set (err, 0, "linux.resources.hugepageLimits[%zu].pageSize: \"%s\" is not a huge "
                           "page size of this host (%s)", i, r->hugepage_limits[i].page_size, sizes);
    }
  return 0;
}

int
kr_cgroup_apply_resources (kr_cgroup *cg, const oci_resources *r, kr_error **err)
{
  bool v2 = cg->mode == KR_CG_UNIFIED;

  if (!kr_cgroup_resources_set (r))
    return 0;
  if (kr_cg_check_resources (r, v2, err) < 0 || check_host (r, err) < 0)
    return -1;
  return cg->drv->apply_resources (cg, r, err);
}
