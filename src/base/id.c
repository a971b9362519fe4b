#include "base/id.h"

#include <string.h>

#define KR_ID_MAX 1024

int
kr_id_validate (const char *id, kr_error **err)
{
  size_t len;

  if (id == NULL || *id == '\0')
    return kr_error_set (err, 0, "container id must not be empty");
  len = strlen (id);
  if (len > KR_ID_MAX)
    return kr_error_set (err, 0, "invalid container id \"%.32s...\": longer than %d bytes", id,
                         KR_ID_MAX);
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return kr_error_set (err, 0, "invalid container id \"%s\"", id);
  for (const char *p = id; *p; p++)
    {
      char c = *p;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == '+' || c == '-')
        continue;
      return kr_error_set (err, 0,
                           "invalid container id \"%s\": only [A-Za-z0-9_.+-] are allowed", id);
    }
  return 0;
}
