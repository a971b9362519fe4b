/* config.json: parse; what parses must generate, parse again and compare
 * equal (the round trip of tests/unit/test-ocispec.c, on any input), and
 * answer is_set on its paths; what does not parse has a message. */
#include "fuzz.h"
#include "json.h"
#include "ocispec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *msg = NULL, *json, *msg2 = NULL;
  oci_config *cfg, *again;

  cfg = oci_config_parse_data ((const char *) data, size, &msg);
  if (cfg == NULL)
    {
      FUZZ_ASSERT (msg != NULL && *msg != '\0' && strchr (msg, '\n') == NULL,
                   "a refusal is one line: \"%s\"", msg ? msg : "(null)");
      free (msg);
      return 0;
    }
  json = oci_config_generate (cfg, &msg);
  FUZZ_ASSERT (json != NULL, "generate: %s", msg ? msg : "(null)");
  again = oci_config_parse_data (json, strlen (json), &msg2);
  FUZZ_ASSERT (again != NULL, "reparse: %s\n%s", msg2 ? msg2 : "(null)", json);
  FUZZ_ASSERT (oci_json_equal (&oci_config_table, cfg, again), "round trip differs:\n%s", json);
  (void) oci_config_is_set (cfg, "linux.resources.memory.limit");
  (void) oci_config_is_set (cfg, "mounts[].uidMappings");
  (void) oci_config_is_set (cfg, "process.capabilities");
  free (json);
  oci_config_free (again);
  oci_config_free (cfg);
  return 0;
}
