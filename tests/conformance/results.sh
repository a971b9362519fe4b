#!/bin/bash
# results.sh SUMMARY.TSV EXPECTED.TXT PREFIX: the validation suite's verdicts
# (run-suite.sh's summary.tsv) as tests/run.sh result lines, so that CI
# counts them in make check's closing line:
#   a test EXPECTED.TXT marks "expected"   pass -> ok, else -> not ok
#   any other test (a suite bug, a host    pass -> ok, else -> skip, with the
#   limit, a judgment: the file says why)  reason from EXPECTED.TXT
# A test missing from the summary (the suite did not run it) is "not ok"
# when expected.  Lines are "ok PREFIX/test".
set -u
sum=${1:?usage: results.sh SUMMARY.TSV EXPECTED.TXT PREFIX}
exp=${2:?usage: results.sh SUMMARY.TSV EXPECTED.TXT PREFIX}
prefix=${3:?usage: results.sh SUMMARY.TSV EXPECTED.TXT PREFIX}
declare -A kind why result
while IFS=$'\t' read -r t k w; do
  [[ -z $t || $t == \#* ]] && continue
  kind[$t]=$k
  why[$t]=$w
done <"$exp"
if [[ -f $sum ]]; then
  while IFS=$'\t' read -r t _rc _ok _nok _sk _diag _plan r _; do
    [[ $t == test ]] && continue
    result[$t]=$r
  done <"$sum"
fi
for t in $(printf '%s\n' "${!kind[@]}" "${!result[@]}" | sort -u); do
  r=${result[$t]:-missing}
  if [[ $r == pass ]]; then
    echo "ok $prefix/$t"
  elif [[ ${kind[$t]:-} == expected ]]; then
    echo "not ok $prefix/$t ($r; expected: ${why[$t]})"
  else
    echo "skip $prefix/$t # $r: ${kind[$t]:-not listed}: ${why[$t]:-not in $(basename "$exp")}"
  fi
done
