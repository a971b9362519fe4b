#ifndef KRILL_FEATURES_H
#define KRILL_FEATURES_H

#include "base/error.h"

/* The features document (features.md): what this build implements, not
 * what the host has. */
char *kr_features_json (kr_error **err);

#endif
