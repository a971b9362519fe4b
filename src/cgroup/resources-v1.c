/* linux.resources on cgroup v1: one hierarchy per controller, the files
 * and the order of runc's cgroupfs driver. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/resources-internal.h"
#include "base/log.h"
#include "base/util.h"

/* The controller's hierarchy, its leaf open, its directory name in DIR; an
 * error naming FIELD when the host does not mount it. */
static kr_cg_hier *
need (kr_cgroup *cg, const char *controller, const char *field, char *dir, size_t size,
      kr_error **err)
{
  kr_cg_hier *h = kr_cg_find (cg, controller);

  if (h == NULL)
    {
      kr_error_set (err, 0, "linux.resources.%s: the %s cgroup controller is not mounted on this host",
                    field, controller);
      return NULL;
    }
  if (kr_cg_open_leaf (h, err) < 0)
    {
      kr_error_prefix (err, "linux.resources.%s", field);
      return NULL;
    }
  kr_cg_hier_dir (h, dir, size);
  return h;
}

/* A number written as FMT formats it (put_i64, put_u64). */
static int __attribute__ ((format (printf, 7, 8)))
put_num (int fd, const char *dir, const char *file, const char *field, int *errnum,
         kr_error **err, const char *fmt, ...)
{
  char buf[32];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  return kr_cg_res_write (fd, dir, file, buf, field, errnum, err);
}

#define put_i64(fd, dir, file, v, field, errnum, err)                                              \
  put_num (fd, dir, file, field, errnum, err, "%" PRId64, (int64_t) (v))
#define put_u64(fd, dir, file, v, field, errnum, err)                                              \
  put_num (fd, dir, file, field, errnum, err, "%" PRIu64, (uint64_t) (v))

static int
read_u64 (int fd, const char *file, uint64_t *v, kr_error **err)
{
  _cleanup_free_ char *s = NULL;
  if (kr_cg_read_at (fd, file, &s, err) < 0)
    return -1;
  *v = strtoull (s, NULL, 10);
  return 0;
}

/* ------------------------------------------------------------------ memory */

static int
set_limit (int fd, const char *dir, int64_t v, kr_error **err)
{
  uint64_t usage = 0, peak = 0;
  int e = 0;

  if (v == 0)
    return 0;
  if (put_i64 (fd, dir, "memory.limit_in_bytes", v, "memory.limit", &e, err) == 0)
    return 0;
  if (e != EBUSY)
    return -1;
  /* The kernel could not reclaim down to the new limit. */
  read_u64 (fd, "memory.usage_in_bytes", &usage, NULL);
  read_u64 (fd, "memory.max_usage_in_bytes", &peak, NULL);
  return kr_error_set (err, 0, "linux.resources.memory.limit: unable to set %" PRId64
                       " (current usage: %" PRIu64 ", peak usage: %" PRIu64 ")", v, usage, peak);
}

static int
set_swap (int fd, const char *dir, int64_t v, kr_error **err)
{
  if (v == 0)
    return 0;
  return put_i64 (fd, dir, "memory.memsw.limit_in_bytes", v, "memory.swap", NULL, err);
}

static int
v1_memory (kr_cgroup *cg, const oci_memory *m, kr_error **err)
{
  int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
  int64_t reservation = m->has_reservation ? m->reservation : 0;
  bool oom_off = m->has_disable_oom_killer && m->disable_oom_killer;
  char dir[PATH_MAX];
  kr_cg_hier *h;

  if (m->has_kernel || m->has_kernel_tcp)
    kr_log ("warning", "linux.resources.memory.kernel and kernelTCP are deprecated by the runtime spec and ignored");
  if (limit == 0 && swap == 0 && reservation == 0 && !oom_off && !m->has_swappiness
      && !m->has_use_hierarchy)
    return 0;
  h = need (cg, "memory", "memory", dir, sizeof dir, err);
  if (h == NULL)
    return -1;

  if (limit == -1 && swap == 0 && faccessat (h->fd, "memory.memsw.limit_in_bytes", F_OK, 0) == 0)
    swap = -1;
  /* memsw must stay >= limit at every step: raise it first when it grows
   * (or goes unlimited), else lower the limit first. */
  if (limit != 0 && swap != 0)
    {
      uint64_t cur;
      if (read_u64 (h->fd, "memory.limit_in_bytes", &cur, err) < 0)
        return kr_error_prefix (err, "linux.resources.memory.limit: %s", dir);
      if (swap == -1 || cur < (uint64_t) swap)
        {
          if (set_swap (h->fd, dir, swap, err) < 0 || set_limit (h->fd, dir, limit, err) < 0)
            return -1;
          goto rest;
        }
    }
  if (set_limit (h->fd, dir, limit, err) < 0 || set_swap (h->fd, dir, swap, err) < 0)
    return -1;

rest:
  if (reservation != 0
      && put_i64 (h->fd, dir, "memory.soft_limit_in_bytes", reservation, "memory.reservation", NULL,
                  err) < 0)
    return -1;
  if (oom_off
      && kr_cg_res_write (h->fd, dir, "memory.oom_control", "1", "memory.disableOOMKiller", NULL, err) < 0)
    return -1;
  if (m->has_swappiness
      && put_u64 (h->fd, dir, "memory.swappiness", m->swappiness, "memory.swappiness", NULL, err) < 0)
    return -1;
  /* runc ignores it; a kernel that can not honour it (5.16 and later: always
   * hierarchical) refuses a 0, and that is reported. */
  if (m->has_use_hierarchy
      && kr_cg_res_write (h->fd, dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0",
                          "memory.useHierarchy", NULL, err) < 0)
    return -1;
  return 0;
}

/* ------------------------------------------------------------------ cpu */

static int
v1_cpu_rt (int fd, const char *dir, const oci_cpu *c, kr_error **err)
{
  uint64_t period = c->has_realtime_period ? c->realtime_period : 0;
  int64_t runtime = c->has_realtime_runtime ? c->realtime_runtime : 0;
  bool retry = false;
  int e = 0;

  /* A new period can be refused against the current runtime: runc then
   * writes the runtime and the period again. */
  if (period != 0
      && put_u64 (fd, dir, "cpu.rt_period_us", period, "cpu.realtimePeriod", &e, err) < 0)
    {
      if (e != EINVAL || runtime == 0)
        return -1;
      retry = true;
    }
  if (runtime != 0)
    {
      if (put_i64 (fd, dir, "cpu.rt_runtime_us", runtime, "cpu.realtimeRuntime", NULL, err) < 0)
        return -1;
      if (retry && put_u64 (fd, dir, "cpu.rt_period_us", period, "cpu.realtimePeriod", NULL, err) < 0)
        return -1;
    }
  return 0;
}

static int
v1_cpu (kr_cgroup *cg, const oci_cpu *c, kr_error **err)
{
  uint64_t shares = c->has_shares ? c->shares : 0, period = c->has_period ? c->period : 0;
  int64_t quota = c->has_quota ? c->quota : 0;
  bool retry_period = false, retry_burst = false;
  char dir[PATH_MAX];
  kr_cg_hier *h;
  int e = 0;

  if (shares == 0 && period == 0 && quota == 0 && !c->has_burst && !c->has_idle
      && !(c->has_realtime_period && c->realtime_period) && !(c->has_realtime_runtime && c->realtime_runtime))
    return 0;
  h = need (cg, "cpu", "cpu", dir, sizeof dir, err);
  if (h == NULL)
    return -1;

  if (shares != 0)
    {
      uint64_t got;
      if (put_u64 (h->fd, dir, "cpu.shares", shares, "cpu.shares", NULL, err) < 0)
        return -1;
      /* The kernel clamps silently: say so, as runc does. */
      if (read_u64 (h->fd, "cpu.shares", &got, err) < 0)
        return kr_error_prefix (err, "linux.resources.cpu.shares: %s", dir);
      if (got != shares)
        return kr_error_set (err, 0, "linux.resources.cpu.shares: %" PRIu64 ": the %s allowed is %" PRIu64,
                             shares, shares > got ? "maximum" : "minimum", got);
    }
  /* period, burst and quota constrain each other: what the kernel refuses
   * against the current values (EINVAL) is written again after the quota. */
  if (period != 0 && put_u64 (h->fd, dir, "cpu.cfs_period_us", period, "cpu.period", &e, err) < 0)
    {
      if (e != EINVAL || quota == 0)
        return -1;
      retry_period = true;
    }
  if (c->has_burst && put_u64 (h->fd, dir, "cpu.cfs_burst_us", c->burst, "cpu.burst", &e, err) < 0)
    {
      if (e != EINVAL || quota == 0)
        return -1;
      retry_burst = true;
    }
  if (quota != 0)
    {
      if (put_i64 (h->fd, dir, "cpu.cfs_quota_us", quota, "cpu.quota", NULL, err) < 0)
        return -1;
      if (retry_period && put_u64 (h->fd, dir, "cpu.cfs_period_us", period, "cpu.period", NULL, err) < 0)
        return -1;
      if (retry_burst && put_u64 (h->fd, dir, "cpu.cfs_burst_us", c->burst, "cpu.burst", NULL, err) < 0)
        return -1;
    }
  if (c->has_idle && put_i64 (h->fd, dir, "cpu.idle", c->idle, "cpu.idle", NULL, err) < 0)
    return -1;
  return v1_cpu_rt (h->fd, dir, c, err);
}

static int
v1_cpuset (kr_cgroup *cg, const oci_cpu *c, kr_error **err)
{
  bool cpus = c->cpus && *c->cpus, mems = c->mems && *c->mems;
  char dir[PATH_MAX];
  kr_cg_hier *h;

  if (!cpus && !mems)
    return 0;
  h = need (cg, "cpuset", cpus ? "cpu.cpus" : "cpu.mems", dir, sizeof dir, err);
  if (h == NULL)
    return -1;
  if (cpus && kr_cg_res_write (h->fd, dir, "cpuset.cpus", c->cpus, "cpu.cpus", NULL, err) < 0)
    return -1;
  if (mems && kr_cg_res_write (h->fd, dir, "cpuset.mems", c->mems, "cpu.mems", NULL, err) < 0)
    return -1;
  return 0;
}

/* ------------------------------------------------------------------ the rest */

static int
v1_pids (kr_cgroup *cg, const oci_pids *p, kr_error **err)
{
  char dir[PATH_MAX], val[32];
  kr_cg_hier *h;

  if (!p->has_limit)
    return 0;
  h = need (cg, "pids", "pids.limit", dir, sizeof dir, err);
  if (h == NULL)
    return -1;
  kr_cg_pids_max (p->limit, val, sizeof val);
  return kr_cg_res_write (h->fd, dir, "pids.max", val, "pids.limit", NULL, err);
}

static int
throttle (int fd, const char *dir, const char *file, const char *name, const oci_throttle_device *d,
          size_t n, kr_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      char val[96], field[64];
      snprintf (val, sizeof val, "%" PRId64 ":%" PRId64 " %" PRIu64, d[i].major, d[i].minor, d[i].rate);
      snprintf (field, sizeof field, "blockIO.%s[%zu]", name, i);
      if (kr_cg_res_write (fd, dir, file, val, field, NULL, err) < 0)
        return -1;
    }
  return 0;
}

static int
v1_blkio (kr_cgroup *cg, const oci_block_io *b, kr_error **err)
{
  const char *wfile = "blkio.weight", *wdfile = "blkio.weight_device";
  char dir[PATH_MAX];
  kr_cg_hier *h;

  if (!kr_cg_block_io_set (b))
    return 0;
  h = need (cg, "blkio", "blockIO", dir, sizeof dir, err);
  if (h == NULL)
    return -1;
  /* Without CFQ (gone since 5.0) the weights are BFQ's. */
  if (faccessat (h->fd, wfile, F_OK, 0) < 0)
    {
      wfile = "blkio.bfq.weight";
      wdfile = "blkio.bfq.weight_device";
    }
  if (b->has_weight && b->weight
      && put_u64 (h->fd, dir, wfile, b->weight, "blockIO.weight", NULL, err) < 0)
    return -1;
  if (b->has_leaf_weight && b->leaf_weight
      && put_u64 (h->fd, dir, "blkio.leaf_weight", b->leaf_weight, "blockIO.leafWeight", NULL, err) < 0)
    return -1;
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const oci_weight_device *w = &b->weight_device[i];
      char val[96], field[64];
      if (w->has_weight && w->weight)
        {
          snprintf (val, sizeof val, "%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->weight);
          snprintf (field, sizeof field, "blockIO.weightDevice[%zu].weight", i);
          if (kr_cg_res_write (h->fd, dir, wdfile, val, field, NULL, err) < 0)
            return -1;
        }
      if (w->has_leaf_weight && w->leaf_weight)
        {
          snprintf (val, sizeof val, "%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->leaf_weight);
          snprintf (field, sizeof field, "blockIO.weightDevice[%zu].leafWeight", i);
          if (kr_cg_res_write (h->fd, dir, "blkio.leaf_weight_device", val, field, NULL, err) < 0)
            return -1;
        }
    }
  return throttle (h->fd, dir, "blkio.throttle.read_bps_device", "throttleReadBpsDevice",
                   b->throttle_read_bps_device, b->throttle_read_bps_device_len, err) < 0
                 || throttle (h->fd, dir, "blkio.throttle.write_bps_device", "throttleWriteBpsDevice",
                              b->throttle_write_bps_device, b->throttle_write_bps_device_len, err) < 0
                 || throttle (h->fd, dir, "blkio.throttle.read_iops_device", "throttleReadIOPSDevice",
                              b->throttle_read_iops_device, b->throttle_read_iops_device_len, err) < 0
                 || throttle (h->fd, dir, "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice",
                              b->throttle_write_iops_device, b->throttle_write_iops_device_len, err) < 0
             ? -1 : 0;
}

static int
v1_hugetlb (kr_cgroup *cg, const oci_hugepage_limit *l, size_t n, kr_error **err)
{
  bool rsvd = true;
  char dir[PATH_MAX];
  kr_cg_hier *h;

  if (n == 0)
    return 0;
  h = need (cg, "hugetlb", "hugepageLimits", dir, sizeof dir, err);
  if (h == NULL)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      char file[96], field[64];
      int e = 0;
      snprintf (field, sizeof field, "hugepageLimits[%zu].limit", i);
      snprintf (file, sizeof file, "hugetlb.%s.limit_in_bytes", l[i].page_size);
      if (put_u64 (h->fd, dir, file, l[i].limit, field, NULL, err) < 0)
        return -1;
      /* Reservations (5.7) are limited too when the kernel has them. */
      snprintf (file, sizeof file, "hugetlb.%s.rsvd.limit_in_bytes", l[i].page_size);
      if (rsvd && put_u64 (h->fd, dir, file, l[i].limit, field, &e, err) < 0)
        {
          if (e != ENOENT)
            return -1;
          rsvd = false;
        }
    }
  return 0;
}

static int
v1_network (kr_cgroup *cg, const oci_network *n, kr_error **err)
{
  char dir[PATH_MAX];
  kr_cg_hier *h;

  if (n->has_class_id && n->class_id)
    {
      h = need (cg, "net_cls", "network.classID", dir, sizeof dir, err);
      if (h == NULL || put_u64 (h->fd, dir, "net_cls.classid", n->class_id, "network.classID", NULL, err) < 0)
        return -1;
    }
  if (n->priorities_len == 0)
    return 0;
  h = need (cg, "net_prio", "network.priorities", dir, sizeof dir, err);
  if (h == NULL)
    return -1;
  for (size_t i = 0; i < n->priorities_len; i++)
    {
      char val[128], field[64];
      snprintf (val, sizeof val, "%s %" PRIu32, n->priorities[i].name, n->priorities[i].priority);
      snprintf (field, sizeof field, "network.priorities[%zu]", i);
      if (kr_cg_res_write (h->fd, dir, "net_prio.ifpriomap", val, field, NULL, err) < 0)
        return -1;
    }
  return 0;
}

int
kr_cg_v1_apply_resources (kr_cgroup *cg, const oci_resources *r, kr_error **err)
{
  if (r->cpu && v1_cpuset (cg, r->cpu, err) < 0)
    return -1;
  if (r->memory && v1_memory (cg, r->memory, err) < 0)
    return -1;
  if (r->cpu && v1_cpu (cg, r->cpu, err) < 0)
    return -1;
  if (r->pids && v1_pids (cg, r->pids, err) < 0)
    return -1;
  if (r->block_io && v1_blkio (cg, r->block_io, err) < 0)
    return -1;
  if (v1_hugetlb (cg, r->hugepage_limits, r->hugepage_limits_len, err) < 0)
    return -1;
  if (r->network && v1_network (cg, r->network, err) < 0)
    return -1;
  if (r->rdma_len)
    {
      char dir[PATH_MAX];
      kr_cg_hier *h = need (cg, "rdma", "rdma", dir, sizeof dir, err);
      if (h == NULL)
        return -1;
      for (size_t i = 0; i < r->rdma_len; i++)
        {
          char val[192], field[96];
          kr_cg_rdma_line (&r->rdma[i], val, sizeof val);
          snprintf (field, sizeof field, "rdma.%s", r->rdma[i].key);
          if (kr_cg_res_write (h->fd, dir, "rdma.max", val, field, NULL, err) < 0)
            return -1;
        }
    }
  /* kr_cg_check_resources refused unified keys already. */
  return 0;
}
