package dev.vmroutes.app;

import com.amazonaws.xray.interceptors.TracingInterceptor;
import dev.vmroutes.api.Tracing;
import dev.vmroutes.config.VmConfig;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.function.Function;

/** The AWS SDK clients: the light HTTP client, and on Lambda the region and credentials Lambda gives. */
public final class AwsClients {

    private AwsClients() {
    }

    static DynamoDbClient dynamo(VmConfig config) {
        return configure(DynamoDbClient.builder(), config).build();
    }

    static software.amazon.awssdk.services.ecr.EcrClient ecr(VmConfig config) {
        return configure(software.amazon.awssdk.services.ecr.EcrClient.builder(), config).build();
    }

    static SqsClient sqs(VmConfig config) {
        return configure(SqsClient.builder(), config).build();
    }

    /** Reads a secret's string; the client is built on first use, never at start-up. */
    public static Function<String, String> secretReader(VmConfig config) {
        return new Function<>() {
            private volatile SecretsManagerClient client;

            @Override
            public String apply(String secretId) {
                SecretsManagerClient c = client;
                if (c == null) {
                    synchronized (this) {
                        if (client == null) client = configure(SecretsManagerClient.builder(), config).build();
                        c = client;
                    }
                }
                return c.getSecretValue(r -> r.secretId(secretId)).secretString();
            }
        };
    }

    /**
     * On Lambda the region comes straight from its variables and the credentials from its
     * variables or, on a SnapStart function, its container credentials endpoint; this spares the
     * cold start the SDK's longer provider chains and region tables.
     */
    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, VmConfig config) {
        builder.httpClient(UrlConnectionHttpClient.create());
        // Each call a subsegment of the trace under way: the table, Secrets Manager, SQS.
        if (Tracing.on()) builder.overrideConfiguration(o -> o.addExecutionInterceptor(new TracingInterceptor()));
        if (config.onLambda() && config.region() != null) {
            builder.region(Region.of(config.region()))
                    .credentialsProvider(AwsCredentialsProviderChain.of(
                            EnvironmentVariableCredentialsProvider.create(),
                            ContainerCredentialsProvider.builder().build()));
        }
        return builder;
    }
}
