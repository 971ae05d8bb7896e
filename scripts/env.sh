# shellcheck shell=bash
# Sourced by ./mvnw, .ci/run and the scripts/ commands: finds (or installs, when allowed) what the
# given Maven command needs, and nothing more. Prints exactly what to install when it cannot.
#   - a JDK >= 17: JAVA_HOME when it is set, otherwise the newest JDK >= 17 on PATH or in
#     /usr/lib/jvm/*
#   - Maven >= 3.8 (`mvn`)
#   - only for the commands that run them: PHP >= 8.2 CLI (tests, the conformance matrix, the demo),
#     PHPUnit and PHP_CodeSniffer (sdk-php's tests), Composer (the quick-start smoke test) and
#     tshark (the Wireshark dissector test). Debian package names: php-cli phpunit
#     php-codesniffer composer tshark; with phpunit also php-psr-log when it may install (optional).
# Every install is announced first ("parley: installing with apt-get: ...").
# Set PARLEY_NO_INSTALL=1 to forbid apt-get even when running as root.

parley_die() { echo "parley: $*" >&2; exit 1; }

parley_java_major() { # $1 = path to a java binary
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}

# Prints "MAJOR PATH" for every distinct JDK >= 17 found on PATH or in /usr/lib/jvm, newest first.
parley_list_jdks() {
  local cand major real seen=" "
  for cand in "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")" \
              /usr/lib/jvm/*; do
    [ -x "$cand/bin/javac" ] || continue
    real="$(readlink -f "$cand")"
    case "$seen" in *" $real "*) continue ;; esac
    seen="$seen$real "
    major=$(parley_java_major "$cand/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 17 ] 2>/dev/null; then echo "$major $real"; fi
  done | sort -t' ' -k1,1nr -s
}

parley_use_jdk() { # $1 = JDK home
  export JAVA_HOME="$1"
  export PATH="$JAVA_HOME/bin:$PATH"
}

parley_find_jdk() {
  local major newest
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(parley_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 17 ] 2>/dev/null; then parley_use_jdk "$JAVA_HOME"; return 0; fi
    echo "parley: ignoring JAVA_HOME=$JAVA_HOME (Java $major; Parley needs a JDK >= 17)" >&2
  fi
  newest="$(parley_list_jdks | head -n1 | cut -d' ' -f2-)"
  if [ -n "$newest" ]; then parley_use_jdk "$newest"; return 0; fi
  parley_die "no JDK >= 17 found (checked JAVA_HOME, PATH and /usr/lib/jvm). Install one, e.g.
  apt-get install openjdk-17-jdk-headless     (Debian 12) or a Temurin 17/21/25 JDK,
then re-run, or point JAVA_HOME at it."
}

parley_can_install() { [ "$(id -u)" = 0 ] && [ -z "${PARLEY_NO_INSTALL:-}" ] && command -v apt-get >/dev/null; }

parley_apt_install() { # packages...
  echo "parley: installing with apt-get: $*" >&2
  if [ -z "${PARLEY_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || parley_die "apt-get update failed"
    export PARLEY_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 \
    || parley_die "apt-get install $* failed"
}

# $1 = why, then pairs of "command package": installs the packages whose command is missing.
parley_require_tools() {
  local why="$1" missing=()
  shift
  while [ $# -ge 2 ]; do
    command -v "$1" >/dev/null || missing+=("$2")
    shift 2
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if parley_can_install; then
    echo "parley: $why needs ${missing[*]}" >&2
    parley_apt_install "${missing[@]}"
  else
    parley_die "$why needs ${missing[*]}. Install: sudo apt-get install ${missing[*]}"
  fi
}

# $1 = why, $2 = a file of the library, $3 = its Debian package: installs it when possible; never
# fails (the test that needs it is skipped with a message when it is missing).
parley_optional_php_library() {
  [ -f "$2" ] && return 0
  if parley_can_install; then
    echo "parley: $1 needs $3 (optional)" >&2
    ( parley_apt_install "$3" ) || echo "parley: could not install $3; $1 will be skipped" >&2
  else
    echo "parley: $3 is not installed; $1 will be skipped (install: sudo apt-get install $3)" >&2
  fi
  return 0
}

parley_find_maven() {
  parley_require_tools "the build" mvn maven
}

parley_find_php() {
  parley_require_tools "${1:-this command}" php php-cli
  php -r 'exit(PHP_VERSION_ID >= 80200 ? 0 : 1);' \
    || parley_die "PHP >= 8.2 is required, found $(php -r 'echo PHP_VERSION;')"
}

parley_phase_index() { # $1 = phase, $2 = the phases in order
  local i=0 p
  for p in $2; do [ "$p" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done
  echo -1
}

# Reads Maven's arguments and sets PARLEY_NEED_* (1/0) for the tools that command will run:
#   PHP   php-cli        tests of sdk-php, conformance-tests, the CLI and the smoke tests; the demo
#   PHPUNIT phpunit      sdk-php's tests           PHPCS php-codesniffer  sdk-php at verify
#   COMPOSER composer    the quick-start smoke test (samples/quickstart-smoke, verify)
#   TSHARK  tshark       the Wireshark dissector test (protocol-spec/wireshark, run by sdk-java/cli's tests)
# Goals like `-v`, `help:*`, `dependency:*`, `clean`, `compile`, or `install -DskipTests` need none.
# The modules check again themselves when their step runs (a clear message if a tool is missing),
# so this only decides what to install up front.
parley_plan_tools() {
  local phases="validate initialize generate-sources process-sources generate-resources process-resources compile process-classes generate-test-sources process-test-sources generate-test-resources process-test-resources test-compile process-test-classes test prepare-package package pre-integration-test integration-test post-integration-test verify install deploy"
  local max=-1 idx p arg skip_tests=0 demo=0 pl="" am=0 expect=""
  for arg in "$@"; do
    if [ -n "$expect" ]; then
      case "$expect" in pl) pl="$pl,$arg" ;; P) case ",$arg," in *,demo,*) demo=1 ;; esac ;; D) case "$arg" in skipTests|skipTests=true|maven.test.skip|maven.test.skip=true) skip_tests=1 ;; esac ;; esac
      expect=""; continue
    fi
    case "$arg" in
      -pl|--projects) expect=pl ;;
      -pl*) pl="$pl,${arg#-pl}" ;;
      --projects=*) pl="$pl,${arg#--projects=}" ;;
      -P|--activate-profiles) expect=P ;;
      -P*) case ",${arg#-P}," in *,demo,*) demo=1 ;; esac ;;
      -D) expect=D ;;
      -DskipTests|-DskipTests=true|-Dmaven.test.skip|-Dmaven.test.skip=true) skip_tests=1 ;;
      -am|--also-make) am=1 ;;
      -f|--file|-s|--settings|-gs|--global-settings|-T|--threads|-rf|--resume-from|-l|--log-file|-t|--toolchains|-b|--builder) expect=skip ;;
      -*) ;;
      *:*) ;;  # a plugin goal (exec:java, dependency:tree, ...) runs no lifecycle phase
      *)
        idx=0
        for p in $phases; do
          if [ "$p" = "$arg" ] && [ $idx -gt $max ]; then max=$idx; fi
          idx=$((idx + 1))
        done ;;
    esac
  done
  local test_idx verify_idx
  test_idx=$(parley_phase_index test "$phases"); verify_idx=$(parley_phase_index verify "$phases")
  local tests=0 verify=0
  [ $max -ge $test_idx ] && [ $skip_tests = 0 ] && tests=1
  [ $max -ge $verify_idx ] && [ $tests = 1 ] && verify=1
  [ $max -ge $verify_idx ] || demo=0
  # which modules with PHP-running tests are in the reactor (all of them without -pl)
  local m_php=0 m_conf=0 m_cli=0 m_smoke=0
  if [ -z "$pl" ]; then
    m_php=1; m_conf=1; m_cli=1; m_smoke=1
  else
    case ",$pl," in *,sdk-php,*|*,:parley-sdk-php,*) m_php=1 ;; esac
    case ",$pl," in *,conformance-tests,*|*,:parley-conformance,*) m_conf=1 ;; esac
    case ",$pl," in *,sdk-java/cli,*|*,:parley-cli,*) m_cli=1; [ $am = 1 ] && m_conf=1 ;; esac
    case ",$pl," in *,samples/quickstart-smoke,*|*,:parley-smoke-tests,*) m_smoke=1 ;; esac
  fi
  PARLEY_NEED_PHP=0; PARLEY_NEED_PHPUNIT=0; PARLEY_NEED_PHPCS=0; PARLEY_NEED_COMPOSER=0; PARLEY_NEED_TSHARK=0
  if [ $demo = 1 ] || { [ $tests = 1 ] && [ $((m_php + m_conf + m_cli + m_smoke)) -gt 0 ]; }; then PARLEY_NEED_PHP=1; fi
  [ $tests = 1 ] && [ $m_php = 1 ] && PARLEY_NEED_PHPUNIT=1
  [ $verify = 1 ] && [ $m_php = 1 ] && PARLEY_NEED_PHPCS=1
  [ $verify = 1 ] && [ $m_smoke = 1 ] && PARLEY_NEED_COMPOSER=1
  [ $tests = 1 ] && [ $m_cli = 1 ] && PARLEY_NEED_TSHARK=1
  return 0
}

# Installs (or asks for) what parley_plan_tools decided.
parley_setup_tools() {
  parley_plan_tools "$@"
  [ "$PARLEY_NEED_PHP" = 1 ] && parley_find_php "this command (it runs PHP peers or workers)"
  [ "$PARLEY_NEED_PHPUNIT" = 1 ] && parley_require_tools "sdk-php's tests" phpunit phpunit
  [ "$PARLEY_NEED_PHPUNIT" = 1 ] && parley_optional_php_library "the AMPHP v2 adapter test" /usr/share/php/Amp/autoload.php php-amphp-amp
  # php-psr-log (a file, not a command) for the PSR-3 logger test; optional: the test skips without it
  if [ "$PARLEY_NEED_PHPUNIT" = 1 ] && [ ! -f /usr/share/php/Psr/Log/LoggerInterface.php ] && parley_can_install; then
    echo "parley: sdk-php's PSR-3 logger test uses php-psr-log" >&2
    parley_apt_install php-psr-log
  fi
  [ "$PARLEY_NEED_PHPCS" = 1 ] && parley_require_tools "sdk-php's style check" phpcs php-codesniffer
  [ "$PARLEY_NEED_COMPOSER" = 1 ] && parley_require_tools "the quick-start smoke test" composer composer
  [ "$PARLEY_NEED_TSHARK" = 1 ] && parley_require_tools "the Wireshark dissector test" tshark tshark
  return 0
}
