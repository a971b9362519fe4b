/* Capabilities: names checked in the parent (so a typo fails create before
 * anything exists), sets applied in the child around the uid switch. */
#ifndef KRILL_CAPS_H
#define KRILL_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "ocispec.h"

typedef struct kr_caps
{
  bool present; /* false: leave the process's capabilities as they are */
  uint64_t bounding, effective, inheritable, permitted, ambient;
} kr_caps;

/* Unknown names are an error naming the set and the name; names the running
 * kernel does not have are skipped, as runc does. */
int kr_caps_parse (const oci_capabilities *c, kr_caps *out, kr_error **err);
/* Index of "CAP_KILL" / "kill" / "cap_kill", -1 when unknown. */
int kr_cap_from_name (const char *name);
/* Before the uid switch: drop from the bounding set, keep caps across setuid. */
int kr_caps_before_user (const kr_caps *caps, kr_error **err);
/* After the uid switch: set effective, permitted, inheritable, ambient. */
int kr_caps_after_user (const kr_caps *caps, kr_error **err);
/* Number of capabilities the running kernel knows (CAP_LAST_CAP + 1). */
int kr_caps_kernel_count (void);

#endif
