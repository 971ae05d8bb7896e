<?php

// The DTO both sides share (a real project autoloads it with Composer).

declare(strict_types=1);

namespace Cookbook;

final class Quote
{
    public function __construct(public readonly string $sku, public readonly int $cents)
    {
    }
}
