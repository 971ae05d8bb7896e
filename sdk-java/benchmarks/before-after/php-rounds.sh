#!/usr/bin/env bash
# Interleaved PHP↔PHP 32-byte round trips (rt-parent.php: rate and CPU per call, parent + child)
# against several PHP SDK trees and the raw PHP floor, pinned (taskset -c 0) and unpinned, the
# order reversed every other round. Appends one JSON line per measurement to OUT.
#
#   ROUNDS=7 php-rounds.sh OUT.jsonl before=/path/to/old/sdk-php/src after=/path/to/sdk-php/src
#
# FLOOR (default /work/shared/floors/php) holds raw_parent.php; FLOOR=none leaves the floor out.
set -u
ROUNDS=${ROUNDS:-7}
N=${N:-20000}
WARM=${WARM:-1000}
FLOOR=${FLOOR:-/work/shared/floors/php}
PHP=${PHP:-php}
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 2 ]; then
  echo "usage: ROUNDS=n $0 out.jsonl name=sdk-src-dir [...]" >&2
  exit 2
fi
out=$1; shift
names=(); declare -A src
[ "$FLOOR" != none ] && names+=(floor)
for arg in "$@"; do
  names+=("${arg%%=*}"); src[${arg%%=*}]=${arg#*=}
done
for r in $(seq 1 "$ROUNDS"); do
  order=("${names[@]}")
  if [ $((r % 2)) -eq 0 ]; then
    order=(); for ((i = ${#names[@]} - 1; i >= 0; i--)); do order+=("${names[$i]}"); done
  fi
  for mode in pinned unpinned; do
    pin=(); [ "$mode" = pinned ] && pin=(taskset -c 0)
    for tree in "${order[@]}"; do
      if [ "$tree" = floor ]; then
        line=$("${pin[@]}" "$PHP" "$FLOOR/raw_parent.php" echo 32 "$N" "$WARM" block)
      else
        line=$("${pin[@]}" "$PHP" "$here/rt-parent.php" "${src[$tree]}" "$N" "$WARM")
      fi
      if [ -z "$line" ]; then
        echo "  $tree $mode round $r failed" >&2
        continue
      fi
      echo "{\"tree\":\"$tree\",\"mode\":\"$mode\",\"round\":$r,\"r\":$line}" >> "$out"
    done
  done
  echo "$(date -u +%T) round $r done" >&2
done
