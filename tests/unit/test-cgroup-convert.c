/* Unit tests of src/cgroup/convert.c: the v1 -> v2 conversions (against
 * the values runc computes), list parsing, and the messages of the checks
 * that need no host.  No root, no cgroup filesystem. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/convert.h"
#include "cgroup/resources.h"
#include "base/util.h"

static int passed, failed;

static void
check (const char *name, bool ok, const char *fmt, ...)
{
  va_list ap;

  if (ok)
    {
      printf ("ok %s\n", name);
      passed++;
      return;
    }
  printf ("not ok %s: ", name);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
  failed++;
}

static void
check_str (const char *name, const char *got, const char *want)
{
  check (name, got && strcmp (got, want) == 0, "got \"%s\", want \"%s\"", got ? got : "(null)", want);
}

static void
check_u64 (const char *name, uint64_t got, uint64_t want)
{
  check (name, got == want, "got %" PRIu64 ", want %" PRIu64, got, want);
}

static void
test_shares (void)
{
  /* runc >= 1.4 (opencontainers/cgroups ConvertCPUSharesToCgroupV2Value). */
  static const struct { uint64_t shares, weight; } t[] = {
    { 0, 0 }, { 1, 1 }, { 2, 1 }, { 3, 2 }, { 512, 59 }, { 1024, 100 }, { 2048, 174 },
    { 100000, 4340 }, { 262143, 10000 }, { 262144, 10000 }, { 1000000, 10000 },
  };
  for (size_t i = 0; i < ARRAY_SIZE (t); i++)
    {
      char name[64];
      snprintf (name, sizeof name, "shares %" PRIu64 " -> weight", t[i].shares);
      check_u64 (name, kr_cg_shares_to_weight (t[i].shares), t[i].weight);
    }
}

static void
test_blkio (void)
{
  check_u64 ("blkio 0 -> unset", kr_cg_blkio_to_io_weight (0), 0);
  check_u64 ("blkio 10 -> 1", kr_cg_blkio_to_io_weight (10), 1);
  check_u64 ("blkio 500 -> 4950", kr_cg_blkio_to_io_weight (500), 4950);
  check_u64 ("blkio 1000 -> 10000", kr_cg_blkio_to_io_weight (1000), 10000);
}

static void
test_swap (void)
{
  static const struct { int64_t swap, limit, want; const char *err; } t[] = {
    { 0, -1, -1, NULL },        /* unlimited memory: unlimited swap */
    { 0, 0, 0, NULL },
    { -1, 100, -1, NULL },
    { 0, 100, 0, NULL },
    { 300, -1, 300, NULL },
    { 300, 100, 200, NULL },
    { 100, 100, 0, NULL },      /* swap = limit: no swap at all */
    { 300, 0, 0, "linux.resources.memory.swap: 300 needs linux.resources.memory.limit" },
    { 50, 100, 0, "linux.resources.memory.swap: 50 is less than linux.resources.memory.limit 100" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (t); i++)
    {
      kr_error *err = NULL;
      int64_t out = 12345;
      char name[96];
      int r = kr_cg_swap_to_v2 (t[i].swap, t[i].limit, &out, &err);

      snprintf (name, sizeof name, "swap %" PRId64 " limit %" PRId64, t[i].swap, t[i].limit);
      if (t[i].err)
        check (name, r < 0 && err && strstr (err->msg, t[i].err), "got %d \"%s\"", r,
               err ? err->msg : "");
      else
        check (name, r == 0 && out == t[i].want, "got %d, %" PRId64 ", want %" PRId64, r, out, t[i].want);
      kr_error_free (&err);
    }
}

static void
test_values (void)
{
  char buf[64];

  kr_cg_cpu_max (50000, 100000, buf, sizeof buf);
  check_str ("cpu.max quota period", buf, "50000 100000");
  kr_cg_cpu_max (50000, 0, buf, sizeof buf);
  check_str ("cpu.max default period", buf, "50000 100000");
  kr_cg_cpu_max (-1, 200000, buf, sizeof buf);
  check_str ("cpu.max unlimited", buf, "max 200000");
  kr_cg_pids_max (-1, buf, sizeof buf);
  check_str ("pids -1 -> max", buf, "max");
  kr_cg_pids_max (0, buf, sizeof buf);
  check_str ("pids 0 -> 1 (runc)", buf, "1");
  kr_cg_pids_max (42, buf, sizeof buf);
  check_str ("pids 42", buf, "42");
  kr_cg_v2_bytes (-1, buf, sizeof buf);
  check_str ("bytes -1 -> max", buf, "max");
  check_u64 ("page 2MB", kr_cg_page_size_kb ("2MB"), 2048);
  check_u64 ("page 1GB", kr_cg_page_size_kb ("1GB"), 1048576);
  check_u64 ("page 64KB", kr_cg_page_size_kb ("64KB"), 64);
  check_u64 ("page 2M invalid", kr_cg_page_size_kb ("2M"), 0);
  check_u64 ("page 0MB invalid", kr_cg_page_size_kb ("0MB"), 0);
  kr_cg_page_size_name (1048576, buf, sizeof buf);
  check_str ("page name 1GB", buf, "1GB");
  kr_cg_page_size_name (2048, buf, sizeof buf);
  check_str ("page name 2MB", buf, "2MB");
  oci_rdma rd = { .key = (char *) "mlx5_1", .hca_handles = 3, .has_hca_handles = true };
  kr_cg_rdma_line (&rd, buf, sizeof buf);
  check_str ("rdma line", buf, "mlx5_1 hca_handle=3");
}

static void
test_lists (void)
{
  check ("list 0-1 within 0-1", kr_cg_list_within ("0-1", "0-1\n") == 1, "");
  check ("list 1 within 0-3,7", kr_cg_list_within ("1", "0-3,7") == 1, "");
  check ("list 7 within 0-3,7", kr_cg_list_within ("7", "0-3,7") == 1, "");
  check ("list 4-7 not within 0-3,7", kr_cg_list_within ("4-7", "0-3,7") == 0, "");
  check ("list 0-99 not within 0-1", kr_cg_list_within ("0-99", "0-1") == 0, "");
  check ("list syntax a", kr_cg_list_within ("a", "0-1") == -1, "");
  check ("list syntax 3-1", kr_cg_list_within ("3-1", "0-3") == -1, "");
  check ("list syntax 1,", kr_cg_list_within ("1,,2", "0-3") == -1, "");
}

/* check_resources NAME V2 R EXPECTED-SUBSTRING-or-NULL */
static void
expect_check (const char *name, bool v2, const oci_resources *r, const char *want)
{
  kr_error *err = NULL;
  int rc = kr_cg_check_resources (r, v2, &err);

  if (want == NULL)
    check (name, rc == 0, "refused: %s", err ? err->msg : "");
  else
    check (name, rc < 0 && err && strstr (err->msg, want), "got %d \"%s\", want \"%s\"", rc,
           err ? err->msg : "", want);
  kr_error_free (&err);
}

static void
test_checks (void)
{
  oci_memory m = { .limit = -5, .has_limit = true };
  oci_resources r = { .memory = &m };
  expect_check ("memory.limit -5", false, &r, "linux.resources.memory.limit: invalid value -5");
  m = (oci_memory) { .swappiness = 101, .has_swappiness = true };
  expect_check ("swappiness 101", false, &r, "linux.resources.memory.swappiness: 101 out of range (0-100)");
  m = (oci_memory) { .swappiness = 60, .has_swappiness = true };
  expect_check ("swappiness 60 on v1", false, &r, NULL);
  expect_check ("swappiness on v2", true, &r, "linux.resources.memory.swappiness: 60: cgroup v2");
  m = (oci_memory) { .limit = 200, .has_limit = true, .swap = 100, .has_swap = true };
  expect_check ("swap < limit", false, &r, "linux.resources.memory.swap: 100 is less than");
  m = (oci_memory) { .swap = 100, .has_swap = true };
  expect_check ("swap without limit on v2", true, &r, "needs linux.resources.memory.limit");
  m = (oci_memory) { .disable_oom_killer = true, .has_disable_oom_killer = true };
  expect_check ("disableOOMKiller on v2", true, &r, "linux.resources.memory.disableOOMKiller");

  oci_cpu c = { .quota = -2, .has_quota = true };
  r = (oci_resources) { .cpu = &c };
  expect_check ("cpu.quota -2", false, &r, "linux.resources.cpu.quota: invalid value -2");
  c = (oci_cpu) { .quota = 1000, .has_quota = true, .burst = 2000, .has_burst = true };
  expect_check ("burst > quota", false, &r, "linux.resources.cpu.burst: 2000 is larger than");
  c = (oci_cpu) { .period = 10, .has_period = true };
  expect_check ("period 10", false, &r, "linux.resources.cpu.period: 10 out of range");
  c = (oci_cpu) { .idle = 2, .has_idle = true };
  expect_check ("idle 2", false, &r, "linux.resources.cpu.idle: 2");
  c = (oci_cpu) { .cpus = (char *) "0-x" };
  expect_check ("cpus syntax", false, &r, "linux.resources.cpu.cpus: invalid cpu list \"0-x\"");
  c = (oci_cpu) { .realtime_runtime = 1000, .has_realtime_runtime = true };
  expect_check ("realtime on v1", false, &r, NULL);
  expect_check ("realtime on v2", true, &r, "linux.resources.cpu.realtimeRuntime: 1000: cgroup v2 has no realtime");

  oci_block_io b = { .weight = 5, .has_weight = true };
  r = (oci_resources) { .block_io = &b };
  expect_check ("blkio weight 5", false, &r, "linux.resources.blockIO.weight: 5 out of range (10-1000)");
  b = (oci_block_io) { .leaf_weight = 100, .has_leaf_weight = true };
  expect_check ("leafWeight on v2", true, &r, "linux.resources.blockIO.leafWeight: 100: cgroup v2");
  oci_throttle_device td = { .major = -1, .has_major = true, .minor = 0, .has_minor = true, .rate = 1 };
  b = (oci_block_io) { .throttle_read_bps_device = &td, .throttle_read_bps_device_len = 1 };
  expect_check ("throttle major -1", false, &r, "linux.resources.blockIO.throttleReadBpsDevice[0]: invalid device -1:0");

  oci_pids p = { .limit = -2, .has_limit = true };
  r = (oci_resources) { .pids = &p };
  expect_check ("pids -2", false, &r, "linux.resources.pids.limit: invalid value -2");
  p.limit = -1;
  expect_check ("pids -1", false, &r, NULL);
  p.limit = 0;
  expect_check ("pids 0", false, &r, NULL);

  oci_kv u = { (char *) "memory.max", (char *) "1000000" };
  r = (oci_resources) { .unified = &u, .unified_len = 1 };
  expect_check ("unified on v1", false, &r, "linux.resources.unified: cgroup v2 keys (\"memory.max\"), but this host has cgroup v1");
  expect_check ("unified on v2", true, &r, NULL);
  u.key = (char *) "../memory.max";
  expect_check ("unified key with /", true, &r, "linux.resources.unified: key \"../memory.max\" is not a cgroup file name");
  u.key = (char *) "..";
  expect_check ("unified key ..", true, &r, "key \"..\" is not a cgroup file name");
  u.key = (char *) "nodot";
  expect_check ("unified key without a dot", true, &r, "CONTROLLER.PARAMETER");

  oci_network n = { .class_id = 7, .has_class_id = true };
  r = (oci_resources) { .network = &n };
  expect_check ("network on v1", false, &r, NULL);
  expect_check ("network on v2", true, &r, "linux.resources.network: net_cls and net_prio are cgroup v1");

  oci_rdma rd = { .key = (char *) "mlx" };
  r = (oci_resources) { .rdma = &rd, .rdma_len = 1 };
  expect_check ("rdma without limits", false, &r, "linux.resources.rdma.mlx: needs hcaHandles or hcaObjects");

  check ("nothing set", !kr_cgroup_resources_set (&(oci_resources) { 0 }), "");
  check ("NULL", !kr_cgroup_resources_set (NULL), "");
}

int
main (void)
{
  test_shares ();
  test_blkio ();
  test_swap ();
  test_values ();
  test_lists ();
  test_checks ();
  printf ("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
