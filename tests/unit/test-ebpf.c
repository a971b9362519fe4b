/* The cgroup2 device program.  The kernel has no BPF_PROG_TEST_RUN for
 * BPF_PROG_TYPE_CGROUP_DEVICE, so the emitted instructions run here in a
 * small interpreter of the few opcodes the emitter uses (anything else fails
 * the test), and every answer is compared with the policy's own
 * (kr_cg_device_allowed) and with what the rules plainly mean.  As root the
 * programs are also loaded (the verifier accepts them) and, where a cgroup2
 * hierarchy is mounted, attached to a scratch cgroup and tried by a real
 * process: open and mknod. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/ebpf.h"
#include "base/util.h"

#include "check.h"



static void
skip (const char *name, const char *reason)
{
  printf ("skip %s # %s\n", name, reason);
  skipped++;
}

/* ------------------------------------------------------------ interpreter */

/* Returns the program's r0, or -1 for an instruction it does not know, a
 * jump out of the program or a fall off its end. */
static int64_t
run (const struct bpf_insn *insns, size_t n, char type, uint32_t major, uint32_t minor,
     unsigned access)
{
  struct bpf_cgroup_dev_ctx ctx = {
    .access_type = (access << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
    .major = major,
    .minor = minor,
  };
  uint64_t r[11] = { 0 };
  bool ctx_valid = true;   /* r1 still holds the context */

  for (size_t pc = 0; pc < n; pc++)
    {
      const struct bpf_insn *i = &insns[pc];
      uint64_t *d = &r[i->dst_reg];
      uint64_t s = r[i->src_reg], k = (uint64_t) (int64_t) i->imm;

      if (i->dst_reg > 10 || i->src_reg > 10)
        return -1;
      switch (i->code)
        {
        case BPF_LDX | BPF_MEM | BPF_W:
          if (i->src_reg != 1 || !ctx_valid || i->off < 0 || (size_t) i->off + 4 > sizeof ctx)
            return -1;
          uint32_t v;
          memcpy (&v, (char *) &ctx + i->off, 4);
          *d = v;
          break;
        case BPF_ALU | BPF_MOV | BPF_K: *d = (uint32_t) i->imm; break;
        case BPF_ALU | BPF_MOV | BPF_X: *d = (uint32_t) s; break;
        case BPF_ALU | BPF_AND | BPF_K: *d = (uint32_t) (*d & (uint32_t) i->imm); break;
        case BPF_ALU | BPF_RSH | BPF_K: *d = (uint32_t) ((uint32_t) *d >> i->imm); break;
        case BPF_JMP | BPF_JNE | BPF_K: if (*d != k) pc += i->off; break;
        case BPF_JMP | BPF_JEQ | BPF_K: if (*d == k) pc += i->off; break;
        case BPF_JMP | BPF_JNE | BPF_X: if (*d != s) pc += i->off; break;
        case BPF_JMP | BPF_EXIT: return (int64_t) r[0];
        default: return -1;
        }
      if (i->dst_reg == 1 && (i->code & 0x07) != BPF_JMP)
        ctx_valid = false;
      if (pc + 1 > n)
        return -1;
    }
  return -1;
}

/* ------------------------------------------------------------ rule lists */

static kr_dev_rule
R (bool allow, char type, int64_t major, int64_t minor, const char *access)
{
  kr_dev_rule r = { allow, type, major, minor, "", 1 };
  snprintf (r.access, sizeof r.access, "%s", access);
  return r;
}

typedef struct
{
  char type;
  uint32_t major, minor;
  unsigned access;
  bool want;
} probe;

#define M KR_DEV_ACC_MKNOD
#define RD KR_DEV_ACC_READ
#define WR KR_DEV_ACC_WRITE

static bool can_load;

static int
load (const struct bpf_insn *insns, size_t n, kr_error **err)
{
  int fd = -1;
  if (kr_ebpf_load_device_program (insns, n, &fd, err) < 0)
    return -1;
  return fd;
}

/* Generates the program for RULES, checks PROBES against it, then the whole
 * grid against the policy, then (root) loads it. */
static void
case_ (const char *name, const kr_dev_rule *rules, size_t n_rules, const probe *probes,
       size_t n_probes)
{
  static const uint32_t majors[] = { 0, 1, 5, 10, 136, 254, 4095, 3000000000u };
  static const uint32_t minors[] = { 0, 2, 3, 5, 7, 200, 1048575, 4294967295u };
  _cleanup_error_ kr_error *err = NULL;
  _cleanup_free_ struct bpf_insn *insns = NULL;
  kr_dev_policy pol;
  size_t n = 0;
  char tname[160];
  size_t bad = 0;
  char first_bad[160] = "";

  if (kr_cg_device_policy (rules, n_rules, &pol, &err) < 0
      || kr_ebpf_device_program (&pol, &insns, &n, &err) < 0)
    {
      check (name, false, "%s", err->msg);
      return;
    }
  for (size_t i = 0; i < n_probes; i++)
    {
      const probe *p = &probes[i];
      int64_t got = run (insns, n, p->type, p->major, p->minor, p->access);
      bool pol_says = kr_cg_device_allowed (&pol, p->type, p->major, p->minor, p->access);
      snprintf (tname, sizeof tname, "%s/%c-%u:%u-%s%s%s", name, p->type, p->major, p->minor,
                p->access & RD ? "r" : "", p->access & WR ? "w" : "", p->access & M ? "m" : "");
      check (tname, got == p->want && pol_says == p->want, "program %lld, policy %d, want %d",
             (long long) got, pol_says, p->want);
    }
  for (int t = 0; t < 2; t++)
    for (size_t a = 0; a < ARRAY_SIZE (majors); a++)
      for (size_t b = 0; b < ARRAY_SIZE (minors); b++)
        for (unsigned acc = 1; acc <= 7; acc++)
          {
            char type = t ? 'b' : 'c';
            int64_t got = run (insns, n, type, majors[a], minors[b], acc);
            bool want = kr_cg_device_allowed (&pol, type, majors[a], minors[b], acc);
            if (got != (int64_t) want && bad++ == 0)
              snprintf (first_bad, sizeof first_bad, "%c %u:%u access %u: program %lld, policy %d",
                        type, majors[a], minors[b], acc, (long long) got, want);
          }
  snprintf (tname, sizeof tname, "%s/program-equals-policy", name);
  check (tname, bad == 0, "%zu differences, first: %s", bad, first_bad);

  snprintf (tname, sizeof tname, "%s/verifier-accepts", name);
  if (!can_load)
    skip (tname, "loading BPF programs needs root");
  else
    {
      int fd = load (insns, n, &err);
      check (tname, fd >= 0, "%s", err ? err->msg : "");
      if (fd >= 0)
        close (fd);
    }
  kr_cg_device_policy_free (&pol);
}

#define CASE(name, rules, probes) case_ (name, rules, ARRAY_SIZE (rules), probes, ARRAY_SIZE (probes))

static void
test_programs (void)
{
  const kr_dev_rule deny_all[] = { R (false, 'a', -1, -1, "rwm") };
  const probe deny_all_p[] = {
    { 'c', 1, 3, RD, false }, { 'b', 8, 0, WR, false }, { 'c', 1, 3, M, false },
  };
  CASE ("deny-all", deny_all, deny_all_p);

  const kr_dev_rule allow_all[] = { R (false, 'a', -1, -1, "rwm"), R (true, 'a', -1, -1, "rwm") };
  const probe allow_all_p[] = { { 'c', 1, 3, RD | WR | M, true }, { 'b', 8, 0, WR, true } };
  CASE ("allow-all", allow_all, allow_all_p);

  /* The access bits one by one, a wildcard minor and a wildcard major. */
  const kr_dev_rule access[] = {
    R (false, 'a', -1, -1, "rwm"), R (true, 'c', 1, 3, "r"), R (true, 'c', 1, 5, "w"),
    R (true, 'c', 1, 7, "m"), R (true, 'c', 1, 9, "rw"), R (true, 'c', 136, -1, "rwm"),
    R (true, 'b', -1, -1, "m"),
  };
  const probe access_p[] = {
    { 'c', 1, 3, RD, true }, { 'c', 1, 3, WR, false }, { 'c', 1, 3, RD | WR, false },
    { 'c', 1, 3, M, false }, { 'c', 1, 5, WR, true }, { 'c', 1, 5, RD, false },
    { 'c', 1, 7, M, true }, { 'c', 1, 7, RD, false }, { 'c', 1, 9, RD | WR, true },
    { 'c', 1, 9, M, false }, { 'c', 136, 0, RD | WR, true }, { 'c', 136, 4242, M, true },
    { 'c', 137, 0, RD, false }, { 'b', 8, 0, M, true }, { 'b', 8, 0, RD, false },
    { 'b', 1, 3, RD, false }, /* the type matters */
    { 'c', 2, 3, RD, false },
  };
  CASE ("access-bits", access, access_p);

  /* Rules with the default narrow an exception with exactly that device;
   * later rules widen it again. */
  const kr_dev_rule narrow[] = {
    R (false, 'a', -1, -1, "rwm"), R (true, 'c', 1, 3, "rwm"), R (false, 'c', 1, 3, "w"),
    R (true, 'c', 1, 5, "rwm"), R (false, 'c', 1, 5, "rwm"), R (true, 'c', 1, 7, "r"),
    R (true, 'c', 1, 7, "w"),
  };
  const probe narrow_p[] = {
    { 'c', 1, 3, RD, true }, { 'c', 1, 3, WR, false }, { 'c', 1, 3, M, true },
    { 'c', 1, 5, RD, false }, { 'c', 1, 7, RD | WR, true }, { 'c', 1, 7, M, false },
  };
  CASE ("narrow-and-widen", narrow, narrow_p);

  /* "a" resets whatever came before, in both directions. */
  const kr_dev_rule reset[] = {
    R (true, 'c', 1, 3, "rwm"), R (true, 'a', -1, -1, "rwm"), R (false, 'c', 1, 3, "w"),
    R (false, 'b', -1, -1, "rwm"), R (false, 'c', 10, -1, "m"),
  };
  const probe reset_p[] = {
    { 'c', 1, 3, RD, true }, { 'c', 1, 3, WR, false }, { 'c', 1, 3, RD | WR, false },
    { 'b', 8, 1, RD, false }, { 'c', 10, 200, M, false }, { 'c', 10, 200, RD | WR, true },
    { 'c', 4, 1, RD | WR | M, true },
  };
  CASE ("deny-list", reset, reset_p);

  /* Numbers that do not fit a signed 32-bit immediate. */
  const kr_dev_rule big[] = {
    R (false, 'a', -1, -1, "rwm"), R (true, 'c', 3000000000, 4294967295, "rwm"),
    R (true, 'c', 8589934592, -1, "rwm"),
  };
  const probe big_p[] = {
    { 'c', 3000000000u, 4294967295u, RD, true }, { 'c', 3000000000u, 0, RD, false },
    { 'c', 0, 4294967295u, RD, false },
  };
  CASE ("u32-numbers", big, big_p);

  /* The set every container gets. */
  {
    _cleanup_error_ kr_error *err = NULL;
    _cleanup_free_ kr_dev_rule *rules = NULL;
    size_t n = 0;
    const probe dflt_p[] = {
      { 'c', 1, 3, RD | WR, true }, { 'c', 1, 5, RD, true }, { 'c', 1, 7, WR, true },
      { 'c', 1, 8, RD, true }, { 'c', 1, 9, RD, true }, { 'c', 5, 0, RD | WR, true },
      { 'c', 5, 2, RD | WR, true }, { 'c', 136, 3, RD | WR, true }, { 'c', 10, 200, RD | WR, true },
      { 'c', 10, 229, RD, false }, { 'c', 1, 1, RD, false }, { 'b', 8, 0, RD, false },
      { 'c', 10, 229, M, true }, { 'b', 8, 0, M, true }, { 'c', 4, 1, RD, false },
    };
    if (kr_cg_device_rules (NULL, &rules, &n, &err) < 0)
      check ("defaults", false, "%s", err->msg);
    else
      case_ ("defaults", rules, n, dflt_p, ARRAY_SIZE (dflt_p));
  }
}

static void
test_refusals (void)
{
  _cleanup_error_ kr_error *err = NULL;
  kr_dev_policy pol;
  kr_dev_rule hole[] = { R (false, 'a', -1, -1, "rwm"), R (true, 'c', 1, -1, "rwm"),
                         R (false, 'c', 1, 3, "w") };
  kr_dev_rule same[] = { R (false, 'a', -1, -1, "rwm"), R (true, 'c', 1, -1, "r"),
                         R (false, 'c', 1, 3, "w") };

  hole[2].from_config = 4;
  check ("refuse-hole-in-wildcard",
         kr_cg_device_policy (hole, ARRAY_SIZE (hole), &pol, &err) < 0 && err
           && strstr (err->msg, "linux.resources.devices[3]") && strstr (err->msg, "c 1:* rwm"),
         "%s", err ? err->msg : "accepted");
  kr_error_free (&err);
  /* No access in common with the wildcard: nothing to punch, accepted. */
  check ("accept-disjoint-deny", kr_cg_device_policy (same, ARRAY_SIZE (same), &pol, &err) == 0,
         "%s", err ? err->msg : "");
  kr_cg_device_policy_free (&pol);
}

/* ------------------------------------------------------------ live */

static const char *
cgroup2_root (void)
{
  struct statfs s;
  if (statfs ("/sys/fs/cgroup", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
    return "/sys/fs/cgroup";
  if (statfs ("/sys/fs/cgroup/unified", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
    return "/sys/fs/cgroup/unified";
  return NULL;
}

/* A child in CGFD's cgroup tries each device: bit i of the result set when
 * the open (or mknod) of the i-th probe worked; -1 on a setup failure. */
static int
try_in_cgroup (int cgfd, const char *scratch)
{
  pid_t pid = fork ();
  int status;

  if (pid < 0)
    return -1;
  if (pid == 0)
    {
      int res = 0, fd;
      char node[PATH_MAX];
      if (write (openat (cgfd, "cgroup.procs", O_WRONLY), "0", 1) != 1)
        _exit (255);
      if ((fd = open ("/dev/null", O_RDWR)) >= 0)
        res |= 1, close (fd);
      if ((fd = open ("/dev/zero", O_RDONLY)) >= 0)
        res |= 2, close (fd);
      if ((fd = open ("/dev/full", O_WRONLY)) >= 0)
        res |= 4, close (fd);
      snprintf (node, sizeof node, "%s/kmsg", scratch);
      if (mknod (node, S_IFCHR | 0600, makedev (1, 11)) == 0)
        res |= 8, unlink (node);
      _exit (res);
    }
  if (waitpid (pid, &status, 0) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) == 255)
    return -1;
  return WEXITSTATUS (status);
}

static int
count_programs (int cgfd)
{
  union bpf_attr attr;
  uint32_t ids[16];

  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = cgfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t) (uintptr_t) ids;
  attr.query.prog_cnt = 16;
  if (syscall (SYS_bpf, BPF_PROG_QUERY, &attr, sizeof attr) < 0)
    return -1;
  return (int) attr.query.prog_cnt;
}

static void
test_live (void)
{
  const char *root = cgroup2_root ();
  char dir[PATH_MAX], scratch[] = "/tmp/krill-ebpf-XXXXXX";
  _cleanup_close_ int cgfd = -1;
  _cleanup_error_ kr_error *err = NULL;
  kr_dev_policy pol;
  int got, n;
  const kr_dev_rule v1[] = { R (false, 'a', -1, -1, "rwm"), R (true, 'c', 1, 3, "rw"),
                             R (true, 'c', 1, 5, "r"), R (true, 'c', -1, -1, "m") };
  const kr_dev_rule v2[] = { R (false, 'a', -1, -1, "rwm"), R (true, 'c', 1, 7, "w") };

  if (!can_load)
    {
      skip ("live/attach", "needs root");
      return;
    }
  if (root == NULL)
    {
      skip ("live/attach", "no cgroup2 hierarchy mounted");
      return;
    }
  if (mkdtemp (scratch) == NULL)
    {
      check ("live/setup", false, "mkdtemp: %m");
      return;
    }
  snprintf (dir, sizeof dir, "%s/krill-test-ebpf-%d", root, (int) getpid ());
  if (mkdir (dir, 0755) < 0 || (cgfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    {
      check ("live/setup", false, "%s: %m", dir);
      rmdir (scratch);
      return;
    }

  if (kr_cg_device_policy (v1, ARRAY_SIZE (v1), &pol, &err) < 0
      || kr_ebpf_apply_device_policy (cgfd, &pol, &err) < 0)
    check ("live/attach", false, "%s", err->msg);
  else
    {
      got = try_in_cgroup (cgfd, scratch);
      check ("live/attach", got == (1 | 2 | 8), "got %#x, want null, zero and mknod", got);
    }
  kr_cg_device_policy_free (&pol);
  kr_error_free (&err);

  /* update: the program is replaced, not added to. */
  if (kr_cg_device_policy (v2, ARRAY_SIZE (v2), &pol, &err) < 0
      || kr_ebpf_apply_device_policy (cgfd, &pol, &err) < 0)
    check ("live/replace", false, "%s", err->msg);
  else
    {
      got = try_in_cgroup (cgfd, scratch);
      n = count_programs (cgfd);
      check ("live/replace", got == 4 && n == 1, "got %#x (want full only), %d programs", got, n);
    }
  kr_cg_device_policy_free (&pol);
  kr_error_free (&err);

  /* Twice more: with one old program attached next to ours and a
   * kernel-side replace, the count stays one. */
  if (kr_cg_device_policy (v1, ARRAY_SIZE (v1), &pol, &err) == 0
      && kr_ebpf_apply_device_policy (cgfd, &pol, &err) == 0)
    {
      n = count_programs (cgfd);
      check ("live/replace-again", n == 1 && try_in_cgroup (cgfd, scratch) == (1 | 2 | 8),
             "%d programs", n);
    }
  else
    check ("live/replace-again", false, "%s", err->msg);
  kr_cg_device_policy_free (&pol);

  if (rmdir (dir) < 0)
    check ("live/cleanup", false, "rmdir %s: %m", dir);
  rmdir (scratch);
}

int
main (void)
{
  can_load = geteuid () == 0;
  test_programs ();
  test_refusals ();
  test_live ();
  printf ("%d passed, %d failed\n", passed, failed);
  (void) skipped;
  return failed ? 1 : 0;
}
