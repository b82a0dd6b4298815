# Sourced by bench/cutover-pause and bench/cutover-pause-current (not a bench: not executable).
# cutover_pause.py STATE_JSON RUN: the ingestion pause of one run's cut-over, as chrunbook's state records it.
import json, sys, datetime
st = json.load(open(sys.argv[1]))
def at(x): return datetime.datetime.fromisoformat(x.replace('Z', '+00:00')[:26] + '+00:00')
def stmts(step): return next(iter(st['steps'][step].values()))['statements']
# DROP of the main materialized view, on every node: the pause starts with the first one sent
drops = [n['statements'][1] for n in st['steps']['stop-ingestion'].values()]
catchup_sent = min(at(n['statements'][0]['sent']) for n in st['steps']['stop-ingestion'].values())
first_sent = min(at(d['sent']) for d in drops)
last_ended = max(at(d['ended']) for d in drops)
stop_main = max(drops, key=lambda d: d['durationMs'])
create_mv = stmts('swap')[1]                    # CREATE of the new one
pause = (at(create_mv['ended']) - first_sent).total_seconds()
after_drop = (at(create_mv['ended']) - last_ended).total_seconds()
from_first = (at(create_mv['ended']) - catchup_sent).total_seconds()
# the whole cut-over as the operator runs it: stop-ingestion's start to verify-after-swap's end
nodes = lambda step: st['steps'][step].values()
cutover = (max(at(n['finished']) for n in nodes('verify-after-swap')) - min(at(n['started']) for n in nodes('stop-ingestion'))).total_seconds()
after_swap = (max(at(n['finished']) for n in nodes('verify-after-swap')) - min(at(n['started']) for n in nodes('verify-after-swap'))).total_seconds()
print(f"run {sys.argv[2]}: the cut-over (stop-ingestion to verify-after-swap) took {cutover:.1f} s, verify-after-swap {after_swap:.1f} s")
print(f"run {sys.argv[2]}: ingestion paused {pause:.2f} s from sending the DROP of the main view"
      f" ({after_drop:.2f} s from the last one's completion; the slowest DROP {stop_main['durationMs']} ms server-side,"
      f" rename + create {stmts('swap')[0]['durationMs'] + create_mv['durationMs']} ms server-side;"
      f" {from_first:.2f} s from the first DROP, the catch-up view's)")
