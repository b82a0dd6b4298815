package dev.chrunbook.dashboard;

import dev.chrunbook.kafka.KafkaAdmin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The lag of the consumer groups the runbook's Kafka steps name (the main ingestion's and the
 * catch-up's), asked of the brokers at most every few seconds however often the page asks.
 */
public final class GroupLags implements Supplier<List<GroupLags.Lag>> {
    static final Duration EVERY = Duration.ofSeconds(5);

    /** A group the runbook names: on which brokers, for which topic, and what its steps call it. */
    public record Group(String brokers, String topic, String group, String role) {
    }

    /** @param lag null when it could not be asked; {@code note} then says why */
    public record Lag(String group, String topic, String role, Long lag, Integer members, String note) {
    }

    private final Supplier<List<Group>> groups;
    private final Function<String, KafkaAdmin> admins;
    private final Clock clock;
    private List<Lag> last = List.of();
    private Instant asked = Instant.EPOCH;

    /** @param groups re-read at every refresh: a group's name may hold the run id, known once a run started */
    public GroupLags(Supplier<List<Group>> groups, Function<String, KafkaAdmin> admins, Clock clock) {
        this.groups = groups;
        this.admins = admins;
        this.clock = clock;
    }

    @Override
    public synchronized List<Lag> get() {
        Instant now = clock.instant();
        if (Duration.between(asked, now).compareTo(EVERY) >= 0) {
            last = ask();
            asked = now;
        }
        return last;
    }

    private List<Lag> ask() {
        List<Lag> out = new ArrayList<>();
        for (Group g : groups.get()) {
            try (KafkaAdmin admin = admins.apply(g.brokers())) {
                KafkaAdmin.GroupState state = admin.describe(g.group());
                if (admin.committed(g.group(), g.topic()).isEmpty()) {
                    out.add(new Lag(g.group(), g.topic(), g.role(), null, state.members(), "no offsets committed yet"));
                    continue;
                }
                long lag = admin.lag(g.group(), g.topic()).values().stream().mapToLong(Long::longValue).sum();
                out.add(new Lag(g.group(), g.topic(), g.role(), lag, state.members(), state.state().toLowerCase()));
            } catch (RuntimeException e) { // a KafkaException, or an admin that could not be built
                out.add(new Lag(g.group(), g.topic(), g.role(), null, null, "cannot ask " + g.brokers() + ": " + e.getMessage()));
            }
        }
        return out;
    }
}
