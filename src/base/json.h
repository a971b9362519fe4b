/* The documents krill writes by hand with yajl (state, events, spec,
 * features): a generator made and its text taken the same way each time. */
#ifndef KRILL_JSON_H
#define KRILL_JSON_H

#include <yajl/yajl_gen.h>

#include "base/error.h"

/* A generator; INDENT (NULL: compact output) makes it pretty. NULL with
 * *err (ENOMEM, WHAT) when out of memory. */
yajl_gen kr_json_gen (const char *indent, const char *what, kr_error **err);
/* The text G generated, malloc'd; G is freed either way. NULL with *err
 * ("WHAT"). */
char *kr_json_finish (yajl_gen g, const char *what, kr_error **err);

#endif
