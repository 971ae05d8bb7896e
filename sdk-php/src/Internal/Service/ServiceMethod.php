<?php

declare(strict_types=1);

namespace Parley\Internal\Service;

use Parley\Exception\RemoteException;
use Parley\Session\RequestContext;
use ReflectionMethod;
use ReflectionNamedType;
use ReflectionParameter;
use ReflectionUnionType;
use stdClass;

use function array_is_list;
use function array_key_exists;
use function array_keys;
use function array_map;
use function count;
use function get_debug_type;
use function get_object_vars;
use function in_array;
use function is_int;
use function ltrim;
use function implode;
use function is_array;
use function preg_replace;
use function sprintf;
use function str_starts_with;

/**
 * One attribute-marked method of a service object, and how a call's params become its arguments
 * (see {@see ServiceBinder}).
 *
 * @internal
 */
final class ServiceMethod
{
    /** @var list<ReflectionParameter> the parameters filled from the params */
    private readonly array $wire;
    private readonly ?int $contextAt;

    public function __construct(
        private readonly object $service,
        private readonly ReflectionMethod $method,
        public readonly string $name,
        public readonly bool $notification,
    ) {
        $wire = [];
        $contextAt = null;
        foreach ($method->getParameters() as $p) {
            $t = $p->getType();
            if ($t instanceof ReflectionNamedType && $t->getName() === RequestContext::class) {
                if ($notification) {
                    throw new \InvalidArgumentException(sprintf(
                        '%s is a notification listener; it cannot take a RequestContext',
                        $this->label(),
                    ));
                }
                $contextAt = $p->getPosition();
                continue;
            }
            if ($p->isVariadic()) {
                throw new \InvalidArgumentException(
                    sprintf('%s: variadic parameters cannot be served', $this->label()),
                );
            }
            $wire[] = $p;
        }
        $this->wire = $wire;
        $this->contextAt = $contextAt;
    }

    /** Runs the method for one call's params; a params/signature mismatch is INVALID_PARAMS. */
    public function invoke(mixed $params, ?RequestContext $context): mixed
    {
        $args = $this->arguments($params);
        if ($this->contextAt !== null) {
            $args = $this->withContext($args, $context);
        }
        try {
            // called from this strict_types file, so JSON values are not coerced (42 is no string)
            return ($this->method->getClosure($this->service))(...$args);
        } catch (\TypeError $e) {
            $own = $this->method->class . '::' . $this->method->name . '(): Argument #';
            $count = 'Too few arguments to function ' . $this->method->class . '::' . $this->method->name . '()';
            if (str_starts_with($e->getMessage(), $own) || str_starts_with($e->getMessage(), $count)) {
                $text = (string) preg_replace('/, called in .*$/s', '', $e->getMessage());
                throw RemoteException::invalidParams(sprintf('invalid params for %s: %s', $this->name, $text));
            }
            throw $e;
        }
    }

    /** @return array<int|string, mixed> */
    private function arguments(mixed $params): array
    {
        if ($params === null) {
            return $this->checked([]);
        }
        $object = $params instanceof stdClass ? get_object_vars($params) : null;
        if (is_array($params) && !array_is_list($params)) {
            $object = $params;
        }
        if (count($this->wire) === 1) {
            $only = $this->wire[0];
            if ($object !== null && !$this->allNamed($object)) {
                return [$params];
            }
            if (is_array($params) && array_is_list($params) && $this->acceptsArray($only)) {
                return [$params];
            }
        }
        if ($object !== null) {
            if (!$this->allNamed($object)) {
                throw RemoteException::invalidParams(sprintf(
                    'invalid params for %s: unknown parameter(s) %s; it takes %s',
                    $this->name,
                    implode(', ', array_map(static fn ($k) => '"' . $k . '"', $this->unknown($object))),
                    $this->signature(),
                ));
            }
            return $this->checked($object);
        }
        if (is_array($params)) {
            if (count($params) > count($this->wire)) {
                throw RemoteException::invalidParams(sprintf(
                    'invalid params for %s: %d values given, it takes %s',
                    $this->name,
                    count($params),
                    $this->signature(),
                ));
            }
            return $this->checked($params);
        }
        if ($this->wire === []) {
            throw RemoteException::invalidParams(sprintf(
                'invalid params for %s: it takes no params, got %s',
                $this->name,
                get_debug_type($params),
            ));
        }
        return $this->checked([$params]);
    }

    /**
     * @param array<int|string, mixed> $args positional (list) or named
     * @return array<int|string, mixed>
     */
    private function checked(array $args): array
    {
        foreach ($this->wire as $i => $p) {
            $given = array_is_list($args) ? $i < count($args) : array_key_exists($p->getName(), $args);
            if (!$given && !$p->isOptional()) {
                throw RemoteException::invalidParams(sprintf(
                    'invalid params for %s: parameter "%s" is missing; it takes %s',
                    $this->name,
                    $p->getName(),
                    $this->signature(),
                ));
            }
        }
        return $args;
    }

    /**
     * @param array<int|string, mixed> $args
     * @return array<int|string, mixed>
     */
    private function withContext(array $args, ?RequestContext $context): array
    {
        $name = $this->method->getParameters()[(int) $this->contextAt]->getName();
        if (!array_is_list($args) || count($args) < (int) $this->contextAt) {
            $named = [];
            foreach ($args as $k => $v) {
                $named[is_int($k) ? $this->wire[$k]->getName() : $k] = $v;
            }
            $named[$name] = $context;
            return $named;
        }
        $out = [];
        $j = 0;
        foreach ($this->method->getParameters() as $p) {
            if ($p->getPosition() === $this->contextAt) {
                $out[] = $context;
            } elseif ($j < count($args)) {
                $out[] = $args[$j++];
            }
        }
        return $out;
    }

    /** @param array<int|string, mixed> $object */
    private function allNamed(array $object): bool
    {
        return $this->unknown($object) === [];
    }

    /**
     * @param array<int|string, mixed> $object
     * @return list<int|string>
     */
    private function unknown(array $object): array
    {
        $names = array_map(static fn (ReflectionParameter $p) => $p->getName(), $this->wire);
        $out = [];
        foreach (array_keys($object) as $k) {
            if (!in_array((string) $k, $names, true)) {
                $out[] = $k;
            }
        }
        return $out;
    }

    private function acceptsArray(ReflectionParameter $p): bool
    {
        $t = $p->getType();
        if ($t === null) {
            return true;
        }
        $types = $t instanceof ReflectionUnionType ? $t->getTypes() : [$t];
        foreach ($types as $one) {
            $name = $one instanceof ReflectionNamedType ? $one->getName() : '';
            if (in_array($name, ['array', 'iterable', 'mixed'], true)) {
                return true;
            }
        }
        return false;
    }

    private function signature(): string
    {
        return '(' . implode(', ', array_map(
            static fn (ReflectionParameter $p) => ltrim($p->getType() . ' $' . $p->getName()),
            $this->wire,
        )) . ')';
    }

    private function label(): string
    {
        return $this->method->class . '::' . $this->method->name . '()';
    }
}
