/* The process `exec` runs: the container's process with runc's overrides
 * applied, or a Process JSON taken as it is. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container/exec.h"
#include "process/process.h"
#include "container/state.h"
#include "base/fs.h"
#include "base/util.h"

/* The config create kept in the state dir (CFG, read once by the caller):
 * a bundle edited since does not change what exec runs. Containers created
 * before krill kept it (CFG NULL) fall back to the bundle, as runc reads
 * it. CFG's process is taken. */
static int
load_process (oci_config *cfg, const char *bundle, oci_process **out, kr_error **err)
{
  _cleanup_free_ char *path = NULL;
  char *msg = NULL;

  if (cfg)
    *out = TAKE_PTR (cfg->process);
  else
    {
      if (asprintf (&path, "%s/config.json", bundle) < 0)
        {
          path = NULL;
          return kr_error_set (err, ENOMEM, "config.json");
        }
      cfg = oci_config_parse_file (path, &msg);
      if (cfg == NULL)
        {
          kr_error_take (err, 0, msg);
          return kr_error_prefix (err, "config.json of the container");
        }
      *out = TAKE_PTR (cfg->process);
      oci_config_free (cfg);
    }
  if (*out == NULL)
    return kr_error_set (err, 0, "config.json of the container: process: required");
  return 0;
}

/* Appends a copy of S to a NULL-terminated string array. */
static int
strv_append (char ***v, size_t *n, const char *s)
{
  char **nv = realloc (*v, (*n + 2) * sizeof *nv);

  if (nv == NULL)
    return -1;
  *v = nv;
  nv[*n] = strdup (s);
  if (nv[*n] == NULL)
    return -1;
  nv[++*n] = NULL;
  return 0;
}

static int
replace (char **field, const char *value)
{
  char *copy = strdup (value);

  if (copy == NULL)
    return -1;
  free (*field);
  *field = copy;
  return 0;
}

static int
parse_id (const char *s, uint32_t *out)
{
  char *end;
  unsigned long v;

  if (*s < '0' || *s > '9')
    return -1;
  errno = 0;
  v = strtoul (s, &end, 10);
  if (*end || errno || v > UINT32_MAX)
    return -1;
  *out = (uint32_t) v;
  return 0;
}

static oci_user *
user_of (oci_process *p)
{
  if (p->user == NULL && (p->user = calloc (1, sizeof *p->user)) != NULL)
    p->user->has_uid = p->user->has_gid = true;
  return p->user;
}

static int
set_user (oci_process *p, const kr_exec_opts *o, kr_error **err)
{
  oci_user *u;

  if ((o->user && *o->user) || o->gids_len)
    if ((u = user_of (p)) == NULL)
      return kr_error_set (err, ENOMEM, "process.user");
  if (o->user && *o->user)
    {
      _cleanup_free_ char *copy = strdup (o->user);
      char *gid = copy ? strchr (copy, ':') : NULL;
      if (copy == NULL)
        return kr_error_set (err, ENOMEM, "--user");
      if (gid)
        *gid++ = '\0';
      if (gid && parse_id (gid, &p->user->gid) < 0)
        return kr_error_set (err, 0, "--user \"%s\": bad gid \"%s\"", o->user, gid);
      if (parse_id (copy, &p->user->uid) < 0)
        return kr_error_set (err, 0, "--user \"%s\": bad uid \"%s\"", o->user, copy);
    }
  for (size_t i = 0; i < o->gids_len; i++)
    {
      uint32_t gid, *g;
      if (parse_id (o->gids[i], &gid) < 0)
        return kr_error_set (err, 0, "--additional-gids: must be a positive number, got \"%s\"",
                             o->gids[i]);
      g = realloc (p->user->additional_gids, (p->user->additional_gids_len + 1) * sizeof *g);
      if (g == NULL)
        return kr_error_set (err, ENOMEM, "--additional-gids");
      g[p->user->additional_gids_len++] = gid;
      p->user->additional_gids = g;
    }
  return 0;
}

/* runc's --cap: bounding, effective and permitted; ambient only when the
 * config has an inheritable set (ambient needs inheritable). */
static int
add_caps (oci_process *p, const kr_exec_opts *o, kr_error **err)
{
  oci_capabilities *c;

  if (o->caps_len == 0)
    return 0;
  if (p->capabilities == NULL && (p->capabilities = calloc (1, sizeof *c)) == NULL)
    return kr_error_set (err, ENOMEM, "--cap");
  c = p->capabilities;
  for (size_t i = 0; i < o->caps_len; i++)
    if (strv_append (&c->bounding, &c->bounding_len, o->caps[i]) < 0
        || strv_append (&c->effective, &c->effective_len, o->caps[i]) < 0
        || strv_append (&c->permitted, &c->permitted_len, o->caps[i]) < 0
        || (c->inheritable && strv_append (&c->ambient, &c->ambient_len, o->caps[i]) < 0))
      return kr_error_set (err, ENOMEM, "--cap");
  return 0;
}

static int
apply_overrides (oci_process *p, const kr_exec_opts *o, kr_error **err)
{
  char **args = NULL;
  size_t n = 0;

  for (size_t i = 0; i < o->args_len; i++)
    if (strv_append (&args, &n, o->args[i]) < 0)
      return kr_error_set (err, ENOMEM, "args");
  for (size_t i = 0; i < p->args_len; i++)
    free (p->args[i]);
  free (p->args);
  p->args = args;
  p->args_len = n;
  if ((o->cwd && *o->cwd && replace (&p->cwd, o->cwd) < 0)
      || (o->apparmor && *o->apparmor && replace (&p->apparmor_profile, o->apparmor) < 0)
      || (o->process_label && *o->process_label
          && replace (&p->selinux_label, o->process_label) < 0))
    return kr_error_set (err, ENOMEM, "process");
  for (size_t i = 0; i < o->env_len; i++)
    if (strv_append (&p->env, &p->env_len, o->env[i]) < 0)
      return kr_error_set (err, ENOMEM, "--env");
  /* Never a terminal unless asked for, whatever the config says. */
  p->terminal = o->tty;
  p->has_terminal = true;
  if (o->no_new_privs_set)
    {
      p->no_new_privileges = o->no_new_privs;
      p->has_no_new_privileges = true;
    }
  if (set_user (p, o, err) < 0)
    return -1;
  return add_caps (p, o, err);
}

/* What create refuses in process (container/validate.c) exec refuses too,
 * and one thing more: an AppArmor profile, which create applies
 * (process/lsm.c), is refused for exec by this version, `exec --apparmor`
 * included. */
static int
check_supported (const oci_process *p, kr_error **err)
{
  if (p->apparmor_profile && *p->apparmor_profile)
    return kr_error_set (err, 0, "process.apparmorProfile \"%s\": AppArmor profiles are not implemented by this version of krill",
                         p->apparmor_profile);
  if (p->selinux_label && *p->selinux_label)
    return kr_error_set (err, 0, "process.selinuxLabel \"%s\": selinux label is specified, but SELinux labels are not implemented by this version of krill",
                         p->selinux_label);
  return 0;
}

int
kr_exec_build_process (const kr_exec_opts *o, oci_config *cfg, const char *bundle, oci_process **out,
                       kr_error **err)
{
  oci_process *p = NULL;
  char *msg = NULL;

  if (o->process_file)
    {
      p = oci_process_parse_file (o->process_file, &msg);
      if (p == NULL)
        {
          kr_error_take (err, 0, msg);
          return kr_error_prefix (err, "--process %s", o->process_file);
        }
    }
  else
    {
      if (o->args_len == 0)
        return kr_error_set (err, 0, "process args cannot be empty");
      if (load_process (cfg, bundle, &p, err) < 0)
        return -1;
      if (apply_overrides (p, o, err) < 0)
        {
          oci_process_free (p);
          return -1;
        }
    }
  if (kr_process_validate (p, err) < 0 || check_supported (p, err) < 0)
    {
      oci_process_free (p);
      return -1;
    }
  *out = p;
  return 0;
}
