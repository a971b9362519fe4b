/* `ps`: the container's pids as JSON, or the host's `ps` output (default
 * -ef) filtered to the lines of the container's processes, header kept —
 * runc's behaviour, so the PID column is the host's. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/container.h"
#include "base/util.h"

extern char **environ;

/* Runs ps ARGS with stdout and stderr into *OUT; the exit status in *STATUS. */
static int
run_ps (char **args, int nargs, char **out, int *status)
{
  _cleanup_free_ char **argv = calloc (nargs + 2, sizeof *argv);
  posix_spawn_file_actions_t fa;
  int pipefd[2], r;
  pid_t pid;
  FILE *mem;
  size_t len = 0;
  char buf[8192];
  ssize_t n;

  if (argv == NULL || pipe2 (pipefd, O_CLOEXEC) < 0)
    return -1;
  argv[0] = (char *) "ps";
  for (int i = 0; i < nargs; i++)
    argv[i + 1] = args[i];
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_adddup2 (&fa, pipefd[1], 1);
  posix_spawn_file_actions_adddup2 (&fa, pipefd[1], 2);
  r = posix_spawnp (&pid, "ps", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&fa);
  close (pipefd[1]);
  if (r != 0)
    {
      close (pipefd[0]);
      errno = r;
      return -1;
    }
  mem = open_memstream (out, &len);
  while ((n = read (pipefd[0], buf, sizeof buf)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      if (mem)
        fwrite (buf, 1, n, mem);
    }
  close (pipefd[0]);
  if (mem)
    fclose (mem);
  while (waitpid (pid, status, 0) < 0 && errno == EINTR)
    ;
  if (*out == NULL)
    {
      errno = ENOMEM;
      return -1;
    }
  return 0;
}

static bool
has_pid (const pid_t *pids, size_t n, long p)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == p)
      return true;
  return false;
}

static int
print_table (char **args, int nargs, const pid_t *pids, size_t npids)
{
  static char *dflt[] = { (char *) "-ef" };
  _cleanup_free_ char *out = NULL;
  int status = 0, pid_col = -1, col = 0;
  char *line, *save = NULL, *hdr_copy, *tok, *tsave = NULL;

  if (nargs == 0)
    {
      args = dflt;
      nargs = 1;
    }
  if (run_ps (args, nargs, &out, &status) < 0)
    return cli_fail_msg ("exec: \"ps\": %m");
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return cli_fail_msg ("exit status %d: %s", WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status), out);
  line = strtok_r (out, "\n", &save);
  if (line == NULL || (hdr_copy = strdup (line)) == NULL)
    return cli_fail_msg ("couldn't find PID field in ps output");
  for (tok = strtok_r (hdr_copy, " \t", &tsave); tok; tok = strtok_r (NULL, " \t", &tsave), col++)
    if (strcmp (tok, "PID") == 0)
      {
        pid_col = col;
        break;
      }
  free (hdr_copy);
  if (pid_col < 0)
    return cli_fail_msg ("couldn't find PID field in ps output");
  printf ("%s\n", line);
  while ((line = strtok_r (NULL, "\n", &save)) != NULL)
    {
      _cleanup_free_ char *copy = strdup (line);
      char *f = NULL, *fsave = NULL, *end;
      long p;

      if (copy == NULL)
        return cli_fail_msg ("ps: out of memory");
      f = strtok_r (copy, " \t", &fsave);
      for (int i = 0; f && i < pid_col; i++)
        f = strtok_r (NULL, " \t", &fsave);
      if (f == NULL)
        return cli_fail_msg ("unable to parse pid: no field %d in \"%s\"", pid_col + 1, line);
      p = strtol (f, &end, 10);
      if (end == f || *end)
        return cli_fail_msg ("unable to parse pid: strconv.Atoi: parsing \"%s\": invalid syntax", f);
      if (has_pid (pids, npids, p))
        printf ("%s\n", line);
    }
  return 0;
}

int
cmd_ps (cli_global *g, int argc, char **argv)
{
  const char *format = "table";
  const cli_opt opts[] = {
    { "format", 'f', &format, NULL, "select one of: table or json (default: \"table\")" },
    { NULL, 0, NULL, NULL, NULL },
  };
  _cleanup_free_ char **pos = NULL;
  _cleanup_free_ pid_t *pids = NULL;
  kr_error *err = NULL;
  size_t n = 0;
  int npos, first_arg = 1;
  /* Flags end at the container id: what follows goes to ps (-aux ...). */
  int r = cli_parse (argc, argv, opts, true, &pos, &npos, &err);

  if (r == 1)
    {
      cli_usage ("ps", "<container-id> [ps options]", "Display the processes running inside a container.", opts);
      return 0;
    }
  if (r < 0)
    return cli_fail (err);
  if (cli_want_args ("ps", npos, 1, INT_MAX) < 0)
    return 1;
  if (kr_container_pids (g->root, pos[0], &pids, &n, &err) < 0)
    return cli_fail (err);
  if (strcmp (format, "json") == 0)
    {
      /* Go encodes an empty (nil) slice as null. */
      if (n == 0)
        printf ("null\n");
      else
        {
          printf ("[");
          for (size_t i = 0; i < n; i++)
            printf ("%s%d", i ? "," : "", (int) pids[i]);
          printf ("]\n");
        }
      return 0;
    }
  if (strcmp (format, "table") != 0)
    return cli_fail_msg ("invalid format option");
  if (npos > 1 && strcmp (pos[1], "--") == 0)
    first_arg = 2;
  return print_table (pos + first_arg, npos - first_arg, pids, n);
}
