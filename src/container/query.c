/* `state` and `list`: read-only, no lock taken (state.json is replaced
 * atomically), so they never wait for another krill. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "container/container.h"
#include "base/id.h"
#include "base/util.h"

int
kr_container_state (const char *root, const char *id, kr_state **st, kr_status *status,
                    kr_error **err)
{
  _cleanup_close_ int dirfd = -1;

  if (kr_state_open_container (root, id, false, &dirfd, st, err) < 0)
    return -1;
  *status = kr_state_status (dirfd, *st);
  return 0;
}

static int
cmp_listed (const void *a, const void *b)
{
  const kr_listed *x = a, *y = b;
  return strcmp (x->state->id, y->state->id);
}

/* A damaged state dir is listed too, as "unknown" with what is wrong in
 * *BAD (hiding it would leave its init and cgroups unseen): only its id
 * is known then.  -1: out of memory. */
static int
listed_state (int cfd, const char *id, kr_state **st, kr_status *status, kr_error **bad)
{
  kr_cgroup *cg = NULL;

  if (kr_state_read (cfd, st, bad) == 0 && kr_state_cgroup_load (cfd, *st, &cg, bad) == 0)
    {
      kr_cgroup_free (cg);
      *status = kr_state_status (cfd, *st);
      return 0;
    }
  *status = KR_STATUS_UNKNOWN;
  if (*st == NULL)
    {
      *st = calloc (1, sizeof **st);
      if (*st == NULL || ((*st)->id = strdup (id)) == NULL)
        return -1;
    }
  if (*bad == NULL)
    kr_error_set (bad, ENOMEM, "state");
  return 0;
}

int
kr_container_list (const char *root, kr_listed **out, size_t *n, kr_error **err)
{
  _cleanup_closedir_ DIR *d = NULL;
  _cleanup_error_ kr_error *e = NULL;
  kr_listed *list = NULL;
  size_t len = 0;
  struct dirent *de;
  int fd;

  *out = NULL;
  *n = 0;
  if (kr_state_root_open_existing (root, &fd, &e) < 0)
    {
      if (e->errnum == ENOENT)
        return 0;
      if (err)
        *err = TAKE_PTR (e);
      return -1;
    }
  if ((d = fdopendir (fd)) == NULL)
    {
      close (fd);
      return kr_error_set (err, errno, "open state root %s", root);
    }
  while ((de = readdir (d)) != NULL)
    {
      _cleanup_close_ int cfd = -1;
      kr_state *st = NULL;
      kr_listed *nl;

      if (de->d_name[0] == '.' || kr_id_validate (de->d_name, NULL) < 0)
        continue;
      _cleanup_error_ kr_error *bad = NULL;
      kr_status status;

      /* A container being created or deleted right now is skipped. */
      if (kr_state_open (dirfd (d), de->d_name, false, &cfd, NULL) < 0)
        continue;
      if (listed_state (cfd, de->d_name, &st, &status, &bad) < 0)
        {
          kr_listed_free (list, len);
          return kr_error_set (err, ENOMEM, "list");
        }
      nl = realloc (list, (len + 1) * sizeof *list);
      if (nl == NULL)
        {
          kr_state_free (st);
          kr_listed_free (list, len);
          return kr_error_set (err, ENOMEM, "list");
        }
      list = nl;
      list[len].state = st;
      list[len].status = status;
      list[len].reason = bad ? TAKE_PTR (bad->msg) : NULL;
      len++;
    }
  if (len)
    qsort (list, len, sizeof *list, cmp_listed);
  *out = list;
  *n = len;
  return 0;
}

void
kr_listed_free (kr_listed *l, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      kr_state_free (l[i].state);
      free (l[i].reason);
    }
  free (l);
}

int
kr_container_pids (const char *root, const char *id, pid_t **pids, size_t *n, kr_error **err)
{
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ kr_state *st = NULL;
  kr_cgroup *cg = NULL;
  int r;

  if (kr_state_open_container (root, id, false, &dirfd, &st, err) < 0
      || kr_state_cgroup_load (dirfd, st, &cg, err) < 0)
    return -1;
  r = kr_cgroup_pids (cg, pids, n, err);
  kr_cgroup_free (cg);
  if (r < 0)
    return kr_error_prefix (err, "unable to get all container pids");
  return 0;
}
