"""studio.ui.visitors: whose work is whose, and each visitor's fair share (no server needed)."""

from types import SimpleNamespace

import pytest

from studio.ui import visitors as mod
from studio.ui.state import GeneratorSlot
from studio.ui.visitors import Busy, Visitors


@pytest.fixture
def as_session(monkeypatch):
    """Act as the Gradio session named; None acts outside any event."""
    current = {}
    monkeypatch.setattr(mod, "current_request", lambda: current.get("request"))

    def act(session):
        current["request"] = None if session is None else SimpleNamespace(session_hash=session)

    return act


@pytest.fixture
def crowd(tmp_path, monkeypatch):
    """Visitors on a public deployment, where each is kept apart (a test sets STUDIO_PUBLIC=0 for the owner's machine)."""
    monkeypatch.setenv("STUDIO_PUBLIC", "1")
    default = GeneratorSlot()
    default.source = "shipped"
    return Visitors(default, runs_root=tmp_path / "runs", max_generators=2)


def test_each_session_has_its_own_jobs_and_generator(crowd, as_session):
    as_session("a")
    a_jobs, a_slot = crowd.jobs(), crowd.own_generator()
    as_session("b")
    assert crowd.jobs() is not a_jobs
    assert crowd.generator() is crowd.default  # B never loaded one: B still draws with the app's default
    as_session("a")
    assert crowd.jobs() is a_jobs and crowd.generator() is a_slot


def test_on_your_own_machine_every_browser_sees_the_owners_job(crowd, as_session, monkeypatch):
    monkeypatch.setenv("STUDIO_PUBLIC", "0")
    as_session("a")
    a_jobs, a_slot = crowd.jobs(), crowd.own_generator()
    as_session("b")
    assert crowd.jobs() is a_jobs, "a second browser sees the same training job"
    assert crowd.generator() is crowd.default, "a generator loaded in one browser stays in that browser"
    monkeypatch.setenv("STUDIO_PUBLIC", "1")
    assert crowd.jobs() is not a_jobs, "on a public deployment visitors are kept apart"


def test_a_reload_finds_the_same_visitor(crowd, as_session):
    as_session("first-page")
    vid = crowd.arrive(None)
    jobs = crowd.jobs()
    as_session("after-reload")  # a new Gradio session in the same browser
    assert crowd.arrive(vid) == vid
    assert crowd.jobs() is jobs
    crowd.leave()
    assert crowd.jobs() is not jobs  # the closed page's session no longer speaks for the visitor


def test_a_forged_browser_id_or_session_cannot_take_another_visitor(crowd, as_session):
    as_session("a")
    vid = crowd.arrive(None)
    jobs = crowd.jobs()
    as_session(vid)  # a client naming its session after A's browser id
    assert crowd.jobs() is not jobs
    as_session("c")
    assert crowd.arrive("../../etc") != "../../etc"  # not an id this app makes: a fresh one instead


def test_past_the_cap_the_least_recent_generator_goes_back_to_the_default(crowd, as_session):
    for who in ("a", "b", "c"):
        as_session(who)
        crowd.own_generator()
    as_session("a")
    assert crowd.generator() is crowd.default
    assert "unloaded to make room" in crowd.describe()
    as_session("c")
    assert crowd.generator() is not crowd.default


def test_a_visitors_slot_starts_as_the_default_so_a_failed_load_keeps_it(crowd, as_session):
    as_session("a")
    slot = crowd.own_generator()
    assert slot is not crowd.default and slot.source == "shipped" and slot.studio is crowd.default.studio


def test_shares_apply_on_a_public_deployment_only(crowd, as_session, monkeypatch):
    as_session("a")
    monkeypatch.setenv("STUDIO_PUBLIC", "0")
    for _ in range(50):
        crowd.admit("stylize")
    monkeypatch.setenv("STUDIO_PUBLIC", "1")
    as_session("b")
    for _ in range(4):
        crowd.admit("stylize")
    with pytest.raises(Busy, match="4 paintings waiting or running"):
        crowd.admit("stylize")
    as_session("c")
    crowd.admit("stylize")  # another visitor's share is untouched
    as_session("b")
    crowd.release("stylize")  # one of B's ended: room for one more
    crowd.admit("stylize")


@pytest.fixture
def public_clock(monkeypatch, as_session):
    """A public deployment, visitor A, and a clock the test moves: now[0] is the time."""
    monkeypatch.setenv("STUDIO_PUBLIC", "1")
    as_session("a")
    now = [1000.0]
    monkeypatch.setattr(mod.time, "monotonic", lambda: now[0])
    return now


def test_a_request_never_served_stops_counting(crowd, public_clock):
    now = public_clock
    crowd.admit("load")
    with pytest.raises(Busy, match="1 generator loads"):
        crowd.admit("load")
    now[0] += 301  # cancelled while queued: its place comes back
    crowd.admit("load")


def test_a_per_minute_bound_says_when_to_try_again(crowd, public_clock):
    now = public_clock
    for _ in range(2):
        crowd.admit("video")
        crowd.release("video")
        now[0] += 10
    with pytest.raises(Busy, match=r"at most 2 videos a minute .* try again in 40 s"):
        crowd.admit("video")
    now[0] += 41
    crowd.admit("video")


def test_the_gate_answers_one_verdict_per_input_and_served_releases(crowd, as_session, monkeypatch):
    monkeypatch.setenv("STUDIO_PUBLIC", "1")
    as_session("a")
    gate = crowd.gate("twin")
    assert [v["is_valid"] for v in gate("picture", 3)] == [True, True]
    assert gate({"composite": 1, "layers": 2})[0]["is_valid"] is True  # a sketch's value, not a set of inputs
    refused = gate("picture", 3)
    assert [v["is_valid"] for v in refused] == [False, True] and "busy" in refused[0]["message"]
    served = crowd.served("twin")(lambda: "done")
    assert served() == "done"  # one place freed...
    assert gate("picture", 3)[0]["is_valid"] is True  # ...and taken again


def test_one_training_job_at_a_time_on_a_public_machine(crowd, as_session, monkeypatch):
    monkeypatch.setenv("STUDIO_PUBLIC", "1")
    monkeypatch.delenv("STUDIO_MAX_JOBS", raising=False)
    as_session("a")
    monkeypatch.setattr(crowd.jobs(), "running", lambda: True)
    crowd.room_for_a_job()  # A's own job does not count against A
    as_session("b")
    with pytest.raises(Busy, match="busy with 1 other visitor's run"):
        crowd.room_for_a_job()


def test_counted_when_run_a_refusal_is_a_message_and_frees_no_other_place(crowd, as_session, monkeypatch):
    import gradio as gr

    monkeypatch.setenv("STUDIO_PUBLIC", "1")
    as_session("a")
    handler = crowd.fair("twin", lambda x: x * 2, before_queue=False)["fn"]
    crowd.admit("twin")
    crowd.admit("twin")  # both of A's places taken by requests still running
    with pytest.raises(gr.Error, match="busy"):
        handler(1)
    with pytest.raises(Busy):
        crowd.admit("twin")  # the refusal above gave back no place it had not taken
    crowd.release("twin")
    assert handler(2) == 4


def test_after_a_visitor_uses_their_run_the_mcp_tools_still_draw_with_the_default(as_session, tmp_path,
                                                                                   tiny_generator):
    """The finding: after one client's train_use, every visitor's Digits and MCP draw_digit used that run."""
    import numpy as np

    from studio.digits.checkpoints import save_generator
    from studio.ui import digits_tab, tools
    from studio.ui.state import GENERATOR, VISITORS

    GENERATOR.load("shipped")
    save_generator(tmp_path / "generator.safetensors", tiny_generator, {"training": {"step": 1}})
    as_session("a")
    assert "Loaded generator" in VISITORS.own_generator().load(str(tmp_path / "generator.safetensors"))
    mine = digits_tab.render(3, "none", 0.5, 42, 1.0, *[0] * 8, "pca", None)
    as_session("b")
    theirs = digits_tab.render(3, "none", 0.5, 42, 1.0, *[0] * 8, "pca", None)
    assert mine != theirs  # A draws with A's run, B with the default
    as_session("a")
    tool = np.asarray(tools.draw_digit(3, 42, -1, 0.5, 1.0))
    shipped = np.asarray(GENERATOR.get().image(seed=42, digit=3, blend=0.5, truncation=1.0).resize((280, 280), 0))
    assert np.array_equal(tool, shipped)


def test_idle_visitors_are_forgotten_and_their_number_is_bounded(crowd, as_session, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(mod.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(mod, "MAX_VISITORS", 5)
    as_session("busy")
    monkeypatch.setattr(crowd.jobs(), "running", lambda: True)  # a visitor with a running job stays
    for k in range(8):
        now[0] += 1
        as_session(f"api-{k}")
        crowd.current()
    assert len(crowd._visitors) <= 5 and "s:busy" in crowd._visitors and "s:api-7" in crowd._visitors
    now[0] += mod.IDLE_S + 61
    as_session("late")
    crowd.current()
    assert set(crowd._visitors) == {"s:busy", "s:late"}
