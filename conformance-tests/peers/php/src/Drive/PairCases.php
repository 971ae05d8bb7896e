<?php

declare(strict_types=1);

namespace Parley\Peer\Drive;

use Parley\Codec\Payload;
use Parley\Codec\ZstdCompression;
use Parley\Exception\CancelledException;
use Parley\Exception\PeerGoneException;

use function chr;
use function count;
use function is_string;
use function sprintf;
use function strlen;

/**
 * The pair scenarios of conformance-tests/README.md, run through this SDK's public API. Each case
 * gets a fresh session ({@see CaseContext}) and returns an optional detail, or throws
 * {@see CaseFailed} / {@see CaseSkipped}.
 */
final class PairCases
{
    private const CANCELLED = -33001;
    private const DEADLINE_EXCEEDED = -33002;
    private const SHUTTING_DOWN = -33006;
    private const PEER_GONE = -33011;
    private const SESSION_CLOSED = -33013;
    private const METHOD_NOT_FOUND = -32601;

    /**
     * @return array<string, array{title: string, section: string, bound: int, closes: bool, run: \Closure}>
     *         `run(CaseContext): string` returns the detail
     */
    public static function all(): array
    {
        $cases = [];
        $add = static function (
            string $id,
            string $title,
            string $section,
            \Closure $run,
            int $bound = 30,
            bool $closes = false,
        ) use (&$cases): void {
            $cases[$id] = [
                'title' => $title,
                'section' => $section,
                'bound' => $bound,
                'closes' => $closes,
                'run' => $run,
            ];
        };

        $add('P-001', 'echo json', '6.2, 10.1', static function (CaseContext $c): string {
            $value = json_decode('{"s":"héllo ✓ \u0000 \"q\"","i":42,"neg":-7,"big":9007199254740991,"f":1.5,"t":true,'
                . '"n":null,"a":[1,"two",[],{}],"o":{"x":{"y":[false]}}}');
            $c->same($value, $c->call('echo', $value)->await(), 'echo of the object');
            foreach (['""', '0', '-1', '[]', '{}', '"x"'] as $json) {
                $item = json_decode($json);
                $c->same($item, $c->call('echo', $item)->await(), "echo of $json");
            }
            return '';
        });
        $add('P-002', 'echo raw', '10.1', static function (CaseContext $c): string {
            $bytes = implode('', array_map('chr', range(0, 255)));
            $result = $c->call('echo', Payload::raw($bytes))->await();
            $c->check($result === $bytes, 'echo raw: got ' . CaseContext::show($result));
            return '';
        });
        $add('P-003', 'echo empty body (null)', '4, 10.1', static function (CaseContext $c): string {
            $result = $c->call('echo')->await();
            $c->check($result === null, 'echo without a value: got ' . CaseContext::show($result));
            return '';
        });
        $add('P-004', 'echo native codec', '10.1', static function (CaseContext $c): string {
            if (!$c->session->peerAccepts('php')) {
                throw new CaseSkipped('php not offered by server');
            }
            $value = ['name' => 'parley', 'n' => 7, 'list' => [1, 2, 3], 'nested' => ['ok' => true]];
            $result = $c->call('echo', Payload::php($value))->await();
            $c->check($result === $value, 'echo php: got ' . CaseContext::show($result));
            return '';
        });
        $add('P-005', 'echo deflate', '10.2', static function (CaseContext $c): string {
            if (!$c->session->peerAccepts('deflate')) {
                throw new CaseSkipped('deflate not offered by server');
            }
            $text = str_repeat('a', 65536);
            $c->check(
                $c->call('echo', $text, compression: 'deflate')->await() === $text,
                'echo deflate: different string',
            );
            return '';
        });
        $add('P-006', 'echo zstd', '10.2', static function (CaseContext $c): string {
            if (ZstdCompression::available() === null) {
                throw new CaseSkipped('zstd not available in driver: ' . ZstdCompression::whyUnavailable());
            }
            if (!$c->session->peerAccepts('zstd')) {
                throw new CaseSkipped('zstd not offered by server');
            }
            $text = str_repeat('a', 65536);
            $c->check($c->call('echo', $text, compression: 'zstd')->await() === $text, 'echo zstd: different string');
            return '';
        });
        $add('P-007', 'sum, exact integers', '6.2, 10.1', static function (CaseContext $c): string {
            foreach ([[range(1, 100), 5050], [[9007199254740000, 991], 9007199254740991], [[], 0]] as [$params, $sum]) {
                $result = $c->call('sum', $params)->await();
                $c->check($result === $sum, sprintf('sum: expected %d, got %s', $sum, CaseContext::show($result)));
            }
            return '';
        });
        $add('P-008', '1 000 calls in flight', '6.2, 6.5', static function (CaseContext $c): string {
            $calls = [];
            for ($i = 1; $i <= 1000; $i++) {
                $calls[$i] = $c->call('echo', ['i' => $i]);
            }
            foreach ($calls as $i => $call) {
                $c->same(['i' => $i], $call->await(), "call $i");
            }
            return '';
        }, 60);
        $add('P-009', 'progress stream', '6.3', static function (CaseContext $c): string {
            $seen = [];
            $listener = static function (mixed $p) use (&$seen): void {
                $seen[] = CaseContext::canonical($p);
            };
            $call = $c->session->call('progress', ['n' => 10], onProgress: $listener);
            $result = $call->await();
            $expected = [];
            for ($i = 1; $i <= 10; $i++) {
                $expected[] = CaseContext::canonical(['progress' => $i, 'total' => 10]);
            }
            $c->check($result === 10, 'progress returned ' . CaseContext::show($result));
            $c->check($seen === $expected, 'progress values before the result: ' . implode(' ', $seen));
            return '';
        });
        $add('P-010', 'no progress unless asked', '6.3', static function (CaseContext $c): string {
            $seen = 0;
            $call = $c->call('progress', ['n' => 5]);
            // Listening after sending: WANT_PROGRESS is not set, but a PROGRESS the server sends anyway is seen.
            $call->onProgress(static function () use (&$seen): void {
                $seen++;
            });
            $result = $call->await();
            $c->check($result === 5, 'progress returned ' . CaseContext::show($result));
            $c->check($seen === 0, "the server sent $seen PROGRESS frames without WANT_PROGRESS");
            return '';
        });
        $add('P-011', 'notifications server → driver', '6.7', static function (CaseContext $c): string {
            $got = [];
            $c->session->onNotification('conf/note', static function (mixed $p) use (&$got): void {
                $got[] = CaseContext::canonical($p);
            });
            $result = $c->call('notify-back', ['n' => 100, 'method' => 'conf/note'])->await();
            $c->check($result === 100, 'notify-back returned ' . CaseContext::show($result));
            $expected = array_map(static fn (int $i): string => CaseContext::canonical(['i' => $i]), range(1, 100));
            $c->check(
                $got === $expected,
                sprintf(
                    '%d notifications delivered when the call returned, in order: %s',
                    count($got),
                    $got === $expected ? 'yes' : 'no',
                ),
            );
            return '';
        });
        $add('P-012', 'notifications driver → server', '6.7', static function (CaseContext $c): string {
            for ($i = 1; $i <= 100; $i++) {
                $c->session->notify('conf/to-server', ['i' => $i]);
            }
            $expected = array_map(static fn (int $i): array => ['i' => $i], range(1, 100));
            $c->same($expected, $c->call('notes', ['method' => 'conf/to-server'])->await(), 'notes');
            return '';
        });
        $add('P-013', 'callback: handler calls back and awaits', '6.1, 6.2', static function (CaseContext $c): string {
            $params = ['from' => 'driver', 'k' => [1, 2]];
            $c->same(
                $params,
                $c->call('callback', ['method' => 'echo', 'params' => $params])->await(),
                'callback echo',
            );
            return '';
        });
        $add('P-014', 'callback error passes through', '6.2, 7.1', static function (CaseContext $c): string {
            $e = $c->expectFailure(
                $c->call('callback', ['method' => 'fail', 'params' => ['code' => 4001, 'message' => 'nested failure']]),
                4001,
            );
            $c->check($e->getMessage() === 'nested failure', 'message: ' . $e->getMessage());
            return '';
        });
        $add('P-015', 'nested callbacks', '6.1', static function (CaseContext $c): string {
            $result = $c->call(
                'callback',
                ['method' => 'callback', 'params' => ['method' => 'echo', 'params' => 'deep']],
            )->await();
            $c->check($result === 'deep', 'nested callback returned ' . CaseContext::show($result));
            return '';
        });
        $add('P-016', 'ids from both sides, concurrently', '6.1', static function (CaseContext $c): string {
            $calls = [];
            for ($i = 1; $i <= 100; $i++) {
                $calls[$i] = $c->call('callback', ['method' => 'echo', 'params' => $i]);
            }
            foreach ($calls as $i => $call) {
                $result = $call->await();
                $c->check($result === $i, "callback $i returned " . CaseContext::show($result));
            }
            return '';
        });
        $add('P-017', 'cancel a running handler', '6.6', static function (CaseContext $c): string {
            $base = $c->call('stats', new \stdClass())->await();
            $call = $c->call('wait-for-cancel', new \stdClass());
            $c->sleep(0.2);
            $call->cancel();
            $c->expectFailure($call, self::CANCELLED);
            $c->pollStats(
                static fn (object $s): bool => $s->in_flight === 0 && $s->cancelled === $base->cancelled + 1,
                5,
                'in_flight 0 and cancelled + 1',
            );
            return '';
        });
        $add('P-018', 'cancel races', '6.1, 6.6', static function (CaseContext $c): string {
            $calls = [];
            for ($i = 1; $i <= 200; $i++) {
                $call = $c->call('echo', ['i' => $i]);
                $call->cancel();
                $calls[$i] = $call;
            }
            foreach ($calls as $i => $call) {
                try {
                    $c->same(['i' => $i], $call->await(), "call $i");
                } catch (CancelledException) {
                    // expected outcome
                }
            }
            $c->check($c->call('echo', 'alive')->await() === 'alive', 'echo "alive" after the races');
            $c->pollStats(static fn (object $s): bool => $s->in_flight === 0, 5, 'in_flight 0');
            return '';
        });
        $add('P-019', 'deadline expires', '6.4', static function (CaseContext $c): string {
            $base = $c->call('stats', new \stdClass())->await();
            $start = hrtime(true);
            $c->expectFailure($c->call('sleep', ['ms' => 5000], timeout: 0.3), self::DEADLINE_EXCEEDED);
            $elapsed = (hrtime(true) - $start) / 1e9;
            $c->check($elapsed < 3, sprintf('DEADLINE_EXCEEDED after %.1f s', $elapsed));
            $c->pollStats(
                static fn (object $s): bool => $s->in_flight === 0
                    && $s->cancelled + $s->deadline_exceeded === $base->cancelled + $base->deadline_exceeded + 1,
                5,
                'in_flight 0 and cancelled + deadline_exceeded + 1',
            );
            return sprintf('failed after %.2f s', $elapsed);
        });
        $add('P-020', 'deadline not reached', '6.4', static function (CaseContext $c): string {
            $result = $c->call('sleep', ['ms' => 50], timeout: 10.0)->await();
            $c->check($result === 'slept', 'sleep returned ' . CaseContext::show($result));
            return '';
        });
        $add('P-021', 'typed errors', '6.2, 7.1, 7.2', static function (CaseContext $c): string {
            $errors = [
                [4001, 'custom'],
                [1, 'one'],
                [-32602, 'bad params'],
                [-32000, 'server range'],
                [-33050, 'reserved future'],
            ];
            foreach ($errors as [$code, $message]) {
                $e = $c->expectFailure($c->call('fail', ['code' => $code, 'message' => $message]), $code);
                $c->check($e->getMessage() === $message, "fail $code: message " . $e->getMessage());
            }
            return '';
        });
        $add('P-022', 'unknown methods', '4.3, 6.2', static function (CaseContext $c): string {
            $c->expectFailure($c->call('no-such-method', new \stdClass()), self::METHOD_NOT_FOUND);
            $c->expectFailure($c->call('$/conformance-unknown', new \stdClass()), self::METHOD_NOT_FOUND);
            $c->session->notify('$/conformance-unknown', new \stdClass());
            $c->session->notify('conf/unhandled', new \stdClass());
            $c->check($c->call('echo', 'still here')->await() === 'still here', 'echo after unknown methods');
            return '';
        });
        $add('P-023', 'chunked JSON both ways', '5', static function (CaseContext $c): string {
            $text = str_repeat('x', 3 * 1048576);
            $c->check($c->call('echo', $text)->await() === $text, 'the 3 MiB string came back different');
            return '';
        }, 60);
        $add('P-024', '64 MiB in chunks', '3.2, 5', static function (CaseContext $c): string {
            $size = 67108864;
            $pattern = '';
            for ($k = 0; $k < 256; $k++) {
                $pattern .= chr(($k * 31 + 7) % 256);
            }
            $bytes = str_repeat($pattern, intdiv($size, 256));
            $expected = hash('sha256', $bytes);
            $result = $c->call('big-echo', Payload::raw($bytes))->await();
            unset($bytes);
            $c->check(
                is_string($result) && strlen($result) === $size,
                'big-echo returned ' . (is_string($result) ? strlen($result) . ' bytes' : CaseContext::show($result)),
            );
            $c->check(hash('sha256', $result) === $expected, 'SHA-256 differs');
            return '';
        }, 120);
        $add('P-025', 'server prints stray output', '3.6', static function (CaseContext $c): string {
            $c->check($c->call('print-stray', ['text' => "parley-stray-check\n"])->await() === 'ok', 'print-stray');
            $c->check($c->call('echo', 'after stray')->await() === 'after stray', 'echo after stray');
            $c->check($c->stray === "parley-stray-check\n", 'stray bytes reported: ' . json_encode($c->stray));
            return 'stray listener reported 19 bytes';
        });
        $title = 'server prints through the language\'s own output';
        $add('P-026', $title, '9.1', static function (CaseContext $c): string {
            $c->check($c->call('print-echo', ['text' => 'parley-echo-check'])->await() === 'ok', 'print-echo');
            $c->check($c->call('echo', 'after echo')->await() === 'after echo', 'echo after print-echo');
            foreach ($c->logs as $line) {
                if (str_contains($line, 'parley-echo-check')) {
                    return 'surfaced as $/log: ' . $line;
                }
            }
            if (str_contains($c->stray, 'parley-echo-check')) {
                return 'surfaced as stray bytes';
            }
            return 'not seen by the driver (the server printed it elsewhere, e.g. its stderr)';
        });
        $add('P-027', 'graceful close with a call in flight', '8.5', static function (CaseContext $c): string {
            $sleep = $c->call('sleep', ['ms' => 300]);
            $c->session->close('P-027', false);
            $c->expectFailure($c->call('echo', 'late'), self::SHUTTING_DOWN, self::SESSION_CLOSED);
            $c->check($sleep->await() === 'slept', 'the call in flight did not finish');
            self::awaitClose($c, 5);
            $c->check(
                $c->session->closedCleanly(),
                'closed with an error: ' . $c->session->closeReason()?->getMessage(),
            );
            self::checkChildExit($c, 0);
            return '';
        }, 30, true);
        $add('P-028', 'server-initiated shutdown', '8.5', static function (CaseContext $c): string {
            $c->check($c->call('shutdown', new \stdClass())->await() === 'bye', 'shutdown');
            self::awaitClose($c, 5);
            $c->check(
                $c->session->closedCleanly(),
                'closed with an error: ' . $c->session->closeReason()?->getMessage(),
            );
            $c->expectFailure($c->call('echo', 'late'), self::SHUTTING_DOWN, self::SESSION_CLOSED);
            self::checkChildExit($c, 0);
            return '';
        }, 30, true);
        $add('P-029', 'server crashes mid-call', '8.6, 9.1', static function (CaseContext $c): string {
            $sleep = $c->call('sleep', ['ms' => 10000]);
            $crash = $c->call('crash', ['exit' => 3]);
            foreach ([$sleep, $crash] as $call) {
                $e = $c->expectFailure($call, self::PEER_GONE);
                if ($c->child() !== null) {
                    $c->check(
                        $e instanceof PeerGoneException && $e->exitStatus() === 3 && str_contains(
                            $e->getMessage(),
                            'crashing on purpose',
                        ),
                        'the reason lacks the exit status 3 or the stderr line: ' . $e->getMessage(),
                    );
                }
            }
            $c->expectFailure($c->call('echo', 'x'), self::SESSION_CLOSED);
            return '';
        }, 30, true);
        return $cases;
    }

    private static function awaitClose(CaseContext $c, float $seconds): void
    {
        $deadline = hrtime(true) / 1e9 + $seconds;
        while ($c->session->state() !== \Parley\Session\SessionState::Closed) {
            if (hrtime(true) / 1e9 > $deadline) {
                throw new CaseFailed(sprintf('the session did not close within %.0f s', $seconds));
            }
            $c->sleep(0.01);
        }
    }

    private static function checkChildExit(CaseContext $c, int $expected): void
    {
        $child = $c->child();
        if ($child === null) {
            return;
        }
        $deadline = hrtime(true) / 1e9 + 5;
        while ($child->child()->isRunning() && hrtime(true) / 1e9 < $deadline) {
            $c->sleep(0.01);
        }
        $status = $child->child()->exitStatus();
        $c->check(
            $status === $expected,
            sprintf(
                'the stdio child exited with %s, expected %d',
                $status === null ? 'nothing (still running)' : (string) $status,
                $expected,
            ),
        );
    }
}
