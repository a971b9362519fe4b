/* A "cgroup" mount: the container sees its own cgroups at the destination.
 * On a unified host that is one cgroup2 mount. On a v1 (or hybrid) host it is
 * what runc builds: a tmpfs (nosuid,nodev,noexec,mode=755) holding one
 * directory per v1 hierarchy -- a fresh cgroup mount of that hierarchy when
 * the container has a cgroup namespace (the kernel then shows the
 * namespace's root), otherwise a bind of the container's own cgroup
 * directory -- plus "cpu -> cpu,cpuacct" style symlinks for co-mounted
 * controllers. */
#define _GNU_SOURCE
#include "rootfs/mounts.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#include "cgroup/cgroup.h"
#include "base/fs.h"
#include "base/mountapi.h"
#include "rootfs/mountinfo.h"
#include "base/util.h"

#define CGROUP_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* One v1 hierarchy as /proc/self/mountinfo shows it. */
struct hierarchy
{
  char *mountpoint; /* host path */
  char *root;       /* root of the mount within the hierarchy */
  char *opts;       /* superblock options minus rw/ro and release_agent:
                     * "cpu,cpuacct", "xattr,name=systemd" */
};

static void
free_hierarchies (struct hierarchy *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (h[i].mountpoint);
      free (h[i].root);
      free (h[i].opts);
    }
  free (h);
}

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
      /* release_agent may only be set from the initial namespaces. */
      if (strcmp (tok, "rw") == 0 || strcmp (tok, "ro") == 0
          || strncmp (tok, "release_agent=", 14) == 0)
        continue;
      len += (size_t) sprintf (out + len, "%s%s", len ? "," : "", tok);
    }
  return out;
}

struct hierarchies
{
  struct hierarchy *h;
  size_t n;
};

static int
collect_hierarchy (const kr_mountinfo *mi, void *data, kr_error **err)
{
  struct hierarchies *l = data;
  struct hierarchy *p;

  if (strcmp (mi->fstype, "cgroup") != 0)
    return 0;
  p = realloc (l->h, (l->n + 1) * sizeof *p);
  if (p == NULL)
    return kr_error_set (err, ENOMEM, "read cgroup mounts");
  l->h = p;
  p = &l->h[l->n++];
  p->mountpoint = strdup (mi->mountpoint);
  p->root = strdup (mi->root);
  p->opts = strip_rw (mi->super_opts);
  if (!p->mountpoint || !p->root || !p->opts)
    return kr_error_set (err, ENOMEM, "read cgroup mounts");
  return 0;
}

static int
read_hierarchies (struct hierarchy **out, size_t *n, kr_error **err)
{
  struct hierarchies l = { 0 };

  if (kr_mountinfo_each (collect_hierarchy, &l, err) < 0)
    {
      free_hierarchies (l.h, l.n);
      return -1;
    }
  *out = l.h;
  *n = l.n;
  return 0;
}

static bool
has_opt (const char *opts, const char *name, size_t len)
{
  for (const char *p = opts; *p;)
    {
      const char *end = strchrnul (p, ',');
      if ((size_t) (end - p) == len && strncmp (p, name, len) == 0)
        return true;
      p = *end ? end + 1 : end;
    }
  return false;
}

/* The process's cgroup in hierarchy H: the /proc/self/cgroup line whose
 * controllers all appear in H's options. */
static int
own_cgroup (const struct hierarchy *h, char **path, kr_error **err)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/cgroup", "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;

  if (f == NULL)
    return kr_error_set (err, errno, "open /proc/self/cgroup");
  while (getline (&line, &cap, f) > 0)
    {
      char *ctrls = strchr (line, ':'), *cg, *p;
      bool all = true;

      if (ctrls == NULL || (cg = strchr (++ctrls, ':')) == NULL
          || cg == ctrls)
        continue;
      *cg++ = '\0';
      cg[strcspn (cg, "\n")] = '\0';
      for (p = ctrls; *p;)
        {
          char *end = strchrnul (p, ',');
          if (!has_opt (h->opts, p, (size_t) (end - p)))
            all = false;
          p = *end ? end + 1 : end;
        }
      if (all)
        {
          *path = strdup (cg);
          return *path ? 0 : kr_error_set (err, ENOMEM, "cgroup path");
        }
    }
  return kr_error_set (err, ENOENT, "no cgroup of this process in %s",
                       h->mountpoint);
}

static int
mount_hierarchy (kr_mount_ctx *ctx, const struct hierarchy *h,
                 const char *dest, const kr_mount_opts *o, kr_error **err)
{
  _cleanup_free_ char *sub = NULL;
  _cleanup_close_ int dst = -1;
  _cleanup_close_ int mnt = -1;
  const char *name = strrchr (h->mountpoint, '/') + 1;

  if (asprintf (&sub, "%s/%s", dest, name) < 0)
    return kr_error_set (err, ENOMEM, "cgroup");
  dst = kr_fs_open_in_root (ctx->rootfd, sub, O_PATH, KR_FS_MKDIR, 0, err);
  if (dst < 0)
    return -1;

  if (ctx->cgroupns)
    {
      bool named = strncmp (h->opts, "name=", 5) == 0
                   || strstr (h->opts, ",name=") != NULL;
      mnt = kr_mount_new_fs ("cgroup", named ? name : "cgroup",
                             CGROUP_FLAGS | (o->flags & MS_RDONLY), h->opts,
                             err);
      if (mnt < 0)
        return -1;
      return kr_mount_attach (mnt, dst, o, sub, err);
    }
  else
    {
      _cleanup_free_ char *cg = NULL, *src = NULL;
      kr_mount_opts bind = *o;
      size_t rl = strlen (h->root);
      const char *rel;

      if (ctx->cg)
        {
          const char *p = kr_cgroup_path_at (ctx->cg, h->mountpoint);
          if (p == NULL)
            return kr_error_set (err, ENOENT, "no cgroup of the container in %s", h->mountpoint);
          cg = strdup (p);
          if (cg == NULL)
            return kr_error_set (err, ENOMEM, "cgroup");
        }
      else if (own_cgroup (h, &cg, err) < 0)
        return -1;
      if (strcmp (h->root, "/") == 0)
        rel = cg;
      else if (strncmp (cg, h->root, rl) == 0
               && (cg[rl] == '/' || cg[rl] == '\0'))
        rel = cg + rl;
      else
        return kr_error_set (err, ENOENT, "cgroup %s is not below %s", cg,
                             h->root);
      if (asprintf (&src, "%s%s", h->mountpoint, rel) < 0)
        return kr_error_set (err, ENOMEM, "cgroup");
      bind.flags |= MS_BIND | MS_REC;
      return kr_mount_bind (src, dst, &bind, sub, err);
    }
}

static int
mount_v1 (kr_mount_ctx *ctx, const oci_mount *m, const kr_mount_opts *o,
          kr_error **err)
{
  struct hierarchy *h = NULL;
  size_t n = 0;
  _cleanup_close_ int dst = -1;
  _cleanup_close_ int mnt = -1;
  int r = -1;

  dst = kr_mount_open_dest (ctx, m->destination, "tmpfs", false, NULL, false,
                            NULL, err);
  if (dst < 0)
    return -1;
  mnt = kr_mount_new_fs ("tmpfs", "tmpfs", CGROUP_FLAGS, "mode=755", err);
  if (mnt < 0 || kr_mount_attach (mnt, dst, o, m->destination, err) < 0)
    return -1;
  if (read_hierarchies (&h, &n, err) < 0)
    return -1;

  for (size_t i = 0; i < n; i++)
    if (mount_hierarchy (ctx, &h[i], m->destination, o, err) < 0)
      goto out;

  for (size_t i = 0; i < n; i++)
    {
      const char *name = strrchr (h[i].mountpoint, '/') + 1;
      _cleanup_free_ char *copy = strdup (name);
      char *tok, *save = NULL;

      if (copy == NULL || strchr (name, ',') == NULL)
        continue;
      for (tok = strtok_r (copy, ",", &save); tok;
           tok = strtok_r (NULL, ",", &save))
        {
          _cleanup_free_ char *link = NULL;
          _cleanup_error_ kr_error *local = NULL;

          if (asprintf (&link, "%s/%s", m->destination, tok) < 0)
            {
              kr_error_set (err, ENOMEM, "cgroup");
              goto out;
            }
          if (kr_fs_symlink_in_root (ctx->rootfd, name, link, &local) < 0
              && local->errnum != EEXIST)
            {
              kr_error_set (err, local->errnum, "%s", local->msg);
              goto out;
            }
        }
    }
  r = 0;
out:
  free_hierarchies (h, n);
  return r;
}

static int
mount_v2 (kr_mount_ctx *ctx, const oci_mount *m, const kr_mount_opts *o,
          kr_error **err)
{
  _cleanup_close_ int dst = -1;
  _cleanup_close_ int mnt = -1;
  _cleanup_error_ kr_error *local = NULL;

  dst = kr_mount_open_dest (ctx, m->destination, "cgroup2", false, NULL,
                            false, NULL, err);
  if (dst < 0)
    return -1;
  mnt = kr_mount_new_fs ("cgroup2", m->source, o->flags, o->data, &local);
  if (mnt >= 0)
    return kr_mount_attach (mnt, dst, o, m->destination, err);
  /* Without a cgroup namespace of its own (or inside a user namespace) the
   * kernel refuses a new cgroup2 mount; bind the host's instead. */
  if (local->errnum != EPERM && local->errnum != EBUSY)
    return kr_error_set (err, local->errnum, "%s", local->msg);
  {
    kr_mount_opts bind = *o;
    bind.flags |= MS_BIND;
    return kr_mount_bind ("/sys/fs/cgroup", dst, &bind, m->destination, err);
  }
}

int
kr_mount_cgroup (kr_mount_ctx *ctx, const oci_mount *m,
                 const kr_mount_opts *o, kr_error **err)
{
  struct statfs st;

  if (statfs ("/sys/fs/cgroup", &st) < 0)
    return kr_error_set (err, errno, "statfs /sys/fs/cgroup");
  if (st.f_type == CGROUP2_SUPER_MAGIC)
    return mount_v2 (ctx, m, o, err);
  if (ctx->cg_wait && ctx->cg_wait (ctx->cg_wait_arg, err) < 0)
    return -1;
  return mount_v1 (ctx, m, o, err);
}
