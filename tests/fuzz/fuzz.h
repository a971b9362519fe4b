/* Shared by the libFuzzer targets of tests/fuzz/ (built and run by run.sh):
 * the input as a NUL-terminated copy, and the check that ends a run. */
#ifndef KRILL_FUZZ_H
#define KRILL_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's data is not NUL-terminated; the parsers of text want it. */
static inline char *
fuzz_text (const uint8_t *data, size_t size)
{
  char *s = malloc (size + 1);

  if (s == NULL)
    abort ();
  memcpy (s, data, size);
  s[size] = '\0';
  return s;
}

/* A property that must hold for every input: abort (a crash to libFuzzer,
 * with the input saved) when it does not. */
#define FUZZ_ASSERT(cond, ...)                                                \
  do                                                                          \
    {                                                                         \
      if (!(cond))                                                            \
        {                                                                     \
          fprintf (stderr, "FUZZ_ASSERT %s: ", #cond);                        \
          fprintf (stderr, __VA_ARGS__);                                      \
          fprintf (stderr, "\n");                                             \
          abort ();                                                           \
        }                                                                     \
    }                                                                         \
  while (0)

#endif
