/* Ownership helpers: cleanup attributes release what a function took on every
 * return; TAKE_FD/TAKE_PTR hand ownership on visibly. */
#ifndef KRILL_UTIL_H
#define KRILL_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
kr_freep (void *p)
{
  free (*(void **) p);
}

static inline void
kr_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      *fd = -1; /* a second call must not close a reused number */
      errno = saved;
    }
}

static inline void
kr_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}

static inline void
kr_closedirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

#define _cleanup_free_ __attribute__ ((cleanup (kr_freep)))
#define _cleanup_close_ __attribute__ ((cleanup (kr_closep)))
#define _cleanup_fclose_ __attribute__ ((cleanup (kr_fclosep)))
#define _cleanup_closedir_ __attribute__ ((cleanup (kr_closedirp)))

#define TAKE_FD(fd)                                                           \
  ({                                                                          \
    int _fd = (fd);                                                           \
    (fd) = -1;                                                                \
    _fd;                                                                      \
  })
#define TAKE_PTR(p)                                                           \
  ({                                                                          \
    __typeof__ (p) _p = (p);                                                  \
    (p) = NULL;                                                               \
    _p;                                                                       \
  })

#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

#endif
