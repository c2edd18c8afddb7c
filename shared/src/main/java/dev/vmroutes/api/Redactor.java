package dev.vmroutes.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one place text is cleaned before it leaves the process (logs, error details, stored
 * records): known secrets are replaced, and so are the shapes secrets take (URL userinfo,
 * PEM private keys, Authorization headers).
 */
public final class Redactor {

    public static final String MASK = "[REDACTED]";

    private static final Pattern URL_USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]*@");
    private static final Pattern PEM_PRIVATE_KEY =
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|\\z)", Pattern.DOTALL);
    private static final Pattern AUTH_HEADER = Pattern.compile("(?i)(authorization:\\s*\\w+\\s+)\\S+");

    private final List<String> secrets;

    private Redactor(List<String> secrets) {
        this.secrets = secrets;
    }

    public static Redactor of(Collection<String> secrets) {
        List<String> kept = new ArrayList<>();
        for (String s : secrets) {
            if (s != null && !s.isBlank()) {
                kept.add(s);
                String trimmed = s.strip();
                if (!trimmed.equals(s)) kept.add(trimmed);
            }
        }
        // Longest first, so a secret that contains another is masked whole.
        kept.sort((a, b) -> Integer.compare(b.length(), a.length()));
        return new Redactor(List.copyOf(kept));
    }

    public static Redactor none() {
        return new Redactor(List.of());
    }

    public String redact(String text) {
        if (text == null) return null;
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        out = URL_USERINFO.matcher(out).replaceAll("$1" + MASK + "@");
        out = PEM_PRIVATE_KEY.matcher(out).replaceAll(MASK);
        out = AUTH_HEADER.matcher(out).replaceAll("$1" + MASK);
        return out;
    }

    /** A one-line, redacted description of a failure: its innermost useful message. */
    public static String describe(Throwable error) {
        return none().describeError(error);
    }

    public String describeError(Throwable error) {
        Throwable t = error;
        String message = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) message = t.getMessage();
            if (t.getCause() == t) break;
            t = t.getCause();
        }
        String text = message != null ? message : Objects.toString(error == null ? null : error.getClass().getSimpleName());
        return redact(text.replaceAll("\\s+", " ").strip());
    }
}
