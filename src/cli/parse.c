#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/fdpass.h"
#include "base/util.h"

static const cli_opt *
find_long (const cli_opt *opts, const char *name, size_t len)
{
  for (const cli_opt *o = opts; o && o->name; o++)
    if (strlen (o->name) == len && strncmp (o->name, name, len) == 0)
      return o;
  return NULL;
}

static const cli_opt *
find_short (const cli_opt *opts, char c)
{
  for (const cli_opt *o = opts; o && o->name; o++)
    if (o->short_name == c)
      return o;
  return NULL;
}

static const cli_list_opt *
find_list (const cli_list_opt *lists, const char *name, size_t len)
{
  for (const cli_list_opt *l = lists; l && l->name; l++)
    if ((len == 1 && l->short_name == name[0])
        || (strlen (l->name) == len && strncmp (l->name, name, len) == 0))
      return l;
  return NULL;
}

static int
list_append (const cli_list_opt *l, char *value)
{
  char **v = realloc (*l->values, (*l->n + 2) * sizeof *v);

  if (v == NULL)
    return -1;
  v[(*l->n)++] = value;
  v[*l->n] = NULL;
  *l->values = v;
  return 0;
}

int
cli_parse (int argc, char **argv, const cli_opt *opts, bool stop_at_first_positional,
           char ***pos, int *npos, kr_error **err)
{
  return cli_parse_lists (argc, argv, opts, NULL, stop_at_first_positional, pos, npos, err);
}

int
cli_parse_lists (int argc, char **argv, const cli_opt *opts, const cli_list_opt *lists,
                 bool stop_at_first_positional, char ***pos, int *npos, kr_error **err)
{
  char **out = calloc ((size_t) argc + 1, sizeof *out);
  int n = 0;
  bool only_pos = false;

  if (out == NULL)
    return kr_error_set (err, ENOMEM, "parse flags");
  for (int i = 0; i < argc; i++)
    {
      char *a = argv[i];
      const cli_opt *o = NULL;
      const char *name, *eq;
      size_t len;

      if (only_pos || a[0] != '-' || a[1] == '\0')
        {
          out[n++] = a;
          if (stop_at_first_positional)
            only_pos = true;
          continue;
        }
      if (strcmp (a, "--") == 0)
        {
          only_pos = true;
          continue;
        }
      name = a + (a[1] == '-' ? 2 : 1);
      eq = strchr (name, '=');
      len = eq ? (size_t) (eq - name) : strlen (name);
      if (strncmp (name, "help", len) == 0 && len == 4)
        {
          free (out);
          return 1;
        }
      if (a[1] != '-' && len == 1)
        {
          if (name[0] == 'h')
            {
              free (out);
              return 1;
            }
          o = find_short (opts, name[0]);
        }
      if (o == NULL)
        o = find_long (opts, name, len);
      if (o == NULL && find_list (lists, name, len))
        {
          const cli_list_opt *l = find_list (lists, name, len);
          char *v = eq ? (char *) eq + 1 : i + 1 < argc ? argv[++i] : NULL;
          if (v == NULL)
            {
              free (out);
              return kr_error_set (err, 0, "flag needs an argument: -%s", l->name);
            }
          if (list_append (l, v) < 0)
            {
              free (out);
              return kr_error_set (err, ENOMEM, "parse flags");
            }
          continue;
        }
      if (o == NULL)
        {
          free (out);
          return kr_error_set (err, 0, "flag provided but not defined: -%.*s", (int) len, name);
        }
      if (o->flag)
        {
          /* Go's parser takes --flag=true|false for booleans. */
          *o->flag = eq == NULL || strcmp (eq + 1, "true") == 0 || strcmp (eq + 1, "1") == 0;
          continue;
        }
      if (eq)
        *o->value = eq + 1;
      else if (i + 1 < argc)
        *o->value = argv[++i];
      else
        {
          free (out);
          return kr_error_set (err, 0, "flag needs an argument: -%s", o->name);
        }
    }
  *pos = out;
  *npos = n;
  return 0;
}

void
cli_usage (const char *cmd, const char *args, const char *summary, const cli_opt *opts)
{
  printf ("Usage: krill %s [command options] %s\n\n%s\n", cmd, args, summary);
  if (opts && opts->name)
    printf ("\nOptions:\n");
  for (const cli_opt *o = opts; o && o->name; o++)
    {
      char left[64];
      if (o->short_name)
        snprintf (left, sizeof left, "--%s, -%c%s", o->name, o->short_name, o->value ? " value" : "");
      else
        snprintf (left, sizeof left, "--%s%s", o->name, o->value ? " value" : "");
      printf ("   %-28s %s\n", left, o->help);
    }
  printf ("   %-28s %s\n", "--help, -h", "show help");
}

void
cli_usage_lists (const cli_list_opt *lists)
{
  for (const cli_list_opt *l = lists; l && l->name; l++)
    {
      char left[64];
      if (l->short_name)
        snprintf (left, sizeof left, "--%s, -%c value", l->name, l->short_name);
      else
        snprintf (left, sizeof left, "--%s value", l->name);
      printf ("   %-28s %s (may be repeated)\n", left, l->help);
    }
}

bool
cli_command_args (const cli_cmd *cmd, int argc, char **argv, const cli_opt *opts,
                  char ***pos, int *npos, int *status)
{
  kr_error *err = NULL;
  int r = cli_parse (argc, argv, opts, false, pos, npos, &err);

  *status = 0;
  if (r == 1)
    cli_usage (cmd->name, cmd->args, cmd->summary, opts);
  else if (r < 0)
    *status = cli_fail (err);
  else if (cli_want_args (cmd->name, *npos, cmd->min_args, cmd->max_args) < 0)
    *status = 1;
  else
    return true;
  return false;
}

int
cli_command_on_id (const cli_global *g, const cli_cmd *cmd, int argc, char **argv,
                   int (*run) (const char *root, const char *id, kr_error **err))
{
  const cli_opt opts[] = { { NULL, 0, NULL, NULL, NULL } };
  _cleanup_free_ char **pos = NULL;
  kr_error *err = NULL;
  int npos, status;

  if (!cli_command_args (cmd, argc, argv, opts, &pos, &npos, &status))
    return status;
  if (run (g->root, pos[0], &err) < 0)
    return cli_fail (err);
  return 0;
}

int
cli_want_args (const char *cmd, int npos, int min, int max)
{
  if (npos >= min && npos <= max)
    return 0;
  if (min == max)
    cli_fail_msg ("\"%s\" requires exactly %d argument(s)", cmd, min);
  else if (npos < min)
    cli_fail_msg ("\"%s\" requires a minimum of %d argument(s)", cmd, min);
  else
    cli_fail_msg ("\"%s\" requires a maximum of %d argument(s)", cmd, max);
  return -1;
}

/* The first fd from 3 up that was not open when krill started. */
static int caller_fds_end = 3;

void
cli_note_caller_fds (void)
{
  while (caller_fds_end < INT_MAX && fcntl (caller_fds_end, F_GETFD) >= 0)
    caller_fds_end++;
}

int
cli_check_passed_fds (const char *flag, int first, int n, kr_error **err)
{
  return kr_passed_fds_check (flag, first, n, caller_fds_end, err);
}
