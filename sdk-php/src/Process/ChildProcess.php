<?php

declare(strict_types=1);

namespace Parley\Process;

use Closure;
use Parley\Exception\TransportException;

use function count;
use function is_resource;
use function is_string;
use function sprintf;
use function strlen;

/**
 * A child process with pipes on stdin and stdout, and stderr captured (SPEC §9.1).
 *
 * Stderr goes to an unlinked temporary file rather than a pipe: the child can never block on a
 * full stderr pipe, the parent needs no extra stream in its poll set (so a lone worker's reads can
 * block without select()), and the tail is there for failure reports. New lines are read when the
 * parent looks ({@see pollStderr()}), at most every few milliseconds while a session is active.
 */
final class ChildProcess
{
    private const TAIL_LINES = 50;
    private const TAIL_BYTES = 8192;
    private const STDERR_FILE_LIMIT = 1_048_576;

    /** @var resource */
    private mixed $process;
    /** @var resource */
    private mixed $stdin;
    /** @var resource */
    private mixed $stdout;
    /** @var resource|null */
    private mixed $stderr;
    private readonly int $pid;
    private ?int $exitStatus = null;
    private string $exitDescription = '';
    private string $partialLine = '';
    /** @var list<string> */
    private array $tail = [];
    private int $tailBytes = 0;

    /**
     * @param list<string> $command
     * @param Closure(string): void|null $onStderrLine
     */
    private function __construct(
        private readonly array $command,
        ?string $cwd,
        ?array $env,
        private readonly ?Closure $onStderrLine,
    ) {
        $stderrPath = tempnam(sys_get_temp_dir(), 'parley-stderr-');
        if ($stderrPath === false) {
            throw new TransportException(
                'cannot create a temporary file for the child\'s stderr in ' . sys_get_temp_dir(),
            );
        }
        $pipes = [];
        $process = @proc_open(
            $command,
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $stderrPath, 'a']],
            $pipes,
            $cwd,
            $env,
        );
        if (!is_resource($process)) {
            @unlink($stderrPath);
            throw new TransportException(sprintf(
                'cannot start %s: %s',
                $this->commandLine(),
                error_get_last()['message'] ?? 'proc_open failed',
            ));
        }
        $stderr = @fopen($stderrPath, 'r+');
        @unlink($stderrPath);
        $this->process = $process;
        $this->stdin = $pipes[0];
        $this->stdout = $pipes[1];
        $this->stderr = $stderr === false ? null : $stderr;
        $status = proc_get_status($process);
        $this->pid = $status['pid'];
        $this->observe($status);
    }

    /**
     * @param list<string>|string $command an argv list (no shell), or a shell command line
     * @param array<string, string>|null $env
     * @param Closure(string): void|null $onStderrLine called with every line the child writes to stderr
     */
    public static function start(
        array|string $command,
        ?string $cwd = null,
        ?array $env = null,
        ?Closure $onStderrLine = null,
    ): self {
        if (is_string($command)) {
            $command = ['/bin/sh', '-c', $command];
        }
        if ($command === []) {
            throw new TransportException('empty command');
        }
        return new self(array_values(array_map('strval', $command)), $cwd, $env, $onStderrLine);
    }

    public function pid(): int
    {
        return $this->pid;
    }

    /** @return resource the child's stdin (write end) */
    public function stdin(): mixed
    {
        return $this->stdin;
    }

    /** @return resource the child's stdout (read end) */
    public function stdout(): mixed
    {
        return $this->stdout;
    }

    public function commandLine(): string
    {
        return implode(' ', array_map(
            static fn (string $arg): string => preg_match(
                '/^[\w.\/=:@%+-]+$/',
                $arg,
            ) === 1 ? $arg : escapeshellarg($arg),
            $this->command,
        ));
    }

    public function isRunning(): bool
    {
        if ($this->exitStatus !== null) {
            return false;
        }
        $this->observe(proc_get_status($this->process));
        return $this->exitStatus === null;
    }

    /** Exit status once exited (128 + n when killed by signal n), else null. */
    public function exitStatus(): ?int
    {
        $this->isRunning();
        return $this->exitStatus;
    }

    /** "exited with status 3", "killed by signal 9 (SIGKILL)", or "running". */
    public function exitDescription(): string
    {
        return $this->isRunning() ? 'running' : $this->exitDescription;
    }

    /** Waits (blocking, polling) up to $timeout seconds for the exit. */
    public function waitForExit(float $timeout): bool
    {
        $deadline = hrtime(true) + (int) ($timeout * 1e9);
        $pause = 200;
        while ($this->isRunning()) {
            if (hrtime(true) >= $deadline) {
                return false;
            }
            usleep($pause);
            $pause = min($pause * 2, 10_000);
        }
        return true;
    }

    public function signal(int $signal): void
    {
        if ($this->isRunning()) {
            @proc_terminate($this->process, $signal);
        }
    }

    public function closeStdin(): void
    {
        if (is_resource($this->stdin)) {
            @fclose($this->stdin);
        }
    }

    public function closePipes(): void
    {
        $this->closeStdin();
        if (is_resource($this->stdout)) {
            @fclose($this->stdout);
        }
    }

    /** Reads what the child wrote to stderr since the last call; complete lines go to the tail. */
    public function pollStderr(): void
    {
        if ($this->stderr === null) {
            return;
        }
        $data = '';
        while (($chunk = @fread($this->stderr, 65536)) !== false && $chunk !== '') {
            $data .= $chunk;
        }
        if ($data === '') {
            return;
        }
        if (ftell($this->stderr) > self::STDERR_FILE_LIMIT) {
            // The child appends (O_APPEND), so after truncation it writes at the new end.
            @ftruncate($this->stderr, 0);
            @rewind($this->stderr);
        }
        $lines = explode("\n", $this->partialLine . $data);
        $this->partialLine = (string) array_pop($lines);
        if (strlen($this->partialLine) > self::TAIL_BYTES) {
            $lines[] = $this->partialLine;
            $this->partialLine = '';
        }
        foreach ($lines as $line) {
            $this->remember(rtrim($line, "\r"));
        }
    }

    /** @return list<string> the last lines of stderr (50 lines or 8 KiB), the unfinished line included */
    public function stderrTail(): array
    {
        $this->pollStderr();
        $tail = $this->tail;
        if ($this->partialLine !== '') {
            $tail[] = $this->partialLine;
        }
        return $tail;
    }

    private function remember(string $line): void
    {
        if ($this->onStderrLine !== null) {
            ($this->onStderrLine)($line);
        }
        if (strlen($line) > self::TAIL_BYTES) {
            $line = substr($line, -self::TAIL_BYTES);
        }
        $this->tail[] = $line;
        $this->tailBytes += strlen($line);
        while (count($this->tail) > self::TAIL_LINES || $this->tailBytes > self::TAIL_BYTES) {
            $this->tailBytes -= strlen((string) array_shift($this->tail));
        }
    }

    /** @param array<string, mixed> $status */
    private function observe(array $status): void
    {
        if ($status['running'] || $this->exitStatus !== null) {
            return;
        }
        // proc_get_status() reports the exit code only once (PHP < 8.3): keep it.
        if ($status['signaled']) {
            $signal = (int) $status['termsig'];
            $this->exitStatus = 128 + $signal;
            $this->exitDescription = sprintf('killed by signal %d%s', $signal, self::signalName($signal));
        } else {
            $this->exitStatus = (int) $status['exitcode'];
            $this->exitDescription = sprintf('exited with status %d', $this->exitStatus);
        }
    }

    private static function signalName(int $signal): string
    {
        $names = [1 => 'SIGHUP', 2 => 'SIGINT', 3 => 'SIGQUIT', 6 => 'SIGABRT', 9 => 'SIGKILL',
            11 => 'SIGSEGV', 13 => 'SIGPIPE', 15 => 'SIGTERM'];
        return isset($names[$signal]) ? " ($names[$signal])" : '';
    }

    public function __destruct()
    {
        if (is_resource($this->stderr)) {
            @fclose($this->stderr);
        }
    }
}
