/* linux.sysctl: only keys the container's own namespaces scope, as runc
 * allows them; written by init inside those namespaces, through the
 * container's procfs. */
#ifndef KRILL_SYSCTL_H
#define KRILL_SYSCTL_H

#include "base/error.h"
#include "ocispec.h"

/* In the parent, before anything exists: every key namespaced by a
 * namespace the container does not share with the host, and a clean path. */
int kr_sysctl_validate (const oci_config *cfg, kr_error **err);
/* In init, after pivot_root, while /proc/sys is still writable. */
int kr_sysctl_apply (const oci_linux *lnx, kr_error **err);

#endif
