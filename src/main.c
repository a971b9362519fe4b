/* krill: global flags and dispatch to one file per command (src/cli/). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct
{
  const char *name;
  cli_command_fn fn;
  const char *summary;
} commands[] = {
  { "create", cmd_create, "create a container" },
  { "start", cmd_start, "executes the user defined process in a created container" },
  { "run", cmd_run, "create and run a container" },
  { "exec", cmd_exec, "execute new process inside the container" },
  { "state", cmd_state, "output the state of a container" },
  { "kill", cmd_kill, "kill sends the specified signal (default: SIGTERM) to the container's init process" },
  { "update", cmd_update, "update container resource constraints" },
  { "delete", cmd_delete, "delete any resources held by the container" },
  { "list", cmd_list, "lists containers started by krill with the given root" },
  { "pause", cmd_pause, "pause suspends all processes inside the container" },
  { "resume", cmd_resume, "resumes all processes that have been previously paused" },
  { "ps", cmd_ps, "ps displays the processes running inside a container" },
  { "events", cmd_events, "display container events such as OOM notifications, cpu, memory, and IO usage statistics" },
  { "spec", cmd_spec, "create a new specification file" },
  { "features", cmd_features, "show the enabled features" },
};

static void
print_version (void)
{
  printf ("krill version %s\ncommit: %s\nspec: 1.3.0\n+SECCOMP +CAP +SELINUX +YAJL\n",
          PACKAGE_VERSION, GIT_COMMIT);
}

static void
print_help (void)
{
  printf ("krill: an OCI runtime (runc-compatible command line)\n\n"
          "Usage: krill [global options] command [command options] [arguments...]\n\nCommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    printf ("   %-10s %s\n", commands[i].name, commands[i].summary);
  printf ("\nGlobal options:\n"
          "   --root value         root directory for storage of container state (default: \"/run/krill\")\n"
          "   --log value          set the log file to write krill logs to (default: stderr)\n"
          "   --log-format value   set the log format ('text' (default), or 'json')\n"
          "   --debug              enable debug logging\n"
          "   --systemd-cgroup     enable systemd cgroup support (not implemented: refused)\n"
          "   --rootless value     ignore cgroup permission errors ('true', 'false', or 'auto')\n"
          "   --help, -h           show help\n"
          "   --version, -v        print the version\n");
}

int
main (int argc, char **argv)
{
  const char *criu = NULL;
  cli_global g = { .root = "/run/krill", .log_format = "text", .rootless = "auto" };
  const cli_opt opts[] = {
    { "root", 0, &g.root, NULL, "" },
    { "log", 0, &g.log_path, NULL, "" },
    { "log-format", 0, &g.log_format, NULL, "" },
    { "debug", 0, NULL, &g.debug, "" },
    { "systemd-cgroup", 0, NULL, &g.systemd_cgroup, "" },
    { "rootless", 0, &g.rootless, NULL, "" },
    { "criu", 0, &criu, NULL, "" }, /* accepted and unused, as runc does today */
    { NULL, 0, NULL, NULL, NULL },
  };
  bool version = false;
  const cli_opt vopt[] = { { "version", 'v', NULL, &version, "" }, { NULL, 0, NULL, NULL, NULL } };
  int i = 1;

  (void) criu;
  /* Before krill opens anything: which of fds 3.. are the caller's
   * (--preserve-fds, LISTEN_FDS). */
  cli_note_caller_fds ();

  /* Global flags end at the first non-flag word: the command. */
  while (i < argc && argv[i][0] == '-')
    {
      char **pos = NULL;
      int npos = 0, r;
      kr_error *err = NULL;
      const char *a = argv[i];
      const char *name = a + (a[1] == '-' ? 2 : 1);
      bool takes_value = false;

      for (const cli_opt *o = opts; o->name; o++)
        if (strcmp (name, o->name) == 0 && o->value)
          takes_value = true;
      if (strcmp (name, "version") == 0 || strcmp (name, "v") == 0)
        r = cli_parse (1, argv + i, vopt, false, &pos, &npos, &err);
      else
        r = cli_parse (takes_value && i + 1 < argc ? 2 : 1, argv + i, opts, false, &pos, &npos, &err);
      if (r == 1)
        {
          print_help ();
          return 0;
        }
      if (r < 0)
        return cli_fail (err);
      free (pos);
      i += takes_value ? 2 : 1;
    }
  if (cli_log_init (&g) < 0)
    return cli_fail_msg ("--log: open \"%s\": %s", g.log_path, strerror (errno));
  if (version)
    {
      print_version ();
      return 0;
    }
  if (strcmp (g.log_format, "text") != 0 && strcmp (g.log_format, "json") != 0)
    return cli_fail_msg ("invalid log-format: %s", g.log_format);
  if (i >= argc)
    {
      print_help ();
      return 0;
    }
  if (g.systemd_cgroup)
    return cli_fail_msg ("--systemd-cgroup: the systemd cgroup driver is not implemented by this version of krill");
  for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
    if (strcmp (argv[i], commands[c].name) == 0)
      {
        cli_log ("debug", "command %s", argv[i]);
        return commands[c].fn (&g, argc - i - 1, argv + i + 1);
      }
  if (strcmp (argv[i], "help") == 0)
    {
      print_help ();
      return 0;
    }
  return cli_fail_msg ("No help topic for '%s'", argv[i]);
}
