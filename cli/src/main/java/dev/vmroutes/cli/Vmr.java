package dev.vmroutes.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.net.URI;

/** {@code vmr}: the VM Routes API from a terminal or a script. */
@Command(name = "vmr", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "vmr 1.0",
        description = "Deploy and manage agents through the VM Routes API.",
        subcommands = {DeployCommand.class, AgentCommands.Status.class, AgentCommands.ListAll.class,
                AgentCommands.Logs.class, AgentCommands.Stop.class, AgentCommands.Health.class,
                DeploymentCommands.Rollback.class, DeploymentCommands.History.class, DeploymentCommands.Cancel.class,
                DeploymentCommands.BuildLog.class, BatchCommand.class, DeploymentCommands.Nodes.class,
                DeploymentCommands.Audit.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (a deploy: running and ready)", "1:the API answered an error or could not be reached",
                "2:wrong usage", "3:the deploy failed", "4:the deploy was cancelled",
                "5:the deploy ended without a ready agent (exited, created, not ready)"})
public final class Vmr {

    public static final int OK = 0;
    public static final int API_ERROR = 1;
    public static final int USAGE = 2;
    public static final int FAILED = 3;
    public static final int CANCELLED = 4;
    public static final int NOT_READY = 5;

    @Option(names = "--url", scope = ScopeType.INHERIT, description = "the API's address (VMR_URL, default http://localhost:8080)")
    String url;

    @Option(names = "--token", scope = ScopeType.INHERIT, description = "a bearer token: the local server's token or a JWT (VMR_TOKEN)")
    String token;

    @Option(names = "--aws", scope = ScopeType.INHERIT, description = "sign requests with SigV4 (AWS credentials from the default chain)")
    boolean aws;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the API's answer as it is")
    boolean json;

    private Api api;

    /** The API these options name, made once. */
    Api api() {
        if (api == null) {
            String address = url != null ? url : System.getenv().getOrDefault("VMR_URL", "http://localhost:8080");
            String bearer = token != null ? token : System.getenv("VMR_TOKEN");
            URI base = URI.create(address.endsWith("/") ? address.substring(0, address.length() - 1) : address);
            if (aws && token != null) throw new CommandLine.ParameterException(new CommandLine(this), "--aws and --token: choose one");
            api = new Api(base, aws ? null : bearer, aws ? SigV4.fromEnvironment(base) : null);
        }
        return api;
    }

    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Vmr());
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof Api.ApiError error) {
                cmd.getErr().println("vmr: " + error.getMessage());
                cmd.getErr().flush();
                return API_ERROR;
            }
            if (e instanceof UsageError usage) {
                cmd.getErr().println("vmr: " + usage.getMessage());
                cmd.getErr().flush();
                return USAGE;
            }
            throw e;
        });
        return line;
    }

    public static void main(String[] args) {
        // the AWS SDK logs through SLF4J, which has no binding here and would say so on every run
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        CommandLine line = commandLine();
        line.setOut(new PrintWriter(System.out, true));
        System.exit(line.execute(args));
    }

    /** A request the command line cannot make: a file that cannot be read, a malformed KEY=VALUE. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }
}
