/* state.json (state-schema.json): what `state` prints. */
#define _GNU_SOURCE
#include "json.h"

static const char *const statuses[]
    = { "creating", "created", "running", "stopped", NULL };

static const char *
validate_state (const void *obj, const char **field)
{
  const oci_state *st = obj;
  if (st->has_pid && st->pid < 0)
    {
      *field = "pid";
      return "expected an integer of at least 0";
    }
  return NULL;
}

static const oci_field state_fields[] = {
  OCI_F_STRING ("ociVersion", oci_state, oci_version, .flags = OCI_REQUIRED),
  OCI_F_STRING ("id", oci_state, id, .flags = OCI_REQUIRED),
  OCI_F_STRING ("status", oci_state, status, .flags = OCI_REQUIRED,
                .enum_values = statuses),
  OCI_F_INT32 ("pid", oci_state, pid),
  OCI_F_STRING ("bundle", oci_state, bundle, .flags = OCI_REQUIRED),
  OCI_F_KV ("annotations", oci_state, annotations),
};
const oci_table oci_state_table
    = OCI_TABLE (oci_state, state_fields, validate_state);

oci_state *
oci_state_parse_data (const char *data, size_t len, char **errmsg)
{
  return oci_json_parse (&oci_state_table, data, len, errmsg);
}

oci_state *
oci_state_parse_file (const char *path, char **errmsg)
{
  return oci_json_parse_file (&oci_state_table, path, errmsg);
}

char *
oci_state_generate (const oci_state *st, char **errmsg)
{
  return oci_json_generate (&oci_state_table, st, false, errmsg);
}

void
oci_state_free (oci_state *st)
{
  oci_json_free (&oci_state_table, st);
}
