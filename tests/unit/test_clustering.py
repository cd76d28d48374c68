"""Clustering: great-circle geometry, friends-of-friends with time and uncertainty, DBSCAN parity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.clustering import (
    ClusterParams,
    cluster_reports,
    dbscan,
    friends_of_friends,
    haversine_m,
    link_pairs,
    need_kinds,
    tiers,
)

P = ClusterParams(eps_m=1000.0, window_h=12.0, uncertainty_weight=0.0)


def test_haversine_matches_a_known_distance():
    # Kolkata (22.5726, 88.3639) to Bhubaneswar (20.2961, 85.8245): about 365 km
    d = haversine_m(np.array([22.5726]), np.array([88.3639]), np.array([20.2961]), np.array([85.8245]))[0]
    assert d == pytest.approx(365_000, rel=0.02)


def test_links_need_both_space_and_time():
    lat = np.array([22.0, 22.005, 22.0])  # 0 and 1 are 556 m apart
    lon = np.array([88.0, 88.0, 88.0])
    t = np.array([0.0, 1.0, 30.0])  # 2 is at the same place 30 h later
    labels = friends_of_friends(lat, lon, t, np.zeros(3), P)
    assert labels[0] == labels[1] != labels[2]


def test_uncertainty_widens_the_link():
    lat, lon, t = np.array([22.0, 22.012]), np.array([88.0, 88.0]), np.zeros(2)  # 1.33 km apart
    assert len(link_pairs(lat, lon, t, np.array([50.0, 50.0]), P)[0]) == 0
    wide = ClusterParams(eps_m=1000.0, window_h=12.0, uncertainty_weight=1.0)
    assert len(link_pairs(lat, lon, t, np.array([200.0, 200.0]), wide)[0]) == 1


def test_tiers_follow_the_radius():
    got = tiers(np.array([50.0, 2000.0, 5000.0, 50_000.0, np.nan]), np.array([1, 1, 1, 1, 0], bool), ClusterParams())
    assert got.tolist() == ["point", "point", "area", "coarse", "unlocated"]


def test_a_state_level_mention_never_joins_or_pins_an_incident():
    lat = np.array([22.16, 22.161, 22.5, 22.9])
    lon = np.array([88.81, 88.811, 88.3, 87.9])
    radius = np.array([200.0, 200.0, 300_000.0, np.nan])
    located = np.array([True, True, True, False])
    labels, tier = cluster_reports(lat, lon, np.zeros(4), radius, located, ClusterParams())
    assert labels[0] == labels[1] >= 0
    assert labels[2] == -1 and labels[3] == -1
    assert tier.tolist() == ["point", "point", "coarse", "unlocated"]


def test_an_area_report_joins_the_incident_inside_its_circle_but_does_not_chain_two():
    # two villages 6 km apart and a town-level report (radius 5 km) between them, nearer the first
    lat = np.array([22.00, 22.001, 22.054, 22.02])
    lon = np.array([88.00, 88.0, 88.0, 88.0])
    radius = np.array([200.0, 200.0, 200.0, 5000.0])
    labels, _ = cluster_reports(lat, lon, np.zeros(4), radius, np.ones(4, bool), ClusterParams(eps_m=500.0))
    assert labels[0] == labels[1] == labels[3]
    assert labels[2] != labels[0]


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=6))
def test_dbscan_agrees_with_scikit_learn(seed, min_samples):
    from sklearn.cluster import DBSCAN
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(seed)
    centres = rng.uniform([21.5, 87.5], [22.5, 88.5], size=(8, 2))
    k = rng.integers(0, 8, 200)
    lat = centres[k, 0] + rng.normal(0, 0.004, 200)
    lon = centres[k, 1] + rng.normal(0, 0.004, 200)
    ours = dbscan(lat, lon, 800.0, min_samples)
    theirs = DBSCAN(eps=800.0 / 6_371_008.8, min_samples=min_samples, metric="haversine", algorithm="ball_tree")
    ref = theirs.fit_predict(np.radians(np.column_stack((lat, lon))))
    assert np.array_equal(ours == -1, ref == -1)  # same core/noise decisions
    assert adjusted_rand_score(ref, ours) > 0.97  # border points reached by two clusters may differ


def test_friends_of_friends_is_dbscan_with_min_samples_one_without_time():
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(21.5, 22.0, 300), rng.uniform(88.0, 88.5, 300)
    far = ClusterParams(eps_m=1500.0, window_h=1e6, uncertainty_weight=0.0)
    a = friends_of_friends(lat, lon, np.zeros(300), np.zeros(300), far)
    b = dbscan(lat, lon, 1500.0, 1)
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(a, b) == 1.0


def test_a_missing_person_never_links_to_another_need():
    kinds = need_kinds([["rescue", "food"], '["missing_person"]', [], "[]"],
                       ["requests_or_urgent_needs", None, "missing_or_found_people", "caution_and_advice"])
    assert kinds.tolist() == [0, 1, 1, 0]
    lat, lon, t = np.array([22.0, 22.001, 22.002, 22.003]), np.full(4, 88.0), np.zeros(4)  # 111 m steps
    labels = friends_of_friends(lat, lon, t, np.zeros(4), P, kinds)
    assert labels[1] == labels[2] and labels[0] == labels[3] and labels[0] != labels[1]
    assert len(set(friends_of_friends(lat, lon, t, np.zeros(4), P))) == 1  # without kinds: one chain


def test_a_gps_report_reaches_into_the_village_circle_but_two_village_points_do_not():
    params = ClusterParams()  # eps 400 m, a tenth of the radii, a quarter of a village's radius for GPS
    north = 900.0 / 111_195.0  # 900 m north, in degrees of latitude
    lat, lon, t = np.array([22.0, 22.0 + north]), np.array([88.0, 88.0]), np.zeros(2)
    gps_and_village = link_pairs(lat, lon, t, np.array([10.0, 2000.0]), params)
    two_villages = link_pairs(lat, lon, t, np.array([2000.0, 2000.0]), params)
    two_gps = link_pairs(lat, lon, t, np.array([10.0, 50.0]), params)
    assert len(gps_and_village[0]) == 1  # 900 m <= 400 + 0.1 x 2010 + 0.25 x 2000
    assert len(two_villages[0]) == 0  # 900 m > 400 + 0.1 x 4000: neighbouring villages stay apart
    assert len(two_gps[0]) == 0
    far = np.array([22.0, 22.0 + 1200.0 / 111_195.0])
    assert len(link_pairs(far, lon, t, np.array([10.0, 2000.0]), params)[0]) == 0  # beyond 1,101 m


def test_road_reports_link_only_to_each_other():
    # traffic police reports carry no category: a chain of them along a city's roads must not join
    # the distress calls of the whole city into one incident
    kinds = need_kinds([[], "[]", ["rescue"], []], [None, None, "requests_or_urgent_needs", "caution_and_advice"])
    assert kinds.tolist() == [2, 2, 0, 0]
    lat, lon, t = np.array([22.0, 22.001, 22.002, 22.003]), np.full(4, 88.0), np.zeros(4)  # 111 m steps
    labels = friends_of_friends(lat, lon, t, np.zeros(4), P, kinds)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]
