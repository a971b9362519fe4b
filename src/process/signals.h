#ifndef KRILL_SIGNALS_H
#define KRILL_SIGNALS_H

#include "base/error.h"

/* "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3" -> signal number. */
int kr_signal_parse (const char *name, int *signum, kr_error **err);

#endif
