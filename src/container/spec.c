#define _GNU_SOURCE
#include "container/spec.h"

#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "base/json.h"
#include "base/util.h"

#define S(g, s) yajl_gen_string ((g), (const unsigned char *) (s), strlen (s))

static void
strs (yajl_gen g, const char *key, const char *const *v)
{
  S (g, key);
  yajl_gen_array_open (g);
  for (; *v; v++)
    S (g, *v);
  yajl_gen_array_close (g);
}

static void
kv (yajl_gen g, const char *k, const char *v)
{
  S (g, k);
  S (g, v);
}

struct mount
{
  const char *dest, *type, *src;
  const char *opts[8];
};

static const struct mount default_mounts[] = {
  { "/proc", "proc", "proc", { NULL } },
  { "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k", NULL } },
  { "/dev/pts", "devpts", "devpts",
    { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL } },
  { "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL } },
  { "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL } },
  { "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL } },
  { "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro", NULL } },
};

static void
mounts (yajl_gen g, bool rootless)
{
  static const struct mount rootless_sys
      = { "/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro", NULL } };

  S (g, "mounts");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < ARRAY_SIZE (default_mounts); i++)
    {
      const struct mount *m = &default_mounts[i];
      if (rootless && strcmp (m->dest, "/sys") == 0)
        m = &rootless_sys;
      yajl_gen_map_open (g);
      kv (g, "destination", m->dest);
      kv (g, "type", m->type);
      kv (g, "source", m->src);
      if (m->opts[0])
        {
          S (g, "options");
          yajl_gen_array_open (g);
          for (const char *const *o = m->opts; *o; o++)
            if (!rootless || (strncmp (*o, "gid=", 4) != 0 && strncmp (*o, "uid=", 4) != 0))
              S (g, *o);
          yajl_gen_array_close (g);
        }
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
}

static void
id_map (yajl_gen g, const char *key, unsigned id)
{
  S (g, key);
  yajl_gen_array_open (g);
  yajl_gen_map_open (g);
  S (g, "containerID");
  yajl_gen_integer (g, 0);
  S (g, "hostID");
  yajl_gen_integer (g, id);
  S (g, "size");
  yajl_gen_integer (g, 1);
  yajl_gen_map_close (g);
  yajl_gen_array_close (g);
}

static void
process (yajl_gen g)
{
  static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
  static const char *const args[] = { "sh", NULL };
  static const char *const env[]
      = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL };

  S (g, "process");
  yajl_gen_map_open (g);
  S (g, "terminal");
  yajl_gen_bool (g, 1);
  S (g, "user");
  yajl_gen_map_open (g);
  S (g, "uid");
  yajl_gen_integer (g, 0);
  S (g, "gid");
  yajl_gen_integer (g, 0);
  yajl_gen_map_close (g);
  strs (g, "args", args);
  strs (g, "env", env);
  kv (g, "cwd", "/");
  S (g, "capabilities");
  yajl_gen_map_open (g);
  strs (g, "bounding", caps);
  strs (g, "effective", caps);
  strs (g, "permitted", caps);
  yajl_gen_map_close (g);
  S (g, "rlimits");
  yajl_gen_array_open (g);
  yajl_gen_map_open (g);
  kv (g, "type", "RLIMIT_NOFILE");
  S (g, "hard");
  yajl_gen_integer (g, 1024);
  S (g, "soft");
  yajl_gen_integer (g, 1024);
  yajl_gen_map_close (g);
  yajl_gen_array_close (g);
  S (g, "noNewPrivileges");
  yajl_gen_bool (g, 1);
  yajl_gen_map_close (g);
}

static void
linux_section (yajl_gen g, bool rootless, bool cgroupns)
{
  static const char *const masked[]
      = { "/proc/acpi",        "/proc/asound",     "/proc/kcore",       "/proc/keys",
          "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
          "/sys/firmware",     "/proc/scsi",       "/sys/devices/virtual/tpm", NULL };
  static const char *const ro[]
      = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL };
  const char *ns[] = { "pid", "network", "ipc", "uts", "mount", NULL, NULL };

  S (g, "linux");
  yajl_gen_map_open (g);
  if (rootless)
    {
      id_map (g, "uidMappings", (unsigned) geteuid ());
      id_map (g, "gidMappings", (unsigned) getegid ());
    }
  else
    {
      S (g, "resources");
      yajl_gen_map_open (g);
      S (g, "devices");
      yajl_gen_array_open (g);
      yajl_gen_map_open (g);
      S (g, "allow");
      yajl_gen_bool (g, 0);
      kv (g, "access", "rwm");
      yajl_gen_map_close (g);
      yajl_gen_array_close (g);
      yajl_gen_map_close (g);
    }
  S (g, "namespaces");
  yajl_gen_array_open (g);
  if (cgroupns)
    ns[5] = "cgroup";
  for (const char *const *n = ns; *n; n++)
    if (!rootless || strcmp (*n, "network") != 0)
      {
        yajl_gen_map_open (g);
        kv (g, "type", *n);
        yajl_gen_map_close (g);
      }
  if (rootless)
    {
      yajl_gen_map_open (g);
      kv (g, "type", "user");
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  strs (g, "maskedPaths", masked);
  strs (g, "readonlyPaths", ro);
  yajl_gen_map_close (g);
}

char *
kr_spec_default (bool rootless, bool cgroupns, kr_error **err)
{
  yajl_gen g = kr_json_gen ("\t", "spec", err);

  if (g == NULL)
    return NULL;
  yajl_gen_map_open (g);
  kv (g, "ociVersion", "1.3.0");
  process (g);
  S (g, "root");
  yajl_gen_map_open (g);
  kv (g, "path", "rootfs");
  S (g, "readonly");
  yajl_gen_bool (g, 1);
  yajl_gen_map_close (g);
  kv (g, "hostname", "krill");
  mounts (g, rootless);
  linux_section (g, rootless, cgroupns);
  yajl_gen_map_close (g);
  return kr_json_finish (g, "spec", err);
}
