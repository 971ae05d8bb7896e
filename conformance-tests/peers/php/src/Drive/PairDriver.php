<?php

declare(strict_types=1);

namespace Parley\Peer\Drive;

use Parley\Loop\Deferred;
use Parley\Loop\EventLoop;
use Parley\Process\ChildProcess;
use Parley\Transport\Role;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Session\SessionState;
use Parley\Peer\ConformanceService;
use Parley\Exception\TransportException;
use Parley\Transport\ChildProcessTransport;
use Parley\Transport\RingLauncher;
use Parley\Transport\RingTransport;
use Parley\Transport\SocketConnector;

use function sprintf;

/**
 * The `drive` role of conformance-tests/PEER-CONTRACT.md: runs the pair cases against a serving
 * peer, each on a fresh session (a new connection, or a new child from `--server`), and writes the
 * JSON report after every case.
 */
final class PairDriver
{
    /** @var list<array{id: string, title: string, section: string, status: string, detail: string, ms: int}> */
    private array $results = [];
    private string $server = 'unknown';

    /**
     * @param list<string> $serverCommand argv of the serving peer (stdio), or [] for sockets
     */
    public function __construct(
        private readonly string $transport,
        private readonly array $serverCommand,
        private readonly ?string $connect,
        private readonly string $reportPath,
        private readonly SessionOptions $options,
    ) {
    }

    /** @param list<string>|null $only case ids, null for all */
    public function run(?array $only): int
    {
        $all = PairCases::all();
        $ids = $only ?? array_keys($all);
        $this->write();
        foreach ($ids as $id) {
            $case = $all[$id] ?? null;
            if ($case === null) {
                $this->results[] = [
                    'id' => $id,
                    'title' => '',
                    'section' => '',
                    'status' => 'fail',
                    'detail' => 'unknown case',
                    'ms' => 0,
                ];
                $this->write();
                continue;
            }
            $this->results[] = $this->runCase($id, $case);
            $this->write();
        }
        return 0;
    }

    /**
     * @param array{title: string, section: string, bound: int, closes: bool, run: \Closure(CaseContext): string} $case
     * @return array{id: string, title: string, section: string, status: string, detail: string, ms: int}
     */
    private function runCase(string $id, array $case): array
    {
        $start = hrtime(true);
        $loop = new EventLoop();
        $result = [
            'id' => $id,
            'title' => $case['title'],
            'section' => $case['section'],
            'status' => 'pass',
            'detail' => '',
            'ms' => 0,
        ];
        $context = null;
        try {
            $context = $this->open($loop);
            $context->session->awaitOpen();
            $hello = $context->session->peer();
            if ($hello !== null && $this->server === 'unknown') {
                $name = strtolower($hello->name);
                $this->server = match (true) {
                    str_contains($name, 'php') => 'php',
                    str_contains($name, 'java') => 'java',
                    default => $hello->name,
                };
            }
            $done = new Deferred($loop);
            $loop->async(static function () use ($case, $context, $done): void {
                try {
                    $done->resolve(['pass', ($case['run'])($context)]);
                } catch (CaseSkipped $e) {
                    $done->resolve(['skip', $e->getMessage()]);
                } catch (CaseFailed $e) {
                    $done->resolve(['fail', $e->getMessage()]);
                } catch (\Throwable $e) {
                    $done->resolve(['fail', sprintf('%s: %s', $e::class, $e->getMessage())]);
                }
            });
            $timer = $loop->delay(
                $case['bound'],
                static fn () => $done->resolve(['fail', "timed out after {$case['bound']} s"]),
            );
            [$status, $detail] = $done->await();
            $loop->cancel($timer);
            $result['status'] = $status;
            $result['detail'] = $detail;
            if ($status !== 'fail' && !$case['closes']) {
                $problem = $this->closeGracefully($context, $loop);
                if ($problem !== null) {
                    $result['status'] = 'fail';
                    $result['detail'] = 'close: ' . $problem;
                }
            }
        } catch (\Throwable $e) {
            $result['status'] = 'fail';
            $result['detail'] = sprintf('%s: %s', $e::class, $e->getMessage());
        } finally {
            if ($context !== null) {
                $this->dispose($context);
            }
        }
        $result['ms'] = (int) ((hrtime(true) - $start) / 1e6);
        return $result;
    }

    private function open(EventLoop $loop): CaseContext
    {
        $context = null;
        $options = $this->options->with(
            onStray: static function (string $bytes) use (&$context): void {
                $context->stray .= $bytes;
            },
            onLog: static function (string $level, string $message, ?string $source) use (&$context): void {
                $context->logs[] = $message;
            },
        );
        if ($this->transport === 'stdio') {
            $child = ChildProcess::start($this->serverCommand);
            $session = new Session(new ChildProcessTransport($child, $loop), Role::Initiator, $options, $loop, 0.0);
        } elseif ($this->transport === 'shm') {
            // the server becomes this driver's ring child (SPEC §9.4)
            $transport = RingLauncher::launch(
                $this->serverCommand,
                RingLauncher::defaultCapacity(),
                $options->handshakeTimeout,
                $loop,
                static function (string $message): void {
                    @fwrite(STDERR, 'parley-peer: ' . $message . "\n");
                },
            );
            if (!$transport instanceof RingTransport) {
                $transport->close();
                throw new TransportException(sprintf(
                    'the server did not attach to the shared-memory ring (%s): a declined ring is not shm',
                    $transport->description(),
                ));
            }
            $session = new Session($transport, Role::Initiator, $options, $loop, 0.0);
        } else {
            $address = ($this->transport === 'unix' ? 'unix://' : 'tcp://') . $this->connect;
            $session = new Session(SocketConnector::connect($address), Role::Initiator, $options, $loop, 15.0);
        }
        $context = new CaseContext($session, $loop);
        ConformanceService::register($session);
        return $context;
    }

    /** GOODBYE, bounded to 5 s; returns a problem or null. */
    private function closeGracefully(CaseContext $context, EventLoop $loop): ?string
    {
        $session = $context->session;
        if ($session->state() === SessionState::Closed) {
            return $session->closedCleanly()
                ? null
                : 'the session ended with an error: ' . $session->closeReason()?->getMessage();
        }
        $session->close('case finished', false);
        $closed = $session->closed();
        $timer = $loop->delay(5.0, static fn () => $closed->resolve());
        $closed->await();
        $loop->cancel($timer);
        if ($session->state() !== SessionState::Closed) {
            return 'the session did not close within 5 s after GOODBYE';
        }
        return $session->closedCleanly() ? null : (string) $session->closeReason()?->getMessage();
    }

    private function dispose(CaseContext $context): void
    {
        $transport = $context->session->transport();
        $context->session->abortNow('case finished');
        if ($transport instanceof ChildProcessTransport) {
            $child = $transport->child();
            if (!$child->waitForExit(2.0)) {
                $child->signal(9);
                $child->waitForExit(2.0);
            }
        }
    }

    private function write(): void
    {
        $report = [
            'impl' => 'php',
            'transport' => $this->transport,
            'server' => $this->server,
            'cases' => $this->results,
        ];
        $temporary = $this->reportPath . '.tmp';
        file_put_contents(
            $temporary,
            json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n",
        );
        rename($temporary, $this->reportPath);
    }
}
