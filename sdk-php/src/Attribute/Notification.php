<?php

declare(strict_types=1);

namespace Parley\Attribute;

use Attribute;

/**
 * Marks a public method of a service object as a notification listener (SPEC §6.7): its return
 * value is ignored. Served with {@see \Parley\Session\Session::serve()}.
 *
 * The wire name is the class's {@see Segment} followed by $name, or by the PHP method name when
 * $name is null: `#[Notification]` on `render()` in a `#[Segment('invoice/')]` class serves
 * `invoice/render`. The Java SDK's `@Notification` (io.parley.proxy) is the mirror.
 */
#[Attribute(Attribute::TARGET_METHOD)]
final class Notification
{
    public function __construct(public readonly ?string $name = null)
    {
    }
}
