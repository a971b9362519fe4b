/* The -ENOSYS stub runc puts in front of every seccomp filter whose default
 * action denies: a syscall numbered above the highest one the profile
 * names (per architecture) is newer than the profile, so it fails with
 * ENOSYS, which libcs take as "fall back to the older call", instead of the
 * default action (EPERM, a kill), which they take as a real failure. */
#define _GNU_SOURCE
#include "process/seccomp.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>

#include "base/util.h"

#define X32_SYSCALL_BIT 0x40000000U
#define MAX_GROUPS 32

enum
{
  T_NEXT = -1,
  T_ENOSYS = -2,
  T_FILTER = -3
};

/* One instruction with symbolic jump targets, resolved at the end. */
struct ins
{
  uint16_t code;
  uint32_t k;
  int jt, jf; /* absolute index or T_* */
};

struct group
{
  uint32_t audit;
  int64_t max;     /* highest native number, -1: none */
  int64_t max_x32; /* on AUDIT_ARCH_X86_64 only: highest x32 number */
};

static bool
allow_like (const char *act)
{
  /* A good tracer handles new syscalls itself: TRACE counts as allowing. */
  return strcmp (act, "SCMP_ACT_ALLOW") == 0 || strcmp (act, "SCMP_ACT_LOG") == 0
         || strcmp (act, "SCMP_ACT_TRACE") == 0;
}

static int64_t
highest (const oci_seccomp *cfg, uint32_t token)
{
  int64_t max = -1;
  for (size_t i = 0; i < cfg->syscalls_len; i++)
    for (size_t n = 0; n < cfg->syscalls[i].names_len; n++)
      {
        int nr = seccomp_syscall_resolve_name_arch (token, cfg->syscalls[i].names[n]);
        if (nr >= 0 && nr > max)
          max = nr;
      }
  return max;
}

static size_t
collect (const oci_seccomp *cfg, struct group *g)
{
  uint32_t tokens[MAX_GROUPS + 1];
  size_t nt = 0, ng = 0;

  tokens[nt++] = seccomp_arch_native ();
  for (size_t i = 0; i < cfg->architectures_len && nt < ARRAY_SIZE (tokens); i++)
    {
      uint32_t t = kr_seccomp_arch_token (cfg->architectures[i]);
      bool seen = t == 0;
      for (size_t j = 0; j < nt && !seen; j++)
        seen = tokens[j] == t;
      if (!seen)
        tokens[nt++] = t;
    }
  for (size_t i = 0; i < nt; i++)
    {
      bool x32 = tokens[i] == SCMP_ARCH_X32;
      uint32_t audit = x32 ? AUDIT_ARCH_X86_64 : tokens[i];
      int64_t max = highest (cfg, tokens[i]);
      size_t j;

      if (max < 0)
        continue;
      for (j = 0; j < ng && g[j].audit != audit; j++)
        ;
      if (j == ng)
        {
          if (ng == MAX_GROUPS)
            break;
          g[ng++] = (struct group) { .audit = audit, .max = -1, .max_x32 = -1 };
        }
      if (x32)
        g[j].max_x32 = max;
      else
        g[j].max = max;
    }
  return ng;
}

static void
emit (struct ins *p, size_t *n, uint16_t code, uint32_t k, int jt, int jf)
{
  p[(*n)++] = (struct ins) { .code = code, .k = k, .jt = jt, .jf = jf };
}

/* nr > MAX: ENOSYS, else the filter; no MAX: the filter. */
static void
emit_cmp (struct ins *p, size_t *n, int64_t max)
{
  if (max < 0)
    emit (p, n, BPF_JMP | BPF_JA, 0, T_FILTER, T_FILTER);
  else
    emit (p, n, BPF_JMP | BPF_JGT | BPF_K, (uint32_t) max, T_ENOSYS, T_FILTER);
}

static int
resolve (int target, size_t i, size_t n)
{
  if (target == T_NEXT)
    return 0;
  if (target == T_ENOSYS)
    target = (int) n - 1;
  else if (target == T_FILTER)
    target = (int) n;
  return target - (int) i - 1;
}

int
kr_seccomp_enosys_stub (const oci_seccomp *cfg, struct sock_filter **out, size_t *nout,
                        kr_error **err)
{
  struct group g[MAX_GROUPS];
  struct ins p[8 * MAX_GROUPS + 8];
  size_t ng, n = 0, dispatch;
  struct sock_filter *f;

  *out = NULL;
  *nout = 0;
  if (allow_like (cfg->default_action)
      || (strcmp (cfg->default_action, "SCMP_ACT_ERRNO") == 0 && cfg->has_default_errno_ret
          && cfg->default_errno_ret == ENOSYS))
    return 0;
  ng = collect (cfg, g);
  if (ng == 0)
    return 0;

  emit (p, &n, BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch), T_NEXT, T_NEXT);
  dispatch = n;
  for (size_t i = 0; i < ng; i++)
    emit (p, &n, BPF_JMP | BPF_JEQ | BPF_K, g[i].audit, 0 /* patched */, T_NEXT);
  emit (p, &n, BPF_JMP | BPF_JA, 0, T_FILTER, T_FILTER);
  for (size_t i = 0; i < ng; i++)
    {
      p[dispatch + i].jt = (int) n;
      emit (p, &n, BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr), T_NEXT, T_NEXT);
      if (g[i].audit != AUDIT_ARCH_X86_64)
        {
          emit_cmp (p, &n, g[i].max);
          continue;
        }
      /* x86_64 and x32 share an audit arch; x32 numbers carry bit 30. */
      emit (p, &n, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, (int) n + 2, T_NEXT);
      emit_cmp (p, &n, g[i].max);
      emit_cmp (p, &n, g[i].max_x32);
    }
  emit (p, &n, BPF_RET | BPF_K, SCMP_ACT_ERRNO (ENOSYS), T_NEXT, T_NEXT);

  f = calloc (n, sizeof *f);
  if (f == NULL)
    return kr_error_set (err, ENOMEM, "seccomp");
  for (size_t i = 0; i < n; i++)
    {
      int jt = resolve (p[i].jt, i, n), jf = resolve (p[i].jf, i, n);
      f[i].code = p[i].code;
      f[i].k = p[i].k;
      if (BPF_OP (p[i].code) == BPF_JA && BPF_CLASS (p[i].code) == BPF_JMP)
        f[i].k = (uint32_t) jt;
      else if (BPF_CLASS (p[i].code) == BPF_JMP)
        {
          if (jt < 0 || jt > 255 || jf < 0 || jf > 255)
            {
              free (f);
              return kr_error_set (err, 0, "linux.seccomp: too many architectures for the "
                                   "ENOSYS stub");
            }
          f[i].jt = (uint8_t) jt;
          f[i].jf = (uint8_t) jf;
        }
    }
  *out = f;
  *nout = n;
  return 0;
}
