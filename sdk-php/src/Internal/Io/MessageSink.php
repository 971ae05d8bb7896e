<?php

declare(strict_types=1);

namespace Parley\Internal\Io;

use Parley\Exception\SessionClosedException;
use Parley\Frame\Frame;
use Parley\Frame\Message;
use Parley\Frame\MessageRejectedException;

/**
 * Where the {@see Reader} hands what it read: one complete message at a time, in arrival order
 * (SPEC §6.7), and the few events of the input stream. The session's dispatcher implements it; the
 * reader knows nothing above this interface.
 *
 * @internal
 */
interface MessageSink
{
    /** A complete, valid message (§5). May throw a fatal SessionClosedException (it ends the read). */
    public function onMessage(Message $message): void;

    /** A message refused by a non-fatal rule (§4.1, §4.2): answer or drop it; reading goes on. */
    public function onRejected(MessageRejectedException $rejected): void;

    /** A frame of an unknown kind was skipped (§4, §12). */
    public function onSkipped(Frame $frame): void;

    /** A fatal error in the input (§3.5, §7.3): the session must close. */
    public function onFatal(SessionClosedException $error): void;

    /**
     * The peer closed its direction.
     *
     * @param string $truncated '' when the stream ended between frames, else why it did not
     */
    public function onEndOfStream(string $truncated): void;
}
