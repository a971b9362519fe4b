/* The container state machine: create -> created -> running -> stopped.
 * One entry point per command; each returns 0 or -1 with *err set. */
#ifndef KRILL_CONTAINER_H
#define KRILL_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "container/state.h"

typedef struct kr_create_opts
{
  const char *root;   /* --root */
  const char *id;
  const char *bundle; /* --bundle, "." by default */
  const char *pid_file;
  int console_fd;     /* connected console socket, -1 when none */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  int listen_fds;     /* systemd socket activation: fds 3.. handed on, before --preserve-fds */
} kr_create_opts;

/* The process left waiting for `start`. The pidfd is only valid in the
 * process that called create (run uses it to wait). */
typedef struct kr_created
{
  pid_t pid;
  int pidfd;
  bool terminal; /* process.terminal: the master went over console_fd */
} kr_created;

int kr_container_create (const kr_create_opts *o, kr_created *out, kr_error **err);
int kr_container_start (const char *root, const char *id, kr_error **err);
int kr_container_kill (const char *root, const char *id, int signum, bool all, kr_error **err);
/* Merges UPD onto the resources in force and applies them (UPD is left
 * partly emptied); a stopped container is refused. */
int kr_container_update (const char *root, const char *id, oci_resources *upd, kr_error **err);
int kr_container_delete (const char *root, const char *id, bool force, kr_error **err);
/* Lifecycle step 13, after the container is destroyed: CFG's poststop
 * hooks with ST's state, each failure a warning. After delete, and after a
 * create that failed once init existed (a failing prestart, createRuntime
 * or createContainer hook continues at step 12). */
void kr_container_poststop (const oci_config *cfg, const kr_state *st);
/* Freezes a running (or created) container / thaws a paused one. */
int kr_container_pause (const char *root, const char *id, kr_error **err);
int kr_container_resume (const char *root, const char *id, kr_error **err);
/* For kill and delete: a SIGKILLed process in a frozen cgroup may die only
 * once thawed.  DIRFD is the locked state directory. */
int kr_container_thaw_if_paused (int dirfd, const kr_state *st, kr_error **err);
/* Every pid in the container's cgroup (`ps`); *PIDS is malloc'd. */
int kr_container_pids (const char *root, const char *id, pid_t **pids, size_t *n, kr_error **err);

/* `events`: stats and OOM notices of one container. */
typedef struct kr_events kr_events;
/* Fails, as runc, when the container is stopped.  WATCH also opens what
 * kr_events_wait needs (init's pidfd, the OOM watch). */
int kr_events_open (const char *root, const char *id, bool watch, kr_events **out, kr_error **err);
/* One runc event line (no newline): {"type":"stats","id":ID,"data":{...}}. */
char *kr_events_stats_json (kr_events *ev, kr_error **err);
/* {"type":"oom","id":ID} */
char *kr_events_oom_json (kr_events *ev, kr_error **err);
/* Waits up to TIMEOUT_MS (-1: no limit); *OOMS: OOM kills seen since the
 * last call; *ENDED: the container stopped (its init exited or its cgroup
 * emptied), and no OOM is left unreported. */
int kr_events_wait (kr_events *ev, int timeout_ms, unsigned *ooms, bool *ended, kr_error **err);
void kr_events_free (kr_events *ev);

/* Reads the state and the live status of one container. */
int kr_container_state (const char *root, const char *id, kr_state **st, kr_status *status,
                        kr_error **err);

typedef struct kr_listed
{
  kr_state *state;
  kr_status status;
  char *reason; /* KR_STATUS_UNKNOWN: why (the state dir is damaged) */
} kr_listed;

int kr_container_list (const char *root, kr_listed **out, size_t *n, kr_error **err);
void kr_listed_free (kr_listed *l, size_t n);

/* Waits for the init of a container this process created; forwards the
 * signals in the blocked set that arrive meanwhile, proxies the terminal
 * master (when TERM_MASTER >= 0) to stdin/stdout; returns the exit status
 * as a shell would (128+N for signal N). */
int kr_container_wait (const kr_created *c, int term_master, int *status, kr_error **err);

#endif
