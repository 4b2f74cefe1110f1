"""Start-up speed: heavy imports that an extension makes eagerly, deferred until used.

sphinxext-opengraph 0.13 imports its social-card module, and with it matplotlib and pyplot,
when it is loaded, even with social cards switched off (``ogp_social_cards: {enable: false}``,
as here). That import costs about 1.5 s on every build, half of a one-chapter rebuild. This
extension, listed before ``sphinxext.opengraph``, registers a stand-in for that module holding
the default configuration, and loads the real module only if a card is ever drawn. The
upstream fix is to import the module inside ``social_card_for_page``.

Nothing a reader sees changes: with cards off, the stand-in's function is never called.
"""

from __future__ import annotations

import importlib.util
import sys
import types

from sphinx.application import Sphinx

SOCIAL_CARDS = "sphinxext.opengraph._social_cards"


def _real_social_cards():
    """Load the real module from its file, under its own name."""
    parent = importlib.util.find_spec("sphinxext.opengraph")
    path = f"{parent.submodule_search_locations[0]}/_social_cards.py"
    spec = importlib.util.spec_from_file_location(SOCIAL_CARDS + "_real", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _install_stand_in() -> None:
    if SOCIAL_CARDS in sys.modules:
        return
    stand_in = types.ModuleType(SOCIAL_CARDS)
    stand_in.__doc__ = "Stand-in: the real module is loaded on first use (see lazy_imports)."
    # Copied from sphinxext-opengraph 0.13.0 (_social_cards.DEFAULT_SOCIAL_CONFIG).
    stand_in.DEFAULT_SOCIAL_CONFIG = {"enable": True, "site_url": True, "site_title": True,
                                      "page_title": True, "description": True}

    def create_social_card(*args, **kwargs):
        return _real_social_cards().create_social_card(*args, **kwargs)

    stand_in.create_social_card = create_social_card
    sys.modules[SOCIAL_CARDS] = stand_in


_install_stand_in()


def setup(app: Sphinx):
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
