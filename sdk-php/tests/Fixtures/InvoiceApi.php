<?php

declare(strict_types=1);

namespace Parley\Tests\Fixtures;

use Parley\Attribute\Notification;
use Parley\Attribute\Request;
use Parley\Attribute\Segment;
use Parley\Session\Call;

/**
 * The client's view of {@see InvoiceService}, for `Session::proxy()` (the PHP twin of sdk-java's
 * test interface io.parley.proxy.InvoiceApi).
 */
#[Segment('invoice/')]
interface InvoiceApi
{
    public const DEFAULT_COPIES = 1;

    #[Request]
    public function render(string $id, int $copies = self::DEFAULT_COPIES): array;

    /** The same method, answered later: the pending call. */
    #[Request('render')]
    public function renderLater(string $id, int $copies = 1): Call;

    #[Request]
    public function total(array $lines): float;

    #[Request]
    public function refuse(string $why): never;

    #[Request('codecOf')]
    public function codecWith(string $suffix): string|int|null;

    #[Notification]
    public function audit(mixed $event): void;

    #[Request]
    public function audited(): array;
}
