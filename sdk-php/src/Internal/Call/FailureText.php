<?php

declare(strict_types=1);

namespace Parley\Internal\Call;

use function dirname;
use function preg_match;
use function preg_replace;
use function str_replace;

/**
 * What a handler's failure may say on the wire (SPEC §7.1): a `TypeError` raised by the handler's
 * own signature is the caller's fault (INVALID_PARAMS, §7.2), and no message carries the file paths
 * of this SDK (they tell a peer nothing it can act on and disclose the installation).
 *
 * @internal
 */
final class FailureText
{
    private function __construct()
    {
    }

    /**
     * When `$error` is the `TypeError` PHP raised because the params given to the handler do not
     * match its declared parameter type, the reason without file paths; null otherwise.
     *
     * @param string $callSite the file that called the handler (the SDK's {@see Inbound})
     */
    public static function signatureMismatch(\Throwable $error, string $callSite): ?string
    {
        if (!$error instanceof \TypeError || ($error->getTrace()[0]['file'] ?? null) !== $callSite) {
            return null;
        }
        $message = $error->getMessage();
        if (preg_match('/^[^ ]*\(\): Argument #1 \(\$\w+\) must be of type .+, .+ given/', $message) !== 1) {
            return null;
        }
        return self::scrub($message);
    }

    /** The message without ", called in <file> on line <n>" and without the SDK's directory. */
    public static function scrub(string $message): string
    {
        $message = (string) preg_replace('/,? called in \S+ on line \d+/', '', $message);
        $message = (string) preg_replace('/ in \/\S+\.php(?: on line|:)\s*\d+/', '', $message);
        return str_replace(dirname(__DIR__, 2) . '/', '', $message);
    }
}
