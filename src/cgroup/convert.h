/* The pure half of linux.resources: range checks that need no host, and the
 * cgroup v1 -> v2 conversions, done as runc (1.4 and later) does them.
 * docs/cgroups.md has the table.  No file access here: the unit tests run
 * it without a cgroup filesystem. */
#ifndef KRILL_CGROUP_CONVERT_H
#define KRILL_CGROUP_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "ocispec.h"

/* cpu.shares [2, 262144] -> cpu.weight [1, 10000] on a quadratic in
 * log2(shares) through (2, 1), (1024, 100) and (262144, 10000); 0 -> 0
 * (unset). */
uint64_t kr_cg_shares_to_weight (uint64_t shares);

/* blkio.weight [10, 1000] -> io.weight [1, 10000], linearly; 0 -> 0. */
uint64_t kr_cg_blkio_to_io_weight (uint16_t weight);

/* memory.swap in the spec is memory+swap (v1's memsw); memory.swap.max is
 * swap alone: SWAP - LIMIT, -1 for "max", 0 for "unset".  Errors name the
 * field. */
int kr_cg_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, kr_error **err);

/* cpu.max: "QUOTA PERIOD", "max PERIOD" when quota <= 0; a period of 0 is
 * the kernel's default, 100000. */
void kr_cg_cpu_max (int64_t quota, uint64_t period, char *buf, size_t size);

/* pids.max: -1 (and any negative runc lets through) -> "max", 0 -> "1"
 * (as runc: a pids.max of 0 would refuse even the init placed by
 * CLONE_INTO_CGROUP, and systemd can not express it), else the number. */
void kr_cg_pids_max (int64_t limit, char *buf, size_t size);

/* A v2 memory value: -1 -> "max", else the number. */
void kr_cg_v2_bytes (int64_t v, char *buf, size_t size);

/* "2MB" -> 2048 (KiB); 0 when it is not <digits><K|M|G>B. */
uint64_t kr_cg_page_size_kb (const char *page_size);
/* 2048 -> "2MB", as the hugetlb files name it. */
void kr_cg_page_size_name (uint64_t kb, char *buf, size_t size);

/* Parses a cpu or memory-node list ("0-3,7") into BITS (NBITS bits).
 * -1 on a syntax error or a number >= NBITS. */
int kr_cg_parse_list (const char *s, uint64_t *bits, size_t nbits);
/* Whether every cpu/node of WANT is in HAVE; -1 when WANT does not parse
 * (HAVE, read from the host, is trusted). */
int kr_cg_list_within (const char *want, const char *have);

/* The checks that need no host: negative values where only -1 is allowed,
 * swappiness > 100, weights outside [10, 1000], idle other than 0/1, a
 * burst above the quota, swap below the limit, realtime on cgroup v2,
 * unified keys that are not a plain file name, fields with no meaning on the
 * hierarchy in use.  V2: the host is unified.  Errors name field and value. */
int kr_cg_check_resources (const oci_resources *r, bool v2, kr_error **err);

/* "mlx5_1 hca_handle=3 hca_object=10000": one line of rdma.max. */
void kr_cg_rdma_line (const oci_rdma *r, char *buf, size_t size);

/* Whether B asks for any write (a weight of 0 is "unset"). */
bool kr_cg_block_io_set (const oci_block_io *b);


#endif
