/* The state dir's state.json, as every command reads it (kr_state_read,
 * from a file: it takes a directory), and the OCI state document. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "container/state.h"
#include "fuzz.h"
#include "ocispec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char dir_[] = "/tmp/krill-fuzz-state.XXXXXX";
static int dirfd_ = -1;

static void
remove_dir (void)
{
  unlinkat (dirfd_, KR_STATE_FILE, 0);
  rmdir (dir_);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *msg = NULL;
  oci_state *ost;
  kr_state *st = NULL;
  kr_error *err = NULL;
  int fd;

  if (dirfd_ < 0)
    {
      FUZZ_ASSERT (mkdtemp (dir_) != NULL, "mkdtemp");
      dirfd_ = open (dir_, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      FUZZ_ASSERT (dirfd_ >= 0, "open %s", dir_);
      atexit (remove_dir);
    }
  ost = oci_state_parse_data ((const char *) data, size, &msg);
  if (ost == NULL)
    FUZZ_ASSERT (msg != NULL, "no message");
  free (msg);
  oci_state_free (ost);

  fd = openat (dirfd_, KR_STATE_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  FUZZ_ASSERT (fd >= 0, "open state.json");
  FUZZ_ASSERT (write (fd, data, size) == (ssize_t) size, "write");
  close (fd);
  if (kr_state_read (dirfd_, &st, &err) == 0)
    {
      FUZZ_ASSERT (st != NULL && st->id != NULL && st->pid > 0, "read gave no id or pid");
      kr_state_free (st);
    }
  else
    FUZZ_ASSERT (err != NULL && err->msg != NULL, "failed with no message");
  kr_error_free (&err);
  return 0;
}
