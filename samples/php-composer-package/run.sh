#!/bin/sh
# The php-composer-package sample in one command (from anywhere):
#   samples/php-composer-package/run.sh                 # builds and starts the Java service, then runs the PHP client
#   samples/php-composer-package/run.sh --socket PATH   # uses a price service already listening on PATH
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if ! command -v composer >/dev/null 2>&1; then
    echo "php-composer-package: composer is not installed, and this sample is a Composer project." >&2
    echo "Install it (Debian/Ubuntu: apt-get install composer) and run this again." >&2
    exit 3
fi
# parley/parley comes from ../../sdk-php through a path repository; no package registry is asked.
export COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_DISABLE_NETWORK=1 COMPOSER_NO_INTERACTION=1
(cd "$here" && composer install --quiet --no-progress)

socket=
if [ "${1:-}" = "--socket" ]; then
    socket=$2
else
    echo "building and starting the Java price service (io.parley.samples.PriceService)..."
    (cd "$root" && ./mvnw -q -B -pl samples/java-parent-php-workers -am compile dependency:build-classpath \
        -Dmdep.outputFile=target/classpath.txt -DskipTests)
    # the JDK the build compiled with
    java_home=$(cd "$root" && ./mvnw -v | sed -n -e 's/.*runtime: //p' -e 's/^Java home: //p' | head -n 1)
    tmp=$(mktemp -d)
    socket=$tmp/prices.sock
    "$java_home/bin/java" -cp "$root/samples/java-parent-php-workers/target/classes:$(cat "$root/samples/java-parent-php-workers/target/classpath.txt")" \
        io.parley.samples.PriceService "$socket" > "$tmp/service.log" 2>&1 &
    service=$!
    trap 'kill $service 2>/dev/null; rm -rf "$tmp"' EXIT
    tries=0
    until [ -S "$socket" ]; do
        tries=$((tries + 1))
        if [ $tries -gt 300 ] || ! kill -0 $service 2>/dev/null; then
            echo "the price service did not start:" >&2
            cat "$tmp/service.log" >&2
            exit 1
        fi
        sleep 0.1
    done
fi
php "$here/bin/checkout.php" "$socket"
