#!/usr/bin/env bash
# The README's quick start, run as written: its snippets (marked <!-- quickstart:NAME -->) are
# copied into a new project directory that is both a Maven project (parley-sdk resolved offline from
# a temporary local repository filled from this build) and a Composer project (the PHP SDK through a
# path repository, packagist disabled); then the README's run commands run there.
# Usage: bash quickstart.sh REPO_ROOT WORK_DIR MAVEN_LOCAL_REPOSITORY
set -euo pipefail
repo="$(cd "$1" && pwd)"; work="$2"; m2="$3"
readme="$repo/README.md"
fail() { echo "quickstart smoke test: $*" >&2; echo "quickstart: 0 passed, 1 failed"; exit 1; }
for tool in php composer mvn; do
  command -v "$tool" >/dev/null || fail "needs '$tool' (apt-get install ${tool/php/php-cli}); ./mvnw installs it as root"
done
snippet() { # the fenced block after <!-- quickstart:$1 -->
  awk -v m="<!-- quickstart:$1 -->" '$0 == m { f = 1; next } f == 1 && /^```/ { f = 2; next } f == 2 && /^```/ { exit } f == 2 { print }' "$readme"
}
for s in dependency java php composer run; do [ -n "$(snippet $s)" ] || fail "README.md has no quickstart:$s block"; done

rm -rf "$work"; mkdir -p "$work/project/src/main/java" "$work/m2"
# the package's metadata as Composer checks it (licence, branch-alias, ...)
(cd "$repo/sdk-php" && COMPOSER_HOME="$work/composer-home" composer validate --strict --no-interaction) \
  || fail "composer validate --strict fails for sdk-php/composer.json"
# a local repository of its own: the shared one's files hard-linked (nothing is written back),
# plus this build's Parley artifacts (what `./mvnw install -DskipTests` would put there)
cp -al "$m2/." "$work/m2/" 2>/dev/null || cp -a "$m2/." "$work/m2/"
rm -rf "$work/m2/io/parley"
v=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$repo/pom.xml" | head -n1)
put() { # groupId artifactId file extension: lay the file out as `mvn install` would
  local d="$work/m2/${1//.//}/$2/$v"
  mkdir -p "$d" && cp "$3" "$d/$2-$v.$4"
}
put io.parley parley-parent "$repo/pom.xml" pom
put io.parley parley-bom "$repo/sdk-java/bom/pom.xml" pom
put io.parley parley-sdk "$repo/sdk-java/pom.xml" pom
put io.parley parley-sdk "$repo/sdk-java/target/parley-sdk-$v.jar" jar

cd "$work/project"
compiler=$(sed -n 's:.*<compiler-plugin.version>\(.*\)</compiler-plugin.version>.*:\1:p' "$repo/pom.xml")
release=$(sed -n 's:.*<maven.compiler.release>\(.*\)</maven.compiler.release>.*:\1:p' "$repo/pom.xml") # the SDK's baseline
exec_v=$(sed -n 's:.*<exec-plugin.version>\(.*\)</exec-plugin.version>.*:\1:p' "$repo/pom.xml")
snippet dependency > dependency.xml
awk -v c="$compiler" -v e="$exec_v" -v r="$release" 'FNR == NR { dep = dep $0 "\n"; next } /@DEPENDENCY@/ { printf "%s", dep; next } { gsub(/@COMPILER@/, c); gsub(/@EXEC@/, e); gsub(/@RELEASE@/, r); print }' \
  dependency.xml "$repo/samples/quickstart-smoke/template-pom.xml" > pom.xml
rm dependency.xml
snippet java > src/main/java/Hello.java
snippet php > worker.php
# the PHP SDK as a user's copy of the repository on its main branch has it: outside any git work
# tree (Composer would otherwise take this checkout's branch name as the version), without the
# files the package leaves out (sdk-php/.gitattributes)
pkg="$(mktemp -d /tmp/parley-quickstart-XXXXXX)"
trap 'rm -rf "$pkg"' EXIT
mkdir -p "$pkg/sdk-php"
(cd "$repo/sdk-php" && for f in *; do
   grep -qx "/$f *export-ignore" <(sed 's/  */ /g' .gitattributes) || cp -r "$f" "$pkg/sdk-php/"
 done)
snippet composer | sed "s:/path/to/parley:$pkg:" > composer.json

# the README's commands, each line as written; Maven offline on the temporary repository
export COMPOSER_HOME="$work/composer-home" COMPOSER_NO_INTERACTION=1 COMPOSER_DISABLE_NETWORK=1
out="$work/output.txt"
while IFS= read -r line; do
  [ -n "$line" ] || continue
  echo "quickstart: \$ $line"
  case "$line" in
    mvn\ *) eval "mvn -B -o -Dmaven.repo.local=\"$work/m2\" ${line#mvn }" >> "$out" 2>&1 || { cat "$out"; fail "'$line' failed"; } ;;
    composer\ *) eval "$line" >> "$out" 2>&1 || { cat "$out"; fail "'$line' failed"; } ;;
    *) fail "unexpected command in the quickstart:run block: $line" ;;
  esac
done < <(snippet run)
grep -qx "Hello, Ada!" "$out" || { cat "$out"; fail "the Java parent did not print 'Hello, Ada!'"; }
[ -f vendor/parley/parley/composer.json ] || fail "composer did not install parley/parley"
echo "quickstart: the README's Java parent called its PHP worker through the built SDK: Hello, Ada!"
echo "quickstart: 1 passed, 0 failed"
