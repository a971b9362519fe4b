/* kr_cgroup_stats_read: the numbers `events` reports, from the v1 controller
 * hierarchies or from the unified leaf, converted to what runc reports
 * (nanoseconds, bytes, v1's names for v2's io.stat).  A file the host does
 * not have (an unmounted controller, memsw without swap accounting, a kernel
 * too old) leaves its values at 0; any other failure is an error. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "base/util.h"

/* Reads NAME; a missing file gives *OUT = NULL and 0. */
static int
read_opt (int dirfd, const char *name, char **out, kr_error **err)
{
  _cleanup_error_ kr_error *e = NULL;

  *out = NULL;
  if (dirfd < 0)
    return 0;
  if (kr_cg_read_at (dirfd, name, out, &e) == 0)
    return 0;
  if (e->errnum == ENOENT || e->errnum == ENODEV)
    return 0;
  if (err)
    {
      kr_error_free (err);
      *err = TAKE_PTR (e);
    }
  return -1;
}

static int
parse_u64 (const char *s, uint64_t *v)
{
  char *end;

  while (*s == ' ')
    s++;
  if (strncmp (s, "max", 3) == 0)
    {
      *v = UINT64_MAX;
      return 0;
    }
  errno = 0;
  *v = strtoull (s, &end, 10);
  if (errno != 0 || end == s)
    return -1;
  return 0;
}

/* A file holding one number ("max" is UINT64_MAX); absent: untouched. */
static int
read_u64 (int dirfd, const char *name, uint64_t *v, kr_error **err)
{
  _cleanup_free_ char *s = NULL;

  if (read_opt (dirfd, name, &s, err) < 0)
    return -1;
  if (s == NULL)
    return 0;
  if (parse_u64 (s, v) < 0)
    return kr_error_set (err, EINVAL, "%s: not a number: \"%.32s\"", name, s);
  return 0;
}

/* The value of KEY in a "key value" file; absent file or key: untouched. */
static int
read_key (int dirfd, const char *name, const char *key, uint64_t *v, kr_error **err)
{
  _cleanup_free_ char *s = NULL;
  size_t klen = strlen (key);

  if (read_opt (dirfd, name, &s, err) < 0)
    return -1;
  for (char *line = s; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    if (strncmp (line, key, klen) == 0 && line[klen] == ' ')
      return parse_u64 (line + klen + 1, v) < 0
                 ? kr_error_set (err, EINVAL, "%s: bad value of %s", name, key)
                 : 0;
  return 0;
}

static int
push_u64 (kr_cg_u64s *a, uint64_t v)
{
  uint64_t *g = realloc (a->v, (a->n + 1) * sizeof *g);
  if (g == NULL)
    return -1;
  a->v = g;
  a->v[a->n++] = v;
  return 0;
}

static int
fd_of (kr_cgroup *cg, const char *controller)
{
  kr_cg_hier *h = kr_cg_find (cg, controller);

  if (h == NULL || kr_cg_open_leaf (h, NULL) < 0)
    return -1;
  return h->fd;
}

/* memory.stat (both versions): every "key value" line into the raw map. */
static int
read_memory_stat (int fd, kr_cgroup_stats *s, kr_error **err)
{
  _cleanup_free_ char *text = NULL;
  char *line, *save = NULL;

  if (read_opt (fd, "memory.stat", &text, err) < 0)
    return -1;
  if (text == NULL)
    return 0;
  for (line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *sp = strchr (line, ' ');
      kr_cg_kv *g;
      uint64_t v;

      if (sp == NULL || parse_u64 (sp + 1, &v) < 0)
        return kr_error_set (err, EINVAL, "memory.stat: bad line \"%.64s\"", line);
      g = realloc (s->memory.raw, (s->memory.n_raw + 1) * sizeof *g);
      if (g == NULL)
        return kr_error_set (err, errno, "memory.stat");
      s->memory.raw = g;
      g[s->memory.n_raw].key = strndup (line, sp - line);
      if (g[s->memory.n_raw].key == NULL)
        return kr_error_set (err, errno, "memory.stat");
      g[s->memory.n_raw++].value = v;
    }
  return 0;
}

static uint64_t
raw_value (const kr_cgroup_stats *s, const char *key)
{
  for (size_t i = 0; i < s->memory.n_raw; i++)
    if (strcmp (s->memory.raw[i].key, key) == 0)
      return s->memory.raw[i].value;
  return 0;
}

/* The huge page sizes of the host, named as runc names them ("2MB"). */
static int
hugepage_sizes (char (**out)[16], size_t *n)
{
  _cleanup_closedir_ DIR *d = opendir ("/sys/kernel/mm/hugepages");
  struct dirent *de;

  *out = NULL;
  *n = 0;
  if (d == NULL)
    return 0;
  while ((de = readdir (d)) != NULL)
    {
      unsigned long kb;
      char unit[4];
      char (*g)[16];

      if (sscanf (de->d_name, "hugepages-%lu%3s", &kb, unit) != 2 || strcmp (unit, "kB") != 0)
        continue;
      g = realloc (*out, (*n + 1) * sizeof *g);
      if (g == NULL)
        return -1;
      *out = g;
      if (kb >= (1UL << 20))
        snprintf (g[*n], 16, "%uGB", (unsigned) (kb >> 20));
      else if (kb >= (1UL << 10))
        snprintf (g[*n], 16, "%uMB", (unsigned) (kb >> 10));
      else
        snprintf (g[*n], 16, "%uKB", (unsigned) kb);
      (*n)++;
    }
  return 0;
}

/* Calls READ for each page size with a new entry; the entry stays only if
 * READ found the size's files. */
static int
read_hugetlb (int fd, kr_cgroup_stats *s, int version, kr_error **err)
{
  _cleanup_free_ char (*sizes)[16] = NULL;
  size_t n;

  if (fd < 0)
    return 0;
  if (hugepage_sizes (&sizes, &n) < 0)
    return kr_error_set (err, errno, "huge page sizes");
  s->hugetlb = calloc (n ? n : 1, sizeof *s->hugetlb);
  if (s->hugetlb == NULL)
    return kr_error_set (err, errno, "hugetlb stats");
  for (size_t i = 0; i < n; i++)
    {
      kr_cg_hugetlb *e = &s->hugetlb[s->n_hugetlb];
      char name[96];
      const char *rsvd = ".rsvd";
      bool found;

      memcpy (e->pagesize, sizes[i], sizeof e->pagesize);
      /* The reservation counters (5.7+) account what is reserved, not
       * only faulted: runc prefers them. */
      for (int pass = 0; pass < 2; pass++, rsvd = "")
        {
          snprintf (name, sizeof name, "hugetlb.%s%s.%s", sizes[i], rsvd,
                    version == 2 ? "current" : "usage_in_bytes");
          if (faccessat (fd, name, F_OK, 0) == 0)
            break;
        }
      found = faccessat (fd, name, F_OK, 0) == 0;
      if (!found)
        continue;
      if (read_u64 (fd, name, &e->usage, err) < 0)
        return -1;
      if (version == 2)
        {
          snprintf (name, sizeof name, "hugetlb.%s.events", sizes[i]);
          if (read_key (fd, name, "max", &e->failcnt, err) < 0)
            return -1;
        }
      else
        {
          snprintf (name, sizeof name, "hugetlb.%s%s.max_usage_in_bytes", sizes[i], rsvd);
          if (read_u64 (fd, name, &e->max, err) < 0)
            return -1;
          snprintf (name, sizeof name, "hugetlb.%s%s.failcnt", sizes[i], rsvd);
          if (read_u64 (fd, name, &e->failcnt, err) < 0)
            return -1;
        }
      s->n_hugetlb++;
    }
  return 0;
}

/* ------------------------------------------------------------------ v1 */

static int
v1_mem_entry (int fd, const char *prefix, kr_cg_mem_entry *e, kr_error **err)
{
  static const char *const files[] = { "usage_in_bytes", "max_usage_in_bytes", "failcnt",
                                       "limit_in_bytes" };
  uint64_t *dst[] = { &e->usage, &e->max, &e->failcnt, &e->limit };
  char name[64];

  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    {
      snprintf (name, sizeof name, "%s.%s", prefix, files[i]);
      if (read_u64 (fd, name, dst[i], err) < 0)
        return -1;
    }
  return 0;
}

/* One blkio file: "MAJ:MIN OP VALUE" or "MAJ:MIN VALUE" lines, "Total N"
 * skipped.  *FOUND: the file exists and has entries. */
static int
v1_blkio_file (int fd, const char *name, kr_cg_blkio_list *out, bool *found, kr_error **err)
{
  _cleanup_free_ char *text = NULL;
  char *line, *save = NULL;

  *found = false;
  if (read_opt (fd, name, &text, err) < 0)
    return -1;
  if (text == NULL)
    return 0;
  for (line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      kr_cg_blkio_entry e = { 0 }, *g;
      char op[16] = "";
      unsigned long long maj, min, v;

      if (strncmp (line, "Total ", 6) == 0)
        continue;
      if (sscanf (line, "%llu:%llu %15s %llu", &maj, &min, op, &v) != 4)
        {
          op[0] = '\0';
          if (sscanf (line, "%llu:%llu %llu", &maj, &min, &v) != 3)
            return kr_error_set (err, EINVAL, "%s: bad line \"%.64s\"", name, line);
        }
      e.major = maj;
      e.minor = min;
      e.value = v;
      snprintf (e.op, sizeof e.op, "%s", op);
      g = realloc (out->v, (out->n + 1) * sizeof *g);
      if (g == NULL)
        return kr_error_set (err, errno, "%s", name);
      out->v = g;
      out->v[out->n++] = e;
    }
  *found = out->n > 0;
  return 0;
}

/* runc's order: the first group whose first file has entries wins. */
static int
v1_blkio (int fd, kr_cgroup_stats *s, kr_error **err)
{
  static const struct
  {
    const char *file;
    int table;
  } groups[][8] = {
    { { "blkio.bfq.sectors_recursive", KR_BLKIO_SECTORS },
      { "blkio.bfq.io_service_time_recursive", KR_BLKIO_SERVICE_TIME },
      { "blkio.bfq.io_wait_time_recursive", KR_BLKIO_WAIT_TIME },
      { "blkio.bfq.io_merged_recursive", KR_BLKIO_MERGED },
      { "blkio.bfq.io_queued_recursive", KR_BLKIO_QUEUED },
      { "blkio.bfq.time_recursive", KR_BLKIO_TIME },
      { "blkio.bfq.io_serviced_recursive", KR_BLKIO_SERVICED },
      { "blkio.bfq.io_service_bytes_recursive", KR_BLKIO_SERVICE_BYTES } },
    { { "blkio.bfq.io_serviced_recursive", KR_BLKIO_SERVICED },
      { "blkio.bfq.io_service_bytes_recursive", KR_BLKIO_SERVICE_BYTES } },
    { { "blkio.sectors_recursive", KR_BLKIO_SECTORS },
      { "blkio.io_service_time_recursive", KR_BLKIO_SERVICE_TIME },
      { "blkio.io_wait_time_recursive", KR_BLKIO_WAIT_TIME },
      { "blkio.io_merged_recursive", KR_BLKIO_MERGED },
      { "blkio.io_queued_recursive", KR_BLKIO_QUEUED },
      { "blkio.time_recursive", KR_BLKIO_TIME },
      { "blkio.io_serviced_recursive", KR_BLKIO_SERVICED },
      { "blkio.io_service_bytes_recursive", KR_BLKIO_SERVICE_BYTES } },
    { { "blkio.throttle.io_serviced_recursive", KR_BLKIO_SERVICED },
      { "blkio.throttle.io_service_bytes_recursive", KR_BLKIO_SERVICE_BYTES } },
    { { "blkio.throttle.io_serviced", KR_BLKIO_SERVICED },
      { "blkio.throttle.io_service_bytes", KR_BLKIO_SERVICE_BYTES } },
  };

  if (fd < 0)
    return 0;
  for (size_t g = 0; g < ARRAY_SIZE (groups); g++)
    {
      bool found;

      if (v1_blkio_file (fd, groups[g][0].file, &s->blkio[groups[g][0].table], &found, err) < 0)
        return -1;
      if (!found)
        continue;
      for (size_t i = 1; i < 8 && groups[g][i].file; i++)
        if (v1_blkio_file (fd, groups[g][i].file, &s->blkio[groups[g][i].table], &found, err) < 0)
          return -1;
      return 0;
    }
  return 0;
}

static int
v1_cpuacct (int fd, kr_cgroup_stats *s, kr_error **err)
{
  _cleanup_free_ char *stat = NULL, *percpu = NULL, *all = NULL;
  long hz = sysconf (_SC_CLK_TCK);
  unsigned long long user = 0, sys = 0;

  if (fd < 0)
    return 0;
  if (read_u64 (fd, "cpuacct.usage", &s->cpu.total, err) < 0
      || read_opt (fd, "cpuacct.stat", &stat, err) < 0
      || read_opt (fd, "cpuacct.usage_percpu", &percpu, err) < 0
      || read_opt (fd, "cpuacct.usage_all", &all, err) < 0)
    return -1;
  /* cpuacct.stat is in clock ticks. */
  if (stat && sscanf (stat, "user %llu system %llu", &user, &sys) == 2 && hz > 0)
    {
      s->cpu.user = user * 1000000000ULL / hz;
      s->cpu.kernel = sys * 1000000000ULL / hz;
    }
  for (char *p = percpu, *end; p && *p; p = end)
    {
      unsigned long long v = strtoull (p, &end, 10);
      if (end == p)
        break;
      if (push_u64 (&s->cpu.percpu, v) < 0)
        return kr_error_set (err, errno, "cpuacct.usage_percpu");
    }
  /* "cpu user system" then one line a cpu. */
  if (all && strncmp (all, "cpu user system", 15) == 0)
    for (char *line = strchr (all, '\n'); line && line[1]; line = strchr (line + 1, '\n'))
      {
        unsigned cpu;
        unsigned long long u, k;
        if (sscanf (line + 1, "%u %llu %llu", &cpu, &u, &k) != 3)
          continue;
        if (push_u64 (&s->cpu.percpu_user, u) < 0 || push_u64 (&s->cpu.percpu_kernel, k) < 0)
          return kr_error_set (err, errno, "cpuacct.usage_all");
      }
  return 0;
}

/* "0-3,7" into 0 1 2 3 7. */
static int
parse_list (const char *s, kr_cg_u64s *out)
{
  while (*s && *s != '\n')
    {
      char *end;
      unsigned long a = strtoul (s, &end, 10), b = a;
      if (end == s)
        return -1;
      s = end;
      if (*s == '-')
        {
          b = strtoul (s + 1, &end, 10);
          if (end == s + 1 || b < a || b - a > 65536)
            return -1;
          s = end;
        }
      for (unsigned long i = a; i <= b; i++)
        if (push_u64 (out, i) < 0)
          return -1;
      if (*s == ',')
        s++;
    }
  return 0;
}

static int
v1_cpuset (int fd, kr_cgroup_stats *s, kr_error **err)
{
  static const struct
  {
    const char *file;
    size_t off;
  } nums[] = {
    { "cpuset.cpu_exclusive", offsetof (kr_cgroup_stats, cpuset.cpu_exclusive) },
    { "cpuset.mem_hardwall", offsetof (kr_cgroup_stats, cpuset.mem_hardwall) },
    { "cpuset.mem_exclusive", offsetof (kr_cgroup_stats, cpuset.mem_exclusive) },
    { "cpuset.memory_migrate", offsetof (kr_cgroup_stats, cpuset.memory_migrate) },
    { "cpuset.memory_spread_page", offsetof (kr_cgroup_stats, cpuset.memory_spread_page) },
    { "cpuset.memory_spread_slab", offsetof (kr_cgroup_stats, cpuset.memory_spread_slab) },
    { "cpuset.memory_pressure", offsetof (kr_cgroup_stats, cpuset.memory_pressure) },
    { "cpuset.sched_load_balance", offsetof (kr_cgroup_stats, cpuset.sched_load_balance) },
  };
  _cleanup_free_ char *cpus = NULL, *mems = NULL, *relax = NULL;

  if (fd < 0)
    return 0;
  if (read_opt (fd, "cpuset.cpus", &cpus, err) < 0 || read_opt (fd, "cpuset.mems", &mems, err) < 0
      || read_opt (fd, "cpuset.sched_relax_domain_level", &relax, err) < 0)
    return -1;
  if ((cpus && parse_list (cpus, &s->cpuset.cpus) < 0) || (mems && parse_list (mems, &s->cpuset.mems) < 0))
    return kr_error_set (err, EINVAL, "cpuset.cpus or cpuset.mems: bad list");
  if (relax)
    s->cpuset.sched_relax_domain_level = strtoll (relax, NULL, 10);
  for (size_t i = 0; i < ARRAY_SIZE (nums); i++)
    if (read_u64 (fd, nums[i].file, (uint64_t *) ((char *) s + nums[i].off), err) < 0)
      return -1;
  return 0;
}

int
kr_cg_v1_stats (kr_cgroup *cg, kr_cgroup_stats *s, kr_error **err)
{
  int cpu = fd_of (cg, "cpu"), mem = fd_of (cg, "memory"), pids = fd_of (cg, "pids");

  if (v1_cpuacct (fd_of (cg, "cpuacct"), s, err) < 0
      || read_key (cpu, "cpu.stat", "nr_periods", &s->cpu.periods, err) < 0
      || read_key (cpu, "cpu.stat", "nr_throttled", &s->cpu.throttled_periods, err) < 0
      || read_key (cpu, "cpu.stat", "throttled_time", &s->cpu.throttled_time, err) < 0)
    return kr_error_prefix (err, "cpu stats");
  if (v1_cpuset (fd_of (cg, "cpuset"), s, err) < 0)
    return kr_error_prefix (err, "cpuset stats");
  if (mem >= 0
      && (read_memory_stat (mem, s, err) < 0 || v1_mem_entry (mem, "memory", &s->memory.usage, err) < 0
          || v1_mem_entry (mem, "memory.memsw", &s->memory.swap, err) < 0
          || v1_mem_entry (mem, "memory.kmem", &s->memory.kernel, err) < 0
          || v1_mem_entry (mem, "memory.kmem.tcp", &s->memory.kernel_tcp, err) < 0))
    return kr_error_prefix (err, "memory stats");
  s->memory.cache = raw_value (s, "cache");
  if (read_u64 (pids, "pids.current", &s->pids.current, err) < 0
      || read_u64 (pids, "pids.max", &s->pids.limit, err) < 0)
    return kr_error_prefix (err, "pids stats");
  if (v1_blkio (fd_of (cg, "blkio"), s, err) < 0)
    return kr_error_prefix (err, "blkio stats");
  if (read_hugetlb (fd_of (cg, "hugetlb"), s, 1, err) < 0)
    return kr_error_prefix (err, "hugetlb stats");
  return 0;
}

/* ------------------------------------------------------------------ v2 */

static int
v2_io (int fd, kr_cgroup_stats *s, kr_error **err)
{
  _cleanup_free_ char *text = NULL;
  char *line, *save = NULL;

  if (read_opt (fd, "io.stat", &text, err) < 0)
    return -1;
  /* "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ...": bytes and ios become
   * v1's io_service_bytes and io_serviced with ops Read and Write. */
  for (line = text ? strtok_r (text, "\n", &save) : NULL; line; line = strtok_r (NULL, "\n", &save))
    {
      unsigned long long maj, min;
      char *tok, *tsave = NULL;

      if (sscanf (line, "%llu:%llu", &maj, &min) != 2)
        continue;
      strtok_r (line, " ", &tsave);
      for (tok = strtok_r (NULL, " ", &tsave); tok; tok = strtok_r (NULL, " ", &tsave))
        {
          static const struct
          {
            const char *key, *op;
            int table;
          } map[] = {
            { "rbytes=", "Read", KR_BLKIO_SERVICE_BYTES },
            { "wbytes=", "Write", KR_BLKIO_SERVICE_BYTES },
            { "rios=", "Read", KR_BLKIO_SERVICED },
            { "wios=", "Write", KR_BLKIO_SERVICED },
          };
          for (size_t i = 0; i < ARRAY_SIZE (map); i++)
            {
              size_t kl = strlen (map[i].key);
              kr_cg_blkio_list *l = &s->blkio[map[i].table];
              kr_cg_blkio_entry *g;

              if (strncmp (tok, map[i].key, kl) != 0)
                continue;
              g = realloc (l->v, (l->n + 1) * sizeof *g);
              if (g == NULL)
                return kr_error_set (err, errno, "io.stat");
              l->v = g;
              g[l->n] = (kr_cg_blkio_entry) { .major = maj, .minor = min };
              snprintf (g[l->n].op, sizeof g[l->n].op, "%s", map[i].op);
              if (parse_u64 (tok + kl, &g[l->n].value) < 0)
                return kr_error_set (err, EINVAL, "io.stat: bad value \"%s\"", tok);
              l->n++;
            }
        }
    }
  return 0;
}

static int
v2_mem_entry (int fd, const char *prefix, kr_cg_mem_entry *e, kr_error **err)
{
  char name[64];

  snprintf (name, sizeof name, "%s.current", prefix);
  if (read_u64 (fd, name, &e->usage, err) < 0)
    return -1;
  snprintf (name, sizeof name, "%s.max", prefix);
  if (read_u64 (fd, name, &e->limit, err) < 0)
    return -1;
  /* memory.peak: 5.19, memory.swap.peak: 6.5 */
  snprintf (name, sizeof name, "%s.peak", prefix);
  return read_u64 (fd, name, &e->max, err);
}

int
kr_cg_v2_stats (kr_cgroup *cg, kr_cgroup_stats *s, kr_error **err)
{
  kr_cg_hier *h = kr_cg_leaf (cg);
  static const struct
  {
    const char *key;
    size_t off;
    uint64_t scale;
  } cpu[] = {
    { "usage_usec", offsetof (kr_cgroup_stats, cpu.total), 1000 },
    { "user_usec", offsetof (kr_cgroup_stats, cpu.user), 1000 },
    { "system_usec", offsetof (kr_cgroup_stats, cpu.kernel), 1000 },
    { "nr_periods", offsetof (kr_cgroup_stats, cpu.periods), 1 },
    { "nr_throttled", offsetof (kr_cgroup_stats, cpu.throttled_periods), 1 },
    { "throttled_usec", offsetof (kr_cgroup_stats, cpu.throttled_time), 1000 },
  };
  int fd;

  if (h == NULL || kr_cg_open_leaf (h, err) < 0)
    return kr_error_prefix (err, "stats");
  fd = h->fd;
  for (size_t i = 0; i < ARRAY_SIZE (cpu); i++)
    {
      uint64_t *dst = (uint64_t *) ((char *) s + cpu[i].off);
      if (read_key (fd, "cpu.stat", cpu[i].key, dst, err) < 0)
        return kr_error_prefix (err, "cpu stats");
      *dst *= cpu[i].scale;
    }

  if (read_memory_stat (fd, s, err) < 0)
    return kr_error_prefix (err, "memory stats");
  s->memory.cache = raw_value (s, "file");
  if (faccessat (fd, "memory.current", F_OK, 0) == 0)
    {
      if (v2_mem_entry (fd, "memory", &s->memory.usage, err) < 0
          || v2_mem_entry (fd, "memory.swap", &s->memory.swap, err) < 0)
        return kr_error_prefix (err, "memory stats");
      /* runc reports v1's mem+swap: swap counters plus memory's, and no
       * peak for the sum. */
      s->memory.swap.usage += s->memory.usage.usage;
      if (s->memory.swap.limit != UINT64_MAX && s->memory.usage.limit != UINT64_MAX)
        s->memory.swap.limit += s->memory.usage.limit;
      else
        s->memory.swap.limit = UINT64_MAX;
      s->memory.swap.max = 0;
    }

  if (faccessat (fd, "pids.current", F_OK, 0) == 0)
    {
      if (read_u64 (fd, "pids.current", &s->pids.current, err) < 0
          || read_u64 (fd, "pids.max", &s->pids.limit, err) < 0)
        return kr_error_prefix (err, "pids stats");
    }
  else
    {
      /* No pids controller here: count the processes, as runc does. */
      _cleanup_free_ char *procs = NULL;
      if (kr_cg_read_at (fd, "cgroup.procs", &procs, err) < 0)
        return kr_error_prefix (err, "pids stats");
      for (char *p = procs; (p = strchr (p, '\n')); p++)
        s->pids.current++;
    }

  if (v2_io (fd, s, err) < 0)
    return kr_error_prefix (err, "io stats");
  if (read_hugetlb (fd, s, 2, err) < 0)
    return kr_error_prefix (err, "hugetlb stats");
  return 0;
}

static int
cmp_kv (const void *a, const void *b)
{
  return strcmp (((const kr_cg_kv *) a)->key, ((const kr_cg_kv *) b)->key);
}

static int
cmp_hugetlb (const void *a, const void *b)
{
  return strcmp (((const kr_cg_hugetlb *) a)->pagesize, ((const kr_cg_hugetlb *) b)->pagesize);
}

int
kr_cgroup_stats_read (kr_cgroup *cg, kr_cgroup_stats *out, kr_error **err)
{
  int r;

  memset (out, 0, sizeof *out);
  r = cg->drv->stats (cg, out, err);
  /* Sorted by key, as Go's encoding/json writes runc's maps. */
  if (out->memory.n_raw)
    qsort (out->memory.raw, out->memory.n_raw, sizeof *out->memory.raw, cmp_kv);
  if (out->n_hugetlb)
    qsort (out->hugetlb, out->n_hugetlb, sizeof *out->hugetlb, cmp_hugetlb);
  /* "max" means no limit: runc reports 0. */
  if (out->pids.limit == UINT64_MAX)
    out->pids.limit = 0;
  if (r < 0)
    kr_cgroup_stats_clear (out);
  return r;
}

void
kr_cgroup_stats_clear (kr_cgroup_stats *s)
{
  free (s->cpu.percpu.v);
  free (s->cpu.percpu_kernel.v);
  free (s->cpu.percpu_user.v);
  free (s->cpuset.cpus.v);
  free (s->cpuset.mems.v);
  for (size_t i = 0; i < s->memory.n_raw; i++)
    free (s->memory.raw[i].key);
  free (s->memory.raw);
  for (int i = 0; i < KR_BLKIO_N; i++)
    free (s->blkio[i].v);
  free (s->hugetlb);
  memset (s, 0, sizeof *s);
}
