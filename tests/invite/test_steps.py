"""The order of the steps and when each is complete: rules on the draft's data alone."""

from wizard.invite.drafts import (
    STEP_NAMES,
    can_open,
    completed_steps,
    first_incomplete_step,
    paginate,
    people_of,
    types_digest,
    user_types,
)


def people(*emails, default="basic"):
    return {
        "default_type": default,
        "people": [
            {"email": e, "name": "", "type": None, "source": "text", "line": i + 1}
            for i, e in enumerate(emails)
        ],
    }


def test_the_steps_are_declared_once_in_order():
    assert STEP_NAMES == ("people", "heads_up", "licenses", "check")


def test_a_new_draft_starts_at_who_and_cannot_jump_ahead():
    assert first_incomplete_step({}) == "people"
    assert can_open({}, "people")
    assert not can_open({}, "heads_up")
    assert not can_open({}, "check")


def test_each_answer_opens_the_next_step():
    data = {"people": people("a@x.example", "b@x.example")}
    assert first_incomplete_step(data) == "heads_up"
    data["heads_up"] = {"skipped_at": "2026-11-26T10:00:00+00:00"}
    assert first_incomplete_step(data) == "licenses"
    data["licenses"] = {"confirmed": types_digest(user_types(data))}
    assert first_incomplete_step(data) == "check"
    assert can_open(data, "check") and can_open(data, "people")


def test_adding_people_after_the_heads_up_asks_about_the_new_ones():
    data = {
        "people": people("a@x.example"),
        "heads_up": {"contacted": {"a@x.example": "2026-11-26T10:00:00+00:00"}},
    }
    assert completed_steps(data)["heads_up"]
    data["people"] = people("a@x.example", "b@x.example")
    assert not completed_steps(data)["heads_up"]
    assert first_incomplete_step(data) == "heads_up"


def test_changing_anyones_user_type_asks_to_look_at_licenses_again():
    data = {"people": people("a@x.example"), "heads_up": {"skipped_at": "x"}}
    data["licenses"] = {"confirmed": types_digest(user_types(data))}
    assert completed_steps(data)["licenses"]
    data["licenses"]["overrides"] = {"a@x.example": "licensed"}
    assert not completed_steps(data)["licenses"]


def test_a_persons_type_comes_from_the_override_then_the_file_then_everyone():
    data = {"people": people("a@x.example", "b@x.example", "c@x.example", default="licensed")}
    data["people"]["people"][1]["type"] = "basic"
    data["licenses"] = {"overrides": {"c@x.example": "basic"}}
    assert [p.user_type for p in people_of(data)] == ["licensed", "basic", "basic"]


def test_pages_of_a_long_list():
    pager = paginate(120, 3, per_page=50)
    assert (pager.page, pager.pages, pager.start, pager.end) == (3, 3, 100, 120)
    assert paginate(120, 99).page == 3
    assert paginate(0, None).pages == 1
