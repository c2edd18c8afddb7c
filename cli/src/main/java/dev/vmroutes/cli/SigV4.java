package dev.vmroutes.cli;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** SigV4 for API Gateway ({@code execute-api}): the SDK's signer with the default credentials chain. */
final class SigV4 {

    static final String SERVICE = "execute-api";
    private static final Pattern EXECUTE_API = Pattern.compile("^[^.]+\\.execute-api\\.([a-z0-9-]+)\\.amazonaws\\.com$");

    private final String region;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    SigV4(String region) {
        this.region = region;
    }

    /** The region named by an API Gateway address, else AWS_REGION. */
    static SigV4 fromEnvironment(URI base) {
        String region = regionOf(base);
        if (region == null) region = System.getenv("AWS_REGION");
        if (region == null || region.isBlank()) {
            throw new Vmr.UsageError("--aws: no region in " + base + " (https://{id}.execute-api.{region}.amazonaws.com) and AWS_REGION is not set");
        }
        return new SigV4(region);
    }

    static String regionOf(URI base) {
        Matcher m = EXECUTE_API.matcher(base.getHost() == null ? "" : base.getHost());
        return m.matches() ? m.group(1) : null;
    }

    /** The headers with the signature's added; Host is left to the HTTP client, which sends the same. */
    Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body) {
        AwsCredentialsIdentity credentials;
        try (DefaultCredentialsProvider provider = DefaultCredentialsProvider.builder().build()) {
            credentials = provider.resolveCredentials();
        } catch (RuntimeException e) {
            throw new Vmr.UsageError("--aws: no AWS credentials: " + e.getMessage());
        }
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(request::putHeader);
        SignedRequest signed = signer.sign(r -> r.identity(credentials).request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE));
        Map<String, String> out = new LinkedHashMap<>();
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) out.put(name, values.getFirst());
        });
        return out;
    }
}
