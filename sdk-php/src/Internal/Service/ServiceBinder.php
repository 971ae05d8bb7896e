<?php

declare(strict_types=1);

namespace Parley\Internal\Service;

use Closure;
use Parley\Attribute\Notification;
use Parley\Attribute\Request;
use Parley\Attribute\Segment;
use Parley\Session\RequestContext;
use ReflectionClass;
use ReflectionMethod;

use function sprintf;

/**
 * Registers the {@see Request} / {@see Notification} methods of a service object on a session.
 *
 * Params become arguments like this: no params → no arguments; a list → by position; an object →
 * by parameter name (unknown names are INVALID_PARAMS); a method with a single parameter receives
 * the whole params instead when the object's keys are not its parameter name, or when the params
 * are a list and the parameter accepts an array; a parameter typed {@see RequestContext} receives
 * the call's context. A TypeError from the method's own signature is INVALID_PARAMS.
 *
 * @internal
 */
final class ServiceBinder
{
    /**
     * @param Closure(string, Closure): mixed $handle registers a request handler (the session's `handle`)
     * @param Closure(string, Closure): mixed $onNotification registers a listener (the session's `onNotification`)
     * @return list<string> the wire names registered
     */
    public static function bind(object $service, Closure $handle, Closure $onNotification): array
    {
        $class = new ReflectionClass($service);
        $prefix = self::prefix($class);
        $names = [];
        foreach ($class->getMethods(ReflectionMethod::IS_PUBLIC) as $m) {
            $req = $m->getAttributes(Request::class);
            $note = $m->getAttributes(Notification::class);
            if ($req === [] && $note === []) {
                continue;
            }
            if ($req !== [] && $note !== []) {
                throw new \InvalidArgumentException(sprintf(
                    '%s::%s() is marked both #[Request] and #[Notification]; keep one',
                    $class->getName(),
                    $m->getName(),
                ));
            }
            $attr = ($req !== [] ? $req[0] : $note[0])->newInstance();
            $name = $prefix . ($attr->name ?? $m->getName());
            $method = new ServiceMethod($service, $m, $name, $note !== []);
            if ($note !== []) {
                $onNotification($name, static function (mixed $params) use ($method): void {
                    $method->invoke($params, null);
                });
            } else {
                $handle(
                    $name,
                    static fn (mixed $params, RequestContext $ctx): mixed => $method->invoke($params, $ctx),
                );
            }
            $names[] = $name;
        }
        if ($names === []) {
            throw new \InvalidArgumentException(sprintf(
                '%s has no public method marked #[Request] or #[Notification] to serve',
                $class->getName(),
            ));
        }
        return $names;
    }

    /** @param ReflectionClass<object> $class */
    private static function prefix(ReflectionClass $class): string
    {
        for ($c = $class; $c !== false; $c = $c->getParentClass()) {
            $seg = $c->getAttributes(Segment::class);
            if ($seg !== []) {
                return $seg[0]->newInstance()->prefix;
            }
        }
        return '';
    }
}
