<?php

declare(strict_types=1);

namespace Parley\Internal\Service;

use Closure;
use ReflectionClass;
use ReflectionIntersectionType;
use ReflectionMethod;
use ReflectionNamedType;
use ReflectionParameter;
use ReflectionType;
use ReflectionUnionType;

use function array_map;
use function implode;
use function is_object;
use function sprintf;
use function str_starts_with;
use function strlen;
use function substr;
use function var_export;

/**
 * The class of a proxy: an anonymous class implementing the interface, each method forwarding its
 * declared parameters to {@see ProxyInvoker::invoke()}. Its source is generated once per interface
 * from reflection only (names, types and default values the interface declares; nothing from the
 * wire or from the caller), compiled once, and cached as a factory.
 *
 * @internal
 */
final class ProxyClass
{
    /** @var array<string, Closure(ProxyInvoker): object> */
    private static array $factories = [];

    /** @param class-string $interface */
    public static function instantiate(string $interface, ProxyInvoker $invoker): object
    {
        $factory = self::$factories[$interface] ??= self::compile(new ReflectionClass($interface));
        return $factory($invoker);
    }

    /** The generated source (for the tests and for error reports). */
    public static function source(ReflectionClass $interface): string
    {
        $methods = [];
        foreach ($interface->getMethods() as $m) {
            $methods[] = self::method($m);
        }
        return sprintf(
            "return static fn (\\%s \$invoker): \\%s => new class (\$invoker) implements \\%s {\n"
            . "    public function __construct(private readonly \\%s \$parleyInvoker)\n    {\n    }\n\n%s\n"
            . "    public function __toString(): string\n    {\n"
            . "        return \$this->parleyInvoker->describe();\n    }\n};\n",
            ProxyInvoker::class,
            $interface->getName(),
            $interface->getName(),
            ProxyInvoker::class,
            implode("\n", $methods),
        );
    }

    /** @return Closure(ProxyInvoker): object */
    private static function compile(ReflectionClass $interface): Closure
    {
        if ($interface->hasMethod('__construct') || $interface->hasMethod('__toString')) {
            throw new \InvalidArgumentException(sprintf(
                '%s declares __construct() or __toString(); a proxy interface declares only its remote methods',
                $interface->getName(),
            ));
        }
        // Generated from the interface's own declarations only (see the class comment).
        return eval(self::source($interface)); // phpcs:ignore Squiz.PHP.Eval
    }

    private static function method(ReflectionMethod $m): string
    {
        $self = $m->getDeclaringClass();
        $params = [];
        $args = [];
        foreach ($m->getParameters() as $p) {
            $params[] = self::parameter($p, $self);
            $args[] = ($p->isVariadic() ? '...' : '') . '$' . $p->getName();
        }
        $return = $m->getReturnType();
        $returnName = $return instanceof ReflectionNamedType ? $return->getName() : null;
        $invoke = sprintf(
            '$this->parleyInvoker->invoke(%s, [%s])',
            var_export($m->getName(), true),
            implode(', ', $args),
        );
        $body = match ($returnName) {
            'void' => "$invoke;",
            'never' => "$invoke;\n        throw new \\LogicException("
                . var_export($m->getName() . '() is declared never but returned', true) . ');',
            default => "return $invoke;",
        };
        return sprintf(
            "    public function %s%s(%s)%s\n    {\n        %s\n    }\n",
            $m->returnsReference() ? '&' : '',
            $m->getName(),
            implode(', ', $params),
            $return === null ? '' : ': ' . self::type($return, $self),
            $body,
        );
    }

    private static function parameter(ReflectionParameter $p, ReflectionClass $self): string
    {
        $code = ($p->hasType() ? self::type($p->getType(), $self) . ' ' : '')
            . ($p->isPassedByReference() ? '&' : '')
            . ($p->isVariadic() ? '...' : '')
            . '$' . $p->getName();
        if (!$p->isDefaultValueAvailable()) {
            return $code;
        }
        if ($p->isDefaultValueConstant()) {
            $constant = (string) $p->getDefaultValueConstantName();
            if (str_starts_with($constant, 'self::')) {
                $constant = $self->getName() . substr($constant, strlen('self'));
            }
            return $code . ' = \\' . $constant;
        }
        $default = $p->getDefaultValue();
        if (is_object($default)) {
            throw new \InvalidArgumentException(sprintf(
                '%s::%s(): the default of $%s is an object; a proxy supports constant defaults only',
                $self->getName(),
                $p->getDeclaringFunction()->getName(),
                $p->getName(),
            ));
        }
        return $code . ' = ' . var_export($default, true);
    }

    private static function type(ReflectionType $type, ReflectionClass $self): string
    {
        if ($type instanceof ReflectionUnionType) {
            return implode('|', array_map(
                static fn (ReflectionType $t): string => $t instanceof ReflectionIntersectionType
                    ? '(' . self::type($t, $self) . ')'
                    : self::type($t, $self),
                $type->getTypes(),
            ));
        }
        if ($type instanceof ReflectionIntersectionType) {
            return implode('&', array_map(
                static fn (ReflectionType $t): string => self::type($t, $self),
                $type->getTypes(),
            ));
        }
        if (!$type instanceof ReflectionNamedType) {
            return (string) $type;
        }
        $name = $type->getName();
        $code = match (true) {
            $name === 'self' => '\\' . $self->getName(),
            $name === 'static', $type->isBuiltin() => $name,
            default => '\\' . $name,
        };
        return $type->allowsNull() && $name !== 'mixed' && $name !== 'null' ? '?' . $code : $code;
    }
}
