<?php

declare(strict_types=1);

namespace Parley\Internal;

use Closure;

use function fwrite;
use function sprintf;

/**
 * The session's log: the configured logger, or warnings and errors to STDERR.
 *
 * @internal
 */
final class Log
{
    /** @param Closure(string, string): void|null $logger receives (level, message) */
    public function __construct(private readonly ?Closure $logger)
    {
    }

    /** @param string $level debug, info, warning or error */
    public function log(string $level, string $message): void
    {
        if ($this->logger !== null) {
            ($this->logger)($level, $message);
        } elseif ($level === 'warning' || $level === 'error') {
            @fwrite(STDERR, sprintf("parley %s: %s\n", $level, $message));
        }
    }
}
