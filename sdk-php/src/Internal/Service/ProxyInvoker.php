<?php

declare(strict_types=1);

namespace Parley\Internal\Service;

use Closure;
use Parley\Attribute\Notification;
use Parley\Attribute\Request;
use Parley\Attribute\Segment;
use Parley\Session\Call;
use ReflectionClass;
use ReflectionMethod;
use ReflectionNamedType;

use function array_key_first;
use function count;
use function interface_exists;
use function sprintf;

/**
 * Behind `Session::proxy($interface)` (the mirror of the Java SDK's `Session.proxy` and its
 * `internal.proxy.ProxyInvoker`): every method of the interface is marked {@see Request} or
 * {@see Notification} and named like a served method (the declaring interface's {@see Segment}
 * plus the attribute's name or the method name). A call sends no params for no arguments, the
 * argument itself for one, and the list of all for more (SPEC §4.1); a request waits for its
 * result, unless the method returns {@see Call} (then the pending call is returned); a
 * notification returns void. The object implementing the interface comes from {@see ProxyClass}.
 *
 * @internal
 */
final class ProxyInvoker
{
    /** @var array<class-string, array<string, array{string, bool, bool}>> interface → method → [wire name, notification, async] */
    private static array $tables = [];

    /**
     * @param array<string, array{string, bool, bool}> $methods
     * @param Closure(string, mixed): Call $call the session's `call`
     * @param Closure(string, mixed): void $notify the session's `notify`
     */
    private function __construct(
        private readonly string $interface,
        private readonly array $methods,
        private readonly Closure $call,
        private readonly Closure $notify,
    ) {
    }

    /**
     * @template T of object
     * @param class-string<T> $interface
     * @param Closure(string, mixed): Call $call
     * @param Closure(string, mixed): void $notify
     * @return T
     */
    public static function create(string $interface, Closure $call, Closure $notify): object
    {
        $methods = self::$tables[$interface] ??= self::scan($interface);
        /** @var T */
        return ProxyClass::instantiate($interface, new self($interface, $methods, $call, $notify));
    }

    /**
     * Called by the generated methods.
     *
     * @param array<int|string, mixed> $args the declared parameters, in order
     */
    public function invoke(string $method, array $args): mixed
    {
        [$name, $notification, $async] = $this->methods[$method];
        $params = match (count($args)) {
            0 => null,
            1 => $args[array_key_first($args)],
            default => $args,
        };
        if ($notification) {
            ($this->notify)($name, $params);
            return null;
        }
        $call = ($this->call)($name, $params);
        return $async ? $call : $call->await();
    }

    /** For messages: "InvoiceApi proxy". */
    public function describe(): string
    {
        return $this->interface . ' proxy';
    }

    /** @return array<string, array{string, bool, bool}> */
    private static function scan(string $interface): array
    {
        if (!interface_exists($interface)) {
            throw new \InvalidArgumentException(sprintf(
                'proxy() takes an interface whose methods are marked #[Request] or #[Notification]; '
                . '%s is not an interface',
                $interface,
            ));
        }
        $methods = [];
        foreach ((new ReflectionClass($interface))->getMethods() as $m) {
            $methods[$m->getName()] = self::method($m);
        }
        return $methods;
    }

    /** @return array{string, bool, bool} */
    private static function method(ReflectionMethod $m): array
    {
        $where = $m->getDeclaringClass()->getName() . '::' . $m->getName() . '()';
        $req = $m->getAttributes(Request::class);
        $note = $m->getAttributes(Notification::class);
        if ($req === [] && $note === []) {
            throw new \InvalidArgumentException(
                "$where is not marked #[Request] or #[Notification]: "
                . 'a proxy sends every method of its interface, so mark it',
            );
        }
        if ($req !== [] && $note !== []) {
            throw new \InvalidArgumentException("$where is marked both #[Request] and #[Notification]; keep one");
        }
        if ($m->isStatic()) {
            throw new \InvalidArgumentException("$where is static: a proxy sends instance methods only");
        }
        $return = $m->getReturnType();
        $returnName = $return instanceof ReflectionNamedType ? $return->getName() : null;
        if ($note !== [] && $return !== null && $returnName !== 'void') {
            throw new \InvalidArgumentException(
                "$where is a #[Notification] and must return void (a notification has no answer)",
            );
        }
        $seg = $m->getDeclaringClass()->getAttributes(Segment::class);
        $prefix = $seg === [] ? '' : $seg[0]->newInstance()->prefix;
        $attr = ($req !== [] ? $req[0] : $note[0])->newInstance();
        return [$prefix . ($attr->name ?? $m->getName()), $note !== [], $returnName === Call::class];
    }
}
