#!/usr/bin/env bash
# The fuzzing campaign (issue 12): every Jazzer target of sdk-java (FuzzTargets: frameDecoder,
# messageAssembler, helloParser, jsonBody, kryoBody, deflateBody, zstdBody) in fuzzing mode, one
# after the other, then the PHP mutation fuzzer over the same corpus (tests/Fuzz/fuzz.php: frame
# decoder, assembler, HELLO parser, JSON, deflate, zstd and PHP-serialize bodies).
#
#   scripts/fuzz.sh [--runs N] [--time SECONDS] [--php-count N] [--java-only|--php-only] [TARGET...]
#
#   --runs       executions per Java target (default PARLEY_FUZZ_RUNS or 10000000)
#   --time       seconds per Java target at most (default PARLEY_FUZZ_TIME or 3600)
#   --php-count  mutated inputs per PHP target (default PARLEY_FUZZ_COUNT or 1000000)
#   TARGET       Java targets to run (default: all seven)
#
# Prints one line per target (executions, seconds, result) and exits 1 when a target found
# something. Jazzer writes a finding into
# sdk-java/src/test/resources/io/parley/fuzz/FuzzTargetsInputs/<target>/ (crash-*), the PHP
# fuzzer into sdk-php/tests/Fuzz/findings/: fix it, and keep the input as a regression input.
# Logs: target/fuzz/<target>.log. Not part of CI: CI runs the same targets over the checked-in
# corpus (./mvnw test runs FuzzTargets in regression mode) and MutationFuzzTest (4,000 mutations
# per PHP target).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=env.sh
. scripts/env.sh

runs="${PARLEY_FUZZ_RUNS:-10000000}" time="${PARLEY_FUZZ_TIME:-3600}" php_count="${PARLEY_FUZZ_COUNT:-1000000}"
java=1 php=1 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --time) time="$2"; shift ;;
    --php-count) php_count="$2"; shift ;;
    --java-only) php=0 ;;
    --php-only) java=0 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    -*) parley_die "fuzz.sh: unknown option $1 (see scripts/fuzz.sh --help)" ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[ ${#targets[@]} -gt 0 ] || targets=(frameDecoder messageAssembler helloParser jsonBody kryoBody deflateBody zstdBody)
mkdir -p target/fuzz
found=0

if [ "$java" = 1 ]; then
  parley_find_jdk
  # compile once; each target then starts from the compiled classes
  ./mvnw -B -o -q -pl sdk-java test-compile
  for target in "${targets[@]}"; do
    log="target/fuzz/$target.log"
    start=$(date +%s)
    # jazzer.internal.arg.* are libFuzzer's arguments; they come after the annotation's -runs and
    # -max_total_time, so they win
    if JAZZER_FUZZ=1 ./mvnw -B -o -pl sdk-java surefire:test -Dtest="FuzzTargets#$target" \
        -Dsurefire.failIfNoSpecifiedTests=false \
        -Djazzer.internal.arg.0=fuzz "-Djazzer.internal.arg.1=-runs=$runs" \
        "-Djazzer.internal.arg.2=-max_total_time=$time" >"$log" 2>&1; then
      result=ok
    else
      result="FINDING (see $log)"
      found=1
    fi
    # libFuzzer's last status line: "#<executions> ... cov: <edges> ..." or "Done <n> runs in <s> second(s)"
    done_line=$(grep -aE '^Done [0-9]+ runs' "$log" | tail -1 || true)
    if [ -n "$done_line" ]; then
      executions=$(echo "$done_line" | awk '{ print $2 }')
    else
      executions=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
    fi
    cov=$(grep -aoE 'cov: [0-9]+' "$log" | tail -1 | awk '{ print $2 }' || true)
    echo "java $target: ${executions:-?} executions, ${cov:-?} edges, $(( $(date +%s) - start )) s, $result"
  done
fi

if [ "$php" = 1 ]; then
  command -v php >/dev/null || parley_die "the PHP fuzzer needs PHP >= 8.2 CLI: apt-get install php-cli"
  if ! PARLEY_FUZZ_COUNT="$php_count" php sdk-php/tests/Fuzz/fuzz.php | sed 's/^/php /'; then
    found=1
  fi
fi
exit "$found"
