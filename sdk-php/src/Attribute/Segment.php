<?php

declare(strict_types=1);

namespace Parley\Attribute;

use Attribute;

/**
 * A prefix, separator included, for the wire names of a service class's {@see Request} and
 * {@see Notification} methods: `#[Segment('invoice/')]`. The Java SDK's `@Segment` is the mirror.
 */
#[Attribute(Attribute::TARGET_CLASS)]
final class Segment
{
    public function __construct(public readonly string $prefix)
    {
    }
}
