/* Unit tests of src/cgroup/persist.c: a cgroup record that delete or kill
 * --all would act on is refused when it names a hierarchy root, holds "..",
 * or lies outside the cgroup state.json recorded.  Only parses: nothing is
 * opened in a cgroup filesystem, nothing is signalled. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "base/util.h"
#include "check.h"

static int rec_dirfd = -1;

/* Loads a record whose hierarchy lines are LINES, against EXPECTED; the
 * error text (or NULL when it loaded) in *MSG. */
static int
load (const char *mode, const char *lines, const char *expected, char **msg)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ kr_error *err = NULL;
  kr_cgroup *cg = NULL;
  int fd, r;

  if (asprintf (&text, "krill-cgroup 1\nmode %s\n%s", mode, lines) < 0)
    abort ();
  fd = openat (rec_dirfd, "cgroup", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t) strlen (text))
    abort ();
  close (fd);
  r = kr_cgroup_load (rec_dirfd, "cgroup", expected, &cg, &err);
  kr_cgroup_free (cg);
  *msg = err ? strdup (err->msg) : NULL;
  return r;
}

static void
refused (const char *name, const char *mode, const char *lines, const char *expected,
         const char *want)
{
  _cleanup_free_ char *msg = NULL;
  int r = load (mode, lines, expected, &msg);

  check (name, r < 0 && msg && strstr (msg, want), "got %d \"%s\", want an error with \"%s\"", r,
         msg ? msg : "", want);
}

static void
accepted (const char *name, const char *mode, const char *lines, const char *expected)
{
  _cleanup_free_ char *msg = NULL;
  int r = load (mode, lines, expected, &msg);

  check (name, r == 0, "refused: %s", msg ? msg : "");
}

#define V2(path) "2\t1\t\t/sys/fs/cgroup\t" path "\n"
#define V1(path) "1\t1\tmemory\t/sys/fs/cgroup/memory\t" path "\n" \
                 "1\t1\tdevices\t/sys/fs/cgroup/devices\t" path "\n"

int
main (void)
{
  char tmpl[] = "/tmp/krill-test-record.XXXXXX";

  if (mkdtemp (tmpl) == NULL || (rec_dirfd = open (tmpl, O_RDONLY | O_DIRECTORY)) < 0)
    abort ();

  accepted ("v2 record of the container", "unified", V2 ("/krill/c1"), "/krill/c1");
  accepted ("v1 record of the container", "legacy", V1 ("/krill/c1"), "/krill/c1");
  accepted ("half-made: no state.json to compare", "unified", V2 ("/krill/c1"), NULL);
  /* A relative cgroupsPath sits below krill's own cgroup, which differs
   * from one v1 hierarchy to another. */
  accepted ("v1 hierarchies below different parents", "legacy",
            "1\t1\tmemory\t/sys/fs/cgroup/memory\t/user.slice/c1\n"
            "1\t1\tdevices\t/sys/fs/cgroup/devices\t/user.slice/s1/c1\n",
            "/user.slice/s1/c1");

  refused ("root", "unified", V2 ("/"), "/krill/c1", "hierarchy root");
  refused ("root, half-made", "unified", V2 ("/"), NULL, "hierarchy root");
  refused ("root, v1", "legacy", V1 ("/"), "/", "hierarchy root");
  refused ("dotdot", "unified", V2 ("/krill/../.."), "/krill/../..", "\"..\"");
  refused ("dotdot, half-made", "unified", V2 ("/krill/c1/../../x"), NULL, "\"..\"");
  refused ("dot", "unified", V2 ("/krill/./c1"), NULL, "not clean");
  refused ("empty component", "unified", V2 ("/krill//c1"), NULL, "not clean");
  refused ("trailing slash", "unified", V2 ("/krill/c1/"), NULL, "not clean");
  refused ("another cgroup", "unified", V2 ("/krill/victim"), "/krill/c1",
           "not the container's cgroup");
  refused ("the container's parent", "unified", V2 ("/krill"), "/krill/c1",
           "not the container's cgroup");
  refused ("one v1 hierarchy elsewhere", "legacy",
           "1\t1\tmemory\t/sys/fs/cgroup/memory\t/victim\n"
           "1\t1\tdevices\t/sys/fs/cgroup/devices\t/krill/c1\n",
           "/krill/c1", "not the container's cgroup");
  refused ("more made than the path has", "unified", "2\t3\t\t/sys/fs/cgroup\t/krill/c1\n",
           "/krill/c1", "made");
  refused ("mount point not clean", "unified", "2\t1\t\t/sys/fs/cgroup/..\t/krill/c1\n",
           "/krill/c1", "\"..\"");

  unlinkat (rec_dirfd, "cgroup", 0);
  rmdir (tmpl);
  printf ("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
