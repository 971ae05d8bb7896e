package io.parley.pool.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.parley.pool.PoolConfig;
import io.parley.pool.RemoteWorkers;
import io.parley.pool.WorkerPool;
import io.parley.pool.WorkerTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Reads a pool config file, YAML or JSON (a {@code parley.yaml} beside the PHP code), onto a
 * {@link WorkerPool.Builder}. Top-level keys set the default pool (named pools inherit them),
 * {@code pools:} maps names to overrides plus {@code routes}, {@code remote:} configures remote
 * workers. Durations are written {@code 300ms}, {@code 5s}, {@code 1m}, {@code 1h}; sizes {@code
 * 256MB}, {@code 1GiB} or bytes. Relative paths are resolved against the file's directory, which
 * is also the default working directory. Unknown keys are errors.
 */
public final class ConfigFile {
    private static final Set<String> POOL_KEYS = new TreeSet<>(List.of("command", "script", "workers", "env", "working_dir",
            "transport", "max_concurrent", "queue_size", "allocate_timeout", "max_jobs", "ttl", "idle_ttl", "max_memory",
            "exec_ttl", "exec_grace", "start_timeout", "stop_timeout", "term_timeout", "watch_tick", "watch", "watch_debounce",
            "restart_backoff", "restart_backoff_max", "crash_loop_deaths", "crash_loop_window"));

    private ConfigFile() {
    }

    public static void apply(Path file, WorkerPool.Builder builder) throws IOException {
        Path base = file.toAbsolutePath().getParent();
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = mapper.readTree(in);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a map of options at the top level");
        }
        String where = file.toString();
        List<Consumer<PoolConfig.Builder>> edits = new ArrayList<>();
        edits.add(b -> b.workingDir(base));
        Map<String, JsonNode> named = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals("pools")) {
                expectMap(e.getValue(), where + ": pools");
                e.getValue().properties().forEach(p -> named.put(p.getKey(), p.getValue()));
            } else if (e.getKey().equals("remote")) {
                builder.remote(remote(e.getValue(), base, where + ": remote"));
            } else {
                edits.add(edit(e.getKey(), e.getValue(), base, where));
            }
        }
        for (Consumer<PoolConfig.Builder> edit : edits) {
            builder.defaults(edit);
        }
        for (Map.Entry<String, JsonNode> p : named.entrySet()) {
            String at = where + ": pools." + p.getKey();
            expectMap(p.getValue(), at);
            List<Consumer<PoolConfig.Builder>> poolEdits = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : p.getValue().properties()) {
                if (e.getKey().equals("routes")) {
                    List<String> routes = strings(e.getValue(), at + ".routes");
                    poolEdits.add(b -> b.routes(routes));
                } else {
                    poolEdits.add(edit(e.getKey(), e.getValue(), base, at));
                }
            }
            builder.pool(p.getKey(), b -> poolEdits.forEach(edit -> edit.accept(b)));
        }
    }

    private static Consumer<PoolConfig.Builder> edit(String key, JsonNode v, Path base, String where) throws IOException {
        String at = where + ": " + key;
        switch (key) {
            case "command": {
                List<String> cmd = v.isTextual() ? List.of(v.asText().trim().split("\\s+")) : strings(v, at);
                return b -> b.command(cmd);
            }
            case "script": {
                String script = text(v, at);
                return b -> b.script(script);
            }
            case "workers": {
                int n = integer(v, at);
                return b -> b.workers(n);
            }
            case "env": {
                expectMap(v, at);
                Map<String, String> env = new LinkedHashMap<>();
                v.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
                return b -> b.env(env);
            }
            case "working_dir": {
                Path dir = base.resolve(text(v, at));
                return b -> b.workingDir(dir);
            }
            case "transport": {
                WorkerTransport t = transport(text(v, at), at);
                return b -> b.transport(t);
            }
            case "max_concurrent": {
                int n = integer(v, at);
                return b -> b.maxConcurrent(n);
            }
            case "queue_size": {
                int n = integer(v, at);
                return b -> b.queueSize(n);
            }
            case "max_jobs": {
                long n = integer(v, at);
                return b -> b.maxJobs(n);
            }
            case "max_memory": {
                long bytes = Units.bytes(text(v, at), at);
                return b -> b.maxMemory(bytes);
            }
            case "crash_loop_deaths": {
                int n = integer(v, at);
                return b -> b.crashLoopDeaths(n);
            }
            case "watch": {
                List<Path> paths = new ArrayList<>();
                for (String s : strings(v, at)) {
                    paths.add(base.resolve(s));
                }
                return b -> b.watch(paths);
            }
            default:
                return durationEdit(key, v, at);
        }
    }

    private static Consumer<PoolConfig.Builder> durationEdit(String key, JsonNode v, String at) throws IOException {
        if (!POOL_KEYS.contains(key)) {
            throw new IOException(at + ": unknown option. Known options: " + POOL_KEYS + ", pools, remote");
        }
        java.time.Duration d = Units.duration(text(v, at), at);
        switch (key) {
            case "allocate_timeout":
                return b -> b.allocateTimeout(d);
            case "ttl":
                return b -> b.ttl(d);
            case "idle_ttl":
                return b -> b.idleTtl(d);
            case "exec_ttl":
                return b -> b.execTtl(d);
            case "exec_grace":
                return b -> b.execGrace(d);
            case "start_timeout":
                return b -> b.startTimeout(d);
            case "stop_timeout":
                return b -> b.stopTimeout(d);
            case "term_timeout":
                return b -> b.termTimeout(d);
            case "watch_tick":
                return b -> b.watchTick(d);
            case "watch_debounce":
                return b -> b.watchDebounce(d);
            case "restart_backoff":
                return b -> b.restartBackoff(d);
            case "restart_backoff_max":
                return b -> b.restartBackoffMax(d);
            case "crash_loop_window":
                return b -> b.crashLoopWindow(d);
            default:
                throw new IOException(at + ": unknown option");
        }
    }

    private static RemoteWorkers remote(JsonNode v, Path base, String at) throws IOException {
        expectMap(v, at);
        String listen = null;
        String token = null;
        SSLContext tls = null;
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            switch (e.getKey()) {
                case "listen":
                    listen = text(e.getValue(), at + ".listen");
                    break;
                case "token":
                    token = text(e.getValue(), at + ".token");
                    break;
                case "token_env":
                    token = System.getenv(text(e.getValue(), at + ".token_env"));
                    if (token == null) {
                        throw new IOException(at + ".token_env: the variable " + e.getValue().asText() + " is not set");
                    }
                    break;
                case "tls":
                    tls = tls(e.getValue(), base, at + ".tls");
                    break;
                default:
                    throw new IOException(at + "." + e.getKey() + ": unknown option (known: listen, token, token_env, tls)");
            }
        }
        if (listen == null) {
            throw new IOException(at + ": listen (host:port) is required");
        }
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IOException(at + ".listen: expected host:port, got " + listen);
        }
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(listen.substring(colon + 1));
        try {
            return new RemoteWorkers(new InetSocketAddress(host, port), token, tls);
        } catch (IllegalArgumentException e) {
            throw new IOException(at + ": " + e.getMessage(), e);
        }
    }

    /** A server SSLContext from a PKCS12 key store: {@code tls: {keystore: server.p12, password: ...}}. */
    private static SSLContext tls(JsonNode v, Path base, String at) throws IOException {
        expectMap(v, at);
        Path store = base.resolve(text(v.path("keystore"), at + ".keystore"));
        JsonNode pw = v.path("password");
        char[] password = pw.isMissingNode() ? new char[0] : pw.asText().toCharArray();
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException(at + ": cannot load " + store + ": " + e.getMessage(), e);
        }
    }

    private static WorkerTransport transport(String s, String at) throws IOException {
        try {
            return WorkerTransport.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IOException(at + ": expected stdio, unix, tcp or shm, got " + s, e);
        }
    }

    private static void expectMap(JsonNode v, String at) throws IOException {
        if (!v.isObject()) {
            throw new IOException(at + ": expected a map");
        }
    }

    private static String text(JsonNode v, String at) throws IOException {
        if (v == null || v.isMissingNode() || v.isNull() || v.isContainerNode()) {
            throw new IOException(at + ": expected a value");
        }
        return v.asText();
    }

    private static int integer(JsonNode v, String at) throws IOException {
        if (!v.canConvertToInt()) {
            throw new IOException(at + ": expected a whole number, got " + v);
        }
        return v.asInt();
    }

    private static List<String> strings(JsonNode v, String at) throws IOException {
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            throw new IOException(at + ": expected a list");
        }
        for (JsonNode n : v) {
            out.add(text(n, at));
        }
        return out;
    }
}
