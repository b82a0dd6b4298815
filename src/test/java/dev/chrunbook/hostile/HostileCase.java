package dev.chrunbook.hostile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One case of the corpus, from a {@code .cases} file:
 * <pre>
 * === case: NAME
 * exit: 2
 * args: validate {dir}/runbook.yaml --set 'a=b c'
 * expect: a fragment of the message     (repeatable; {dir} is the case's folder)
 * absent: a secret that must not appear (repeatable; \n is a line break in both)
 * --- file: runbook.yaml                (content until the next '---' or '===' line; \xNN is a byte)
 * --- repeat: big.yaml 20000 LINE       (LINE written that many times)
 * --- symlink: t.sql.ftl /etc/passwd
 * </pre>
 */
record HostileCase(String name, int exit, List<String> args, List<String> expect, List<String> absent, List<FileSpec> files) {

    record FileSpec(String kind, String path, String content) {
    }

    private static final java.util.regex.Pattern DIRECTIVE = java.util.regex.Pattern.compile("--- (file|repeat|symlink|dir): .*");

    @Override
    public String toString() {
        return name;
    }

    static List<HostileCase> read(Path file) throws IOException {
        List<HostileCase> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (!line.startsWith("=== case: ")) {
                i++;
                continue;
            }
            String name = line.substring("=== case: ".length()).strip();
            int exit = 2;
            List<String> args = List.of();
            List<String> expect = new ArrayList<>();
            List<String> absent = new ArrayList<>();
            List<FileSpec> files = new ArrayList<>();
            i++;
            while (i < lines.size() && !lines.get(i).startsWith("===")) {
                String l = lines.get(i);
                if (l.startsWith("exit: ")) {
                    exit = Integer.parseInt(l.substring(6).strip());
                } else if (l.startsWith("args: ")) {
                    args = split(l.substring(6));
                } else if (l.startsWith("expect: ")) {
                    expect.add(l.substring(8).replace("\\n", "\n"));
                } else if (l.startsWith("absent: ")) {
                    absent.add(l.substring(8).replace("\\n", "\n"));
                } else if (DIRECTIVE.matcher(l).matches()) {
                    String[] head = l.substring(4).split(": ", 2);
                    StringBuilder content = new StringBuilder();
                    if (head[0].equals("file")) {
                        i++;
                        while (i < lines.size() && !DIRECTIVE.matcher(lines.get(i)).matches() && !lines.get(i).startsWith("===")) {
                            content.append(lines.get(i)).append('\n');
                            i++;
                        }
                        files.add(new FileSpec("file", head[1].strip(), content.toString()));
                        continue;
                    }
                    files.add(new FileSpec(head[0], head[1].strip(), ""));
                }
                i++;
            }
            if (args.isEmpty()) {
                throw new IllegalStateException(file + ": case " + name + " has no args");
            }
            out.add(new HostileCase(name, exit, args, List.copyOf(expect), List.copyOf(absent), List.copyOf(files)));
        }
        return out;
    }

    void materialize(Path dir) throws IOException {
        for (FileSpec f : files) {
            switch (f.kind()) {
                case "file" -> {
                    Path p = dir.resolve(f.path());
                    Files.createDirectories(p.getParent());
                    Files.write(p, bytes(f.content()));
                }
                case "repeat" -> {
                    String[] parts = f.path().split(" ", 3);
                    Path p = dir.resolve(parts[0]);
                    Files.createDirectories(p.getParent());
                    byte[] line = (parts[2] + "\n").getBytes(StandardCharsets.UTF_8);
                    int n = Integer.parseInt(parts[1]);
                    byte[] all = new byte[line.length * n];
                    for (int k = 0; k < n; k++) {
                        System.arraycopy(line, 0, all, k * line.length, line.length);
                    }
                    Files.write(p, all);
                }
                case "symlink" -> {
                    String[] parts = f.path().split(" ", 2);
                    Files.createSymbolicLink(dir.resolve(parts[0]), Path.of(parts[1]));
                }
                case "dir" -> Files.createDirectories(dir.resolve(f.path()));
                default -> throw new IllegalStateException("unknown --- " + f.kind());
            }
        }
    }

    String[] args(Path dir) {
        return args.stream().map(a -> a.replace("{dir}", dir.toString())).toArray(String[]::new);
    }

    /** Text with \xNN escapes turned into bytes. */
    private static byte[] bytes(String content) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] utf8 = content.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            if (utf8[i] == '\\' && i + 3 < utf8.length && utf8[i + 1] == 'x' && hex(utf8[i + 2]) && hex(utf8[i + 3])) {
                out.write(HexFormat.fromHexDigits(new String(utf8, i + 2, 2, StandardCharsets.US_ASCII)));
                i += 3;
            } else {
                out.write(utf8[i]);
            }
        }
        return out.toByteArray();
    }

    private static boolean hex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    /** Splits on spaces; 'single quotes' keep spaces. */
    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : s.toCharArray()) {
            if ((c == '\'' || c == '"') && (quote == 0 || quote == c)) {
                quote = quote == 0 ? c : 0;
                any = true;
            } else if (c == ' ' && quote == 0) {
                if (any) {
                    out.add(cur.toString());
                }
                cur.setLength(0);
                any = false;
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(cur.toString());
        }
        return out;
    }
}
