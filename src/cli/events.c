/* `events`: one stats event every --interval and an oom event whenever the
 * OOM killer hit, one JSON object a line, until the container stops;
 * --stats prints one stats event and exits. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "container/container.h"
#include "base/util.h"

/* Go's time.ParseDuration ("5s", "1m30s", "250ms", "1.5h") into *NS;
 * false when malformed. */
static bool
parse_duration (const char *s, long long *ns)
{
  static const struct
  {
    const char *unit;
    double ns;
  } units[] = {
    { "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "\xce\xbcs", 1e3 }, { "ms", 1e6 },
    { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 },
  };
  double total = 0;
  bool neg = false;

  if (*s == '-' || *s == '+')
    neg = *s++ == '-';
  if (strcmp (s, "0") == 0)
    {
      *ns = 0;
      return true;
    }
  if (*s == '\0')
    return false;
  while (*s)
    {
      char *end;
      size_t best = 0;
      int u = -1;
      double v;

      if (!(*s >= '0' && *s <= '9') && *s != '.')
        return false;
      v = strtod (s, &end);
      if (end == s)
        return false;
      s = end;
      /* The longest unit that matches: "ms" before "m". */
      for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strncmp (s, units[i].unit, strlen (units[i].unit)) == 0 && strlen (units[i].unit) > best)
          {
            best = strlen (units[i].unit);
            u = (int) i;
          }
      if (u < 0)
        return false;
      total += v * units[u].ns;
      s += best;
    }
  if (total > 9.2e18)
    return false;
  *ns = neg ? -(long long) total : (long long) total;
  return true;
}

static long long
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
print_stats (kr_events *ev, bool fatal)
{
  kr_error *err = NULL;
  _cleanup_free_ char *json = kr_events_stats_json (ev, &err);

  if (json == NULL)
    {
      /* While streaming, runc logs a failed read and goes on. */
      if (fatal)
        return cli_fail (err);
      cli_log ("error", "%s", err->msg);
      kr_error_free (&err);
      return 0;
    }
  printf ("%s\n", json);
  fflush (stdout);
  return 0;
}

int
cmd_events (cli_global *g, int argc, char **argv)
{
  static const cli_cmd cmd = { "events", "<container-id>",
                               "Display container events such as OOM notifications, cpu, memory, "
                               "and IO usage statistics.",
                               1, 1 };
  const char *interval_s = "5s";
  bool stats = false;
  const cli_opt opts[] = {
    { "interval", 0, &interval_s, NULL, "set the stats collection interval (default: 5s)" },
    { "stats", 0, NULL, &stats, "display the container's stats then exit" },
    { NULL, 0, NULL, NULL, NULL },
  };
  _cleanup_free_ char **pos = NULL;
  kr_events *ev = NULL;
  kr_error *err = NULL;
  long long interval, next;
  int npos, ret = 0, status;

  if (!cli_command_args (&cmd, argc, argv, opts, &pos, &npos, &status))
    return status;
  if (!parse_duration (interval_s, &interval))
    return cli_fail_msg ("invalid value \"%s\" for flag -interval: time: invalid duration \"%s\"",
                         interval_s, interval_s);
  if (interval <= 0)
    return cli_fail_msg ("duration interval must be greater than 0");
  if (kr_events_open (g->root, pos[0], !stats, &ev, &err) < 0)
    return cli_fail (err);
  if (stats)
    {
      ret = print_stats (ev, true);
      kr_events_free (ev);
      return ret;
    }

  next = now_ns () + interval;
  for (;;)
    {
      long long left = next - now_ns ();
      int timeout = left <= 0 ? 0 : (int) ((left + 999999) / 1000000 > 3600000 ? 3600000 : (left + 999999) / 1000000);
      unsigned ooms;
      bool ended;

      if (kr_events_wait (ev, timeout, &ooms, &ended, &err) < 0)
        {
          ret = cli_fail (err);
          break;
        }
      if (ooms)
        {
          _cleanup_free_ char *json = kr_events_oom_json (ev, &err);
          if (json == NULL)
            {
              ret = cli_fail (err);
              break;
            }
          printf ("%s\n", json);
          fflush (stdout);
        }
      if (ended)
        break;
      if (now_ns () >= next)
        {
          print_stats (ev, false);
          next += interval;
          if (next < now_ns ())
            next = now_ns () + interval;
        }
    }
  kr_events_free (ev);
  return ret;
}
