"""The scam-spotting game and the link checker, played through their buttons as a browser would."""

from __future__ import annotations

import copy
import tomllib
import unicodedata
from importlib.resources import files

import pytest

from kynangso.safety import classify_link
from kynangso.widgets import ScamSpotter
from kynangso.widgets.scam_spotter import LinkChecker, Round, RoundSet, default_rounds, parse_rounds

RAW = tomllib.loads(files("kynangso.widgets").joinpath("scam_spotter_rounds.toml").read_text("utf-8"))
WRONG = {"safe": "scam", "scam": "safe"}


def play(game: ScamSpotter, pick) -> list[bool]:
    """Answer the remaining rounds with ``pick(round)`` by clicking, as a learner does."""
    results = []
    while not game.finished:
        before = game.feedback.value
        game.choice_buttons[pick(game.current)].click()
        assert game.feedback.value and game.feedback.value != before, "every answer must be explained"
        results.append(pick(game.current) == game.current.answer)
        game.next_button.click()
    return results


def shown(widget) -> bool:
    return widget.layout.display != "none"


# --- the data -----------------------------------------------------------------------------

def test_the_course_has_8_to_12_rounds_with_at_least_3_safe_and_3_scams():
    rounds = default_rounds().rounds
    assert 8 <= len(rounds) <= 12
    answers = [r.answer for r in rounds]
    assert answers.count("safe") >= 3 and answers.count("scam") >= 3


def test_every_round_has_an_answer_an_explanation_and_a_lesson():
    for r in default_rounds().rounds:
        assert r.answer in ("safe", "scam"), r.id
        assert r.explanation and all(line.strip() for line in r.explanation), r.id
        assert r.lesson.strip() and r.sender.strip(), r.id
        assert r.text or r.lines, f"{r.id} shows nothing to judge"


def test_the_rounds_cover_messages_calls_and_links():
    assert {r.channel for r in default_rounds().rounds} == {"sms", "chat", "call", "link"}


def test_every_link_round_is_decided_and_explained_by_classify_link():
    links = [r for r in default_rounds().rounds if r.channel == "link"]
    assert {r.answer for r in links} == {"safe", "scam"}, "links must include real .gov.vn sites too"
    for r in links:
        verdict = classify_link(r.url)
        assert r.answer == {"official": "safe", "suspicious": "scam"}[verdict.kind], r.id
        assert r.explanation[-len(verdict.reasons):] == verdict.reasons, r.id


def test_a_message_carrying_a_link_also_explains_the_link():
    carried = [r for r in default_rounds().rounds if r.url and r.channel != "link"]
    assert carried
    for r in carried:
        assert set(classify_link(r.url).reasons) <= set(r.explanation), r.id


def test_all_text_in_the_data_is_nfc_vietnamese():
    texts = [*default_rounds().key_lessons]
    for r in default_rounds().rounds:
        texts += [r.sender, r.context, r.text, r.lesson, *r.explanation, *(w for _, w in r.lines)]
    for text in texts:
        assert unicodedata.normalize("NFC", text) == text, text


@pytest.mark.parametrize("change, message", [
    (lambda r: r.update(answer="maybe"), "đáp án phải là"),
    (lambda r: r.pop("explanation"), "thiếu trường «explanation»"),
    (lambda r: r.update(channel="fax"), "kênh «fax» không có"),
    (lambda r: r.update(anwser="scam"), "trường không biết: anwser"),
    (lambda r: r.update(lines=[["police", "..."]]), "người nói"),
])
def test_a_bad_round_in_the_data_is_refused_naming_the_round(change, message):
    data = copy.deepcopy(RAW)
    change(data["round"][0])
    with pytest.raises(ValueError, match=message) as error:
        parse_rounds(data)
    assert data["round"][0]["id"] in str(error.value)


def test_link_rounds_take_their_answer_from_the_checker_and_refuse_unclear_links():
    base = {"id": "x", "channel": "link", "sender": "s", "explanation": ["e"], "lesson": "l"}
    with pytest.raises(ValueError, match="không ghi đáp án"):
        parse_rounds({"round": [{**base, "url": "https://dichvucong.gov.vn", "answer": "scam"}]})
    with pytest.raises(ValueError, match="chưa rõ"):
        parse_rounds({"round": [{**base, "url": "https://example.com"}]})
    assert parse_rounds({"round": [{**base, "url": "https://bit.ly/x"}]}).rounds[0].answer == "scam"


def test_duplicate_ids_and_an_empty_game_are_refused():
    with pytest.raises(ValueError, match="bị trùng"):
        parse_rounds({"round": [RAW["round"][0], RAW["round"][0]]})
    with pytest.raises(ValueError, match="ít nhất một tình huống"):
        parse_rounds({"round": []})


# --- the game -----------------------------------------------------------------------------

def test_a_perfect_game_scores_every_round_and_ends_with_the_key_lessons():
    game = ScamSpotter()
    assert play(game, lambda r: r.answer) == [True] * len(game.rounds)
    total = len(game.rounds)
    assert game.finished and game.score == game.answered == total
    assert f"{total}/{total}" in game.summary.value and "Xuất sắc" in game.summary.value
    for lesson in game.key_lessons:
        assert lesson in game.summary.value
    assert "Xem lại" not in game.summary.value
    assert shown(game.summary) and shown(game.restart_button)
    assert not shown(game.card) and not shown(game.choice_row)


def test_wrong_answers_are_explained_counted_and_listed_for_review():
    game = ScamSpotter()
    first = game.current
    game.choice_buttons[WRONG[first.answer]].click()
    assert game.score == 0 and game.answered == 1
    assert "Chưa đúng." in game.feedback.value
    for line in first.explanation:
        assert line in game.feedback.value or line.replace("«", "&laquo;") in game.feedback.value
    assert "Tình huống 1/" in game.status.value and "Điểm: 0/1" in game.status.value
    game.next_button.click()
    play(game, lambda r: r.answer)  # the rest right
    assert game.score == len(game.rounds) - 1
    assert f"Tình huống 1: {first.lesson}" in game.summary.value


def test_every_explanation_says_right_or_wrong_and_names_the_true_answer():
    game = ScamSpotter()
    for number, _ in enumerate(game.rounds, start=1):
        r = game.current
        pick = r.answer if number % 2 else WRONG[r.answer]
        game.choice_buttons[pick].click()
        verdict = "Đúng rồi!" if pick == r.answer else "Chưa đúng."
        truth = "Đây là lừa đảo." if r.answer == "scam" else "Tình huống này an toàn."
        assert verdict in game.feedback.value and truth in game.feedback.value
        assert r.lesson in game.feedback.value
        game.next_button.click()
    assert game.score == (len(game.rounds) + 1) // 2


def test_a_game_answered_all_wrong_encourages_a_replay():
    game = ScamSpotter()
    assert not any(play(game, lambda r: WRONG[r.answer]))
    assert game.score == 0 and "chơi lại" in game.summary.value
    assert game.summary.value.count("<li>Tình huống") == len(game.rounds)


def test_only_the_first_answer_counts_and_buttons_lock():
    game = ScamSpotter()
    right = game.current.answer
    game.choice_buttons[WRONG[right]].click()
    assert all(b.disabled for b in game.choice_buttons.values())
    with pytest.raises(ValueError, match="đã trả lời"):
        game.answer(right)
    assert game.score == 0 and game.answered == 1


def test_bad_input_gets_a_vietnamese_message_and_changes_nothing():
    game = ScamSpotter()
    with pytest.raises(ValueError, match="Chỉ chọn «An toàn» hoặc «Lừa đảo»"):
        game.answer("có lẽ")
    with pytest.raises(ValueError, match="trước khi sang tình huống khác"):
        game.next_round()
    assert (game.index, game.answered, game.choice, game.feedback.value) == (0, 0, "", "")


def test_the_next_button_appears_only_after_answering_and_says_finish_at_the_end():
    game = ScamSpotter()
    assert not shown(game.next_button)
    game.choice_buttons["safe"].click()
    assert shown(game.next_button) and game.next_button.description == "Tình huống tiếp theo"
    for _ in range(len(game.rounds) - 1):
        game.next_button.click()
        game.choice_buttons["scam"].click()
    assert game.next_button.description == "Xem kết quả"
    game.next_button.click()
    with pytest.raises(ValueError, match="đã kết thúc"):
        game.answer("safe")


def test_restart_clears_the_score_and_shows_the_first_round_again():
    game = ScamSpotter()
    play(game, lambda r: r.answer)
    first_card = ScamSpotter().card.value
    game.restart_button.click()
    assert (game.index, game.score, game.answered, game.finished) == (0, 0, 0, False)
    assert game.card.value == first_card and game.summary.value == "" and shown(game.card)
    assert not any(b.disabled for b in game.choice_buttons.values())


def test_order_is_fixed_by_default_and_a_seeded_shuffle_is_repeatable():
    ids = [r.id for r in default_rounds().rounds]
    assert [r.id for r in ScamSpotter().rounds] == ids
    mixed = [r.id for r in ScamSpotter(shuffle=True, seed=3).rounds]
    assert mixed == [r.id for r in ScamSpotter(shuffle=True, seed=3).rounds]
    assert sorted(mixed) == sorted(ids) and mixed != ids


def test_scenario_text_is_escaped_so_data_cannot_inject_html():
    evil = Round(id="x", channel="sms", sender="<b>s</b>", answer="scam", explanation=("<script>1</script>",),
                 lesson="l", text="<img src=x onerror=alert(1)>")
    game = ScamSpotter(RoundSet((evil,), ()))
    assert "<img" not in game.card.value and "&lt;img" in game.card.value and "<b>" not in game.card.value
    game.answer("scam")
    assert "<script>" not in game.feedback.value


def test_calls_show_a_transcript_and_links_show_the_address_to_read():
    game = ScamSpotter()
    kinds = {}
    for r in game.rounds:
        kinds.setdefault(r.channel, r)
    call, link = kinds["call"], kinds["link"]
    call_card = ScamSpotter(RoundSet((call,), ())).card.value
    assert "Người gọi" in call_card and "Cuộc gọi" in call_card
    link_card = ScamSpotter(RoundSet((link,), ())).card.value
    assert 'class="kns-scam-url"' in link_card and link.url in link_card


def test_buttons_are_full_width_wrapping_touch_targets():
    game = ScamSpotter()
    for button in [*game.choice_buttons.values(), game.next_button, game.restart_button]:
        assert "kns-quiz-option" in button._dom_classes and button.layout.height == "auto"
    assert [b.description for b in game.choice_buttons.values()] == ["An toàn", "Lừa đảo"]


# --- the link checker ---------------------------------------------------------------------

def test_link_checker_explains_an_official_link_and_names_its_owner():
    checker = LinkChecker()
    checker.link.value = "https://dichvucong.gov.vn/p/home"
    assert checker.checked == 1
    assert "Trang chính thức" in checker.result.value and "«dichvucong.gov.vn»" in checker.result.value


def test_link_checker_shows_every_reason_for_a_lookalike():
    checker = LinkChecker()
    checker.link.value = "https://vneid.gov.vn.capnhat.com/login"
    checker.button.click()
    verdict = classify_link("https://vneid.gov.vn.capnhat.com/login")
    assert verdict.kind == "suspicious" and "Đáng ngờ" in checker.result.value
    assert "«capnhat.com»" in checker.result.value
    assert checker.result.value.count("<li>") == len(verdict.reasons)


def test_link_checker_asks_for_a_link_when_the_box_is_empty():
    checker = LinkChecker()
    checker.button.click()
    assert "Hãy dán hoặc gõ một đường link" in checker.result.value and checker.checked == 0


def test_link_checker_says_it_stores_nothing():
    assert "không được lưu" in LinkChecker().children[-1].value
