package dev.vmroutes.functions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link in README.md, docs/*.md and the examples' READMEs names a file a clone has (tracked, or new and not
 * ignored: never build output) inside the repository, and every #anchor a heading of its page.
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?) *$");

    @Test
    void readmeAndDocs_everyRelativeLinkResolvesInAClone() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertThat(root.resolve("README.md")).exists();
        List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        try (Stream<Path> examples = Files.list(root.resolve("examples"))) {
            examples.map(p -> p.resolve("README.md")).filter(Files::isRegularFile).sorted().forEach(pages::add);
        }
        Set<String> inClone = filesOfAClone(root);
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            List<String> links = relativeLinks(page);
            checked += links.size();
            broken.addAll(brokenLinks(root, page, links, inClone));
        }
        assertThat(checked).as("relative links found").isGreaterThan(10);
        assertThat(broken).isEmpty();
    }

    @Test
    void aMissingFileOrHeading_isReported(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("README.md"), String.join("\n",
                "# Top", "## A section", "[ok](docs/a.md#first-part) [gone](docs/missing.md) [bad](#nowhere) [here](#a-section)",
                "```", "[in code](not-a-link.md)", "```", "[web](https://example.com/x.md)"));
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/a.md"), "# A\n\n## First part\n[up](../../outside.md)\n");
        Set<String> inClone = Set.of("README.md", "docs/a.md");
        assertThat(relativeLinks(root.resolve("README.md"))).containsExactly("docs/a.md#first-part", "docs/missing.md", "#nowhere", "#a-section");
        assertThat(brokenLinks(root, root.resolve("README.md"), relativeLinks(root.resolve("README.md")), inClone))
                .containsExactly("README.md: docs/missing.md", "README.md: #nowhere");
        assertThat(brokenLinks(root, root.resolve("docs/a.md"), relativeLinks(root.resolve("docs/a.md")), inClone))
                .containsExactly("docs/a.md: ../../outside.md");
    }

    static List<String> relativeLinks(Path page) throws IOException {
        String text = FENCE.matcher(Files.readString(page)).replaceAll("");
        List<String> links = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            String target = m.group(1);
            if (!target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) links.add(target);
        }
        return links;
    }

    static List<String> brokenLinks(Path root, Path page, List<String> links, Set<String> inClone) throws IOException {
        List<String> broken = new ArrayList<>();
        for (String link : links) {
            int hash = link.indexOf('#');
            String file = hash < 0 ? link : link.substring(0, hash);
            Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
            String relative = root.relativize(target).toString().replace('\\', '/');
            boolean exists = target.startsWith(root) && Files.exists(target) && (inClone.contains(relative)
                    || inClone.stream().anyMatch(f -> f.startsWith(relative + "/")));
            boolean anchored = hash < 0 || (exists && Files.isRegularFile(target)
                    && headingAnchors(target).contains(link.substring(hash + 1)));
            if (!exists || !anchored) broken.add(root.relativize(page).toString().replace('\\', '/') + ": " + link);
        }
        return broken;
    }

    /** GitHub's anchors: the heading in lower case, without punctuation, spaces as hyphens. */
    static Set<String> headingAnchors(Path page) throws IOException {
        String text = FENCE.matcher(Files.readString(page)).replaceAll("");
        Set<String> anchors = new java.util.HashSet<>();
        Matcher m = HEADING.matcher(text);
        while (m.find()) {
            anchors.add(m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
        }
        return anchors;
    }

    /** What a clone of the repository holds once the work tree is committed: tracked files and new ones Git does not ignore. */
    static Set<String> filesOfAClone(Path root) throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "--cached", "--others", "--exclude-standard")
                .redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor()).as("git ls-files: " + out).isZero();
        return out.lines().collect(Collectors.toSet());
    }
}
