package dev.vmroutes.manager;

import dev.vmroutes.api.DeployRequestParser;
import dev.vmroutes.api.Redactor;
import dev.vmroutes.api.RepoUrlPolicy;
import dev.vmroutes.docker.DockerClients;
import dev.vmroutes.docker.DockerSettings;
import dev.vmroutes.git.RepoCloner;
import dev.vmroutes.probe.HttpProbe;
import dev.vmroutes.store.DeploymentStore;
import dev.vmroutes.store.DynamoDeploymentStore;
import dev.vmroutes.store.EmbeddedDeploymentStore;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Builds a {@link VmManager} from the environment; once per execution environment. */
public final class VmManagerFactory {

    private static volatile VmManager shared;
    private static Thread preparing;

    private VmManagerFactory() {
    }

    /** The manager for this process, built on first use from {@code System.getenv()}. */
    public static VmManager shared() {
        VmManager manager = shared;
        if (manager == null) {
            synchronized (VmManagerFactory.class) {
                // Outside Lambda (the local server) the table is created when missing; on AWS the template owns it.
                if (shared == null) shared = fromEnvironment(System.getenv(), System.getenv("AWS_LAMBDA_FUNCTION_NAME") == null);
                manager = shared;
            }
        }
        return manager;
    }

    /**
     * Builds the manager and warms its connections on a background thread, so that this overlaps
     * the rest of the start-up (the web application) instead of following it. At most one runs at a time.
     */
    public static void prepareInBackground() {
        synchronized (VmManagerFactory.class) {
            if (shared != null || preparing != null) return;
            preparing = Thread.ofPlatform().daemon().name("vm-manager-init").start(() -> {
                try {
                    shared().warmUp();
                } catch (RuntimeException e) {
                    // the first request builds it again and answers with the reason
                    LoggerFactory.getLogger(VmManagerFactory.class).warn("could not prepare the manager: {}", Redactor.describe(e));
                } finally {
                    synchronized (VmManagerFactory.class) {
                        preparing = null;
                    }
                }
            });
        }
    }

    /**
     * Drops the manager so the next {@link #shared()} builds a new one: after a SnapStart restore,
     * connections opened before the snapshot must not be reused, and the TLS secret is read anew.
     */
    public static void reset() {
        synchronized (VmManagerFactory.class) {
            shared = null;
        }
    }

    /**
     * @param createTable create the DynamoDB table when it is missing (the local run); on AWS the template owns it
     */
    public static VmManager fromEnvironment(Map<String, String> env, boolean createTable) {
        DockerSettings settings = DockerSettings.fromEnvironment(env, VmManagerFactory::readSecret);
        Path keyDir = blank(env.get("VM_SSH_KEY_DIR")) ? null : Path.of(env.get("VM_SSH_KEY_DIR"));
        Path knownHosts = blank(env.get("VM_SSH_KNOWN_HOSTS")) ? null : Path.of(env.get("VM_SSH_KNOWN_HOSTS"));
        return new VmManager(
                DockerClients.create(settings),
                DockerClients.create(settings, settings.buildTimeout()),
                settings,
                store(env, createTable),
                new DeployRequestParser(RepoUrlPolicy.fromEnvironment(env), keyDir, ContainerLimits.fromEnvironment(env)),
                new RepoCloner(Integer.parseInt(env.getOrDefault("VM_GIT_TIMEOUT_SECONDS", "60")), knownHosts),
                new HttpProbe(Duration.ofSeconds(2), Duration.ofSeconds(Long.parseLong(env.getOrDefault("VM_PROBE_TIMEOUT_SECONDS", "3")))),
                VmManagerFactory::readSecret,
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("VM_READY_TIMEOUT_SECONDS", "20"))),
                Integer.parseInt(env.getOrDefault("VM_SWEEP_CONCURRENCY", "8")),
                Clock.systemUTC(),
                System.out::println);
    }

    public static DeploymentStore store(Map<String, String> env, boolean createTable) {
        String table = env.get("VM_TABLE_NAME");
        if (blank(table)) {
            String dir = env.getOrDefault("VM_DATA_DIR", System.getProperty("user.home") + "/.vm-routes");
            return new EmbeddedDeploymentStore(Path.of(dir, "deployments.mv.db"));
        }
        DynamoDbClient dynamo = awsClient(DynamoDbClient.builder(), env).build();
        DynamoDeploymentStore store = new DynamoDeploymentStore(dynamo, table);
        if (createTable) store.createTableIfMissing();
        return store;
    }

    private static volatile SecretsManagerClient secretsManager;

    /** Reads a Secrets Manager secret's string; the client is built on first use, never at start-up. */
    static String readSecret(String secretId) {
        SecretsManagerClient client = secretsManager;
        if (client == null) {
            synchronized (VmManagerFactory.class) {
                if (secretsManager == null) {
                    secretsManager = awsClient(SecretsManagerClient.builder(), System.getenv()).build();
                }
                client = secretsManager;
            }
        }
        return client.getSecretValue(r -> r.secretId(secretId)).secretString();
    }

    /**
     * The light HTTP client; on Lambda the region and the credentials straight from the variables
     * Lambda sets, which spares the cold start the SDK's provider chains and region tables.
     */
    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B awsClient(B builder, Map<String, String> env) {
        builder.httpClient(UrlConnectionHttpClient.create());
        if (!blank(env.get("AWS_LAMBDA_FUNCTION_NAME")) && !blank(env.get("AWS_REGION"))) {
            builder.region(Region.of(env.get("AWS_REGION")))
                    .credentialsProvider(EnvironmentVariableCredentialsProvider.create());
        }
        return builder;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
