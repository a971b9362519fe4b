/* What the files of src/cgroup/ share, and what the unit tests reach: the
 * parsers take text, the resolver takes parsed tables, so the layout logic
 * runs without a cgroup filesystem. */
#ifndef KRILL_CGROUP_INTERNAL_H
#define KRILL_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup/cgroup.h"

#define KR_CG_ROOT "/sys/fs/cgroup"
#define KR_CG_HYBRID_ROOT KR_CG_ROOT "/unified"

typedef enum kr_cg_mode
{
  KR_CG_LEGACY = 1,
  KR_CG_UNIFIED = 2,
  KR_CG_HYBRID = 3,
} kr_cg_mode;

/* One cgroup hierarchy mounted under /sys/fs/cgroup (from mountinfo). */
typedef struct kr_cg_mount
{
  int version;        /* 1 or 2 */
  char *controllers;  /* "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
  char *mountpoint;   /* "/sys/fs/cgroup/cpu" */
  char *root;         /* the mount's root inside the hierarchy, "/" mostly */
  char *opts;         /* kr_cg_parse_cgroup_fs only: the superblock options
                       * a fresh mount takes ("xattr,name=systemd") */
} kr_cg_mount;

/* One line of /proc/self/cgroup. */
typedef struct kr_cg_own
{
  char *controllers;  /* "memory", "name=systemd"; "" for the 0:: line */
  char *path;
} kr_cg_own;

/* The container's cgroup in one hierarchy. */
typedef struct kr_cg_hier
{
  int version;
  char *controllers;
  char *mountpoint;
  char *path;     /* inside the hierarchy, absolute, clean; "/" is the root */
  unsigned made;  /* how many trailing components of PATH krill made */
  int fd;         /* the leaf directory, -1 until opened */
} kr_cg_hier;

typedef struct kr_cgroup_driver kr_cgroup_driver;

struct kr_cgroup
{
  kr_cg_mode mode;
  const kr_cgroup_driver *drv; /* chosen from MODE at resolve and load */
  kr_cg_hier *h;
  size_t n;
  kr_cg_mount *fs;   /* resolve on a v1 host: every "cgroup" filesystem */
  size_t n_fs;       /* mounted, for the mount plan */
  char owner[64];    /* KR_CG_OWNER_XATTR's value for the leaf, "" for none */
  bool domain_limits; /* kr_cgroup_set_resources */
};

struct kr_dev_rule;
struct kr_dev_policy;

/* What a cgroup manager does; the public kr_cgroup_* calls dispatch here.
 * Today two cgroupfs drivers fill it: v1.c (legacy and hybrid hosts: every
 * v1 hierarchy, plus the unified hierarchy's directory on hybrid ones) and
 * v2.c (unified hosts).  A systemd driver would be a third. */
struct kr_cgroup_driver
{
  /* Before the first process is born: the directory it is born in. */
  int (*prepare) (kr_cgroup *cg, kr_error **err);
  /* The rest of the cgroup, done while init mounts. */
  int (*make) (kr_cgroup *cg, kr_error **err);
  /* The directory fd a child is born in (CLONE_INTO_CGROUP), -1: none. */
  int (*birth_fd) (kr_cgroup *cg);
  /* RULES in order, POL what they amount to (kr_cg_device_policy). */
  int (*apply_devices) (kr_cgroup *cg, const struct kr_dev_rule *rules, size_t n,
                        const struct kr_dev_policy *pol, kr_error **err);
  /* R set and checked already. */
  int (*apply_resources) (kr_cgroup *cg, const oci_resources *r, kr_error **err);
  /* PID into every hierarchy; BORN_IN: it was born in the birth directory. */
  int (*attach) (kr_cgroup *cg, pid_t pid, bool born_in, kr_error **err);
  int (*attach_sub) (kr_cgroup *cg, pid_t pid, bool born_in, char *const *args, size_t n,
                     kr_error **err);
  int (*freeze) (kr_cgroup *cg, bool freeze, kr_error **err);
  int (*is_frozen) (kr_cgroup *cg, bool *frozen, kr_error **err);
  int (*pids) (kr_cgroup *cg, pid_t **pids, size_t *n, kr_error **err);
  int (*signal) (kr_cgroup *cg, int sig, kr_error **err);
  /* OUT zeroed; the caller sorts and clears. */
  int (*stats) (kr_cgroup *cg, kr_cgroup_stats *out, kr_error **err);
  int (*oom_watch) (kr_cgroup *cg, kr_cg_oom **out, kr_error **err);
  int (*destroy) (kr_cgroup *cg, kr_error **err);
  /* What a "cgroup" mount of the config shows (see cgroup.h). */
  int (*mount_plan) (const kr_cgroup *cg, bool cgroupns, kr_cgroup_mount_plan **out,
                     kr_error **err);
  /* The path for state.json and `state`. */
  const char *(*path) (const kr_cgroup *cg);
};

extern const kr_cgroup_driver kr_cg_driver_v1;
extern const kr_cgroup_driver kr_cg_driver_v2;
/* The driver of a host in MODE. */
const kr_cgroup_driver *kr_cg_driver_for (kr_cg_mode mode);

/* --- layout.c: where the cgroup goes */
int kr_cg_detect_mode (kr_cg_mode *mode, kr_error **err);
int kr_cg_parse_mountinfo (const char *text, kr_cg_mount **out, size_t *n, kr_error **err);
int kr_cg_parse_proc_cgroup (const char *text, kr_cg_own **out, size_t *n, kr_error **err);
void kr_cg_mounts_free (kr_cg_mount *m, size_t n);
void kr_cg_owns_free (kr_cg_own *o, size_t n);
/* runc's CleanPath: lexical clean; a relative path stays relative and can
 * not climb out ("../../a" -> "a"); "" stays "". malloc'd, NULL on ENOMEM. */
char *kr_cg_clean_path (const char *path);
/* Where the cgroup goes in each hierarchy (no filesystem access). */
int kr_cg_resolve (kr_cg_mode mode, const char *cgroups_path, const char *id,
                   const kr_cg_mount *mounts, size_t n_mounts,
                   const kr_cg_own *own, size_t n_own,
                   kr_cgroup **out, kr_error **err);
bool kr_cg_has_controller (const char *list, const char *name);
/* Every v1 "cgroup" filesystem of mountinfo TEXT, wherever mounted, in its
 * order, OPTS filled (rw/ro and release_agent left out). */
int kr_cg_parse_cgroup_fs (const char *text, kr_cg_mount **out, size_t *n, kr_error **err);

/* --- cgroup.c: the hierarchies of one cgroup, files */
kr_cg_hier *kr_cg_find (kr_cgroup *cg, const char *controller);
/* Opens h->fd if needed; ENOENT is reported as an error too. */
int kr_cg_open_leaf (kr_cg_hier *h, kr_error **err);
/* "/sys/fs/cgroup/cpu/krill/c1" into BUF (for messages). */
const char *kr_cg_hier_dir (const kr_cg_hier *h, char *buf, size_t size);
/* PATH relative to the mount point: "krill/c1", or "." for the root. */
const char *kr_cg_rel (const char *path);
int kr_cg_read_at (int dirfd, const char *name, char **out, kr_error **err);
int kr_cg_write_at (int dirfd, const char *name, const char *data, kr_error **err);
/* Both cgroupfs drivers' attach: BORN_IN leaves the birth directory's
 * hierarchy alone. */
int kr_cg_attach (kr_cgroup *cg, pid_t pid, bool born_in, kr_error **err);
/* The directories of the VERSION hierarchies (kr_cgroup_make); DELEGATE:
 * enable every controller down the path (cgroup2). */
int kr_cg_make_version (kr_cgroup *cg, int version, bool delegate, kr_error **err);
/* The leaf of the first cgroup2 hierarchy, opened; -1: none. */
int kr_cg_birth_fd (kr_cgroup *cg);
/* The unified host's one hierarchy, NULL when there is none. */
kr_cg_hier *kr_cg_leaf (kr_cgroup *cg);

/* --- sub.c: both cgroupfs drivers' attach_sub */
int kr_cg_attach_sub (kr_cgroup *cg, pid_t pid, bool born_in, char *const *args, size_t n,
                      kr_error **err);
/* --- procs.c: both cgroupfs drivers' destroy; pids of hierarchy H */
int kr_cg_destroy (kr_cgroup *cg, kr_error **err);
int kr_cg_pids_of (kr_cg_hier *h, pid_t **pids, size_t *n, kr_error **err);
/* SIG to every process in CG: cgroup.kill for a SIGKILL where a v2
 * hierarchy has it, else each process listed in H (and below) that is
 * proven to be in it (see signal_batch). */
int kr_cg_signal_all (kr_cgroup *cg, kr_cg_hier *h, int sig, kr_error **err);
/* --- freezer.c, stats.c, oom.c: per driver */
int kr_cg_v1_freeze (kr_cgroup *cg, bool freeze, kr_error **err);
int kr_cg_v1_is_frozen (kr_cgroup *cg, bool *frozen, kr_error **err);
int kr_cg_v2_freeze (kr_cgroup *cg, bool freeze, kr_error **err);
int kr_cg_v2_is_frozen (kr_cgroup *cg, bool *frozen, kr_error **err);
int kr_cg_v1_stats (kr_cgroup *cg, kr_cgroup_stats *s, kr_error **err);
int kr_cg_v2_stats (kr_cgroup *cg, kr_cgroup_stats *s, kr_error **err);
/* The OOM watch on the memory files of H. */
int kr_cg_oom_watch_at (kr_cg_hier *h, kr_cg_oom **out, kr_error **err);
/* --- mount-plan.c */
int kr_cg_v1_mount_plan (const kr_cgroup *cg, bool cgroupns, kr_cgroup_mount_plan **out,
                         kr_error **err);
int kr_cg_v2_mount_plan (const kr_cgroup *cg, bool cgroupns, kr_cgroup_mount_plan **out,
                         kr_error **err);
/* CLOCK_MONOTONIC in milliseconds, for the bounded waits (cgroup.c). */
long kr_cg_now_ms (void);
/* Puts PID into the cgroup DIRFD of a VERSION hierarchy (kr_cgroup_attach). */
int kr_cg_attach_at (int dirfd, int version, pid_t pid, kr_error **err);

/* --- v1.c */
/* A task can not join a v1 cpuset without cpus and mems, and a new one has
 * neither.  Called for each level of a path, the hierarchy's root first
 * (*CPUS and *MEMS NULL): a level with values of its own hands them down in
 * *CPUS and *MEMS (malloc'd), an empty one -- or one krill just MADE -- gets
 * those from above written, as runc's cpusetEnsureParent does. */
int kr_cg_v1_cpuset_fill (int dirfd, bool made, char **cpus, char **mems, kr_error **err);

/* --- v2.c */
/* Enables in DIRFD's cgroup.subtree_control every controller it has
 * (cgroup.controllers), one by one, ignoring refusals like runc. */
void kr_cg_v2_enable_controllers (int dirfd);
/* Writes cgroup.kill; 1 when done, 0 when the kernel has no cgroup.kill. */
int kr_cg_v2_kill (int dirfd, kr_error **err);

/* --- device-rules.c: pure logic */
typedef struct kr_dev_rule
{
  bool allow;
  char type;        /* 'a', 'c', 'b' */
  int64_t major;    /* -1: any */
  int64_t minor;    /* -1: any */
  char access[4];   /* a non-empty subset of "rwm", in that order */
  size_t from_config; /* 1 + its index in linux.resources.devices; 0: built in */
} kr_dev_rule;

/* Access bits as struct bpf_cgroup_dev_ctx carries them. */
#define KR_DEV_ACC_MKNOD 1u
#define KR_DEV_ACC_READ 2u
#define KR_DEV_ACC_WRITE 4u

/* The state the v1 kernel reaches after the rules are written in order: a
 * default verdict and the exceptions to it (type 'c' or 'b'), each unique by
 * (type, major, minor).  runc calls it the emulator. */
typedef struct kr_dev_exception
{
  char type;
  int64_t major;    /* -1: any */
  int64_t minor;    /* -1: any */
  unsigned access;  /* KR_DEV_ACC_* */
} kr_dev_exception;

typedef struct kr_dev_policy
{
  bool default_allow;
  kr_dev_exception *exc;
  size_t n;
} kr_dev_policy;

/* The effective program, in order: deny all, the config's rules, the
 * defaults (see kr_cgroup_apply_devices).  *OUT is malloc'd. */
int kr_cg_device_rules (const oci_linux *lx, kr_dev_rule **out, size_t *n, kr_error **err);
/* Replays RULES as the v1 kernel does: "a" resets to allow-all or deny-all,
 * a rule against the default adds (or widens) an exception, a rule with it
 * narrows the exception with exactly that type:major:minor.  A rule that
 * would take access away from only part of a wildcard exception is refused,
 * as runc does: v1 would silently keep the access.  POL->exc is malloc'd. */
int kr_cg_device_policy (const kr_dev_rule *rules, size_t n, kr_dev_policy *pol, kr_error **err);
void kr_cg_device_policy_free (kr_dev_policy *pol);
/* The v1 kernel's check (and what the BPF program computes): with default
 * deny, one exception must grant every requested access bit; with default
 * allow, an exception that names any of them denies.  TYPE 'c' or 'b'. */
bool kr_cg_device_allowed (const kr_dev_policy *pol, char type, uint32_t major, uint32_t minor,
                           unsigned access);

/* The rule as devices.allow / devices.deny take it ("c 1:3 rwm", "a"). */
void kr_cg_device_v1_line (const kr_dev_rule *r, char *buf, size_t size);

/* The mark krill sets on a parent cgroup it made (trusted.*: only the
 * host's root sets it), so that the delete of the last container under it
 * removes it, whichever container made it; a parent without it, made by
 * someone else, is never removed. */
#define KR_CG_PARENT_XATTR "trusted.krill.parent"
/* The mark on the leaf krill made for a container: whose it is
 * (kr_cgroup_set_owner), for a delete that lost the record. */
#define KR_CG_OWNER_XATTR "trusted.krill.owner"

#endif
