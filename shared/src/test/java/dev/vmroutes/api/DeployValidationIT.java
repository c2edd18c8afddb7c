package dev.vmroutes.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every validation rule refuses with 400 naming the field, and nothing is created: no record, no container. */
class DeployValidationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OK_URL = "\"repo_url\": \"http://127.0.0.1:9/git/agent.git\", \"agent_name\": \"valid\"";
    private static final String SSH_URL = "\"repo_url\": \"ssh://git@127.0.0.1:9/repo.git\", \"agent_name\": \"valid\"";

    @RegisterExtension
    static final TestRoutes env = new TestRoutes();
    // The extension's key directory holds deploy_key, which the ssh_key_path cases name.

    static Stream<Arguments> invalidBodies() {
        return Stream.of(
                arguments("[]", "body"),
                arguments("\"text\"", "body"),
                arguments("{\"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": 5, \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"file:///etc/passwd\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"ext::sh -c touch% /tmp/pwned\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"https://user:secret@example.com/x.git\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"http://example.com/x.git\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"https://10.1.2.3/x.git\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"https://169.254.169.254/latest/meta-data\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"https://[::1]/x.git\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"https://2130706433/x.git\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"https://0x7f000001/x.git\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"https://127.1/x.git\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"https://[::ffff:127.0.0.1]/x.git\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"ssh://git:pw@127.0.0.1/x.git\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"-uhttps://x/y\", \"agent_name\": \"a\"}", "repo_url"),
                arguments("{\"repo_url\": \"http://127.0.0.1:9/x.git\"}", "agent_name"),
                arguments("{" + OK_URL.replace("valid", "-bad") + "}", "agent_name"),
                arguments("{" + OK_URL.replace("valid", "a/b") + "}", "agent_name"),
                arguments("{" + OK_URL.replace("valid", "a b") + "}", "agent_name"),
                arguments("{" + OK_URL.replace("valid", "x".repeat(64)) + "}", "agent_name"),
                arguments("{" + OK_URL.replace("valid", "a\\u0007") + "}", "agent_name"),
                arguments("{" + OK_URL + ", \"branch\": \"-upload-pack=evil\"}", "branch"),
                arguments("{" + OK_URL + ", \"branch\": \"a..b\"}", "branch"),
                arguments("{" + OK_URL + ", \"branch\": \"bad~1\"}", "branch"),
                arguments("{" + OK_URL + ", \"branch\": \"\"}", "branch"),
                arguments("{" + OK_URL + ", \"branch\": 7}", "branch"),
                arguments("{" + OK_URL + ", \"python_version\": \"latest\"}", "python_version"),
                arguments("{" + OK_URL + ", \"python_version\": \"3\"}", "python_version"),
                arguments("{" + OK_URL + ", \"python_version\": \"3.11;rm -rf /\"}", "python_version"),
                arguments("{" + OK_URL + ", \"python_version\": \"3.11\\nRUN id\"}", "python_version"),
                arguments("{" + OK_URL + ", \"expose_port\": 0}", "expose_port"),
                arguments("{" + OK_URL + ", \"expose_port\": 65536}", "expose_port"),
                arguments("{" + OK_URL + ", \"expose_port\": \"8080\"}", "expose_port"),
                arguments("{" + OK_URL + ", \"expose_port\": 80.5}", "expose_port"),
                arguments("{" + OK_URL + ", \"startup_cmd\": []}", "startup_cmd"),
                arguments("{" + OK_URL + ", \"startup_cmd\": \"python main.py\"}", "startup_cmd"),
                arguments("{" + OK_URL + ", \"startup_cmd\": [\"python\", 1]}", "startup_cmd"),
                arguments("{" + OK_URL + ", \"startup_cmd\": [\"\"]}", "startup_cmd"),
                arguments("{" + OK_URL + ", \"startup_cmd\": [\"python\", \"a\\nb\"]}", "startup_cmd"),
                arguments("{" + OK_URL + ", \"environment\": []}", "environment"),
                arguments("{" + OK_URL + ", \"environment\": {\"1BAD\": \"x\"}}", "environment"),
                arguments("{" + OK_URL + ", \"environment\": {\"A-B\": \"x\"}}", "environment"),
                arguments("{" + OK_URL + ", \"environment\": {\"A\": 1}}", "environment.A"),
                arguments("{" + OK_URL + ", \"environment\": {\"A\": \"x\\u0000\"}}", "environment.A"),
                arguments("{" + OK_URL + ", \"auth_token\": 5}", "auth_token"),
                arguments("{" + OK_URL + ", \"auth_token\": \"\"}", "auth_token"),
                arguments("{" + OK_URL + ", \"ssh_key_path\": \"deploy_key\"}", "ssh_key_path"),
                arguments("{" + SSH_URL + ", \"auth_token\": \"t\"}", "auth_token"),
                arguments("{" + SSH_URL + ", \"ssh_key_path\": \"../../etc/passwd\"}", "ssh_key_path"),
                arguments("{" + SSH_URL + ", \"ssh_key_path\": \"/etc/passwd\"}", "ssh_key_path"),
                arguments("{" + SSH_URL + ", \"ssh_key_path\": \"missing_key\"}", "ssh_key_path"),
                arguments("{" + OK_URL + ", \"memory_mb\": 4096}", "memory_mb"),
                arguments("{" + OK_URL + ", \"memory_mb\": 8}", "memory_mb"),
                arguments("{" + OK_URL + ", \"cpus\": 2}", "cpus"),
                arguments("{" + OK_URL + ", \"cpus\": \"1\"}", "cpus"),
                arguments("{" + OK_URL + ", \"pids_limit\": 100000}", "pids_limit"),
                arguments("{" + OK_URL + ", \"auth_token\": \"t\", \"auth_token_secret\": \"s\"}", "auth_token_secret"),
                arguments("{" + OK_URL + ", \"auth_token_secret\": \"bad secret name!\"}", "auth_token_secret"),
                arguments("{" + OK_URL + ", \"ssh_key_secret\": \"key\"}", "ssh_key_secret"),
                arguments("{" + SSH_URL + ", \"auth_token_secret\": \"tok\"}", "auth_token_secret"),
                arguments("{" + OK_URL + ", \"run_as_root\": \"yes\"}", "run_as_root"),
                arguments("{" + OK_URL + ", \"unexpected\": true}", "unexpected"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("invalidBodies")
    void deploy_invalidField_is400NamingItAndCreatesNothing(String body, String field) throws Exception {
        JsonNode json = JSON.readTree(body);
        int records = env.allRecords().size();

        VmException e = catchThrowableOfType(VmException.class, () -> env.deploy(json));

        assertThat(e).as("refused").isNotNull();
        assertThat(e.kind()).as(e.detail()).isEqualTo(VmException.Kind.INVALID);
        assertThat(e.detail()).startsWith(field + ": ");
        assertThat(e.detail()).doesNotContain("user:secret");
        assertThat(env.allRecords()).hasSize(records);
        // The record comes before every other side effect of a deploy: no record, nothing made.
        assertThat(env.agentContainers("valid")).isEmpty();
    }
}
