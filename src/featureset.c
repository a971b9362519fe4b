#define _GNU_SOURCE
#include "featureset.h"

#include <string.h>
#include <yajl/yajl_gen.h>

#include "caps.h"
#include "mountopts.h"
#include "util.h"

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

char *
kr_features_json (kr_error **err)
{
  static const char *const ns[] = { "cgroup", "ipc", "mount", "network", "pid", "uts" };
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len, nopts = 0;
  const char *const *opts = kr_mount_option_names (&nopts);
  char *out = NULL;

  if (g == NULL)
    {
      kr_error_set (err, ENOMEM, "features");
      return NULL;
    }
  yajl_gen_config (g, yajl_gen_beautify, 1);
  yajl_gen_config (g, yajl_gen_indent_string, "    ");
  yajl_gen_map_open (g);
  S (g, "ociVersionMin");
  S (g, "1.0.0");
  S (g, "ociVersionMax");
  S (g, "1.3.0");
  /* No hook is run by this build yet: the list is empty, not absent. */
  strs (g, "hooks", NULL, 0);
  strs (g, "mountOptions", opts, nopts);
  S (g, "linux");
  yajl_gen_map_open (g);
  strs (g, "namespaces", ns, ARRAY_SIZE (ns));
  caps_list (g);
  S (g, "cgroup");
  yajl_gen_map_open (g);
  S (g, "v1");
  yajl_gen_bool (g, 1);
  S (g, "v2");
  yajl_gen_bool (g, 1);
  S (g, "systemd");
  yajl_gen_bool (g, 0);
  S (g, "systemdUser");
  yajl_gen_bool (g, 0);
  /* linux.resources.rdma is written to rdma.max on both hierarchies. */
  S (g, "rdma");
  yajl_gen_bool (g, 1);
  yajl_gen_map_close (g);
  enabled (g, "seccomp", false);
  enabled (g, "apparmor", false);
  enabled (g, "selinux", false);
  enabled (g, "intelRdt", false);
  S (g, "mountExtensions");
  yajl_gen_map_open (g);
  enabled (g, "idmap", false);
  yajl_gen_map_close (g);
  enabled (g, "netDevices", false);
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
  if (yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok)
    out = strndup ((const char *) buf, len);
  yajl_gen_free (g);
  if (out == NULL)
    kr_error_set (err, ENOMEM, "features");
  return out;
}
