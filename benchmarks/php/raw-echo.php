<?php

/**
 * The raw floor's child (our own, no library): frames are a 4-byte big-endian length and a body.
 * Every frame is echoed as is, except a 9-byte body "\x01" . pack('NN', n, size): that one asks for
 * n frames of `size` bytes, then an empty frame (one-way messages, like notifications).
 * Blocking reads and writes on STDIN/STDOUT: the least a PHP process can do per message.
 */

declare(strict_types=1);

function readExactly(int $n): ?string
{
    $buffer = '';
    while (strlen($buffer) < $n) {
        $chunk = fread(STDIN, $n - strlen($buffer));
        if ($chunk === false || $chunk === '') {
            return null;
        }
        $buffer .= $chunk;
    }
    return $buffer;
}

while (($head = readExactly(4)) !== null) {
    $length = unpack('N', $head)[1];
    $body = $length > 0 ? readExactly($length) : '';
    if ($body === null) {
        break;
    }
    if ($length === 9 && $body[0] === "\x01") {
        ['n' => $n, 'size' => $size] = unpack('Nn/Nsize', $body, 1);
        $frame = pack('N', $size) . str_repeat('x', $size);
        for ($i = 0; $i < $n; $i++) {
            fwrite(STDOUT, $frame);
        }
        fwrite(STDOUT, pack('N', 0));
        continue;
    }
    fwrite(STDOUT, $head . $body);
}
