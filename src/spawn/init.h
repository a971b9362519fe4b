/* The container's init, from clone3 to execve: runs in the child, in its
 * new namespaces. It returns only on failure, after telling the parent. */
#ifndef KRILL_INIT_H
#define KRILL_INIT_H

#include <stdbool.h>

#include "process/caps.h"
#include "cgroup/cgroup.h"
#include "process/namespaces.h"
#include "ocispec.h"
#include "process/seccomp.h"

typedef struct kr_init_ctx
{
  const oci_config *cfg;
  const char *id;
  const char *rootfs;          /* absolute host path */
  const char *bundle;          /* absolute host path */
  const kr_namespaces *ns;
  kr_caps caps;
  const kr_seccomp *seccomp;   /* compiled by the parent; NULL: none */
  int sync_fd;                 /* child end of the socketpair */
  int fifo_fd;                 /* O_PATH of <state>/exec.fifo */
  int proc_fd;                 /* the trusted procfs handle */
  int console_fd;              /* -1 without a terminal */
  int parent_only_fds[4];      /* fds of the parent's that init must drop at once */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  oci_state hook_state;        /* the hooks' state but status and pid */
  kr_cgroup *cg;               /* made by the parent; init enters it */
  const kr_cgroup_mount_plan *cg_plan; /* for a "cgroup" mount; NULL: none */
  bool born_in_cgroup;         /* born in the cgroup's birth directory */
  bool cg_ready;               /* the parent said KR_SYNC_CGROUP */
  bool cg_entered;             /* init is in its cgroup */
  /* In a user namespace: may drop the supplementary groups (setgroups is
   * "allow", as when krill runs as root). */
  bool setgroups_allowed;
} kr_init_ctx;

/* Never returns on success (the user's program replaces it). Returns when
 * it failed before READY (the parent has its error); after READY a failure
 * is printed on the container's stderr and init exits 255 (runc 1.2+). */
void kr_init_run (kr_init_ctx *ctx);

#endif
