#ifndef KRILL_SPEC_H
#define KRILL_SPEC_H

#include <stdbool.h>

#include "base/error.h"

/* The config.json `krill spec` writes: the same content as `runc spec`
 * (today's runc), for this host (a cgroup namespace when cgroup v2 is
 * unified). ROOTLESS: a user namespace mapping the caller, no network
 * namespace, /sys bound from the host, no cgroup resources. */
char *kr_spec_default (bool rootless, bool unified, kr_error **err);

#endif
