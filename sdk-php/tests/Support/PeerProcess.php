<?php

declare(strict_types=1);

namespace Parley\Tests\Support;

/**
 * bin/parley-peer serving on a Unix socket or TCP, for tests: started, its LISTENING line read,
 * killed and cleaned up by {@see stop()}.
 */
final class PeerProcess
{
    /** @var resource */
    private mixed $process;
    /** @var array<int, resource> */
    private array $pipes;
    public readonly string $address;

    /** @param list<string> $extra */
    public function __construct(string $transport, string $listen, array $extra = [])
    {
        $command = array_merge(
            [
                PHP_BINARY,
                dirname(__DIR__, 3) . '/conformance-tests/peers/php/bin/parley-peer',
                'serve',
                '--transport',
                $transport,
                '--listen',
                $listen,
            ],
            $extra,
        );
        $process = proc_open(
            $command,
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']],
            $pipes,
        );
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start parley-peer');
        }
        $this->process = $process;
        $this->pipes = $pipes;
        $read = [$pipes[1]];
        $write = $except = null;
        if (stream_select($read, $write, $except, 10) !== 1) {
            $this->stop();
            throw new \RuntimeException('parley-peer did not print LISTENING within 10 s');
        }
        $line = (string) fgets($pipes[1]);
        if (!str_starts_with($line, 'LISTENING ')) {
            $this->stop();
            throw new \RuntimeException("unexpected first line from parley-peer: $line");
        }
        $where = trim(substr($line, 10));
        $this->address = $transport === 'unix' ? "unix://$where" : "tcp://$where";
    }

    /** Waits up to $timeout seconds for the process to exit on its own; returns its status or null. */
    public function waitForExit(float $timeout): ?int
    {
        $deadline = microtime(true) + $timeout;
        do {
            $status = proc_get_status($this->process);
            if (!$status['running']) {
                return $status['exitcode'];
            }
            usleep(5000);
        } while (microtime(true) < $deadline);
        return null;
    }

    public function stop(): void
    {
        if (!is_resource($this->process)) {
            return;
        }
        $status = proc_get_status($this->process);
        if ($status['running']) {
            proc_terminate($this->process, 9);
        }
        foreach ($this->pipes as $pipe) {
            if (is_resource($pipe)) {
                fclose($pipe);
            }
        }
        proc_close($this->process);
    }
}
