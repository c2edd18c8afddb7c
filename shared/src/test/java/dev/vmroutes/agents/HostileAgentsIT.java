package dev.vmroutes.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vmroutes.api.Results;
import dev.vmroutes.api.VmException;
import dev.vmroutes.docker.AgentVolumes;
import dev.vmroutes.testing.AgentRepo;
import dev.vmroutes.testing.TestRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Agents that try to leave their bounds, on the real engine: disk, mounts through links, a probe that never ends. */
class HostileAgentsIT {

    @RegisterExtension
    static final TestRoutes env = new TestRoutes().with("VM_AGENT_DISK", "64m");

    /** Writes 100 MB to /tmp, /app and /, and answers with what each write ended in. */
    static final String FILLER = AgentRepo.answering("result",
            "import errno, os",
            "def fill(path):",
            "    try:",
            "        with open(path, 'wb') as f:",
            "            for _ in range(100):",
            "                f.write(b'x' * (1 << 20))",
            "                f.flush()",
            "        return 'wrote'",
            "    except OSError as e:",
            "        return errno.errorcode.get(e.errno, str(e.errno))",
            "    finally:",
            "        if os.path.exists(path): os.remove(path)",
            "result = ' '.join(fill(p) for p in ('/tmp/big', '/app/big', '/big')).encode()");

    /** Answers /trickle with its headers at once and then its body one byte a second; /health at once. */
    static final String TRICKLER = String.join("\n",
            "import http.server, time",
            "class Handler(http.server.BaseHTTPRequestHandler):",
            "    def do_GET(self):",
            "        self.send_response(200)",
            "        self.send_header('Content-Length', '100')",
            "        self.end_headers()",
            "        if self.path == '/trickle':",
            "            for _ in range(100):",
            "                self.wfile.write(b'x')",
            "                self.wfile.flush()",
            "                time.sleep(1)",
            "        else:",
            "            self.wfile.write(b'y' * 100)",
            "    def log_message(self, *args):",
            "        pass",
            "http.server.ThreadingHTTPServer(('0.0.0.0', 8080), Handler).serve_forever()",
            "");

    private ObjectNode bodyFor(String agent, String repo) {
        return TestRoutes.JSON.createObjectNode().put("repo_url", env.git.url(repo)).put("agent_name", agent).put("auth_token", env.token);
    }

    @Test
    void anAgentWritingPastItsDiskCap_getsEnospc_andCannotWriteElsewhere() throws Exception {
        env.git.serve("filler", AgentRepo.create(env.dir, "filler", Map.of("main.py", FILLER)).repository());
        Results.Deployed d = env.deploy(bodyFor("filler", "filler"));
        assertThat(d.ready()).isTrue();

        assertThat(VolumesNetworksIT.get(d)).isEqualTo("ENOSPC EROFS EROFS");
    }

    @Test
    void aHealthCallOfAnAgentTricklingItsBody_answersWithTheProbesError_withinTheProbesDeadline() throws Exception {
        env.git.serve("trickler", AgentRepo.create(env.dir, "trickler", Map.of("main.py", TRICKLER)).repository());
        Results.Deployed d = env.deploy(bodyFor("trickler", "trickler"));
        assertThat(d.ready()).isTrue();

        long start = System.nanoTime();
        Results.Health health = env.health(d.containerName(), "/trickle");
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(health.httpProbe().statusCode()).isNull();
        // The probe's deadline is its connect (2 s) and request (2 s) timeouts; the body alone would take 100 s.
        assertThat(health.httpProbe().error()).startsWith("no complete answer within 4000 ms");
        assertThat(tookMs).isLessThan(15_000);
    }

    @Test
    void volumesThroughLinks_ofTheRepositoryOrAnotherVolume_are400_andCreateNothing() throws Exception {
        AgentRepo repo = AgentRepo.create(env.dir, "linky", Map.of("main.py", AgentRepo.HTTP_AGENT));
        repo.commitLinks(Map.of("etcln", "/etc", "procln", "/proc", "data/ln", "/etc"));
        env.git.serve("linky", repo.repository());
        Map<String, Map<String, String>> refused = Map.of(
                "etc", Map.of("etc", "/app/etcln"),
                "proc", Map.of("proc", "/app/procln"),
                "inner", Map.of("data", "/data", "inner", "/data/ln"));
        refused.forEach((field, volumes) -> {
            ObjectNode body = bodyFor("linky", "linky");
            ObjectNode v = body.putObject("volumes");
            volumes.forEach(v::put);
            assertThatThrownBy(() -> env.deploy(body)).as(field).isInstanceOfSatisfying(VmException.class, e -> {
                assertThat(e.kind()).isEqualTo(VmException.Kind.INVALID);
                assertThat(e.detail()).startsWith("volumes." + field + ":");
            });
        });
        assertThat(env.agentContainers("linky")).isEmpty();
        assertThat(env.docker.listVolumesCmd().withFilter("label", List.of("jules.agent=linky")).exec().getVolumes()).isNullOrEmpty();
        assertThat(env.allRecords()).noneMatch(d -> "linky".equals(d.agentName()));
    }

    @Test
    void aMountPointThroughALinkOfTheImage_isRefusedNamingTheVolume() {
        AgentVolumes volumes = new AgentVolumes(env.docker);
        assertThatThrownBy(() -> volumes.checkMountPoints("python:3.11-slim", Map.of("locks", "/var/lock/agent")))
                .isInstanceOfSatisfying(VmException.class, e -> assertThat(e.detail()).startsWith("volumes.locks: ")
                        .contains("/var/lock is one"));
        volumes.checkMountPoints("python:3.11-slim", Map.of("data", "/data/deep/down", "home", "/home/agent"));
    }

    @Test
    void anAgentNameDifferingOnlyInCase_is409NamingTheFirst_andCreatesNothing() {
        Results.Deployed first = env.deploy(env.body("Casey"));
        assertThat(first.ready()).isTrue();
        assertThatThrownBy(() -> env.deploy(env.body("casey"))).isInstanceOfSatisfying(VmException.class, e -> {
            assertThat(e.kind()).isEqualTo(VmException.Kind.CONFLICT);
            assertThat(e.detail()).contains("agent Casey exists");
        });
        assertThat(env.agentContainers("casey")).isEmpty();
        assertThat(env.allRecords()).noneMatch(d -> "casey".equals(d.agentName()));
    }

    @Test
    void aDeployThatFailsAfterMakingAVolume_removesIt_andItsReasonShowsNoHostPath() {
        ObjectNode body = env.body("misfit");
        body.putObject("volumes").put("rc", "/root/.bashrc"); // a file in the image: the engine cannot mount a volume there
        assertThatThrownBy(() -> env.deploy(body)).isInstanceOfSatisfying(VmException.class, e -> {
            assertThat(e.kind()).isEqualTo(VmException.Kind.DEPLOY_FAILED);
            assertThat(e.detail()).doesNotContain("/var/lib/docker").doesNotContain("/volumes/").doesNotContain("overlay2");
        });
        assertThat(env.docker.listVolumesCmd().withFilter("label", List.of("jules.agent=misfit")).exec().getVolumes()).isNullOrEmpty();
        assertThat(env.agentContainers("misfit")).isEmpty();
    }
}
