package dev.vmroutes.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The test's own SigV4 against AWS's published test vectors, before it judges what vmr signs. */
class SigV4CheckTest {

    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static final String DATE = "20150830T123600Z";

    static List<String[]> vectors() throws IOException {
        try (InputStream in = SigV4CheckTest.class.getResourceAsStream("/sigv4/vectors.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\\|")).toList();
        }
    }

    @Test
    void awsTestSuite_vectors_signAsPublished() throws IOException {
        List<String[]> vectors = vectors();
        assertThat(vectors).extracting(v -> v[0]).containsExactly("get-vanilla", "get-vanilla-query-order-key-case", "post-vanilla");
        for (String[] v : vectors) {
            String[] target = v[2].split("\\?", 2);
            String signature = SigV4Check.signature(SECRET, v[1], target[0], target.length > 1 ? target[1] : "",
                    Map.of("Host", "example.amazonaws.com", "X-Amz-Date", DATE), "host;x-amz-date", new byte[0], DATE, "us-east-1", "service");
            assertThat(signature).as(v[0]).isEqualTo(v[3]);
        }
    }

    @Test
    void aChangedRequest_signsDifferently() {
        Map<String, String> headers = Map.of("Host", "example.amazonaws.com", "X-Amz-Date", DATE);
        String vanilla = SigV4Check.signature(SECRET, "GET", "/", "", headers, "host;x-amz-date", new byte[0], DATE, "us-east-1", "service");
        assertThat(SigV4Check.signature(SECRET, "GET", "/x", "", headers, "host;x-amz-date", new byte[0], DATE, "us-east-1", "service")).isNotEqualTo(vanilla);
        assertThat(SigV4Check.signature(SECRET, "GET", "/", "", headers, "host;x-amz-date", "{}".getBytes(), DATE, "us-east-1", "service")).isNotEqualTo(vanilla);
        assertThat(SigV4Check.signature(SECRET + "x", "GET", "/", "", headers, "host;x-amz-date", new byte[0], DATE, "us-east-1", "service")).isNotEqualTo(vanilla);
    }

    @Test
    void regionOf_anExecuteApiAddress() {
        assertThat(SigV4.regionOf(java.net.URI.create("https://a1b2c3.execute-api.eu-west-2.amazonaws.com"))).isEqualTo("eu-west-2");
        assertThat(SigV4.regionOf(java.net.URI.create("http://127.0.0.1:8080"))).isNull();
    }
}
