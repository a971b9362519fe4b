/* The exec stub: a freestanding static program (no libc, x86_64 syscalls)
 * that performs the container process's final execve. krill embeds its
 * bytes (exec-stub-blob.c, made at build time) and runs it from a sealed
 * memfd (exec-final.c), so that at the instant of the user's execve the
 * process runs this stub and not krill's binary: a program that resolves
 * to /proc/self/exe (`#!/proc/self/exe`, PT_INTERP /proc/self/exe, /bin/sh
 * a symlink to it) finds the stub's memfd, which nobody can write, and
 * never the host binary (CVE-2019-5736).
 *
 * argv: [REPORT, PATH, the user's argv...], envp: the user's environment.
 * It runs execve (PATH, argv + 2, envp). When that fails, REPORT says where
 * the error goes:
 *   "krill-exec-stub"      init: "exec PATH: TEXT" on stderr, TEXT in Go's
 *                          words ("exec format error"), as runc 1.2+'s init
 *                          prints it when its execve fails after `start`;
 *   "krill-exec-stub:N"    exec: a KR_SYNC_EXEC_FAILED message (sync.h) on
 *                          the sync socket N, which the caller turns into
 *                          the error (the text made there);
 *                          the socket is open across the stub's own execve,
 *                          the stub marks it close-on-exec before PATH's;
 * then exit 255, runc 1.2+'s init's status after such a failure. Run in any
 * other way (the /proc/self/exe shapes above run it with the program's own
 * argv), it exits 127 without doing anything.
 *
 * Built by Makefile.am with -nostdlib -static -ffreestanding: no libc,
 * nothing but this file. */

typedef unsigned long size_t;

#define SYS_write 1
#define SYS_close 3
#define SYS_fcntl 72
#define SYS_sendto 44
#define SYS_execve 59
#define SYS_exit_group 231
#define MSG_NOSIGNAL 0x4000
#define F_SETFD 2
#define FD_CLOEXEC 1

/* sync.h's KR_SYNC_EXEC_FAILED and kr_sync_msg's layout; exec-final.c
 * checks at compile time that they still agree. */
#define STUB_SYNC_EXEC_FAILED 8
#define STUB_SYNC_TEXT 4000

static long
sys6 (long n, long a, long b, long c, long d, long e, long f)
{
  long ret;
  register long r10 __asm__ ("r10") = d;
  register long r8 __asm__ ("r8") = e;
  register long r9 __asm__ ("r9") = f;

  __asm__ volatile ("syscall"
                    : "=a"(ret)
                    : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                    : "rcx", "r11", "memory");
  return ret;
}

static long
sys3 (long n, long a, long b, long c)
{
  return sys6 (n, a, b, c, 0, 0, 0);
}

static void __attribute__ ((noreturn))
die (int status)
{
  for (;;)
    sys3 (SYS_exit_group, status, 0, 0);
}

static size_t
len (const char *s)
{
  size_t n = 0;
  while (s[n])
    n++;
  return n;
}

/* Go's texts (syscall.Errno) of the errors execve gives, which runc prints;
 * any other, which only a seccomp profile's errnoRet can make, as Go's
 * "errno N". */
static const struct
{
  int e;
  const char *text;
} texts[] = {
  { 1, "operation not permitted" },
  { 2, "no such file or directory" },
  { 5, "input/output error" },
  { 7, "argument list too long" },
  { 8, "exec format error" },
  { 11, "resource temporarily unavailable" },
  { 12, "cannot allocate memory" },
  { 13, "permission denied" },
  { 14, "bad address" },
  { 20, "not a directory" },
  { 21, "is a directory" },
  { 22, "invalid argument" },
  { 23, "too many open files in system" },
  { 24, "too many open files" },
  { 26, "text file busy" },
  { 36, "file name too long" },
  { 38, "function not implemented" },
  { 40, "too many levels of symbolic links" },
  { 80, "accessing a corrupted shared library" },
};

/* Appends S to BUF at *AT, within CAP. */
static void
put (char *buf, size_t *at, size_t cap, const char *s)
{
  while (*s && *at < cap)
    buf[(*at)++] = *s++;
}

static void
put_num (char *buf, size_t *at, size_t cap, unsigned int n)
{
  char d[12];
  int i = sizeof d - 1;

  d[i] = '\0';
  do
    d[--i] = (char) ('0' + n % 10);
  while ((n /= 10) && i > 0);
  put (buf, at, cap, d + i);
}

static void
report_stderr (const char *path, int e)
{
  static char buf[8192];
  size_t at = 0, cap = sizeof buf - 1;
  const char *text = 0;

  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    if (texts[i].e == e)
      text = texts[i].text;
  put (buf, &at, cap, "exec ");
  put (buf, &at, cap, path);
  put (buf, &at, cap, ": ");
  if (text)
    put (buf, &at, cap, text);
  else
    {
      put (buf, &at, cap, "errno ");
      put_num (buf, &at, cap, (unsigned int) e);
    }
  buf[at++] = '\n';
  sys3 (SYS_write, 2, (long) buf, (long) at);
}

static void
report_sync (int fd, const char *path, int e)
{
  static struct
  {
    unsigned int type;
    int errnum;
    char text[STUB_SYNC_TEXT];
  } m;
  size_t n = len (path);

  if (n > STUB_SYNC_TEXT - 1)
    n = STUB_SYNC_TEXT - 1;
  m.type = STUB_SYNC_EXEC_FAILED;
  m.errnum = e;
  for (size_t i = 0; i < n; i++)
    m.text[i] = path[i];
  m.text[n] = '\0';
  sys6 (SYS_sendto, fd, (long) &m, (long) (8 + n + 1), MSG_NOSIGNAL, 0, 0);
}

/* "krill-exec-stub" -> -1 (stderr), "krill-exec-stub:N" -> N; -2 for
 * anything else. */
static int
parse_report (const char *s)
{
  const char *want = "krill-exec-stub";
  int fd = 0;

  while (*want)
    if (*s++ != *want++)
      return -2;
  if (*s == '\0')
    return -1;
  if (*s++ != ':' || *s == '\0')
    return -2;
  for (; *s; s++)
    {
      if (*s < '0' || *s > '9' || fd > 100000000)
        return -2;
      fd = fd * 10 + (*s - '0');
    }
  return fd;
}

void __attribute__ ((noreturn, used)) stub_main (long *sp);

void
stub_main (long *sp)
{
  long argc = sp[0];
  char **argv = (char **) (sp + 1);
  char **envp = argv + argc + 1;
  int report;
  long ret;

  if (argc < 3)
    die (127);
  report = parse_report (argv[0]);
  if (report == -2)
    die (127);
  /* The report socket must not reach the program (the caller waits for
   * its EOF); if a seccomp filter denies fcntl, close it instead, and if
   * that is denied as well, give up rather than leak it. */
  if (report >= 0 && sys3 (SYS_fcntl, report, F_SETFD, FD_CLOEXEC) < 0
      && sys3 (SYS_close, report, 0, 0) < 0)
    die (255);
  ret = sys3 (SYS_execve, (long) argv[1], (long) (argv + 2), (long) envp);
  if (report == -1)
    report_stderr (argv[1], (int) -ret);
  else
    report_sync (report, argv[1], (int) -ret);
  die (255);
}

/* The entry: the kernel's stack (argc, argv, envp) to stub_main, the stack
 * aligned as the ABI wants it at a call. */
__asm__ (".text\n"
         ".global _start\n"
         "_start:\n"
         "  xor %rbp, %rbp\n"
         "  mov %rsp, %rdi\n"
         "  and $-16, %rsp\n"
         "  call stub_main\n"
         "  hlt\n");
