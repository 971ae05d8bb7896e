<?php

declare(strict_types=1);

namespace ParleyDemo\Invoices;

use Parley\Exception\RemoteException;

/**
 * Prices an order: converts catalogue prices (EUR) to the customer's currency, applies line
 * discounts, and computes tax per rate on the sum of the lines at that rate (as EU invoices do),
 * rounding half up at each step, in integer minor units.
 */
final class InvoiceCalculator
{
    /** Error code for an order that cannot be invoiced (a business error, not a crash). */
    public const INVALID_ORDER = 4001;

    public function __construct(private readonly ReferenceData $data)
    {
    }

    /**
     * Prices one line; throws a typed error the Java caller receives as a RemoteException.
     *
     * @param array<string, mixed> $order
     * @param array<string, mixed> $line
     */
    public function line(array $order, array $line, int $index): InvoiceLine
    {
        $customer = $this->customer($order);
        $sku = (string) ($line['sku'] ?? '');
        $product = $this->data->products[$sku] ?? throw new RemoteException(
            sprintf("order %s line %d: unknown SKU '%s' (not in products.csv)", $order['id'], $index + 1, $sku),
            self::INVALID_ORDER,
        );
        $qty = $line['qty'] ?? null;
        if (!is_int($qty) || $qty <= 0) {
            throw new RemoteException(
                sprintf('order %s line %d: qty must be a positive integer', $order['id'], $index + 1),
                self::INVALID_ORDER,
            );
        }
        $rate = $this->data->taxRates[$customer['country'] . '/' . $product['tax_class']]
            ?? throw new RemoteException(
                sprintf('no tax rate for %s/%s in tax-rates.csv', $customer['country'], $product['tax_class']),
                self::INVALID_ORDER,
            );
        $fx = $this->data->fxPer10k[$customer['currency']];
        $unit = Money::scale((int) $product['unit_price_eur_cents'], $fx, 10000);
        $discount = (int) ($line['discount_percent'] ?? 0);
        $gross = $unit * $qty;
        $net = $gross - Money::scale($gross, $discount, 100);
        return new InvoiceLine(
            $sku,
            $product['name'],
            $qty,
            $unit,
            $discount,
            $net,
            $rate['label'],
            (int) $rate['rate_per_mille'],
        );
    }

    /**
     * @param array<string, mixed> $order
     * @param list<InvoiceLine>    $lines
     */
    public function invoice(array $order, array $lines): Invoice
    {
        $customer = $this->customer($order);
        $netByLabel = [];
        $perMille = [];
        $net = 0;
        foreach ($lines as $line) {
            $netByLabel[$line->taxLabel] = ($netByLabel[$line->taxLabel] ?? 0) + $line->net;
            $perMille[$line->taxLabel] = $line->taxPerMille;
            $net += $line->net;
        }
        $taxByLabel = [];
        foreach ($netByLabel as $label => $base) {
            $taxByLabel[$label] = Money::scale($base, $perMille[$label], 1000);
        }
        return new Invoice(
            'INV-' . substr((string) $order['id'], 3),
            (string) $order['id'],
            (string) $order['date'],
            $customer,
            $customer['currency'],
            $lines,
            $taxByLabel,
            $net,
            array_sum($taxByLabel),
        );
    }

    /**
     * @param array<string, mixed> $order
     * @return array<string, string>
     */
    private function customer(array $order): array
    {
        return $this->data->customers[(string) ($order['customer'] ?? '')] ?? throw new RemoteException(
            sprintf("order %s: unknown customer '%s'", $order['id'] ?? '?', $order['customer'] ?? ''),
            self::INVALID_ORDER,
        );
    }
}
