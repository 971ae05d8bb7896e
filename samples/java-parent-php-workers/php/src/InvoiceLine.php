<?php

declare(strict_types=1);

namespace ParleyDemo\Invoices;

/** One priced line of an invoice; amounts in the customer's currency, minor units. */
final class InvoiceLine
{
    public function __construct(
        public readonly string $sku,
        public readonly string $description,
        public readonly int $quantity,
        public readonly int $unitPrice,
        public readonly int $discountPercent,
        public readonly int $net,
        public readonly string $taxLabel,
        public readonly int $taxPerMille,
    ) {
    }
}
