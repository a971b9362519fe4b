/* `exec --cgroup`: a process placed in an existing sub-cgroup of the
 * container's, as runc: one "path" for every hierarchy (the cgroup2 form),
 * or "ctrl[,ctrl]:path" per v1 controller, the others staying at the
 * container's cgroup. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "base/util.h"

typedef struct sub_entry
{
  char ctrl[64]; /* "" for the one-path form */
  const char *path;
} sub_entry;

/* A sub-cgroup stays below the container's: no ".." anywhere. */
static bool
path_stays_below (const char *p)
{
  for (const char *s = p; *s;)
    {
      size_t n = strcspn (s, "/");
      if (n == 2 && s[0] == '.' && s[1] == '.')
        return false;
      s += n;
      s += strspn (s, "/");
    }
  return true;
}

static int
parse (char *const *args, size_t n, sub_entry *e, size_t *ne, size_t max, kr_error **err)
{
  *ne = 0;
  for (size_t i = 0; i < n; i++)
    {
      const char *colon = strchr (args[i], ':');
      const char *path = colon ? colon + 1 : args[i];

      if (!path_stays_below (path))
        return kr_error_set (err, 0, "--cgroup: bad sub cgroup path: %s", path);
      if (colon == NULL)
        {
          if (n != 1)
            return kr_error_set (err, 0, "invalid --cgroup argument: %s (missing <controller>: prefix)",
                                 args[i]);
          e[0].ctrl[0] = '\0';
          e[0].path = path;
          *ne = 1;
          return 0;
        }
      for (const char *c = args[i]; c < colon;)
        {
          size_t len = strcspn (c, ",:");
          if (len == 0 || len >= sizeof e->ctrl)
            return kr_error_set (err, 0, "invalid --cgroup argument: %s (empty <controller> prefix)",
                                 args[i]);
          if (*ne == max)
            return kr_error_set (err, 0, "--cgroup: too many controllers");
          snprintf (e[*ne].ctrl, sizeof e->ctrl, "%.*s", (int) len, c);
          for (size_t j = 0; j < *ne; j++)
            if (strcmp (e[j].ctrl, e[*ne].ctrl) == 0)
              return kr_error_set (err, 0,
                                   "invalid --cgroup argument(s): controller %s specified multiple times",
                                   e[j].ctrl);
          e[(*ne)++].path = path;
          c += len + (c[len] == ',');
        }
    }
  return 0;
}

static int
attach_one (kr_cg_hier *h, const char *sub, pid_t pid, kr_error **err)
{
  _cleanup_close_ int fd = -1;
  char dir[PATH_MAX];

  if (kr_cg_open_leaf (h, err) < 0)
    return -1;
  while (sub && *sub == '/')
    sub++;
  if (sub == NULL || *sub == '\0')
    return kr_cg_attach_at (h->fd, h->version, pid, err);
  fd = openat (h->fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return kr_error_set (err, errno, "open %s/%s", kr_cg_hier_dir (h, dir, sizeof dir), sub);
  return kr_cg_attach_at (fd, h->version, pid, err);
}

int
kr_cg_attach_sub (kr_cgroup *cg, pid_t pid, bool born_in, char *const *args, size_t n,
                  kr_error **err)
{
  sub_entry e[32];
  size_t ne;
  char dir[PATH_MAX];

  if (n == 0)
    return kr_cg_attach (cg, pid, born_in, err);
  if (parse (args, n, e, &ne, ARRAY_SIZE (e), err) < 0)
    return -1;
  /* Every named controller must be one of the container's hierarchies. */
  for (size_t j = 0; cg->mode != KR_CG_UNIFIED && j < ne; j++)
    if (e[j].ctrl[0] && kr_cg_find (cg, e[j].ctrl) == NULL)
      return kr_error_set (err, 0, "--cgroup: unknown controller %s", e[j].ctrl);
  for (size_t i = 0; i < cg->n; i++)
    {
      kr_cg_hier *h = &cg->h[i];
      const char *sub = NULL;
      for (size_t j = 0; j < ne; j++)
        if (e[j].ctrl[0] == '\0'
            || (h->version == 1 && kr_cg_has_controller (h->controllers, e[j].ctrl)))
          sub = e[j].path;
      if (born_in && h->version == 2 && sub == NULL)
        continue;
      if (attach_one (h, sub, pid, err) < 0)
        {
          kr_cg_hier_dir (h, dir, sizeof dir);
          if (pid)
            return kr_error_prefix (err, "attach %d to %s%s%s", (int) pid, dir, sub ? "/" : "",
                                    sub ? sub : "");
          return kr_error_prefix (err, "enter %s%s%s", dir, sub ? "/" : "", sub ? sub : "");
        }
    }
  return 0;
}
