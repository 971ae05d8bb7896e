package io.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed test certificates made by the JDK's {@code keytool} (EC P-256, valid two days), and
 * the TLS contexts the TLS tests build from them (SPEC §9.3). Shared by the transport and proxy
 * tests; the PEM export lets a PHP peer trust the same certificate.
 */
public final class TestCertificates {
    /** The password of every store made here. */
    public static final char[] PASSWORD = "parley-test".toCharArray();

    private TestCertificates() {
    }

    /** A PKCS#12 store in {@code dir} with one self-signed key for {@code dname} and the {@code san} extension. */
    public static KeyStore selfSigned(Path dir, String file, String dname, String san) throws Exception {
        Path ks = dir.resolve(file);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "parley", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", dname, "-ext", san, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool: %s", out).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    /** The store's certificate as a PEM file (a PHP client's {@code cafile}). */
    public static Path pem(KeyStore store, Path file) throws Exception {
        byte[] der = store.getCertificate("parley").getEncoded();
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
        return Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }

    /** A server context presenting the store's key. */
    public static SSLContext serverContext(KeyStore keys) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** A client context trusting exactly the store's certificate. */
    public static SSLContext clientTrusting(KeyStore trusted) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
