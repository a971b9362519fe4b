#define _GNU_SOURCE
#include "spawn/hooks.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;

/* What a hook printed, kept for the error message; the rest is drained. */
#define CAPTURE_MAX 4096

static const char *const names[] = {
  [KR_HOOK_PRESTART] = "prestart",
  [KR_HOOK_CREATE_RUNTIME] = "createRuntime",
  [KR_HOOK_CREATE_CONTAINER] = "createContainer",
  [KR_HOOK_START_CONTAINER] = "startContainer",
  [KR_HOOK_POSTSTART] = "poststart",
  [KR_HOOK_POSTSTOP] = "poststop",
};

static const oci_hook *
hooks_of (const oci_hooks *h, kr_hook_kind kind, size_t *n)
{
  *n = 0;
  if (h == NULL)
    return NULL;
  switch (kind)
    {
    case KR_HOOK_PRESTART:
      *n = h->prestart_len;
      return h->prestart;
    case KR_HOOK_CREATE_RUNTIME:
      *n = h->create_runtime_len;
      return h->create_runtime;
    case KR_HOOK_CREATE_CONTAINER:
      *n = h->create_container_len;
      return h->create_container;
    case KR_HOOK_START_CONTAINER:
      *n = h->start_container_len;
      return h->start_container;
    case KR_HOOK_POSTSTART:
      *n = h->poststart_len;
      return h->poststart;
    case KR_HOOK_POSTSTOP:
      *n = h->poststop_len;
      return h->poststop;
    }
  return NULL;
}

bool
kr_hooks_has (const oci_hooks *hooks, kr_hook_kind kind)
{
  size_t n;
  hooks_of (hooks, kind, &n);
  return n > 0;
}

int
kr_hooks_validate (const oci_hooks *hooks, kr_error **err)
{
  for (size_t k = 0; k < ARRAY_SIZE (names); k++)
    {
      size_t n;
      const oci_hook *list = hooks_of (hooks, (kr_hook_kind) k, &n);
      for (size_t i = 0; i < n; i++)
        {
          if (list[i].path == NULL || list[i].path[0] != '/')
            return kr_error_set (err, 0, "hooks.%s[%zu].path: must be an absolute path, got \"%s\"",
                                 names[k], i, list[i].path ? list[i].path : "");
          if (list[i].has_timeout && list[i].timeout <= 0)
            return kr_error_set (err, 0, "hooks.%s[%zu].timeout: must be greater than zero, got %lld",
                                 names[k], i, (long long) list[i].timeout);
        }
    }
  return 0;
}

char *
kr_hook_state (const oci_state *base, const char *status, pid_t pid, kr_error **err)
{
  oci_state st = *base;
  char *errmsg = NULL, *out;

  st.status = (char *) status;
  /* The spec omits pid when there is no process. */
  st.pid = pid;
  st.has_pid = pid > 0;
  out = oci_state_generate (&st, &errmsg);
  if (out == NULL)
    kr_error_take (err, 0, errmsg);
  else
    free (errmsg);
  return out;
}

/* The hook's stdin: a memfd holding the state, so writing it can neither
 * block on a full pipe nor raise SIGPIPE when the hook does not read. */
static int
state_fd (const char *json, kr_error **err)
{
  _cleanup_close_ int fd = (int) syscall (SYS_memfd_create, "krill-hook-state", MFD_CLOEXEC);
  size_t len = strlen (json), off = 0;

  if (fd < 0)
    return kr_error_set (err, errno, "memfd_create");
  while (off < len)
    {
      ssize_t n = write (fd, json + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return kr_error_set (err, errno, "write hook state");
      off += (size_t) n;
    }
  if (lseek (fd, 0, SEEK_SET) < 0)
    return kr_error_set (err, errno, "seek hook state");
  return TAKE_FD (fd);
}

/* In the child: stdio in place, every other fd closed at exec, signals as a
 * fresh process has them. Reports an errno over REPORT when it cannot exec
 * (negated when it cannot enter DIR). */
static void __attribute__ ((noreturn))
hook_child (const oci_hook *h, int fds[3], int report, const char *dir, char *const *envp)
{
  char *fallback[2] = { h->path, NULL };
  char *const *argv = h->args_len ? h->args : fallback;
  sigset_t none;
  int e;

  for (int i = 0; i < 3; i++)
    if (fds[i] < 3 && (fds[i] = fcntl (fds[i], F_DUPFD_CLOEXEC, 3)) < 0)
      goto fail;
  if (report < 3 && (report = fcntl (report, F_DUPFD_CLOEXEC, 3)) < 0)
    goto fail;
  for (int i = 0; i < 3; i++)
    if (dup2 (fds[i], i) < 0)
      goto fail;
  if (syscall (SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    goto fail;
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      signal (s, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  if (dir && chdir (dir) < 0)
    {
      /* Negative: the parent tells the cwd from the executable. */
      e = -errno;
      goto send;
    }
  execve (h->path, argv, envp);
fail:
  e = errno;
send:
  if (write (report, &e, sizeof e) < 0)
    _exit (127); /* a forked child: never returns to the caller */
  _exit (127); /* a forked child: never returns to the caller */
}

struct capture
{
  int fd;
  char buf[CAPTURE_MAX + 1];
  size_t len;
};

/* Reads what is there; false at EOF or error. */
static bool
capture_read (struct capture *c)
{
  char tmp[4096];
  ssize_t n = read (c->fd, tmp, sizeof tmp);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false;
  if (c->len < CAPTURE_MAX)
    {
      size_t take = (size_t) n < CAPTURE_MAX - c->len ? (size_t) n : CAPTURE_MAX - c->len;
      memcpy (c->buf + c->len, tmp, take);
      c->len += take;
    }
  return true;
}

static const char *
capture_text (struct capture *c)
{
  while (c->len && (c->buf[c->len - 1] == '\n' || c->buf[c->len - 1] == '\r'))
    c->len--;
  c->buf[c->len] = '\0';
  return c->buf;
}

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The hook's deadline in now_ms () time, -1 for none. hooks[].timeout is
 * any positive int64 of seconds: in milliseconds a huge one would wrap
 * (18446744073709552 s becomes 384 ms) and kill the hook at once. Past
 * INT32_MAX seconds (68 years) it is clamped there: no caller can tell. */
static long long
deadline_of (const oci_hook *h)
{
  long long secs;

  if (!h->has_timeout)
    return -1;
  secs = h->timeout > INT32_MAX ? INT32_MAX : h->timeout;
  return now_ms () + secs * 1000;
}

/* Polls the hook's output until it exits or the deadline (-1: none)
 * passes; true when it exited. */
static bool
wait_hook (int pidfd, struct capture cap[2], long long deadline)
{
  for (;;)
    {
      struct pollfd p[3] = {
        { .fd = pidfd, .events = POLLIN },
        { .fd = cap[0].fd, .events = POLLIN },
        { .fd = cap[1].fd, .events = POLLIN },
      };
      int timeout = -1, r;

      if (deadline >= 0)
        {
          long long left = deadline - now_ms ();
          if (left <= 0)
            return false;
          timeout = left > INT32_MAX ? INT32_MAX : (int) left;
        }
      r = poll (p, 3, timeout);
      if (r < 0 && errno != EINTR)
        return false;
      for (int i = 0; r > 0 && i < 2; i++)
        if (p[i + 1].revents && !capture_read (&cap[i]))
          close (TAKE_FD (cap[i].fd));
      if (r > 0 && p[0].revents)
        break;
    }
  /* Exited: what it wrote is in the pipes, unless a child of its own still
   * holds them open; take what is there and do not wait for EOF. */
  for (int i = 0; i < 2; i++)
    while (cap[i].fd >= 0 && capture_read (&cap[i]))
      {
        struct pollfd q = { .fd = cap[i].fd, .events = POLLIN };
        if (poll (&q, 1, 0) <= 0)
          break;
      }
  return true;
}

static int
open_pipe (int p[2], kr_error **err)
{
  if (pipe2 (p, O_CLOEXEC) < 0)
    return kr_error_set (err, errno, "pipe");
  if (fcntl (p[0], F_SETFL, O_NONBLOCK) < 0)
    return kr_error_set (err, errno, "pipe");
  return 0;
}

static int
run_one (const oci_hook *h, const char *json, const char *dir, char *const *default_env,
         kr_error **err)
{
  _cleanup_close_ int in = -1, pidfd = -1;
  int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, report[2] = { -1, -1 };
  struct capture cap[2];
  struct clone_args args;
  char *const *envp = h->env ? h->env : (default_env ? default_env : environ);
  siginfo_t info;
  pid_t pid;
  int e = 0, ret = -1;
  ssize_t n;

  cap[0].fd = cap[1].fd = -1;
  cap[0].len = cap[1].len = 0;
  in = state_fd (json, err);
  if (in < 0 || open_pipe (out, err) < 0 || open_pipe (errp, err) < 0)
    goto out;
  if (pipe2 (report, O_CLOEXEC) < 0)
    {
      kr_error_set (err, errno, "pipe");
      goto out;
    }
  memset (&args, 0, sizeof args);
  args.flags = CLONE_PIDFD;
  args.pidfd = (uint64_t) (uintptr_t) &pidfd;
  args.exit_signal = SIGCHLD;
  pid = (pid_t) syscall (SYS_clone3, &args, sizeof args);
  if (pid < 0)
    {
      kr_error_set (err, errno, "clone3 hook %s", h->path);
      goto out;
    }
  if (pid == 0)
    {
      int fds[3] = { in, out[1], errp[1] };
      hook_child (h, fds, report[1], dir, envp);
    }
  close (TAKE_FD (out[1]));
  close (TAKE_FD (errp[1]));
  close (TAKE_FD (report[1]));
  close (TAKE_FD (in));
  cap[0].fd = TAKE_FD (out[0]);
  cap[1].fd = TAKE_FD (errp[0]);

  do
    n = read (report[0], &e, sizeof e);
  while (n < 0 && errno == EINTR);
  if (n == (ssize_t) sizeof e)
    {
      waitid (P_PIDFD, (id_t) pidfd, &info, WEXITED);
      if (e < 0)
        kr_error_set (err, -e, "chdir %s", dir);
      else
        kr_error_set (err, e, "exec %s", h->path);
      goto out;
    }
  if (!wait_hook (pidfd, cap, deadline_of (h)))
    {
      syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
      waitid (P_PIDFD, (id_t) pidfd, &info, WEXITED);
      kr_error_set (err, 0, "hook ran past specified timeout of %.1fs", (double) h->timeout);
      goto out;
    }
  memset (&info, 0, sizeof info);
  if (waitid (P_PIDFD, (id_t) pidfd, &info, WEXITED) < 0)
    {
      kr_error_set (err, errno, "wait for hook %s", h->path);
      goto out;
    }
  if (info.si_code == CLD_EXITED && info.si_status == 0)
    ret = 0;
  else if (info.si_code == CLD_EXITED)
    kr_error_set (err, 0, "exit status %d, stdout: %s, stderr: %s", info.si_status,
                  capture_text (&cap[0]), capture_text (&cap[1]));
  else
    kr_error_set (err, 0, "signal: %s, stdout: %s, stderr: %s", strsignal (info.si_status),
                  capture_text (&cap[0]), capture_text (&cap[1]));
out:
  for (int i = 0; i < 2; i++)
    {
      kr_closep (&out[i]);
      kr_closep (&errp[i]);
      kr_closep (&report[i]);
      kr_closep (&cap[i].fd);
    }
  return ret;
}

static int
run_list (const oci_hooks *hooks, kr_hook_kind kind, const char *state_json, const char *dir,
          char *const *default_env, bool keep_going, kr_error **err)
{
  struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
  size_t n;
  const oci_hook *list = hooks_of (hooks, kind, &n);
  int ret = 0;

  if (n == 0)
    return 0;
  /* An ignored SIGCHLD (inherited from whoever ran krill) would reap the
   * hook before we read its status. */
  if (sigaction (SIGCHLD, &dfl, &old) < 0)
    return kr_error_set (err, errno, "sigaction SIGCHLD");
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      kr_error *e = NULL;
      if (run_one (&list[i], state_json, dir, default_env, &e) == 0)
        continue;
      kr_error_prefix (&e, "error running %s hook #%zu", names[kind], i);
      if (keep_going)
        {
          kr_log ("warning", "%s", e->msg);
          kr_error_free (&e);
          continue;
        }
      if (err)
        *err = e;
      else
        kr_error_free (&e);
      ret = -1;
    }
  sigaction (SIGCHLD, &old, NULL);
  return ret;
}

int
kr_hooks_run (const oci_hooks *hooks, kr_hook_kind kind, const char *state_json,
              const char *dir, char *const *default_env, kr_error **err)
{
  return run_list (hooks, kind, state_json, dir, default_env, false, err);
}

void
kr_hooks_run_warn (const oci_hooks *hooks, kr_hook_kind kind, const char *state_json,
                   const char *dir)
{
  run_list (hooks, kind, state_json, dir, NULL, true, NULL);
}
