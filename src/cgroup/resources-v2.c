/* linux.resources on cgroup v2: every file in the one leaf, the v1-style
 * values converted (convert.c), in runc's order; unified last, so that its
 * keys win over a converted value. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/resources-internal.h"
#include "base/log.h"
#include "base/util.h"

typedef struct leaf
{
  int fd;
  char dir[PATH_MAX];
} leaf;

/* On a missing file, say whether its controller is the reason: the parent
 * does not delegate it, or the kernel lacks it. */
static int
put (const leaf *l, const char *file, const char *value, const char *field, int *errnum,
     kr_error **err)
{
  _cleanup_free_ char *avail = NULL;
  char controller[64];
  int e = 0;

  if (kr_cg_res_write (l->fd, l->dir, file, value, field, &e, err) == 0)
    return 0;
  if (errnum)
    *errnum = e;
  if (e != ENOENT)
    return -1;
  snprintf (controller, sizeof controller, "%.*s", (int) strcspn (file, "."), file);
  if (strcmp (controller, "cgroup") == 0 || kr_cg_read_at (l->fd, "cgroup.controllers", &avail, NULL) < 0)
    return -1;
  avail[strcspn (avail, "\n")] = '\0';
  for (char *save = NULL, *t = strtok_r (avail, " ", &save); t; t = strtok_r (NULL, " ", &save))
    if (strcmp (t, controller) == 0)
      return -1;
  return kr_error_set (err, 0, "linux.resources.%s: the %s controller is not available in %s "
                       "(cgroup.controllers: \"%s\")", field, controller, l->dir, avail);
}

static int
put_u64 (const leaf *l, const char *file, uint64_t v, const char *field, int *errnum, kr_error **err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%" PRIu64, v);
  return put (l, file, buf, field, errnum, err);
}

/* ------------------------------------------------------------------ memory */

/* checkBeforeUpdate: v2 does not refuse a limit below the usage (it OOM
 * kills): refuse it here, as runc does, on a best-effort read. */
static int
check_usage (const leaf *l, int64_t limit, int64_t swap, kr_error **err)
{
  _cleanup_free_ char *s = NULL;
  uint64_t usage;

  if (limit <= 0 && swap <= 0)
    return 0;
  if (kr_cg_read_at (l->fd, "memory.current", &s, NULL) < 0)
    return 0;
  usage = strtoull (s, NULL, 10);
  if (swap > 0 && (uint64_t) swap <= usage)
    return kr_error_set (err, 0, "linux.resources.memory.swap: rejecting memory+swap limit %" PRId64
                         " <= usage %" PRIu64 " (checkBeforeUpdate)", swap, usage);
  if (limit > 0 && (uint64_t) limit <= usage)
    return kr_error_set (err, 0, "linux.resources.memory.limit: rejecting memory limit %" PRId64
                         " <= usage %" PRIu64 " (checkBeforeUpdate)", limit, usage);
  return 0;
}

static int
v2_memory (const leaf *l, const oci_memory *m, kr_error **err)
{
  int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
  int64_t reservation = m->has_reservation ? m->reservation : 0, swap2;
  char val[32];
  int e = 0;

  if (m->has_kernel || m->has_kernel_tcp)
    kr_log ("warning", "linux.resources.memory.kernel and kernelTCP are deprecated by the runtime spec and ignored");
  if (limit == 0 && swap == 0 && reservation == 0)
    return 0;
  if (m->has_check_before_update && m->check_before_update && check_usage (l, limit, swap, err) < 0)
    return -1;
  if (kr_cg_swap_to_v2 (swap, limit, &swap2, err) < 0)
    return -1;
  /* Never "" to memory.swap.max: the kernel reads it as 0. */
  if (swap2 != 0 || swap > 0)
    {
      kr_cg_v2_bytes (swap2, val, sizeof val);
      /* A kernel without swap accounting has no memory.swap.max: "max" and
       * "0" are what it does anyway. */
      if (put (l, "memory.swap.max", val, "memory.swap", &e, err) < 0
          && !(e == ENOENT && (swap2 == -1 || swap2 == 0)))
        return -1;
    }
  if (limit != 0)
    {
      kr_cg_v2_bytes (limit, val, sizeof val);
      if (put (l, "memory.max", val, "memory.limit", NULL, err) < 0)
        return -1;
    }
  if (reservation != 0)
    {
      kr_cg_v2_bytes (reservation, val, sizeof val);
      if (put (l, "memory.low", val, "memory.reservation", NULL, err) < 0)
        return -1;
    }
  return 0;
}

/* ------------------------------------------------------------------ io */

static int
throttle (const leaf *l, const char *key, const char *name, const oci_throttle_device *d, size_t n,
          kr_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      char val[96], field[64];
      snprintf (val, sizeof val, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d[i].major, d[i].minor, key,
                d[i].rate);
      snprintf (field, sizeof field, "blockIO.%s[%zu]", name, i);
      if (put (l, "io.max", val, field, NULL, err) < 0)
        return -1;
    }
  return 0;
}

static int
v2_io (const leaf *l, const oci_block_io *b, kr_error **err)
{
  bool bfq = false, bfq_devices = false;

  if (!kr_cg_block_io_set (b))
    return 0;
  /* BFQ takes blkio's own scale; without it io.weight takes the converted
   * value.  A BFQ file that reads "default N" takes per-device lines. */
  if ((b->has_weight && b->weight) || b->weight_device_len)
    {
      _cleanup_free_ char *s = NULL;
      _cleanup_error_ kr_error *e = NULL;
      if (kr_cg_read_at (l->fd, "io.bfq.weight", &s, &e) == 0)
        {
          bfq = true;
          bfq_devices = strncmp (s, "default", 7) == 0;
        }
      else if (e->errnum != ENOENT)
        return kr_error_set (err, e->errnum, "linux.resources.blockIO: read %s/io.bfq.weight", l->dir);
    }
  if (b->has_weight && b->weight)
    {
      if (bfq ? put_u64 (l, "io.bfq.weight", b->weight, "blockIO.weight", NULL, err) < 0
              : put_u64 (l, "io.weight", kr_cg_blkio_to_io_weight (b->weight), "blockIO.weight", NULL,
                         err) < 0)
        return -1;
    }
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const oci_weight_device *w = &b->weight_device[i];
      char val[96], field[64];
      if (!w->has_weight || w->weight == 0)
        continue;
      /* runc skips the device weights without BFQ; io.weight takes them
       * too, on its own scale, so they are converted instead of lost. */
      snprintf (val, sizeof val, "%" PRId64 ":%" PRId64 " %" PRIu64, w->major, w->minor,
                bfq_devices ? w->weight : kr_cg_blkio_to_io_weight (w->weight));
      snprintf (field, sizeof field, "blockIO.weightDevice[%zu].weight", i);
      if (put (l, bfq_devices ? "io.bfq.weight" : "io.weight", val, field, NULL, err) < 0)
        return -1;
    }
  return throttle (l, "rbps", "throttleReadBpsDevice", b->throttle_read_bps_device,
                   b->throttle_read_bps_device_len, err) < 0
                 || throttle (l, "wbps", "throttleWriteBpsDevice", b->throttle_write_bps_device,
                              b->throttle_write_bps_device_len, err) < 0
                 || throttle (l, "riops", "throttleReadIOPSDevice", b->throttle_read_iops_device,
                              b->throttle_read_iops_device_len, err) < 0
                 || throttle (l, "wiops", "throttleWriteIOPSDevice", b->throttle_write_iops_device,
                              b->throttle_write_iops_device_len, err) < 0
             ? -1 : 0;
}

/* ------------------------------------------------------------------ cpu */

static int
v2_cpu (const leaf *l, const oci_cpu *c, kr_error **err)
{
  uint64_t weight = kr_cg_shares_to_weight (c->has_shares ? c->shares : 0);
  uint64_t period = c->has_period ? c->period : 0;
  int64_t quota = c->has_quota ? c->quota : 0;
  bool retry_burst = false;
  char val[64];
  int e = 0;

  if (c->has_idle)
    {
      snprintf (val, sizeof val, "%" PRId64, c->idle);
      if (put (l, "cpu.idle", val, "cpu.idle", NULL, err) < 0)
        return -1;
    }
  if (weight != 0 && put_u64 (l, "cpu.weight", weight, "cpu.shares", NULL, err) < 0)
    return -1;
  /* A burst above the current quota is refused (EINVAL): again after it. */
  if (c->has_burst && put_u64 (l, "cpu.max.burst", c->burst, "cpu.burst", &e, err) < 0)
    {
      if (e != EINVAL || quota == 0)
        return -1;
      retry_burst = true;
    }
  if (quota != 0 || period != 0)
    {
      kr_cg_cpu_max (quota, period, val, sizeof val);
      if (put (l, "cpu.max", val, quota != 0 ? "cpu.quota" : "cpu.period", NULL, err) < 0)
        return -1;
      if (retry_burst && put_u64 (l, "cpu.max.burst", c->burst, "cpu.burst", NULL, err) < 0)
        return -1;
    }
  if (c->cpus && *c->cpus && put (l, "cpuset.cpus", c->cpus, "cpu.cpus", NULL, err) < 0)
    return -1;
  if (c->mems && *c->mems && put (l, "cpuset.mems", c->mems, "cpu.mems", NULL, err) < 0)
    return -1;
  return 0;
}

/* ------------------------------------------------------------------ the rest */

static int
v2_hugetlb (const leaf *l, const oci_hugepage_limit *h, size_t n, kr_error **err)
{
  bool rsvd = true;

  for (size_t i = 0; i < n; i++)
    {
      char file[96], field[64];
      int e = 0;
      snprintf (field, sizeof field, "hugepageLimits[%zu].limit", i);
      snprintf (file, sizeof file, "hugetlb.%s.max", h[i].page_size);
      if (put_u64 (l, file, h[i].limit, field, NULL, err) < 0)
        return -1;
      snprintf (file, sizeof file, "hugetlb.%s.rsvd.max", h[i].page_size);
      if (rsvd && put_u64 (l, file, h[i].limit, field, &e, err) < 0)
        {
          if (e != ENOENT)
            return -1;
          rsvd = false;
        }
    }
  return 0;
}

static int
v2_unified (const leaf *l, const oci_kv *u, size_t n, kr_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *copy = strdup (u[i].value ? u[i].value : "");
      char field[300];

      if (copy == NULL)
        return kr_error_set (err, ENOMEM, "linux.resources.unified");
      snprintf (field, sizeof field, "unified[\"%s\"]", u[i].key);
      /* A value of several lines (io.max for two devices) is one write a
       * line: the kernel parses one line a write. */
      for (char *save = NULL, *line = strtok_r (copy, "\n", &save); line;
           line = strtok_r (NULL, "\n", &save))
        if (put (l, u[i].key, line, field, NULL, err) < 0)
          return -1;
      if (copy[0] == '\0' && put (l, u[i].key, "", field, NULL, err) < 0)
        return -1;
    }
  return 0;
}

int
kr_cg_v2_apply_resources (kr_cgroup *cg, const oci_resources *r, kr_error **err)
{
  leaf l;

  if (cg->n == 0 || kr_cg_open_leaf (&cg->h[0], err) < 0)
    return kr_error_prefix (err, "linux.resources");
  l.fd = cg->h[0].fd;
  kr_cg_hier_dir (&cg->h[0], l.dir, sizeof l.dir);

  if (r->pids && r->pids->has_limit)
    {
      char val[32];
      kr_cg_pids_max (r->pids->limit, val, sizeof val);
      if (put (&l, "pids.max", val, "pids.limit", NULL, err) < 0)
        return -1;
    }
  if (r->memory && v2_memory (&l, r->memory, err) < 0)
    return -1;
  if (r->block_io && v2_io (&l, r->block_io, err) < 0)
    return -1;
  if (r->cpu && v2_cpu (&l, r->cpu, err) < 0)
    return -1;
  if (v2_hugetlb (&l, r->hugepage_limits, r->hugepage_limits_len, err) < 0)
    return -1;
  for (size_t i = 0; i < r->rdma_len; i++)
    {
      char val[192], field[96];
      kr_cg_rdma_line (&r->rdma[i], val, sizeof val);
      snprintf (field, sizeof field, "rdma.%s", r->rdma[i].key);
      if (put (&l, "rdma.max", val, field, NULL, err) < 0)
        return -1;
    }
  return v2_unified (&l, r->unified, r->unified_len, err);
}
