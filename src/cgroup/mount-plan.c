/* The plan of a "cgroup" mount: what the container sees at the
 * destination, as data for the rootfs.  On a unified host that is one
 * cgroup2 mount.  On a v1 (or hybrid) host it is what runc builds: a tmpfs
 * holding one directory per v1 hierarchy -- a fresh cgroup mount of that
 * hierarchy when the container has a cgroup namespace (the kernel then
 * shows the namespace's root), otherwise a bind of the container's own
 * cgroup directory -- plus "cpu -> cpu,cpuacct" style symlinks for
 * co-mounted controllers.  The hierarchies are every "cgroup" filesystem
 * mountinfo showed at resolve (kr_cgroup.fs), in its order. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "base/util.h"

void
kr_cgroup_mount_plan_free (kr_cgroup_mount_plan *p)
{
  if (p == NULL)
    return;
  for (size_t i = 0; i < p->n_entries; i++)
    {
      free (p->entries[i].name);
      free (p->entries[i].fstype);
      free (p->entries[i].source);
      free (p->entries[i].options);
      free (p->entries[i].bind);
    }
  for (size_t i = 0; i < p->n_links; i++)
    {
      free (p->links[i].name);
      free (p->links[i].target);
    }
  free (p->entries);
  free (p->links);
  free (p->fstype);
  free (p->fallback_bind);
  free (p);
}

int
kr_cg_v2_mount_plan (const kr_cgroup *cg, bool cgroupns, kr_cgroup_mount_plan **out,
                     kr_error **err)
{
  kr_cgroup_mount_plan *p = calloc (1, sizeof *p);

  (void) cg;
  (void) cgroupns;
  if (p == NULL || (p->fstype = strdup ("cgroup2")) == NULL
      || (p->fallback_bind = strdup (KR_CG_ROOT)) == NULL)
    {
      kr_cgroup_mount_plan_free (p);
      return kr_error_set (err, ENOMEM, "cgroup mount plan");
    }
  *out = p;
  return 0;
}

/* The host directory of the container's cgroup in the hierarchy FS. */
static int
bind_source (const kr_cgroup *cg, const kr_cg_mount *fs, char **out, kr_error **err)
{
  const char *cgpath = NULL, *rel;
  size_t rl = strlen (fs->root);

  for (size_t i = 0; i < cg->n && cgpath == NULL; i++)
    if (cg->h[i].version == 1 && strcmp (cg->h[i].mountpoint, fs->mountpoint) == 0)
      cgpath = cg->h[i].path;
  if (cgpath == NULL)
    return kr_error_set (err, ENOENT, "no cgroup of the container in %s", fs->mountpoint);
  if (strcmp (fs->root, "/") == 0)
    rel = cgpath;
  else if (strncmp (cgpath, fs->root, rl) == 0 && (cgpath[rl] == '/' || cgpath[rl] == '\0'))
    rel = cgpath + rl;
  else
    return kr_error_set (err, ENOENT, "cgroup %s is not below %s", cgpath, fs->root);
  if (asprintf (out, "%s%s", fs->mountpoint, rel) < 0)
    return kr_error_set (err, ENOMEM, "cgroup");
  return 0;
}

static int
add_entry (kr_cgroup_mount_plan *p, const kr_cgroup *cg, const kr_cg_mount *fs, bool cgroupns,
           kr_error **err)
{
  kr_cgroup_mount_entry *e;
  const char *name = strrchr (fs->mountpoint, '/') + 1;
  bool named = strncmp (fs->opts, "name=", 5) == 0 || strstr (fs->opts, ",name=") != NULL;

  e = &p->entries[p->n_entries++];
  e->name = strdup (name);
  if (cgroupns)
    {
      e->fstype = strdup ("cgroup");
      e->source = strdup (named ? name : "cgroup");
      e->options = strdup (fs->opts);
      if (e->fstype == NULL || e->source == NULL || e->options == NULL)
        return kr_error_set (err, ENOMEM, "cgroup");
    }
  else if (bind_source (cg, fs, &e->bind, err) < 0)
    return -1;
  return e->name ? 0 : kr_error_set (err, ENOMEM, "cgroup");
}

/* "cpu" and "cpuacct" -> "cpu,cpuacct" for a co-mounted hierarchy NAME. */
static int
add_links (kr_cgroup_mount_plan *p, const char *name, kr_error **err)
{
  _cleanup_free_ char *copy = strdup (name);
  char *tok, *save = NULL;

  if (copy == NULL || strchr (name, ',') == NULL)
    return 0;
  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    {
      kr_cgroup_mount_link *grown = realloc (p->links, (p->n_links + 1) * sizeof *grown);

      if (grown == NULL)
        return kr_error_set (err, ENOMEM, "cgroup");
      p->links = grown;
      p->links[p->n_links] = (kr_cgroup_mount_link) { strdup (tok), strdup (name) };
      if (p->links[p->n_links++].name == NULL || p->links[p->n_links - 1].target == NULL)
        return kr_error_set (err, ENOMEM, "cgroup");
    }
  return 0;
}

int
kr_cg_v1_mount_plan (const kr_cgroup *cg, bool cgroupns, kr_cgroup_mount_plan **out,
                     kr_error **err)
{
  kr_cgroup_mount_plan *p = calloc (1, sizeof *p);

  if (p == NULL || (p->entries = calloc (cg->n_fs + 1, sizeof *p->entries)) == NULL)
    {
      free (p);
      return kr_error_set (err, ENOMEM, "cgroup mount plan");
    }
  /* A bind shows the directories kr_cgroup_make makes; a fresh mount in
   * the container's cgroup namespace shows them too. */
  p->needs_make = true;
  for (size_t i = 0; i < cg->n_fs; i++)
    if (add_entry (p, cg, &cg->fs[i], cgroupns, err) < 0)
      goto fail;
  for (size_t i = 0; i < cg->n_fs; i++)
    if (add_links (p, strrchr (cg->fs[i].mountpoint, '/') + 1, err) < 0)
      goto fail;
  *out = p;
  return 0;

fail:
  kr_cgroup_mount_plan_free (p);
  return -1;
}
