package dev.vmroutes.functions.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.store.DynamoDeploymentStore;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cold starts of every function under the real Lambda Java runtime interface client, beside a
 * hello-world handler and a bare Spring Boot app behind the same container handler, in one run.
 * Run through scripts/bench-coldstart (it brings up the engine and the table the functions use).
 */
public final class ColdStartBench {

    static final Path ROOT = Path.of(System.getProperty("vmroutes.root", "."));
    static final Map<String, String> FUNCTIONS = new LinkedHashMap<>();

    static {
        FUNCTIONS.put("DeployFunction", "deploy.json");
        FUNCTIONS.put("ListFunction", "list.json");
        FUNCTIONS.put("StopFunction", "stop.json");
        FUNCTIONS.put("HealthFunction", "health.json");
        FUNCTIONS.put("HealthSweepFunction", "sweep.json");
    }

    /** What a function's JVM needs: the test services, and the table it would have on AWS. */
    public static Map<String, String> functionEnvironment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("VM_TABLE_NAME", "vm-routes-bench");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "vm-routes-bench");
        try (DynamoDbClient dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
            new DynamoDeploymentStore(dynamo, "vm-routes-bench", java.time.Duration.ofDays(90)).createTableIfMissing();
        }
        return env;
    }

    public static List<Path> functionClasspath(Path work) throws Exception {
        List<Path> cp = new ArrayList<>(LambdaRuntimeHarness.unpack(ROOT.resolve("functions/target/vm-routes-lambda.zip"), work));
        cp.addAll(LambdaRuntimeHarness.runtimeClient());
        return cp;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path work = Files.createTempDirectory("cold-start");
        List<Path> functionCp = functionClasspath(work.resolve("app"));
        Path testClasses = ROOT.resolve("functions/target/test-classes");
        List<Path> helloCp = new ArrayList<>(List.of(testClasses));
        helloCp.addAll(LambdaRuntimeHarness.runtimeClient());
        List<Path> bareCp = new ArrayList<>(List.of(testClasses));
        bareCp.addAll(functionCp.subList(1, functionCp.size()));
        Map<String, String> env = functionEnvironment();
        byte[] listEvent = Files.readAllBytes(ROOT.resolve("events/list.json"));

        Map<String, List<Long>> millis = new LinkedHashMap<>();
        try (LambdaRuntimeHarness harness = new LambdaRuntimeHarness()) {
            for (int round = 1; round <= rounds; round++) {
                record("hello-world", millis, harness.coldStart(helloCp, HelloFunction.class.getName() + "::handleRequest",
                        env, listEvent, Duration.ofMinutes(2)));
                record("bare Spring Boot", millis, harness.coldStart(bareCp,
                        "dev.vmroutes.bench.bare.BareSpringFunction::handleRequest", env, listEvent, Duration.ofMinutes(2)));
                record("plain sweep calls", millis, harness.coldStart(bareCp,
                        "dev.vmroutes.bench.floor.PlainSweepFunction::handleRequest", env,
                        Files.readAllBytes(ROOT.resolve("events/sweep.json")), Duration.ofMinutes(2)));
                record("bare Spring + list calls", millis, harness.coldStart(bareCp,
                        "dev.vmroutes.bench.floor.BareSpringListFunction::handleRequest", env, listEvent, Duration.ofMinutes(2)));
                for (var function : FUNCTIONS.entrySet()) {
                    String handler = "dev.vmroutes.functions.handler." + function.getKey() + "::handleRequest";
                    byte[] event = Files.readAllBytes(ROOT.resolve("events").resolve(function.getValue()));
                    record(function.getKey(), millis, harness.coldStart(functionCp, handler, env, event, Duration.ofMinutes(2)));
                }
                System.err.println("round " + round + " done");
            }
        }
        long hello = median(millis.get("hello-world"));
        long bare = median(millis.get("bare Spring Boot"));
        long floor = median(millis.get("bare Spring + list calls"));
        System.out.printf("%-26s %10s %9s %15s %24s%n", "handler", "median ms", "x hello", "x bare Spring", "x bare Spring + list calls");
        for (var entry : millis.entrySet()) {
            long m = median(entry.getValue());
            System.out.printf("%-26s %10d %9.2f %15.2f %24.2f%n", entry.getKey(), m, (double) m / hello, (double) m / bare,
                    (double) m / floor);
        }
        System.out.println("rounds: " + rounds + ", JVM flags: " + LambdaRuntimeHarness.JVM_FLAGS + ", java " + System.getProperty("java.version"));
    }

    private static void record(String name, Map<String, List<Long>> millis, LambdaRuntimeHarness.ColdStart start) throws Exception {
        new ObjectMapper().readTree(start.response()); // every answer must be JSON
        millis.computeIfAbsent(name, k -> new ArrayList<>()).add(start.elapsed().toMillis());
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
