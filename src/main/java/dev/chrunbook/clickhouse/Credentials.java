package dev.chrunbook.clickhouse;

/** User and password for every node. The password never appears in toString, logs or state. */
public record Credentials(String user, String password) {
    public Credentials {
        password = password == null ? "" : password;
    }

    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=" + (password.isEmpty() ? "<none>" : "<hidden>") + "]";
    }
}
