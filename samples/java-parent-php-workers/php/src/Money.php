<?php

declare(strict_types=1);

namespace ParleyDemo\Invoices;

/**
 * Formats amounts held as integer minor units (cents, Rappen, pence) the way each locale writes
 * them, without ext-intl: "1.234,56 €", "CHF 1’234.56", "£1,234.56".
 */
final class Money
{
    /** locale => [thousands separator, decimal separator, pattern with %s for the number] */
    private const FORMATS = [
        'de_DE' => ['.', ',', '%s €'],
        'de_AT' => [' ', ',', '€ %s'],
        'fr_FR' => [' ', ',', '%s €'],
        'nl_NL' => ['.', ',', '€ %s'],
        'de_CH' => ['’', '.', 'CHF %s'],
        'en_GB' => [',', '.', '£%s'],
        'en_US' => [',', '.', '$%s'],
    ];

    public static function format(int $minor, string $locale): string
    {
        [$thousands, $decimal, $pattern] = self::FORMATS[$locale]
            ?? throw new \InvalidArgumentException("no money format for locale '$locale'");
        $sign = $minor < 0 ? '-' : '';
        $abs = abs($minor);
        $number = number_format(intdiv($abs, 100), 0, '', $thousands)
            . $decimal . str_pad((string) ($abs % 100), 2, '0', STR_PAD_LEFT);
        return $sign . sprintf($pattern, $number);
    }

    /** Rounds half up: $value * $numerator / $denominator, all integers, $value >= 0. */
    public static function scale(int $value, int $numerator, int $denominator): int
    {
        return intdiv($value * $numerator * 2 + $denominator, $denominator * 2);
    }
}
