<?php

declare(strict_types=1);

namespace Parley\Transport;

use Parley\Exception\TransportException;

use function sprintf;

/**
 * Opens client connections (SPEC §9.2, §9.3): Unix sockets and TCP (TCP_NODELAY), optionally TLS.
 */
final class SocketConnector
{
    /**
     * @param array<string, mixed> $tls `ssl` stream context options (peer_name, cafile, verify_peer, ...)
     */
    public static function connect(string $address, float $timeout = 10.0, array $tls = []): StreamTransport
    {
        $target = SocketAddress::parse($address);
        $context = stream_context_create([
            'socket' => ['tcp_nodelay' => true],
            'ssl' => $tls + ['peer_name' => $target->host],
        ]);
        $errno = 0;
        $error = '';
        $stream = @stream_socket_client(
            $target->streamAddress(),
            $errno,
            $error,
            $timeout,
            STREAM_CLIENT_CONNECT,
            $context,
        );
        if ($stream === false) {
            throw new TransportException(sprintf(
                'cannot connect to %s: %s (errno %d)%s',
                $target,
                $error !== '' ? $error : 'connection failed',
                $errno,
                $target->isUnix() ? '; is the server listening on that socket?' : '',
            ));
        }
        if ($target->isTls()) {
            stream_set_timeout($stream, (int) ceil($timeout));
            $enabled = @stream_socket_enable_crypto(
                $stream,
                true,
                STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT | STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT,
            );
            if ($enabled !== true) {
                $eof = feof($stream);
                fclose($stream);
                $reason = error_get_last()['message'] ?? 'unknown error';
                throw new TransportException(sprintf(
                    'TLS handshake with %s failed: %s%s',
                    $target,
                    $reason,
                    self::tlsHint($reason, $eof) . self::certificateHint($reason, $target, $timeout, $tls),
                ));
            }
        }
        return new StreamTransport($stream, $stream, 'server ' . $target, false, 262144);
    }

    /**
     * OpenSSL's reason through PHP is only "certificate verify failed": look at the server's
     * certificate once more, without verifying it, to say whether it expired, is not valid yet, or
     * is issued by a CA this client does not trust (issue 12 fault 11). Only on the failure path.
     *
     * @param array<string, mixed> $tls
     */
    private static function certificateHint(string $reason, SocketAddress $target, float $timeout, array $tls): string
    {
        if (!str_contains($reason, 'certificate verify failed')) {
            return '';
        }
        $context = stream_context_create(['ssl' => [
            'verify_peer' => false,
            'verify_peer_name' => false,
            'capture_peer_cert' => true,
            'peer_name' => $tls['peer_name'] ?? $target->host,
        ]]);
        $probe = @stream_socket_client(
            $target->streamAddress(),
            $errno,
            $error,
            $timeout,
            STREAM_CLIENT_CONNECT,
            $context,
        );
        if ($probe === false) {
            return '';
        }
        stream_set_timeout($probe, (int) ceil($timeout));
        $cert = null;
        $method = STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT | STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT;
        if (@stream_socket_enable_crypto($probe, true, $method) === true) {
            $cert = stream_context_get_options($probe)['ssl']['peer_certificate'] ?? null;
        }
        fclose($probe);
        $info = $cert !== null ? openssl_x509_parse($cert) : false;
        if ($info === false) {
            return '';
        }
        $now = time();
        $format = 'Y-m-d H:i:s \U\T\C';
        if ($now > $info['validTo_time_t']) {
            $until = gmdate($format, $info['validTo_time_t']);
            return sprintf(' (the server\'s certificate expired on %s: renew it)', $until);
        }
        if ($now < $info['validFrom_time_t']) {
            $from = gmdate($format, $info['validFrom_time_t']);
            return sprintf(' (the server\'s certificate is not valid before %s)', $from);
        }
        return ' (the server\'s certificate is not issued by a CA this client trusts: set the "cafile" option)';
    }

    /** What a failed TLS handshake most likely means (issue 12 fault 11), from OpenSSL's reason where it says. */
    private static function tlsHint(string $reason, bool $eof): string
    {
        $r = strtolower($reason);
        $signs = ['wrong version number', 'unexpected eof', 'reset by peer', 'packet length too long',
            'record layer failure', 'http request'];
        foreach ($signs as $sign) {
            $eof = $eof || str_contains($r, $sign);
        }
        if (!$eof) {
            return '';
        }
        return ' (this client speaks TLS and the server does not, or it hung up during the TLS handshake: '
            . 'a Parley server closes a TLS client on a plain listener at once; connect with tcp://, '
            . 'or check the server\'s TLS set-up)';
    }
}
