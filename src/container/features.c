#define _GNU_SOURCE
#include "container/features.h"

#include <string.h>
#include <yajl/yajl_gen.h>

#include "cgroup/cgroup.h"
#include "process/caps.h"
#include "rootfs/mountopts.h"
#include "process/seccomp.h"
#include "base/json.h"
#include "base/util.h"

#define S(g, s) yajl_gen_string ((g), (const unsigned char *) (s), strlen (s))

static void
strs (yajl_gen g, const char *key, const char *const *v, size_t n)
{
  S (g, key);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    S (g, v[i]);
  yajl_gen_array_close (g);
}

static void
enabled (yajl_gen g, const char *key, bool on)
{
  S (g, key);
  yajl_gen_map_open (g);
  S (g, "enabled");
  yajl_gen_bool (g, on);
  yajl_gen_map_close (g);
}

static void
caps_list (yajl_gen g)
{
  static const char *const names[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
    "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
    "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
    "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
  };
  strs (g, "capabilities", names, ARRAY_SIZE (names));
}

/* As runc reports it: what krill knows, and which flags this kernel and
 * libseccomp can set. */
static void
seccomp_section (yajl_gen g)
{
  const char *supported[8];
  size_t n, ns = 0;
  const char *const *v;

  S (g, "seccomp");
  yajl_gen_map_open (g);
  S (g, "enabled");
  yajl_gen_bool (g, 1);
  v = kr_seccomp_known_actions (&n);
  strs (g, "actions", v, n);
  v = kr_seccomp_known_operators (&n);
  strs (g, "operators", v, n);
  v = kr_seccomp_known_archs (&n);
  strs (g, "archs", v, n);
  v = kr_seccomp_known_flags (&n);
  strs (g, "knownFlags", v, n);
  for (size_t i = 0; i < n && ns < ARRAY_SIZE (supported); i++)
    if (kr_seccomp_flag_supported (v[i]))
      supported[ns++] = v[i];
  strs (g, "supportedFlags", supported, ns);
  yajl_gen_map_close (g);
}

char *
kr_features_json (kr_error **err)
{
  static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts" };
  static const char *const hooks[] = { "prestart",       "createRuntime", "createContainer",
                                       "startContainer", "poststart",     "poststop" };
  yajl_gen g = kr_json_gen ("    ", "features", err);
  size_t nopts = 0;
  const char *const *opts = kr_mount_option_names (&nopts);
  const kr_cgroup_feature *cg;
  size_t n;

  if (g == NULL)
    return NULL;
  yajl_gen_map_open (g);
  S (g, "ociVersionMin");
  S (g, "1.0.0");
  S (g, "ociVersionMax");
  S (g, "1.3.0");
  strs (g, "hooks", hooks, ARRAY_SIZE (hooks));
  strs (g, "mountOptions", opts, nopts);
  S (g, "linux");
  yajl_gen_map_open (g);
  strs (g, "namespaces", ns, ARRAY_SIZE (ns));
  caps_list (g);
  S (g, "cgroup");
  yajl_gen_map_open (g);
  n = kr_cgroup_features (&cg);
  for (size_t i = 0; i < n; i++)
    {
      S (g, cg[i].key);
      yajl_gen_bool (g, cg[i].value);
    }
  yajl_gen_map_close (g);
  seccomp_section (g);
  enabled (g, "apparmor", true);
  enabled (g, "selinux", false);
  enabled (g, "intelRdt", false);
  S (g, "mountExtensions");
  yajl_gen_map_open (g);
  enabled (g, "idmap", false);
  yajl_gen_map_close (g);
  enabled (g, "netDevices", false);
  yajl_gen_map_close (g);
  S (g, "annotations");
  yajl_gen_map_open (g);
  S (g, "io.github.seccomp.libseccomp.version");
  S (g, kr_seccomp_version ());
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
  return kr_json_finish (g, "features", err);
}
