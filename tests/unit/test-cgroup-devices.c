/* Unit tests of the cgroup module's pure logic: device rules, path
 * cleaning, mountinfo and /proc/self/cgroup parsing, cgroupsPath resolution,
 * save/load.  No root, no cgroup filesystem needed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "base/util.h"

#include "check.h"



static void
check_str (const char *name, const char *got, const char *want)
{
  bool ok = got && strcmp (got, want) == 0;
  check (name, ok, "got \"%s\", want \"%s\"", got ? got : "(null)", want);
}

/* The program as "deny a|allow c 1:3 rwm|...", or the error message. */
static char *
program (const oci_linux *lx)
{
  _cleanup_error_ kr_error *err = NULL;
  _cleanup_free_ kr_dev_rule *rules = NULL;
  size_t n;
  char *out = NULL;
  size_t len = 0;
  FILE *f;

  if (kr_cg_device_rules (lx, &rules, &n, &err) < 0)
    return strdup (err->msg);
  f = open_memstream (&out, &len);
  for (size_t i = 0; i < n; i++)
    {
      char line[80];
      kr_cg_device_v1_line (&rules[i], line, sizeof line);
      fprintf (f, "%s%s %s", i ? "|" : "", rules[i].allow ? "allow" : "deny", line);
    }
  fclose (f);
  return out;
}

#define DEFAULTS                                                                          \
  "allow c *:* m|allow b *:* m|allow c 1:3 rwm|allow c 1:8 rwm|allow c 1:7 rwm|"          \
  "allow c 5:0 rwm|allow c 1:5 rwm|allow c 1:9 rwm|allow c 136:* rwm|allow c 5:2 rwm|"    \
  "allow c 10:200 rwm"

static oci_device_cgroup
rule (bool allow, const char *type, int64_t major, int64_t minor, const char *access)
{
  return (oci_device_cgroup) { .allow = allow, .has_allow = true, .type = (char *) type,
                               .major = major, .has_major = major != -100,
                               .minor = minor, .has_minor = minor != -100,
                               .access = (char *) access };
}

static char *
with_rules (oci_device_cgroup *r, size_t n, oci_device *devs, size_t n_devs)
{
  oci_resources res = { .devices = r, .devices_len = n };
  oci_linux lx = { .resources = &res, .devices = devs, .devices_len = n_devs };
  return program (&lx);
}

static void
test_devices (void)
{
  _cleanup_free_ char *none = program (NULL);
  check_str ("devices/defaults-only", none, "deny a|" DEFAULTS);

  /* What `runc spec` writes, and a typical extra device. */
  oci_device_cgroup spec[] = { rule (false, NULL, -100, -100, "rwm"),
                               rule (true, "c", 10, 229, "wr") };
  _cleanup_free_ char *s = with_rules (spec, 2, NULL, 0);
  check_str ("devices/spec-default-then-rules", s,
             "deny a|deny a|allow c 10:229 rw|" DEFAULTS);

  oci_device_cgroup wild[] = { rule (false, "b", 8, -100, "mwr"), rule (true, "c", -1, 4, "m"),
                               rule (true, "a", 1, 2, "r") };
  _cleanup_free_ char *w = with_rules (wild, 3, NULL, 0);
  check_str ("devices/wildcards-and-access-order", w,
             "deny a|deny b 8:* rwm|allow c *:4 m|allow a|" DEFAULTS);

  oci_device_cgroup noallow[] = { { .type = (char *) "c", .major = 1, .has_major = true,
                                    .minor = 3, .has_minor = true, .access = (char *) "r" } };
  _cleanup_free_ char *na = with_rules (noallow, 1, NULL, 0);
  check ("devices/absent-allow-is-deny", strncmp (na, "deny a|deny c 1:3 r|", 20) == 0, "got %s", na);

  /* linux.devices replaces a default device of the same path. */
  oci_device devs[] = { { .type = (char *) "c", .path = (char *) "/dev/null" },
                        { .type = (char *) "c", .path = (char *) "/dev/fuse" } };
  _cleanup_free_ char *d = with_rules (NULL, 0, devs, 2);
  check ("devices/linux-devices-replace-default", strstr (d, "1:3") == NULL
         && strstr (d, "1:8 rwm") != NULL, "got %s", d);

  struct
  {
    const char *name;
    oci_device_cgroup r;
    const char *want;
  } bad[] = {
    { "devices/invalid-type", rule (true, "x", 1, 3, "rwm"),
      "linux.resources.devices[2].type: invalid device type \"x\"" },
    { "devices/invalid-type-p", rule (true, "p", 1, 3, "rwm"),
      "linux.resources.devices[2].type: invalid device type \"p\"" },
    { "devices/invalid-access", rule (true, "c", 1, 3, "rwx"),
      "linux.resources.devices[2].access: invalid access \"rwx\" (expected a subset of \"rwm\")" },
    { "devices/empty-access", rule (true, "c", 1, 3, ""),
      "linux.resources.devices[2].access: must not be empty" },
    { "devices/absent-access", rule (true, "c", 1, 3, NULL),
      "linux.resources.devices[2].access: must not be empty" },
    { "devices/invalid-major", rule (true, "c", -2, 3, "r"),
      "linux.resources.devices[2].major: invalid major -2" },
    { "devices/invalid-minor", rule (true, "b", 3, -7, "r"),
      "linux.resources.devices[2].minor: invalid minor -7" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      oci_device_cgroup r[] = { rule (false, NULL, -100, -100, "rwm"),
                                rule (true, "c", 1, 3, "r"), bad[i].r };
      _cleanup_free_ char *got = with_rules (r, 3, NULL, 0);
      check_str (bad[i].name, got, bad[i].want);
    }
}

static void
test_clean (void)
{
  static const char *const cases[][2] = {
    { "", "" },           { "/", "/" },           { "/a/../b", "/b" },
    { "../../a", "a" },   { "/../../x", "/x" },    { "a/./b//c/", "a/b/c" },
    { "..", "." },        { "/krill/c1", "/krill/c1" }, { "a/b/../../..", "." },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      char name[64];
      _cleanup_free_ char *got = kr_cg_clean_path (cases[i][0]);
      snprintf (name, sizeof name, "clean-path/\"%s\"", cases[i][0]);
      check_str (name, got, cases[i][1]);
    }
}

/* This host's tables when the tests were written: hybrid, cpu and cpuacct
 * mounted apart, the shell's memory cgroup nested. */
static const char hybrid_mountinfo[] =
  "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
  "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
  "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
  "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
  "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
  "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
  "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
  "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
  "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
  "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
  "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
  "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
  "50 22 0:32 / /mnt/again\\040memory rw,relatime - cgroup cgroup rw,memory\n"
  "51 31 0:39 / /sys/fs/cgroup/my\\040thing rw,relatime - cgroup cgroup rw,name=mine\n";
static const char hybrid_self[] =
  "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
  "4:memory:/process_api/1334\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/init.scope\n";

/* "ctrl=path ..." of a resolved cgroup, for comparison. */
static char *
layout (const kr_cgroup *cg)
{
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&out, &len);
  for (size_t i = 0; i < cg->n; i++)
    fprintf (f, "%s%s=%s", i ? " " : "", cg->h[i].version == 2 ? "v2" : cg->h[i].controllers,
             cg->h[i].path);
  fclose (f);
  return out;
}

static char *
resolve (kr_cg_mode mode, const char *mountinfo, const char *self, const char *path, const char *id)
{
  _cleanup_error_ kr_error *err = NULL;
  kr_cg_mount *m = NULL;
  kr_cg_own *o = NULL;
  size_t nm = 0, no = 0;
  kr_cgroup *cg = NULL;
  char *out;

  if (kr_cg_parse_mountinfo (mountinfo, &m, &nm, &err) < 0
      || kr_cg_parse_proc_cgroup (self, &o, &no, &err) < 0
      || kr_cg_resolve (mode, path, id, m, nm, o, no, &cg, &err) < 0)
    out = strdup (err->msg);
  else
    out = layout (cg);
  kr_cg_mounts_free (m, nm);
  kr_cg_owns_free (o, no);
  kr_cgroup_free (cg);
  return out;
}

static void
test_resolve (void)
{
  _cleanup_free_ char *abs = resolve (KR_CG_HYBRID, hybrid_mountinfo, hybrid_self, "/krill/../krill/c1", "x");
  check_str ("resolve/hybrid-absolute", abs,
             "cpu=/krill/c1 cpuacct=/krill/c1 cpuset=/krill/c1 memory=/krill/c1 devices=/krill/c1 "
             "freezer=/krill/c1 blkio=/krill/c1 pids=/krill/c1 name=systemd=/krill/c1 v2=/krill/c1");

  _cleanup_free_ char *relp = resolve (KR_CG_HYBRID, hybrid_mountinfo, hybrid_self, "../../a/b", "x");
  /* runc makes "../../a/b" "a/b"; krill refuses the climb (issue 11). */
  check_str ("resolve/hybrid-relative-cannot-climb", relp,
             "linux.cgroupsPath: \"../../a/b\" climbs out of its parent with \"..\"");

  _cleanup_free_ char *def = resolve (KR_CG_HYBRID, hybrid_mountinfo, hybrid_self, "", "ctr1");
  check_str ("resolve/hybrid-empty-is-id-relative", def,
             "cpu=/ctr1 cpuacct=/ctr1 cpuset=/ctr1 memory=/process_api/1334/ctr1 devices=/ctr1 "
             "freezer=/ctr1 blkio=/ctr1 pids=/ctr1 name=systemd=/ctr1 v2=/ctr1");

  _cleanup_free_ char *leg = resolve (KR_CG_LEGACY, hybrid_mountinfo, hybrid_self, NULL, "c");
  check ("resolve/legacy-skips-unified", leg && strstr (leg, "v2=") == NULL
         && strstr (leg, "memory=/process_api/1334/c") != NULL, "got %s", leg);

  static const char comounted[] =
    "25 24 0:22 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
    "26 24 0:23 /docker/abc /sys/fs/cgroup/devices rw - cgroup cgroup rw,devices\n"
    "27 24 0:24 / /sys/fs/cgroup/net_cls,net_prio rw - cgroup cgroup rw,net_cls,net_prio\n";
  static const char comounted_self[] =
    "3:net_cls,net_prio:/\n2:devices:/docker/abc/inner\n1:cpu,cpuacct:/docker/abc\n";
  _cleanup_free_ char *co = resolve (KR_CG_LEGACY, comounted, comounted_self, "c", NULL);
  check_str ("resolve/comounted-and-mount-root", co,
             "cpu,cpuacct=/docker/abc/c devices=/inner/c net_cls,net_prio=/c");

  static const char nodev[] = "25 24 0:22 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n";
  _cleanup_free_ char *nd = resolve (KR_CG_LEGACY, nodev, "1:cpu:/\n", "/a", NULL);
  check_str ("resolve/legacy-needs-devices", nd, "no devices cgroup mounted under /sys/fs/cgroup: No such file or directory");

  static const char unified[] =
    "30 22 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
  _cleanup_free_ char *u = resolve (KR_CG_UNIFIED, unified, "0::/user.slice/s.scope\n", "c2", NULL);
  check_str ("resolve/unified-relative", u, "v2=/user.slice/s.scope/c2");
  _cleanup_free_ char *ua = resolve (KR_CG_UNIFIED, unified, "0::/user.slice/s.scope\n", "/k/c2", NULL);
  check_str ("resolve/unified-absolute", ua, "v2=/k/c2");
  _cleanup_free_ char *ur = resolve (KR_CG_UNIFIED, unified, "0::/x\n", "/", NULL);
  check_str ("resolve/unified-root", ur, "linux.cgroupsPath: \"/\" resolves to the hierarchy root");
  _cleanup_free_ char *un = resolve (KR_CG_UNIFIED, hybrid_mountinfo, hybrid_self, "c", NULL);
  check_str ("resolve/unified-needs-root-mount", un, "no cgroup2 mount at /sys/fs/cgroup: No such file or directory");

  _cleanup_free_ char *tab = resolve (KR_CG_UNIFIED, unified, "0::/\n", "/a\tb", NULL);
  check_str ("resolve/control-char", tab, "linux.cgroupsPath: control character in \"/a\tb\"");
  _cleanup_free_ char *empty = resolve (KR_CG_UNIFIED, unified, "0::/\n", "", NULL);
  check_str ("resolve/empty-no-id", empty, "linux.cgroupsPath: empty, and no container id");

  _cleanup_free_ char *badself = resolve (KR_CG_UNIFIED, unified, "garbage\n", "", "x");
  check_str ("parse/proc-self-cgroup-invalid", badself, "parse /proc/self/cgroup: invalid line \"garbage\"");

  /* Escapes in mountinfo, and mounts outside /sys/fs/cgroup ignored. */
  {
    _cleanup_error_ kr_error *err = NULL;
    kr_cg_mount *m = NULL;
    size_t n = 0;
    static const char esc[] =
      "51 31 0:39 / /sys/fs/cgroup/my\\040devs rw - cgroup cgroup rw,devices\n"
      "52 31 0:40 / /tmp/cg rw - cgroup cgroup rw,pids\n";
    int r = kr_cg_parse_mountinfo (esc, &m, &n, &err);
    check ("parse/mountinfo-escapes", r == 0 && n == 1 && strcmp (m[0].mountpoint, "/sys/fs/cgroup/my devs") == 0,
           "r=%d n=%zu", r, n);
    kr_cg_mounts_free (m, n);
  }
}

static void
test_save_load (void)
{
  _cleanup_error_ kr_error *err = NULL;
  char dir[] = "/tmp/krill-cgtest-XXXXXX";
  kr_cg_mount *m = NULL;
  kr_cg_own *o = NULL;
  size_t nm = 0, no = 0;
  kr_cgroup *cg = NULL, *back = NULL;
  _cleanup_close_ int dfd = -1;
  _cleanup_free_ char *a = NULL, *b = NULL;
  bool made_ok = true;

  if (mkdtemp (dir) == NULL || (dfd = open (dir, O_RDONLY | O_DIRECTORY)) < 0)
    {
      check ("save-load/roundtrip", false, "mkdtemp: %m");
      return;
    }
  if (kr_cg_parse_mountinfo (hybrid_mountinfo, &m, &nm, &err) < 0
      || kr_cg_parse_proc_cgroup (hybrid_self, &o, &no, &err) < 0
      || kr_cg_resolve (KR_CG_HYBRID, "a/b", NULL, m, nm, o, no, &cg, &err) < 0)
    goto out;
  for (size_t i = 0; i < cg->n; i++)
    cg->h[i].made = i % 3;
  if (kr_cgroup_save (cg, dfd, "cgroup", &err) < 0 || kr_cgroup_load (dfd, "cgroup", kr_cgroup_path (cg), &back, &err) < 0)
    goto out;
  a = layout (cg);
  b = layout (back);
  for (size_t i = 0; i < back->n && i < cg->n; i++)
    made_ok = made_ok && back->h[i].made == cg->h[i].made && back->h[i].version == cg->h[i].version
              && strcmp (back->h[i].mountpoint, cg->h[i].mountpoint) == 0;
  check ("save-load/roundtrip", back->mode == cg->mode && strcmp (a, b) == 0 && made_ok
         && strcmp (kr_cgroup_path (back), "/a/b") == 0, "%s vs %s", a, b);
  {
    _cleanup_error_ kr_error *e2 = NULL;
    kr_cgroup *x = NULL;
    int fd = openat (dfd, "bad", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dprintf (fd, "krill-cgroup 1\nmode hybrid\n1\t0\tcpu\n");
    close (fd);
    int r = kr_cgroup_load (dfd, "bad", NULL, &x, &e2);
    check ("save-load/rejects-bad-line", r < 0 && strstr (e2->msg, "load cgroup bad:3") != NULL,
           "r=%d %s", r, e2 ? e2->msg : "");
    kr_cgroup_free (x);
  }
out:
  if (err)
    check ("save-load/roundtrip", false, "%s", err->msg);
  unlinkat (dfd, "cgroup", 0);
  unlinkat (dfd, "bad", 0);
  rmdir (dir);
  kr_cg_mounts_free (m, nm);
  kr_cg_owns_free (o, no);
  kr_cgroup_free (cg);
  kr_cgroup_free (back);
}

int
main (void)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  test_devices ();
  test_clean ();
  test_resolve ();
  test_save_load ();
  printf ("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
