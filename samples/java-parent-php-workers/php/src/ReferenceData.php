<?php

declare(strict_types=1);

namespace ParleyDemo\Invoices;

/**
 * The data every invoice needs and that changes rarely: customers, the product catalogue, tax
 * rates per country and tax class, exchange rates. A worker loads it once at start-up, so each
 * call only carries the order itself.
 */
final class ReferenceData
{
    /**
     * @param array<string, array<string, string>> $customers by customer id
     * @param array<string, array<string, string>> $products  by SKU
     * @param array<string, array<string, string>> $taxRates  by "COUNTRY/tax_class"
     * @param array<string, int>                   $fxPer10k  currency => units per 10,000 EUR units
     */
    public function __construct(
        public readonly array $customers,
        public readonly array $products,
        public readonly array $taxRates,
        public readonly array $fxPer10k,
    ) {
    }

    public static function load(string $dir): self
    {
        $customers = [];
        foreach (Csv::read("$dir/customers.csv") as $row) {
            $customers[$row['id']] = $row;
        }
        $products = [];
        foreach (Csv::read("$dir/products.csv") as $row) {
            $products[$row['sku']] = $row;
        }
        $taxRates = [];
        foreach (Csv::read("$dir/tax-rates.csv") as $row) {
            $taxRates[$row['country'] . '/' . $row['tax_class']] = $row;
        }
        $fx = [];
        foreach (Csv::read("$dir/fx-rates.csv") as $row) {
            // "0.9400" -> 9400: exchange with integers only, no float rounding surprises
            $fx[$row['currency']] = (int) round(((float) $row['per_eur']) * 10000);
        }
        return new self($customers, $products, $taxRates, $fx);
    }
}
