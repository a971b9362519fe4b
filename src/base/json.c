#define _GNU_SOURCE
#include "base/json.h"

#include <string.h>

yajl_gen
kr_json_gen (const char *indent, const char *what, kr_error **err)
{
  yajl_gen g = yajl_gen_alloc (NULL);

  if (g == NULL)
    {
      kr_error_set (err, ENOMEM, "%s", what);
      return NULL;
    }
  if (indent)
    {
      yajl_gen_config (g, yajl_gen_beautify, 1);
      yajl_gen_config (g, yajl_gen_indent_string, indent);
    }
  return g;
}

char *
kr_json_finish (yajl_gen g, const char *what, kr_error **err)
{
  const unsigned char *buf;
  size_t len;
  char *out = NULL;

  if (yajl_gen_get_buf (g, &buf, &len) != yajl_gen_status_ok)
    kr_error_set (err, 0, "%s", what);
  else if ((out = strndup ((const char *) buf, len)) == NULL)
    kr_error_set (err, ENOMEM, "%s", what);
  yajl_gen_free (g);
  return out;
}
