<?php

declare(strict_types=1);

namespace Parley\Tests\Session;

use Parley\Exception\TransportException;
use Parley\Loop\EventLoop;
use Parley\Ipc;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Tests\Support\TempDir;
use PHPUnit\Framework\TestCase;

/**
 * Unix socket and TCP listeners and clients in this process (SPEC §9.2, §9.3), and TLS against a
 * listener in a child process.
 */
final class SocketTest extends TestCase
{
    private TempDir $dir;
    private EventLoop $loop;
    /** @var list<\Parley\Transport\SocketServer> */
    private array $servers = [];
    /** @var list<Session> */
    private array $sessions = [];

    protected function setUp(): void
    {
        $this->dir = new TempDir();
        $this->loop = new EventLoop();
    }

    protected function tearDown(): void
    {
        foreach ($this->sessions as $session) {
            $session->abortNow('test finished');
        }
        foreach ($this->servers as $server) {
            foreach ($server->sessions() as $session) {
                $session->abortNow('test finished');
            }
            $server->close();
        }
        $this->dir->remove();
    }

    private function listen(string $address, ?SessionOptions $options = null): \Parley\Transport\SocketServer
    {
        $server = Ipc::listen($address, static function (Session $session): void {
            $session->handle('echo', static fn (mixed $p): mixed => $p);
            $session->handle(
                'callback',
                static fn (string $m, \Parley\Session\RequestContext $c): mixed => $c->call($m, 'from server')->await(),
            );
        }, $options ?? new SessionOptions(logger: static fn () => null), loop: $this->loop);
        $this->servers[] = $server;
        return $server;
    }

    private function connect(string $address, ?SessionOptions $options = null): Session
    {
        $session = Ipc::connect(
            $address,
            $options ?? new SessionOptions(logger: static fn () => null),
            loop: $this->loop,
        );
        $this->sessions[] = $session;
        return $session;
    }

    public function testUnixSocketIsOwnerOnlyAndServesSeveralClients(): void
    {
        $path = $this->dir->path . '/parley.sock';
        $server = $this->listen('unix://' . $path);
        self::assertSame('socket', filetype($path));
        self::assertSame(0600, fileperms($path) & 0777);
        $a = $this->connect('unix://' . $path);
        $b = $this->connect($path);
        $a->handle('hello', static fn (string $p): string => "a got $p");
        self::assertSame('one', $a->call('echo', 'one')->await());
        self::assertSame('two', $b->call('echo', 'two')->await());
        self::assertSame('a got from server', $a->call('callback', 'hello')->await());
        self::assertCount(2, $server->sessions());
        $a->close();
        self::assertTrue($a->closedCleanly());
        $server->close();
        self::assertFileDoesNotExist($path, 'the socket file is removed when the server stops');
    }

    public function testAStaleSocketIsReplacedButAnotherFileIsNot(): void
    {
        $stale = $this->dir->path . '/stale.sock';
        $socket = stream_socket_server('unix://' . $stale);
        fclose($socket);
        self::assertSame('socket', filetype($stale), 'a socket nobody accepts on');
        $this->listen('unix://' . $stale);
        self::assertSame('x', $this->connect('unix://' . $stale)->call('echo', 'x')->await());

        $file = $this->dir->path . '/not-a-socket';
        file_put_contents($file, 'data');
        try {
            $this->listen('unix://' . $file);
            self::fail('no exception');
        } catch (TransportException $e) {
            self::assertStringContainsString('not a socket', $e->getMessage());
        }
        self::assertSame('data', file_get_contents($file));

        try {
            $this->listen('unix://' . $stale);
            self::fail('no exception');
        } catch (TransportException $e) {
            self::assertStringContainsString('another server', $e->getMessage());
        }
    }

    public function testTcpOnLoopbackWithAnyFreePort(): void
    {
        $server = $this->listen('tcp://127.0.0.1:0');
        self::assertMatchesRegularExpression('/^127\.0\.0\.1:\d+$/', $server->displayAddress());
        self::assertNotSame('127.0.0.1:0', $server->displayAddress());
        $client = $this->connect($server->address());
        self::assertSame([1, 'two'], $client->call('echo', [1, 'two'])->await());
        $client->close();
        self::assertTrue($client->closedCleanly());
    }

    public function testANonLoopbackListenerNeedsAToken(): void
    {
        try {
            $this->listen('tcp://0.0.0.0:0');
            self::fail('no exception');
        } catch (TransportException $e) {
            self::assertStringContainsString('without a token', $e->getMessage());
        }
        $server = $this->listen('tcp://0.0.0.0:0', new SessionOptions(token: 't0ken', logger: static fn () => null));
        $port = (int) substr($server->displayAddress(), strrpos($server->displayAddress(), ':') + 1);
        $client = $this->connect(
            "tcp://127.0.0.1:$port",
            new SessionOptions(token: 't0ken', logger: static fn () => null),
        );
        self::assertSame('ok', $client->call('echo', 'ok')->await());
    }

    /** Issue 12 fault 10: loopback is decided on the resolved address, not on how the name reads. */
    public function testLoopbackIsDecidedOnTheResolvedAddress(): void
    {
        foreach (['tcp://127.0.0.1.evil.test:0', 'tcp://localhost.evil.test:0', 'tcp://[::]:0'] as $address) {
            try {
                $this->listen($address);
                self::fail("listened on $address without a token");
            } catch (TransportException $e) {
                self::assertStringContainsString('without a token', $e->getMessage(), $address);
            }
        }
        $server = $this->listen('tcp://localhost:0');
        self::assertStringStartsWith('127.', $server->displayAddress());
    }

    public function testConnectingToNothingIsATransportError(): void
    {
        $this->expectException(TransportException::class);
        $this->connect('unix://' . $this->dir->path . '/nobody.sock');
    }

    public function testTls(): void
    {
        if (!extension_loaded('openssl')) {
            self::markTestSkipped('the openssl extension is not loaded');
        }
        $pem = $this->dir->path . '/cert.pem';
        $key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
        $csr = openssl_csr_new(['commonName' => 'localhost'], $key);
        $cert = openssl_csr_sign($csr, null, $key, 1);
        openssl_x509_export($cert, $certPem);
        openssl_pkey_export($key, $keyPem);
        file_put_contents($pem, $certPem . $keyPem);
        $process = proc_open(
            [PHP_BINARY, dirname(__DIR__) . '/Fixtures/tls-server.php', $pem],
            [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']],
            $pipes,
        );
        self::assertIsResource($process);
        try {
            $line = (string) fgets($pipes[1]);
            self::assertStringStartsWith('LISTENING ', $line);
            $address = 'tls://' . trim(substr($line, 10));
            $client = Ipc::connect($address, new SessionOptions(logger: static fn () => null), tls: [
                'cafile' => $pem,
                'peer_name' => 'localhost',
            ], loop: $this->loop);
            $this->sessions[] = $client;
            self::assertSame('over tls', $client->call('echo', 'over tls')->await());
            $big = str_repeat('t', 2 * 1048576);
            self::assertSame($big, $client->call('echo', $big)->await());
            $client->close();
            self::assertTrue($client->closedCleanly());
        } finally {
            proc_terminate($process, 9);
            fclose($pipes[1]);
            proc_close($process);
        }
    }
}
