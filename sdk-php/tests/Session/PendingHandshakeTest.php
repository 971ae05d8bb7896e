<?php

declare(strict_types=1);

namespace Parley\Tests\Session;

use Parley\Exception\ParleyException;
use Parley\Loop\EventLoop;
use Parley\Ipc;
use Parley\Session\Session;
use Parley\Session\SessionOptions;
use Parley\Tests\Support\TempDir;
use Parley\Transport\ListenOptions;
use Parley\Transport\SocketConnector;
use Parley\Transport\SocketServer;
use PHPUnit\Framework\TestCase;

/**
 * Connections before their handshake (issue 12 faults 1, 8, 11): capped, timed out, never blocking
 * the loop (TLS handshakes are driven by it), and a peer speaking the other dialect (TLS or plain)
 * is told so at once.
 */
final class PendingHandshakeTest extends TestCase
{
    private TempDir $dir;
    private EventLoop $loop;

    protected function setUp(): void
    {
        $this->dir = new TempDir();
        $this->loop = new EventLoop();
    }

    protected function tearDown(): void
    {
        $this->dir->remove();
    }

    /** @return resource */
    private static function idle(string $address): mixed
    {
        $s = stream_socket_client($address, $errno, $error, 5);
        self::assertNotFalse($s, $error);
        return $s;
    }

    private function serve(SocketServer $server, float $seconds): void
    {
        $end = microtime(true) + $seconds;
        while (microtime(true) < $end) {
            $this->loop->tick(false);
            usleep(1000);
        }
    }

    public function testBeyondTheCapTheLongestWaitingConnectionIsClosedAndAGoodClientGetsASession(): void
    {
        $server = SocketServer::listen('unix://' . $this->dir->path . '/cap.sock', static function (Session $s): void {
            $s->handle('echo', static fn (mixed $p): mixed => $p);
        }, new SessionOptions(logger: static fn () => null), $this->loop, [], new ListenOptions(3));
        try {
            $idle = [];
            for ($i = 0; $i < 6; $i++) {
                $idle[] = self::idle($server->address());
                $this->serve($server, 0.02);
            }
            self::assertSame(3, $server->pendingCount());
            for ($i = 0; $i < 3; $i++) {
                stream_set_timeout($idle[$i], 5);
                self::assertSame('', fread($idle[$i], 16), "idle connection $i");
                self::assertTrue(feof($idle[$i]), "idle connection $i was closed by the server");
            }
            $quiet = new SessionOptions(logger: static fn () => null);
            $client = Ipc::connect($server->address(), $quiet, loop: $this->loop);
            self::assertSame('hi', $client->call('echo', 'hi')->await());
            $client->close();
        } finally {
            $server->close();
        }
    }

    public function testIpcListenTakesListenOptionsForTheCapAndTheTimeout(): void
    {
        $logged = [];
        $options = new SessionOptions(logger: static function (string $level, string $m) use (&$logged): void {
            $logged[] = $m;
        }); // its handshake timeout (10 s) is not the one that applies: ListenOptions' is
        $server = Ipc::listen('tcp://127.0.0.1:0', static function (): void {
        }, $options, loop: $this->loop, listen: new ListenOptions(maxPendingHandshakes: 2, handshakeTimeout: 0.3));
        try {
            $idle = [];
            for ($i = 0; $i < 3; $i++) {
                $idle[] = self::idle($server->address());
                $this->serve($server, 0.02);
            }
            self::assertSame(2, $server->pendingCount(), 'the cap');
            stream_set_timeout($idle[0], 5);
            self::assertSame('', fread($idle[0], 16));
            self::assertTrue(feof($idle[0]), 'the one waiting longest was closed');
            $this->serve($server, 0.6);
            self::assertSame(0, $server->pendingCount(), 'the timeout');
            self::assertStringContainsString('completed no handshake within 0.3 s', implode("\n", $logged));
        } finally {
            $server->close();
        }
        $this->expectException(\InvalidArgumentException::class);
        Ipc::listen('tcp://127.0.0.1:0', static function (): void {
        }, $options, loop: $this->loop, listen: ListenOptions::defaults()->withClientCertificateRequired(true));
    }

    /** Mutual TLS: a client without a certificate is refused, one with a trusted certificate gets a session. */
    public function testAListenerThatRequiresClientCertificatesRefusesAClientWithoutOne(): void
    {
        if (!extension_loaded('openssl')) {
            self::markTestSkipped('the openssl extension is not loaded');
        }
        $clientPem = $this->selfSigned('client.pem', 1); // self-signed: its own CA
        $child = $this->childServer(true, 1, $clientPem);
        $quiet = new SessionOptions(logger: static fn () => null, handshakeTimeout: 10.0);
        try {
            $tls = ['cafile' => $child[3], 'peer_name' => 'localhost'];
            try {
                $anonymous = Ipc::connect('tls://' . $child[2], $quiet, 10.0, tls: $tls, loop: $this->loop);
                $anonymous->call('echo', 1, timeout: 10.0)->await();
                self::fail('a client without a certificate got a session');
            } catch (ParleyException $e) {
                self::assertStringNotContainsString('deadline', $e->getMessage());
            }
            $tls['local_cert'] = $clientPem;
            $known = Ipc::connect('tls://' . $child[2], $quiet, 10.0, tls: $tls, loop: $this->loop);
            self::assertSame(2, $known->call('echo', 2, timeout: 10.0)->await());
            $known->close();
        } finally {
            self::stop($child);
        }
    }

    public function testAConnectionSilentPastTheHandshakeTimeoutIsClosedAndLogged(): void
    {
        $logged = [];
        $server = SocketServer::listen('tcp://127.0.0.1:0', static function (): void {
        }, new SessionOptions(logger: static function (string $level, string $m) use (&$logged): void {
            $logged[] = $m;
        }, handshakeTimeout: 0.2), $this->loop);
        try {
            $idle = self::idle($server->address());
            $this->serve($server, 0.05);
            self::assertSame(1, $server->pendingCount());
            $this->serve($server, 0.5);
            self::assertSame(0, $server->pendingCount());
            stream_set_timeout($idle, 5);
            self::assertSame('', fread($idle, 16));
            self::assertTrue(feof($idle));
            self::assertStringContainsString('completed no handshake', implode("\n", $logged));
        } finally {
            $server->close();
        }
    }

    /** @return array{0: resource, 1: array<int, resource>, 2: string, 3: string} process, pipes, address, pem */
    private function childServer(bool $tls, int $days = 1, ?string $clientCa = null): array
    {
        $pem = $this->selfSigned('cert.pem', $days);
        $process = proc_open(
            [
                PHP_BINARY,
                dirname(__DIR__) . '/Fixtures/tls-server.php',
                $tls ? $pem : 'plain',
                ...($clientCa !== null ? [$clientCa] : []),
            ],
            [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']],
            $pipes,
        );
        self::assertIsResource($process);
        $line = (string) fgets($pipes[1]);
        self::assertStringStartsWith('LISTENING ', $line);
        return [$process, $pipes, trim(substr($line, 10)), $pem];
    }

    private function selfSigned(string $file, int $days): string
    {
        $pem = $this->dir->path . '/' . $file;
        $key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
        $csr = openssl_csr_new(['commonName' => 'localhost'], $key);
        $cert = openssl_csr_sign($csr, null, $key, $days);
        openssl_x509_export($cert, $certPem);
        openssl_pkey_export($key, $keyPem);
        file_put_contents($pem, $certPem . $keyPem);
        return $pem;
    }

    /** Issue 12 fault 11: an expired server certificate and one from an unknown CA are told apart. */
    public function testAnExpiredCertificateIsToldApartFromAnUnknownCa(): void
    {
        if (!extension_loaded('openssl')) {
            self::markTestSkipped('the openssl extension is not loaded');
        }
        $child = $this->childServer(true, 0); // valid for 0 days: expired a second later
        try {
            sleep(2);
            try {
                $tls = ['cafile' => $child[3], 'peer_name' => 'localhost'];
                SocketConnector::connect('tls://' . $child[2], 30.0, $tls);
                self::fail('an expired certificate was accepted');
            } catch (ParleyException $e) {
                self::assertStringContainsString('certificate expired on', $e->getMessage());
            }
        } finally {
            self::stop($child);
        }
        $fresh = $this->childServer(true);
        try {
            $other = $this->selfSigned('other2.pem', 1);
            try {
                $tls = ['cafile' => $other, 'peer_name' => 'localhost'];
                SocketConnector::connect('tls://' . $fresh[2], 30.0, $tls);
                self::fail('a certificate from an untrusted issuer was accepted');
            } catch (ParleyException $e) {
                self::assertStringContainsString('not issued by a CA this client trusts', $e->getMessage());
                self::assertStringNotContainsString('expired', $e->getMessage());
            }
        } finally {
            self::stop($fresh);
        }
    }

    /** @param array{0: resource, 1: array<int, resource>, 2: string, 3: string} $child */
    private static function stop(array $child): void
    {
        proc_terminate($child[0], 9);
        fclose($child[1][1]);
        proc_close($child[0]);
    }

    /**
     * Issue 12 fault 8: silent TCP connections to a TLS listener used to block its loop 5 s each in
     * a blocking TLS accept; now neither a new TLS client nor an open session's call waits for them.
     * Before the fix the new client's connect and the open session's call ran into their 10 s bounds.
     */
    public function testSilentConnectionsDoNotBlockATlsServer(): void
    {
        if (!extension_loaded('openssl')) {
            self::markTestSkipped('the openssl extension is not loaded');
        }
        $child = $this->childServer(true);
        $tls = ['cafile' => $child[3], 'peer_name' => 'localhost'];
        $quiet = new SessionOptions(logger: static fn () => null, handshakeTimeout: 10.0);
        $silent = [];
        try {
            $open = Ipc::connect('tls://' . $child[2], $quiet, tls: $tls, loop: $this->loop);
            self::assertSame(1, $open->call('echo', 1)->await());
            for ($i = 0; $i < 20; $i++) {
                $silent[] = self::idle('tcp://' . $child[2]);
            }
            usleep(100000); // the server has accepted them (a blocking TLS accept would now be waiting)
            self::assertSame(2, $open->call('echo', 2, timeout: 10.0)->await(), 'the open session is served');
            $fresh = Ipc::connect('tls://' . $child[2], $quiet, 10.0, tls: $tls, loop: $this->loop);
            self::assertSame(3, $fresh->call('echo', 3, timeout: 10.0)->await(), 'a new TLS client is served');
            $fresh->close();
            $open->close();
        } finally {
            foreach ($silent as $s) {
                fclose($s);
            }
            self::stop($child);
        }
    }

    /** Issue 12 fault 11: a plain client at a TLS listener is told the listener speaks TLS (HANDSHAKE_FAILED). */
    public function testAPlainClientAtATlsListenerIsToldItSpeaksTls(): void
    {
        if (!extension_loaded('openssl')) {
            self::markTestSkipped('the openssl extension is not loaded');
        }
        $child = $this->childServer(true);
        try {
            $options = new SessionOptions(logger: static fn () => null, handshakeTimeout: 60.0);
            $client = Ipc::connect('tcp://' . $child[2], $options, loop: $this->loop);
            try {
                $client->awaitOpen();
                self::fail('a session opened with a TLS listener over plain TCP');
            } catch (ParleyException $e) {
                self::assertStringContainsString('speaks TLS and the client does not', $e->getMessage());
            }
        } finally {
            self::stop($child);
        }
    }

    /** Issue 12 fault 11: a TLS client at a plain listener fails in its handshake, saying the server does not speak TLS. */
    public function testATlsClientAtAPlainListenerIsToldTheServerDoesNotSpeakTls(): void
    {
        if (!extension_loaded('openssl')) {
            self::markTestSkipped('the openssl extension is not loaded');
        }
        $child = $this->childServer(false);
        try {
            SocketConnector::connect('tls://' . $child[2], 60.0, ['cafile' => $child[3], 'peer_name' => 'localhost']);
            self::fail('a TLS handshake succeeded with a plain listener');
        } catch (ParleyException $e) {
            self::assertStringContainsString('this client speaks TLS and the server does not', $e->getMessage());
        } finally {
            self::stop($child);
        }
    }
}
