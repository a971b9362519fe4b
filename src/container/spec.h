#ifndef KRILL_SPEC_H
#define KRILL_SPEC_H

#include <stdbool.h>

#include "base/error.h"

/* The config.json `krill spec` writes: the same content as `runc spec`
 * (today's runc), for this host (CGROUPNS: with a cgroup namespace, see
 * kr_cgroup_spec_wants_namespace). ROOTLESS: a user namespace mapping the
 * caller, no network namespace, /sys bound from the host, no cgroup
 * resources. */
char *kr_spec_default (bool rootless, bool cgroupns, kr_error **err);

#endif
