/* exec --process FILE: the Process object alone. */
#include "fuzz.h"
#include "ocispec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *msg = NULL;
  oci_process *p = oci_process_parse_data ((const char *) data, size, &msg);

  if (p == NULL)
    FUZZ_ASSERT (msg != NULL && *msg != '\0' && strchr (msg, '\n') == NULL,
                 "a refusal is one line: \"%s\"", msg ? msg : "(null)");
  free (msg);
  oci_process_free (p);
  return 0;
}
