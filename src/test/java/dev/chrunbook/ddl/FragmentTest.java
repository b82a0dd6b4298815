package dev.chrunbook.ddl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FragmentTest {
    @Test
    void anExpressionListPasses() {
        assertEquals("team_id, toDate(timestamp), cityHash64('a;b')", Fragment.check("order_by", "team_id, toDate(timestamp), cityHash64('a;b')"));
    }

    @Test
    void statementsCommentsAndUnbalancedParenthesesAreRefusedNamingTheVar() {
        DdlException e = assertThrows(DdlException.class,
                () -> Fragment.check("order_by", "team_id); DROP TABLE posthog.sharded_events; SELECT (1"));
        assertTrue(e.getMessage().startsWith("order_by 'team_id); DROP") && e.getMessage().contains("';'"), e.getMessage());
        assertThrows(DdlException.class, () -> Fragment.check("order_by", "a -- b"));
        assertThrows(DdlException.class, () -> Fragment.check("order_by", "a /* b */"));
        assertThrows(DdlException.class, () -> Fragment.check("order_by", "(a"));
        assertThrows(DdlException.class, () -> Fragment.check("order_by", "a)"));
        assertThrows(DdlException.class, () -> Fragment.check("order_by", "'unterminated"));
    }
}
