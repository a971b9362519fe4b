#define _GNU_SOURCE
#include "process/sysctl.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/mountapi.h"
#include "base/procfs.h"
#include "process/namespaces.h"
#include "base/util.h"

/* The IPC sysctls the kernel keeps per ipc namespace (fs.mqueue.* too). */
static const char *const ipc_keys[] = {
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",  "kernel.sem",
  "kernel.shmall", "kernel.shmmax", "kernel.shmmni",  "kernel.shm_rmid_forced",
};

/* "net/ipv4/ip_forward" is accepted for "net.ipv4.ip_forward", as runc:
 * when the first separator is a slash, dots and slashes swap (an interface
 * name "eth0.100" then keeps its dot). Returns the dotted form, malloc'd. */
static char *
dotted (const char *key)
{
  char *s = strdup (key);
  size_t first = strcspn (key, "./");

  if (s && key[first] == '/')
    for (char *p = s; *p; p++)
      *p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
  return s;
}

static const oci_namespace *
find_ns (const oci_linux *lnx, int flag)
{
  for (size_t i = 0; i < lnx->namespaces_len; i++)
    if (kr_namespace_flag (lnx->namespaces[i].type) == flag)
      return &lnx->namespaces[i];
  return NULL;
}

/* A network namespace by path may be the host's own (here: krill's). */
static int
is_host_netns (const char *path, bool *host, kr_error **err)
{
  struct stat a, b;
  int proc = kr_procfs_handle (err);

  if (proc < 0)
    return -1;
  if (fstatat (proc, "self/ns/net", &a, 0) < 0)
    return kr_error_set (err, errno, "stat /proc/self/ns/net");
  if (stat (path, &b) < 0)
    return kr_error_set (err, errno, "linux.namespaces: network path \"%s\"", path);
  *host = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  return 0;
}

static int
check_key (const oci_linux *lnx, const char *key, kr_error **err)
{
  const oci_namespace *ns;

  for (size_t i = 0; i < ARRAY_SIZE (ipc_keys); i++)
    if (strcmp (key, ipc_keys[i]) == 0)
      goto ipc;
  if (strncmp (key, "fs.mqueue.", 10) == 0)
    goto ipc;
  if (strncmp (key, "net.", 4) == 0)
    {
      bool host = false;
      ns = find_ns (lnx, CLONE_NEWNET);
      if (ns && ns->path && *ns->path && is_host_netns (ns->path, &host, err) < 0)
        return -1;
      if (ns == NULL || host)
        return kr_error_set (err, 0, "linux.sysctl: \"%s\" is not allowed in the host's network "
                             "namespace", key);
      return 0;
    }
  if (find_ns (lnx, CLONE_NEWUTS))
    {
      if (strcmp (key, "kernel.domainname") == 0)
        return 0;
      if (strcmp (key, "kernel.hostname") == 0)
        return kr_error_set (err, 0, "linux.sysctl: \"%s\" conflicts with the hostname field: "
                             "refused", key);
    }
  if (strncmp (key, "user.", 5) == 0 && find_ns (lnx, CLONE_NEWUSER) == NULL)
    return kr_error_set (err, 0, "linux.sysctl: \"%s\" needs a user namespace: refused", key);
  if (strncmp (key, "user.", 5) == 0)
    return 0;
  return kr_error_set (err, 0, "linux.sysctl: \"%s\" is not namespaced: refused", key);
ipc:
  if (find_ns (lnx, CLONE_NEWIPC) == NULL)
    return kr_error_set (err, 0, "linux.sysctl: \"%s\" is not allowed in the host's ipc "
                         "namespace", key);
  return 0;
}

/* The dotted key is a path under /proc/sys with '.' and '/' swapped: no
 * component may be empty or turn into "." or "..". */
static bool
clean_key (const char *key)
{
  for (const char *p = key;; p++)
    {
      size_t n = strcspn (p, ".");
      if (n == 0 || (n <= 2 && strspn (p, "/") == n))
        return false;
      p += n;
      if (*p == '\0')
        return true;
    }
}

int
kr_sysctl_validate (const oci_config *cfg, kr_error **err)
{
  const oci_linux *lnx = cfg->linux;

  for (size_t i = 0; lnx && i < lnx->sysctl_len; i++)
    {
      _cleanup_free_ char *key = dotted (lnx->sysctl[i].key);
      if (key == NULL)
        return kr_error_set (err, ENOMEM, "linux.sysctl");
      if (!clean_key (key))
        return kr_error_set (err, 0, "linux.sysctl: \"%s\" is not a sysctl name",
                             lnx->sysctl[i].key);
      if (check_key (lnx, key, err) < 0)
        return -1;
    }
  return 0;
}

static bool
on_procfs (int fd)
{
  struct statfs sf;
  return fstatfs (fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

int
kr_sysctl_apply (const oci_linux *lnx, kr_error **err)
{
  _cleanup_close_ int proc = -1;

  if (lnx == NULL || lnx->sysctl_len == 0)
    return 0;
  /* The container's procfs (it answers for the namespaces of whoever opens
   * a file): /proc itself and every file below must be procfs, reached
   * without a symlink, so a rootfs cannot point the writes elsewhere. */
  proc = kr_openat2 (AT_FDCWD, "/proc", O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
                     RESOLVE_NO_SYMLINKS);
  if (proc < 0)
    return kr_error_set (err, errno, "linux.sysctl: open /proc");
  if (!kr_procfs_is_root (proc))
    return kr_error_set (err, 0, "linux.sysctl: /proc in the container is not procfs");
  for (size_t i = 0; i < lnx->sysctl_len; i++)
    {
      _cleanup_free_ char *key = dotted (lnx->sysctl[i].key);
      _cleanup_free_ char *rel = key ? strdup (key) : NULL;
      _cleanup_free_ char *path = NULL;
      _cleanup_close_ int fd = -1;
      const char *val = lnx->sysctl[i].value ? lnx->sysctl[i].value : "";
      size_t len = strlen (val);

      if (rel == NULL)
        return kr_error_set (err, ENOMEM, "linux.sysctl");
      for (char *p = rel; *p; p++)
        *p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
      if (asprintf (&path, "sys/%s", rel) < 0)
        return kr_error_set (err, ENOMEM, "linux.sysctl");
      /* NO_XDEV: a procfs file mounted over the key (a neighbour sharing a
       * mount, CVE-2025-52881) is procfs too, and would take the write. */
      fd = kr_openat2 (proc, path, O_WRONLY | O_TRUNC | O_CLOEXEC, 0,
                       RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS
                           | RESOLVE_NO_XDEV);
      if (fd < 0 && errno == EXDEV)
        return kr_error_set (err, 0, "linux.sysctl: \"%s\": a mount on /proc/%s would redirect the write",
                             key, path);
      if (fd < 0)
        return kr_error_set (err, errno, "linux.sysctl: open \"%s\"", key);
      if (!on_procfs (fd))
        return kr_error_set (err, 0, "linux.sysctl: /proc/%s is not procfs", path);
      if (write (fd, val, len) != (ssize_t) len)
        return kr_error_set (err, errno, "linux.sysctl: write \"%s\" = \"%s\"", key, val);
    }
  return 0;
}
