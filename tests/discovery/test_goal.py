"""The goal parser: needs in the user's order, list items completed, parallel and conditional."""

from __future__ import annotations

import pytest

from agentops_lite.discovery.goal import MAX_NEEDS, clean, parse_goal


def _texts(goal: str) -> list[str]:
    return [n.text for n in parse_goal(goal)]


def test_sequence_keeps_the_users_order_and_domain_words() -> None:
    needs = parse_goal("write terraform for an AWS VPC, review it for security, then deploy it")
    assert [n.text for n in needs] == [
        "write terraform for an AWS VPC",
        "review it for security",
        "deploy it",
    ]
    assert all(n.role == "step" and n.parallel_group is None for n in needs)
    # "it" searches with what the goal acts on (its first object); the need's own words first.
    assert needs[1].query == "review for security terraform"


def test_filler_is_dropped_from_needs() -> None:
    assert _texts("Please help me write the release notes") == ["write the release notes"]
    assert clean("I want to audit my python repo") == "audit python repo"


def test_list_items_borrow_the_verb_and_the_head_noun() -> None:
    assert _texts("run security, performance and code quality checks") == [
        "run security checks",
        "run performance checks",
        "run code quality checks",
    ]
    assert _texts("build, test and deploy a containerized web app") == [
        "build a containerized web app",
        "test a containerized web app",
        "deploy a containerized web app",
    ]
    assert _texts("build a SaaS with Next.js, Stripe payments and Postgres") == [
        "build a SaaS with Next.js",
        "build a SaaS with Stripe payments",
        "build a SaaS with Postgres",
    ]


def test_at_the_same_time_makes_a_parallel_group() -> None:
    needs = parse_goal("lint the code and scan for secrets at the same time, then deploy")
    assert [(n.text, n.parallel_group) for n in needs] == [
        ("lint the code", 1),
        ("scan for secrets", 1),
        ("deploy", None),
    ]


def test_postfix_condition_gates_on_the_named_test_step() -> None:
    needs = parse_goal("run the tests and deploy if they pass, otherwise debug the failures")
    assert [(n.text, n.role) for n in needs] == [
        ("run the tests", "gate"),
        ("deploy", "then"),
        ("debug the failures", "else"),
    ]
    assert not any(n.added for n in needs)


def test_prefix_condition_adds_the_gate_it_needs_and_says_so() -> None:
    needs = parse_goal(
        "if the integration tests pass, publish the package, otherwise open an issue"
    )
    assert [(n.text, n.role, n.added) for n in needs] == [
        ("run the integration tests", "gate", True),
        ("publish the package", "then", False),
        ("open an issue", "else", False),
    ]


def test_before_and_after_order_the_needs() -> None:
    assert _texts("before you deploy, back up the database") == [
        "back up the database",
        "you deploy",
    ]
    assert _texts("after the migration runs, update the docs") == [
        "the migration runs",
        "update the docs",
    ]


def test_next_js_is_not_an_ordering_word() -> None:
    assert _texts("scaffold a Next.js app") == ["scaffold a Next.js app"]


@pytest.mark.parametrize("goal", ["", "   ", ", , ;", "then and then"])
def test_a_goal_with_no_need_gives_no_needs(goal: str) -> None:
    assert parse_goal(goal) == []


def test_one_need_goal_is_one_need() -> None:
    needs = parse_goal("I want to bake a chocolate cake")
    assert [n.text for n in needs] == ["bake a chocolate cake"]


def test_fit_levels_from_the_share_of_the_query_matched() -> None:
    from agentops_lite.discovery.fit import level

    assert [level(x) for x in (0.0, 0.44, 0.45, 0.69, 0.7, 1.0)] == [
        "weak",
        "weak",
        "partial",
        "partial",
        "strong",
        "strong",
    ]


def test_a_run_together_phrase_covers_only_its_own_segment() -> None:
    needs = parse_goal("in parallel lint the code and scan for secrets, then deploy")
    assert [(n.text, n.parallel_group) for n in needs] == [
        ("lint the code", 1),
        ("scan for secrets", 1),
        ("deploy", None),
    ]
    needs = parse_goal("build the backend API and at the same time build the frontend, then ship")
    assert [(n.text, n.parallel_group) for n in needs] == [
        ("build the backend API", 1),
        ("build the frontend", 1),
        ("ship", None),
    ]
    together = parse_goal("write the docs at the same time as the tests")
    assert [(n.text, n.parallel_group) for n in together] == [
        ("write the docs", 1),
        ("write the tests", 1),
    ]


def test_sequence_words_end_a_list() -> None:
    # "proofread" after "then" is a new step, not an item of the list before it.
    assert _texts("translate the README to french; then proofread it") == [
        "translate the README to french",
        "proofread it",
    ]
    assert _texts("plan a birthday party, buy flowers and book a restaurant") == [
        "plan a birthday party",
        "buy flowers",
        "book a restaurant",
    ]


def test_terminal_escapes_never_split_or_reach_a_need() -> None:
    needs = parse_goal("fix \x1b]0;title\x07 the bug; deploy \x1b[31mnow\x1b[0m")
    assert [n.text for n in needs] == ["fix the bug", "deploy now"]
    assert all("\x1b" not in n.text and "\x07" not in n.text for n in needs)


def test_a_very_long_need_is_capped() -> None:
    (need,) = parse_goal("write " + "very " * 2000 + "long docs")
    assert len(need.text) <= 300


def test_the_gate_is_the_need_the_condition_names_and_otherwise_stays_apart() -> None:
    needs = parse_goal(
        "write terraform for aws, then review its cost; if the review passes, deploy, "
        "otherwise notify slack"
    )
    assert [(n.text, n.role) for n in needs] == [
        ("write terraform for aws", "step"),
        ("review its cost", "gate"),
        ("deploy", "then"),
        ("notify slack", "else"),
    ]
    assert not any(n.added for n in needs)


def test_a_conditions_small_words_never_pick_the_gate() -> None:
    # "for" in the condition is no reason to gate on "write docs for the api".
    needs = parse_goal(
        "write docs for the api, then run the tests; if the check for leaks passes, deploy"
    )
    assert [(n.text, n.role) for n in needs] == [
        ("write docs for the api", "step"),
        ("run the tests", "gate"),
        ("deploy", "then"),
    ]


def test_a_failure_condition_runs_its_action_when_the_check_did_not_pass() -> None:
    needs = parse_goal("run the tests; if they fail, debug them, otherwise deploy to staging")
    assert [(n.text, n.role) for n in needs] == [
        ("run the tests", "gate"),
        ("debug them", "else"),
        ("deploy to staging", "then"),
    ]
    assert needs[0].check == "passed" and needs[1].query == "debug tests"
    # Without a comma, and with the action after the condition.
    needs = parse_goal("check the build, if it is broken roll back the release")
    assert [(n.text, n.role) for n in needs] == [
        ("check the build", "gate"),
        ("roll back the release", "else"),
    ]


def test_a_finding_condition_tests_what_the_check_found() -> None:
    needs = parse_goal(
        "analyze the logs for errors; if you find any, open a jira ticket, "
        "otherwise post a summary to slack"
    )
    assert [(n.text, n.role, n.check) for n in needs] == [
        ("analyze the logs for errors", "gate", "found"),
        ("open a jira ticket", "then", "passed"),
        ("post a summary to slack", "else", "passed"),
    ]
    needs = parse_goal("lint the code and if there are errors fix them automatically")
    assert [(n.role, n.check) for n in needs] == [("gate", "found"), ("then", "passed")]


def test_a_condition_on_it_gates_on_the_step_before_and_a_named_one_is_added() -> None:
    needs = parse_goal("review the PR and merge it once it is approved")
    assert [(n.text, n.role, n.added) for n in needs] == [
        ("review the PR", "gate", False),
        ("merge it", "then", False),
    ]
    needs = parse_goal("if the PR is approved, merge it and deploy")
    assert [(n.text, n.role, n.added) for n in needs] == [
        ("check whether the pr is approved", "gate", True),
        ("merge it", "then", False),
        ("deploy", "then", False),
    ]
    assert "pr" in needs[1].query.lower().split()


def test_checks_run_together_are_all_gates_of_what_depends_on_them() -> None:
    needs = parse_goal("lint the code and run the tests in parallel, then deploy if they all pass")
    assert [(n.text, n.role, n.parallel_group) for n in needs] == [
        ("lint the code", "gate", 1),
        ("run the tests", "gate", 1),
        ("deploy", "then", None),
    ]


def test_if_never_counts_as_a_verb_and_condition_clauses_stay_whole() -> None:
    needs = parse_goal(
        "deploy to staging, and if the smoke tests pass, promote to production, otherwise roll back"
    )
    assert [(n.text, n.role, n.added) for n in needs] == [
        ("deploy to staging", "step", False),
        ("run the smoke tests", "gate", True),
        ("promote to production", "then", False),
        ("roll back", "else", False),
    ]


def test_verbs_are_word_forms_not_stems() -> None:
    # "security" shares the stem of the verb "secure" but is the list's item, and "linting"
    # names a whole activity, so it borrows no head noun.
    assert _texts("review the terraform plan for cost and security issues") == [
        "review the terraform plan for cost",
        "review the terraform plan for security issues",
    ]
    assert _texts("add linting and type checking") == ["add linting", "add type checking"]


def test_before_colon_and_while_also_order_the_needs() -> None:
    assert _texts("before deploying, bump the version and tag the release") == [
        "bump the version",
        "tag the release",
        "deploying",
    ]
    assert _texts("run the linter before committing") == ["run the linter", "committing"]
    assert _texts("onboard a new developer: explain the architecture and write a setup guide") == [
        "onboard a new developer",
        "explain the architecture",
        "write a setup guide",
    ]
    needs = parse_goal("translate the app into french while also updating the screenshots")
    assert [(n.text, n.parallel_group) for n in needs] == [
        ("translate the app into french", 1),
        ("updating the screenshots", 1),
    ]


@pytest.mark.parametrize(
    "goal",
    [
        "deploy " + "if the " * 5000 + "x",  # took 24 s: a lazy "X if COND" regex backtracking
        "lint and " * 20000,  # took 57 s: each bare verb scanned the rest of its list
        "if " * 20000,
        "run " + "there are any " * 3000,
    ],
)
def test_hostile_goals_parse_to_at_most_the_cap(goal: str) -> None:
    needs = parse_goal(goal)
    assert len(needs) <= MAX_NEEDS and all(len(n.text) <= 300 for n in needs)


def test_needs_given_one_by_one_keep_their_structure_words() -> None:
    from agentops_lite.discovery.goal import given_needs

    needs = given_needs(
        [
            "run the tests",
            "debug the failing tests",
            "deploy to staging when the tests pass",
            "otherwise open an issue",
            "review the code at the same time",
            "scan for secrets at the same time",
            "then build a SaaS with Next.js and Stripe",
        ]
    )
    assert [(n.text, n.role, n.parallel_group) for n in needs] == [
        ("run the tests", "gate", None),  # the step that runs them, not the later debug
        ("debug the failing tests", "step", None),
        ("deploy to staging", "then", None),
        ("open an issue", "else", None),
        ("review the code", "step", 1),
        ("scan for secrets", "step", 1),
        # Given whole: its "and" is no list, and the word that ordered it is dropped.
        ("build a SaaS with Next.js and Stripe", "step", None),
    ]


def test_a_branch_ends_where_the_goal_says_so() -> None:
    # After "otherwise", the next sentence runs either way; after the action, it continues it.
    needs = parse_goal("run the tests; if they pass, deploy, otherwise debug; then notify the team")
    assert [(n.text, n.role) for n in needs][-1] == ("notify the team", "step")
    needs = parse_goal("if the PR is approved, merge it, then deploy")
    assert [n.role for n in needs] == ["gate", "then", "then"]
    needs = parse_goal("if the tests pass, then deploy")
    assert [(n.text, n.role) for n in needs] == [("run the tests", "gate"), ("deploy", "then")]


def test_pasted_lists_are_sequences() -> None:
    for goal in (
        "1. write a dockerfile 2. build the image 3. run it locally",
        "write a dockerfile\nbuild the image\nrun it locally",
        "- write a dockerfile\n- build the image\n- run it locally",
        "step 1: write a dockerfile; step 2: build the image; step 3: run it locally",
    ):
        assert _texts(goal) == ["write a dockerfile", "build the image", "run it locally"], goal
    assert _texts("write docs for step 3 of the wizard") == ["write docs for step 3 of the wizard"]


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        (
            "migrate the database, then verify the data, and if anything is missing restore "
            "the backup",
            [("migrate the database", "step"), ("verify the data", "gate"),
             ("restore the backup", "then")],
        ),
        (
            "check the code coverage; if it is below 80% write more tests",
            [("check the code coverage", "gate"), ("write more tests", "then")],
        ),
        (
            "profile the app and if you find any memory leaks fix them",
            [("profile the app", "gate"), ("fix them", "then")],
        ),
        (
            "unless the linter passes, do not merge",
            [("run the linter", "gate"), ("do not merge", "else")],
        ),
        ("try to deploy, otherwise roll back", [("try to deploy", "gate"), ("roll back", "else")]),
        (
            "fine-tune an llm, evaluate it, and if the accuracy is good publish it",
            [("fine-tune an llm", "step"), ("evaluate it", "gate"), ("publish it", "then")],
        ),
        (
            "lint and test in parallel, and if they fail, notify me",
            [("lint", "gate"), ("test", "gate"), ("notify me", "else")],
        ),
        (
            "book a flight to paris and a hotel near the louvre",
            [("book a flight to paris", "step"), ("book a hotel near the louvre", "step")],
        ),
    ],
)  # fmt: skip
def test_conditions_in_general(goal: str, expected: list[tuple[str, str]]) -> None:
    needs = parse_goal(goal)
    assert [(n.text, n.role) for n in needs] == expected
    assert all(n.parallel_group is None for n in needs if n.role in ("then", "else"))


def test_a_check_nothing_in_the_goal_does_answers_the_condition_itself() -> None:
    # Its yes runs the action, whatever the condition's wording: "broken" is no "passed".
    needs = parse_goal("if the build is broken, notify the team on slack")
    assert [(n.text, n.role, n.added, n.check) for n in needs] == [
        ("check whether the build is broken", "gate", True, "found"),
        ("notify the team on slack", "then", False, "passed"),
    ]
