/* `update`: new limits for a live container.  As runc does, the change is
 * merged onto the resources in force (resources.json in the state dir) and
 * the whole merged set is applied again, so that pairs that constrain each
 * other (memory and swap, quota and period) are written in a valid order;
 * on a failure the previous set is applied back.  Device rules given with
 * -r replace the list in force (runc leaves them alone; the issue tracker's
 * clients asked for them to work), through the same path as at create. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/resources.h"
#include "container/container.h"
#include "base/id.h"
#include "base/log.h"
#include "container/state-resources.h"
#include "base/util.h"

#define TAKE(d, s, f)                                                         \
  do                                                                          \
    if ((s)->has_##f)                                                         \
      {                                                                       \
        (d)->f = (s)->f;                                                      \
        (d)->has_##f = true;                                                  \
      }                                                                       \
  while (0)

/* *D (allocated when NULL) for a merge into it. */
#define ENSURE(d)                                                             \
  ((d) != NULL || ((d) = calloc (1, sizeof *(d))) != NULL)

static void
take_str (char **d, char **s)
{
  if (*s == NULL || **s == '\0')
    return;
  free (*d);
  *d = TAKE_PTR (*s);
}

static void
steal (char **d, char **s)
{
  free (*d);
  *d = TAKE_PTR (*s);
}

static int
grow (void *arrp, size_t *n, size_t elem)
{
  void **arr = arrp;
  void *p = realloc (*arr, (*n + 1) * elem);

  if (p == NULL)
    return -1;
  memset ((char *) p + *n * elem, 0, elem);
  *arr = p;
  (*n)++;
  return 0;
}

/* The element of the list *ARRP (N elements of ELEM bytes, each starting
 * with its char * key: a map key, a page size, an interface name) whose
 * key is *KEY, appended when there is none; *KEY
 * moves into it. NULL when out of memory. */
static void *
map_entry (void *arrp, size_t *n, size_t elem, char **key)
{
  char *arr = *(char **) arrp;
  size_t j;

  for (j = 0; j < *n; j++)
    if (strcmp (*(char **) (arr + j * elem), *key) == 0)
      break;
  if (j == *n)
    {
      if (grow (arrp, n, elem) < 0)
        return NULL;
      arr = *(char **) arrp;
    }
  steal ((char **) (arr + j * elem), key);
  return arr + j * elem;
}

static void
merge_memory (oci_memory *d, const oci_memory *s)
{
  TAKE (d, s, limit);
  TAKE (d, s, reservation);
  TAKE (d, s, swap);
  TAKE (d, s, swappiness);
  TAKE (d, s, disable_oom_killer);
  TAKE (d, s, use_hierarchy);
  TAKE (d, s, check_before_update);
  /* runc: an unlimited memory without a word on swap makes swap unlimited
   * too, not "limit at the old swap". */
  if (s->has_limit && s->limit == -1 && !s->has_swap)
    d->has_swap = false;
  d->has_kernel = d->has_kernel_tcp = false;
}

static void
merge_cpu (oci_cpu *d, oci_cpu *s)
{
  TAKE (d, s, shares);
  TAKE (d, s, quota);
  TAKE (d, s, burst);
  TAKE (d, s, period);
  TAKE (d, s, realtime_runtime);
  TAKE (d, s, realtime_period);
  TAKE (d, s, idle);
  /* runc: a new idle without shares drops the shares, whose cpu.weight
   * write would reset cpu.idle. */
  if (s->has_idle && !s->has_shares)
    d->has_shares = false;
  take_str (&d->cpus, &s->cpus);
  take_str (&d->mems, &s->mems);
}

static int
upsert_throttle (oci_throttle_device **d, size_t *n, const oci_throttle_device *s, size_t sn)
{
  for (size_t i = 0; i < sn; i++)
    {
      size_t j;
      for (j = 0; j < *n; j++)
        if ((*d)[j].major == s[i].major && (*d)[j].minor == s[i].minor)
          break;
      if (j == *n && grow (d, n, sizeof **d) < 0)
        return -1;
      (*d)[j] = s[i];
    }
  return 0;
}

static int
merge_block_io (oci_block_io *d, oci_block_io *s)
{
  TAKE (d, s, weight);
  TAKE (d, s, leaf_weight);
  for (size_t i = 0; i < s->weight_device_len; i++)
    {
      const oci_weight_device *w = &s->weight_device[i];
      size_t j;
      for (j = 0; j < d->weight_device_len; j++)
        if (d->weight_device[j].major == w->major && d->weight_device[j].minor == w->minor)
          break;
      if (j == d->weight_device_len && grow (&d->weight_device, &d->weight_device_len,
                                             sizeof *d->weight_device) < 0)
        return -1;
      d->weight_device[j].major = w->major;
      d->weight_device[j].has_major = true;
      d->weight_device[j].minor = w->minor;
      d->weight_device[j].has_minor = true;
      TAKE (&d->weight_device[j], w, weight);
      TAKE (&d->weight_device[j], w, leaf_weight);
    }
  return upsert_throttle (&d->throttle_read_bps_device, &d->throttle_read_bps_device_len,
                          s->throttle_read_bps_device, s->throttle_read_bps_device_len) < 0
                 || upsert_throttle (&d->throttle_write_bps_device, &d->throttle_write_bps_device_len,
                                     s->throttle_write_bps_device, s->throttle_write_bps_device_len) < 0
                 || upsert_throttle (&d->throttle_read_iops_device, &d->throttle_read_iops_device_len,
                                     s->throttle_read_iops_device, s->throttle_read_iops_device_len) < 0
                 || upsert_throttle (&d->throttle_write_iops_device, &d->throttle_write_iops_device_len,
                                     s->throttle_write_iops_device, s->throttle_write_iops_device_len) < 0
             ? -1 : 0;
}

static int
merge_rest (oci_resources *d, oci_resources *s)
{
  for (size_t i = 0; i < s->hugepage_limits_len; i++)
    {
      oci_hugepage_limit *h = &s->hugepage_limits[i];
      oci_hugepage_limit *e = map_entry (&d->hugepage_limits, &d->hugepage_limits_len,
                                         sizeof *d->hugepage_limits, &h->page_size);
      if (e == NULL)
        return -1;
      TAKE (e, h, limit);
    }
  if (s->network && ENSURE (d->network))
    {
      TAKE (d->network, s->network, class_id);
      for (size_t i = 0; i < s->network->priorities_len; i++)
        {
          oci_interface_priority *p = &s->network->priorities[i];
          oci_interface_priority *q = map_entry (&d->network->priorities,
                                                 &d->network->priorities_len,
                                                 sizeof *d->network->priorities, &p->name);
          if (q == NULL)
            return -1;
          TAKE (q, p, priority);
        }
    }
  else if (s->network)
    return -1;
  for (size_t i = 0; i < s->rdma_len; i++)
    {
      oci_rdma *r = &s->rdma[i];
      oci_rdma *e = map_entry (&d->rdma, &d->rdma_len, sizeof *d->rdma, &r->key);
      if (e == NULL)
        return -1;
      TAKE (e, r, hca_handles);
      TAKE (e, r, hca_objects);
    }
  for (size_t i = 0; i < s->unified_len; i++)
    {
      oci_kv *u = &s->unified[i];
      oci_kv *e = map_entry (&d->unified, &d->unified_len, sizeof *d->unified, &u->key);
      if (e == NULL)
        return -1;
      free (e->value);
      e->value = TAKE_PTR (u->value);
      if (e->value == NULL)
        e->value = strdup ("");
    }
  return 0;
}

/* Moves what S sets into D (S is left partly emptied). */
static int
merge (oci_resources *d, oci_resources *s, kr_error **err)
{
  if (s->memory && (s->memory->has_kernel || s->memory->has_kernel_tcp))
    kr_log ("warning", "Kernel memory settings are ignored and will be removed");
  if ((s->memory && !ENSURE (d->memory)) || (s->cpu && !ENSURE (d->cpu))
      || (s->pids && !ENSURE (d->pids)) || (s->block_io && !ENSURE (d->block_io)))
    return kr_error_set (err, ENOMEM, "update");
  if (s->memory)
    merge_memory (d->memory, s->memory);
  if (s->cpu)
    merge_cpu (d->cpu, s->cpu);
  if (s->pids)
    TAKE (d->pids, s->pids, limit);
  if ((s->block_io && merge_block_io (d->block_io, s->block_io) < 0) || merge_rest (d, s) < 0)
    return kr_error_set (err, ENOMEM, "update");
  return 0;
}

#define SWAP_DEVICES(a, b)                                                    \
  do                                                                          \
    {                                                                         \
      oci_device_cgroup *d_ = (a)->devices;                                   \
      size_t n_ = (a)->devices_len;                                           \
      (a)->devices = (b)->devices;                                            \
      (a)->devices_len = (b)->devices_len;                                    \
      (b)->devices = d_;                                                      \
      (b)->devices_len = n_;                                                  \
    }                                                                         \
  while (0)

/* UPD's device rules become the list in force, recorded in CUR.  The saved
 * config supplies the rest of linux (its device nodes keep their default
 * rules), and the rules go the way they went at create: where a BPF
 * program enforces them, the cgroup manager swaps it in one step, so there
 * is no moment without rules. */
static int
update_devices (int dirfd, kr_cgroup *cg, oci_resources *cur, oci_resources *upd, kr_error **err)
{
  oci_config *cfg = NULL;
  oci_resources *res;
  int r = -1;

  if (kr_state_read_config (dirfd, &cfg, err) < 0)
    return -1;
  if (cfg == NULL || cfg->linux == NULL)
    {
      kr_error_set (err, ENOENT, "update: linux.resources.devices: the container's saved config has no linux section");
      goto out;
    }
  if (cfg->linux->resources == NULL && (cfg->linux->resources = calloc (1, sizeof *res)) == NULL)
    {
      kr_error_set (err, ENOMEM, "update");
      goto out;
    }
  res = cfg->linux->resources;
  SWAP_DEVICES (res, upd);
  if (kr_cgroup_apply_devices (cg, cfg->linux, err) < 0)
    {
      /* Where rules are written one by one, put the old list back. */
      SWAP_DEVICES (res, cur);
      kr_cgroup_apply_devices (cg, cfg->linux, NULL);
      SWAP_DEVICES (res, cur);
      goto out;
    }
  SWAP_DEVICES (res, cur);
  r = 0;
out:
  oci_config_free (cfg);
  return r;
}

int
kr_container_update (const char *root, const char *id, oci_resources *upd, kr_error **err)
{
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ kr_state *st = NULL;
  _cleanup_cgroup_ kr_cgroup *cg = NULL;
  oci_resources *cur = NULL, *old = NULL;
  int ret = -1;

  if (kr_state_open_container (root, id, true, &dirfd, &st, err) < 0)
    return -1;
  if (kr_state_status (dirfd, st) == KR_STATUS_STOPPED)
    return kr_error_set (err, 0, "container not running");
  if (kr_state_cgroup_load (dirfd, st, &cg, err) < 0)
    return -1;
  if (kr_state_resources_read (dirfd, &cur, err) < 0 || kr_state_resources_read (dirfd, &old, err) < 0)
    goto out;
  if (cur == NULL && (cur = calloc (1, sizeof *cur)) == NULL)
    {
      kr_error_set (err, ENOMEM, "update");
      goto out;
    }
  if (merge (cur, upd, err) < 0)
    goto out;
  if (kr_cgroup_apply_resources (cg, cur, err) < 0
      || (upd->devices_len > 0 && update_devices (dirfd, cg, cur, upd, err) < 0))
    {
      /* As runc: put the limits in force before back, best effort. */
      if (old)
        kr_cgroup_apply_resources (cg, old, NULL);
      goto out;
    }
  ret = kr_state_resources_write (dirfd, cur, err);
out:
  oci_resources_free (cur);
  oci_resources_free (old);
  return ret;
}
