/* process/sched.c's pure parts: CPU and node lists (sized from the highest
 * number, no 1024 limit), and the checks of scheduler, ioPriority,
 * execCPUAffinity, personality and memoryPolicy. No root, no container. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "process/sched.h"
#include "check.h"

#define LB (sizeof (unsigned long) * CHAR_BIT)

static bool
bit (const unsigned long *m, size_t i)
{
  return (m[i / LB] >> (i % LB)) & 1;
}

static void
lists (void)
{
  unsigned long *m = NULL;
  size_t n = 0;
  int r;

  r = kr_id_list_parse ("0-3,7", &m, &n);
  check ("list-ranges", r == 0 && n == 8 && bit (m, 0) && bit (m, 3) && !bit (m, 4) && bit (m, 7),
         "r %d n %zu", r, n);
  free (m);
  r = kr_id_list_parse (" 2 , ,5 ", &m, &n);
  check ("list-spaces-and-empty-elements", r == 0 && n == 6 && bit (m, 2) && bit (m, 5) && !bit (m, 3),
         "r %d n %zu", r, n);
  free (m);
  /* past 1024: the mask grows with the highest number */
  r = kr_id_list_parse ("1030,4000-4001", &m, &n);
  check ("list-past-1024", r == 0 && n == 4002 && bit (m, 1030) && bit (m, 4001) && !bit (m, 1029),
         "r %d n %zu", r, n);
  free (m);
  r = kr_id_list_parse ("65536", &m, &n);
  check ("list-at-limit", r == 0 && n == KR_MAX_CPU_ID + 1, "r %d n %zu", r, n);
  free (m);
  m = (unsigned long *) 1;
  r = kr_id_list_parse ("", &m, &n);
  check ("list-empty", r == 0 && m == NULL && n == 0, "r %d n %zu", r, n);
  r = kr_id_list_parse (" , ", &m, &n);
  check ("list-only-commas", r == 0 && m == NULL && n == 0, "r %d n %zu", r, n);
  static const char *const bad[] = { "3-1", "65537", "1-", "-1", "a", "1 2", "0x1", "1--2", "1-2-3",
                                     "99999999999999999999" };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    {
      char name[64];
      errno = 0;
      r = kr_id_list_parse (bad[i], &m, &n);
      snprintf (name, sizeof name, "list-refused \"%s\"", bad[i]);
      check (name, r < 0 && errno == EINVAL && m == NULL, "r %d errno %d", r, errno);
    }
}

/* The message of validating P (process fields) or L (linux fields). */
static char msg[512];
static bool
refused (const oci_process *p, const oci_linux *l, const char *want)
{
  kr_error *e = NULL;
  int r = p ? kr_sched_validate_process (p, &e) : kr_sched_validate_linux (l, &e);

  snprintf (msg, sizeof msg, "%s", r < 0 && e ? e->msg : "(accepted)");
  kr_error_free (&e);
  return r < 0 && strstr (msg, want) != NULL;
}

static void
process_fields (void)
{
  oci_scheduler s = { .policy = "SCHED_OTHER", .nice = 19 };
  oci_io_priority io = { .class = "IOPRIO_CLASS_BE", .priority = 7 };
  oci_exec_cpu_affinity a = { .initial = "0", .final = "0-1" };
  oci_process p = { .scheduler = &s, .io_priority = &io, .exec_cpu_affinity = &a };
  kr_error *e = NULL;

  check ("process-ok", kr_sched_validate_process (&p, &e) == 0, "%s", e ? e->msg : "");
  kr_error_free (&e);
  s.nice = -21;
  check ("nice-range", refused (&p, NULL, "process.scheduler.nice: -21 out of range"), "%s", msg);
  s.nice = 0;
  s.policy = "SCHED_FIFO";
  check ("fifo-needs-priority", refused (&p, NULL, "process.scheduler.priority: 0 out of range 1..99"), "%s", msg);
  s.priority = 99;
  check ("fifo-99", !refused (&p, NULL, "process"), "%s", msg);
  s.policy = "SCHED_BATCH";
  check ("batch-no-priority", refused (&p, NULL, "process.scheduler.priority: 99 for SCHED_BATCH"), "%s", msg);
  s.priority = 0;
  s.period = 5;
  check ("period-deadline-only", refused (&p, NULL, "process.scheduler.period: 5 for SCHED_BATCH"), "%s", msg);
  s.policy = "SCHED_DEADLINE";
  check ("deadline-period", !refused (&p, NULL, "process"), "%s", msg);
  s.policy = "SCHED_ISO";
  check ("iso", refused (&p, NULL, "\"SCHED_ISO\" is not implemented"), "%s", msg);
  s.policy = "SCHED_DEADLINE";
  io.priority = 8;
  check ("ioprio-range", refused (&p, NULL, "process.ioPriority.priority: 8 out of range 0..7"), "%s", msg);
  io.priority = 0;
  a.final = "2-1";
  check ("affinity-final", refused (&p, NULL, "process.execCPUAffinity.final: invalid list \"2-1\""), "%s", msg);
}

static void
linux_fields (void)
{
  char *flags[] = { "MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES" };
  oci_memory_policy m = { .mode = "MPOL_BIND", .nodes = "0,1500" };
  oci_personality pe = { .domain = "LINUX32" };
  oci_linux l = { .memory_policy = &m, .personality = &pe };
  const char *names[16];

  check ("linux-ok-node-past-1024", !refused (NULL, &l, "linux"), "%s", msg);
  m.nodes = NULL;
  check ("bind-needs-nodes", refused (NULL, &l, "MPOL_BIND needs at least one node"), "%s", msg);
  m.mode = "MPOL_PREFERRED";
  check ("preferred-no-node", !refused (NULL, &l, "linux"), "%s", msg);
  m.mode = "MPOL_LOCAL";
  m.nodes = "0";
  check ("local-no-nodes", refused (NULL, &l, "MPOL_LOCAL takes no nodes, got \"0\""), "%s", msg);
  m.mode = "MPOL_INTERLEAVE";
  m.flags = flags;
  m.flags_len = 2;
  check ("static-and-relative", refused (NULL, &l, "linux.memoryPolicy.flags"), "%s", msg);
  m.flags_len = 1;
  pe.domain = "LINUX64";
  check ("personality-domain", refused (NULL, &l, "linux.personality.domain: unknown domain \"LINUX64\""),
         "%s", msg);
  check ("features-modes", kr_sched_mempolicy_names (false, names, 16) == 7, "modes");
  check ("features-flags", kr_sched_mempolicy_names (true, names, 16) == 3, "flags");
}

int
main (void)
{
  lists ();
  process_fields ();
  linux_fields ();
  printf ("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
