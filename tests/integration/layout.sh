#!/bin/bash
# The source layout docs/design.md promises, checked on the tree: the engine
# lives in folders by concern, each folder includes only the folders below
# it, and no hierarchy version is named outside src/cgroup/.
. "$(dirname "$0")/lib.sh"

SRC=$TOP/src

# What each folder may include besides itself (and libocispec's ocispec.h).
# The order is the layering of docs/design.md: a folder sees only those
# before it.
allowed() {
  case $1 in
    base) echo "" ;;
    cgroup) echo "base" ;;
    process) echo "base" ;;
    rootfs) echo "base process cgroup" ;;
    spawn) echo "base process rootfs cgroup" ;;
    container) echo "base process rootfs cgroup spawn" ;;
    cli) echo "base process rootfs cgroup spawn container" ;;
    *) return 1 ;;
  esac
}

test_no_source_file_at_the_top() {
  local f bad=""
  for f in "$SRC"/*.c; do
    [ "$(basename "$f")" = main.c ] || bad="$bad $(basename "$f")"
  done
  [ -z "$bad" ] || fail "src/ holds more than main.c:$bad"
  [ -z "$(ls "$SRC"/*.h 2>/dev/null)" ] || fail "headers directly in src/: $(ls "$SRC"/*.h)"
}

test_folders_include_only_folders_below() {
  local f dir inc target bad="" ok
  while IFS= read -r f; do
    dir=${f#"$SRC"/}
    dir=${dir%%/*}
    allowed "$dir" >/dev/null || { bad="$bad\n$f: folder not in the layering"; continue; }
    while IFS= read -r inc; do
      case $inc in */*) ;; *) continue ;; esac
      target=${inc%%/*}
      [ "$target" = "$dir" ] && continue
      ok=0
      for a in $(allowed "$dir"); do [ "$a" = "$target" ] && ok=1; done
      [ $ok = 1 ] || bad="$bad\n${f#"$TOP"/} includes $inc"
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
  done < <(find "$SRC" -mindepth 2 -name '*.[ch]')
  [ -z "$bad" ] || fail "$(printf "include against the layering:$bad")"
}

# The manager's seam: a caller asks the cgroup for what it needs, never for
# "the v1 part" or "the v2 directory" (a systemd driver has neither).
test_no_hierarchy_version_outside_cgroup() {
  local hits
  hits=$(grep -rnEi '\bv[12]\b|cgroup ?v[12]|cgroup2|in_v2|v2_fd|hybrid|unified hierarch|kr_cgroup_make \([^,]*, [12]' \
    "$SRC" --include='*.[ch]' | grep -v "^$SRC/cgroup/" || true)
  [ -z "$hits" ] || fail "$(printf 'hierarchy versions named outside src/cgroup/:\n%s' "$hits")"
}

run_tests
