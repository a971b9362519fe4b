#define _GNU_SOURCE
#include "container/state.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cgroup/cgroup.h"
#include "base/file.h"
#include "base/id.h"
#include "base/json.h"
#include "base/fs.h"
#include "base/procfs.h"
#include "base/util.h"
#include "spawn/hooks.h"

/* --root holds every container's state, which krill (root) acts on: a
 * symlink there, or a directory someone else owns, would let another user
 * choose what that state says.  ENOENT is reported with errno set and no
 * message of its own, for callers to which a missing root means "none". */
int
kr_state_root_open_existing (const char *root, int *rootfd, kr_error **err)
{
  _cleanup_close_ int fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  struct stat st;

  if (fd < 0)
    {
      int e = errno;
      if (e == ELOOP || (e == ENOTDIR && lstat (root, &st) == 0 && S_ISLNK (st.st_mode)))
        return kr_error_set (err, 0, "--root %s: is a symlink", root);
      return kr_error_set (err, e, "--root %s", root);
    }
  if (fstat (fd, &st) < 0)
    return kr_error_set (err, errno, "--root %s", root);
  if (st.st_uid != geteuid ())
    return kr_error_set (err, 0, "--root %s: owned by uid %u, not by krill's user %u", root,
                         (unsigned) st.st_uid, (unsigned) geteuid ());
  *rootfd = TAKE_FD (fd);
  return 0;
}

int
kr_state_root_open (const char *root, int *rootfd, kr_error **err)
{
  _cleanup_free_ char *copy = strdup (root);

  if (copy == NULL)
    return kr_error_set (err, ENOMEM, "state root");
  /* mkdir -p: each missing component is made 0700, the state is root's. */
  for (char *p = copy + 1; *p; p++)
    if (*p == '/')
      {
        *p = '\0';
        if (mkdir (copy, 0700) < 0 && errno != EEXIST)
          return kr_error_set (err, errno, "mkdir %s", copy);
        *p = '/';
      }
  if (mkdir (copy, 0700) < 0 && errno != EEXIST)
    return kr_error_set (err, errno, "mkdir %s", copy);
  return kr_state_root_open_existing (root, rootfd, err);
}

int
kr_state_claim (int rootfd, const char *id, int *dirfd, kr_error **err)
{
  _cleanup_close_ int fd = -1;

  if (mkdirat (rootfd, id, 0700) < 0)
    {
      if (errno == EEXIST)
        return kr_error_set (err, 0, "container with id \"%s\" already exists", id);
      return kr_error_set (err, errno, "mkdir state dir %s", id);
    }
  fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 || flock (fd, LOCK_EX) < 0)
    {
      int saved = errno;
      unlinkat (rootfd, id, AT_REMOVEDIR);
      return kr_error_set (err, saved, "lock state dir %s", id);
    }
  *dirfd = TAKE_FD (fd);
  return 0;
}

int
kr_state_open (int rootfd, const char *id, bool lock, int *dirfd, kr_error **err)
{
  _cleanup_close_ int fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    {
      if (errno == ENOENT)
        return kr_error_set (err, 0, "container \"%s\" does not exist", id);
      return kr_error_set (err, errno, "open state dir %s", id);
    }
  if (lock && flock (fd, LOCK_EX) < 0)
    return kr_error_set (err, errno, "lock state dir %s", id);
  /* A create that failed half-way, or one still running, has no state.json. */
  if (faccessat (fd, KR_STATE_FILE, F_OK, 0) < 0)
    return kr_error_set (err, 0, "container \"%s\" does not exist", id);
  *dirfd = TAKE_FD (fd);
  return 0;
}

int
kr_state_open_container (const char *root, const char *id, bool lock, int *dirfd, kr_state **st,
                         kr_error **err)
{
  _cleanup_close_ int rootfd = -1;

  if (kr_id_validate (id, err) < 0)
    return -1;
  if (lock)
    {
      if (kr_state_root_open (root, &rootfd, err) < 0)
        return -1;
    }
  else
    {
      _cleanup_error_ kr_error *e = NULL;
      if (kr_state_root_open_existing (root, &rootfd, &e) < 0)
        {
          if (e->errnum == ENOENT)
            return kr_error_set (err, 0, "container \"%s\" does not exist", id);
          if (err)
            *err = TAKE_PTR (e);
          return -1;
        }
    }
  if (kr_state_open (rootfd, id, lock, dirfd, err) < 0)
    return -1;
  if (st && kr_state_read (*dirfd, st, err) < 0)
    return -1;
  return 0;
}

static void
gen_str (yajl_gen g, const char *k, const char *v)
{
  yajl_gen_string (g, (const unsigned char *) k, strlen (k));
  yajl_gen_string (g, (const unsigned char *) (v ? v : ""), v ? strlen (v) : 0);
}

static void
gen_int (yajl_gen g, const char *k, long long v)
{
  yajl_gen_string (g, (const unsigned char *) k, strlen (k));
  yajl_gen_integer (g, v);
}

static void
gen_annotations (yajl_gen g, const kr_state *st)
{
  if (st->annotations_len == 0)
    return;
  yajl_gen_string (g, (const unsigned char *) "annotations", 11);
  yajl_gen_map_open (g);
  for (size_t i = 0; i < st->annotations_len; i++)
    gen_str (g, st->annotations[i].key, st->annotations[i].value);
  yajl_gen_map_close (g);
}

/* What both documents end with, in this order: bundle, rootfs, created,
 * owner, the record's cgroupPath (CGROUP_PATH, NULL: none), annotations.
 * Returns the text and frees G. */
static char *
gen_tail (yajl_gen g, const kr_state *st, const char *cgroup_path, kr_error **err)
{
  gen_str (g, "bundle", st->bundle);
  gen_str (g, "rootfs", st->rootfs);
  gen_str (g, "created", st->created);
  gen_str (g, "owner", st->owner);
  if (cgroup_path)
    gen_str (g, "cgroupPath", cgroup_path);
  gen_annotations (g, st);
  yajl_gen_map_close (g);
  return kr_json_finish (g, "generate JSON", err);
}

/* The record krill keeps: the state document plus what later commands need. */
static char *
state_record (const kr_state *st, kr_error **err)
{
  yajl_gen g = kr_json_gen (NULL, "generate state", err);

  if (g == NULL)
    return NULL;
  yajl_gen_map_open (g);
  gen_str (g, "ociVersion", st->oci_version);
  gen_str (g, "id", st->id);
  gen_int (g, "pid", st->pid);
  gen_int (g, "initStartTime", (long long) st->start_time);
  return gen_tail (g, st, st->cgroup_path, err);
}

int
kr_state_write (int dirfd, const kr_state *st, kr_error **err)
{
  _cleanup_free_ char *json = state_record (st, err);

  if (json == NULL)
    return -1;
  return kr_write_file_atomic (dirfd, KR_STATE_FILE, json, strlen (json), 0600, true, err);
}

char *
kr_state_read_file (int dirfd, const char *name, size_t *lenp, kr_error **err)
{
  char *buf = NULL;

  if (kr_fs_read_file_max (dirfd, name, OCI_JSON_MAX_BYTES, &buf, lenp, err) < 0)
    return NULL;
  return buf;
}

static char *
tree_str (yajl_val root, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_string);
  const char *s = v ? YAJL_GET_STRING (v) : NULL;
  return s ? strdup (s) : NULL;
}

static long long
tree_int (yajl_val root, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_number);
  return (v && YAJL_IS_INTEGER (v)) ? YAJL_GET_INTEGER (v) : 0;
}

int
kr_state_read (int dirfd, kr_state **out, kr_error **err)
{
  size_t len = 0;
  _cleanup_free_ char *data = kr_state_read_file (dirfd, KR_STATE_FILE, &len, err);
  char *limit_msg;
  char ebuf[256];
  yajl_val root;
  kr_state *st;
  const char *apath[] = { "annotations", NULL };
  yajl_val ann;

  if (data == NULL)
    return -1;
  /* yajl's tree recurses per level of nesting: a damaged state.json must
   * not crash every command that reads it. */
  limit_msg = oci_json_check_limits (data, len);
  if (limit_msg != NULL)
    {
      kr_error_take (err, 0, limit_msg);
      return kr_error_prefix (err, KR_STATE_FILE);
    }
  root = yajl_tree_parse (data, ebuf, sizeof ebuf);
  if (root == NULL)
    {
      /* yajl's first line: the rest quotes the damaged bytes. */
      ebuf[strcspn (ebuf, "\n")] = '\0';
      return kr_error_set (err, 0, "state.json: invalid JSON: %s", ebuf);
    }
  st = calloc (1, sizeof *st);
  if (st == NULL)
    {
      yajl_tree_free (root);
      return kr_error_set (err, ENOMEM, "read state");
    }
  st->id = tree_str (root, "id");
  st->oci_version = tree_str (root, "ociVersion");
  st->pid = (pid_t) tree_int (root, "pid");
  st->start_time = (unsigned long long) tree_int (root, "initStartTime");
  st->bundle = tree_str (root, "bundle");
  st->rootfs = tree_str (root, "rootfs");
  st->created = tree_str (root, "created");
  st->owner = tree_str (root, "owner");
  st->cgroup_path = tree_str (root, "cgroupPath");
  ann = yajl_tree_get (root, apath, yajl_t_object);
  if (ann && YAJL_GET_OBJECT (ann)->len)
    {
      size_t n = YAJL_GET_OBJECT (ann)->len;
      st->annotations = calloc (n, sizeof (oci_kv));
      for (size_t i = 0; st->annotations && i < n; i++)
        {
          yajl_val v = YAJL_GET_OBJECT (ann)->values[i];
          st->annotations[i].key = strdup (YAJL_GET_OBJECT (ann)->keys[i]);
          st->annotations[i].value = strdup (YAJL_IS_STRING (v) ? YAJL_GET_STRING (v) : "");
          st->annotations_len++;
        }
    }
  yajl_tree_free (root);
  if (st->id == NULL || st->pid <= 0)
    {
      kr_state_free (st);
      return kr_error_set (err, 0, "state.json: missing id or pid");
    }
  *out = st;
  return 0;
}

int
kr_state_read_config (int dirfd, oci_config **out, kr_error **err)
{
  _cleanup_free_ char *data = NULL;
  size_t len = 0;
  char *msg = NULL;

  *out = NULL;
  if (faccessat (dirfd, KR_CONFIG_FILE, F_OK, 0) < 0 && errno == ENOENT)
    return 0;
  data = kr_state_read_file (dirfd, KR_CONFIG_FILE, &len, err);
  if (data == NULL)
    return -1;
  *out = oci_config_parse_data (data, len, &msg);
  if (*out == NULL)
    {
      kr_error_take (err, 0, msg);
      return kr_error_prefix (err, "state " KR_CONFIG_FILE);
    }
  return 0;
}

int
kr_state_cgroup_load (int dirfd, const kr_state *st, kr_cgroup **cg, kr_error **err)
{
  /* No cgroupPath in state.json: then no record can be the container's. */
  return kr_cgroup_load (dirfd, KR_CGROUP_FILE, st->cgroup_path ? st->cgroup_path : "", cg, err);
}

int
kr_state_remove (int rootfd, const char *id, kr_error **err)
{
  _cleanup_close_ int fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;

  if (fd < 0)
    {
      if (errno == ENOENT)
        return 0;
      return kr_error_set (err, errno, "open state dir %s", id);
    }
  d = fdopendir (fd);
  if (d == NULL)
    return kr_error_set (err, errno, "read state dir %s", id);
  fd = -1; /* owned by d now */
  /* The directory is flat: krill puts only files there. */
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (dirfd (d), de->d_name, 0) < 0 && errno != ENOENT)
        return kr_error_set (err, errno, "remove %s/%s", id, de->d_name);
    }
  if (unlinkat (rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return kr_error_set (err, errno, "remove state dir %s", id);
  return 0;
}

void
kr_state_free (kr_state *st)
{
  if (st == NULL)
    return;
  free (st->id);
  free (st->oci_version);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->owner);
  free (st->cgroup_path);
  for (size_t i = 0; i < st->annotations_len; i++)
    {
      free (st->annotations[i].key);
      free (st->annotations[i].value);
    }
  free (st->annotations);
  free (st);
}

void
kr_state_freep (kr_state **st)
{
  kr_state_free (*st);
}

int
kr_proc_stat (pid_t pid, unsigned long long *start_time, char *state)
{
  char path[64], buf[1024];
  _cleanup_close_ int fd = -1;
  ssize_t n;
  char *p;
  unsigned long long st = 0;

  int proc = kr_procfs_handle (NULL);

  if (proc < 0)
    return -1;
  snprintf (path, sizeof path, "%d/stat", (int) pid);
  fd = kr_procfs_openat (proc, path, O_RDONLY, NULL);
  if (fd < 0)
    return -1;
  n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* comm may hold spaces and parentheses: fields start after the last ')'. */
  p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ')
    return -1;
  p += 2;
  if (state)
    *state = *p;
  /* field 3 is the state; starttime is field 22 */
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p, ' ');
      if (p == NULL)
        return -1;
      p++;
    }
  if (sscanf (p, "%llu", &st) != 1)
    return -1;
  if (start_time)
    *start_time = st;
  return 0;
}

int
kr_state_owner_tag (int dirfd, char *buf, size_t size, kr_error **err)
{
  struct stat st;

  if (fstat (dirfd, &st) < 0)
    return kr_error_set (err, errno, "stat state dir");
  snprintf (buf, size, "krill %ju:%ju", (uintmax_t) st.st_dev, (uintmax_t) st.st_ino);
  return 0;
}

bool
kr_state_init_waits (int sdir, const char *name, const kr_state *st)
{
  _cleanup_closedir_ DIR *d = NULL;
  struct dirent *de;
  struct stat fifo, st_fd;
  char path[64];
  int fd;

  if (fstatat (sdir, name, &fifo, AT_SYMLINK_NOFOLLOW) < 0)
    return false;
  snprintf (path, sizeof path, "/proc/%d/fd", (int) st->pid);
  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return false;
    }
  /* Init's fd of the fifo is close-on-exec: held until the user's program. */
  while ((de = readdir (d)) != NULL)
    if (de->d_name[0] != '.' && fstatat (dirfd (d), de->d_name, &st_fd, 0) == 0
        && st_fd.st_ino == fifo.st_ino && st_fd.st_dev == fifo.st_dev)
      return true;
  return false;
}

static bool
cgroup_frozen (int dirfd, const kr_state *st)
{
  kr_cgroup *cg = NULL;
  bool frozen = false;

  /* No cgroup record (being created) or no freezer: not paused. */
  if (kr_state_cgroup_load (dirfd, st, &cg, NULL) < 0)
    return false;
  if (kr_cgroup_is_frozen (cg, &frozen, NULL) < 0)
    frozen = false;
  kr_cgroup_free (cg);
  return frozen;
}

kr_status
kr_state_status (int dirfd, const kr_state *st)
{
  unsigned long long start;
  char pstate;

  if (kr_proc_stat (st->pid, &start, &pstate) < 0 || start != st->start_time || pstate == 'Z'
      || pstate == 'X')
    return KR_STATUS_STOPPED;
  /* Only a live container can be paused; runc asks the freezer before the
   * fifo, so a frozen created container is paused too. */
  if (cgroup_frozen (dirfd, st))
    return KR_STATUS_PAUSED;
  if (faccessat (dirfd, KR_EXEC_FIFO, F_OK, 0) == 0)
    return KR_STATUS_CREATED;
  /* A start killed after its commit: init released or not. */
  if (faccessat (dirfd, KR_EXEC_FIFO_STARTING, F_OK, 0) == 0
      && kr_state_init_waits (dirfd, KR_EXEC_FIFO_STARTING, st))
    return KR_STATUS_CREATED;
  return KR_STATUS_RUNNING;
}

const char *
kr_status_name (kr_status s)
{
  switch (s)
    {
    case KR_STATUS_CREATING:
      return "creating";
    case KR_STATUS_CREATED:
      return "created";
    case KR_STATUS_RUNNING:
      return "running";
    case KR_STATUS_PAUSED:
      return "paused";
    case KR_STATUS_STOPPED:
      return "stopped";
    case KR_STATUS_UNKNOWN:
      break;
    }
  return "unknown";
}

char *
kr_state_to_json (const kr_state *st, kr_status status, bool pretty, kr_error **err)
{
  yajl_gen g = kr_json_gen (pretty ? "  " : NULL, "generate state", err);

  if (g == NULL)
    return NULL;
  yajl_gen_map_open (g);
  gen_str (g, "ociVersion", st->oci_version);
  gen_str (g, "id", st->id);
  /* A stopped container has no process: runc reports pid 0. */
  gen_int (g, "pid", status == KR_STATUS_STOPPED ? 0 : st->pid);
  gen_str (g, "status", kr_status_name (status));
  return gen_tail (g, st, NULL, err);
}

oci_state
kr_state_hook_base (const kr_state *st)
{
  oci_state base = {
    .oci_version = st->oci_version ? st->oci_version : "",
    .id = st->id,
    .bundle = st->bundle ? st->bundle : "",
    /* No annotations: no key, not an empty object. */
    .annotations = st->annotations_len ? st->annotations : NULL,
    .annotations_len = st->annotations_len,
  };
  return base;
}

char *
kr_state_hook_json (const kr_state *st, const char *status, pid_t pid, kr_error **err)
{
  oci_state base = kr_state_hook_base (st);
  return kr_hook_state (&base, status, pid, err);
}

const char *
kr_state_hook_cwd (const kr_state *st)
{
  struct stat sb;

  if (st->bundle && stat (st->bundle, &sb) == 0 && S_ISDIR (sb.st_mode))
    return st->bundle;
  return "/";
}

int
kr_write_pid_file (const char *path, pid_t pid, kr_error **err)
{
  char buf[32];
  int len = snprintf (buf, sizeof buf, "%d", (int) pid);

  /* The caller (containerd's shim, conmon) reads it as soon as we return. */
  return kr_write_file_atomic (AT_FDCWD, path, buf, (size_t) len, 0644, false, err);
}

char *
kr_now_rfc3339 (void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64], *out = NULL;

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  if (asprintf (&out, "%s.%09ldZ", buf, ts.tv_nsec) < 0)
    return NULL;
  return out;
}
