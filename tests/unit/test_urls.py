"""URL helpers: the archive key, domain and outlet, section, date and slug words of a URL."""

from __future__ import annotations

import pytest

from desktop.data.urls import (
    OUTLETS,
    date_of,
    domain_of,
    headline_words,
    is_http_url,
    normalize_url,
    outlet_of,
    section_of,
    slug_names_section,
    slug_words,
)

INDEPENDENT = (
    "http://www.independent.co.uk/news/world/middle-east/mosul-offensive-latest-isis-escape-"
    "route-cut-off-new-front-launched-shiite-militia-hashed-al-shaabi-a7386276.html"
)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://www.example.com/a/b", "https://example.com/a/b"),
        ("HTTPS://WWW.Example.COM/Path/Kept", "https://example.com/Path/Kept"),
        ("https://example.com:443/x", "https://example.com/x"),
        ("http://example.com:80/x", "https://example.com/x"),
        ("http://example.com:8080/x", "https://example.com:8080/x"),
        ("https://example.com:80/x", "https://example.com:80/x"),
        ("https://example.com/x#comments", "https://example.com/x"),
        (
            "https://example.com/x?utm_source=tw&id=4&UTM_Medium=s&fbclid=abc&page=2",
            "https://example.com/x?id=4&page=2",
        ),
        (
            "https://www.nytimes.com/2016/10/29/a.html?smid=tw-share",
            "https://nytimes.com/2016/10/29/a.html",
        ),
        ("https://example.com", "https://example.com/"),
        ("  https://example.com/x  ", "https://example.com/x"),
    ],
)
def test_normalize_url(url: str, key: str) -> None:
    assert normalize_url(url) == key


def test_http_and_https_are_the_same_key() -> None:
    assert normalize_url(INDEPENDENT) == normalize_url(INDEPENDENT.replace("http:", "https:"))


@pytest.mark.parametrize(
    ("url", "domain", "outlet"),
    [
        (INDEPENDENT, "independent.co.uk", "The Independent"),
        ("https://www.theguardian.com/world/2016/oct/29/x-y", "theguardian.com", "The Guardian"),
        ("http://www.bbc.co.uk/news/world-us-canada-38305827", "bbc.co.uk", "BBC News"),
        ("https://www.bbc.com/news/world-38305827", "bbc.com", "BBC News"),
        ("http://news.bbc.co.uk/1/hi/uk/7000000.stm", "bbc.co.uk", "BBC News"),
        ("https://m.bbc.co.uk/news/uk-1", "bbc.co.uk", "BBC News"),
        ("https://www.nytimes.com/2016/10/29/us/x-y.html", "nytimes.com", "The New York Times"),
        ("https://abcnews.go.com/Politics/a-b/story?id=1", "abcnews.go.com", "ABC News"),
        ("https://edition.cnn.com/2016/10/29/politics/a-b/", "cnn.com", "CNN"),
        ("https://www.washingtonpost.com/news/a-b/", "washingtonpost.com", "The Washington Post"),
        ("https://www.smh.com.au/world/a-b.html", "smh.com.au", "The Sydney Morning Herald"),
        ("http://www.awm.com/church-gift-to-waitresses/", "awm.com", "awm.com"),
        ("http://m.blog.example.org/a-b", "example.org", "example.org"),
        ("http://www.thetimes.co.uk/article/a-b", "thetimes.co.uk", "The Times"),
        ("https://shop.example.co.uk/a-b", "example.co.uk", "example.co.uk"),
        ("https://willyloman.wordpress.com/category/a-b/", "willyloman.wordpress.com",
         "willyloman.wordpress.com"),
    ],
)
def test_domain_and_outlet(url: str, domain: str, outlet: str) -> None:
    assert domain_of(url) == domain
    assert outlet_of(url) == outlet


def test_outlet_table_has_at_least_30_outlets() -> None:
    assert len(set(OUTLETS.values())) >= 30
    assert OUTLETS["independent.co.uk"] == "The Independent"
    assert OUTLETS["theguardian.com"] == "The Guardian"
    assert OUTLETS["bbc.co.uk"] == OUTLETS["bbc.com"] == "BBC News"
    assert OUTLETS["nytimes.com"] == "The New York Times"


@pytest.mark.parametrize(
    ("url", "section"),
    [
        (INDEPENDENT, ("News", "World", "Middle East")),
        ("https://www.theguardian.com/world/2016/oct/29/some-story", ("World",)),
        ("https://www.theguardian.com/us-news/2016/dec/11/some-story", ("US News",)),
        ("https://www.nytimes.com/2016/10/29/world/middleeast/iraq-mosul.html",
         ("World", "Middleeast")),
        # BBC writes its section where others write a slug: it is the last section name.
        ("https://www.bbc.co.uk/news/world-middle-east-37797331", ("News", "World Middle East")),
        ("http://www.bbc.co.uk/news/uk-politics-34678442", ("News", "UK Politics")),
        ("https://example.com/some-story", ()),
        # "article" says what kind of page it is, not which section.
        ("https://www.reuters.com/article/us-usa-trump-idUSKBN1431Z1", ()),
        ("https://www.example.com/business/story/markets-rally-20161029", ("Business",)),
        ("https://example.com/", ()),
        ("https://www.newsmax.com/newsfront/david-letterman-obama/2018/01/05/id/835393/",
         ("Newsfront",)),
        ("https://example.com/culture/may/some-story", ("Culture", "May")),
    ],
)
def test_section_of(url: str, section: tuple[str, ...]) -> None:
    assert section_of(url) == section


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("https://www.theguardian.com/world/2016/oct/29/some-story", "2016-10-29"),
        ("https://www.nytimes.com/2016/10/29/world/a-b.html", "2016-10-29"),
        ("https://example.com/news/a-b-20161029.html", "2016-10-29"),
        ("https://example.com/20161029/a-b", "2016-10-29"),
        ("https://example.com/2016/sept/3/a-b", "2016-09-03"),
        ("https://example.com/2016/02/30/a-b", None),
        ("https://example.com/news/a-b-20161399.html", None),
        ("https://example.com/2016/10/a-b", None),
        (INDEPENDENT, None),
        ("https://www.bbc.co.uk/news/world-37797331", None),
        ("not a url", None),
    ],
)
def test_date_of(url: str, date: str | None) -> None:
    assert date_of(url) == date


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (INDEPENDENT, ["mosul", "offensive", "latest", "isis", "escape", "route", "cut", "off",
                       "new", "front", "launched", "shiite", "militia", "hashed", "al", "shaabi"]),
        ("https://www.nytimes.com/2016/10/29/us/politics/trump-campaign.html",
         ["trump", "campaign"]),
        ("https://www.bbc.co.uk/news/uk-politics-37797331", ["uk", "politics"]),
        ("https://www.reuters.com/article/us-usa-trump-idUSKBN1431Z1", ["us", "usa", "trump"]),
        ("https://www.naturalnews.com/055405_opioids_Big_Pharma.html",
         ["opioids", "big", "pharma"]),
        ("https://www.newsmax.com/newsfront/letterman-obama-netflix/2018/01/05/id/835393/",
         ["letterman", "obama", "netflix"]),
        ("https://edition.cnn.com/2016/10/29/politics/index.html", []),
        ("https://example.com/2016/10/29/brexit.html", ["brexit"]),
        ("https://example.com/in-2017-police-killed-1184-people/", ["in", "2017", "police",
                                                                    "killed", "1184", "people"]),
        ("https://example.com/", []),
    ],
)
def test_slug_words(url: str, words: list[str]) -> None:
    assert slug_words(url) == words


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://www.reuters.com/article/us-usa-trump-cabinet-idUSKBN1431Z1",
         ["trump", "cabinet"]),
        ("https://uk.reuters.com/article/uk-britain-eu-brexit-idUKKBN1431Z1",
         ["britain", "eu", "brexit"]),
        ("https://www.reuters.com/article/us-china-trade-idUSKBN1431Z1", ["china", "trade"]),
        ("https://www.reuters.com/article/us-idUSKBN1431Z1", ["us"]),
        # Elsewhere a two-letter first word is the headline's.
        ("https://example.com/news/us-plans-new-tariffs", ["us", "plans", "new", "tariffs"]),
        (INDEPENDENT, slug_words(INDEPENDENT)),
    ],
)
def test_headline_words_drop_reuters_edition_codes(url: str, words: list[str]) -> None:
    assert headline_words(url) == words


@pytest.mark.parametrize(
    ("url", "names_section"),
    [
        ("https://www.bbc.co.uk/news/world-us-canada-38305827", True),
        ("https://www.bbc.com/news/world-38305827", True),
        ("https://www.bbc.co.uk/news/uk-politics-37797331", True),
        ("https://www.bbc.co.uk/news/uk-england-tyne-wear-37797331", True),
        ("https://www.bbc.co.uk/news/business/us-and-other-powers-including-98616634", False),
        ("https://www.bbc.co.uk/sport/football/38305827", False),
        (INDEPENDENT, False),
        ("https://www.reuters.com/article/us-usa-trump-idUSKBN1431Z1", False),
        ("https://example.com/news/world-us-canada-38305827", False),
        ("not a url", False),
    ],
)
def test_slug_names_section_only_for_section_and_id_urls(url: str, names_section: bool) -> None:
    assert slug_names_section(url) is names_section


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("http://example.com/a", True),
        ("HTTPS://example.com", True),
        ("ftp://example.com/a", False),
        ("example.com/a", False),
        ("https://", False),
        ("https://exa mple.com/a", False),
        ("https://localhost/a", False),
        ("https://example.com:99999/a", False),
        ("https://[::1/a", False),
        ("javascript:alert(1)", False),
        ("", False),
    ],
)
def test_is_http_url(url: str, ok: bool) -> None:
    assert is_http_url(url) is ok


@pytest.mark.parametrize("junk", ["", "::::", "http://[", "https://example.com:abc/", "\x00"])
def test_helpers_accept_junk_without_raising(junk: str) -> None:
    assert date_of(junk) is None
    assert slug_words(junk) == []
    assert section_of(junk) == ()
    assert isinstance(normalize_url(junk), str)
    assert isinstance(outlet_of(junk), str)
