/* Unit tests of libocispec.
 *
 *   test-ocispec SPEC_DIR FIXTURES_DIR
 *
 * SPEC_DIR is a checkout of opencontainers/runtime-spec (its schema/test
 * documents are parsed), FIXTURES_DIR is tests/unit/fixtures: every .json
 * under KIND/good must parse and round-trip, KIND/bad/NAME.json must be
 * refused with exactly the message in KIND/bad/NAME.err. Prints "ok NAME" or "not ok NAME: reason" per
 * case and a final "N passed, N failed"; exits 1 when anything failed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "ocispec.h"

static int n_passed, n_failed;

static void report (bool good, const char *name, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static void
report (bool good, const char *name, const char *fmt, ...)
{
  if (good)
    {
      n_passed++;
      printf ("ok %s\n", name);
      return;
    }
  n_failed++;
  printf ("not ok %s: ", name);
  if (fmt)
    {
      va_list ap;
      va_start (ap, fmt);
      vprintf (fmt, ap);
      va_end (ap);
    }
  putchar ('\n');
}

#define EXPECT(cond, name)                                                    \
  report ((cond), (name), "%s", "expected " #cond)

static bool
starts_with (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

static char *
read_text (const char *path, size_t *len)
{
  FILE *f = fopen (path, "re");
  char *buf = NULL;
  size_t cap = 0;

  *len = 0;
  if (f == NULL)
    return NULL;
  for (;;)
    {
      size_t n;
      if (cap - *len < 4096)
        {
          char *p = realloc (buf, cap + 65536);
          if (p == NULL)
            break;
          buf = p;
          cap += 65536;
        }
      n = fread (buf + *len, 1, cap - *len - 1, f);
      *len += n;
      if (n == 0)
        break;
    }
  fclose (f);
  if (buf)
    buf[*len] = '\0';
  return buf;
}

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Sorted names of DIR ending in ".json" (and starting with PREFIX when not
 * NULL); NULL-terminated, or NULL when DIR cannot be read. */
static char **
list_json (const char *dir, const char *prefix)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0;

  if (d == NULL)
    return NULL;
  while ((de = readdir (d)) != NULL)
    {
      size_t l = strlen (de->d_name);
      char **p;
      if (l < 5 || strcmp (de->d_name + l - 5, ".json") != 0)
        continue;
      if (prefix && strncmp (de->d_name, prefix, strlen (prefix)) != 0)
        continue;
      p = realloc (names, (n + 2) * sizeof *names);
      if (p == NULL)
        break;
      names = p;
      names[n++] = strdup (de->d_name);
      names[n] = NULL;
    }
  closedir (d);
  if (names == NULL)
    names = calloc (1, sizeof *names);
  else
    qsort (names, n, sizeof *names, cmp_names);
  return names;
}

static void
free_names (char **names)
{
  for (size_t i = 0; names && names[i]; i++)
    free (names[i]);
  free (names);
}

/* parse -> generate -> parse gives an equal struct, and generating again
 * gives the same text. */
static void
round_trip (const oci_table *t, const void *obj, const char *label)
{
  char name[512];
  char *err = NULL, *err2 = NULL, *err3 = NULL;
  char *text = oci_json_generate (t, obj, false, &err);
  void *again = text ? oci_json_parse (t, text, strlen (text), &err2) : NULL;
  char *text2 = again ? oci_json_generate (t, again, false, &err3) : NULL;
  char *pretty = oci_json_generate (t, obj, true, &err3);
  void *from_pretty
      = pretty ? oci_json_parse (t, pretty, strlen (pretty), &err3) : NULL;

  snprintf (name, sizeof name, "%s round trip", label);
  if (text == NULL)
    report (false, name, "generate: %s", err);
  else if (again == NULL)
    report (false, name, "reparse: %s", err2);
  else if (!oci_json_equal (t, obj, again))
    report (false, name, "reparsed struct differs");
  else if (text2 == NULL || strcmp (text, text2) != 0)
    report (false, name, "second generation differs");
  else if (from_pretty == NULL || !oci_json_equal (t, obj, from_pretty))
    report (false, name, "pretty text does not give the same struct");
  else
    report (true, name, NULL);
  free (err);
  free (err2);
  free (err3);
  free (text);
  free (text2);
  free (pretty);
  oci_json_free (t, again);
  oci_json_free (t, from_pretty);
}

static void *
parse_path (const oci_table *t, const char *path, char **err)
{
  size_t len;
  char *text = read_text (path, &len);
  void *obj;

  if (text == NULL)
    {
      if (asprintf (err, "cannot read %s: %s", path, strerror (errno)) < 0)
        *err = NULL;
      return NULL;
    }
  obj = oci_json_parse (t, text, len, err);
  free (text);
  return obj;
}

/* Every .json of DIR parses and round-trips. */
static void
good_dir (const oci_table *t, const char *dir, const char *label)
{
  char **names = list_json (dir, NULL);
  char name[512];

  snprintf (name, sizeof name, "%s: documents found", label);
  report (names && names[0], name, "no .json under %s", dir);
  for (size_t i = 0; names && names[i]; i++)
    {
      char *path = NULL, *err = NULL;
      void *obj;
      if (asprintf (&path, "%s/%s", dir, names[i]) < 0)
        continue;
      obj = parse_path (t, path, &err);
      snprintf (name, sizeof name, "%s/%s parses", label, names[i]);
      report (obj != NULL, name, "%s", err ? err : "(no message)");
      if (obj)
        {
          snprintf (name, sizeof name, "%s/%s", label, names[i]);
          round_trip (t, obj, name);
        }
      oci_json_free (t, obj);
      free (err);
      free (path);
    }
  free_names (names);
}

/* Files of DIR (starting with PREFIX) are refused; the message must contain
 * the substring that EXPECT gives for the name, or equal the content of the
 * NAME.err file beside it when EXACT. */
typedef struct expectation
{
  const char *file;
  const char *substring;
} expectation;

static void
bad_dir (const oci_table *t, const char *dir, const char *prefix,
         const char *label, const expectation *expect, bool exact)
{
  char **names = list_json (dir, prefix);
  char name[512];

  snprintf (name, sizeof name, "%s: documents found", label);
  report (names && names[0], name, "no .json under %s", dir);
  for (size_t i = 0; names && names[i]; i++)
    {
      char *path = NULL, *err = NULL, *want = NULL;
      void *obj;

      if (asprintf (&path, "%s/%s", dir, names[i]) < 0)
        continue;
      obj = parse_path (t, path, &err);
      snprintf (name, sizeof name, "%s/%s refused", label, names[i]);
      if (exact)
        {
          size_t l;
          strcpy (path + strlen (path) - 5, ".err");
          want = read_text (path, &l);
          while (want && l > 0 && want[l - 1] == '\n')
            want[--l] = '\0';
        }
      else
        for (const expectation *e = expect; e && e->file; e++)
          if (strcmp (e->file, names[i]) == 0)
            want = strdup (e->substring);

      if (obj)
        report (false, name, "parsed");
      else if (err == NULL || *err == '\0')
        report (false, name, "no message");
      else if (exact && want == NULL)
        report (false, name, "missing .err file (message: %s)", err);
      else if (exact && strcmp (want, err) != 0)
        report (false, name, "message\n  got:  %s\n  want: %s", err, want);
      else if (!exact && want && strstr (err, want) == NULL)
        report (false, name, "message \"%s\" does not name \"%s\"", err,
                want);
      else
        report (true, name, NULL);
      oci_json_free (t, obj);
      free (want);
      free (err);
      free (path);
    }
  free_names (names);
}

/* --- the full config: every field of the tables is set --- */

static void
coverage (const oci_table *t, const void *doc, const oci_table *sub,
          const char *prefix, const char *label)
{
  for (size_t i = 0; i < sub->n_fields; i++)
    {
      const oci_field *f = &sub->fields[i];
      char *path = NULL;
      char name[600];
      bool many = f->kind == OCI_K_OBJECT_ARRAY || f->kind == OCI_K_OBJECT_MAP;

      if (asprintf (&path, "%s%s%s", prefix, *prefix ? "." : "", f->name) < 0)
        continue;
      snprintf (name, sizeof name, "%s sets %s", label, path);
      report (oci_json_is_set (t, doc, path), name, "not set");
      if (f->sub)
        {
          char *deeper = NULL;
          if (asprintf (&deeper, "%s%s", path, many ? "[]" : "") >= 0)
            coverage (t, doc, f->sub, deeper, label);
          free (deeper);
        }
      free (path);
    }
}

static void
test_full_config (const char *fixtures)
{
  char *path = NULL, *err = NULL;
  oci_config *c;

  if (asprintf (&path, "%s/config/good/full-linux.json", fixtures) < 0)
    return;
  c = oci_config_parse_file (path, &err);
  report (c != NULL, "full-linux parse_file", "%s", err);
  free (err);
  free (path);
  if (c == NULL)
    return;

  coverage (&oci_config_table, c, &oci_config_table, "", "full-linux");

  EXPECT (strcmp (c->oci_version, "1.3.0") == 0, "full-linux ociVersion");
  EXPECT (c->root && c->root->readonly && c->root->has_readonly,
          "full-linux root.readonly");
  EXPECT (c->mounts_len == 2 && c->mounts[1].uid_mappings_len == 1
              && c->mounts[1].uid_mappings[0].host_id == 100000
              && c->mounts[1].gid_mappings[0].host_id == 200000,
          "full-linux mount idmap");
  EXPECT (c->process->args_len == 3 && c->process->args[3] == NULL
              && strcmp (c->process->args[2], "echo hi") == 0,
          "full-linux args NULL-terminated");
  EXPECT (c->process->env[c->process->env_len] == NULL,
          "full-linux env NULL-terminated");
  EXPECT (c->process->user->additional_gids_len == 3
              && c->process->user->additional_gids[2] == UINT32_MAX,
          "full-linux additionalGids uint32 max");
  EXPECT (c->process->capabilities->inheritable != NULL
              && c->process->capabilities->inheritable_len == 0,
          "full-linux empty array is not NULL");
  EXPECT (c->process->rlimits[1].hard == UINT64_MAX
              && c->process->rlimits[1].has_soft
              && c->process->rlimits[1].soft == 0,
          "full-linux rlimit uint64 max");
  EXPECT (c->process->oom_score_adj == -1000
              && c->process->has_oom_score_adj,
          "full-linux oomScoreAdj");
  EXPECT (strcmp (c->process->scheduler->policy, "SCHED_DEADLINE") == 0
              && c->process->scheduler->nice == -5
              && c->process->scheduler->has_priority
              && c->process->scheduler->priority == 0
              && c->process->scheduler->period == 30000000,
          "full-linux scheduler");
  EXPECT (strcmp (c->process->io_priority->class, "IOPRIO_CLASS_BE") == 0
              && c->process->io_priority->priority == 4,
          "full-linux ioPriority");
  EXPECT (strcmp (c->process->exec_cpu_affinity->initial, "0-3, 7") == 0,
          "full-linux execCPUAffinity");
  EXPECT (c->process->console_size->height == 25
              && c->process->console_size->width == 80,
          "full-linux consoleSize");
  EXPECT (c->hooks->prestart[0].timeout == 5
              && c->hooks->create_runtime[0].timeout == 1
              && c->hooks->poststop_len == 1,
          "full-linux hooks");
  EXPECT (c->annotations_len == 2
              && strcmp (c->annotations[0].key, "com.example.key1") == 0
              && strcmp (c->annotations[1].value, "") == 0,
          "full-linux annotations in document order");

  oci_linux *l = c->linux;
  EXPECT (l->namespaces_len == 8
              && strcmp (l->namespaces[1].path, "/var/run/netns/x") == 0,
          "full-linux namespaces");
  EXPECT (l->time_offsets_len == 2
              && strcmp (l->time_offsets[0].key, "monotonic") == 0
              && l->time_offsets[0].secs == -172800
              && l->time_offsets[0].nanosecs == 999999999,
          "full-linux timeOffsets");
  EXPECT (l->devices_len == 2 && l->devices[0].file_mode == 438
              && !l->devices[1].has_major,
          "full-linux devices");
  EXPECT (l->net_devices_len == 2
              && strcmp (l->net_devices[0].key, "eth1") == 0
              && strcmp (l->net_devices[0].name, "ctr1") == 0
              && l->net_devices[1].name == NULL,
          "full-linux netDevices");
  oci_resources *r = l->resources;
  EXPECT (r->memory->kernel == INT64_MIN && r->memory->kernel_tcp == INT64_MAX
              && r->memory->swap == -1 && r->memory->swappiness == UINT64_MAX
              && r->memory->has_disable_oom_killer
              && !r->memory->disable_oom_killer,
          "full-linux memory");
  EXPECT (r->cpu->shares == 1024 && r->cpu->quota == 1000000
              && strcmp (r->cpu->cpus, "2-3") == 0 && r->cpu->has_idle,
          "full-linux cpu");
  EXPECT (r->block_io->leaf_weight == 65535
              && r->block_io->weight_device_len == 2
              && !r->block_io->weight_device[1].has_leaf_weight
              && r->block_io->throttle_write_bps_device[0].rate == UINT64_MAX
              && r->block_io->throttle_write_iops_device[0].minor == 16,
          "full-linux blockIO");
  EXPECT (r->hugepage_limits_len == 2
              && strcmp (r->hugepage_limits[1].page_size, "64KB") == 0,
          "full-linux hugepageLimits");
  EXPECT (r->network->class_id == 1048577
              && r->network->priorities[1].priority == UINT32_MAX,
          "full-linux network");
  EXPECT (r->pids->limit == 32771, "full-linux pids");
  EXPECT (r->rdma_len == 2 && strcmp (r->rdma[1].key, "mlx4_0") == 0
              && !r->rdma[1].has_hca_handles && r->rdma[1].hca_objects == 1000,
          "full-linux rdma");
  EXPECT (r->unified_len == 2 && strcmp (r->unified[1].value, "max") == 0,
          "full-linux unified");
  EXPECT (l->intel_rdt->schemata_len == 2 && l->intel_rdt->enable_monitoring
              && l->intel_rdt->has_enable_cmt && !l->intel_rdt->enable_cmt,
          "full-linux intelRdt");
  EXPECT (l->seccomp->syscalls_len == 2
              && l->seccomp->syscalls[1].errno_ret == 38
              && l->seccomp->syscalls[1].args[0].value == UINT64_MAX
              && !l->seccomp->syscalls[1].args[1].has_value_two
              && strcmp (l->seccomp->syscalls[1].args[1].op, "SCMP_CMP_EQ")
                     == 0,
          "full-linux seccomp");
  EXPECT (strcmp (l->personality->domain, "LINUX32") == 0
              && l->personality->flags_len == 0,
          "full-linux personality");
  EXPECT (strcmp (l->memory_policy->mode, "MPOL_INTERLEAVE") == 0
              && l->memory_policy->flags_len == 1,
          "full-linux memoryPolicy");

  EXPECT (oci_config_is_set (c, "linux.seccomp"), "is_set linux.seccomp");
  EXPECT (oci_config_is_set (c, "mounts[].uidMappings"),
          "is_set mounts[].uidMappings");
  EXPECT (oci_config_is_set (c, "process.ioPriority"),
          "is_set process.ioPriority");
  EXPECT (oci_config_is_set (c, "linux.resources.memory"),
          "is_set linux.resources.memory");
  EXPECT (oci_config_is_set (c, "linux.personality.flags"),
          "is_set counts an empty array");
  EXPECT (oci_config_is_set (c, "linux.netDevices[].name"),
          "is_set map entries with []");
  EXPECT (!oci_config_is_set (c, "mounts[].nosuchfield"),
          "is_set unknown field is false");
  EXPECT (!oci_config_is_set (c, "hostname.deeper"),
          "is_set below a string is false");
  EXPECT (!oci_config_is_set (NULL, "linux"), "is_set on NULL is false");

  round_trip (&oci_config_table, c, "full-linux (checked)");
  oci_config_free (c);
}

static void
test_small_configs (const char *fixtures)
{
  char *path = NULL, *err = NULL;
  oci_config *c;
  char *text;

  /* nulls.json: null is absent */
  if (asprintf (&path, "%s/config/good/nulls.json", fixtures) < 0)
    return;
  c = oci_config_parse_file (path, &err);
  free (path);
  report (c != NULL, "nulls parse", "%s", err);
  free (err);
  if (c)
    {
      EXPECT (c->hostname == NULL && c->root == NULL, "null string/object");
      EXPECT (!c->process->has_terminal && !c->process->user->has_umask,
              "null scalars");
      EXPECT (c->linux->seccomp == NULL
                  && !c->linux->resources->memory->has_limit
                  && !oci_config_is_set (c, "linux.resources.memory.limit")
                  && oci_config_is_set (c, "linux.resources.memory"),
              "null nested");
      oci_config_free (c);
    }

  /* uint64-max.json */
  if (asprintf (&path, "%s/config/good/uint64-max.json", fixtures) < 0)
    return;
  c = oci_config_parse_file (path, &err);
  free (path);
  report (c != NULL, "uint64-max parse", "%s", err);
  free (err);
  err = NULL;
  if (c)
    {
      EXPECT (c->process->rlimits[0].hard == UINT64_MAX
                  && c->process->rlimits[0].soft == UINT64_MAX
                  && c->linux->resources->memory->limit == INT64_MAX
                  && c->linux->resources->memory->swap == INT64_MIN
                  && c->linux->resources->memory->swappiness == UINT64_MAX
                  && c->linux->resources->cpu->period == UINT64_MAX
                  && c->linux->seccomp->syscalls[0].args[0].index
                         == UINT32_MAX
                  && c->linux->seccomp->syscalls[0].args[0].value_two
                         == UINT64_MAX,
              "uint64-max values");
      text = oci_config_generate (c, &err);
      EXPECT (text
                  && strstr (text, "\"hard\":18446744073709551615") != NULL
                  && strstr (text, "\"swap\":-9223372036854775808") != NULL,
              "uint64-max generated text");
      free (text);
      free (err);
      err = NULL;
      oci_config_free (c);
    }

  /* Repeated keys: the last one wins, once. */
  {
    static const char doc[]
        = "{\"ociVersion\":\"1.0.0\",\"hostname\":\"a\",\"hostname\":\"b\","
          "\"annotations\":{\"k\":\"1\",\"j\":\"2\",\"k\":\"3\"}}";
    c = oci_config_parse_data (doc, strlen (doc), &err);
    EXPECT (c && strcmp (c->hostname, "b") == 0 && c->annotations_len == 2
                && strcmp (c->annotations[0].key, "j") == 0
                && strcmp (c->annotations[1].value, "3") == 0,
            "repeated keys: last wins");
    oci_config_free (c);
    free (err);
    err = NULL;
  }

  /* Missing root and process are fine at parse time. */
  {
    static const char doc[] = "{\"ociVersion\":\"1.1.0\"}";
    c = oci_config_parse_data (doc, strlen (doc), &err);
    EXPECT (c && c->root == NULL && c->process == NULL && c->linux == NULL
                && !oci_config_is_set (c, "linux")
                && !oci_config_is_set (c, "process.ioPriority"),
            "no root, no process");
    text = c ? oci_config_generate (c, &err) : NULL;
    EXPECT (text && strcmp (text, doc) == 0, "minimal generates exactly");
    free (text);
    oci_config_free (c);
    free (err);
    err = NULL;
  }

  /* A NUL inside the data is not silently cut. */
  {
    static const char doc[] = "{\"ociVersion\":\"1.1.0\"}\0garbage";
    c = oci_config_parse_data (doc, sizeof doc - 1, &err);
    EXPECT (c == NULL && err && strncmp (err, "invalid JSON", 12) == 0,
            "NUL byte refused");
    oci_config_free (c);
    free (err);
    err = NULL;
  }

  /* A \u0000 inside any string (value or key, known field or not) is
   * refused naming its path: C strings would end there. An escaped
   * backslash before "u0000" is no NUL. */
  {
    static const struct
    {
      const char *doc, *want;
    } cases[] = {
      { "{\"ociVersion\":\"1.1.0\",\"process\":{\"cwd\":\"/\",\"args\":[\"a\",\"b\\u0000c\"]}}",
        "process.args[1]: a string contains a NUL character (\\u0000)" },
      { "{\"ociVersion\":\"1.1.0\",\"hostname\":\"h\\u0000\"}",
        "hostname: a string contains a NUL character (\\u0000)" },
      { "{\"ociVersion\":\"1.1.0\",\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\\u0000/c\"}]}",
        "mounts[1].destination: a string contains a NUL character (\\u0000)" },
      { "{\"ociVersion\":\"1.1.0\",\"linux\":{\"resources\":{},\"cgroupsPath\":\"\\u0000\"}}",
        "linux.cgroupsPath: a string contains a NUL character (\\u0000)" },
      { "{\"ociVersion\":\"1.1.0\",\"annotations\":{\"a\\u0000b\":\"v\"}}",
        "annotations: a key contains a NUL character (\\u0000)" },
      { "{\"ociVersion\":\"1.1.0\",\"x-unknown\":[[1,{\"y\":[true,\"\\u0000\"]}]]}",
        "x-unknown[0][1].y[1]: a string contains a NUL character (\\u0000)" },
      { "[\"\\u0000\"]", "[0]: a string contains a NUL character (\\u0000)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
      {
        char name[64];
        c = oci_config_parse_data (cases[i].doc, strlen (cases[i].doc), &err);
        snprintf (name, sizeof name, "NUL in a string refused (%zu)", i);
        report (c == NULL && err && strcmp (err, cases[i].want) == 0, name, "got %s",
                err ? err : "(success)");
        oci_config_free (c);
        free (err);
        err = NULL;
      }
    static const char ok_doc[]
        = "{\"ociVersion\":\"1.1.0\",\"hostname\":\"a\\\\u0000b\"}";
    c = oci_config_parse_data (ok_doc, strlen (ok_doc), &err);
    EXPECT (c && strcmp (c->hostname, "a\\u0000b") == 0, "escaped backslash before u0000 kept");
    oci_config_free (c);
    free (err);
    err = NULL;
    static const char st_doc[]
        = "{\"ociVersion\":\"1.0.0\",\"id\":\"a\\u0000\",\"status\":\"created\",\"bundle\":\"/b\"}";
    oci_state *st = oci_state_parse_data (st_doc, strlen (st_doc), &err);
    report (st == NULL && err && strcmp (err, "id: a string contains a NUL character (\\u0000)") == 0,
            "NUL in state.json refused", "got %s", err ? err : "(success)");
    oci_state_free (st);
    free (err);
    err = NULL;
  }

  c = oci_config_parse_file ("/nonexistent/config.json", &err);
  EXPECT (c == NULL && err
              && strcmp (err, "open /nonexistent/config.json: No such file "
                              "or directory")
                     == 0,
          "parse_file of a missing file");
  free (err);
}

static void
test_state_and_features (const char *fixtures)
{
  char *err = NULL, *text, *path = NULL;
  oci_state st = { 0 };
  oci_state *s;
  oci_features *f;
  oci_kv ann = { (char *) "k", (char *) "v" };

  st.oci_version = (char *) "1.3.0";
  st.id = (char *) "c1";
  st.status = (char *) "running";
  st.pid = 42;
  st.has_pid = true;
  st.bundle = (char *) "/b";
  st.annotations = &ann;
  st.annotations_len = 1;
  text = oci_state_generate (&st, &err);
  EXPECT (text
              && strcmp (text, "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\","
                               "\"status\":\"running\",\"pid\":42,"
                               "\"bundle\":\"/b\",\"annotations\":{\"k\":"
                               "\"v\"}}")
                     == 0,
          "state generates exactly");
  s = text ? oci_state_parse_data (text, strlen (text), &err) : NULL;
  EXPECT (s && oci_json_equal (&oci_state_table, s, &st), "state reparses");
  oci_state_free (s);
  free (text);
  free (err);
  err = NULL;

  if (asprintf (&path, "%s/state/good/created.json", fixtures) < 0)
    return;
  s = oci_state_parse_file (path, &err);
  free (path);
  EXPECT (s && s->pid == 4422 && s->has_pid
              && strcmp (s->status, "created") == 0,
          "state parse_file");
  oci_state_free (s);
  free (err);
  err = NULL;

  if (asprintf (&path, "%s/features/good/full.json", fixtures) < 0)
    return;
  {
    size_t len;
    char *doc = read_text (path, &len);
    f = doc ? oci_features_parse_data (doc, len, &err) : NULL;
    free (doc);
  }
  free (path);
  report (f != NULL, "features full parse", "%s", err);
  free (err);
  err = NULL;
  if (f == NULL)
    return;
  coverage (&oci_features_table, f, &oci_features_table, "", "features");
  EXPECT (f->linux->cgroup->has_v1 && !f->linux->cgroup->v1
              && f->linux->mount_extensions->idmap->enabled
              && f->linux->intel_rdt->schemata
              && f->potentially_unsafe_config_annotations_len == 2,
          "features values");
  text = oci_features_generate (f, true, &err);
  EXPECT (text && starts_with (text, "{\n    \"ociVersionMin\": \"1.0.0\",\n")
              && strstr (text, "\n        \"cgroup\": {\n            \"v1\": "
                               "false,\n")
                     != NULL
              && text[strlen (text) - 1] == '\n',
          "features pretty output");
  free (text);
  text = oci_features_generate (f, false, &err);
  EXPECT (text && strchr (text, '\n') == NULL
              && starts_with (text, "{\"ociVersionMin\":\"1.0.0\","),
          "features compact output");
  free (text);
  free (err);
  oci_features_free (f);
}

static void
test_tables (void)
{
  const char *m;
  m = oci_json_check_table (&oci_config_table);
  report (m == NULL, "config tables consistent", "field %s", m);
  m = oci_json_check_table (&oci_state_table);
  report (m == NULL, "state tables consistent", "field %s", m);
  m = oci_json_check_table (&oci_features_table);
  report (m == NULL, "features tables consistent", "field %s", m);
}

/* The input limits (ocispec.h): depth counted by brackets outside strings,
 * size refused before any parse; repeated map keys: the last one wins. */
static char *
nested (size_t depth, const char *inner)
{
  size_t n = strlen (inner);
  char *s = malloc (2 * depth + n + 16), *w = s;

  w += sprintf (w, "{\"x\": ");
  memset (w, '[', depth - 1);
  w += depth - 1;
  w += sprintf (w, "%s", inner);
  memset (w, ']', depth - 1);
  w += depth - 1;
  strcpy (w, "}");
  return s;
}

static void
test_limits (void)
{
  char *doc, *m;
  oci_config *cfg;
  size_t n;

  doc = nested (OCI_JSON_MAX_DEPTH, "");
  m = oci_json_check_limits (doc, strlen (doc));
  report (m == NULL, "limits: 10000 levels pass", "%s", m);
  free (m);
  free (doc);

  doc = nested (OCI_JSON_MAX_DEPTH + 1, "");
  m = oci_json_check_limits (doc, strlen (doc));
  report (m && strcmp (m, "JSON nested deeper than the limit of 10000 levels") == 0,
          "limits: 10001 levels refused", "%s", m ? m : "accepted");
  free (m);
  free (doc);

  /* 300,000 levels through the whole parse: refused, no crash. */
  doc = nested (300000, "");
  cfg = oci_config_parse_data (doc, strlen (doc), &m);
  report (cfg == NULL && m && strstr (m, "limit of 10000 levels"),
          "limits: 300000 levels refused by parse", "%s", m ? m : "accepted");
  oci_config_free (cfg);
  free (m);
  free (doc);

  /* Brackets in strings, escaped quotes and backslashes do not count. */
  doc = nested (OCI_JSON_MAX_DEPTH,
                "\"[[[{{\\\"[[\", \"\\\\\", \"\\\\\\\"{{\"");
  m = oci_json_check_limits (doc, strlen (doc));
  report (m == NULL, "limits: brackets in strings", "%s", m);
  free (m);
  free (doc);

  n = OCI_JSON_MAX_BYTES + 1;
  doc = malloc (n);
  memset (doc, ' ', n);
  doc[0] = '{';
  doc[n - 1] = '}';
  m = oci_json_check_limits (doc, n);
  report (m && strstr (m, "larger than the limit of 16 MiB"), "limits: size refused", "%s",
          m ? m : "accepted");
  free (m);
  m = oci_json_check_limits (doc, n - 1);
  report (m == NULL, "limits: 16 MiB passes", "%s", m);
  free (m);
  free (doc);
}

static void
test_repeated_keys (void)
{
  static const char doc[]
      = "{\"ociVersion\": \"1.0.0\", \"annotations\": {\"a\": \"1\", \"b\": \"x\", "
        "\"a\": \"2\", \"c\": \"y\", \"a\": \"3\", \"b\": \"z\"}}";
  char *m = NULL;
  oci_config *cfg = oci_config_parse_data (doc, strlen (doc), &m);
  bool good = cfg && cfg->annotations_len == 3 && strcmp (cfg->annotations[0].key, "c") == 0
              && strcmp (cfg->annotations[1].key, "a") == 0
              && strcmp (cfg->annotations[1].value, "3") == 0
              && strcmp (cfg->annotations[2].key, "b") == 0
              && strcmp (cfg->annotations[2].value, "z") == 0;

  /* Kept in the order of their last occurrence, as before. */
  report (good, "repeated map keys: the last wins", "%s", m ? m : "wrong map");
  free (m);
  oci_config_free (cfg);
}

/* A key from the document shows in the error's path: its control
 * characters are escaped, or a newline in a key would split the one-line
 * error (found by tests/fuzz/fuzz-process). */
static void
test_key_escaped_in_path (void)
{
  static const char map_doc[]
      = "{\"ociVersion\": \"1.0.0\", \"annotations\": {\"a\\nb\\u001b\": 5}}";
  static const char nul_doc[]
      = "{\"args\": [\"sh\"], \"cwd\": \"/\", \"x\\ny\": {\"k\": \"a\\u0000b\"}}";
  char *m = NULL;
  oci_config *cfg = oci_config_parse_data (map_doc, strlen (map_doc), &m);
  oci_process *p;

  report (cfg == NULL && m && strchr (m, '\n') == NULL && strstr (m, "annotations.a\\x0ab\\x1b: ")
              && strchr (m, '\x1b') == NULL,
          "key escaped in an error path (map)", "%s", m ? m : "accepted");
  oci_config_free (cfg);
  free (m);
  m = NULL;
  p = oci_process_parse_data (nul_doc, strlen (nul_doc), &m);
  report (p == NULL && m && strchr (m, '\n') == NULL && strstr (m, "x\\x0ay.k: "),
          "key escaped in an error path (NUL check)", "%s", m ? m : "accepted");
  oci_process_free (p);
  free (m);
}

int
main (int argc, char **argv)
{
  static const expectation spec_config_bad[]
      = { { "invalid-json.json", "invalid JSON" },
          { "linux-hugepage.json",
            "linux.resources.hugepageLimits[0].pageSize" },
          { "linux-netdevice.json", "linux.netDevices.eth0.name" },
          { "linux-rdma.json", "linux.resources.rdma.mlx5_1.hcaHandles" },
          { NULL, NULL } };
  static const expectation spec_other_bad[]
      = { { "invalid-json.json", "invalid JSON" },
          { "missing-ociVersionMax.json", "ociVersionMax: required" },
          { NULL, NULL } };
  static const struct
  {
    const char *kind;
    const oci_table *table;
  } kinds[] = { { "config", &oci_config_table },
                { "state", &oci_state_table },
                { "features", &oci_features_table } };
  const char *spec, *fixtures;
  char dir[4096];

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s SPEC_DIR FIXTURES_DIR\n", argv[0]);
      return 2;
    }
  spec = argv[1];
  fixtures = argv[2];

  test_tables ();
  test_limits ();
  test_repeated_keys ();
  test_key_escaped_in_path ();
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    {
      char label[64];

      snprintf (dir, sizeof dir, "%s/schema/test/%s/good", spec,
                kinds[k].kind);
      snprintf (label, sizeof label, "spec %s/good", kinds[k].kind);
      good_dir (kinds[k].table, dir, label);

      snprintf (dir, sizeof dir, "%s/schema/test/%s/bad", spec,
                kinds[k].kind);
      snprintf (label, sizeof label, "spec %s/bad", kinds[k].kind);
      if (k == 0)
        {
          bad_dir (kinds[k].table, dir, "linux-", label, spec_config_bad,
                   false);
          bad_dir (kinds[k].table, dir, "invalid-json", label,
                   spec_config_bad, false);
        }
      else
        bad_dir (kinds[k].table, dir, NULL, label, spec_other_bad, false);

      snprintf (dir, sizeof dir, "%s/%s/good", fixtures, kinds[k].kind);
      snprintf (label, sizeof label, "fixture %s/good", kinds[k].kind);
      good_dir (kinds[k].table, dir, label);
      snprintf (dir, sizeof dir, "%s/%s/bad", fixtures, kinds[k].kind);
      snprintf (label, sizeof label, "fixture %s/bad", kinds[k].kind);
      bad_dir (kinds[k].table, dir, NULL, label, NULL, true);
    }

  test_full_config (fixtures);
  test_small_configs (fixtures);
  test_state_and_features (fixtures);

  printf ("%d passed, %d failed\n", n_passed, n_failed);
  return n_failed ? 1 : 0;
}
