package dev.vmroutes.testing;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A bare Git repository shaped like a real Python project, generated from a seed (no network):
 * about 1,000 files and 9 MB in its tree. A {@code src/} package of some 600 modules of varied
 * sizes, unit and integration tests, Markdown docs, JSON and CSV data, two binary assets of a few
 * hundred KB (seeded noise, so they do not compress away), the usual top-level files, and a
 * {@code main.py} serving HTTP on port 8080 that answers {@code /health} (the test agent,
 * {@link AgentRepo#HTTP_AGENT}). It has no {@code requirements.txt}, so a build installs nothing.
 * One commit on {@code main}; the same seed gives the same tree and the same commit.
 * Served like {@link AgentRepo}'s repositories: {@code TokenGitServer.serve(name, repository())}.
 */
public final class RealSizedRepo {

    public static final long DEFAULT_SEED = 20_240_611L;

    static final String PACKAGE = "relaywork";
    static final String VERSION = "2.4.0";

    private static final Instant COMMITTED = Instant.parse("2024-06-11T09:30:00Z");

    private final Path bareDir;
    private final Path workDir;
    private final Repository repository;
    private final int fileCount;
    private final long treeBytes;

    private RealSizedRepo(Path bareDir, Path workDir, Repository repository, int fileCount, long treeBytes) {
        this.bareDir = bareDir;
        this.workDir = workDir;
        this.repository = repository;
        this.fileCount = fileCount;
        this.treeBytes = treeBytes;
    }

    public static RealSizedRepo create(Path parent, String name) throws Exception {
        return create(parent, name, DEFAULT_SEED);
    }

    /** A bare repository {@code <parent>/<name>.git} whose {@code main} holds the tree of {@code seed}. */
    public static RealSizedRepo create(Path parent, String name, long seed) throws Exception {
        SortedMap<String, byte[]> tree = generate(seed);
        Path bare = parent.resolve(name + ".git");
        Path work = parent.resolve(name + "-work");
        Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        try (Git git = Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(work.toFile()).call()) {
            for (var entry : tree.entrySet()) {
                Path file = work.resolve(entry.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, entry.getValue());
            }
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("Relaywork Maintainers", "maintainers@example.invalid", COMMITTED, ZoneOffset.UTC);
            git.commit().setMessage("Release " + VERSION + "\n").setAuthor(who).setCommitter(who).setSign(false).call();
            git.push().setRemote("origin").add("HEAD:refs/heads/main").call();
        }
        Repository repository = Git.open(bare.toFile()).getRepository();
        int committed = countFiles(repository);
        if (committed != tree.size()) {
            throw new IllegalStateException("committed " + committed + " of " + tree.size() + " generated files");
        }
        long bytes = tree.values().stream().mapToLong(b -> b.length).sum();
        return new RealSizedRepo(bare, work, repository, tree.size(), bytes);
    }

    /** Adds a commit on main that writes {@code files} (text) over the tree, and returns its SHA. */
    public String commit(Map<String, String> files) throws Exception {
        try (Git git = Git.open(workDir.toFile())) {
            for (var entry : files.entrySet()) {
                Path file = workDir.resolve(entry.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, entry.getValue());
                git.add().addFilepattern(entry.getKey()).call();
            }
            RevCommit c = git.commit().setMessage("change").setAuthor("test", "test@example.invalid")
                    .setCommitter("test", "test@example.invalid").setSign(false).call();
            git.push().setRemote("origin").add("HEAD:refs/heads/main").call();
            return c.name();
        }
    }

    public Repository repository() {
        return repository;
    }

    public String head() throws IOException {
        return repository.resolve("refs/heads/main").name();
    }

    public Path bareDir() {
        return bareDir;
    }

    /** Files in the generated tree (the first commit). */
    public int fileCount() {
        return fileCount;
    }

    /** Bytes of the generated tree (the first commit), without {@code .git}. */
    public long treeBytes() {
        return treeBytes;
    }

    private static int countFiles(Repository repository) throws IOException {
        ObjectId head = repository.resolve("refs/heads/main");
        try (RevWalk walk = new RevWalk(repository); TreeWalk tree = new TreeWalk(repository)) {
            tree.addTree(walk.parseCommit(head).getTree());
            tree.setRecursive(true);
            int n = 0;
            while (tree.next()) n++;
            return n;
        }
    }

    /** The tree of {@code seed}: path (with forward slashes) to content, in path order. */
    public static SortedMap<String, byte[]> generate(long seed) {
        return new Generator(new Random(seed)).tree();
    }

    // ---------------------------------------------------------------------------------------
    // The generator. Everything comes from one Random, drawn in a fixed order.

    private static final class Generator {

        private static final String[][] VERBS = {
                {"load", "loads", "loaded"}, {"parse", "parses", "parsed"}, {"build", "builds", "built"},
                {"resolve", "resolves", "resolved"}, {"merge", "merges", "merged"}, {"split", "splits", "split"},
                {"flush", "flushes", "flushed"}, {"emit", "emits", "emitted"}, {"collect", "collects", "collected"},
                {"validate", "validates", "validated"}, {"normalize", "normalizes", "normalized"},
                {"encode", "encodes", "encoded"}, {"decode", "decodes", "decoded"}, {"fetch", "fetches", "fetched"},
                {"store", "stores", "stored"}, {"apply", "applies", "applied"}, {"compute", "computes", "computed"},
                {"render", "renders", "rendered"}, {"schedule", "schedules", "scheduled"}, {"retry", "retries", "retried"},
                {"release", "releases", "released"}, {"acquire", "acquires", "acquired"},
                {"register", "registers", "registered"}, {"filter", "filters", "filtered"}, {"group", "groups", "grouped"},
                {"sort", "sorts", "sorted"}, {"compact", "compacts", "compacted"}, {"rotate", "rotates", "rotated"},
                {"sync", "syncs", "synced"}, {"restore", "restores", "restored"}, {"prune", "prunes", "pruned"},
                {"refresh", "refreshes", "refreshed"}, {"inspect", "inspects", "inspected"},
                {"transform", "transforms", "transformed"}, {"publish", "publishes", "published"},
                {"serialize", "serializes", "serialized"}, {"dispatch", "dispatches", "dispatched"},
                {"reconcile", "reconciles", "reconciled"}, {"index", "indexes", "indexed"}, {"expire", "expires", "expired"}};

        private static final String[] NOUNS = {"record", "batch", "event", "message", "payload", "token", "session",
                "window", "buffer", "channel", "cursor", "segment", "snapshot", "ledger", "partition", "schema", "field",
                "column", "metric", "span", "route", "handler", "request", "response", "job", "task", "worker", "queue",
                "lease", "shard", "replica", "checkpoint", "manifest", "artifact", "plugin", "hook", "policy", "quota",
                "credential", "digest", "cache", "entry", "frame", "chunk", "offset", "watermark", "tenant", "account",
                "profile", "topic", "subscriber", "consumer", "producer", "retention", "backlog", "header", "cookie",
                "bucket", "blob", "table", "row", "query", "filter", "plan", "stage", "pipeline", "sink", "source",
                "connector", "mapping", "alias", "label", "annotation", "revision", "version", "release", "lock"};

        private static final String[] ADJECTIVES = {"pending", "stale", "active", "raw", "partial", "sorted", "cached",
                "default", "remote", "local", "primary", "secondary", "nested", "batched", "weighted", "expired", "dirty",
                "shared", "frozen", "lazy", "strict", "compact", "incoming", "outgoing", "current", "previous"};

        private static final String[] TYPES = {"str", "int", "float", "bool", "bytes", "Mapping[str, Any]",
                "Sequence[str]", "Iterable[dict[str, Any]]", "Optional[int]", "Optional[str]", "Path", "list[str]",
                "dict[str, int]", "tuple[int, int]"};

        private static final String[] STDLIB = {"import hashlib", "import itertools", "import json", "import os",
                "import re", "import threading", "import time", "import functools", "import contextlib", "import enum",
                "import math", "import uuid", "from collections import defaultdict, deque", "from pathlib import Path",
                "from datetime import datetime, timedelta, timezone"};

        private static final String[] REGIONS = {"eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1",
                "ap-northeast-1", "sa-east-1"};

        private static final String[] PACKAGES = {"core:48", "io:40", "net:30", "net/protocols:22", "storage:34",
                "storage/backends:26", "scheduling:36", "models:52", "api:20", "api/v1:28", "api/v2:28", "cli:24",
                "config:22", "metrics:26", "auth:28", "plugins:16", "plugins/builtin:30", "utils:44", "transform:46"};

        private final Random r;
        private final SortedMap<String, byte[]> files = new TreeMap<>();
        /** Module (dotted) to the public functions it defines, for tests and docs to refer to. */
        private final Map<String, List<String>> functions = new LinkedHashMap<>();
        private final Map<String, List<String>> classes = new LinkedHashMap<>();

        Generator(Random r) {
            this.r = r;
        }

        SortedMap<String, byte[]> tree() {
            topLevel();
            sources();
            tests();
            docs();
            data();
            assets();
            scripts();
            return files;
        }

        // --- words ---------------------------------------------------------------------------

        private <T> T pick(T[] values) {
            return values[r.nextInt(values.length)];
        }

        private <T> T pick(List<T> values) {
            return values.get(r.nextInt(values.size()));
        }

        private String noun() {
            return pick(NOUNS);
        }

        private String adjective() {
            return pick(ADJECTIVES);
        }

        private String[] verb() {
            return pick(VERBS);
        }

        private int between(int low, int high) {
            return low + r.nextInt(high - low + 1);
        }

        /** Sizes spread like a real tree's: a log-normal around {@code median}, clamped. */
        private int size(int median, double spread, int min, int max) {
            double value = median * Math.exp(r.nextGaussian() * spread);
            return (int) Math.max(min, Math.min(max, value));
        }

        private static String capital(String s) {
            return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
        }

        private static String camel(String... words) {
            StringBuilder b = new StringBuilder();
            for (String w : words) for (String part : w.split("_")) b.append(capital(part));
            return b.toString();
        }

        private String sentence() {
            String n = noun(), n2 = noun(), n3 = noun();
            String[] v = verb(), v2 = verb();
            return switch (r.nextInt(14)) {
                case 0 -> "The " + n + " stays " + adjective() + " until its " + n2 + " has been " + v[2] + ".";
                case 1 -> "When no " + n + " is given, the " + adjective() + " " + n2 + " is used instead.";
                case 2 -> "Each " + n + " carries its own " + n2 + ", so two " + n3 + "s never share state.";
                case 3 -> "This keeps " + n + "s " + adjective() + " across restarts of the " + n2 + ".";
                case 4 -> capital(n) + "s are " + v[2] + " in batches of at most " + (1 << between(4, 12)) + " items.";
                case 5 -> "Callers should " + v[0] + " the " + n + " before the " + n2 + " is " + v2[2] + ".";
                case 6 -> "Errors are raised as `" + camel(n) + "Error` and never swallowed.";
                case 7 -> "The " + n + " is " + v[2] + " lazily, on first access, and cached per " + n2 + ".";
                case 8 -> "A " + adjective() + " " + n + " is " + v[2] + " again after " + between(2, 90) + " seconds.";
                case 9 -> "See `" + PACKAGE + "." + n2 + "s` for the " + adjective() + " variant of this " + n + ".";
                case 10 -> "It " + v[1] + " the " + n + " and " + v2[1] + " every " + adjective() + " " + n2 + " it finds.";
                case 11 -> "Only the " + adjective() + " " + n + "s of a " + n2 + " are " + v[2] + " here.";
                case 12 -> "The order of " + n + "s is kept, which the " + n2 + " " + v[0] + " step relies on.";
                default -> "Thread-safe: the " + n + " is guarded by the " + n2 + " lock.";
            };
        }

        private String paragraph(int sentences) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < sentences; i++) out.add(sentence());
            return String.join(" ", out);
        }

        private static void wrap(StringBuilder b, String text, int width, String indent) {
            int column = 0;
            for (String word : text.split(" ")) {
                if (column > 0 && column + 1 + word.length() > width) {
                    b.append('\n');
                    column = 0;
                }
                if (column == 0) {
                    b.append(indent).append(word);
                    column = indent.length() + word.length();
                } else {
                    b.append(' ').append(word);
                    column += 1 + word.length();
                }
            }
            b.append('\n');
        }

        private void put(String path, String text) {
            files.put(path, text.getBytes(StandardCharsets.UTF_8));
        }

        // --- top level -----------------------------------------------------------------------

        private void topLevel() {
            put("main.py", AgentRepo.HTTP_AGENT);
            StringBuilder readme = new StringBuilder("# relaywork\n\n");
            wrap(readme, "relaywork moves records between queues, tables and object stores, with per-tenant quotas, "
                    + "checkpoints and a small HTTP API. " + paragraph(4), 100, "");
            readme.append("\n## Installing\n\n```bash\npip install relaywork\n```\n\n## Running\n\n```bash\npython main.py\n"
                    + "curl localhost:8080/health\n```\n\n## Layout\n\n| folder | what |\n|---|---|\n| `src/relaywork` | the package |\n"
                    + "| `tests` | unit and integration tests (pytest) |\n| `docs` | guides, reference, decision records |\n"
                    + "| `data` | fixtures, samples and JSON schemas |\n| `assets` | the bundled classifier model |\n\n");
            for (int i = 0; i < 4; i++) {
                readme.append("## ").append(capital(verb()[1])).append(' ').append(noun()).append("s\n\n");
                wrap(readme, paragraph(between(3, 7)), 100, "");
                readme.append('\n');
            }
            put("README.md", readme.toString());
            put("LICENSE", license());
            put("pyproject.toml", String.join("\n",
                    "[build-system]", "requires = [\"setuptools>=68\", \"wheel\"]", "build-backend = \"setuptools.build_meta\"", "",
                    "[project]", "name = \"relaywork\"", "version = \"" + VERSION + "\"",
                    "description = \"Move records between queues, tables and object stores.\"", "readme = \"README.md\"",
                    "requires-python = \">=3.10\"", "license = {text = \"Apache-2.0\"}",
                    "dependencies = [", "  \"httpx>=0.27\",", "  \"pydantic>=2.6\",", "  \"orjson>=3.9\",", "  \"tenacity>=8.2\",",
                    "  \"click>=8.1\",", "]", "", "[project.optional-dependencies]",
                    "dev = [\"pytest>=8\", \"pytest-cov\", \"mypy>=1.8\", \"ruff>=0.3\"]", "",
                    "[project.scripts]", "relaywork = \"relaywork.cli.main:run\"", "",
                    "[tool.setuptools.packages.find]", "where = [\"src\"]", "",
                    "[tool.pytest.ini_options]", "testpaths = [\"tests\"]", "addopts = \"-q --strict-markers\"",
                    "markers = [\"integration: needs the local stack\", \"slow: takes more than a second\"]", "",
                    "[tool.ruff]", "line-length = 100", "target-version = \"py310\"", "",
                    "[tool.mypy]", "strict = true", "files = [\"src\"]", ""));
            put("setup.cfg", "[metadata]\nname = relaywork\n\n[flake8]\nmax-line-length = 100\nexclude = .git,__pycache__,build,dist\n");
            put(".gitignore", "__pycache__/\n*.py[cod]\n.venv/\n/dist/\n/build/\n*.egg-info/\n.pytest_cache/\n.mypy_cache/\n.coverage\nhtmlcov/\n");
            put(".editorconfig", "root = true\n\n[*]\nend_of_line = lf\ninsert_final_newline = true\nindent_style = space\n"
                    + "indent_size = 4\n\n[*.{yml,yaml,json,md}]\nindent_size = 2\n");
            put("Makefile", ".PHONY: test lint types docs\n\ntest:\n\tpytest\n\nlint:\n\truff check src tests\n\ntypes:\n"
                    + "\tmypy\n\ndocs:\n\tmkdocs build --strict\n");
            put("tox.ini", "[tox]\nenvlist = py310, py311, py312\n\n[testenv]\nextras = dev\ncommands = pytest {posargs}\n");
            put(".pre-commit-config.yaml", "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.3.4\n"
                    + "    hooks:\n      - id: ruff\n      - id: ruff-format\n");
            put(".github/workflows/ci.yml", "name: ci\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                    + "    strategy:\n      matrix:\n        python: ['3.10', '3.11', '3.12']\n    steps:\n"
                    + "      - uses: actions/checkout@v4\n      - uses: actions/setup-python@v5\n        with:\n"
                    + "          python-version: ${{ matrix.python }}\n      - run: pip install -e .[dev]\n      - run: pytest\n");
            put(".github/workflows/release.yml", "name: release\non:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n"
                    + "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pipx run build\n");
            StringBuilder changelog = new StringBuilder("# Changelog\n\n");
            for (int minor = 4; minor >= 0; minor--) {
                for (int patch = minor == 4 ? 0 : between(1, 4); patch >= 0; patch--) {
                    changelog.append("## 2.").append(minor).append('.').append(patch).append("\n\n");
                    for (int i = between(2, 7); i > 0; i--) {
                        StringBuilder item = new StringBuilder();
                        wrap(item, "- " + sentence(), 100, "");
                        changelog.append(item);
                    }
                    changelog.append('\n');
                }
            }
            put("CHANGELOG.md", changelog.toString());
            StringBuilder contributing = new StringBuilder("# Contributing\n\n");
            wrap(contributing, paragraph(6), 100, "");
            contributing.append("\n```bash\npython -m venv .venv && . .venv/bin/activate\npip install -e .[dev]\npytest\n```\n");
            put("CONTRIBUTING.md", contributing.toString());
        }

        private String license() {
            StringBuilder b = new StringBuilder("                                 Apache License\n"
                    + "                           Version 2.0, January 2004\n\n");
            for (int i = 1; i <= 9; i++) {
                b.append("   ").append(i).append(". ");
                wrap(b, paragraph(between(4, 8)), 78, "   ");
                b.append('\n');
            }
            return b.toString();
        }

        // --- the package ---------------------------------------------------------------------

        private void sources() {
            String root = "src/" + PACKAGE + "/";
            put(root + "__init__.py", "\"\"\"relaywork: move records between queues, tables and object stores.\"\"\"\n\n"
                    + "from relaywork._version import __version__\n\n__all__ = [\"__version__\"]\n");
            put(root + "_version.py", "__version__ = \"" + VERSION + "\"\n");
            put(root + "__main__.py", "from relaywork.cli.main import run\n\nif __name__ == \"__main__\":\n    raise SystemExit(run())\n");
            put(root + "py.typed", "");
            for (String spec : PACKAGES) {
                String pkg = spec.substring(0, spec.indexOf(':'));
                int modules = Integer.parseInt(spec.substring(spec.indexOf(':') + 1));
                String dotted = PACKAGE + "." + pkg.replace('/', '.');
                Set<String> names = new HashSet<>();
                List<String> made = new ArrayList<>();
                while (made.size() < modules) {
                    String name = switch (r.nextInt(4)) {
                        case 0 -> noun() + "s";
                        case 1 -> noun() + "_" + noun();
                        case 2 -> adjective() + "_" + noun() + "s";
                        default -> verb()[0] + "_" + noun();
                    };
                    if (names.add(name)) made.add(name);
                }
                Collections.sort(made);
                StringBuilder init = new StringBuilder("\"\"\"");
                wrap(init, capital(pkg.replace('/', ' ')) + ": " + paragraph(2), 88, "");
                init.setLength(init.length() - 1);
                init.append("\n\"\"\"\n\nfrom __future__ import annotations\n\n__all__ = [\n");
                for (String m : made) init.append("    \"").append(m).append("\",\n");
                init.append("]\n");
                put(root + pkg + "/__init__.py", init.toString());
                for (String m : made) {
                    put(root + pkg + "/" + m + ".py", module(dotted + "." + m, size(4700, 0.75, 400, 48_000)));
                }
            }
        }

        private String module(String dotted, int target) {
            StringBuilder body = new StringBuilder();
            List<String> publicNames = new ArrayList<>();
            List<String> defined = new ArrayList<>();
            List<String> functionNames = new ArrayList<>();
            List<String> classNames = new ArrayList<>();
            int constants = between(0, 5);
            for (int i = 0; i < constants; i++) {
                String name = (adjective() + "_" + noun()).toUpperCase(Locale.ROOT);
                body.append(name).append(" = ").append(literal()).append('\n');
            }
            if (constants > 0) body.append("\n\n");
            while (body.length() < target) {
                int kind = r.nextInt(10);
                if (kind < 6) {
                    String name = function(body, "", defined);
                    if (!name.startsWith("_")) {
                        publicNames.add(name);
                        functionNames.add(name);
                    }
                    defined.add(name);
                } else {
                    String name = type(body, defined);
                    publicNames.add(name);
                    classNames.add(name);
                }
                body.append("\n\n");
            }
            body.setLength(body.length() - 1);
            functions.put(dotted, functionNames);
            classes.put(dotted, classNames);

            StringBuilder b = new StringBuilder("\"\"\"");
            wrap(b, capital(verb()[1]) + " " + noun() + "s for " + dotted + ".", 88, "");
            b.append('\n');
            wrap(b, paragraph(between(1, 4)), 88, "");
            b.append("\"\"\"\n\nfrom __future__ import annotations\n\nimport logging\n");
            Set<String> imports = new TreeSet<>();
            for (int i = between(1, 4); i > 0; i--) imports.add(pick(STDLIB));
            for (String used : new String[]{"contextlib", "enum", "threading"}) {
                if (body.indexOf(used + ".") >= 0) imports.add("import " + used);
            }
            // Plain imports first, then the from-imports, each sorted.
            for (String line : imports) if (line.startsWith("import ")) b.append(line).append('\n');
            for (String line : imports) if (line.startsWith("from ")) b.append(line).append('\n');
            b.append("from dataclasses import dataclass, field\n");
            b.append("from typing import Any, Iterable, Mapping, Optional, Sequence\n\n");
            String parent = dotted.substring(0, dotted.lastIndexOf('.'));
            List<String> siblings = new ArrayList<>();
            for (String other : functions.keySet()) if (other.startsWith(parent + ".") && !other.equals(dotted)) siblings.add(other);
            if (!siblings.isEmpty() && r.nextBoolean()) {
                String other = pick(siblings);
                b.append("from ").append(parent).append(" import ").append(other.substring(parent.length() + 1)).append("\n\n");
            }
            b.append("__all__ = [");
            for (int i = 0; i < publicNames.size(); i++) b.append(i == 0 ? "" : ", ").append('"').append(publicNames.get(i)).append('"');
            b.append("]\n\nlog = logging.getLogger(__name__)\n\n");
            b.append(body);
            return b.toString();
        }

        private String literal() {
            return switch (r.nextInt(7)) {
                case 0 -> Integer.toString(between(1, 5000));
                case 1 -> "\"" + adjective() + "-" + noun() + "\"";
                case 2 -> String.format(Locale.ROOT, "%.2f", r.nextDouble() * 100);
                case 3 -> "(" + between(1, 64) + ", " + between(64, 4096) + ")";
                case 4 -> "frozenset({\"" + noun() + "\", \"" + noun() + "\"})";
                case 5 -> "None";
                default -> "\"" + noun() + "s\"";
            };
        }

        /** Appends a function (at {@code indent}; a method when indent is not empty) and returns its name. */
        private String function(StringBuilder b, String indent, List<String> callable) {
            String[] v = verb();
            String noun = noun();
            String name = (r.nextInt(6) == 0 ? "_" : "") + v[0] + "_" + noun + (r.nextInt(3) == 0 ? "s" : "");
            List<String> vars = new ArrayList<>();
            StringBuilder params = new StringBuilder(indent.isEmpty() ? "" : "self");
            int count = between(0, 4);
            List<String> docs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String p = noun() + (i == 0 ? "" : "_" + i);
                if (vars.contains(p)) continue;
                vars.add(p);
                if (params.length() > 0) params.append(", ");
                params.append(p).append(": ").append(pick(TYPES));
                if (i == count - 1 && r.nextBoolean()) params.append(" = None");
                docs.add(p);
            }
            if (!indent.isEmpty()) vars.add("self." + noun());
            if (vars.isEmpty()) vars.add(noun() + "s");
            String returns = pick(TYPES);
            b.append(indent).append("def ").append(name).append('(').append(params).append(") -> ").append(returns).append(":\n");
            String in = indent + "    ";
            b.append(in).append("\"\"\"").append(capital(v[1])).append(" the ").append(adjective()).append(' ').append(noun).append(".\n");
            if (r.nextInt(3) > 0) {
                b.append('\n');
                wrap(b, paragraph(between(1, 3)), 88, in);
            }
            if (!docs.isEmpty()) {
                b.append('\n').append(in).append("Args:\n");
                for (String d : docs) wrap(b, d + ": " + sentence(), 88, in + "    ");
            }
            if (r.nextBoolean()) {
                b.append('\n').append(in).append("Raises:\n");
                wrap(b, "ValueError: " + sentence(), 88, in + "    ");
            }
            b.append(in).append("\"\"\"\n");
            statements(b, in, vars, callable, between(3, 10), 0);
            b.append(in).append("return ").append(pick(vars)).append('\n');
            return name;
        }

        private void statements(StringBuilder b, String in, List<String> vars, List<String> callable, int count, int depth) {
            for (int i = 0; i < count; i++) {
                String v = pick(vars);
                String fresh = noun() + "_" + pick(new String[]{"value", "items", "count", "key", "result", "seen", "out"});
                boolean introduces = true;
                switch (r.nextInt(depth > 1 ? 9 : 13)) {
                    case 0 -> {
                        StringBuilder comment = new StringBuilder();
                        wrap(comment, sentence(), 88, in + "# ");
                        b.append(comment);
                        introduces = false;
                    }
                    case 1 -> b.append(in).append(fresh).append(" = ").append(v).append(".strip().lower() if isinstance(")
                            .append(v).append(", str) else ").append(v).append('\n');
                    case 2 -> {
                        b.append(in).append("if ").append(v).append(" is None:\n");
                        b.append(in).append("    ").append(fresh).append(" = ").append(literal()).append('\n');
                        b.append(in).append("else:\n").append(in).append("    ").append(fresh).append(" = ").append(v).append('\n');
                    }
                    case 3 -> b.append(in).append("log.debug(\"").append(verb()[0]).append(" %s ").append(noun())
                            .append(" (%d)\", ").append(v).append(", ").append(between(0, 99)).append(")\n");
                    case 4 -> {
                        b.append(in).append("try:\n").append(in).append("    ").append(fresh).append(" = int(").append(v).append(")\n");
                        b.append(in).append("except (TypeError, ValueError):\n");
                        b.append(in).append("    log.warning(\"").append(noun()).append(" is not a number: %r\", ").append(v).append(")\n");
                        b.append(in).append("    ").append(fresh).append(" = ").append(between(0, 10)).append('\n');
                    }
                    case 5 -> {
                        b.append(in).append("if not ").append(v).append(":\n");
                        b.append(in).append("    raise ValueError(f\"").append(noun()).append(" must not be empty: {")
                                .append(v).append("!r}\")\n");
                        introduces = false;
                    }
                    case 6 -> b.append(in).append(fresh).append(" = {\"").append(noun()).append("\": ").append(v)
                            .append(", \"").append(noun()).append("\": ").append(literal()).append(", \"")
                            .append(adjective()).append("\": ").append(r.nextBoolean() ? "True" : "False").append("}\n");
                    case 7 -> b.append(in).append(fresh).append(" = [x for x in ").append(v).append(" or () if x is not None]\n");
                    case 8 -> {
                        int n = between(2, 256);
                        b.append(in).append("if ").append(v).append(" and len(").append(v).append(") > ").append(n).append(":\n");
                        b.append(in).append("    ").append(fresh).append(" = ").append(v).append("[:").append(n).append("]\n");
                        b.append(in).append("else:\n").append(in).append("    ").append(fresh).append(" = ").append(v).append('\n');
                    }
                    case 9, 10 -> {
                        String item = noun();
                        b.append(in).append(fresh).append(" = []\n");
                        b.append(in).append("for ").append(item).append(" in ").append(v).append(" or ():\n");
                        List<String> inner = new ArrayList<>(vars);
                        inner.add(item);
                        b.append(in).append("    if ").append(item).append(" is None:\n").append(in).append("        continue\n");
                        statements(b, in + "    ", inner, callable, between(1, 3), depth + 1);
                        b.append(in).append("    ").append(fresh).append(".append(").append(item).append(")\n");
                    }
                    case 11 -> {
                        if (callable.isEmpty()) {
                            b.append(in).append(fresh).append(" = sum(1 for _ in ").append(v).append(" or ())\n");
                        } else {
                            b.append(in).append(fresh).append(" = ").append(pick(callable)).append("(").append(v).append(")\n");
                        }
                    }
                    default -> {
                        b.append(in).append("with contextlib.suppress(KeyError, AttributeError):\n");
                        b.append(in).append("    ").append(fresh).append(" = ").append(v).append("[\"").append(noun()).append("\"]\n");
                        introduces = false;
                    }
                }
                if (introduces && !vars.contains(fresh)) vars.add(fresh);
            }
        }

        /** Appends a class and returns its name. */
        private String type(StringBuilder out, List<String> callable) {
            // Written apart: a dataclass's fields are reordered in place, in a builder of the class alone.
            StringBuilder b = new StringBuilder();
            String name = writeType(b, callable);
            out.append(b);
            return name;
        }

        private String writeType(StringBuilder b, List<String> callable) {
            String noun = noun();
            int kind = r.nextInt(8);
            if (kind == 0) {
                String name = camel(noun) + "Error";
                b.append("class ").append(name).append("(").append(r.nextBoolean() ? "ValueError" : "RuntimeError").append("):\n");
                b.append("    \"\"\"").append(sentence()).append("\"\"\"\n");
                return name;
            }
            if (kind == 1) {
                String name = camel(noun) + pick(new String[]{"State", "Kind", "Mode", "Status"});
                b.append("class ").append(name).append("(enum.Enum):\n");
                b.append("    \"\"\"").append(sentence()).append("\"\"\"\n\n");
                Set<String> members = new HashSet<>();
                for (int i = between(3, 8); i > 0; i--) {
                    String m = adjective();
                    if (members.add(m)) b.append("    ").append(m.toUpperCase(Locale.ROOT)).append(" = \"").append(m).append("\"\n");
                }
                return name;
            }
            String name = camel(adjective(), noun) + (r.nextBoolean() ? "" : pick(new String[]{"Store", "Client", "Config", "Reader", "Writer", "Manager"}));
            boolean dataclass = kind < 5;
            List<String> fields = new ArrayList<>();
            if (dataclass) b.append("@dataclass").append(r.nextBoolean() ? "(frozen=True)" : "").append('\n');
            b.append("class ").append(name).append(":\n");
            b.append("    \"\"\"").append(sentence()).append('\n');
            if (r.nextBoolean()) {
                b.append('\n');
                wrap(b, paragraph(between(1, 3)), 88, "    ");
            }
            b.append("    \"\"\"\n\n");
            int count = between(2, 6);
            if (dataclass) {
                for (int i = 0; i < count; i++) {
                    String f = noun() + (i % 2 == 0 ? "" : "_" + pick(new String[]{"id", "count", "name", "limit", "at"}));
                    if (fields.contains(f)) continue;
                    fields.add(f);
                    b.append("    ").append(f).append(": ");
                    switch (r.nextInt(4)) {
                        case 0 -> b.append("str\n");
                        case 1 -> b.append("int = ").append(between(0, 1000)).append('\n');
                        case 2 -> b.append("list[str] = field(default_factory=list)\n");
                        default -> b.append("Optional[float] = None\n");
                    }
                }
                // Fields without defaults must come first.
                String text = b.toString();
                b.setLength(0);
                b.append(reorderFields(text));
            } else {
                b.append("    def __init__(self");
                for (int i = 0; i < count; i++) {
                    String f = noun();
                    if (fields.contains(f)) continue;
                    fields.add(f);
                    b.append(", ").append(f).append(": ").append(pick(TYPES)).append(" = None");
                }
                b.append(") -> None:\n");
                for (String f : fields) b.append("        self._").append(f).append(" = ").append(f).append('\n');
                b.append("        self._lock = threading.Lock()\n");
                b.append("\n    def __repr__(self) -> str:\n        return f\"").append(name).append("(");
                for (int i = 0; i < fields.size(); i++) {
                    b.append(i == 0 ? "" : ", ").append(fields.get(i)).append("={self._").append(fields.get(i)).append("!r}");
                }
                b.append(")\"\n");
            }
            for (int i = between(1, 5); i > 0; i--) {
                b.append('\n');
                function(b, "    ", callable);
            }
            return name;
        }

        /** Moves the dataclass fields that have defaults after those that have none ({@code text} ends with them). */
        private static String reorderFields(String text) {
            int start = text.lastIndexOf("    \"\"\"\n\n") + "    \"\"\"\n\n".length();
            String head = text.substring(0, start);
            List<String> plain = new ArrayList<>();
            List<String> defaulted = new ArrayList<>();
            for (String line : text.substring(start).split("\n")) {
                if (line.isEmpty()) continue;
                (line.contains(" = ") ? defaulted : plain).add(line);
            }
            StringBuilder out = new StringBuilder(head);
            for (String line : plain) out.append(line).append('\n');
            for (String line : defaulted) out.append(line).append('\n');
            return out.toString();
        }

        // --- tests ---------------------------------------------------------------------------

        private void tests() {
            put("tests/__init__.py", "");
            put("tests/conftest.py", String.join("\n",
                    "import json", "from pathlib import Path", "", "import pytest", "",
                    "DATA = Path(__file__).resolve().parent.parent / \"data\"", "", "",
                    "@pytest.fixture", "def fixture_data():", "    def load(name):",
                    "        return json.loads((DATA / \"fixtures\" / name).read_text())", "    return load", "", "",
                    "@pytest.fixture", "def tmp_store(tmp_path):", "    store = tmp_path / \"store\"", "    store.mkdir()",
                    "    return store", ""));
            List<String> modules = new ArrayList<>(functions.keySet());
            Set<String> tested = new HashSet<>();
            int unit = 0;
            while (unit < 232) {
                String module = pick(modules);
                if (!tested.add(module)) continue;
                String relative = module.substring(PACKAGE.length() + 1);
                String folder = relative.substring(0, relative.lastIndexOf('.')).replace('.', '/');
                String leaf = relative.substring(relative.lastIndexOf('.') + 1);
                put("tests/unit/" + folder + "/test_" + leaf + ".py", testModule(module, size(3600, 0.6, 500, 24_000)));
                unit++;
            }
            put("tests/integration/__init__.py", "");
            put("tests/integration/conftest.py", "import os\n\nimport pytest\n\n\n"
                    + "def pytest_collection_modifyitems(config, items):\n    if os.environ.get(\"RELAYWORK_STACK\"):\n        return\n"
                    + "    skip = pytest.mark.skip(reason=\"needs the local stack (RELAYWORK_STACK)\")\n    for item in items:\n"
                    + "        item.add_marker(skip)\n");
            Set<String> names = new HashSet<>();
            while (names.size() < 22) {
                String name = verb()[0] + "_" + noun() + "s";
                if (names.add(name)) {
                    put("tests/integration/test_" + name + ".py", testModule(pick(modules), size(5200, 0.5, 800, 24_000)));
                }
            }
        }

        private String testModule(String module, int target) {
            String parent = module.substring(0, module.lastIndexOf('.'));
            String leaf = module.substring(module.lastIndexOf('.') + 1);
            List<String> fns = functions.getOrDefault(module, List.of());
            List<String> types = classes.getOrDefault(module, List.of());
            StringBuilder b = new StringBuilder("\"\"\"Tests for ").append(module).append(".\"\"\"\n\nimport pytest\n\n");
            b.append("from ").append(parent).append(" import ").append(leaf).append("\n\n\n");
            String fixture = "sample_" + noun();
            b.append("@pytest.fixture\ndef ").append(fixture).append("():\n    return {\n");
            for (int i = between(2, 6); i > 0; i--) b.append("        \"").append(noun()).append("\": ").append(literal()).append(",\n");
            b.append("    }\n\n\n");
            Set<String> seen = new HashSet<>();
            while (b.length() < target) {
                String subject = !fns.isEmpty() && (types.isEmpty() || r.nextInt(3) > 0) ? pick(fns)
                        : !types.isEmpty() ? pick(types) : verb()[0] + "_" + noun();
                String testName = "test_" + subject.toLowerCase(Locale.ROOT) + "_" + pick(new String[]{"handles_empty", "keeps_order",
                        "rejects_none", "round_trips", "is_idempotent", "respects_limit", "uses_default", "logs_failure",
                        "skips_" + adjective(), "accepts_" + noun()});
                for (int n = 2; !seen.add(testName); n++) testName = testName.replaceFirst("_\\d+$", "") + "_" + n;
                switch (r.nextInt(3)) {
                    case 0 -> {
                        b.append("@pytest.mark.parametrize(\"value, expected\", [\n");
                        for (int i = between(2, 6); i > 0; i--) b.append("    (").append(literal()).append(", ").append(literal()).append("),\n");
                        b.append("])\ndef ").append(testName).append("(value, expected):\n");
                        b.append("    result = ").append(leaf).append('.').append(subject).append("(value)\n");
                        b.append("    assert result == expected or result is not None\n");
                    }
                    case 1 -> {
                        b.append("def ").append(testName).append("(").append(fixture).append("):\n");
                        b.append("    \"\"\"").append(sentence()).append("\"\"\"\n");
                        b.append("    result = ").append(leaf).append('.').append(subject).append("(**").append(fixture).append(")\n");
                        for (int i = between(1, 4); i > 0; i--) {
                            b.append("    assert ").append(pick(new String[]{"result is not None", "len(result) >= 0",
                                    "isinstance(result, (list, dict, str, int, float))", "result != " + literal(),
                                    "\"" + noun() + "\" not in str(result)"})).append('\n');
                        }
                    }
                    default -> {
                        b.append("def ").append(testName).append("():\n");
                        b.append("    with pytest.raises((ValueError, TypeError)):\n");
                        b.append("        ").append(leaf).append('.').append(subject).append("(None)\n");
                    }
                }
                b.append("\n\n");
            }
            b.setLength(b.length() - 2);
            return b.toString();
        }

        // --- docs ----------------------------------------------------------------------------

        private void docs() {
            StringBuilder index = new StringBuilder("# relaywork documentation\n\n");
            wrap(index, paragraph(5), 100, "");
            index.append("\n- [Guides](guides/)\n- [Reference](reference/)\n- [Decision records](adr/)\n");
            put("docs/index.md", index.toString());
            put("docs/mkdocs.yml", "site_name: relaywork\ntheme:\n  name: material\nnav:\n  - Home: index.md\n"
                    + "  - Guides: guides/\n  - Reference: reference/\n  - Decisions: adr/\nmarkdown_extensions:\n"
                    + "  - admonition\n  - toc:\n      permalink: true\n");
            Set<String> guides = new HashSet<>();
            while (guides.size() < 30) {
                String name = verb()[0] + "-" + adjective() + "-" + noun() + "s";
                if (guides.add(name)) put("docs/guides/" + name + ".md", markdown(capital(name.replace('-', ' ')), size(6500, 0.5, 1500, 30_000)));
            }
            for (String spec : PACKAGES) {
                String pkg = spec.substring(0, spec.indexOf(':'));
                put("docs/reference/" + pkg.replace('/', '.') + ".md", reference(PACKAGE + "." + pkg.replace('/', '.')));
            }
            for (int i = 1; i <= 24; i++) {
                String title = capital(verb()[0]) + " " + adjective() + " " + noun() + "s per " + noun();
                put(String.format(Locale.ROOT, "docs/adr/%04d-%s.md", i, title.toLowerCase(Locale.ROOT).replace(' ', '-')),
                        markdown("ADR " + i + ": " + title, size(3800, 0.4, 1200, 12_000)));
            }
        }

        private String markdown(String title, int target) {
            StringBuilder b = new StringBuilder("# ").append(title).append("\n\n");
            wrap(b, paragraph(between(2, 5)), 100, "");
            while (b.length() < target) {
                b.append("\n## ").append(capital(verb()[0])).append(' ').append(adjective()).append(' ').append(noun()).append("s\n\n");
                switch (r.nextInt(4)) {
                    case 0 -> {
                        for (int i = between(3, 7); i > 0; i--) {
                            StringBuilder item = new StringBuilder();
                            wrap(item, "- " + sentence(), 100, "");
                            b.append(item);
                        }
                    }
                    case 1 -> {
                        b.append("```python\n");
                        function(b, "", List.of());
                        b.append("```\n");
                    }
                    case 2 -> {
                        b.append("| setting | default | meaning |\n|---|---|---|\n");
                        for (int i = between(3, 8); i > 0; i--) {
                            b.append("| `").append(noun()).append('_').append(noun()).append("` | `").append(literal().replace("|", "\\|"))
                                    .append("` | ").append(sentence()).append(" |\n");
                        }
                    }
                    default -> wrap(b, paragraph(between(3, 7)), 100, "");
                }
            }
            return b.toString();
        }

        private String reference(String pkg) {
            StringBuilder b = new StringBuilder("# `").append(pkg).append("`\n\n");
            wrap(b, paragraph(3), 100, "");
            for (var entry : functions.entrySet()) {
                if (!entry.getKey().startsWith(pkg + ".") || entry.getKey().substring(pkg.length() + 1).contains(".")) continue;
                b.append("\n## `").append(entry.getKey()).append("`\n\n");
                for (String fn : entry.getValue()) {
                    b.append("### `").append(fn).append("()`\n\n");
                    wrap(b, paragraph(between(1, 2)), 100, "");
                    b.append('\n');
                }
                for (String type : classes.getOrDefault(entry.getKey(), List.of())) {
                    b.append("### class `").append(type).append("`\n\n");
                    wrap(b, sentence(), 100, "");
                    b.append('\n');
                }
            }
            return b.toString();
        }

        // --- data ----------------------------------------------------------------------------

        private void data() {
            Set<String> names = new HashSet<>();
            while (names.size() < 22) {
                String name = adjective() + "_" + noun() + "s";
                if (names.add(name)) put("data/fixtures/" + name + ".json", jsonRecords(size(16_000, 0.9, 2_000, 200_000)));
            }
            names.clear();
            while (names.size() < 9) {
                String name = noun() + "_" + pick(new String[]{"hourly", "daily", "by_region", "by_tenant", "sample"});
                if (names.add(name)) put("data/samples/" + name + ".csv", csv(size(62_000, 0.6, 10_000, 240_000)));
            }
            names.clear();
            while (names.size() < 10) {
                String name = noun();
                if (names.add(name)) put("data/schemas/" + name + ".schema.json", schema(name));
            }
        }

        private String timestamp() {
            return String.format(Locale.ROOT, "2024-%02d-%02dT%02d:%02d:%02dZ", between(1, 12), between(1, 28),
                    between(0, 23), between(0, 59), between(0, 59));
        }

        private String jsonRecords(int target) {
            StringBuilder b = new StringBuilder("[\n");
            int id = between(1, 90_000);
            while (b.length() < target) {
                if (b.length() > 2) b.append(",\n");
                b.append("  {\n");
                b.append("    \"id\": \"").append(noun()).append('-').append(String.format(Locale.ROOT, "%06d", id++)).append("\",\n");
                b.append("    \"tenant\": \"t-").append(between(100, 999)).append("\",\n");
                b.append("    \"kind\": \"").append(adjective()).append('_').append(noun()).append("\",\n");
                b.append("    \"created_at\": \"").append(timestamp()).append("\",\n");
                b.append("    \"amount\": ").append(String.format(Locale.ROOT, "%.2f", r.nextDouble() * 10_000)).append(",\n");
                b.append("    \"attempts\": ").append(between(0, 7)).append(",\n");
                b.append("    \"active\": ").append(r.nextBoolean()).append(",\n");
                b.append("    \"tags\": [\"").append(noun()).append("\", \"").append(adjective()).append("\"],\n");
                b.append("    \"attributes\": {\"region\": \"").append(pick(REGIONS)).append("\", \"tier\": \"")
                        .append(pick(new String[]{"free", "team", "business", "enterprise"})).append("\", \"checksum\": \"")
                        .append(Long.toHexString(r.nextLong())).append("\"}\n");
                b.append("  }");
            }
            return b.append("\n]\n").toString();
        }

        private String csv(int target) {
            StringBuilder b = new StringBuilder("timestamp,tenant,region,metric,value,count,p95_ms,status\n");
            while (b.length() < target) {
                b.append(timestamp()).append(",t-").append(between(100, 999)).append(',').append(pick(REGIONS)).append(',')
                        .append(noun()).append('_').append(pick(new String[]{"in", "out", "errors", "latency", "bytes"})).append(',')
                        .append(String.format(Locale.ROOT, "%.4f", r.nextGaussian() * 40 + 100)).append(',').append(between(0, 50_000))
                        .append(',').append(String.format(Locale.ROOT, "%.1f", Math.abs(r.nextGaussian()) * 120 + 3)).append(',')
                        .append(pick(new String[]{"ok", "ok", "ok", "degraded", "failed"})).append('\n');
            }
            return b.toString();
        }

        private String schema(String name) {
            StringBuilder b = new StringBuilder("{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n");
            b.append("  \"$id\": \"https://relaywork.example.invalid/schemas/").append(name).append(".json\",\n");
            b.append("  \"title\": \"").append(capital(name)).append("\",\n  \"type\": \"object\",\n  \"properties\": {\n");
            int count = between(4, 14);
            for (int i = 0; i < count; i++) {
                b.append("    \"").append(noun()).append('_').append(i).append("\": {\"type\": \"")
                        .append(pick(new String[]{"string", "integer", "number", "boolean", "array"})).append("\", \"description\": \"")
                        .append(sentence().replace("`", "")).append("\"}").append(i == count - 1 ? "\n" : ",\n");
            }
            b.append("  },\n  \"required\": [\"").append(noun()).append("_0\"],\n  \"additionalProperties\": false\n}\n");
            return b.toString();
        }

        // --- binary assets and scripts -------------------------------------------------------

        private void assets() {
            byte[] model = new byte[between(380_000, 440_000)];
            r.nextBytes(model);
            byte[] magic = "RWMODEL\u0001".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(magic, 0, model, 0, magic.length);
            files.put("assets/models/classifier.bin", model);
            byte[] png = new byte[between(220_000, 280_000)];
            r.nextBytes(png);
            byte[] header = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
            System.arraycopy(header, 0, png, 0, header.length);
            files.put("docs/images/architecture.png", png);
            put("assets/models/README.md", "The classifier is loaded by `relaywork.transform` on first use; "
                    + "see docs/adr for how it was trained.\n");
        }

        private void scripts() {
            put("scripts/bootstrap.sh", "#!/usr/bin/env bash\nset -euo pipefail\npython -m venv .venv\n. .venv/bin/activate\n"
                    + "pip install -e .[dev]\n");
            put("scripts/lint.sh", "#!/usr/bin/env bash\nset -euo pipefail\nruff check src tests\nruff format --check src tests\nmypy\n");
            put("scripts/release.sh", "#!/usr/bin/env bash\nset -euo pipefail\nversion=${1:?version}\n"
                    + "sed -i \"s/^version = .*/version = \\\"$version\\\"/\" pyproject.toml\ngit tag \"v$version\"\n");
            for (String name : new String[]{"seed_fixtures", "export_metrics", "migrate_schemas", "profile_pipeline"}) {
                StringBuilder b = new StringBuilder("#!/usr/bin/env python3\n\"\"\"");
                b.append(capital(name.replace('_', ' '))).append(".\"\"\"\n\nimport argparse\nimport json\nimport sys\n\n\n");
                List<String> defined = new ArrayList<>();
                for (int i = between(2, 4); i > 0; i--) {
                    defined.add(function(b, "", defined));
                    b.append("\n\n");
                }
                b.append("def main(argv=None):\n    parser = argparse.ArgumentParser(description=__doc__)\n")
                        .append("    parser.add_argument(\"--dry-run\", action=\"store_true\")\n")
                        .append("    args = parser.parse_args(argv)\n    json.dump(vars(args), sys.stdout)\n    return 0\n\n\n")
                        .append("if __name__ == \"__main__\":\n    sys.exit(main())\n");
                put("scripts/" + name + ".py", b.toString());
            }
        }
    }
}
