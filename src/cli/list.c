#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "container/container.h"
#include "base/util.h"

/* runc prints with Go's tabwriter (min width 12, padding 3). */
static void
print_table (const kr_listed *l, size_t n)
{
  const char *head[6] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
  size_t w[6];
  char pid[24];

  for (int c = 0; c < 6; c++)
    w[c] = strlen (head[c]);
  for (size_t i = 0; i < n; i++)
    {
      const kr_state *s = l[i].state;
      const char *cells[6] = { s->id, pid, kr_status_name (l[i].status), s->bundle, s->created,
                               s->owner };
      snprintf (pid, sizeof pid, "%d", l[i].status == KR_STATUS_STOPPED ? 0 : (int) s->pid);
      for (int c = 0; c < 6; c++)
        if (cells[c] && strlen (cells[c]) > w[c])
          w[c] = strlen (cells[c]);
    }
  for (int c = 0; c < 6; c++)
    w[c] = w[c] + 3 < 12 ? 12 : w[c] + 3;
  printf ("%-*s%-*s%-*s%-*s%-*s%s\n", (int) w[0], head[0], (int) w[1], head[1], (int) w[2],
          head[2], (int) w[3], head[3], (int) w[4], head[4], head[5]);
  for (size_t i = 0; i < n; i++)
    {
      const kr_state *s = l[i].state;
      snprintf (pid, sizeof pid, "%d", l[i].status == KR_STATUS_STOPPED ? 0 : (int) s->pid);
      printf ("%-*s%-*s%-*s%-*s%-*s%s\n", (int) w[0], s->id, (int) w[1], pid, (int) w[2],
              kr_status_name (l[i].status), (int) w[3], s->bundle ? s->bundle : "", (int) w[4],
              s->created ? s->created : "", s->owner ? s->owner : "");
    }
}

static int
print_json (const kr_listed *l, size_t n)
{
  /* Go encodes runc's empty list as null. */
  if (n == 0)
    {
      printf ("null\n");
      return 0;
    }
  printf ("[");
  for (size_t i = 0; i < n; i++)
    {
      kr_error *err = NULL;
      _cleanup_free_ char *j = kr_state_to_json (l[i].state, l[i].status, false, &err);
      if (j == NULL)
        return cli_fail (err);
      printf ("%s%s", i ? "," : "", j);
    }
  printf ("]\n");
  return 0;
}

int
cmd_list (cli_global *g, int argc, char **argv)
{
  static const cli_cmd cmd = { "list", "",
                               "List the containers under --root.", 0, 0 };
  const char *format = "table";
  bool quiet = false;
  const cli_opt opts[] = {
    { "format", 'f', &format, NULL, "select one of: table or json (default: \"table\")" },
    { "quiet", 'q', NULL, &quiet, "display only container IDs" },
    { NULL, 0, NULL, NULL, NULL },
  };
  _cleanup_free_ char **pos = NULL;
  kr_error *err = NULL;
  kr_listed *l = NULL;
  size_t n = 0;
  int npos, ret = 0, status;

  if (!cli_command_args (&cmd, argc, argv, opts, &pos, &npos, &status))
    return status;
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return cli_fail_msg ("invalid format option: %s", format);
  if (kr_container_list (g->root, &l, &n, &err) < 0)
    return cli_fail (err);
  for (size_t i = 0; i < n; i++)
    if (l[i].reason)
      fprintf (stderr, "warning: container %s: %s (delete --force removes it)\n",
               l[i].state->id, l[i].reason);
  if (quiet)
    for (size_t i = 0; i < n; i++)
      printf ("%s\n", l[i].state->id);
  else if (strcmp (format, "json") == 0)
    ret = print_json (l, n);
  else
    print_table (l, n);
  kr_listed_free (l, n);
  return ret;
}
