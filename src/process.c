#define _GNU_SOURCE
#include "process.h"

#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

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
  return 0;
}

int
kr_process_set_rlimits (const oci_process *p, kr_error **err)
{
  for (size_t i = 0; i < p->rlimits_len; i++)
    {
      const oci_rlimit *r = &p->rlimits[i];
      struct rlimit lim = { .rlim_cur = r->soft, .rlim_max = r->hard };
      if (setrlimit (kr_rlimit_from_name (r->type), &lim) < 0)
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
  if (setresuid (uid, uid, uid) < 0)
    return kr_error_set (err, errno, "setresuid %u", (unsigned) uid);
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

static bool
is_executable (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
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
      if (!is_executable (name))
        return kr_error_set (err, errno ? errno : EACCES, "exec: \"%s\"", name);
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
      if (is_executable (cand))
        {
          *out = TAKE_PTR (cand);
          return 0;
        }
    }
  return kr_error_set (err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

static char *
home_of (uid_t uid)
{
  _cleanup_fclose_ FILE *f = fopen ("/etc/passwd", "re");
  char line[1024];

  while (f && fgets (line, sizeof line, f))
    {
      char *fields[7] = { 0 };
      char *s = line, *save = NULL;
      int n = 0;
      for (char *t = strtok_r (s, ":\n", &save); t && n < 7; t = strtok_r (NULL, ":\n", &save))
        fields[n++] = t;
      if (n >= 6 && (uid_t) strtoul (fields[2], NULL, 10) == uid)
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
