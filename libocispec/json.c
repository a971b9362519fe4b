/* The table-driven parser: a yajl tree in, a struct of ocispec.h out, or a
 * message naming the JSON path, what was expected and what was found. */
#define _GNU_SOURCE
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

typedef struct parse_ctx
{
  char *path; /* "linux.resources.memory.limit", grows as we descend */
  size_t len;
  size_t cap;
  char *err; /* the first error, "PATH: what" */
  bool failed;
} parse_ctx;

/* Appends SEP (unless at the start) and S to the path; returns the length to
 * restore with path_pop. On allocation failure the path stays short and the
 * error will say so. */
static size_t
path_push (parse_ctx *c, const char *sep, const char *s)
{
  size_t old = c->len;
  size_t need = c->len + strlen (sep) + strlen (s) + 1;
  if (need > c->cap)
    {
      size_t cap = need * 2;
      char *p = realloc (c->path, cap);
      if (p == NULL)
        return old;
      c->path = p;
      c->cap = cap;
    }
  c->len += sprintf (c->path + c->len, "%s%s", c->len ? sep : "", s);
  return old;
}

/* A key comes from the document: its control characters go into the path
 * as \xNN, so that an error stays one line and prints no escape sequence. */
static size_t
path_push_key (parse_ctx *c, const char *key)
{
  char *esc, *w;
  size_t old;

  if (strpbrk (key, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
                    "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f")
      == NULL)
    return path_push (c, ".", key);
  esc = w = malloc (strlen (key) * 4 + 1);
  if (esc == NULL)
    return c->len;
  for (const unsigned char *k = (const unsigned char *) key; *k; k++)
    if (*k < 0x20 || *k == 0x7f)
      w += sprintf (w, "\\x%02x", *k);
    else
      *w++ = (char) *k;
  *w = '\0';
  old = path_push (c, ".", esc);
  free (esc);
  return old;
}

static size_t
path_push_index (parse_ctx *c, size_t i)
{
  char buf[32];
  snprintf (buf, sizeof buf, "[%zu]", i);
  return path_push (c, "", buf);
}

static void
path_pop (parse_ctx *c, size_t old)
{
  c->len = old;
  if (c->path)
    c->path[old] = '\0';
}

static int fail (parse_ctx *c, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static int
fail (parse_ctx *c, const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL;

  if (c->failed)
    return -1;
  c->failed = true;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg == NULL)
    return -1;
  if (c->len == 0)
    c->err = msg;
  else
    {
      if (asprintf (&c->err, "%s: %s", c->path, msg) < 0)
        c->err = NULL;
      free (msg);
    }
  return -1;
}

/* "string \"1g\"", "number 5", "object"...; malloc'd or NULL. */
static char *
describe (yajl_val v)
{
  char *out = NULL;

  if (YAJL_IS_STRING (v))
    {
      const char *s = YAJL_GET_STRING (v);
      size_t n = strlen (s);
      size_t shown = n > 64 ? 64 : n;
      char *q = malloc (shown * 4 + 16), *w = q;
      if (q == NULL)
        return NULL;
      for (size_t i = 0; i < shown; i++)
        {
          unsigned char ch = s[i];
          if (ch == '"' || ch == '\\')
            w += sprintf (w, "\\%c", ch);
          else if (ch < 0x20 || ch == 0x7f)
            w += sprintf (w, "\\x%02x", ch);
          else
            *w++ = ch;
        }
      strcpy (w, n > shown ? "..." : "");
      if (asprintf (&out, "string \"%s\"", q) < 0)
        out = NULL;
      free (q);
      return out;
    }
  if (YAJL_IS_NUMBER (v))
    {
      if (asprintf (&out, "number %s", YAJL_GET_NUMBER (v)) < 0)
        out = NULL;
      return out;
    }
  if (YAJL_IS_OBJECT (v))
    return strdup ("object");
  if (YAJL_IS_ARRAY (v))
    return strdup ("array");
  if (YAJL_IS_TRUE (v))
    return strdup ("boolean true");
  if (YAJL_IS_FALSE (v))
    return strdup ("boolean false");
  return strdup ("null");
}

/* "PATH: expected WHAT, got FOUND" */
static int
fail_expected (parse_ctx *c, const char *what, yajl_val found)
{
  char *d = describe (found);
  fail (c, "%s, got %s", what, d ? d : "something else");
  free (d);
  return -1;
}

static const char *
kind_expected (oci_kind k)
{
  switch (k)
    {
    case OCI_K_STRING:
      return "expected string";
    case OCI_K_BOOL:
      return "expected boolean";
    case OCI_K_INT32:
    case OCI_K_UINT16:
    case OCI_K_UINT32:
    case OCI_K_INT64:
    case OCI_K_UINT64:
      return "expected integer";
    case OCI_K_OBJECT:
    case OCI_K_STRING_MAP:
    case OCI_K_OBJECT_MAP:
      return "expected object";
    case OCI_K_STRING_ARRAY:
    case OCI_K_INT_ARRAY:
    case OCI_K_OBJECT_ARRAY:
      return "expected array";
    }
  return "unexpected kind";
}

/* Integers come from the number's text: yajl keeps only what fits in a long
 * long, and uint64 goes up to 2^64-1. */
static int
parse_integer (parse_ctx *c, oci_kind kind, yajl_val v, void *dst)
{
  const char *text, *digits;
  bool neg;
  unsigned long long mag;
  char *end;
  static const struct
  {
    oci_kind kind;
    uint64_t max_pos;
    uint64_t max_neg; /* magnitude of the minimum */
    const char *text;
  } ranges[] = {
    { OCI_K_INT32, INT32_MAX, (uint64_t) INT32_MAX + 1, "-2147483648..2147483647" },
    { OCI_K_UINT16, UINT16_MAX, 0, "0..65535" },
    { OCI_K_UINT32, UINT32_MAX, 0, "0..4294967295" },
    { OCI_K_INT64, INT64_MAX, (uint64_t) INT64_MAX + 1,
      "-9223372036854775808..9223372036854775807" },
    { OCI_K_UINT64, UINT64_MAX, 0, "0..18446744073709551615" },
  };
  uint64_t max_pos = 0;
  uint64_t max_neg = 0;
  const char *range = NULL;

  if (!YAJL_IS_NUMBER (v) || strpbrk (YAJL_GET_NUMBER (v), ".eE") != NULL)
    return fail_expected (c, "expected integer", v);

  for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
    if (ranges[i].kind == kind)
      {
        max_pos = ranges[i].max_pos;
        max_neg = ranges[i].max_neg;
        range = ranges[i].text;
      }
  if (range == NULL)
    return fail (c, "internal error: kind %d is not an integer", (int) kind);

  text = YAJL_GET_NUMBER (v);
  neg = text[0] == '-';
  digits = neg ? text + 1 : text;
  errno = 0;
  mag = strtoull (digits, &end, 10);
  if (*digits < '0' || *digits > '9' || *end != '\0')
    return fail_expected (c, "expected integer", v);
  if (errno == ERANGE || (neg ? mag > max_neg : mag > max_pos))
    {
      char what[96];
      snprintf (what, sizeof what, "expected integer in range %s", range);
      return fail_expected (c, what, v);
    }

  switch (kind)
    {
    case OCI_K_INT32:
      *(int32_t *) dst = neg ? (int32_t) (-(int64_t) mag) : (int32_t) mag;
      break;
    case OCI_K_UINT16:
      *(uint16_t *) dst = (uint16_t) mag;
      break;
    case OCI_K_UINT32:
      *(uint32_t *) dst = (uint32_t) mag;
      break;
    case OCI_K_INT64:
      *(int64_t *) dst
          = neg ? (mag == 0 ? 0 : -(int64_t) (mag - 1) - 1) : (int64_t) mag;
      break;
    default:
      *(uint64_t *) dst = mag;
      break;
    }
  return 0;
}

/* A string value: type, then the enum and check of the field. */
static int
parse_string (parse_ctx *c, const oci_field *f, yajl_val v, char **dst)
{
  const char *s;

  if (!YAJL_IS_STRING (v))
    return fail_expected (c, "expected string", v);
  s = YAJL_GET_STRING (v);
  if (f->enum_values)
    {
      bool found = false;
      for (const char *const *e = f->enum_values; *e && !found; e++)
        found = strcmp (*e, s) == 0;
      if (!found)
        {
          size_t n = 32;
          char *list, *w;
          for (const char *const *e = f->enum_values; *e; e++)
            n += strlen (*e) + 4;
          list = w = malloc (n);
          if (list == NULL)
            return fail (c, "out of memory");
          w += sprintf (w, "expected one of");
          for (const char *const *e = f->enum_values; *e; e++)
            w += sprintf (w, "%s \"%s\"", e == f->enum_values ? "" : ",", *e);
          fail_expected (c, list, v);
          free (list);
          return -1;
        }
    }
  if (f->check)
    {
      const char *what = f->check (s);
      if (what)
        return fail_expected (c, what, v);
    }
  *dst = strdup (s);
  if (*dst == NULL)
    return fail (c, "out of memory");
  return 0;
}

static int parse_fields (parse_ctx *c, const oci_table *t, yajl_val obj,
                         char *base);

/* Allocates N elements of SIZE, at least one so that an empty array is not
 * NULL. */
static void *
alloc_elems (size_t n, size_t size)
{
  return calloc (n ? n : 1, size);
}

/* Which entries of OBJ give their key its value: the last of each key, as
 * the usual JSON decoders let a repeated key override. The indexes sorted by
 * key (then position) make this O(n log n): a check of each entry against
 * the later ones took minutes for 200,000 annotations. NULL when out of
 * memory, else a calloc'd array of N flags. */
static int
cmp_key_index (const void *a, const void *b, void *keys_)
{
  const char *const *keys = keys_;
  size_t i = *(const size_t *) a, j = *(const size_t *) b;
  int r = strcmp (keys[i], keys[j]);

  return r ? r : (i > j) - (i < j);
}

static bool *
last_of_each_key (yajl_val obj)
{
  size_t n = obj->u.object.len;
  const char **keys = obj->u.object.keys;
  size_t *idx = malloc ((n ? n : 1) * sizeof *idx);
  bool *keep = calloc (n ? n : 1, sizeof *keep);

  if (idx == NULL || keep == NULL)
    {
      free (idx);
      free (keep);
      return NULL;
    }
  for (size_t i = 0; i < n; i++)
    idx[i] = i;
  qsort_r (idx, n, sizeof *idx, cmp_key_index, (void *) keys);
  for (size_t i = 0; i < n; i++)
    if (i + 1 == n || strcmp (keys[idx[i]], keys[idx[i + 1]]) != 0)
      keep[idx[i]] = true;
  free (idx);
  return keep;
}

static int
parse_map (parse_ctx *c, const oci_field *f, yajl_val v, char *base)
{
  size_t n = v->u.object.len;
  char *arr = alloc_elems (n, f->elem_size);
  size_t *len = (size_t *) (base + f->aux);
  bool *keep;

  if (arr == NULL)
    return fail (c, "out of memory");
  *(char **) (base + f->offset) = arr;
  *len = 0;
  keep = last_of_each_key (v);
  if (keep == NULL)
    return fail (c, "out of memory");
  for (size_t i = 0; i < n; i++)
    {
      const char *key = v->u.object.keys[i];
      yajl_val val = v->u.object.values[i];
      char *elem = arr + *len * f->elem_size;
      size_t old;
      int r;

      if (!keep[i])
        continue;
      /* Both element kinds start with char *key. */
      *(char **) elem = strdup (key);
      if (*(char **) elem == NULL)
        {
          free (keep);
          return fail (c, "out of memory");
        }
      (*len)++;
      old = path_push_key (c, key);
      if (f->kind == OCI_K_STRING_MAP)
        r = parse_string (c, f, val, &((oci_kv *) elem)->value);
      else if (!YAJL_IS_OBJECT (val))
        r = fail_expected (c, "expected object", val);
      else
        r = parse_fields (c, f->sub, val, elem);
      path_pop (c, old);
      if (r < 0)
        {
          free (keep);
          return -1;
        }
    }
  free (keep);
  return 0;
}

static int
parse_array (parse_ctx *c, const oci_field *f, yajl_val v, char *base)
{
  size_t n = v->u.array.len;
  size_t *len = (size_t *) (base + f->aux);
  char *arr;

  if (n == 0 && (f->flags & OCI_NONEMPTY))
    return fail (c, "expected at least one element, got an empty array");
  /* String arrays get a NULL terminator. */
  arr = f->kind == OCI_K_STRING_ARRAY ? calloc (n + 1, sizeof (char *))
                                      : alloc_elems (n, f->elem_size);
  if (arr == NULL)
    return fail (c, "out of memory");
  *(char **) (base + f->offset) = arr;
  *len = 0;
  for (size_t i = 0; i < n; i++)
    {
      yajl_val el = v->u.array.values[i];
      char *elem = arr + i * f->elem_size;
      size_t old = path_push_index (c, i);
      int r;

      if (f->kind == OCI_K_STRING_ARRAY)
        r = parse_string (c, f, el, (char **) elem);
      else if (f->kind == OCI_K_INT_ARRAY)
        r = parse_integer (c, f->elem_kind, el, elem);
      else if (!YAJL_IS_OBJECT (el))
        r = fail_expected (c, "expected object", el);
      else
        r = parse_fields (c, f->sub, el, elem);
      path_pop (c, old);
      /* Count the element even when it failed half-way: freeing a partly
       * filled (zeroed) element is safe. */
      (*len)++;
      if (r < 0)
        return -1;
    }
  return 0;
}

static int
parse_value (parse_ctx *c, const oci_field *f, yajl_val v, char *base)
{
  void *dst = base + f->offset;

  switch (f->kind)
    {
    case OCI_K_STRING:
      return parse_string (c, f, v, (char **) dst);

    case OCI_K_BOOL:
      if (!YAJL_IS_TRUE (v) && !YAJL_IS_FALSE (v))
        return fail_expected (c, "expected boolean", v);
      *(bool *) dst = YAJL_IS_TRUE (v);
      *(bool *) (base + f->aux) = true;
      return 0;

    case OCI_K_INT32:
    case OCI_K_UINT16:
    case OCI_K_UINT32:
    case OCI_K_INT64:
    case OCI_K_UINT64:
      if (parse_integer (c, f->kind, v, dst) < 0)
        return -1;
      *(bool *) (base + f->aux) = true;
      return 0;

    case OCI_K_OBJECT:
      {
        void *sub;
        if (!YAJL_IS_OBJECT (v))
          return fail_expected (c, "expected object", v);
        sub = calloc (1, f->elem_size);
        if (sub == NULL)
          return fail (c, "out of memory");
        *(void **) dst = sub;
        return parse_fields (c, f->sub, v, sub);
      }

    case OCI_K_STRING_ARRAY:
    case OCI_K_INT_ARRAY:
    case OCI_K_OBJECT_ARRAY:
      if (!YAJL_IS_ARRAY (v))
        return fail_expected (c, "expected array", v);
      return parse_array (c, f, v, base);

    case OCI_K_STRING_MAP:
    case OCI_K_OBJECT_MAP:
      if (!YAJL_IS_OBJECT (v))
        return fail_expected (c, "expected object", v);
      return parse_map (c, f, v, base);
    }
  return fail (c, "internal error: %s", kind_expected (f->kind));
}

static int
parse_fields (parse_ctx *c, const oci_table *t, yajl_val obj, char *base)
{
  for (size_t i = 0; i < t->n_fields; i++)
    {
      const oci_field *f = &t->fields[i];
      yajl_val v = NULL;
      size_t old;
      int r;

      for (size_t k = obj->u.object.len; k > 0 && v == NULL; k--)
        if (strcmp (obj->u.object.keys[k - 1], f->name) == 0)
          v = obj->u.object.values[k - 1];

      old = path_push_key (c, f->name);
      if (v == NULL || YAJL_IS_NULL (v))
        r = (f->flags & OCI_REQUIRED) ? fail (c, "required") : 0;
      else
        r = parse_value (c, f, v, base);
      path_pop (c, old);
      if (r < 0)
        return -1;
    }

  if (t->validate)
    {
      const char *field = NULL;
      const char *msg = t->validate (base, &field);
      if (msg)
        {
          size_t old = field ? path_push_key (c, field) : c->len;
          fail (c, "%s", msg);
          path_pop (c, old);
          return -1;
        }
    }
  return 0;
}

static char *
json_error (const char *yajl_msg)
{
  /* yajl's message is "parse error: WHAT\n   CONTEXT\n  (right here) --^";
   * keep WHAT and the context on one line. */
  const char *nl = strchr (yajl_msg, '\n');
  char *out = NULL;

  if (*yajl_msg == '\0')
    return strdup ("invalid JSON");
  if (nl)
    {
      const char *ctx = nl + 1, *ctx_end;
      while (*ctx == ' ')
        ctx++;
      ctx_end = strchr (ctx, '\n');
      if (ctx_end == NULL)
        ctx_end = ctx + strlen (ctx);
      while (ctx_end > ctx && ctx_end[-1] == ' ')
        ctx_end--;
      if (ctx_end > ctx)
        {
          if (asprintf (&out, "invalid JSON: %.*s near \"%.*s\"",
                        (int) (nl - yajl_msg), yajl_msg,
                        (int) (ctx_end - ctx), ctx)
              < 0)
            out = NULL;
        }
      else if (asprintf (&out, "invalid JSON: %.*s", (int) (nl - yajl_msg),
                         yajl_msg)
               < 0)
        out = NULL;
      return out;
    }
  if (asprintf (&out, "invalid JSON: %s", yajl_msg) < 0)
    out = NULL;
  return out;
}

/* yajl's tree keeps strings as C strings, so a "\u0000" in one would end
 * it there silently (process.args, a mount destination, a cgroup path cut
 * short). When the text has such an escape, a second pass with yajl's
 * event parser, which gives each string with its length, finds the first
 * string or key holding a NUL and names its path. */
typedef struct nul_frame
{
  bool array;
  size_t index; /* arrays: of the next value */
  char *key;    /* objects: the current key (a copy: yajl reuses its buffer) */
} nul_frame;

typedef struct nul_ctx
{
  nul_frame *f;
  size_t n, cap;
  char *err;
} nul_ctx;

static void
nul_fail (nul_ctx *c, const char *what)
{
  parse_ctx p = { 0 };

  for (size_t i = 0; i < c->n; i++)
    if (c->f[i].array)
      path_push_index (&p, c->f[i].index);
    else if (c->f[i].key != NULL)
      path_push_key (&p, c->f[i].key);
  fail (&p, "a %s contains a NUL character (\\u0000)", what);
  free (p.path);
  c->err = p.err ? p.err : strdup ("out of memory");
}

/* A value is done: the enclosing array moves on. */
static int
nul_next (nul_ctx *c)
{
  if (c->n > 0 && c->f[c->n - 1].array)
    c->f[c->n - 1].index++;
  return 1;
}

static int
nul_push (nul_ctx *c, bool array)
{
  if (c->n == c->cap)
    {
      size_t cap = c->cap ? c->cap * 2 : 16;
      nul_frame *f = realloc (c->f, cap * sizeof *f);
      if (f == NULL)
        {
          c->err = strdup ("out of memory");
          return 0;
        }
      c->f = f;
      c->cap = cap;
    }
  c->f[c->n++] = (nul_frame) { .array = array };
  return 1;
}

static int
nul_pop (nul_ctx *c)
{
  free (c->f[--c->n].key);
  return nul_next (c);
}

static int
nul_start_map (void *ctx)
{
  return nul_push (ctx, false);
}

static int
nul_start_array (void *ctx)
{
  return nul_push (ctx, true);
}

static int
nul_end (void *ctx)
{
  return nul_pop (ctx);
}

static int
nul_null (void *ctx)
{
  return nul_next (ctx);
}

static int
nul_bool (void *ctx, int b)
{
  (void) b;
  return nul_next (ctx);
}

static int
nul_number (void *ctx, const char *s, size_t len)
{
  (void) s;
  (void) len;
  return nul_next (ctx);
}

static int
nul_string (void *ctx, const unsigned char *s, size_t len)
{
  nul_ctx *c = ctx;

  if (memchr (s, '\0', len) != NULL)
    {
      nul_fail (c, "string");
      return 0;
    }
  return nul_next (c);
}

static int
nul_key (void *ctx, const unsigned char *s, size_t len)
{
  nul_ctx *c = ctx;
  nul_frame *top = &c->f[c->n - 1];

  free (top->key);
  top->key = NULL;
  if (memchr (s, '\0', len) != NULL)
    {
      nul_fail (c, "key"); /* named by the object that holds it */
      return 0;
    }
  top->key = strndup ((const char *) s, len);
  if (top->key == NULL)
    {
      c->err = strdup ("out of memory");
      return 0;
    }
  return 1;
}

/* NULL when no string of TEXT (valid JSON) holds a NUL, else "PATH: ...". */
static char *
find_nul (const char *text, size_t len)
{
  static const yajl_callbacks cb = {
    .yajl_null = nul_null,
    .yajl_boolean = nul_bool,
    .yajl_number = nul_number,
    .yajl_string = nul_string,
    .yajl_start_map = nul_start_map,
    .yajl_map_key = nul_key,
    .yajl_end_map = nul_end,
    .yajl_start_array = nul_start_array,
    .yajl_end_array = nul_end,
  };
  nul_ctx c = { 0 };
  yajl_handle h;

  /* Cheap test first: a NUL can only come from this escape (raw control
   * characters are invalid JSON, and a raw NUL is refused before). */
  if (memmem (text, len, "\\u0000", 6) == NULL)
    return NULL;
  h = yajl_alloc (&cb, NULL, &c);
  if (h == NULL)
    return strdup ("out of memory");
  if (yajl_parse (h, (const unsigned char *) text, len) == yajl_status_ok)
    yajl_complete_parse (h);
  yajl_free (h);
  while (c.n > 0)
    free (c.f[--c.n].key);
  free (c.f);
  return c.err;
}

/* Brackets outside strings give the depth; a string is skipped from its
 * quote to the next quote not escaped by a backslash. Invalid JSON is the
 * parser's to report: this only has to be right on valid text, and finite on
 * any. */
char *
oci_json_check_limits (const char *data, size_t len)
{
  size_t depth = 0;
  char *msg = NULL;

  if (len > OCI_JSON_MAX_BYTES)
    {
      if (asprintf (&msg, "larger than the limit of %s (%zu bytes) for a JSON document",
                    OCI_JSON_MAX_BYTES_TEXT, OCI_JSON_MAX_BYTES)
          < 0)
        msg = NULL;
      return msg ? msg : strdup ("out of memory");
    }
  for (const char *p = data, *end = data + len; p < end; p++)
    switch (*p)
      {
      case '"':
        /* To the next quote after an even run of backslashes. */
        for (;;)
          {
            const char *q = memchr (p + 1, '"', end - p - 1), *b;
            if (q == NULL)
              return NULL; /* unterminated: invalid, the parser says so */
            for (b = q; b[-1] == '\\'; b--)
              ;
            p = q;
            if ((q - b) % 2 == 0)
              break;
          }
        break;
      case '[':
      case '{':
        if (++depth > OCI_JSON_MAX_DEPTH)
          {
            if (asprintf (&msg, "JSON nested deeper than the limit of %d levels",
                          OCI_JSON_MAX_DEPTH)
                < 0)
              msg = NULL;
            return msg ? msg : strdup ("out of memory");
          }
        break;
      case ']':
      case '}':
        if (depth > 0)
          depth--;
        break;
      default:
        break;
      }
  return NULL;
}

void *
oci_json_parse (const oci_table *table, const char *data, size_t len,
                char **errmsg)
{
  char ebuf[1024] = "";
  char *text;
  yajl_val tree;
  parse_ctx c = { 0 };
  void *obj;

  *errmsg = NULL;
  if (memchr (data, '\0', len) != NULL)
    {
      *errmsg = strdup ("invalid JSON: the text contains a NUL byte");
      return NULL;
    }
  *errmsg = oci_json_check_limits (data, len);
  if (*errmsg != NULL)
    return NULL;
  text = malloc (len + 1);
  if (text == NULL)
    {
      *errmsg = strdup ("out of memory");
      return NULL;
    }
  memcpy (text, data, len);
  text[len] = '\0';
  tree = yajl_tree_parse (text, ebuf, sizeof ebuf);
  if (tree == NULL)
    {
      free (text);
      *errmsg = json_error (ebuf);
      return NULL;
    }
  *errmsg = find_nul (text, len);
  free (text);
  if (*errmsg != NULL)
    {
      yajl_tree_free (tree);
      return NULL;
    }
  if (!YAJL_IS_OBJECT (tree))
    {
      char *d = describe (tree);
      if (asprintf (errmsg, "expected a JSON object, got %s",
                    d ? d : "something else")
          < 0)
        *errmsg = NULL;
      free (d);
      yajl_tree_free (tree);
      return NULL;
    }

  obj = calloc (1, table->size);
  if (obj == NULL)
    fail (&c, "out of memory");
  else if (parse_fields (&c, table, tree, obj) < 0)
    {
      oci_json_free (table, obj);
      obj = NULL;
    }
  yajl_tree_free (tree);
  free (c.path);
  if (obj == NULL)
    *errmsg = c.err;
  return obj;
}

void *
oci_json_parse_file (const oci_table *table, const char *path, char **errmsg)
{
  int fd;
  char *buf = NULL;
  size_t len = 0, cap = 0;
  const char *op = "open";
  void *obj;

  *errmsg = NULL;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    goto fail_errno;
  for (;;)
    {
      ssize_t n;
      if (cap - len < 4096)
        {
          size_t ncap = cap ? cap * 2 : 16384;
          char *p = realloc (buf, ncap);
          if (p == NULL)
            goto fail_errno;
          buf = p;
          cap = ncap;
        }
      n = read (fd, buf + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          op = "read";
          goto fail_errno;
        }
      if (n == 0)
        break;
      len += n;
      /* One byte past the limit is enough for the parse to refuse it. */
      if (len > OCI_JSON_MAX_BYTES)
        break;
    }
  close (fd);
  obj = oci_json_parse (table, buf, len, errmsg);
  free (buf);
  return obj;

fail_errno:
  {
    int saved = errno;
    if (fd >= 0)
      close (fd);
    free (buf);
    if (asprintf (errmsg, "%s %s: %s", op, path, strerror (saved)) < 0)
      *errmsg = NULL;
    return NULL;
  }
}
