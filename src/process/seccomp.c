#define _GNU_SOURCE
#include "process/seccomp.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

struct kr_seccomp
{
  struct sock_filter *prog;
  size_t len;
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
};

/* As runc lists them (sorted), for `features`; without SCMP_ACT_NOTIFY,
 * which this version refuses (no seccomp agent support). */
static const char *const actions[] = {
  "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
  "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
};

static const struct
{
  const char *name;
  enum scmp_compare op;
} operators[] = {
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },       { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },       { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },       { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  { "SCMP_CMP_NE", SCMP_CMP_NE },
};

/* The spec's names and libseccomp's; the token comes from libseccomp, so an
 * architecture this libseccomp does not know is refused. */
static const struct
{
  const char *spec, *scmp;
} archs[] = {
  { "SCMP_ARCH_AARCH64", "aarch64" },   { "SCMP_ARCH_ARM", "arm" },
  { "SCMP_ARCH_LOONGARCH64", "loongarch64" }, { "SCMP_ARCH_M68K", "m68k" },
  { "SCMP_ARCH_MIPS", "mips" },         { "SCMP_ARCH_MIPS64", "mips64" },
  { "SCMP_ARCH_MIPS64N32", "mips64n32" }, { "SCMP_ARCH_MIPSEL", "mipsel" },
  { "SCMP_ARCH_MIPSEL64", "mipsel64" }, { "SCMP_ARCH_MIPSEL64N32", "mipsel64n32" },
  { "SCMP_ARCH_PARISC", "parisc" },     { "SCMP_ARCH_PARISC64", "parisc64" },
  { "SCMP_ARCH_PPC", "ppc" },           { "SCMP_ARCH_PPC64", "ppc64" },
  { "SCMP_ARCH_PPC64LE", "ppc64le" },   { "SCMP_ARCH_RISCV64", "riscv64" },
  { "SCMP_ARCH_S390", "s390" },         { "SCMP_ARCH_S390X", "s390x" },
  { "SCMP_ARCH_SH", "sh" },             { "SCMP_ARCH_SHEB", "sheb" },
  { "SCMP_ARCH_X32", "x32" },           { "SCMP_ARCH_X86", "x86" },
  { "SCMP_ARCH_X86_64", "x86_64" },
};

/* runc's order. TSYNC is accepted and has no effect: the child that loads
 * the filter has one thread. */
static const struct
{
  const char *name;
  unsigned long bit;
} flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", 0 },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

unsigned int
kr_seccomp_arch_token (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (archs); i++)
    if (strcmp (archs[i].spec, name) == 0)
      return seccomp_arch_resolve_name (archs[i].scmp);
  return 0;
}

/* The kernel tells a flag it knows (EFAULT on the NULL program) from one it
 * does not (EINVAL) without installing anything. */
static bool
kernel_has_flag (unsigned long bit)
{
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, bit, NULL) < 0 && errno == EFAULT;
}

bool
kr_seccomp_flag_supported (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (flags); i++)
    if (strcmp (flags[i].name, name) == 0)
      {
        if (flags[i].bit == 0)
          return true;
        /* WAIT_KILLABLE_RECV only means something with a listener, and
         * this libseccomp (< 2.6) cannot set it: runc reports it
         * unsupported with the same library. */
        if (flags[i].bit == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
          {
            const struct scmp_version *v = seccomp_version ();
            if (v->major < 2 || (v->major == 2 && v->minor < 6))
              return false;
          }
        return kernel_has_flag (flags[i].bit);
      }
  return false;
}

static int
parse_errno (uint32_t v, bool has, const char *field, uint16_t *out, kr_error **err)
{
  if (!has)
    {
      *out = EPERM;
      return 0;
    }
  /* SECCOMP_RET_DATA is 16 bits wide. */
  if (v > 0xffff)
    return kr_error_set (err, 0, "%s: %u out of range (0-65535)", field, v);
  *out = (uint16_t) v;
  return 0;
}

/* SCMP_ACT_* -> libseccomp's action; runc's mapping (SCMP_ACT_KILL kills
 * the thread, ERRNO and TRACE default to EPERM). */
static int
parse_action (const char *name, uint32_t errno_ret, bool has_errno, const char *field,
              const char *errno_field, uint32_t *out, kr_error **err)
{
  uint16_t e;

  if (name == NULL)
    return kr_error_set (err, 0, "%s: required", field);
  if (strcmp (name, "SCMP_ACT_ERRNO") == 0 || strcmp (name, "SCMP_ACT_TRACE") == 0)
    {
      if (parse_errno (errno_ret, has_errno, errno_field, &e, err) < 0)
        return -1;
      *out = name[9] == 'E' ? SCMP_ACT_ERRNO (e) : SCMP_ACT_TRACE (e);
    }
  else if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    *out = SCMP_ACT_NOTIFY;
  else
    return kr_error_set (err, 0, "%s: unknown action \"%s\"", field, name);
  return 0;
}

static int
parse_operator (const char *name, enum scmp_compare *out)
{
  for (size_t i = 0; name && i < ARRAY_SIZE (operators); i++)
    if (strcmp (operators[i].name, name) == 0)
      {
        *out = operators[i].op;
        return 0;
      }
  return -1;
}

static int
add_rule (scmp_filter_ctx ctx, const oci_seccomp_syscall *s, size_t i, uint32_t act,
          const char *name, kr_error **err)
{
  struct scmp_arg_cmp conds[6];
  unsigned int per_index[6] = { 0 };
  bool shared_index = false;
  int nr = seccomp_syscall_resolve_name (name), r;

  if (s->args_len > ARRAY_SIZE (conds))
    return kr_error_set (err, 0, "linux.seccomp.syscalls[%zu].args: %zu conditions, at most 6", i,
                         s->args_len);
  for (size_t a = 0; a < s->args_len; a++)
    {
      const oci_seccomp_arg *arg = &s->args[a];
      enum scmp_compare op;
      if (arg->index >= 6)
        return kr_error_set (err, 0,
                             "linux.seccomp.syscalls[%zu].args[%zu].index: %u, syscalls have 6 "
                             "arguments (0-5)", i, a, arg->index);
      if (parse_operator (arg->op, &op) < 0)
        return kr_error_set (err, 0, "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator "
                             "\"%s\"", i, a, arg->op ? arg->op : "");
      conds[a] = (struct scmp_arg_cmp) { .arg = arg->index, .op = op, .datum_a = arg->value,
                                         .datum_b = arg->value_two };
      if (++per_index[arg->index] > 1)
        shared_index = true;
    }
  if (nr == __NR_SCMP_ERROR)
    {
      /* A syscall this libseccomp (or this kernel) does not know: a newer
       * profile on an older host. runc skips it the same way. */
      kr_log ("debug", "unknown seccomp syscall \"%s\" ignored", name);
      return 0;
    }
  if (s->args_len == 0)
    r = seccomp_rule_add_array (ctx, act, nr, 0, NULL);
  else if (!shared_index)
    r = seccomp_rule_add_array (ctx, act, nr, (unsigned int) s->args_len, conds);
  else
    /* libseccomp cannot AND two conditions on one argument: as runc, each
     * condition becomes a rule of its own (they are ORed). */
    {
      r = 0;
      for (size_t a = 0; a < s->args_len && r == 0; a++)
        r = seccomp_rule_add_array (ctx, act, nr, 1, &conds[a]);
    }
  if (r < 0)
    return kr_error_set (err, -r, "linux.seccomp.syscalls[%zu]: add rule for \"%s\"", i, name);
  return 0;
}

static int
set_flags (const oci_seccomp *cfg, kr_seccomp *sc, kr_error **err)
{
  /* No flags at all (not even []): SPEC_ALLOW where it is supported, as
   * runc, so a filter does not force the speculative store bypass
   * mitigation (and its cost) on the container. */
  if (cfg->flags == NULL)
    {
      if (kr_seccomp_flag_supported ("SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
        sc->flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
      return 0;
    }
  for (size_t i = 0; i < cfg->flags_len; i++)
    {
      size_t f;
      for (f = 0; f < ARRAY_SIZE (flags); f++)
        if (strcmp (flags[f].name, cfg->flags[i]) == 0)
          break;
      if (f == ARRAY_SIZE (flags))
        return kr_error_set (err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i,
                             cfg->flags[i]);
      if (!kr_seccomp_flag_supported (flags[f].name))
        return kr_error_set (err, 0, "linux.seccomp.flags[%zu]: \"%s\" is not supported by this "
                             "kernel or libseccomp", i, cfg->flags[i]);
      sc->flags |= (unsigned int) flags[f].bit;
    }
  return 0;
}

static int
check_notify (const oci_seccomp *cfg, uint32_t def, kr_error **err)
{
  if (def == SCMP_ACT_NOTIFY)
    return kr_error_set (err, 0, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the "
                         "default action");
  for (size_t i = 0; i < cfg->syscalls_len; i++)
    if (cfg->syscalls[i].action && strcmp (cfg->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0)
      return kr_error_set (err, 0, "linux.seccomp.syscalls[%zu].action: SCMP_ACT_NOTIFY (a "
                           "seccomp agent at listenerPath) is not supported by this version "
                           "of krill", i);
  /* A listenerPath without NOTIFY rules is never used: runc ignores it. */
  return 0;
}

/* libseccomp writes the program to an fd; read it back from a memfd. */
static int
export_bpf (scmp_filter_ctx ctx, struct sock_filter **prog, size_t *len, kr_error **err)
{
  _cleanup_close_ int fd = memfd_create ("krill-seccomp", MFD_CLOEXEC);
  struct stat st;
  int r;

  if (fd < 0)
    return kr_error_set (err, errno, "seccomp: memfd_create");
  r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return kr_error_set (err, -r, "linux.seccomp: export the filter");
  if (fstat (fd, &st) < 0)
    return kr_error_set (err, errno, "seccomp: fstat");
  if (st.st_size <= 0 || st.st_size % (off_t) sizeof **prog)
    return kr_error_set (err, 0, "linux.seccomp: libseccomp exported %lld bytes",
                         (long long) st.st_size);
  *prog = malloc ((size_t) st.st_size);
  if (*prog == NULL)
    return kr_error_set (err, ENOMEM, "seccomp");
  if (pread (fd, *prog, (size_t) st.st_size, 0) != st.st_size)
    return kr_error_set (err, errno ? errno : EIO, "seccomp: read the filter back");
  *len = (size_t) st.st_size / sizeof **prog;
  return 0;
}

static int
compile (const oci_seccomp *cfg, scmp_filter_ctx ctx, uint32_t def, kr_error **err)
{
  int r;

  /* no_new_privs is the process's (noNewPrivileges), never the filter's. */
  if ((r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0)
    return kr_error_set (err, -r, "linux.seccomp: clear the filter's no_new_privs");
  for (size_t i = 0; i < cfg->architectures_len; i++)
    {
      uint32_t tok = kr_seccomp_arch_token (cfg->architectures[i]);
      if (tok == 0)
        return kr_error_set (err, 0, "linux.seccomp.architectures[%zu]: unknown architecture "
                             "\"%s\"", i, cfg->architectures[i]);
      r = seccomp_arch_add (ctx, tok);
      if (r < 0 && r != -EEXIST) /* the native one is there already */
        return kr_error_set (err, -r, "linux.seccomp.architectures[%zu]: \"%s\"", i,
                             cfg->architectures[i]);
    }
  /* A binary tree for long profiles, as runc (not for empty ones: older
   * libseccomp misbehaves); not fatal. */
  if (cfg->syscalls_len > 32)
    seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  for (size_t i = 0; i < cfg->syscalls_len; i++)
    {
      const oci_seccomp_syscall *s = &cfg->syscalls[i];
      char field[64], efield[64];
      uint32_t act;

      snprintf (field, sizeof field, "linux.seccomp.syscalls[%zu].action", i);
      snprintf (efield, sizeof efield, "linux.seccomp.syscalls[%zu].errnoRet", i);
      if (parse_action (s->action, s->errno_ret, s->has_errno_ret, field, efield, &act, err) < 0)
        return -1;
      if (s->names_len == 0)
        return kr_error_set (err, 0, "linux.seccomp.syscalls[%zu].names: empty", i);
      for (size_t n = 0; n < s->names_len; n++)
        if (s->names[n] == NULL || *s->names[n] == '\0')
          return kr_error_set (err, 0, "linux.seccomp.syscalls[%zu].names[%zu]: empty", i, n);
      /* libseccomp refuses a rule equal to the default; runc skips it. */
      if (act == def)
        continue;
      for (size_t n = 0; n < s->names_len; n++)
        if (add_rule (ctx, s, i, act, s->names[n], err) < 0)
          return -1;
    }
  return 0;
}

int
kr_seccomp_prepare (const oci_seccomp *cfg, kr_seccomp **out, kr_error **err)
{
  _cleanup_free_ struct sock_filter *stub = NULL, *body = NULL;
  kr_seccomp *sc;
  scmp_filter_ctx ctx;
  size_t nstub = 0, nbody = 0;
  uint32_t def;
  int ret;

  *out = NULL;
  if (cfg == NULL)
    return 0;
  if (parse_action (cfg->default_action, cfg->default_errno_ret, cfg->has_default_errno_ret,
                    "linux.seccomp.defaultAction", "linux.seccomp.defaultErrnoRet", &def, err) < 0
      || check_notify (cfg, def, err) < 0)
    return -1;
  sc = calloc (1, sizeof *sc);
  if (sc == NULL)
    return kr_error_set (err, ENOMEM, "seccomp");
  if (set_flags (cfg, sc, err) < 0)
    {
      kr_seccomp_free (sc);
      return -1;
    }
  ctx = seccomp_init (def);
  if (ctx == NULL)
    {
      kr_seccomp_free (sc);
      return kr_error_set (err, 0, "linux.seccomp.defaultAction: libseccomp refused \"%s\"",
                           cfg->default_action);
    }
  ret = compile (cfg, ctx, def, err);
  if (ret == 0)
    ret = export_bpf (ctx, &body, &nbody, err);
  seccomp_release (ctx);
  if (ret == 0)
    ret = kr_seccomp_enosys_stub (cfg, &stub, &nstub, err);
  if (ret == 0 && nstub + nbody > BPF_MAXINSNS)
    ret = kr_error_set (err, 0, "linux.seccomp: the filter has %zu instructions, the kernel "
                        "takes %d", nstub + nbody, BPF_MAXINSNS);
  if (ret == 0 && (sc->prog = calloc (nstub + nbody, sizeof *sc->prog)) == NULL)
    ret = kr_error_set (err, ENOMEM, "seccomp");
  if (ret < 0)
    {
      kr_seccomp_free (sc);
      return -1;
    }
  if (nstub)
    memcpy (sc->prog, stub, nstub * sizeof *stub);
  memcpy (sc->prog + nstub, body, nbody * sizeof *body);
  sc->len = nstub + nbody;
  *out = sc;
  return 0;
}

void
kr_seccomp_free (kr_seccomp *sc)
{
  if (sc == NULL)
    return;
  free (sc->prog);
  free (sc);
}

int
kr_seccomp_load (const kr_seccomp *sc, kr_error **err)
{
  struct sock_fprog fprog;
  long r;

  if (sc == NULL)
    return 0;
  fprog.len = (unsigned short) sc->len;
  fprog.filter = sc->prog;
  if (sc->flags == 0)
    r = prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0);
  else
    r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, sc->flags, &fprog);
  if (r < 0)
    return kr_error_set (err, errno, "linux.seccomp: load the filter");
  return 0;
}

const char *const *
kr_seccomp_known_actions (size_t *n)
{
  *n = ARRAY_SIZE (actions);
  return actions;
}

/* The names of TABLE (an array of structs whose .name comes first) into
 * the static array NAMES, for `features`. */
#define NAMES_OF(table, names, n)                                             \
  ({                                                                          \
    for (size_t i_ = 0; i_ < ARRAY_SIZE (table); i_++)                        \
      (names)[i_] = (table)[i_].name;                                         \
    *(n) = ARRAY_SIZE (table);                                                \
    (const char *const *) (names);                                            \
  })

const char *const *
kr_seccomp_known_operators (size_t *n)
{
  static const char *names[ARRAY_SIZE (operators)];
  return NAMES_OF (operators, names, n);
}

const char **
kr_seccomp_known_archs (size_t *n)
{
  static const char *names[ARRAY_SIZE (archs)];
  *n = 0;
  for (size_t i = 0; i < ARRAY_SIZE (archs); i++)
    if (seccomp_arch_resolve_name (archs[i].scmp) != 0)
      names[(*n)++] = archs[i].spec;
  return names;
}

const char *const *
kr_seccomp_known_flags (size_t *n)
{
  static const char *names[ARRAY_SIZE (flags)];
  return NAMES_OF (flags, names, n);
}

const char *
kr_seccomp_version (void)
{
  static char buf[32];
  const struct scmp_version *v = seccomp_version ();
  snprintf (buf, sizeof buf, "%u.%u.%u", v->major, v->minor, v->micro);
  return buf;
}
