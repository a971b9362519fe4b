/* AppArmor and SELinux: what runc does with the config's labels. A profile
 * or process label the host cannot apply fails `create` (runc fails too: a
 * write error for AppArmor, its validator for SELinux), only earlier and
 * with a clear message. linux.mountLabel without SELinux is a warning, as
 * crun has it (runc's mounts fail on the context= option). */
#ifndef KRILL_LSM_H
#define KRILL_LSM_H

#include <stdbool.h>

#include "base/error.h"
#include "ocispec.h"

bool kr_lsm_apparmor_enabled (void);
bool kr_lsm_selinux_enabled (void);

/* In the parent: process.apparmorProfile, process.selinuxLabel. */
int kr_lsm_validate_process (const oci_process *p, kr_error **err);
/* In the parent: linux.mountLabel (logs a warning when not applied). */
int kr_lsm_validate_linux (const oci_linux *lnx, kr_error **err);
/* In the child: the AppArmor profile for the next execve. */
int kr_lsm_apply (const oci_process *p, int proc_fd, kr_error **err);

#endif
