/* linux.resources (everything but the device rules, see
 * kr_cgroup_apply_devices) written into the container's cgroup: on v1 into
 * each controller's hierarchy in runc's order (cpuset, memory, cpu, pids,
 * blkio, hugetlb, net_cls, net_prio, rdma), on v2 into the leaf with the
 * v1-style values converted as runc converts them (pids, memory, io, cpu,
 * cpuset, hugetlb, rdma, then unified).  Only the files the config asks
 * for are written; 0 or unset leaves the kernel's default.  A value the
 * host can not honour (controller not mounted or not enabled, file missing,
 * a cpu it does not have) is an error naming the field and the value. */
#ifndef KRILL_CGROUP_RESOURCES_H
#define KRILL_CGROUP_RESOURCES_H

#include "cgroup/cgroup.h"

/* Whether R (may be NULL) sets anything krill writes besides the device
 * rules. */
bool kr_cgroup_resources_set (const oci_resources *r);

/* R may be NULL: nothing to do. */
int kr_cgroup_apply_resources (kr_cgroup *cg, const oci_resources *r, kr_error **err);

#endif
