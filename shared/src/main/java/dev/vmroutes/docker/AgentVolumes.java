package dev.vmroutes.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.vmroutes.api.VmException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent's named volumes, kept across its deploys and labelled as ours, with the agent's and
 * the volume's names. A volume's Docker name is {@code jules-<agent>-<name>-<hash>}, the hash of
 * the pair, so agent {@code rt}'s {@code weird-data} and agent {@code rt-weird}'s {@code data}
 * are two volumes.
 */
public record AgentVolumes(DockerClient docker) {

    private static final Logger LOG = LoggerFactory.getLogger(AgentVolumes.class);
    private static final Pattern HASHED = Pattern.compile("(.+)-([0-9a-f]{8})");

    public static String dockerName(String agent, String name) {
        return "jules-" + agent + "-" + name + "-" + hash(agent, name);
    }

    /** The name volumes had before the hash: {@code jules-<agent>-<name>}, which two agents could share. */
    static String legacyName(String agent, String name) {
        return "jules-" + agent + "-" + name;
    }

    /**
     * The agent's short name for a volume one of its containers mounts; null when the volume is
     * not one of the agent's (a volume of the older naming, without the hash, is taken as it reads).
     */
    public static String shortName(String agent, String dockerName) {
        String prefix = "jules-" + agent + "-";
        if (dockerName == null || !dockerName.startsWith(prefix)) return null;
        String rest = dockerName.substring(prefix.length());
        Matcher m = HASHED.matcher(rest);
        return m.matches() && m.group(2).equals(hash(agent, m.group(1))) ? m.group(1) : rest;
    }

    private static String hash(String agent, String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((agent + "\0" + name).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Refuses a mount point that passes through a link in the image (one a build step made): the
     * engine would follow it. Each directory on the way is looked at in a container of the image
     * that never starts.
     *
     * @param volumes mount points by the agent's volume names
     */
    public void checkMountPoints(String image, Map<String, String> volumes) {
        if (volumes.isEmpty()) return;
        String probe = EngineErrors.call(() -> docker.createContainerCmd(image).withEntrypoint("true").withCmd(List.of())
                .withNetworkDisabled(true).withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId());
        try {
            volumes.forEach((name, path) -> {
                StringBuilder prefix = new StringBuilder();
                for (String part : path.substring(1).split("/")) {
                    prefix.append('/').append(part);
                    Boolean link = isLink(probe, prefix.toString());
                    if (link == null) return; // missing: the engine makes the rest as directories
                    if (link) throw VmException.invalid("volumes." + name, "must not mount through a link of the image ("
                            + prefix + " is one)");
                }
            });
        } finally {
            removeQuietly(probe);
        }
    }

    /** Whether the path is a link in the container's file system; null when it does not exist. */
    private Boolean isLink(String container, String path) {
        return EngineErrors.call(() -> {
            // The archive of a path holds the path itself first (a link as a link); only that entry is read.
            try (InputStream archive = docker.copyArchiveFromContainerCmd(container, path).exec();
                 TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
                TarArchiveEntry first = tar.getNextEntry();
                return first != null && first.isSymbolicLink();
            } catch (NotFoundException missing) {
                return null;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** The Docker volume an agent's volume is, and whether this deploy made it. */
    public record Ensured(String dockerName, boolean created) {
    }

    /**
     * Makes the agent's volume when missing, and gives it to the image's user when it belongs to
     * someone else (a volume made for an agent that ran as root, then deployed as its own user).
     * A volume this call made is removed again when that fails. A volume of the older naming that
     * carries the agent's label is kept in use, so its data stays the agent's.
     */
    public Ensured ensure(String agent, String name, String image, String mountPath) {
        String legacy = legacyName(agent, name);
        boolean legacyIsOwn = EngineErrors.read(() -> {
            try {
                Map<String, String> labels = docker.inspectVolumeCmd(legacy).exec().getLabels();
                return labels != null && agent.equals(labels.get(Labels.AGENT)) && !labels.containsKey(Labels.VOLUME);
            } catch (NotFoundException missing) {
                return false;
            }
        });
        String volume = legacyIsOwn ? legacy : dockerName(agent, name);
        boolean created = EngineErrors.call(() -> {
            try {
                InspectVolumeResponse existing = docker.inspectVolumeCmd(volume).exec();
                Map<String, String> labels = existing.getLabels();
                if (labels == null || !agent.equals(labels.get(Labels.AGENT))) {
                    throw VmException.conflict("volume " + volume + " exists and is not agent " + agent + "'s");
                }
                return false;
            } catch (NotFoundException missing) {
                docker.createVolumeCmd().withName(volume).withDriver("local")
                        .withLabels(Map.of(Labels.MANAGED, "true", Labels.AGENT, agent, Labels.VOLUME, name)).exec();
                return true;
            }
        });
        try {
            giveToImageUser(volume, name, image, mountPath);
        } catch (RuntimeException e) {
            if (created) removeQuietly(List.of(volume));
            throw e;
        }
        return new Ensured(volume, created);
    }

    /**
     * Gives whatever in the volume is not the image user's to that user, as root in a container
     * with nothing but the capabilities to read every directory and change owners, and no network,
     * and removes the container. An image that runs as root gets it as root's: its agent has no
     * capability to write what another user owns either.
     */
    private void giveToImageUser(String volume, String name, String image, String mountPath) {
        String imageUser = EngineErrors.read(() -> docker.inspectImageCmd(image).exec()).getConfig().getUser();
        String user = imageUser == null || imageUser.isBlank() || imageUser.equals("root") ? "0:0" : imageUser;
        String[] ids = user.split(":", 2);
        List<String> command = new ArrayList<>(List.of(mountPath, "-xdev", "(", "!", "-user", ids[0]));
        if (ids.length > 1) command.addAll(List.of("-o", "!", "-group", ids[1]));
        // -h: a link the agent made is changed itself, never what it points at.
        command.addAll(List.of(")", "-exec", "chown", "-h", user, "{}", "+"));
        String helper = EngineErrors.call(() -> docker.createContainerCmd(image)
                .withEntrypoint("find").withCmd(command)
                .withUser("0")
                .withNetworkDisabled(true)
                .withHostConfig(HostConfig.newHostConfig()
                        .withBinds(new Bind(volume, new Volume(mountPath)))
                        .withNetworkMode("none")
                        .withCapDrop(Capability.ALL).withCapAdd(Capability.CHOWN, Capability.DAC_READ_SEARCH)
                        .withSecurityOpts(List.of("no-new-privileges:true")))
                .exec().getId());
        try {
            EngineErrors.run(() -> docker.startContainerCmd(helper).exec());
            Integer exit = docker.waitContainerCmd(helper).start().awaitStatusCode(30, TimeUnit.SECONDS);
            if (exit == null || exit != 0) {
                throw VmException.deployFailed("start", "could not give volume " + name + " to the agent's user " + user
                        + " (chown exited with " + exit + ")");
            }
        } finally {
            removeQuietly(helper);
        }
    }

    private void removeQuietly(String container) {
        try {
            docker.removeContainerCmd(container).withForce(true).exec();
        } catch (RuntimeException e) {
            LOG.warn("could not remove the helper container {}: {}", container, e.getMessage());
        }
    }

    /** Removes volumes a failed deploy made; never throws. */
    public void removeQuietly(List<String> volumes) {
        for (String volume : volumes) {
            try {
                docker.removeVolumeCmd(volume).exec();
            } catch (NotFoundException gone) {
                // removed meanwhile
            } catch (RuntimeException e) {
                LOG.warn("could not remove volume {} after a failed deploy: {}", volume, e.getMessage());
            }
        }
    }

    /**
     * Deletes the agent's volumes; one a container still uses is kept.
     *
     * @return the names of the volumes deleted
     */
    public List<String> removeAll(String agent) {
        List<String> removed = new ArrayList<>();
        var volumes = EngineErrors.call(() -> docker.listVolumesCmd()
                .withFilter("label", List.of(Labels.MANAGED + "=true", Labels.AGENT + "=" + agent)).exec()).getVolumes();
        for (var volume : volumes == null ? List.<InspectVolumeResponse>of() : volumes) {
            try {
                docker.removeVolumeCmd(volume.getName()).exec();
                removed.add(volume.getName());
            } catch (ConflictException inUse) {
                LOG.info("kept volume {}: a container still uses it", volume.getName());
            } catch (NotFoundException gone) {
                // removed meanwhile
            }
        }
        return removed;
    }
}
