from __future__ import annotations

import itertools
import threading
import time

import pytest
from spacy.language import Language

from api.nlp import extract, first_place, pipeline
from api.nlp.pipeline import ENE_TO_LABEL, MAX_NER_CHARS, ner_window, parse
from api.nlp.rules import find_rule_spans
from api.nlp.spans import NER_LABELS, RULE_LABELS, Span

pytestmark = pytest.mark.usefixtures("nlp")


def labelled(spans: list[Span]) -> list[tuple[str, str]]:
    return [(s.label, s.text) for s in spans]


def assert_well_formed(text: str, spans: list[Span]) -> None:
    for span in spans:
        assert text[span.start : span.end] == span.text
    for before, after in itertools.pairwise(spans):
        assert before.end <= after.start, (before, after)


# --- Format rules (the NER mislabels all of these) --------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("090-1234-5678", [("PHONE", "090-1234-5678")]),
        ("携帯は０９０－１２３４－５６７８です", [("PHONE", "０９０－１２３４－５６７８")]),
        ("090ー1234ー5678まで", [("PHONE", "090ー1234ー5678")]),
        ("090‐1234‐5678まで", [("PHONE", "090‐1234‐5678")]),
        ("09012345678に電話ください", [("PHONE", "09012345678")]),
        ("03(1234)5678", [("PHONE", "03(1234)5678")]),
        ("（03）1234-5678", [("PHONE", "（03）1234-5678")]),
        ("フリーダイヤル0120-123-456", [("PHONE", "0120-123-456")]),
        ("+81-90-1234-5678", [("PHONE", "+81-90-1234-5678")]),
        ("+81 (0)3 1234 5678", [("PHONE", "+81 (0)3 1234 5678")]),
        ("＋８１９０１２３４５６７８", [("PHONE", "＋８１９０１２３４５６７８")]),  # 12 digits
        ("電話は1234-5678です", [("PHONE", "1234-5678")]),
        ("メールはtaro.yamada@example.co.jpです。", [("EMAIL", "taro.yamada@example.co.jp")]),
        ("taro＠example.jp", [("EMAIL", "taro＠example.jp")]),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", [("EMAIL", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ")]),
        ("マイナンバーは1234 5678 9012です", [("MY_NUMBER", "1234 5678 9012")]),
        ("個人番号1234-5678-9012", [("MY_NUMBER", "1234-5678-9012")]),
        ("123456789012", [("MY_NUMBER", "123456789012")]),
        ("〒123-4567", [("POSTAL_CODE", "123-4567")]),
        ("郵便番号は１２３－４５６７です", [("POSTAL_CODE", "１２３－４５６７")]),
        ("緑町3丁目の交差点で信号が壊れています", [("ADDRESS", "緑町3丁目")]),
        ("緑町三丁目", [("ADDRESS", "緑町三丁目")]),
        (
            "東京都千代田区緑町一丁目2番3号に住んでいます",
            [("ADDRESS", "東京都千代田区緑町一丁目2番3号")],
        ),
        ("みどり野市緑町1-2-3です", [("ADDRESS", "みどり野市緑町1-2-3")]),
        ("緑町1丁目2-3", [("ADDRESS", "緑町1丁目2-3")]),
        ("緑町1丁目の一番奥", [("ADDRESS", "緑町1丁目")]),  # 一番 = "most", not a block
        ("緑町二番三号", [("ADDRESS", "緑町二番三号")]),
        ("本町123番地の4", [("ADDRESS", "本町123番地の4")]),
        ("自由が丘2丁目", [("ADDRESS", "自由が丘2丁目")]),
        ("札幌市中央区北1条西2丁目", [("ADDRESS", "札幌市中央区北1条西2丁目")]),
        ("住所は東京都 千代田区 緑町1-2-3 です", [("ADDRESS", "東京都 千代田区 緑町1-2-3")]),
    ],
)
def test_format_rules(text: str, expected: list[tuple[str, str]]) -> None:
    spans = extract(text)
    assert [s for s in labelled(spans) if s[0] in RULE_LABELS] == expected
    assert_well_formed(text, spans)


@pytest.mark.parametrize(
    "text",
    [
        "受付番号2026-000123の件です",
        "2026-11-27に伺います",
        "手数料は1,000円です",
        "国道16号の陸橋に落書き",
        "3番線のホーム",
        "資料1-2を見てください",
        "第3-2会議室",
        "0312345678901234",  # too long for a phone number, too long for My Number
    ],
)
def test_no_rule_false_positives(text: str) -> None:
    assert find_rule_spans(text) == []


def test_rules_win_over_ner() -> None:
    # ja_ginza alone: 緑町→Station, 丁目→City, 090-→Speed, taro@…→Person, マイナンバー→Date.
    text = "緑町3丁目の山田太郎です。090-1234-5678、taro@example.jp、マイナンバーは1234 5678 9012"
    assert labelled(extract(text)) == [
        ("ADDRESS", "緑町3丁目"),
        ("PERSON", "山田太郎"),
        ("PHONE", "090-1234-5678"),
        ("EMAIL", "taro@example.jp"),
        ("MY_NUMBER", "1234 5678 9012"),
    ]


def test_ner_part_next_to_a_rule_span_is_kept() -> None:
    text = "山田太郎090-1234-5678"
    assert labelled(extract(text)) == [("PERSON", "山田太郎"), ("PHONE", "090-1234-5678")]


# --- NER ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鈴木花子と申します。", [("PERSON", "鈴木花子")]),
        ("担当の高橋さんに伝えてください。", [("PERSON", "高橋")]),
        ("中央公園の前の道路に穴があいています。", [("FACILITY", "中央公園")]),
        ("桜川の河川敷にごみが捨てられています。", [("PLACE", "桜川")]),
        ("11月27日に粗大ごみを出したいです。", [("DATE", "11月27日")]),
        ("令和8年4月1日から保育園に入れたいです", [("DATE", "令和8年4月1日")]),
        ("明日の午後3時に伺います。", [("DATE", "午後3時")]),
        # Sudachi splits みどり|野市 and the NER calls みどり a Person.
        ("みどり野市に引っ越してきました。", [("PLACE", "みどり野市")]),
        ("マイナンバーカードの更新はどこでできますか", []),
        ("3日間ずっと街灯が消えています", []),  # a duration, not a date
    ],
)
def test_ner(text: str, expected: list[tuple[str, str]]) -> None:
    spans = extract(text)
    assert labelled(spans) == expected
    assert_well_formed(text, spans)


def test_doc_ents_carry_only_our_labels(nlp: Language) -> None:
    assert nlp.pipe_names == ["tok2vec", "ner", "madoguchi_rules"]
    doc = nlp("緑町3丁目の中央公園で山田太郎さんが11月27日に転びました。090-1234-5678")
    assert {ent.label_ for ent in doc.ents} == {"ADDRESS", "FACILITY", "PERSON", "DATE", "PHONE"}


def test_label_mapping_uses_labels_the_model_has(nlp: Language) -> None:
    assert set(ENE_TO_LABEL) <= set(nlp.get_pipe("ner").labels)
    assert set(ENE_TO_LABEL.values()) == NER_LABELS


def test_offsets_are_into_the_original_text() -> None:
    text = (
        "　\n山田太郎です。\t〒１２３－４５６７　東京都千代田区緑町１丁目２番３号　"
        "０３（１２３４）５６７８"
    )
    spans = extract(text)
    assert labelled(spans) == [
        ("PERSON", "山田太郎"),
        ("POSTAL_CODE", "１２３－４５６７"),
        ("ADDRESS", "東京都千代田区緑町１丁目２番３号"),
        ("PHONE", "０３（１２３４）５６７８"),
    ]
    assert_well_formed(text, spans)


def test_lone_surrogate_does_not_break_ner() -> None:
    text = "山田太郎です\ud800 090-1234-5678"  # JSON may carry "\\ud800"; SudachiPy cannot
    assert labelled(extract(text)) == [("PERSON", "山田太郎"), ("PHONE", "090-1234-5678")]


@pytest.mark.parametrize("text", ["", "   ", "\n\t　"])
def test_blank_text(text: str) -> None:
    assert extract(text) == []


# --- Long input --------------------------------------------------------------------------------
def test_ner_sees_a_bounded_window_cut_at_a_sentence_end() -> None:
    text = "中央公園の前の道路に大きな穴があいています。" * 500  # 11,000 characters
    window = ner_window(text)
    assert MAX_NER_CHARS - 200 <= len(window) <= MAX_NER_CHARS
    assert window.endswith("。")
    assert ner_window(text[:MAX_NER_CHARS]) == text[:MAX_NER_CHARS]


def test_parse_runs_on_the_window_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "MAX_NER_CHARS", 60)  # a short window keeps the test quick
    text = "中央公園の前の道路に大きな穴があいています。" * 500
    assert parse(text).text == text[:44]  # two sentences: the cut is at the last 。 in reach


def test_rules_and_names_cover_the_whole_long_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "MAX_NER_CHARS", 100)
    filler = "道路の穴について相談したいことがあります。" * 500
    text = "山田太郎と申します。" + filler + "山田太郎の電話は090-1234-5678です。"
    assert len(text) > 10_000
    spans = extract(text)
    assert labelled(spans) == [
        ("PERSON", "山田太郎"),
        ("PERSON", "山田太郎"),  # past the NER window: found again by its surface
        ("PHONE", "090-1234-5678"),
    ]
    assert spans[-1].end == len(text) - len("です。")


# --- Concurrency -------------------------------------------------------------------------------
def test_concurrent_calls_are_safe() -> None:
    # Without the lock, SudachiPy raises "RuntimeError: Already borrowed" here.
    text = "緑町3丁目の中央公園で山田太郎さんが転びました。電話は090-1234-5678です。"
    expected = extract(text)
    results: list[list[Span]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(3):
                results.append(extract(text))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == [expected] * 12


# --- Location of a report ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("緑町3丁目の交差点で信号が壊れています。", "緑町3丁目の交差点"),
        ("中央公園の前の道路に大きな穴があいています。", "中央公園の前"),
        ("みどり野市の中央公園の前の道路が陥没しています。", "みどり野市の中央公園の前"),
        ("先週の土曜日、みどり駅の南口付近で街灯が消えていました。", "みどり駅の南口付近"),
        ("緑が丘2丁目の公民館の駐車場に車が放置されています", "緑が丘2丁目の公民館の駐車場"),
        # The writer's own address is not where the problem is.
        ("住所は緑町1-2-3です。中央公園のベンチが壊れています", "中央公園"),
        ("緑町3丁目在住の山田です。桜川に油が浮いています", "桜川"),
        ("みどり野駅北口の地下道の壁に落書きがされています", "みどり野駅北口"),
        # Named places the NER misses (北公園 is a Corporation to it, けやき通り nothing).
        ("北公園のシーソーが割れていて危ない", "北公園"),
        ("けやき通りの郵便局の前で道路標識が倒れています", "けやき通り"),
        ("みどり野中学校の前の横断歩道の信号が壊れています", "みどり野中学校の前"),
        # No named place: the bot must still ask where.
        ("近くの公園の遊具が壊れているので見に来てほしい", None),
        ("この公園でボール遊びはできますか", None),
        ("大きな公園の木が倒れそうです", None),
        ("住民票の写しはどこで取れますか", None),
    ],
)
def test_first_place(text: str, expected: str | None) -> None:
    assert first_place(text) == expected


def test_pipeline_is_loaded_once_under_concurrent_first_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loads: list[str] = []

    class FakeLanguage:
        def add_pipe(self, name: str, **_: object) -> None:
            pass

    def slow_load(name: str, **_: object) -> FakeLanguage:
        loads.append(name)
        time.sleep(0.05)  # wide window for a second thread to start loading too
        return FakeLanguage()

    monkeypatch.setattr(pipeline, "_nlp", None)  # restored after the test
    monkeypatch.setattr(pipeline.spacy, "load", slow_load)
    barrier = threading.Barrier(4)
    seen: list[object] = []

    def first_use() -> None:
        barrier.wait()
        seen.append(pipeline.get_pipeline())

    threads = [threading.Thread(target=first_use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == ["ja_ginza"]
    assert len(seen) == 4 and all(loaded is seen[0] for loaded in seen)
