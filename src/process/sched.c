#define _GNU_SOURCE
#include "process/sched.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

#define LONG_BITS (sizeof (unsigned long) * CHAR_BIT)

/* One element: "N" or "N-M", surrounding spaces allowed. */
static int
parse_range (const char *s, const char *end, unsigned long *lo, unsigned long *hi)
{
  char *e;

  while (s < end && *s == ' ')
    s++;
  while (end > s && end[-1] == ' ')
    end--;
  if (s == end)
    return 1; /* empty: skipped, as runc */
  if (*s < '0' || *s > '9')
    return -1;
  *lo = strtoul (s, &e, 10);
  *hi = *lo;
  if (e < end && *e == '-')
    {
      if (e + 1 >= end || e[1] < '0' || e[1] > '9')
        return -1;
      *hi = strtoul (e + 1, &e, 10);
    }
  if (e != end || *lo > *hi || *hi > KR_MAX_CPU_ID)
    return -1;
  return 0;
}

int
kr_id_list_parse (const char *s, unsigned long **mask, size_t *nbits)
{
  unsigned long max = 0, lo, hi;
  bool any = false;
  int r;

  *mask = NULL;
  *nbits = 0;
  /* Twice: the size from the highest number, then the bits. */
  for (const char *p = s;;)
    {
      const char *c = strchrnul (p, ',');
      r = parse_range (p, c, &lo, &hi);
      if (r < 0)
        return errno = EINVAL, -1;
      if (r == 0)
        {
          any = true;
          if (hi > max)
            max = hi;
        }
      if (*c == '\0')
        break;
      p = c + 1;
    }
  if (!any)
    return 0;
  *mask = calloc (max / LONG_BITS + 1, sizeof **mask);
  if (*mask == NULL)
    return -1;
  *nbits = max + 1;
  for (const char *p = s;;)
    {
      const char *c = strchrnul (p, ',');
      if (parse_range (p, c, &lo, &hi) == 0)
        for (unsigned long i = lo; i <= hi; i++)
          (*mask)[i / LONG_BITS] |= 1UL << (i % LONG_BITS);
      if (*c == '\0')
        break;
      p = c + 1;
    }
  return 0;
}

static int
check_list (const char *field, const char *s, size_t *nbits, kr_error **err)
{
  _cleanup_free_ unsigned long *mask = NULL;

  *nbits = 0;
  if (s == NULL)
    return 0;
  if (kr_id_list_parse (s, &mask, nbits) < 0)
    return errno == ENOMEM ? kr_error_set (err, ENOMEM, "%s", field)
                           : kr_error_set (err, 0, "%s: invalid list \"%s\" (numbers or ranges up to %d, comma-separated)",
                                           field, s, KR_MAX_CPU_ID);
  return 0;
}

/* Names and numbers of the Linux uapi (linux/sched.h, linux/mempolicy.h,
 * linux/ioprio.h); the parser already refused names not listed in the
 * runtime-spec. */
typedef struct
{
  const char *name;
  unsigned long value;
} name_value;

static const name_value policies[] = {
  { "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 },      { "SCHED_BATCH", 3 },
  { "SCHED_ISO", 4 },   { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
};
static const name_value sched_flags[] = {
  { "SCHED_FLAG_RESET_ON_FORK", 0x01 },  { "SCHED_FLAG_RECLAIM", 0x02 },
  { "SCHED_FLAG_DL_OVERRUN", 0x04 },     { "SCHED_FLAG_KEEP_POLICY", 0x08 },
  { "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};
static const name_value io_classes[] = {
  { "IOPRIO_CLASS_RT", 1 }, { "IOPRIO_CLASS_BE", 2 }, { "IOPRIO_CLASS_IDLE", 3 },
};
static const name_value mpol_modes[] = {
  { "MPOL_DEFAULT", 0 }, { "MPOL_PREFERRED", 1 },      { "MPOL_BIND", 2 },
  { "MPOL_INTERLEAVE", 3 }, { "MPOL_LOCAL", 4 },       { "MPOL_PREFERRED_MANY", 5 },
  { "MPOL_WEIGHTED_INTERLEAVE", 6 },
};
#define MPOL_F_STATIC_NODES_ (1UL << 15)
#define MPOL_F_RELATIVE_NODES_ (1UL << 14)
static const name_value mpol_flags[] = {
  { "MPOL_F_NUMA_BALANCING", 1UL << 13 },
  { "MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES_ },
  { "MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES_ },
};

static int
lookup (const name_value *t, size_t n, const char *name, unsigned long *out)
{
  for (size_t i = 0; name && i < n; i++)
    if (strcmp (t[i].name, name) == 0)
      {
        *out = t[i].value;
        return 0;
      }
  return -1;
}
#define LOOKUP(t, name, out) lookup (t, ARRAY_SIZE (t), name, out)

static int
validate_scheduler (const oci_scheduler *s, kr_error **err)
{
  unsigned long policy, flag;
  bool fair, rt;

  if (LOOKUP (policies, s->policy, &policy) < 0)
    return kr_error_set (err, 0, "process.scheduler.policy: unknown policy \"%s\"",
                         s->policy ? s->policy : "");
  if (policy == 4)
    return kr_error_set (err, 0, "process.scheduler.policy: \"SCHED_ISO\" is not implemented by the Linux kernel");
  for (size_t i = 0; i < s->flags_len; i++)
    if (LOOKUP (sched_flags, s->flags[i], &flag) < 0)
      return kr_error_set (err, 0, "process.scheduler.flags[%zu]: unknown flag \"%s\"", i, s->flags[i]);
  fair = policy == 0 || policy == 3;
  rt = policy == 1 || policy == 2;
  if (fair && (s->nice < -20 || s->nice > 19))
    return kr_error_set (err, 0, "process.scheduler.nice: %d out of range -20..19 for %s",
                         (int) s->nice, s->policy);
  if (!rt && s->priority != 0)
    return kr_error_set (err, 0, "process.scheduler.priority: %d for %s (only SCHED_FIFO and SCHED_RR take a priority)",
                         (int) s->priority, s->policy);
  if (rt && (s->priority < 1 || s->priority > 99))
    return kr_error_set (err, 0, "process.scheduler.priority: %d out of range 1..99 for %s",
                         (int) s->priority, s->policy);
  if (policy != 6 && (s->runtime || s->deadline || s->period))
    return kr_error_set (err, 0, "process.scheduler.%s: %llu for %s (only SCHED_DEADLINE takes a runtime, deadline or period)",
                         s->runtime ? "runtime" : s->deadline ? "deadline" : "period",
                         (unsigned long long) (s->runtime ? s->runtime : s->deadline ? s->deadline : s->period),
                         s->policy);
  return 0;
}

int
kr_sched_validate_process (const oci_process *p, kr_error **err)
{
  unsigned long class;
  size_t n;

  if (p->scheduler && validate_scheduler (p->scheduler, err) < 0)
    return -1;
  if (p->io_priority)
    {
      if (LOOKUP (io_classes, p->io_priority->class, &class) < 0)
        return kr_error_set (err, 0, "process.ioPriority.class: unknown class \"%s\"",
                             p->io_priority->class ? p->io_priority->class : "");
      if (p->io_priority->priority < 0 || p->io_priority->priority > 7)
        return kr_error_set (err, 0, "process.ioPriority.priority: %d out of range 0..7",
                             (int) p->io_priority->priority);
    }
  if (p->exec_cpu_affinity
      && (check_list ("process.execCPUAffinity.initial", p->exec_cpu_affinity->initial, &n, err) < 0
          || check_list ("process.execCPUAffinity.final", p->exec_cpu_affinity->final, &n, err) < 0))
    return -1;
  return 0;
}

static int
validate_memory_policy (const oci_memory_policy *m, kr_error **err)
{
  unsigned long mode, flag, flags = 0;
  size_t nbits;

  if (LOOKUP (mpol_modes, m->mode, &mode) < 0)
    return kr_error_set (err, 0, "linux.memoryPolicy.mode: unknown mode \"%s\"", m->mode ? m->mode : "");
  for (size_t i = 0; i < m->flags_len; i++)
    {
      if (LOOKUP (mpol_flags, m->flags[i], &flag) < 0)
        return kr_error_set (err, 0, "linux.memoryPolicy.flags[%zu]: unknown flag \"%s\"", i, m->flags[i]);
      flags |= flag;
    }
  if ((flags & MPOL_F_STATIC_NODES_) && (flags & MPOL_F_RELATIVE_NODES_))
    return kr_error_set (err, 0, "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES together");
  if (check_list ("linux.memoryPolicy.nodes", m->nodes, &nbits, err) < 0)
    return -1;
  /* runc's rules: DEFAULT and LOCAL take no node, PREFERRED any number,
   * the others at least one. */
  if ((mode == 0 || mode == 4) && nbits > 0)
    return kr_error_set (err, 0, "linux.memoryPolicy.nodes: %s takes no nodes, got \"%s\"", m->mode,
                         m->nodes);
  if (mode != 0 && mode != 4 && mode != 1 && nbits == 0)
    return kr_error_set (err, 0, "linux.memoryPolicy.nodes: %s needs at least one node", m->mode);
  return 0;
}

size_t
kr_sched_mempolicy_names (bool flags, const char **out, size_t max)
{
  const name_value *t = flags ? mpol_flags : mpol_modes;
  size_t n = flags ? ARRAY_SIZE (mpol_flags) : ARRAY_SIZE (mpol_modes);

  for (size_t i = 0; i < n && i < max; i++)
    out[i] = t[i].name;
  return n < max ? n : max;
}

int
kr_sched_validate_linux (const oci_linux *l, kr_error **err)
{
  if (l == NULL)
    return 0;
  if (l->personality && strcmp (l->personality->domain ? l->personality->domain : "", "LINUX") != 0
      && strcmp (l->personality->domain, "LINUX32") != 0)
    return kr_error_set (err, 0, "linux.personality.domain: unknown domain \"%s\" (LINUX or LINUX32)",
                         l->personality->domain ? l->personality->domain : "");
  /* The spec lists no flag; runc warns and goes on. */
  if (l->personality && l->personality->flags_len > 0)
    kr_log ("warning", "linux.personality.flags: \"%s\"%s ignored: no flag is supported",
            l->personality->flags[0], l->personality->flags_len > 1 ? " and the others" : "");
  if (l->memory_policy && validate_memory_policy (l->memory_policy, err) < 0)
    return -1;
  return 0;
}

/* struct sched_attr of linux/sched/types.h, SCHED_ATTR_SIZE_VER1: glibc
 * before 2.41 has neither it nor a wrapper. */
struct kr_sched_attr
{
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
};

static int
set_scheduler (const oci_scheduler *s, kr_error **err)
{
  struct kr_sched_attr a = { .size = sizeof a };
  unsigned long v;

  if (LOOKUP (policies, s->policy, &v) < 0)
    return kr_error_set (err, 0, "process.scheduler.policy: unknown policy \"%s\"", s->policy);
  a.policy = (uint32_t) v;
  for (size_t i = 0; i < s->flags_len; i++)
    if (LOOKUP (sched_flags, s->flags[i], &v) == 0)
      a.flags |= v;
  a.nice = s->nice;
  a.priority = (uint32_t) s->priority;
  a.runtime = s->runtime;
  a.deadline = s->deadline;
  a.period = s->period;
  if (syscall (SYS_sched_setattr, 0, &a, 0) < 0)
    {
      int e = errno;
      if (e == EPERM && (a.policy == 1 || a.policy == 2))
        return kr_error_set (err, e, "process.scheduler: sched_setattr %s (where the kernel schedules real-time tasks by cgroup, the container's cgroup needs linux.resources.cpu.realtimeRuntime)",
                             s->policy);
      return kr_error_set (err, e, "process.scheduler: sched_setattr %s", s->policy);
    }
  return 0;
}

static int
set_io_priority (const oci_io_priority *io, kr_error **err)
{
  unsigned long class;

  if (LOOKUP (io_classes, io->class, &class) < 0)
    return kr_error_set (err, 0, "process.ioPriority.class: unknown class \"%s\"", io->class);
  /* IOPRIO_WHO_PROCESS, 0: this process, inherited by what it forks. */
  if (syscall (SYS_ioprio_set, 1, 0, (int) (class << 13 | (unsigned long) io->priority)) < 0)
    return kr_error_set (err, errno, "process.ioPriority: ioprio_set %s %d", io->class,
                         (int) io->priority);
  return 0;
}

static int
set_memory_policy (const oci_memory_policy *m, kr_error **err)
{
  _cleanup_free_ unsigned long *mask = NULL;
  unsigned long mode, flag;
  size_t nbits = 0;

  if (LOOKUP (mpol_modes, m->mode, &mode) < 0)
    return kr_error_set (err, 0, "linux.memoryPolicy.mode: unknown mode \"%s\"", m->mode);
  for (size_t i = 0; i < m->flags_len; i++)
    if (LOOKUP (mpol_flags, m->flags[i], &flag) == 0)
      mode |= flag;
  if (m->nodes && kr_id_list_parse (m->nodes, &mask, &nbits) < 0)
    return kr_error_set (err, errno, "linux.memoryPolicy.nodes \"%s\"", m->nodes);
  /* maxnode is one more than the bits given: the kernel drops one. */
  if (syscall (SYS_set_mempolicy, (int) mode, mask, mask ? nbits + 1 : 0) < 0)
    return kr_error_set (err, errno, "linux.memoryPolicy: set_mempolicy %s nodes \"%s\"", m->mode,
                         m->nodes ? m->nodes : "");
  return 0;
}

int
kr_sched_apply (const oci_process *p, const oci_linux *l, kr_error **err)
{
  if (p->scheduler && set_scheduler (p->scheduler, err) < 0)
    return -1;
  if (p->io_priority && set_io_priority (p->io_priority, err) < 0)
    return -1;
  if (l && l->personality)
    {
      /* Its flags: ignored (kr_sched_validate_linux warned). */
      if (personality (strcmp (l->personality->domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX) < 0)
        return kr_error_set (err, errno, "linux.personality: personality %s", l->personality->domain);
    }
  if (l && l->memory_policy && set_memory_policy (l->memory_policy, err) < 0)
    return -1;
  return 0;
}

int
kr_sched_set_affinity (const char *s, const char *field, kr_error **err)
{
  _cleanup_free_ unsigned long *mask = NULL;
  size_t nbits = 0;

  if (kr_id_list_parse (s, &mask, &nbits) < 0)
    return kr_error_set (err, errno, "%s \"%s\"", field, s);
  if (mask == NULL)
    return 0;
  if (sched_setaffinity (0, (nbits + LONG_BITS - 1) / LONG_BITS * sizeof *mask, (cpu_set_t *) mask) < 0)
    return kr_error_set (err, errno, "%s: sched_setaffinity \"%s\"", field, s);
  return 0;
}

static bool
names_cpus (const char *s)
{
  _cleanup_free_ unsigned long *mask = NULL;
  size_t nbits = 0;

  return s && kr_id_list_parse (s, &mask, &nbits) == 0 && nbits > 0;
}

int
kr_sched_final_affinity (const oci_exec_cpu_affinity *a, kr_error **err)
{
  _cleanup_free_ unsigned long *all = NULL;
  size_t words = (KR_MAX_CPU_ID + 1 + LONG_BITS - 1) / LONG_BITS;

  if (a && names_cpus (a->final))
    return kr_sched_set_affinity (a->final, "process.execCPUAffinity.final", err);
  if (a && names_cpus (a->initial))
    return 0;
  /* Every CPU: the kernel trims the mask to the CPUs it has and to the
   * cgroup's cpuset, and keeps the CPUs a later cpuset may add. Best
   * effort, as runc: a failure leaves the inherited affinity. */
  all = malloc (words * sizeof *all);
  if (all == NULL)
    return kr_error_set (err, ENOMEM, "CPU affinity");
  memset (all, 0xff, words * sizeof *all);
  (void) sched_setaffinity (0, words * sizeof *all, (cpu_set_t *) all);
  return 0;
}
