/* The user's process: what runs in the child after the rootfs is in place
 * and before execve — rlimits, user and groups, umask, cwd, the executable. */
#ifndef KRILL_PROCESS_H
#define KRILL_PROCESS_H

#include "error.h"
#include "ocispec.h"

/* In the parent, before anything exists: args, cwd, rlimit names. */
int kr_process_validate (const oci_process *p, kr_error **err);
/* RLIMIT_NOFILE -> RLIMIT_NOFILE's number; -1 when unknown. */
int kr_rlimit_from_name (const char *name);
int kr_process_set_rlimits (const oci_process *p, kr_error **err);
/* setgroups, setresgid, setresuid (with caps kept by the caller). */
int kr_process_set_user (const oci_process *p, kr_error **err);
/* args[0] looked up in the process's own PATH, inside the container's root. */
int kr_process_find_exec (const oci_process *p, char **path, kr_error **err);
/* env of the process plus HOME when it has none (from /etc/passwd, else /). */
char **kr_process_env (const oci_process *p);

#endif
