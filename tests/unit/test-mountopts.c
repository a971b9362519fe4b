/* The mount option parser: flags set and cleared, propagation in order,
 * recursive attributes, the data string, refusals. Pure logic, no root. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "base/mountapi.h"
#include "rootfs/mountopts.h"

static int passed, failed;

static void
check (bool ok, const char *name)
{
  printf ("%s %s\n", ok ? "ok" : "not ok", name);
  if (ok)
    passed++;
  else
    failed++;
}

/* Parses the NULL-terminated list into *o; true when it parsed. */
#define PARSE(o, ...)                                                         \
  ({                                                                          \
    char *_v[] = { __VA_ARGS__ };                                             \
    kr_error *_e = NULL;                                                      \
    int _r = kr_mount_opts_parse (_v, sizeof _v / sizeof _v[0], (o), &_e);    \
    kr_error_free (&_e);                                                      \
    _r == 0;                                                                  \
  })

static void
test_runc_defaults (void)
{
  kr_mount_opts o;

  check (PARSE (&o, "nosuid", "strictatime", "mode=755", "size=65536k")
             && o.flags == (MS_NOSUID | MS_STRICTATIME) && o.cleared == 0
             && strcmp (o.data, "mode=755,size=65536k") == 0
             && o.propagation_len == 0 && o.rec_set == 0 && o.rec_clr == 0,
         "dev_tmpfs");
  kr_mount_opts_release (&o);

  check (PARSE (&o, "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620", "gid=5")
             && o.flags == (MS_NOSUID | MS_NOEXEC)
             && strcmp (o.data, "newinstance,ptmxmode=0666,mode=0620,gid=5")
                    == 0,
         "devpts");
  kr_mount_opts_release (&o);

  check (PARSE (&o, "nosuid", "noexec", "nodev", "relatime", "ro")
             && o.flags
                    == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME
                        | MS_RDONLY)
             && strcmp (o.data, "") == 0,
         "cgroup_ro");
  kr_mount_opts_release (&o);
}

static void
test_set_and_clear (void)
{
  kr_mount_opts o;

  check (PARSE (&o, "ro", "rw") && !(o.flags & MS_RDONLY)
             && (o.cleared & MS_RDONLY),
         "rw_after_ro_clears");
  kr_mount_opts_release (&o);
  check (PARSE (&o, "rw", "ro") && (o.flags & MS_RDONLY)
             && !(o.cleared & MS_RDONLY),
         "ro_after_rw_sets");
  kr_mount_opts_release (&o);
  check (PARSE (&o, "suid", "dev", "exec", "atime", "diratime", "async",
                "nomand", "nolazytime", "noiversion", "loud", "symfollow",
                "norelatime", "nostrictatime")
             && o.flags == 0
             && o.cleared
                    == (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME
                        | MS_NODIRATIME | MS_SYNCHRONOUS | MS_MANDLOCK
                        | MS_LAZYTIME | MS_I_VERSION | MS_SILENT
                        | MS_NOSYMFOLLOW | MS_RELATIME | MS_STRICTATIME),
         "every_clearing_option");
  kr_mount_opts_release (&o);
  check (PARSE (&o, "sync", "dirsync", "mand", "lazytime", "iversion",
                "silent", "noatime", "nodiratime", "nosymfollow", "remount",
                "defaults")
             && o.flags
                    == (MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK
                        | MS_LAZYTIME | MS_I_VERSION | MS_SILENT | MS_NOATIME
                        | MS_NODIRATIME | MS_NOSYMFOLLOW | MS_REMOUNT)
             && *o.data == '\0',
         "every_setting_option");
  kr_mount_opts_release (&o);
  check (PARSE (&o, "bind") && o.flags == MS_BIND, "bind");
  kr_mount_opts_release (&o);
  check (PARSE (&o, "rbind", "ro") && o.flags == (MS_BIND | MS_REC | MS_RDONLY),
         "rbind");
  kr_mount_opts_release (&o);
}

static void
test_propagation (void)
{
  kr_mount_opts o;

  check (PARSE (&o, "rprivate", "shared", "rslave", "unbindable",
                "runbindable", "private", "slave", "rshared")
             && o.propagation_len == 8
             && o.propagation[0] == (MS_PRIVATE | MS_REC)
             && o.propagation[1] == MS_SHARED
             && o.propagation[2] == (MS_SLAVE | MS_REC)
             && o.propagation[3] == MS_UNBINDABLE
             && o.propagation[4] == (MS_UNBINDABLE | MS_REC)
             && o.propagation[5] == MS_PRIVATE
             && o.propagation[6] == MS_SLAVE
             && o.propagation[7] == (MS_SHARED | MS_REC) && o.flags == 0,
         "propagation_in_order");
  kr_mount_opts_release (&o);
}

static void
test_recursive (void)
{
  kr_mount_opts o;

  check (PARSE (&o, "rbind", "rro", "rnosuid", "rnodev", "rnoexec")
             && o.rec_set
                    == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID
                        | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)
             && o.rec_clr == 0 && o.flags == (MS_BIND | MS_REC),
         "rec_set");
  kr_mount_opts_release (&o);
  check (PARSE (&o, "rro", "rrw") && o.rec_set == 0
             && o.rec_clr == MOUNT_ATTR_RDONLY,
         "rec_rw_after_ro");
  kr_mount_opts_release (&o);
  check (PARSE (&o, "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow")
             && o.rec_set == 0
             && o.rec_clr
                    == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                        | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME
                        | MOUNT_ATTR_NOSYMFOLLOW),
         "rec_clear");
  kr_mount_opts_release (&o);
  check (PARSE (&o, "rnoatime") && o.rec_set == MOUNT_ATTR_NOATIME
             && o.rec_clr == MOUNT_ATTR__ATIME,
         "rec_atime_is_an_enum");
  kr_mount_opts_release (&o);
  check (PARSE (&o, "rnoatime", "rstrictatime")
             && o.rec_set == MOUNT_ATTR_STRICTATIME
             && o.rec_clr == MOUNT_ATTR__ATIME,
         "rec_atime_last_wins");
  kr_mount_opts_release (&o);
  check (PARSE (&o, "rnoatime", "ratime") && o.rec_set == MOUNT_ATTR_RELATIME
             && o.rec_clr == MOUNT_ATTR__ATIME,
         "rec_atime_off_is_relatime");
  kr_mount_opts_release (&o);
  check (PARSE (&o, "rnodiratime", "rrelatime")
             && o.rec_set == MOUNT_ATTR_NODIRATIME
             && o.rec_clr == MOUNT_ATTR__ATIME,
         "rec_nodiratime_not_atime_enum");
  kr_mount_opts_release (&o);
}

static void
test_data_and_refusals (void)
{
  kr_mount_opts o;
  kr_error *e = NULL;
  char *v[] = { "ro", "tmpcopyup" };

  check (PARSE (&o, "size=1m", "", "uid=0", "context=\"a:b\"")
             && strcmp (o.data, "size=1m,uid=0,context=\"a:b\"") == 0,
         "data_keeps_order_skips_empty");
  kr_mount_opts_release (&o);
  check (kr_mount_opts_parse (NULL, 0, &o, NULL) == 0 && o.flags == 0
             && strcmp (o.data, "") == 0,
         "no_options");
  kr_mount_opts_release (&o);
  check (kr_mount_opts_parse (v, 2, &o, &e) == 0 && o.tmpcopyup && (o.flags & MS_RDONLY)
             && strcmp (o.data, "") == 0,
         "tmpcopyup_flag");
  kr_mount_opts_release (&o);
  kr_error_free (&e);
  check (!PARSE (&o, "idmap") && !PARSE (&o, "ridmap"), "idmap_refused");
}

static void
test_attr_from_flags (void)
{
  check (kr_mount_attr_from_flags (MS_RDONLY | MS_NOSUID | MS_NODEV
                                   | MS_NOEXEC | MS_NODIRATIME
                                   | MS_NOSYMFOLLOW)
             == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                 | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME
                 | MOUNT_ATTR_NOSYMFOLLOW),
         "attr_per_mount_bits");
  check (kr_mount_attr_from_flags (MS_NOATIME) == MOUNT_ATTR_NOATIME
             && kr_mount_attr_from_flags (MS_STRICTATIME | MS_NOATIME)
                    == MOUNT_ATTR_STRICTATIME
             && kr_mount_attr_from_flags (MS_RELATIME) == MOUNT_ATTR_RELATIME,
         "attr_atime");
  check (kr_mount_attr_from_flags (MS_SYNCHRONOUS | MS_BIND | MS_REC
                                   | MS_LAZYTIME)
             == 0,
         "attr_ignores_superblock_and_operation");
}

static void
test_names (void)
{
  size_t n = 0;
  const char *const *names = kr_mount_option_names (&n);
  bool ro = false, rro = false, tmpcopyup = false, rprivate = false;

  for (size_t i = 0; i < n; i++)
    {
      ro |= strcmp (names[i], "ro") == 0;
      rro |= strcmp (names[i], "rro") == 0;
      rprivate |= strcmp (names[i], "rprivate") == 0;
      tmpcopyup |= strcmp (names[i], "tmpcopyup") == 0;
    }
  check (n >= 55 && ro && rro && rprivate && tmpcopyup, "option_names");
}

int
main (void)
{
  test_runc_defaults ();
  test_set_and_clear ();
  test_propagation ();
  test_recursive ();
  test_data_and_refusals ();
  test_attr_from_flags ();
  test_names ();
  printf ("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
