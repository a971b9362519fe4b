/* update -r: the LinuxResources document; what parses must generate and
 * parse again, and its values go through the cgroup value converters (the
 * arithmetic of update and create: UBSan watches for overflow). */
#include "cgroup/convert.h"
#include "cgroup/resources.h"
#include "fuzz.h"
#include "ocispec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
convert (const oci_resources *r)
{
  char buf[64];
  uint64_t bits[16];
  kr_error *err = NULL;
  int64_t out;

  (void) kr_cgroup_resources_set (r);
  if (r->cpu)
    {
      (void) kr_cg_shares_to_weight (r->cpu->shares);
      kr_cg_cpu_max (r->cpu->quota, r->cpu->period, buf, sizeof buf);
      if (r->cpu->cpus)
        (void) kr_cg_parse_list (r->cpu->cpus, bits, 1024);
      if (r->cpu->mems)
        (void) kr_cg_list_within (r->cpu->mems, "0-3,8,10-63");
    }
  if (r->memory)
    {
      if (kr_cg_swap_to_v2 (r->memory->swap, r->memory->limit, &out, &err) < 0)
        FUZZ_ASSERT (err && err->msg, "swap: no message");
      kr_error_free (&err);
      kr_cg_v2_bytes (r->memory->limit, buf, sizeof buf);
      kr_cg_v2_bytes (r->memory->reservation, buf, sizeof buf);
    }
  if (r->pids)
    kr_cg_pids_max (r->pids->limit, buf, sizeof buf);
  if (r->block_io)
    (void) kr_cg_blkio_to_io_weight (r->block_io->weight);
  for (size_t i = 0; i < r->hugepage_limits_len; i++)
    {
      uint64_t kb = kr_cg_page_size_kb (r->hugepage_limits[i].page_size);
      kr_cg_page_size_name (kb, buf, sizeof buf);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *msg = NULL, *json, *msg2 = NULL;
  oci_resources *r, *again;

  r = oci_resources_parse_data ((const char *) data, size, &msg);
  if (r == NULL)
    {
      FUZZ_ASSERT (msg != NULL && strchr (msg, '\n') == NULL, "a refusal is one line: \"%s\"",
                   msg ? msg : "(null)");
      free (msg);
      return 0;
    }
  convert (r);
  json = oci_resources_generate (r, &msg);
  FUZZ_ASSERT (json != NULL, "generate: %s", msg ? msg : "(null)");
  again = oci_resources_parse_data (json, strlen (json), &msg2);
  FUZZ_ASSERT (again != NULL, "reparse: %s\n%s", msg2 ? msg2 : "(null)", json);
  free (json);
  oci_resources_free (again);
  oci_resources_free (r);
  return 0;
}
