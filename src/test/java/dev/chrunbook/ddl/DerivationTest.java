package dev.chrunbook.ddl;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DerivationTest {
    @Test
    void planShowsAStagingTableAsItsDifferencesFromTheSource() {
        CreateQuery source = CreateQuery.parse(CreateQueryTest.OLD);
        String staging = StagingDerivation.derive(source, new StagingDerivation.Spec("exp", "st", "/p/{shard}/st", "(id, ts)",
                null, null, null, null)).staging().sql(false, "posthog");
        Derivation.Report r = Derivation.of(staging, Map.of("exp.src", CreateQueryTest.OLD,
                "exp.w", "CREATE TABLE exp.w ( id UUID) ENGINE = Distributed('posthog', 'exp', 'src', rand())")).orElseThrow();
        assertEquals("exp.src", r.from());
        assertEquals(List.of("ORDER BY"), r.differences().stream().map(SchemaDiff.Difference::what).toList(),
                "computed columns are kept: the copy writes their stored values");
        assertEquals(new SchemaDiff.Difference("ORDER BY", "(ts, id)", "(id, ts)"), r.differences().get(0));
    }

    @Test
    void statementsThatAreNotDerivedShowNothing() {
        assertEquals(Optional.empty(), Derivation.of("ALTER TABLE t ADD COLUMN x UInt8", Map.of("exp.src", CreateQueryTest.OLD)));
        assertEquals(Optional.empty(), Derivation.of("CREATE TABLE t (x UInt8) ENGINE = Memory", Map.of()));
    }
}
