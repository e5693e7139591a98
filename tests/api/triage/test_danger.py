from __future__ import annotations

import pytest

from api.triage.danger import Danger, assess


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("道路が陥没して車が落ちそうです", {Danger.hazard}),
        ("どうろがかんぼつしてます", {Danger.hazard}),
        ("強風で木が倒れて道をふさいでいます", {Danger.hazard}),
        ("倒木で通れない", {Danger.hazard}),
        ("大雨で地下道が冠水しています", {Danger.hazard}),
        ("ブランコの鎖が切れていてあぶない", {Danger.hazard}),
        ("擁壁が崩れそうです", {Danger.hazard}),
        ("水道管が破裂して水が噴き出しています", {Danger.hazard}),
        ("ガス臭い！", {Danger.gas}),
        ("マンホールのあたりからガスの臭いがします", {Danger.gas}),
        ("空き地で枯れ草が燃えています", {Danger.fire}),
        ("ごみ集積所から煙が出ている", {Danger.fire}),
        ("公園で火が出てる", {Danger.fire}),
        ("歩道の段差で転んでけがをしました", {Danger.injury}),
        ("道で人が倒れています", {Danger.injury, Danger.hazard}),
        ("じこです", {Danger.accident}),
        ("がすくさい", {Danger.gas}),
        ("交差点で事故があって信号機が倒れてる", {Danger.accident, Danger.hazard}),
    ],
)
def test_danger_is_recognised(text: str, expected: set[Danger]) -> None:
    assessment = assess(text)
    assert set(assessment.dangers) == expected
    assert assessment.urgent
    assert assessment.emergency == any(d.emergency for d in expected)
    assert assessment.signals  # staff can see which words flagged it


@pytest.mark.parametrize(
    "text",
    [
        "街灯が切れています",
        "公園のベンチのペンキがはげています",
        "燃えるごみが回収されていません",
        "火曜日の資源ごみが残っています",
        "けがはしていませんが、歩道の段差が気になります",
        "危なくはないのですが、カーブミラーが少し曲がっています",
        "花火のごみが公園に散らかっています",
        "",
    ],
)
def test_ordinary_reports_are_not_urgent(text: str) -> None:
    assessment = assess(text)
    assert not assessment.urgent, assessment


def test_a_negated_clause_does_not_hide_a_danger_in_the_next() -> None:
    assessment = assess("けがはないけど、道路が大きく陥没している")
    assert assessment.dangers == (Danger.hazard,)
    assert not assessment.emergency


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A tree fell on the road and is blocking it", {Danger.hazard}),
        ("There is a sinkhole in front of the school", {Danger.hazard}),
        ("The road near the river is flooded", {Danger.hazard}),
        ("A power line is down on Chuo Street", {Danger.hazard}),
        ("I smell gas near the manhole", {Danger.gas}),
        ("Black smoke is coming from the garbage station", {Danger.fire}),
        ("The grass in the empty lot is on fire!", {Danger.fire}),
        ("A man collapsed on the sidewalk", {Danger.injury, Danger.hazard}),
        ("My child got hurt on the broken swing", {Danger.injury}),
        ("There was a car accident at the crossing", {Danger.accident}),
        ("道路に穴、very dangerous", {Danger.hazard}),
        ("Please fix the pothole before someone is hurt", {Danger.hazard}),
        ("The broken swing could hurt a child", {Danger.hazard}),
    ],
)
def test_english_danger_is_recognised(text: str, expected: set[Danger]) -> None:
    assessment = assess(text)
    assert set(assessment.dangers) == expected
    assert assessment.signals


@pytest.mark.parametrize(
    "text",
    [
        "The streetlight in front of my house is out",
        "The fire hydrant cover is missing",
        "Nobody was hurt, but the bench is broken",
        "It is not dangerous, the curve mirror is a little bent",
        "People smoke in the park every night",
        "The burnable garbage was not collected",
    ],
)
def test_ordinary_english_reports_are_not_urgent(text: str) -> None:
    assessment = assess(text)
    assert not assessment.urgent, assessment
