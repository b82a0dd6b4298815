package dev.chrunbook.ddl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A table's or view's CREATE statement as the server reports it ({@code system.tables.create_table_query},
 * the same on 18.16 and current servers), read into its parts and written back with only the
 * parts a migration changes: the one place that knows this grammar. Instances are immutable.
 */
public final class CreateQuery {
    static final List<String> CLAUSES = List.of("ENGINE", "PARTITION BY", "PRIMARY KEY", "ORDER BY", "SAMPLE BY", "TTL",
            "SETTINGS", "COMMENT", "POPULATE", "EMPTY", "DEFINER", "SQL SECURITY", "AS");

    private final String objectKind;
    private final String database;
    private final String name;
    private final String toDatabase;
    private final String toTable;
    private final List<Token> preamble;
    private final List<TableElement> elements;
    private final List<Clause> clauses;

    /** A clause after the column list: its keyword (upper case) and its text. */
    record Clause(String keyword, List<Token> body) {
    }

    private CreateQuery(String objectKind, String database, String name, String toDatabase, String toTable,
                        List<Token> preamble, List<TableElement> elements, List<Clause> clauses) {
        this.objectKind = objectKind;
        this.database = database;
        this.name = name;
        this.toDatabase = toDatabase;
        this.toTable = toTable;
        this.preamble = List.copyOf(preamble);
        this.elements = List.copyOf(elements);
        this.clauses = List.copyOf(clauses);
    }

    public static CreateQuery parse(String sql) {
        List<Token> t = SqlLexer.tokens(sql.strip());
        Cursor c = new Cursor(t);
        c.expectWord("CREATE");
        StringBuilder kind = new StringBuilder();
        while (c.peekWord() && !c.peek().isWord("IF") && !isObjectName(c)) {
            kind.append(kind.isEmpty() ? "" : " ").append(c.next().text().toUpperCase(Locale.ROOT));
        }
        if (!Set.of("TABLE", "MATERIALIZED VIEW", "VIEW", "LIVE VIEW", "DICTIONARY").contains(kind.toString())) {
            throw new DdlException("not a CREATE TABLE or VIEW statement: " + abbreviate(sql));
        }
        if (c.peek() != null && c.peek().isWord("IF")) {
            c.next();
            c.expectWord("NOT");
            c.expectWord("EXISTS");
        }
        String[] qualified = c.qualifiedName();
        String toDb = null;
        String toName = null;
        List<Token> preamble = new ArrayList<>();
        while (c.peek() != null && !c.peek().isSymbol('(') && !startsClause(c)) {
            if (c.peek().isWord("UUID")) {
                c.next();
                c.next(); // a new object must not reuse the source's UUID
            } else if (c.peek().isWord("TO")) {
                c.next();
                String[] to = c.qualifiedName();
                toDb = to[0];
                toName = to[1];
            } else {
                preamble.add(c.nextRaw());
            }
        }
        List<TableElement> elements = new ArrayList<>();
        if (c.peek() != null && c.peek().isSymbol('(')) {
            int open = c.position();
            int close = SqlLexer.closingParen(t, open);
            for (List<Token> e : SqlLexer.splitTopLevel(t.subList(open + 1, close), ',')) {
                elements.add(TableElement.parse(e));
            }
            c.seek(close + 1);
        }
        List<Clause> clauses = new ArrayList<>();
        while (c.peek() != null) {
            String keyword = c.clauseKeyword();
            if (keyword == null) {
                throw new DdlException("cannot read '" + abbreviate(SqlLexer.join(t.subList(c.position(), t.size())))
                        + "' in the definition of " + qualified[1]);
            }
            List<Token> body = new ArrayList<>();
            while (c.hasRaw() && (keyword.equals("AS") || c.peek() == null || !startsClause(c))) {
                body.add(c.nextRaw());
            }
            clauses.add(new Clause(keyword, SqlLexer.strip(body)));
        }
        return new CreateQuery(kind.toString(), qualified[0], qualified[1], toDb, toName, SqlLexer.strip(preamble), elements, clauses);
    }

    public String objectKind() {
        return objectKind;
    }

    public String name() {
        return name;
    }

    public List<TableElement> elements() {
        return elements;
    }

    public List<TableElement> columns() {
        return elements.stream().filter(e -> e.kind() == TableElement.Kind.COLUMN).toList();
    }

    /** The clause's text (e.g. {@code PARTITION BY}), normalised; empty when the definition has none. */
    public Optional<String> clause(String keyword) {
        return clauses.stream().filter(x -> x.keyword().equals(keyword)).findFirst().map(x -> SqlLexer.join(x.body()));
    }

    List<Clause> clauses() {
        return clauses;
    }

    public Engine engine() {
        return clauses.stream().filter(x -> x.keyword().equals("ENGINE")).findFirst().map(x -> Engine.parse(x.body()))
                .orElseThrow(() -> new DdlException(name + " has no ENGINE"));
    }

    public boolean hasEngine() {
        return clause("ENGINE").isPresent();
    }

    public CreateQuery withName(String newDatabase, String newName) {
        return new CreateQuery(objectKind, newDatabase, newName, toDatabase, toTable, preamble, elements, clauses);
    }

    /** A materialized view writing to another table. */
    public CreateQuery withTarget(String newDatabase, String newTable) {
        if (toTable == null) {
            throw new DdlException(name + " has no TO table to retarget (a view with its own storage cannot be mirrored)");
        }
        return new CreateQuery(objectKind, database, name, newDatabase, newTable, preamble, elements, clauses);
    }

    public CreateQuery withElements(List<TableElement> newElements) {
        return new CreateQuery(objectKind, database, name, toDatabase, toTable, preamble, newElements, clauses);
    }

    public CreateQuery withEngine(Engine engine) {
        return withClause("ENGINE", engine.sql());
    }

    /** Sets a clause to SQL text (the keyword's own words excluded); an empty text removes it. */
    public CreateQuery withClause(String keyword, String sqlText) {
        if (!CLAUSES.contains(keyword)) {
            throw new DdlException("unknown clause " + keyword);
        }
        List<Clause> out = new ArrayList<>(clauses);
        int at = -1;
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).keyword().equals(keyword)) {
                at = i;
            }
        }
        List<Token> body = SqlLexer.strip(SqlLexer.tokens(sqlText));
        if (body.isEmpty()) {
            if (at >= 0) {
                out.remove(at);
            }
        } else if (at >= 0) {
            out.set(at, new Clause(keyword, body));
        } else {
            int rank = CLAUSES.indexOf(keyword);
            int insert = 0;
            for (int i = 0; i < out.size(); i++) {
                if (CLAUSES.indexOf(out.get(i).keyword()) < rank) {
                    insert = i + 1;
                }
            }
            out.add(insert, new Clause(keyword, body));
        }
        return new CreateQuery(objectKind, database, name, toDatabase, toTable, preamble, elements, out);
    }

    /**
     * The SETTINGS clause with one setting set to {@code valueSql} (added when missing). A Kafka
     * table that gives its settings as engine arguments (a named collection, key = value or
     * positional arguments) gets a Kafka setting set there instead, where the server reads it.
     */
    public CreateQuery withSetting(String key, String valueSql) {
        List<List<Token>> settings = clauses.stream().filter(x -> x.keyword().equals("SETTINGS")).findFirst()
                .map(x -> SqlLexer.splitTopLevel(x.body(), ',')).orElse(List.of());
        List<String> out = new ArrayList<>();
        boolean found = false;
        for (List<Token> s : settings) {
            String k = s.stream().filter(t -> !t.isBlank()).findFirst().map(Token::name).orElse("");
            if (k.equals(key)) {
                out.add(key + " = " + valueSql);
                found = true;
            } else {
                out.add(SqlLexer.join(s));
            }
        }
        if (!found) {
            if (engine().name().equals("Kafka") && !engine().args().isEmpty() && key.startsWith("kafka_")) {
                return withEngine(engine().withKafkaSetting(key, valueSql));
            }
            out.add(key + " = " + valueSql);
        }
        return withClause("SETTINGS", String.join(", ", out));
    }

    /** The view's SELECT (AS ...), with {@code [db.]from} replaced by {@code db.to} where it names a table. */
    public CreateQuery withTableReplaced(String db, String from, String to) {
        List<Clause> out = new ArrayList<>();
        for (Clause x : clauses) {
            out.add(x.keyword().equals("AS") ? new Clause("AS", TableReferences.replace(x.body(), db, from, to)) : x);
        }
        return new CreateQuery(objectKind, database, name, toDatabase, toTable, preamble, elements, out);
    }

    /** CREATE ... with IF NOT EXISTS and ON CLUSTER as asked. */
    public String sql(boolean ifNotExists, String onCluster) {
        StringBuilder sb = new StringBuilder("CREATE ").append(objectKind).append(' ');
        if (ifNotExists) {
            sb.append("IF NOT EXISTS ");
        }
        sb.append(Names.quote(database)).append('.').append(Names.quote(name));
        if (onCluster != null && !onCluster.isEmpty()) {
            sb.append(" ON CLUSTER ").append(Names.quote(onCluster));
        }
        if (toTable != null) {
            sb.append(" TO ").append(toDatabase == null ? "" : Names.quote(toDatabase) + ".").append(Names.quote(toTable));
        }
        if (!preamble.isEmpty()) {
            sb.append(' ').append(SqlLexer.join(preamble));
        }
        if (!elements.isEmpty()) {
            sb.append("\n(\n");
            for (int i = 0; i < elements.size(); i++) {
                sb.append("    ").append(elements.get(i).sql()).append(i + 1 < elements.size() ? ",\n" : "\n");
            }
            sb.append(")");
        }
        for (Clause x : clauses) {
            sb.append('\n').append(x.keyword()).append(x.keyword().equals("ENGINE") ? " = " : " ").append(SqlLexer.join(x.body()));
        }
        return sb.toString();
    }

    private static boolean isObjectName(Cursor c) {
        // the object kind is one or two keywords; the next word after them is the name
        Token t = c.peek();
        return !(t.isWord("TABLE") || t.isWord("VIEW") || t.isWord("MATERIALIZED") || t.isWord("LIVE") || t.isWord("DICTIONARY")
                || t.isWord("TEMPORARY"));
    }

    private static boolean startsClause(Cursor c) {
        return c.clauseKeywordAhead() != null;
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }
}
