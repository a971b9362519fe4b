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
 *  - string->string maps are oci_kv *x plus size_t x_len, in document order;
 *  - string->object maps (netDevices, rdma, timeOffsets) are inline arrays of
 *    a struct whose first member is char *key (the map key), plus x_len;
 *  - an array or map the document carries is non-NULL even when empty (so
 *    "[]" and absent differ); string arrays are also NULL-terminated
 *    (args[args_len] == NULL), ready for execve.
 *
 * JSON null for an optional field means absent. Integers are range-checked
 * against the C type; enum-like strings and the patterns of the schemas are
 * checked; fields the schemas mark required are errors when missing
 * ("process.user.uid: required"). A missing root or process is not an error
 * at parse time: the runtime checks what each operation needs. ociVersion
 * must be SemVer no later than 1.3.x (1.0.0 ... 1.3.x, and the 0.y.z drafts
 * the spec's own examples still carry). A repeated key: the last one wins.
 *
 * Generation writes what is present by the same rules (non-NULL pointers,
 * has_x set), so a struct built by hand must set has_x for its integers.
 *
 * Parse functions return NULL and set *errmsg (malloc'd) to a message that
 * names the JSON path, what was expected and what was found:
 *   "linux.resources.memory.limit: expected integer, got string \"1g\"",
 *   "mounts[2].destination: expected string, got number 5",
 *   "linux.netDevices.eth0.name: expected string, got number 23" (map keys
 *   are path components).
 * Malformed JSON gives "invalid JSON: " and yajl's message. *errmsg is NULL
 * only when even the message could not be allocated.
 * Unknown properties are ignored, as the spec requires.
 *
 * Each document has parse, generate and free, also where krill itself uses
 * one direction only (it writes state, reads no features document): the
 * round trip of every document is how tests/unit/test-ocispec.c checks the
 * tables against the spec's schemas and examples. */
#ifndef KRILL_OCISPEC_H
#define KRILL_OCISPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GNU C predefines "linux" as 1; the spec's "linux" object needs the name. */
#undef linux

/* Limits on every JSON document krill reads (config.json, exec --process,
 * update -r, the state dir's files). Past them a document is refused with
 * one line naming the limit, before the tree is built.
 *
 * Size: 16 MiB. A config is a few KiB, a large seccomp profile a few
 * hundred; Kubernetes caps all annotations of a pod at 256 KiB and its CRI
 * messages at 4 MiB (gRPC's default), so nothing a real engine sends comes
 * near. It bounds the memory and time of a parse (tens of milliseconds) and
 * what create copies into the state dir.
 *
 * Depth: 10000 levels of arrays and objects, the limit of Go's
 * encoding/json: runc and every Go engine refuse deeper documents too, so no
 * config that works with them is refused here. The deepest path of the
 * spec's schemas is under 10 levels. It bounds the recursion of yajl's tree
 * (yajl_tree_free recurses per level: 300,000 levels overflowed the stack). */
#define OCI_JSON_MAX_BYTES ((size_t) 16 << 20)
#define OCI_JSON_MAX_BYTES_TEXT "16 MiB"
#define OCI_JSON_MAX_DEPTH 10000

/* NULL when DATA (LEN bytes) is within both limits, else a malloc'd message
 * ("JSON nested deeper than the limit of 10000 levels"). Linear, and it
 * never recurses; parse_data and parse_file call it first. */
char *oci_json_check_limits (const char *data, size_t len);

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

typedef struct oci_scheduler
{
  char *policy; /* SCHED_OTHER, SCHED_FIFO, ... (required) */
  int32_t nice;
  bool has_nice;
  int32_t priority;
  bool has_priority;
  char **flags; /* SCHED_FLAG_* */
  size_t flags_len;
  uint64_t runtime;
  bool has_runtime;
  uint64_t deadline;
  bool has_deadline;
  uint64_t period;
  bool has_period;
} oci_scheduler;

typedef struct oci_io_priority
{
  char *class; /* IOPRIO_CLASS_RT, _BE or _IDLE (required) */
  int32_t priority;
  bool has_priority;
} oci_io_priority;

typedef struct oci_exec_cpu_affinity
{
  char *initial; /* cpu list, e.g. "0-3,7" */
  char *final;
} oci_exec_cpu_affinity;

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
  oci_scheduler *scheduler;
  oci_io_priority *io_priority;
  oci_exec_cpu_affinity *exec_cpu_affinity;
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

typedef struct oci_memory
{
  int64_t limit;
  bool has_limit;
  int64_t reservation;
  bool has_reservation;
  int64_t swap;
  bool has_swap;
  int64_t kernel;
  bool has_kernel;
  int64_t kernel_tcp;
  bool has_kernel_tcp;
  uint64_t swappiness;
  bool has_swappiness;
  bool disable_oom_killer;
  bool has_disable_oom_killer;
  bool use_hierarchy;
  bool has_use_hierarchy;
  bool check_before_update;
  bool has_check_before_update;
} oci_memory;

typedef struct oci_cpu
{
  uint64_t shares;
  bool has_shares;
  int64_t quota;
  bool has_quota;
  uint64_t burst;
  bool has_burst;
  uint64_t period;
  bool has_period;
  int64_t realtime_runtime;
  bool has_realtime_runtime;
  uint64_t realtime_period;
  bool has_realtime_period;
  char *cpus;
  char *mems;
  int64_t idle;
  bool has_idle;
} oci_cpu;

typedef struct oci_pids
{
  int64_t limit; /* required */
  bool has_limit;
} oci_pids;

/* linux.resources.blockIO.weightDevice[] */
typedef struct oci_weight_device
{
  int64_t major; /* required */
  bool has_major;
  int64_t minor; /* required */
  bool has_minor;
  uint16_t weight;
  bool has_weight;
  uint16_t leaf_weight;
  bool has_leaf_weight;
} oci_weight_device;

/* linux.resources.blockIO.throttle*Device[] */
typedef struct oci_throttle_device
{
  int64_t major; /* required */
  bool has_major;
  int64_t minor; /* required */
  bool has_minor;
  uint64_t rate;
  bool has_rate;
} oci_throttle_device;

typedef struct oci_block_io
{
  uint16_t weight;
  bool has_weight;
  uint16_t leaf_weight;
  bool has_leaf_weight;
  oci_weight_device *weight_device;
  size_t weight_device_len;
  oci_throttle_device *throttle_read_bps_device;
  size_t throttle_read_bps_device_len;
  oci_throttle_device *throttle_write_bps_device;
  size_t throttle_write_bps_device_len;
  oci_throttle_device *throttle_read_iops_device;
  size_t throttle_read_iops_device_len;
  oci_throttle_device *throttle_write_iops_device;
  size_t throttle_write_iops_device_len;
} oci_block_io;

typedef struct oci_hugepage_limit
{
  char *page_size; /* "2MB", matches ^[1-9][0-9]*[KMG]B$ (required) */
  uint64_t limit;  /* required */
  bool has_limit;
} oci_hugepage_limit;

/* linux.resources.network.priorities[] */
typedef struct oci_interface_priority
{
  char *name;        /* required */
  uint32_t priority; /* required */
  bool has_priority;
} oci_interface_priority;

typedef struct oci_network
{
  uint32_t class_id;
  bool has_class_id;
  oci_interface_priority *priorities;
  size_t priorities_len;
} oci_network;

/* linux.resources.rdma: map device name -> limits */
typedef struct oci_rdma
{
  char *key; /* the map key: the RDMA device name */
  uint32_t hca_handles;
  bool has_hca_handles;
  uint32_t hca_objects;
  bool has_hca_objects;
} oci_rdma;

typedef struct oci_resources
{
  oci_device_cgroup *devices;
  size_t devices_len;
  oci_memory *memory;
  oci_cpu *cpu;
  oci_pids *pids;
  oci_block_io *block_io;
  oci_hugepage_limit *hugepage_limits;
  size_t hugepage_limits_len;
  oci_network *network;
  oci_rdma *rdma;
  size_t rdma_len;
  oci_kv *unified;
  size_t unified_len;
} oci_resources;

/* linux.resources as a document of its own (runc's `update -r` input). */
oci_resources *oci_resources_parse_data (const char *data, size_t len, char **errmsg);
char *oci_resources_generate (const oci_resources *r, char **errmsg);
void oci_resources_free (oci_resources *r);

/* linux.timeOffsets: map clock name ("boottime", "monotonic") -> offset */
typedef struct oci_time_offset
{
  char *key; /* the map key: the clock name */
  int64_t secs;
  bool has_secs;
  uint32_t nanosecs;
  bool has_nanosecs;
} oci_time_offset;

/* linux.netDevices: map host interface name -> settings */
typedef struct oci_net_device
{
  char *key;  /* the map key: the interface name in the runtime namespace */
  char *name; /* the name inside the container, NULL: keep the key */
} oci_net_device;

typedef struct oci_seccomp_arg
{
  uint32_t index; /* required */
  bool has_index;
  uint64_t value; /* required */
  bool has_value;
  uint64_t value_two;
  bool has_value_two;
  char *op; /* SCMP_CMP_* (required) */
} oci_seccomp_arg;

typedef struct oci_seccomp_syscall
{
  char **names; /* required, at least one */
  size_t names_len;
  char *action; /* SCMP_ACT_* (required) */
  uint32_t errno_ret;
  bool has_errno_ret;
  oci_seccomp_arg *args;
  size_t args_len;
} oci_seccomp_syscall;

typedef struct oci_seccomp
{
  char *default_action; /* SCMP_ACT_* (required) */
  uint32_t default_errno_ret;
  bool has_default_errno_ret;
  char **architectures; /* SCMP_ARCH_* */
  size_t architectures_len;
  char **flags; /* SECCOMP_FILTER_FLAG_* */
  size_t flags_len;
  char *listener_path;
  char *listener_metadata;
  oci_seccomp_syscall *syscalls;
  size_t syscalls_len;
} oci_seccomp;

typedef struct oci_intel_rdt
{
  char *clos_id;
  char *l3_cache_schema;
  char *mem_bw_schema; /* starts with "MB:" */
  char **schemata;
  size_t schemata_len;
  bool enable_monitoring;
  bool has_enable_monitoring;
  bool enable_cmt; /* runtime-spec 1.1.0 to 1.2.1 */
  bool has_enable_cmt;
  bool enable_mbm; /* runtime-spec 1.1.0 to 1.2.1 */
  bool has_enable_mbm;
} oci_intel_rdt;

typedef struct oci_personality
{
  char *domain; /* LINUX or LINUX32 (required) */
  char **flags;
  size_t flags_len;
} oci_personality;

typedef struct oci_memory_policy
{
  char *mode;  /* MPOL_* (required) */
  char *nodes; /* "0-3,7" */
  char **flags; /* MPOL_F_* */
  size_t flags_len;
} oci_memory_policy;

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
  oci_time_offset *time_offsets;
  size_t time_offsets_len;
  oci_net_device *net_devices;
  size_t net_devices_len;
  oci_seccomp *seccomp;
  oci_intel_rdt *intel_rdt;
  oci_personality *personality;
  oci_memory_policy *memory_policy;
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

/* The Process object alone, as `exec --process FILE` takes it (same rules and
 * messages, paths relative to the process: "user.uid: required"). */
oci_process *oci_process_parse_data (const char *data, size_t len, char **errmsg);
oci_process *oci_process_parse_file (const char *path, char **errmsg);
void oci_process_free (oci_process *p);

/* True when the document set the value at PATH: dotted JSON names, "[]"
 * meaning "any element" of an array or map ("linux.seccomp",
 * "mounts[].uidMappings", "process.capabilities", "linux.netDevices[].name").
 * An empty array or object counts as set; an unknown name is not set. Used
 * to refuse fields this build does not implement yet. */
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
oci_state *oci_state_parse_file (const char *path, char **errmsg);
char *oci_state_generate (const oci_state *st, char **errmsg);
void oci_state_free (oci_state *st);

/* The features document (features.md, features-linux.md), as `features`
 * prints it. */
typedef struct oci_features_enabled
{
  bool enabled;
  bool has_enabled;
} oci_features_enabled;

typedef struct oci_features_cgroup
{
  bool v1;
  bool has_v1;
  bool v2;
  bool has_v2;
  bool systemd;
  bool has_systemd;
  bool systemd_user;
  bool has_systemd_user;
  bool rdma;
  bool has_rdma;
} oci_features_cgroup;

typedef struct oci_features_seccomp
{
  bool enabled;
  bool has_enabled;
  char **actions;
  size_t actions_len;
  char **operators;
  size_t operators_len;
  char **archs;
  size_t archs_len;
  char **known_flags;
  size_t known_flags_len;
  char **supported_flags;
  size_t supported_flags_len;
} oci_features_seccomp;

typedef struct oci_features_intel_rdt
{
  bool enabled;
  bool has_enabled;
  bool schemata;
  bool has_schemata;
  bool monitoring;
  bool has_monitoring;
} oci_features_intel_rdt;

typedef struct oci_features_memory_policy
{
  char **modes;
  size_t modes_len;
  char **flags;
  size_t flags_len;
} oci_features_memory_policy;

typedef struct oci_features_mount_extensions
{
  oci_features_enabled *idmap;
} oci_features_mount_extensions;

typedef struct oci_features_linux
{
  char **namespaces;
  size_t namespaces_len;
  char **capabilities;
  size_t capabilities_len;
  oci_features_cgroup *cgroup;
  oci_features_seccomp *seccomp;
  oci_features_enabled *apparmor;
  oci_features_enabled *selinux;
  oci_features_intel_rdt *intel_rdt;
  oci_features_memory_policy *memory_policy;
  oci_features_mount_extensions *mount_extensions;
  oci_features_enabled *net_devices;
} oci_features_linux;

typedef struct oci_features
{
  char *oci_version_min; /* required */
  char *oci_version_max; /* required */
  char **hooks;
  size_t hooks_len;
  char **mount_options;
  size_t mount_options_len;
  oci_kv *annotations;
  size_t annotations_len;
  char **potentially_unsafe_config_annotations;
  size_t potentially_unsafe_config_annotations_len;
  oci_features_linux *linux;
} oci_features;

oci_features *oci_features_parse_data (const char *data, size_t len,
                                       char **errmsg);
/* PRETTY: indented with four spaces and a final newline, as runc prints. */
char *oci_features_generate (const oci_features *f, bool pretty,
                             char **errmsg);
void oci_features_free (oci_features *f);

#endif
