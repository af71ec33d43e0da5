"""The one sanitiser: rich text from outside is already in the form the sanitiser writes."""

from core.html import rich_text_from_outside, sanitise_html


def test_plain_text_with_a_no_break_space_is_stored_as_the_sanitiser_writes_it():
    """Found by the property tests: `0\\xa00` became `<p>0\\xa00</p>`, which the render-time
    sanitiser rewrote as `<p>0&nbsp;0</p>`."""
    stored = rich_text_from_outside("Prix\xa0: 250\xa0€")
    assert sanitise_html(stored) == stored
    assert stored == "<p>Prix&nbsp;: 250&nbsp;€</p>"


def test_a_lone_surrogate_is_replaced_not_a_crash():
    """Found by the property tests: nh3 raised UnicodeEncodeError on '\\ud800'."""
    assert sanitise_html("<p>a\ud800b</p>") == "<p>a\ufffdb</p>"


def test_sanitising_twice_changes_nothing_with_a_byte_order_mark():
    """Found by the property tests: '<img>\\ufeff</img>' gave '\\ufeff', then ''."""
    once = sanitise_html("<img>\ufeff</img>x")
    assert once == "x" and sanitise_html(once) == once


def test_only_the_declared_attributes_survive():
    """Found by bench/fuzz.py: nh3 kept `title` and `lang` on every tag (its generic
    attributes), beyond ALLOWED_ATTRIBUTES."""
    clean = sanitise_html('<li title="t" lang="fr">x</li><a href="https://a.be" title="y">z</a>')
    assert clean == (
        '<li>x</li><a href="https://a.be" title="y" rel="noopener noreferrer nofollow">z</a>'
    )
