<?php

declare(strict_types=1);

namespace Parley\Tests\Codec;

use Parley\Codec\Payload;
use Parley\Frame\FrameDescriptor;
use Parley\Frame\FrameKind;
use Parley\Internal\Call\AutoCompression;
use Parley\Session\SessionOptions;
use Parley\Transport\StreamTransport;
use Parley\Transport\Transport;
use Parley\Tests\Support\RecordingTransport;
use Parley\Tests\Support\SessionPair;
use PHPUnit\Framework\TestCase;

use function fclose;
use function mt_rand;
use function mt_srand;
use function net_get_interfaces;
use function str_repeat;
use function stream_socket_accept;
use function stream_socket_client;
use function stream_socket_get_name;
use function stream_socket_pair;
use function stream_socket_server;

/**
 * When bodies are compressed without being asked to (SPEC §10.2; the same rule as the Java SDK's
 * AutoCompressionTest): only towards another host unless the session option says otherwise, and
 * then only bodies from the threshold up whose sample does not look random. Checked on the frames
 * actually written.
 */
final class AutoCompressionTest extends TestCase
{
    private static function randomBytes(int $n): string
    {
        mt_srand(7);
        $out = '';
        for ($i = 0; $i < $n; $i += 4) {
            $out .= pack('N', mt_rand());
        }
        return substr($out, 0, $n);
    }

    /**
     * Echoes $body (raw codec) between two sessions on a Unix socket pair.
     *
     * @return array{int, int} the compression byte of the request and of the response
     */
    private static function echo(string $body, SessionOptions $options): array
    {
        $wires = [];
        $record = static function (Transport $inner) use (&$wires): Transport {
            return $wires[] = new RecordingTransport($inner);
        };
        $options = $options->with(compression: ['deflate'], transportDecorator: $record);
        $pair = new SessionPair($options, $options);
        try {
            $pair->server->handle('echo', static fn (string $bytes): Payload => Payload::raw($bytes));
            self::assertSame($body, $pair->client->call('echo', Payload::raw($body))->await());
            [$client, $server] = $wires;
            $first = static function (RecordingTransport $wire, int $kind): int {
                foreach ($wire->writtenFrames() as $frame) {
                    if ($frame['kind'] === $kind) {
                        return $frame['compression'];
                    }
                }
                self::fail("no frame of kind $kind written");
            };
            return [$first($client, FrameKind::REQUEST), $first($server, FrameKind::RESPONSE)];
        } finally {
            $pair->dispose();
        }
    }

    public function testLocalTransportsSendEvenCompressibleBodiesUncompressedByDefault(): void
    {
        self::assertSame([0, 0], self::echo(str_repeat('parley ', 20000), new SessionOptions()));
    }

    public function testTheOptionTurnsItOnAndOff(): void
    {
        $deflate = FrameDescriptor::COMPRESSION_DEFLATE;
        $text = str_repeat('parley ', 20000);
        self::assertSame([$deflate, $deflate], self::echo($text, new SessionOptions(autoCompression: true)));
        self::assertSame([0, 0], self::echo($text, new SessionOptions(autoCompression: false)));
    }

    public function testRandomLookingBodiesAreNotCompressedEvenWhenOn(): void
    {
        self::assertSame([0, 0], self::echo(self::randomBytes(256 * 1024), new SessionOptions(autoCompression: true)));
    }

    public function testBodiesUnderTheThresholdStayUncompressed(): void
    {
        $text = str_repeat('parley ', 20000);
        $options = new SessionOptions(autoCompression: true, compressionThreshold: strlen($text) + 1);
        self::assertSame([0, 0], self::echo($text, $options));
    }

    public function testTheSampleTellsRandomFromText(): void
    {
        self::assertTrue(AutoCompression::looksIncompressible(self::randomBytes(64 * 1024)));
        self::assertFalse(AutoCompression::looksIncompressible(str_repeat('{"id":17,"name":"parley"},', 3000)));
        self::assertFalse(AutoCompression::looksIncompressible(self::randomBytes(4000)), 'under 4 KiB: no sample');
    }

    public function testUnixSocketsAndLoopbackTcpAreLocal(): void
    {
        [$a, $b] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        self::assertFalse(AutoCompression::reachesOtherHost(new StreamTransport($a, $a, 'unix pair')));
        fclose($a);
        fclose($b);
        self::assertSame([false, false], self::tcpEnds('127.0.0.1'));
    }

    public function testTcpToANonLoopbackAddressReachesAnotherHost(): void
    {
        $address = null;
        foreach (net_get_interfaces() ?: [] as $interface) {
            foreach ($interface['unicast'] ?? [] as $unicast) {
                $ip = $unicast['address'] ?? '';
                if (($unicast['family'] ?? 0) === 2 && $ip !== '' && !str_starts_with($ip, '127.')) {
                    $address = $ip;
                }
            }
        }
        if ($address === null) {
            self::markTestSkipped('this machine has no non-loopback IPv4 address');
        }
        self::assertSame([true, true], self::tcpEnds($address));
    }

    /** @return array{bool, bool} reachesOtherHost() of the connecting and the accepted end */
    private static function tcpEnds(string $ip): array
    {
        $server = stream_socket_server("tcp://$ip:0", $errno, $error);
        self::assertNotFalse($server, "cannot listen on $ip: $error");
        $client = stream_socket_client('tcp://' . stream_socket_get_name($server, false), $errno, $error, 5);
        self::assertNotFalse($client, $error);
        $accepted = stream_socket_accept($server, 5);
        self::assertNotFalse($accepted);
        try {
            return [
                AutoCompression::reachesOtherHost(new StreamTransport($client, $client, 'client')),
                AutoCompression::reachesOtherHost(new StreamTransport($accepted, $accepted, 'accepted')),
            ];
        } finally {
            fclose($client);
            fclose($accepted);
            fclose($server);
        }
    }
}
