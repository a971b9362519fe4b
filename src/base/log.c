#define _GNU_SOURCE
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static kr_log_handler handler;

void
kr_log_set_handler (kr_log_handler fn)
{
  handler = fn;
}

void
kr_log (const char *level, const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL;

  if (handler == NULL)
    return;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg)
    handler (level, msg);
  free (msg);
}
