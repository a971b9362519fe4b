/* The cgroup2 device controller: a BPF_PROG_TYPE_CGROUP_DEVICE program
 * generated from a device policy (devices.c), loaded and attached to a
 * cgroup with bpf(2) directly.
 *
 * The program gets struct bpf_cgroup_dev_ctx (access_type: the device type in
 * the low 16 bits, the access bits in the high 16; major; minor) and returns
 * 1 to allow, 0 to deny (the caller sees EPERM).  It answers exactly as
 * kr_cg_device_allowed does: the exceptions in turn, the first that decides
 * wins, else the default. */
#ifndef KRILL_CGROUP_EBPF_H
#define KRILL_CGROUP_EBPF_H

#include <linux/bpf.h>
#include <stddef.h>

#include "cgroup/cgroup-internal.h"

/* The program's instructions; *OUT is malloc'd. */
int kr_ebpf_device_program (const kr_dev_policy *pol, struct bpf_insn **out, size_t *n,
                            kr_error **err);

/* BPF_PROG_LOAD; on success *PROG_FD is the program's fd.  A verifier
 * refusal carries the verifier's last log line. */
int kr_ebpf_load_device_program (const struct bpf_insn *insns, size_t n, int *prog_fd,
                                 kr_error **err);

/* Makes PROG_FD the device program of the cgroup CGROUP_FD, in place of every
 * device program attached there before (krill's earlier one on `update`).
 * Never leaves the cgroup without a program in between: the old one is
 * replaced in one step (BPF_F_REPLACE) when there is exactly one, else the
 * new one is attached next to the old ones (programs of a cgroup must all
 * allow: the two together allow at most what each allows) and the old ones
 * are detached after. */
int kr_ebpf_attach_device_program (int cgroup_fd, int prog_fd, kr_error **err);

/* Generates, loads and attaches the program for POL. */
int kr_ebpf_apply_device_policy (int cgroup_fd, const kr_dev_policy *pol, kr_error **err);

#endif
