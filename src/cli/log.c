#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cli/cli.h"
#include "base/log.h"
#include "base/util.h"

static int log_fd = -1;
static bool log_json;
static bool log_debug;

static void
engine_log (const char *level, const char *msg)
{
  cli_log (level, "%s", msg);
}

/* A log that cannot be opened is an error, as runc's: a client that asked
 * for one reads it for the error of a failed command. */
int
cli_log_init (const cli_global *g)
{
  kr_log_set_handler (engine_log);
  log_json = g->log_format && strcmp (g->log_format, "json") == 0;
  log_debug = g->debug;
  if (g->log_path && *g->log_path)
    {
      log_fd = open (g->log_path, O_WRONLY | O_CREAT | O_APPEND | O_SYNC | O_CLOEXEC, 0644);
      if (log_fd < 0)
        return -1;
    }
  return 0;
}

/* logrus's default timestamp: RFC 3339 in local time, whole seconds
 * ("2026-12-02T17:11:07+01:00", "...Z" in UTC), as runc writes it. */
static void
now (char *buf, size_t n)
{
  time_t t = time (NULL);
  struct tm tm;
  char base[40];
  long off;

  localtime_r (&t, &tm);
  strftime (base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  off = tm.tm_gmtoff;
  if (off == 0)
    snprintf (buf, n, "%sZ", base);
  else
    snprintf (buf, n, "%s%c%02ld:%02ld", base, off < 0 ? '-' : '+', labs (off) / 3600,
              (labs (off) % 3600) / 60);
}

/* logrus's JSON formatter: keys level, msg, time, one object a line. */
static void
write_json (int fd, const char *level, const char *msg, const char *time)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;

  if (g == NULL)
    return;
  yajl_gen_map_open (g);
  yajl_gen_string (g, (const unsigned char *) "level", 5);
  yajl_gen_string (g, (const unsigned char *) level, strlen (level));
  yajl_gen_string (g, (const unsigned char *) "msg", 3);
  yajl_gen_string (g, (const unsigned char *) msg, strlen (msg));
  yajl_gen_string (g, (const unsigned char *) "time", 4);
  yajl_gen_string (g, (const unsigned char *) time, strlen (time));
  yajl_gen_map_close (g);
  if (yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok)
    dprintf (fd, "%.*s\n", (int) len, buf);
  yajl_gen_free (g);
}

static void
write_text (int fd, const char *level, const char *msg, const char *time)
{
  dprintf (fd, "time=\"%s\" level=%s msg=\"", time, level);
  for (const char *p = msg; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        dprintf (fd, "\\%c", *p);
      else if (*p == '\n')
        dprintf (fd, "\\n");
      else
        dprintf (fd, "%c", *p);
    }
  dprintf (fd, "\"\n");
}

static void
vlog (const char *level, const char *fmt, va_list ap)
{
  _cleanup_free_ char *msg = NULL;
  char time[64];
  int fd = log_fd;

  if (strcmp (level, "debug") == 0 && !log_debug)
    return;
  /* Without --log, runc's logger writes to stderr; errors reach stderr
   * through cli_fail already, the rest (warnings, debug) from here. */
  if (fd < 0)
    {
      if (strcmp (level, "error") == 0)
        return;
      fd = STDERR_FILENO;
    }
  if (vasprintf (&msg, fmt, ap) < 0)
    return;
  now (time, sizeof time);
  if (log_json)
    write_json (fd, level, msg, time);
  else
    write_text (fd, level, msg, time);
}

void
cli_log (const char *level, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vlog (level, fmt, ap);
  va_end (ap);
}

int
cli_fail_msg (const char *fmt, ...)
{
  va_list ap;
  _cleanup_free_ char *msg = NULL;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg == NULL)
    return 1;
  cli_log ("error", "%s", msg);
  fprintf (stderr, "%s\n", msg);
  return 1;
}

int
cli_fail (kr_error *err)
{
  int r = cli_fail_msg ("%s", err && err->msg ? err->msg : "unknown error");
  kr_error_free (&err);
  return r;
}
