package dev.chrunbook.catalog;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PartitionFilterTest {
    private static Map<String, String> partitions(String... idValue) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < idValue.length; i += 2) {
            m.put(idValue[i], idValue[i + 1]);
        }
        return m;
    }

    @Test
    void wholeNumberValuesAreComparedByTheKeyWhich1816PrunesBy() {
        assertEquals("(toYYYYMM(timestamp)) = 202612", PartitionFilter.where("toYYYYMM(timestamp)", partitions("202612", "202612")));
        assertEquals("(toYYYYMM(timestamp)) IN (202401, 202612)",
                PartitionFilter.where("toYYYYMM(timestamp)", partitions("202401", "202401", "202612", "202612")));
    }

    @Test
    void otherValuesAreSelectedByIdBecauseSystemPartsDoesNotPrintThemAsLiterals() {
        // a Date key's value is printed without quotes; a tuple's holds quoted strings
        assertEquals("_partition_id IN ('20250303', '20250310')",
                PartitionFilter.where("toMonday(happened_at)", partitions("20250303", "2025-03-03", "20250310", "2025-03-10")));
        assertEquals("_partition_id = 'a1b2'", PartitionFilter.where("(toMonday(d), k)", partitions("a1b2", "('2025-03-03',1)")));
        // one number among other values: by id for all
        assertEquals("_partition_id IN ('1', 'x')", PartitionFilter.where("k", partitions("1", "1", "x", "'x'")));
    }

    @Test
    void noPartitionIsNothingAndAnUnknownValueOrKeyIsById() {
        assertEquals("0", PartitionFilter.where("toYYYYMM(timestamp)", Map.of()));
        Map<String, String> unknown = new HashMap<>();
        unknown.put("202612", null);
        assertEquals("_partition_id = '202612'", PartitionFilter.where("toYYYYMM(timestamp)", unknown));
        assertEquals("_partition_id = 'all'", PartitionFilter.where("", partitions("all", "tuple()")));
        // a key that is not one expression list is never pasted into SQL
        assertEquals("_partition_id = '1'", PartitionFilter.where("k) OR (1", partitions("1", "1")));
        assertEquals("_partition_id = '1'", PartitionFilter.where("k -- c", partitions("1", "1")));
    }
}
