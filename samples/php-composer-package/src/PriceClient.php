<?php

declare(strict_types=1);

namespace Checkout;

use Parley\Exception\RemoteException;
use Parley\Ipc;
use Parley\Session\Session;

/**
 * Asks the Java price service (io.parley.samples.PriceService) for quotes over a Unix socket.
 */
final class PriceClient
{
    private function __construct(private readonly Session $session)
    {
    }

    public static function connect(string $socketPath): self
    {
        return new self(Ipc::connect('unix://' . $socketPath));
    }

    /**
     * @param array<string, int> $basket sku => quantity
     * @return array{net: string, vat: string, gross: string, served_by: string}
     * @throws RemoteException when the service refuses the basket (4004: unknown sku)
     */
    public function quote(array $basket, int $vatPercent): array
    {
        $items = [];
        foreach ($basket as $sku => $qty) {
            $items[] = ['sku' => $sku, 'qty' => $qty];
        }
        return $this->session->call('price.quote', ['items' => $items, 'vat_percent' => $vatPercent], timeout: 5.0)
            ->await();
    }

    public function close(): void
    {
        $this->session->close();
    }
}
