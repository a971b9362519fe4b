/* Internal to libocispec: the table-driven JSON walker.
 *
 * Each struct of ocispec.h is described by an oci_table: one oci_field line
 * per JSON property, giving the property name, the kind of value, where the
 * value lives in the struct (offset), where its companion lives (aux: has_x
 * for scalars, x_len for arrays and maps), and for objects the table of the
 * nested struct. The walker parses, generates, frees, compares and answers
 * "is this path set" from the same tables, so a new field is one line.
 *
 * Use the OCI_F_* macros below to write lines: they check at compile time that
 * the member has the C type the kind expects. */
#ifndef KRILL_OCISPEC_JSON_H
#define KRILL_OCISPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocispec.h"

typedef enum oci_kind
{
  OCI_K_STRING,     /* char * */
  OCI_K_BOOL,       /* bool + bool has_x */
  OCI_K_INT32,      /* int32_t + bool has_x */
  OCI_K_UINT16,     /* uint16_t + bool has_x */
  OCI_K_UINT32,     /* uint32_t + bool has_x */
  OCI_K_INT64,      /* int64_t + bool has_x */
  OCI_K_UINT64,     /* uint64_t + bool has_x */
  OCI_K_OBJECT,     /* T * (sub table), NULL when absent */
  OCI_K_STRING_ARRAY, /* char ** (NULL-terminated) + size_t x_len */
  OCI_K_INT_ARRAY,  /* integers of elem_kind, + size_t x_len */
  OCI_K_OBJECT_ARRAY, /* T * inline array (sub table) + size_t x_len */
  OCI_K_STRING_MAP, /* oci_kv * + size_t x_len */
  OCI_K_OBJECT_MAP, /* T * inline array, T starts with char *key */
} oci_kind;

/* Flags of a field. */
#define OCI_REQUIRED 0x1u /* missing (or null) is an error */
#define OCI_NONEMPTY 0x2u /* an array needs at least one element */

/* A string check: NULL when VALUE is fine, else what was expected
 * ("expected string matching ^[cbup]$"); the walker adds the path and the
 * value found. */
typedef const char *(*oci_string_check) (const char *value);

typedef struct oci_table oci_table;

typedef struct oci_field
{
  const char *name;
  oci_kind kind;
  oci_kind elem_kind; /* OCI_K_INT_ARRAY: the integer kind of elements */
  size_t offset;
  size_t aux;       /* has_x or x_len; unused for strings and objects */
  size_t elem_size; /* objects, arrays: size of one element */
  const oci_table *sub;
  unsigned flags;
  const char *const *enum_values; /* NULL-terminated; strings, string arrays */
  oci_string_check check;         /* strings, string arrays */
} oci_field;

/* A check across the fields of one parsed object: NULL when fine, else the
 * message; *field names the JSON property at fault (or stays NULL). */
typedef const char *(*oci_object_check) (const void *obj, const char **field);

struct oci_table
{
  const char *type_name;
  size_t size;
  const oci_field *fields;
  size_t n_fields;
  oci_object_check validate;
};

/* Parse DATA (LEN bytes) as a document described by TABLE; returns a calloc'd
 * struct or NULL with *errmsg set. */
void *oci_json_parse (const oci_table *table, const char *data, size_t len,
                      char **errmsg);
void *oci_json_parse_file (const oci_table *table, const char *path,
                           char **errmsg);
char *oci_json_generate (const oci_table *table, const void *obj, bool pretty,
                         char **errmsg);
/* Frees what OBJ holds and OBJ itself. */
void oci_json_free (const oci_table *table, void *obj);
/* Structural equality (strings by content, absent differs from empty): the
 * oracle of tests/unit/test-ocispec.c's round trips (parse, generate,
 * parse again); it walks the tables as generate and free do. */
bool oci_json_equal (const oci_table *table, const void *a, const void *b);
bool oci_json_is_set (const oci_table *table, const void *obj,
                      const char *path);
/* Self-test of a table tree: element sizes agree with the sub tables and map
 * elements start with their key. NULL when fine, else a static message. */
const char *oci_json_check_table (const oci_table *table);

extern const oci_table oci_config_table;
extern const oci_table oci_state_table;
extern const oci_table oci_features_table;

/* Enums of the schemas, NULL-terminated (enums.c). */
extern const char *const oci_enum_namespace_types[];
extern const char *const oci_enum_device_types[];
extern const char *const oci_enum_cgroup_device_types[];
extern const char *const oci_enum_propagations[];
extern const char *const oci_enum_seccomp_actions[];
extern const char *const oci_enum_seccomp_operators[];
extern const char *const oci_enum_seccomp_archs[];
extern const char *const oci_enum_seccomp_flags[];
extern const char *const oci_enum_memory_policy_modes[];
extern const char *const oci_enum_memory_policy_flags[];
extern const char *const oci_enum_personality_domains[];
extern const char *const oci_enum_io_priority_classes[];
extern const char *const oci_enum_scheduler_policies[];
extern const char *const oci_enum_scheduler_flags[];

/* Line builders. T is the struct type, m the member (the has_m / m_len
 * companions are found by name). The zero-sized struct trick turns a type
 * mismatch into a compile error. */
#define OCI_TYPECHECK_(T, m, ctype)                                           \
  (0 * sizeof (struct {                                                       \
     _Static_assert (                                                         \
         __builtin_types_compatible_p (__typeof__ (((T *) 0)->m), ctype),    \
         #T "." #m " is not " #ctype);                                        \
     int dummy_;                                                              \
   }))
#define OCI_AT_(T, m, ctype) (offsetof (T, m) + OCI_TYPECHECK_ (T, m, ctype))
#define OCI_HAS_(T, m) OCI_AT_ (T, has_##m, bool)
#define OCI_LEN_(T, m) OCI_AT_ (T, m##_len, size_t)

#define OCI_F_STRING(json, T, m, ...)                                        \
  { .name = json, .kind = OCI_K_STRING, .offset = OCI_AT_ (T, m, char *),     \
    __VA_ARGS__ }
#define OCI_F_SCALAR_(json, K, T, m, ctype, ...)                             \
  { .name = json, .kind = K, .offset = OCI_AT_ (T, m, ctype),                 \
    .aux = OCI_HAS_ (T, m), __VA_ARGS__ }
#define OCI_F_BOOL(json, T, m, ...)                                          \
  OCI_F_SCALAR_ (json, OCI_K_BOOL, T, m, bool, __VA_ARGS__)
#define OCI_F_INT32(json, T, m, ...)                                         \
  OCI_F_SCALAR_ (json, OCI_K_INT32, T, m, int32_t, __VA_ARGS__)
#define OCI_F_UINT16(json, T, m, ...)                                        \
  OCI_F_SCALAR_ (json, OCI_K_UINT16, T, m, uint16_t, __VA_ARGS__)
#define OCI_F_UINT32(json, T, m, ...)                                        \
  OCI_F_SCALAR_ (json, OCI_K_UINT32, T, m, uint32_t, __VA_ARGS__)
#define OCI_F_INT64(json, T, m, ...)                                         \
  OCI_F_SCALAR_ (json, OCI_K_INT64, T, m, int64_t, __VA_ARGS__)
#define OCI_F_UINT64(json, T, m, ...)                                        \
  OCI_F_SCALAR_ (json, OCI_K_UINT64, T, m, uint64_t, __VA_ARGS__)
#define OCI_F_OBJECT(json, T, m, ET, table, ...)                             \
  { .name = json, .kind = OCI_K_OBJECT, .offset = OCI_AT_ (T, m, ET *),       \
    .elem_size = sizeof (ET), .sub = &(table), __VA_ARGS__ }
#define OCI_F_STRINGS(json, T, m, ...)                                       \
  { .name = json, .kind = OCI_K_STRING_ARRAY,                                 \
    .offset = OCI_AT_ (T, m, char **), .aux = OCI_LEN_ (T, m),                \
    .elem_size = sizeof (char *), __VA_ARGS__ }
#define OCI_F_UINT32S(json, T, m, ...)                                       \
  { .name = json, .kind = OCI_K_INT_ARRAY, .elem_kind = OCI_K_UINT32,         \
    .offset = OCI_AT_ (T, m, uint32_t *), .aux = OCI_LEN_ (T, m),             \
    .elem_size = sizeof (uint32_t), __VA_ARGS__ }
#define OCI_F_OBJECTS(json, T, m, ET, table, ...)                            \
  { .name = json, .kind = OCI_K_OBJECT_ARRAY,                                 \
    .offset = OCI_AT_ (T, m, ET *), .aux = OCI_LEN_ (T, m),                   \
    .elem_size = sizeof (ET), .sub = &(table), __VA_ARGS__ }
#define OCI_F_KV(json, T, m, ...)                                            \
  { .name = json, .kind = OCI_K_STRING_MAP,                                   \
    .offset = OCI_AT_ (T, m, oci_kv *), .aux = OCI_LEN_ (T, m),               \
    .elem_size = sizeof (oci_kv), __VA_ARGS__ }
#define OCI_F_MAP(json, T, m, ET, table, ...)                                \
  { .name = json, .kind = OCI_K_OBJECT_MAP, .offset = OCI_AT_ (T, m, ET *),   \
    .aux = OCI_LEN_ (T, m), .elem_size = sizeof (ET), .sub = &(table),        \
    __VA_ARGS__ }

#define OCI_TABLE(T, fields_, validate_)                                      \
  {                                                                           \
    .type_name = #T, .size = sizeof (T), .fields = fields_,                   \
    .n_fields = sizeof (fields_) / sizeof ((fields_)[0]),                     \
    .validate = validate_                                                     \
  }

#endif
