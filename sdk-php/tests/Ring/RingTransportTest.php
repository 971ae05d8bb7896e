<?php

declare(strict_types=1);

namespace Parley\Tests\Ring;

use Parley\Exception\PeerGoneException;
use Parley\Exception\ProtocolException;
use Parley\Internal\Ring\OneToOneRing;
use Parley\Internal\Ring\RingLayout;
use Parley\Loop\EventLoop;
use Parley\Transport\RingTransport;
use PHPUnit\Framework\TestCase;

/**
 * Both ends of the ring transport in one process (SPEC §9.4): the sleep/wake handshake with DATA
 * and SPACE doorbells, large writes split into records, orderly close, a vanished peer, and
 * corruption reported as PROTOCOL_ERROR.
 */
final class RingTransportTest extends TestCase
{
    private RingFixture $rings;
    private EventLoop $loop;
    private RingTransport $parent;
    private RingTransport $child;
    /** @var resource */
    private mixed $parentSocket;
    /** @var resource */
    private mixed $childSocket;

    protected function setUp(): void
    {
        $this->rings = new RingFixture(65536);
        $this->loop = new EventLoop();
        [$this->parentSocket, $this->childSocket] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0);
        $libc = $this->rings->libc;
        $this->parent = new RingTransport($this->rings->parent, $this->parentSocket, $libc, $this->loop, 'parent');
        $this->child = new RingTransport($this->rings->child, $this->childSocket, $libc, $this->loop, 'child');
    }

    protected function tearDown(): void
    {
        $this->parent->close();
        $this->child->close();
    }

    public function testASleepingReaderIsWokenByTheDataDoorbell(): void
    {
        self::assertSame('', $this->child->read());
        self::assertFalse($this->child->prepareToSleep(), 'nothing committed: the loop may block');
        $sleep = $this->rings->child->i32(RingLayout::A_CONSUMER_SLEEP >> 2);
        self::assertSame(1, $sleep & 1, 'going to sleep announces it');
        self::assertFalse($this->readable($this->child->readStream()));

        self::assertSame(5, $this->parent->write('hello'));
        self::assertTrue($this->readable($this->child->readStream()), 'the DATA doorbell woke the reader');
        self::assertSame('hello', $this->child->read());
        self::assertSame(0, $this->rings->child->i32(RingLayout::A_CONSUMER_SLEEP >> 2) & 1, 'awake again');
        self::assertFalse($this->readable($this->child->readStream()), 'the doorbell byte was taken');
    }

    public function testASleepWaitsAndTakesTheDoorbellInOneCall(): void
    {
        self::assertFalse($this->child->prepareToSleep());
        self::assertFalse($this->child->sleep(0.002), 'nothing came: the time runs out');
        self::assertSame(5, $this->parent->write('hello'));
        self::assertTrue($this->child->sleep(1.0), 'the DATA doorbell ends the sleep');
        self::assertFalse($this->readable($this->child->readStream()), 'the sleep took the doorbell byte');
        self::assertSame('hello', $this->child->read());
        self::assertSame(0, $this->rings->child->i32(RingLayout::A_CONSUMER_SLEEP >> 2) & 1, 'awake again');
        self::assertSame(0, $this->child->lostWakeups());
    }

    public function testASleepThatRunsOutWithRecordsAndNoDoorbellIsALostWakeUp(): void
    {
        self::assertFalse($this->child->prepareToSleep());
        // a producer that breaks §9.4: it commits but never looks at the sleep announcement
        self::assertTrue($this->rings->parent->out->offer(OneToOneRing::TYPE_DATA, 'quiet', 0, 5));
        self::assertTrue($this->child->sleep(0.002), 'the records are there: the watcher is called');
        self::assertSame(1, $this->child->lostWakeups());
        self::assertSame('quiet', $this->child->read());
    }

    public function testAWriterWaitingForSpaceKeepsTheLoopOnSelect(): void
    {
        self::assertFalse($this->child->prepareToSleep());
        $this->rings->child->setI32($this->rings->child->myWait, 1);
        self::assertNull($this->child->sleep(0.002), 'the SPACE signal has a stream of its own: select both');
        $this->rings->child->setI32($this->rings->child->myWait, 2);
    }

    public function testAnAwakeReaderIsNotRungButSeesTheRecords(): void
    {
        self::assertFalse($this->child->hasWork());
        self::assertSame(3, $this->parent->write('abc'));
        self::assertFalse($this->readable($this->child->readStream()), 'no doorbell: the reader is awake');
        self::assertTrue($this->child->hasWork(), 'the loop sees the committed record without a system call');
        self::assertSame('abc', $this->child->read());
        self::assertFalse($this->child->hasWork());
    }

    public function testARecordCommittedBeforeTheAnnouncementIsSeenByTheRecheck(): void
    {
        $this->parent->write('early');
        self::assertTrue($this->child->prepareToSleep(), 'the re-check after the fence sees the record');
        self::assertSame('early', $this->child->read());
    }

    public function testTheLoopCallsTheReaderForRecordsAndSleepsOnTheSocket(): void
    {
        $got = [];
        $key = $this->loop->onReadable($this->child->readStream(), function () use (&$got): void {
            $got[] = $this->child->read();
        }, false, $this->child);
        $this->parent->write('one');
        $this->loop->tick(true, 1.0);
        self::assertSame(['one'], $got, 'called for the committed record, no doorbell needed');

        $this->loop->tick(true, 0.001);
        self::assertSame(1, $this->rings->child->i32(RingLayout::A_CONSUMER_SLEEP >> 2) & 1, 'asleep before blocking');
        $this->parent->write('two');
        $this->loop->tick(true, 1.0);
        self::assertSame(['one', 'two'], $got);

        $this->parent->shutdownOutput();
        $this->loop->tick(true, 1.0);
        $this->loop->tick(true, 0.001);
        self::assertSame(['one', 'two', null], $got, 'the CLOSE record is the end of the stream');
        $this->loop->cancel($key);
    }

    public function testAWriterOfAFullRingIsWokenByTheSpaceDoorbell(): void
    {
        $data = random_bytes(200000);
        $written = $this->parent->write($data);
        self::assertGreaterThan(0, $written);
        self::assertLessThan(65536, $written, 'a 64 KiB ring cannot take 200 KB');
        self::assertSame(1, $this->rings->parent->i32(RingLayout::A_PRODUCER_WAIT >> 2) & 1);
        self::assertFalse($this->readable($this->parent->spaceStream()));

        $received = $this->child->read();
        self::assertTrue($this->readable($this->parent->readStream()), 'the consumer rang SPACE');
        self::assertSame('', $this->parent->read());
        self::assertTrue($this->readable($this->parent->spaceStream()), 'the SPACE doorbell woke the writer');
        while (strlen($received) < strlen($data)) {
            $written += $this->parent->write(substr($data, $written));
            $this->parent->read();
            $received .= $this->child->read();
        }
        self::assertTrue($received === $data);
    }

    public function testOrderlyCloseDeliversEverythingThenTheEnd(): void
    {
        $this->parent->write('last words');
        self::assertTrue($this->parent->shutdownOutput());
        self::assertSame(RingLayout::STATE_CLOSED, $this->rings->child->i32(RingLayout::A_PRODUCER_STATE >> 2));
        self::assertSame('last words', $this->child->read());
        self::assertNull($this->child->read());
        $this->expectException(PeerGoneException::class);
        $this->parent->write('more');
    }

    public function testAVanishedPeerIsTheEndAfterItsCommittedRecords(): void
    {
        $this->parent->write('committed');
        stream_socket_shutdown($this->parentSocket, STREAM_SHUT_RDWR);
        $this->drainLoop();
        self::assertSame('committed', $this->child->read());
        self::assertNull($this->child->read());
        $this->expectException(PeerGoneException::class);
        $this->child->write('to nobody');
    }

    public function testTheParentsEndOfStdinEndsTheInputAfterItsCommittedRecords(): void
    {
        $this->parent->write('before');
        $this->child->parentGone();
        self::assertTrue($this->child->hasWork(), 'the loop calls the reader to see the end');
        self::assertSame('before', $this->child->read());
        self::assertNull($this->child->read());
        self::assertFalse($this->child->hasWork(), 'nothing more to call it for');
    }

    public function testAnUnknownDoorbellByteIsAProtocolError(): void
    {
        fwrite($this->parentSocket, "\x07");
        $this->drainLoop();
        $this->expectException(ProtocolException::class);
        $this->expectExceptionMessage('unexpected byte 0x07');
        $this->child->read();
    }

    public function testACorruptRingIsAProtocolError(): void
    {
        $this->parent->write('fine');
        // Overwrite the committed record's length with one that runs past the end of the data.
        $this->rings->parent->map->i32[RingLayout::ringAOffset() >> 2] = 1 << 24;
        $this->expectException(ProtocolException::class);
        $this->child->read();
    }

    private function drainLoop(): void
    {
        for ($i = 0; $i < 5; $i++) {
            $this->loop->tick(false);
        }
    }

    /** @param resource $stream */
    private function readable(mixed $stream): bool
    {
        $read = [$stream];
        $write = $except = null;
        return stream_select($read, $write, $except, 0) === 1;
    }
}
