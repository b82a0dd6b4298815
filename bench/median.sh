# Sourced by the benches (not a bench: not executable, so scripts/bench-smoke passes it by).
# median X...: the median of the numbers given, two decimals.
median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
