/* exec's entering helper (C1 of container/exec.h) and the process it
 * clones (C2): join the container, then run the user's process. */
#ifndef KRILL_EXEC_ENTER_H
#define KRILL_EXEC_ENTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "process/caps.h"
#include "cgroup/cgroup.h"
#include "process/seccomp.h"
#include "ocispec.h"

/* What the helper C1 and the process C2 need. */
typedef struct kr_exec_child
{
  oci_process *p;
  const oci_linux *linux; /* the container's: personality, memory policy */
  kr_caps caps;
  const char *id;
  pid_t init_pid;
  int init_pidfd;
  int ns_flags;     /* CLONE_NEW* of init's namespaces that differ from ours */
  int sync_fd;      /* the helper's end */
  int console_fd;   /* -1 without a terminal */
  int preserve_fds;
  const kr_seccomp *seccomp; /* NULL: no filter */
  kr_cgroup *cg;    /* the container's; the helper enters it */
  char *const *cgroups; /* exec --cgroup */
  size_t cgroups_len;
  bool born_in_cgroup; /* the helper was born in the cgroup's birth directory */
} kr_exec_child;

/* C1, in a fork of the caller; never returns. */
void kr_exec_child_run (kr_exec_child *c) __attribute__ ((noreturn));

#endif
