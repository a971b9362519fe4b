/* Checks on a parsed config that need no side effect, run before create
 * touches anything: a config that fails here leaves nothing behind. */
#ifndef KRILL_VALIDATE_H
#define KRILL_VALIDATE_H

#include "base/error.h"
#include "ocispec.h"

/* Refuses every field this build does not implement yet, naming it. */
int kr_validate_supported (const oci_config *cfg, kr_error **err);
/* root, process, hostname vs uts namespace. */
int kr_validate_config (const oci_config *cfg, kr_error **err);

#endif
