package dev.vmroutes.docker;

/** The labels a managed container carries; only containers with {@code jules.managed=true} are ever touched. */
public final class Labels {

    public static final String MANAGED = "jules.managed";
    public static final String AGENT = "jules.agent";
    public static final String DEPLOYMENT = "jules.deployment";
    /** The agent's own port, so probes find it among several published ones. */
    public static final String PORT = "jules.port";
    /** The network the agent asked to join (absent: none), since the container names the network by id. */
    public static final String NETWORK = "jules.network";
    /** On a volume: the agent's own name for it. */
    public static final String VOLUME = "jules.volume";

    private Labels() {
    }
}
