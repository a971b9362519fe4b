/* `exec`: a new process in a running container. The process is built from
 * the container's own config.json (the copy create kept) with the caller's
 * overrides, or taken whole from a Process JSON; it joins every namespace of
 * the container (setns on a pidfd of init), its cgroup, and gets the same
 * treatment as init's process (process/process.c) before execve.
 *
 * Who is who: the caller (P) forks a helper (C1) that P places in the
 * cgroup; C1 makes itself non-dumpable, closes every fd but stdio, the
 * preserved ones and the sync socket, joins the namespaces, and clones the
 * process (C2) with CLONE_PARENT, so C2 lands in the container's pid
 * namespace as P's child; C1 reports C2's pid and exits. C2 sets up the
 * terminal and the process and execs; an error before execve comes back to P
 * over the sync socket. C1 and C2 are spawn/exec-enter.c. */
#ifndef KRILL_EXEC_H
#define KRILL_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "container/container.h"
#include "base/error.h"
#include "ocispec.h"

typedef struct kr_exec_opts
{
  const char *root;
  const char *id;
  const char *process_file; /* --process: the whole process, no overrides */
  char **args;              /* CMD [ARGS...] otherwise */
  size_t args_len;
  /* Overrides of the config's process (runc's flags). */
  const char *cwd;
  const char *user;          /* "uid[:gid]" */
  const char *apparmor;
  const char *process_label;
  char **env;                /* appended */
  size_t env_len;
  char **gids;               /* appended to additionalGids */
  size_t gids_len;
  char **caps;               /* added to bounding, effective, permitted (ambient) */
  size_t caps_len;
  bool tty;
  bool no_new_privs;
  bool no_new_privs_set;
  /* How it runs. */
  char **cgroups;            /* --cgroup: "path" or "ctrl[,ctrl]:path" */
  size_t cgroups_len;
  bool detach;
  bool ignore_paused;
  int console_fd;            /* gets the pty master, -1 when none */
  bool console_socket_given; /* console_fd is the caller's --console-socket */
  int pidfd_socket;          /* --pidfd-socket: gets a pidfd of the process, or -1 */
  int preserve_fds;
  const char *pid_file;
} kr_exec_opts;

/* Starts the process; returns once it has called execve (or failed to).
 * OUT gets its pid and a pidfd (for kr_container_wait: it is the caller's
 * child), and whether the master went over console_fd. */
int kr_container_exec (const kr_exec_opts *o, kr_created *out, kr_error **err);

/* The process to run, from the container's config (CFG: the one saved in
 * its state dir, whose process is taken; NULL: the bundle's) and O's
 * overrides, or O->process_file; checked as create checks init's. */
int kr_exec_build_process (const kr_exec_opts *o, oci_config *cfg, const char *bundle,
                           oci_process **out, kr_error **err);

#endif
