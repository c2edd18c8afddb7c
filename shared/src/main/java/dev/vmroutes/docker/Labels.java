package dev.vmroutes.docker;

/** The labels a managed container carries; only containers with {@code jules.managed=true} are ever touched. */
public final class Labels {

    public static final String MANAGED = "jules.managed";
    public static final String AGENT = "jules.agent";
    public static final String DEPLOYMENT = "jules.deployment";
    /** The agent's own port, so probes find it among several published ones. */
    public static final String PORT = "jules.port";

    private Labels() {
    }
}
