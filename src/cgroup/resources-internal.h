/* What resources.c shares with resources-v1.c and resources-v2.c. */
#ifndef KRILL_CGROUP_RESOURCES_INTERNAL_H
#define KRILL_CGROUP_RESOURCES_INTERNAL_H

#include "cgroup/cgroup-internal.h"
#include "cgroup/convert.h"

/* Writes VALUE to FILE under DIRFD (DIR names it in messages).  On failure
 * the error names linux.resources.FIELD, the value and the file; a missing
 * file says the host does not support it.  *ERRNUM (when not NULL) gets
 * the errno, for the callers that retry on EINVAL as runc does. */
int kr_cg_res_write (int dirfd, const char *dir, const char *file, const char *value,
                     const char *field, int *errnum, kr_error **err);

int kr_cg_v1_apply_resources (kr_cgroup *cg, const oci_resources *r, kr_error **err);
int kr_cg_v2_apply_resources (kr_cgroup *cg, const oci_resources *r, kr_error **err);

#endif
