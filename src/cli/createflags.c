/* The flags create and run share, and their translation into create
 * options. */
#define _GNU_SOURCE
#include <stdlib.h>

#include "cli/cli.h"

int
cli_create_flags_apply (const cli_create_flags *f, kr_create_opts *o, kr_error **err)
{
  o->bundle = f->bundle;
  o->pid_file = f->pid_file;
  o->no_pivot = f->no_pivot;
  o->no_new_keyring = f->no_new_keyring;
  o->listen_fds = cli_listen_fds ();
  if (f->preserve_fds)
    {
      char *end;
      long n = strtol (f->preserve_fds, &end, 10);
      if (*end || n < 0 || n > 65536)
        return kr_error_set (err, 0, "--preserve-fds: invalid value \"%s\"", f->preserve_fds);
      o->preserve_fds = (int) n;
    }
  if (f->console_socket)
    {
      o->console_fd = cli_connect_console (f->console_socket, err);
      if (o->console_fd < 0)
        return -1;
    }
  return 0;
}
