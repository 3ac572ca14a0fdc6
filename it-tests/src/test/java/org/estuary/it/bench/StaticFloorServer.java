package org.estuary.it.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor of a Java HTTP stack for {@link HlsBenchmark}: a bare static file server, run in its own JVM with the
 * flags of {@code scripts/run.sh}, that serves the very files Estuary and nginx serve, with Estuary's headers, and
 * does nothing else (no admission, no sessions, no segmenting). {@code vertx}: a Vert.x HTTP server on one event
 * loop answering with {@code sendFile}, as Estuary's stack; {@code netty}: Netty's HTTP codec and a file region on
 * one epoll loop, with no Vert.x layer. What these cost per GB against nginx says how much of Estuary's HLS cost
 * is its own code and how much the stack it stands on.
 *
 * <p>{@code java -cp <test classpath> org.estuary.it.bench.StaticFloorServer vertx|netty <root> <port>}; prints
 * {@code listening} when ready, runs until killed.
 */
public final class StaticFloorServer {
    private StaticFloorServer() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[1]).toAbsolutePath().normalize();
        int port = Integer.parseInt(args[2]);
        switch (args[0]) {
            case "vertx" -> vertx(root, port);
            case "netty" -> netty(root, port);
            default -> throw new IllegalArgumentException("mode vertx or netty, not " + args[0]);
        }
        System.out.println("listening");
        Thread.currentThread().join();
    }

    /** The file under {@code root} that a request path names, or null (outside the root, or no such file). */
    static Path resolve(Path root, String uri) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (!path.startsWith("/")) {
            return null;
        }
        Path p = root.resolve(path.substring(1)).normalize();
        return p.startsWith(root) && Files.isRegularFile(p) ? p : null;
    }

    static String contentType(Path p) {
        return p.getFileName().toString().endsWith(".m3u8") ? "application/vnd.apple.mpegurl" : "video/mp2t";
    }

    static String cacheControl(Path p) {
        return p.getFileName().toString().endsWith(".m3u8") ? "no-cache" : "max-age=60";
    }

    private static void vertx(Path root, int port) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setHttp2ClearTextEnabled(false))
                .requestHandler(req -> {
                    Path p = resolve(root, req.uri());
                    var resp = req.response().putHeader("Access-Control-Allow-Origin", "*")
                            .putHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
                            .putHeader("Access-Control-Allow-Headers", "Range, Content-Type")
                            .putHeader("Access-Control-Expose-Headers", "Content-Length, Content-Type");
                    if (p == null) {
                        resp.setStatusCode(404).end();
                        return;
                    }
                    resp.putHeader("Content-Type", contentType(p)).putHeader("Cache-Control", cacheControl(p))
                            .sendFile(p.toString());
                })
                .listen().await();
    }

    private static void netty(Path root, int port) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new FileHandler(root));
                    }
                })
                .bind("127.0.0.1", port).sync();
    }

    /** One request: headers, the file as a region (sendfile), the end; keep-alive as the client asks. */
    private static final class FileHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final Path root;

        FileHandler(Path root) {
            this.root = root;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) throws Exception {
            if (!(msg instanceof HttpRequest req)) {
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            Path p = resolve(root, req.uri());
            if (p == null) {
                var notFound = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
                notFound.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(notFound);
                return;
            }
            RandomAccessFile file = new RandomAccessFile(p.toFile(), "r");
            long length = file.length();
            var resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            resp.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS")
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Range, Content-Type")
                    .set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "Content-Length, Content-Type")
                    .set(HttpHeaderNames.CONTENT_TYPE, contentType(p))
                    .set(HttpHeaderNames.CACHE_CONTROL, cacheControl(p))
                    .set(HttpHeaderNames.CONTENT_LENGTH, length);
            if (keepAlive) {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.write(resp);
            ctx.write(new DefaultFileRegion(file.getChannel(), 0, length)); // closes the file when sent
            var last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                last.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
