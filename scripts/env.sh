# shellcheck shell=bash
# Sourced by ./mvnw and the scripts/ commands: finds (or installs, when allowed) what Parley's
# build needs and exports it. Prints exactly what to install when it cannot.
#   - a JDK >= 21 (JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*)
#   - Maven >= 3.8 (`mvn`)
#   - PHP >= 8.2 CLI, PHPUnit and PHP_CodeSniffer (Debian: php-cli phpunit php-codesniffer)
# Set PARLEY_NO_INSTALL=1 to forbid apt-get even when running as root.

parley_die() { echo "parley: $*" >&2; exit 1; }

parley_java_major() { # $1 = path to a java binary
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}

parley_find_jdk() {
  local cand major
  for cand in ${JAVA_HOME:+"$JAVA_HOME"} \
              "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")" \
              /usr/lib/jvm/*; do
    [ -x "$cand/bin/javac" ] || continue
    major=$(parley_java_major "$cand/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$cand"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  parley_die "no JDK >= 21 found (checked JAVA_HOME, PATH and /usr/lib/jvm). Install one, e.g.
  apt-get install openjdk-21-jdk-headless     (Debian 13) or a Temurin 21/25 JDK,
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

parley_find_maven() {
  command -v mvn >/dev/null && return 0
  if parley_can_install; then parley_apt_install maven; return 0; fi
  parley_die "Maven not found. Install it: sudo apt-get install maven"
}

parley_find_php() {
  local missing=()
  command -v php >/dev/null || missing+=(php-cli php-xml php-mbstring)
  command -v phpunit >/dev/null || missing+=(phpunit)
  command -v phpcs >/dev/null || missing+=(php-codesniffer)
  if [ ${#missing[@]} -gt 0 ]; then
    if parley_can_install; then parley_apt_install "${missing[@]}";
    else parley_die "missing PHP tools. Install them: sudo apt-get install ${missing[*]}"; fi
  fi
  php -r 'exit(PHP_VERSION_ID >= 80200 ? 0 : 1);' \
    || parley_die "PHP >= 8.2 is required, found $(php -r 'echo PHP_VERSION;')"
}
