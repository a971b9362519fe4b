/* The state directory: <root>/<id>/ holds state.json (written atomically),
 * exec.fifo while the container is "created", and the cgroup record. The
 * directory fd is the lock: every operation that changes a container holds an
 * exclusive flock on it. */
#ifndef KRILL_STATE_H
#define KRILL_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "ocispec.h"

#define KR_STATE_FILE "state.json"
#define KR_EXEC_FIFO "exec.fifo"
/* exec.fifo renamed by `start` before it opens it: the start is committed.
 * Left behind by a start that was killed, it says "created" only while
 * init still holds the fifo (kr_state_init_waits). */
#define KR_EXEC_FIFO_STARTING "exec.fifo.start"
#define KR_CGROUP_FILE "cgroup"
/* The bundle's config.json as create read it: what exec builds from, and
 * what delete runs the poststop hooks from when the bundle may be gone. */
#define KR_CONFIG_FILE "config.json"

typedef enum
{
  KR_STATUS_CREATING,
  KR_STATUS_CREATED,
  KR_STATUS_RUNNING,
  KR_STATUS_PAUSED,
  KR_STATUS_STOPPED,
  KR_STATUS_UNKNOWN, /* the state dir is damaged: only `delete -f` acts on it */
} kr_status;

struct kr_state;
/* The state dir's identity ("krill <dev>:<inode>"), which create marks the
 * cgroup it makes with, for a delete that lost the cgroup record. */
int kr_state_owner_tag (int dirfd, char *buf, size_t size, kr_error **err);
/* Whether init (pid of ST) still holds the fifo named NAME in DIRFD open:
 * it has not exec'd the user's program yet. */
bool kr_state_init_waits (int dirfd, const char *name, const struct kr_state *st);

typedef struct kr_state
{
  char *id;
  char *oci_version;
  pid_t pid;
  unsigned long long start_time; /* of pid, from /proc/<pid>/stat */
  char *bundle;
  char *rootfs;
  char *created; /* RFC 3339, UTC, nanoseconds */
  char *owner;
  char *cgroup_path;
  oci_kv *annotations;
  size_t annotations_len;
} kr_state;

/* Creates ROOT (0700) when missing and opens it. */
int kr_state_root_open (const char *root, int *rootfd, kr_error **err);
/* ROOT as it is (kr_state_root_open makes it first, each missing component
 * 0700): refused when it is a symlink or another user's. */
int kr_state_root_open_existing (const char *root, int *rootfd, kr_error **err);
/* Creates <root>/<id> exclusively and locks it: of two concurrent creates of
 * one id exactly one wins; the other gets "already exists". */
int kr_state_claim (int rootfd, const char *id, int *dirfd, kr_error **err);
/* Opens an existing container's directory; LOCK takes the exclusive lock. */
int kr_state_open (int rootfd, const char *id, bool lock, int *dirfd, kr_error **err);
/* An existing container's directory in *DIRFD and, when ST is not NULL,
 * its state in *ST: the id checked, then <root>/<id> opened, with the
 * exclusive lock when LOCK. Who changes a container (LOCK) makes ROOT as
 * create does; a reader finds "container does not exist" in a missing one. */
int kr_state_open_container (const char *root, const char *id, bool lock, int *dirfd,
                             kr_state **st, kr_error **err);
int kr_state_write (int dirfd, const kr_state *st, kr_error **err);
int kr_state_read (int dirfd, kr_state **out, kr_error **err);
/* The whole file, NUL-terminated; *LEN (when not NULL) its length. A JSON
 * document: at most OCI_JSON_MAX_BYTES + 1 bytes are read, and the parse
 * refuses more than the limit. */
char *kr_state_read_file (int dirfd, const char *name, size_t *len, kr_error **err);
/* The saved config.json; *OUT is NULL when the state dir has none. */
int kr_state_read_config (int dirfd, oci_config **out, kr_error **err);

struct kr_cgroup;
/* The cgroup record of the container ST describes (kr_cgroup_load), refused
 * unless it is the cgroup create recorded in state.json. */
int kr_state_cgroup_load (int dirfd, const kr_state *st, struct kr_cgroup **cg, kr_error **err);
/* Removes <root>/<id> and what krill put in it. */
int kr_state_remove (int rootfd, const char *id, kr_error **err);
void kr_state_free (kr_state *st);

/* Derives the status from the live process: a pid whose start time differs
 * from the recorded one is a reused pid, and the container is stopped. */
kr_status kr_state_status (int dirfd, const kr_state *st);
const char *kr_status_name (kr_status s);

/* The hooks' state document without status and pid (kr_hook_state adds
 * them): ST's ociVersion, id, bundle, annotations, pointing into ST. */
oci_state kr_state_hook_base (const kr_state *st);
/* The document a hook reads on stdin, for STATUS and PID (0: none). */
char *kr_state_hook_json (const kr_state *st, const char *status, pid_t pid, kr_error **err);
/* The cwd of a hook in the runtime namespaces: the bundle, or "/" once the
 * bundle is gone (a poststop hook still runs then). */
const char *kr_state_hook_cwd (const kr_state *st);

/* runc's `state` document (pretty when PRETTY). */
char *kr_state_to_json (const kr_state *st, kr_status status, bool pretty, kr_error **err);

/* Start time (clock ticks since boot) and one-letter state of PID; -1 when
 * the process does not exist. */
int kr_proc_stat (pid_t pid, unsigned long long *start_time, char *state);

/* A pid file, written atomically (relative paths: the caller's cwd). */
int kr_write_pid_file (const char *path, pid_t pid, kr_error **err);

/* "2026-12-02T15:26:18.123456789Z" */
char *kr_now_rfc3339 (void);

void kr_state_freep (kr_state **st);
#define _cleanup_state_ __attribute__ ((cleanup (kr_state_freep)))

#endif
