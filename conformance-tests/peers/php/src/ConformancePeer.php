<?php

declare(strict_types=1);

namespace Parley\Peer;

use Parley\Exception\ParleyException;
use Parley\Loop\EventLoop;
use Parley\Ipc;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Transport\Transport;

use function array_slice;
use function count;
use function in_array;
use function sprintf;
use function strlen;

/**
 * The PHP peer program of conformance-tests/PEER-CONTRACT.md (`bin/parley-peer`).
 *
 *   parley-peer serve --transport stdio
 *   parley-peer serve --transport shm                       (a ring child: SPEC §9.4)
 *   parley-peer serve --transport unix --listen <socket-path>
 *   parley-peer serve --transport tcp  --listen <host>:<port>
 *
 * Options: --token, --max-frame, --max-message, --max-in-flight, --heartbeat-ms.
 */
final class ConformancePeer
{
    public const NAME = 'parley-php-peer/' . SessionOptions::VERSION;

    /** @param list<string> $argv */
    public static function main(array $argv): int
    {
        try {
            [$role, $options] = self::parse(array_slice($argv, 1));
        } catch (\InvalidArgumentException $e) {
            fwrite(STDERR, 'parley-peer: ' . $e->getMessage() . "\n" . self::usage());
            return 2;
        }
        try {
            return match ($role) {
                'serve' => self::serve($options),
                'drive' => self::drive($options),
                default => throw new \InvalidArgumentException("unknown role \"$role\": use serve or drive"),
            };
        } catch (\InvalidArgumentException | ParleyException $e) {
            fwrite(STDERR, 'parley-peer: ' . $e->getMessage() . "\n");
            return 1;
        }
    }

    /** @param array<string, string> $options */
    private static function serve(array $options): int
    {
        $transport = $options['transport'] ?? 'stdio';
        $sessionOptions = self::sessionOptions($options);
        if ($transport === 'shm' && (string) getenv('PARLEY_RING_FILE') === '') {
            throw new \InvalidArgumentException(
                'serve --transport shm needs the ring environment (PARLEY_RING_FILE, PARLEY_RING_SOCKET, '
                . 'PARLEY_RING_SESSION) of a parent that launched it on a ring',
            );
        }
        if ($transport === 'stdio' || $transport === 'shm') {
            // Ipc::worker() attaches to the ring when the parent offered one (SPEC §9.4), else stdio
            $session = Ipc::worker($sessionOptions);
            ConformanceService::register($session);
            $session->run();
            return 0;
        }
        $listen = $options['listen'] ?? throw new \InvalidArgumentException(
            "--listen is required for --transport $transport",
        );
        $address = match ($transport) {
            'unix' => 'unix://' . $listen,
            'tcp' => 'tcp://' . $listen,
            default => throw new \InvalidArgumentException("unknown transport \"$transport\": use stdio, unix or tcp"),
        };
        $loop = EventLoop::get();
        $server = null;
        $server = Ipc::listen($address, static function (Session $session) use (&$server): void {
            ConformanceService::register($session, static function () use (&$server): void {
                $server?->close();
            });
        }, $sessionOptions);
        fwrite(STDOUT, 'LISTENING ' . $server->displayAddress() . "\n");
        fflush(STDOUT);
        // Everything else this process prints goes to stderr.
        ob_start(static function (string $buffer): string {
            if ($buffer !== '') {
                @fwrite(STDERR, $buffer);
            }
            return '';
        }, 1);
        while ($server->isListening() || count($server->sessions()) > 0) {
            $loop->tick(true);
        }
        return 0;
    }

    /** @param array<string, string> $options */
    private static function drive(array $options): int
    {
        $transport = $options['transport'] ?? 'stdio';
        $report = $options['report'] ?? throw new \InvalidArgumentException('--report is required for drive');
        $server = [];
        $connect = null;
        if ($transport === 'stdio' || $transport === 'shm') {
            $server = self::splitCommandLine(
                $options['server'] ?? throw new \InvalidArgumentException("--server is required for $transport"),
            );
            if ($server === []) {
                throw new \InvalidArgumentException('--server is empty');
            }
        } elseif ($transport === 'unix' || $transport === 'tcp') {
            $connect = $options['connect'] ?? throw new \InvalidArgumentException(
                "--connect is required for drive over $transport",
            );
        } else {
            throw new \InvalidArgumentException("unknown transport \"$transport\": use stdio, shm, unix or tcp");
        }
        $cases = isset($options['cases']) ? array_values(
            array_filter(array_map('trim', explode(',', $options['cases']))),
        ) : null;
        // The driver sends bodies uncompressed unless a case asks (P-005, P-006); it decodes everything.
        $sessionOptions = self::sessionOptions($options)->with(compressionThreshold: PHP_INT_MAX);
        $driver = new Drive\PairDriver($transport, $server, $connect, $report, $sessionOptions);
        return $driver->run($cases);
    }

    /**
     * Splits a command line the way PEER-CONTRACT's `--server` is quoted (POSIX-shell-like, no
     * shell): whitespace separates words, single quotes keep everything, double quotes group with
     * backslash escapes of `" \ $` and backtick, a backslash outside quotes escapes the next character.
     *
     * @return list<string>
     */
    public static function splitCommandLine(string $line): array
    {
        $words = [];
        $current = '';
        $inWord = false;
        $length = strlen($line);
        for ($i = 0; $i < $length; $i++) {
            $c = $line[$i];
            if ($c === "'") {
                $end = strpos($line, "'", $i + 1);
                if ($end === false) {
                    throw new \InvalidArgumentException("unclosed ' in: $line");
                }
                $current .= substr($line, $i + 1, $end - $i - 1);
                $i = $end;
                $inWord = true;
            } elseif ($c === '"') {
                for ($j = $i + 1; $j < $length && $line[$j] !== '"'; $j++) {
                    if ($line[$j] === '\\' && $j + 1 < $length && str_contains('"\\$`', $line[$j + 1])) {
                        $j++;
                    }
                    $current .= $line[$j];
                }
                if ($j >= $length) {
                    throw new \InvalidArgumentException("unclosed \" in: $line");
                }
                $i = $j;
                $inWord = true;
            } elseif ($c === '\\' && $i + 1 < $length) {
                $current .= $line[++$i];
                $inWord = true;
            } elseif (ctype_space($c)) {
                if ($inWord) {
                    $words[] = $current;
                    $current = '';
                    $inWord = false;
                }
            } else {
                $current .= $c;
                $inWord = true;
            }
        }
        if ($inWord) {
            $words[] = $current;
        }
        return $words;
    }

    /** @param array<string, string> $options */
    private static function sessionOptions(array $options): SessionOptions
    {
        $values = [
            'peerName' => self::NAME,
            'jsonObjectsAsArrays' => false,
            'transportDecorator' => static fn (Transport $inner): Transport => new TapTransport($inner),
            'logger' => static function (string $level, string $message): void {
                if ($level !== 'debug') {
                    @fwrite(STDERR, sprintf("parley-peer %s: %s\n", $level, $message));
                }
            },
        ];
        foreach (
            [
                'max-frame' => 'maxFrame',
                'max-message' => 'maxMessage',
                'max-in-flight' => 'maxInFlight',
                'heartbeat-ms' => 'heartbeat',
                'frame-stall-ms' => 'frameStallTimeout',
            ] as $flag => $name
        ) {
            if (isset($options[$flag])) {
                if (preg_match('/^\d+$/', $options[$flag]) !== 1) {
                    throw new \InvalidArgumentException("--$flag takes a non-negative integer");
                }
                $values[$name] = in_array($name, ['heartbeat', 'frameStallTimeout'], true)
                    ? (int) $options[$flag] / 1000
                    : (int) $options[$flag];
            }
        }
        if (isset($options['token'])) {
            $values['token'] = $options['token'];
        }
        return new SessionOptions(...$values);
    }

    /**
     * @param list<string> $args
     * @return array{string, array<string, string>}
     */
    private static function parse(array $args): array
    {
        $role = array_shift($args);
        if ($role === null) {
            throw new \InvalidArgumentException('missing role');
        }
        $options = [];
        $known = [
            'transport',
            'listen',
            'connect',
            'server',
            'report',
            'token',
            'max-frame',
            'max-message',
            'max-in-flight',
            'heartbeat-ms',
            'frame-stall-ms',
            'cases',
        ];
        while ($args !== []) {
            $arg = (string) array_shift($args);
            if (!str_starts_with($arg, '--')) {
                throw new \InvalidArgumentException("unexpected argument \"$arg\"");
            }
            $name = substr($arg, 2);
            $value = null;
            if (str_contains($name, '=')) {
                [$name, $value] = explode('=', $name, 2);
            }
            if (!in_array($name, $known, true)) {
                throw new \InvalidArgumentException("unknown option --$name");
            }
            $value ??= array_shift($args) ?? throw new \InvalidArgumentException("--$name needs a value");
            $options[$name] = $value;
        }
        return [$role, $options];
    }

    private static function usage(): string
    {
        return <<<'TXT'
            usage: parley-peer serve --transport stdio|shm
                   parley-peer serve --transport unix --listen <socket-path>
                   parley-peer serve --transport tcp --listen <host>:<port>
                   parley-peer drive --transport stdio|shm --server "<serving peer command line>" --report <file>
                   parley-peer drive --transport unix --connect <socket-path> --report <file>
                   parley-peer drive --transport tcp --connect <host>:<port> --report <file>
              drive options: --cases <id,id,...>
              options: --token <t> --max-frame <n> --max-message <n> --max-in-flight <n> --heartbeat-ms <n>

            TXT;
    }
}
