/* The rootfs steps (kr_rootfs_mount_*, _pivot, _finalize) for real, as
 * root, in throwaway mount and pid namespaces: a busybox rootfs, runc's
 * default mounts plus binds, masks, read-only paths, devices, and the escapes it must refuse. The container's view is
 * printed by busybox inside it and checked here. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "rootfs/rootfs.h"

static int passed, failed;
static char base[] = "/tmp/krill-test-rootfs.XXXXXX";
static char rootfs[512];
static char escape_name[64]; /* /etc/<escape_name> must never exist on the host */

static void
check (bool ok, const char *name)
{
  printf ("%s %s\n", ok ? "ok" : "not ok", name);
  ok ? passed++ : failed++;
}

static bool say_why;

/* Goes on past an entry it can not remove, so that one busy entry does not
 * keep the rest; on the last try says why each stays. */
static int
rm_entry (const char *path, const struct stat *st, int flag, struct FTW *f)
{
  (void) st;
  (void) f;
  if ((flag == FTW_DP ? rmdir (path) : unlink (path)) < 0 && say_why)
    printf ("# cannot remove %s: %s\n", path, strerror (errno));
  return 0;
}

static void
cleanup (void)
{
  if (base[strlen (base) - 1] != 'X')
    nftw (base, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static int
print_left (const char *path, const struct stat *st, int flag, struct FTW *f)
{
  (void) flag;
  (void) f;
  printf ("# left: %s (mode %o)\n", path, (unsigned) st->st_mode);
  return 0;
}

/* The last container's mount namespace dies with its last process, but the
 * kernel may finish releasing its mounts a moment later (the final mntput
 * of an exiting task is deferred to a workqueue), and until then a removal
 * in the tree can fail once (seen in make check and in the cgroup v2 guest,
 * never on a rerun). So: retried for up to 5 s, and what is still left is
 * named before the check fails. */
static bool
cleanup_all (void)
{
  for (int i = 0; i < 100; i++)
    {
      cleanup ();
      if (access (base, F_OK) < 0)
        return true;
      usleep (50000);
    }
  say_why = true;
  cleanup ();
  nftw (base, print_left, 16, FTW_PHYS | FTW_MOUNT);
  {
    char line[4096];
    FILE *mi = fopen ("/proc/self/mountinfo", "re");
    while (mi && fgets (line, sizeof line, mi))
      if (strstr (line, base))
        printf ("# still mounted: %s", line);
    if (mi)
      fclose (mi);
  }
  return false;
}

static bool
write_file (const char *path, const char *text, mode_t mode)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  bool ok;

  if (fd < 0)
    return false;
  ok = write (fd, text, strlen (text)) == (ssize_t) strlen (text);
  close (fd);
  return ok;
}

static bool
copy_file (const char *from, const char *to)
{
  int in = open (from, O_RDONLY | O_CLOEXEC), out;
  char buf[65536];
  ssize_t n;

  if (in < 0)
    return false;
  out = open (to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
  if (out < 0)
    {
      close (in);
      return false;
    }
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (write (out, buf, (size_t) n) != n)
      n = -1;
  close (in);
  close (out);
  return n == 0;
}

static bool
in_base (const char *rel, char *out, size_t size)
{
  return (size_t) snprintf (out, size, "%s/%s", base, rel) < size;
}

/* base/rootfs: bin/busybox (+ sh, cat, ls), etc/, a marker, a read-only
 * directory, a secret to mask, and "evil -> /etc"; base/data: bind sources. */
static bool
build_rootfs (void)
{
  static const char *dirs[]
      = { "rootfs", "rootfs/bin", "rootfs/etc", "rootfs/proc", "rootfs/sys",
          "rootfs/tmp", "rootfs/ro-dir", "rootfs/secret", "data" };
  static const char *links[] = { "sh", "cat", "ls" };
  char p[4096], q[4096];

  if (mkdtemp (base) == NULL)
    return false;
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
    if (!in_base (dirs[i], p, sizeof p) || mkdir (p, 0755) < 0)
      return false;
  snprintf (rootfs, sizeof rootfs, "%s/rootfs", base);
  snprintf (p, sizeof p, "%s/bin/busybox", rootfs);
  if (!copy_file ("/bin/busybox", p))
    return false;
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
    {
      snprintf (p, sizeof p, "%s/bin/%s", rootfs, links[i]);
      if (symlink ("busybox", p) < 0)
        return false;
    }
  snprintf (p, sizeof p, "%s/marker", rootfs);
  snprintf (q, sizeof q, "%s/secret/key", rootfs);
  if (!write_file (p, "krill-rootfs-marker\n", 0644)
      || !write_file (q, "TOPSECRET\n", 0600))
    return false;
  snprintf (p, sizeof p, "%s/secret-file", rootfs);
  if (!write_file (p, "TOPSECRET\n", 0644))
    return false;
  snprintf (p, sizeof p, "%s/evil", rootfs);
  if (symlink ("/etc", p) < 0)
    return false;
  /* A symlink where a proc mount is asked for: must be refused. */
  snprintf (p, sizeof p, "%s/dangling", rootfs);
  if (symlink ("/nowhere/at/all", p) < 0)
    return false;
  snprintf (p, sizeof p, "%s/badproc", rootfs);
  if (symlink ("/tmp", p) < 0)
    return false;
  snprintf (p, sizeof p, "%s/data/hello", base);
  snprintf (q, sizeof q, "%s/data-file", base);
  return write_file (p, "hello from the host\n", 0644)
         && write_file (q, "bound file\n", 0644);
}

/* Step 1 without a pause (init waits for its cgroup in it). */
static int
mount_all (const oci_config *cfg, const char *root, kr_error **err)
{
  _cleanup_close_ int rootfd = -1;

  if (kr_rootfs_mount_begin (cfg, root, &rootfd, err) < 0
      || kr_rootfs_mount_range (cfg, root, rootfd, NULL, 0, cfg->mounts_len, err) < 0)
    return -1;
  return kr_rootfs_mount_end (cfg, rootfd, err);
}

/* The three steps with nothing between them (init runs hooks, names and
 * the terminal between them). */
static int
rootfs_setup (const oci_config *cfg, const char *root, bool no_pivot, kr_error **err)
{
  if (mount_all (cfg, root, err) < 0
      || kr_rootfs_pivot (cfg, root, no_pivot, err) < 0
      || kr_rootfs_finalize (cfg, err) < 0)
    return kr_error_prefix (err, "rootfs");
  return 0;
}

#define OPTS(...) (char *[]){ __VA_ARGS__ }, sizeof ((char *[]){ __VA_ARGS__ }) / sizeof (char *)

/* Runs rootfs_setup in a child with new mount and pid namespaces, then
 * busybox SCRIPT in the result; returns its output (malloc'd) and exit
 * status. */
static char *
run_container (const oci_config *cfg, bool no_pivot, const char *script,
               int *status)
{
  int pfd[2];
  pid_t pid;
  char *out = NULL;
  size_t len = 0, cap = 0;
  ssize_t n;

  *status = -1;
  if (pipe2 (pfd, O_CLOEXEC) < 0)
    return NULL;
  pid = fork ();
  if (pid < 0)
    return NULL;
  if (pid == 0)
    {
      pid_t init;
      int st;

      dup2 (pfd[1], 1);
      dup2 (pfd[1], 2);
      if (unshare (CLONE_NEWNS | CLONE_NEWPID) < 0)
        {
          printf ("setup-error: unshare: %s\n", strerror (errno));
          _exit (2);
        }
      init = fork ();
      if (init == 0)
        {
          kr_error *err = NULL;

          if (rootfs_setup (cfg, rootfs, no_pivot, &err) < 0)
            {
              printf ("setup-error: %s\n", err->msg);
              fflush (stdout);
              _exit (3);
            }
          execl ("/bin/busybox", "sh", "-c", script, (char *) NULL);
          printf ("setup-error: exec: %s\n", strerror (errno));
          _exit (4);
        }
      if (init < 0 || waitpid (init, &st, 0) < 0)
        _exit (5);
      _exit (WIFEXITED (st) ? WEXITSTATUS (st) : 6);
    }
  close (pfd[1]);
  for (;;)
    {
      if (cap - len < 4096)
        {
          char *p = realloc (out, cap + 65536);
          if (p == NULL)
            break;
          out = p;
          cap += 65536;
        }
      n = read (pfd[0], out + len, cap - len - 1);
      if (n <= 0)
        break;
      len += (size_t) n;
    }
  close (pfd[0]);
  if (out)
    out[len] = '\0';
  waitpid (pid, status, 0);
  return out;
}

/* The mount options and filesystem type of the top mount at MP in the
 * mountinfo lines of OUT. */
static bool
find_mount (const char *out, const char *mp, char *opts, char *fstype,
            char *super)
{
  const char *line = out;
  bool found = false;

  while (line && *line)
    {
      const char *nl = strchr (line, '\n');
      char buf[4096], m[1024], o[512], t[64], s[1024] = "";
      size_t l = nl ? (size_t) (nl - line) : strlen (line);
      char *dash;

      if (l < sizeof buf)
        {
          memcpy (buf, line, l);
          buf[l] = '\0';
          dash = strstr (buf, " - ");
          if (dash && sscanf (buf, "%*s %*s %*s %*s %1023s %511s", m, o) == 2
              && sscanf (dash + 3, "%63s %*s %1023s", t, s) >= 1
              && strcmp (m, mp) == 0)
            {
              strcpy (opts, o);
              strcpy (fstype, t);
              strcpy (super, s);
              found = true;
            }
        }
      line = nl ? nl + 1 : NULL;
    }
  return found;
}

static bool
has_opt (const char *opts, const char *name)
{
  size_t n = strlen (name);

  for (const char *p = opts; p && *p;)
    {
      const char *end = strchrnul (p, ',');
      if ((size_t) (end - p) == n && strncmp (p, name, n) == 0)
        return true;
      p = *end ? end + 1 : end;
    }
  return false;
}

/* Every comma-separated option of WANT is on mount MP, of type FSTYPE. */
static void
check_mount (const char *out, const char *mp, const char *fstype,
             const char *want, const char *name)
{
  char opts[512], type[64], super[1024], copy[256], *tok, *save = NULL;
  bool ok = find_mount (out, mp, opts, type, super);

  if (ok && fstype)
    ok = strcmp (type, fstype) == 0;
  snprintf (copy, sizeof copy, "%s", want);
  for (tok = strtok_r (copy, ",", &save); ok && tok;
       tok = strtok_r (NULL, ",", &save))
    ok = has_opt (opts, tok) || has_opt (super, tok);
  if (!ok)
    printf ("# %s: want %s %s, got %s\n", mp, fstype ? fstype : "",
            want, find_mount (out, mp, opts, type, super) ? opts : "nothing");
  check (ok, name);
}

static bool
contains (const char *out, const char *s)
{
  return out && strstr (out, s) != NULL;
}

static bool
host_mountinfo_mentions (const char *s)
{
  FILE *f = fopen ("/proc/self/mountinfo", "re");
  char line[8192];
  bool found = false;

  if (f == NULL)
    return true;
  while (fgets (line, sizeof line, f))
    if (strstr (line, s))
      found = true;
  fclose (f);
  return found;
}

static const char script[]
    = "echo '== mountinfo'; cat /proc/self/mountinfo; echo '== end'\n"
      "echo \"marker: $(cat /marker)\"\n"
      "echo \"null: $(busybox stat -c '%F %t:%T %a' /dev/null)\"\n"
      "echo \"zero: $(busybox stat -c '%t:%T' /dev/zero) tty: $(busybox stat -c '%t:%T' /dev/tty)\"\n"
      "echo \"custom: $(busybox stat -c '%F %t:%T %a %u:%g' /dev/custom)\"\n"
      "echo \"fifo: $(busybox stat -c '%F %a' /dev/myfifo)\"\n"
      "echo \"ptmx: $(busybox readlink /dev/ptmx)\"\n"
      "echo \"fd: $(busybox readlink /dev/fd) stderr: $(busybox readlink /dev/stderr)\"\n"
      "echo \"timer_list: [$(cat /proc/timer_list | busybox wc -c)]\"\n"
      "echo \"secret-file: [$(cat /secret-file)]\"\n"
      "echo \"secret: [$(cat /secret/key 2>&1)] [$(ls /secret)]\"\n"
      "echo \"firmware: [$(ls /sys/firmware)]\"\n"
      "echo \"hello: $(cat /mnt/data/hello)\"\n"
      "echo \"file: $(cat /etc/bound-file)\"\n"
      "echo x > /mnt/data/new 2>/dev/null && echo 'data: writable' || echo 'data: read-only'\n"
      "echo x > /ro-dir/new 2>/dev/null && echo 'ro-dir: writable' || echo 'ro-dir: read-only'\n"
      "echo x > /etc/new 2>/dev/null && echo 'root: writable' || echo 'root: read-only'\n"
      "echo x > /tmp/new 2>/dev/null && echo 'tmp: writable' || echo 'tmp: read-only'\n"
      "echo x > /evil/ESCAPE/f && echo \"escape: $(cat /etc/ESCAPE/f)\"\n"
      "echo \"cwd: $(pwd) pid: $$\"\n";

static void
test_full (void)
{
  char data[4096], file[4096], dest_escape[128], s[8192], hostpath[256];
  char *text;
  int status;
  char *masked[] = { "/proc/kcore", "/proc/timer_list", "/sys/firmware",
                     "/secret", "/secret-file", "/proc/does-not-exist" };
  char *readonly[] = { "/proc/sys", "/ro-dir", "/no/such/dir" };
  oci_device devs[] = {
    { .type = "c", .path = "/dev/custom", .major = 1, .minor = 7,
      .file_mode = 0600, .has_file_mode = true, .uid = 1000, .has_uid = true,
      .gid = 1000, .has_gid = true },
    { .type = "p", .path = "/dev/myfifo", .file_mode = 0620,
      .has_file_mode = true },
  };
  oci_namespace ns[] = { { .type = "pid" }, { .type = "mount" } };
  oci_linux lx = { .namespaces = ns, .namespaces_len = 2,
                   .devices = devs, .devices_len = 2,
                   .masked_paths = masked, .masked_paths_len = 6,
                   .readonly_paths = readonly, .readonly_paths_len = 3 };
  oci_root root = { .path = rootfs, .readonly = true, .has_readonly = true };

  snprintf (data, sizeof data, "%s/data", base);
  snprintf (file, sizeof file, "%s/data-file", base);
  snprintf (dest_escape, sizeof dest_escape, "/evil/%s", escape_name);
  oci_mount mounts[] = {
    { .destination = "/proc", .type = "proc", .source = "proc" },
    { .destination = "/dev", .type = "tmpfs", .source = "tmpfs",
      OPTS ("nosuid", "strictatime", "mode=755", "size=65536k") },
    { .destination = "/dev/pts", .type = "devpts", .source = "devpts",
      OPTS ("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
            "gid=5") },
    { .destination = "/dev/shm", .type = "tmpfs", .source = "shm",
      OPTS ("nosuid", "noexec", "nodev", "mode=1777", "size=65536k") },
    { .destination = "/dev/mqueue", .type = "mqueue", .source = "mqueue",
      OPTS ("nosuid", "noexec", "nodev") },
    { .destination = "/sys", .type = "sysfs", .source = "sysfs",
      OPTS ("nosuid", "noexec", "nodev", "ro") },
    { .destination = "/tmp", .type = "tmpfs", .source = "tmpfs",
      OPTS ("nosuid", "nodev", "rprivate") },
    { .destination = "/mnt/data", .type = "bind", .source = data,
      OPTS ("rbind", "ro", "nosuid", "nodev") },
    { .destination = "/etc/bound-file", .type = "none", .source = file,
      OPTS ("bind") },
    { .destination = dest_escape, .type = "tmpfs", .source = "tmpfs",
      OPTS ("nodev", "size=1m") },
    { .destination = "/ro-tmp", .type = "tmpfs", .source = "tmpfs",
      OPTS ("ro", "noexec") },
    { .destination = "/mnt/rec", .type = "bind", .source = data,
      OPTS ("rbind", "rro", "rnosuid", "rnoatime") },
    { .destination = "/mnt/plain", .type = "bind", .source = data,
      OPTS ("ro") },
  };
  oci_config cfg = { .root = &root, .mounts = mounts,
                     .mounts_len = sizeof mounts / sizeof mounts[0],
                     .linux = &lx };
  /* The script names the escape directory ESCAPE. */
  char scr[sizeof script + 256], *w = scr;
  for (const char *r = script; *r; r++)
    if (strncmp (r, "ESCAPE", 6) == 0)
      {
        w += sprintf (w, "%s", escape_name);
        r += 5;
      }
    else
      *w++ = *r;
  *w = '\0';

  text = run_container (&cfg, false, scr, &status);
  if (text == NULL || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    printf ("# status %d, output:\n%s\n", status, text ? text : "(none)");
  if (getenv ("KRILL_TEST_VERBOSE")) fputs (text ? text : "", stdout);
  check (text && WIFEXITED (status) && WEXITSTATUS (status) == 0,
         "full_setup_runs");
  if (text == NULL)
    return;

  check (contains (text, "marker: krill-rootfs-marker"), "root_is_rootfs");
  check (contains (text, "cwd: / pid: 1"), "cwd_is_root_pid_1");
  check_mount (text, "/", NULL, "ro", "root_readonly");
  check_mount (text, "/proc", "proc", "rw", "mount_proc");
  check_mount (text, "/dev", "tmpfs", "nosuid,mode=755,size=65536k",
               "mount_dev_tmpfs");
  check_mount (text, "/dev/pts", "devpts", "nosuid,noexec,mode=620,ptmxmode=666,gid=5",
               "mount_devpts");
  check_mount (text, "/dev/shm", "tmpfs", "nosuid,nodev,noexec,size=65536k",
               "mount_dev_shm");
  check_mount (text, "/dev/mqueue", "mqueue", "nosuid,nodev,noexec",
               "mount_mqueue");
  check_mount (text, "/sys", "sysfs", "ro,nosuid,nodev,noexec", "mount_sysfs_ro");
  check_mount (text, "/mnt/data", NULL, "ro,nosuid,nodev", "bind_flags_applied");
  check_mount (text, "/etc/bound-file", NULL, "rw", "bind_file");
  check_mount (text, "/ro-tmp", "tmpfs", "ro,noexec", "tmpfs_ro_after_setup");
  check_mount (text, "/mnt/rec", NULL, "ro,nosuid,noatime", "recursive_attrs");
  check_mount (text, "/mnt/plain", NULL, "ro", "type_bind_without_bind_option");
  check_mount (text, "/proc/sys", "proc", "ro", "readonly_path_proc_sys");
  check_mount (text, "/ro-dir", NULL, "ro", "readonly_path_dir");
  check_mount (text, "/sys/firmware", "tmpfs", "ro", "masked_dir_ro_tmpfs");
  check_mount (text, "/proc/timer_list", "tmpfs", "", "masked_proc_file_mounted");
  check_mount (text, "/secret-file", "tmpfs", "", "masked_file_mounted");

  check (contains (text, "null: character special file 1:3 666"), "dev_null_1_3");
  check (contains (text, "zero: 1:5 tty: 5:0"), "default_devices");
  check (contains (text, "custom: character special file 1:7 600 1000:1000"),
         "linux_device_mode_owner");
  check (contains (text, "fifo: fifo 620"), "linux_device_fifo");
  check (contains (text, "ptmx: pts/ptmx"), "ptmx_symlink");
  check (contains (text, "fd: /proc/self/fd stderr: /proc/self/fd/2"),
         "dev_symlinks");
  check (contains (text, "timer_list: [0]"), "masked_proc_file_empty");
  check (contains (text, "secret-file: []"), "masked_file_empty");
  check (contains (text, "secret: [") && !contains (text, "TOPSECRET")
             && contains (text, "] []"),
         "masked_dir_hidden");
  check (contains (text, "firmware: []"), "masked_sys_firmware");
  check (contains (text, "hello: hello from the host"), "bind_content");
  check (contains (text, "file: bound file"), "bind_file_content");
  check (contains (text, "data: read-only"), "bind_readonly");
  check (contains (text, "ro-dir: read-only"), "readonly_path_enforced");
  check (contains (text, "root: read-only"), "root_readonly_enforced");
  check (contains (text, "tmp: writable"), "tmpfs_writable");

  snprintf (s, sizeof s, "/etc/%s", escape_name);
  check_mount (text, s, "tmpfs", "nodev", "symlink_dest_lands_in_rootfs");
  snprintf (s, sizeof s, "escape: x");
  check (contains (text, s), "symlink_dest_usable");
  snprintf (s, sizeof s, " /evil/%s ", escape_name);
  check (!contains (text, s), "symlink_not_kept_as_path");
  snprintf (hostpath, sizeof hostpath, "/etc/%s", escape_name);
  check (access (hostpath, F_OK) < 0 && errno == ENOENT,
         "symlink_host_etc_untouched");
  snprintf (s, sizeof s, "%s/etc/%s", rootfs, escape_name);
  check (access (s, F_OK) == 0, "symlink_dir_created_in_rootfs");
  free (text);
}

static void
expect_refusal (oci_mount *m, const char *want, const char *name)
{
  oci_config cfg = { .mounts = m, .mounts_len = 1 };
  int status;
  char *text = run_container (&cfg, false, "echo reached", &status);
  bool ok = text && contains (text, "setup-error:") && contains (text, want)
            && !contains (text, "reached");

  if (!ok)
    printf ("# output: %s\n", text ? text : "(none)");
  check (ok, name);
  free (text);
}

static void
test_refusals (void)
{
  char data[4096];
  oci_mount badproc = { .destination = "/badproc", .type = "proc",
                        .source = "proc" };
  oci_mount inproc[] = {
    { .destination = "/proc", .type = "proc", .source = "proc" },
    { .destination = "/proc/self/attr", .type = "tmpfs", .source = "tmpfs" },
  };
  oci_mount onproc = { .destination = "/proc", .type = "tmpfs",
                       .source = "tmpfs" };
  oci_mount missing = { .destination = "/mnt/x", .type = "bind",
                        .source = "/nonexistent/krill-src", OPTS ("bind") };
  oci_mount dangling = { .destination = "/dangling/x", .type = "tmpfs",
                         .source = "tmpfs" };
  oci_config cfg = { .mounts = inproc, .mounts_len = 2 };
  int status;
  char *text;

  (void) data;
  expect_refusal (&badproc, "ordinary directory", "refuse_proc_on_symlink");
  expect_refusal (&onproc, "only a procfs", "refuse_tmpfs_on_proc");
  expect_refusal (&dangling, "dangling symlink", "refuse_dangling_symlink");
  expect_refusal (&missing, "krill-src", "refuse_missing_bind_source");
  text = run_container (&cfg, false, "echo reached", &status);
  check (text && contains (text, "inside /proc") && !contains (text, "reached"),
         "refuse_mount_inside_proc");
  free (text);
}

static void
test_no_pivot (void)
{
  oci_mount mounts[] = {
    { .destination = "/proc", .type = "proc", .source = "proc" },
    { .destination = "/dev", .type = "tmpfs", .source = "tmpfs",
      OPTS ("nosuid", "mode=755") },
  };
  oci_config cfg = { .mounts = mounts, .mounts_len = 2 };
  int status;
  char *text = run_container (
      &cfg, true,
      "echo \"marker: $(cat /marker)\"; "
      "echo \"null: $(busybox stat -c '%t:%T' /dev/null)\"; "
      "echo \"cwd: $(pwd)\"; cat /proc/self/mountinfo",
      &status);

  if (text == NULL || status != 0)
    printf ("# output: %s\n", text ? text : "(none)");
  check (text && status == 0 && contains (text, "marker: krill-rootfs-marker")
             && contains (text, "null: 1:3") && contains (text, "cwd: /"),
         "no_pivot_root_is_rootfs");
  /* The host's full procfs at /proc is gone (moved root) or hidden. */
  check (text && !contains (text, " /sys/fs/cgroup "), "no_pivot_host_mounts_gone");
  free (text);
}

int
main (void)
{
  if (geteuid () != 0)
    {
      printf ("skip rootfs # needs root (mount namespaces, mknod)\n");
      return 0;
    }
  if (access ("/bin/busybox", X_OK) < 0)
    {
      printf ("skip rootfs # /bin/busybox (busybox-static) is missing\n");
      return 0;
    }
  snprintf (escape_name, sizeof escape_name, "krill-escape-%d", (int) getpid ());
  if (!build_rootfs ())
    {
      printf ("not ok build_rootfs # %s\n", strerror (errno));
      cleanup ();
      printf ("0 passed, 1 failed\n");
      return 1;
    }
  test_full ();
  test_refusals ();
  test_no_pivot ();
  check (!host_mountinfo_mentions (base), "nothing_leaked_to_host");
  check (cleanup_all (), "cleanup");
  printf ("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
