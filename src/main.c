#include "config.h"
#include <stdio.h>

int
main (void)
{
  printf ("krill version %s\ncommit: %s\nspec: 1.3.0\n", PACKAGE_VERSION, GIT_COMMIT);
  return 0;
}
