/* Typed C view of the OCI runtime-spec v1.3.0 documents krill reads and
 * writes: config.json (Linux parts), state.json and the features document.
 *
 * Naming, so that a field is found without reading the parser:
 *  - struct oci_<thing>, field names are the JSON keys in snake_case
 *    (noNewPrivileges -> no_new_privileges, cgroupsPath -> cgroups_path);
 *  - nested objects are pointers, NULL when absent;
 *  - strings are char *, NULL when absent;
 *  - every integer or boolean field x has a companion bool has_x, set when the
 *    document carries it (absent and 0 differ for resources);
 *  - arrays are T *x plus size_t x_len (arrays of objects are inline arrays
 *    of the struct, arrays of strings are char **);
 *  - string->string maps are oci_kv *x plus size_t x_len, in document order.
 *
 * Parse functions return NULL and set *errmsg (malloc'd) to a message that
 * names the JSON path, what was expected and what was found:
 *   "linux.resources.memory.limit: expected integer, got string \"1g\"".
 * Unknown properties are ignored, as the spec requires. */
#ifndef KRILL_OCISPEC_H
#define KRILL_OCISPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GNU C predefines "linux" as 1; the spec's "linux" object needs the name. */
#undef linux

typedef struct oci_kv
{
  char *key;
  char *value;
} oci_kv;

typedef struct oci_box
{
  uint32_t height;
  bool has_height;
  uint32_t width;
  bool has_width;
} oci_box;

typedef struct oci_user
{
  uint32_t uid;
  bool has_uid;
  uint32_t gid;
  bool has_gid;
  uint32_t umask;
  bool has_umask;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char *username; /* windows; parsed, unused */
} oci_user;

typedef struct oci_capabilities
{
  char **bounding;
  size_t bounding_len;
  char **effective;
  size_t effective_len;
  char **inheritable;
  size_t inheritable_len;
  char **permitted;
  size_t permitted_len;
  char **ambient;
  size_t ambient_len;
} oci_capabilities;

typedef struct oci_rlimit
{
  char *type;
  uint64_t hard;
  bool has_hard;
  uint64_t soft;
  bool has_soft;
} oci_rlimit;

typedef struct oci_process
{
  bool terminal;
  bool has_terminal;
  oci_box *console_size;
  oci_user *user;
  char **args;
  size_t args_len;
  char *command_line; /* windows; parsed, unused */
  char **env;
  size_t env_len;
  char *cwd;
  oci_capabilities *capabilities;
  oci_rlimit *rlimits;
  size_t rlimits_len;
  bool no_new_privileges;
  bool has_no_new_privileges;
  char *apparmor_profile;
  int32_t oom_score_adj;
  bool has_oom_score_adj;
  char *selinux_label;
  /* The helper completing libocispec adds: scheduler, ioPriority,
   * execCPUAffinity (each a struct pointer). */
} oci_process;

typedef struct oci_root
{
  char *path;
  bool readonly;
  bool has_readonly;
} oci_root;

typedef struct oci_id_mapping
{
  uint32_t container_id;
  bool has_container_id;
  uint32_t host_id;
  bool has_host_id;
  uint32_t size;
  bool has_size;
} oci_id_mapping;

typedef struct oci_mount
{
  char *destination;
  char *type;
  char *source;
  char **options;
  size_t options_len;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
} oci_mount;

typedef struct oci_hook
{
  char *path;
  char **args;
  size_t args_len;
  char **env;
  size_t env_len;
  int64_t timeout;
  bool has_timeout;
} oci_hook;

typedef struct oci_hooks
{
  oci_hook *prestart;
  size_t prestart_len;
  oci_hook *create_runtime;
  size_t create_runtime_len;
  oci_hook *create_container;
  size_t create_container_len;
  oci_hook *start_container;
  size_t start_container_len;
  oci_hook *poststart;
  size_t poststart_len;
  oci_hook *poststop;
  size_t poststop_len;
} oci_hooks;

typedef struct oci_namespace
{
  char *type;
  char *path;
} oci_namespace;

typedef struct oci_device
{
  char *type;
  char *path;
  int64_t major;
  bool has_major;
  int64_t minor;
  bool has_minor;
  uint32_t file_mode;
  bool has_file_mode;
  uint32_t uid;
  bool has_uid;
  uint32_t gid;
  bool has_gid;
} oci_device;

typedef struct oci_device_cgroup
{
  bool allow;
  bool has_allow;
  char *type;
  int64_t major;
  bool has_major;
  int64_t minor;
  bool has_minor;
  char *access;
} oci_device_cgroup;

typedef struct oci_resources
{
  oci_device_cgroup *devices;
  size_t devices_len;
  /* The helper completing libocispec adds every other resource of
   * config-linux.md: memory, cpu, pids, block_io, hugepage_limits, network,
   * rdma (map), unified (oci_kv). */
} oci_resources;

typedef struct oci_linux
{
  oci_namespace *namespaces;
  size_t namespaces_len;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
  oci_device *devices;
  size_t devices_len;
  char *cgroups_path;
  oci_resources *resources;
  oci_kv *sysctl;
  size_t sysctl_len;
  char *rootfs_propagation;
  char **masked_paths;
  size_t masked_paths_len;
  char **readonly_paths;
  size_t readonly_paths_len;
  char *mount_label;
  /* The helper completing libocispec adds: timeOffsets, netDevices, seccomp,
   * intelRdt, personality, memoryPolicy. */
} oci_linux;

typedef struct oci_config
{
  char *oci_version;
  oci_process *process;
  oci_root *root;
  char *hostname;
  char *domainname;
  oci_mount *mounts;
  size_t mounts_len;
  oci_hooks *hooks;
  oci_kv *annotations;
  size_t annotations_len;
  oci_linux *linux;
} oci_config;

oci_config *oci_config_parse_data (const char *data, size_t len, char **errmsg);
oci_config *oci_config_parse_file (const char *path, char **errmsg);
/* Returns a malloc'd JSON text, or NULL with *errmsg set. */
char *oci_config_generate (const oci_config *cfg, char **errmsg);
void oci_config_free (oci_config *cfg);

/* True when the document set the value at PATH: dotted JSON names, "[]"
 * meaning "any element" ("linux.seccomp", "mounts[].uidMappings",
 * "process.capabilities"). An empty array or object counts as set. Used to
 * refuse fields this build does not implement yet. */
bool oci_config_is_set (const oci_config *cfg, const char *path);

/* state.json as `state` prints it (state-schema.json). */
typedef struct oci_state
{
  char *oci_version;
  char *id;
  char *status;
  int32_t pid;
  bool has_pid;
  char *bundle;
  oci_kv *annotations;
  size_t annotations_len;
} oci_state;

oci_state *oci_state_parse_data (const char *data, size_t len, char **errmsg);
char *oci_state_generate (const oci_state *st, char **errmsg);
void oci_state_free (oci_state *st);

/* The features document (features.md, features-linux.md); the helper
 * completing libocispec defines oci_features with every property. */
#endif
