<?php

declare(strict_types=1);

namespace Parley\Peer\Drive;

use Parley\Exception\ParleyException;
use Parley\Loop\EventLoop;
use Parley\Session\Call;
use Parley\Session\Session;
use Parley\Transport\ChildProcessTransport;

use function count;
use function in_array;
use function is_array;
use function is_object;
use function is_string;
use function sprintf;
use function strlen;

/**
 * One pair case's fresh session and what it observed: notifications, stray bytes, `$/log` lines.
 */
final class CaseContext
{
    /** @var array<string, list<mixed>> */
    public array $notes = [];
    public string $stray = '';
    /** @var list<string> */
    public array $logs = [];

    public function __construct(public readonly Session $session, public readonly EventLoop $loop)
    {
    }

    public function call(
        string $method,
        mixed $params = null,
        ?float $timeout = null,
        ?string $codec = null,
        ?string $compression = null,
    ): Call {
        return $this->session->call($method, $params, $timeout, null, $codec, $compression);
    }

    public function sleep(float $seconds): void
    {
        $this->loop->sleep($seconds);
    }

    public function child(): ?ChildProcessTransport
    {
        $transport = $this->session->transport();
        return $transport instanceof ChildProcessTransport ? $transport : null;
    }

    /** Awaits a call that must fail with $code; returns the exception. */
    public function expectFailure(Call $call, int ...$codes): ParleyException
    {
        try {
            $value = $call->await();
        } catch (ParleyException $e) {
            if (!in_array($e->getCode(), $codes, true)) {
                throw new CaseFailed(sprintf(
                    '%s: expected code %s, got %d (%s)',
                    $call->method,
                    implode(' or ', $codes),
                    $e->getCode(),
                    $e->getMessage(),
                ));
            }
            return $e;
        }
        throw new CaseFailed(sprintf(
            '%s: expected code %s, got the value %s',
            $call->method,
            implode(' or ', $codes),
            self::show($value),
        ));
    }

    public function same(mixed $expected, mixed $actual, string $what): void
    {
        if (self::canonical($expected) !== self::canonical($actual)) {
            throw new CaseFailed(sprintf('%s: expected %s, got %s', $what, self::show($expected), self::show($actual)));
        }
    }

    public function check(bool $condition, string $problem): void
    {
        if (!$condition) {
            throw new CaseFailed($problem);
        }
    }

    /** Polls `stats` until $ok accepts it (every 50 ms, at most $seconds). */
    public function pollStats(\Closure $ok, float $seconds, string $what): object
    {
        $deadline = hrtime(true) / 1e9 + $seconds;
        do {
            $stats = $this->call('stats', new \stdClass())->await();
            if ($ok($stats)) {
                return $stats;
            }
            $this->sleep(0.05);
        } while (hrtime(true) / 1e9 < $deadline);
        throw new CaseFailed(
            sprintf('%s not reached within %.0f s; last stats %s', $what, $seconds, self::show($stats)),
        );
    }

    /** JSON with object members sorted, so that member order does not matter; floats stay floats. */
    public static function canonical(mixed $value): string
    {
        return (string) json_encode(
            self::sorted($value),
            JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
                | JSON_PARTIAL_OUTPUT_ON_ERROR,
        );
    }

    public static function show(mixed $value): string
    {
        $text = is_string($value) && !preg_match('//u', $value) ? 'bytes ' . bin2hex(
            substr($value, 0, 32),
        ) : self::canonical($value);
        return strlen($text) > 200 ? substr($text, 0, 200) . '...' : $text;
    }

    private static function sorted(mixed $value): mixed
    {
        if (is_object($value)) {
            $members = get_object_vars($value);
            ksort($members);
            $object = new \stdClass();
            foreach ($members as $name => $member) {
                $object->{$name} = self::sorted($member);
            }
            return $object;
        }
        if (is_array($value)) {
            if ($value !== [] && !array_is_list($value)) {
                ksort($value);
                $object = new \stdClass();
                foreach ($value as $name => $member) {
                    $object->{$name} = self::sorted($member);
                }
                return $object;
            }
            return array_map([self::class, 'sorted'], $value);
        }
        return $value;
    }

    /** @internal */
    public function noteCount(string $method): int
    {
        return count($this->notes[$method] ?? []);
    }
}
