/* Pause and resume: the v1 freezer hierarchy (freezer.state) or cgroup2's
 * cgroup.freeze, each waited on until the kernel reports the new state. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup/cgroup-internal.h"
#include "base/util.h"

/* How long a freeze may take before it is undone and reported. */
#define KR_FREEZE_TIMEOUT_MS 10000

static void
sleep_us (long us)
{
  nanosleep (&(struct timespec) { us / 1000000, (us % 1000000) * 1000 }, NULL);
}

/* H, the hierarchy that freezes, opened: the unified leaf on a unified
 * host, else the v1 freezer (on hybrid hosts the unified one carries no
 * controller); NULL when there is none. */
static int
freezer_hier (kr_cg_hier *h, kr_error **err)
{
  if (h == NULL)
    return kr_error_set (err, ENOENT, "no freezer cgroup: the freezer controller is not mounted");
  return kr_cg_open_leaf (h, err);
}

static const char *
trim (char *s)
{
  s[strcspn (s, "\n")] = '\0';
  return s;
}

/* ------------------------------------------------------------------ v1 */

static int
v1_freeze (kr_cg_hier *h, kr_error **err)
{
  long deadline = kr_cg_now_ms () + KR_FREEZE_TIMEOUT_MS;
  char dir[PATH_MAX];

  kr_cg_hier_dir (h, dir, sizeof dir);
  /* A v1 freeze can stay FREEZING while tasks keep forking or joining:
   * rewriting FROZEN retries it, and an occasional thaw lets a racing
   * fork finish, as runc does. */
  for (unsigned i = 0;; i++)
    {
      _cleanup_free_ char *state = NULL;

      if (i % 50 == 49)
        {
          kr_cg_write_at (h->fd, "freezer.state", "THAWED", NULL);
          sleep_us (10000);
        }
      if (kr_cg_write_at (h->fd, "freezer.state", "FROZEN", err) < 0
          || kr_cg_read_at (h->fd, "freezer.state", &state, err) < 0)
        {
          kr_cg_write_at (h->fd, "freezer.state", "THAWED", NULL);
          return kr_error_prefix (err, "freeze %s", dir);
        }
      if (strcmp (trim (state), "FROZEN") == 0)
        return 0;
      if (strcmp (state, "FREEZING") != 0)
        {
          kr_cg_write_at (h->fd, "freezer.state", "THAWED", NULL);
          return kr_error_set (err, 0, "freeze %s: unexpected freezer.state \"%s\"", dir, state);
        }
      if (kr_cg_now_ms () > deadline)
        {
          kr_cg_write_at (h->fd, "freezer.state", "THAWED", NULL);
          return kr_error_set (err, EBUSY, "freeze %s: still FREEZING after %d ms, thawed again", dir,
                               KR_FREEZE_TIMEOUT_MS);
        }
      sleep_us (i < 100 ? 100 : 1000);
    }
}

static int
v1_thaw (kr_cg_hier *h, kr_error **err)
{
  char dir[PATH_MAX];

  /* THAWED takes effect at once: the kernel wakes every task before the
   * write returns. */
  if (kr_cg_write_at (h->fd, "freezer.state", "THAWED", err) < 0)
    return kr_error_prefix (err, "thaw %s", kr_cg_hier_dir (h, dir, sizeof dir));
  return 0;
}

static int
v1_is_frozen (kr_cg_hier *h, bool *frozen, kr_error **err)
{
  _cleanup_free_ char *state = NULL, *self = NULL;
  _cleanup_error_ kr_error *e = NULL;

  if (kr_cg_read_at (h->fd, "freezer.state", &state, err) < 0)
    return -1;
  trim (state);
  *frozen = false;
  if (strcmp (state, "THAWED") == 0)
    return 0;
  /* FROZEN or FREEZING: frozen by us, or only through an ancestor? */
  if (kr_cg_read_at (h->fd, "freezer.self_freezing", &self, &e) == 0)
    *frozen = self[0] == '1';
  else if (e->errnum == ENOENT)
    *frozen = true; /* a kernel without self_freezing */
  else
    {
      if (err)
        {
          kr_error_free (err);
          *err = TAKE_PTR (e);
        }
      return -1;
    }
  return 0;
}

/* ------------------------------------------------------------------ v2 */

/* Waits until cgroup.events says "frozen WANT". */
static int
v2_wait (kr_cg_hier *h, bool want, kr_error **err)
{
  long deadline = kr_cg_now_ms () + KR_FREEZE_TIMEOUT_MS;
  char dir[PATH_MAX];

  kr_cg_hier_dir (h, dir, sizeof dir);
  for (unsigned i = 0;; i++)
    {
      _cleanup_free_ char *events = NULL;
      char *line;

      if (kr_cg_read_at (h->fd, "cgroup.events", &events, err) < 0)
        return kr_error_prefix (err, "%s", dir);
      line = strstr (events, "frozen ");
      if (line == NULL)
        return kr_error_set (err, ENOTSUP, "%s: no \"frozen\" in cgroup.events", dir);
      if ((line[7] == '1') == want)
        return 0;
      if (kr_cg_now_ms () > deadline)
        return kr_error_set (err, EBUSY, "%s: not %s after %d ms", dir, want ? "frozen" : "thawed",
                             KR_FREEZE_TIMEOUT_MS);
      sleep_us (i < 100 ? 100 : 1000);
    }
}

static int
v2_set (kr_cg_hier *h, bool freeze, kr_error **err)
{
  char dir[PATH_MAX];

  kr_cg_hier_dir (h, dir, sizeof dir);
  if (kr_cg_write_at (h->fd, "cgroup.freeze", freeze ? "1" : "0", err) < 0)
    return kr_error_prefix (err, "%s %s", freeze ? "freeze" : "thaw", dir);
  if (v2_wait (h, freeze, err) < 0)
    {
      if (freeze)
        kr_cg_write_at (h->fd, "cgroup.freeze", "0", NULL);
      return kr_error_prefix (err, "%s", freeze ? "freeze" : "thaw");
    }
  return 0;
}

static int
v2_is_frozen (kr_cg_hier *h, bool *frozen, kr_error **err)
{
  _cleanup_free_ char *v = NULL;

  /* What was asked of this cgroup, like runc: cgroup.freeze is 1 only when
   * set here, not when an ancestor is frozen. */
  if (kr_cg_read_at (h->fd, "cgroup.freeze", &v, err) < 0)
    return -1;
  *frozen = v[0] == '1';
  return 0;
}

/* ------------------------------------------------------------------ drivers */

int
kr_cg_v1_freeze (kr_cgroup *cg, bool freeze, kr_error **err)
{
  kr_cg_hier *h = kr_cg_find (cg, "freezer");

  if (freezer_hier (h, err) < 0)
    return -1;
  return freeze ? v1_freeze (h, err) : v1_thaw (h, err);
}

int
kr_cg_v1_is_frozen (kr_cgroup *cg, bool *frozen, kr_error **err)
{
  kr_cg_hier *h = kr_cg_find (cg, "freezer");

  if (freezer_hier (h, err) < 0)
    return -1;
  return v1_is_frozen (h, frozen, err);
}

int
kr_cg_v2_freeze (kr_cgroup *cg, bool freeze, kr_error **err)
{
  kr_cg_hier *h = kr_cg_leaf (cg);

  if (freezer_hier (h, err) < 0)
    return -1;
  return v2_set (h, freeze, err);
}

int
kr_cg_v2_is_frozen (kr_cgroup *cg, bool *frozen, kr_error **err)
{
  kr_cg_hier *h = kr_cg_leaf (cg);

  if (freezer_hier (h, err) < 0)
    return -1;
  return v2_is_frozen (h, frozen, err);
}
