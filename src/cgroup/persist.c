/* kr_cgroup_save / kr_cgroup_load: what create made, in a small text file
 * next to the container's state, so that `delete` (another process, later)
 * removes exactly that.
 *
 *   krill-cgroup 1
 *   mode hybrid
 *   1<TAB>made<TAB>controllers<TAB>mountpoint<TAB>path      one line a hierarchy
 *
 * Paths never hold a tab or a newline: kr_cg_resolve refuses them.
 *
 * The record lives in the state dir, and delete kills and removes what it
 * names: a record saying "/" would have SIGKILLed every process of the
 * host.  So a loaded record is trusted only as far as it is consistent:
 * clean absolute paths, never a hierarchy root, no "..", no more made
 * components than the path has, and the container's own cgroup as
 * state.json recorded it (check_record). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <limits.h>

#include "cgroup/cgroup-internal.h"
#include "base/file.h"
#include "base/util.h"

static const char *const mode_names[] = {
  [KR_CG_LEGACY] = "legacy",
  [KR_CG_UNIFIED] = "unified",
  [KR_CG_HYBRID] = "hybrid",
};

/* MADE[i]: the count to record for hierarchy i. */
static int
save_counts (const kr_cgroup *cg, const unsigned *made, int dirfd, const char *name, bool durable,
             kr_error **err)
{
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  FILE *f;

  f = open_memstream (&text, &len);
  if (f == NULL)
    return kr_error_set (err, errno, "save cgroup");
  fprintf (f, "krill-cgroup 1\nmode %s\n", mode_names[cg->mode]);
  for (size_t i = 0; i < cg->n; i++)
    fprintf (f, "%d\t%u\t%s\t%s\t%s\n", cg->h[i].version, made[i], cg->h[i].controllers,
             cg->h[i].mountpoint, cg->h[i].path);
  if (fclose (f) != 0)
    return kr_error_set (err, errno, "save cgroup");

  return kr_write_file_atomic (dirfd, name, text, len, 0600, durable, err);
}

int
kr_cgroup_save (const kr_cgroup *cg, int dirfd, const char *name, kr_error **err)
{
  _cleanup_free_ unsigned *made = calloc (cg->n + 1, sizeof *made);

  if (made == NULL)
    return kr_error_set (err, ENOMEM, "save cgroup");
  for (size_t i = 0; i < cg->n; i++)
    made[i] = cg->h[i].made;
  return save_counts (cg, made, dirfd, name, true, err);
}

/* How many trailing components of H's path do not exist yet: those krill
 * is about to make. */
static unsigned
missing_components (const kr_cg_hier *h)
{
  char dir[PATH_MAX];
  unsigned depth = 0, missing = 0;
  struct stat st;

  for (const char *c = h->path; *c; c++)
    depth += *c == '/';
  if (strcmp (h->path, "/") == 0)
    return 0;
  /* From the top: the first component missing and every one below it. */
  for (const char *c = h->path + 1;; c++)
    if (*c == '/' || *c == '\0')
      {
        int n = snprintf (dir, sizeof dir, "%s%.*s", h->mountpoint, (int) (c - h->path), h->path);
        if (n < 0 || (size_t) n >= sizeof dir || stat (dir, &st) < 0)
          return depth - missing;
        missing++;
        if (*c == '\0')
          return 0;
      }
}

int
kr_cgroup_save_intent (const kr_cgroup *cg, int dirfd, const char *name, kr_error **err)
{
  _cleanup_free_ unsigned *made = calloc (cg->n + 1, sizeof *made);

  if (made == NULL)
    return kr_error_set (err, ENOMEM, "save cgroup");
  for (size_t i = 0; i < cg->n; i++)
    made[i] = missing_components (&cg->h[i]);
  /* Not durable: it guards against krill dying, not the machine (a reboot
   * takes the cgroups with it); kr_cgroup_save replaces it, durably. */
  return save_counts (cg, made, dirfd, name, false, err);
}

static int
parse_line (kr_cgroup *cg, char *line, kr_error **err)
{
  char *f[5], *p = line, *end;
  kr_cg_hier *grown, *h;
  long version;
  unsigned long made;

  for (int i = 0; i < 5; i++)
    if ((f[i] = strsep (&p, "\t")) == NULL)
      return kr_error_set (err, EINVAL, "invalid line \"%s\"", line);
  version = strtol (f[0], &end, 10);
  if (*end || (version != 1 && version != 2))
    return kr_error_set (err, EINVAL, "invalid version \"%s\"", f[0]);
  made = strtoul (f[1], &end, 10);
  if (*end || made > 4096)
    return kr_error_set (err, EINVAL, "invalid count \"%s\"", f[1]);
  if (f[3][0] != '/' || f[4][0] != '/')
    return kr_error_set (err, EINVAL, "invalid path \"%s\"", f[4]);
  grown = realloc (cg->h, (cg->n + 1) * sizeof *cg->h);
  if (grown == NULL)
    return kr_error_set (err, errno, "load cgroup");
  cg->h = grown;
  h = &cg->h[cg->n++];
  *h = (kr_cg_hier) { (int) version, strdup (f[2]), strdup (f[3]), strdup (f[4]), (unsigned) made, -1 };
  if (h->controllers == NULL || h->mountpoint == NULL || h->path == NULL)
    return kr_error_set (err, ENOMEM, "load cgroup");
  return 0;
}

/* "/a/b": absolute, no empty, "." or ".." component, no trailing slash.
 * "/" is clean too (the caller refuses it where it must). */
static int
check_clean (const char *what, const char *p, kr_error **err)
{
  if (p[0] != '/')
    return kr_error_set (err, EINVAL, "%s \"%s\" is not absolute", what, p);
  if (strcmp (p, "/") == 0)
    return 0;
  for (const char *c = p + 1;; )
    {
      size_t n = strcspn (c, "/");
      if (n == 2 && c[0] == '.' && c[1] == '.')
        return kr_error_set (err, EINVAL, "%s \"%s\" holds \"..\"", what, p);
      if (n == 0 || (n == 1 && c[0] == '.'))
        return kr_error_set (err, EINVAL, "%s \"%s\" is not clean", what, p);
      if (c[n] == '\0')
        return 0;
      c += n + 1;
    }
}

static const char *
last_component (const char *p)
{
  return strrchr (p, '/') + 1;
}

/* EXPECTED: the cgroup state.json recorded (kr_cgroup_path at create);
 * NULL when there is none to compare (a create that died half-way). */
static int
check_record (const kr_cgroup *cg, const char *expected, kr_error **err)
{
  const char *own = NULL;

  for (size_t i = 0; i < cg->n; i++)
    {
      const kr_cg_hier *h = &cg->h[i];
      unsigned depth = 0;

      if (check_clean ("mount point", h->mountpoint, err) < 0
          || check_clean ("cgroup", h->path, err) < 0)
        return -1;
      if (strcmp (h->path, "/") == 0)
        return kr_error_set (err, EINVAL, "cgroup \"%s\" in %s is the hierarchy root", h->path,
                             h->mountpoint);
      for (const char *c = h->path; *c; c++)
        depth += *c == '/';
      if (h->made > depth)
        return kr_error_set (err, EINVAL, "cgroup \"%s\": %u components made, it has %u",
                             h->path, h->made, depth);
    }
  if (expected == NULL)
    return 0;
  if (cg->n)
    own = cg->drv->path (cg);
  /* The hierarchy state.json's path came from must be that path; the
   * others sit below krill's own cgroup in each when cgroupsPath was
   * relative (a v1 host puts krill in a different cgroup in each), so only
   * the container's own name is theirs for sure. */
  for (size_t i = 0; i < cg->n; i++)
    {
      const char *p = cg->h[i].path;
      bool ok = p == own ? strcmp (p, expected) == 0
                         : expected[0] == '/' && strcmp (last_component (p), last_component (expected)) == 0;
      if (!ok)
        return kr_error_set (err, EPERM, "cgroup \"%s\" in %s is not the container's cgroup \"%s\"",
                             p, cg->h[i].mountpoint, expected);
    }
  return 0;
}

int
kr_cgroup_load (int dirfd, const char *name, const char *expected, kr_cgroup **out,
                kr_error **err)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_cgroup_ kr_cgroup *cg = calloc (1, sizeof *cg);
  char *p, *line;
  int lineno = 0;

  if (cg == NULL)
    return kr_error_set (err, errno, "load cgroup");
  if (kr_cg_read_at (dirfd, name, &text, err) < 0)
    return kr_error_prefix (err, "load cgroup");
  p = text;
  while ((line = strsep (&p, "\n")) != NULL)
    {
      lineno++;
      if (*line == '\0' && p == NULL)
        break;
      if (lineno == 1)
        {
          if (strcmp (line, "krill-cgroup 1") != 0)
            return kr_error_set (err, EINVAL, "load cgroup %s: not a krill cgroup file", name);
          continue;
        }
      if (lineno == 2)
        {
          bool known = false;
          for (size_t m = 0; m < ARRAY_SIZE (mode_names); m++)
            if (mode_names[m] && strncmp (line, "mode ", 5) == 0 && strcmp (line + 5, mode_names[m]) == 0)
              {
                cg->mode = (kr_cg_mode) m;
                cg->drv = kr_cg_driver_for (cg->mode);
                known = true;
              }
          if (!known)
            return kr_error_set (err, EINVAL, "load cgroup %s:2: invalid mode line \"%s\"", name, line);
          continue;
        }
      if (parse_line (cg, line, err) < 0)
        return kr_error_prefix (err, "load cgroup %s:%d", name, lineno);
    }
  if (lineno < 2 || cg->mode == 0)
    return kr_error_set (err, EINVAL, "load cgroup %s: truncated", name);
  if (check_record (cg, expected, err) < 0)
    return kr_error_prefix (err, "load cgroup %s", name);
  *out = TAKE_PTR (cg);
  return 0;
}

int
kr_cgroup_recover (const char *cgroups_path, const char *id, const char *owner, kr_cgroup **out,
                   kr_error **err)
{
  _cleanup_cgroup_ kr_cgroup *cg = NULL;

  if (kr_cgroup_resolve (cgroups_path, id, &cg, err) < 0)
    return -1;
  for (size_t i = 0; i < cg->n; i++)
    {
      kr_cg_hier *h = &cg->h[i];
      char v[64];
      ssize_t n;

      h->made = 0;
      if (strcmp (h->path, "/") == 0 || kr_cg_open_leaf (h, NULL) < 0)
        continue;
      n = fgetxattr (h->fd, KR_CG_OWNER_XATTR, v, sizeof v);
      if (n > 0 && (size_t) n == strlen (owner) && memcmp (v, owner, (size_t) n) == 0)
        h->made = 1;
      else
        kr_closep (&h->fd);
    }
  *out = TAKE_PTR (cg);
  return 0;
}
