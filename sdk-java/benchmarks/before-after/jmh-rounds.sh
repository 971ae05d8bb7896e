#!/usr/bin/env bash
# Interleaved JMH rounds of the same benchmark against several builds ("trees"), for a fair
# before/after ratio on a shared, noisy machine: every round runs each tree once pinned
# (taskset -c 0; JMH's fork and the benchmark's child inherit it) and once unpinned, the order of
# the trees reversed every other round. A run that hangs is stopped after HANG_S seconds and
# reported (its JSON is left out).
#
#   OUT=/tmp/ba ROUNDS=5 jmh-rounds.sh before=CLASSPATH after=CLASSPATH [more=CLASSPATH ...]
#
# CLASSPATH: the tree's benchmark classes plus its SDK jar and dependencies (see results/
# architecture-before-after.md for how to get one without `mvn install`). Writes
# OUT/<tree>-<pinned|unpinned>-<round>.json and .log; summarize.php reads them.
set -u
JAVA=${JAVA:-java}
OUT=${OUT:-/tmp/parley-before-after}
FIRST=${FIRST:-1}
ROUNDS=${ROUNDS:-5}
HANG_S=${HANG_S:-300}
BENCH=${BENCH:-IpcBenchmark.roundTrip32}
JMH_ARGS=${JMH_ARGS:--p transport=pipe,unix -p impl=parley,raw -f 1 -wi 2 -w 1s -i 3 -r 1s -to 30s}
if [ $# -lt 2 ]; then
  echo "usage: OUT=dir ROUNDS=n $0 name=classpath name=classpath [...]" >&2
  exit 2
fi
mkdir -p "$OUT"
names=(); declare -A cp
for arg in "$@"; do
  names+=("${arg%%=*}"); cp[${arg%%=*}]=${arg#*=}
done
for r in $(seq "$FIRST" $((FIRST + ROUNDS - 1))); do
  order=("${names[@]}")
  if [ $((r % 2)) -eq 0 ]; then
    order=(); for ((i = ${#names[@]} - 1; i >= 0; i--)); do order+=("${names[$i]}"); done
  fi
  for mode in pinned unpinned; do
    pin=(); [ "$mode" = pinned ] && pin=(taskset -c 0)
    for tree in "${order[@]}"; do
      echo "$(date -u +%T) round $r $mode $tree"
      # shellcheck disable=SC2086
      if ! timeout -k 10 "$HANG_S" "${pin[@]}" "$JAVA" -cp "${cp[$tree]}" org.openjdk.jmh.Main "$BENCH" $JMH_ARGS \
          -rf json -rff "$OUT/$tree-$mode-$r.json" > "$OUT/$tree-$mode-$r.log" 2>&1; then
        echo "  $tree $mode round $r failed or hung (see $OUT/$tree-$mode-$r.log)"
        mv -f "$OUT/$tree-$mode-$r.json" "$OUT/$tree-$mode-$r.failed" 2>/dev/null
      fi
    done
  done
done
