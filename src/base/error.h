/* One error type for the whole engine: an errno and a message that gains
 * context as it rises ("create: mount \"/proc\": Operation not permitted"). */
#ifndef KRILL_ERROR_H
#define KRILL_ERROR_H

#include <errno.h>
#include <stdarg.h>

typedef struct kr_error
{
  int errnum;   /* 0 when the failure has no errno */
  char *msg;    /* full message, errno text already appended */
} kr_error;

/* Sets *err (if err is not NULL) and returns -1, so callers write
 *   return kr_error_set (err, errno, "open %s", path);
 * errnum 0 means "no errno text". */
int kr_error_set (kr_error **err, int errnum, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Prefixes the message of *err with "PREFIX: " and returns -1. */
int kr_error_prefix (kr_error **err, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* A failed execve of PATH in runc's words, "exec PATH: exec format error"
 * (Go's errno texts: glibc's, lower-cased, "errno N" when unknown), which
 * clients read; ERRNUM is kept. Returns -1. */
int kr_error_exec (kr_error **err, int errnum, const char *path);

/* Moves a libocispec message (malloc'd, may be NULL) into an error. */
int kr_error_take (kr_error **err, int errnum, char *msg);

/* Hands a local error on: *LOCAL (when set) moves into *ERR (when ERR is
 * not NULL; an error already there is dropped), else it stays for LOCAL's
 * cleanup. Returns -1, so callers write "return kr_error_move (err, &e);"
 * after looking at E. */
int kr_error_move (kr_error **err, kr_error **local);

void kr_error_free (kr_error **err);

#define _cleanup_error_ __attribute__ ((cleanup (kr_error_free)))

#endif
