/* Layout detection, cgroupsPath resolution, making and removing the
 * directories, and dispatch to v1.c / v2.c. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "util.h"

/* The v1 controllers runc's cgroupfs driver uses, plus its named hierarchy. */
static const char *const v1_controllers[] = {
  "cpuset", "cpu", "cpuacct", "memory", "devices", "freezer", "net_cls",
  "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc",
  "name=systemd",
};

/* How long destroy waits for killed processes to leave a cgroup. */
#define KR_CG_DRAIN_MS 10000

/* ------------------------------------------------------------------ files */

int
kr_cg_read_at (int dirfd, const char *name, char **out, kr_error **err)
{
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *buf = NULL;
  size_t len = 0, cap = 0;

  fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return kr_error_set (err, errno, "open %s", name);
  for (;;)
    {
      ssize_t r;
      if (cap - len < 4096)
        {
          char *p = realloc (buf, cap + 8192);
          if (p == NULL)
            return kr_error_set (err, errno, "read %s", name);
          buf = p;
          cap += 8192;
        }
      r = read (fd, buf + len, cap - len - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return kr_error_set (err, errno, "read %s", name);
      if (r == 0)
        break;
      len += r;
    }
  buf[len] = '\0';
  *out = TAKE_PTR (buf);
  return 0;
}

int
kr_cg_write_at (int dirfd, const char *name, const char *data, kr_error **err)
{
  _cleanup_close_ int fd = -1;
  size_t len = strlen (data);
  ssize_t r;

  fd = openat (dirfd, name, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return kr_error_set (err, errno, "open %s", name);
  /* cgroupfs takes one write per value: no partial writes to resume. */
  do
    r = write (fd, data, len);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return kr_error_set (err, errno, "write %s", name);
  if ((size_t) r != len)
    return kr_error_set (err, EIO, "write %s: short write", name);
  return 0;
}

static int
read_file (const char *path, char **out, kr_error **err)
{
  return kr_cg_read_at (AT_FDCWD, path, out, err);
}

/* ------------------------------------------------------------------ paths */

char *
kr_cg_clean_path (const char *path)
{
  bool abs = path[0] == '/';
  size_t len = strlen (path);
  _cleanup_free_ char *copy = strdup (path);
  char *out, *save = NULL, *tok;
  size_t *stack, depth = 0, o = 0;

  if (copy == NULL)
    return NULL;
  if (len == 0)
    return strdup ("");
  out = malloc (len + 2);
  stack = malloc ((len / 2 + 2) * sizeof *stack);
  if (out == NULL || stack == NULL)
    {
      free (out);
      free (stack);
      return NULL;
    }
  /* OUT is built as "/a/b"; STACK holds where each component starts, so
   * ".." pops one, and can never pop above the start: "/.." is "/", and a
   * relative "../a" is "a", as runc's CleanPath makes it. */
  for (tok = strtok_r (copy, "/", &save); tok; tok = strtok_r (NULL, "/", &save))
    {
      if (strcmp (tok, ".") == 0)
        continue;
      if (strcmp (tok, "..") == 0)
        {
          if (depth > 0)
            o = stack[--depth];
          continue;
        }
      stack[depth++] = o;
      out[o++] = '/';
      memcpy (out + o, tok, strlen (tok));
      o += strlen (tok);
    }
  out[o] = '\0';
  free (stack);
  if (abs && o == 0)
    strcpy (out, "/");
  else if (!abs && o == 0)
    strcpy (out, ".");
  else if (!abs)
    memmove (out, out + 1, o);
  return out;
}

/* BASE (absolute) joined with REL (clean, relative or "."), cleaned. */
static char *
join_path (const char *base, const char *rel)
{
  _cleanup_free_ char *s = NULL;

  if (asprintf (&s, "%s/%s", base, rel) < 0)
    return NULL;
  return kr_cg_clean_path (s);
}

bool
kr_cg_has_controller (const char *list, const char *name)
{
  size_t n = strlen (name);
  const char *p = list;

  while (p && *p)
    {
      const char *end = strchrnul (p, ',');
      if ((size_t) (end - p) == n && strncmp (p, name, n) == 0)
        return true;
      p = *end ? end + 1 : end;
    }
  return false;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape (char *s)
{
  char *w = s;
  for (; *s; s++)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7'
          && s[3] >= '0' && s[3] <= '7')
        {
          *w++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
          s += 3;
        }
      else
        *w++ = *s;
    }
  *w = '\0';
}

void
kr_cg_mounts_free (kr_cg_mount *m, size_t n)
{
  for (size_t i = 0; m && i < n; i++)
    {
      free (m[i].controllers);
      free (m[i].mountpoint);
      free (m[i].root);
    }
  free (m);
}

void
kr_cg_owns_free (kr_cg_own *o, size_t n)
{
  for (size_t i = 0; o && i < n; i++)
    {
      free (o[i].controllers);
      free (o[i].path);
    }
  free (o);
}

/* The known controllers among a v1 mount's super options, "a,b". */
static char *
v1_controllers_of (const char *superopts)
{
  char *out = calloc (1, strlen (superopts) + 1);

  if (out == NULL)
    return NULL;
  for (size_t i = 0; i < ARRAY_SIZE (v1_controllers); i++)
    if (kr_cg_has_controller (superopts, v1_controllers[i]))
      {
        if (*out)
          strcat (out, ",");
        strcat (out, v1_controllers[i]);
      }
  return out;
}

int
kr_cg_parse_mountinfo (const char *text, kr_cg_mount **out, size_t *n, kr_error **err)
{
  _cleanup_free_ char *copy = strdup (text);
  kr_cg_mount *m = NULL;
  size_t count = 0;
  char *line, *save = NULL;

  if (copy == NULL)
    return kr_error_set (err, errno, "parse mountinfo");
  for (line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *f[6] = { 0 }, *fstype, *superopts, *dash, *s2 = NULL;
      _cleanup_free_ char *controllers = NULL;
      int version, nf = 0;
      bool dup = false;
      kr_cg_mount *grown;

      /* "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices" */
      dash = strstr (line, " - ");
      if (dash == NULL)
        continue;
      *dash = '\0';
      for (char *t = strtok_r (line, " ", &s2); t && nf < 6; t = strtok_r (NULL, " ", &s2))
        f[nf++] = t;
      fstype = strtok_r (dash + 3, " ", &s2);
      (void) strtok_r (NULL, " ", &s2);   /* source */
      superopts = strtok_r (NULL, " ", &s2);
      if (nf < 5 || fstype == NULL)
        continue;
      if (strcmp (fstype, "cgroup2") == 0)
        version = 2;
      else if (strcmp (fstype, "cgroup") == 0)
        version = 1;
      else
        continue;
      unescape (f[3]);
      unescape (f[4]);
      if (strcmp (f[4], KR_CG_ROOT) != 0 && strncmp (f[4], KR_CG_ROOT "/", strlen (KR_CG_ROOT) + 1) != 0)
        continue;
      controllers = version == 2 ? strdup ("") : v1_controllers_of (superopts ? superopts : "");
      if (controllers == NULL)
        goto nomem;
      if (version == 1 && *controllers == '\0')
        continue;   /* a named hierarchy nobody asked for */
      /* The same hierarchy mounted twice: the first mount wins. */
      for (size_t i = 0; i < count; i++)
        if (m[i].version == version && strcmp (m[i].controllers, controllers) == 0)
          dup = true;
      if (dup)
        continue;
      grown = realloc (m, (count + 1) * sizeof *m);
      if (grown == NULL)
        goto nomem;
      m = grown;
      m[count] = (kr_cg_mount) { version, TAKE_PTR (controllers), strdup (f[4]), strdup (f[3]) };
      count++;
      if (m[count - 1].mountpoint == NULL || m[count - 1].root == NULL)
        goto nomem;
    }
  *out = m;
  *n = count;
  return 0;

nomem:
  kr_cg_mounts_free (m, count);
  return kr_error_set (err, ENOMEM, "parse mountinfo");
}

int
kr_cg_parse_proc_cgroup (const char *text, kr_cg_own **out, size_t *n, kr_error **err)
{
  _cleanup_free_ char *copy = strdup (text);
  kr_cg_own *o = NULL;
  size_t count = 0;
  char *line, *save = NULL;

  if (copy == NULL)
    return kr_error_set (err, errno, "parse /proc/self/cgroup");
  for (line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      /* "4:memory:/user.slice", "1:name=systemd:/", "0::/" */
      char *c1 = strchr (line, ':'), *c2;
      kr_cg_own *grown;

      if (c1 == NULL || (c2 = strchr (c1 + 1, ':')) == NULL)
        {
          kr_cg_owns_free (o, count);
          return kr_error_set (err, 0, "parse /proc/self/cgroup: invalid line \"%s\"", line);
        }
      *c2 = '\0';
      grown = realloc (o, (count + 1) * sizeof *o);
      if (grown == NULL)
        goto nomem;
      o = grown;
      o[count].controllers = strdup (c1 + 1);
      o[count].path = strdup (c2 + 1);
      count++;
      if (o[count - 1].controllers == NULL || o[count - 1].path == NULL)
        goto nomem;
    }
  *out = o;
  *n = count;
  return 0;

nomem:
  kr_cg_owns_free (o, count);
  return kr_error_set (err, ENOMEM, "parse /proc/self/cgroup");
}

/* krill's own cgroup in hierarchy M, relative to the mount's root. */
static const char *
own_base (const kr_cg_mount *m, const kr_cg_own *own, size_t n_own, kr_error **err)
{
  _cleanup_free_ char *first = strndup (m->controllers, strcspn (m->controllers, ","));

  if (first == NULL)
    return kr_error_set (err, ENOMEM, "resolve cgroup"), NULL;
  for (size_t i = 0; i < n_own; i++)
    {
      bool match = m->version == 2 ? own[i].controllers[0] == '\0'
                                   : kr_cg_has_controller (own[i].controllers, first);
      if (!match)
        continue;
      /* A mount of a subtree (containers often get one) shows own paths from
       * the hierarchy's root: take the mount's root off. */
      size_t rl = strlen (m->root);
      if (strcmp (m->root, "/") != 0 && strncmp (own[i].path, m->root, rl) == 0
          && (own[i].path[rl] == '/' || own[i].path[rl] == '\0'))
        return own[i].path[rl] ? own[i].path + rl : "/";
      return own[i].path;
    }
  kr_error_set (err, ENOENT, "no line for %s in /proc/self/cgroup",
                m->version == 2 ? "cgroup2" : m->controllers);
  return NULL;
}

static int
add_hier (kr_cgroup *cg, const kr_cg_mount *m, const char *path, kr_error **err)
{
  kr_cg_hier *grown = realloc (cg->h, (cg->n + 1) * sizeof *cg->h);

  if (grown == NULL)
    return kr_error_set (err, errno, "resolve cgroup");
  cg->h = grown;
  cg->h[cg->n] = (kr_cg_hier) { m->version, strdup (m->controllers), strdup (m->mountpoint),
                                strdup (path), 0, -1 };
  cg->n++;
  if (!cg->h[cg->n - 1].controllers || !cg->h[cg->n - 1].mountpoint || !cg->h[cg->n - 1].path)
    return kr_error_set (err, ENOMEM, "resolve cgroup");
  return 0;
}

int
kr_cg_resolve (kr_cg_mode mode, const char *cgroups_path, const char *id,
               const kr_cg_mount *mounts, size_t n_mounts, const kr_cg_own *own, size_t n_own,
               kr_cgroup **out, kr_error **err)
{
  _cleanup_cgroup_ kr_cgroup *cg = calloc (1, sizeof *cg);
  _cleanup_free_ char *inner = NULL;
  const char *src = cgroups_path && *cgroups_path ? cgroups_path : id;

  if (cg == NULL)
    return kr_error_set (err, errno, "resolve cgroup");
  cg->mode = mode;
  if (src == NULL || *src == '\0')
    return kr_error_set (err, 0, "linux.cgroupsPath: empty, and no container id");
  if (strpbrk (src, "\t\n") != NULL)
    return kr_error_set (err, 0, "linux.cgroupsPath: control character in \"%s\"", src);
  inner = kr_cg_clean_path (src);
  if (inner == NULL)
    return kr_error_set (err, ENOMEM, "resolve cgroup");

  for (size_t i = 0; i < n_mounts; i++)
    {
      const kr_cg_mount *m = &mounts[i];
      const char *base;
      _cleanup_free_ char *path = NULL;

      if (mode == KR_CG_UNIFIED ? m->version != 2 || strcmp (m->mountpoint, KR_CG_ROOT) != 0
          : mode == KR_CG_HYBRID ? m->version == 2 && strcmp (m->mountpoint, KR_CG_HYBRID_ROOT) != 0
                                 : m->version != 1)
        continue;
      if (inner[0] == '/')
        base = "/";
      else if (mode == KR_CG_HYBRID && m->version == 2)
        base = "/";   /* runc: relative paths start at the hybrid root */
      else if ((base = own_base (m, own, n_own, err)) == NULL)
        return -1;
      path = join_path (base, inner);
      if (path == NULL)
        return kr_error_set (err, ENOMEM, "resolve cgroup");
      if (add_hier (cg, m, path, err) < 0)
        return -1;
    }
  if (mode == KR_CG_UNIFIED && cg->n == 0)
    return kr_error_set (err, ENOENT, "no cgroup2 mount at %s", KR_CG_ROOT);
  /* Like runc: without the devices controller a v1 container would get
   * every device of the host. */
  if (mode != KR_CG_UNIFIED && kr_cg_find (cg, "devices") == NULL)
    return kr_error_set (err, ENOENT, "no devices cgroup mounted under %s", KR_CG_ROOT);
  *out = TAKE_PTR (cg);
  return 0;
}

kr_cg_hier *
kr_cg_find (kr_cgroup *cg, const char *controller)
{
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].version == 1 && kr_cg_has_controller (cg->h[i].controllers, controller))
      return &cg->h[i];
  return NULL;
}

const char *
kr_cg_hier_dir (const kr_cg_hier *h, char *buf, size_t size)
{
  snprintf (buf, size, "%s%s", h->mountpoint, strcmp (h->path, "/") == 0 ? "" : h->path);
  return buf;
}

/* PATH relative to the mount point: "krill/c1", or "." for the root. */
static const char *
rel (const char *path)
{
  return path[1] ? path + 1 : ".";
}

int
kr_cg_open_leaf (kr_cg_hier *h, kr_error **err)
{
  _cleanup_close_ int mfd = -1;
  char dir[PATH_MAX];

  if (h->fd >= 0)
    return 0;
  mfd = open (h->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (mfd < 0)
    return kr_error_set (err, errno, "open %s", h->mountpoint);
  h->fd = openat (mfd, rel (h->path), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (h->fd < 0)
    return kr_error_set (err, errno, "open %s", kr_cg_hier_dir (h, dir, sizeof dir));
  return 0;
}

/* ------------------------------------------------------------------ layout */

static int
detect_mode (kr_cg_mode *mode, kr_error **err)
{
  struct statfs st;

  if (statfs (KR_CG_ROOT, &st) < 0)
    return kr_error_set (err, errno, "statfs %s", KR_CG_ROOT);
  if (st.f_type == CGROUP2_SUPER_MAGIC)
    {
      *mode = KR_CG_UNIFIED;
      return 0;
    }
  if (st.f_type != TMPFS_MAGIC)
    return kr_error_set (err, 0, "%s is neither cgroup2 nor a tmpfs of v1 hierarchies", KR_CG_ROOT);
  if (statfs (KR_CG_HYBRID_ROOT, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
    *mode = KR_CG_HYBRID;
  else
    *mode = KR_CG_LEGACY;
  return 0;
}

/* ------------------------------------------------------------------ create */

/* Makes (or joins) H's directories from the hierarchy root down.  h->made
 * counts, as it goes, the components krill made; on a failure halfway h->path
 * is cut back to what exists, so destroy removes exactly what was made. */
static int
make_hier (kr_cg_mode mode, kr_cg_hier *h, kr_error **err)
{
  _cleanup_close_ int fd = -1;
  _cleanup_free_ char *copy = strdup (h->path), *sofar = calloc (1, strlen (h->path) + 2);
  char *tok, *save = NULL;
  size_t total = 0, i = 0;
  bool cpuset = h->version == 1 && kr_cg_has_controller (h->controllers, "cpuset");
  int r = 0;

  if (copy == NULL || sofar == NULL)
    return kr_error_set (err, errno, "create cgroup");
  for (const char *p = h->path; *p; p++)
    total += p[0] == '/' && p[1] != '\0';
  fd = open (h->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return kr_error_set (err, errno, "open %s", h->mountpoint);

  for (tok = strtok_r (copy, "/", &save); tok; tok = strtok_r (NULL, "/", &save), i++)
    {
      _cleanup_close_ int next = -1;
      bool made = false;

      /* cgroup2 gives a child only what its parent delegates. */
      if (mode == KR_CG_UNIFIED)
        kr_cg_v2_enable_controllers (fd);
      if (mkdirat (fd, tok, 0755) == 0)
        made = true;
      else if (errno != EEXIST)
        {
          r = kr_error_set (err, errno, "mkdir %s%s/%s", h->mountpoint, sofar, tok);
          break;
        }
      next = openat (fd, tok, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (next < 0)
        {
          r = kr_error_set (err, errno, "open %s%s/%s", h->mountpoint, sofar, tok);
          if (made)
            unlinkat (fd, tok, AT_REMOVEDIR);
          break;
        }
      strcat (strcat (sofar, "/"), tok);
      if (made || h->made > 0)
        h->made++;
      if (cpuset && (made || i + 1 == total) && kr_cg_v1_cpuset_inherit (fd, next, err) < 0)
        {
          r = kr_error_prefix (err, "%s%s", h->mountpoint, sofar);
          break;
        }
      close (fd);
      fd = TAKE_FD (next);
    }
  if (r < 0)
    {
      free (h->path);
      h->path = sofar[0] ? TAKE_PTR (sofar) : strdup ("/");
      return -1;
    }
  h->fd = TAKE_FD (fd);
  return 0;
}

int
kr_cgroup_create (const char *cgroups_path, const char *id, kr_cgroup **out, kr_error **err)
{
  _cleanup_free_ char *mountinfo = NULL, *self = NULL;
  kr_cg_mount *mounts = NULL;
  kr_cg_own *own = NULL;
  size_t n_mounts = 0, n_own = 0;
  kr_cg_mode mode = KR_CG_LEGACY;
  kr_cgroup *cg = NULL;
  int r;

  if (detect_mode (&mode, err) < 0)
    return -1;
  if (read_file ("/proc/self/mountinfo", &mountinfo, err) < 0
      || read_file ("/proc/self/cgroup", &self, err) < 0)
    return -1;
  if (kr_cg_parse_mountinfo (mountinfo, &mounts, &n_mounts, err) < 0)
    return -1;
  if (kr_cg_parse_proc_cgroup (self, &own, &n_own, err) < 0)
    {
      kr_cg_mounts_free (mounts, n_mounts);
      return -1;
    }
  r = kr_cg_resolve (mode, cgroups_path, id, mounts, n_mounts, own, n_own, &cg, err);
  kr_cg_mounts_free (mounts, n_mounts);
  kr_cg_owns_free (own, n_own);
  if (r < 0)
    return -1;

  for (size_t i = 0; i < cg->n; i++)
    if (make_hier (cg->mode, &cg->h[i], err) < 0)
      {
        kr_cgroup_destroy (cg, NULL);
        kr_cgroup_free (cg);
        return kr_error_prefix (err, "create cgroup");
      }
  *out = cg;
  return 0;
}

int
kr_cgroup_v2_fd (kr_cgroup *cg)
{
  if (cg->mode != KR_CG_UNIFIED || cg->n == 0)
    return -1;
  if (kr_cg_open_leaf (&cg->h[0], NULL) < 0)
    return -1;
  return cg->h[0].fd;
}

int
kr_cgroup_attach (kr_cgroup *cg, pid_t pid, kr_error **err)
{
  char buf[32], dir[PATH_MAX];

  snprintf (buf, sizeof buf, "%d", (int) pid);
  for (size_t i = 0; i < cg->n; i++)
    {
      kr_cg_hier *h = &cg->h[i];
      if (kr_cg_open_leaf (h, err) < 0 || kr_cg_write_at (h->fd, "cgroup.procs", buf, err) < 0)
        return kr_error_prefix (err, "attach %d to %s", (int) pid,
                                kr_cg_hier_dir (h, dir, sizeof dir));
    }
  return 0;
}

int
kr_cgroup_apply_devices (kr_cgroup *cg, const oci_linux *lx, kr_error **err)
{
  _cleanup_free_ kr_dev_rule *rules = NULL;
  size_t n;
  kr_cg_hier *h;

  if (cg->mode == KR_CG_UNIFIED)
    /* cgroup2 has no devices files: its rules are a BPF program attached
     * to the leaf, generated from the same kr_cg_device_rules list.  Here
     * the rules are only checked, so a bad config fails the same way on
     * every host. */
    return kr_cg_device_rules (lx, &rules, &n, err);
  h = kr_cg_find (cg, "devices");
  if (h == NULL)
    return kr_error_set (err, ENOENT, "no devices cgroup");
  return kr_cg_v1_apply_devices (h, lx, err);
}

const char *
kr_cgroup_path (const kr_cgroup *cg)
{
  if (cg->mode == KR_CG_UNIFIED)
    return cg->n ? cg->h[0].path : "/";
  for (size_t i = 0; i < cg->n; i++)
    if (cg->h[i].version == 1 && kr_cg_has_controller (cg->h[i].controllers, "devices"))
      return cg->h[i].path;
  return "/";
}

/* ------------------------------------------------------------------ pids, kill */

typedef struct pidvec
{
  pid_t *v;
  size_t n, cap;
} pidvec;

/* Appends the pids of DIRFD's cgroup.procs and of every cgroup below. */
static int
collect (int dirfd, pidvec *out, kr_error **err)
{
  _cleanup_free_ char *procs = NULL;
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;
  int dfd;

  if (kr_cg_read_at (dirfd, "cgroup.procs", &procs, err) < 0)
    return -1;
  for (char *p = procs, *end; *p; p = end)
    {
      long v = strtol (p, &end, 10);
      if (end == p)
        break;
      if (out->n == out->cap)
        {
          size_t cap = out->cap ? out->cap * 2 : 32;
          pid_t *g = realloc (out->v, cap * sizeof *g);
          if (g == NULL)
            return kr_error_set (err, errno, "read cgroup.procs");
          out->v = g;
          out->cap = cap;
        }
      out->v[out->n++] = (pid_t) v;
    }
  dfd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || (d = fdopendir (dfd)) == NULL)
    {
      int e = errno;
      if (dfd >= 0)
        close (dfd);
      return kr_error_set (err, e, "open cgroup directory");
    }
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      _cleanup_close_ int sub = -1;
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      sub = openat (dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (sub < 0 && errno == ENOENT)
        continue;
      if (sub < 0)
        return kr_error_set (err, errno, "open %s", de->d_name);
      if (collect (sub, out, err) < 0)
        return kr_error_prefix (err, "%s", de->d_name);
    }
  if (errno != 0)
    return kr_error_set (err, errno, "read cgroup directory");
  return 0;
}

int
kr_cgroup_pids (kr_cgroup *cg, pid_t **pids, size_t *n, kr_error **err)
{
  pidvec v = { 0 };
  kr_cg_hier *h = cg->mode == KR_CG_UNIFIED ? (cg->n ? &cg->h[0] : NULL) : kr_cg_find (cg, "devices");
  char dir[PATH_MAX];

  if (h == NULL)
    return kr_error_set (err, ENOENT, "no cgroup to list");
  if (kr_cg_open_leaf (h, err) < 0 || collect (h->fd, &v, err) < 0)
    {
      free (v.v);
      return kr_error_prefix (err, "list pids of %s", kr_cg_hier_dir (h, dir, sizeof dir));
    }
  *pids = v.v;
  *n = v.n;
  return 0;
}

/* SIGKILLs what is in DIRFD and below; *LEFT says whether there was any. */
static int
kill_tree (int dirfd, bool *left, kr_error **err)
{
  pidvec v = { 0 };

  if (collect (dirfd, &v, err) < 0)
    {
      free (v.v);
      return -1;
    }
  for (size_t i = 0; i < v.n; i++)
    if (kill (v.v[i], SIGKILL) < 0 && errno != ESRCH)
      {
        int e = errno;
        free (v.v);
        return kr_error_set (err, e, "kill %d", (int) v.v[i]);
      }
  *left = v.n > 0;
  free (v.v);
  return 0;
}

/* Removes the cgroups below DIRFD (made by the container), deepest first. */
static int
remove_children (int dirfd, kr_error **err)
{
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;
  int dfd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (dfd < 0 || (d = fdopendir (dfd)) == NULL)
    {
      int e = errno;
      if (dfd >= 0)
        close (dfd);
      return kr_error_set (err, e, "open cgroup directory");
    }
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      _cleanup_close_ int sub = -1;
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      sub = openat (dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (sub < 0 && errno == ENOENT)
        continue;
      if (sub < 0)
        return kr_error_set (err, errno, "open %s", de->d_name);
      if (remove_children (sub, err) < 0)
        return kr_error_prefix (err, "%s", de->d_name);
      if (unlinkat (dirfd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return kr_error_set (err, errno, "rmdir %s", de->d_name);
    }
  if (errno != 0)
    return kr_error_set (err, errno, "read cgroup directory");
  return 0;
}

static long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* First pass (KILL_ONLY): SIGKILL what is in H's leaf.  Second pass: wait
 * until it is empty, remove it and the parents krill made. */
static int
destroy_hier (kr_cg_hier *h, bool kill_only, kr_error **err)
{
  _cleanup_close_ int mfd = -1;
  _cleanup_free_ char *path = strdup (h->path);
  char dir[PATH_MAX];
  long deadline = now_ms () + KR_CG_DRAIN_MS;

  if (path == NULL)
    return kr_error_set (err, errno, "destroy cgroup");
  kr_cg_hier_dir (h, dir, sizeof dir);
  mfd = open (h->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (mfd < 0)
    return kr_error_set (err, errno, "open %s", h->mountpoint);
  if (h->fd < 0)
    {
      h->fd = openat (mfd, rel (path), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (h->fd < 0 && errno != ENOENT)
        return kr_error_set (err, errno, "open %s", dir);
    }

  if (kill_only)
    {
      bool left;
      int r = 0;
      if (h->fd < 0)
        return 0;
      if (h->version == 2)
        r = kr_cg_v2_kill (h->fd, err);
      if (r < 0 || (r == 0 && kill_tree (h->fd, &left, err) < 0))
        return kr_error_prefix (err, "kill processes of %s", dir);
      return 0;
    }

  while (h->fd >= 0)
    {
      bool left;
      if (kill_tree (h->fd, &left, err) < 0)
        return kr_error_prefix (err, "kill processes of %s", dir);
      if (!left)
        {
          if (remove_children (h->fd, err) < 0)
            return kr_error_prefix (err, "remove %s", dir);
          if (unlinkat (mfd, rel (path), AT_REMOVEDIR) == 0 || errno == ENOENT)
            {
              close (h->fd);
              h->fd = -1;
              break;
            }
          if (errno != EBUSY)
            return kr_error_set (err, errno, "rmdir %s", dir);
        }
      if (now_ms () > deadline)
        return kr_error_set (err, EBUSY, "rmdir %s: processes still there after %d ms", dir,
                             KR_CG_DRAIN_MS);
      nanosleep (&(struct timespec) { 0, 5 * 1000 * 1000 }, NULL);
    }

  /* The parents krill made: someone else may have put a cgroup in one
   * since; then it, and what is above it, stays. */
  for (unsigned k = 1; k < h->made; k++)
    {
      char *slash = strrchr (path, '/');
      if (slash == NULL || slash == path)
        break;
      *slash = '\0';
      if (unlinkat (mfd, rel (path), AT_REMOVEDIR) == 0 || errno == ENOENT)
        continue;
      if (errno == EBUSY || errno == ENOTEMPTY)
        break;
      return kr_error_set (err, errno, "rmdir %s%s", h->mountpoint, path);
    }
  h->made = 0;
  return 0;
}

int
kr_cgroup_destroy (kr_cgroup *cg, kr_error **err)
{
  int ret = 0;

  if (cg == NULL)
    return 0;
  /* Kill everywhere first: on v1 a process sits in every hierarchy, and
   * the first rmdir would otherwise wait for it alone.  A failure in one
   * hierarchy does not stop the others; the first is reported. */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < cg->n; i++)
      {
        _cleanup_error_ kr_error *e = NULL;
        if (cg->h[i].made == 0 || destroy_hier (&cg->h[i], pass == 0, &e) == 0)
          continue;
        if (ret == 0 && err != NULL)
          {
            kr_error_free (err);
            *err = TAKE_PTR (e);
          }
        ret = -1;
      }
  if (ret < 0)
    kr_error_prefix (err, "destroy cgroup");
  return ret;
}

void
kr_cgroup_free (kr_cgroup *cg)
{
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->n; i++)
    {
      free (cg->h[i].controllers);
      free (cg->h[i].mountpoint);
      free (cg->h[i].path);
      if (cg->h[i].fd >= 0)
        close (cg->h[i].fd);
    }
  free (cg->h);
  free (cg);
}
