#define _GNU_SOURCE
#include "container/state-resources.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/resources.h"
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
  oci_resources copy = *r;
  _cleanup_free_ char *json = NULL;
  _cleanup_close_ int fd = -1;
  char *msg = NULL;
  size_t len, off = 0;

  copy.devices = NULL;
  copy.devices_len = 0;
  json = oci_resources_generate (&copy, &msg);
  if (json == NULL)
    {
      kr_error_take (err, 0, msg);
      return kr_error_prefix (err, "write " KR_RESOURCES_FILE);
    }
  len = strlen (json);
  fd = openat (dirfd, KR_RESOURCES_FILE ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return kr_error_set (err, errno, "open " KR_RESOURCES_FILE ".tmp");
  while (off < len)
    {
      ssize_t n = write (fd, json + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return kr_error_set (err, errno, "write " KR_RESOURCES_FILE ".tmp");
      off += (size_t) n;
    }
  /* The rename alone is atomic for readers; no fsync: the state dir is on
   * a tmpfs (/run) like runc's, and a crash takes the container with it. */
  if (renameat (dirfd, KR_RESOURCES_FILE ".tmp", dirfd, KR_RESOURCES_FILE) < 0)
    return kr_error_set (err, errno, "rename " KR_RESOURCES_FILE);
  return 0;
}

int
kr_state_resources_save (int dirfd, const oci_resources *r, kr_error **err)
{
  if (!kr_cgroup_resources_set (r))
    return 0;
  return kr_state_resources_write (dirfd, r, err);
}
