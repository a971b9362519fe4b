/* The cgroup2 device program: an instruction emitter for the policy of
 * devices.c, and the bpf(2) calls that load it and put it in place of the
 * cgroup's old one.  No libbpf: the program is a few instructions per rule,
 * and the four commands used here have been stable since Linux 4.15 (5.6 for
 * BPF_F_REPLACE, which is optional). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/ebpf.h"
#include "base/util.h"

#define R0 0
#define R1 1
#define R2 2
#define R3 3
#define R4 4
#define R5 5

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  int r;
  do
    r = (int) syscall (SYS_bpf, cmd, attr, sizeof *attr);
  while (r < 0 && errno == EINTR);
  return r;
}

/* ------------------------------------------------------------------ emitter */

typedef struct
{
  struct bpf_insn *insns;
  size_t n, cap;
  bool oom;
} emitter;

static size_t
emit (emitter *e, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  if (e->n == e->cap && !e->oom)
    {
      size_t cap = e->cap ? e->cap * 2 : 64;
      struct bpf_insn *p = realloc (e->insns, cap * sizeof *p);
      if (p == NULL)
        e->oom = true;
      else
        {
          e->insns = p;
          e->cap = cap;
        }
    }
  if (e->oom)
    return 0;
  e->insns[e->n] = (struct bpf_insn) { .code = code, .dst_reg = dst, .src_reg = src,
                                       .off = off, .imm = imm };
  return e->n++;
}

/* One exception: every test that fails jumps past the block, to the next. */
static void
emit_exception (emitter *e, const kr_dev_exception *x, bool default_allow)
{
  size_t jumps[4], nj = 0;
  unsigned all = KR_DEV_ACC_MKNOD | KR_DEV_ACC_READ | KR_DEV_ACC_WRITE;
  int32_t type = x->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;

  /* The context's numbers are u32: a larger one matches no device. */
  if (x->major > (int64_t) UINT32_MAX || x->minor > (int64_t) UINT32_MAX)
    return;

  jumps[nj++] = emit (e, BPF_JMP | BPF_JNE | BPF_K, R2, 0, 0, type);
  /* Compared as registers: a 64-bit compare with an immediate sign-extends
   * it, and numbers above INT32_MAX would never match. */
  if (x->major >= 0)
    {
      emit (e, BPF_ALU | BPF_MOV | BPF_K, R1, 0, 0, (int32_t) (uint32_t) x->major);
      jumps[nj++] = emit (e, BPF_JMP | BPF_JNE | BPF_X, R4, R1, 0, 0);
    }
  if (x->minor >= 0)
    {
      emit (e, BPF_ALU | BPF_MOV | BPF_K, R1, 0, 0, (int32_t) (uint32_t) x->minor);
      jumps[nj++] = emit (e, BPF_JMP | BPF_JNE | BPF_X, R5, R1, 0, 0);
    }
  if (default_allow)
    {
      /* A deny exception denies when it names any requested access bit. */
      emit (e, BPF_ALU | BPF_MOV | BPF_X, R1, R3, 0, 0);
      emit (e, BPF_ALU | BPF_AND | BPF_K, R1, 0, 0, (int32_t) x->access);
      jumps[nj++] = emit (e, BPF_JMP | BPF_JEQ | BPF_K, R1, 0, 0, 0);
    }
  else if (x->access != all)
    {
      /* An allow exception allows when it grants every requested bit. */
      emit (e, BPF_ALU | BPF_MOV | BPF_X, R1, R3, 0, 0);
      emit (e, BPF_ALU | BPF_AND | BPF_K, R1, 0, 0, (int32_t) x->access);
      jumps[nj++] = emit (e, BPF_JMP | BPF_JNE | BPF_X, R1, R3, 0, 0);
    }
  emit (e, BPF_ALU | BPF_MOV | BPF_K, R0, 0, 0, default_allow ? 0 : 1);
  emit (e, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  if (e->oom)
    return;
  for (size_t i = 0; i < nj; i++)
    e->insns[jumps[i]].off = (int16_t) (e->n - jumps[i] - 1);
}

int
kr_ebpf_device_program (const kr_dev_policy *pol, struct bpf_insn **out, size_t *n,
                        kr_error **err)
{
  emitter e = { NULL, 0, 0, false };

  /* r2 = type, r3 = access, r4 = major, r5 = minor; r1 is free after. */
  emit (&e, BPF_LDX | BPF_MEM | BPF_W, R2, R1, offsetof (struct bpf_cgroup_dev_ctx, access_type), 0);
  emit (&e, BPF_ALU | BPF_MOV | BPF_X, R3, R2, 0, 0);
  emit (&e, BPF_ALU | BPF_RSH | BPF_K, R3, 0, 0, 16);
  emit (&e, BPF_ALU | BPF_AND | BPF_K, R2, 0, 0, 0xffff);
  emit (&e, BPF_LDX | BPF_MEM | BPF_W, R4, R1, offsetof (struct bpf_cgroup_dev_ctx, major), 0);
  emit (&e, BPF_LDX | BPF_MEM | BPF_W, R5, R1, offsetof (struct bpf_cgroup_dev_ctx, minor), 0);
  for (size_t i = 0; i < pol->n; i++)
    emit_exception (&e, &pol->exc[i], pol->default_allow);
  emit (&e, BPF_ALU | BPF_MOV | BPF_K, R0, 0, 0, pol->default_allow ? 1 : 0);
  emit (&e, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  if (e.oom)
    {
      free (e.insns);
      return kr_error_set (err, ENOMEM, "generate the device program");
    }
  /* Jump offsets are 16 bits: far beyond any device list in practice. */
  if (e.n > INT16_MAX)
    {
      free (e.insns);
      return kr_error_set (err, E2BIG, "generate the device program: %zu instructions", e.n);
    }
  *out = e.insns;
  *n = e.n;
  return 0;
}

/* ------------------------------------------------------------------ load */

static void
last_line (char *log)
{
  size_t len = strlen (log);
  char *p;

  while (len && log[len - 1] == '\n')
    log[--len] = '\0';
  p = strrchr (log, '\n');
  if (p)
    memmove (log, p + 1, strlen (p + 1) + 1);
}

int
kr_ebpf_load_device_program (const struct bpf_insn *insns, size_t n, int *prog_fd,
                             kr_error **err)
{
  union bpf_attr attr;
  _cleanup_free_ char *log = NULL;
  int fd, saved;

  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t) (uintptr_t) insns;
  attr.insn_cnt = (uint32_t) n;
  /* Only GPL-only helpers need a GPL license; this program calls none. */
  attr.license = (uint64_t) (uintptr_t) "Apache-2.0";
  snprintf (attr.prog_name, sizeof attr.prog_name, "krill_devices");
  fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    {
      *prog_fd = fd;
      return 0;
    }
  saved = errno;
  if (saved != EINVAL && saved != EACCES)
    return kr_error_set (err, saved, "load the device program (bpf BPF_PROG_LOAD)");
  /* Again with the verifier's log, to say why. */
  log = calloc (1, 65536);
  if (log == NULL)
    return kr_error_set (err, saved, "load the device program (bpf BPF_PROG_LOAD)");
  attr.log_level = 1;
  attr.log_buf = (uint64_t) (uintptr_t) log;
  attr.log_size = 65536;
  fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    {
      *prog_fd = fd;
      return 0;
    }
  last_line (log);
  return kr_error_set (err, saved, "load the device program (bpf BPF_PROG_LOAD)%s%s",
                       log[0] ? ": verifier: " : "", log);
}

/* ------------------------------------------------------------------ attach */

/* The ids of the device programs attached to the cgroup itself (not its
 * ancestors), and the flags they were attached with. */
static int
query (int cgroup_fd, uint32_t **ids, uint32_t *count, uint32_t *flags, kr_error **err)
{
  uint32_t cap = 16;

  for (int tries = 0; tries < 8; tries++)
    {
      union bpf_attr attr;
      _cleanup_free_ uint32_t *buf = calloc (cap, sizeof *buf);

      if (buf == NULL)
        return kr_error_set (err, errno, "query the cgroup's device programs");
      memset (&attr, 0, sizeof attr);
      attr.query.target_fd = (uint32_t) cgroup_fd;
      attr.query.attach_type = BPF_CGROUP_DEVICE;
      attr.query.prog_ids = (uint64_t) (uintptr_t) buf;
      attr.query.prog_cnt = cap;
      if (sys_bpf (BPF_PROG_QUERY, &attr) == 0)
        {
          *ids = TAKE_PTR (buf);
          *count = attr.query.prog_cnt;
          *flags = attr.query.attach_flags;
          return 0;
        }
      /* ENOSPC: more programs than room; prog_cnt says how many. */
      if (errno != ENOSPC)
        return kr_error_set (err, errno, "query the cgroup's device programs (bpf BPF_PROG_QUERY)");
      cap = attr.query.prog_cnt > cap ? attr.query.prog_cnt : cap * 2;
    }
  return kr_error_set (err, EAGAIN, "query the cgroup's device programs: the list keeps growing");
}

static int
attach (int cgroup_fd, int prog_fd, uint32_t flags, int replace_fd)
{
  union bpf_attr attr;

  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t) cgroup_fd;
  attr.attach_bpf_fd = (uint32_t) prog_fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = flags;
  if (replace_fd >= 0)
    attr.replace_bpf_fd = (uint32_t) replace_fd;
  return sys_bpf (BPF_PROG_ATTACH, &attr);
}

static int
detach (int cgroup_fd, int prog_fd)
{
  union bpf_attr attr;

  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t) cgroup_fd;
  attr.attach_bpf_fd = (uint32_t) prog_fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  return sys_bpf (BPF_PROG_DETACH, &attr);
}

static void
close_all (int *fds, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  free (fds);
}

int
kr_ebpf_attach_device_program (int cgroup_fd, int prog_fd, kr_error **err)
{
  _cleanup_free_ uint32_t *ids = NULL;
  uint32_t count = 0, flags = 0;
  int *old = NULL;
  size_t n_old = 0;
  int r = -1;

  if (query (cgroup_fd, &ids, &count, &flags, err) < 0)
    return -1;
  if (count > 0 && (old = calloc (count, sizeof *old)) == NULL)
    return kr_error_set (err, errno, "attach the device program");
  for (uint32_t i = 0; i < count; i++)
    {
      union bpf_attr attr;
      int fd;

      memset (&attr, 0, sizeof attr);
      attr.prog_id = ids[i];
      fd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
      /* Gone since the query, or not ours to see: either way it only
       * restricts, and a program we can not name we can not detach. */
      if (fd < 0 && (errno == ENOENT || errno == EPERM || errno == EACCES))
        continue;
      if (fd < 0)
        {
          kr_error_set (err, errno, "attach the device program: program %u (bpf BPF_PROG_GET_FD_BY_ID)", ids[i]);
          goto out;
        }
      old[n_old++] = fd;
    }

  if (count > 0 && !(flags & BPF_F_ALLOW_MULTI))
    {
      /* Someone attached an exclusive program: attaching with the same
       * flags swaps it for ours in one step. */
      if (attach (cgroup_fd, prog_fd, flags, -1) < 0)
        {
          kr_error_set (err, errno, "attach the device program (bpf BPF_PROG_ATTACH)");
          goto out;
        }
      r = 0;
      goto out;
    }
  if (n_old == 1)
    {
      if (attach (cgroup_fd, prog_fd, BPF_F_ALLOW_MULTI | BPF_F_REPLACE, old[0]) == 0)
        {
          r = 0;
          goto out;
        }
      /* EINVAL: a kernel before 5.6, without BPF_F_REPLACE. */
      if (errno != EINVAL)
        {
          kr_error_set (err, errno, "replace the device program (bpf BPF_PROG_ATTACH)");
          goto out;
        }
    }
  if (attach (cgroup_fd, prog_fd, BPF_F_ALLOW_MULTI, -1) < 0)
    {
      kr_error_set (err, errno, "attach the device program (bpf BPF_PROG_ATTACH)");
      goto out;
    }
  for (size_t i = 0; i < n_old; i++)
    if (detach (cgroup_fd, old[i]) < 0 && errno != ENOENT)
      {
        kr_error_set (err, errno, "detach the old device program (bpf BPF_PROG_DETACH)");
        goto out;
      }
  r = 0;
out:
  close_all (old, n_old);
  return r;
}

int
kr_ebpf_apply_device_policy (int cgroup_fd, const kr_dev_policy *pol, kr_error **err)
{
  _cleanup_free_ struct bpf_insn *insns = NULL;
  _cleanup_close_ int prog = -1;
  size_t n;

  if (kr_ebpf_device_program (pol, &insns, &n, err) < 0
      || kr_ebpf_load_device_program (insns, n, &prog, err) < 0)
    return -1;
  /* Attached, the program lives on with the cgroup: our fd can go. */
  return kr_ebpf_attach_device_program (cgroup_fd, prog, err);
}
