/* The reporting the unit test programs share: one "ok NAME" or
 * "not ok NAME: why" line per check, counted for the closing line. */
#ifndef KRILL_TEST_CHECK_H
#define KRILL_TEST_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int passed, failed, skipped __attribute__ ((unused));

static void __attribute__ ((format (printf, 3, 4)))
check (const char *name, bool ok, const char *fmt, ...)
{
  va_list ap;

  if (ok)
    {
      printf ("ok %s\n", name);
      passed++;
      return;
    }
  printf ("not ok %s: ", name);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
  failed++;
}

#endif
