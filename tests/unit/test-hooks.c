/* The hook runner alone (no container): the state document, argv and env,
 * captured output in the error, exec failure, timeout, warnings that keep
 * going, no fd inherited. Runs under the sanitizers in CI. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container/state.h"
#include "spawn/hooks.h"
#include "base/log.h"

static int passed, failed;
static char warnings[4096];

static void
check (bool ok, const char *name, const char *detail)
{
  if (ok)
    {
      passed++;
      printf ("ok hooks/%s\n", name);
    }
  else
    {
      failed++;
      printf ("not ok hooks/%s: %s\n", name, detail ? detail : "");
    }
}

static void
on_log (const char *level, const char *msg)
{
  size_t used = strlen (warnings);
  snprintf (warnings + used, sizeof warnings - used, "%s: %s\n", level, msg);
}

static char *
slurp (const char *path)
{
  static char buf[4096];
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof buf - 1);
  if (fd >= 0)
    close (fd);
  buf[n > 0 ? n : 0] = '\0';
  return buf;
}

/* One hook running "sh -c SCRIPT" (args[0] "sh"), optional env/timeout. */
static oci_hooks *
sh_hooks (const char *script, char **env, size_t env_len, int64_t timeout)
{
  static char *args[4];
  static oci_hook h;
  static oci_hooks hooks;

  args[0] = "sh";
  args[1] = "-c";
  args[2] = (char *) script;
  args[3] = NULL;
  memset (&h, 0, sizeof h);
  h.path = "/bin/sh";
  h.args = args;
  h.args_len = 3;
  h.env = env;
  h.env_len = env_len;
  h.timeout = timeout;
  h.has_timeout = timeout > 0;
  memset (&hooks, 0, sizeof hooks);
  hooks.poststart = &h;
  hooks.poststart_len = 1;
  return &hooks;
}

/* JSON is EXPECTED to the byte; JSON is freed. */
static void
check_json (char *json, const char *expected, const char *name)
{
  check (json && strcmp (json, expected) == 0, name, json);
  free (json);
}

int
main (void)
{
  char dir[] = "/tmp/krill-test-hooks.XXXXXX", script[1024], path[1100];
  oci_kv ann = { .key = "k", .value = "v" };
  kr_state cs = { .id = "c2", .oci_version = "1.3.0", .bundle = "/b" };
  oci_state st = { .id = "c1", .oci_version = "1.3.0", .bundle = "/b", .annotations = &ann,
                   .annotations_len = 1 };
  char *env[] = { "ONLY=this", NULL };
  kr_error *err = NULL;
  char *json;
  int r;

  kr_log_set_handler (on_log);
  if (mkdtemp (dir) == NULL)
    return 1;

  json = kr_hook_state (&st, "creating", 42, &err);
  check_json (json, "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"creating\","
                    "\"pid\":42,\"bundle\":\"/b\",\"annotations\":{\"k\":\"v\"}}",
              "state-json");
  /* From a container's state: no annotations, no key. */
  json = kr_state_hook_json (&cs, "created", 7, &err);
  check_json (json, "{\"ociVersion\":\"1.3.0\",\"id\":\"c2\",\"status\":\"created\","
                    "\"pid\":7,\"bundle\":\"/b\"}",
              "state-json-from-state");
  json = kr_hook_state (&st, "stopped", 0, &err);
  check (json && strstr (json, "\"pid\"") == NULL, "state-json-no-pid-when-stopped", json);

  /* stdin is the state, env is the hook's alone, no fd beyond stdio */
  snprintf (script, sizeof script, "cat > %s/stdin; env > %s/env; ls /proc/self/fd > %s/fds",
            dir, dir, dir);
  r = kr_hooks_run (sh_hooks (script, env, 1, 0), KR_HOOK_POSTSTART, json, NULL, NULL, &err);
  check (r == 0, "runs", err ? err->msg : NULL);
  snprintf (path, sizeof path, "%s/stdin", dir);
  check (strcmp (slurp (path), json) == 0, "stdin-is-state", slurp (path));
  snprintf (path, sizeof path, "%s/env", dir);
  check (strstr (slurp (path), "ONLY=this\n") && !strstr (slurp (path), "PATH="), "env-own",
         slurp (path));
  snprintf (path, sizeof path, "%s/fds", dir);
  check (strcmp (slurp (path), "0\n1\n2\n3\n") == 0, "no-fd-inherited", slurp (path));
  free (json);
  json = kr_hook_state (&st, "running", 1, &err);

  /* without env: the default given, else the caller's */
  snprintf (script, sizeof script, "env > %s/env2", dir);
  r = kr_hooks_run (sh_hooks (script, NULL, 0, 0), KR_HOOK_POSTSTART, json, "/", env, &err);
  snprintf (path, sizeof path, "%s/env2", dir);
  check (r == 0 && strstr (slurp (path), "ONLY=this\n"), "env-default", slurp (path));

  /* failure: exit status and both outputs in the error */
  r = kr_hooks_run (sh_hooks ("echo out; echo err >&2; exit 7", NULL, 0, 0), KR_HOOK_POSTSTART,
                    json, NULL, NULL, &err);
  check (r < 0 && err
             && strcmp (err->msg, "error running poststart hook #0: exit status 7, stdout: out, "
                                  "stderr: err")
                    == 0,
         "failure-message", err ? err->msg : NULL);
  kr_error_free (&err);

  /* a hook that leaves a child holding its stdout does not hang us */
  r = kr_hooks_run (sh_hooks ("sleep 2 & exit 0", NULL, 0, 0), KR_HOOK_POSTSTART, json, NULL,
                    NULL, &err);
  check (r == 0, "daemonizing-hook-returns", err ? err->msg : NULL);
  kr_error_free (&err);

  /* timeout */
  r = kr_hooks_run (sh_hooks ("exec sleep 10", NULL, 0, 1), KR_HOOK_POSTSTART, json, NULL, NULL,
                    &err);
  check (r < 0 && err
             && strcmp (err->msg, "error running poststart hook #0: hook ran past specified "
                                  "timeout of 1.0s")
                    == 0,
         "timeout", err ? err->msg : NULL);
  kr_error_free (&err);

  /* exec failure */
  {
    oci_hook h = { .path = "/nonexistent/hook" };
    oci_hooks hooks = { .poststop = &h, .poststop_len = 1 };
    r = kr_hooks_run (&hooks, KR_HOOK_POSTSTOP, json, NULL, NULL, &err);
    check (r < 0 && err && strstr (err->msg, "exec /nonexistent/hook: No such file or directory"),
           "exec-failure", err ? err->msg : NULL);
    kr_error_free (&err);
  }

  /* warnings: each failure logged, the next hook still runs */
  {
    char *a1[] = { "sh", "-c", "exit 3", NULL };
    char a2s[1100];
    char *a2[] = { "sh", "-c", a2s, NULL };
    oci_hook h[2] = { { .path = "/bin/sh", .args = a1, .args_len = 3 },
                      { .path = "/bin/sh", .args = a2, .args_len = 3 } };
    oci_hooks hooks = { .poststop = h, .poststop_len = 2 };
    snprintf (a2s, sizeof a2s, "touch %s/second", dir);
    kr_hooks_run_warn (&hooks, KR_HOOK_POSTSTOP, json, NULL);
    snprintf (path, sizeof path, "%s/second", dir);
    check (access (path, F_OK) == 0, "warn-keeps-going", NULL);
    check (strstr (warnings, "warning: error running poststop hook #0: exit status 3") != NULL,
           "warn-logged", warnings);
  }

  /* validation */
  {
    oci_hook h = { .path = "rel" };
    oci_hooks hooks = { .create_runtime = &h, .create_runtime_len = 1 };
    check (kr_hooks_validate (&hooks, &err) < 0 && err
               && strstr (err->msg, "hooks.createRuntime[0].path: must be an absolute path"),
           "validate-relative", err ? err->msg : NULL);
    kr_error_free (&err);
  }

  free (json);
  snprintf (script, sizeof script, "rm -rf %s", dir);
  if (system (script) != 0)
    return 1;
  printf ("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
