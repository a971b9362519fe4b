/* linux.seccomp: compiled by libseccomp in the parent, before anything of
 * the container exists, so a bad profile fails `create` with the field's
 * name; installed in the child with one seccomp(2) call and no allocation,
 * as late as the kernel lets it (see kr_process_apply / kr_process_exec). */
#ifndef KRILL_SECCOMPFILTER_H
#define KRILL_SECCOMPFILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "ocispec.h"

typedef struct kr_seccomp kr_seccomp;

/* Checks and compiles CFG (NULL: *out = NULL, no filter). */
int kr_seccomp_prepare (const oci_seccomp *cfg, kr_seccomp **out, kr_error **err);
void kr_seccomp_free (kr_seccomp *sc);

/* Installs the filter in the calling thread. Needs no_new_privs or
 * CAP_SYS_ADMIN. (SCMP_ACT_NOTIFY is refused by kr_seccomp_prepare: no
 * listener fd comes back.) */
int kr_seccomp_load (const kr_seccomp *sc, kr_error **err);

/* For `features`. */
const char *const *kr_seccomp_known_actions (size_t *n);
const char *const *kr_seccomp_known_operators (size_t *n);
/* Architectures this libseccomp resolves; N set to their number. */
const char **kr_seccomp_known_archs (size_t *n);
const char *const *kr_seccomp_known_flags (size_t *n);
bool kr_seccomp_flag_supported (const char *flag);
/* "2.5.4" (static buffer). */
const char *kr_seccomp_version (void);

/* Internal to seccomp*.c: the -ENOSYS stub runc puts in front of the
 * filter, so syscalls newer than the profile fail as unknown ones do. */
struct sock_filter;
int kr_seccomp_enosys_stub (const oci_seccomp *cfg, struct sock_filter **out, size_t *n,
                            kr_error **err);
/* SCMP_ARCH_X86_64 -> libseccomp's token; 0 when unknown here. */
unsigned int kr_seccomp_arch_token (const char *name);

#endif
