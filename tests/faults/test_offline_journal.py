"""The station's offline scan journal on both databases: what the packer is told when a scan is stored, the
replay in order through the normal scan path, exactly once even when the station died between the server's
commit and the replayed mark, and a journal that outlives the station process."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from app.packing.classify import classify
from app.packing.offline import STORED, OfflineScans, Replayer, ScanJournal, database_name
from app.packing.service import PackService
from app.uow import Actor
from db.models.packing import PackBox, PackBoxItem, PackScan
from tests.faults.conftest import pack_state


def _service(ctx, bench, printed, **kwargs) -> PackService:
    return PackService(ctx.sessions, ctx.settings, bench.station, Actor(station=bench.station, user=bench.packer, role="packer"),
                       print_dispatch=printed, **kwargs)


def _journal(ctx, bench, tmp_path) -> ScanJournal:
    return ScanJournal(tmp_path / "journal.sqlite", bench.station, database_name(ctx.settings.db_url))


def test_stored_scans_replay_in_order_exactly_once_after_a_crash_before_the_mark(ctx, bench, order_factory, printed, tmp_path):
    number = order_factory([("P-CABLE", 3), ("P-MUG", 1)])
    station = _service(ctx, bench, printed)
    station.open(number)
    offline = OfflineScans(_journal(ctx, bench, tmp_path))
    offline.remember(station.view())
    raws = [bench.gtins["P-CABLE"]] * 3 + [bench.gtins["P-MUG"]]
    answers = [offline.store(classify(raw), offline.new_key()) for raw in raws]
    assert [a.reason for a in answers] == [STORED] * 4
    assert [(a.packed, a.quantity) for a in answers] == [(1, 3), (2, 3), (3, 3), (1, 1)]
    assert answers[-1].next_step == "next_order"  # provisionally complete
    offline.journal.close()

    # The station process is gone; a new one finds the scans on disk.
    journal = _journal(ctx, bench, tmp_path)
    assert journal.waiting() == 4
    stored = journal.pending()
    # The last station sent the first one and died before marking it: the server has it, the journal does not know.
    assert _service(ctx, bench, printed).scan(stored[0].raw, key=stored[0].key).reason == "ticked"

    outcomes = Replayer(journal, lambda: _service(ctx, bench, printed)).replay_all()
    assert [o.stored.key for o in outcomes] == [s.key for s in stored]  # in order
    assert [o.answer.reason for o in outcomes] == ["already_recorded", "ticked", "ticked", "complete"]
    assert not any(o.refused for o in outcomes) and journal.waiting() == 0
    assert Replayer(journal, lambda: _service(ctx, bench, printed)).replay_all() == []  # never twice
    state = pack_state(ctx, number)
    assert Counter(state["keys"]) == Counter(s.key for s in stored)
    assert state["ticks"] == state["boxed"] == state["ticked"] == 4 and state["status"] in ("packed", "labelled")
    with ctx.sessions() as s:
        sent = list(s.scalars(select(PackScan.client_key).where(PackScan.client_key.is_not(None)).order_by(PackScan.id)))
    assert sent == [s.key for s in stored]
    assert journal.outcome(stored[-1].key) == ("complete", "complete")
    journal.close()


def test_a_wrong_item_is_refused_at_once_and_reported_again_when_checked(ctx, bench, order_factory, printed, tmp_path):
    number = order_factory([("P-CABLE", 2)])
    station = _service(ctx, bench, printed)
    station.open(number)
    offline = OfflineScans(_journal(ctx, bench, tmp_path))
    offline.remember(station.view())
    wrong = offline.store(classify(bench.gtins["P-BOOK"]), offline.new_key())
    assert wrong.verdict == "refused" and wrong.message.code == "stored_offline_wrong_item"
    assert "Put it aside" in wrong.text() and "Stored at this station" in wrong.text()
    assert "请放到一边" in wrong.text("zh_CN")
    extra = [offline.store(classify(bench.gtins["P-CABLE"]), offline.new_key()) for _ in range(3)]
    assert [a.verdict for a in extra] == ["ok", "ok", "refused"] and extra[-1].message.code == "stored_offline_extra_item"

    outcomes = Replayer(offline.journal, lambda: _service(ctx, bench, printed)).replay_all()
    assert [o.answer.reason for o in outcomes] == ["wrong_item", "ticked", "complete", "no_order"]
    assert [o.refused for o in outcomes] == [True, False, False, True]
    told = outcomes[0].shown()
    assert told.message.code == "replayed_refused" and "refused when checked" in told.text()
    assert "核对时被拒收" in told.text("zh_CN") and "不属于订单" in told.text("zh_CN")
    assert outcomes[1].shown().text().startswith("Stored scan checked: ")
    offline.journal.close()


def test_without_the_order_known_a_scan_is_only_stored_and_not_understood_stays_so(ctx, bench, tmp_path):
    offline = OfflineScans(_journal(ctx, bench, tmp_path))
    answer = offline.store(classify(bench.gtins["P-MUG"]), offline.new_key())
    assert (answer.verdict, answer.reason, answer.message.code) == ("ok", STORED, "stored_offline")
    assert answer.message.severity == "warn"
    assert answer.text() == "Stored at this station, will be checked when the database is back."
    garbled = offline.store(classify("not a barcode \x07"), offline.new_key())
    assert garbled.verdict == "not_understood"
    assert offline.waiting() == 2  # both kept: the database records what was scanned, understood or not
    offline.journal.close()


def test_new_scans_wait_behind_stored_ones_and_another_database_is_left_alone(ctx, bench, order_factory, printed, tmp_path):
    number = order_factory([("P-CABLE", 3)])
    elsewhere = ScanJournal(tmp_path / "journal.sqlite", bench.station, "postgresql://postgres@elsewhere/station")
    elsewhere.append(bench.gtins["P-CABLE"], "k-elsewhere", number, "ok")
    elsewhere.close()
    offline = OfflineScans(_journal(ctx, bench, tmp_path))
    assert offline.waiting() == 0  # the other database's scan is not this one's to replay
    station = _service(ctx, bench, printed, offline=offline)
    station.open(number)
    offline.store(classify(bench.gtins["P-CABLE"]), offline.new_key())  # stored while the database was away
    # The database answers again, but a new scan must not overtake the stored one: it joins the journal.
    assert station.scan(bench.gtins["P-CABLE"]).reason == STORED
    assert pack_state(ctx, number)["ticks"] == 0
    outcomes = Replayer(offline.journal, lambda: _service(ctx, bench, printed)).replay_all()
    assert [o.answer.reason for o in outcomes] == ["ticked", "ticked"]
    answer = station.scan(bench.gtins["P-CABLE"])  # nothing waits: straight to the database, with a key
    assert answer.verdict == "complete"
    state = pack_state(ctx, number)
    assert state["ticks"] == 3 and len(state["keys"]) == 3 and "k-elsewhere" not in state["keys"]
    offline.journal.close()


def test_a_stored_scan_the_database_refuses_never_holds_back_the_ones_after_it(ctx, bench, order_factory, printed, tmp_path):
    number = order_factory([("P-CABLE", 2)])
    _service(ctx, bench, printed).open(number)
    if ctx.backend == "postgresql":  # a database that refuses one scan whatever is tried (an administrator's rule)
        with ctx.engine.begin() as conn:
            conn.exec_driver_sql("""
                CREATE FUNCTION refuse_marked_scans() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.raw = 'REFUSE-ME' THEN RAISE EXCEPTION 'scan refused' USING ERRCODE = '22000'; END IF;
                    RETURN NEW;
                END $$""")
            conn.exec_driver_sql("CREATE TRIGGER refuse_marked_scans BEFORE INSERT ON pack_scans "
                                 "FOR EACH ROW EXECUTE FUNCTION refuse_marked_scans()")
    offline = OfflineScans(_journal(ctx, bench, tmp_path))
    for raw in ("REFUSE-ME", "4006381\x00333931", bench.gtins["P-CABLE"]):
        offline.store(classify(raw), offline.new_key())
    outcomes = Replayer(offline.journal, lambda: _service(ctx, bench, printed)).replay_all()
    refused, noise, good = outcomes
    if ctx.backend == "postgresql":
        assert refused.answer.reason == "replay_failed" and refused.refused
        assert "call a supervisor" in refused.shown().text()
    else:
        assert refused.answer.reason == "unknown_code"  # SQLite keeps it: an unknown code, refused as such
    assert noise.answer.verdict == "not_understood"  # line noise stays line noise after the journal
    assert good.answer.reason == "ticked" and offline.waiting() == 0
    assert pack_state(ctx, number)["ticks"] == 1
    offline.journal.close()


def test_a_box_closed_by_the_replay_gets_no_tick_afterwards(ctx, bench, order_factory, printed, tmp_path):
    number = order_factory([("P-CABLE", 3)])
    offline = OfflineScans(_journal(ctx, bench, tmp_path))
    station = _service(ctx, bench, printed, offline=offline)
    station.open(number)
    cable = bench.gtins["P-CABLE"]
    assert station.scan(cable).reason == "ticked"  # box 1, which the station's service remembers
    offline.store(classify("CMD:CLOSE-BOX"), offline.new_key())  # the database away
    assert station.scan(cable).reason == STORED
    outcomes = Replayer(offline.journal, lambda: _service(ctx, bench, printed)).replay_all()
    assert [o.answer.reason for o in outcomes] == ["box_closed", "ticked"]
    assert station.scan(cable).verdict == "complete"
    with ctx.sessions() as s:
        units = dict(s.execute(select(PackBox.seq, func.sum(PackBoxItem.quantity)).join(PackBoxItem, PackBoxItem.box_id == PackBox.id)
                               .group_by(PackBox.seq)).all())
    assert units == {1: 1, 2: 2}
    offline.journal.close()


def test_a_supervisor_badge_stored_offline_approves_when_checked_and_leaves_the_station_disk(
        ctx, bench, order_factory, printed, tmp_path):
    number = order_factory([("P-CABLE", 1), ("P-BOOK", 1)])
    station = _service(ctx, bench, printed)
    station.open(number)
    assert station.scan(bench.gtins["P-CABLE"]).reason == "ticked"
    assert station.request_partial().reason == "supervisor_needed"
    offline = OfflineScans(_journal(ctx, bench, tmp_path))
    offline.store(classify(bench.supervisor_badge), offline.new_key())  # the database away when the badge is scanned
    (outcome,) = Replayer(offline.journal, lambda: _service(ctx, bench, printed)).replay_all()
    assert outcome.answer.reason == "partial_shipped" and not outcome.refused
    assert [stored.raw for stored in offline.journal.all()] == ["badge:***"]
    offline.journal.close()
    on_disk = b"".join(path.read_bytes() for path in tmp_path.glob("journal.sqlite*"))
    assert bench.supervisor_badge.encode() not in on_disk
