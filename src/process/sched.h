/* How the process runs, as runc sets it: process.scheduler (sched_setattr),
 * process.ioPriority (ioprio_set), process.execCPUAffinity
 * (sched_setaffinity), linux.personality and linux.memoryPolicy
 * (set_mempolicy). Checked in the parent before anything exists; applied
 * in the process itself, before its seccomp filter (a profile may deny
 * these calls) and before its capabilities are dropped (a real-time policy
 * or class takes CAP_SYS_NICE / CAP_SYS_ADMIN). */
#ifndef KRILL_SCHED_H
#define KRILL_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"
#include "ocispec.h"

/* The highest CPU or NUMA node number a list may name (runc's bound too):
 * a sanity limit on the mask's size, not the kernel's. */
#define KR_MAX_CPU_ID (64 * 1024)

/* A list such as "0-3,7" (spaces and empty elements allowed, as runc) as a
 * bitmask of *NBITS bits, sized from the highest number named: no fixed
 * 1024 limit. *MASK NULL and *NBITS 0 for a list naming nothing. -1 with
 * errno EINVAL for a malformed list or a number above KR_MAX_CPU_ID,
 * ENOMEM. */
int kr_id_list_parse (const char *s, unsigned long **mask, size_t *nbits);

/* process.scheduler, process.ioPriority, process.execCPUAffinity of P
 * (create and exec), named with the value when refused. */
int kr_sched_validate_process (const oci_process *p, kr_error **err);
/* linux.personality and linux.memoryPolicy of L. */
int kr_sched_validate_linux (const oci_linux *l, kr_error **err);

/* For `features`: the memory policy mode names (FLAGS false) or flag names
 * krill knows, at most MAX of them into OUT; their number. */
size_t kr_sched_mempolicy_names (bool flags, const char **out, size_t max);

/* In the process, as the first of kr_process_apply: the scheduler, the I/O
 * priority, then (L may be NULL) the personality and the memory policy. */
int kr_sched_apply (const oci_process *p, const oci_linux *l, kr_error **err);

/* The calling process's CPU affinity from the list S (already checked);
 * FIELD names it in errors. */
int kr_sched_set_affinity (const char *s, const char *field, kr_error **err);
/* The affinity a process gets once in the container's cgroup (the "final"
 * of A): A NULL or naming nothing: every CPU the kernel and the cgroup's
 * cpuset allow, so the caller's own affinity (a `taskset` around krill) is
 * not passed on, as runc; only "initial": left as it is. */
int kr_sched_final_affinity (const oci_exec_cpu_affinity *a, kr_error **err);

#endif
