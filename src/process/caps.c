#define _GNU_SOURCE
#include "process/caps.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "base/util.h"

/* Index order is the kernel's; krill knows these whatever libcap knows. */
static const char *const cap_names[] = {
  "CAP_CHOWN",          "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
  "CAP_FSETID",         "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
  "CAP_SETPCAP",        "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",      "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",     "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",      "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",   "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
  "CAP_LEASE",          "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",   "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",  "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
};

int
kr_caps_kernel_count (void)
{
  static int count;
  if (count == 0)
    {
      int last = (int) cap_max_bits ();
      count = last > 0 ? last : (int) ARRAY_SIZE (cap_names);
    }
  return count;
}

int
kr_cap_from_name (const char *name)
{
  const char *n = name;

  if (strncasecmp (n, "CAP_", 4) == 0)
    n += 4;
  for (size_t i = 0; i < ARRAY_SIZE (cap_names); i++)
    if (strcasecmp (n, cap_names[i] + 4) == 0)
      return (int) i;
  return -1;
}

static int
parse_set (const char *set, char **names, size_t n, uint64_t *mask, kr_error **err)
{
  int kcount = kr_caps_kernel_count ();

  *mask = 0;
  for (size_t i = 0; i < n; i++)
    {
      int c = kr_cap_from_name (names[i]);
      if (c < 0)
        return kr_error_set (err, 0, "process.capabilities.%s: unknown capability \"%s\"", set,
                             names[i]);
      if (c < kcount)
        *mask |= 1ULL << c;
    }
  return 0;
}

int
kr_caps_parse (const oci_capabilities *c, kr_caps *out, kr_error **err)
{
  memset (out, 0, sizeof *out);
  /* Like runc, no capabilities object means no capabilities at all. */
  out->present = true;
  if (c == NULL)
    return 0;
  if (parse_set ("bounding", c->bounding, c->bounding_len, &out->bounding, err) < 0
      || parse_set ("effective", c->effective, c->effective_len, &out->effective, err) < 0
      || parse_set ("inheritable", c->inheritable, c->inheritable_len, &out->inheritable, err)
             < 0
      || parse_set ("permitted", c->permitted, c->permitted_len, &out->permitted, err) < 0
      || parse_set ("ambient", c->ambient, c->ambient_len, &out->ambient, err) < 0)
    return -1;
  return 0;
}

int
kr_caps_before_user (const kr_caps *caps, kr_error **err)
{
  int n = kr_caps_kernel_count ();

  if (!caps->present)
    return 0;
  for (int c = 0; c < n; c++)
    if (!(caps->bounding & (1ULL << c)) && prctl (PR_CAPBSET_DROP, c, 0, 0, 0) < 0
        && errno != EINVAL)
      return kr_error_set (err, errno, "drop %s from the bounding set", cap_names[c]);
  /* setresuid() away from 0 would clear the permitted set. */
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return kr_error_set (err, errno, "prctl PR_SET_KEEPCAPS");
  return 0;
}

static int
fill (cap_t c, cap_flag_t flag, uint64_t mask)
{
  int n = kr_caps_kernel_count ();
  for (int i = 0; i < n; i++)
    if (mask & (1ULL << i))
      {
        cap_value_t v = i;
        if (cap_set_flag (c, flag, 1, &v, CAP_SET) < 0)
          return -1;
      }
  return 0;
}

int
kr_caps_after_user (const kr_caps *caps, kr_error **err)
{
  cap_t c;
  int n = kr_caps_kernel_count ();

  if (!caps->present)
    return 0;
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return kr_error_set (err, errno, "prctl PR_SET_KEEPCAPS");
  c = cap_init ();
  if (c == NULL)
    return kr_error_set (err, errno, "cap_init");
  if (fill (c, CAP_EFFECTIVE, caps->effective) < 0 || fill (c, CAP_PERMITTED, caps->permitted) < 0
      || fill (c, CAP_INHERITABLE, caps->inheritable) < 0)
    {
      cap_free (c);
      return kr_error_set (err, errno, "build capability sets");
    }
  if (cap_set_proc (c) < 0)
    {
      int saved = errno;
      cap_free (c);
      return kr_error_set (err, saved, "set capabilities");
    }
  cap_free (c);
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return kr_error_set (err, errno, "clear ambient capabilities");
  for (int i = 0; i < n; i++)
    /* The kernel raises an ambient cap only if it is permitted and
     * inheritable; like runc, an ambient cap the other sets do not allow is
     * not raised (runc's default config lists ambient caps it cannot raise). */
    if ((caps->ambient & (1ULL << i)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0
        && errno != EPERM)
      return kr_error_set (err, errno, "raise ambient %s", cap_names[i]);
  return 0;
}
