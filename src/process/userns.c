#define _GNU_SOURCE
#include "process/userns.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "process/namespaces.h"
#include "base/procfs.h"
#include "base/util.h"

static int
check_map (const char *field, const oci_id_mapping *m, size_t n, kr_error **err)
{
  bool root = false;

  if (n > KR_USERNS_MAX_EXTENTS)
    return kr_error_set (err, 0, "%s: %zu mappings, the kernel takes at most %d", field, n,
                         KR_USERNS_MAX_EXTENTS);
  for (size_t i = 0; i < n; i++)
    {
      uint64_t c = m[i].container_id, h = m[i].host_id, s = m[i].size;

      if (s == 0)
        return kr_error_set (err, 0, "%s[%zu].size: must not be 0", field, i);
      if (c + s - 1 > UINT32_MAX - 1)
        return kr_error_set (err, 0, "%s[%zu]: container ids %llu-%llu go past 4294967294", field,
                             i, (unsigned long long) c, (unsigned long long) (c + s - 1));
      if (h + s - 1 > UINT32_MAX - 1)
        return kr_error_set (err, 0, "%s[%zu]: host ids %llu-%llu go past 4294967294", field, i,
                             (unsigned long long) h, (unsigned long long) (h + s - 1));
      for (size_t j = 0; j < i; j++)
        {
          uint64_t c2 = m[j].container_id, h2 = m[j].host_id, s2 = m[j].size;

          if (c < c2 + s2 && c2 < c + s)
            return kr_error_set (err, 0, "%s[%zu]: container ids %llu-%llu overlap %s[%zu]",
                                 field, i, (unsigned long long) c,
                                 (unsigned long long) (c + s - 1), field, j);
          if (h < h2 + s2 && h2 < h + s)
            return kr_error_set (err, 0, "%s[%zu]: host ids %llu-%llu overlap %s[%zu]", field, i,
                                 (unsigned long long) h, (unsigned long long) (h + s - 1), field,
                                 j);
        }
      if (c == 0)
        root = true;
    }
  if (n && !root)
    return kr_error_set (err, 0, "%s: container %s 0 is not mapped (the container's root builds it)",
                         field, strcmp (field, "linux.uidMappings") == 0 ? "uid" : "gid");
  return 0;
}

int
kr_userns_validate (const oci_config *cfg, kr_error **err)
{
  const oci_linux *l = cfg->linux;
  const oci_namespace *user = NULL;

  for (size_t i = 0; i < l->namespaces_len; i++)
    if (kr_namespace_flag (l->namespaces[i].type) == CLONE_NEWUSER)
      user = &l->namespaces[i];
  if (user == NULL)
    {
      if (l->uid_mappings_len || l->gid_mappings_len)
        return kr_error_set (err, 0, "%s: user namespace mappings given, but no user namespace "
                             "in linux.namespaces",
                             l->uid_mappings_len ? "linux.uidMappings" : "linux.gidMappings");
      return 0;
    }
  if (!(user->path && *user->path))
    {
      if (!l->uid_mappings_len && !l->gid_mappings_len)
        return kr_error_set (err, 0, "linux.namespaces: a new user namespace needs "
                             "linux.uidMappings and linux.gidMappings (or a path to join)");
      if (!l->uid_mappings_len)
        return kr_error_set (err, 0, "linux.uidMappings: required with a new user namespace");
      if (!l->gid_mappings_len)
        return kr_error_set (err, 0, "linux.gidMappings: required with a new user namespace");
    }
  if (check_map ("linux.uidMappings", l->uid_mappings, l->uid_mappings_len, err) < 0
      || check_map ("linux.gidMappings", l->gid_mappings, l->gid_mappings_len, err) < 0)
    return -1;
  return 0;
}

/* "C H S\n" per mapping: one write, as the kernel wants the whole map. */
static char *
map_text (const oci_id_mapping *m, size_t n)
{
  size_t cap = n * 33 + 1, len = 0;
  char *s = malloc (cap);

  if (s == NULL)
    return NULL;
  s[0] = '\0';
  for (size_t i = 0; i < n; i++)
    len += (size_t) snprintf (s + len, cap - len, "%u %u %u\n", m[i].container_id, m[i].host_id,
                              m[i].size);
  return s;
}

int
kr_userns_write_maps (int piddir, const oci_linux *lnx, bool deny_setgroups, kr_error **err)
{
  _cleanup_free_ char *uids = map_text (lnx->uid_mappings, lnx->uid_mappings_len);
  _cleanup_free_ char *gids = map_text (lnx->gid_mappings, lnx->gid_mappings_len);

  if (uids == NULL || gids == NULL)
    return kr_error_set (err, ENOMEM, "id maps");
  if (deny_setgroups && kr_procfs_write_at (piddir, "setgroups", "deny", err) < 0)
    return -1;
  if (kr_procfs_write_at (piddir, "gid_map", gids, err) < 0)
    return kr_error_prefix (err, "linux.gidMappings");
  if (kr_procfs_write_at (piddir, "uid_map", uids, err) < 0)
    return kr_error_prefix (err, "linux.uidMappings");
  return 0;
}

/* The map file's lines, spaces squeezed, against the config's text. */
static int
same_map (int procfd, const char *name, const oci_id_mapping *m, size_t n, kr_error **err)
{
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *want = map_text (m, n);
  char buf[KR_USERNS_MAX_EXTENTS * 36], got[sizeof buf];
  size_t len = 0, g = 0;
  ssize_t r;

  if (want == NULL)
    return kr_error_set (err, ENOMEM, "id maps");
  fd = openat (procfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return kr_error_set (err, errno, "open /proc/%s", name);
  while ((r = read (fd, buf + len, sizeof buf - 1 - len)) > 0)
    len += (size_t) r;
  if (r < 0)
    return kr_error_set (err, errno, "read /proc/%s", name);
  /* "         0     100000      65536\n" -> "0 100000 65536\n" */
  for (size_t i = 0; i < len; i++)
    {
      if (buf[i] == ' ' && (g == 0 || got[g - 1] == ' ' || got[g - 1] == '\n'))
        continue;
      if (buf[i] == '\n' && g > 0 && got[g - 1] == ' ')
        g--;
      got[g++] = buf[i];
    }
  got[g] = '\0';
  return strcmp (got, want) == 0;
}

int
kr_userns_check_joined (int procfd, const oci_linux *lnx, kr_error **err)
{
  int r;

  if (lnx->uid_mappings_len)
    {
      r = same_map (procfd, "self/uid_map", lnx->uid_mappings, lnx->uid_mappings_len, err);
      if (r <= 0)
        return r < 0 ? -1 : kr_error_set (err, 0, "linux.uidMappings: not the mappings of the "
                                          "user namespace joined by path");
    }
  if (lnx->gid_mappings_len)
    {
      r = same_map (procfd, "self/gid_map", lnx->gid_mappings, lnx->gid_mappings_len, err);
      if (r <= 0)
        return r < 0 ? -1 : kr_error_set (err, 0, "linux.gidMappings: not the mappings of the "
                                          "user namespace joined by path");
    }
  return 0;
}

int
kr_userns_become_root (bool setgroups_allowed, kr_error **err)
{
  if (setgroups_allowed && setgroups (0, NULL) < 0)
    return kr_error_set (err, errno, "user namespace: setgroups");
  if (setresgid (0, 0, 0) < 0)
    return kr_error_set (err, errno, "user namespace: become gid 0 (is it mapped?)");
  if (setresuid (0, 0, 0) < 0)
    return kr_error_set (err, errno, "user namespace: become uid 0 (is it mapped?)");
  return 0;
}
