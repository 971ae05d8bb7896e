<?php

declare(strict_types=1);

namespace Parley\Tests\Service;

use Parley\Attribute\Request;
use Parley\Exception\ErrorCode;
use Parley\Exception\RemoteException;
use Parley\Tests\Fixtures\InvoiceService;
use Parley\Tests\Support\SessionPair;
use PHPUnit\Framework\TestCase;

/** Session::serve(): attribute-marked methods of a service object as handlers (issue 13 point 7). */
final class ServeTest extends TestCase
{
    private ?SessionPair $pair = null;

    protected function tearDown(): void
    {
        $this->pair?->dispose();
        $this->pair = null;
    }

    private function served(): SessionPair
    {
        $this->pair = new SessionPair();
        $names = $this->pair->server->serve(new InvoiceService());
        self::assertSame(
            [
                'invoice/render', 'invoice/total', 'invoice/codecOf', 'invoice/refuse', 'invoice/quote',
                'invoice/audit', 'invoice/audited',
            ],
            $names,
        );
        return $this->pair;
    }

    public function testParamsMapByNameByPositionAndWhole(): void
    {
        $c = $this->served()->client;
        $byName = $c->call('invoice/render', ['copies' => 3, 'id' => 'A-1'])->await();
        self::assertSame(['id' => 'A-1', 'copies' => 3, 'text' => 'Invoice A-1 x3'], $byName);
        $byPosition = $c->call('invoice/render', ['A-2', 2])->await();
        self::assertSame(['id' => 'A-2', 'copies' => 2, 'text' => 'Invoice A-2 x2'], $byPosition);
        self::assertSame('Invoice A-3 x1', $c->call('invoice/render', ['id' => 'A-3'])->await()['text'], 'default');
        self::assertSame(6.0, $c->call('invoice/total', [1, 2, 3])->await(), 'a list goes whole to an array');
        $lines = [['qty' => 2, 'price' => 2.5], ['qty' => 1, 'price' => 2]];
        self::assertSame(7.0, $c->call('invoice/total', $lines)->await());
        $whole = $c->call('invoice/total', ['a' => 2, 'b' => 3])->await();
        self::assertSame(5.0, $whole, 'an object whose keys are not the parameter name goes whole');
        $ctx = $c->call('invoice/codecOf', ['suffix' => '!'])->await();
        self::assertSame('json!', $ctx, 'a RequestContext parameter gets the context');
        self::assertSame('json?', $c->call('invoice/codecOf', ['?'])->await());
    }

    public function testMismatchesAreInvalidParamsAndTheSessionStaysOpen(): void
    {
        $c = $this->served()->client;
        $cases = [
            'wrong type' => [['id' => 42], 'Argument #1 ($id) must be of type string, int given'],
            'missing' => [['copies' => 2], 'parameter "id" is missing'],
            'unknown name' => [['id' => 'x', 'colour' => 'red'], 'unknown parameter(s) "colour"'],
            'too many' => [['a', 1, 2], '3 values given'],
            'none' => [null, 'parameter "id" is missing'],
        ];
        foreach ($cases as $label => [$params, $text]) {
            try {
                $c->call('invoice/render', $params)->await();
                self::fail("$label: no exception");
            } catch (RemoteException $e) {
                self::assertSame(ErrorCode::InvalidParams, $e->errorCode(), $label);
                self::assertStringContainsString($text, $e->getMessage(), $label);
                self::assertStringNotContainsString('called in', $e->getMessage(), "$label: no file paths");
            }
        }
        self::assertTrue($c->isOpen());
    }

    public function testErrorsNotificationsAndUnmarkedMethods(): void
    {
        $c = $this->served()->client;
        try {
            $c->call('invoice/refuse', ['why' => 'closed'])->await();
            self::fail('no exception');
        } catch (RemoteException $e) {
            self::assertSame(4100, $e->getCode());
            self::assertSame(['why' => 'closed', 'retry' => false], $e->getData());
        }
        $c->notify('invoice/audit', ['who' => 'ada']);
        $c->notify('invoice/audit', 'second');
        self::assertSame([['who' => 'ada'], 'second'], $c->call('invoice/audited')->await());
        try {
            $c->call('invoice/secret')->await();
            self::fail('no exception');
        } catch (RemoteException $e) {
            self::assertSame(ErrorCode::MethodNotFound, $e->errorCode());
        }
    }

    public function testAServedMethodCanCallThePeerBack(): void
    {
        $pair = $this->served();
        $pair->client->handle('pricing/price', static fn (array $p): float => $p[1] * 2.5);
        $quote = $pair->client->call('invoice/quote', ['sku' => 'X', 'qty' => 4])->await();
        self::assertSame(['sku' => 'X', 'qty' => 4, 'total' => 10.0], $quote);
    }

    public function testAnObjectWithoutMarkedMethodsIsRefused(): void
    {
        $this->pair = new SessionPair();
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('no public method marked #[Request] or #[Notification]');
        $this->pair->server->serve(new \ArrayObject());
    }

    public function testBothAttributesOnOneMethodAreRefused(): void
    {
        $this->pair = new SessionPair();
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('both #[Request] and #[Notification]');
        $this->pair->server->serve(new class {
            #[Request]
            #[\Parley\Attribute\Notification]
            public function x(): void
            {
            }
        });
    }
}
