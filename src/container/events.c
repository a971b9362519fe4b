/* `events`: the container's cgroup statistics as runc's JSON event (the
 * field names of runc's types/events.go, which containerd's shim decodes),
 * and the wait for OOM kills and for the container's end. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cgroup/cgroup.h"
#include "container/container.h"
#include "base/id.h"
#include "container/pidfd.h"
#include "base/json.h"
#include "base/util.h"

struct kr_events
{
  char *id;
  kr_cgroup *cg;
  int pidfd;
  kr_cg_oom *oom;
};

int
kr_events_open (const char *root, const char *id, bool watch, kr_events **out, kr_error **err)
{
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ kr_state *st = NULL;
  kr_events *ev;

  /* No lock: events runs as long as the container does. */
  if (kr_state_open_container (root, id, false, &dirfd, &st, err) < 0)
    return -1;
  if (kr_state_status (dirfd, st) == KR_STATUS_STOPPED)
    return kr_error_set (err, 0, "container with id %s is not running", id);
  ev = calloc (1, sizeof *ev);
  if (ev == NULL || (ev->id = strdup (id)) == NULL)
    {
      free (ev);
      return kr_error_set (err, errno, "events");
    }
  ev->pidfd = -1;
  if (kr_state_cgroup_load (dirfd, st, &ev->cg, err) < 0)
    goto fail;
  if (watch
      && (kr_pidfd_open_init (st, &ev->pidfd, err) < 0
          || kr_cgroup_oom_watch (ev->cg, &ev->oom, err) < 0))
    goto fail;
  *out = ev;
  return 0;
fail:
  kr_events_free (ev);
  return -1;
}

void
kr_events_free (kr_events *ev)
{
  if (ev == NULL)
    return;
  kr_cg_oom_free (ev->oom);
  kr_cgroup_free (ev->cg);
  if (ev->pidfd >= 0)
    close (ev->pidfd);
  free (ev->id);
  free (ev);
}

/* ------------------------------------------------------------------ JSON */

static void
key (yajl_gen g, const char *k)
{
  yajl_gen_string (g, (const unsigned char *) k, strlen (k));
}

static void
str (yajl_gen g, const char *k, const char *v)
{
  key (g, k);
  yajl_gen_string (g, (const unsigned char *) v, strlen (v));
}

/* Go's uint64 goes past yajl's long long. */
static void
u64 (yajl_gen g, const char *k, uint64_t v)
{
  char buf[24];
  int n = snprintf (buf, sizeof buf, "%" PRIu64, v);
  if (k)
    key (g, k);
  yajl_gen_number (g, buf, n);
}

/* Go's `omitempty` on a number. */
static void
u64_opt (yajl_gen g, const char *k, uint64_t v)
{
  if (v)
    u64 (g, k, v);
}

static void
u64s_opt (yajl_gen g, const char *k, const kr_cg_u64s *a)
{
  if (a->n == 0)
    return;
  key (g, k);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < a->n; i++)
    u64 (g, NULL, a->v[i]);
  yajl_gen_array_close (g);
}

/* MemoryEntry, written even when all zero, as runc 1.2 and 1.3 (where the
 * cgroup manager has no kernel or kernelTCP figures too); runc 1.4+ drops
 * it (`omitzero`). */
static void
mem_entry (yajl_gen g, const char *k, const kr_cg_mem_entry *e)
{
  key (g, k);
  yajl_gen_map_open (g);
  u64 (g, "limit", e->limit);
  u64_opt (g, "usage", e->usage);
  u64_opt (g, "max", e->max);
  u64 (g, "failcnt", e->failcnt);
  yajl_gen_map_close (g);
}

static void
gen_cpu (yajl_gen g, const kr_cgroup_stats *s)
{
  /* usage and throttling even when zero, as runc 1.2 and 1.3 (omitempty
   * never drops a Go struct); runc 1.4+ drops them (omitzero). */
  key (g, "cpu");
  yajl_gen_map_open (g);
  key (g, "usage");
  yajl_gen_map_open (g);
  u64_opt (g, "total", s->cpu.total);
  u64s_opt (g, "percpu", &s->cpu.percpu);
  u64s_opt (g, "percpu_kernel", &s->cpu.percpu_kernel);
  u64s_opt (g, "percpu_user", &s->cpu.percpu_user);
  u64 (g, "kernel", s->cpu.kernel);
  u64 (g, "user", s->cpu.user);
  yajl_gen_map_close (g);
  key (g, "throttling");
  yajl_gen_map_open (g);
  u64_opt (g, "periods", s->cpu.periods);
  u64_opt (g, "throttledPeriods", s->cpu.throttled_periods);
  u64_opt (g, "throttledTime", s->cpu.throttled_time);
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
}

static void
gen_cpuset (yajl_gen g, const kr_cgroup_stats *s)
{
  char buf[24];
  int n;

  key (g, "cpuset");
  yajl_gen_map_open (g);
  u64s_opt (g, "cpus", &s->cpuset.cpus);
  u64 (g, "cpu_exclusive", s->cpuset.cpu_exclusive);
  u64s_opt (g, "mems", &s->cpuset.mems);
  u64 (g, "mem_hardwall", s->cpuset.mem_hardwall);
  u64 (g, "mem_exclusive", s->cpuset.mem_exclusive);
  u64 (g, "memory_migrate", s->cpuset.memory_migrate);
  u64 (g, "memory_spread_page", s->cpuset.memory_spread_page);
  u64 (g, "memory_spread_slab", s->cpuset.memory_spread_slab);
  u64 (g, "memory_pressure", s->cpuset.memory_pressure);
  u64 (g, "sched_load_balance", s->cpuset.sched_load_balance);
  key (g, "sched_relax_domain_level");
  n = snprintf (buf, sizeof buf, "%" PRId64, s->cpuset.sched_relax_domain_level);
  yajl_gen_number (g, buf, n);
  yajl_gen_map_close (g);
}

static void
gen_memory (yajl_gen g, const kr_cgroup_stats *s)
{
  key (g, "memory");
  yajl_gen_map_open (g);
  u64_opt (g, "cache", s->memory.cache);
  mem_entry (g, "usage", &s->memory.usage);
  mem_entry (g, "swap", &s->memory.swap);
  mem_entry (g, "kernel", &s->memory.kernel);
  mem_entry (g, "kernelTCP", &s->memory.kernel_tcp);
  if (s->memory.n_raw)
    {
      key (g, "raw");
      yajl_gen_map_open (g);
      for (size_t i = 0; i < s->memory.n_raw; i++)
        u64 (g, s->memory.raw[i].key, s->memory.raw[i].value);
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
}

static void
gen_blkio (yajl_gen g, const kr_cgroup_stats *s)
{
  static const char *const names[KR_BLKIO_N] = {
    [KR_BLKIO_SERVICE_BYTES] = "ioServiceBytesRecursive",
    [KR_BLKIO_SERVICED] = "ioServicedRecursive",
    [KR_BLKIO_QUEUED] = "ioQueueRecursive", /* sic, runc's tag */
    [KR_BLKIO_SERVICE_TIME] = "ioServiceTimeRecursive",
    [KR_BLKIO_WAIT_TIME] = "ioWaitTimeRecursive",
    [KR_BLKIO_MERGED] = "ioMergedRecursive",
    [KR_BLKIO_TIME] = "ioTimeRecursive",
    [KR_BLKIO_SECTORS] = "sectorsRecursive",
  };

  key (g, "blkio");
  yajl_gen_map_open (g);
  for (int t = 0; t < KR_BLKIO_N; t++)
    {
      if (s->blkio[t].n == 0)
        continue;
      key (g, names[t]);
      yajl_gen_array_open (g);
      for (size_t i = 0; i < s->blkio[t].n; i++)
        {
          const kr_cg_blkio_entry *e = &s->blkio[t].v[i];
          yajl_gen_map_open (g);
          u64_opt (g, "major", e->major);
          u64_opt (g, "minor", e->minor);
          if (e->op[0])
            str (g, "op", e->op);
          u64_opt (g, "value", e->value);
          yajl_gen_map_close (g);
        }
      yajl_gen_array_close (g);
    }
  yajl_gen_map_close (g);
}

static void
gen_stats (yajl_gen g, const kr_cgroup_stats *s)
{
  yajl_gen_map_open (g);
  gen_cpu (g, s);
  gen_cpuset (g, s);
  gen_memory (g, s);
  key (g, "pids");
  yajl_gen_map_open (g);
  u64_opt (g, "current", s->pids.current);
  u64_opt (g, "limit", s->pids.limit);
  yajl_gen_map_close (g);
  gen_blkio (g, s);
  key (g, "hugetlb");
  yajl_gen_map_open (g);
  for (size_t i = 0; i < s->n_hugetlb; i++)
    {
      key (g, s->hugetlb[i].pagesize);
      yajl_gen_map_open (g);
      u64_opt (g, "usage", s->hugetlb[i].usage);
      u64_opt (g, "max", s->hugetlb[i].max);
      u64 (g, "failcnt", s->hugetlb[i].failcnt);
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
  /* No Intel RDT, no network interfaces: what runc prints without them. */
  key (g, "intel_rdt");
  yajl_gen_map_open (g);
  yajl_gen_map_close (g);
  key (g, "network_interfaces");
  yajl_gen_null (g);
  yajl_gen_map_close (g);
}

static char *
event_json (const char *type, const char *id, const kr_cgroup_stats *s, kr_error **err)
{
  yajl_gen g = kr_json_gen (NULL, "generate event JSON", err);

  if (g == NULL)
    return NULL;
  yajl_gen_map_open (g);
  str (g, "type", type);
  str (g, "id", id);
  if (s)
    {
      key (g, "data");
      gen_stats (g, s);
    }
  yajl_gen_map_close (g);
  return kr_json_finish (g, "generate event JSON", err);
}

char *
kr_events_stats_json (kr_events *ev, kr_error **err)
{
  kr_cgroup_stats s;
  char *out;

  if (kr_cgroup_stats_read (ev->cg, &s, err) < 0)
    {
      kr_error_prefix (err, "unable to get container cgroup stats");
      return NULL;
    }
  out = event_json ("stats", ev->id, &s, err);
  kr_cgroup_stats_clear (&s);
  return out;
}

char *
kr_events_oom_json (kr_events *ev, kr_error **err)
{
  return event_json ("oom", ev->id, NULL, err);
}

/* ------------------------------------------------------------------ wait */

int
kr_events_wait (kr_events *ev, int timeout_ms, unsigned *ooms, bool *ended, kr_error **err)
{
  struct pollfd p[2];
  bool gone = false;
  int r;

  *ooms = 0;
  *ended = false;
  if (ev->oom == NULL || ev->pidfd < 0)
    return kr_error_set (err, EINVAL, "events: not watching");
  p[0] = (struct pollfd) { .fd = ev->pidfd, .events = POLLIN };
  p[1] = (struct pollfd) { .fd = kr_cg_oom_fd (ev->oom), .events = POLLIN };
  do
    r = poll (p, 2, timeout_ms);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return kr_error_set (err, errno, "poll");
  /* The OOM kill is counted before its victim dies: reading the counter
   * after init's exit was seen never loses the OOM that killed it. */
  if (kr_cg_oom_check (ev->oom, ooms, &gone, err) < 0)
    return -1;
  *ended = gone || (p[0].revents & (POLLIN | POLLHUP)) != 0;
  return 0;
}
