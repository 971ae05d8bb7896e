<?php

declare(strict_types=1);

namespace Parley\Codec;

use Parley\Exception\ErrorCode;

use function get_object_vars;
use function is_array;
use function is_bool;
use function is_infinite;
use function is_int;
use function is_object;
use function is_string;
use function json_decode;
use function preg_match;
use function preg_match_all;
use function sprintf;
use function str_contains;
use function strpbrk;

/**
 * The SPEC 1.1 §10.1 rules for JSON values that both SDKs apply the same way, so that a caller sees
 * the same outcome whichever peer answers (the Java SDK's `StrictJson` mirrors this class):
 *
 * - received: an integer outside the signed 64-bit range or a number too large for a double
 *   (`1e400`) is not a value a peer can keep exactly: PARSE_ERROR (an unpaired surrogate escape
 *   such as `"\ud800"` is refused by `json_decode` itself);
 * - sent: a value with no JSON form (a Closure, a Generator, an object with no public state) is
 *   refused, never sent as `{}`; NaN and ±INF are refused by `json_encode`.
 *
 * The exact check of a received body runs only when its decoded value is not a plain scalar (a
 * decoded string, integer, boolean or null holds no number that could have been rounded) and its
 * text holds a 19-digit run or a 3-digit exponent.
 *
 * @internal
 */
final class StrictJson
{
    private function __construct()
    {
    }

    /** Whether $bytes has a number long enough to be outside 64 bits or a double (a cheap pre-check). */
    public static function mayHoldInexactNumbers(string $bytes): bool
    {
        return preg_match('/\d{19}|\d[eE][+-]?\d{3}/', $bytes) === 1;
    }

    /**
     * Whether the value json_decode() made of a body could hide a rounded number: a string, an
     * integer, a boolean or null cannot (an integer literal outside 64 bits decodes to a float), so
     * their body is not scanned. Saves a regular-expression pass over large string bodies.
     */
    public static function mayBeInexact(mixed $decoded): bool
    {
        return !is_string($decoded) && !is_int($decoded) && !is_bool($decoded) && $decoded !== null;
    }

    /**
     * {@see checkReceived()} for a body json_decode() turned into $decoded: skipped when the value
     * is a plain scalar ({@see mayBeInexact()}).
     *
     * @throws CodecException PARSE_ERROR: a number no peer can keep exactly
     */
    public static function checkDecoded(string $bytes, mixed $decoded): void
    {
        if (self::mayBeInexact($decoded)) {
            self::checkReceived($bytes);
        }
    }

    /** @throws CodecException PARSE_ERROR: a number no peer can keep exactly */
    public static function checkReceived(string $bytes): void
    {
        if (!self::mayHoldInexactNumbers($bytes)) {
            return;
        }
        preg_match_all('/"(?:[^"\\\\]++|\\\\.)*+"|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/s', $bytes, $matches);
        foreach ($matches[1] as $number) {
            if ($number === '') {
                continue;
            }
            if (strpbrk($number, '.eE') === false) {
                if (!is_int(json_decode($number))) {
                    throw self::refused("the integer $number is outside the signed 64-bit range");
                }
            } elseif (is_infinite((float) $number)) {
                throw self::refused("the number $number is too large for a double");
            }
        }
    }

    /**
     * Refuses a value whose JSON text would silently differ from it (`$json` is its encoding).
     *
     * @throws \InvalidArgumentException
     */
    public static function checkSent(mixed $value, string $json): void
    {
        if (str_contains($json, '{}')) {
            self::walk($value, 0);
        }
    }

    private static function walk(mixed $value, int $depth): void
    {
        if ($depth > 512) {
            return;
        }
        if (is_array($value)) {
            foreach ($value as $item) {
                self::walk($item, $depth + 1);
            }
            return;
        }
        if (!is_object($value) || $value instanceof \JsonSerializable) {
            return;
        }
        $vars = get_object_vars($value);
        if ($value instanceof \stdClass) {
            foreach ($vars as $item) {
                self::walk($item, $depth + 1);
            }
            return;
        }
        if ($value instanceof \Closure || $value instanceof \Generator || $vars === []) {
            throw new \InvalidArgumentException(sprintf(
                'a %s has no JSON form (it would be sent as {}, SPEC §10.1); return plain data instead',
                $value::class,
            ));
        }
        foreach ($vars as $item) {
            self::walk($item, $depth + 1);
        }
    }

    private static function refused(string $why): CodecException
    {
        return new CodecException("body is not valid JSON for Parley: $why (SPEC §10.1)", null, ErrorCode::ParseError);
    }
}
