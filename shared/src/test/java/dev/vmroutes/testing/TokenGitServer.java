package dev.vmroutes.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A smart-HTTP Git server (JGit's GitServlet in Jetty) on 127.0.0.1 that demands HTTP Basic
 * auth whose password is the token; any user name is accepted, as on the common Git hosts.
 * {@code /redirect/<name>.git/...} answers 302 to the same repository, for redirect tests.
 */
public final class TokenGitServer implements AutoCloseable {

    private final Server server;
    private final Map<String, Repository> repositories = new ConcurrentHashMap<>();
    private final String token;
    private final java.util.concurrent.atomic.AtomicInteger gitRequests = new java.util.concurrent.atomic.AtomicInteger();

    public TokenGitServer(String token) throws Exception {
        this.token = token;
        server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler("/");
        GitServlet git = new GitServlet();
        git.setRepositoryResolver((request, name) -> {
            Repository repo = repositories.get(name.replaceFirst("^/", ""));
            if (repo == null) throw new org.eclipse.jgit.errors.RepositoryNotFoundException(name);
            repo.incrementOpen();
            return repo;
        });
        context.addServlet(new ServletHolder(git), "/git/*");
        Filter auth = (req, res, chain) -> {
            HttpServletRequest request = (HttpServletRequest) req;
            HttpServletResponse response = (HttpServletResponse) res;
            if (request.getRequestURI().startsWith("/git/")) gitRequests.incrementAndGet();
            if (request.getRequestURI().startsWith("/redirect/")) {
                response.sendRedirect(request.getRequestURI().replaceFirst("^/redirect/", "/git/")
                        + (request.getQueryString() == null ? "" : "?" + request.getQueryString()));
                return;
            }
            if (!authorized(request.getHeader("Authorization"))) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
                response.sendError(401);
                return;
            }
            chain.doFilter(req, res);
        };
        context.addFilter(new FilterHolder(auth), "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
    }

    private boolean authorized(String header) {
        if (header == null || !header.startsWith("Basic ")) return false;
        String decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon > 0 && decoded.substring(colon + 1).equals(token);
    }

    public void serve(String name, Repository repository) {
        repositories.put(name + ".git", repository);
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>/git/<name>.git}; 127.0.0.1 must be in VM_GIT_ALLOWED_HOSTS. */
    public String url(String name) {
        return "http://127.0.0.1:" + port() + "/git/" + name + ".git";
    }

    public String redirectingUrl(String name) {
        return "http://127.0.0.1:" + port() + "/redirect/" + name + ".git";
    }

    /** Requests that reached a repository path (not the redirecting one). */
    public int gitRequests() {
        return gitRequests.get();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
