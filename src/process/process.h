/* The user's process: what runs in the child after the rootfs is in place
 * and before execve — rlimits, user and groups, umask, cwd, the executable. */
#ifndef KRILL_PROCESS_H
#define KRILL_PROCESS_H

#include <sys/types.h>

#include "process/caps.h"
#include "base/error.h"
#include "ocispec.h"
#include "process/seccomp.h"

/* In the parent, before anything exists: args, cwd, rlimit names. */
int kr_process_validate (const oci_process *p, kr_error **err);
/* RLIMIT_NOFILE -> RLIMIT_NOFILE's number; -1 when unknown. */
int kr_rlimit_from_name (const char *name);
int kr_process_set_rlimits (const oci_process *p, kr_error **err);
/* The same for the process PID (0: the caller), from outside: a process in
 * a user namespace of its own can no longer raise a hard limit, so its
 * creator sets them (as runc's parent does). */
int kr_process_set_rlimits_of (pid_t pid, const oci_process *p, kr_error **err);
/* setgroups, setresgid, setresuid (with caps kept by the caller). */
int kr_process_set_user (const oci_process *p, kr_error **err);
/* PR_SET_DUMPABLE 0 again, checked: after every change of credentials. */
int kr_process_stay_undumpable (kr_error **err);
/* args[0] looked up in the process's own PATH, inside the container's root. */
int kr_process_find_exec (const oci_process *p, char **path, kr_error **err);
/* env of the process plus HOME when it has none (from /etc/passwd, else /). */
char **kr_process_env (const oci_process *p);

/* Joins a new session keyring NAME, so the container cannot read the
 * caller's keys. Its serial; 0 when the kernel or a seccomp profile has no
 * keyctl for us (fine, as in runc); -1 on another error. */
long kr_process_join_keyring (const char *name, kr_error **err);
/* process.oomScoreAdj through the procfs PROC_FD, when set. */
int kr_process_set_oom_score_adj (const oci_process *p, int proc_fd, kr_error **err);

/* What the container's init and `exec` share, once the process stands in
 * the container's root: */
/* 1. the executable and the environment (before any privilege is dropped); */
int kr_process_prepare (const oci_process *p, char **exec_path, char ***envp, kr_error **err);
/* 2. oom_score_adj (through the trusted /proc), every fd above the
 *    PRESERVE_FDS ones marked close-on-exec but REPORT_FD (kr_process_exec's;
 *    -1: none), rlimits, umask, cwd, the capability sets around the uid
 *    switch, no_new_privs; without noNewPrivileges also the seccomp filter
 *    SECCOMP (NULL: none), see kr_process_exec; */
int kr_process_apply (const oci_process *p, const kr_caps *caps, const kr_seccomp *seccomp,
                      int proc_fd, int preserve_fds, int report_fd, kr_error **err);
/* 3. signal dispositions and mask reset, with noNewPrivileges the seccomp
 *    filter, execve. STUB_FD >= 0: through the exec stub in that memfd
 *    (spawn/exec-final.h), which reports its own failure to execve on
 *    REPORT_FD (the sync socket), or with -1 on stderr as init does.
 *    Returns only on failure. */
int kr_process_exec (const oci_process *p, const kr_seccomp *seccomp, const char *exec_path,
                     char **envp, int stub_fd, int report_fd, kr_error **err);

#endif
