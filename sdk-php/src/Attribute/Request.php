<?php

declare(strict_types=1);

namespace Parley\Attribute;

use Attribute;

/**
 * Marks a public method of a service object as a request handler (SPEC §6.2): its return value is
 * the result, a thrown exception the error. Served with {@see \Parley\Session\Session::serve()}.
 *
 * The wire name is the class's {@see Segment} followed by $name, or by the PHP method name when
 * $name is null: `#[Request]` on `render()` in a `#[Segment('invoice/')]` class serves
 * `invoice/render`. The Java SDK's `@Request` (io.parley.proxy) is the mirror.
 */
#[Attribute(Attribute::TARGET_METHOD)]
final class Request
{
    public function __construct(public readonly ?string $name = null)
    {
    }
}
