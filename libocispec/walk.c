/* The other walks over the field tables: generate, free, compare, is_set. */
#define _GNU_SOURCE
#include "json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#define AT(base, off, type) (*(type *) ((char *) (base) + (off)))
#define CAT(base, off, type) (*(const type *) ((const char *) (base) + (off)))

static bool
is_scalar (oci_kind k)
{
  switch (k)
    {
    case OCI_K_BOOL:
    case OCI_K_INT32:
    case OCI_K_UINT16:
    case OCI_K_UINT32:
    case OCI_K_INT64:
    case OCI_K_UINT64:
      return true;
    default:
      return false;
    }
}

/* Present: the has_x companion for scalars, a non-NULL pointer otherwise. */
static bool
present (const oci_field *f, const void *base)
{
  if (is_scalar (f->kind))
    return CAT (base, f->aux, bool);
  return CAT (base, f->offset, const void *) != NULL;
}

static size_t
array_len (const oci_field *f, const void *base)
{
  return CAT (base, f->aux, size_t);
}

/* --- free --- */

static void
free_fields (const oci_table *t, void *base)
{
  for (size_t i = 0; i < t->n_fields; i++)
    {
      const oci_field *f = &t->fields[i];
      void *p;
      size_t n;

      if (is_scalar (f->kind))
        continue;
      p = AT (base, f->offset, void *);
      if (p == NULL)
        continue;
      n = f->kind == OCI_K_STRING || f->kind == OCI_K_OBJECT
              ? 0
              : array_len (f, base);
      switch (f->kind)
        {
        case OCI_K_OBJECT:
          free_fields (f->sub, p);
          break;
        case OCI_K_STRING_ARRAY:
          for (size_t k = 0; k < n; k++)
            free (((char **) p)[k]);
          break;
        case OCI_K_OBJECT_ARRAY:
        case OCI_K_OBJECT_MAP:
          for (size_t k = 0; k < n; k++)
            {
              char *elem = (char *) p + k * f->elem_size;
              if (f->kind == OCI_K_OBJECT_MAP)
                free (*(char **) elem);
              free_fields (f->sub, elem);
            }
          break;
        case OCI_K_STRING_MAP:
          for (size_t k = 0; k < n; k++)
            {
              free (((oci_kv *) p)[k].key);
              free (((oci_kv *) p)[k].value);
            }
          break;
        default:
          break;
        }
      free (p);
      AT (base, f->offset, void *) = NULL;
    }
}

void
oci_json_free (const oci_table *table, void *obj)
{
  if (obj == NULL)
    return;
  free_fields (table, obj);
  free (obj);
}

/* --- generate --- */

#define GEN(call)                                                             \
  do                                                                          \
    {                                                                         \
      yajl_gen_status st_ = (call);                                           \
      if (st_ != yajl_gen_status_ok)                                          \
        return st_;                                                           \
    }                                                                         \
  while (0)

static yajl_gen_status
gen_str (yajl_gen g, const char *s)
{
  return yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

static yajl_gen_status
gen_integer (yajl_gen g, oci_kind k, const void *p)
{
  char buf[32];
  int n;

  switch (k)
    {
    case OCI_K_INT32:
      n = snprintf (buf, sizeof buf, "%" PRId32, *(const int32_t *) p);
      break;
    case OCI_K_UINT16:
      n = snprintf (buf, sizeof buf, "%" PRIu16, *(const uint16_t *) p);
      break;
    case OCI_K_UINT32:
      n = snprintf (buf, sizeof buf, "%" PRIu32, *(const uint32_t *) p);
      break;
    case OCI_K_INT64:
      n = snprintf (buf, sizeof buf, "%" PRId64, *(const int64_t *) p);
      break;
    default:
      n = snprintf (buf, sizeof buf, "%" PRIu64, *(const uint64_t *) p);
      break;
    }
  return yajl_gen_number (g, buf, n);
}

static size_t
kind_size (oci_kind k)
{
  switch (k)
    {
    case OCI_K_INT32:
      return sizeof (int32_t);
    case OCI_K_UINT16:
      return sizeof (uint16_t);
    case OCI_K_UINT32:
      return sizeof (uint32_t);
    case OCI_K_INT64:
      return sizeof (int64_t);
    case OCI_K_UINT64:
      return sizeof (uint64_t);
    case OCI_K_BOOL:
      return sizeof (bool);
    default:
      return 0;
    }
}

static yajl_gen_status gen_object (yajl_gen g, const oci_table *t,
                                   const void *base);

static yajl_gen_status
gen_value (yajl_gen g, const oci_field *f, const void *base)
{
  const void *p;
  size_t n;

  if (is_scalar (f->kind))
    return f->kind == OCI_K_BOOL
               ? yajl_gen_bool (g, CAT (base, f->offset, bool))
               : gen_integer (g, f->kind, (const char *) base + f->offset);
  p = CAT (base, f->offset, const void *);
  switch (f->kind)
    {
    case OCI_K_STRING:
      return gen_str (g, p);
    case OCI_K_OBJECT:
      return gen_object (g, f->sub, p);
    default:
      break;
    }

  n = array_len (f, base);
  if (f->kind == OCI_K_STRING_MAP || f->kind == OCI_K_OBJECT_MAP)
    {
      GEN (yajl_gen_map_open (g));
      for (size_t k = 0; k < n; k++)
        {
          const char *elem = (const char *) p + k * f->elem_size;
          GEN (gen_str (g, *(char *const *) elem));
          if (f->kind == OCI_K_STRING_MAP)
            GEN (gen_str (g, ((const oci_kv *) elem)->value));
          else
            GEN (gen_object (g, f->sub, elem));
        }
      return yajl_gen_map_close (g);
    }

  GEN (yajl_gen_array_open (g));
  for (size_t k = 0; k < n; k++)
    {
      const char *elem = (const char *) p + k * f->elem_size;
      if (f->kind == OCI_K_STRING_ARRAY)
        GEN (gen_str (g, *(char *const *) elem));
      else if (f->kind == OCI_K_INT_ARRAY)
        GEN (gen_integer (g, f->elem_kind, elem));
      else
        GEN (gen_object (g, f->sub, elem));
    }
  return yajl_gen_array_close (g);
}

static yajl_gen_status
gen_object (yajl_gen g, const oci_table *t, const void *base)
{
  GEN (yajl_gen_map_open (g));
  for (size_t i = 0; i < t->n_fields; i++)
    {
      const oci_field *f = &t->fields[i];
      if (!present (f, base))
        continue;
      GEN (gen_str (g, f->name));
      GEN (gen_value (g, f, base));
    }
  return yajl_gen_map_close (g);
}

static const char *
gen_status_text (yajl_gen_status st)
{
  switch (st)
    {
    case yajl_gen_keys_must_be_strings:
      return "keys must be strings";
    case yajl_max_depth_exceeded:
      return "maximum depth exceeded";
    case yajl_gen_in_error_state:
      return "generator in error state";
    case yajl_gen_generation_complete:
      return "generation already complete";
    case yajl_gen_invalid_number:
      return "invalid number";
    case yajl_gen_no_buf:
      return "no buffer";
    case yajl_gen_invalid_string:
      return "invalid UTF-8 string";
    default:
      return "unknown error";
    }
}

char *
oci_json_generate (const oci_table *table, const void *obj, bool pretty,
                   char **errmsg)
{
  yajl_gen g;
  yajl_gen_status st;
  const unsigned char *buf;
  size_t len;
  char *out = NULL;

  *errmsg = NULL;
  if (obj == NULL)
    {
      *errmsg = strdup ("generating JSON: no document");
      return NULL;
    }
  g = yajl_gen_alloc (NULL);
  if (g == NULL)
    {
      *errmsg = strdup ("out of memory");
      return NULL;
    }
  yajl_gen_config (g, yajl_gen_beautify, pretty ? 1 : 0);
  yajl_gen_config (g, yajl_gen_validate_utf8, 1);
  if (pretty)
    yajl_gen_config (g, yajl_gen_indent_string, "    ");
  st = gen_object (g, table, obj);
  if (st == yajl_gen_status_ok)
    st = yajl_gen_get_buf (g, &buf, &len);
  if (st != yajl_gen_status_ok)
    {
      if (asprintf (errmsg, "generating JSON: %s", gen_status_text (st)) < 0)
        *errmsg = NULL;
    }
  else
    {
      out = malloc (len + 1);
      if (out == NULL)
        *errmsg = strdup ("out of memory");
      else
        {
          memcpy (out, buf, len);
          out[len] = '\0';
        }
    }
  yajl_gen_free (g);
  return out;
}

/* --- equality --- */

static bool
str_eq (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp (a, b) == 0;
}

static bool
fields_equal (const oci_table *t, const void *a, const void *b)
{
  for (size_t i = 0; i < t->n_fields; i++)
    {
      const oci_field *f = &t->fields[i];
      const void *pa, *pb;
      size_t n;

      if (present (f, a) != present (f, b))
        return false;
      if (!present (f, a))
        continue;
      if (is_scalar (f->kind))
        {
          if (memcmp ((const char *) a + f->offset,
                      (const char *) b + f->offset, kind_size (f->kind))
              != 0)
            return false;
          continue;
        }
      pa = CAT (a, f->offset, const void *);
      pb = CAT (b, f->offset, const void *);
      if (f->kind == OCI_K_STRING)
        {
          if (!str_eq (pa, pb))
            return false;
          continue;
        }
      if (f->kind == OCI_K_OBJECT)
        {
          if (!fields_equal (f->sub, pa, pb))
            return false;
          continue;
        }
      n = array_len (f, a);
      if (n != array_len (f, b))
        return false;
      for (size_t k = 0; k < n; k++)
        {
          const char *ea = (const char *) pa + k * f->elem_size;
          const char *eb = (const char *) pb + k * f->elem_size;
          switch (f->kind)
            {
            case OCI_K_STRING_ARRAY:
              if (!str_eq (*(char *const *) ea, *(char *const *) eb))
                return false;
              break;
            case OCI_K_INT_ARRAY:
              if (memcmp (ea, eb, f->elem_size) != 0)
                return false;
              break;
            case OCI_K_STRING_MAP:
              if (!str_eq (((const oci_kv *) ea)->key,
                           ((const oci_kv *) eb)->key)
                  || !str_eq (((const oci_kv *) ea)->value,
                              ((const oci_kv *) eb)->value))
                return false;
              break;
            case OCI_K_OBJECT_MAP:
              if (!str_eq (*(char *const *) ea, *(char *const *) eb))
                return false;
              /* fall through */
            default:
              if (!fields_equal (f->sub, ea, eb))
                return false;
              break;
            }
        }
    }
  return true;
}

bool
oci_json_equal (const oci_table *table, const void *a, const void *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return fields_equal (table, a, b);
}

/* --- is_set --- */

static bool
path_set (const oci_table *t, const void *base, const char *path)
{
  const char *dot = strchr (path, '.');
  size_t seg = dot ? (size_t) (dot - path) : strlen (path);
  const char *rest = dot ? dot + 1 : NULL;
  const oci_field *f = NULL;
  const void *p;

  if (seg >= 2 && path[seg - 2] == '[' && path[seg - 1] == ']')
    seg -= 2;
  for (size_t i = 0; i < t->n_fields && f == NULL; i++)
    if (strlen (t->fields[i].name) == seg
        && strncmp (t->fields[i].name, path, seg) == 0)
      f = &t->fields[i];
  if (f == NULL || !present (f, base))
    return false;
  if (rest == NULL)
    return true;

  p = CAT (base, f->offset, const void *);
  switch (f->kind)
    {
    case OCI_K_OBJECT:
      return path_set (f->sub, p, rest);
    case OCI_K_OBJECT_ARRAY:
    case OCI_K_OBJECT_MAP:
      for (size_t k = 0; k < array_len (f, base); k++)
        if (path_set (f->sub, (const char *) p + k * f->elem_size, rest))
          return true;
      return false;
    default:
      return false;
    }
}

bool
oci_json_is_set (const oci_table *table, const void *obj, const char *path)
{
  if (obj == NULL || path == NULL || *path == '\0')
    return false;
  return path_set (table, obj, path);
}

/* --- table self-check --- */

const char *
oci_json_check_table (const oci_table *t)
{
  for (size_t i = 0; i < t->n_fields; i++)
    {
      const oci_field *f = &t->fields[i];
      bool needs_sub = f->kind == OCI_K_OBJECT || f->kind == OCI_K_OBJECT_ARRAY
                       || f->kind == OCI_K_OBJECT_MAP;
      const char *m;

      if (f->name == NULL || *f->name == '\0')
        return "field without a name";
      if (needs_sub != (f->sub != NULL))
        return f->name;
      if (f->kind == OCI_K_INT_ARRAY
          && kind_size (f->elem_kind) != f->elem_size)
        return f->name;
      if (!needs_sub)
        continue;
      if (f->sub->size != f->elem_size)
        return f->name;
      m = oci_json_check_table (f->sub);
      if (m)
        return m;
    }
  return NULL;
}
