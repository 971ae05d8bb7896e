<?php

declare(strict_types=1);

namespace Parley\Tests\Fixtures\Dto;

/** A DTO the typed-DTO tests send with the php codec. */
final class PriceQuote
{
    public function __construct(public readonly string $sku, public readonly int $cents)
    {
    }
}
