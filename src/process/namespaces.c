#define _GNU_SOURCE
#include "process/namespaces.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/util.h"

const kr_ns_type kr_ns_types[KR_NS_TYPES] = {
  { "user", "user", CLONE_NEWUSER },       { "ipc", "ipc", CLONE_NEWIPC },
  { "uts", "uts", CLONE_NEWUTS },          { "network", "net", CLONE_NEWNET },
  { "pid", "pid", CLONE_NEWPID },          { "time", "time", CLONE_NEWTIME },
  { "cgroup", "cgroup", CLONE_NEWCGROUP }, { "mount", "mnt", CLONE_NEWNS },
};

int
kr_namespace_flag (const char *type)
{
  for (size_t i = 0; i < KR_NS_TYPES; i++)
    if (type && strcmp (type, kr_ns_types[i].type) == 0)
      return kr_ns_types[i].flag;
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
      if (flag == CLONE_NEWUSER)
        ns->user = true;
      if (n->path && *n->path)
        {
          int fd = open (n->path, O_RDONLY | O_CLOEXEC);
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
      else if (flag == CLONE_NEWTIME)
        ns->new_time = true;
      else
        ns->clone_flags |= (unsigned long) flag;
    }
  /* A type not listed is the runtime's (config-linux.md), mount included:
   * see kr_rootfs_* for what init does in krill's mount namespace. */
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
kr_namespaces_join_pid (const kr_namespaces *ns, int procfd, int *saved, kr_error **err)
{
  *saved = -1;
  for (size_t i = 0; i < ns->join_len; i++)
    if (ns->join[i].nstype == CLONE_NEWPID)
      {
        /* Our active pid namespace: setns back to it is always allowed
         * (the kernel accepts the active one or a descendant), even when
         * the path names it too. */
        _cleanup_close_ int own = openat (procfd, "self/ns/pid", O_RDONLY | O_CLOEXEC);
        if (own < 0)
          return kr_error_set (err, errno, "open /proc/self/ns/pid");
        if (join_one (&ns->join[i], err) < 0)
          return -1;
        *saved = TAKE_FD (own);
        return 0;
      }
  return 0;
}

int
kr_namespaces_leave_pid (int *saved, kr_error **err)
{
  _cleanup_close_ int fd = *saved;

  *saved = -1;
  if (fd >= 0 && setns (fd, CLONE_NEWPID) < 0)
    return kr_error_set (err, errno, "setns back to krill's own pid namespace");
  return 0;
}

bool
kr_namespaces_join_first (const kr_namespaces *ns)
{
  return ns->user && ns->join_len > 0;
}

int
kr_namespaces_join_all (kr_namespaces *ns, kr_error **err)
{
  /* In the order of kr_ns_types: the user namespace first, for the rights
   * over the ones it owns. */
  for (size_t t = 0; t < KR_NS_TYPES; t++)
    for (size_t i = 0; i < ns->join_len; i++)
      if (ns->join[i].nstype == kr_ns_types[t].flag && join_one (&ns->join[i], err) < 0)
        return -1;
  ns->joined = true;
  return 0;
}

int
kr_namespaces_join_rest (const kr_namespaces *ns, kr_error **err)
{
  if (ns->joined)
    return 0;
  for (size_t i = 0; i < ns->join_len; i++)
    if (ns->join[i].nstype != CLONE_NEWPID && join_one (&ns->join[i], err) < 0)
      return -1;
  return 0;
}

int
kr_namespaces_loopback_up (const kr_namespaces *ns, kr_error **err)
{
  _cleanup_close_ int fd = -1;
  struct ifreq ifr;

  if (!(ns->clone_flags & CLONE_NEWNET))
    return 0;
  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return kr_error_set (err, errno, "loopback: socket");
  memset (&ifr, 0, sizeof ifr);
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    return kr_error_set (err, errno, "loopback: get the flags of lo");
  if (ifr.ifr_flags & IFF_UP)
    return 0;
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
    return kr_error_set (err, errno, "loopback: bring lo up");
  return 0;
}
