<?php

declare(strict_types=1);

namespace Parley\Internal;

use function implode;
use function intdiv;
use function number_format;
use function rtrim;
use function str_contains;

/**
 * Durations as people write them in messages: "300 ms", "1.5 s", "2 min 30 s" (never a bare
 * number). The Java twin is `io.parley.internal.Durations`.
 *
 * @internal
 */
final class Durations
{
    /** $seconds as text. */
    public static function text(float $seconds): string
    {
        if ($seconds < 0) {
            return '-' . self::text(-$seconds);
        }
        if ($seconds < 0.001) {
            return self::decimal($seconds * 1e6) . ' µs';
        }
        if ($seconds < 1.0) {
            return self::decimal($seconds * 1e3) . ' ms';
        }
        if ($seconds < 60.0) {
            return self::decimal($seconds) . ' s';
        }
        $whole = (int) $seconds;
        $parts = [];
        foreach ([[3600, ' h'], [60, ' min']] as [$unit, $name]) {
            if ($whole >= $unit) {
                $parts[] = intdiv($whole, $unit) . $name;
                $whole %= $unit;
            }
        }
        if ($whole > 0) {
            $parts[] = $whole . ' s';
        }
        return implode(' ', $parts);
    }

    private static function decimal(float $value): string
    {
        $text = number_format($value, 3, '.', '');
        return str_contains($text, '.') ? rtrim(rtrim($text, '0'), '.') : $text;
    }
}
