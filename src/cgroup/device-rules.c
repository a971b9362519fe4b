/* Device rules: linux.resources.devices validated and completed with the
 * devices every container gets, and the policy they add up to.  Pure logic:
 * the v1 writer (v1.c) writes the rule list, the cgroup2 BPF program
 * (ebpf.c) is generated from the policy. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "base/util.h"

/* The devices the spec's "Default Devices" section makes every container
 * have, the mknod permission for any device and /dev/net/tun: runc's default
 * allowed list, in runc's order.  PATH lets linux.devices replace a default. */
static const struct
{
  const char *path;
  kr_dev_rule rule;
} default_rules[] = {
  { NULL, { true, 'c', -1, -1, "m", 0 } },
  { NULL, { true, 'b', -1, -1, "m", 0 } },
  { "/dev/null", { true, 'c', 1, 3, "rwm", 0 } },
  { "/dev/random", { true, 'c', 1, 8, "rwm", 0 } },
  { "/dev/full", { true, 'c', 1, 7, "rwm", 0 } },
  { "/dev/tty", { true, 'c', 5, 0, "rwm", 0 } },
  { "/dev/zero", { true, 'c', 1, 5, "rwm", 0 } },
  { "/dev/urandom", { true, 'c', 1, 9, "rwm", 0 } },
  { NULL, { true, 'c', 136, -1, "rwm", 0 } },   /* the ptys of /dev/pts, /dev/console */
  { NULL, { true, 'c', 5, 2, "rwm", 0 } },      /* /dev/ptmx */
  { NULL, { true, 'c', 10, 200, "rwm", 0 } },   /* /dev/net/tun */
};

static int
parse_access (const char *s, char out[4])
{
  bool r = false, w = false, m = false;
  size_t k = 0;

  if (s == NULL || *s == '\0')
    return -1;
  for (; *s; s++)
    switch (*s)
      {
      case 'r': r = true; break;
      case 'w': w = true; break;
      case 'm': m = true; break;
      default: return -1;
      }
  if (r)
    out[k++] = 'r';
  if (w)
    out[k++] = 'w';
  if (m)
    out[k++] = 'm';
  out[k] = '\0';
  return 0;
}

static int
convert (const oci_device_cgroup *d, size_t i, kr_dev_rule *r, kr_error **err)
{
  const char *type = d->type ? d->type : "a";

  r->from_config = i + 1;
  r->allow = d->has_allow && d->allow;
  if (strcmp (type, "a") != 0 && strcmp (type, "c") != 0 && strcmp (type, "b") != 0)
    return kr_error_set (err, 0, "linux.resources.devices[%zu].type: invalid device type \"%s\"",
                         i, type);
  r->type = type[0];
  r->major = d->has_major ? d->major : -1;
  r->minor = d->has_minor ? d->minor : -1;
  if (r->major < -1)
    return kr_error_set (err, 0, "linux.resources.devices[%zu].major: invalid major %" PRId64,
                         i, d->major);
  if (r->minor < -1)
    return kr_error_set (err, 0, "linux.resources.devices[%zu].minor: invalid minor %" PRId64,
                         i, d->minor);
  if (d->access == NULL || d->access[0] == '\0')
    /* runc refuses an empty access too: "" would be a rule that grants
     * or denies nothing, which is never what the author meant. */
    return kr_error_set (err, 0, "linux.resources.devices[%zu].access: must not be empty", i);
  if (parse_access (d->access, r->access) < 0)
    return kr_error_set (err, 0,
                         "linux.resources.devices[%zu].access: invalid access \"%s\" (expected a subset of \"rwm\")",
                         i, d->access);
  return 0;
}

static bool
listed (const oci_linux *lx, const char *path)
{
  if (lx == NULL || path == NULL)
    return false;
  for (size_t i = 0; i < lx->devices_len; i++)
    if (lx->devices[i].path && strcmp (lx->devices[i].path, path) == 0)
      return true;
  return false;
}

int
kr_cg_device_rules (const oci_linux *lx, kr_dev_rule **out, size_t *n, kr_error **err)
{
  const oci_device_cgroup *cfg = NULL;
  size_t n_cfg = 0, k = 0;
  _cleanup_free_ kr_dev_rule *rules = NULL;

  if (lx && lx->resources)
    {
      cfg = lx->resources->devices;
      n_cfg = lx->resources->devices_len;
    }
  rules = calloc (1 + n_cfg + ARRAY_SIZE (default_rules), sizeof *rules);
  if (rules == NULL)
    return kr_error_set (err, errno, "allocate device rules");

  rules[k++] = (kr_dev_rule) { false, 'a', -1, -1, "rwm", 0 };
  for (size_t i = 0; i < n_cfg; i++)
    if (convert (&cfg[i], i, &rules[k++], err) < 0)
      return -1;
  for (size_t i = 0; i < ARRAY_SIZE (default_rules); i++)
    if (!listed (lx, default_rules[i].path))
      rules[k++] = default_rules[i].rule;

  *out = TAKE_PTR (rules);
  *n = k;
  return 0;
}

static void
number (char *buf, size_t size, int64_t v)
{
  if (v < 0)
    snprintf (buf, size, "*");
  else
    snprintf (buf, size, "%" PRId64, v);
}

void
kr_cg_device_v1_line (const kr_dev_rule *r, char *buf, size_t size)
{
  char major[24], minor[24];

  /* The kernel reads "a" as every device and every access, whatever
   * follows it: say just that. */
  if (r->type == 'a')
    {
      snprintf (buf, size, "a");
      return;
    }
  number (major, sizeof major, r->major);
  number (minor, sizeof minor, r->minor);
  snprintf (buf, size, "%c %s:%s %s", r->type, major, minor, r->access);
}

/* ------------------------------------------------------------------ policy */

static unsigned
access_bits (const char *access)
{
  unsigned bits = 0;
  for (; *access; access++)
    bits |= *access == 'r' ? KR_DEV_ACC_READ : *access == 'w' ? KR_DEV_ACC_WRITE : KR_DEV_ACC_MKNOD;
  return bits;
}

static void
rule_name (const kr_dev_rule *r, char *buf, size_t size)
{
  char line[80];

  kr_cg_device_v1_line (r, line, sizeof line);
  if (r->from_config)
    snprintf (buf, size, "linux.resources.devices[%zu] (%s %s)", r->from_config - 1,
              r->allow ? "allow" : "deny", line);
  else
    snprintf (buf, size, "default device rule (%s %s)", r->allow ? "allow" : "deny", line);
}

static kr_dev_exception *
find_exception (kr_dev_policy *pol, char type, int64_t major, int64_t minor)
{
  for (size_t i = 0; i < pol->n; i++)
    if (pol->exc[i].type == type && pol->exc[i].major == major && pol->exc[i].minor == minor)
      return &pol->exc[i];
  return NULL;
}

static int
add_exception (kr_dev_policy *pol, const kr_dev_rule *r, kr_error **err)
{
  kr_dev_exception *e = find_exception (pol, r->type, r->major, r->minor), *p;

  if (e)
    {
      e->access |= access_bits (r->access);
      return 0;
    }
  p = realloc (pol->exc, (pol->n + 1) * sizeof *p);
  if (p == NULL)
    return kr_error_set (err, errno, "allocate device policy");
  pol->exc = p;
  pol->exc[pol->n++] = (kr_dev_exception) { r->type, r->major, r->minor, access_bits (r->access) };
  return 0;
}

static int
remove_exception (kr_dev_policy *pol, const kr_dev_rule *r, kr_error **err)
{
  unsigned bits = access_bits (r->access);
  const int64_t partial[3][2] = { { -1, r->minor }, { r->major, -1 }, { -1, -1 } };
  kr_dev_exception *e;

  /* The kernel only narrows an exception with exactly this type:major:minor;
   * one that covers the device through a wildcard keeps the access, so the
   * rule would say "deny" and do nothing. */
  for (size_t i = 0; i < ARRAY_SIZE (partial); i++)
    {
      if (partial[i][0] == r->major && partial[i][1] == r->minor)
        continue;
      e = find_exception (pol, r->type, partial[i][0], partial[i][1]);
      if (e && (e->access & bits))
        {
          char name[160], wild[80];
          kr_dev_rule w = { true, e->type, e->major, e->minor, "", 0 };
          size_t k = 0;
          if (e->access & KR_DEV_ACC_READ)
            w.access[k++] = 'r';
          if (e->access & KR_DEV_ACC_WRITE)
            w.access[k++] = 'w';
          if (e->access & KR_DEV_ACC_MKNOD)
            w.access[k++] = 'm';
          rule_name (r, name, sizeof name);
          kr_cg_device_v1_line (&w, wild, sizeof wild);
          return kr_error_set (err, 0, "%s: cannot take access away from part of the wildcard rule \"%s\"",
                               name, wild);
        }
    }
  e = find_exception (pol, r->type, r->major, r->minor);
  if (e == NULL)
    return 0;
  e->access &= ~bits;
  if (e->access == 0)
    *e = pol->exc[--pol->n];
  return 0;
}

int
kr_cg_device_policy (const kr_dev_rule *rules, size_t n, kr_dev_policy *pol, kr_error **err)
{
  *pol = (kr_dev_policy) { false, NULL, 0 };
  for (size_t i = 0; i < n; i++)
    {
      const kr_dev_rule *r = &rules[i];
      int ret;

      if (r->type == 'a')
        {
          /* Whatever major, minor and access say: the kernel reads "a" alone. */
          kr_cg_device_policy_free (pol);
          pol->default_allow = r->allow;
          continue;
        }
      if (r->allow != pol->default_allow)
        ret = add_exception (pol, r, err);
      else
        ret = remove_exception (pol, r, err);
      if (ret < 0)
        {
          kr_cg_device_policy_free (pol);
          return -1;
        }
    }
  return 0;
}

void
kr_cg_device_policy_free (kr_dev_policy *pol)
{
  free (pol->exc);
  pol->exc = NULL;
  pol->n = 0;
}

static bool
matches (const kr_dev_exception *e, char type, uint32_t major, uint32_t minor)
{
  return e->type == type && (e->major < 0 || e->major == major) && (e->minor < 0 || e->minor == minor);
}

bool
kr_cg_device_allowed (const kr_dev_policy *pol, char type, uint32_t major, uint32_t minor,
                      unsigned access)
{
  for (size_t i = 0; i < pol->n; i++)
    {
      const kr_dev_exception *e = &pol->exc[i];
      if (!matches (e, type, major, minor))
        continue;
      if (pol->default_allow && (access & e->access))
        return false;
      if (!pol->default_allow && (access & ~e->access) == 0)
        return true;
    }
  return pol->default_allow;
}
