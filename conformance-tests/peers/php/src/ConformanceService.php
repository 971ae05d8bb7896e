<?php

declare(strict_types=1);

namespace Parley\Peer;

use Parley\Codec\Payload;
use Parley\Exception\CancelledException;
use Parley\Exception\RemoteException;
use Parley\Session\RequestContext;
use Parley\Session\Session;

use function is_array;
use function is_int;
use function is_object;
use function is_string;
use function sprintf;

/**
 * The conformance service of conformance-tests/PEER-CONTRACT.md, registered on one session.
 * JSON objects arrive as stdClass (the session decodes with objects), so `echo` returns `{}` as
 * `{}` and `[]` as `[]`.
 */
final class ConformanceService
{
    /** @var array<string, list<mixed>> notifications received on this session, by method */
    private array $notes = [];

    /**
     * @param \Closure(): void $onShutdown called after `shutdown` has been answered
     */
    private function __construct(private readonly Session $session, private readonly \Closure $onShutdown)
    {
    }

    /** @param \Closure(): void|null $onShutdown */
    public static function register(Session $session, ?\Closure $onShutdown = null): self
    {
        $service = new self($session, $onShutdown ?? static function (): void {
        });
        $service->install();
        return $service;
    }

    private function install(): void
    {
        $s = $this->session;
        $s->onAnyNotification(function (string $method, mixed $params): void {
            $this->notes[$method][] = $params;
        });
        $s->handle('echo', static fn (mixed $params, RequestContext $context): mixed => $params === null ? null
            : new Payload($params, $context->codec()));
        $s->handle('sum', static function (mixed $params): int {
            if (!is_array($params)) {
                throw RemoteException::invalidParams('sum takes an array of integers');
            }
            $sum = 0;
            foreach ($params as $value) {
                if (!is_int($value)) {
                    throw RemoteException::invalidParams('sum takes an array of integers');
                }
                $sum += $value;
            }
            return $sum;
        });
        $s->handle('sleep', static function (mixed $params, RequestContext $context): string {
            $context->sleep(self::int($params, 'ms') / 1000);
            return 'slept';
        });
        $s->handle('progress', static function (mixed $params, RequestContext $context): int {
            $n = self::int($params, 'n');
            if ($context->wantsProgress()) {
                for ($i = 1; $i <= $n; $i++) {
                    $context->progress(['progress' => $i, 'total' => $n]);
                }
            }
            return $n;
        });
        $s->handle('notify-back', static function (mixed $params, RequestContext $context): int {
            $n = self::int($params, 'n');
            $method = self::string($params, 'method');
            for ($i = 1; $i <= $n; $i++) {
                $context->notify($method, ['i' => $i]);
            }
            return $n;
        });
        $s->handle('fail', static function (mixed $params): never {
            throw new RemoteException(self::string($params, 'message'), self::int($params, 'code'));
        });
        $s->handle('callback', static function (mixed $params, RequestContext $context): mixed {
            $method = self::string($params, 'method');
            $inner = is_object($params) ? ($params->params ?? null) : ($params['params'] ?? null);
            return $context->call($method, $inner)->await();
        });
        $s->handle('big-echo', static fn (mixed $params): Payload => Payload::raw(is_string($params) ? $params : ''));
        $s->handle('wait-for-cancel', static function (mixed $params, RequestContext $context): string {
            if ($context->awaitCancellation(30.0)) {
                $context->throwIfCancelled();
                throw new CancelledException('request wait-for-cancel was cancelled by the caller');
            }
            return 'not-cancelled';
        });
        $s->handle('print-stray', function (mixed $params): string {
            $transport = $this->session->transport();
            if (!$transport instanceof TapTransport) {
                throw new \LogicException('the session was not opened with ConformancePeer\'s TapTransport');
            }
            $transport->inject(self::string($params, 'text'));
            return 'ok';
        });
        $s->handle('print-echo', static function (mixed $params): string {
            echo self::string($params, 'text');
            return 'ok';
        });
        $s->handle('crash', static function (mixed $params): never {
            $status = self::int($params, 'exit');
            @fwrite(STDERR, "crashing on purpose\n");
            exit($status);
        });
        $s->handle('shutdown', function (): string {
            $this->session->loop()->defer(function (): void {
                $this->session->close('shutdown requested', false);
                ($this->onShutdown)();
            });
            return 'bye';
        });
        $s->handle('stats', function (): array {
            $stats = $this->session->stats();
            return [
                'in_flight' => $stats['in_flight'] - 1,
                'handled' => $stats['handled'],
                'cancelled' => $stats['cancelled'],
                'deadline_exceeded' => $stats['deadline_exceeded'],
            ];
        });
        $s->handle('notes', function (mixed $params): array {
            return $this->notes[self::string($params, 'method')] ?? [];
        });
    }

    private static function member(mixed $params, string $name): mixed
    {
        if (is_object($params)) {
            return $params->{$name} ?? null;
        }
        return is_array($params) ? ($params[$name] ?? null) : null;
    }

    private static function int(mixed $params, string $name): int
    {
        $value = self::member($params, $name);
        if (!is_int($value)) {
            throw RemoteException::invalidParams(sprintf('"%s" must be an integer', $name));
        }
        return $value;
    }

    private static function string(mixed $params, string $name): string
    {
        $value = self::member($params, $name);
        if (!is_string($value)) {
            throw RemoteException::invalidParams(sprintf('"%s" must be a string', $name));
        }
        return $value;
    }
}
