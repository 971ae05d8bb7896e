<?php

declare(strict_types=1);

namespace Parley\Transport;

use Parley\Exception\TransportException;

use function sprintf;

/**
 * A parsed socket address: `unix:///run/app.sock` (or a plain path), `tcp://127.0.0.1:9000`,
 * `tls://host:9443` (TCP with TLS, configured through `ssl` context options).
 */
final class SocketAddress
{
    private function __construct(
        public readonly string $scheme,
        public readonly string $host,
        public readonly int $port,
        public readonly string $path,
    ) {
    }

    public static function parse(string $address): self
    {
        if (str_starts_with($address, 'unix://')) {
            $path = substr($address, 7);
            if ($path === '') {
                throw new TransportException("invalid address \"$address\": the socket path is missing");
            }
            return new self('unix', '', 0, $path);
        }
        if (str_starts_with($address, '/') || str_starts_with($address, './')) {
            return new self('unix', '', 0, $address);
        }
        if (preg_match('~^(tcp|tls|ssl)://(\[[0-9a-fA-F:.]+\]|[^:/\[\]]+):(\d{1,5})$~', $address, $m) !== 1) {
            throw new TransportException(sprintf(
                'invalid address "%s": use unix:///path/to.sock, tcp://host:port or tls://host:port',
                $address,
            ));
        }
        $port = (int) $m[3];
        if ($port > 65535) {
            throw new TransportException("invalid address \"$address\": port out of range");
        }
        return new self($m[1] === 'tcp' ? 'tcp' : 'tls', $m[2], $port, '');
    }

    public function isUnix(): bool
    {
        return $this->scheme === 'unix';
    }

    public function isTls(): bool
    {
        return $this->scheme === 'tls';
    }

    /**
     * Whether the host is a loopback address, decided on what it resolves to (SPEC §9.3): an IP
     * literal is checked as such, a name must resolve, and every address it resolves to must be
     * loopback (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104). `127.0.0.1.evil.test` is not loopback.
     */
    public function isLoopback(): bool
    {
        $host = trim($this->host, '[]');
        if (filter_var($host, FILTER_VALIDATE_IP) !== false) {
            return self::isLoopbackIp($host);
        }
        $resolved = @gethostbynamel($host);
        if ($resolved === false || $resolved === []) {
            return false;
        }
        foreach ($resolved as $ip) {
            if (!self::isLoopbackIp($ip)) {
                return false;
            }
        }
        return true;
    }

    /** Whether an IP address (text form, IPv4 or IPv6, with or without a port) is loopback. */
    public static function isLoopbackIp(string $ip): bool
    {
        $packed = @inet_pton(trim($ip, '[]'));
        if ($packed === false) {
            return false;
        }
        if (strlen($packed) === 4) {
            return ord($packed[0]) === 127;
        }
        if ($packed === inet_pton('::1')) {
            return true;
        }
        return str_starts_with($packed, str_repeat("\0", 10) . "\xff\xff") && ord($packed[12]) === 127;
    }

    /** The address for stream_socket_client/server (TLS is enabled after connecting). */
    public function streamAddress(): string
    {
        return $this->isUnix() ? 'unix://' . $this->path : sprintf('tcp://%s:%d', $this->host, $this->port);
    }

    public function __toString(): string
    {
        return $this->isUnix() ? 'unix://' . $this->path : sprintf(
            '%s://%s:%d',
            $this->scheme,
            $this->host,
            $this->port,
        );
    }
}
