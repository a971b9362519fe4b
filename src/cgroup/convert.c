/* linux.resources without a host: range checks and the v1 -> v2
 * conversions (see convert.h and docs/cgroups.md). */
#define _GNU_SOURCE
#include "cgroup/convert.h"
#include "cgroup/resources.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t
kr_cg_shares_to_weight (uint64_t shares)
{
  double l, exponent;

  if (shares == 0)
    return 0;
  if (shares <= 2)
    return 1;
  if (shares >= 262144)
    return 10000;
  /* runc 1.4's curve: the linear map it used before sent the v1 default
   * (1024) to 39, far from the v2 default (100). */
  l = log2 ((double) shares);
  exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return (uint64_t) ceil (pow (10, exponent));
}

uint64_t
kr_cg_blkio_to_io_weight (uint16_t weight)
{
  if (weight == 0)
    return 0;
  return 1 + ((uint64_t) weight - 10) * 9999 / 990;
}

int
kr_cg_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, kr_error **err)
{
  /* Unlimited memory and no word on swap: unlimited swap too, as a v1
   * host does with memsw. */
  if (limit == -1 && swap == 0)
    *out = -1;
  else if (swap == -1 || swap == 0)
    *out = swap;
  else if (limit == -1)
    *out = swap;
  else if (limit == 0)
    return kr_error_set (err, 0,
                         "linux.resources.memory.swap: %" PRId64
                         " needs linux.resources.memory.limit on cgroup v2 (memory.swap.max is swap alone)",
                         swap);
  else if (limit < 0)
    return kr_error_set (err, 0, "linux.resources.memory.limit: invalid value %" PRId64, limit);
  else if (swap < limit)
    return kr_error_set (err, 0,
                         "linux.resources.memory.swap: %" PRId64
                         " is less than linux.resources.memory.limit %" PRId64 " (swap counts memory+swap)",
                         swap, limit);
  else
    *out = swap - limit;
  return 0;
}

void
kr_cg_cpu_max (int64_t quota, uint64_t period, char *buf, size_t size)
{
  if (period == 0)
    period = 100000;
  if (quota > 0)
    snprintf (buf, size, "%" PRId64 " %" PRIu64, quota, period);
  else
    snprintf (buf, size, "max %" PRIu64, period);
}

void
kr_cg_pids_max (int64_t limit, char *buf, size_t size)
{
  if (limit > 0)
    snprintf (buf, size, "%" PRId64, limit);
  else if (limit == 0)
    snprintf (buf, size, "1");
  else
    snprintf (buf, size, "max");
}

void
kr_cg_v2_bytes (int64_t v, char *buf, size_t size)
{
  if (v == -1)
    snprintf (buf, size, "max");
  else
    snprintf (buf, size, "%" PRId64, v);
}

uint64_t
kr_cg_page_size_kb (const char *s)
{
  char *end;
  unsigned long long n;
  uint64_t mul;

  if (s == NULL || *s < '1' || *s > '9')
    return 0;
  errno = 0;
  n = strtoull (s, &end, 10);
  if (errno != 0)
    return 0;
  switch (*end)
    {
    case 'K': mul = 1; break;
    case 'M': mul = 1024; break;
    case 'G': mul = 1024 * 1024; break;
    default: return 0;
    }
  if (strcmp (end + 1, "B") != 0 || n > UINT64_MAX / mul)
    return 0;
  return n * mul;
}

void
kr_cg_page_size_name (uint64_t kb, char *buf, size_t size)
{
  if (kb >= 1024 * 1024 && kb % (1024 * 1024) == 0)
    snprintf (buf, size, "%" PRIu64 "GB", kb / (1024 * 1024));
  else if (kb >= 1024 && kb % 1024 == 0)
    snprintf (buf, size, "%" PRIu64 "MB", kb / 1024);
  else
    snprintf (buf, size, "%" PRIu64 "KB", kb);
}

int
kr_cg_parse_list (const char *s, uint64_t *bits, size_t nbits)
{
  const char *p = s;

  memset (bits, 0, (nbits + 63) / 64 * sizeof *bits);
  /* The kernel's list format: "N", "N-M", comma separated, a trailing
   * newline allowed (what the cgroup files hold). */
  while (*p && *p != '\n')
    {
      char *end;
      unsigned long a, b;

      if (*p < '0' || *p > '9')
        return -1;
      a = strtoul (p, &end, 10);
      b = a;
      if (*end == '-')
        {
          if (end[1] < '0' || end[1] > '9')
            return -1;
          b = strtoul (end + 1, &end, 10);
        }
      if (a > b || b >= nbits)
        return -1;
      for (unsigned long i = a; i <= b; i++)
        bits[i / 64] |= UINT64_C (1) << (i % 64);
      if (*end == ',')
        end++;
      else if (*end != '\0' && *end != '\n')
        return -1;
      p = end;
    }
  return 0;
}

#define LIST_BITS 8192

int
kr_cg_list_within (const char *want, const char *have)
{
  uint64_t w[LIST_BITS / 64], h[LIST_BITS / 64];

  if (kr_cg_parse_list (want, w, LIST_BITS) < 0)
    return -1;
  if (kr_cg_parse_list (have, h, LIST_BITS) < 0)
    return 0;
  for (size_t i = 0; i < LIST_BITS / 64; i++)
    if (w[i] & ~h[i])
      return 0;
  return 1;
}

void
kr_cg_rdma_line (const oci_rdma *r, char *buf, size_t size)
{
  int n = snprintf (buf, size, "%s", r->key);

  if (r->has_hca_handles && n >= 0 && (size_t) n < size)
    n += snprintf (buf + n, size - n, " hca_handle=%" PRIu32, r->hca_handles);
  if (r->has_hca_objects && n >= 0 && (size_t) n < size)
    snprintf (buf + n, size - n, " hca_object=%" PRIu32, r->hca_objects);
}

bool
kr_cg_block_io_set (const oci_block_io *b)
{
  return b && ((b->has_weight && b->weight) || (b->has_leaf_weight && b->leaf_weight)
               || b->weight_device_len || b->throttle_read_bps_device_len
               || b->throttle_write_bps_device_len || b->throttle_read_iops_device_len
               || b->throttle_write_iops_device_len);
}

/* ------------------------------------------------------------------ checks */

static int
check_bytes (const char *field, bool has, int64_t v, kr_error **err)
{
  if (has && v < -1)
    return kr_error_set (err, 0, "linux.resources.%s: invalid value %" PRId64
                         " (bytes, or -1 for unlimited)", field, v);
  return 0;
}

static int
check_weight (const char *field, bool has, uint16_t v, kr_error **err)
{
  if (has && v != 0 && (v < 10 || v > 1000))
    return kr_error_set (err, 0, "linux.resources.%s: %u out of range (10-1000)", field, v);
  return 0;
}

static int
check_memory (const oci_memory *m, bool v2, kr_error **err)
{
  int64_t swap2;

  if (check_bytes ("memory.limit", m->has_limit, m->limit, err) < 0
      || check_bytes ("memory.reservation", m->has_reservation, m->reservation, err) < 0
      || check_bytes ("memory.swap", m->has_swap, m->swap, err) < 0)
    return -1;
  if (m->has_swappiness && m->swappiness > 100)
    return kr_error_set (err, 0, "linux.resources.memory.swappiness: %" PRIu64
                         " out of range (0-100)", m->swappiness);
  if (m->has_swap && m->has_limit && m->swap > 0 && m->limit > 0 && m->swap < m->limit)
    return kr_error_set (err, 0, "linux.resources.memory.swap: %" PRId64
                         " is less than linux.resources.memory.limit %" PRId64
                         " (swap counts memory+swap)", m->swap, m->limit);
  if (!v2)
    return 0;
  if (kr_cg_swap_to_v2 (m->has_swap ? m->swap : 0, m->has_limit ? m->limit : 0, &swap2, err) < 0)
    return -1;
  if (m->has_swappiness)
    return kr_error_set (err, 0, "linux.resources.memory.swappiness: %" PRIu64
                         ": cgroup v2 has no per-cgroup swappiness", m->swappiness);
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    return kr_error_set (err, 0, "linux.resources.memory.disableOOMKiller: true: "
                         "cgroup v2 can not disable the OOM killer");
  if (m->has_use_hierarchy && !m->use_hierarchy)
    return kr_error_set (err, 0, "linux.resources.memory.useHierarchy: false: "
                         "cgroup v2 accounting is always hierarchical");
  return 0;
}

static int
check_cpu (const oci_cpu *c, bool v2, kr_error **err)
{
  uint64_t bits[LIST_BITS / 64];

  if (c->has_quota && c->quota < -1)
    return kr_error_set (err, 0, "linux.resources.cpu.quota: invalid value %" PRId64
                         " (microseconds, or -1 for unlimited)", c->quota);
  if (c->has_period && c->period != 0 && (c->period < 1000 || c->period > 1000000))
    return kr_error_set (err, 0, "linux.resources.cpu.period: %" PRIu64
                         " out of range (1000-1000000 microseconds)", c->period);
  if (c->has_burst && c->has_quota && c->quota > 0 && c->burst > (uint64_t) c->quota)
    return kr_error_set (err, 0, "linux.resources.cpu.burst: %" PRIu64
                         " is larger than linux.resources.cpu.quota %" PRId64, c->burst, c->quota);
  if (c->has_realtime_runtime && c->realtime_runtime < -1)
    return kr_error_set (err, 0, "linux.resources.cpu.realtimeRuntime: invalid value %" PRId64
                         " (microseconds, or -1 for unlimited)", c->realtime_runtime);
  if (c->has_idle && c->idle != 0 && c->idle != 1)
    return kr_error_set (err, 0, "linux.resources.cpu.idle: %" PRId64 " (must be 0 or 1)", c->idle);
  if (c->cpus && *c->cpus && kr_cg_parse_list (c->cpus, bits, LIST_BITS) < 0)
    return kr_error_set (err, 0, "linux.resources.cpu.cpus: invalid cpu list \"%s\"", c->cpus);
  if (c->mems && *c->mems && kr_cg_parse_list (c->mems, bits, LIST_BITS) < 0)
    return kr_error_set (err, 0, "linux.resources.cpu.mems: invalid memory node list \"%s\"", c->mems);
  if (v2 && c->has_realtime_runtime && c->realtime_runtime != 0)
    return kr_error_set (err, 0, "linux.resources.cpu.realtimeRuntime: %" PRId64
                         ": cgroup v2 has no realtime group scheduling", c->realtime_runtime);
  if (v2 && c->has_realtime_period && c->realtime_period != 0)
    return kr_error_set (err, 0, "linux.resources.cpu.realtimePeriod: %" PRIu64
                         ": cgroup v2 has no realtime group scheduling", c->realtime_period);
  return 0;
}

static int
check_devices (const char *name, const oci_throttle_device *d, size_t n, kr_error **err)
{
  for (size_t i = 0; i < n; i++)
    if (d[i].major < 0 || d[i].minor < 0)
      return kr_error_set (err, 0, "linux.resources.blockIO.%s[%zu]: invalid device %" PRId64
                           ":%" PRId64, name, i, d[i].major, d[i].minor);
  return 0;
}

static int
check_block_io (const oci_block_io *b, bool v2, kr_error **err)
{
  char field[64];

  if (check_weight ("blockIO.weight", b->has_weight, b->weight, err) < 0
      || check_weight ("blockIO.leafWeight", b->has_leaf_weight, b->leaf_weight, err) < 0)
    return -1;
  if (v2 && b->has_leaf_weight && b->leaf_weight != 0)
    return kr_error_set (err, 0, "linux.resources.blockIO.leafWeight: %u: cgroup v2 has no leaf weight",
                         b->leaf_weight);
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const oci_weight_device *w = &b->weight_device[i];
      if (w->major < 0 || w->minor < 0)
        return kr_error_set (err, 0, "linux.resources.blockIO.weightDevice[%zu]: invalid device %"
                             PRId64 ":%" PRId64, i, w->major, w->minor);
      snprintf (field, sizeof field, "blockIO.weightDevice[%zu].weight", i);
      if (check_weight (field, w->has_weight, w->weight, err) < 0)
        return -1;
      snprintf (field, sizeof field, "blockIO.weightDevice[%zu].leafWeight", i);
      if (check_weight (field, w->has_leaf_weight, w->leaf_weight, err) < 0)
        return -1;
      if (v2 && w->has_leaf_weight && w->leaf_weight != 0)
        return kr_error_set (err, 0, "linux.resources.%s: %u: cgroup v2 has no leaf weight",
                             field, w->leaf_weight);
    }
  if (check_devices ("throttleReadBpsDevice", b->throttle_read_bps_device,
                     b->throttle_read_bps_device_len, err) < 0
      || check_devices ("throttleWriteBpsDevice", b->throttle_write_bps_device,
                        b->throttle_write_bps_device_len, err) < 0
      || check_devices ("throttleReadIOPSDevice", b->throttle_read_iops_device,
                        b->throttle_read_iops_device_len, err) < 0
      || check_devices ("throttleWriteIOPSDevice", b->throttle_write_iops_device,
                        b->throttle_write_iops_device_len, err) < 0)
    return -1;
  return 0;
}

static int
check_unified (const oci_kv *u, size_t n, bool v2, kr_error **err)
{
  if (n == 0)
    return 0;
  if (!v2)
    return kr_error_set (err, 0, "linux.resources.unified: cgroup v2 keys (\"%s\"), but this host "
                         "has cgroup v1 controllers: not supported", u[0].key);
  for (size_t i = 0; i < n; i++)
    {
      const char *k = u[i].key;
      if (*k == '\0' || strchr (k, '/') || strcmp (k, ".") == 0 || strcmp (k, "..") == 0)
        return kr_error_set (err, 0, "linux.resources.unified: key \"%s\" is not a cgroup file name", k);
      if (strchr (k, '.') == NULL)
        return kr_error_set (err, 0, "linux.resources.unified: key \"%s\" is not of the form "
                             "CONTROLLER.PARAMETER", k);
    }
  return 0;
}

int
kr_cg_check_resources (const oci_resources *r, bool v2, kr_error **err)
{
  if (r == NULL)
    return 0;
  if (r->memory && check_memory (r->memory, v2, err) < 0)
    return -1;
  if (r->cpu && check_cpu (r->cpu, v2, err) < 0)
    return -1;
  if (r->block_io && check_block_io (r->block_io, v2, err) < 0)
    return -1;
  if (r->pids && r->pids->has_limit && r->pids->limit < -1)
    return kr_error_set (err, 0, "linux.resources.pids.limit: invalid value %" PRId64
                         " (-1 for unlimited)", r->pids->limit);
  for (size_t i = 0; i < r->hugepage_limits_len; i++)
    if (kr_cg_page_size_kb (r->hugepage_limits[i].page_size) == 0)
      return kr_error_set (err, 0, "linux.resources.hugepageLimits[%zu].pageSize: invalid \"%s\"",
                           i, r->hugepage_limits[i].page_size ? r->hugepage_limits[i].page_size : "");
  if (v2 && r->network && ((r->network->has_class_id && r->network->class_id != 0)
                           || r->network->priorities_len > 0))
    return kr_error_set (err, 0, "linux.resources.network: net_cls and net_prio are cgroup v1 "
                         "controllers; this host has cgroup v2");
  for (size_t i = 0; i < r->rdma_len; i++)
    if (!r->rdma[i].has_hca_handles && !r->rdma[i].has_hca_objects)
      return kr_error_set (err, 0, "linux.resources.rdma.%s: needs hcaHandles or hcaObjects",
                           r->rdma[i].key);
  return check_unified (r->unified, r->unified_len, v2, err);
}

bool
kr_cgroup_resources_set (const oci_resources *r)
{
  return r && (r->memory || r->cpu || r->pids || r->block_io || r->hugepage_limits_len
               || r->network || r->rdma_len || r->unified_len);
}
