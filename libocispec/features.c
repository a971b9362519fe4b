/* The features document (features.md, features-linux.md). */
#define _GNU_SOURCE
#include "json.h"

#include <string.h>

static const char *
check_capability (const char *s)
{
  if (strncmp (s, "CAP_", 4) != 0 || s[4] == '\0'
      || s[4 + strspn (s + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_")] != '\0')
    return "expected string matching ^CAP_[A-Z_]+$";
  return NULL;
}

static const oci_field enabled_fields[] = {
  OCI_F_BOOL ("enabled", oci_features_enabled, enabled),
};
static const oci_table enabled_table
    = OCI_TABLE (oci_features_enabled, enabled_fields, NULL);

static const oci_field cgroup_fields[] = {
  OCI_F_BOOL ("v1", oci_features_cgroup, v1),
  OCI_F_BOOL ("v2", oci_features_cgroup, v2),
  OCI_F_BOOL ("systemd", oci_features_cgroup, systemd),
  OCI_F_BOOL ("systemdUser", oci_features_cgroup, systemd_user),
  OCI_F_BOOL ("rdma", oci_features_cgroup, rdma),
};
static const oci_table cgroup_table
    = OCI_TABLE (oci_features_cgroup, cgroup_fields, NULL);

static const oci_field seccomp_fields[] = {
  OCI_F_BOOL ("enabled", oci_features_seccomp, enabled),
  OCI_F_STRINGS ("actions", oci_features_seccomp, actions,
                 .enum_values = oci_enum_seccomp_actions),
  OCI_F_STRINGS ("operators", oci_features_seccomp, operators,
                 .enum_values = oci_enum_seccomp_operators),
  OCI_F_STRINGS ("archs", oci_features_seccomp, archs,
                 .enum_values = oci_enum_seccomp_archs),
  OCI_F_STRINGS ("knownFlags", oci_features_seccomp, known_flags,
                 .enum_values = oci_enum_seccomp_flags),
  OCI_F_STRINGS ("supportedFlags", oci_features_seccomp, supported_flags,
                 .enum_values = oci_enum_seccomp_flags),
};
static const oci_table seccomp_table
    = OCI_TABLE (oci_features_seccomp, seccomp_fields, NULL);

static const oci_field intel_rdt_fields[] = {
  OCI_F_BOOL ("enabled", oci_features_intel_rdt, enabled),
  OCI_F_BOOL ("schemata", oci_features_intel_rdt, schemata),
  OCI_F_BOOL ("monitoring", oci_features_intel_rdt, monitoring),
};
static const oci_table intel_rdt_table
    = OCI_TABLE (oci_features_intel_rdt, intel_rdt_fields, NULL);

static const oci_field memory_policy_fields[] = {
  OCI_F_STRINGS ("modes", oci_features_memory_policy, modes),
  OCI_F_STRINGS ("flags", oci_features_memory_policy, flags),
};
static const oci_table memory_policy_table
    = OCI_TABLE (oci_features_memory_policy, memory_policy_fields, NULL);

static const oci_field mount_extensions_fields[] = {
  OCI_F_OBJECT ("idmap", oci_features_mount_extensions, idmap,
                oci_features_enabled, enabled_table),
};
static const oci_table mount_extensions_table
    = OCI_TABLE (oci_features_mount_extensions, mount_extensions_fields, NULL);

static const oci_field linux_fields[] = {
  OCI_F_STRINGS ("namespaces", oci_features_linux, namespaces,
                 .enum_values = oci_enum_namespace_types),
  OCI_F_STRINGS ("capabilities", oci_features_linux, capabilities,
                 .check = check_capability),
  OCI_F_OBJECT ("cgroup", oci_features_linux, cgroup, oci_features_cgroup,
                cgroup_table),
  OCI_F_OBJECT ("seccomp", oci_features_linux, seccomp, oci_features_seccomp,
                seccomp_table),
  OCI_F_OBJECT ("apparmor", oci_features_linux, apparmor,
                oci_features_enabled, enabled_table),
  OCI_F_OBJECT ("selinux", oci_features_linux, selinux, oci_features_enabled,
                enabled_table),
  OCI_F_OBJECT ("intelRdt", oci_features_linux, intel_rdt,
                oci_features_intel_rdt, intel_rdt_table),
  OCI_F_OBJECT ("memoryPolicy", oci_features_linux, memory_policy,
                oci_features_memory_policy, memory_policy_table),
  OCI_F_OBJECT ("mountExtensions", oci_features_linux, mount_extensions,
                oci_features_mount_extensions, mount_extensions_table),
  OCI_F_OBJECT ("netDevices", oci_features_linux, net_devices,
                oci_features_enabled, enabled_table),
};
static const oci_table linux_table
    = OCI_TABLE (oci_features_linux, linux_fields, NULL);

static const oci_field features_fields[] = {
  OCI_F_STRING ("ociVersionMin", oci_features, oci_version_min,
                .flags = OCI_REQUIRED),
  OCI_F_STRING ("ociVersionMax", oci_features, oci_version_max,
                .flags = OCI_REQUIRED),
  OCI_F_STRINGS ("hooks", oci_features, hooks),
  OCI_F_STRINGS ("mountOptions", oci_features, mount_options),
  OCI_F_OBJECT ("linux", oci_features, linux, oci_features_linux,
                linux_table),
  OCI_F_KV ("annotations", oci_features, annotations),
  OCI_F_STRINGS ("potentiallyUnsafeConfigAnnotations", oci_features,
                 potentially_unsafe_config_annotations),
};
const oci_table oci_features_table
    = OCI_TABLE (oci_features, features_fields, NULL);

oci_features *
oci_features_parse_data (const char *data, size_t len, char **errmsg)
{
  return oci_json_parse (&oci_features_table, data, len, errmsg);
}

char *
oci_features_generate (const oci_features *f, bool pretty, char **errmsg)
{
  return oci_json_generate (&oci_features_table, f, pretty, errmsg);
}

void
oci_features_free (oci_features *f)
{
  oci_json_free (&oci_features_table, f);
}
