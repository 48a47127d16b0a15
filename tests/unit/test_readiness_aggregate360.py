"""360 aggregation and assessor overalls (docs/RULES.md "Leadership assessments").

Pure unit tests of app.readiness: no app, no database. Each case cites the rule it checks.
"""

from __future__ import annotations

import dataclasses

import pytest

from app.readiness import GroupResult, ReadinessConfig, aggregate_360, overall_of_scores

MINIMUMS = ReadinessConfig().min_group_responses


def test_peer_group_below_minimum_is_hidden_and_excluded() -> None:
    """docs/RULES.md 360: a group below its minimum (peer 3) is hidden and excluded from overall,
    never folded into another; overall = mean of the counting non-self group means."""
    result = aggregate_360(
        [
            ("self", {"policy": 5, "coaching": 5}),
            ("manager", {"policy": 4, "coaching": 3}),
            ("peer", {"policy": 1, "coaching": 1}),
            ("peer", {"policy": 1, "coaching": 2}),
            ("direct_report", {"policy": 4, "coaching": 4}),
            ("direct_report", {"policy": 3, "coaching": 4}),
            ("direct_report", {"policy": 5, "coaching": 4}),
        ],
        MINIMUMS,
    )
    peer = result.group("peer")
    assert (peer.responses, peer.shown, peer.mean, peer.dimension_means) == (2, False, None, ())
    assert result.group("manager").mean == 3.5
    assert result.group("direct_report").mean == 4.0
    assert result.group("direct_report").dimension_means == (("coaching", 4.0), ("policy", 4.0))
    assert result.overall == 3.75  # (3.5 + 4.0) / 2: neither peers nor self
    assert result.group("self").shown and result.group("self").mean == 5.0


@pytest.mark.parametrize(
    ("peers", "shown"),
    [
        pytest.param(2, False, id="360: 2 peer responses < minimum 3 -> hidden"),
        pytest.param(3, True, id="360: 3 peer responses == minimum 3 -> shown"),
    ],
)
def test_peer_minimum_boundary(peers: int, shown: bool) -> None:
    """docs/RULES.md 360: a group counts only with at least its minimum responses (peer 3)."""
    result = aggregate_360([("peer", {"x": 2.0})] * peers + [("manager", {"x": 4.0})], MINIMUMS)
    assert result.group("peer").shown is shown
    assert result.overall == (3.0 if shown else 4.0)


def test_self_only_gives_no_overall() -> None:
    """docs/RULES.md 360: overall uses non-self groups only; with none counting it is None."""
    result = aggregate_360([("self", {"x": 5.0}), ("other", {})], MINIMUMS)
    assert result.group("self").shown
    assert result.overall is None
    assert result.group("other").responses == 0  # a response without scores is not counted


def test_minimums_are_configurable() -> None:
    """docs/RULES.md 360: the minimum responses are (cfg); pairs or a mapping are accepted."""
    responses = [("peer", {"x": 2.0}), ("peer", {"x": 4.0})]
    assert aggregate_360(responses, {"peer": 2}).overall == 3.0
    assert aggregate_360(responses, (("peer", 3),)).overall is None


def test_groups_come_in_canonical_order_and_carry_no_identity() -> None:
    """docs/RULES.md 360: rater identities are never shown or exported; results carry groups
    only."""
    result = aggregate_360([("manager", {"x": 3})], MINIMUMS)
    assert [g.group for g in result.groups] == [
        "self",
        "manager",
        "peer",
        "direct_report",
        "other",
    ]
    assert {f.name for f in dataclasses.fields(GroupResult)} == {
        "group",
        "responses",
        "shown",
        "mean",
        "dimension_means",
        "minimum",
    }


def test_unknown_rater_group_is_rejected() -> None:
    """docs/RULES.md 360: rater groups are self, manager, peer, direct_report and other."""
    with pytest.raises(ValueError, match="Unknown rater group"):
        aggregate_360([("friend", {"x": 3})], MINIMUMS)


def test_means_are_exact_decimal_means() -> None:
    """docs/RULES.md 360: group mean of 3.7, 3.7, 3.7 is exactly 3.7 (no float drift)."""
    result = aggregate_360([("peer", {"x": 3.7})] * 3, MINIMUMS)
    assert result.overall == 3.7


@pytest.mark.parametrize(
    ("scores", "overall"),
    [
        pytest.param({"analysis": 4, "finance": 3}, 3.5, id="assessment centre: mean of scores"),
        pytest.param({"analysis": 3.1}, 3.1, id="test: a single dimension is its own overall"),
        pytest.param({"a": 3.3, "b": 3.3, "c": 3.3}, 3.3, id="assessment centre: exact mean 3.3"),
    ],
)
def test_overall_of_scores(scores: dict[str, float], overall: float) -> None:
    """docs/RULES.md "Test and assessment centre": overall = the mean of the dimension scores."""
    assert overall_of_scores(scores) == overall


def test_overall_of_no_scores_is_an_error() -> None:
    """docs/RULES.md: an assessor enters a score per dimension; none entered has no overall."""
    with pytest.raises(ValueError):
        overall_of_scores({})
