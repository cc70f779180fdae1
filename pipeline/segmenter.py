"""underthesea's word segmenter and token normalizer, without the rest of underthesea.

`import underthesea` runs the package's `__init__`, which imports every optional
pipeline it ships (classification, sentiment, translation, dependency parsing,
address conversion, ...) and joblib and numpy with them: about 0.2 s of every
process start (each CLI call, each run before its workers fork), for two
functions. These two are imported from their own modules. The package itself is
registered as a module whose `__init__` runs on the first use of any other name,
so `import underthesea` anywhere else in the process still gets the whole package.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from collections.abc import Callable
from functools import cache

PACKAGE = "underthesea"


class _Deferred(types.ModuleType):
    """The package before its `__init__` has run: submodules import through `__path__`; any other
    name runs the `__init__` first (once), then is looked up as usual."""

    def __getattr__(self, name: str) -> object:
        self.__class__ = types.ModuleType  # from here on, a plain module
        self.__spec__.loader.exec_module(self)
        return getattr(self, name)


def _register_deferred() -> _Deferred | None:
    """Put the package in `sys.modules` without running its `__init__` (unless it is there already)."""
    if PACKAGE in sys.modules:
        return None
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise ImportError(f"{PACKAGE} is not installed")
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _Deferred
    sys.modules[PACKAGE] = module
    return module


@cache
def _functions() -> tuple[Callable[..., list[str]], Callable[[str], str]]:
    deferred = _register_deferred()
    try:
        # the normalizer first: its module and the segmenter's import each other
        from underthesea.pipeline.text_normalize import token_normalize
        from underthesea.pipeline.word_tokenize import word_tokenize
    except ImportError:
        # another layout of the package (these are not its public names): take the package as published
        if deferred is not None and sys.modules.get(PACKAGE) is deferred:
            for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
                del sys.modules[name]
        from underthesea import word_tokenize
        from underthesea.pipeline.text_normalize import token_normalize
    return word_tokenize, token_normalize


def word_tokenize(text: str) -> list[str]:
    """Words of `text` (underthesea's CRF word segmentation), multi-syllable words joined by spaces."""
    return _functions()[0](text)


def token_normalize(word: str) -> str:
    """`word` with its tone mark in the place underthesea's normalizer puts it (`hoà` -> `hòa`)."""
    return _functions()[1](word)
