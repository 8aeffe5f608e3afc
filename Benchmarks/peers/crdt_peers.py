"""Runs Weft's CRDT benchmark workloads through pycrdt (yrs) and loro, for comparison.

Invoked by the WeftBenchmarks executable with the project's venv Python:
    python crdt_peers.py FIXTURE_DIR RANDOM_COUNT
Prints one JSON object of timings in milliseconds on stdout; progress goes to stderr.
"""
import gzip
import json
import sys
import time

from pycrdt import Doc, Text
import loro

fixtures, random_count = sys.argv[1], int(sys.argv[2])


def log(message):
    print(f"… peers: {message}", file=sys.stderr, flush=True)


def timed(body):
    start = time.perf_counter()
    result = body()
    return (time.perf_counter() - start) * 1000, result


def splitmix_positions(count, seed=42):
    """The same positions the Swift benchmark makes (SplitMix64, seed 42)."""
    mask = (1 << 64) - 1
    state = seed
    positions = []
    for length in range(count):
        state = (state + 0x9E3779B97F4A7C15) & mask
        value = state
        value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & mask
        value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & mask
        value ^= value >> 31
        positions.append(value % (length + 1))
    return positions


with gzip.open(f"{fixtures}/b4-ops.json.gz") as handle:
    trace = json.load(handle)
ops, end_content = trace["ops"], trace["endContent"]
with gzip.open(f"{fixtures}/b4-updates-v1.stream.gz") as handle:
    stream = handle.read()


def read_varuint(data, offset):
    value, shift = 0, 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, offset
        shift += 7


count, offset = read_varuint(stream, 0)
updates = []
for _ in range(count):
    length, offset = read_varuint(stream, offset)
    updates.append(stream[offset:offset + length])
    offset += length
with open(f"{fixtures}/b4-yjs-v1.bin", "rb") as handle:
    document_v1 = handle.read()

results = {"pycrdt": {}, "loro": {}}

# pycrdt (yrs): the text is ASCII, so its UTF-8 indices equal the trace's positions.
log("pycrdt B4 local apply")


def pycrdt_local():
    doc = Doc(client_id=1)
    text = Text()
    doc["text"] = text
    for position, delete_count, insert in ops:
        with doc.transaction():
            if delete_count:
                del text[position:position + delete_count]
            if insert:
                text.insert(position, insert)
    return doc, str(text)


elapsed, (pycrdt_doc, content) = timed(pycrdt_local)
assert content == end_content
results["pycrdt"]["local"] = elapsed

log("pycrdt B4 remote apply")


def pycrdt_remote():
    doc = Doc(client_id=2)
    doc["text"] = text = Text()
    for update in updates:
        doc.apply_update(update)
    return str(text)


elapsed, content = timed(pycrdt_remote)
assert content == end_content
results["pycrdt"]["remote"] = elapsed


def pycrdt_parse():
    doc = Doc(client_id=3)
    doc["text"] = text = Text()
    doc.apply_update(document_v1)
    return len(str(text))


results["pycrdt"]["parse"] = min(timed(pycrdt_parse)[0] for _ in range(10))
results["pycrdt"]["encode"] = min(timed(pycrdt_doc.get_update)[0] for _ in range(10))

log(f"pycrdt {random_count} random inserts")
positions = splitmix_positions(random_count)


def pycrdt_random():
    doc = Doc(client_id=1)
    doc["text"] = text = Text()
    for position in positions:
        with doc.transaction():
            text.insert(position, "x")
    return len(str(text))


results["pycrdt"]["random"] = timed(pycrdt_random)[0]

# loro: its own update format, so the remote workload replays loro's own per-commit updates.
log("loro B4 local apply")
loro_updates = []


def loro_local():
    doc = loro.LoroDoc()
    keep = doc.subscribe_local_update(lambda update: loro_updates.append(update) or True)
    text = doc.get_text("text")
    for position, delete_count, insert in ops:
        if delete_count:
            text.delete(position, delete_count)
        if insert:
            text.insert(position, insert)
        doc.commit()
    del keep
    return doc, text.to_string()


elapsed, (loro_doc, content) = timed(loro_local)
assert content == end_content
results["loro"]["local"] = elapsed

log("loro remote apply of its own per-commit updates")


def loro_remote():
    doc = loro.LoroDoc()
    for update in loro_updates:
        doc.import_(update)
    return doc.get_text("text").to_string()


if loro_updates:
    elapsed, content = timed(loro_remote)
    assert content == end_content
    results["loro"]["remote"] = elapsed
snapshot = loro_doc.export(loro.ExportMode.Snapshot())
results["loro"]["encode"] = min(timed(lambda: loro_doc.export(loro.ExportMode.Snapshot()))[0] for _ in range(10))


def loro_parse():
    doc = loro.LoroDoc()
    doc.import_(snapshot)
    return len(doc.get_text("text").to_string())


results["loro"]["parse"] = min(timed(loro_parse)[0] for _ in range(10))

log(f"loro {random_count} random inserts")


def loro_random():
    doc = loro.LoroDoc()
    text = doc.get_text("text")
    for position in positions:
        text.insert(position, "x")
        doc.commit()
    return text.to_string()


results["loro"]["random"] = timed(loro_random)[0]
print(json.dumps(results))
