package dev.vmroutes.image;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tar the engine builds from: the checked-out tree without {@code .git}, plus the generated
 * Dockerfile. Links are archived as links, never followed, so nothing outside the tree is read.
 */
public final class BuildContext {

    private BuildContext() {
    }

    public static void write(Path tree, String dockerfile, Path tarFile) throws IOException {
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tarFile));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(tree)) {
                paths = walk.filter(p -> !p.equals(tree)).sorted().toList();
            }
            for (Path path : paths) {
                Path relative = tree.relativize(path);
                if (relative.getName(0).toString().equals(".git")) continue;
                String name = relative.toString().replace('\\', '/');
                if (name.equals(DockerfileGenerator.FILE_NAME)) continue;
                if (Files.isSymbolicLink(path)) {
                    TarArchiveEntry link = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    link.setLinkName(Files.readSymbolicLink(path).toString());
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    TarArchiveEntry dir = new TarArchiveEntry(name + "/");
                    dir.setMode(040755);
                    tar.putArchiveEntry(dir);
                    tar.closeArchiveEntry();
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    TarArchiveEntry entry = new TarArchiveEntry(name);
                    entry.setSize(Files.size(path));
                    entry.setMode(Files.isExecutable(path) ? 0100755 : 0100644);
                    tar.putArchiveEntry(entry);
                    Files.copy(path, tar);
                    tar.closeArchiveEntry();
                }
            }
            byte[] content = dockerfile.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(DockerfileGenerator.FILE_NAME);
            entry.setSize(content.length);
            entry.setMode(0100644);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
            tar.finish();
        }
    }
}
