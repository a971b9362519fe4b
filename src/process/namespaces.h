/* Namespaces: which to create with clone3, which to join by path. */
#ifndef KRILL_NAMESPACES_H
#define KRILL_NAMESPACES_H

#include <stdbool.h>

#include "base/error.h"
#include "ocispec.h"

/* Every namespace type the kernel has: its name in config.json, under
 * /proc/<pid>/ns/, and its CLONE_NEW* flag. In the order exec joins them
 * one by one: user first (it grants the rights for the rest), mount last
 * (the /proc paths are the host's until then). */
typedef struct kr_ns_type
{
  const char *type;
  const char *proc_name;
  int flag;
} kr_ns_type;
#define KR_NS_TYPES 8
extern const kr_ns_type kr_ns_types[KR_NS_TYPES];

typedef struct kr_ns_join
{
  int nstype; /* CLONE_NEW* */
  int fd;     /* opened by the parent, O_CLOEXEC */
  const char *path;
} kr_ns_join;

typedef struct kr_namespaces
{
  unsigned long clone_flags; /* new namespaces made at clone3, cgroup and time excluded */
  bool new_cgroup;           /* unshared by init after it joined its cgroup */
  bool new_time;             /* unshared by init, its offsets written, then entered */
  bool user;                 /* a user namespace, new (CLONE_NEWUSER) or joined */
  bool joined;               /* every path already joined (kr_namespaces_join_all) */
  kr_ns_join join[8];
  size_t join_len;
} kr_namespaces;

/* Checks types and duplicates and opens every path; the fds are closed by
 * kr_namespaces_close. */
int kr_namespaces_prepare (const oci_linux *lnx, kr_namespaces *ns, kr_error **err);
void kr_namespaces_close (kr_namespaces *ns);
/* "network" -> CLONE_NEWNET; 0 when unknown. */
int kr_namespace_flag (const char *type);
/* Called by the parent just before clone3: a pid namespace given by path
 * becomes the one for the caller's next child. *SAVED gets an fd of the
 * caller's own pid namespace (opened through PROCFD, the trusted procfs
 * handle), or -1 when there is none to join; the caller hands it to
 * kr_namespaces_leave_pid right after clone3 so that no later child of
 * krill (a hook) is born in the container's pid namespace. */
int kr_namespaces_join_pid (const kr_namespaces *ns, int procfd, int *saved, kr_error **err);
/* Back to the caller's own pid namespace for its children; closes *SAVED. */
int kr_namespaces_leave_pid (int *saved, kr_error **err);
/* Whether the paths must be joined before clone3, by a helper that then
 * clones init (spawn/clone.c): with a user namespace, the namespaces
 * clone3 makes must belong to it, and a joined one (a host's network)
 * must be joined while krill still has the host's rights, as runc's
 * nsexec does: joined ones first, the user namespace first of them. */
bool kr_namespaces_join_first (const kr_namespaces *ns);
/* Every path, the user namespace first, pid included (for the caller's
 * children); sets ns->joined. */
int kr_namespaces_join_all (kr_namespaces *ns, kr_error **err);
/* Called by init: every other namespace given by path (none when
 * ns->joined). */
int kr_namespaces_join_rest (const kr_namespaces *ns, kr_error **err);
/* Called by init in a network namespace made for it (not one joined by
 * path, which its owner has set up): lo up, as runc and crun bring it, so
 * that 127.0.0.1 answers in a container with no other network. */
int kr_namespaces_loopback_up (const kr_namespaces *ns, kr_error **err);

#endif
