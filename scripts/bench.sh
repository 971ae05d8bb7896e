#!/usr/bin/env bash
# The benchmark command: builds the benchmarks module, runs the matrix with its raw floors in the
# same run, pinned to one core (taskset -c 0, when taskset exists) and unpinned, and writes
# BENCHMARKS.md and chart.png.
#
#   scripts/bench.sh [--quick|--full] [--out DIR] [--rounds N] [--only TEXT] [--no-build]
#
#   --quick   (default) 1 round, tiny counts, unpinned only, the rows marked quick (every kind of
#             contender at least once), under 2 minutes: proves the command works; its figures are
#             too short to read much into
#   --full    5 interleaved rounds (--rounds to change), every row, pinned and unpinned
#   --out     where results-*.tsv, BENCHMARKS.md and chart.png go (default target/bench)
#   --only    only the rows whose name contains TEXT (e.g. --only "Java→PHP 1 MiB")
#   --no-build  reuse the class path of the last build; --classpath CP: use CP (the Maven hook)
# Needs a JDK >= 17, Maven (through ./mvnw, offline when the local repository has everything) and
# PHP >= 8.2 (PARLEY_PHP overrides `php`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=env.sh
. scripts/env.sh

mode=quick out=target/bench rounds="" only="" build=1 classpath=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --out) out="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --only) only="$2"; shift ;;
    --no-build) build=0 ;;
    --classpath) classpath="$2"; build=0; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) parley_die "bench.sh: unknown argument $1 (see scripts/bench.sh --help)" ;;
  esac
  shift
done
parley_find_jdk
php="${PARLEY_PHP:-php}"
command -v "$php" >/dev/null || parley_die "the benchmarks need PHP >= 8.2 CLI ($php not found): apt-get install php-cli, or set PARLEY_PHP"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -f "$out"/results-*.tsv
cp_file="$out/classpath.txt"
if [ -n "$classpath" ]; then
  printf '%s\n' "$classpath" >"$cp_file"
elif [ "$build" = 1 ] || [ ! -s "$cp_file" ]; then
  echo "parley bench: building the benchmarks module"
  ./mvnw -B -q -pl sdk-java/benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
    dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$cp_file" >/dev/null \
    || parley_die "building the benchmarks module failed (see above)"
fi
cp="$PWD/sdk-java/benchmarks/target/classes:$(cat "$cp_file")"
run=(java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" io.parley.benchmarks.BenchSuite)
args=(--mode "$mode" --out "$out")
[ -n "$rounds" ] && args+=(--rounds "$rounds")
[ -n "$only" ] && args+=(--only "$only")

status=0
if [ "$mode" = quick ]; then
  echo "parley bench: quick mode runs unpinned only (--full adds the pinned run)"
elif command -v taskset >/dev/null; then
  taskset -c 0 "${run[@]}" run --label pinned "${args[@]}" || status=$?
else
  echo "parley bench: taskset not found: no pinned run (apt-get install util-linux)" >&2
fi
"${run[@]}" run --label unpinned "${args[@]}" || status=$?
"${run[@]}" report --out "$out"
exit "$status"
