#!/usr/bin/env bash
# Tests of scripts/env.sh's decisions: which tools each README command installs, and the JDK choice.
# Run: bash scripts/test-env.sh   (no tools needed; it installs nothing)
set -uo pipefail
# shellcheck source=env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
pass=0 fail=0
expect() { # "maven args" "php phpunit phpcs composer tshark" (1/0 each)
  local args="$1" want="$2" got
  # shellcheck disable=SC2086
  parley_plan_tools $args
  got="$PARLEY_NEED_PHP $PARLEY_NEED_PHPUNIT $PARLEY_NEED_PHPCS $PARLEY_NEED_COMPOSER $PARLEY_NEED_TSHARK"
  if [ "$got" = "$want" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: ./mvnw $args: needs [$got], expected [$want]"; fi
}
#      command                                                  php unit cs comp tshark
expect "-v"                                                     "0 0 0 0 0"
expect "--version"                                              "0 0 0 0 0"
expect "-B -ntp verify"                                         "1 1 1 1 1"
expect "-B verify -DskipTests"                                  "0 0 0 0 0"
expect "-B install -DskipTests"                                 "0 0 0 0 0"
expect "-B -q -Pdemo -pl samples -am -DskipTests verify"        "1 0 0 0 0"
expect "-B -q -P demo -pl samples -am -DskipTests verify"       "1 0 0 0 0"
expect "-B -q -Pdemo -pl samples -am -DskipTests compile"       "0 0 0 0 0"
expect "-B -pl sdk-java test"                                   "0 0 0 0 0"
expect "-B -pl sdk-php test"                                    "1 1 0 0 0"
expect "-B -pl sdk-php verify"                                  "1 1 1 0 0"
expect "-B -pl conformance-tests -am verify"                    "1 0 0 0 0"
expect "-B -pl sdk-java/cli -am test"                           "1 0 0 0 1"
expect "-B -pl samples/quickstart-smoke verify"                 "1 0 0 1 0"
expect "-B -pl samples/quickstart-smoke -am verify -Dmaven.test.skip=true" "0 0 0 0 0"
expect "-B clean"                                               "0 0 0 0 0"
expect "-B dependency:tree"                                     "0 0 0 0 0"
expect "-B -f pom.xml test"                                     "1 1 0 0 1"

# the JDK list: only JDKs >= 17, newest first, each once
jdks="$(parley_list_jdks)"
if [ -n "$jdks" ] && [ "$(echo "$jdks" | awk '$1 < 17' | wc -l)" = 0 ] \
   && [ "$(echo "$jdks" | cut -d' ' -f1)" = "$(echo "$jdks" | cut -d' ' -f1 | sort -nr)" ] \
   && [ "$(echo "$jdks" | cut -d' ' -f2 | sort | uniq -d | wc -l)" = 0 ]; then
  pass=$((pass + 1))
else
  fail=$((fail + 1)); echo "FAIL: parley_list_jdks: $jdks"
fi
echo "env.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
