#define _GNU_SOURCE
#include "process/signals.h"

#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"

struct signame
{
  const char *name; /* without the SIG prefix */
  int num;
};

static const struct signame signames[] = {
  { "ABRT", SIGABRT },     { "ALRM", SIGALRM },     { "BUS", SIGBUS },
  { "CHLD", SIGCHLD },     { "CLD", SIGCHLD },      { "CONT", SIGCONT },
  { "FPE", SIGFPE },       { "HUP", SIGHUP },       { "ILL", SIGILL },
  { "INT", SIGINT },       { "IO", SIGIO },         { "IOT", SIGIOT },
  { "KILL", SIGKILL },     { "PIPE", SIGPIPE },     { "POLL", SIGPOLL },
  { "PROF", SIGPROF },     { "PWR", SIGPWR },       { "QUIT", SIGQUIT },
  { "SEGV", SIGSEGV },     { "STKFLT", SIGSTKFLT }, { "STOP", SIGSTOP },
  { "SYS", SIGSYS },       { "TERM", SIGTERM },     { "TRAP", SIGTRAP },
  { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },
  { "URG", SIGURG },       { "USR1", SIGUSR1 },     { "USR2", SIGUSR2 },
  { "VTALRM", SIGVTALRM }, { "WINCH", SIGWINCH },   { "XCPU", SIGXCPU },
  { "XFSZ", SIGXFSZ },
};

static int
parse_number (const char *s, int *out)
{
  char *end;
  long v;

  if (!isdigit ((unsigned char) *s))
    return -1;
  errno = 0;
  v = strtol (s, &end, 10);
  if (errno || *end || v < 0 || v > 1000)
    return -1;
  *out = (int) v;
  return 0;
}

static int
parse_rt (const char *s, int *out)
{
  int off = 0;

  if (strncasecmp (s, "RTMIN", 5) == 0)
    {
      if (s[5] == '\0')
        off = 0;
      else if (s[5] != '+' || parse_number (s + 6, &off) < 0)
        return -1;
      *out = SIGRTMIN + off;
    }
  else if (strncasecmp (s, "RTMAX", 5) == 0)
    {
      if (s[5] == '\0')
        off = 0;
      else if (s[5] != '-' || parse_number (s + 6, &off) < 0)
        return -1;
      *out = SIGRTMAX - off;
    }
  else
    return -1;
  return (*out >= SIGRTMIN && *out <= SIGRTMAX) ? 0 : -1;
}

int
kr_signal_parse (const char *name, int *signum, kr_error **err)
{
  const char *s = name;
  int n;

  if (name == NULL || *name == '\0')
    return kr_error_set (err, 0, "unknown signal \"\"");
  if (parse_number (s, &n) == 0)
    {
      if (n < 1 || n > SIGRTMAX)
        return kr_error_set (err, 0, "invalid signal number %s", name);
      *signum = n;
      return 0;
    }
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < ARRAY_SIZE (signames); i++)
    if (strcasecmp (s, signames[i].name) == 0)
      {
        *signum = signames[i].num;
        return 0;
      }
  if (parse_rt (s, &n) == 0)
    {
      *signum = n;
      return 0;
    }
  return kr_error_set (err, 0, "unknown signal \"%s\"", name);
}
