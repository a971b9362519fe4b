#define _GNU_SOURCE
#include "container/state-resources.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/resources.h"
#include "base/file.h"
#include "base/fs.h"
#include "base/util.h"

int
kr_state_resources_read (int dirfd, oci_resources **out, kr_error **err)
{
  _cleanup_error_ kr_error *e = NULL;
  _cleanup_free_ char *text = NULL;
  char *msg = NULL;

  *out = NULL;
  if (kr_fs_read_file (dirfd, KR_RESOURCES_FILE, &text, NULL, &e) < 0)
    {
      if (e->errnum == ENOENT)
        return 0;
      return kr_error_set (err, e->errnum, "read " KR_RESOURCES_FILE);
    }
  *out = oci_resources_parse_data (text, strlen (text), &msg);
  if (*out == NULL)
    {
      kr_error_take (err, 0, msg);
      return kr_error_prefix (err, KR_RESOURCES_FILE);
    }
  return 0;
}

int
kr_state_resources_write (int dirfd, const oci_resources *r, kr_error **err)
{
  _cleanup_free_ char *json = NULL;
  char *msg = NULL;

  /* The device rules too: update -r replaces them, and the list in force
   * is what a failed update puts back. */
  json = oci_resources_generate (r, &msg);
  if (json == NULL)
    {
      kr_error_take (err, 0, msg);
      return kr_error_prefix (err, "write " KR_RESOURCES_FILE);
    }
  /* Not durable: the state dir is on a tmpfs (/run) like runc's, and a
   * crash takes the container with it. */
  return kr_write_file_atomic (dirfd, KR_RESOURCES_FILE, json, strlen (json), 0600, false, err);
}

int
kr_state_resources_save (int dirfd, const oci_resources *r, kr_error **err)
{
  if (!kr_cgroup_resources_set (r))
    return 0;
  return kr_state_resources_write (dirfd, r, err);
}
