<?php

declare(strict_types=1);

namespace Parley\Internal;

use Closure;

use function fwrite;
use function interface_exists;
use function method_exists;
use function sprintf;

/**
 * The session's log: the configured logger (a closure, or a PSR-3 logger used through its
 * `log()` method, so the SDK has no dependency on psr/log), or warnings and errors to STDERR.
 *
 * @internal
 */
final class Log
{
    private const PSR3 = 'Psr\Log\LoggerInterface';

    /** @param (Closure(string, string): void)|object|null $logger a closure (level, message) or a PSR-3 logger */
    public function __construct(private readonly ?object $logger)
    {
    }

    /** Whether $logger can be used as a logger: a PSR-3 LoggerInterface, or (without psr/log loaded) any object with log(). */
    public static function accepts(object $logger): bool
    {
        if ($logger instanceof Closure) {
            return true;
        }
        if (interface_exists(self::PSR3)) {
            return $logger instanceof \Psr\Log\LoggerInterface;
        }
        return method_exists($logger, 'log');
    }

    /** @param string $level debug, info, warning or error (PSR-3 level names) */
    public function log(string $level, string $message): void
    {
        if ($this->logger instanceof Closure) {
            ($this->logger)($level, $message);
        } elseif ($this->logger !== null) {
            $this->logger->log($level, $message);
        } elseif ($level === 'warning' || $level === 'error') {
            @fwrite(STDERR, sprintf("parley %s: %s\n", $level, $message));
        }
    }
}
