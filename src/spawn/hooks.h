/* The six hooks of config.md. Each runs as its own process: path, args
 * (args[0] is argv[0]; path when args is empty), env (the caller's
 * environment when the hook sets none), the container's state document on
 * stdin, timeout (the hook is SIGKILLed and counts as failed), stdout and
 * stderr captured into the error. The hook inherits no descriptor of
 * krill's but its stdio. Where each kind runs (which process, which
 * namespaces) is the caller's business: create.c, init.c, start.c,
 * delete.c. */
#ifndef KRILL_HOOKS_H
#define KRILL_HOOKS_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "ocispec.h"

typedef enum
{
  KR_HOOK_PRESTART,
  KR_HOOK_CREATE_RUNTIME,
  KR_HOOK_CREATE_CONTAINER,
  KR_HOOK_START_CONTAINER,
  KR_HOOK_POSTSTART,
  KR_HOOK_POSTSTOP,
} kr_hook_kind;

bool kr_hooks_has (const oci_hooks *hooks, kr_hook_kind kind);

/* In the parent, before anything exists: paths absolute, timeouts > 0. */
int kr_hooks_validate (const oci_hooks *hooks, kr_error **err);

/* The runtime-spec state document a hook reads on stdin: BASE (ociVersion,
 * id, bundle, annotations) with STATUS and PID, PID as the hook's namespace
 * sees it (0: none, left out). */
char *kr_hook_state (const oci_state *base, const char *status, pid_t pid, kr_error **err);

/* Runs every hook of KIND in order and stops at the first failure:
 * "error running createRuntime hook #0: exit status 1, stdout: ..., stderr:
 * ...". DIR: the hooks' cwd (NULL: the caller's). DEFAULT_ENV: the
 * environment of a hook without "env" (NULL: the caller's). */
int kr_hooks_run (const oci_hooks *hooks, kr_hook_kind kind, const char *state_json,
                  const char *dir, char *const *default_env, kr_error **err);

/* Runs them all; each failure is a warning (kr_log), as poststop's are.
 * DIR as kr_hooks_run's. */
void kr_hooks_run_warn (const oci_hooks *hooks, kr_hook_kind kind, const char *state_json,
                        const char *dir);

#endif
