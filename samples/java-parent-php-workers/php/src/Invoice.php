<?php

declare(strict_types=1);

namespace ParleyDemo\Invoices;

/** A computed invoice: lines, tax per rate, totals, all in the customer's currency. */
final class Invoice
{
    /**
     * @param array<string, string>    $customer the customers.csv row
     * @param list<InvoiceLine>        $lines
     * @param array<string, int>       $taxByLabel tax label => tax amount
     */
    public function __construct(
        public readonly string $number,
        public readonly string $orderId,
        public readonly string $date,
        public readonly array $customer,
        public readonly string $currency,
        public readonly array $lines,
        public readonly array $taxByLabel,
        public readonly int $net,
        public readonly int $tax,
    ) {
    }

    public function total(): int
    {
        return $this->net + $this->tax;
    }
}
