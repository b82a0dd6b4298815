package dev.chrunbook.facts;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.ssh.HostShell;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's config files as read from its host: the main file, then conf.d/ and config.d/ in name
 * order, each overriding the top-level values before it (the server merges them the same way).
 * Only plain top-level values are read: an element using {@code incl}/{@code from_env} is reported,
 * not guessed.
 */
final class ServerConfigFiles {
    /** Separates the files in the output of {@link #catCommand}. */
    private static final Pattern HEADER = Pattern.compile("^==> (.*) <==$", Pattern.MULTILINE);

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> unresolved = new LinkedHashSet<>();
    private final List<String> files = new ArrayList<>();

    private ServerConfigFiles() {
    }

    /** A shell command printing the main config file and the files merged into it, each after a header. */
    static String catCommand(String configFile) {
        int slash = configFile.lastIndexOf('/');
        String dir = slash < 0 ? "." : configFile.substring(0, slash);
        String file = HostShell.quote(configFile);
        String folder = HostShell.quote(dir);
        return "test -r " + file + " || { echo 'cannot read '" + file + " >&2; exit 3; }; "
                + "for f in " + file + " " + folder + "/conf.d/*.xml " + folder + "/config.d/*.xml; do "
                + "[ -f \"$f\" ] && { echo \"==> $f <==\"; cat -- \"$f\"; echo; }; done; true";
    }

    /** Parses the output of {@link #catCommand}. */
    static ServerConfigFiles parse(String output) {
        ServerConfigFiles c = new ServerConfigFiles();
        Matcher m = HEADER.matcher(output);
        List<int[]> bounds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
            bounds.add(new int[] {m.start(), m.end()});
        }
        for (int i = 0; i < names.size(); i++) {
            int end = i + 1 < bounds.size() ? bounds.get(i + 1)[0] : output.length();
            c.merge(names.get(i), output.substring(bounds.get(i)[1], end).strip());
        }
        return c;
    }

    /** The value of a top-level key, or {@code fallback} when no file sets it. */
    String value(String key, String fallback) {
        if (unresolved.contains(key)) {
            throw new ChrunbookException(ExitCode.VERIFICATION_FAILED, "'" + key + "' in " + String.join(", ", files)
                    + " is taken from an include or the environment; chrunbook cannot read it from the file");
        }
        return values.getOrDefault(key, fallback);
    }

    private void merge(String name, String xml) {
        files.add(name);
        Element root;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            root = b.parse(new InputSource(new StringReader(xml))).getDocumentElement();
        } catch (Exception e) {
            throw new ChrunbookException(ExitCode.VERIFICATION_FAILED, "cannot parse the server config " + name + ": " + e.getMessage(), e);
        }
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                if (e.hasAttribute("incl") || e.hasAttribute("from_env") || e.hasAttribute("from_zk")) {
                    unresolved.add(e.getTagName());
                } else if (e.getElementsByTagName("*").getLength() == 0) {
                    unresolved.remove(e.getTagName());
                    values.put(e.getTagName(), e.getTextContent().strip());
                }
            }
        }
    }
}
