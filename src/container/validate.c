#define _GNU_SOURCE
#include "container/validate.h"

#include <sched.h>
#include <string.h>

#include "spawn/hooks.h"
#include "process/namespaces.h"
#include "process/lsm.h"
#include "process/process.h"
#include "process/sysctl.h"
#include "process/timens.h"
#include "process/userns.h"
#include "base/util.h"

/* Fields of runtime-spec 1.3.0 that a later piece of work implements. Until
 * then a config that sets one is refused: never silently ignored. */
static const char *const not_implemented[] = {
  "process.scheduler",
  "process.ioPriority",
  "process.execCPUAffinity",
  "mounts[].uidMappings",
  "mounts[].gidMappings",
  "linux.netDevices",
  "linux.intelRdt",
  "linux.personality",
  "linux.memoryPolicy",
};

int
kr_validate_supported (const oci_config *cfg, kr_error **err)
{
  for (size_t i = 0; i < ARRAY_SIZE (not_implemented); i++)
    if (oci_config_is_set (cfg, not_implemented[i]))
      return kr_error_set (err, 0, "%s: not implemented by this version of krill",
                           not_implemented[i]);
  return 0;
}

static bool
has_namespace (const oci_config *cfg, int flag)
{
  for (size_t i = 0; cfg->linux && i < cfg->linux->namespaces_len; i++)
    if (kr_namespace_flag (cfg->linux->namespaces[i].type) == flag)
      return true;
  return false;
}

int
kr_validate_config (const oci_config *cfg, kr_error **err)
{
  if (cfg->root == NULL || cfg->root->path == NULL || *cfg->root->path == '\0')
    return kr_error_set (err, 0, "root.path: required");
  if (cfg->linux == NULL)
    return kr_error_set (err, 0, "linux: required on Linux");
  if (kr_process_validate (cfg->process, err) < 0 || kr_hooks_validate (cfg->hooks, err) < 0
      || kr_lsm_validate_linux (cfg->linux, err) < 0)
    return -1;
  /* Without a mount namespace of its own (new or joined) the container is
   * in krill's: what init would remount there is the host's (runc refuses
   * masked and read-only paths there too, and skips root.readonly). */
  if (!has_namespace (cfg, CLONE_NEWNS))
    {
      const oci_linux *l = cfg->linux;
      const char *field = l->masked_paths_len ? "linux.maskedPaths"
                          : l->readonly_paths_len ? "linux.readonlyPaths"
                          : cfg->root->readonly ? "root.readonly"
                          : l->rootfs_propagation && *l->rootfs_propagation ? "linux.rootfsPropagation"
                                                                             : NULL;
      if (field)
        return kr_error_set (err, 0, "%s: needs a mount namespace of the container's (linux.namespaces has no \"mount\")", field);
    }
  if (cfg->hostname && *cfg->hostname && !has_namespace (cfg, CLONE_NEWUTS))
    return kr_error_set (err, 0, "hostname: needs a new uts namespace");
  if (cfg->domainname && *cfg->domainname && !has_namespace (cfg, CLONE_NEWUTS))
    return kr_error_set (err, 0, "domainname: needs a new uts namespace");
  if (kr_userns_validate (cfg, err) < 0 || kr_timens_validate (cfg->linux, err) < 0)
    return -1;
  return kr_sysctl_validate (cfg, err);
}
