# Sourced by bench/cutover-pause and bench/cutover-pause-current (not a bench: not executable).
# cutover_gap.py STATE_JSON RUN MODE QUERY_CMD ARRIVAL_MS OLD NEW DB [PORTS] [WINDOW] [RESOLUTION_MS]
# The ingestion pause of one cut-over, from per-event arrival times: the longest time around the
# cut-over in which no produced (live) event arrived in the table then named as the source (the old
# table before the exchange or rename, the new one after it), against the longest such time in a
# minute of normal ingestion before. QUERY_CMD runs one SQL on a shard ("{port}" in it); ARRIVAL_MS is
# an SQL expression of when a row was written, in milliseconds since the epoch; RESOLUTION_MS is how
# fine that clock is (1000 for a DateTime: a gap is then the whole seconds without an arrival).
import datetime, json, shlex, subprocess, sys

state_json, run, mode, query_cmd, arrival, old, new, db = sys.argv[1:9]
ports = sys.argv[9].split(',') if len(sys.argv) > 9 else ['9001', '9003']
w = int(sys.argv[10]) if len(sys.argv) > 10 else 30
res = int(sys.argv[11]) if len(sys.argv) > 11 else 1000
st = json.load(open(state_json))

def at(x):
    return datetime.datetime.fromisoformat(x.replace('Z', '+00:00')[:26] + '+00:00')

swap = next(iter(st['steps']['swap'].values()))['statements']
# the EXCHANGE or RENAME: before it the old table is the source, after it the new one; while it runs an
# arrival in either is one in the table that had the name then (milliseconds, floored to the clock's resolution)
sent = int(at(swap[0]['sent']).timestamp() * 1000) // res * res
t = int(at(swap[0]['ended']).timestamp() * 1000) // res * res
wm = w * 1000

def arrivals(table, cond):
    out = set()
    for port in ports:
        sql = (f"SELECT DISTINCT toUInt64({arrival}) FROM {db}.{table} "
               f"WHERE event LIKE 'live%' AND {cond} FORMAT TSV")
        r = subprocess.run(shlex.split(query_cmd.replace('{port}', port)) + [sql], capture_output=True, text=True, check=True)
        out.update(int(x) for x in r.stdout.split())
    return out

def longest(times, lo, hi):
    """The longest time in [lo, hi] without an arrival (less one clock tick), and where it starts."""
    s = sorted(x for x in times if lo <= x <= hi)
    if not s:
        return hi - lo, lo
    return max((b - a - res, a + res) for a, b in zip([lo - res] + s, s + [hi + res]))

around = arrivals(old, f"{arrival} <= {t + res - 1}") | arrivals(new, f"{arrival} >= {sent}")
normal = arrivals(old, f"{arrival} < {t - wm}")
gap, starts = longest(around, t - wm, t + wm)
# normal ingestion: from the first live arrival (the producer starts shortly before the migration) to the window
first = min(normal) if normal else t - wm - res
base = longest(normal, max(first, t - 10 * wm), t - wm - res)[0]
# where the gap lies says what caused it: at the swap's statement, or later (mend and verify share the machine's cores)
print(f"run {run}, cutover {mode}: {gap / 1000:.2f} s without an arriving event in the source table around the cut-over,"
      f" from {(starts - t) / 1000:+.2f} s after the swap's statement ended (it ran {(t - sent) / 1000:.2f} s);"
      f" normal ingestion before it: {base / 1000:.2f} s at most")
