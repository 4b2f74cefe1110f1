"""Start-up speed: heavy imports that an extension makes eagerly, deferred until used.

Every build, even one that changes a single paragraph, pays for the imports of every
extension. Two of them import large libraries they need only sometimes:

- sphinxext-opengraph 0.13 imports its social-card module, and with it matplotlib and pyplot,
  when it is loaded, even with social cards switched off (``ogp_social_cards: {enable:
  false}``, as here): about 1.5 s. The upstream fix is to import the module inside
  ``social_card_for_page``.
- myst-nb 1.4 imports its two executing notebook clients, and with them jupyter-cache and
  SQLAlchemy, when it is loaded: about 0.5 s. They are needed only when a page with code cells
  is read, which a rebuild after editing any other chapter never does. The upstream fix is to
  import them inside ``create_client``.

For each, this extension registers a stand-in module holding what the importing code takes
from it at import time (the opengraph defaults; the two client classes' names) and loads the
real module the first time one of them is called. It must be listed before ``myst_nb`` and
``sphinxext.opengraph`` in the extensions.

Nothing a reader sees changes: the stand-ins hand every call to the real code.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
import types

from sphinx.application import Sphinx

SOCIAL_CARDS = "sphinxext.opengraph._social_cards"
NB_CLIENTS = {"myst_nb.core.execute.cache": "NotebookClientCache",
              "myst_nb.core.execute.direct": "NotebookClientDirect"}


@functools.cache
def real_module(name: str) -> types.ModuleType:
    """Load the real module from its file, under a name of its own (the stand-in keeps the
    original name); its relative imports still resolve within its package."""
    package, _, leaf = name.rpartition(".")
    parent = importlib.util.find_spec(package)
    path = f"{parent.submodule_search_locations[0]}/{leaf}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_real", path)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = package
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _real_social_cards():
    return real_module(SOCIAL_CARDS)


def _stand_in(name: str, **attributes) -> None:
    if name in sys.modules:  # already imported for real: nothing to defer
        return
    module = types.ModuleType(name)
    module.__doc__ = "Stand-in: the real module is loaded on first use (see lazy_imports)."
    module.__dict__.update(attributes)
    sys.modules[name] = module


def _deferred(module: str, attribute: str):
    """A callable that loads ``module`` and calls its ``attribute`` (a function or a class)."""
    def call(*args, **kwargs):
        return getattr(real_module(module), attribute)(*args, **kwargs)

    call.__name__ = call.__qualname__ = attribute
    return call


def _install_stand_ins() -> None:
    # Copied from sphinxext-opengraph 0.13.0 (_social_cards.DEFAULT_SOCIAL_CONFIG).
    _stand_in(SOCIAL_CARDS,
              DEFAULT_SOCIAL_CONFIG={"enable": True, "site_url": True, "site_title": True,
                                     "page_title": True, "description": True},
              create_social_card=_deferred(SOCIAL_CARDS, "create_social_card"))
    if "myst_nb.core.execute" not in sys.modules:
        for module, client in NB_CLIENTS.items():
            _stand_in(module, **{client: _deferred(module, client)})


_install_stand_ins()


def setup(app: Sphinx):
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
