"""Knowledge-base benchmark: ingest rate, search latency, memory, embedding rate and quality.

Usage (from the repository root): python bench/bench_kb.py [--chunks 10000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evals.retrieval import load_cases, score_all  # noqa: E402
from knowledge import SAMPLE_HELPCENTRE, KnowledgeBase, default_embedder, open_knowledge_base  # noqa: E402
from knowledge.chunking import Chunker, embedding_text  # noqa: E402
from knowledge.documents import read_documents  # noqa: E402
from knowledge.store import DocumentEntry, chunks_hash, storage_id  # noqa: E402
from knowledge.types import Chunk, Document  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


LOADED_RSS = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from knowledge import open_knowledge_base
kb = open_knowledge_base(data_dir=Path(sys.argv[1]), collection=sys.argv[2])
for query in ("refund to my card", "camera offline", "change my email", "cancel my plan"):
    kb.search(query)
status = Path("/proc/self/status").read_text().splitlines()
print(int(next(line for line in status if line.startswith("VmRSS")).split()[1]) / 1024)
"""


def loaded_rss(data_dir: Path, collection: str) -> float:
    """RSS of a fresh process holding only the opened knowledge base after a few searches."""
    root = str(Path(__file__).resolve().parents[1])
    out = subprocess.run(
        [sys.executable, "-c", LOADED_RSS, str(data_dir), collection, root],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def sample_texts() -> list[str]:
    """What ingest embeds for the sample help centre: ``title > section`` and the chunk text."""
    chunker = Chunker()
    return [
        embedding_text(chunk)
        for doc in read_documents(SAMPLE_HELPCENTRE)
        if isinstance(doc, Document)
        for chunk in chunker.split(doc)
    ]


def texts_of_tokens(texts: list[str], tokens: int, count: int) -> list[str]:
    """``count`` texts of exactly ``tokens`` tokens (real help-centre words, repeated as needed)."""
    tokenizer = default_embedder().load().tokenizer
    out: list[str] = []
    for i in range(count):
        text = texts[i % len(texts)]
        while len(tokenizer.encode(text).ids) < tokens:
            text += " " + texts[(i + len(text)) % len(texts)]
        ids = tokenizer.encode(text).ids[1 : tokens - 1]  # room for [CLS] and [SEP]
        out.append(tokenizer.decode(ids))
    return out


def embedding_rate() -> dict[str, float]:
    embedder = default_embedder()
    embedder.embed(["warm up"])
    sentences = [
        f"Can I get a refund for order {i} if the camera arrived broken?" for i in range(512)
    ]
    start = time.perf_counter()
    embedder.embed(sentences)
    sentence_rate = len(sentences) / (time.perf_counter() - start)
    long = texts_of_tokens(sample_texts(), 128, 256)
    start, cpu = time.perf_counter(), time.process_time()
    embedder.embed(long)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    fp32 = default_embedder(precision="fp32")
    fp32.embed(long[:8])
    start = time.perf_counter()
    fp32.embed(long)
    fp32_rate = len(long) / (time.perf_counter() - start)
    singles = []
    for sentence in sentences[:100]:
        start = time.perf_counter()
        embedder.embed([sentence])
        singles.append((time.perf_counter() - start) * 1000)
    return {
        "sentences_per_s": sentence_rate,
        "tokens128_per_s": len(long) / wall,
        "tokens128_per_cpu_s": len(long) / cpu,
        "tokens128_fp32_per_s": fp32_rate,
        "single_query_ms_p50": statistics.median(singles),
    }


def int8_vs_fp32() -> dict[str, float]:
    """Cosine of each int8 vector to the fp32 one, on the sample's chunks and the questions."""
    texts = sample_texts() + [case.query for case in load_cases()]
    cosine = (
        default_embedder().embed(texts) * default_embedder(precision="fp32").embed(texts)
    ).sum(1)
    return {"texts": len(texts), "mean": float(cosine.mean()), "min": float(cosine.min())}


def ingest_rate(data_dir: Path) -> tuple[KnowledgeBase, dict[str, float]]:
    kb = open_knowledge_base(
        data_dir=data_dir, collection="bench-sample", embedder=default_embedder()
    )
    start, cpu = time.perf_counter(), time.process_time()
    report = kb.ingest(SAMPLE_HELPCENTRE)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return kb, {
        "chunks": report.chunks_written,
        "seconds": seconds,
        "chunks_per_s": report.chunks_written / seconds,
        # Busy machines stretch wall time; CPU seconds (both cores counted) show the work itself.
        "chunks_per_cpu_s": report.chunks_written / cpu,
    }


def synthesise(kb: KnowledgeBase, target: int, big: KnowledgeBase) -> None:
    """Fill ``big`` to ``target`` chunks: the real sample chunks, then variants of them.

    Variants reuse a real chunk's vector with small noise and shuffle its words with generated
    filler, so the search path (HNSW, BM25, fusion) sees realistic data without spending minutes
    embedding 10,000 texts on two cores.
    """
    # The stored records (under their generations) and the manifest entries that make them live.
    got = kb.store.get(include=["embeddings", "documents", "metadatas"])
    ids, vecs = got["ids"], np.asarray(got["embeddings"])
    entries = list(kb.manifest.load().values())
    docs: list[str] = list(got["documents"] or [])
    metas: list[dict[str, Any]] = [dict(m) for m in got["metadatas"] or []]
    rng = random.Random(7)
    nrng = np.random.default_rng(7)
    filler = [
        "device",
        "account",
        "plan",
        "hub",
        "camera",
        "thermostat",
        "billing",
        "order",
        "delivery",
        "update",
        "app",
        "wifi",
    ]
    batch_ids, batch_vecs, batch_docs, batch_metas = list(ids), list(vecs), list(docs), list(metas)
    n = len(ids)
    while n < target:
        i = rng.randrange(len(ids))
        words = docs[i].split()
        rng.shuffle(words)
        vec = vecs[i] + nrng.normal(0, 0.02, vecs.shape[1])
        doc_id, text = (
            f"synthetic-{n}",
            " ".join(words[: max(20, len(words) // 2)] + rng.sample(filler, 4)),
        )
        chunk = Chunk(f"{doc_id}#0", doc_id, str(metas[i]["title"]), str(metas[i]["section"]), text)
        batch_ids.append(storage_id(chunk.chunk_id, "5e"))
        batch_vecs.append(vec / np.linalg.norm(vec))
        batch_docs.append(text)
        batch_metas.append(
            dict(metas[i])
            | {"doc_id": doc_id, "chunk_id": chunk.chunk_id, "gen": "5e", "chunk_index": 0}
        )
        entries.append(
            DocumentEntry(doc_id, "5e", "synthetic", kb.fingerprint, 1, chunks_hash([chunk]))
        )
        n += 1
    for start in range(0, len(batch_ids), 2000):
        stop = start + 2000
        big.store.upsert(
            ids=batch_ids[start:stop],
            embeddings=[v.tolist() for v in batch_vecs[start:stop]],
            documents=batch_docs[start:stop],
            metadatas=batch_metas[start:stop],  # type: ignore[arg-type]
        )
    for start in range(0, len(entries), 2000):
        big.manifest.flip(entries[start : start + 2000])


def search_latency(kb: KnowledgeBase, queries: list[str]) -> dict[str, float]:
    kb.search("warm up the index")
    times = []
    for query in queries:
        start = time.perf_counter()
        kb.search(query, 5)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "queries": len(times),
        "p50_ms": times[len(times) // 2],
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=10_000, help="size of the search collection")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["embedding"] = embedding_rate()
        results["int8_vs_fp32"] = int8_vs_fp32()
        kb, results["ingest"] = ingest_rate(Path(tmp))
        cases = load_cases()
        results["quality"] = score_all(kb, cases)
        big = open_knowledge_base(data_dir=Path(tmp), collection="bench-10k")
        synthesise(kb, args.chunks, big)
        rss_before = rss_mb()
        big.search("warm up")  # builds the BM25 side of the retriever
        results["search"] = search_latency(big, [c.query for c in cases]) | {"chunks": big.count()}
        results["memory"] = {
            "bench_process_rss_mb": rss_mb(),
            "index_10k_mb": rss_mb() - rss_before,
            "sample_kb_process_rss_mb": loaded_rss(Path(tmp), "bench-sample"),
            "kb_10k_process_rss_mb": loaded_rss(Path(tmp), "bench-10k"),
        }
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def print_table(r: dict[str, object]) -> None:
    e, i, s, m = r["embedding"], r["ingest"], r["search"], r["memory"]  # type: ignore[misc]
    q = r["int8_vs_fp32"]
    rows = [
        ("embedding (sentences/s)", f"{e['sentences_per_s']:.0f}", "~200"),  # type: ignore[index]
        ("embedding 128-token texts (/s)", f"{e['tokens128_per_s']:.1f}", ""),  # type: ignore[index]
        ("  same, per CPU-second", f"{e['tokens128_per_cpu_s']:.1f}", ""),  # type: ignore[index]
        ("  same with the fp32 graph (/s)", f"{e['tokens128_fp32_per_s']:.1f}", ""),  # type: ignore[index]
        ("embed one query p50 (ms)", f"{e['single_query_ms_p50']:.1f}", "a few"),  # type: ignore[index]
        ("ingest (chunks/s)", f"{i['chunks_per_s']:.1f}", ">= 100"),  # type: ignore[index]
        ("  same, per CPU-second", f"{i['chunks_per_cpu_s']:.1f}", ""),  # type: ignore[index]
        ("int8 vs fp32 cosine, mean", f"{q['mean']:.4f}", ""),  # type: ignore[index]
        ("int8 vs fp32 cosine, min", f"{q['min']:.4f}", ""),  # type: ignore[index]
        (f"search p50 on {s['chunks']} chunks (ms)", f"{s['p50_ms']:.1f}", "<= 10"),  # type: ignore[index]
        (f"search p99 on {s['chunks']} chunks (ms)", f"{s['p99_ms']:.1f}", ""),  # type: ignore[index]
        ("RSS, process with sample KB (MB)", f"{m['sample_kb_process_rss_mb']:.0f}", ""),  # type: ignore[index]
        ("RSS, process with 10k-chunk KB (MB)", f"{m['kb_10k_process_rss_mb']:.0f}", ""),  # type: ignore[index]
    ]
    print(f"{'measure':<36}{'value':>10}  budget")
    for name, value, budget in rows:
        print(f"{name:<36}{value:>10}  {budget}")
    print(
        f"\n{'ranker':<8}{'hit@1':>8}{'hit@5':>8}{'MRR':>8}   (answerable retrieval-set questions)"
    )
    for mode, q in r["quality"].items():  # type: ignore[attr-defined]
        print(f"{mode:<8}{q['hit@1']:>8.3f}{q['hit@5']:>8.3f}{q['mrr']:>8.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
