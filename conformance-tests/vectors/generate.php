<?php

/**
 * Generates the Parley golden vectors (SPEC §3–§5) into this folder.
 *
 *   php conformance-tests/vectors/generate.php [--out=DIR]
 *
 * This is an independent reference *encoder*: it builds every input byte by byte with pack() and
 * hash('crc32c') and does not use sdk-php (or any decoder). Every expectation (events, messages,
 * error) is stated by hand for each vector from the SPEC's rules; the helpers below only format
 * what the vector's author says the decoder/validator/reassembler must produce. The few
 * assert*() calls check the *construction* (e.g. "this corrupted header really fails its
 * checksum", "this garbage contains no 0xFA"), never what a decoder would do with it.
 *
 * Output is deterministic: running it twice gives byte-identical files.
 */

declare(strict_types=1);

const MAGIC = "\xFA\x50\x52\x4C";

const HELLO = 0x01;
const REQUEST = 0x02;
const RESPONSE = 0x03;
const ERROR = 0x04;
const NOTIFICATION = 0x05;
const PROGRESS = 0x06;
const CANCEL = 0x07;
const PING = 0x08;
const PONG = 0x09;
const GOODBYE = 0x0A;

const MORE = 0x0001;
const CONT = 0x0002;
const WANT_PROGRESS = 0x0004;

const RAW = 0;
const JSON = 1;
const KRYO = 2;
const PHPSER = 3;

const NONE = 0;
const DEFLATE = 1;
const ZSTD = 2;

/** SPEC §7.2: name => [code, fatal]. "closes" and "closed" are fatal; "continues" is not. */
const CODES = [
    'PARSE_ERROR' => [-32700, false],
    'INVALID_REQUEST' => [-32600, false],
    'METHOD_NOT_FOUND' => [-32601, false],
    'INVALID_PARAMS' => [-32602, false],
    'INTERNAL_ERROR' => [-32603, false],
    'PROTOCOL_ERROR' => [-33000, true],
    'CANCELLED' => [-33001, false],
    'DEADLINE_EXCEEDED' => [-33002, false],
    'FRAME_TOO_LARGE' => [-33003, true],
    'MESSAGE_TOO_LARGE' => [-33004, true],
    'OVERLOADED' => [-33005, false],
    'SHUTTING_DOWN' => [-33006, false],
    'UNSUPPORTED_VERSION' => [-33007, true],
    'UNSUPPORTED_ENCODING' => [-33008, false],
    'AUTH_FAILED' => [-33009, true],
    'HANDSHAKE_FAILED' => [-33010, true],
    'PEER_GONE' => [-33011, true],
    'HEARTBEAT_TIMEOUT' => [-33012, true],
    'SESSION_CLOSED' => [-33013, true],
];

/** zlib (RFC 1950) stream of "hello hello hello hello", level 9; a constant so output never depends on the zlib build. */
const DEFLATED_HELLO = '78dacb48cdc9c957c8402701680308b1';
/** zlib stream of {"versions":[1]} */
const DEFLATED_VERSIONS = '78daab562a4b2d2acecccf2b56b28a368cad0500335605d9';

// ---------------------------------------------------------------------------------------------
// Construction helpers
// ---------------------------------------------------------------------------------------------

function fail(string $why): never
{
    fwrite(STDERR, "generate.php: construction check failed: $why\n");
    exit(1);
}

function check(bool $ok, string $why): void
{
    if (!$ok) {
        fail($why);
    }
}

function u32(int $v): string
{
    return pack('N', $v);
}

/**
 * A frame description. Overrides allow malformed headers: meta_len/body_len different from the
 * actual meta/body (used only for header-only inputs), a version other than 1, a wrong checksum.
 *
 * @return array<string, mixed>
 */
function f(
    int $kind,
    int $id = 0,
    string $meta = '',
    string $body = '',
    int $codec = RAW,
    int $flags = 0,
    int $compression = NONE,
    int $version = 1,
    ?int $metaLen = null,
    ?int $bodyLen = null,
): array {
    return [
        'kind' => $kind, 'id' => $id, 'meta' => $meta, 'body' => $body, 'codec' => $codec,
        'flags' => $flags, 'compression' => $compression, 'version' => $version,
        'meta_len' => $metaLen ?? strlen($meta), 'body_len' => $bodyLen ?? strlen($body),
    ];
}

/** Header bytes 0..19 (everything the checksum covers). */
function head20(array $f): string
{
    return MAGIC . chr($f['version']) . chr($f['kind']) . pack('n', $f['flags']) . u32($f['id'])
        . pack('n', $f['meta_len']) . chr($f['codec']) . chr($f['compression']) . u32($f['body_len']);
}

function crc(string $bytes): string
{
    return hash('crc32c', $bytes, true); // four bytes, big-endian, as on the wire
}

/** The 24-byte header with its correct checksum. */
function headerOf(array $f): string
{
    $h = head20($f);
    return $h . crc($h);
}

/** The complete frame on the wire. */
function wire(array $f): string
{
    check(strlen($f['meta']) === $f['meta_len'] && strlen($f['body']) === $f['body_len'], 'wire() of a frame with overridden lengths');
    return headerOf($f) . $f['meta'] . $f['body'];
}

/**
 * The frame's bytes with header byte $offset (0..19) XORed with $xor, keeping the checksum of the
 * original header: a header that fails verification. Checked: the checksum really mismatches.
 */
function corrupted(array $f, int $offset, int $xor): string
{
    check($offset >= 4 && $offset < 20 && $xor !== 0, 'corrupt only header bytes 4..19');
    $h = head20($f);
    $good = crc($h);
    $h[$offset] = chr(ord($h[$offset]) ^ $xor);
    check(crc($h) !== $good, 'corrupted header still verifies');
    return $h . $good . $f['meta'] . $f['body'];
}

/** The frame with its checksum replaced by $crc (4 bytes). Checked: it is wrong. */
function withCrc(array $f, string $crc): string
{
    check(strlen($crc) === 4 && $crc !== crc(head20($f)), 'replacement checksum must be wrong');
    return head20($f) . $crc . $f['meta'] . $f['body'];
}

function noFa(string $bytes, string $what): string
{
    check(!str_contains($bytes, "\xFA"), "$what must not contain 0xFA");
    return $bytes;
}

function json(mixed $value): string
{
    return json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
}

function reqMeta(int $timeoutMs, string $method): string
{
    return u32($timeoutMs) . $method;
}

/** Deterministic ASCII filler (never 0xFA, never the magic). */
function filler(int $n, string $seed = 'parley'): string
{
    $unit = $seed . '-0123456789abcdefghijklmnopqrstuvwxyz.';
    return substr(str_repeat($unit, intdiv($n, strlen($unit)) + 1), 0, $n);
}

/** Deterministic binary filler covering every byte value (including 0xFA and the magic itself). */
function binary(int $n): string
{
    $s = '';
    for ($i = 0; $i < $n; $i++) {
        $s .= chr(($i * 7 + intdiv($i, 256)) & 0xFF);
    }
    return $s;
}

// ---------------------------------------------------------------------------------------------
// Expectation helpers: formatting only. Which events/messages/error a vector has is decided by
// the vector's author in the vector itself.
// ---------------------------------------------------------------------------------------------

/** A frame event for frame $f, with the optional meaning of its meta/body. */
function ev(array $f, ?array $decoded = null): array
{
    $e = [
        'type' => 'frame', 'kind' => $f['kind'], 'flags' => $f['flags'], 'id' => $f['id'],
        'codec' => $f['codec'], 'compression' => $f['compression'],
        'meta' => bin2hex($f['meta']), 'body' => bin2hex($f['body']),
    ];
    if ($decoded !== null) {
        $e['decoded'] = $decoded;
    }
    return $e;
}

function stray(string $bytes): array
{
    check($bytes !== '', 'empty stray event');
    return ['type' => 'stray', 'hex' => bin2hex($bytes)];
}

/** decoded for a REQUEST first frame */
function dReq(int $timeoutMs, string $method): array
{
    return ['timeout_ms' => $timeoutMs, 'method' => $method];
}

/** decoded for a NOTIFICATION first frame */
function dNote(string $method): array
{
    return ['method' => $method];
}

/** decoded for a HELLO, ERROR or GOODBYE body */
function dJson(mixed $value): array
{
    return ['json' => $value];
}

/**
 * The message formed by these frames (one frame, or the frames of a chunked message in order):
 * kind, id, codec, compression and meta of the first frame, its flags without MORE/CONTINUATION,
 * the bodies concatenated.
 */
function msg(array ...$frames): array
{
    $first = $frames[0];
    $body = '';
    foreach ($frames as $fr) {
        $body .= $fr['body'];
    }
    return [
        'kind' => $first['kind'], 'id' => $first['id'], 'flags' => $first['flags'] & ~(MORE | CONT),
        'codec' => $first['codec'], 'compression' => $first['compression'],
        'meta' => bin2hex($first['meta']), 'body' => bin2hex($body),
    ];
}

function err(string $stage, string $name): array
{
    check(isset(CODES[$name]), "unknown error name $name");
    return ['stage' => $stage, 'code' => CODES[$name][0], 'name' => $name, 'fatal' => CODES[$name][1]];
}

function cfg(int $maxFrame = 1048576, int $maxMessage = 134217728, int $maxStray = 1048576): array
{
    return ['max_frame' => $maxFrame, 'max_message' => $maxMessage, 'max_stray' => $maxStray];
}

/** @var array<string, list<array<string, mixed>>> */
$FILES = [];

/**
 * Adds a vector to $file. $messages null = the vector is about the decoder only.
 */
function vec(
    string $file,
    string $name,
    string $section,
    string $description,
    string $input,
    array $events,
    ?array $messages,
    ?array $error,
    ?array $config = null,
    bool $eof = true,
): void {
    global $FILES;
    $v = ['name' => $name, 'section' => $section, 'description' => $description];
    if ($config !== null) {
        $v['config'] = $config;
    }
    $v['hex'] = bin2hex($input);
    $v['eof'] = $eof;
    $expect = ['events' => $events];
    if ($messages !== null) {
        $expect['messages'] = $messages;
    }
    $expect['error'] = $error;
    $v['expect'] = $expect;
    $FILES[$file][] = $v;
}

/** Hex from the SPEC, spaces allowed. */
function spechex(string $h): string
{
    $b = hex2bin(str_replace(' ', '', $h));
    check($b !== false, 'bad spec hex');
    return $b;
}

// ---------------------------------------------------------------------------------------------
// Frames used in many vectors
// ---------------------------------------------------------------------------------------------

// Appendix A, built field by field; each is checked against the SPEC's literal hex below.
$a1 = f(REQUEST, 1, reqMeta(5000, 'echo'), '"hi"', JSON);
$a2 = f(RESPONSE, 1, '', '"hi"', JSON);
$a3 = f(PING, 7);
$a4Body = '{"code":-32601,"message":"no such method: nope"}';
$a4 = f(ERROR, 1, '', $a4Body, JSON);
$a5Body = '{"versions":[1],"peer":"demo/1","codecs":["json","raw"],"compression":[],"max_frame":1048576,'
    . '"max_message":134217728,"max_in_flight":1024,"heartbeat_ms":0,"caps":3}';
$a5 = f(HELLO, 0, '', $a5Body, JSON);

$A1 = spechex('fa50524c0102000000000001000801000000000401db980f000013886563686f22686922');
$A2 = spechex('fa50524c 01 03 0000 00000001 0000 01 00 00000004 2878985d 22686922');
$A3 = spechex('fa50524c 01 08 0000 00000007 0000 00 00 00000000 a95c0811');
$A4 = spechex('fa50524c 01 04 0000 00000001 0000 01 00 00000030 ec45c305') . $a4Body;
$A5 = spechex('fa50524c 01 01 0000 00000000 0000 01 00 000000a4 b11001b1') . $a5Body;
check(strlen($a4Body) === 48 && strlen($a5Body) === 164, 'appendix body lengths');
check(wire($a1) === $A1, 'A.1 differs from the encoder');
check(wire($a2) === $A2, 'A.2 differs from the encoder');
check(wire($a3) === $A3, 'A.3 differs from the encoder');
check(wire($a4) === $A4, 'A.4 differs from the encoder');
check(wire($a5) === $A5, 'A.5 differs from the encoder');
check(bin2hex(crc('123456789')) === 'e3069283', 'CRC32C check value');

$a4Json = ['code' => -32601, 'message' => 'no such method: nope'];
$a5Json = [
    'versions' => [1], 'peer' => 'demo/1', 'codecs' => ['json', 'raw'], 'compression' => [],
    'max_frame' => 1048576, 'max_message' => 134217728, 'max_in_flight' => 1024, 'heartbeat_ms' => 0, 'caps' => 3,
];
check(json($a4Json) === $a4Body && json($a5Json) === $a5Body, 'appendix decoded values');

$ping1 = f(PING, 1);
$pong1 = f(PONG, 1);
$ping99 = f(PING, 99, '', 'later');          // "later frames still decode"
$pingHi = f(PING, 2, '', 'hb');
$pongHi = f(PONG, 2, '', 'hb');

if (function_exists('gzuncompress')) {
    check(gzuncompress(hex2bin(DEFLATED_HELLO)) === 'hello hello hello hello', 'DEFLATED_HELLO');
    check(gzuncompress(hex2bin(DEFLATED_VERSIONS)) === '{"versions":[1]}', 'DEFLATED_VERSIONS');
}

// =============================================================================================
// frames.json — every kind of §4, Appendix A
// =============================================================================================

vec('frames', 'appendix-a1-request', 'A', 'SPEC A.1 byte for byte: REQUEST id 1, timeout 5000 ms, method echo, JSON body "hi"',
    $A1, [ev($a1, dReq(5000, 'echo'))], [msg($a1)], null);
vec('frames', 'appendix-a2-response', 'A', 'SPEC A.2 byte for byte: RESPONSE id 1, JSON body "hi"',
    $A2, [ev($a2)], [msg($a2)], null);
vec('frames', 'appendix-a3-ping', 'A', 'SPEC A.3 byte for byte: PING id 7 with an empty body (a frame that is only a header)',
    $A3, [ev($a3)], [msg($a3)], null);
vec('frames', 'appendix-a4-error', 'A', 'SPEC A.4 byte for byte: ERROR id 1, METHOD_NOT_FOUND error object',
    $A4, [ev($a4, dJson($a4Json))], [msg($a4)], null);
vec('frames', 'appendix-a5-hello', 'A', 'SPEC A.5 byte for byte: the initiator HELLO with a 164-byte compact JSON body',
    $A5, [ev($a5, dJson($a5Json))], [msg($a5)], null);
vec('frames', 'appendix-a6-stray-then-ping', 'A', 'SPEC A.6: "Hi\n" from an echo, then A.3: three stray bytes reported, then the PING',
    "Hi\n" . $A3, [stray("Hi\n"), ev($a3)], [msg($a3)], null);

$helloAcc = [
    'versions' => [1], 'peer' => 'parley-java/1.0.0', 'codecs' => ['json', 'raw', 'kryo'],
    'compression' => ['deflate', 'zstd'], 'max_frame' => 1048576, 'max_message' => 134217728,
    'max_in_flight' => 1024, 'heartbeat_ms' => 15000, 'caps' => 7, 'pid' => 4242,
];
$f = f(HELLO, 0, '', json($helloAcc), JSON);
vec('frames', 'hello-acceptor', '8.2', 'An acceptor HELLO with one chosen version, several codecs and compressions and a pid',
    wire($f), [ev($f, dJson($helloAcc))], [msg($f)], null);

$helloTok = [
    'versions' => [2, 1], 'peer' => 'parley-php/1.0.0', 'codecs' => ['json', 'php'], 'compression' => ['deflate'],
    'max_frame' => 16384, 'max_message' => 16777216, 'max_in_flight' => 1, 'heartbeat_ms' => 0, 'caps' => 7,
    'token' => 's3cr3t', 'x-future-member' => ['nested' => true],
];
$f = f(HELLO, 0, '', json($helloTok), JSON);
vec('frames', 'hello-token-and-unknown-member', '8.2', 'An initiator HELLO with a token and a member unknown to v1; the frame layer passes it through untouched',
    wire($f), [ev($f, dJson($helloTok))], [msg($f)], null);

$f = f(REQUEST, 2, reqMeta(0, 'sum'), '[1,2,3]', JSON);
vec('frames', 'request-no-timeout', '4.1', 'A REQUEST with timeout_ms 0 (no deadline), method sum, a JSON array body',
    wire($f), [ev($f, dReq(0, 'sum'))], [msg($f)], null);

$f = f(REQUEST, 3, reqMeta(0xFFFFFFFF, 'sleep'), '{"ms":10}', JSON);
vec('frames', 'request-max-timeout', '4.1', 'timeout_ms is an unsigned 32-bit value: 0xFFFFFFFF is 4294967295 ms',
    wire($f), [ev($f, dReq(4294967295, 'sleep'))], [msg($f)], null);

$f = f(REQUEST, 0xFFFFFFFF, reqMeta(250, 'echo'), '1', JSON);
vec('frames', 'request-max-id', '6.1', 'Request ids are unsigned 32-bit: id 0xFFFFFFFF is 4294967295',
    wire($f), [ev($f, dReq(250, 'echo'))], [msg($f)], null);

$f = f(REQUEST, 4, reqMeta(10, 'x'), '', RAW);
vec('frames', 'request-method-one-byte', '4.1', 'The shortest legal REQUEST meta: meta_len 5 (timeout + a 1-byte method), empty body with codec 0',
    wire($f), [ev($f, dReq(10, 'x'))], [msg($f)], null);

$m255 = 'm/' . filler(253, 'long');
check(strlen($m255) === 255, 'm255');
$f = f(REQUEST, 5, reqMeta(0, $m255), '{}', JSON);
vec('frames', 'request-method-255-bytes', '4.1', 'A method of exactly 255 bytes (the maximum) is accepted',
    wire($f), [ev($f, dReq(0, $m255))], [msg($f)], null);

$mUtf8 = "héllo/мир/✓/😀";
$f = f(REQUEST, 6, reqMeta(1, $mUtf8), 'null', JSON);
vec('frames', 'request-method-multibyte-utf8', '4.1', 'A method with 2-, 3- and 4-byte UTF-8 sequences is valid',
    wire($f), [ev($f, dReq(1, $mUtf8))], [msg($f)], null);

$mNfd = "cafe\u{0301}";
$f = f(REQUEST, 7, reqMeta(0, $mNfd), '', RAW);
vec('frames', 'request-method-not-normalised', '4.1', 'Methods are byte strings: a decomposed e + U+0301 stays exactly as sent (no Unicode normalisation)',
    wire($f), [ev($f, dReq(0, $mNfd))], [msg($f)], null);

$f = f(REQUEST, 8, reqMeta(0, 'blob/put'), "\x00\x01\xFA\x50\x52\x4C\xFF", RAW);
vec('frames', 'request-raw-body-with-magic', '10.1', 'Codec raw: opaque bytes, including the magic, inside a body are not searched',
    wire($f), [ev($f, dReq(0, 'blob/put'))], [msg($f)], null);

$f = f(REQUEST, 9, reqMeta(30000, 'echo'), hex2bin(DEFLATED_HELLO), JSON, 0, DEFLATE);
vec('frames', 'request-deflate-body', '10.2', 'A JSON body compressed with deflate (compression 1); the frame layer passes the compressed bytes through',
    wire($f), [ev($f, dReq(30000, 'echo'))], [msg($f)], null);

$f = f(RESPONSE, 10, '', "\x01\x02\x03\x04", KRYO);
vec('frames', 'response-kryo-codec', '10.1', 'A RESPONSE with codec 2 (kryo); codec bytes are opaque to the frame layer',
    wire($f), [ev($f)], [msg($f)], null);

$f = f(RESPONSE, 11, '', 'a:1:{s:1:"a";i:1;}', PHPSER);
vec('frames', 'response-php-codec', '10.1', 'A RESPONSE with codec 3 (PHP serialize)',
    wire($f), [ev($f)], [msg($f)], null);

$f = f(RESPONSE, 12);
vec('frames', 'response-empty-body', '4', 'A RESPONSE with an empty body, codec 0 and compression 0: the result is "no value"',
    wire($f), [ev($f)], [msg($f)], null);

$e0 = ['code' => -33000, 'message' => 'protocol error: CONTINUATION without a message in progress'];
$f = f(ERROR, 0, '', json($e0), JSON);
vec('frames', 'error-id-zero', '7.3', 'ERROR with id 0 (a fatal error for the whole session) is a valid frame',
    wire($f), [ev($f, dJson($e0))], [msg($f)], null);

$eData = ['code' => -32603, 'message' => 'boom', 'data' => ['class' => 'RuntimeException', 'trace' => []]];
$f = f(ERROR, 13, '', json($eData), JSON);
vec('frames', 'error-with-data', '7.1', 'ERROR for request 13 whose error object carries data',
    wire($f), [ev($f, dJson($eData))], [msg($f)], null);

$log = ['level' => 'info', 'message' => 'hello from the child'];
$f = f(NOTIFICATION, 0, '$/log', json($log), JSON);
vec('frames', 'notification-log', '4.3', 'A $/log NOTIFICATION: id 0, the whole meta is the method name',
    wire($f), [ev($f, dNote('$/log'))], [msg($f)], null);

$f = f(NOTIFICATION, 0, 'tick');
vec('frames', 'notification-empty-body', '4.2', 'A NOTIFICATION without params: empty body, codec 0',
    wire($f), [ev($f, dNote('tick'))], [msg($f)], null);

$f = f(PROGRESS, 14, '', '{"progress":1,"total":2}', JSON);
vec('frames', 'progress-basic', '6.3', 'A PROGRESS for request 14 with the recommended JSON shape',
    wire($f), [ev($f)], [msg($f)], null);

$f = f(CANCEL, 15);
vec('frames', 'cancel-basic', '6.6', 'A CANCEL for request 15: no meta, no body, codec 0',
    wire($f), [ev($f)], [msg($f)], null);

$f = f(PING, 0);
vec('frames', 'ping-id-zero', '4', 'PING may carry any id, including 0',
    wire($f), [ev($f)], [msg($f)], null);

$pb = binary(64);
$f = f(PING, 0xFFFFFFFF, '', $pb);
vec('frames', 'ping-body-64-bytes', '4', 'A PING body of exactly 64 bytes (the maximum), any bytes',
    wire($f), [ev($f)], [msg($f)], null);

$pi = f(PING, 5, '', 'abc');
$po = f(PONG, 5, '', 'abc');
vec('frames', 'ping-then-pong', '8.4', 'A PING and the PONG that answers it: same id, same body',
    wire($pi) . wire($po), [ev($pi), ev($po)], [msg($pi), msg($po)], null);

$bye = ['reason' => 'shutting down'];
$f = f(GOODBYE, 0, '', json($bye), JSON);
vec('frames', 'goodbye-basic', '8.5', 'A GOODBYE with its reason',
    wire($f), [ev($f, dJson($bye))], [msg($f)], null);

// one of each kind, in kind order
$seq = [
    [$a5, dJson($a5Json)],
    [$a1, dReq(5000, 'echo')],
    [f(RESPONSE, 1, '', '"hi"', JSON), null],
    [f(ERROR, 2, '', json(['code' => -33001, 'message' => 'cancelled']), JSON), dJson(['code' => -33001, 'message' => 'cancelled'])],
    [f(NOTIFICATION, 0, 'progress/log', '"x"', JSON), dNote('progress/log')],
    [f(PROGRESS, 3, '', '{"progress":5}', JSON), null],
    [f(CANCEL, 3), null],
    [f(PING, 42, '', 'p'), null],
    [f(PONG, 42, '', 'p'), null],
    [f(GOODBYE, 0, '', '{"reason":"done"}', JSON), dJson(['reason' => 'done'])],
];
$in = '';
$evs = [];
$msgs = [];
foreach ($seq as [$fr, $d]) {
    $in .= wire($fr);
    $evs[] = ev($fr, $d);
    $msgs[] = msg($fr);
}
vec('frames', 'all-kinds-in-one-stream', '4', 'One frame of each kind 1..10 back to back: ten frames, ten messages, in order',
    $in, $evs, $msgs, null);

$f = f(0x00, 5, 'ab', 'cd', 7, 0, 0);
vec('frames', 'unknown-kind-zero', '4', 'Kind 0 is unknown: the frame is decoded (its lengths are authoritative) but produces no message and no error',
    wire($f), [ev($f)], [], null);

$u = f(0x0B, 0, 'meta', binary(40), 200, MORE | CONT | WANT_PROGRESS | 0x0100, 9);
vec('frames', 'unknown-kind-11-any-fields', '12', 'Kind 11 with flags, codec and compression that would be illegal on a known kind: still just skipped',
    wire($ping1) . wire($u) . wire($pong1), [ev($ping1), ev($u), ev($pong1)], [msg($ping1), msg($pong1)], null);

$u = f(0xFF, 0xDEADBEEF, 'xyz', filler(100), JSON);
vec('frames', 'unknown-kind-255-between-frames', '4', 'Kind 255 between a PING and a PONG: the PING and PONG produce messages, kind 255 does not',
    wire($pi) . wire($u) . wire($po), [ev($pi), ev($u), ev($po)], [msg($pi), msg($po)], null);

$inner = $A3 . MAGIC;
$f = f(RESPONSE, 16, '', $inner, RAW);
vec('frames', 'body-contains-a-frame', '3.5', 'A raw RESPONSE body holding a complete PING frame and a magic: the payload is consumed whole, nothing inside it is decoded',
    wire($f), [ev($f)], [msg($f)], null);

// =============================================================================================
// flags.json — §3.3
// =============================================================================================

$f = f(REQUEST, 1, reqMeta(0, 'progress'), '{"n":3}', JSON, WANT_PROGRESS);
vec('flags', 'want-progress-on-request', '3.3', 'WANT_PROGRESS on a single-frame REQUEST: the message keeps flag 0x0004',
    wire($f), [ev($f, dReq(0, 'progress'))], [msg($f)], null);

$r1 = f(REQUEST, 2, reqMeta(0, 'progress'), '{"n":', JSON, MORE | WANT_PROGRESS);
$r2 = f(REQUEST, 2, '', '3}', JSON, CONT);
vec('flags', 'want-progress-on-chunked-request', '3.3', 'WANT_PROGRESS on the first frame of a chunked REQUEST: message flags 0x0004 (MORE/CONTINUATION removed)',
    wire($r1) . wire($r2), [ev($r1, dReq(0, 'progress')), ev($r2)], [msg($r1, $r2)], null);

$r1 = f(REQUEST, 3, reqMeta(0, 'progress'), '{"n"', JSON, MORE);
$r2 = f(REQUEST, 3, '', ':', JSON, MORE | CONT | WANT_PROGRESS);
$r3 = f(REQUEST, 3, '', '3}', JSON, CONT | WANT_PROGRESS);
vec('flags', 'want-progress-on-request-continuation-ignored', '3.3', 'WANT_PROGRESS on REQUEST continuation frames is ignored (no error); the message flags come from the first frame: 0',
    wire($r1) . wire($r2) . wire($r3), [ev($r1, dReq(0, 'progress')), ev($r2), ev($r3)], [msg($r1, $r2, $r3)], null);

$f = f(PING, 1, '', '', RAW, 0x0008);
vec('flags', 'reserved-bit-3-on-ping', '3.3', 'Reserved flag bit 3 on a PING is ignored on receipt: no error, the frame and message report the bits as received',
    wire($f), [ev($f)], [msg($f)], null);

$f = f(HELLO, 0, '', $a5Body, JSON, 0x8000);
vec('flags', 'reserved-bit-15-on-hello', '3.3', 'Reserved flag bit 15 on a HELLO is ignored (HELLO allows no defined flag, but reserved bits are not defined flags)',
    wire($f), [ev($f, dJson($a5Json))], [msg($f)], null);

$f = f(REQUEST, 4, reqMeta(100, 'echo'), '"r"', JSON, 0xFFF8);
vec('flags', 'all-reserved-bits-on-request', '3.3', 'All thirteen reserved bits set on a single-frame REQUEST: ignored, message flags 0xfff8',
    wire($f), [ev($f, dReq(100, 'echo'))], [msg($f)], null);

$c1 = f(RESPONSE, 5, '', '[1,', JSON, MORE | 0x0100);
$c2 = f(RESPONSE, 5, '', '2]', JSON, CONT | 0x4000);
vec('flags', 'reserved-bits-on-chunks', '3.3', 'Reserved bits on chunk frames do not disturb reassembly; the message flags are the first frame flags without MORE: 0x0100',
    wire($c1) . wire($c2), [ev($c1), ev($c2)], [msg($c1, $c2)], null);

$wrongFlags = [
    // name, description, frame
    ['more-on-hello', 'MORE on a HELLO (not chunkable)', f(HELLO, 0, '', $a5Body, JSON, MORE), dJson($a5Json)],
    ['continuation-on-error', 'CONTINUATION on an ERROR', f(ERROR, 1, '', $a4Body, JSON, CONT), dJson($a4Json)],
    ['more-on-cancel', 'MORE on a CANCEL', f(CANCEL, 1, '', '', RAW, MORE)],
    ['continuation-on-ping', 'CONTINUATION on a PING', f(PING, 3, '', '', RAW, CONT)],
    ['more-on-pong', 'MORE on a PONG', f(PONG, 3, '', 'x', RAW, MORE)],
    ['more-and-continuation-on-goodbye', 'MORE|CONTINUATION on a GOODBYE', f(GOODBYE, 0, '', '{"reason":"x"}', JSON, MORE | CONT), dJson(['reason' => 'x'])],
    ['want-progress-on-response', 'WANT_PROGRESS on a RESPONSE', f(RESPONSE, 1, '', '1', JSON, WANT_PROGRESS)],
    ['want-progress-on-notification', 'WANT_PROGRESS on a NOTIFICATION', f(NOTIFICATION, 0, 'n', '1', JSON, WANT_PROGRESS), dNote('n')],
    ['want-progress-on-progress', 'WANT_PROGRESS on a PROGRESS', f(PROGRESS, 1, '', '1', JSON, WANT_PROGRESS)],
    ['want-progress-on-ping', 'WANT_PROGRESS on a PING', f(PING, 1, '', '', RAW, WANT_PROGRESS)],
];
foreach ($wrongFlags as $row) {
    [$name, $what, $bad] = $row;
    $d = $row[3] ?? null;
    vec('flags', $name, '3.3', "$what is PROTOCOL_ERROR (fatal, stage frame); the PING before it is still delivered",
        wire($ping1) . wire($bad), [ev($ping1), ev($bad, $d)], [msg($ping1)], err('frame', 'PROTOCOL_ERROR'));
}

$c1 = f(RESPONSE, 6, '', '[1,', JSON, MORE);
$c2 = f(RESPONSE, 6, '', '2]', JSON, CONT | WANT_PROGRESS);
vec('flags', 'want-progress-on-response-continuation', '3.3', 'WANT_PROGRESS is ignored only on REQUEST continuations: on a RESPONSE continuation it is PROTOCOL_ERROR (stage frame)',
    wire($c1) . wire($c2), [ev($c1), ev($c2)], [], err('frame', 'PROTOCOL_ERROR'));

// =============================================================================================
// chunking.json — §5
// =============================================================================================

$body = '"' . filler(50, 'chunk') . '"';
$r1 = f(REQUEST, 1, reqMeta(1000, 'upload'), substr($body, 0, 20), JSON, MORE);
$r2 = f(REQUEST, 1, '', substr($body, 20), JSON, CONT);
vec('chunking', 'chunked-request-two-frames', '5', 'A REQUEST in two frames (MORE, then CONTINUATION): meta only on the first, one message with the bodies concatenated',
    wire($r1) . wire($r2), [ev($r1, dReq(1000, 'upload')), ev($r2)], [msg($r1, $r2)], null);

$body = json(range(1, 30));
$cuts = [0, 1, 2, 17, 40, 41, strlen($body)];
$frames = [];
for ($i = 0; $i < count($cuts) - 1; $i++) {
    $fl = ($i === 0 ? MORE : ($i === count($cuts) - 2 ? CONT : MORE | CONT));
    $frames[] = f(RESPONSE, 2, '', substr($body, $cuts[$i], $cuts[$i + 1] - $cuts[$i]), JSON, $fl);
}
check(count($frames) === 6, 'six frames');
vec('chunking', 'chunked-response-six-frames', '5', 'A RESPONSE in six frames (MORE, four MORE|CONTINUATION, CONTINUATION) split at arbitrary offsets, some 1-byte pieces',
    implode('', array_map('wire', $frames)), array_map(fn($x) => ev($x), $frames), [msg(...$frames)], null);

$n1 = f(NOTIFICATION, 0, 'stream/data', '{"chunk":', JSON, MORE);
$n2 = f(NOTIFICATION, 0, '', '"abc"', JSON, MORE | CONT);
$n3 = f(NOTIFICATION, 0, '', '}', JSON, CONT);
vec('chunking', 'chunked-notification-three-frames', '5', 'A NOTIFICATION in three frames: the method is in the first frame meta only',
    wire($n1) . wire($n2) . wire($n3), [ev($n1, dNote('stream/data')), ev($n2), ev($n3)], [msg($n1, $n2, $n3)], null);

$p1 = f(PROGRESS, 4, '', '{"progress":1,', JSON, MORE);
$p2 = f(PROGRESS, 4, '', '"total":9}', JSON, CONT);
vec('chunking', 'chunked-progress-two-frames', '5', 'A PROGRESS in two frames',
    wire($p1) . wire($p2), [ev($p1), ev($p2)], [msg($p1, $p2)], null);

$body = '"✓✓"';
$c1 = f(RESPONSE, 5, '', substr($body, 0, 3), JSON, MORE);
$c2 = f(RESPONSE, 5, '', substr($body, 3, 2), JSON, MORE | CONT);
$c3 = f(RESPONSE, 5, '', substr($body, 5), JSON, CONT);
vec('chunking', 'chunked-split-inside-utf8-sequence', '5', 'Split points are arbitrary byte offsets, here inside 3-byte UTF-8 sequences; only the concatenated body is JSON',
    wire($c1) . wire($c2) . wire($c3), [ev($c1), ev($c2), ev($c3)], [msg($c1, $c2, $c3)], null);

$z = hex2bin(DEFLATED_HELLO);
$c1 = f(REQUEST, 6, reqMeta(0, 'echo'), substr($z, 0, 5), JSON, MORE, DEFLATE);
$c2 = f(REQUEST, 6, '', substr($z, 5), JSON, CONT, DEFLATE);
vec('chunking', 'chunked-compressed-body', '5', 'A deflate-compressed body split across two frames, both with compression 1: the receiver concatenates before decompressing',
    wire($c1) . wire($c2), [ev($c1, dReq(0, 'echo')), ev($c2)], [msg($c1, $c2)], null);

$r1 = f(REQUEST, 7, reqMeta(0, 'big-echo'), 'aaaa', RAW, MORE);
$r2 = f(REQUEST, 7, '', 'bbbb', RAW, MORE | CONT);
$r3 = f(REQUEST, 7, '', 'cccc', RAW, CONT);
vec('chunking', 'chunked-interleaved-ping-pong', '5', 'A PING and a PONG between the chunks of a REQUEST: they are delivered at once, the REQUEST when its last frame arrives',
    wire($r1) . wire($pingHi) . wire($r2) . wire($pongHi) . wire($r3),
    [ev($r1, dReq(0, 'big-echo')), ev($pingHi), ev($r2), ev($pongHi), ev($r3)],
    [msg($pingHi), msg($pongHi), msg($r1, $r2, $r3)], null);

$big1 = f(RESPONSE, 1, '', '[1,2,', JSON, MORE);
$big2 = f(RESPONSE, 1, '', '3]', JSON, CONT);
$between = [
    f(REQUEST, 1, reqMeta(0, 'sum'), '[4,5]', JSON),
    f(NOTIFICATION, 0, 'note', '{}', JSON),
    f(CANCEL, 2),
    f(ERROR, 3, '', '{"code":-33001,"message":"cancelled"}', JSON),
    f(PROGRESS, 4, '', '{"progress":1}', JSON),
    f(RESPONSE, 5, '', '"five"', JSON),
];
$in = wire($big1);
$evs = [ev($big1)];
$msgs = [];
$decodedBetween = [dReq(0, 'sum'), dNote('note'), null, dJson(['code' => -33001, 'message' => 'cancelled']), null, null];
foreach ($between as $i => $fr) {
    $in .= wire($fr);
    $evs[] = ev($fr, $decodedBetween[$i]);
    $msgs[] = msg($fr);
}
$in .= wire($big2);
$evs[] = ev($big2);
$msgs[] = msg($big1, $big2);
vec('chunking', 'chunked-interleaved-single-frame-messages', '5', 'Single-frame REQUEST, NOTIFICATION, CANCEL, ERROR, PROGRESS and RESPONSE (other id) between the chunks of RESPONSE 1',
    $in, $evs, $msgs, null);

$r1 = f(REQUEST, 8, reqMeta(0, 'x'), 'ab', RAW, MORE);
$u = f(0x20, 8, '', 'zz', RAW, CONT);
$r2 = f(REQUEST, 8, '', 'cd', RAW, CONT);
vec('chunking', 'chunked-interleaved-unknown-kind', '4', 'An unknown kind 0x20 carrying CONTINUATION and the same id between two chunks is skipped and does not touch reassembly',
    wire($r1) . wire($u) . wire($r2), [ev($r1, dReq(0, 'x')), ev($u), ev($r2)], [msg($r1, $r2)], null);

$junk = "Warning: something odd\n";
$r1 = f(REQUEST, 9, reqMeta(0, 'x'), 'ab', RAW, MORE);
$r2 = f(REQUEST, 9, '', 'cd', RAW, CONT);
vec('chunking', 'chunked-interleaved-stray', '3.6', 'Stray bytes between two chunks are reported and do not affect the message being reassembled',
    wire($r1) . $junk . wire($r2), [ev($r1, dReq(0, 'x')), stray($junk), ev($r2)], [msg($r1, $r2)], null);

$a = f(RESPONSE, 1, '', '"a', JSON, MORE);
$b = f(RESPONSE, 1, '', 'a"', JSON, CONT);
$c = f(RESPONSE, 2, '', '"b', JSON, MORE);
$d = f(RESPONSE, 2, '', 'b"', JSON, CONT);
vec('chunking', 'chunked-messages-back-to-back', '5', 'Two chunked messages one after the other: the second starts after the first completed',
    wire($a) . wire($b) . wire($c) . wire($d), [ev($a), ev($b), ev($c), ev($d)], [msg($a, $b), msg($c, $d)], null);

$a = f(RESPONSE, 1, '', '"a', JSON, MORE);
$s = f(RESPONSE, 2, '', '"single"', JSON);
$b = f(RESPONSE, 1, '', 'a"', JSON, CONT);
vec('chunking', 'single-frame-same-kind-between-chunks', '5', 'A single-frame RESPONSE (id 2) between the chunks of RESPONSE 1 is legal: it has neither MORE nor CONTINUATION',
    wire($a) . wire($s) . wire($b), [ev($a), ev($s), ev($b)], [msg($s), msg($a, $b)], null);

$r1 = f(REQUEST, 5, reqMeta(0, 'slow'), '[1,', JSON, MORE);
$cx = f(CANCEL, 5);
$r2 = f(REQUEST, 5, '', '2]', JSON, CONT);
vec('chunking', 'cancel-between-chunks-of-its-request', '6.6', 'A CANCEL for a REQUEST still arriving is delivered as a message before the REQUEST completes; the frame layer does not drop either',
    wire($r1) . wire($cx) . wire($r2), [ev($r1, dReq(0, 'slow')), ev($cx), ev($r2)], [msg($cx), msg($r1, $r2)], null);

$r1 = f(REQUEST, 6, reqMeta(0, 'noop'), '', RAW, MORE);
$r2 = f(REQUEST, 6, '', '', RAW, CONT);
vec('chunking', 'chunked-frames-without-body', '5', 'Frames without body are legal (if useless): a REQUEST as MORE + CONTINUATION, both empty with codec 0, is one message with an empty body',
    wire($r1) . wire($r2), [ev($r1, dReq(0, 'noop')), ev($r2)], [msg($r1, $r2)], null);

// --- reassembly errors (§5 rule 4): PROTOCOL_ERROR, fatal, stage message
$r1 = f(REQUEST, 1, reqMeta(0, 'x'), 'ab', RAW, MORE);
$bad = f(REQUEST, 2, '', 'cd', RAW, CONT);
vec('chunking', 'continuation-id-mismatch', '5', 'A CONTINUATION whose id (2) differs from the message in progress (REQUEST 1) is PROTOCOL_ERROR, stage message',
    wire($r1) . wire($bad), [ev($r1, dReq(0, 'x')), ev($bad)], [], err('message', 'PROTOCOL_ERROR'));

$r1 = f(REQUEST, 1, reqMeta(0, 'x'), '[1', JSON, MORE);
$bad = f(RESPONSE, 1, '', ']', JSON, CONT);
vec('chunking', 'continuation-kind-mismatch', '5', 'A RESPONSE CONTINUATION with the same id while a REQUEST is in progress is PROTOCOL_ERROR, stage message',
    wire($r1) . wire($bad), [ev($r1, dReq(0, 'x')), ev($bad)], [], err('message', 'PROTOCOL_ERROR'));

$bad = f(RESPONSE, 1, '', '"x"', JSON, CONT);
vec('chunking', 'continuation-without-start', '5', 'A CONTINUATION when no message is in progress is PROTOCOL_ERROR, stage message',
    wire($ping1) . wire($bad), [ev($ping1), ev($bad)], [msg($ping1)], err('message', 'PROTOCOL_ERROR'));

$bad = f(NOTIFICATION, 0, '', '"x"', JSON, MORE | CONT);
vec('chunking', 'middle-frame-without-start', '5', 'A MORE|CONTINUATION frame when no message is in progress is PROTOCOL_ERROR, stage message',
    wire($bad), [ev($bad)], [], err('message', 'PROTOCOL_ERROR'));

$a = f(RESPONSE, 1, '', '"a', JSON, MORE);
$b = f(RESPONSE, 1, '', 'a"', JSON, CONT);
$bad = f(RESPONSE, 1, '', '"', JSON, CONT);
vec('chunking', 'continuation-after-message-complete', '5', 'A second last-frame after the message completed: no message is in progress any more, PROTOCOL_ERROR stage message',
    wire($a) . wire($b) . wire($bad), [ev($a), ev($b), ev($bad)], [msg($a, $b)], err('message', 'PROTOCOL_ERROR'));

$r1 = f(REQUEST, 1, reqMeta(0, 'x'), 'ab', RAW, MORE);
$bad = f(REQUEST, 2, reqMeta(0, 'y'), 'cd', RAW, MORE);
vec('chunking', 'new-more-while-in-progress', '5', 'A new MORE frame (without CONTINUATION) while REQUEST 1 is in progress: one chunked message at a time, PROTOCOL_ERROR stage message',
    wire($r1) . wire($bad), [ev($r1, dReq(0, 'x')), ev($bad, dReq(0, 'y'))], [], err('message', 'PROTOCOL_ERROR'));

$a = f(RESPONSE, 3, '', '"a', JSON, MORE);
$bad = f(RESPONSE, 3, '', '"b', JSON, MORE);
vec('chunking', 'new-more-same-id-while-in-progress', '5', 'MORE without CONTINUATION for the same kind and id as the message in progress is still a new message: PROTOCOL_ERROR stage message',
    wire($a) . wire($bad), [ev($a), ev($bad)], [], err('message', 'PROTOCOL_ERROR'));

$a = f(RESPONSE, 3, '', '"a', JSON, MORE);
$bad = f(NOTIFICATION, 0, 'n', '"b', JSON, MORE);
vec('chunking', 'new-more-other-kind-while-in-progress', '5', 'A chunked NOTIFICATION starting while a RESPONSE is in progress: PROTOCOL_ERROR stage message',
    wire($a) . wire($bad), [ev($a), ev($bad, dNote('n'))], [], err('message', 'PROTOCOL_ERROR'));

$r1 = f(REQUEST, 4, reqMeta(0, 'x'), 'ab', RAW, MORE);
$bad = f(REQUEST, 4, reqMeta(0, 'y'), 'cd', RAW, CONT);
vec('chunking', 'meta-in-request-continuation', '4.1', 'A REQUEST continuation frame with meta (meta_len 5): continuation frames carry meta_len 0; PROTOCOL_ERROR, stage frame (judged on the frame alone)',
    wire($r1) . wire($bad), [ev($r1, dReq(0, 'x')), ev($bad)], [], err('frame', 'PROTOCOL_ERROR'));

$n1 = f(NOTIFICATION, 0, 'n', '"a', JSON, MORE);
$bad = f(NOTIFICATION, 0, 'n', 'b"', JSON, CONT);
vec('chunking', 'meta-in-notification-continuation', '5', 'A NOTIFICATION continuation frame repeating the method: only the first frame carries meta; PROTOCOL_ERROR, stage frame',
    wire($n1) . wire($bad), [ev($n1, dNote('n')), ev($bad)], [], err('frame', 'PROTOCOL_ERROR'));

$r1 = f(REQUEST, 5, reqMeta(0, 'x'), '"a', JSON, MORE);
$bad = f(REQUEST, 5, '', 'b"', RAW, CONT);
vec('chunking', 'codec-change-in-continuation', '5', 'All frames of a message have the same codec: a continuation with codec 0 after codec 1 is PROTOCOL_ERROR, stage message',
    wire($r1) . wire($bad), [ev($r1, dReq(0, 'x')), ev($bad)], [], err('message', 'PROTOCOL_ERROR'));

$z = hex2bin(DEFLATED_HELLO);
$c1 = f(RESPONSE, 6, '', substr($z, 0, 6), JSON, MORE, DEFLATE);
$bad = f(RESPONSE, 6, '', substr($z, 6), JSON, CONT, NONE);
vec('chunking', 'compression-change-in-continuation', '5', 'All frames of a message have the same compression: a continuation with compression 0 after 1 is PROTOCOL_ERROR, stage message',
    wire($c1) . wire($bad), [ev($c1), ev($bad)], [], err('message', 'PROTOCOL_ERROR'));

// --- max_message (§5 rule 5, §3.2)
$cfgM = cfg(16384, 16384);
$c1 = f(RESPONSE, 1, '', binary(8192), RAW, MORE);
$c2 = f(RESPONSE, 1, '', filler(8192), RAW, CONT);
vec('chunking', 'max-message-exactly', '5', 'max_message 16384: a RESPONSE of 8192 + 8192 body bytes is exactly at the limit and accepted',
    wire($c1) . wire($c2), [ev($c1), ev($c2)], [msg($c1, $c2)], null, $cfgM);

$c2b = f(RESPONSE, 1, '', filler(8193), RAW, CONT);
vec('chunking', 'max-message-exceeded-by-one', '5', 'max_message 16384: 8192 + 8193 body bytes is MESSAGE_TOO_LARGE (fatal, stage message) when the second frame arrives',
    wire($c1) . wire($c2b), [ev($c1), ev($c2b)], [], err('message', 'MESSAGE_TOO_LARGE'), $cfgM);

$frames = [];
for ($i = 0; $i < 5; $i++) {
    $frames[] = f(RESPONSE, 2, '', filler(4000, "p$i"), RAW, $i === 0 ? MORE : MORE | CONT);
}
vec('chunking', 'max-message-exceeded-before-last-frame', '5', 'max_message 16384: the fifth 4000-byte frame (MORE|CONTINUATION) brings the body to 20000: MESSAGE_TOO_LARGE at once, without waiting for the last frame',
    implode('', array_map('wire', $frames)), array_map(fn($x) => ev($x), $frames), [], err('message', 'MESSAGE_TOO_LARGE'), $cfgM);

$r1 = f(REQUEST, 3, reqMeta(0, 'bulk'), filler(8192, 'm1'), RAW, MORE);
$r2 = f(REQUEST, 3, '', filler(8192, 'm2'), RAW, CONT);
vec('chunking', 'max-message-counts-body-only', '3.2', 'max_message bounds the reassembled body: 16384 body bytes plus 8 bytes of meta is accepted with max_message 16384',
    wire($r1) . wire($r2), [ev($r1, dReq(0, 'bulk')), ev($r2)], [msg($r1, $r2)], null, $cfgM);

// --- INVALID_REQUEST on a chunked request: remaining frames skipped, session goes on
$r1 = f(REQUEST, 7, "\x00\x00\x00", 'ab', RAW, MORE);
$r2 = f(REQUEST, 7, '', 'cd', RAW, MORE | CONT);
$r3 = f(REQUEST, 7, '', 'ef', RAW, CONT);
vec('chunking', 'invalid-request-chunked-rest-skipped', '4.1', 'A chunked REQUEST whose first frame has meta_len 3: INVALID_REQUEST (non-fatal, stage frame), its continuation frames are skipped without error, the next PING is delivered',
    wire($r1) . wire($r2) . wire($r3) . wire($ping99), [ev($r1), ev($r2), ev($r3), ev($ping99)], [msg($ping99)], err('frame', 'INVALID_REQUEST'));

$r1 = f(REQUEST, 8, reqMeta(0, "bad\xFF"), 'ab', RAW, MORE);
$r2 = f(REQUEST, 8, '', 'cd', RAW, CONT);
$a = f(RESPONSE, 1, '', '"o', JSON, MORE);
$b = f(RESPONSE, 1, '', 'k"', JSON, CONT);
vec('chunking', 'invalid-request-chunked-then-chunked-message', '4.1', 'After a skipped invalid chunked REQUEST a new chunked RESPONSE reassembles normally',
    wire($r1) . wire($r2) . wire($a) . wire($b), [ev($r1), ev($r2), ev($a), ev($b)], [msg($a, $b)], err('frame', 'INVALID_REQUEST'));

// =============================================================================================
// limits.json — §3.2 (max_frame) and the length check of §3.5 step 5
// =============================================================================================

$cfgF = cfg(16384, 1048576);
$f = f(RESPONSE, 1, '', binary(16384), RAW);
vec('limits', 'payload-exactly-max-frame', '3.2', 'max_frame 16384: a RESPONSE with a 16384-byte body (payload = max_frame) is accepted',
    wire($f), [ev($f)], [msg($f)], null, $cfgF);

$f = f(REQUEST, 2, reqMeta(0, 'bulk'), filler(16376), RAW);
vec('limits', 'payload-exactly-max-frame-meta-and-body', '3.2', 'max_frame 16384: 8 bytes of meta + 16376 bytes of body = 16384 is accepted',
    wire($f), [ev($f, dReq(0, 'bulk'))], [msg($f)], null, $cfgF);

$f = f(RESPONSE, 3, '', binary(16385), RAW);
vec('limits', 'payload-max-frame-plus-one', '3.2', 'max_frame 16384: a 16385-byte body is FRAME_TOO_LARGE (fatal, stage decode); the frame is never emitted, the PING before it is',
    wire($ping1) . wire($f), [ev($ping1)], [msg($ping1)], err('decode', 'FRAME_TOO_LARGE'), $cfgF);

$meth = filler(100, 'method');
$f = f(NOTIFICATION, 0, $meth, filler(16285), RAW);
vec('limits', 'payload-max-frame-plus-one-meta-and-body', '3.2', 'max_frame 16384: 100 bytes of meta + 16285 of body = 16385 is FRAME_TOO_LARGE: the limit is on meta_len + body_len',
    wire($f), [], [], err('decode', 'FRAME_TOO_LARGE'), $cfgF);

$f = f(RESPONSE, 4, '', '', RAW, 0, NONE, 1, null, 16385);
vec('limits', 'over-max-frame-before-payload', '3.2', 'max_frame 16384: only the header of a frame declaring 16385 bytes has arrived (input not ended): FRAME_TOO_LARGE at once, before the payload',
    headerOf($f), [], [], err('decode', 'FRAME_TOO_LARGE'), $cfgF, false);

$f = f(RESPONSE, 4, '', '', RAW, 0, NONE, 1, null, 16384);
vec('limits', 'max-frame-header-waits-for-payload', '3.2', 'max_frame 16384: a header declaring exactly 16384 bytes is fine; with the payload not yet arrived the decoder waits: no event, no error',
    headerOf($f), [], [], null, $cfgF, false);

$f = f(RESPONSE, 5, '', '', RAW, 0, NONE, 1, null, 0xFFFFFFFF);
vec('limits', 'hostile-body-len-ffffffff', '3.2', 'A verified header declaring body_len 0xFFFFFFFF with the default limits: FRAME_TOO_LARGE before any payload (the input holds only the header)',
    headerOf($f), [], [], err('decode', 'FRAME_TOO_LARGE'), null, false);

$f = f(REQUEST, 6, '', '', RAW, 0, NONE, 1, 0xFFFF, 0);
vec('limits', 'hostile-meta-len-ffff', '3.2', 'max_frame 16384: meta_len 65535 alone is over the limit: FRAME_TOO_LARGE before the payload',
    headerOf($f), [], [], err('decode', 'FRAME_TOO_LARGE'), $cfgF, false);

$f = f(RESPONSE, 7, '', '', RAW, 0, NONE, 1, 1, 0xFFFFFFFF);
vec('limits', 'length-sum-wraps-to-zero', '3.2', 'meta_len 1 + body_len 0xFFFFFFFF = 2^32, which is 0 in 32-bit arithmetic: still FRAME_TOO_LARGE (compute the sum without overflow)',
    headerOf($f), [], [], err('decode', 'FRAME_TOO_LARGE'), $cfgF, false);

$f = f(RESPONSE, 8, '', '', RAW, 0, NONE, 1, 0xFFFF, 0xFFFF0002);
vec('limits', 'length-sum-wraps-to-one', '3.2', 'meta_len 0xFFFF + body_len 0xFFFF0002 = 2^32 + 1, which wraps to 1 in 32 bits: still FRAME_TOO_LARGE',
    headerOf($f), [], [], err('decode', 'FRAME_TOO_LARGE'), $cfgF, false);

$f = f(RESPONSE, 9, '', '', RAW, 0, NONE, 1, null, 0x80000000);
vec('limits', 'body-len-sign-bit', '3.2', 'body_len 0x80000000 is 2147483648 (unsigned), not a negative number: FRAME_TOO_LARGE',
    headerOf($f), [], [], err('decode', 'FRAME_TOO_LARGE'), $cfgF, false);

$f = f(RESPONSE, 10, '', '', RAW, 0, NONE, 1, null, 1048577);
vec('limits', 'default-max-frame', '3.2', 'No config: a header declaring 1048577 bytes is over the default max_frame (and over the 64 KiB pre-handshake limit): FRAME_TOO_LARGE',
    headerOf($f), [], [], err('decode', 'FRAME_TOO_LARGE'), null, false);

$cfgBig = cfg(16777216, 134217728);
$f = f(RESPONSE, 11, '', '', RAW, 0, NONE, 1, null, 16777216);
vec('limits', 'largest-max-frame-header-waits', '3.2', 'max_frame 16 MiB (the largest allowed): a header declaring 16777216 bytes is accepted and the decoder waits for the payload',
    headerOf($f), [], [], null, $cfgBig, false);

$f = f(RESPONSE, 12, '', '', RAW, 0, NONE, 1, 1, 16777216);
vec('limits', 'largest-max-frame-plus-one', '3.2', 'max_frame 16 MiB: 1 byte of meta + 16777216 bytes of body is FRAME_TOO_LARGE',
    headerOf($f), [], [], err('decode', 'FRAME_TOO_LARGE'), $cfgBig, false);

$f = f(0x0C, 0, '', '', RAW, 0, NONE, 1, null, 16385);
vec('limits', 'unknown-kind-over-max-frame', '3.5', 'The length check does not depend on the kind: an unknown kind declaring 16385 bytes is FRAME_TOO_LARGE with max_frame 16384',
    headerOf($f), [], [], err('decode', 'FRAME_TOO_LARGE'), $cfgF, false);

// =============================================================================================
// stray.json — §3.6 and the resynchronisation of §3.5 steps 1–3
// =============================================================================================

$warn = noFa("PHP Warning:  Undefined variable \$name in /srv/app/worker.php on line 12\n", 'warning');
vec('stray', 'stray-php-warning-before-frame', '3.6', 'A PHP warning on stdout before the first frame: reported as stray bytes, then the RESPONSE',
    $warn . $A2, [stray($warn), ev($a2)], [msg($a2)], null);

$notice = "Notice: Only variables should be passed by reference\n";
vec('stray', 'stray-between-frames', '3.6', 'Text between two frames is stray; the frames on either side are processed normally',
    wire($ping1) . $notice . wire($pong1), [ev($ping1), stray($notice), ev($pong1)], [msg($ping1), msg($pong1)], null);

vec('stray', 'stray-after-last-frame', '3.6', 'Text after the last frame, then end of input: stray bytes, no error (they are not a truncated frame)',
    wire($ping1) . "done.\n", [ev($ping1), stray("done.\n")], [msg($ping1)], null);

$t1 = "starting\n";
$t2 = "var_dump: int(42)\n";
$t3 = "exiting\n";
vec('stray', 'stray-before-between-and-after', '3.6', 'Stray text before, between and after two frames: three separate stray reports',
    $t1 . $A1 . $t2 . $A2 . $t3, [stray($t1), ev($a1, dReq(5000, 'echo')), stray($t2), ev($a2), stray($t3)], [msg($a1), msg($a2)], null);

$utf = "Grüße ✓ — ok\n";
vec('stray', 'stray-utf8-text', '3.1', 'Multi-byte UTF-8 text never contains 0xFA: all of it is stray',
    $utf . $A3, [stray($utf), ev($a3)], [msg($a3)], null);

vec('stray', 'stray-fa-bytes-before-frame', '3.5', 'Three 0xFA bytes then a frame: the magic is found after them, they are stray',
    "\xFA\xFA\xFA" . $A3, [stray("\xFA\xFA\xFA"), ev($a3)], [msg($a3)], null);

vec('stray', 'stray-fa-bytes-at-eof', '3.5', 'A frame then three 0xFA bytes and end of input: the last one is a 1-byte magic prefix, which at end of input is stray too',
    $A3 . "\xFA\xFA\xFA", [ev($a3), stray("\xFA\xFA\xFA")], [msg($a3)], null);

vec('stray', 'stray-partial-magic-then-magic', '3.5', 'FA 50 52 immediately followed by a real frame: the three bytes are stray, the frame decodes',
    "\xFA\x50\x52" . $A3, [stray("\xFA\x50\x52"), ev($a3)], [msg($a3)], null);

vec('stray', 'stray-broken-magic', '3.5', 'FA 50 52 41 is not the magic: stray, then the real frame',
    "\xFA\x50\x52\x41" . $A3, [stray("\xFA\x50\x52\x41"), ev($a3)], [msg($a3)], null);

vec('stray', 'stray-overlapping-magic-prefixes', '3.5', 'FA FA FA 50 then a frame: the magic starts at the fifth byte; the search must restart inside a failed prefix',
    "\xFA\xFA\xFA\x50" . $A3, [stray("\xFA\xFA\xFA\x50"), ev($a3)], [msg($a3)], null);

vec('stray', 'stray-magic-letters-without-fa', '3.1', 'The letters PRL without the leading 0xFA are ordinary text',
    "PRLPRL\n" . $A3, [stray("PRLPRL\n"), ev($a3)], [msg($a3)], null);

$garbage = noFa('garbage-garbage-gar!', 'garbage');
$fake = MAGIC . $garbage;
check(strlen($fake) === 24 && crc(substr($fake, 0, 20)) !== substr($fake, 20, 4), 'fake header must fail its checksum');
vec('stray', 'fake-magic-then-garbage', '3.6', 'A magic followed by 20 bytes of garbage: the 24-byte header fails its checksum, all 24 bytes are stray, the next real frame decodes',
    $fake . $A3, [stray($fake), ev($a3)], [msg($a3)], null);

$fake2 = MAGIC . "\x01\x02";
$window = $fake2 . substr($A3, 0, 18);
check(crc(substr($window, 0, 20)) !== substr($window, 20, 4), 'overlapping fake header must fail');
vec('stray', 'fake-magic-overlapping-real-frame', '3.5', 'A magic and 2 bytes, then a real frame inside the 24-byte window: the fake header fails, only its first byte is discarded, the scan finds the real frame: 6 stray bytes, then the PING',
    $fake2 . $A3, [stray($fake2), ev($a3)], [msg($a3)], null);

$bad = withCrc($a2, substr($A2, 20, 3) . chr(ord($A2[23]) ^ 0x01));
noFa(substr($bad, 1), 'corrupted A.2 after its first byte');
vec('stray', 'bad-crc-bit-flipped', '3.6', 'A.2 with the lowest checksum bit flipped: the whole frame (header and its 4-byte body) is stray, the next real frame decodes',
    $bad . $A3, [stray($bad), ev($a3)], [msg($a3)], null);

$bad = corrupted($a1, 5, REQUEST ^ RESPONSE);
noFa(substr($bad, 1), 'corrupted A.1');
vec('stray', 'bad-crc-mutated-kind', '3.6', 'A.1 with its kind byte changed (checksum not updated): header, meta and body are all stray; resync on the next frame',
    $bad . $A3, [stray($bad), ev($a3)], [msg($a3)], null);

$bad = corrupted($a1, 11, 0x02);
noFa(substr($bad, 1), 'corrupted A.1 id');
vec('stray', 'bad-crc-mutated-id', '3.6', 'A.1 with one bit of its id flipped: stray, then the next frame',
    $bad . $A2, [stray($bad), ev($a2)], [msg($a2)], null);

$bad = corrupted($a2, 19, 0x01);
noFa(substr($bad, 1), 'corrupted A.2 body_len');
vec('stray', 'bad-crc-mutated-body-len', '3.6', 'A.2 with body_len 5 instead of 4 (checksum not updated): the lengths of an unverified header are not trusted; everything up to the next magic is stray',
    $bad . $A3, [stray($bad), ev($a3)], [msg($a3)], null);

$bad = corrupted($a3, 4, 0x03);
noFa(substr($bad, 1), 'A.3 version 2');
vec('stray', 'bad-crc-version-2-is-stray', '3.5', 'A header with version 2 that fails its checksum is stray, not UNSUPPORTED_VERSION: the checksum is checked first',
    $bad . $A2, [stray($bad), ev($a2)], [msg($a2)], null);

$hb = f(RESPONSE, 1, '', '', RAW, 0, NONE, 1, null, 0xFFFFFFFF);
$badHead = withCrc($hb, "\x01\x02\x03\x04");
noFa(substr($badHead, 1), 'huge header');
vec('stray', 'bad-crc-huge-length-is-stray', '3.5', 'A header declaring body_len 0xFFFFFFFF that fails its checksum is stray, not FRAME_TOO_LARGE, and the next frame decodes',
    $badHead . $A3, [stray($badHead), ev($a3)], [msg($a3)], null);

$innerPing = f(PING, 77, '', 'in');
$outerBody = 'head-' . wire($innerPing) . '-tail';
$outer = f(REQUEST, 21, reqMeta(0, 'wrap'), $outerBody, RAW);
$bad = corrupted($outer, 9, 0x40);
$pos = strpos($bad, MAGIC, 1);
check($pos === 24 + 8 + 5, 'embedded magic position');
noFa(substr($bad, 1, $pos - 1), 'bytes before the embedded frame');
$afterInner = $pos + strlen(wire($innerPing));
noFa(substr($bad, $afterInner), 'bytes after the embedded frame');
vec('stray', 'resync-finds-frame-inside-corrupted-payload', '3.6', 'A corrupted REQUEST whose raw body contains a complete PING: the REQUEST is not verified, so its payload is scanned like any stray bytes and the embedded PING is decoded',
    $bad . $A2,
    [stray(substr($bad, 0, $pos)), ev($innerPing), stray(substr($bad, $afterInner)), ev($a2)],
    [msg($innerPing), msg($a2)], null);

$bin = '';
for ($i = 0; strlen($bin) < 200; $i++) {
    if (($i & 0xFF) !== 0xFA) {
        $bin .= chr($i & 0xFF);
    }
}
vec('stray', 'stray-binary-garbage', '3.6', '200 bytes of binary garbage (every byte value except 0xFA) then a frame: all stray',
    $bin . $A3, [stray($bin), ev($a3)], [msg($a3)], null);

$long = filler(256, 'stray');
vec('stray', 'stray-256-bytes', '3.6', '256 stray bytes (the minimum a report must show in full) then a frame',
    $long . $A3, [stray($long), ev($a3)], [msg($a3)], null);

$deprecated = "PHP Deprecated:  Creation of dynamic property is deprecated in /app/boot.php on line 3\n";
vec('stray', 'stray-before-hello', '8.2', 'Stray bytes before the HELLO are allowed; the HELLO decodes',
    $deprecated . $A5, [stray($deprecated), ev($a5, dJson($a5Json))], [msg($a5)], null);

vec('stray', 'stray-partial-magic-held-when-input-continues', '3.5', 'Text then FA 50 52 with the input not ended: the text is stray, the 3-byte magic prefix is kept (not reported) while more input may complete it',
    "Hi\n\xFA\x50\x52", [stray("Hi\n")], [], null, null, false);

// --- max_stray (§3.6 rule 4)
$cfgS = cfg(1048576, 134217728, 64);
$s65 = filler(65, 'limit');
vec('stray', 'stray-limit-exceeded', '3.6', 'max_stray 64: the 65th stray byte without a verified header closes the session: PROTOCOL_ERROR (fatal, stage decode), all 65 bytes reported first',
    $s65, [stray($s65)], [], err('decode', 'PROTOCOL_ERROR'), $cfgS, false);

$s64 = filler(64, 'limit');
vec('stray', 'stray-limit-exactly', '3.6', 'max_stray 64: exactly 64 stray bytes are tolerated; the frame after them decodes',
    $s64 . $A3, [stray($s64), ev($a3)], [msg($a3)], null, $cfgS);

$s40a = filler(40, 'aa');
$s40b = filler(40, 'bb');
vec('stray', 'stray-limit-counter-resets', '3.6', 'max_stray 64: 40 stray bytes, a frame, 40 more, a frame: the counter resets at every verified header, so 80 in total is fine',
    $s40a . $A3 . $s40b . $A2, [stray($s40a), ev($a3), stray($s40b), ev($a2)], [msg($a3), msg($a2)], null, $cfgS);

vec('stray', 'stray-limit-exceeded-after-frame', '3.6', 'max_stray 64: a frame, then 65 stray bytes: PROTOCOL_ERROR after the frame was delivered',
    $A3 . $s65, [ev($a3), stray($s65)], [msg($a3)], err('decode', 'PROTOCOL_ERROR'), $cfgS, false);

$bh1 = withCrc($a3, "\x01\x02\x03\x04");
$bh2 = withCrc(f(PING, 8), "\x05\x06\x07\x08");
noFa(substr($bh1, 1) . substr($bh2, 1), 'bad headers');
vec('stray', 'stray-limit-counts-failed-headers', '3.6', 'max_stray 48: two 24-byte headers that fail their checksum are 48 stray bytes; one more byte exceeds the limit',
    $bh1 . $bh2 . 'x', [stray($bh1 . $bh2 . 'x')], [], err('decode', 'PROTOCOL_ERROR'), cfg(1048576, 134217728, 48), false);

$s16 = filler(16, 'held');
vec('stray', 'stray-limit-magic-prefix-not-counted', '3.6', 'max_stray 16: 16 stray bytes then FA 50 52 with the input not ended: the prefix is not stray (yet), the limit is not exceeded',
    $s16 . "\xFA\x50\x52", [stray($s16)], [], null, cfg(1048576, 134217728, 16), false);

// =============================================================================================
// truncation.json — §3.5 "End of input"
// =============================================================================================

$cuts = [
    [1, 'after 1 magic byte'],
    [2, 'after 2 magic bytes'],
    [3, 'after 3 magic bytes'],
    [4, 'after the 4 magic bytes'],
    [5, 'after the version byte'],
    [6, 'after the kind byte'],
    [7, 'in the middle of flags'],
    [8, 'after flags'],
    [10, 'in the middle of id'],
    [12, 'after id'],
    [13, 'in the middle of meta_len'],
    [14, 'after meta_len'],
    [15, 'after codec'],
    [16, 'after compression'],
    [18, 'in the middle of body_len'],
    [20, 'after body_len, before header_crc'],
    [22, 'in the middle of header_crc'],
    [23, 'one byte before the end of the header'],
];
foreach ($cuts as [$n, $where]) {
    $part = substr($A1, 0, $n);
    vec('truncation', "eof-after-$n-header-bytes", '3.5', "End of input $where ($n bytes of A.1): no verified header was seen, so the bytes are stray, not a truncated frame",
        $part, [stray($part)], [], null);
}

$tcuts = [
    [24, 'right after the verified header'],
    [26, 'in the middle of the meta'],
    [32, 'after the meta, before the body'],
    [34, 'in the middle of the body'],
    [35, 'one byte before the end of the frame'],
];
foreach ($tcuts as [$n, $where]) {
    vec('truncation', "eof-truncated-frame-after-$n-bytes", '3.5', "End of input $where ($n of 36 bytes of A.1): the header was verified, so this is a truncated frame: PEER_GONE, stage decode",
        substr($A1, 0, $n), [], [], err('decode', 'PEER_GONE'));
}

$part = substr($A1, 0, 10);
vec('truncation', 'eof-unverified-header-after-frame', '3.5', 'A complete PING, then 10 bytes of a header at end of input: the earlier verified header does not count; the 10 bytes are stray, no error',
    $A3 . $part, [ev($a3), stray($part)], [msg($a3)], null);

vec('truncation', 'eof-truncated-frame-after-stray-and-frame', '3.5', 'Stray text, a PING, then A.1 missing its last byte: stray, PING, then PEER_GONE for the truncated frame',
    "Hi\n" . $A3 . substr($A1, 0, 35), [stray("Hi\n"), ev($a3)], [msg($a3)], err('decode', 'PEER_GONE'));

$bad = corrupted($a1, 9, 0x10);
$badPart = substr($bad, 0, 30);
noFa(substr($badPart, 1), 'corrupted A.1 part');
vec('truncation', 'eof-bad-crc-header-with-partial-payload', '3.5', 'A header that fails its checksum and part of its payload at end of input: stray bytes, not a truncated frame',
    $badPart, [stray($badPart)], [], null);

vec('truncation', 'eof-magic-after-text', '3.5', 'Text then a complete magic at end of input: no header was verified, all 7 bytes are stray',
    "Hi " . MAGIC, [stray("Hi " . MAGIC)], [], null);

$u = f(0x30, 0, 'abc', 'defgh', RAW);
vec('truncation', 'eof-truncated-unknown-kind', '3.5', 'A verified header of an unknown kind whose payload is cut short: a truncated frame all the same (PEER_GONE)',
    substr(wire($u), 0, 26), [], [], err('decode', 'PEER_GONE'));

vec('truncation', 'eof-right-after-header-only-frame', '3.5', 'A.2, then A.3 (a 24-byte frame with an empty payload) and end of input right after it: both frames are complete, no truncation',
    $A2 . $A3, [ev($a2), ev($a3)], [msg($a2), msg($a3)], null);

vec('truncation', 'empty-input', '3.5', 'No bytes at all, then end of input: nothing happens',
    '', [], [], null);

vec('truncation', 'partial-header-input-continues', '3.5', 'Ten bytes of a header with the input not ended: the decoder waits; no stray report, no error',
    substr($A1, 0, 10), [], [], null, null, false);

vec('truncation', 'partial-payload-input-continues', '3.5', 'A verified header and part of the payload with the input not ended: the decoder waits; no event, no error',
    substr($A1, 0, 30), [], [], null, null, false);

$r1 = f(REQUEST, 1, reqMeta(0, 'upload'), 'part', RAW, MORE);
vec('truncation', 'eof-inside-chunked-message', '5', 'End of input after a complete MORE frame: the decoder ends cleanly (no truncated frame), and the incomplete message is never delivered',
    wire($r1), [ev($r1, dReq(0, 'upload'))], [], null);

// =============================================================================================
// errors.json — §3.4 version, §4 frame rules, §4.1 REQUEST meta, §4.2
// =============================================================================================

$v2 = f(PING, 1, '', '', RAW, 0, NONE, 2);
vec('errors', 'version-2-verified', '3.4', 'A verified header with version 2: UNSUPPORTED_VERSION, fatal, stage decode',
    wire($v2), [], [], err('decode', 'UNSUPPORTED_VERSION'));

$v0 = f(PING, 1, '', '', RAW, 0, NONE, 0);
vec('errors', 'version-0-verified', '3.4', 'A verified header with version 0: UNSUPPORTED_VERSION',
    wire($v0), [], [], err('decode', 'UNSUPPORTED_VERSION'));

$v2r = f(REQUEST, 3, reqMeta(0, 'echo'), '1', JSON, 0, NONE, 2);
vec('errors', 'version-2-after-frame', '3.4', 'A valid PING then a verified version-2 REQUEST: the PING is delivered, then UNSUPPORTED_VERSION',
    wire($ping1) . wire($v2r), [ev($ping1)], [msg($ping1)], err('decode', 'UNSUPPORTED_VERSION'));

$vh = f(RESPONSE, 1, '', '', RAW, 0, NONE, 2, null, 0xFFFFFFFF);
vec('errors', 'version-checked-before-length', '3.5', 'A verified header with version 2 and body_len 0xFFFFFFFF: the version is checked first, UNSUPPORTED_VERSION',
    headerOf($vh), [], [], err('decode', 'UNSUPPORTED_VERSION'), null, false);

$vh = f(RESPONSE, 1, '', '', RAW, 0, NONE, 255, null, 4);
vec('errors', 'version-255-before-payload', '3.4', 'Only the verified header (version 255) of a frame has arrived and the input goes on: UNSUPPORTED_VERSION without waiting for the payload',
    headerOf($vh), [], [], err('decode', 'UNSUPPORTED_VERSION'), null, false);

$vh = f(HELLO, 0, '', $a5Body, JSON, 0, NONE, 2);
vec('errors', 'hello-version-2', '3.4', 'A HELLO with version byte 2: HELLO frames always use version 1, so this is UNSUPPORTED_VERSION like any other frame',
    wire($vh), [], [], err('decode', 'UNSUPPORTED_VERSION'));

$idRules = [
    ['request-id-zero', 'A REQUEST with id 0', f(REQUEST, 0, reqMeta(0, 'echo'), '1', JSON), dReq(0, 'echo')],
    ['response-id-zero', 'A RESPONSE with id 0', f(RESPONSE, 0, '', '1', JSON), null],
    ['progress-id-zero', 'A PROGRESS with id 0', f(PROGRESS, 0, '', '1', JSON), null],
    ['cancel-id-zero', 'A CANCEL with id 0', f(CANCEL, 0), null],
    ['notification-id-nonzero', 'A NOTIFICATION with id 1', f(NOTIFICATION, 1, 'n', '1', JSON), dNote('n')],
    ['hello-id-nonzero', 'A HELLO with id 1', f(HELLO, 1, '', $a5Body, JSON), dJson($a5Json)],
    ['goodbye-id-nonzero', 'A GOODBYE with id 7', f(GOODBYE, 7, '', '{"reason":"x"}', JSON), dJson(['reason' => 'x'])],
];
foreach ($idRules as [$name, $what, $bad, $d]) {
    vec('errors', $name, '4', "$what breaks the id rule of §4: PROTOCOL_ERROR, fatal, stage frame",
        wire($ping1) . wire($bad), [ev($ping1), ev($bad, $d)], [msg($ping1)], err('frame', 'PROTOCOL_ERROR'));
}

$metaRules = [
    ['hello-with-meta', 'HELLO', f(HELLO, 0, 'x', $a5Body, JSON), dJson($a5Json)],
    ['response-with-meta', 'RESPONSE', f(RESPONSE, 1, 'x', '1', JSON), null],
    ['error-with-meta', 'ERROR', f(ERROR, 1, 'x', $a4Body, JSON), dJson($a4Json)],
    ['progress-with-meta', 'PROGRESS', f(PROGRESS, 1, 'x', '1', JSON), null],
    ['cancel-with-meta', 'CANCEL', f(CANCEL, 1, 'x'), null],
    ['ping-with-meta', 'PING', f(PING, 1, 'x'), null],
    ['pong-with-meta', 'PONG', f(PONG, 1, 'x'), null],
    ['goodbye-with-meta', 'GOODBYE', f(GOODBYE, 0, 'x', '{"reason":"x"}', JSON), dJson(['reason' => 'x'])],
];
foreach ($metaRules as [$name, $kindName, $bad, $d]) {
    vec('errors', $name, '4', "A $kindName with meta_len 1: its meta must be empty, PROTOCOL_ERROR, fatal, stage frame",
        wire($bad), [ev($bad, $d)], [], err('frame', 'PROTOCOL_ERROR'));
}

// REQUEST meta (§4.1): INVALID_REQUEST, not fatal; the next frame is still processed.
$badReq = [
    ['request-meta-len-0', 'meta_len 0 (no timeout, no method)', ''],
    ['request-meta-len-3', 'meta_len 3 (not even a whole timeout)', "\x00\x00\x01"],
    ['request-meta-len-4', 'meta_len 4: a timeout and an empty method', u32(1000)],
    ['request-method-256-bytes', 'a 256-byte method', reqMeta(0, 'm/' . filler(254, 'long'))],
    ['request-method-invalid-utf8-ff', 'a method containing the byte 0xFF', reqMeta(0, "ech\xFF")],
    ['request-method-invalid-utf8-lone-continuation', 'a method containing a lone continuation byte 0x80', reqMeta(0, "a\x80b")],
    ['request-method-invalid-utf8-overlong', 'a method with the overlong encoding C0 AF of "/"', reqMeta(0, "a\xC0\xAFb")],
    ['request-method-invalid-utf8-surrogate', 'a method with an encoded surrogate ED A0 80 (U+D800)', reqMeta(0, "a\xED\xA0\x80")],
    ['request-method-invalid-utf8-truncated', 'a method ending in an incomplete 3-byte sequence E2 82', reqMeta(0, "echo\xE2\x82")],
    ['request-method-invalid-utf8-above-max', 'a method with F4 90 80 80 (above U+10FFFF)', reqMeta(0, "\xF4\x90\x80\x80")],
];
check(strlen($badReq[3][2]) === 260, '256-byte method');
foreach ($badReq as $i => [$name, $what, $meta]) {
    $bad = f(REQUEST, 40 + $i, $meta, '"x"', JSON);
    vec('errors', $name, '4.1', "A REQUEST with $what: INVALID_REQUEST (-32600), not fatal, stage frame; no message for it, and the next frame is still decoded and delivered",
        wire($bad) . wire($ping99), [ev($bad), ev($ping99)], [msg($ping99)], err('frame', 'INVALID_REQUEST'));
}

$bad = f(REQUEST, 60, "\x00", '', RAW);
$good = f(REQUEST, 61, reqMeta(0, 'echo'), '"ok"', JSON);
vec('errors', 'invalid-request-then-valid-request', '4.1', 'An invalid REQUEST (meta_len 1) then a valid one: the first error is INVALID_REQUEST, the valid REQUEST is still delivered',
    wire($bad) . wire($good), [ev($bad), ev($good, dReq(0, 'echo'))], [msg($good)], err('frame', 'INVALID_REQUEST'));

// PING/PONG body limit
$bad = f(PING, 1, '', binary(65));
vec('errors', 'ping-body-65-bytes', '4', 'A PING body of 65 bytes exceeds 64: PROTOCOL_ERROR, fatal, stage frame',
    wire($bad), [ev($bad)], [], err('frame', 'PROTOCOL_ERROR'));
$bad = f(PONG, 1, '', binary(65));
vec('errors', 'pong-body-65-bytes', '4', 'A PONG body of 65 bytes exceeds 64: PROTOCOL_ERROR, fatal, stage frame',
    wire($bad), [ev($bad)], [], err('frame', 'PROTOCOL_ERROR'));

// codec / compression rules
$codecRules = [
    ['hello-codec-raw', 'A HELLO with codec 0 (raw) and a JSON body: HELLO must be codec 1', f(HELLO, 0, '', $a5Body, RAW)],
    ['error-codec-php', 'An ERROR with codec 3 (php): ERROR must be codec 1', f(ERROR, 1, '', 'a:0:{}', PHPSER)],
    ['goodbye-codec-kryo', 'A GOODBYE with codec 2 (kryo): GOODBYE must be codec 1', f(GOODBYE, 0, '', "\x01\x02", KRYO)],
    ['hello-compressed', 'A HELLO with compression 1: JSON kinds must have compression 0', f(HELLO, 0, '', hex2bin(DEFLATED_VERSIONS), JSON, 0, DEFLATE)],
    ['error-compressed', 'An ERROR with compression 2: JSON kinds must have compression 0', f(ERROR, 1, '', "\x28\xB5\x2F\xFD\x00", JSON, 0, ZSTD)],
    ['ping-codec-json', 'A PING with codec 1: PING must be codec 0', f(PING, 1, '', '1', JSON)],
    ['pong-compressed', 'A PONG with compression 1: PONG must have compression 0', f(PONG, 1, '', 'ab', RAW, 0, DEFLATE)],
    ['cancel-codec-json', 'A CANCEL with codec 1: CANCEL must be codec 0', f(CANCEL, 1, '', '', JSON)],
    ['response-empty-body-codec-json', 'A RESPONSE with an empty body and codec 1: an empty body must have codec 0', f(RESPONSE, 1, '', '', JSON)],
    ['request-empty-body-codec-json', 'A REQUEST with valid meta, an empty body and codec 1 (a frame rule, so PROTOCOL_ERROR, not INVALID_REQUEST)', f(REQUEST, 1, reqMeta(0, 'echo'), '', JSON)],
    ['notification-empty-body-compressed', 'A NOTIFICATION with an empty body, codec 0 and compression 1: an empty body must have compression 0', f(NOTIFICATION, 0, 'n', '', RAW, 0, DEFLATE)],
    ['progress-empty-body-codec-kryo', 'A PROGRESS with an empty body and codec 2', f(PROGRESS, 1, '', '', KRYO)],
    ['goodbye-empty-body', 'A GOODBYE with an empty body and codec 0: GOODBYE must be codec 1, and codec 1 needs a non-empty body', f(GOODBYE, 0, '', '', RAW)],
];
foreach ($codecRules as [$name, $what, $bad]) {
    $d = null;
    if ($bad['kind'] === REQUEST) {
        $d = dReq(0, 'echo');
    } elseif ($bad['kind'] === NOTIFICATION) {
        $d = dNote('n');
    }
    vec('errors', $name, '4', "$what. PROTOCOL_ERROR, fatal, stage frame",
        wire($ping1) . wire($bad), [ev($ping1), ev($bad, $d)], [msg($ping1)], err('frame', 'PROTOCOL_ERROR'));
}

// NOTIFICATION meta (§4.2): dropped, reported to the application, not a §7.2 error
$noteBad = [
    ['notification-method-empty-dropped', 'meta_len 0 (an empty method)', ''],
    ['notification-method-invalid-utf8-dropped', 'a method containing 0xFF', "n\xFF"],
    ['notification-method-256-bytes-dropped', 'a 256-byte method', 'n/' . filler(254, 'long')],
];
foreach ($noteBad as [$name, $what, $meta]) {
    $bad = f(NOTIFICATION, 0, $meta, '1', JSON);
    vec('errors', $name, '4.2', "A NOTIFICATION with $what is dropped (reported to the application, no answer): no message, no §7.2 error, the session goes on",
        wire($bad) . wire($ping99), [ev($bad), ev($ping99)], [msg($ping99)], null);
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

$out = __DIR__;
foreach (array_slice($argv, 1) as $arg) {
    if (str_starts_with($arg, '--out=')) {
        $out = substr($arg, 6);
    } else {
        fail("unknown argument $arg (usage: php generate.php [--out=DIR])");
    }
}
check(is_dir($out), "output directory $out does not exist");

$names = [];
$total = 0;
foreach ($FILES as $file => $vectors) {
    foreach ($vectors as $v) {
        check(!isset($names[$v['name']]), "duplicate vector name {$v['name']}");
        $names[$v['name']] = true;
    }
    $json = json_encode(['vectors' => $vectors], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
    file_put_contents("$out/$file.json", $json . "\n");
    $total += count($vectors);
    fwrite(STDOUT, sprintf("%-16s %4d vectors\n", "$file.json", count($vectors)));
}
fwrite(STDOUT, sprintf("%-16s %4d vectors\n", 'total', $total));
