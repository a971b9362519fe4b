#define _GNU_SOURCE
#include "process/timens.h"

#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/procfs.h"
#include "base/util.h"
#include "process/namespaces.h"

static int
clock_of (const char *name)
{
  if (strcmp (name, "monotonic") == 0)
    return CLOCK_MONOTONIC;
  if (strcmp (name, "boottime") == 0)
    return CLOCK_BOOTTIME;
  return -1;
}

int
kr_timens_validate (const oci_linux *lnx, kr_error **err)
{
  const oci_namespace *time = NULL;

  for (size_t i = 0; i < lnx->namespaces_len; i++)
    if (kr_namespace_flag (lnx->namespaces[i].type) == CLONE_NEWTIME)
      time = &lnx->namespaces[i];
  if (lnx->time_offsets_len == 0)
    return 0;
  if (time == NULL)
    return kr_error_set (err, 0, "linux.timeOffsets: time offsets given, but no new time "
                         "namespace in linux.namespaces");
  if (time->path && *time->path)
    return kr_error_set (err, 0, "linux.timeOffsets: time offsets given, but the time namespace "
                         "is joined by path");
  for (size_t i = 0; i < lnx->time_offsets_len; i++)
    {
      const oci_time_offset *o = &lnx->time_offsets[i];

      if (clock_of (o->key) < 0)
        return kr_error_set (err, 0, "linux.timeOffsets: unknown clock \"%s\" (monotonic or "
                             "boottime)", o->key);
      if (o->nanosecs >= 1000000000)
        return kr_error_set (err, 0, "linux.timeOffsets.%s.nanosecs: %u is not below 1000000000",
                             o->key, o->nanosecs);
    }
  return 0;
}

int
kr_timens_enter_new (int procfd, const oci_linux *lnx, kr_error **err)
{
  char text[128] = "";
  size_t len = 0;
  _cleanup_close_ int ns = -1;

  if (unshare (CLONE_NEWTIME) < 0)
    return kr_error_set (err, errno, "unshare time namespace");
  /* "<clock id> <secs> <nanosecs>" a line, all in one write (two clocks at
   * most: kr_timens_validate). */
  for (size_t i = 0; i < lnx->time_offsets_len && i < 2; i++)
    {
      const oci_time_offset *o = &lnx->time_offsets[i];
      len += (size_t) snprintf (text + len, sizeof text - len, "%d %" PRId64 " %u\n",
                                clock_of (o->key), o->secs, o->nanosecs);
    }
  if (len && kr_procfs_write_at (procfd, "self/timens_offsets", text, err) < 0)
    return kr_error_prefix (err, "linux.timeOffsets");
  ns = openat (procfd, "self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
  if (ns < 0)
    return kr_error_set (err, errno, "open /proc/self/ns/time_for_children");
  if (setns (ns, CLONE_NEWTIME) < 0)
    return kr_error_set (err, errno, "enter the new time namespace");
  return 0;
}
