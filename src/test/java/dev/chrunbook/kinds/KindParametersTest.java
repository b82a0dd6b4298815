package dev.chrunbook.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A built-in kind's parameters are declared once, in its {@link ParamBlock}: the JSON Schema's block
 * (keys, required keys, defaults) and the README's table are held to it. After a change of a block,
 * run this test once with -Dkinds.update=true to write both, then read the diff.
 */
class KindParametersTest {
    private static final Path SCHEMA = Path.of("runbooks/runbook.schema.json");
    private static final Path README = Path.of("README.md");
    private static final String BEGIN = "<!-- kind-parameters: written from the kinds' declarations by KindParametersTest -->";
    private static final String END = "<!-- kind-parameters: end -->";
    /** A default said in a description, which the schema's "default" says instead. */
    private static final Pattern SAID_DEFAULT = Pattern.compile("\\s*\\((?:the )?default[^)]*\\)|,?\\s*\\bdefault \\d[^;.,)]*", Pattern.CASE_INSENSITIVE);
    private static final boolean UPDATE = Boolean.getBoolean("kinds.update");

    /** Each block once (the Kafka kinds share one, remote-verify's holds remote-copy's), with the kinds that use it. */
    private static Map<String, List<BuiltInKind>> blocks() {
        Map<String, List<BuiltInKind>> out = new LinkedHashMap<>();
        for (StepKind k : new Kinds().all()) {
            if (k instanceof BuiltInKind b) {
                out.computeIfAbsent(b.block().name(), n -> new ArrayList<>()).add(b);
            }
        }
        return out;
    }

    /** Every key of a block over its kinds, in declaration order; a key's declaration is the same in each. */
    private static Map<String, ParamBlock.Param> params(List<BuiltInKind> kinds) {
        Map<String, ParamBlock.Param> out = new LinkedHashMap<>();
        for (BuiltInKind k : kinds) {
            for (ParamBlock.Param p : k.block().params()) {
                ParamBlock.Param before = out.putIfAbsent(p.key(), p);
                assertTrue(before == null || (before.type() == p.type() && java.util.Objects.equals(before.fallback(), p.fallback())),
                        k.name() + " declares " + p.key() + " unlike the other kinds of block " + k.block().name());
            }
        }
        return out;
    }

    /** Required by every kind of the block: what the schema can require of it. */
    private static Set<String> required(List<BuiltInKind> kinds) {
        Set<String> out = new LinkedHashSet<>(kinds.get(0).block().requiredKeys());
        kinds.forEach(k -> out.retainAll(k.block().requiredKeys()));
        return out;
    }

    private static JsonNode defaultOf(ParamBlock.Param p) {
        ObjectMapper m = new ObjectMapper();
        return switch (p.type()) {
            case WHOLE -> m.getNodeFactory().numberNode(Long.parseLong(p.fallback()));
            case FLAG -> m.getNodeFactory().booleanNode(Boolean.parseBoolean(p.fallback()));
            default -> m.getNodeFactory().textNode(p.fallback());
        };
    }

    /** The same value of the same JSON type (a number read back from the file is an int node, ours a long one). */
    private static boolean same(JsonNode expected, JsonNode said) {
        return expected.getNodeType() == said.getNodeType() && expected.asText().equals(said.asText());
    }

    private static boolean hasDefault(ParamBlock.Param p) {
        return p.fallback() != null && !p.fallback().isEmpty();
    }

    @Test
    void theSchemaHoldsEachBlockAsItsKindsDeclareIt() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode schema = (ObjectNode) mapper.readTree(SCHEMA.toFile());
        ObjectNode steps = (ObjectNode) schema.at("/$defs/step/properties");
        if (UPDATE) {
            blocks().forEach((name, kinds) -> steps.set(name, written((ObjectNode) steps.get(name), kinds)));
            DefaultPrettyPrinter pretty = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER).withArrayValueSpacing(Separators.Spacing.AFTER))
                    .withObjectIndenter(new DefaultIndenter("  ", "\n")).withArrayIndenter(new DefaultPrettyPrinter.NopIndenter());
            Files.writeString(SCHEMA, mapper.enable(SerializationFeature.INDENT_OUTPUT).writer(pretty).writeValueAsString(schema) + "\n");
        }
        List<String> wrong = new ArrayList<>();
        blocks().forEach((name, kinds) -> {
            JsonNode block = steps.get(name);
            Map<String, ParamBlock.Param> params = params(kinds);
            Set<String> keys = new LinkedHashSet<>();
            block.get("properties").fieldNames().forEachRemaining(keys::add);
            if (!keys.equals(params.keySet())) {
                wrong.add(name + ": the schema has " + keys + ", the kinds read " + params.keySet());
            }
            Set<String> required = new LinkedHashSet<>();
            block.get("required").forEach(r -> required.add(r.asText()));
            if (!required.equals(required(kinds))) {
                wrong.add(name + ": the schema requires " + required + ", the kinds " + required(kinds));
            }
            params.values().forEach(p -> {
                JsonNode said = block.at("/properties/" + p.key() + "/default");
                if (hasDefault(p) ? !same(defaultOf(p), said) : !said.isMissingNode()) {
                    wrong.add(name + "." + p.key() + ": the schema's default is " + said + ", the kind's " + p.fallback());
                }
                String description = block.at("/properties/" + p.key() + "/description").asText("");
                if (SAID_DEFAULT.matcher(description).find()) {
                    wrong.add(name + "." + p.key() + ": its description says a default again: " + description);
                }
            });
        });
        assertEquals(List.of(), wrong, "run once with -Dkinds.update=true to write the schema from the kinds");
    }

    /** The block as the kinds declare it: keys, required keys and defaults; types, enums and descriptions kept. */
    private static ObjectNode written(ObjectNode before, List<BuiltInKind> kinds) {
        ObjectNode block = before.deepCopy();
        ArrayNode required = block.putArray("required");
        required(kinds).forEach(required::add);
        ObjectNode properties = block.putObject("properties");
        params(kinds).values().forEach(p -> {
            JsonNode old = before.at("/properties/" + p.key());
            ObjectNode property = old.isObject() ? ((ObjectNode) old).deepCopy() : properties.objectNode().put("type", "string");
            if (!old.isObject()) {
                switch (p.type()) {
                    case WHOLE -> property.putArray("type").add("string").add("integer");
                    case FLAG -> property.putArray("type").add("boolean").add("string");
                    default -> { }
                }
            }
            property.remove("default");
            if (hasDefault(p)) {
                property.set("default", defaultOf(p));
            }
            if (property.has("description")) {
                property.put("description", SAID_DEFAULT.matcher(property.get("description").asText()).replaceAll(""));
            }
            properties.set(p.key(), property);
        });
        return block;
    }

    /** The README's table of every block's keys with their types and defaults. */
    private static String table() {
        StringBuilder sb = new StringBuilder(BEGIN).append("\n| block (kinds) | key | type | default |\n|---|---|---|---|\n");
        blocks().forEach((name, kinds) -> {
            String owners = String.join(", ", kinds.stream().map(StepKind::name).toList());
            Set<String> required = required(kinds);
            params(kinds).values().forEach(p -> sb.append("| `").append(name).append(":` (").append(owners).append(") | `").append(p.key())
                    .append("` | ").append(p.type().name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                    .append(required.contains(p.key()) ? "required" : hasDefault(p) ? "`" + p.fallback() + "`" : "—").append(" |\n"));
        });
        return sb.append(END).toString();
    }

    @Test
    void theReadmeTableIsTheKindsDeclaration() throws Exception {
        String readme = Files.readString(README);
        int from = readme.indexOf(BEGIN);
        int to = readme.indexOf(END);
        assertTrue(from >= 0 && to > from, "README.md lacks the table between " + BEGIN + " and " + END);
        if (UPDATE) {
            readme = readme.substring(0, from) + table() + readme.substring(to + END.length());
            Files.writeString(README, readme);
        }
        assertEquals(table(), readme.substring(from, readme.indexOf(END) + END.length()),
                "run once with -Dkinds.update=true to write the table from the kinds");
    }

    /** A parameter read by its key from a node's rendered map, anywhere but a settings record's constructor (ParamBlock.Values). */
    private static final Pattern KEYED_READ = Pattern.compile("(?:params\\(\\)|\\bparams|\\bp)\\.(?:get|getOrDefault|containsKey)\\(\"");

    @Test
    void noCodeReadsAParameterByItsKeyOutsideTheSettingsRecords() throws Exception {
        List<String> found = new ArrayList<>();
        try (var files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (KEYED_READ.matcher(lines.get(i)).find()) {
                        found.add(f.getFileName() + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), found, "read it through the kind's Settings record");
        assertTrue(KEYED_READ.matcher("String t = work.params().get(\"table\");").find(), "the pattern finds a planted read");
    }

    @Test
    void aPlantedDefaultInADescriptionIsFound() {
        assertTrue(SAID_DEFAULT.matcher("Events per page (default 10000).").find());
        assertTrue(SAID_DEFAULT.matcher("`parallel`, default 2").find());
        assertTrue(!SAID_DEFAULT.matcher("The endpoint's base URL; pages go to <url>/batch/.").find());
    }
}
