<?php

declare(strict_types=1);

namespace Parley\Process;

use Closure;
use Parley\Loop\EventLoop;
use Parley\Ipc;
use Parley\Session\Call;
use Parley\Session\Session;
use Parley\Session\SessionOptions;

use function count;

/**
 * N worker processes started from one command; each call goes to the worker with the fewest
 * calls in flight. A worker that dies is replaced on the next call (its pending calls failed with
 * PEER_GONE, like any session's).
 *
 * ```php
 * $pool = new WorkerPool(['php', 'worker.php'], size: 4);
 * $calls = array_map(fn ($job) => $pool->call('resize', $job), $jobs);
 * $results = Ipc::awaitAll($calls);
 * $pool->close();
 * ```
 */
final class WorkerPool
{
    /** The environment variable that tells each worker its index in the pool. */
    public const INDEX_VARIABLE = 'PARLEY_WORKER_INDEX';

    /** @var list<Session> */
    private array $workers = [];

    /**
     * @param list<string>|string $command
     * Each worker gets its index (0 to size-1; a replacement gets the index of the worker it
     * replaces) in the environment variable PARLEY_WORKER_INDEX, and $onStart receives it too.
     *
     * @param Closure(Session, int): void|null $onStart registers handlers on each new worker session
     */
    public function __construct(
        private readonly array|string $command,
        private readonly int $size,
        private readonly ?SessionOptions $options = null,
        private readonly ?Closure $onStart = null,
        private readonly ?EventLoop $loop = null,
    ) {
        if ($size < 1) {
            throw new \InvalidArgumentException('a pool needs at least one worker');
        }
        for ($i = 0; $i < $size; $i++) {
            $this->workers[] = $this->start($i);
        }
    }

    /** Sends a call to the least busy worker; same parameters as {@see Session::call()}. */
    public function call(
        string $method,
        mixed $params = null,
        ?float $timeout = null,
        ?Closure $onProgress = null,
        ?string $codec = null,
    ): Call {
        return $this->pick()->call($method, $params, $timeout, $onProgress, $codec);
    }

    /** Sends the notification to every worker. */
    public function notifyAll(string $method, mixed $params = null): void
    {
        foreach ($this->workers as $worker) {
            if ($worker->isOpen()) {
                $worker->notify($method, $params);
            }
        }
    }

    /** @return list<Session> */
    public function workers(): array
    {
        return $this->workers;
    }

    /** Closes every worker gracefully (GOODBYE, then waits for the exits). */
    public function close(): void
    {
        foreach ($this->workers as $worker) {
            $worker->close(wait: false);
        }
        foreach ($this->workers as $worker) {
            $worker->close();
        }
    }

    private function pick(): Session
    {
        $best = null;
        $bestLoad = PHP_INT_MAX;
        foreach ($this->workers as $i => $worker) {
            if ($worker->closeReason() !== null || $worker->state() === \Parley\Session\SessionState::Closed) {
                $worker = $this->workers[$i] = $this->start($i);
            }
            $load = $worker->stats()['pending_calls'];
            if ($load < $bestLoad) {
                $best = $worker;
                $bestLoad = $load;
            }
        }
        \assert($best !== null && count($this->workers) === $this->size);
        return $best;
    }

    private function start(int $index): Session
    {
        $env = getenv();
        $env[self::INDEX_VARIABLE] = (string) $index;
        $session = Ipc::spawn($this->command, $this->options, env: $env, loop: $this->loop);
        if ($this->onStart !== null) {
            ($this->onStart)($session, $index);
        }
        return $session;
    }
}
