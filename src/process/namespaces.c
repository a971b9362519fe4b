#define _GNU_SOURCE
#include "process/namespaces.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

static const struct
{
  const char *name;
  int flag;
} ns_types[] = {
  { "pid", CLONE_NEWPID },     { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
  { "ipc", CLONE_NEWIPC },     { "uts", CLONE_NEWUTS },     { "user", CLONE_NEWUSER },
  { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

int
kr_namespace_flag (const char *type)
{
  for (size_t i = 0; i < ARRAY_SIZE (ns_types); i++)
    if (type && strcmp (type, ns_types[i].name) == 0)
      return ns_types[i].flag;
  return 0;
}

int
kr_namespaces_prepare (const oci_linux *lnx, kr_namespaces *ns, kr_error **err)
{
  unsigned long seen = 0;

  memset (ns, 0, sizeof *ns);
  for (size_t i = 0; lnx && i < lnx->namespaces_len; i++)
    {
      const oci_namespace *n = &lnx->namespaces[i];
      int flag = kr_namespace_flag (n->type);

      if (flag == 0)
        return kr_error_set (err, 0, "linux.namespaces[%zu].type: unknown namespace \"%s\"", i,
                             n->type ? n->type : "");
      if (seen & (unsigned long) flag)
        return kr_error_set (err, 0, "linux.namespaces[%zu].type: duplicate namespace \"%s\"", i,
                             n->type);
      seen |= (unsigned long) flag;
      /* Not built yet: refused rather than run in the host's namespace. */
      if (flag == CLONE_NEWUSER || flag == CLONE_NEWTIME)
        return kr_error_set (err, 0, "linux.namespaces[%zu]: \"%s\" namespaces are not implemented yet",
                             i, n->type);
      if (n->path && *n->path)
        {
          int fd;
          if (flag == CLONE_NEWNS)
            return kr_error_set (err, 0,
                                 "linux.namespaces[%zu].path: joining a mount namespace is not implemented yet",
                                 i);
          fd = open (n->path, O_RDONLY | O_CLOEXEC);
          if (fd < 0)
            {
              kr_error_set (err, errno, "linux.namespaces[%zu].path: open \"%s\"", i, n->path);
              kr_namespaces_close (ns);
              return -1;
            }
          ns->join[ns->join_len].nstype = flag;
          ns->join[ns->join_len].fd = fd;
          ns->join[ns->join_len].path = n->path;
          ns->join_len++;
        }
      else if (flag == CLONE_NEWCGROUP)
        ns->new_cgroup = true;
      else
        ns->clone_flags |= (unsigned long) flag;
    }
  if (!(seen & CLONE_NEWNS))
    {
      kr_namespaces_close (ns);
      return kr_error_set (err, 0, "linux.namespaces: a mount namespace is required");
    }
  return 0;
}

void
kr_namespaces_close (kr_namespaces *ns)
{
  for (size_t i = 0; i < ns->join_len; i++)
    if (ns->join[i].fd >= 0)
      {
        close (ns->join[i].fd);
        ns->join[i].fd = -1;
      }
}

static int
join_one (const kr_ns_join *j, kr_error **err)
{
  if (setns (j->fd, j->nstype) < 0)
    return kr_error_set (err, errno, "setns %s", j->path);
  return 0;
}

int
kr_namespaces_join_pid (const kr_namespaces *ns, kr_error **err)
{
  for (size_t i = 0; i < ns->join_len; i++)
    if (ns->join[i].nstype == CLONE_NEWPID && join_one (&ns->join[i], err) < 0)
      return -1;
  return 0;
}

int
kr_namespaces_join_rest (const kr_namespaces *ns, kr_error **err)
{
  for (size_t i = 0; i < ns->join_len; i++)
    if (ns->join[i].nstype != CLONE_NEWPID && join_one (&ns->join[i], err) < 0)
      return -1;
  return 0;
}
