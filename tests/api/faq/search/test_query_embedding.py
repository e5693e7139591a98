"""A query's e5 vector embedded in the background thread while the words are scored
(encoders.py `prefetch`): the same vectors and scores as embedding it in the search's own
thread, each text embedded once, and safe across a fork."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import threading
import time
import zlib

import numpy as np
import pytest

from api.faq.search import FaqDocument, FaqIndex
from api.faq.search.encoders import _Base, _Memo, default_encoders, get_encoder
from api.faq.search.meaning import MeaningView, view_scores
from tests.conftest import REPO_ROOT

FAQ = [
    FaqDocument(
        "garbage", "粗大ごみの出し方を知りたい", "粗大ごみは事前に申し込みが必要です。", "gomi"
    ),
    FaqDocument(
        "juminhyo", "住民票の写しを取りたい", "住民票の写しは市民課の窓口で取得できます。", "shimin"
    ),
    FaqDocument(
        "dog", "犬を飼い始めたときの登録", "飼い犬の登録と狂犬病予防注射が必要です。", "eisei"
    ),
    FaqDocument("tax", "個人市民税の納付方法", "個人市民税は銀行やコンビニで納付できます。", "zei"),
]


class Counting(_Base):
    """A background encoder whose vectors depend on the text only; it counts its calls."""

    background = True

    def __init__(self, delay: float = 0.0, fail_first: bool = False) -> None:
        super().__init__()
        self.name, self.dim = "counting", 8
        self.delay = delay
        self.fail_first = fail_first
        self.calls: list[tuple[str, str]] = []  # (text, thread name)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = []
        for text in texts:
            self.calls.append((text, threading.current_thread().name))
            time.sleep(self.delay)
            if self.fail_first:
                self.fail_first = False
                raise RuntimeError("engine failed")
            rng = np.random.default_rng(zlib.crc32(text.encode()))
            vec = rng.standard_normal(self.dim).astype(np.float32)
            out.append(vec / np.linalg.norm(vec))
        return np.stack(out)


def test_a_prefetched_query_is_embedded_once_in_the_background_and_read_back() -> None:
    encoder = Counting(delay=0.05)
    encoder.prefetch("粗大ごみ")
    encoder.prefetch("粗大ごみ")  # already on its way: not again
    vec = encoder.queries(["粗大ごみ"])[0]
    assert [text for text, _ in encoder.calls] == ["粗大ごみ"]
    assert encoder.calls[0][1].startswith("query-embedding")
    assert np.array_equal(vec, Counting().queries(["粗大ごみ"])[0])
    # a memo hit: the same vector, nothing embedded, nothing prefetched
    encoder.prefetch("粗大ごみ")
    assert np.array_equal(encoder.queries(["粗大ごみ"])[0], vec)
    assert len(encoder.calls) == 1


def test_an_encoder_that_does_not_embed_in_the_background_ignores_prefetch() -> None:
    encoder = Counting()
    encoder.background = False
    encoder.prefetch("住民票")
    assert encoder.calls == []
    encoder.queries(["住民票"])
    assert encoder.calls[0][1] == threading.current_thread().name


def test_a_failed_background_embedding_is_done_again_by_the_search() -> None:
    encoder = Counting(fail_first=True)
    encoder.prefetch("犬の登録")
    vec = encoder.queries(["犬の登録"])[0]
    assert np.array_equal(vec, Counting().queries(["犬の登録"])[0])
    assert len(encoder.calls) == 2


def test_the_views_come_in_their_own_order_with_the_background_one_read_last() -> None:
    slow, quick = Counting(delay=0.05), Counting()
    quick.background = False
    views = {
        kind: MeaningView.build(kind, enc, FAQ) for kind, enc in (("e5", slow), ("use", quick))
    }
    scores = view_scores(views, "粗大ごみを捨てたい")
    assert list(scores) == ["e5", "use"]
    for kind, view in views.items():
        expected = view.similarities(view.encoder.queries(["粗大ごみを捨てたい"])[0])
        assert np.array_equal(scores[kind], expected)


def _prefetched_in_parent(queue: multiprocessing.Queue, encoder: Counting) -> None:  # type: ignore[type-arg]
    # the parent's background embedding of this text never finishes in this process
    queue.put(encoder.queries(["粗大ごみ"])[0].tolist())


def test_a_child_forked_while_a_query_is_embedded_embeds_it_itself() -> None:
    encoder = Counting(delay=0.5)
    encoder.prefetch("粗大ごみ")
    time.sleep(0.05)  # the background thread is inside the engine, holding its lock
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_prefetched_in_parent, args=(queue, encoder))
    child.start()
    child.join(30)
    assert child.exitcode == 0, "the forked child hung or failed"
    assert np.allclose(queue.get(timeout=5), encoder.queries(["粗大ごみ"])[0])


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    meaning = {
        kind: MeaningView.build(kind, encoder, FAQ) for kind, encoder in default_encoders().items()
    }
    return FaqIndex.build(FAQ, meaning=meaning)


@pytest.mark.parametrize(
    "query",
    ["粗大ごみを出したい", "住民票はどこで取れますか", "犬の登録", "市民税をコンビニで払う"],
)
def test_the_search_scores_the_same_with_e5_embedded_in_the_background(
    index: FaqIndex, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    e5 = get_encoder("e5")
    assert isinstance(e5, _Base) and e5.background
    monkeypatch.setattr(e5, "_memo", _Memo(8))  # nothing known yet
    background = index.score(query)
    monkeypatch.setattr(e5, "_memo", _Memo(8))
    monkeypatch.setattr(e5, "background", False)  # embedded in the search's own thread
    inline = index.score(query)
    assert np.array_equal(background.scores, inline.scores)
    for kind in ("lexical", "e5", "use"):
        assert np.array_equal(background.views[kind], inline.views[kind])


EXIT_WHILE_EMBEDDING = """
import time
import numpy as np
from api.faq.search.encoders import _Base

class Stuck(_Base):
    background = True
    name, dim = "stuck", 4

    def _encode(self, texts, is_query):
        time.sleep(600)  # an engine busy (with a rebuild's passages, say) for minutes
        return np.ones((len(texts), 4), np.float32)

Stuck().prefetch("粗大ごみ")
print("exiting", flush=True)
"""


def test_a_process_exits_while_a_query_waits_for_the_engine() -> None:
    done = subprocess.run(
        [sys.executable, "-c", EXIT_WHILE_EMBEDDING],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "exiting" in done.stdout, done.stderr
