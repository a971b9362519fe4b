/* `update ID`: runc's flags, or -r FILE|- with a LinuxResources document
 * (then the other flags are ignored, as runc does). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "container/container.h"
#include "base/util.h"

static int
parse_i64 (const char *flag, const char *s, int64_t *out)
{
  char *end;

  errno = 0;
  *out = strtoll (s, &end, 10);
  if (*s == '\0' || *end != '\0' || errno != 0)
    return cli_fail_msg ("invalid value for %s: \"%s\"", flag, s), -1;
  return 0;
}

static int
parse_u64 (const char *flag, const char *s, uint64_t *out)
{
  char *end;

  errno = 0;
  *out = strtoull (s, &end, 10);
  if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0)
    return cli_fail_msg ("invalid value for %s: \"%s\"", flag, s), -1;
  return 0;
}

/* docker/go-units RAMInBytes, which runc uses: a decimal number, an
 * optional space, an optional k/m/g/t/p (powers of 1024) with an optional
 * "b" or "ib", any case; "-1" is unlimited. */
static int
parse_ram (const char *flag, const char *s, int64_t *out)
{
  static const char units[] = "kmgtp";
  const char *sfx;
  char *end, lower[4] = "";
  double v, mul = 1;
  size_t n;

  if (strcmp (s, "-1") == 0)
    {
      *out = -1;
      return 0;
    }
  if (!isdigit ((unsigned char) s[0]) && s[0] != '.')
    goto bad;
  v = strtod (s, &end);
  if (end == s || v < 0 || !isfinite (v))
    goto bad;
  sfx = *end == ' ' ? end + 1 : end;
  n = strlen (sfx);
  if (n > 3)
    goto bad;
  for (size_t i = 0; i < n; i++)
    lower[i] = (char) tolower ((unsigned char) sfx[i]);
  lower[n] = '\0';
  if (n > 0 && strcmp (lower, "b") != 0)
    {
      const char *u = strchr (units, lower[0]);
      if (u == NULL || lower[0] == '\0')
        goto bad;
      if ((n == 2 && lower[1] != 'b') || (n == 3 && strcmp (lower + 1, "ib") != 0))
        goto bad;
      for (const char *p = units; p <= u; p++)
        mul *= 1024;
    }
  v *= mul;
  if (v >= 9223372036854775807.0)
    goto bad;
  *out = (int64_t) v;
  return 0;
bad:
  return cli_fail_msg ("invalid value for %s: invalid size: '%s'", flag, s), -1;
}

/* The document of -r (a path, or "-" for stdin), at most one byte past the
 * JSON size limit: the parse then refuses it without reading it all. */
static char *
read_input (const char *path, size_t *lenp)
{
  FILE *f = strcmp (path, "-") == 0 ? stdin : fopen (path, "re");
  char *buf = NULL;
  size_t len = 0;
  FILE *m;
  char chunk[8192];
  size_t n;

  if (f == NULL)
    return NULL;
  m = open_memstream (&buf, &len);
  if (m == NULL)
    {
      if (f != stdin)
        fclose (f);
      return NULL;
    }
  while (len <= OCI_JSON_MAX_BYTES && (n = fread (chunk, 1, sizeof chunk, f)) > 0)
    {
      fwrite (chunk, 1, n, m);
      fflush (m);
    }
  if (ferror (f))
    {
      fclose (m);
      free (buf);
      buf = NULL;
    }
  else
    fclose (m);
  if (f != stdin)
    fclose (f);
  *lenp = len;
  return buf;
}

typedef struct update_flags
{
  const char *resources, *blkio_weight, *cpu_period, *cpu_quota, *cpu_burst, *cpu_share,
      *cpu_shares, *cpu_rt_period, *cpu_rt_runtime, *cpuset_cpus, *cpuset_mems, *kernel_memory,
      *kernel_memory_tcp, *memory, *cpu_idle, *memory_reservation, *memory_swap, *pids_limit,
      *l3_cache_schema, *mem_bw_schema;
} update_flags;

#define NEW(p) ((p) != NULL || ((p) = calloc (1, sizeof *(p))) != NULL)

static int
from_flags (const update_flags *f, oci_resources *r)
{
  const char *shares = f->cpu_share ? f->cpu_share : f->cpu_shares;
  /* In this order: the switch below stores them. */
  const struct { const char *flag, *val; } ram[] = {
    { "memory", f->memory },
    { "memory-swap", f->memory_swap },
    { "kernel-memory", f->kernel_memory },
    { "kernel-memory-tcp", f->kernel_memory_tcp },
    { "memory-reservation", f->memory_reservation },
  };
  int64_t i64;
  uint64_t u64;

  if (!NEW (r->memory) || !NEW (r->cpu) || !NEW (r->pids) || !NEW (r->block_io))
    return cli_fail_msg ("update: out of memory"), -1;
  if (f->blkio_weight)
    {
      if (parse_i64 ("blkio-weight", f->blkio_weight, &i64) < 0)
        return -1;
      if (i64 < 0 || i64 > UINT16_MAX)
        return cli_fail_msg ("invalid value for blkio-weight: %" PRId64, i64), -1;
      if (i64 != 0)
        {
          r->block_io->weight = (uint16_t) i64;
          r->block_io->has_weight = true;
        }
    }
  if (f->cpuset_cpus && *f->cpuset_cpus && (r->cpu->cpus = strdup (f->cpuset_cpus)) == NULL)
    return -1;
  if (f->cpuset_mems && *f->cpuset_mems && (r->cpu->mems = strdup (f->cpuset_mems)) == NULL)
    return -1;
  if (f->cpu_idle && *f->cpu_idle)
    {
      if (parse_i64 ("cpu-idle", f->cpu_idle, &r->cpu->idle) < 0)
        return -1;
      r->cpu->has_idle = true;
    }
#define U64(flag, val, field)                                                 \
  if ((val) && *(val))                                                        \
    {                                                                         \
      if (parse_u64 (flag, val, &u64) < 0)                                    \
        return -1;                                                            \
      r->cpu->field = u64;                                                    \
      r->cpu->has_##field = true;                                             \
    }
  U64 ("cpu-burst", f->cpu_burst, burst);
  U64 ("cpu-period", f->cpu_period, period);
  U64 ("cpu-rt-period", f->cpu_rt_period, realtime_period);
  U64 (f->cpu_share ? "cpu-share" : "cpu-shares", shares, shares);
#undef U64
  if (f->cpu_quota && *f->cpu_quota)
    {
      if (parse_i64 ("cpu-quota", f->cpu_quota, &r->cpu->quota) < 0)
        return -1;
      r->cpu->has_quota = true;
    }
  if (f->cpu_rt_runtime && *f->cpu_rt_runtime)
    {
      if (parse_i64 ("cpu-rt-runtime", f->cpu_rt_runtime, &r->cpu->realtime_runtime) < 0)
        return -1;
      r->cpu->has_realtime_runtime = true;
    }
  for (size_t i = 0; i < ARRAY_SIZE (ram); i++)
    {
      if (ram[i].val == NULL || *ram[i].val == '\0')
        continue;
      if (parse_ram (ram[i].flag, ram[i].val, &i64) < 0)
        return -1;
      switch (i)
        {
        case 0: r->memory->limit = i64; r->memory->has_limit = true; break;
        case 1: r->memory->swap = i64; r->memory->has_swap = true; break;
        case 2: r->memory->kernel = i64; r->memory->has_kernel = true; break;
        case 3: r->memory->kernel_tcp = i64; r->memory->has_kernel_tcp = true; break;
        default: r->memory->reservation = i64; r->memory->has_reservation = true; break;
        }
    }
  if (f->pids_limit)
    {
      if (parse_i64 ("pids-limit", f->pids_limit, &r->pids->limit) < 0)
        return -1;
      r->pids->has_limit = true;
    }
  return 0;
}

int
cmd_update (cli_global *g, int argc, char **argv)
{
  static const cli_cmd cmd = { "update", "<container-id>",
                               "Update container resource constraints.", 1, 1 };
  update_flags f = { 0 };
  const cli_opt opts[] = {
    { "resources", 'r', &f.resources, NULL,
      "path to a LinuxResources JSON file, or '-' for stdin (then the other options are ignored)" },
    { "blkio-weight", 0, &f.blkio_weight, NULL, "per cgroup weight, 10 to 1000" },
    { "cpu-period", 0, &f.cpu_period, NULL, "CPU CFS period (usecs)" },
    { "cpu-quota", 0, &f.cpu_quota, NULL, "CPU CFS quota (usecs) per period" },
    { "cpu-burst", 0, &f.cpu_burst, NULL, "CPU CFS burst (usecs)" },
    { "cpu-share", 0, &f.cpu_share, NULL, "CPU shares (relative weight)" },
    { "cpu-shares", 0, &f.cpu_shares, NULL, "same as --cpu-share" },
    { "cpu-rt-period", 0, &f.cpu_rt_period, NULL, "CPU realtime period (usecs)" },
    { "cpu-rt-runtime", 0, &f.cpu_rt_runtime, NULL, "CPU realtime runtime (usecs) per period" },
    { "cpuset-cpus", 0, &f.cpuset_cpus, NULL, "CPUs to use" },
    { "cpuset-mems", 0, &f.cpuset_mems, NULL, "memory nodes to use" },
    { "kernel-memory", 0, &f.kernel_memory, NULL, "(obsolete, ignored)" },
    { "kernel-memory-tcp", 0, &f.kernel_memory_tcp, NULL, "(obsolete, ignored)" },
    { "memory", 0, &f.memory, NULL, "memory limit (bytes, or with a unit: 64m), -1 for unlimited" },
    { "cpu-idle", 0, &f.cpu_idle, NULL, "1: SCHED_IDLE, 0: default" },
    { "memory-reservation", 0, &f.memory_reservation, NULL, "memory soft limit" },
    { "memory-swap", 0, &f.memory_swap, NULL, "memory+swap limit, -1 for unlimited swap" },
    { "pids-limit", 0, &f.pids_limit, NULL, "maximum number of pids" },
    { "l3-cache-schema", 0, &f.l3_cache_schema, NULL, "Intel RDT/CAT L3 cache schema (not supported)" },
    { "mem-bw-schema", 0, &f.mem_bw_schema, NULL, "Intel RDT/MBA memory bandwidth schema (not supported)" },
    { NULL, 0, NULL, NULL, NULL },
  };
  _cleanup_free_ char **pos = NULL;
  oci_resources *r = NULL;
  kr_error *err = NULL;
  int npos, ret, status;

  if (!cli_command_args (&cmd, argc, argv, opts, &pos, &npos, &status))
    return status;
  if (f.resources && *f.resources)
    {
      size_t len = 0;
      _cleanup_free_ char *text = read_input (f.resources, &len);
      char *msg = NULL;
      if (text == NULL)
        return cli_fail_msg ("update: read %s: %s", f.resources, strerror (errno));
      r = oci_resources_parse_data (text, len, &msg);
      if (r == NULL)
        {
          status = cli_fail_msg ("update: %s: %s", f.resources, msg ? msg : "invalid");
          free (msg);
          return status;
        }
    }
  else
    {
      r = calloc (1, sizeof *r);
      if (r == NULL || from_flags (&f, r) < 0)
        {
          oci_resources_free (r);
          return 1;
        }
    }
  /* krill has no Intel RDT support: refuse rather than ignore. */
  if (f.l3_cache_schema && *f.l3_cache_schema)
    ret = cli_fail_msg ("Intel RDT/CAT: l3 cache schema is not supported by this version of krill");
  else if (f.mem_bw_schema && *f.mem_bw_schema)
    ret = cli_fail_msg ("Intel RDT/MBA: memory bandwidth schema is not supported by this version of krill");
  else if (kr_container_update (g->root, pos[0], r, &err) < 0)
    ret = cli_fail (err);
  else
    ret = 0;
  oci_resources_free (r);
  return ret;
}
