/* User namespaces: the id maps of linux.uidMappings/gidMappings (checked
 * before anything exists, written by the parent through the child's /proc
 * directory), and init's switch to the namespace's root. */
#ifndef KRILL_USERNS_H
#define KRILL_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "ocispec.h"

/* The kernel's limit on the lines of one uid_map or gid_map. */
#define KR_USERNS_MAX_EXTENTS 340

/* A user namespace and its mappings go together (as runc: mappings without
 * a user namespace, or a new one without mappings, are refused); each map
 * is one the kernel takes: at most 340 lines, no empty or wrapping range,
 * no two ranges overlapping on either side, and container id 0 mapped (the
 * container's root is who builds it, as in runc). */
int kr_userns_validate (const oci_config *cfg, kr_error **err);

/* Writes the maps of LNX for the process whose /proc directory is PIDDIR
 * (an fd of the trusted procfs): "deny" to setgroups first when DENY, as
 * the kernel wants from an unprivileged writer; then gid_map, uid_map. */
int kr_userns_write_maps (int piddir, const oci_linux *lnx, bool deny_setgroups, kr_error **err);

/* A user namespace joined by path with mappings in the config: they must
 * be the namespace's own (read through PROCFD's self/, after the join). */
int kr_userns_check_joined (int procfd, const oci_linux *lnx, kr_error **err);

/* In the user namespace, still with the host's ids: become its root
 * (gid, then uid 0; no supplementary group when SETGROUPS may be called).
 * The capabilities stay: uid 0 of the namespace keeps them. */
int kr_userns_become_root (bool setgroups_allowed, kr_error **err);

#endif
