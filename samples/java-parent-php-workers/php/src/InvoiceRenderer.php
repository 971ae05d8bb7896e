<?php

declare(strict_types=1);

namespace ParleyDemo\Invoices;

/** Renders an invoice as a small self-contained HTML page. */
final class InvoiceRenderer
{
    public function html(Invoice $invoice): string
    {
        $c = $invoice->customer;
        $money = static fn (int $minor): string => self::e(Money::format($minor, $c['locale']));
        $rows = '';
        foreach ($invoice->lines as $i => $line) {
            $rows .= sprintf(
                "      <tr><td>%d</td><td>%s<br><small>%s</small></td><td class=n>%d</td>"
                . "<td class=n>%s</td><td class=n>%s</td><td class=n>%s</td><td>%s</td></tr>\n",
                $i + 1,
                self::e($line->description),
                self::e($line->sku),
                $line->quantity,
                $money($line->unitPrice),
                $line->discountPercent > 0 ? $line->discountPercent . ' %' : '',
                $money($line->net),
                self::e($line->taxLabel),
            );
        }
        $taxes = '';
        foreach ($invoice->taxByLabel as $label => $amount) {
            $taxes .= sprintf(
                "      <tr><td colspan=5>%s</td><td class=n>%s</td></tr>\n",
                self::e($label),
                $money($amount),
            );
        }
        $vatId = $c['vat_id'] !== '' ? '<br>VAT ID ' . self::e($c['vat_id']) : '';
        return <<<HTML
            <!doctype html>
            <html lang="{$this->lang($c['locale'])}">
            <meta charset="utf-8">
            <title>Invoice {$invoice->number}</title>
            <style>body{font-family:sans-serif} td{padding:2px 8px} .n{text-align:right}</style>
            <h1>Invoice {$invoice->number}</h1>
            <p>Order {$invoice->orderId} of {$invoice->date}</p>
            <address>{$this->e($c['name'])}<br>{$this->e($c['street'])}<br>
            {$this->e($c['postcode'])} {$this->e($c['city'])}<br>{$c['country']}{$vatId}</address>
            <table>
              <thead><tr><th>#</th><th>Item</th><th>Qty</th><th>Unit</th><th>Disc.</th><th>Net</th><th>Tax</th>
              </tr></thead>
              <tbody>
            {$rows}  </tbody>
              <tfoot>
                <tr><td colspan=5>Net</td><td class=n>{$money($invoice->net)}</td></tr>
            {$taxes}    <tr><th colspan=5>Total due</th><th class=n>{$money($invoice->total())}</th></tr>
              </tfoot>
            </table>

            HTML;
    }

    private function lang(string $locale): string
    {
        return str_replace('_', '-', $locale);
    }

    private static function e(string $text): string
    {
        return htmlspecialchars($text, ENT_QUOTES | ENT_HTML5, 'UTF-8');
    }
}
