#define _GNU_SOURCE
#include "process/process.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <limits.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "process/lsm.h"
#include "process/sched.h"
#include "base/fs.h"
#include "base/procfs.h"
#include "base/util.h"

static const struct
{
  const char *name;
  int resource;
} rlimits[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

int
kr_rlimit_from_name (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (rlimits); i++)
    if (strcmp (name, rlimits[i].name) == 0)
      return rlimits[i].resource;
  return -1;
}

int
kr_process_validate (const oci_process *p, kr_error **err)
{
  if (p == NULL)
    return kr_error_set (err, 0, "process: required to create a container");
  if (p->args_len == 0 || p->args[0] == NULL || p->args[0][0] == '\0')
    return kr_error_set (err, 0, "process.args: must not be empty");
  if (p->cwd == NULL || p->cwd[0] != '/')
    return kr_error_set (err, 0, "process.cwd: must be an absolute path, got \"%s\"",
                         p->cwd ? p->cwd : "");
  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      const oci_rlimit *r = &p->rlimits[i];
      if (kr_rlimit_from_name (r->type) < 0)
        return kr_error_set (err, 0, "process.rlimits[%zu].type: unknown rlimit \"%s\"", i,
                             r->type);
      if (r->soft > r->hard)
        return kr_error_set (err, 0, "process.rlimits[%zu]: soft limit %llu above hard limit %llu",
                             i, (unsigned long long) r->soft, (unsigned long long) r->hard);
      for (size_t j = 0; j < i; j++)
        if (strcmp (p->rlimits[j].type, r->type) == 0)
          return kr_error_set (err, 0, "process.rlimits[%zu].type: duplicate \"%s\"", i, r->type);
    }
  if (kr_sched_validate_process (p, err) < 0)
    return -1;
  return kr_lsm_validate_process (p, err);
}

int
kr_process_set_rlimits (const oci_process *p, kr_error **err)
{
  return kr_process_set_rlimits_of (0, p, err);
}

int
kr_process_set_rlimits_of (pid_t pid, const oci_process *p, kr_error **err)
{
  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      const oci_rlimit *r = &p->rlimits[i];
      struct rlimit lim = { .rlim_cur = r->soft, .rlim_max = r->hard };
      if (prlimit (pid, (__rlimit_resource_t) kr_rlimit_from_name (r->type), &lim, NULL) < 0)
        return kr_error_set (err, errno, "setrlimit %s soft=%llu hard=%llu", r->type,
                             (unsigned long long) r->soft, (unsigned long long) r->hard);
    }
  return 0;
}

int
kr_process_set_user (const oci_process *p, kr_error **err)
{
  uid_t uid = p->user ? p->user->uid : 0;
  gid_t gid = p->user ? p->user->gid : 0;
  size_t ngroups = p->user ? p->user->additional_gids_len : 0;
  _cleanup_free_ gid_t *groups = NULL;
  int keepcaps = prctl (PR_GET_KEEPCAPS, 0, 0, 0, 0);
  bool drop_all;

  if (ngroups)
    {
      groups = calloc (ngroups, sizeof *groups);
      if (groups == NULL)
        return kr_error_set (err, ENOMEM, "setgroups");
      for (size_t i = 0; i < ngroups; i++)
        groups[i] = p->user->additional_gids[i];
    }
  /* Without additionalGids the process keeps no supplementary group of krill's. */
  if (setgroups (ngroups, groups) < 0)
    return kr_error_set (err, errno, "setgroups");
  if (setresgid (gid, gid, gid) < 0)
    return kr_error_set (err, errno, "setresgid %u", (unsigned) gid);
  if (kr_process_stay_undumpable (err) < 0)
    return -1;
  /* Until it is non-dumpable again, the process must keep a capability
   * no process of the container has (the kernel then refuses them its
   * /proc/PID files whatever the flag): the permitted set is kept across
   * the switch and, when the caller does not set it, emptied after. */
  drop_all = keepcaps == 0 && uid != 0;
  if (drop_all && prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return kr_error_set (err, errno, "prctl PR_SET_KEEPCAPS");
  if (setresuid (uid, uid, uid) < 0)
    return kr_error_set (err, errno, "setresuid %u", (unsigned) uid);
  if (kr_process_stay_undumpable (err) < 0)
    return -1;
  if (drop_all)
    {
      struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
      struct __user_cap_data_struct none[2] = { { 0 } };

      if (syscall (SYS_capset, &hdr, none) < 0)
        return kr_error_set (err, errno, "capset: drop every capability for uid %u", (unsigned) uid);
      if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return kr_error_set (err, errno, "prctl PR_SET_KEEPCAPS");
    }
  return 0;
}

/* A change of uid, gid or capabilities (commit_creds in the kernel) sets
 * the dumpable flag to fs.suid_dumpable: on a host where it is 1, krill's
 * process would turn dumpable again before its execve. */
int
kr_process_stay_undumpable (kr_error **err)
{
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return kr_error_set (err, errno, "prctl PR_SET_DUMPABLE 0");
  if (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
    return kr_error_set (err, errno ? errno : EPERM, "still dumpable after PR_SET_DUMPABLE 0");
  return 0;
}

static const char *
env_get (const oci_process *p, const char *key)
{
  size_t klen = strlen (key);
  for (size_t i = 0; i < p->env_len; i++)
    if (strncmp (p->env[i], key, klen) == 0 && p->env[i][klen] == '=')
      return p->env[i] + klen + 1;
  return NULL;
}

/* 0, or the errno that makes PATH not runnable. */
static int
not_executable (const char *path)
{
  struct stat st;

  if (stat (path, &st) < 0)
    return errno;
  if (!S_ISREG (st.st_mode) || access (path, X_OK) < 0)
    return EACCES;
  return 0;
}

/* Go's wording ("no such file or directory"): Docker and Podman pick the exit
 * status (127, 126) of a failed start by matching runc's text. */
static const char *
go_strerror (int e, char *buf, size_t n)
{
  snprintf (buf, n, "%s", strerror (e));
  if (buf[0] >= 'A' && buf[0] <= 'Z')
    buf[0] = (char) (buf[0] - 'A' + 'a');
  return buf;
}

int
kr_process_find_exec (const oci_process *p, char **out, kr_error **err)
{
  const char *name = p->args[0];
  const char *path_env;
  _cleanup_free_ char *dirs = NULL;
  char *save = NULL;

  if (strchr (name, '/'))
    {
      char msg[128];
      int e = not_executable (name);
      if (e == ENOENT)
        return kr_error_set (err, 0, "exec: \"%s\": stat %s: %s", name, name,
                             go_strerror (e, msg, sizeof msg));
      if (e)
        return kr_error_set (err, 0, "exec: \"%s\": %s", name, go_strerror (e, msg, sizeof msg));
      *out = strdup (name);
      return 0;
    }
  path_env = env_get (p, "PATH");
  if (path_env == NULL)
    path_env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  dirs = strdup (path_env);
  if (dirs == NULL)
    return kr_error_set (err, ENOMEM, "exec");
  for (char *d = strtok_r (dirs, ":", &save); d; d = strtok_r (NULL, ":", &save))
    {
      _cleanup_free_ char *cand = NULL;
      if (asprintf (&cand, "%s/%s", *d ? d : ".", name) < 0)
        return kr_error_set (err, ENOMEM, "exec");
      if (not_executable (cand) == 0)
        {
          *out = TAKE_PTR (cand);
          return 0;
        }
    }
  return kr_error_set (err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

/* What krill reads of the image's /etc/passwd, for HOME only. 16 MiB is
 * some 200,000 entries: far more than any flat file an image ships (large
 * user bases live in a directory service), and read in a fraction of a
 * second; the cap bounds the time and the bytes an image can make us
 * read. A line longer than PASSWD_LINE is skipped whole, so that its tail
 * is never taken for an entry of its own. */
#define PASSWD_MAX (16 << 20)
#define PASSWD_LINE 4096

/* The image's /etc/passwd, or NULL. We run in the container's root by now
 * (after pivot_root, or entered by exec): opened in it by the in-root
 * resolver (no magic link to a host fd), non-blocking (a FIFO would wait
 * for a writer forever), and only a regular file within PASSWD_MAX (not
 * /dev/zero). Anything else is as absent, which is what runc does with a
 * passwd it cannot read for a numeric user: HOME is "/". */
static FILE *
open_passwd (void)
{
  _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int fd = -1;
  struct stat st;
  FILE *f;

  if (root < 0)
    return NULL;
  fd = kr_fs_open_in_root (root, "/etc/passwd", O_RDONLY | O_NONBLOCK | O_NOCTTY, KR_FS_EXISTING,
                           0, NULL);
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_size > PASSWD_MAX)
    return NULL;
  f = fdopen (fd, "r");
  if (f != NULL)
    TAKE_FD (fd);
  return f;
}

/* A uid field: decimal digits only, as glibc reads it ("" or "zz" is no
 * uid, not 0). */
static bool
parse_uid (const char *s, uid_t *out)
{
  unsigned long long v = 0;

  if (*s == '\0')
    return false;
  for (; *s; s++)
    {
      if (*s < '0' || *s > '9')
        return false;
      v = v * 10 + (unsigned long long) (*s - '0');
      if (v > UINT32_MAX)
        return false;
    }
  *out = (uid_t) v;
  return true;
}

static char *
home_of (uid_t uid)
{
  _cleanup_fclose_ FILE *f = open_passwd ();
  char line[PASSWD_LINE];
  bool skipping = false;

  /* ftello: the file may grow while we read it (a rootfs shared with a
   * running container); never past the cap. */
  while (f && ftello (f) <= PASSWD_MAX && fgets (line, sizeof line, f))
    {
      size_t n = strlen (line);
      bool whole = n > 0 && line[n - 1] == '\n';
      char *fields[7] = { 0 }, *rest = line;
      size_t nf = 0;
      uid_t u;

      if (skipping || (!whole && !feof (f)))
        {
          skipping = !whole; /* the rest of an overlong line */
          continue;
        }
      if (whole)
        line[n - 1] = '\0';
      /* name:passwd:uid:gid:gecos:dir:shell, empty fields included */
      while (rest && nf < ARRAY_SIZE (fields))
        fields[nf++] = strsep (&rest, ":");
      if (nf >= 6 && parse_uid (fields[2], &u) && u == uid)
        return strdup (fields[5]);
    }
  return strdup ("/");
}

char **
kr_process_env (const oci_process *p)
{
  size_t n = p->env_len;
  char **env = calloc (n + 2, sizeof *env);

  if (env == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    env[i] = p->env[i];
  if (env_get (p, "HOME") == NULL)
    {
      _cleanup_free_ char *home = home_of (p->user ? p->user->uid : 0);
      if (home && asprintf (&env[n], "HOME=%s", home) < 0)
        env[n] = NULL;
    }
  return env;
}

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

long
kr_process_join_keyring (const char *name, kr_error **err)
{
  long key = syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);

  if (key >= 0)
    return key;
  if (errno == ENOSYS || errno == EPERM || errno == EACCES)
    return 0;
  return kr_error_set (err, errno, "join session keyring");
}

int
kr_process_set_oom_score_adj (const oci_process *p, int proc_fd, kr_error **err)
{
  char buf[16];

  if (!p->has_oom_score_adj)
    return 0;
  snprintf (buf, sizeof buf, "%d", p->oom_score_adj);
  if (kr_procfs_write_self (proc_fd, "oom_score_adj", buf, err) < 0)
    return kr_error_prefix (err, "process.oomScoreAdj");
  return 0;
}

/* Kernels before 5.11 have no CLOSE_RANGE_CLOEXEC: every open fd from
 * FIRST on, read from the trusted /proc when there is one, else each fd
 * number up to the open-file limit (the rlimits are not applied yet). */
static int
cloexec_each (unsigned int first, int proc_fd, kr_error **err)
{
  _cleanup_closedir_ DIR *dir = NULL;
  struct dirent *de;
  long max;
  int dfd;

  if (proc_fd >= 0 && (dfd = openat (proc_fd, "self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
    {
      dir = fdopendir (dfd);
      if (dir == NULL)
        {
          close (dfd);
          return kr_error_set (err, errno, "mark fds close-on-exec: /proc/self/fd");
        }
      while ((de = readdir (dir)) != NULL)
        {
          char *end;
          unsigned long fd = strtoul (de->d_name, &end, 10);
          if (*end != '\0' || end == de->d_name || fd < first || fd == (unsigned long) dfd)
            continue;
          if (fcntl ((int) fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
            return kr_error_set (err, errno, "mark fd %lu close-on-exec", fd);
        }
      return 0;
    }
  max = sysconf (_SC_OPEN_MAX);
  if (max < 0 || max > (1L << 20))
    max = 1L << 20;
  for (long fd = first; fd < max; fd++)
    if (fcntl ((int) fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
      return kr_error_set (err, errno, "mark fd %ld close-on-exec", fd);
  return 0;
}

/* Nothing of krill's may cross execve: mark every fd above the preserved
 * ones close-on-exec (our own are already), but the exec stub's REPORT_FD
 * (-1: none), which must stay open across the stub's own execve. Done
 * before any seccomp filter goes in: a profile may deny close_range or
 * fcntl (runtime-tools' default, older Docker ones), and after the filter
 * krill calls nothing the program's execve does not need. */
static int
seal_fds (int preserve, int proc_fd, int report_fd, kr_error **err)
{
  unsigned int first = 3 + (unsigned int) (preserve > 0 ? preserve : 0);

  if (syscall (SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    {
      if (errno != EINVAL && errno != ENOSYS)
        return kr_error_set (err, errno, "close_range");
      if (cloexec_each (first, proc_fd, err) < 0)
        return -1;
    }
  for (unsigned int fd = 3; fd < first; fd++)
    {
      int fl = fcntl ((int) fd, F_GETFD);
      if (fl >= 0 && fcntl ((int) fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
        return kr_error_set (err, errno, "preserve fd %u", fd);
    }
  if (report_fd >= 0 && fcntl (report_fd, F_SETFD, 0) < 0)
    return kr_error_set (err, errno, "exec stub: report fd %d", report_fd);
  return 0;
}

static void
reset_signals (void)
{
  sigset_t all;

  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      signal (s, SIG_DFL);
  sigemptyset (&all);
  sigprocmask (SIG_SETMASK, &all, NULL);
}

int
kr_process_prepare (const oci_process *p, char **exec_path, char ***envp, kr_error **err)
{
  if (kr_process_find_exec (p, exec_path, err) < 0)
    return -1;
  *envp = kr_process_env (p);
  if (*envp == NULL)
    return kr_error_set (err, ENOMEM, "process.env");
  return 0;
}

int
kr_process_apply (const oci_process *p, const oci_linux *linux, const kr_caps *caps,
                  const kr_seccomp *seccomp, int proc_fd, int preserve_fds, int report_fd,
                  kr_error **err)
{
  char cwd[PATH_MAX];

  /* Before the filter (a profile may deny these calls) and before the
   * capabilities go (a real-time policy or class needs them), as runc. */
  if (kr_sched_apply (p, linux, err) < 0)
    return -1;
  if (kr_process_set_oom_score_adj (p, proc_fd, err) < 0 || kr_lsm_apply (p, proc_fd, err) < 0)
    return -1;
  if (seal_fds (preserve_fds, proc_fd, report_fd, err) < 0)
    return -1;
  if (kr_process_set_rlimits (p, err) < 0)
    return kr_error_prefix (err, "process.rlimits");
  umask (p->user && p->user->has_umask ? (mode_t) p->user->umask : 0022);
  if (chdir (p->cwd) < 0)
    return kr_error_set (err, errno, "process.cwd: chdir \"%s\"", p->cwd);
  /* Without no_new_privs, installing a filter takes CAP_SYS_ADMIN: it has
   * to go in before the capabilities are dropped, so the uid and capability
   * calls below run under it, as in runc. With no_new_privs it waits until
   * right before execve. */
  if (!p->no_new_privileges && kr_seccomp_load (seccomp, err) < 0)
    return -1;
  /* A cwd reached through an fd of the host (/proc/self/fd/N) lies outside
   * our root, and getcwd says so (CVE-2024-21626). */
  if (getcwd (cwd, sizeof cwd) == NULL && errno == ENOENT)
    return kr_error_set (err, 0, "process.cwd: \"%s\" is outside the container's root", p->cwd);
  if (kr_caps_before_user (caps, err) < 0 || kr_process_set_user (p, err) < 0
      || kr_caps_after_user (caps, err) < 0 || kr_process_stay_undumpable (err) < 0)
    return kr_error_prefix (err, "process.user");
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return kr_error_set (err, errno, "process.noNewPrivileges");
  return 0;
}

int
kr_process_exec (const oci_process *p, const kr_seccomp *seccomp, const char *exec_path,
                 char **envp, int stub_fd, int report_fd, kr_error **err)
{
  _cleanup_free_ char **argv = NULL;
  char report[48], stub_path[48];
  int e;

  reset_signals ();
  if (stub_fd >= 0)
    {
      /* Everything the stub needs, made before the filter: after it,
       * krill's calls may be denied (malloc's included). */
      argv = calloc (p->args_len + 3, sizeof *argv);
      if (argv == NULL)
        return kr_error_set (err, ENOMEM, "exec \"%s\"", exec_path);
      if (report_fd >= 0)
        snprintf (report, sizeof report, "krill-exec-stub:%d", report_fd);
      else
        snprintf (report, sizeof report, "krill-exec-stub");
      argv[0] = report;
      argv[1] = (char *) exec_path;
      memcpy (argv + 2, p->args, p->args_len * sizeof *argv);
      /* REPORT_FD is open across the stub's execve (kr_process_apply
       * cleared its close-on-exec flag) so that the stub can report its
       * own failure there; the stub marks it close-on-exec again (or
       * closes it) before the program's execve: the caller sees EOF then. */
      snprintf (stub_path, sizeof stub_path, "/proc/self/fd/%d", stub_fd);
    }
  /* The last call before execve: krill's own calls are not filtered, the
   * profile only has to allow execve itself (and execveat, see below).
   * runc loads it a little earlier, before it waits for `start` (it must
   * pass a NOTIFY listener to its parent then); krill refuses NOTIFY, so
   * nothing needs it earlier. */
  if (p->no_new_privileges && kr_seccomp_load (seccomp, err) < 0)
    return -1;
  if (stub_fd < 0)
    {
      execve (exec_path, p->args, envp);
      return kr_error_exec (err, errno, exec_path);
    }
  /* krill's binary is never what runs the program's execve: the stub does
   * (exec-stub.c in spawn/), so a program that resolves to /proc/self/exe
   * finds the stub's sealed memfd (CVE-2019-5736). */
  syscall (SYS_execveat, stub_fd, "", argv, envp, AT_EMPTY_PATH);
  e = errno;
  /* A seccomp profile may deny execveat and allow execve: the same memfd
   * through the container's /proc. Acceptable: that path resolves inside
   * the container, so at worst (a /proc the container remounted) it runs
   * a file of the container's, as the container's process, which it
   * could run anyway; krill's binary is not reachable through it. */
  execve (stub_path, argv, envp);
  if (errno != ENOENT)
    e = errno;
  return kr_error_exec (err, e, exec_path);
}
