"""The Digits tab's browser wiring: what a page sends back is checked; the page asks again for an engine
that a cold start is still preparing."""

import pytest


@pytest.mark.parametrize("twin", ["0.1, 0.2", [0.1] * 2000, [True, False], [[0.1, 0.2]], {"z": 1}])
def test_a_twin_sent_back_by_a_page_is_checked(twin):
    """The twin's latent lives in the page now: anything else than a short list of numbers is refused
    before the generator sees it (which then checks its length and values)."""
    from studio.digits.drawing import DrawingError
    from studio.ui.digits_browser import page_latent

    with pytest.raises(DrawingError, match="list of numbers"):
        page_latent(twin)
    assert page_latent(None) is None and page_latent([0.5, -1]) == [0.5, -1]


def test_the_page_asks_again_a_bounded_number_of_times():
    from studio.ui import digits_browser

    js = digits_browser.PRELOAD_JS
    assert "#digit-engine-ask" in js and f"<= {digits_browser.ENGINE_ASKS})" in js
    assert digits_browser.ENGINE_ASKS * digits_browser.ENGINE_ASK_MS >= 60000  # a cold export takes up to a minute
