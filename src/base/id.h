#ifndef KRILL_ID_H
#define KRILL_ID_H

#include "base/error.h"

/* A container id names a directory under --root: it must not be able to name
 * anything else. Not empty, at most 1024 bytes, [A-Za-z0-9_.+-], not . or .. */
int kr_id_validate (const char *id, kr_error **err);

#endif
