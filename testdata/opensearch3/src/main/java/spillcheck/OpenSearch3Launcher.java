package spillcheck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.Version;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.PluginInfo;
import org.opensearch.transport.Netty4ModulePlugin;

/**
 * Starts a real single-node OpenSearch 3.x for spillcheck's integration
 * tests: the server jar plus the Netty4 HTTP and transport module, bound to
 * loopback only, with no security plugin and disk thresholds off. OpenSearch
 * 3 takes classpath plugins as {@link PluginInfo}, not as classes.
 *
 * <p>Usage: {@code java -cp target/classes:target/lib/* spillcheck.OpenSearch3Launcher HOME HTTP_PORT TRANSPORT_PORT}
 */
public final class OpenSearch3Launcher {

    /** Node's plugin-taking constructor is protected. */
    private static final class LauncherNode extends Node {
        LauncherNode(Environment env) {
            super(env, List.of(classpathPlugin(Netty4ModulePlugin.class)), true);
        }
    }

    private static PluginInfo classpathPlugin(Class<?> plugin) {
        return new PluginInfo(plugin.getName(), "classpath plugin", "NA", Version.CURRENT, "21",
            plugin.getName(), null, List.of(), false);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: OpenSearch3Launcher HOME HTTP_PORT TRANSPORT_PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        for (String d : List.of("data", "logs", "config", "plugins", "modules")) {
            Files.createDirectories(home.resolve(d));
        }

        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "spillcheck-os3")
            .put("node.name", "spillcheck-os3-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", args[1])
            .put("transport.port", args[2])
            .put("discovery.type", "single-node")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("node.processors", 1)
            .build();

        Environment env = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), home.resolve("config"), () -> "spillcheck-os3-node");
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
        System.out.println("spillcheck: OpenSearch 3 started on 127.0.0.1:" + args[1]);
        stopped.await();
    }
}
