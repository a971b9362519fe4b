/* AppArmor and SELinux: what runc does with the config's labels. A profile
 * or label the host cannot apply fails `create` (runc fails too: a write
 * error for AppArmor, its validator for SELinux, a mount refusing the
 * context= option for mountLabel), only earlier and with a clear message. */
#ifndef KRILL_LSM_H
#define KRILL_LSM_H

#include <stdbool.h>

#include "base/error.h"
#include "ocispec.h"

bool kr_lsm_apparmor_enabled (void);
bool kr_lsm_selinux_enabled (void);

/* In the parent: process.apparmorProfile, process.selinuxLabel. */
int kr_lsm_validate_process (const oci_process *p, kr_error **err);
/* In the parent: linux.mountLabel. */
int kr_lsm_validate_linux (const oci_linux *lnx, kr_error **err);
/* In the child: the AppArmor profile for the next execve. */
int kr_lsm_apply (const oci_process *p, int proc_fd, kr_error **err);

#endif
