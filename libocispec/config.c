/* config.json: the field tables (config.md, config-linux.md) and the checks
 * the schemas make that the walker cannot express as a table line. Tables go
 * leaves first. Platform sections other than "linux" are not described, so
 * they are ignored like any unknown property. */
#define _GNU_SOURCE
#include "json.h"

#include <stdlib.h>
#include <string.h>

/* --- value checks --- */

static bool
all_of (const char *s, const char *set)
{
  return s[strspn (s, set)] == '\0';
}

static bool
digits (const char **s)
{
  const char *p = *s;
  while (*p >= '0' && *p <= '9')
    p++;
  if (p == *s)
    return false;
  *s = p;
  return true;
}

/* A SemVer numeric identifier: digits, no leading zero. */
static bool
semver_number (const char **s, unsigned long *value)
{
  const char *start = *s;
  if (!digits (s) || (start[0] == '0' && *s - start > 1)
      || *s - start > 9)
    return false;
  *value = strtoul (start, NULL, 10);
  return true;
}

/* Dot-separated non-empty identifiers of [0-9A-Za-z-]. */
static bool
semver_identifiers (const char **s)
{
  const char *p = *s;
  for (;;)
    {
      size_t n = strspn (p, "0123456789abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ-");
      if (n == 0)
        return false;
      p += n;
      if (*p != '.')
        break;
      p++;
    }
  *s = p;
  return true;
}

/* SemVer, at most 1.3.x. The 0.y.z drafts are accepted: the spec's own
 * examples still say "0.5.0-dev". */
static const char *
check_oci_version (const char *s)
{
  static const char what[] = "expected a SemVer version up to 1.3.x";
  const char *p = s;
  unsigned long major, minor, patch;

  if (!semver_number (&p, &major) || *p++ != '.'
      || !semver_number (&p, &minor) || *p++ != '.'
      || !semver_number (&p, &patch))
    return what;
  if (*p == '-' && (p++, !semver_identifiers (&p)))
    return what;
  if (*p == '+' && (p++, !semver_identifiers (&p)))
    return what;
  if (*p != '\0' || major > 1 || (major == 1 && minor > 3))
    return what;
  return NULL;
}

static const char *
check_page_size (const char *s)
{
  static const char what[] = "expected string matching ^[1-9][0-9]*[KMG]B$";
  const char *p = s;

  if (*p < '1' || *p > '9')
    return what;
  digits (&p);
  if ((p[0] != 'K' && p[0] != 'M' && p[0] != 'G') || p[1] != 'B' || p[2])
    return what;
  return NULL;
}

static const char *
check_rlimit_type (const char *s)
{
  if (strncmp (s, "RLIMIT_", 7) != 0 || s[7] == '\0'
      || !all_of (s + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return "expected string matching ^RLIMIT_[A-Z]+$";
  return NULL;
}

static const char *
check_cpu_list (const char *s)
{
  return all_of (s, "0123456789, -") ? NULL
                                      : "expected string matching ^[0-9, -]*$";
}

static const char *
check_mem_bw_schema (const char *s)
{
  if (strncmp (s, "MB:", 3) != 0 || strchr (s, '\n') != NULL)
    return "expected string matching ^MB:[^\\n]*$";
  return NULL;
}

static const char *
check_cgroup_access (const char *s)
{
  if (!all_of (s, "rwm"))
    return "expected a combination of \"r\", \"w\" and \"m\"";
  return NULL;
}

#define REQ .flags = OCI_REQUIRED
#define ENUM(list) .enum_values = list
#define CHECK(fn) .check = fn

/* Map elements keep their key first; the walker relies on it. */
_Static_assert (offsetof (oci_rdma, key) == 0, "oci_rdma.key first");
_Static_assert (offsetof (oci_time_offset, key) == 0, "key first");
_Static_assert (offsetof (oci_net_device, key) == 0, "key first");

/* --- process --- */

static const oci_field box_fields[] = {
  OCI_F_UINT32 ("height", oci_box, height, REQ),
  OCI_F_UINT32 ("width", oci_box, width, REQ),
};
static const oci_table box_table = OCI_TABLE (oci_box, box_fields, NULL);

static const oci_field user_fields[] = {
  OCI_F_UINT32 ("uid", oci_user, uid, REQ),
  OCI_F_UINT32 ("gid", oci_user, gid, REQ),
  OCI_F_UINT32 ("umask", oci_user, umask),
  OCI_F_UINT32S ("additionalGids", oci_user, additional_gids),
  OCI_F_STRING ("username", oci_user, username),
};
static const oci_table user_table = OCI_TABLE (oci_user, user_fields, NULL);

static const oci_field capabilities_fields[] = {
  OCI_F_STRINGS ("bounding", oci_capabilities, bounding),
  OCI_F_STRINGS ("effective", oci_capabilities, effective),
  OCI_F_STRINGS ("inheritable", oci_capabilities, inheritable),
  OCI_F_STRINGS ("permitted", oci_capabilities, permitted),
  OCI_F_STRINGS ("ambient", oci_capabilities, ambient),
};
static const oci_table capabilities_table
    = OCI_TABLE (oci_capabilities, capabilities_fields, NULL);

static const oci_field rlimit_fields[] = {
  OCI_F_STRING ("type", oci_rlimit, type, REQ, CHECK (check_rlimit_type)),
  OCI_F_UINT64 ("hard", oci_rlimit, hard, REQ),
  OCI_F_UINT64 ("soft", oci_rlimit, soft, REQ),
};
static const oci_table rlimit_table
    = OCI_TABLE (oci_rlimit, rlimit_fields, NULL);

static const oci_field scheduler_fields[] = {
  OCI_F_STRING ("policy", oci_scheduler, policy, REQ,
                ENUM (oci_enum_scheduler_policies)),
  OCI_F_INT32 ("nice", oci_scheduler, nice),
  OCI_F_INT32 ("priority", oci_scheduler, priority),
  OCI_F_STRINGS ("flags", oci_scheduler, flags,
                 ENUM (oci_enum_scheduler_flags)),
  OCI_F_UINT64 ("runtime", oci_scheduler, runtime),
  OCI_F_UINT64 ("deadline", oci_scheduler, deadline),
  OCI_F_UINT64 ("period", oci_scheduler, period),
};
static const oci_table scheduler_table
    = OCI_TABLE (oci_scheduler, scheduler_fields, NULL);

static const oci_field io_priority_fields[] = {
  OCI_F_STRING ("class", oci_io_priority, class, REQ,
                ENUM (oci_enum_io_priority_classes)),
  OCI_F_INT32 ("priority", oci_io_priority, priority),
};
static const oci_table io_priority_table
    = OCI_TABLE (oci_io_priority, io_priority_fields, NULL);

static const oci_field exec_cpu_affinity_fields[] = {
  OCI_F_STRING ("initial", oci_exec_cpu_affinity, initial,
                CHECK (check_cpu_list)),
  OCI_F_STRING ("final", oci_exec_cpu_affinity, final,
                CHECK (check_cpu_list)),
};
static const oci_table exec_cpu_affinity_table
    = OCI_TABLE (oci_exec_cpu_affinity, exec_cpu_affinity_fields, NULL);

static const oci_field process_fields[] = {
  OCI_F_BOOL ("terminal", oci_process, terminal),
  OCI_F_OBJECT ("consoleSize", oci_process, console_size, oci_box, box_table),
  OCI_F_OBJECT ("user", oci_process, user, oci_user, user_table),
  OCI_F_STRINGS ("args", oci_process, args),
  OCI_F_STRING ("commandLine", oci_process, command_line),
  OCI_F_STRINGS ("env", oci_process, env),
  OCI_F_STRING ("cwd", oci_process, cwd, REQ),
  OCI_F_OBJECT ("capabilities", oci_process, capabilities, oci_capabilities,
                capabilities_table),
  OCI_F_OBJECTS ("rlimits", oci_process, rlimits, oci_rlimit, rlimit_table),
  OCI_F_BOOL ("noNewPrivileges", oci_process, no_new_privileges),
  OCI_F_STRING ("apparmorProfile", oci_process, apparmor_profile),
  OCI_F_INT32 ("oomScoreAdj", oci_process, oom_score_adj),
  OCI_F_STRING ("selinuxLabel", oci_process, selinux_label),
  OCI_F_OBJECT ("scheduler", oci_process, scheduler, oci_scheduler,
                scheduler_table),
  OCI_F_OBJECT ("ioPriority", oci_process, io_priority, oci_io_priority,
                io_priority_table),
  OCI_F_OBJECT ("execCPUAffinity", oci_process, exec_cpu_affinity,
                oci_exec_cpu_affinity, exec_cpu_affinity_table),
};
static const oci_table process_table
    = OCI_TABLE (oci_process, process_fields, NULL);

/* A Process on its own: `exec --process FILE`. */
oci_process *
oci_process_parse_data (const char *data, size_t len, char **errmsg)
{
  return oci_json_parse (&process_table, data, len, errmsg);
}

oci_process *
oci_process_parse_file (const char *path, char **errmsg)
{
  return oci_json_parse_file (&process_table, path, errmsg);
}

void
oci_process_free (oci_process *p)
{
  oci_json_free (&process_table, p);
}

/* --- root, mounts, hooks --- */

static const oci_field root_fields[] = {
  OCI_F_STRING ("path", oci_root, path, REQ),
  OCI_F_BOOL ("readonly", oci_root, readonly),
};
static const oci_table root_table = OCI_TABLE (oci_root, root_fields, NULL);

static const oci_field id_mapping_fields[] = {
  OCI_F_UINT32 ("containerID", oci_id_mapping, container_id, REQ),
  OCI_F_UINT32 ("hostID", oci_id_mapping, host_id, REQ),
  OCI_F_UINT32 ("size", oci_id_mapping, size, REQ),
};
static const oci_table id_mapping_table
    = OCI_TABLE (oci_id_mapping, id_mapping_fields, NULL);

static const oci_field mount_fields[] = {
  OCI_F_STRING ("destination", oci_mount, destination, REQ),
  OCI_F_STRING ("type", oci_mount, type),
  OCI_F_STRING ("source", oci_mount, source),
  OCI_F_STRINGS ("options", oci_mount, options),
  OCI_F_OBJECTS ("uidMappings", oci_mount, uid_mappings, oci_id_mapping,
                 id_mapping_table),
  OCI_F_OBJECTS ("gidMappings", oci_mount, gid_mappings, oci_id_mapping,
                 id_mapping_table),
};
static const oci_table mount_table = OCI_TABLE (oci_mount, mount_fields, NULL);

static const char *
validate_hook (const void *obj, const char **field)
{
  const oci_hook *h = obj;
  if (h->has_timeout && h->timeout < 1)
    {
      *field = "timeout";
      return "expected an integer of at least 1";
    }
  return NULL;
}

static const oci_field hook_fields[] = {
  OCI_F_STRING ("path", oci_hook, path, REQ),
  OCI_F_STRINGS ("args", oci_hook, args),
  OCI_F_STRINGS ("env", oci_hook, env),
  OCI_F_INT64 ("timeout", oci_hook, timeout),
};
static const oci_table hook_table
    = OCI_TABLE (oci_hook, hook_fields, validate_hook);

static const oci_field hooks_fields[] = {
  OCI_F_OBJECTS ("prestart", oci_hooks, prestart, oci_hook, hook_table),
  OCI_F_OBJECTS ("createRuntime", oci_hooks, create_runtime, oci_hook,
                 hook_table),
  OCI_F_OBJECTS ("createContainer", oci_hooks, create_container, oci_hook,
                 hook_table),
  OCI_F_OBJECTS ("startContainer", oci_hooks, start_container, oci_hook,
                 hook_table),
  OCI_F_OBJECTS ("poststart", oci_hooks, poststart, oci_hook, hook_table),
  OCI_F_OBJECTS ("poststop", oci_hooks, poststop, oci_hook, hook_table),
};
static const oci_table hooks_table
    = OCI_TABLE (oci_hooks, hooks_fields, NULL);

/* --- linux.resources --- */

static const oci_field device_cgroup_fields[] = {
  OCI_F_BOOL ("allow", oci_device_cgroup, allow, REQ),
  OCI_F_STRING ("type", oci_device_cgroup, type,
                ENUM (oci_enum_cgroup_device_types)),
  OCI_F_INT64 ("major", oci_device_cgroup, major),
  OCI_F_INT64 ("minor", oci_device_cgroup, minor),
  OCI_F_STRING ("access", oci_device_cgroup, access,
                CHECK (check_cgroup_access)),
};
static const oci_table device_cgroup_table
    = OCI_TABLE (oci_device_cgroup, device_cgroup_fields, NULL);

static const oci_field memory_fields[] = {
  OCI_F_INT64 ("limit", oci_memory, limit),
  OCI_F_INT64 ("reservation", oci_memory, reservation),
  OCI_F_INT64 ("swap", oci_memory, swap),
  OCI_F_INT64 ("kernel", oci_memory, kernel),
  OCI_F_INT64 ("kernelTCP", oci_memory, kernel_tcp),
  OCI_F_UINT64 ("swappiness", oci_memory, swappiness),
  OCI_F_BOOL ("disableOOMKiller", oci_memory, disable_oom_killer),
  OCI_F_BOOL ("useHierarchy", oci_memory, use_hierarchy),
  OCI_F_BOOL ("checkBeforeUpdate", oci_memory, check_before_update),
};
static const oci_table memory_table
    = OCI_TABLE (oci_memory, memory_fields, NULL);

static const oci_field cpu_fields[] = {
  OCI_F_UINT64 ("shares", oci_cpu, shares),
  OCI_F_INT64 ("quota", oci_cpu, quota),
  OCI_F_UINT64 ("burst", oci_cpu, burst),
  OCI_F_UINT64 ("period", oci_cpu, period),
  OCI_F_INT64 ("realtimeRuntime", oci_cpu, realtime_runtime),
  OCI_F_UINT64 ("realtimePeriod", oci_cpu, realtime_period),
  OCI_F_STRING ("cpus", oci_cpu, cpus),
  OCI_F_STRING ("mems", oci_cpu, mems),
  OCI_F_INT64 ("idle", oci_cpu, idle),
};
static const oci_table cpu_table = OCI_TABLE (oci_cpu, cpu_fields, NULL);

static const oci_field pids_fields[] = {
  OCI_F_INT64 ("limit", oci_pids, limit, REQ),
};
static const oci_table pids_table = OCI_TABLE (oci_pids, pids_fields, NULL);

static const oci_field weight_device_fields[] = {
  OCI_F_INT64 ("major", oci_weight_device, major, REQ),
  OCI_F_INT64 ("minor", oci_weight_device, minor, REQ),
  OCI_F_UINT16 ("weight", oci_weight_device, weight),
  OCI_F_UINT16 ("leafWeight", oci_weight_device, leaf_weight),
};
static const oci_table weight_device_table
    = OCI_TABLE (oci_weight_device, weight_device_fields, NULL);

static const oci_field throttle_device_fields[] = {
  OCI_F_INT64 ("major", oci_throttle_device, major, REQ),
  OCI_F_INT64 ("minor", oci_throttle_device, minor, REQ),
  OCI_F_UINT64 ("rate", oci_throttle_device, rate),
};
static const oci_table throttle_device_table
    = OCI_TABLE (oci_throttle_device, throttle_device_fields, NULL);

static const oci_field block_io_fields[] = {
  OCI_F_UINT16 ("weight", oci_block_io, weight),
  OCI_F_UINT16 ("leafWeight", oci_block_io, leaf_weight),
  OCI_F_OBJECTS ("weightDevice", oci_block_io, weight_device,
                 oci_weight_device, weight_device_table),
  OCI_F_OBJECTS ("throttleReadBpsDevice", oci_block_io,
                 throttle_read_bps_device, oci_throttle_device,
                 throttle_device_table),
  OCI_F_OBJECTS ("throttleWriteBpsDevice", oci_block_io,
                 throttle_write_bps_device, oci_throttle_device,
                 throttle_device_table),
  OCI_F_OBJECTS ("throttleReadIOPSDevice", oci_block_io,
                 throttle_read_iops_device, oci_throttle_device,
                 throttle_device_table),
  OCI_F_OBJECTS ("throttleWriteIOPSDevice", oci_block_io,
                 throttle_write_iops_device, oci_throttle_device,
                 throttle_device_table),
};
static const oci_table block_io_table
    = OCI_TABLE (oci_block_io, block_io_fields, NULL);

static const oci_field hugepage_limit_fields[] = {
  OCI_F_STRING ("pageSize", oci_hugepage_limit, page_size, REQ,
                CHECK (check_page_size)),
  OCI_F_UINT64 ("limit", oci_hugepage_limit, limit, REQ),
};
static const oci_table hugepage_limit_table
    = OCI_TABLE (oci_hugepage_limit, hugepage_limit_fields, NULL);

static const oci_field interface_priority_fields[] = {
  OCI_F_STRING ("name", oci_interface_priority, name, REQ),
  OCI_F_UINT32 ("priority", oci_interface_priority, priority, REQ),
};
static const oci_table interface_priority_table
    = OCI_TABLE (oci_interface_priority, interface_priority_fields, NULL);

static const oci_field network_fields[] = {
  OCI_F_UINT32 ("classID", oci_network, class_id),
  OCI_F_OBJECTS ("priorities", oci_network, priorities,
                 oci_interface_priority, interface_priority_table),
};
static const oci_table network_table
    = OCI_TABLE (oci_network, network_fields, NULL);

static const oci_field rdma_fields[] = {
  OCI_F_UINT32 ("hcaHandles", oci_rdma, hca_handles),
  OCI_F_UINT32 ("hcaObjects", oci_rdma, hca_objects),
};
static const oci_table rdma_table = OCI_TABLE (oci_rdma, rdma_fields, NULL);

static const oci_field resources_fields[] = {
  OCI_F_OBJECTS ("devices", oci_resources, devices, oci_device_cgroup,
                 device_cgroup_table),
  OCI_F_OBJECT ("memory", oci_resources, memory, oci_memory, memory_table),
  OCI_F_OBJECT ("cpu", oci_resources, cpu, oci_cpu, cpu_table),
  OCI_F_OBJECT ("pids", oci_resources, pids, oci_pids, pids_table),
  OCI_F_OBJECT ("blockIO", oci_resources, block_io, oci_block_io,
                block_io_table),
  OCI_F_OBJECTS ("hugepageLimits", oci_resources, hugepage_limits,
                 oci_hugepage_limit, hugepage_limit_table),
  OCI_F_OBJECT ("network", oci_resources, network, oci_network,
                network_table),
  OCI_F_MAP ("rdma", oci_resources, rdma, oci_rdma, rdma_table),
  OCI_F_KV ("unified", oci_resources, unified),
};
static const oci_table resources_table
    = OCI_TABLE (oci_resources, resources_fields, NULL);

/* --- the rest of linux --- */

static const oci_field namespace_fields[] = {
  OCI_F_STRING ("type", oci_namespace, type, REQ,
                ENUM (oci_enum_namespace_types)),
  OCI_F_STRING ("path", oci_namespace, path),
};
static const oci_table namespace_table
    = OCI_TABLE (oci_namespace, namespace_fields, NULL);

static const char *
validate_device (const void *obj, const char **field)
{
  const oci_device *d = obj;
  if (d->type == NULL || strcmp (d->type, "p") == 0)
    return NULL;
  if (!d->has_major || !d->has_minor)
    {
      *field = d->has_major ? "minor" : "major";
      return "required unless type is \"p\"";
    }
  return NULL;
}

static const oci_field device_fields[] = {
  OCI_F_STRING ("type", oci_device, type, REQ, ENUM (oci_enum_device_types)),
  OCI_F_STRING ("path", oci_device, path, REQ),
  OCI_F_INT64 ("major", oci_device, major),
  OCI_F_INT64 ("minor", oci_device, minor),
  OCI_F_UINT32 ("fileMode", oci_device, file_mode),
  OCI_F_UINT32 ("uid", oci_device, uid),
  OCI_F_UINT32 ("gid", oci_device, gid),
};
static const oci_table device_table
    = OCI_TABLE (oci_device, device_fields, validate_device);

static const oci_field time_offset_fields[] = {
  OCI_F_INT64 ("secs", oci_time_offset, secs),
  OCI_F_UINT32 ("nanosecs", oci_time_offset, nanosecs),
};
static const oci_table time_offset_table
    = OCI_TABLE (oci_time_offset, time_offset_fields, NULL);

static const oci_field net_device_fields[] = {
  OCI_F_STRING ("name", oci_net_device, name),
};
static const oci_table net_device_table
    = OCI_TABLE (oci_net_device, net_device_fields, NULL);

static const oci_field seccomp_arg_fields[] = {
  OCI_F_UINT32 ("index", oci_seccomp_arg, index, REQ),
  OCI_F_UINT64 ("value", oci_seccomp_arg, value, REQ),
  OCI_F_UINT64 ("valueTwo", oci_seccomp_arg, value_two),
  OCI_F_STRING ("op", oci_seccomp_arg, op, REQ,
                ENUM (oci_enum_seccomp_operators)),
};
static const oci_table seccomp_arg_table
    = OCI_TABLE (oci_seccomp_arg, seccomp_arg_fields, NULL);

static const oci_field seccomp_syscall_fields[] = {
  OCI_F_STRINGS ("names", oci_seccomp_syscall, names,
                 .flags = OCI_REQUIRED | OCI_NONEMPTY),
  OCI_F_STRING ("action", oci_seccomp_syscall, action, REQ,
                ENUM (oci_enum_seccomp_actions)),
  OCI_F_UINT32 ("errnoRet", oci_seccomp_syscall, errno_ret),
  OCI_F_OBJECTS ("args", oci_seccomp_syscall, args, oci_seccomp_arg,
                 seccomp_arg_table),
};
static const oci_table seccomp_syscall_table
    = OCI_TABLE (oci_seccomp_syscall, seccomp_syscall_fields, NULL);

static const oci_field seccomp_fields[] = {
  OCI_F_STRING ("defaultAction", oci_seccomp, default_action, REQ,
                ENUM (oci_enum_seccomp_actions)),
  OCI_F_UINT32 ("defaultErrnoRet", oci_seccomp, default_errno_ret),
  OCI_F_STRINGS ("architectures", oci_seccomp, architectures,
                 ENUM (oci_enum_seccomp_archs)),
  OCI_F_STRINGS ("flags", oci_seccomp, flags, ENUM (oci_enum_seccomp_flags)),
  OCI_F_STRING ("listenerPath", oci_seccomp, listener_path),
  OCI_F_STRING ("listenerMetadata", oci_seccomp, listener_metadata),
  OCI_F_OBJECTS ("syscalls", oci_seccomp, syscalls, oci_seccomp_syscall,
                 seccomp_syscall_table),
};
static const oci_table seccomp_table
    = OCI_TABLE (oci_seccomp, seccomp_fields, NULL);

static const oci_field intel_rdt_fields[] = {
  OCI_F_STRING ("closID", oci_intel_rdt, clos_id),
  OCI_F_STRING ("l3CacheSchema", oci_intel_rdt, l3_cache_schema),
  OCI_F_STRING ("memBwSchema", oci_intel_rdt, mem_bw_schema,
                CHECK (check_mem_bw_schema)),
  OCI_F_STRINGS ("schemata", oci_intel_rdt, schemata),
  OCI_F_BOOL ("enableMonitoring", oci_intel_rdt, enable_monitoring),
  OCI_F_BOOL ("enableCMT", oci_intel_rdt, enable_cmt),
  OCI_F_BOOL ("enableMBM", oci_intel_rdt, enable_mbm),
};
static const oci_table intel_rdt_table
    = OCI_TABLE (oci_intel_rdt, intel_rdt_fields, NULL);

static const oci_field personality_fields[] = {
  OCI_F_STRING ("domain", oci_personality, domain, REQ,
                ENUM (oci_enum_personality_domains)),
  OCI_F_STRINGS ("flags", oci_personality, flags),
};
static const oci_table personality_table
    = OCI_TABLE (oci_personality, personality_fields, NULL);

static const oci_field memory_policy_fields[] = {
  OCI_F_STRING ("mode", oci_memory_policy, mode, REQ,
                ENUM (oci_enum_memory_policy_modes)),
  OCI_F_STRING ("nodes", oci_memory_policy, nodes),
  OCI_F_STRINGS ("flags", oci_memory_policy, flags,
                 ENUM (oci_enum_memory_policy_flags)),
};
static const oci_table memory_policy_table
    = OCI_TABLE (oci_memory_policy, memory_policy_fields, NULL);

static const oci_field linux_fields[] = {
  OCI_F_OBJECTS ("namespaces", oci_linux, namespaces, oci_namespace,
                 namespace_table),
  OCI_F_OBJECTS ("uidMappings", oci_linux, uid_mappings, oci_id_mapping,
                 id_mapping_table),
  OCI_F_OBJECTS ("gidMappings", oci_linux, gid_mappings, oci_id_mapping,
                 id_mapping_table),
  OCI_F_MAP ("timeOffsets", oci_linux, time_offsets, oci_time_offset,
             time_offset_table),
  OCI_F_OBJECTS ("devices", oci_linux, devices, oci_device, device_table),
  OCI_F_MAP ("netDevices", oci_linux, net_devices, oci_net_device,
             net_device_table),
  OCI_F_STRING ("cgroupsPath", oci_linux, cgroups_path),
  OCI_F_OBJECT ("resources", oci_linux, resources, oci_resources,
                resources_table),
  OCI_F_OBJECT ("intelRdt", oci_linux, intel_rdt, oci_intel_rdt,
                intel_rdt_table),
  OCI_F_KV ("sysctl", oci_linux, sysctl),
  OCI_F_OBJECT ("seccomp", oci_linux, seccomp, oci_seccomp, seccomp_table),
  OCI_F_STRING ("rootfsPropagation", oci_linux, rootfs_propagation,
                ENUM (oci_enum_propagations)),
  OCI_F_STRINGS ("maskedPaths", oci_linux, masked_paths),
  OCI_F_STRINGS ("readonlyPaths", oci_linux, readonly_paths),
  OCI_F_STRING ("mountLabel", oci_linux, mount_label),
  OCI_F_OBJECT ("personality", oci_linux, personality, oci_personality,
                personality_table),
  OCI_F_OBJECT ("memoryPolicy", oci_linux, memory_policy, oci_memory_policy,
                memory_policy_table),
};
static const oci_table linux_table = OCI_TABLE (oci_linux, linux_fields, NULL);

/* --- the document --- */

static const oci_field config_fields[] = {
  OCI_F_STRING ("ociVersion", oci_config, oci_version, REQ,
                CHECK (check_oci_version)),
  OCI_F_OBJECT ("root", oci_config, root, oci_root, root_table),
  OCI_F_OBJECTS ("mounts", oci_config, mounts, oci_mount, mount_table),
  OCI_F_OBJECT ("process", oci_config, process, oci_process, process_table),
  OCI_F_STRING ("hostname", oci_config, hostname),
  OCI_F_STRING ("domainname", oci_config, domainname),
  OCI_F_OBJECT ("hooks", oci_config, hooks, oci_hooks, hooks_table),
  OCI_F_KV ("annotations", oci_config, annotations),
  OCI_F_OBJECT ("linux", oci_config, linux, oci_linux, linux_table),
};
const oci_table oci_config_table
    = OCI_TABLE (oci_config, config_fields, NULL);

oci_config *
oci_config_parse_data (const char *data, size_t len, char **errmsg)
{
  return oci_json_parse (&oci_config_table, data, len, errmsg);
}

oci_config *
oci_config_parse_file (const char *path, char **errmsg)
{
  return oci_json_parse_file (&oci_config_table, path, errmsg);
}

char *
oci_config_generate (const oci_config *cfg, char **errmsg)
{
  return oci_json_generate (&oci_config_table, cfg, false, errmsg);
}

void
oci_config_free (oci_config *cfg)
{
  oci_json_free (&oci_config_table, cfg);
}

bool
oci_config_is_set (const oci_config *cfg, const char *path)
{
  return oci_json_is_set (&oci_config_table, cfg, path);
}

/* A LinuxResources document alone (`update -r`, the state dir's copy):
 * paths in messages start below linux.resources ("memory.limit: ..."). */
oci_resources *
oci_resources_parse_data (const char *data, size_t len, char **errmsg)
{
  return oci_json_parse (&resources_table, data, len, errmsg);
}

char *
oci_resources_generate (const oci_resources *r, char **errmsg)
{
  return oci_json_generate (&resources_table, r, false, errmsg);
}

void
oci_resources_free (oci_resources *r)
{
  oci_json_free (&resources_table, r);
}
