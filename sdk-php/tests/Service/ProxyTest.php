<?php

declare(strict_types=1);

namespace Parley\Tests\Service;

use Parley\Exception\RemoteException;
use Parley\Session\Call;
use Parley\Tests\Fixtures\InvoiceApi;
use Parley\Tests\Fixtures\InvoiceService;
use Parley\Tests\Fixtures\UnmarkedApi;
use Parley\Tests\Support\SessionPair;
use PHPUnit\Framework\TestCase;

/**
 * Session::proxy(): a typed client over an interface marked with #[Request]/#[Notification], the
 * mirror of the Java SDK's Session.proxy (sdk-java's ProxyPhpTest drives the same proxy from PHP
 * to a Java-served object over stdio, unix, tcp and tls).
 */
final class ProxyTest extends TestCase
{
    private ?SessionPair $pair = null;

    protected function tearDown(): void
    {
        $this->pair?->dispose();
        $this->pair = null;
    }

    private function api(): InvoiceApi
    {
        $this->pair = new SessionPair();
        $this->pair->server->serve(new InvoiceService());
        return $this->pair->client->proxy(InvoiceApi::class);
    }

    public function testRequestsAreCalledWithTheirArgumentsAndDeclaredDefaults(): void
    {
        $api = $this->api();
        self::assertInstanceOf(InvoiceApi::class, $api);
        self::assertSame(['id' => 'A-1', 'copies' => 3, 'text' => 'Invoice A-1 x3'], $api->render('A-1', 3));
        self::assertSame('Invoice A-2 x1', $api->render('A-2')['text'], 'the declared default is sent');
        self::assertSame(6.5, $api->total([1.5, 2.0, 3.0]), 'one argument is the params: a list goes whole');
        self::assertSame('json!', $api->codecWith('!'), 'one scalar argument fills the first parameter');
        $later = $api->renderLater('A-3');
        self::assertInstanceOf(Call::class, $later, 'a method returning Call does not wait');
        self::assertSame('Invoice A-3 x1', $later->await()['text']);
    }

    public function testNotificationsArriveInOrderBeforeALaterRequest(): void
    {
        $api = $this->api();
        $api->audit(['who' => 'ada']);
        $api->audit('second');
        self::assertSame([['who' => 'ada'], 'second'], $api->audited());
    }

    public function testRemoteErrorsAreThrownTyped(): void
    {
        $api = $this->api();
        try {
            $api->refuse('closed');
            self::fail('no exception');
        } catch (RemoteException $e) {
            self::assertSame(4100, $e->getCode());
            self::assertSame(['why' => 'closed', 'retry' => false], $e->getData());
        }
        self::assertSame('still', $api->render('still')['id'], 'the session goes on');
    }

    public function testTheProxyKeepsTheInterfaceSignatures(): void
    {
        $api = $this->api();
        $render = new \ReflectionMethod($api, 'render');
        self::assertSame('array', (string) $render->getReturnType());
        self::assertSame(1, $render->getParameters()[1]->getDefaultValue());
        self::assertSame('string|int|null', (string) (new \ReflectionMethod($api, 'codecWith'))->getReturnType());
        $again = $this->pair?->client->proxy(InvoiceApi::class);
        self::assertSame(get_class($api), get_class((object) $again), 'one class per interface');
        self::assertSame(InvoiceApi::class . ' proxy', (string) $api);
    }

    public function testAnInterfaceWithAnUnmarkedMethodIsRefusedByName(): void
    {
        $this->pair = new SessionPair();
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage(UnmarkedApi::class . '::unmarked() is not marked #[Request] or #[Notification]');
        $this->pair->client->proxy(UnmarkedApi::class);
    }

    public function testAClassIsNotAProxyInterface(): void
    {
        $this->pair = new SessionPair();
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage(InvoiceService::class . ' is not an interface');
        $this->pair->client->proxy(InvoiceService::class);
    }
}
