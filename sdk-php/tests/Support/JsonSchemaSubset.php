<?php

declare(strict_types=1);

namespace Parley\Tests\Support;

use InvalidArgumentException;
use stdClass;

/**
 * A JSON Schema (draft 2020-12) validator for exactly the keywords that
 * conformance-tests/vectors/schema.json uses. A schema with any other keyword is rejected when the
 * validator is built, so the subset can never silently ignore a constraint.
 *
 * Supported: $ref (local JSON pointers "#/..."), $defs, type, enum, const, properties, required,
 * additionalProperties, items, minItems, pattern, minLength, minimum, maximum, oneOf; the
 * annotations $schema, $id, $comment, title and description. Instances and schemas are
 * json_decode()d with objects as stdClass.
 */
final class JsonSchemaSubset
{
    private const ANNOTATIONS = ['$schema', '$id', '$comment', 'title', 'description', '$defs'];
    private const ASSERTIONS = [
        '$ref', 'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items',
        'minItems', 'pattern', 'minLength', 'minimum', 'maximum', 'oneOf',
    ];

    private function __construct(private readonly stdClass|bool $root)
    {
        $this->assertSupported($root, '#');
    }

    public static function fromJson(string $json): self
    {
        $root = json_decode($json, false, 512, JSON_THROW_ON_ERROR);
        if (!$root instanceof stdClass && !is_bool($root)) {
            throw new InvalidArgumentException('a schema is an object or a boolean');
        }
        return new self($root);
    }

    public static function fromFile(string $path): self
    {
        $json = file_get_contents($path);
        if ($json === false) {
            throw new InvalidArgumentException("cannot read $path");
        }
        return self::fromJson($json);
    }

    /**
     * @return list<string> one line per violation ("<instance path>: <what>"); empty when valid
     */
    public function validate(mixed $instance): array
    {
        $errors = [];
        $this->check($this->root, $instance, '', $errors);
        return $errors;
    }

    private function assertSupported(mixed $schema, string $where): void
    {
        if (is_bool($schema)) {
            return;
        }
        if (!$schema instanceof stdClass) {
            throw new InvalidArgumentException("$where: a schema must be an object or a boolean");
        }
        foreach (get_object_vars($schema) as $keyword => $value) {
            $at = "$where/$keyword";
            if (!in_array($keyword, self::ANNOTATIONS, true) && !in_array($keyword, self::ASSERTIONS, true)) {
                throw new InvalidArgumentException("$at: keyword not supported by this subset");
            }
            switch ($keyword) {
                case '$defs':
                case 'properties':
                    foreach (get_object_vars($value) as $name => $sub) {
                        $this->assertSupported($sub, "$at/$name");
                    }
                    break;
                case 'items':
                case 'additionalProperties':
                    $this->assertSupported($value, $at);
                    break;
                case 'oneOf':
                    foreach ($value as $i => $sub) {
                        $this->assertSupported($sub, "$at/$i");
                    }
                    break;
                case '$ref':
                    if (!is_string($value) || !str_starts_with($value, '#')) {
                        throw new InvalidArgumentException("$at: only local references are supported");
                    }
                    $this->resolve($value);
                    break;
            }
        }
    }

    /** Resolves a local reference "#/a/b" (JSON pointer) against the root schema. */
    private function resolve(string $ref): stdClass|bool
    {
        $node = $this->root;
        $pointer = substr($ref, 1);
        if ($pointer !== '') {
            foreach (explode('/', substr($pointer, 1)) as $token) {
                $token = str_replace(['~1', '~0'], ['/', '~'], rawurldecode($token));
                if (!$node instanceof stdClass || !property_exists($node, $token)) {
                    throw new InvalidArgumentException("unresolvable reference $ref");
                }
                $node = $node->{$token};
            }
        }
        if (!$node instanceof stdClass && !is_bool($node)) {
            throw new InvalidArgumentException("reference $ref is not a schema");
        }
        return $node;
    }

    /**
     * @param list<string> $errors
     */
    private function check(stdClass|bool $schema, mixed $value, string $path, array &$errors): void
    {
        $at = $path === '' ? '/' : $path;
        if (is_bool($schema)) {
            if (!$schema) {
                $errors[] = "$at: no value is allowed here";
            }
            return;
        }
        if (isset($schema->{'$ref'})) {
            $this->check($this->resolve($schema->{'$ref'}), $value, $path, $errors);
        }
        if (isset($schema->type)) {
            $types = is_array($schema->type) ? $schema->type : [$schema->type];
            $ok = false;
            foreach ($types as $type) {
                $ok = $ok || self::hasType($value, $type);
            }
            if (!$ok) {
                $errors[] = "$at: expected type " . implode('|', $types) . ', got ' . get_debug_type($value);
                return; // the other keywords would only repeat the mismatch
            }
        }
        if (property_exists($schema, 'const') && !self::same($schema->const, $value)) {
            $errors[] = "$at: must equal " . json_encode($schema->const);
        }
        if (isset($schema->enum)) {
            $found = false;
            foreach ($schema->enum as $candidate) {
                $found = $found || self::same($candidate, $value);
            }
            if (!$found) {
                $errors[] = "$at: " . json_encode($value) . ' is not one of ' . json_encode($schema->enum);
            }
        }
        if (is_string($value)) {
            if (isset($schema->minLength) && self::codePoints($value) < $schema->minLength) {
                $errors[] = "$at: shorter than {$schema->minLength} characters";
            }
            if (isset($schema->pattern)) {
                if (!self::matches($schema->pattern, $value)) {
                    $errors[] = "$at: does not match {$schema->pattern}";
                }
            }
        }
        if (is_int($value) || is_float($value)) {
            if (isset($schema->minimum) && $value < $schema->minimum) {
                $errors[] = "$at: below the minimum {$schema->minimum}";
            }
            if (isset($schema->maximum) && $value > $schema->maximum) {
                $errors[] = "$at: above the maximum {$schema->maximum}";
            }
        }
        if (is_array($value)) {
            if (isset($schema->minItems) && count($value) < $schema->minItems) {
                $errors[] = "$at: fewer than {$schema->minItems} items";
            }
            if (isset($schema->items)) {
                foreach ($value as $i => $item) {
                    $this->check($schema->items, $item, "$path/$i", $errors);
                }
            }
        }
        if ($value instanceof stdClass) {
            $members = get_object_vars($value);
            foreach ($schema->required ?? [] as $name) {
                if (!array_key_exists($name, $members)) {
                    $errors[] = "$at: missing required member \"$name\"";
                }
            }
            $properties = isset($schema->properties) ? get_object_vars($schema->properties) : [];
            foreach ($members as $name => $member) {
                $name = (string) $name;
                if (array_key_exists($name, $properties)) {
                    $this->check($properties[$name], $member, "$path/$name", $errors);
                } elseif (property_exists($schema, 'additionalProperties')) {
                    if ($schema->additionalProperties === false) {
                        $errors[] = "$at: member \"$name\" is not allowed";
                    } else {
                        $this->check($schema->additionalProperties, $member, "$path/$name", $errors);
                    }
                }
            }
        }
        if (isset($schema->oneOf)) {
            $passing = 0;
            foreach ($schema->oneOf as $branch) {
                $branchErrors = [];
                $this->check($branch, $value, $path, $branchErrors);
                $passing += $branchErrors === [] ? 1 : 0;
            }
            if ($passing !== 1) {
                $errors[] = "$at: must match exactly one of " . count($schema->oneOf) . " schemas, matches $passing";
            }
        }
    }

    /**
     * ECMA-262 patterns of this schema are plain enough for PCRE. A long subject (the hex of a
     * 16 KiB frame) can exhaust PCRE's JIT stack on a repeated group; it is then matched again
     * without JIT and with limits scaled to the subject.
     */
    private static function matches(string $pattern, string $subject): bool
    {
        $regex = '/' . str_replace('/', '\\/', $pattern) . '/u';
        $m = preg_match($regex, $subject);
        $resources = [PREG_JIT_STACKLIMIT_ERROR, PREG_RECURSION_LIMIT_ERROR, PREG_BACKTRACK_LIMIT_ERROR];
        if ($m === false && in_array(preg_last_error(), $resources, true)) {
            $saved = [];
            $limit = (string) max(1000000, 10 * strlen($subject));
            $settings = ['pcre.jit' => '0', 'pcre.recursion_limit' => $limit, 'pcre.backtrack_limit' => $limit];
            foreach ($settings as $key => $setting) {
                $saved[$key] = ini_set($key, $setting);
            }
            try {
                // a different pattern text, so that PCRE compiles it afresh (and without JIT)
                $m = preg_match('/(?#no-jit)' . substr($regex, 1), $subject);
            } finally {
                foreach ($saved as $key => $old) {
                    if ($old !== false) {
                        ini_set($key, $old);
                    }
                }
            }
        }
        if ($m === false) {
            throw new InvalidArgumentException("pattern $pattern failed: " . preg_last_error_msg());
        }
        return $m === 1;
    }

    private static function hasType(mixed $value, string $type): bool
    {
        return match ($type) {
            'object' => $value instanceof stdClass,
            'array' => is_array($value),
            'string' => is_string($value),
            'integer' => is_int($value) || (is_float($value) && is_finite($value) && floor($value) === $value),
            'number' => is_int($value) || is_float($value),
            'boolean' => is_bool($value),
            'null' => $value === null,
            default => throw new InvalidArgumentException("unknown type $type"),
        };
    }

    /** JSON equality: numbers by value (1 equals 1.0), everything else by type and content. */
    private static function same(mixed $a, mixed $b): bool
    {
        if ((is_int($a) || is_float($a)) && (is_int($b) || is_float($b))) {
            return $a == $b;
        }
        if (is_array($a) && is_array($b)) {
            if (count($a) !== count($b)) {
                return false;
            }
            foreach ($a as $i => $item) {
                if (!self::same($item, $b[$i])) {
                    return false;
                }
            }
            return true;
        }
        if ($a instanceof stdClass && $b instanceof stdClass) {
            $va = get_object_vars($a);
            $vb = get_object_vars($b);
            if (count($va) !== count($vb)) {
                return false;
            }
            foreach ($va as $k => $item) {
                if (!array_key_exists($k, $vb) || !self::same($item, $vb[$k])) {
                    return false;
                }
            }
            return true;
        }
        return $a === $b;
    }

    private static function codePoints(string $s): int
    {
        $n = preg_match_all('/./su', $s);
        return $n === false ? strlen($s) : $n;
    }
}
