<?php

/**
 * The raw floor's child (our own, no library): frames are a 4-byte big-endian length and a body.
 *   php raw-echo.php                      frames on STDIN/STDOUT (pipes)
 *   php raw-echo.php listen ADDRESS       one connection on unix:///path or tcp://127.0.0.1:0; prints
 *                                         "LISTENING /path" or "LISTENING 127.0.0.1:port" first
 * Every frame is echoed as is, except two commands (a body of exactly 9 or 5 bytes):
 *   "\x01" . pack('NN', n, size)  send n frames of `size` bytes, then an empty frame (one-way, out)
 *   "\x02" . pack('N', n)         swallow the next n frames, then answer an empty frame (one-way, in)
 * Blocking reads and writes: the least a PHP process can do per message. Small frames come through
 * PHP's read buffer (one read() brings header and body); a body of 64 KiB or more is read with the
 * buffer off, straight into one string of its known length (no 8 KiB chunks, no concatenation).
 */

declare(strict_types=1);

const DIRECT = 65536;

if (($argv[1] ?? '') === 'listen') {
    $context = stream_context_create(['socket' => ['tcp_nodelay' => true]]);
    $server = stream_socket_server($argv[2], $code, $message, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, $context);
    if ($server === false) {
        fwrite(STDERR, "raw-echo.php: cannot listen on {$argv[2]}: $message\n");
        exit(1);
    }
    $name = stream_socket_get_name($server, false);
    echo 'LISTENING ', str_starts_with($argv[2], 'unix://') ? substr($argv[2], 7) : $name, "\n";
    $in = $out = stream_socket_accept($server, 30);
    if ($in === false) {
        exit(1);
    }
    fclose($server);
} else {
    [$in, $out] = [STDIN, STDOUT];
}

$readExactly = static function (int $n) use ($in): ?string {
    if ($n >= DIRECT) {
        stream_set_read_buffer($in, 0);
        $body = stream_get_contents($in, $n);
        stream_set_read_buffer($in, 8192);
        return is_string($body) && strlen($body) === $n ? $body : null;
    }
    $buffer = '';
    while (strlen($buffer) < $n) {
        $chunk = fread($in, $n - strlen($buffer));
        if ($chunk === false || $chunk === '') {
            return null;
        }
        $buffer .= $chunk;
    }
    return $buffer;
};

while (($head = $readExactly(4)) !== null) {
    $length = unpack('N', $head)[1];
    $body = $length > 0 ? $readExactly($length) : '';
    if ($body === null) {
        break;
    }
    if ($length === 9 && $body[0] === "\x01") {
        ['n' => $n, 'size' => $size] = unpack('Nn/Nsize', $body, 1);
        $frame = pack('N', $size) . str_repeat('x', $size);
        for ($i = 0; $i < $n; $i++) {
            fwrite($out, $frame);
        }
        fwrite($out, pack('N', 0));
        continue;
    }
    if ($length === 5 && $body[0] === "\x02") {
        $n = unpack('N', $body, 1)[1];
        for ($i = 0; $i < $n; $i++) {
            $h = $readExactly(4);
            $len = $h === null ? null : unpack('N', $h)[1];
            if ($len === null || ($len > 0 && $readExactly($len) === null)) {
                exit(0);
            }
        }
        fwrite($out, pack('N', 0));
        continue;
    }
    if ($length >= DIRECT) {
        fwrite($out, $head); // a second write() costs less than copying a large body
        fwrite($out, $body);
    } else {
        fwrite($out, $head . $body);
    }
}
