/* Device rules: linux.resources.devices validated and completed with the
 * devices every container gets.  Pure logic: the v1 writer (v1.c) and, later,
 * the cgroup2 BPF program generator consume the same rule list. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup-internal.h"
#include "util.h"

/* The devices the spec's "Default Devices" section makes every container
 * have, the mknod permission for any device and /dev/net/tun: runc's default
 * allowed list, in runc's order.  PATH lets linux.devices replace a default. */
static const struct
{
  const char *path;
  kr_dev_rule rule;
} default_rules[] = {
  { NULL, { true, 'c', -1, -1, "m" } },
  { NULL, { true, 'b', -1, -1, "m" } },
  { "/dev/null", { true, 'c', 1, 3, "rwm" } },
  { "/dev/random", { true, 'c', 1, 8, "rwm" } },
  { "/dev/full", { true, 'c', 1, 7, "rwm" } },
  { "/dev/tty", { true, 'c', 5, 0, "rwm" } },
  { "/dev/zero", { true, 'c', 1, 5, "rwm" } },
  { "/dev/urandom", { true, 'c', 1, 9, "rwm" } },
  { NULL, { true, 'c', 136, -1, "rwm" } },   /* the ptys of /dev/pts, /dev/console */
  { NULL, { true, 'c', 5, 2, "rwm" } },      /* /dev/ptmx */
  { NULL, { true, 'c', 10, 200, "rwm" } },   /* /dev/net/tun */
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

  rules[k++] = (kr_dev_rule) { false, 'a', -1, -1, "rwm" };
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
