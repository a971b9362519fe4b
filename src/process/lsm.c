#define _GNU_SOURCE
#include "process/lsm.h"

#include <linux/magic.h>
#include <sys/vfs.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/procfs.h"
#include "base/util.h"

/* runc's test: the securityfs directory and the module parameter. */
bool
kr_lsm_apparmor_enabled (void)
{
  _cleanup_fclose_ FILE *f = NULL;
  struct stat st;
  int c;

  if (stat ("/sys/kernel/security/apparmor", &st) < 0)
    return false;
  f = fopen ("/sys/module/apparmor/parameters/enabled", "re");
  return f && (c = fgetc (f)) == 'Y';
}

/* What libselinux's is_selinux_enabled() looks at, asked of the kernel
 * directly: linking libselinux costs every krill call its constructor. */
bool
kr_lsm_selinux_enabled (void)
{
  struct statfs sfs;

  return statfs ("/sys/fs/selinux", &sfs) == 0 && sfs.f_type == SELINUX_MAGIC
         && access ("/sys/fs/selinux/enforce", F_OK) == 0;
}

int
kr_lsm_validate_process (const oci_process *p, kr_error **err)
{
  if (p->apparmor_profile && *p->apparmor_profile && !kr_lsm_apparmor_enabled ())
    return kr_error_set (err, 0, "process.apparmorProfile: \"%s\" is set, but AppArmor is not "
                         "enabled on this host", p->apparmor_profile);
  if (p->selinux_label && *p->selinux_label)
    {
      if (!kr_lsm_selinux_enabled ())
        return kr_error_set (err, 0, "process.selinuxLabel: \"%s\" is set, but SELinux is "
                             "disabled or not supported on this host", p->selinux_label);
      return kr_error_set (err, 0, "process.selinuxLabel: not implemented by this version of "
                           "krill");
    }
  return 0;
}

int
kr_lsm_validate_linux (const oci_linux *lnx, kr_error **err)
{
  if (lnx->mount_label == NULL || *lnx->mount_label == '\0')
    return 0;
  if (!kr_lsm_selinux_enabled ())
    {
      /* Nothing on this host could enforce it: crun runs the container,
       * and so does krill, saying so (runc adds context= to the mounts
       * and the kernel refuses them). process.selinuxLabel, which would
       * leave the process unconfined, stays an error as in runc. */
      kr_log ("warning", "linux.mountLabel \"%s\" not applied: SELinux is disabled or not "
              "supported on this host", lnx->mount_label);
      return 0;
    }
  return kr_error_set (err, 0, "linux.mountLabel: not implemented by this version of krill");
}

int
kr_lsm_apply (const oci_process *p, int proc_fd, kr_error **err)
{
  _cleanup_free_ char *cmd = NULL;
  _cleanup_error_ kr_error *first = NULL;

  if (p->apparmor_profile == NULL || *p->apparmor_profile == '\0')
    return 0;
  /* Takes effect at execve, like runc's change_onexec; the interface moved
   * under attr/apparmor/ with the LSM stacking work. */
  if (asprintf (&cmd, "exec %s", p->apparmor_profile) < 0)
    return kr_error_set (err, ENOMEM, "process.apparmorProfile");
  if (kr_procfs_write_self (proc_fd, "attr/apparmor/exec", cmd, &first) == 0)
    return 0;
  if (first->errnum != ENOENT)
    {
      kr_error_move (err, &first);
      return kr_error_prefix (err, "process.apparmorProfile");
    }
  if (kr_procfs_write_self (proc_fd, "attr/exec", cmd, err) < 0)
    return kr_error_prefix (err, "process.apparmorProfile");
  return 0;
}
