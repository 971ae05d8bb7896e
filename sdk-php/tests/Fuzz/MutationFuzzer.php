<?php

declare(strict_types=1);

namespace Parley\Tests\Fuzz;

use Parley\Codec\CodecException;
use Parley\Codec\DeflateCompression;
use Parley\Codec\JsonCodec;
use Parley\Codec\PhpSerializeCodec;
use Parley\Codec\ZstdCompression;
use Parley\Frame\MessageRejectedException;
use Parley\Exception\PeerGoneException;
use Parley\Exception\ProtocolException;
use Parley\Frame\FrameDecoder;
use Parley\Frame\MessageAssembler;
use Parley\Internal\Session\Hello;
use Throwable;

/**
 * A seeded mutation fuzzer (issue 12, SPEC §13) over the corpus the Java SDK's Jazzer targets use
 * (sdk-java/src/test/resources/io/parley/fuzz/FuzzTargetsInputs/): the frame decoder, the message
 * assembler and the HELLO parser may only raise the SDK's declared exceptions, keep at most one
 * frame buffered, and make progress; JSON, deflate, zstd and PHP-serialize bodies may only be
 * refused with a typed error, stay within max_message and never make an object. Anything else is a
 * finding, kept with the input that caused it.
 */
final class MutationFuzzer
{
    public const TARGETS = [
        'frameDecoder',
        'messageAssembler',
        'helloParser',
        'jsonBody',
        'deflateBody',
        'zstdBody',
        'phpSerializeBody',
    ];
    /** Targets without a corpus of their own mutate another target's (the Java SDK has no PHP codec). */
    private const CORPUS_OF = ['phpSerializeBody' => 'jsonBody'];
    private const MAX_FRAME = 4096;
    private const MAX_MESSAGE = 16384;
    private const MAX_STRAY = 65536;
    private const HEADER_SLACK = 64;

    /** @var list<string> */
    private array $corpus = [];
    /** @var list<array{target: string, input: string, error: string}> */
    public array $findings = [];
    /** @var array<string, int> */
    public array $outcomes = [];
    public int $executions = 0;
    private ?ZstdCompression $zstdCodec = null;
    private const MEMORY_SLACK = 2 * 1048576;

    public function __construct(private readonly string $target, string $corpusDir, private readonly int $seed)
    {
        if (!in_array($target, self::TARGETS, true)) {
            throw new \InvalidArgumentException("unknown target $target; use one of " . implode(', ', self::TARGETS));
        }
        $this->seedBodies();
        $corpus = self::CORPUS_OF[$target] ?? $target;
        foreach (glob(rtrim($corpusDir, '/') . '/' . $corpus . '/*') ?: [] as $file) {
            $this->corpus[] = (string) file_get_contents($file);
        }
        if ($this->corpus === []) {
            $this->corpus[] = '';
        }
    }

    public static function defaultCorpusDir(): string
    {
        return dirname(__DIR__, 3) . '/sdk-java/src/test/resources/io/parley/fuzz/FuzzTargetsInputs';
    }

    public function corpusSize(): int
    {
        return count($this->corpus);
    }

    /** Runs the corpus as is, then $count mutated inputs. */
    public function run(int $count): void
    {
        mt_srand($this->seed);
        foreach ($this->corpus as $input) {
            $this->one($input);
        }
        for ($i = 0; $i < $count; $i++) {
            $input = $this->corpus[mt_rand(0, count($this->corpus) - 1)];
            $rounds = mt_rand(1, 4);
            for ($r = 0; $r < $rounds; $r++) {
                $input = $this->mutate($input);
            }
            $this->one($input);
        }
    }

    private function one(string $input): void
    {
        $this->executions++;
        try {
            $outcome = match ($this->target) {
                'frameDecoder' => $this->decode($input, null),
                'messageAssembler' => $this->decode($input, new MessageAssembler(self::MAX_MESSAGE)),
                'helloParser' => $this->hello($input),
                default => $this->body($input),
            };
        } catch (Throwable $e) {
            $error = $e::class . ': ' . $e->getMessage();
            $this->findings[] = ['target' => $this->target, 'input' => $input, 'error' => $error];
            $outcome = 'finding';
        }
        $this->outcomes[$outcome] = ($this->outcomes[$outcome] ?? 0) + 1;
    }

    private function decode(string $input, ?MessageAssembler $assembler): string
    {
        $decoder = new FrameDecoder(self::MAX_FRAME, self::MAX_STRAY, static function (string $bytes): void {
        });
        $cut = $input === '' ? 0 : ord($input[0]) % (strlen($input) + 1);
        $steps = 0;
        try {
            foreach ([substr($input, 0, $cut), substr($input, $cut)] as $piece) {
                $decoder->feed($piece);
                while (($frame = $decoder->next()) !== null) {
                    if (++$steps > strlen($input) + 10) {
                        throw new \LogicException('the decoder returned more frames than the input can hold');
                    }
                    if ($assembler !== null) {
                        try {
                            $message = $assembler->push($frame);
                            if ($message !== null && strlen($message->body) > self::MAX_MESSAGE) {
                                throw new \LogicException('a message larger than max_message was assembled');
                            }
                        } catch (MessageRejectedException) {
                            // not fatal: the session answers and goes on
                        }
                    }
                }
                if ($decoder->bufferedBytes() > self::MAX_FRAME + self::HEADER_SLACK + strlen($piece)) {
                    throw new \LogicException('the decoder holds ' . $decoder->bufferedBytes() . ' bytes');
                }
            }
            $decoder->finish();
        } catch (ProtocolException | PeerGoneException $e) {
            return $e::class;
        }
        return 'frames';
    }

    /** Seeds the body targets with encodings of their own (PHP's serialize format has no Java corpus). */
    private function seedBodies(): void
    {
        if ($this->target === 'phpSerializeBody') {
            foreach ([['a' => 1, 'b' => [1.5, true, null]], 'text', 42, [str_repeat('x', 300)]] as $value) {
                $this->corpus[] = serialize($value);
            }
            $this->corpus[] = 'O:8:"stdClass":1:{s:1:"a";i:1;}';
        }
    }

    /**
     * JSON, deflate, zstd and PHP-serialize bodies: only CodecException or a MESSAGE_TOO_LARGE
     * ProtocolException may escape, output stays within max_message, and peak memory within
     * max_message plus slack beyond what the run held before.
     */
    private function body(string $input): string
    {
        $before = memory_get_usage();
        memory_reset_peak_usage();
        try {
            $out = match ($this->target) {
                'jsonBody' => (new JsonCodec())->decode($input),
                'deflateBody' => (new DeflateCompression())->decompress($input, self::MAX_MESSAGE),
                'phpSerializeBody' => (new PhpSerializeCodec())->decode($input),
                default => $this->zstd()?->decompress($input, self::MAX_MESSAGE),
            };
        } catch (CodecException | ProtocolException $e) {
            return $e::class;
        } finally {
            $peak = memory_get_peak_usage() - $before;
            if ($peak > self::MAX_MESSAGE * 4 + self::MEMORY_SLACK + strlen($input) * 64) {
                throw new \LogicException("decoding a body of " . strlen($input) . " bytes peaked at $peak bytes");
            }
        }
        if (is_string($out) && strlen($out) > self::MAX_MESSAGE) {
            throw new \LogicException('a body decompressed beyond max_message');
        }
        if ($this->target === 'phpSerializeBody' && self::holdsObject($out)) {
            throw new \LogicException('unserialize made an object: allowed_classes is not false');
        }
        return 'decoded';
    }

    private static function holdsObject(mixed $value): bool
    {
        if (is_object($value)) {
            return true;
        }
        if (is_array($value)) {
            foreach ($value as $item) {
                if (self::holdsObject($item)) {
                    return true;
                }
            }
        }
        return false;
    }

    private function zstd(): ?ZstdCompression
    {
        return $this->zstdCodec ??= ZstdCompression::available();
    }

    private function hello(string $input): string
    {
        try {
            Hello::parse($input);
        } catch (ProtocolException $e) {
            return $e::class;
        }
        return 'hello';
    }

    private function mutate(string $s): string
    {
        $len = strlen($s);
        switch (mt_rand(0, 8)) {
            case 0: // flip a bit
                if ($len > 0) {
                    $i = mt_rand(0, $len - 1);
                    $s[$i] = chr(ord($s[$i]) ^ (1 << mt_rand(0, 7)));
                }
                return $s;
            case 1: // an interesting byte
                if ($len > 0) {
                    $s[mt_rand(0, $len - 1)] = chr([0, 0xff, 0x7f, 0x80, 0x01, 0xfa][mt_rand(0, 5)]);
                }
                return $s;
            case 2: // a huge 32-bit length somewhere
                if ($len >= 4) {
                    $at = mt_rand(0, $len - 4);
                    $lengths = [0xffffffff, 0x7fffffff, 0x80000000, 0x00100000, self::MAX_FRAME + 1];
                    $big = pack('N', $lengths[mt_rand(0, 4)]);
                    $s = substr_replace($s, $big, $at, 4);
                }
                return $s;
            case 3: // insert random bytes
                return substr_replace($s, random_bytes(mt_rand(1, 16)), mt_rand(0, $len), 0);
            case 4: // delete a range
                if ($len > 0) {
                    $at = mt_rand(0, $len - 1);
                    $s = substr_replace($s, '', $at, mt_rand(1, min(64, $len - $at)));
                }
                return $s;
            case 5: // duplicate a range
                if ($len > 0) {
                    $at = mt_rand(0, $len - 1);
                    $piece = substr($s, $at, mt_rand(1, 128));
                    $s = substr_replace($s, $piece, mt_rand(0, $len), 0);
                }
                return $s;
            case 6: // splice with another corpus entry
                $other = $this->corpus[mt_rand(0, count($this->corpus) - 1)];
                return substr($s, 0, mt_rand(0, $len)) . substr($other, mt_rand(0, strlen($other)));
            case 7: // a magic in the middle
                return substr_replace($s, "\xfaPRL", mt_rand(0, $len), 0);
            default: // truncate
                return substr($s, 0, mt_rand(0, $len));
        }
    }
}
