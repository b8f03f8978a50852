"""The quiz's logic, driven the way a browser drives it: through button clicks."""

import pytest

from kynangso.widgets import Option, Quiz

OPTIONS = [
    Option("Zalo", False, "Zalo là ứng dụng nhắn tin."),
    Option("VNeID", True, "VNeID là tài khoản dịch vụ công."),
    Option("Số điện thoại người khác", False, "Không mượn tài khoản."),
]


def make_quiz() -> Quiz:
    return Quiz("Đăng nhập dịch vụ công bằng gì?", OPTIONS)


def test_nothing_is_chosen_at_first():
    quiz = make_quiz()
    assert quiz.chosen == -1 and quiz.feedback.value == "" and not quiz.answered_correctly


def test_a_wrong_choice_shows_its_own_explanation_and_marks_only_that_button():
    quiz = make_quiz()
    quiz.buttons[0].click()
    assert quiz.chosen == 0 and not quiz.answered_correctly
    assert "Chưa đúng." in quiz.feedback.value and "Zalo là ứng dụng nhắn tin." in quiz.feedback.value
    assert "kns-chosen-wrong" in quiz.buttons[0]._dom_classes
    assert all("kns-chosen-wrong" not in b._dom_classes for b in quiz.buttons[1:])


def test_the_learner_can_try_again_and_the_marks_move():
    quiz = make_quiz()
    quiz.buttons[0].click()
    quiz.buttons[1].click()
    assert quiz.answered_correctly and quiz.attempts == 2
    assert "Đúng rồi!" in quiz.feedback.value and "VNeID là tài khoản dịch vụ công." in quiz.feedback.value
    assert "kns-chosen-wrong" not in quiz.buttons[0]._dom_classes
    assert "kns-chosen-right" in quiz.buttons[1]._dom_classes


def test_explanations_are_escaped_so_lesson_text_cannot_inject_html():
    quiz = Quiz("<b>?</b>", [("a", True, "<script>x</script>"), ("b", False, "y")])
    quiz.buttons[0].click()
    assert "<script>" not in quiz.feedback.value and "&lt;script&gt;" in quiz.feedback.value
    assert "<b>?</b>" not in quiz.question.value


def test_options_are_lettered_buttons_with_the_contract_classes():
    quiz = make_quiz()
    assert "kns-quiz" in quiz._dom_classes and "kns-quiz-feedback" in quiz.feedback._dom_classes
    assert [b.description[:2] for b in quiz.buttons] == ["A.", "B.", "C."]
    assert all("kns-quiz-option" in b._dom_classes for b in quiz.buttons)


@pytest.mark.parametrize("options", [[], [("a", True, "x")], [("a", True, "x"), ("b", True, "y")], [("a", False, "x"), ("b", False, "y")]])
def test_a_badly_defined_quiz_is_refused_in_vietnamese(options):
    with pytest.raises(ValueError, match="đúng 1 phương án đúng"):
        Quiz("?", options)


def test_choosing_a_missing_option_is_refused_and_changes_nothing():
    quiz = make_quiz()
    quiz.buttons[1].click()
    with pytest.raises(ValueError, match="chỉ có 3 phương án"):
        quiz.choose(7)
    assert quiz.chosen == 1 and quiz.attempts == 1
