/* The container's effective linux.resources, kept next to state.json as
 * resources.json (a LinuxResources document, written atomically): create
 * stores the config's limits, `update` merges onto them and stores the
 * result, so a later update (or events) starts from what is in force. */
#ifndef KRILL_STATE_RESOURCES_H
#define KRILL_STATE_RESOURCES_H

#include "base/error.h"
#include "ocispec.h"

#define KR_RESOURCES_FILE "resources.json"

/* *OUT is NULL when the container has no stored resources. */
int kr_state_resources_read (int dirfd, oci_resources **out, kr_error **err);
/* Device rules are not stored: update never changes them. */
int kr_state_resources_write (int dirfd, const oci_resources *r, kr_error **err);

/* At create: writes R only when it sets a limit (not for device rules
 * alone), so most containers pay nothing. */
int kr_state_resources_save (int dirfd, const oci_resources *r, kr_error **err);

#endif
