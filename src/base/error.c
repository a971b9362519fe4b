#define _GNU_SOURCE
#include "base/error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
vformat (const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf (&s, fmt, ap) < 0)
    return NULL;
  return s;
}

static int
store (kr_error **err, int errnum, char *msg)
{
  kr_error *e;

  if (err == NULL)
    {
      free (msg);
      return -1;
    }
  if (*err != NULL)
    kr_error_free (err);
  e = calloc (1, sizeof *e);
  if (e == NULL)
    {
      free (msg);
      return -1;
    }
  e->errnum = errnum;
  e->msg = msg ? msg : strdup ("out of memory");
  *err = e;
  return -1;
}

int
kr_error_set (kr_error **err, int errnum, const char *fmt, ...)
{
  va_list ap;
  char *body, *msg = NULL;

  va_start (ap, fmt);
  body = vformat (fmt, ap);
  va_end (ap);
  if (body == NULL)
    return store (err, errnum, NULL);
  if (errnum != 0)
    {
      if (asprintf (&msg, "%s: %s", body, strerror (errnum)) < 0)
        msg = NULL;
      free (body);
    }
  else
    msg = body;
  return store (err, errnum, msg);
}

int
kr_error_exec (kr_error **err, int errnum, const char *path)
{
  const char *text = strerrordesc_np (errnum);
  char *msg = NULL;

  if (text == NULL)
    {
      if (asprintf (&msg, "exec %s: errno %d", path, errnum) < 0)
        msg = NULL;
    }
  else if (asprintf (&msg, "exec %s: %c%s", path, tolower ((unsigned char) text[0]), text + 1) < 0)
    msg = NULL;
  return store (err, errnum, msg);
}

int
kr_error_take (kr_error **err, int errnum, char *msg)
{
  return store (err, errnum, msg ? msg : strdup ("unknown error"));
}

int
kr_error_prefix (kr_error **err, const char *fmt, ...)
{
  va_list ap;
  char *prefix, *msg = NULL;

  if (err == NULL || *err == NULL)
    return -1;
  va_start (ap, fmt);
  prefix = vformat (fmt, ap);
  va_end (ap);
  if (prefix == NULL)
    return -1;
  if (asprintf (&msg, "%s: %s", prefix, (*err)->msg) >= 0)
    {
      free ((*err)->msg);
      (*err)->msg = msg;
    }
  free (prefix);
  return -1;
}

int
kr_error_move (kr_error **err, kr_error **local)
{
  if (err != NULL && *local != NULL)
    {
      kr_error_free (err);
      *err = *local;
      *local = NULL;
    }
  return -1;
}

void
kr_error_free (kr_error **err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}
