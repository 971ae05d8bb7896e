<?php

declare(strict_types=1);

namespace Parley\Tests\Fixtures;

use Parley\Attribute\Notification;
use Parley\Attribute\Request;
use Parley\Attribute\Segment;
use Parley\Exception\RemoteException;
use Parley\Session\RequestContext;

/**
 * A service object for the attribute layer's tests, and for the Java proxy tests
 * (tests/Fixtures/service-worker.php serves it): params by name, by position, whole, with a context.
 */
#[Segment('invoice/')]
final class InvoiceService
{
    /** @var list<mixed> */
    public array $audited = [];

    /** By name from an object, or by position from a list. */
    #[Request]
    public function render(string $id, int $copies = 1): array
    {
        return ['id' => $id, 'copies' => $copies, 'text' => "Invoice $id x$copies"];
    }

    /** One parameter that takes the whole params (object or list). */
    #[Request('total')]
    public function sumOfLines(array $lines): float
    {
        $sum = 0.0;
        foreach ($lines as $line) {
            $sum += is_array($line) ? $line['qty'] * $line['price'] : $line;
        }
        return $sum;
    }

    #[Request]
    public function codecOf(RequestContext $ctx, string $suffix): string
    {
        return $ctx->codec() . $suffix;
    }

    #[Request]
    public function refuse(string $why): never
    {
        throw new RemoteException("refused: $why", 4100, ['why' => $why, 'retry' => false]);
    }

    /**
     * Calls the caller back (a nested call) through a typed proxy: the Java tests serve pricing/price
     * with an annotated object.
     */
    #[Request]
    public function quote(RequestContext $ctx, string $sku, int $qty): array
    {
        $total = $ctx->session()->proxy(PricingApi::class)->price($sku, $qty);
        return ['sku' => $sku, 'qty' => $qty, 'total' => $total];
    }

    #[Notification]
    public function audit(mixed $event): void
    {
        $this->audited[] = $event;
    }

    #[Request]
    public function audited(): array
    {
        return $this->audited;
    }

    /** Not marked: never served. */
    public function secret(): string
    {
        return 'hidden';
    }
}
