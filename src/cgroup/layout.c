/* Where the container's cgroup goes: the host's layout (unified, hybrid,
 * legacy), the hierarchies in /proc/self/mountinfo, krill's own cgroups in
 * /proc/self/cgroup, and linux.cgroupsPath resolved against them the way
 * runc's cgroupfs driver does.  Everything but kr_cg_detect_mode works on
 * text, for the unit tests. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "base/util.h"

/* The v1 controllers runc's cgroupfs driver uses, plus its named hierarchy. */
static const char *const v1_controllers[] = {
  "cpuset", "cpu", "cpuacct", "memory", "devices", "freezer", "net_cls",
  "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc",
  "name=systemd",
};

/* ------------------------------------------------------------------ paths */

char *
kr_cg_clean_path (const char *path)
{
  bool abs = path[0] == '/';
  size_t len = strlen (path);
  _cleanup_free_ char *copy = strdup (path);
  char *out, *save = NULL, *tok;
  size_t *stack, depth = 0, o = 0;

  if (copy == NULL)
    return NULL;
  if (len == 0)
    return strdup ("");
  out = malloc (len + 2);
  stack = malloc ((len / 2 + 2) * sizeof *stack);
  if (out == NULL || stack == NULL)
    {
      free (out);
      free (stack);
      return NULL;
    }
  /* OUT is built as "/a/b"; STACK holds where each component starts, so
   * ".." pops one, and can never pop above the start: "/.." is "/", and a
   * relative "../a" is "a", as runc's CleanPath makes it. */
  for (tok = strtok_r (copy, "/", &save); tok; tok = strtok_r (NULL, "/", &save))
    {
      if (strcmp (tok, ".") == 0)
        continue;
      if (strcmp (tok, "..") == 0)
        {
          if (depth > 0)
            o = stack[--depth];
          continue;
        }
      stack[depth++] = o;
      out[o++] = '/';
      memcpy (out + o, tok, strlen (tok));
      o += strlen (tok);
    }
  out[o] = '\0';
  free (stack);
  if (abs && o == 0)
    strcpy (out, "/");
  else if (!abs && o == 0)
    strcpy (out, ".");
  else if (!abs)
    memmove (out, out + 1, o);
  return out;
}

/* runc cleans cgroupsPath lexically, so "/" or "/a/../.." is a hierarchy's
 * root and "../x" quietly becomes "x".  krill refuses both: a container in
 * the root cgroup (or in krill's own, for a relative path that resolves to
 * nothing) is one whose `kill --all` signals the whole host, and a ".."
 * above the start says the caller meant a place the path cannot go. */
static int
check_cgroups_path (const char *path, kr_error **err)
{
  size_t depth = 0;

  for (const char *c = path; *c;)
    {
      size_t n = strcspn (c, "/");
      if (n == 2 && c[0] == '.' && c[1] == '.')
        {
          if (depth == 0)
            return kr_error_set (err, 0, "linux.cgroupsPath: \"%s\" climbs out of its parent with \"..\"",
                                 path);
          depth--;
        }
      else if (n > 0 && !(n == 1 && c[0] == '.'))
        depth++;
      c += n;
      c += *c == '/';
    }
  if (depth == 0)
    return kr_error_set (err, 0, "linux.cgroupsPath: \"%s\" resolves to %s", path,
                         path[0] == '/' ? "the hierarchy root" : "krill's own cgroup");
  return 0;
}

/* BASE (absolute) joined with REL (clean, relative or "."), cleaned. */
static char *
join_path (const char *base, const char *rel)
{
  _cleanup_free_ char *s = NULL;

  if (asprintf (&s, "%s/%s", base, rel) < 0)
    return NULL;
  return kr_cg_clean_path (s);
}

bool
kr_cg_has_controller (const char *list, const char *name)
{
  size_t n = strlen (name);
  const char *p = list;

  while (p && *p)
    {
      const char *end = strchrnul (p, ',');
      if ((size_t) (end - p) == n && strncmp (p, name, n) == 0)
        return true;
      p = *end ? end + 1 : end;
    }
  return false;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape (char *s)
{
  char *w = s;
  for (; *s; s++)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7'
          && s[3] >= '0' && s[3] <= '7')
        {
          *w++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
          s += 3;
        }
      else
        *w++ = *s;
    }
  *w = '\0';
}

void
kr_cg_mounts_free (kr_cg_mount *m, size_t n)
{
  for (size_t i = 0; m && i < n; i++)
    {
      free (m[i].controllers);
      free (m[i].mountpoint);
      free (m[i].root);
      free (m[i].opts);
    }
  free (m);
}

void
kr_cg_owns_free (kr_cg_own *o, size_t n)
{
  for (size_t i = 0; o && i < n; i++)
    {
      free (o[i].controllers);
      free (o[i].path);
    }
  free (o);
}

/* The known controllers among a v1 mount's super options, "a,b". */
static char *
v1_controllers_of (const char *superopts)
{
  char *out = calloc (1, strlen (superopts) + 1);

  if (out == NULL)
    return NULL;
  for (size_t i = 0; i < ARRAY_SIZE (v1_controllers); i++)
    if (kr_cg_has_controller (superopts, v1_controllers[i]))
      {
        if (*out)
          strcat (out, ",");
        strcat (out, v1_controllers[i]);
      }
  return out;
}

/* SUPEROPTS without rw/ro and release_agent (which may only be set from
 * the initial namespaces): what a fresh mount of the hierarchy takes. */
static char *
strip_rw (const char *superopts)
{
  _cleanup_free_ char *copy = strdup (superopts);
  char *out, *tok, *save = NULL;
  size_t len = 0;

  if (copy == NULL || (out = calloc (1, strlen (superopts) + 1)) == NULL)
    return NULL;
  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    {
      if (strcmp (tok, "rw") == 0 || strcmp (tok, "ro") == 0
          || strncmp (tok, "release_agent=", 14) == 0)
        continue;
      len += (size_t) sprintf (out + len, "%s%s", len ? "," : "", tok);
    }
  return out;
}

/* Calls FN for every line of TEXT, on a copy FN may cut up. */
static int
each_line (const char *text, int (*fn) (char *line, void *arg, kr_error **err), void *arg,
           const char *what, kr_error **err)
{
  _cleanup_free_ char *copy = strdup (text);
  char *line, *save = NULL;

  if (copy == NULL)
    return kr_error_set (err, errno, "parse %s", what);
  for (line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    if (fn (line, arg, err) < 0)
      return -1;
  return 0;
}

struct mounts
{
  bool every_v1; /* kr_cg_parse_cgroup_fs */
  kr_cg_mount *m;
  size_t n;
};

static int
mount_line (char *line, void *arg, kr_error **err)
{
  struct mounts *l = arg;
  char *f[6] = { 0 }, *fstype, *superopts, *dash, *s2 = NULL;
  _cleanup_free_ char *controllers = NULL, *opts = NULL;
  int version, nf = 0;
  kr_cg_mount *grown;

  /* "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices" */
  dash = strstr (line, " - ");
  if (dash == NULL)
    return 0;
  *dash = '\0';
  for (char *t = strtok_r (line, " ", &s2); t && nf < 6; t = strtok_r (NULL, " ", &s2))
    f[nf++] = t;
  fstype = strtok_r (dash + 3, " ", &s2);
  (void) strtok_r (NULL, " ", &s2);   /* source */
  superopts = strtok_r (NULL, " ", &s2);
  if (nf < 5 || fstype == NULL)
    return 0;
  if (strcmp (fstype, "cgroup2") == 0 && !l->every_v1)
    version = 2;
  else if (strcmp (fstype, "cgroup") == 0)
    version = 1;
  else
    return 0;
  unescape (f[3]);
  unescape (f[4]);
  if (l->every_v1)
    {
      controllers = strdup ("");
      opts = strip_rw (superopts ? superopts : "");
      if (controllers == NULL || opts == NULL)
        return kr_error_set (err, ENOMEM, "parse mountinfo");
    }
  else
    {
      if (strcmp (f[4], KR_CG_ROOT) != 0
          && strncmp (f[4], KR_CG_ROOT "/", strlen (KR_CG_ROOT) + 1) != 0)
        return 0;
      controllers = version == 2 ? strdup ("") : v1_controllers_of (superopts ? superopts : "");
      if (controllers == NULL)
        return kr_error_set (err, ENOMEM, "parse mountinfo");
      if (version == 1 && *controllers == '\0')
        return 0;   /* a named hierarchy nobody asked for */
      /* The same hierarchy mounted twice: the first mount wins. */
      for (size_t i = 0; i < l->n; i++)
        if (l->m[i].version == version && strcmp (l->m[i].controllers, controllers) == 0)
          return 0;
    }
  grown = realloc (l->m, (l->n + 1) * sizeof *l->m);
  if (grown == NULL)
    return kr_error_set (err, ENOMEM, "parse mountinfo");
  l->m = grown;
  l->m[l->n++] = (kr_cg_mount) { version, TAKE_PTR (controllers), strdup (f[4]), strdup (f[3]),
                                 TAKE_PTR (opts) };
  if (l->m[l->n - 1].mountpoint == NULL || l->m[l->n - 1].root == NULL)
    return kr_error_set (err, ENOMEM, "parse mountinfo");
  return 0;
}

static int
parse_mounts (const char *text, bool every_v1, kr_cg_mount **out, size_t *n, kr_error **err)
{
  struct mounts l = { every_v1, NULL, 0 };

  if (each_line (text, mount_line, &l, "mountinfo", err) < 0)
    {
      kr_cg_mounts_free (l.m, l.n);
      return -1;
    }
  *out = l.m;
  *n = l.n;
  return 0;
}

int
kr_cg_parse_mountinfo (const char *text, kr_cg_mount **out, size_t *n, kr_error **err)
{
  return parse_mounts (text, false, out, n, err);
}

int
kr_cg_parse_cgroup_fs (const char *text, kr_cg_mount **out, size_t *n, kr_error **err)
{
  return parse_mounts (text, true, out, n, err);
}

struct owns
{
  kr_cg_own *o;
  size_t n;
};

static int
own_line (char *line, void *arg, kr_error **err)
{
  struct owns *l = arg;
  /* "4:memory:/user.slice", "1:name=systemd:/", "0::/" */
  char *c1 = strchr (line, ':'), *c2;
  kr_cg_own *grown;

  if (c1 == NULL || (c2 = strchr (c1 + 1, ':')) == NULL)
    return kr_error_set (err, 0, "parse /proc/self/cgroup: invalid line \"%s\"", line);
  *c2 = '\0';
  grown = realloc (l->o, (l->n + 1) * sizeof *l->o);
  if (grown == NULL)
    return kr_error_set (err, ENOMEM, "parse /proc/self/cgroup");
  l->o = grown;
  l->o[l->n++] = (kr_cg_own) { strdup (c1 + 1), strdup (c2 + 1) };
  if (l->o[l->n - 1].controllers == NULL || l->o[l->n - 1].path == NULL)
    return kr_error_set (err, ENOMEM, "parse /proc/self/cgroup");
  return 0;
}

int
kr_cg_parse_proc_cgroup (const char *text, kr_cg_own **out, size_t *n, kr_error **err)
{
  struct owns l = { NULL, 0 };

  if (each_line (text, own_line, &l, "/proc/self/cgroup", err) < 0)
    {
      kr_cg_owns_free (l.o, l.n);
      return -1;
    }
  *out = l.o;
  *n = l.n;
  return 0;
}

/* krill's own cgroup in hierarchy M, relative to the mount's root. */
static const char *
own_base (const kr_cg_mount *m, const kr_cg_own *own, size_t n_own, kr_error **err)
{
  _cleanup_free_ char *first = strndup (m->controllers, strcspn (m->controllers, ","));

  if (first == NULL)
    return kr_error_set (err, ENOMEM, "resolve cgroup"), NULL;
  for (size_t i = 0; i < n_own; i++)
    {
      bool match = m->version == 2 ? own[i].controllers[0] == '\0'
                                   : kr_cg_has_controller (own[i].controllers, first);
      if (!match)
        continue;
      /* A mount of a subtree (containers often get one) shows own paths from
       * the hierarchy's root: take the mount's root off. */
      size_t rl = strlen (m->root);
      if (strcmp (m->root, "/") != 0 && strncmp (own[i].path, m->root, rl) == 0
          && (own[i].path[rl] == '/' || own[i].path[rl] == '\0'))
        return own[i].path[rl] ? own[i].path + rl : "/";
      return own[i].path;
    }
  kr_error_set (err, ENOENT, "no line for %s in /proc/self/cgroup",
                m->version == 2 ? "cgroup2" : m->controllers);
  return NULL;
}

static int
add_hier (kr_cgroup *cg, const kr_cg_mount *m, const char *path, kr_error **err)
{
  kr_cg_hier *grown = realloc (cg->h, (cg->n + 1) * sizeof *cg->h);

  if (grown == NULL)
    return kr_error_set (err, errno, "resolve cgroup");
  cg->h = grown;
  cg->h[cg->n] = (kr_cg_hier) { m->version, strdup (m->controllers), strdup (m->mountpoint),
                                strdup (path), 0, -1 };
  cg->n++;
  if (!cg->h[cg->n - 1].controllers || !cg->h[cg->n - 1].mountpoint || !cg->h[cg->n - 1].path)
    return kr_error_set (err, ENOMEM, "resolve cgroup");
  return 0;
}

int
kr_cg_resolve (kr_cg_mode mode, const char *cgroups_path, const char *id,
               const kr_cg_mount *mounts, size_t n_mounts, const kr_cg_own *own, size_t n_own,
               kr_cgroup **out, kr_error **err)
{
  _cleanup_cgroup_ kr_cgroup *cg = calloc (1, sizeof *cg);
  _cleanup_free_ char *inner = NULL;
  const char *src = cgroups_path && *cgroups_path ? cgroups_path : id;

  if (cg == NULL)
    return kr_error_set (err, errno, "resolve cgroup");
  cg->mode = mode;
  cg->drv = kr_cg_driver_for (mode);
  if (src == NULL || *src == '\0')
    return kr_error_set (err, 0, "linux.cgroupsPath: empty, and no container id");
  if (strpbrk (src, "\t\n") != NULL)
    return kr_error_set (err, 0, "linux.cgroupsPath: control character in \"%s\"", src);
  if (check_cgroups_path (src, err) < 0)
    return -1;
  inner = kr_cg_clean_path (src);
  if (inner == NULL)
    return kr_error_set (err, ENOMEM, "resolve cgroup");

  for (size_t i = 0; i < n_mounts; i++)
    {
      const kr_cg_mount *m = &mounts[i];
      const char *base;
      _cleanup_free_ char *path = NULL;

      if (mode == KR_CG_UNIFIED ? m->version != 2 || strcmp (m->mountpoint, KR_CG_ROOT) != 0
          : mode == KR_CG_HYBRID ? m->version == 2 && strcmp (m->mountpoint, KR_CG_HYBRID_ROOT) != 0
                                 : m->version != 1)
        continue;
      if (inner[0] == '/')
        base = "/";
      else if (mode == KR_CG_HYBRID && m->version == 2)
        base = "/";   /* runc: relative paths start at the hybrid root */
      else if ((base = own_base (m, own, n_own, err)) == NULL)
        return -1;
      path = join_path (base, inner);
      if (path == NULL)
        return kr_error_set (err, ENOMEM, "resolve cgroup");
      if (add_hier (cg, m, path, err) < 0)
        return -1;
    }
  if (mode == KR_CG_UNIFIED && cg->n == 0)
    return kr_error_set (err, ENOENT, "no cgroup2 mount at %s", KR_CG_ROOT);
  /* Like runc: without the devices controller a v1 container would get
   * every device of the host. */
  if (mode != KR_CG_UNIFIED && kr_cg_find (cg, "devices") == NULL)
    return kr_error_set (err, ENOENT, "no devices cgroup mounted under %s", KR_CG_ROOT);
  *out = TAKE_PTR (cg);
  return 0;
}

/* ------------------------------------------------------------------ layout */

int
kr_cg_detect_mode (kr_cg_mode *mode, kr_error **err)
{
  struct statfs st;

  if (statfs (KR_CG_ROOT, &st) < 0)
    return kr_error_set (err, errno, "statfs %s", KR_CG_ROOT);
  if (st.f_type == CGROUP2_SUPER_MAGIC)
    {
      *mode = KR_CG_UNIFIED;
      return 0;
    }
  if (st.f_type != TMPFS_MAGIC)
    return kr_error_set (err, 0, "%s is neither cgroup2 nor a tmpfs of v1 hierarchies", KR_CG_ROOT);
  if (statfs (KR_CG_HYBRID_ROOT, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
    *mode = KR_CG_HYBRID;
  else
    *mode = KR_CG_LEGACY;
  return 0;
}

bool
kr_cgroup_spec_wants_namespace (void)
{
  kr_cg_mode mode;

  return kr_cg_detect_mode (&mode, NULL) == 0 && mode == KR_CG_UNIFIED;
}
