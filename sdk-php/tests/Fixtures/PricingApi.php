<?php

declare(strict_types=1);

namespace Parley\Tests\Fixtures;

use Parley\Attribute\Request;
use Parley\Attribute\Segment;

/** Prices, as {@see InvoiceService::quote()} asks its caller for them through a proxy. */
#[Segment('pricing/')]
interface PricingApi
{
    #[Request]
    public function price(string $sku, int $qty): float;
}
