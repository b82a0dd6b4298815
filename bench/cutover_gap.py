# Sourced by bench/cutover-pause and bench/cutover-pause-current (not a bench: not executable).
# cutover_gap.py STATE_JSON RUN MODE QUERY_CMD ARRIVAL OLD NEW DB [PORTS] [WINDOW]
# The ingestion pause of one cut-over, from per-event arrival times: the longest run of seconds around
# the cut-over in which no produced (live) event arrived in the table then named as the source (the old
# table before the exchange or rename, the new one after it), against the longest such run in a
# minute of normal ingestion before. QUERY_CMD runs one SQL on a shard ("{port}" in it); ARRIVAL is the
# column that says when a row was written (DateTime, or DateTime64).
import datetime, json, shlex, subprocess, sys

state_json, run, mode, query_cmd, arrival, old, new, db = sys.argv[1:9]
ports = sys.argv[9].split(',') if len(sys.argv) > 9 else ['9001', '9003']
w = int(sys.argv[10]) if len(sys.argv) > 10 else 30
st = json.load(open(state_json))

def at(x):
    return datetime.datetime.fromisoformat(x.replace('Z', '+00:00')[:26] + '+00:00')

swap = next(iter(st['steps']['swap'].values()))['statements']
# the EXCHANGE or RENAME: before it the old table is the source, after it the new one; while it runs an
# arrival in either is one in the table that had the name then
sent = int(at(swap[0]['sent']).timestamp())
t = int(at(swap[0]['ended']).timestamp())

def seconds(table, cond):
    out = set()
    for port in ports:
        sql = (f"SELECT DISTINCT toUInt32(toUnixTimestamp({arrival})) FROM {db}.{table} "
               f"WHERE event LIKE 'live%' AND {cond} FORMAT TSV")
        res = subprocess.run(shlex.split(query_cmd.replace('{port}', port)) + [sql], capture_output=True, text=True, check=True)
        out.update(int(x) for x in res.stdout.split())
    return out

def longest(secs, lo, hi):
    """The longest run of seconds in [lo, hi] without an arrival, and the second it starts at."""
    s = sorted(x for x in secs if lo <= x <= hi)
    if not s:
        return hi - lo, lo
    return max((b - a - 1, a + 1) for a, b in zip([lo - 1] + s, s + [hi + 1]))

def longest_gap(secs, lo, hi):
    return longest(secs, lo, hi)[0]

around = seconds(old, f"toUnixTimestamp({arrival}) <= {t}") | seconds(new, f"toUnixTimestamp({arrival}) >= {sent}")
normal = seconds(old, f"toUnixTimestamp({arrival}) < {t - w}")
gap, starts = longest(around, t - w, t + w)
# normal ingestion: from the first live arrival (the producer starts shortly before the migration) to the window
first = min(normal) if normal else t - w - 1
base = longest_gap(normal, max(first, t - 10 * w), t - w - 1)
# where the gap lies says what caused it: at the swap's statement, or later (mend and verify share the machine's cores)
print(f"run {run}, cutover {mode}: {gap} s without an arriving event in the source table around the cut-over,"
      f" from {starts - t:+d} s after the swap's statement ended (it ran {t - sent} s); normal ingestion before it: {base} s at most")
