/* Cgroups of a container: find the hierarchies, make (or join) the
 * container's cgroup in each, put processes in it, restrict devices, and
 * take it all down again.
 *
 * Layouts: unified (cgroup2 at /sys/fs/cgroup), hybrid (v1 controllers plus
 * an empty cgroup2 at /sys/fs/cgroup/unified) and legacy (v1 only).  On
 * hybrid and legacy hosts every mounted v1 controller is used, like runc's
 * cgroupfs driver; on hybrid hosts the cgroup is made in the unified
 * hierarchy too, as runc does.
 *
 * cgroupsPath is resolved like runc's cgroupfs driver, cleaned lexically,
 * except that a path resolving to a hierarchy root (or, relative, to
 * krill's own cgroup) or with a ".." above its start is refused; absolute means
 * relative to each hierarchy's root, relative means relative to krill's own
 * cgroup in that hierarchy (/proc/self/cgroup), NULL or "" means the
 * container id, relative.
 *
 * A driver, chosen once when the cgroup is resolved (or loaded), does the
 * work; the calls below name no hierarchy.
 *
 * In `create`:
 *   kr_cgroup_resolve (cfg->linux->cgroups_path, id, &cg, &err);
 *   kr_cgroup_plan_mount (cg, cgroupns, &plan, &err);  for a "cgroup" mount
 *   kr_cgroup_prepare (cg, &err);          the directory init is born in
 *   pid = kr_clone (flags, kr_cgroup_birth_fd (cg), &pidfd, &born_in)
 *     (spawn/clone.h), then, while init mounts:
 *   kr_cgroup_make (cg, &err), kr_cgroup_apply_devices,
 *   kr_cgroup_apply_resources (resources.h),
 *   kr_cgroup_save (cg, state_dirfd, "cgroup", &err), and a message to init;
 *   init: kr_cgroup_enter (cg, born_in, &err), before it unshares
 *   CLONE_NEWCGROUP (so its cgroup namespace is rooted at the container's
 *   cgroup) and before any hook or the user's program; a "cgroup" mount
 *   whose plan says needs_make waits for the message too.
 * On any failure after kr_cgroup_resolve: kr_cgroup_destroy, kr_cgroup_free.
 * In `delete`: kr_cgroup_load, kr_cgroup_destroy, kr_cgroup_free. */
#ifndef KRILL_CGROUP_H
#define KRILL_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "ocispec.h"

typedef struct kr_cgroup kr_cgroup;

/* The container's cgroup in steps, so that `create` makes most of it
 * while init is already at work: where the cgroup goes (no directory made
 * yet); what must exist before the first process is born (the directory
 * kr_cgroup_birth_fd gives, if the host has one); the rest.  After a failed
 * step, kr_cgroup_destroy removes what was made. */
int kr_cgroup_resolve (const char *cgroups_path, const char *id, kr_cgroup **out,
                       kr_error **err);
int kr_cgroup_prepare (kr_cgroup *cg, kr_error **err);
int kr_cgroup_make (kr_cgroup *cg, kr_error **err);

/* A directory fd a child can be born in (clone3's CLONE_INTO_CGROUP), so
 * none of its instructions runs outside the cgroup; -1 when the host has
 * none (a child then enters with kr_cgroup_enter alone).  Owned by CG:
 * valid until kr_cgroup_free. */
int kr_cgroup_birth_fd (kr_cgroup *cg);

/* Moves PID (a whole thread group) into the cgroup in every hierarchy.
 * PID 0 is the calling process, which must be single-threaded: where it can
 * it moves itself through "tasks", which the kernel does without taking the
 * global threadgroup lock, whose write side waits for an RCU grace period
 * (milliseconds, the largest single cost of a container start there). */
int kr_cgroup_attach (kr_cgroup *cg, pid_t pid, kr_error **err);
/* kr_cgroup_attach (CG, 0), leaving the birth directory alone when the
 * caller was born in it (BORN_IN_CGROUP), then closes CG's directory fds:
 * the caller is the container's init, which must hold no host fd. */
int kr_cgroup_enter (kr_cgroup *cg, bool born_in_cgroup, kr_error **err);
/* The same into existing sub-cgroups, given as `exec --cgroup` takes them
 * (ARGS: "path", or "ctrl[,ctrl]:path" ...; none means kr_cgroup_attach).
 * BORN_IN_CGROUP: the caller (PID 0) was born in the birth directory: a
 * hierarchy no argument names is left alone there. */
int kr_cgroup_attach_sub (kr_cgroup *cg, pid_t pid, bool born_in_cgroup, char *const *args,
                          size_t n, kr_error **err);

/* The device rules: deny everything, then linux.resources.devices in order
 * (each rule validated, errors name the JSON path), then the defaults of the
 * spec (null, zero, full, random, urandom, tty, ptmx, the ptys 136:any, mknod of
 * any device, /dev/net/tun), skipping a default whose path linux.devices
 * lists, as runc does.  LX may be NULL.  v1: written to devices.deny and
 * devices.allow.  Unified: a BPF device program generated from them replaces
 * the cgroup's device program in one step.  Callable again (`update`) with
 * new rules. */
int kr_cgroup_apply_devices (kr_cgroup *cg, const oci_linux *lx, kr_error **err);

/* Records which directories this cgroup has in each hierarchy, and which of
 * them krill made, in the file NAME under DIRFD (written atomically), so a
 * later process can kr_cgroup_load it and kr_cgroup_destroy. */
int kr_cgroup_save (const kr_cgroup *cg, int dirfd, const char *name, kr_error **err);
/* The same record before anything is made: the whole path in every
 * hierarchy, and as made the components that do not exist yet.  Written
 * before the first mkdir, so that a `create` killed at any point leaves a
 * record that `delete` removes what it made by (a component someone else
 * made meanwhile is removed only if empty: rmdir refuses the others). */
int kr_cgroup_save_intent (const kr_cgroup *cg, int dirfd, const char *name, kr_error **err);
/* OWNER (at most 63 bytes, e.g. the state dir's identity) is set on each
 * leaf directory kr_cgroup_prepare and kr_cgroup_make make, where only the
 * host's root can set or change it, so that kr_cgroup_recover finds them. */
void kr_cgroup_set_owner (kr_cgroup *cg, const char *owner);
/* Sets the marks on what kr_cgroup_prepare and kr_cgroup_make made: OWNER
 * on each leaf, "made by krill" on each parent.  Best effort, and off the
 * critical path (create calls it while init builds its rootfs): without
 * them only a delete that lost its record leaves the leaf, or a parent
 * outlives its last container.  The record (kr_cgroup_save_intent) covers
 * a crash before them. */
void kr_cgroup_mark (kr_cgroup *cg);
/* Whether R (may be NULL) sets a limit of a domain controller (memory, io,
 * cpuset, hugetlb): such a cgroup can not be made threaded when the
 * hierarchy leaves it no other way in (see make_hier_once). */
void kr_cgroup_set_resources (kr_cgroup *cg, const oci_resources *r);
/* For a delete whose record is lost or damaged: the cgroup cgroupsPath and
 * ID resolve to (as at create), counting as made only the leaves that carry
 * OWNER, and above them the parents krill marked; everything else is left
 * alone by kr_cgroup_destroy. */
int kr_cgroup_recover (const char *cgroups_path, const char *id, const char *owner,
                       kr_cgroup **out, kr_error **err);
/* The record is refused unless every path is clean and absolute, none a
 * hierarchy root, and (EXPECTED not NULL) it is the cgroup EXPECTED names:
 * what kr_cgroup_path gave when the record was saved.  Only a state dir
 * without that (a create that died half-way) passes NULL. */
int kr_cgroup_load (int dirfd, const char *name, const char *expected, kr_cgroup **out,
                    kr_error **err);

/* SIGKILLs every process left in each cgroup krill made (cgroup.kill when
 * there is one), waits until they are gone and removes every directory krill
 * made, leaf first.  A joined cgroup and its processes are left alone, so is a
 * made parent that someone else has started using.  Safe to call twice. */
int kr_cgroup_destroy (kr_cgroup *cg, kr_error **err);

/* SIG to every process in the cgroup and below it: a SIGKILL through
 * cgroup.kill where there is one, else to each process proven (by pidfd) to
 * be in it when signalled, so a pid reused meanwhile is never hit. */
int kr_cgroup_signal (kr_cgroup *cg, int sig, kr_error **err);

/* Every pid in the cgroup and below it (the v2 leaf, else the devices
 * hierarchy). *PIDS is malloc'd. */
int kr_cgroup_pids (kr_cgroup *cg, pid_t **pids, size_t *n, kr_error **err);

/* The cgroup's path inside its hierarchy ("/krill/ctr1"): the unified
 * leaf, else the devices hierarchy's (for state.json and `state`). */
const char *kr_cgroup_path (const kr_cgroup *cg);

/* What a "cgroup" mount of the config puts at its destination, as plain data
 * for the rootfs: either one new filesystem (FSTYPE, with the mount's own
 * source and options; when the kernel refuses it with EPERM or EBUSY -- no
 * cgroup namespace of its own, or inside a user namespace -- a bind of
 * FALLBACK_BIND), or, FSTYPE NULL, a tmpfs (nosuid,nodev,noexec,mode=755)
 * holding ENTRIES, each in the directory NAME, then LINKS. */
typedef struct kr_cgroup_mount_entry
{
  char *name;    /* "cpu,cpuacct" */
  char *fstype;  /* a new filesystem: type, SOURCE, OPTIONS (data) */
  char *source;
  char *options;
  char *bind;    /* FSTYPE NULL: the host directory bound (recursively) */
} kr_cgroup_mount_entry;

typedef struct kr_cgroup_mount_link
{
  char *name;    /* "cpu" */
  char *target;  /* "cpu,cpuacct" */
} kr_cgroup_mount_link;

typedef struct kr_cgroup_mount_plan
{
  char *fstype;
  char *fallback_bind;
  kr_cgroup_mount_entry *entries;
  size_t n_entries;
  kr_cgroup_mount_link *links;
  size_t n_links;
  /* The mount shows directories kr_cgroup_make makes: mount it only once
   * they are there. */
  bool needs_make;
} kr_cgroup_mount_plan;

/* The plan for CG, the container having its own cgroup namespace or not
 * (CGROUPNS).  Computed from what resolve read: call it before the child
 * is born. */
int kr_cgroup_plan_mount (const kr_cgroup *cg, bool cgroupns, kr_cgroup_mount_plan **out,
                          kr_error **err);
void kr_cgroup_mount_plan_free (kr_cgroup_mount_plan *p);

/* Whether `spec` gives the container a cgroup namespace on this host, as
 * runc's does: when the host has only the unified hierarchy. */
bool kr_cgroup_spec_wants_namespace (void);

/* The "cgroup" object of the features document, its members in order:
 * which cgroup managers krill has.  Returns how many are in *OUT. */
typedef struct kr_cgroup_feature
{
  const char *key;
  bool value;
} kr_cgroup_feature;
size_t kr_cgroup_features (const kr_cgroup_feature **out);

/* --- freezer.c: pause and resume.  The freezer hierarchy's freezer.state;
 * on a unified host cgroup.freeze.  Returns once the kernel says every task
 * is frozen (or thawed), or fails after a bounded wait naming the cgroup (a
 * failed freeze is thawed back, never left half done). */
int kr_cgroup_freeze (kr_cgroup *cg, bool freeze, kr_error **err);
/* Whether the container's cgroup itself was frozen (a cgroup frozen only
 * through an ancestor is not: runc says the same). */
int kr_cgroup_is_frozen (kr_cgroup *cg, bool *frozen, kr_error **err);

/* --- stats.c: usage read from either hierarchy, in runc's units (bytes,
 * nanoseconds).  A value the host does not provide stays 0 (arrays empty).
 * memory.raw and hugetlb come sorted by key (Go's JSON order for maps). */
typedef struct kr_cg_mem_entry
{
  uint64_t usage, max, limit, failcnt;
} kr_cg_mem_entry;

typedef struct kr_cg_u64s
{
  uint64_t *v;
  size_t n;
} kr_cg_u64s;

typedef struct kr_cg_kv
{
  char *key;
  uint64_t value;
} kr_cg_kv;

typedef struct kr_cg_blkio_entry
{
  uint64_t major, minor, value;
  char op[16];
} kr_cg_blkio_entry;

typedef struct kr_cg_blkio_list
{
  kr_cg_blkio_entry *v;
  size_t n;
} kr_cg_blkio_list;

/* runc's blkio tables, in the order of its JSON. */
enum
{
  KR_BLKIO_SERVICE_BYTES,
  KR_BLKIO_SERVICED,
  KR_BLKIO_QUEUED,
  KR_BLKIO_SERVICE_TIME,
  KR_BLKIO_WAIT_TIME,
  KR_BLKIO_MERGED,
  KR_BLKIO_TIME,
  KR_BLKIO_SECTORS,
  KR_BLKIO_N
};

typedef struct kr_cg_hugetlb
{
  char pagesize[16]; /* "2MB", "1GB" as runc names them */
  uint64_t usage, max, failcnt;
} kr_cg_hugetlb;

typedef struct kr_cgroup_stats
{
  struct
  {
    uint64_t total, kernel, user;
    kr_cg_u64s percpu, percpu_kernel, percpu_user;
    uint64_t periods, throttled_periods, throttled_time;
  } cpu;
  struct
  {
    uint64_t cache;
    kr_cg_mem_entry usage, swap, kernel, kernel_tcp;
    kr_cg_kv *raw;
    size_t n_raw;
  } memory;
  struct
  {
    kr_cg_u64s cpus, mems; /* v1 only, as runc */
    uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate, memory_spread_page,
        memory_spread_slab, memory_pressure, sched_load_balance;
    int64_t sched_relax_domain_level;
  } cpuset;
  struct
  {
    uint64_t current, limit; /* limit 0: none */
  } pids;
  kr_cg_blkio_list blkio[KR_BLKIO_N];
  kr_cg_hugetlb *hugetlb;
  size_t n_hugetlb;
} kr_cgroup_stats;

int kr_cgroup_stats_read (kr_cgroup *cg, kr_cgroup_stats *out, kr_error **err);
void kr_cgroup_stats_clear (kr_cgroup_stats *s);

/* --- oom.c: a pollable watch for the OOM killer in the memory cgroup (v1:
 * memory.oom_control through cgroup.event_control, v2: inotify on
 * memory.events), and for the cgroup emptying (v2 cgroup.events). */
typedef struct kr_cg_oom kr_cg_oom;
int kr_cgroup_oom_watch (kr_cgroup *cg, kr_cg_oom **out, kr_error **err);
/* The fd to poll for POLLIN. */
int kr_cg_oom_fd (const kr_cg_oom *w);
/* After the fd polled readable (or at any time, to drain): *OOMS is the
 * number of new OOM kills seen (0 or more); *GONE says the cgroup has been
 * emptied or removed. */
int kr_cg_oom_check (kr_cg_oom *w, unsigned *ooms, bool *gone, kr_error **err);
void kr_cg_oom_free (kr_cg_oom *w);

void kr_cgroup_free (kr_cgroup *cg);

#define _cleanup_cgroup_ __attribute__ ((cleanup (kr_cgroup_freep)))
static inline void
kr_cgroup_freep (kr_cgroup **cg)
{
  kr_cgroup_free (*cg);
}

#endif
