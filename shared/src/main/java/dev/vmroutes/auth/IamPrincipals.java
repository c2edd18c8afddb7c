package dev.vmroutes.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vmroutes.api.VmException;
import dev.vmroutes.config.ConfigException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each IAM principal may do, from a Secrets Manager secret holding
 * <pre>{"arn:aws:iam::123456789012:role/ci": {"scopes": ["vm:read", "vm:deploy"], "agents": ["team-a-"]}}</pre>
 * A role's sessions ({@code arn:aws:sts::…:assumed-role/ci/…}) take the role's entry. The secret is
 * read again every five minutes, so a change needs no redeploy.
 */
public final class IamPrincipals {

    private static final Duration REFRESH = Duration.ofMinutes(5);
    private static final Pattern ASSUMED_ROLE = Pattern.compile("^arn:(aws[a-z-]*):sts::(\\d{12}):assumed-role/([^/]+)/.*$");

    private final String secretName;
    private final Function<String, String> secrets;
    private final Clock clock;
    private volatile Map<String, Grant> grants;
    private volatile Instant readAt = Instant.MIN;

    public IamPrincipals(String secretName, Function<String, String> secrets, Clock clock) {
        this.secretName = secretName;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** The principal's grant; a principal the mapping does not name gets no scope. */
    public Caller caller(String principalArn, String sourceIp, String requestId) {
        Grant grant = lookup(current(), principalArn).orElse(null);
        if (grant == null) return new Caller(principalArn, java.util.Set.of(), null, sourceIp, requestId);
        return grant.caller(principalArn, sourceIp, requestId);
    }

    static Optional<Grant> lookup(Map<String, Grant> grants, String arn) {
        if (arn == null) return Optional.empty();
        Grant exact = grants.get(arn);
        if (exact != null) return Optional.of(exact);
        Matcher role = ASSUMED_ROLE.matcher(arn);
        if (!role.matches()) return Optional.empty();
        return Optional.ofNullable(grants.get("arn:" + role.group(1) + ":iam::" + role.group(2) + ":role/" + role.group(3)));
    }

    private Map<String, Grant> current() {
        Instant now = clock.instant();
        Map<String, Grant> held = grants;
        if (held != null && readAt.plus(REFRESH).isAfter(now)) return held;
        synchronized (this) {
            if (grants != null && readAt.plus(REFRESH).isAfter(now)) return grants;
            try {
                grants = parse(secrets.apply(secretName));
                readAt = now;
            } catch (ConfigException e) {
                throw VmException.unavailable("the IAM principals mapping", e.getMessage(), null);
            } catch (VmException e) {
                if (grants == null) throw e;
                // A mapping read before stays in force while the secret cannot be read.
            }
            return grants;
        }
    }

    static Map<String, Grant> parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new ConfigException("VM_IAM_PRINCIPALS_SECRET: the secret is not JSON");
        }
        if (root == null || !root.isObject()) throw new ConfigException("VM_IAM_PRINCIPALS_SECRET: must hold an object of ARNs");
        Map<String, Grant> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getKey().startsWith("arn:")) throw new ConfigException("VM_IAM_PRINCIPALS_SECRET: " + entry.getKey() + " is not an ARN");
            out.put(entry.getKey(), Grant.parse(entry.getValue(), "VM_IAM_PRINCIPALS_SECRET: " + entry.getKey()));
        }
        return Map.copyOf(out);
    }
}
