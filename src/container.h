/* The container state machine: create -> created -> running -> stopped.
 * One entry point per command; each returns 0 or -1 with *err set. */
#ifndef KRILL_CONTAINER_H
#define KRILL_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "state.h"

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
/* Reads the state and the live status of one container. */
int kr_container_state (const char *root, const char *id, kr_state **st, kr_status *status,
                        kr_error **err);

typedef struct kr_listed
{
  kr_state *state;
  kr_status status;
} kr_listed;

int kr_container_list (const char *root, kr_listed **out, size_t *n, kr_error **err);
void kr_listed_free (kr_listed *l, size_t n);

/* Waits for the init of a container this process created; forwards the
 * signals in the blocked set that arrive meanwhile, proxies the terminal
 * master (when TERM_MASTER >= 0) to stdin/stdout; returns the exit status
 * as a shell would (128+N for signal N). */
int kr_container_wait (const kr_created *c, int term_master, int *status, kr_error **err);

#endif
