/* Time namespaces: linux.timeOffsets, checked before anything exists and
 * applied by init before it is in the namespace (the kernel takes offsets
 * only until a first process enters). */
#ifndef KRILL_TIMENS_H
#define KRILL_TIMENS_H

#include "base/error.h"
#include "ocispec.h"

/* Offsets need a new time namespace (not one joined by path, as runc);
 * clocks "monotonic" and "boottime" only; nanosecs below 10^9. */
int kr_timens_validate (const oci_linux *lnx, kr_error **err);

/* Makes the time namespace for init's children, writes the offsets through
 * PROCFD's self/timens_offsets, and enters it (crun's and runc's way: an
 * unshare leaves the caller where it was). Called with the host's root ids
 * still, or as the user namespace's creator: it needs CAP_SYS_TIME over
 * the namespace and the file, which is the host root's. */
int kr_timens_enter_new (int procfd, const oci_linux *lnx, kr_error **err);

#endif
