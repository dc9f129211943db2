"""Neighbourhood names: the shipped gazetteer, merging, fuzzy matching."""

from __future__ import annotations

import pytest

from nlu.gazetteer import PlaceMatcher, load_gazetteer, merge_names


@pytest.fixture(scope="module")
def places() -> PlaceMatcher:
    return PlaceMatcher(load_gazetteer())


@pytest.mark.parametrize(
    ("text", "canonical", "surface"),
    [
        ("casa di quartiere ospizzio", "Ospizio", "ospizzio"),
        ("abito a rosta nuva", "Rosta Nuova", "rosta nuva"),
        ("eventi a s croce?", "Santa Croce", "s croce"),
        ("corso all'orologgio", "Orologio", "orologgio"),
        ("gruppo di cammino a Pieve Modolena", "Pieve Modolena", "Pieve Modolena"),
        ("Що є в Оспіціо?", "Ospizio", "Оспіціо"),
        ("我想在Ospizio预约SPID", "Ospizio", "Ospizio"),
        ("圣克罗切有什么活动", "Santa Croce", "圣克罗切"),
        ("abito a Bagno", "Bagno", "Bagno"),
    ],
)
def test_names_are_found_despite_typos(
    places: PlaceMatcher, text: str, canonical: str, surface: str
) -> None:
    found = places.find(text)
    assert [(m.canonical, text[m.start : m.end]) for m in found] == [(canonical, surface)]


@pytest.mark.parametrize("text", ["il bagno è rotto", "lo stesso", "un foglio", "vado a croce"])
def test_everyday_words_are_not_places(places: PlaceMatcher, text: str) -> None:
    assert places.find(text) == []


def test_merged_names_are_matched_to_their_canonical_name() -> None:
    gazetteer = merge_names(load_gazetteer(), {"Casa Gardenia": ["la gardenia", "cdq gardenia"]})
    found = PlaceMatcher(gazetteer).find("orari della cdq gardenia")
    assert [m.canonical for m in found] == ["Casa Gardenia"]
    assert gazetteer.neighbourhoods["Ospizio"] == load_gazetteer().neighbourhoods["Ospizio"]
