"""What a short-lived command-line process can leave out at start-up (see bench/bench.py).

Only the console script (`main`) calls `prepare`; the library and the tests run as they are.
"""

from __future__ import annotations

import gc
import sys
import types

_PLUGIN_LOADER = "pydantic.plugin._loader"


def prepare() -> None:
    """Leave out pydantic's plugin search and most garbage collection of start-up objects.

    - pydantic looks for plugins (entry points of every installed package) the first time
      it builds a validator, which imports importlib.metadata, email, zipfile and csv: about
      a tenth of tariffs' own start-up. tariffs uses no pydantic plugin, and one that hooks
      into validation has no place in a calculation; PYDANTIC_DISABLE_PLUGINS turns the
      search off but not those imports. The loader is given as a module that finds none.
    - The objects made so far (the libraries and the command line) are frozen, out of every
      collection, and the youngest generation is collected every 10,000 allocations rather
      than 700, full collections a tenth as often: start-up makes many long-lived objects
      (validators, classes) and few cycles. Peak memory stays the same.
    """
    if _PLUGIN_LOADER not in sys.modules:
        loader = types.ModuleType(_PLUGIN_LOADER, "pydantic plugins: none (tariffs.cli.startup)")
        loader.__dict__["get_plugins"] = _no_plugins
        sys.modules[_PLUGIN_LOADER] = loader
    gc.freeze()
    gc.set_threshold(10_000, 10, 100)


def _no_plugins() -> tuple[()]:
    return ()
