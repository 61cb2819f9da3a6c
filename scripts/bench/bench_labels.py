"""Shipping label figures (issue 6).

- One 4x6 PDF label (reportlab, CJK font embedded, Code 128 + GS1-128 + QR): goal at most 30 ms.
- One ZPL II label: goal at most 2 ms.
- 1,000 labels in a batch (PDF pages and ZPL), with a progress bar on stderr.
- Hand-off from the pack screen: ``label_order`` + ``enqueue_documents`` (labels and packing slip rendered
  and queued) for one order, on SQLite and PostgreSQL: goal within 0.5 s.
- Every barcode on a sample of PDF labels, rendered at 203 dpi with pdftoppm, decodes with zbarimg to exactly
  the data it carries: goal 100 %.

The machine is shared (2 cores, other work running): wall-clock figures are noisy; CPU time is printed too.
Usage: ``python scripts/bench/bench_labels.py [--quick] [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.shipping import label_pdf, label_zpl, sscc, tracking  # noqa: E402
from app.shipping.labeldata import Address, LabelData  # noqa: E402

CITIES = [("上海市浦东新区世纪大道100号 25楼", "200120 上海 上海市"), ("广东省深圳市南山区科技园 深南大道9988号", "518057 深圳 广东"),
          ("北京市朝阳区建国路88号 SOHO 现代城 3号楼 1201", "100022 北京 北京市"), ("1600 Amphitheatre Parkway", "94043 Mountain View CA")]


def figure(name: str, value: float, unit: str, goal: str | None = None, backend: str | None = None) -> dict:
    return {"name": name, "value": round(value, 3), "unit": unit, "backend": backend, "goal": goal}


def sample_labels(n: int, seed: int = 6) -> list[LabelData]:
    rng = random.Random(seed)
    out = []
    formats = [("sf", "60"), ("s10", "EA"), ("ups1z", "8V2A41"), ("mod7", "5")]
    for i in range(n):
        fmt, prefix = formats[i % len(formats)]
        street, place = CITIES[i % len(CITIES)]
        token = "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(32))
        out.append(LabelData(
            tracking_number=tracking.make(fmt, rng.randrange(10**6), prefix=prefix, service_code="01"),
            sscc=sscc.make("0614141", i + 1), qr_url=f"http://127.0.0.1:8470/t/{token}", carrier_code="SF",
            carrier_name="SF Express 顺丰速运", service_name="Standard 顺丰标快", service_kind="standard",
            ship_from=Address("Shanghai DC 上海仓", ("201100 Shanghai", "CN")),
            ship_to=Address(rng.choice(["张伟", "王芳", "李娜", "Alex Smith"]), (street, place, "CN"), "13800138000"),
            weight_g=rng.randrange(200, 20000), seq=1, count=1, order_number=f"WS-{i:07d}", ship_date=date.today(),
            expected_delivery=date.today(), dimensions_mm=(300, 200, 150), carton="M",
        ))
    return out


def _timed(fn, items) -> tuple[list[float], float]:
    walls = []
    cpu0 = time.process_time()
    for item in items:
        t = time.perf_counter()
        fn(item)
        walls.append((time.perf_counter() - t) * 1000)
    return walls, (time.process_time() - cpu0) * 1000 / max(1, len(items))


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def bench_render(quick: bool) -> list[dict]:
    n = 50 if quick else 200
    labels = sample_labels(n)
    label_pdf.render(labels[0])  # font registration and imports, once per process
    label_zpl.render(labels[0])
    pdf_walls, pdf_cpu = _timed(label_pdf.render, labels)
    zpl_walls, zpl_cpu = _timed(label_zpl.render, labels * 5)
    zpl300_walls, _ = _timed(lambda l: label_zpl.render(l, 300), labels)
    return [
        figure("labels.pdf_label_median", statistics.median(pdf_walls), "ms", "<= 30 ms"),
        figure("labels.pdf_label_p95", p95(pdf_walls), "ms"),
        figure("labels.pdf_label_cpu_mean", pdf_cpu, "ms"),
        figure("labels.zpl_label_median", statistics.median(zpl_walls), "ms", "<= 2 ms"),
        figure("labels.zpl_label_p95", p95(zpl_walls), "ms"),
        figure("labels.zpl300_label_median", statistics.median(zpl300_walls), "ms", "<= 2 ms"),
    ]


def bench_batch(quick: bool, progress: bool) -> list[dict]:
    from tqdm import tqdm

    n = 200 if quick else 1000
    labels = sample_labels(n, seed=7)
    figures = []
    t = time.perf_counter()
    c = time.process_time()
    with tqdm(total=n, unit="label", desc="PDF batch", file=sys.stderr, disable=not progress) as bar:
        pages = []
        for label in labels:
            pages.append(label_pdf.render(label))
            bar.update(1)
    pdf_s = time.perf_counter() - t
    pdf_cpu = time.process_time() - c
    t = time.perf_counter()
    with tqdm(total=n, unit="label", desc="ZPL batch", file=sys.stderr, disable=not progress) as bar:
        zpl = []
        for label in labels:
            zpl.append(label_zpl.render(label))
            bar.update(1)
    zpl_s = time.perf_counter() - t
    figures.append(figure(f"labels.batch_{n}_pdf_total", pdf_s, "s"))
    figures.append(figure(f"labels.batch_{n}_pdf_rate", n / pdf_s, "labels/s"))
    figures.append(figure(f"labels.batch_{n}_pdf_cpu", pdf_cpu, "s"))
    figures.append(figure(f"labels.batch_{n}_zpl_total", zpl_s, "s"))
    return figures


def bench_decode(quick: bool) -> list[dict]:
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        return []
    n = 8 if quick else 40
    labels = sample_labels(n, seed=8)
    ok = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, label in enumerate(labels):
            pdf = Path(tmp) / f"{i}.pdf"
            pdf.write_bytes(label_pdf.render(label))
            subprocess.run(["pdftoppm", "-r", "203", "-png", "-singlefile", str(pdf), str(Path(tmp) / str(i))], check=True)
            done = subprocess.run(["zbarimg", "--raw", "-q", str(Path(tmp) / f"{i}.png")], capture_output=True)
            got = sorted(x for x in done.stdout.decode().split("\n") if x)
            if got == sorted([label.tracking_number, "00" + label.sscc, label.qr_url]):
                ok += 1
    return [figure("labels.barcodes_decoded_at_203dpi", 100.0 * ok / n, "%", "100 %")]


def _pg_url() -> str | None:
    try:
        from tests.helpers.databases import postgres_unavailable_reason
    except ImportError:
        return None
    return None if postgres_unavailable_reason() else "pg"


def bench_handoff(quick: bool, backends: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    from app.context import open_context
    from app.shipping import service
    from app.shipping.carriers import seed_carriers
    from app.shipping.rates import ParcelSpec
    from app.uow import Actor, UnitOfWork
    from tests.helpers.databases import DatabaseFactory
    from tests.shipping.factories import packed_order

    n = 10 if quick else 40
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        factory = DatabaseFactory(Path(tmp), f"bench{os.getpid()}")
        for backend in backends:
            if backend == "postgresql" and not _pg_url():
                print("bench_labels: no PostgreSQL server: no hand-off figure on postgresql", file=sys.stderr)
                continue
            url = factory.create(backend)
            ctx = open_context(url, migrate_schema=True)
            try:
                actor = Actor(station="BENCH-1", user="bench", role="shipping")
                with UnitOfWork(ctx.sessions) as uow:
                    seed_carriers(uow.session)
                    service.set_printer(uow.session, "BENCH-1", "label", "tcp://127.0.0.1:9100", "pdf")
                    service.set_printer(uow.session, "BENCH-1", "packing_slip", "tcp://127.0.0.1:9100", "pdf")
                    numbers = [packed_order(uow.session, number=f"B-{i}").number for i in range(n + 1)]
                    uow.commit()
                times = []
                cpu = []
                for i, number in enumerate(numbers):
                    t = time.perf_counter()
                    c = time.process_time()
                    with UnitOfWork(ctx.sessions) as uow:
                        order = service.find_order(uow.session, number)
                        service.label_order(uow.session, order, actor, [ParcelSpec(1200, 300, 200, 150, "M")],
                                            settings=ctx.settings)
                        service.enqueue_documents(uow.session, order, "BENCH-1", settings=ctx.settings, actor=actor)
                        uow.commit()
                    if i:  # the first one pays for imports and font loading
                        times.append((time.perf_counter() - t) * 1000)
                        cpu.append((time.process_time() - c) * 1000)
                figures.append(figure("labels.handoff_label_and_enqueue_median", statistics.median(times), "ms", "<= 500 ms", backend))
                figures.append(figure("labels.handoff_label_and_enqueue_p95", p95(times), "ms", "<= 500 ms", backend))
                figures.append(figure("labels.handoff_client_cpu_median", statistics.median(cpu), "ms", None, backend))
            finally:
                ctx.dispose()
                factory.drop(url)
        factory.close()
    return figures


def run(quick: bool = False, progress: bool = False, backends: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    """Rendering, batching and decoding need no database; the hand-off is measured on each of ``backends``."""
    return bench_render(quick) + bench_batch(quick, progress) + bench_decode(quick) + bench_handoff(quick, backends)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.quick, progress=not args.json)
    if args.json:
        print(json.dumps({"figures": figures}))
    else:
        for f in figures:
            goal = f" (goal {f['goal']})" if f["goal"] else ""
            backend = f" [{f['backend']}]" if f["backend"] else ""
            print(f"{f['name']:<46} {f['value']:>10.3f} {f['unit']}{backend}{goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
