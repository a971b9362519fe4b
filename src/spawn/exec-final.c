/* The exec stub's bytes (exec-stub-blob.c, made by Makefile.am from
 * exec-stub.c) in a sealed memfd: one per create or exec, a couple of KB,
 * never a copy of krill. See exec-stub.c for why. */
#define _GNU_SOURCE
#include "config.h"
#include "spawn/exec-final.h"

#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spawn/sync.h"
#include "base/util.h"

#ifdef HAVE_EXEC_STUB
extern const unsigned char kr_exec_stub[];
extern const unsigned long kr_exec_stub_len;

/* exec-stub.c speaks sync.h's protocol without including it. */
_Static_assert (KR_SYNC_EXEC_FAILED == 8, "exec-stub.c's STUB_SYNC_EXEC_FAILED");
_Static_assert (offsetof (kr_sync_msg, text) == 8 && sizeof ((kr_sync_msg *) 0)->text == 4000,
                "exec-stub.c's message layout");

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

int
kr_exec_stub_open (int min_fd, int *out, kr_error **err)
{
  _cleanup_close_ int fd = -1;
  size_t done = 0;

  /* MFD_EXEC: where vm.memfd_noexec makes memfds non-executable by
   * default; kernels before 6.3 do not know the flag. */
  fd = memfd_create ("krill-exec-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL)
    fd = memfd_create ("krill-exec-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    return kr_error_set (err, errno, "exec stub: memfd_create");
  while (done < kr_exec_stub_len)
    {
      ssize_t n = write (fd, kr_exec_stub + done, kr_exec_stub_len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return kr_error_set (err, n < 0 ? errno : EIO, "exec stub: write");
      done += (size_t) n;
    }
  /* Nobody, root in the container included, can change it from now on:
   * not through this fd, nor through /proc/PID/exe of the stub. */
  if (fchmod (fd, 0555) < 0
      || fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
    return kr_error_set (err, errno, "exec stub: seal");
  if (fd < min_fd)
    {
      int high = fcntl (fd, F_DUPFD_CLOEXEC, min_fd);
      if (high < 0)
        return kr_error_set (err, errno, "exec stub: fd above %d", min_fd);
      kr_closep (&fd);
      fd = high;
    }
  *out = TAKE_FD (fd);
  return 0;
}
#else
/* No stub for this architecture (exec-stub.c speaks x86_64 only): the
 * process execs its program itself, krill's binary until then, and stays
 * open to CVE-2019-5736 through a program that is /proc/self/exe. */
int
kr_exec_stub_open (int min_fd, int *out, kr_error **err)
{
  (void) min_fd;
  (void) err;
  *out = -1;
  return 0;
}
#endif
