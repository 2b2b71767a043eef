package com.composerelay.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An HTTP/1.1 server on loopback that answers each request as the test says, byte by byte: it can
 * answer the status and stall the body, or read a request and close the connection unanswered. It
 * counts the requests it read in full and the connections it accepted.
 */
public final class RawHttpServer implements AutoCloseable {
    /** How to answer the {@code nth} request (from 1) read on a connection; false closes the connection. */
    @FunctionalInterface
    public interface Answer {
        boolean answer(int nth, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    private RawHttpServer(ServerSocket server, Answer answer) {
        this.server = server;
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    open.add(socket);
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(socket, answer));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    public static RawHttpServer plain(Answer answer) throws IOException {
        return new RawHttpServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), answer);
    }

    public static RawHttpServer tls(SSLContext context, Answer answer) throws IOException {
        return new RawHttpServer(context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()), answer);
    }

    /** A JSON 200 with {@code body}, the connection kept alive. */
    public static boolean ok(OutputStream out, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: " + bytes.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return true;
    }

    /** The status and headers of a 100-byte JSON body, and its first byte: the rest never comes. */
    public static boolean statusThenStall(OutputStream out) throws IOException {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 100\r\n\r\n{"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    public String url(String scheme) {
        return scheme + "://127.0.0.1:" + server.getLocalPort();
    }

    public int requests() {
        return requests.get();
    }

    public int connections() {
        return connections.get();
    }

    private void serve(Socket socket, Answer answer) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (int nth = 1; ; nth++) {
                int length = -1;
                for (String line = line(in); !line.isEmpty(); line = line(in)) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                if (length > 0) {
                    in.readNBytes(length);
                }
                requests.incrementAndGet();
                if (!answer.answer(nth, out)) {
                    return;
                }
            }
        } catch (IOException ended) {
            // the client went away
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("end of stream");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
    }
}
