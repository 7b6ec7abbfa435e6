package spillcheck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.transport.Netty4Plugin;

/**
 * Starts a real single-node Elasticsearch 7.17 (the Apache-2.0 server jar, no x-pack) for spillcheck's integration tests:
 * the server jar plus the Netty4 HTTP and transport plugin, bound to
 * loopback only, with no security plugin and disk thresholds off.
 *
 * <p>Usage: {@code java -cp target/classes:target/lib/* spillcheck.Elasticsearch7Launcher HOME HTTP_PORT TRANSPORT_PORT}
 */
public final class Elasticsearch7Launcher {

    /** Node's plugin-taking constructor is protected. */
    private static final class LauncherNode extends Node {
        LauncherNode(Environment env) {
            super(env, List.of(Netty4Plugin.class), true);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Elasticsearch7Launcher HOME HTTP_PORT TRANSPORT_PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("plugins"));
        Files.createDirectories(home.resolve("modules"));

        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "spillcheck-es7")
            .put("node.name", "spillcheck-es7-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", args[1])
            .put("transport.port", args[2])
            .put("discovery.type", "single-node")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("node.processors", 1)
            .build();

        Environment env = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), home.resolve("config"), () -> "spillcheck-es7-node");
        Node node = new LauncherNode(env);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }));
        node.start();
        System.out.println("spillcheck: Elasticsearch started on 127.0.0.1:" + args[1]);
        stopped.await();
    }
}
