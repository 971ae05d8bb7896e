package io.parley.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The SDK's optional libraries (Maven {@code <optional>}, module-info {@code requires static}):
 * Kryo for the Java-to-Java codec 2 and zstd-jni for compression 2 (SPEC §10.1, §10.2). They are
 * not brought in by a dependency on parley-sdk; a feature that needs one calls {@link #require()}
 * first, which says exactly which dependency to add when it is missing.
 */
public enum OptionalDependency {
    /** Kryo 5, for {@code io.parley.codec.KryoCodec}. */
    KRYO("kryo", "com.esotericsoftware.kryo.Kryo", "com.esotericsoftware.kryo", "the Kryo codec (KryoCodec)"),
    /** zstd-jni, for {@code io.parley.codec.ZstdCompression}. */
    ZSTD("zstd", "com.github.luben.zstd.Zstd", "com.github.luben.zstd_jni", "zstd compression (ZstdCompression)");

    private final String key;
    private final String probeClass;
    private final String module;
    private final String feature;

    OptionalDependency(String key, String probeClass, String module, String feature) {
        this.key = key;
        this.probeClass = probeClass;
        this.module = module;
        this.feature = feature;
    }

    /** Whether the library's classes can be loaded. */
    public boolean isPresent() {
        try {
            Class.forName(probeClass, false, OptionalDependency.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The Maven coordinates groupId:artifactId:version this SDK was built and tested with. */
    public String coordinates() {
        Properties p = new Properties();
        try (InputStream in = OptionalDependency.class.getResourceAsStream("optional-dependencies.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // fall through to the coordinates without a version
        }
        String fallback = this == KRYO ? "com.esotericsoftware:kryo" : "com.github.luben:zstd-jni";
        return p.getProperty(key, fallback);
    }

    /**
     * @throws IllegalStateException naming the dependency to add when the library is absent
     */
    public void require() {
        if (isPresent()) return;
        String[] gav = coordinates().split(":");
        throw new IllegalStateException(feature + " needs " + coordinates() + ", an optional dependency of parley-sdk that is not on"
                + " the class path. Add it to your build: <dependency><groupId>" + gav[0] + "</groupId><artifactId>" + gav[1]
                + "</artifactId>" + (gav.length > 2 ? "<version>" + gav[2] + "</version>" : "") + "</dependency>"
                + " (on the module path it is module " + module + ").");
    }
}
