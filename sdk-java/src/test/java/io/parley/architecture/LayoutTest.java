package io.parley.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.CancelledException;
import io.parley.DeadlineExceededException;
import io.parley.HeartbeatTimeoutException;
import io.parley.MessageTooLargeException;
import io.parley.OverloadedException;
import io.parley.ParleyException;
import io.parley.PeerGoneException;
import io.parley.ProtocolException;
import io.parley.RemoteException;
import io.parley.SessionClosedException;
import io.parley.ShuttingDownException;
import io.parley.codec.CodecException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The structure the SDK promises (sdk-java/README.md, "Layout" and "Errors"), checked on the
 * sources and the compiled classes: file sizes, which layer may import which, where the frame
 * header is packed, the exception tree, and that nothing in {@code io.parley.internal} shows in a
 * public signature. The Java twin of sdk-php's tests/Architecture/LayoutTest.
 */
class LayoutTest {
    private static final Path SRC = Path.of("src/main/java");

    /** Lower layers first; a file may import its own layer and the ones before it. */
    private static final List<String> LAYERS = List.of(
            "io.parley.internal.frame", "io.parley.internal.io", "io.parley.internal.call", "io.parley.internal.session");

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(io\\.parley\\.[\\w.]+);", Pattern.MULTILINE);
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);

    @Test
    void noMainSourceFileIsLongerThan600Lines() throws IOException {
        Map<String, String> sources = sources();
        assertThat(sources).hasSizeGreaterThan(50);
        sources.forEach((path, source) ->
                assertThat(source.split("\n", -1).length - 1).as("%s is over 600 lines", path).isLessThanOrEqualTo(600));
    }

    @Test
    void noLayerImportsOrNamesAHigherOne() throws IOException {
        int checked = 0;
        for (Map.Entry<String, String> e : sources().entrySet()) {
            String source = e.getValue();
            if (e.getKey().equals("module-info.java")) {
                continue;
            }
            Matcher p = PACKAGE.matcher(source);
            assertThat(p.find()).as("%s has a package", e.getKey()).isTrue();
            int layer = LAYERS.indexOf(p.group(1));
            if (layer < 0) {
                continue;
            }
            checked++;
            List<String> referenced = new ArrayList<>();
            Matcher m = IMPORT.matcher(source);
            while (m.find()) {
                referenced.add(m.group(1));
            }
            // fully qualified names in code count too (comments may point upwards: they are stripped)
            Matcher q = Pattern.compile("\\bio\\.parley\\.[\\w.]+").matcher(code(source));
            while (q.find()) {
                referenced.add(q.group());
            }
            for (String name : referenced) {
                for (String higher : LAYERS.subList(layer + 1, LAYERS.size())) {
                    assertThat(name).as("%s names %s", e.getKey(), name).doesNotStartWith(higher + ".");
                }
                if (layer < 2) {
                    // the frame and io layers know nothing of the session facade or the calls
                    assertThat(name).as("%s names %s", e.getKey(), name)
                            .isNotIn("io.parley.Session", "io.parley.CallFuture", "io.parley.RequestContext");
                }
            }
        }
        assertThat(checked).isGreaterThan(30);
    }

    @Test
    void noInternalCodeNamesThePublicSessionFacade() throws IOException {
        // the facade builds its parts and the parts reach it only through HandlerHost: no Session ⇄ internal cycle
        int checked = 0;
        for (Map.Entry<String, String> e : sources().entrySet()) {
            Matcher p = PACKAGE.matcher(e.getValue());
            if (!p.find() || !p.group(1).startsWith("io.parley.internal")) {
                continue;
            }
            checked++;
            String code = code(e.getValue());
            assertThat(code).as("%s imports io.parley.*", e.getKey()).doesNotContain("import io.parley.*;");
            Matcher q = Pattern.compile("\\bio\\.parley\\.Session\\b").matcher(code);
            assertThat(q.find()).as("%s names io.parley.Session", e.getKey()).isFalse();
        }
        assertThat(checked).isGreaterThan(30);
    }

    @Test
    void theCorrelationTablesKnowTheSessionOnlyThroughTheGate() throws IOException {
        for (String file : List.of("Outbound.java", "Inbound.java")) {
            String source = Files.readString(SRC.resolve("io/parley/internal/call/" + file), StandardCharsets.UTF_8);
            assertThat(source).as(file).doesNotContain("io.parley.internal.session.");
            assertThat(source).as(file).contains("SessionGate gate");
        }
    }

    @Test
    void theFrameHeaderIsPackedInOnePlace() throws IOException {
        List<String> packers = new ArrayList<>();
        List<String> headerWriters = new ArrayList<>();
        for (Map.Entry<String, String> e : sources().entrySet()) {
            String code = code(e.getValue());
            if (code.contains("MAGIC_OFFSET, MAGIC)")) {
                packers.add(e.getKey());
            }
            if (Pattern.compile("\\.writeHeader\\(").matcher(code).find()) {
                headerWriters.add(e.getKey());
            }
        }
        assertThat(packers).containsExactly("io/parley/internal/frame/FrameEncoder.java");
        assertThat(headerWriters).containsExactly("io/parley/internal/io/FrameWriter.java");
        String encoder = code(Files.readString(SRC.resolve("io/parley/internal/frame/FrameEncoder.java")));
        assertThat(encoder.split("MAGIC_OFFSET, MAGIC\\)", -1)).hasSize(2);
    }

    @Test
    void theModuleExportsNoInternalPackage() throws IOException {
        String module = code(Files.readString(SRC.resolve("module-info.java"), StandardCharsets.UTF_8));
        List<String> exported = new ArrayList<>();
        Matcher m = Pattern.compile("\\bexports\\s+([\\w.]+)").matcher(module);
        while (m.find()) {
            exported.add(m.group(1));
        }
        assertThat(exported).contains("io.parley", "io.parley.transport");
        assertThat(exported).noneMatch(p -> isInternal(p + "."));
    }

    static Stream<Arguments> exceptionTree() {
        return Stream.of(
                Arguments.of(RemoteException.class, ParleyException.class),
                Arguments.of(CancelledException.class, ParleyException.class),
                Arguments.of(DeadlineExceededException.class, ParleyException.class),
                Arguments.of(OverloadedException.class, ParleyException.class),
                Arguments.of(MessageTooLargeException.class, ParleyException.class),
                Arguments.of(CodecException.class, ParleyException.class),
                Arguments.of(SessionClosedException.class, ParleyException.class),
                Arguments.of(ShuttingDownException.class, SessionClosedException.class),
                Arguments.of(ProtocolException.class, SessionClosedException.class),
                Arguments.of(PeerGoneException.class, SessionClosedException.class),
                Arguments.of(HeartbeatTimeoutException.class, PeerGoneException.class));
    }

    @ParameterizedTest(name = "{0} extends {1}")
    @MethodSource("exceptionTree")
    void theExceptionTreeMatchesTheReadme(Class<?> exception, Class<?> parent) {
        assertThat(exception.getSuperclass()).isEqualTo(parent);
    }

    /**
     * Every public exception is in the one tree, except the checked exception of the compression
     * SPI, which a {@code Compression} implementation throws and the SDK turns into
     * MESSAGE_TOO_LARGE (SPEC §10.2) before any caller sees it.
     */
    @Test
    void everyPublicExceptionIsAParleyException() throws Exception {
        int seen = 0;
        List<String> outside = new ArrayList<>();
        for (Class<?> c : publicClasses()) {
            if (Throwable.class.isAssignableFrom(c)) {
                seen++;
                if (!ParleyException.class.isAssignableFrom(c)) {
                    outside.add(c.getName());
                }
            }
        }
        assertThat(seen).isGreaterThanOrEqualTo(11);
        assertThat(outside).containsExactly("io.parley.codec.CompressionLimitException");
    }

    @Test
    void noPublicSignatureExposesAnInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        List<Class<?>> api = publicClasses();
        assertThat(api).hasSizeGreaterThan(30);
        for (Class<?> c : api) {
            check(leaks, c, "extends", c.getGenericSuperclass());
            for (Type t : c.getGenericInterfaces()) {
                check(leaks, c, "implements", t);
            }
            for (Field f : c.getDeclaredFields()) {
                if (exposed(f.getModifiers())) {
                    check(leaks, c, "field " + f.getName(), f.getGenericType());
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (exposed(k.getModifiers())) {
                    for (Type t : k.getGenericParameterTypes()) {
                        check(leaks, c, "constructor", t);
                    }
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (exposed(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                    check(leaks, c, m.getName() + "()", m.getGenericReturnType());
                    for (Type t : m.getGenericParameterTypes()) {
                        check(leaks, c, m.getName() + "(..)", t);
                    }
                    for (Type t : m.getGenericExceptionTypes()) {
                        check(leaks, c, m.getName() + " throws", t);
                    }
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(List<String> leaks, Class<?> owner, String where, Type t) {
        if (t == null) {
            return;
        }
        if (t instanceof Class) {
            Class<?> c = (Class<?>) t;
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (isInternal(c.getName())) {
                leaks.add(owner.getName() + " " + where + ": " + c.getName());
            }
        } else if (t instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) t;
            check(leaks, owner, where, p.getRawType());
            for (Type a : p.getActualTypeArguments()) {
                check(leaks, owner, where, a);
            }
        } else if (t instanceof GenericArrayType) {
            check(leaks, owner, where, ((GenericArrayType) t).getGenericComponentType());
        } else if (t instanceof WildcardType) {
            for (Type b : ((WildcardType) t).getUpperBounds()) {
                check(leaks, owner, where, b);
            }
            for (Type b : ((WildcardType) t).getLowerBounds()) {
                check(leaks, owner, where, b);
            }
        } else if (t instanceof TypeVariable) {
            for (Type b : ((TypeVariable<?>) t).getBounds()) {
                if (b instanceof Class) {
                    check(leaks, owner, where, b);
                }
            }
        }
    }

    /** In {@code io.parley.internal} or any other {@code internal} package (e.g. {@code io.parley.pool.internal}). */
    private static boolean isInternal(String className) {
        return className.startsWith("io.parley.") && className.contains(".internal.");
    }

    /** Every public or protected class (nested ones too) outside the {@code internal} packages. */
    private static List<Class<?>> publicClasses() throws Exception {
        List<Class<?>> out = new ArrayList<>();
        for (String path : sources().keySet()) {
            if (isInternal(path.replace('/', '.'))) {
                continue;
            }
            String name = path.substring(0, path.length() - ".java".length()).replace('/', '.');
            if (name.endsWith("package-info") || name.equals("module-info")) {
                continue;
            }
            addExposed(out, Class.forName(name, false, LayoutTest.class.getClassLoader()));
        }
        return out;
    }

    private static void addExposed(List<Class<?>> out, Class<?> c) {
        if (!exposed(c.getModifiers())) {
            return;
        }
        out.add(c);
        for (Class<?> inner : c.getDeclaredClasses()) {
            addExposed(out, inner);
        }
    }

    /** The source without comments and string literals, roughly: enough to find names used in code. */
    private static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "")
                .replaceAll("\"(?:\\\\.|[^\"\\\\\n])*\"", "\"\"")
                .replaceAll("//[^\n]*", "");
    }

    /** Path below src/main/java → source, in path order. */
    private static Map<String, String> sources() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SRC)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                out.put(SRC.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
