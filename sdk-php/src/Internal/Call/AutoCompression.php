<?php

declare(strict_types=1);

namespace Parley\Internal\Call;

use Parley\Transport\Transport;

use function count_chars;
use function is_resource;
use function log;
use function str_contains;
use function str_starts_with;
use function stream_get_meta_data;
use function stream_socket_get_name;
use function strlen;
use function strrpos;
use function substr;
use function trim;

/**
 * When a session compresses bodies without being asked to (SPEC §10.2 leaves it to the sender).
 * The rule, the same in the Java SDK (`io.parley.internal.call.AutoCompression`):
 *
 * - the session option `autoCompression` decides when it is set;
 * - otherwise only when the transport reaches another host (TCP or TLS to an address that is not
 *   loopback): on pipes, Unix sockets, shared memory and loopback, compressing a body costs more CPU
 *   than copying it through the kernel;
 * - when on, a body is compressed only from the threshold up, when a sample of it does not look
 *   random or already compressed ({@see looksIncompressible()}), and when the result is smaller.
 *
 * @internal
 */
final class AutoCompression
{
    private const SAMPLE = 1024;

    /** Whether a session with this option on this transport compresses bodies by itself. */
    public static function decide(?bool $option, Transport $transport): bool
    {
        return $option ?? self::reachesOtherHost($transport);
    }

    /** Whether the transport is a TCP or TLS socket connected to a non-loopback address. */
    public static function reachesOtherHost(Transport $transport): bool
    {
        $stream = $transport->readStream();
        if (!is_resource($stream)) {
            return false;
        }
        $type = (string) (stream_get_meta_data($stream)['stream_type'] ?? '');
        if (!str_contains($type, 'tcp_socket') && !str_contains($type, 'ssl')) {
            return false;
        }
        $peer = stream_socket_get_name($stream, true);
        if ($peer === false || $peer === '') {
            return false;
        }
        $colon = strrpos($peer, ':');
        $host = trim($colon === false ? $peer : substr($peer, 0, $colon), '[]');
        return !self::isLoopback($host);
    }

    private static function isLoopback(string $host): bool
    {
        return $host === 'localhost' || $host === '::1' || str_starts_with($host, '127.')
            || str_starts_with($host, '::ffff:127.');
    }

    /**
     * Whether a body looks random or already compressed (images, archives, encrypted data): the byte
     * entropy of three 1 KiB samples (start, middle, end) is over 7.5 bits per byte. Compressing
     * such a body costs more than it saves; this look costs a few microseconds.
     */
    public static function looksIncompressible(string $body): bool
    {
        $length = strlen($body);
        if ($length < 4 * self::SAMPLE) {
            return false;
        }
        $sample = substr($body, 0, self::SAMPLE)
            . substr($body, ($length >> 1) - (self::SAMPLE >> 1), self::SAMPLE)
            . substr($body, $length - self::SAMPLE);
        $n = 3 * self::SAMPLE;
        $sum = 0.0;
        foreach (count_chars($sample, 1) as $count) {
            $sum += $count * log($count, 2);
        }
        return log($n, 2) - $sum / $n > 7.5;
    }
}
