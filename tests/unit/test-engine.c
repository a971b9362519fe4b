/* Pure logic of the engine: container ids, signal names, capability and
 * rlimit names, the state file round trip, the CLI flag parser. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "process/caps.h"
#include "base/id.h"
#include "process/process.h"
#include "process/signals.h"
#include "container/state.h"

static int passed, failed;

static void
check (bool ok, const char *name, const char *detail)
{
  if (ok)
    {
      passed++;
      printf ("ok engine/%s\n", name);
    }
  else
    {
      failed++;
      printf ("not ok engine/%s: %s\n", name, detail ? detail : "");
    }
}

static void
test_ids (void)
{
  char long_id[1100];
  kr_error *err = NULL;
  const char *good[] = { "a", "abc-DEF_1.2+3", "..a", "a..", "x.y" };
  const char *bad[] = { "", ".", "..", "../x", "a/b", "a b", "é", "a\nb", "a:b" };

  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    {
      int r = kr_id_validate (good[i], &err);
      check (r == 0, "id-valid", good[i]);
      kr_error_free (&err);
    }
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    {
      int r = kr_id_validate (bad[i], &err);
      check (r < 0 && err && strstr (err->msg, "container id"), "id-invalid", bad[i]);
      kr_error_free (&err);
    }
  memset (long_id, 'a', 1024);
  long_id[1024] = '\0';
  check (kr_id_validate (long_id, NULL) == 0, "id-1024-bytes", NULL);
  long_id[1024] = 'a';
  long_id[1025] = '\0';
  check (kr_id_validate (long_id, &err) < 0 && strstr (err->msg, "longer than 1024"), "id-1025-bytes",
         err ? err->msg : NULL);
  kr_error_free (&err);
}

static void
test_signals (void)
{
  struct
  {
    const char *in;
    int want;
  } cases[] = {
    { "TERM", SIGTERM },   { "SIGTERM", SIGTERM }, { "sigterm", SIGTERM }, { "term", SIGTERM },
    { "9", SIGKILL },      { "KILL", SIGKILL },    { "SIGUSR1", SIGUSR1 }, { "HUP", SIGHUP },
    { "WINCH", SIGWINCH }, { "RTMIN", 0 },         { "RTMIN+3", 0 },       { "RTMAX-1", 0 },
    { "SIGCHLD", SIGCHLD }, { "64", 64 },
  };
  const char *bad[] = { "", "NOPE", "SIGNOPE", "-1", "0", "65", "RTMIN+99", "9x", "SIG" };
  kr_error *err = NULL;

  cases[9].want = SIGRTMIN;
  cases[10].want = SIGRTMIN + 3;
  cases[11].want = SIGRTMAX - 1;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    {
      int s = -1;
      char name[64];
      snprintf (name, sizeof name, "signal-%s", cases[i].in);
      check (kr_signal_parse (cases[i].in, &s, &err) == 0 && s == cases[i].want, name,
             err ? err->msg : "wrong number");
      kr_error_free (&err);
    }
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    {
      int s;
      char name[64];
      snprintf (name, sizeof name, "signal-bad-%s", bad[i]);
      check (kr_signal_parse (bad[i], &s, &err) < 0 && err != NULL, name, "accepted");
      kr_error_free (&err);
    }
}

static void
test_caps_and_rlimits (void)
{
  char *bounding[] = { "CAP_KILL", "cap_chown", "NET_BIND_SERVICE" };
  char *bad[] = { "CAP_KILL", "CAP_NOPE" };
  oci_capabilities c = { .bounding = bounding, .bounding_len = 3 };
  kr_caps caps;
  kr_error *err = NULL;

  check (kr_cap_from_name ("CAP_SYS_ADMIN") == 21, "cap-index", NULL);
  check (kr_cap_from_name ("CAP_BOGUS") == -1, "cap-unknown", NULL);
  check (kr_caps_parse (&c, &caps, &err) == 0
             && caps.bounding == ((1ULL << 5) | (1ULL << 0) | (1ULL << 10)) && caps.effective == 0,
         "caps-parse", err ? err->msg : NULL);
  kr_error_free (&err);
  c.permitted = bad;
  c.permitted_len = 2;
  check (kr_caps_parse (&c, &caps, &err) < 0
             && strcmp (err->msg, "process.capabilities.permitted: unknown capability \"CAP_NOPE\"") == 0,
         "caps-unknown-name", err ? err->msg : NULL);
  kr_error_free (&err);
  check (kr_caps_parse (NULL, &caps, &err) == 0 && caps.present && caps.bounding == 0
             && caps.permitted == 0,
         "caps-absent-means-none", NULL);
  check (kr_rlimit_from_name ("RLIMIT_NOFILE") == 7, "rlimit-nofile", NULL);
  check (kr_rlimit_from_name ("NOFILE") == -1, "rlimit-needs-prefix", NULL);
}

static void
test_process_validate (void)
{
  char *args[] = { "sh", NULL };
  oci_rlimit rl[2] = { { .type = "RLIMIT_NOFILE", .soft = 10, .hard = 5 },
                       { .type = "RLIMIT_NOFILE", .soft = 1, .hard = 5 } };
  oci_process p = { .args = args, .args_len = 1, .cwd = "/" };
  kr_error *err = NULL;

  check (kr_process_validate (&p, &err) == 0, "process-ok", err ? err->msg : NULL);
  p.cwd = "rel";
  check (kr_process_validate (&p, &err) < 0 && strstr (err->msg, "process.cwd"), "process-cwd", NULL);
  kr_error_free (&err);
  p.cwd = "/";
  p.args_len = 0;
  check (kr_process_validate (&p, &err) < 0 && strstr (err->msg, "process.args"), "process-args", NULL);
  kr_error_free (&err);
  p.args_len = 1;
  p.rlimits = rl;
  p.rlimits_len = 1;
  check (kr_process_validate (&p, &err) < 0 && strstr (err->msg, "soft limit"), "rlimit-soft-above-hard",
         NULL);
  kr_error_free (&err);
  rl[0].soft = 1;
  p.rlimits_len = 2;
  check (kr_process_validate (&p, &err) < 0 && strstr (err->msg, "duplicate"), "rlimit-duplicate", NULL);
  kr_error_free (&err);
}

static void
test_state_roundtrip (void)
{
  char dir[] = "/tmp/krill-unit-state.XXXXXX";
  int rootfd, dirfd = -1, dirfd2 = -1;
  kr_error *err = NULL;
  oci_kv ann[1] = { { "k", "v \"quoted\"" } };
  kr_state st = { .id = "c1", .oci_version = "1.3.0", .pid = 4242, .start_time = 123456789,
                  .bundle = "/b", .rootfs = "/b/rootfs", .created = "2026-01-01T00:00:00Z",
                  .owner = "", .cgroup_path = "/x/c1", .annotations = ann, .annotations_len = 1 };
  kr_state *back = NULL;
  char *json;

  if (mkdtemp (dir) == NULL)
    {
      check (false, "state-tmpdir", "mkdtemp");
      return;
    }
  check (kr_state_root_open (dir, &rootfd, &err) == 0, "state-root", err ? err->msg : NULL);
  check (kr_state_claim (rootfd, "c1", &dirfd, &err) == 0, "state-claim", err ? err->msg : NULL);
  kr_error_free (&err);
  check (kr_state_claim (rootfd, "c1", &dirfd2, &err) < 0 && strstr (err->msg, "already exists"),
         "state-claim-twice", NULL);
  kr_error_free (&err);
  check (kr_state_write (dirfd, &st, &err) == 0, "state-write", err ? err->msg : NULL);
  {
    /* Only state.json: no temporary file (state.json.krill-<random>) left. */
    DIR *d = fdopendir (dup (dirfd));
    struct dirent *de;
    int others = 0;
    while (d && (de = readdir (d)) != NULL)
      others += de->d_name[0] != '.' && strcmp (de->d_name, "state.json") != 0;
    if (d)
      closedir (d);
    check (d != NULL && others == 0, "state-write-no-tmp-left", NULL);
  }
  check (kr_state_read (dirfd, &back, &err) == 0 && back && back->pid == 4242
             && back->start_time == 123456789 && strcmp (back->bundle, "/b") == 0
             && back->annotations_len == 1 && strcmp (back->annotations[0].value, "v \"quoted\"") == 0
             && strcmp (back->cgroup_path, "/x/c1") == 0,
         "state-roundtrip", err ? err->msg : NULL);
  /* pid 4242 with that start time is not alive: stopped */
  check (back && kr_state_status (dirfd, back) == KR_STATUS_STOPPED, "state-status-stopped", NULL);
  json = back ? kr_state_to_json (back, KR_STATUS_STOPPED, false, &err) : NULL;
  check (json && strstr (json, "\"pid\":0") && strstr (json, "\"status\":\"stopped\""),
         "state-json-stopped-pid-0", json);
  free (json);
  kr_state_free (back);
  back = NULL;
  /* our own process with the right start time is alive */
  st.pid = getpid ();
  kr_proc_stat (st.pid, &st.start_time, NULL);
  mkfifoat (dirfd, KR_EXEC_FIFO, 0600);
  check (kr_state_status (dirfd, &st) == KR_STATUS_CREATED, "state-status-created", NULL);
  unlinkat (dirfd, KR_EXEC_FIFO, 0);
  check (kr_state_status (dirfd, &st) == KR_STATUS_RUNNING, "state-status-running", NULL);
  st.start_time += 1; /* a reused pid */
  check (kr_state_status (dirfd, &st) == KR_STATUS_STOPPED, "state-status-reused-pid", NULL);
  check (kr_state_remove (rootfd, "c1", &err) == 0 && faccessat (rootfd, "c1", F_OK, 0) < 0,
         "state-remove", err ? err->msg : NULL);
  kr_error_free (&err);
  close (dirfd);
  close (rootfd);
  rmdir (dir);
}

int
main (void)
{
  test_ids ();
  test_signals ();
  test_caps_and_rlimits ();
  test_process_validate ();
  test_state_roundtrip ();
  printf ("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
