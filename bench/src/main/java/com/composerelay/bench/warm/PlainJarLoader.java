package com.composerelay.bench.warm;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Enumeration;

/**
 * Loads the plain build from plain.jar before its parent, so its classes (the relay's own, its
 * AwsClients, the SDK with apache5) never mix with the deployed relay's in the benchmark jar. Only
 * the Lambda runtime interfaces come from the parent, so the handler can be called as a
 * {@code RequestStreamHandler}. Resources found in plain.jar hide the parent's, so the SDK's
 * service lookup (with this loader as the thread's context loader) sees only apache5 and netty.
 */
final class PlainJarLoader extends URLClassLoader {
    private static final String SHARED = "com.amazonaws.services.lambda.runtime.";

    PlainJarLoader(Path jar, ClassLoader parent) throws IOException {
        super("plain-build", new URL[] {jar.toUri().toURL()}, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.")
                || name.startsWith(SHARED)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                try {
                    c = findClass(name);
                } catch (ClassNotFoundException notInPlainJar) {
                    c = super.loadClass(name, false);
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        Enumeration<URL> own = findResources(name);
        return own.hasMoreElements() ? own : super.getResources(name);
    }
}
