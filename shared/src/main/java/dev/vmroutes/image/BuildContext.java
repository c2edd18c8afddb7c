package dev.vmroutes.image;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The tar the engine builds from: the commit's files as Git holds them (names exactly as
 * committed, links as links, never followed) under {@link DockerfileGenerator#SOURCE_DIR}, and
 * the generated Dockerfile beside them. Nothing of the repository is left out or read as build
 * instructions: its own Dockerfile and {@code .dockerignore} are files like any other.
 */
public final class BuildContext implements AutoCloseable {

    private final TarArchiveOutputStream tar;

    private static final String PREFIX = DockerfileGenerator.SOURCE_DIR + "/";

    private BuildContext(OutputStream out) {
        this.tar = new TarArchiveOutputStream(new BufferedOutputStream(out, 64 * 1024));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    /** A context written to {@code out}, which it closes; the source directory exists even for an empty repository. */
    public static BuildContext to(OutputStream out) throws IOException {
        BuildContext context = new BuildContext(out);
        TarArchiveEntry source = new TarArchiveEntry(PREFIX, true);
        source.setMode(040755);
        context.tar.putArchiveEntry(source);
        context.tar.closeArchiveEntry();
        return context;
    }

    public void file(String name, boolean executable, long size, InputStream content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(PREFIX + name, true);
        entry.setSize(size);
        entry.setMode(executable ? 0100755 : 0100644);
        tar.putArchiveEntry(entry);
        content.transferTo(tar);
        tar.closeArchiveEntry();
    }

    public void link(String name, String target) throws IOException {
        TarArchiveEntry link = new TarArchiveEntry(PREFIX + name, TarConstants.LF_SYMLINK, true);
        link.setLinkName(target);
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
    }

    /** Adds the generated Dockerfile and ends the archive. */
    public void finish(String dockerfile) throws IOException {
        byte[] content = dockerfile.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(DockerfileGenerator.FILE_NAME, true);
        entry.setSize(content.length);
        entry.setMode(0100644);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
        tar.finish();
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
